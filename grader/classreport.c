/*
 * classreport.c — see classreport.h.  A record is text with lengths: a
 * header line per item ("build STATUS LEN", "test I STATUS POINTS LEN",
 * "file NAMELEN LEN") followed by its bytes and a newline, so a message or
 * a file may hold any byte and a cut record is seen as cut.  The page is
 * written from counts made once (struct tally); every byte that comes from
 * a student (names, messages, code) goes through html() or json().
 */
#include "classreport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "similar.h"

#define RECORD_MAX (16 * 1024 * 1024)
#define TOP_LINES 5		/* first failure lines shown per test */
#define NBINS 11		/* 0-9 %, ..., 90-99 %, full marks */
#define MATCH_LINES 40		/* lines shown of one shared stretch */
#define SHOWN_PAIRS 50		/* pairs whose shared lines the page shows */

/* Reads at most cap bytes of the regular file at fd into sb.  Returns 0, or -1. */
static int
read_fd(int fd, size_t cap, struct strbuf *sb)
{
	char buf[8192];
	ssize_t n;

	while (sb->len < cap && (n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		strbuf_append(sb, buf, sb->len + (size_t)n > cap ? cap - sb->len : (size_t)n);
	}
	return sb->failed ? -1 : 0;
}

void
classreport_take_code(const struct given *g, const char *dir, struct strbuf *code)
{
	int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (size_t i = 0; d != -1 && i < g->ngaps; i++) {
		int fd = openat(d, g->gaps[i].name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		struct strbuf text;
		struct stat st;

		if (fd == -1)
			continue;
		strbuf_init(&text);
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    read_fd(fd, CLASSREPORT_CODE_MAX, &text) == 0) {
			size_t nl = strlen(g->gaps[i].name);

			strbuf_printf(code, "file %zu %zu\n%s", nl, nl + text.len, g->gaps[i].name);
			strbuf_append(code, strbuf_str(&text), text.len);
			strbuf_putc(code, '\n');
		}
		strbuf_free(&text);
		close(fd);
	}
	if (d != -1)
		close(d);
}

/* The length of s's first line. */
static size_t
first_line(const char *s)
{
	return strcspn(s, "\n");
}

int
classreport_save(const struct report *rep, const struct strbuf *code, const char *path)
{
	struct strbuf sb;
	const char *m = strbuf_str(&rep->build.message);
	int fd, rc = 0;

	strbuf_init(&sb);
	strbuf_printf(&sb, "build %d %zu\n%.*s\n", (int)rep->build.status, first_line(m),
	    (int)first_line(m), m);
	for (size_t i = 0; i < rep->lab->ntests; i++) {
		if (!rep->ran[i])
			continue;
		m = strbuf_str(&rep->results[i].message);
		strbuf_printf(&sb, "test %zu %d %d %zu\n%.*s\n", i, (int)rep->results[i].status,
		    rep->results[i].points, first_line(m), (int)first_line(m), m);
	}
	if (code != NULL)
		strbuf_append(&sb, strbuf_str(code), code->len);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) == -1)
		rc = -1;
	for (size_t off = 0; rc == 0 && off < sb.len;) {
		ssize_t n = write(fd, sb.data + off, sb.len - off);

		if (n < 0 && errno != EINTR)
			rc = -1;
		off += n > 0 ? (size_t)n : 0;
	}
	if (fd != -1 && close(fd) == -1)
		rc = -1;
	rc = sb.failed ? -1 : rc;
	strbuf_free(&sb);
	return rc;
}

/* One line and how many students' first failure it was. */
struct line_count {
	char *line;
	size_t count;
};

struct test_tally {
	size_t passed, failed, skipped, not_run;
	struct line_count *lines;
	size_t nlines;
};

struct student {
	int score, max, recorded;
	enum result_status build;
	char *why;		/* the build's first line, when it did not pass */
};

struct tally {
	const struct classreport_run *run;
	struct student *st;
	struct test_tally *tests;
	size_t hist[NBINS];
	struct similar *sim;
	struct similar_pair *pairs;
	long npairs;
};

/* Counts one more first failure line for test t. */
static int
count_line(struct test_tally *t, const char *line, size_t len)
{
	struct line_count *v;

	for (size_t i = 0; i < t->nlines; i++)
		if (strlen(t->lines[i].line) == len && memcmp(t->lines[i].line, line, len) == 0) {
			t->lines[i].count++;
			return 0;
		}
	if ((v = realloc(t->lines, (t->nlines + 1) * sizeof(*v))) == NULL)
		return -1;
	t->lines = v;
	if ((v[t->nlines].line = strndup(line, len)) == NULL)
		return -1;
	v[t->nlines++].count = 1;
	return 0;
}

/* The numbers of an item header, each after a space, from *s (up to 4, into
 * v); *s moves past them.  Returns how many, or -1 if one is bad or cut. */
static int
item_numbers(const char **s, const char *end, unsigned long *v)
{
	const char *q = *s;
	int n;

	for (n = 0; q < end && *q == ' ' && n < 4; n++) {
		char *e;

		errno = 0;
		v[n] = strtoul(q + 1, &e, 10);
		if (e == q + 1 || errno != 0 || e >= end)
			return -1;
		q = e;
	}
	*s = q;
	return n;
}

/*
 * Reads the item header at *p (its numbers into v, up to 4) and moves *p
 * past the header and the item's bytes, whose length is the last number;
 * *body points at them.  Returns how many numbers, or -1 if it is cut.
 */
static int
item(const char **p, const char *end, const char *word, unsigned long *v, const char **body)
{
	size_t wl = strlen(word);
	const char *s = *p;
	int n = 0;

	if ((size_t)(end - s) <= wl || memcmp(s, word, wl) != 0 || s[wl] != ' ')
		return -1;
	s += wl;
	if ((n = item_numbers(&s, end, v)) == -1)
		return -1;
	if (n == 0 || s >= end || *s != '\n' || (size_t)(end - s) < 2 ||
	    v[n - 1] > (size_t)(end - s) - 2 || s[1 + v[n - 1]] != '\n')
		return -1;
	*body = s + 1;
	*p = s + 2 + v[n - 1];
	return n;
}

/* Counts test i's outcome (status, points, first line of its message) for student st. */
static int
count_test(struct tally *ty, struct student *st, const unsigned long *v, const char *body)
{
	const struct labconf_test *t = &ty->run->lab->tests[v[0]];
	struct test_tally *tt = &ty->tests[v[0]];

	st->score += (int)v[2];
	st->max += t->points;
	tt->not_run--;
	if (v[1] == RESULT_PASS)
		tt->passed++;
	else if (v[1] == RESULT_SKIP)
		tt->skipped++;
	else {
		tt->failed++;
		return count_line(tt, body, v[3]);
	}
	return 0;
}

/* The "test" items of a record, from *p: counted for st unless dry.  0, or -1. */
static int
read_tests(struct tally *ty, struct student *st, const char **p, const char *end, int dry)
{
	const char *body;
	unsigned long v[4];

	while (*p < end && strncmp(*p, "test ", 5) == 0) {
		if (item(p, end, "test", v, &body) != 4 || v[0] >= ty->run->lab->ntests ||
		    v[1] > RESULT_ERROR || v[2] > 1000000 || (!dry && count_test(ty, st, v, body) == -1))
			return -1;
	}
	return 0;
}

/* The "file" items that end student i's record, from *p: handed to the
 * similarity check unless dry.  0, or -1. */
static int
read_files(struct tally *ty, size_t i, const char **p, const char *end, int dry)
{
	const char *body;

	while (*p < end) {
		unsigned long w[4];
		char name[256];

		if (item(p, end, "file", w, &body) != 2 || w[0] >= sizeof(name) || w[0] > w[1])
			return -1;
		snprintf(name, sizeof(name), "%.*s", (int)w[0], body);
		if (!dry && ty->sim != NULL && similar_add(ty->sim, i, name, body + w[0], w[1] - w[0]) == -1)
			return -1;
	}
	return 0;
}

/*
 * Reads student i's record (text[0..len)) into the tally; dry, only checks
 * it.  Returns 0, or -1 if it is bad (or memory ran out).
 */
static int
read_record(struct tally *ty, size_t i, const char *text, size_t len, int dry)
{
	const char *p = text, *end = text + len, *body;
	struct student *st = &ty->st[i];
	unsigned long v[4];

	if (item(&p, end, "build", v, &body) != 2 || v[0] > RESULT_ERROR)
		return -1;
	if (!dry && (st->build = (enum result_status)v[0]) != RESULT_PASS &&
	    (st->why = strndup(body, v[1])) == NULL)
		return -1;
	if (read_tests(ty, st, &p, end, dry) == -1 || read_files(ty, i, &p, end, dry) == -1)
		return -1;
	st->recorded = !dry;
	return 0;
}

/* Reads student i's record (and removes it); one that is missing or bad counts as not graded. */
static int
load_student(struct tally *ty, size_t i)
{
	struct student *st = &ty->st[i];
	struct strbuf path, text;
	int fd, rc = 0;

	strbuf_init(&path);
	strbuf_init(&text);
	strbuf_printf(&path, "%s/%zu.rec", ty->run->records, i);
	if ((fd = open(strbuf_str(&path), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) != -1) {
		if (read_fd(fd, RECORD_MAX, &text) == 0 &&
		    read_record(ty, i, strbuf_str(&text), text.len, 1) == 0)
			rc = read_record(ty, i, strbuf_str(&text), text.len, 0);
		close(fd);
		unlink(strbuf_str(&path));
	}
	if (!st->recorded && rc == 0) {
		st->build = RESULT_ERROR;
		st->max = labconf_points(ty->run->lab, 0);
		st->why = strdup("the grader left no record of this student (see its messages)");
		rc = st->why == NULL ? -1 : 0;
	}
	if (st->max > 0)
		ty->hist[st->score >= st->max ? NBINS - 1 : st->score * (NBINS - 1) / st->max]++;
	else
		ty->hist[0]++;
	strbuf_free(&path);
	strbuf_free(&text);
	return rc;
}

/* Adds the lab's starter files to the comparison: their text never counts. */
static int
load_starter(struct tally *ty)
{
	const struct classreport_run *run = ty->run;
	int d = open(run->starter, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (size_t i = 0; d != -1 && i < run->given->ngaps; i++) {
		int fd = openat(d, run->given->gaps[i].name, O_RDONLY | O_CLOEXEC);
		struct strbuf text;
		int rc;

		if (fd == -1)
			continue;
		strbuf_init(&text);
		rc = read_fd(fd, RECORD_MAX, &text) == 0 ?
		    similar_add_base(ty->sim, strbuf_str(&text), text.len) : -1;
		strbuf_free(&text);
		close(fd);
		if (rc == -1) {
			close(d);
			return -1;
		}
	}
	if (d != -1)
		close(d);
	return 0;
}

/* Appends the n bytes at s to sb as the body of a JSON string. */
static void
json(struct strbuf *sb, const char *s, size_t n)
{
	strbuf_putc(sb, '"');
	report_put_json(sb, s, n);
	strbuf_putc(sb, '"');
}

static int
by_count(const void *x, const void *y)
{
	const struct line_count *a = x, *b = y;

	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	return strcmp(a->line, b->line);
}

static void
json_tests(const struct tally *ty, struct strbuf *sb)
{
	const struct labconf *lab = ty->run->lab;

	strbuf_puts(sb, "  \"tests\": [");
	for (size_t i = 0; i < lab->ntests; i++) {
		const struct test_tally *t = &ty->tests[i];

		strbuf_puts(sb, i ? ",\n    {\"name\": " : "\n    {\"name\": ");
		json(sb, lab->tests[i].name, strlen(lab->tests[i].name));
		strbuf_printf(sb, ", \"points\": %d, \"passed\": %zu, \"failed\": %zu, \"skipped\": %zu, "
		    "\"not_run\": %zu, \"failures\": [", lab->tests[i].points, t->passed, t->failed,
		    t->skipped, t->not_run);
		for (size_t j = 0; j < t->nlines; j++) {
			strbuf_puts(sb, j ? ", {\"line\": " : "{\"line\": ");
			json(sb, t->lines[j].line, strlen(t->lines[j].line));
			strbuf_printf(sb, ", \"count\": %zu}", t->lines[j].count);
		}
		strbuf_puts(sb, "]}");
	}
	strbuf_puts(sb, "\n  ],\n");
}

static void
json_similar(const struct tally *ty, struct strbuf *sb)
{
	strbuf_printf(sb, "  \"similar\": {\"checked\": %s, \"threshold\": %.2f,\n    "
	    "\"fingerprints\": [", ty->sim ? "true" : "false", SIMILAR_THRESHOLD);
	for (size_t i = 0; ty->sim != NULL && i < ty->run->n; i++)
		strbuf_printf(sb, "%s%zu", i ? ", " : "", similar_count(ty->sim, i));
	strbuf_puts(sb, "], \"pairs\": [");
	for (long i = 0; i < ty->npairs; i++) {
		const struct similar_pair *p = &ty->pairs[i];
		const char *a = ty->run->names[p->a], *b = ty->run->names[p->b], *text;
		size_t len;

		strbuf_puts(sb, i ? ",\n    {\"a\": " : "\n    {\"a\": ");
		json(sb, a, strlen(a));
		strbuf_puts(sb, ", \"b\": ");
		json(sb, b, strlen(b));
		strbuf_printf(sb, ", \"score\": %.3f, \"shared\": %zu, \"a_share\": %.3f, "
		    "\"b_share\": %.3f, \"matches\": [", p->score, p->shared, p->a_share, p->b_share);
		for (size_t j = 0; j < p->nmatches; j++) {
			const struct similar_match *m = &p->matches[j];
			const char *fa = similar_file(ty->sim, p->a, m->a_file, &text, &len);
			const char *fb = similar_file(ty->sim, p->b, m->b_file, &text, &len);

			strbuf_puts(sb, j ? ", {\"a_file\": " : "{\"a_file\": ");
			json(sb, fa, strlen(fa));
			strbuf_printf(sb, ", \"a_lines\": [%d, %d], \"b_file\": ", m->a_from, m->a_to);
			json(sb, fb, strlen(fb));
			strbuf_printf(sb, ", \"b_lines\": [%d, %d]}", m->b_from, m->b_to);
		}
		strbuf_puts(sb, "]}");
	}
	strbuf_puts(sb, "\n  ]}\n");
}

static void
json_summary(const struct tally *ty, struct strbuf *sb)
{
	const struct classreport_run *run = ty->run;
	int first = 1;

	strbuf_puts(sb, "{\n  \"lab\": ");
	json(sb, run->lab_name, strlen(run->lab_name));
	strbuf_puts(sb, ", \"title\": ");
	json(sb, run->lab->title, strlen(run->lab->title));
	strbuf_printf(sb, ",\n  \"seed\": %llu, \"grader_version\": \"%s\", \"submissions\": %zu, "
	    "\"max_points\": %d,\n  \"histogram\": [", (unsigned long long)run->seed, GRADER_VERSION,
	    run->n, labconf_points(run->lab, 0));
	for (size_t i = 0; i < NBINS; i++)
		strbuf_printf(sb, "%s%zu", i ? ", " : "", ty->hist[i]);
	strbuf_puts(sb, "],\n  \"scores\": [");
	for (size_t i = 0; i < run->n; i++)
		strbuf_printf(sb, "%s%d", i ? ", " : "", ty->st[i].score);
	strbuf_puts(sb, "],\n");
	json_tests(ty, sb);
	strbuf_puts(sb, "  \"build_failures\": [");
	for (size_t i = 0; i < run->n; i++) {
		if (ty->st[i].build == RESULT_PASS)
			continue;
		strbuf_puts(sb, first ? "\n    {\"submission\": " : ",\n    {\"submission\": ");
		first = 0;
		json(sb, run->names[i], strlen(run->names[i]));
		strbuf_printf(sb, ", \"status\": \"%s\", \"message\": ",
		    ty->st[i].build == RESULT_ERROR ? "error" : "failed");
		json(sb, ty->st[i].why, strlen(ty->st[i].why));
		strbuf_puts(sb, "}");
	}
	strbuf_puts(sb, "\n  ],\n");
	json_similar(ty, sb);
	strbuf_puts(sb, "}\n");
}

/* Appends the n bytes at s to sb as HTML text: & < > " ' as entities, control bytes as '?'. */
static void
html(struct strbuf *sb, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '&') strbuf_puts(sb, "&amp;");
		else if (c == '<') strbuf_puts(sb, "&lt;");
		else if (c == '>') strbuf_puts(sb, "&gt;");
		else if (c == '"') strbuf_puts(sb, "&quot;");
		else if (c == '\'') strbuf_puts(sb, "&#39;");
		else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) strbuf_putc(sb, '?');
		else strbuf_putc(sb, (char)c);
	}
}

#define HTML_S(sb, s) html(sb, s, strlen(s))

static const char style[] =
    "body{font:14px/1.4 sans-serif;max-width:60em;margin:1em auto;padding:0 1em;color:#222}"
    "h2{border-bottom:1px solid #ccc;page-break-after:avoid}table{border-collapse:collapse}"
    "td,th{padding:2px 8px;text-align:left;vertical-align:top}tr:nth-child(even){background:#f4f4f4}"
    ".pass{fill:#2e7d32}.fail{fill:#c62828}.skip{fill:#9e9e9e}.bin{fill:#1565c0}"
    "pre{margin:0;font:12px/1.3 monospace;white-space:pre-wrap}.num{text-align:right}"
    ".side td{width:50%;border:1px solid #ddd}"
    "@media print{body{max-width:none}section{page-break-inside:avoid}}";

static void
html_histogram(const struct tally *ty, struct strbuf *sb)
{
	size_t top = 1;

	for (size_t i = 0; i < NBINS; i++)
		top = ty->hist[i] > top ? ty->hist[i] : top;
	strbuf_puts(sb, "<section id=\"histogram\"><h2>Scores</h2>\n<svg role=\"img\" width=\"560\" "
	    "height=\"190\" viewBox=\"0 0 560 190\" xmlns=\"http://www.w3.org/2000/svg\">\n");
	for (size_t i = 0; i < NBINS; i++) {
		int h = (int)(ty->hist[i] * 140 / top), x = 10 + (int)i * 50;

		strbuf_printf(sb, "<rect class=\"bin\" x=\"%d\" y=\"%d\" width=\"40\" height=\"%d\">"
		    "<title>%zu</title></rect><text x=\"%d\" y=\"%d\" font-size=\"11\">%zu</text>"
		    "<text x=\"%d\" y=\"185\" font-size=\"10\">%zu%s</text>\n", x, 160 - h, h,
		    ty->hist[i], x + 14, 155 - h, ty->hist[i], x, i * 10, i == NBINS - 1 ? "%" : "%+");
	}
	strbuf_puts(sb, "</svg>\n<p>Students per share of the points: 0%+ is 0 to 9%, ..., 90%+ "
	    "is 90 to 99%, 100% is full marks.</p></section>\n");
}

static void
html_tests(const struct tally *ty, struct strbuf *sb)
{
	const struct labconf *lab = ty->run->lab;

	strbuf_puts(sb, "<section id=\"tests\"><h2>Tests</h2>\n<table><tr><th>test</th><th>points"
	    "</th><th>passed / failed / skipped</th><th class=\"num\">pass</th><th class=\"num\">"
	    "fail</th><th class=\"num\">skip</th></tr>\n");
	for (size_t i = 0; i < lab->ntests; i++) {
		const struct test_tally *t = &ty->tests[i];
		size_t all = t->passed + t->failed + t->skipped;
		int wp = all ? (int)(t->passed * 300 / all) : 0, wf = all ? (int)(t->failed * 300 / all) : 0;
		int ws = all ? 300 - wp - wf : 0;

		strbuf_puts(sb, "<tr><td>");
		HTML_S(sb, lab->tests[i].name);
		strbuf_printf(sb, "</td><td class=\"num\">%d</td><td><svg class=\"testbar\" data-test=\"",
		    lab->tests[i].points);
		HTML_S(sb, lab->tests[i].name);
		strbuf_printf(sb, "\" width=\"300\" height=\"14\" xmlns=\"http://www.w3.org/2000/svg\">"
		    "<rect class=\"pass\" x=\"0\" width=\"%d\" height=\"14\"/><rect class=\"fail\" "
		    "x=\"%d\" width=\"%d\" height=\"14\"/><rect class=\"skip\" x=\"%d\" width=\"%d\" "
		    "height=\"14\"/></svg></td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
		    "<td class=\"num\">%zu</td></tr>\n", wp, wp, wf, wp + wf, ws, t->passed, t->failed,
		    t->skipped);
	}
	strbuf_puts(sb, "</table><p>Green passed, red failed, grey skipped (a prerequisite did not "
	    "pass, or the build failed).</p></section>\n");
}

static void
html_failures(const struct tally *ty, struct strbuf *sb)
{
	const struct labconf *lab = ty->run->lab;

	strbuf_puts(sb, "<section id=\"failures\"><h2>Most frequent failures</h2>\n");
	for (size_t i = 0; i < lab->ntests; i++) {
		const struct test_tally *t = &ty->tests[i];

		if (t->nlines == 0)
			continue;
		strbuf_puts(sb, "<h3>");
		HTML_S(sb, lab->tests[i].name);
		strbuf_printf(sb, " (%zu failed)</h3><table>\n", t->failed);
		for (size_t j = 0; j < t->nlines && j < TOP_LINES; j++) {
			strbuf_printf(sb, "<tr><td class=\"num\">%zu</td><td><pre>", t->lines[j].count);
			HTML_S(sb, t->lines[j].line);
			strbuf_puts(sb, "</pre></td></tr>\n");
		}
		strbuf_puts(sb, "</table>\n");
	}
	strbuf_puts(sb, "</section>\n<section id=\"builds\"><h2>Build failures</h2>\n<table>\n");
	for (size_t i = 0; i < ty->run->n; i++) {
		if (ty->st[i].build == RESULT_PASS)
			continue;
		strbuf_puts(sb, "<tr><td>");
		HTML_S(sb, ty->run->names[i]);
		strbuf_printf(sb, "</td><td>%s</td><td><pre>",
		    ty->st[i].build == RESULT_ERROR ? "error" : "failed");
		HTML_S(sb, ty->st[i].why);
		strbuf_puts(sb, "</pre></td></tr>\n");
	}
	strbuf_puts(sb, "</table></section>\n");
}

/* Appends lines [from, to] of text (at most MATCH_LINES), numbered, as HTML. */
static void
html_lines(struct strbuf *sb, const char *text, size_t len, int from, int to)
{
	const char *p = text, *end = text + len;

	for (int line = 1; p < end && line <= to && line < from + MATCH_LINES; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (line >= from) {
			strbuf_printf(sb, "%4d  ", line);
			html(sb, p, n);
			strbuf_putc(sb, '\n');
		}
		p += n + (nl != NULL);
	}
}

static void
html_pair(const struct tally *ty, const struct similar_pair *p, struct strbuf *sb)
{
	strbuf_puts(sb, "<h3>");
	HTML_S(sb, ty->run->names[p->a]);
	strbuf_puts(sb, " and ");
	HTML_S(sb, ty->run->names[p->b]);
	strbuf_printf(sb, ": %.0f%%</h3><p>%zu fingerprints in common: %.0f%% of the first's, "
	    "%.0f%% of the second's.</p>\n<table class=\"side\">\n", p->score * 100, p->shared,
	    p->a_share * 100, p->b_share * 100);
	for (size_t j = 0; j < p->nmatches; j++) {
		const struct similar_match *m = &p->matches[j];
		const char *ta, *tb;
		size_t la, lb;
		const char *fa = similar_file(ty->sim, p->a, m->a_file, &ta, &la);
		const char *fb = similar_file(ty->sim, p->b, m->b_file, &tb, &lb);

		strbuf_puts(sb, "<tr><td>");
		HTML_S(sb, fa);
		strbuf_printf(sb, " lines %d-%d<pre>", m->a_from, m->a_to);
		html_lines(sb, ta, la, m->a_from, m->a_to);
		strbuf_puts(sb, "</pre></td><td>");
		HTML_S(sb, fb);
		strbuf_printf(sb, " lines %d-%d<pre>", m->b_from, m->b_to);
		html_lines(sb, tb, lb, m->b_from, m->b_to);
		strbuf_puts(sb, "</pre></td></tr>\n");
	}
	strbuf_puts(sb, "</table>\n");
}

static void
html_similar(const struct tally *ty, struct strbuf *sb)
{
	strbuf_puts(sb, "<section id=\"similar\"><h2>Similar submissions</h2>\n");
	if (ty->sim == NULL) {
		strbuf_puts(sb, "<p>Not checked (grade with --similar).</p></section>\n");
		return;
	}
	strbuf_printf(sb, "<p>%ld pairs share at least %.0f%% of one's fingerprints of the code "
	    "students write (the starter's own text does not count). A flag to look at, not a "
	    "verdict: grades are unchanged.</p>\n", ty->npairs, SIMILAR_THRESHOLD * 100);
	strbuf_puts(sb, "<table><tr><th>submission</th><th>submission</th><th class=\"num\">score"
	    "</th><th class=\"num\">fingerprints in common</th></tr>\n");
	for (long i = 0; i < ty->npairs; i++) {
		strbuf_puts(sb, "<tr><td>");
		HTML_S(sb, ty->run->names[ty->pairs[i].a]);
		strbuf_puts(sb, "</td><td>");
		HTML_S(sb, ty->run->names[ty->pairs[i].b]);
		strbuf_printf(sb, "</td><td class=\"num\">%.0f%%</td><td class=\"num\">%zu</td></tr>\n",
		    ty->pairs[i].score * 100, ty->pairs[i].shared);
	}
	strbuf_printf(sb, "</table>\n<p>The shared lines of the first %d pairs (all of them are in "
	    "summary.json):</p>\n", SHOWN_PAIRS);
	for (long i = 0; i < ty->npairs && i < SHOWN_PAIRS; i++)
		html_pair(ty, &ty->pairs[i], sb);
	strbuf_puts(sb, "</section>\n");
}

static void
html_page(const struct tally *ty, struct strbuf *sb)
{
	const struct classreport_run *run = ty->run;

	strbuf_puts(sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'\">\n<title>");
	HTML_S(sb, run->lab_name);
	strbuf_printf(sb, ": class report</title>\n<style>%s</style></head><body>\n<h1>", style);
	HTML_S(sb, run->lab->title);
	strbuf_printf(sb, "</h1>\n<p id=\"facts\">%zu submissions, %d points at most; seed %llu; "
	    "grader %s.</p>\n", run->n, labconf_points(run->lab, 0), (unsigned long long)run->seed,
	    GRADER_VERSION);
	html_histogram(ty, sb);
	html_tests(ty, sb);
	html_failures(ty, sb);
	html_similar(ty, sb);
	strbuf_puts(sb, "</body></html>\n");
}

/* Writes sb to dir/name, replacing what was there (never through a link).  Returns 0, or -1. */
static int
write_file(const char *dir, const char *prefix, const char *name, const struct strbuf *sb,
    struct strbuf *err)
{
	struct strbuf path;
	FILE *f;
	int fd, rc = 0;

	strbuf_init(&path);
	strbuf_printf(&path, "%s/%s%s", dir, prefix ? prefix : "", name);
	if ((fd = open(strbuf_str(&path), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0644)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		if (fd != -1)
			close(fd);
		rc = -1;
	} else {
		fwrite(strbuf_str(sb), 1, sb->len, f);
		rc = fclose(f) == EOF ? -1 : 0;
	}
	if (rc == -1)
		strbuf_printf(err, "%s: %s", strbuf_str(&path), strerror(errno));
	strbuf_free(&path);
	return rc;
}

/* Reads every record (and the starter, with --similar) into ty.  Returns 0, or -1. */
static int
tally(struct tally *ty)
{
	const struct classreport_run *run = ty->run;

	ty->st = calloc(run->n + 1, sizeof(*ty->st));
	ty->tests = calloc(run->lab->ntests + 1, sizeof(*ty->tests));
	if (ty->st == NULL || ty->tests == NULL)
		return -1;
	for (size_t i = 0; i < run->lab->ntests; i++)
		ty->tests[i].not_run = run->n;
	if (run->similar && ((ty->sim = similar_new()) == NULL ||
	    (run->given != NULL && load_starter(ty) == -1)))
		return -1;
	for (size_t i = 0; i < run->n; i++)
		if (load_student(ty, i) == -1)
			return -1;
	for (size_t i = 0; i < run->lab->ntests; i++)
		if (ty->tests[i].nlines > 0)
			qsort(ty->tests[i].lines, ty->tests[i].nlines, sizeof(struct line_count), by_count);
	if (ty->sim != NULL && (ty->npairs = similar_pairs(ty->sim, SIMILAR_THRESHOLD,
	    &ty->pairs)) < 0)
		return -1;
	return 0;
}

static void
tally_free(struct tally *ty)
{
	for (size_t i = 0; ty->st != NULL && i < ty->run->n; i++)
		free(ty->st[i].why);
	for (size_t i = 0; ty->tests != NULL && i < ty->run->lab->ntests; i++) {
		for (size_t j = 0; j < ty->tests[i].nlines; j++)
			free(ty->tests[i].lines[j].line);
		free(ty->tests[i].lines);
	}
	if (ty->npairs > 0)
		similar_pairs_free(ty->pairs, (size_t)ty->npairs);
	similar_free(ty->sim);
	free(ty->st);
	free(ty->tests);
}

int
classreport_write(const struct classreport_run *run, struct strbuf *err)
{
	struct tally ty = { .run = run };
	struct strbuf sb;
	int rc = 0;

	strbuf_init(&sb);
	if (tally(&ty) == -1) {
		strbuf_puts(err, "out of memory reading the class's records");
		rc = -1;
	} else {
		json_summary(&ty, &sb);
		rc = sb.failed ? -1 : write_file(run->outdir, run->prefix, "summary.json", &sb, err);
		strbuf_reset(&sb);
		html_page(&ty, &sb);
		if (rc == 0)
			rc = sb.failed ? -1 : write_file(run->outdir, run->prefix, "report.html", &sb, err);
	}
	tally_free(&ty);
	strbuf_free(&sb);
	return rc;
}
