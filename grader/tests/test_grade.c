/*
 * test_grade.c — the grader graded: each reference, submitted as a student
 * would, scores full marks; each mutant (one bug each, mutants/<lab>/) loses
 * points exactly in the tests that should catch it and keeps them
 * everywhere else; every lab spec of the kit parses.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labconf.h"
#include "scenario.h"
#include "tests/harness.h"

struct lab {
	const char *name, *ref, *progs;
	int slow;	/* a peer lab: make test checks only that its mutants are caught */
};

static const struct lab kit_labs[] = {
	{ "01-udp-uppercase", "../udp_uppercase", "udp_server udp_client", 0 },
	{ "02-tcp-uppercase", "../tcp_uppercase", "tcp_server tcp_client", 0 },
	{ "03-mux-demux", "../mux_demux", "mux_host", 0 },
	{ "04-torrent-tracker", "../mini_torrent", "mt-tracker", 0 },
	{ "05-torrent-peer", "../mini_torrent", "mt-peer", 1 },
	{ "06-tit-for-tat", "../mini_torrent", "mt-peer", 1 },
};

#define NLABS (sizeof(kit_labs) / sizeof(kit_labs[0]))
#define GRADE_MS 300000
#define OUT_CAP (1 << 20)

static const struct lab *
lab_named(const char *name)
{
	for (size_t i = 0; i < NLABS; i++)
		if (strcmp(kit_labs[i].name, name) == 0)
			return &kit_labs[i];
	cr_assert_fail("no lab %s in the table", name);
	return NULL;
}

/* A grading run in flight: its submission directory and the grade process. */
struct run {
	char *dir;
	char *out;		/* the report, once finished */
	char only[1024];	/* the tests graded, if not all */
	char name[256];
	char mutant[600];
	struct proc p;
};

/*
 * Assembles a submission of lab (the reference, or with mutant) and starts
 * grading it (only the tests in the comma-separated list `only`, if not NULL).
 */
static void
run_start(const struct lab *l, const char *mutant, const char *only, const char *template,
    struct run *r)
{
	char sub[600];
	char *args[] = { (char *)l->name, "--submission", sub, "--format", "tap",
		only ? "--only" : NULL, (char *)only, NULL };

	cr_assert_not_null(r->dir = harness_tempdir());
	snprintf(sub, sizeof(sub), "%s/submission", r->dir);
	cr_assert_eq(harness_mksub(l->ref, l->progs, sub, mutant, template), 0, "mksub %s",
	    mutant ? mutant : "");
	cr_assert_eq(harness_grade_start(&r->p, args, NULL), 0);
}

/* Waits for the run's report and parses it. */
static void
run_finish(struct run *r, struct harness_tap *tap)
{
	char *out = malloc(OUT_CAP);
	long n;

	cr_assert_not_null(out);
	n = proc_read_all(&r->p, out, OUT_CAP - 1, GRADE_MS);
	out[n < 0 ? 0 : n] = '\0';
	cr_assert_eq(proc_wait(&r->p, 5000), 0, "grade failed: %s", proc_stderr(&r->p));
	cr_assert_eq(harness_tap_parse(out, tap), 0, "not TAP:\n%s", out);
	proc_kill(&r->p);
	harness_rmtree(r->dir);
	free(r->dir);
	r->out = out;
}

/*
 * Makes the reference submission of lab and builds it with make (from
 * scratch: the submission must build) in dir/template; returns its path.
 * The lab's mutants start from copies of it, so each recompiles one file.
 */
static char *
template_of(const struct lab *l, const char *dir)
{
	char *t = malloc(600);

	cr_assert_not_null(t);
	snprintf(t, 600, "%s/template", dir);
	cr_assert_eq(harness_mksub(l->ref, l->progs, t, NULL, NULL), 0);
	cr_assert_eq(harness_sh("make -s -C \"$1\" >/dev/null", t), 0, "%s does not build", l->name);
	return t;
}

/* The reference, submitted as a student would, scores full marks. */
static void
full_marks(const struct lab *l, const char *template)
{
	struct harness_tap tap;
	struct run r;

	run_start(l, NULL, NULL, template, &r);
	run_finish(&r, &tap);
	cr_expect_gt(tap.n, 0);
	for (size_t i = 0; i < tap.n; i++)
		cr_expect(tap.t[i].ok && !tap.t[i].skipped && tap.t[i].points == tap.t[i].max,
		    "%s: %s did not pass:\n%s", l->name, tap.t[i].name, r.out);
	cr_expect_eq(tap.score, tap.max);
	free(r.out);
}

/* Reads "key = words" from a mutant's MUTANT file into words (empty if absent). */
static void
mutant_key(const char *dir, const char *key, char *words, size_t cap)
{
	char path[600], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/MUTANT", dir);
	words[0] = '\0';
	cr_assert_not_null(f = fopen(path, "r"), "%s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t k = strlen(key);

		if (strncmp(line, key, k) == 0 && strncmp(line + k, " = ", 3) == 0) {
			snprintf(words, cap, " %s", line + k + 3);
			words[strcspn(words, "\n")] = ' ';
		}
	}
	fclose(f);
}

static int
listed(const char *words, const char *name)
{
	char probe[80];

	snprintf(probe, sizeof(probe), " %s ", name);
	return strstr(words, probe) != NULL;
}

/* Checks that a graded mutant lost exactly the points it should. */
static void
check_mutant(const struct lab *l, const char *dir, const char *name, const struct harness_tap *tap,
    const char *report)
{
	char catches[1024], may[1024];
	int caught = 0;

	mutant_key(dir, "catches", catches, sizeof(catches));
	mutant_key(dir, "may_lose", may, sizeof(may));
	cr_assert(catches[0] != '\0', "%s: MUTANT names no test that catches it", name);
	for (size_t i = 0; i < tap->n; i++) {
		const char *t = tap->t[i].name;
		int lost = !tap->t[i].ok || tap->t[i].skipped;

		if (listed(catches, t)) {
			cr_expect(lost, "%s/%s: %s should fail", l->name, name, t);
			caught++;
		} else if (!listed(may, t) && lost && !tap->t[i].skipped) {
			cr_expect_fail("%s/%s: %s lost points it should keep; the report:\n%s", l->name,
			    name, t, report);
		}
	}
	for (const char *p = catches; *p; p++)
		caught -= *p != ' ' && (p == catches || p[-1] == ' ');
	cr_expect_eq(caught, 0, "%s/%s: a test in 'catches' is not in the lab", l->name, name);
}

#define MAX_MUTANTS 32

/* The comma-separated list of the tests in catches (" a b " -> "a,b"), in buf. */
static const char *
comma_list(const char *words, char *buf, size_t cap)
{
	size_t n = 0;

	for (const char *p = words; *p && n + 1 < cap; p++) {
		if (*p != ' ')
			buf[n++] = *p;
		else if (n > 0 && buf[n - 1] != ',')
			buf[n++] = ',';
	}
	while (n > 0 && buf[n - 1] == ',')
		n--;
	buf[n] = '\0';
	return buf;
}
#define AT_ONCE 6	/* gradings in flight: most of a grading is waiting, not computing */

/* Grades every mutant of a lab (copies of template), AT_ONCE at a time, and checks each. */
static void
all_mutants(const struct lab *l, const char *template)
{
	const char *labname = l->name;
	static struct run runs[MAX_MUTANTS];
	char path[300];
	struct dirent *e;
	DIR *d;
	size_t n = 0;

	snprintf(path, sizeof(path), "mutants/%s", labname);
	cr_assert_not_null(d = opendir(path), "%s", path);
	while ((e = readdir(d)) != NULL && n < MAX_MUTANTS) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(runs[n].name, sizeof(runs[n].name), "%s", e->d_name);
		snprintf(runs[n].mutant, sizeof(runs[n].mutant), "%.300s/%.250s", path, e->d_name);
		n++;
	}
	closedir(d);
	for (size_t i = 0; i < n + AT_ONCE; i++) {
		struct harness_tap tap;

		if (i < n) {
			char catches[1024];

			mutant_key(runs[i].mutant, "catches", catches, sizeof(catches));
			run_start(l, runs[i].mutant, l->slow ? comma_list(catches, runs[i].only,
			    sizeof(runs[i].only)) : NULL, template, &runs[i]);
		}
		if (i < AT_ONCE || i - AT_ONCE >= n)
			continue;
		run_finish(&runs[i - AT_ONCE], &tap);
		check_mutant(l, runs[i - AT_ONCE].mutant, runs[i - AT_ONCE].name, &tap,
		    runs[i - AT_ONCE].out);
		free(runs[i - AT_ONCE].out);
	}
	cr_expect_geq(n, 2, "%s has only %zu mutants", labname, n);
}

/*
 * One lab: its reference scores full marks, then each of its mutants loses
 * points exactly where its MUTANT file says (peer labs: in the tests that
 * must catch it; the whole labs are graded by make test-slow).
 */
static void
lab_graded(const char *name)
{
	const struct lab *l = lab_named(name);
	char *dir = harness_tempdir(), *template;

	cr_assert_not_null(dir);
	template = template_of(l, dir);
	full_marks(l, template);
	all_mutants(l, template);
	harness_rmtree(dir);
	free(template);
	free(dir);
}

Test(grade, lab_1_udp_reference_full_marks_and_mutants_caught, .timeout = 900)
{
	lab_graded("01-udp-uppercase");
}

Test(grade, lab_2_tcp_reference_full_marks_and_mutants_caught, .timeout = 900)
{
	lab_graded("02-tcp-uppercase");
}

Test(grade, lab_3_mux_demux_reference_full_marks_and_mutants_caught, .timeout = 900)
{
	lab_graded("03-mux-demux");
}

Test(grade, lab_4_tracker_reference_full_marks_and_mutants_caught, .timeout = 900)
{
	lab_graded("04-torrent-tracker");
}

Test(grade, lab_5_peer_reference_full_marks_and_mutants_caught, .timeout = 900)
{
	lab_graded("05-torrent-peer");
}

Test(grade, lab_6_tit_for_tat_reference_full_marks_and_mutants_caught, .timeout = 900)
{
	lab_graded("06-tit-for-tat");
}

Test(grade, every_scenario_in_the_spec_table_has_a_function)
{
	size_t n = 0;

	for (const struct labconf_scenario *s = scenario_table; s->name != NULL; s++, n++)
		cr_expect_not_null(scenario_lookup(s->name), "%s has no function", s->name);
	cr_expect_geq(n, 7);
	cr_expect_null(scenario_lookup("no-such-scenario"));
}

Test(grade, every_lab_spec_of_the_kit_parses)
{
	DIR *d = opendir("../labs");
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[600];
		struct strbuf err;
		struct labconf *lab;
		FILE *f;

		snprintf(path, sizeof(path), "../labs/%s/lab.conf", e->d_name);
		if (e->d_name[0] == '.' || (f = fopen(path, "r")) == NULL)
			continue;
		fclose(f);
		strbuf_init(&err);
		lab = labconf_load(path, scenario_table, &err);
		cr_expect_not_null(lab, "%s", strbuf_str(&err));
		labconf_free(lab);
		strbuf_free(&err);
		n++;
	}
	closedir(d);
	cr_expect_geq(n, 2);
}
