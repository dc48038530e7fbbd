/*
 * test_classreport.c — the class report: a synthetic lab-1 class
 * (tests/class/mkclass.sh: the reference, its mutants, renamed and
 * reformatted copies, a solution written apart, the starter, a build that
 * fails) graded with --similar; tests/class/check.py recomputes every number
 * of summary.json from the students' own reports, checks which pairs are
 * flagged, and opens report.html in headless Chromium.  And, without
 * grading: a record cut short counts as not graded, and what a student
 * wrote reaches the page escaped.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classreport.h"
#include "scenario.h"
#include "tests/harness.h"

#define OUT_CAP (1 << 20)

Test(classreport, a_synthetic_class_gives_exact_numbers_pairs_and_a_page, .timeout = 900)
{
	char *dir = harness_tempdir(), cls[600], out[600], script[1400];
	char *args[] = { "01-udp-uppercase", "--class", cls, "--jobs", "2", "--format", "json",
		"--similar", "-o", out, NULL };
	char *text = malloc(OUT_CAP);

	cr_assert_not_null(dir);
	cr_assert_not_null(text);
	snprintf(cls, sizeof(cls), "%s/class", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	cr_assert_eq(harness_sh("bash tests/class/mkclass.sh \"$1\" >/dev/null", cls), 0);
	cr_assert_eq(harness_grade(args, NULL, text, OUT_CAP, 600000), 0);
	snprintf(script, sizeof(script), "python3 tests/class/check.py \"$1\" '%s' >&2", out);
	cr_expect_eq(harness_sh(script, cls), 0, "the class report is wrong (above)");
	free(text);
	harness_rmtree(dir);
	free(dir);
}

/* A report on lab for a student whose test i ended with status[i] and message msg[i]. */
static void
fake_report(const struct labconf *lab, const enum result_status *status, const char *const *msg,
    struct report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->lab = lab;
	cr_assert_not_null(rep->results = calloc(lab->ntests, sizeof(*rep->results)));
	cr_assert_not_null(rep->ran = calloc(lab->ntests, sizeof(*rep->ran)));
	result_init(&rep->build);
	for (size_t i = 0; i < lab->ntests; i++) {
		result_init(&rep->results[i]);
		rep->ran[i] = 1;
		rep->results[i].status = status[i];
		rep->results[i].points = status[i] == RESULT_PASS ? lab->tests[i].points : 0;
		strbuf_puts(&rep->results[i].message, msg[i]);
	}
}

static void
fake_free(struct report *rep)
{
	for (size_t i = 0; i < rep->lab->ntests; i++)
		result_free(&rep->results[i]);
	result_free(&rep->build);
	free(rep->results);
	free(rep->ran);
}

static char *
slurp(const char *dir, const char *name)
{
	char path[700], *buf = calloc(1, OUT_CAP);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(path, "r"), "%s", path);
	fread(buf, 1, OUT_CAP - 1, f);
	fclose(f);
	return buf;
}

/*
 * Three students of a two-test lab: one passes both, one fails the first
 * with a message that is HTML, one's record is cut short.  Counted exactly,
 * the cut one as not graded; the message shown escaped, once per student.
 */
Test(classreport, records_counted_exactly_a_cut_one_not_graded_text_escaped)
{
	static const enum result_status good[] = { RESULT_PASS, RESULT_PASS };
	static const enum result_status bad[] = { RESULT_FAIL, RESULT_SKIP };
	static const char *const none[] = { "", "" };
	static const char *const why[] = { "<script>alert(1)</script> & more\nsecond line",
		"skipped: it needs server" };
	char *const names[] = { "good", "bad", "<img src=x>" };
	struct strbuf err, path;
	struct labconf *lab;
	struct report rep;
	char *dir = harness_tempdir(), *json, *page;
	struct classreport_run run = { .lab_name = "hostile", .seed = 7, .names = names, .n = 3 };

	strbuf_init(&err);
	strbuf_init(&path);
	cr_assert_not_null(dir);
	cr_assert_not_null(lab = labconf_load("tests/hostile-lab.conf", scenario_table, &err));
	cr_assert_eq(lab->ntests, 2);
	run.lab = lab;
	run.records = run.outdir = dir;
	for (int i = 0; i < 3; i++) {
		fake_report(lab, i == 1 ? bad : good, i == 1 ? why : none, &rep);
		strbuf_reset(&path);
		strbuf_printf(&path, "%s/%d.rec", dir, i);
		cr_assert_eq(classreport_save(&rep, NULL, strbuf_str(&path)), 0);
		fake_free(&rep);
	}
	cr_assert_eq(truncate(strbuf_str(&path), 30), 0);
	cr_assert_eq(classreport_write(&run, &err), 0, "%s", strbuf_str(&err));
	json = slurp(dir, "summary.json");
	cr_expect(strstr(json, "\"histogram\": [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]") != NULL, "%s", json);
	cr_expect(strstr(json, "\"scores\": [2, 0, 0]") != NULL, "%s", json);
	cr_expect(strstr(json, "\"passed\": 1, \"failed\": 1, \"skipped\": 0, \"not_run\": 1, "
	    "\"failures\": [{\"line\": \"<script>alert(1)</script> & more\", \"count\": 1}]") != NULL,
	    "%s", json);
	cr_expect(strstr(json, "\"passed\": 1, \"failed\": 0, \"skipped\": 1, \"not_run\": 1") != NULL,
	    "%s", json);
	cr_expect(strstr(json, "{\"submission\": \"<img src=x>\", \"status\": \"error\"") != NULL, "%s", json);
	page = slurp(dir, "report.html");
	cr_expect(strstr(page, "<script") == NULL && strstr(page, "<img") == NULL, "%s", page);
	cr_expect(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more") != NULL, "%s", page);
	cr_expect(strstr(page, "<td>&lt;img src=x&gt;</td><td>error</td>") != NULL, "%s", page);
	cr_expect(strstr(page, "second line") == NULL, "only the first line: %s", page);
	free(json);
	free(page);
	labconf_free(lab);
	strbuf_free(&err);
	strbuf_free(&path);
	harness_rmtree(dir);
	free(dir);
}
