/*
 * test_ccplot.c — the cc log reader takes what cc_format writes and refuses
 * anything else, and the chart is well-formed SVG with one point per line.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccplot.h"
#include "cc.h"
#include "xmlcheck.h"

#define NLINES	40

/* NLINES log lines from a Reno controller through slow start, a fast
 * retransmit and a timeout, as cc_format writes them. */
static int
make_log(char lines[NLINES][512])
{
	struct cc c;
	struct rtt r;
	struct rtt_config rc;

	rtt_config_default(&rc);
	cr_assert_eq(cc_init(&c, CC_RENO, 1000), 0);
	cr_assert_eq(rtt_init(&r, &rc), 0);
	for (int i = 0; i < NLINES; i++) {
		if (i == 15)
			cc_on_dupack(&c, 3, c.cwnd);
		else if (i == 30)
			cc_on_timeout(&c, c.cwnd);
		else
			cc_on_ack(&c, 1000);
		rtt_sample(&r, 20 + i % 5);
		cr_assert_gt(cc_format(&c, &r, 10L * i, lines[i], 512), 0);
	}
	return NLINES;
}

Test(ccplot, reads_every_line_cc_format_writes)
{
	char lines[NLINES][512];
	struct ccplot_point p;

	make_log(lines);
	for (int i = 0; i < NLINES; i++) {
		cr_assert_eq(ccplot_parse(lines[i], strlen(lines[i]), &p), 0, "%s", lines[i]);
		cr_assert_float_eq(p.t_ms, 10.0 * i, 1e-9);
		cr_assert_gt(p.cwnd, 0);
	}
	cr_assert_eq(ccplot_parse(lines[0], strlen(lines[0]), &p), 0);
	cr_assert_eq(p.has_ssthresh, 0, "no ssthresh before the first loss");
	cr_assert_eq(ccplot_parse(lines[NLINES - 1], strlen(lines[NLINES - 1]), &p), 0);
	cr_assert_eq(p.has_ssthresh, 1);
}

Test(ccplot, refuses_what_is_not_a_cc_log_line)
{
	static const char *const bad[] = {
		"", "{}", "[1,2]", "t_ms 1 cwnd 2",
		"{\"t_ms\":1}",					/* no cwnd */
		"{\"cwnd\":1}",					/* no t_ms */
		"{\"t_ms\":\"1\",\"cwnd\":2}",			/* t_ms a string */
		"{\"t_ms\":1,\"cwnd\":2",			/* not closed */
		"{\"t_ms\":1,\"cwnd\":2}x",			/* trailing */
		"{\"t_ms\":1,\"cwnd\":{\"a\":1}}",		/* nested */
		"{\"t_ms\":1,\"cwnd\":2,}",			/* trailing comma */
		"{\"t_ms\":1,\"cwnd\":2,\"x\":\"open}",		/* open string */
		"{\"t_ms\":1e999,\"cwnd\":2}",			/* not finite */
		"{\"t_ms\":1,\"cwnd\":nul}",			/* bad word */
		"{\"t_ms\":1 \"cwnd\":2}",			/* no comma */
		"{\"t_ms\":1,\"cwnd\":2,\"x\":\"a\\",		/* escape at the end */
	};
	struct ccplot_point p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(ccplot_parse(bad[i], strlen(bad[i]), &p), -1, "took '%s'", bad[i]);
	cr_assert_eq(ccplot_parse("{ \"t_ms\" : 5 , \"cwnd\" : null }\n", 31, &p), 0);
	cr_assert_eq(p.cwnd, 0);
}

Test(ccplot, draws_well_formed_svg_with_one_point_per_line)
{
	char lines[NLINES][512], *doc = NULL;
	struct ccplot_point pts[NLINES];
	size_t len = 0;
	long with_ssthresh = 0;
	const char *why;
	FILE *f;

	make_log(lines);
	for (int i = 0; i < NLINES; i++) {
		cr_assert_eq(ccplot_parse(lines[i], strlen(lines[i]), &pts[i]), 0);
		with_ssthresh += pts[i].has_ssthresh;
	}
	cr_assert_not_null(f = open_memstream(&doc, &len));
	cr_assert_eq(ccplot_write(f, pts, NLINES, "Reno <&> \"sawtooth\""), 0);
	cr_assert_eq(fclose(f), 0);
	why = xmlcheck(doc, len);
	cr_assert_null(why, "not well-formed: %s", why);
	cr_assert_eq(xmlcheck_points(doc, "cwnd"), NLINES);
	cr_assert_eq(xmlcheck_points(doc, "ssthresh"), with_ssthresh);
	cr_assert_gt(with_ssthresh, 0);
	cr_assert_not_null(strstr(doc, "Reno &lt;&amp;&gt; &quot;sawtooth&quot;"));
	free(doc);
}

Test(ccplot, the_checker_catches_broken_documents)
{
	static const char *const bad[] = {
		"<svg>", "<svg></g>", "<svg a=1/>", "<svg a=\"1/>", "<svg>&</svg>",
		"<svg/><svg/>", "text<svg/>", "<svg><g></svg></g>", "<svg a=\"<\"/>",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_not_null(xmlcheck(bad[i], strlen(bad[i])), "took '%s'", bad[i]);
	const char *good = "<?xml version=\"1.0\"?>\n<svg a='1'><g>x &amp; y</g></svg>\n";

	cr_assert_null(xmlcheck(good, strlen(good)), "%s", xmlcheck(good, strlen(good)));
}

/* The number of times needle occurs in hay. */
static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

Test(ccplot, draws_two_logs_on_shared_axes_with_a_legend_each)
{
	char lines[NLINES][512], *doc = NULL, *one = NULL;
	struct ccplot_point pts[NLINES], late[NLINES / 2];
	struct ccplot_log logs[2] = {
		{ pts, NLINES, "flow 1" }, { late, NLINES / 2, "flow <2>" },
	};
	size_t len = 0, onelen = 0;
	const char *why;
	FILE *f;

	make_log(lines);
	for (int i = 0; i < NLINES; i++)
		cr_assert_eq(ccplot_parse(lines[i], strlen(lines[i]), &pts[i]), 0);
	for (int i = 0; i < NLINES / 2; i++) {	/* starts later, twice as large */
		late[i] = pts[i];
		late[i].t_ms += 1000;
		late[i].cwnd *= 2;
	}
	cr_assert_not_null(f = open_memstream(&doc, &len));
	cr_assert_eq(ccplot_write_logs(f, logs, 2, "two"), 0);
	cr_assert_eq(fclose(f), 0);
	why = xmlcheck(doc, len);
	cr_assert_null(why, "not well-formed: %s", why);
	cr_assert_eq(count(doc, "<polyline class=\"cwnd\""), 2);
	cr_assert_eq(count(doc, "<polyline class=\"ssthresh\""), 2);
	cr_assert_eq(xmlcheck_points(doc, "cwnd"), NLINES, "the first log's cwnd");
	cr_assert_not_null(strstr(doc, ">flow 1 cwnd</text>"));
	cr_assert_not_null(strstr(doc, ">flow &lt;2&gt; ssthresh</text>"));
	cr_assert_eq(count(doc, "stroke=\"#1f77b4\""), 2, "one colour per log");
	cr_assert_eq(count(doc, "stroke=\"#d62728\""), 2, "one colour per log");
	/* Shared axes: time runs to the later log's end, bytes to its peak. */
	cr_assert_not_null(strstr(doc, ">1.190</text>"), "x axis ends at 1.19 s");
	cr_assert_null(strstr(doc, ">0.390</text>"), "not at the first log's end");
	cr_assert_not_null(f = open_memstream(&one, &onelen));
	cr_assert_eq(ccplot_write(f, pts, NLINES, "two"), 0);
	cr_assert_eq(fclose(f), 0);
	cr_assert_neq(strcmp(doc, one), 0);
	free(one);
	free(doc);
}

Test(ccplot, one_unnamed_log_draws_as_ccplot_write_does)
{
	char lines[NLINES][512], *a = NULL, *b = NULL;
	struct ccplot_point pts[NLINES];
	struct ccplot_log log = { pts, NLINES, NULL };
	size_t alen = 0, blen = 0;
	FILE *f;

	make_log(lines);
	for (int i = 0; i < NLINES; i++)
		cr_assert_eq(ccplot_parse(lines[i], strlen(lines[i]), &pts[i]), 0);
	cr_assert_not_null(f = open_memstream(&a, &alen));
	cr_assert_eq(ccplot_write(f, pts, NLINES, NULL), 0);
	cr_assert_eq(fclose(f), 0);
	cr_assert_not_null(f = open_memstream(&b, &blen));
	cr_assert_eq(ccplot_write_logs(f, &log, 1, NULL), 0);
	cr_assert_eq(ccplot_write_logs(f, &log, 0, NULL), -1, "no log");
	cr_assert_eq(ccplot_write_logs(f, &log, CCPLOT_LOGS_MAX + 1, NULL), -1);
	cr_assert_eq(fclose(f), 0);
	cr_assert_str_eq(a, b);
	cr_assert_not_null(strstr(a, ">cwnd</text>"), "unnamed legend");
	free(a);
	free(b);
}
