/*
 * test_svgplot.c — the SVG chart writer: nice ticks, a document that parses
 * as XML, every series and legend entry present, gaps for missing points,
 * escaped text, and errors reported rather than half a file claimed good.
 *
 * The XML check is a small tag-balancing parser (start, end and empty-element
 * tags, attributes quoted, entities known): enough to catch an unclosed
 * element, a stray '<' or '&' from unescaped text, or a truncated file.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svgplot.h"

/* ---- a minimal XML well-formedness check ---- */

/* Skips an attribute list up to '>' or '/>'.  Returns the position after
 * the tag, or NULL if an attribute is malformed. */
static const char *
skip_attributes(const char *s, int *empty)
{
	for (;;) {
		while (*s == ' ' || *s == '\n' || *s == '\t')
			s++;
		if (s[0] == '/' && s[1] == '>') {
			*empty = 1;
			return s + 2;
		}
		if (*s == '>') {
			*empty = 0;
			return s + 1;
		}
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return NULL;
		while (*s != '=' && *s != '\0' && *s != '>' && *s != ' ')
			s++;
		if (s[0] != '=' || s[1] != '"')
			return NULL;
		s = strchr(s + 2, '"');
		if (s == NULL)
			return NULL;
		s++;
	}
}

/* Only the five predefined entities may follow '&'. */
static int
entity_ok(const char *s)
{
	static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;",
	    "&apos;" };

	for (size_t i = 0; i < 5; i++)
		if (strncmp(s, ents[i], strlen(ents[i])) == 0)
			return 1;
	return 0;
}

/* 1 if doc is well-formed XML with a single <svg> root. */
static int
well_formed(const char *doc)
{
	char stack[64][32];
	int depth = 0, roots = 0;
	const char *s = doc;

	if (strncmp(s, "<?xml", 5) == 0 && (s = strstr(s, "?>")) != NULL)
		s += 2;
	while (s != NULL && *s != '\0') {
		if (*s == '&' && !entity_ok(s))
			return 0;
		if (*s != '<') {
			if (*s == '>')
				return 0;
			s++;
			continue;
		}
		if (s[1] == '/') {
			size_t n = strcspn(s + 2, ">");

			if (depth == 0 || n != strlen(stack[depth - 1]) ||
			    strncmp(s + 2, stack[depth - 1], n) != 0)
				return 0;
			depth--;
			s += n + 3;
			continue;
		}
		{
			size_t n = strcspn(s + 1, " />\n");
			int empty;

			if (n == 0 || n >= sizeof(stack[0]) || depth == 64)
				return 0;
			if (depth == 0 && roots++ > 0)
				return 0;
			memcpy(stack[depth], s + 1, n);
			stack[depth][n] = '\0';
			if ((s = skip_attributes(s + 1 + n, &empty)) == NULL)
				return 0;
			depth += !empty;
			if (empty && depth == 0)
				return 0;	/* a root that is not <svg>...</svg> */
		}
	}
	return s != NULL && depth == 0 && roots == 1 &&
	    strncmp(strstr(doc, "<svg"), "<svg", 4) == 0;
}

static size_t
count(const char *doc, const char *needle)
{
	size_t n = 0;

	for (const char *p = doc; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* Renders plot into a malloc'd string (the caller frees it). */
static char *
render(const struct svgplot *plot, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	*rc = svgplot_write(f, plot);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

/* ---- ticks ---- */

Test(svgplot, ticks_are_round_numbers_covering_the_range)
{
	double t[32];
	size_t n = svgplot_ticks(0, 64, 8, t, 32);

	cr_assert_eq(n, 8, "0..64 in steps of 10: %zu ticks", n);
	for (size_t i = 0; i < n; i++)
		cr_expect_float_eq(t[i], 10.0 * i, 1e-9);
	n = svgplot_ticks(0, 0.37, 8, t, 32);
	cr_assert_eq(n, 9);
	cr_expect_float_eq(t[1], 0.05, 1e-12);
	cr_expect_float_eq(t[8], 0.4, 1e-12);
	n = svgplot_ticks(3, 1234, 6, t, 32);
	cr_expect_float_eq(t[0], 0, 1e-9);
	cr_expect(t[n - 1] >= 1234 && t[1] - t[0] == 500, "step %g", t[1] - t[0]);
}

Test(svgplot, ticks_refuse_an_empty_or_inverted_range)
{
	double t[4];

	cr_expect_eq(svgplot_ticks(1, 1, 8, t, 4), 0);
	cr_expect_eq(svgplot_ticks(2, 1, 8, t, 4), 0);
	cr_expect_eq(svgplot_ticks(0, NAN, 8, t, 4), 0);
	cr_expect_eq(svgplot_ticks(0, 1, 0, t, 4), 0);
}

/* ---- documents ---- */

static const double xs[] = { 1, 2, 4, 8, 16 };
static const double line_y[] = { 1, 2, 4, 8, 16 };
static const double dots_y[] = { 1.1, 2.2, NAN, 8.5, 17 };

Test(svgplot, writes_a_well_formed_chart_with_every_series)
{
	struct svgplot_series se[] = {
		{ .name = "client-server bound", .x = xs, .y = line_y, .n = 5,
		  .color = "#1f5fa8", .style = SVGPLOT_LINE },
		{ .name = "measured", .x = xs, .y = dots_y, .n = 5,
		  .color = "#c8402a", .style = SVGPLOT_DASHED | SVGPLOT_CIRCLES },
		{ .name = "squares only", .x = xs, .y = line_y, .n = 5,
		  .color = "#000000", .style = SVGPLOT_SQUARES },
	};
	struct svgplot plot = { .title = "Distribution time",
	    .xlabel = "N", .ylabel = "seconds", .series = se, .nseries = 3 };
	int rc;
	char *doc = render(&plot, &rc);

	cr_assert_eq(rc, 0);
	cr_assert(well_formed(doc), "not well-formed:\n%s", doc);
	cr_expect_eq(count(doc, "class=\"series\""), 3);
	cr_expect_eq(count(doc, "<polyline"), 2, "two series have lines");
	cr_expect_eq(count(doc, "<circle"), 4 + 1,
	    "four finite points, plus one in the legend");
	cr_expect_eq(count(doc, "stroke-dasharray"), 2, "line and legend");
	for (size_t i = 0; i < 3; i++)
		cr_expect_neq(count(doc, se[i].name), 0, "%s", se[i].name);
	cr_expect_neq(count(doc, ">Distribution time</text>"), 0);
	cr_expect_neq(count(doc, ">seconds</text>"), 0);
	free(doc);
}

Test(svgplot, escapes_markup_in_text)
{
	struct svgplot_series se = { .name = "a < b & \"c\"", .x = xs,
	    .y = line_y, .n = 5 };
	struct svgplot plot = { .title = "<script>", .series = &se, .nseries = 1 };
	int rc;
	char *doc = render(&plot, &rc);

	cr_assert_eq(rc, 0);
	cr_expect(well_formed(doc), "%s", doc);
	cr_expect_eq(count(doc, "<script>"), 0);
	cr_expect_neq(count(doc, "a &lt; b &amp; &quot;c&quot;"), 0);
	free(doc);
}

Test(svgplot, maps_the_largest_value_inside_the_frame)
{
	struct svgplot_series se = { .name = "s", .x = xs, .y = line_y, .n = 5 };
	struct svgplot plot = { .series = &se, .nseries = 1, .width = 400,
	    .height = 300 };
	float x, y;
	int rc, n = 0;
	char *doc = render(&plot, &rc), *pts, *save = NULL;

	cr_assert_eq(rc, 0);
	pts = strstr(doc, "points=\"");
	cr_assert_not_null(pts);
	pts += 8;
	*strchr(pts, '"') = '\0';
	/* Every point lies within the 400 x 300 picture. */
	for (char *tok = strtok_r(pts, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save), n++) {
		cr_assert_eq(sscanf(tok, "%f,%f", &x, &y), 2, "%s", tok);
		cr_expect(x >= 0 && x <= 400 && y >= 0 && y <= 300, "%f,%f", x, y);
	}
	cr_expect_eq(n, 5);
	free(doc);
}

Test(svgplot, the_xml_check_rejects_broken_documents)
{
	cr_expect(well_formed("<svg a=\"1\"><g><line/></g></svg>"));
	cr_expect(!well_formed("<svg><g></svg>"), "unclosed element");
	cr_expect(!well_formed("<svg>a & b</svg>"), "bare ampersand");
	cr_expect(!well_formed("<svg><text>1 < 2</text></svg>"), "bare <");
	cr_expect(!well_formed("<svg x=1></svg>"), "unquoted attribute");
	cr_expect(!well_formed("<svg></svg><svg></svg>"), "two roots");
	cr_expect(!well_formed("<svg><g>"), "truncated");
}

Test(svgplot, refuses_a_chart_with_nothing_to_draw)
{
	static const double none[] = { NAN, INFINITY };
	struct svgplot_series se = { .name = "s", .x = xs, .y = none, .n = 2 };
	struct svgplot plot = { .series = &se, .nseries = 1 };
	int rc;
	char *doc;

	errno = 0;
	doc = render(&plot, &rc);
	cr_expect_eq(rc, -1);
	cr_expect_eq(errno, EINVAL);
	free(doc);
	plot.nseries = 0;
	doc = render(&plot, &rc);
	cr_expect_eq(rc, -1);
	free(doc);
}

Test(svgplot, reports_a_failed_write)
{
	struct svgplot_series se = { .name = "s", .x = xs, .y = line_y, .n = 5 };
	struct svgplot plot = { .series = &se, .nseries = 1 };
	FILE *f = fopen("/dev/full", "w");

	if (f == NULL)
		cr_skip_test("no /dev/full here");
	cr_expect_eq(svgplot_write(f, &plot), -1);
	fclose(f);
}
