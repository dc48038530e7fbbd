/*
 * test_grade.c — the grader graded: each reference, submitted as a student
 * would, scores full marks; each mutant (one bug each, mutants/<lab>/) loses
 * points exactly in the tests that should catch it and keeps them
 * everywhere else; the files a lab gives are the lab's at grading, whatever
 * a submission holds (a broken given file costs nothing, a Makefile cannot
 * build code the student did not write); every lab spec of the kit parses.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "given.h"
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
	{ "07-reliable-transfer", "../mux_demux", "mux_rhost", 1 },
	{ "08-congestion-control", "../mux_demux", "mux_rhost", 1 },
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
 * The lab's mutants start from copies of it, so each recompiles one file:
 * it is built with the lab's own Makefile too, the one the grader lays over
 * every submission, so those objects are there already.
 */
static char *
template_of(const struct lab *l, const char *dir)
{
	char *t = malloc(600), script[300];

	cr_assert_not_null(t);
	snprintf(t, 600, "%s/template", dir);
	cr_assert_eq(harness_mksub(l->ref, l->progs, t, NULL, NULL), 0);
	cr_assert_eq(harness_sh("make -s -C \"$1\" >/dev/null", t), 0, "%s does not build", l->name);
	snprintf(script, sizeof(script), "make -s -C \"$1\" -f \"$PWD/../labs/%s/Makefile\" "
	    "KIT=\"$PWD/..\" >/dev/null", l->name);
	cr_assert_eq(harness_sh(script, t), 0, "%s does not build with its lab's Makefile", l->name);
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
	char catches[1024], may[1024], says[1024];
	int caught = 0;

	mutant_key(dir, "catches", catches, sizeof(catches));
	mutant_key(dir, "may_lose", may, sizeof(may));
	mutant_key(dir, "says", says, sizeof(says));
	cr_assert(catches[0] != '\0', "%s: MUTANT names no test that catches it", name);
	says[strlen(says) - (says[0] != '\0')] = '\0';	/* " text " -> " text" */
	cr_expect(says[0] == '\0' || strstr(report, says + 1) != NULL,
	    "%s/%s: the report does not say \"%s\":\n%s", l->name, name, says + 1, report);
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

Test(grade, lab_7_reliable_transfer_reference_full_marks_and_mutants_caught, .timeout = 900)
{
	lab_graded("07-reliable-transfer");
}

Test(grade, lab_8_congestion_control_reference_full_marks_and_mutants_caught, .timeout = 900)
{
	lab_graded("08-congestion-control");
}

/* ---- the files a lab gives are the lab's ---- */

#define LAB1 "01-udp-uppercase"

static void
put_file(const char *dir, const char *name, const char *text)
{
	char path[700];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(path, "w"), "%s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* The TAP report's note line in buf ("" if it has none). */
static const char *
note_of(const char *report, char *buf, size_t cap)
{
	const char *p = strstr(report, "# note: ");

	snprintf(buf, cap, "%.*s", p ? (int)strcspn(p, "\n") : 0, p ? p : "");
	return buf;
}

/*
 * Makes dir/submission lab 1's starter as a thin workspace: only the files
 * the student writes (the manifest's strip lines), each with its SOLUTION
 * blocks stubbed by labs/markers.awk, as make starters does.
 */
static void
starter_into(const char *dir)
{
	struct given g;
	struct strbuf err, script;

	strbuf_init(&err);
	strbuf_init(&script);
	cr_assert_eq(given_load(&g, "..", LAB1, &err), 0, "%s", strbuf_str(&err));
	cr_assert_gt(g.ngaps, 0);
	strbuf_puts(&script, "set -e; mkdir -p \"$1/submission\"; for f in");
	for (size_t i = 0; i < g.ngaps; i++)
		strbuf_printf(&script, " %s", g.gaps[i].path);
	strbuf_puts(&script, "; do awk -v mode=strip -f ../labs/markers.awk \"../$f\" "
	    ">\"$1/submission/${f##*/}\"; done");
	cr_assert_eq(harness_sh(strbuf_str(&script), dir), 0);
	given_free(&g);
	strbuf_free(&err);
	strbuf_free(&script);
}

/* The cheat: the reference hidden in a subfolder, and a Makefile that builds it. */
static void
hide_reference_in(const char *dir)
{
	char sub[700];

	cr_assert_eq(harness_sh("mkdir \"$1/submission/hidden\" && "
	    "cp ../udp_uppercase/*.c ../udp_uppercase/*.h \"$1/submission/hidden/\"", dir), 0);
	snprintf(sub, sizeof(sub), "%s/submission", dir);
	put_file(sub, "Makefile", "# builds the reference hidden in hidden/, not the files here\n"
	    "PROGS = udp_server udp_client\n"
	    "all: $(PROGS)\n"
	    "$(PROGS):\n"
	    "\t$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L -o $@ hidden/$@.c \\\n"
	    "\t    $(filter-out $(PROGS:%=hidden/%.c),$(wildcard hidden/*.c))\n");
}

/* Starts grading dir/submission for lab (a name, or a lab.conf's path); run_finish cleans up. */
static void
start_in(struct run *r, const char *lab, char *dir)
{
	char sub[700];
	char *args[] = { (char *)lab, "--submission", sub, "--format", "tap", NULL };

	r->dir = dir;
	snprintf(sub, sizeof(sub), "%s/submission", dir);
	cr_assert_eq(harness_grade_start(&r->p, args, NULL), 0);
}

Test(grade, lab_1_a_broken_given_file_and_makefile_are_replaced_and_named, .timeout = 900)
{
	const struct lab *l = lab_named(LAB1);
	char *over = harness_tempdir(), note[1024];
	struct harness_tap tap;
	struct run r;

	/* mksub copies a mutant directory's .c files and Makefile over the reference. */
	cr_assert_not_null(over);
	put_file(over, "options.c", "this is not C: a given file, broken\n");
	put_file(over, "Makefile", "all:\n\t@echo this Makefile builds nothing\n");
	run_start(l, over, NULL, NULL, &r);
	run_finish(&r, &tap);
	cr_expect_gt(tap.n, 0);
	cr_expect_eq(tap.score, tap.max, "the lab's options.c and Makefile were not used:\n%s", r.out);
	note_of(r.out, note, sizeof(note));
	cr_expect(strstr(note, "you had changed Makefile, options.c;") != NULL, "%s", r.out);
	cr_expect(strstr(note, "edit only uppercase.c udp_server.c udp_client.c") != NULL, "%s", note);
	harness_rmtree(over);
	free(over);
	free(r.out);
}

Test(grade, lab_1_a_makefile_cannot_build_code_hidden_in_a_subfolder, .timeout = 900)
{
	struct run cheat, starter, control;
	struct harness_tap ct, st, kt;
	char *cd = harness_tempdir(), *sd = harness_tempdir(), *kd = harness_tempdir();
	char note[1024], conf[700];

	cr_assert(cd && sd && kd);
	starter_into(sd);
	starter_into(cd);
	hide_reference_in(cd);
	starter_into(kd);
	hide_reference_in(kd);
	/* The control: the same cheat graded with a lab.conf outside labs/, so nothing is laid over. */
	cr_assert_eq(harness_sh("cp ../labs/" LAB1 "/lab.conf \"$1/lab.conf\"", kd), 0);
	snprintf(conf, sizeof(conf), "%s/lab.conf", kd);
	start_in(&cheat, LAB1, cd);
	start_in(&starter, LAB1, sd);
	start_in(&control, conf, kd);
	run_finish(&cheat, &ct);
	run_finish(&starter, &st);
	run_finish(&control, &kt);
	cr_expect_eq(kt.score, kt.max, "the cheat does not work even without the overlay:\n%s",
	    control.out);
	cr_expect_lt(ct.score, ct.max, "the cheat got full marks:\n%s", cheat.out);
	cr_expect_eq(ct.score, st.score, "the cheat:\n%s\nthe starter:\n%s", cheat.out, starter.out);
	cr_assert_eq(ct.n, st.n);
	for (size_t i = 0; i < ct.n; i++)
		cr_expect(ct.t[i].ok == st.t[i].ok && ct.t[i].points == st.t[i].points,
		    "%s: the cheat and the starter differ", ct.t[i].name);
	cr_expect(strstr(note_of(cheat.out, note, sizeof(note)), "you had changed Makefile;") != NULL,
	    "%s", cheat.out);
	cr_expect_str_eq(note_of(starter.out, note, sizeof(note)), "",
	    "a thin workspace changed nothing");
	free(cheat.out);
	free(starter.out);
	free(control.out);
}

/* Fails unless name is one of the files lab's students write. */
static void
expect_gap(const struct given *g, const char *lab, const char *mutant, const char *name)
{
	size_t i = 0;

	while (i < g->ngaps && strcmp(g->gaps[i].name, name) != 0)
		i++;
	cr_expect(i < g->ngaps, "mutants/%s/%s changes %s, which the lab gives: the grader lays the "
	    "lab's copy over it, so the mutant would be undone", lab, mutant, name);
}

/* What one mutant changes: the files its patches name (+++ b/FILE) and the files it holds. */
static void
expect_mutant_gaps(const struct given *g, const char *lab, const char *mutant)
{
	char path[700], line[1024];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "mutants/%s/%s", lab, mutant);
	cr_assert_not_null(d = opendir(path), "%s", path);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		FILE *f;

		if (strcmp(e->d_name, "Makefile") == 0 || (n > 2 && (strcmp(e->d_name + n - 2, ".c") == 0 ||
		    strcmp(e->d_name + n - 2, ".h") == 0)))
			expect_gap(g, lab, mutant, e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 6, ".patch") != 0)
			continue;
		snprintf(path, sizeof(path), "mutants/%s/%s/%s", lab, mutant, e->d_name);
		cr_assert_not_null(f = fopen(path, "r"), "%s", path);
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "+++ b/", 6) == 0) {
				line[6 + strcspn(line + 6, " \t\n")] = '\0';
				expect_gap(g, lab, mutant, line + 6);
			}
		fclose(f);
	}
	closedir(d);
}

Test(grade, every_mutant_changes_only_files_students_write)
{
	for (size_t i = 0; i < NLABS; i++) {
		char path[300];
		struct given g;
		struct strbuf err;
		struct dirent *e;
		DIR *d;

		strbuf_init(&err);
		cr_assert_eq(given_load(&g, "..", kit_labs[i].name, &err), 0, "%s", strbuf_str(&err));
		cr_assert(g.found, "%s has no section in labs/manifest.txt", kit_labs[i].name);
		snprintf(path, sizeof(path), "mutants/%s", kit_labs[i].name);
		cr_assert_not_null(d = opendir(path), "%s", path);
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.')
				expect_mutant_gaps(&g, kit_labs[i].name, e->d_name);
		closedir(d);
		given_free(&g);
		strbuf_free(&err);
	}
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

/* ---- what a submission is handed in as: built from its sources, unwrapped, unpacked ---- */

/*
 * Starts grading lab 1 on a submission path (not dir/submission), with TMPDIR
 * a fresh directory of its own (r->dir, which run_finish removes).
 */
static void
start_path(struct run *r, const char *path)
{
	char *args[] = { LAB1, "--submission", (char *)path, "--format", "tap", NULL };

	cr_assert_not_null(r->dir = harness_tempdir());
	cr_assert_eq(harness_sh("chmod 755 \"$1\"", r->dir), 0);
	cr_assert_eq(harness_grade_start(&r->p, args, r->dir), 0);
}

/* Waits for a grading that must fail; its exit code, its stderr in err. */
static int
refused(struct run *r, char *err, size_t cap)
{
	char out[4096];
	int code;

	proc_read_all(&r->p, out, sizeof(out) - 1, GRADE_MS);
	code = proc_wait(&r->p, 5000);
	snprintf(err, cap, "%s", proc_stderr(&r->p));
	proc_kill(&r->p);
	return code;
}

Test(grade, lab_1_committed_binaries_are_ignored_and_named, .timeout = 900)
{
	char *d = harness_tempdir(), *t, good[700], bad[700];
	struct harness_tap gt, bt;
	struct run g, b;

	cr_assert_not_null(d);
	t = template_of(lab_named(LAB1), d);
	/* Sources that do not compile beside working binaries and objects, all newer. */
	cr_assert_eq(harness_sh("set -e; cd \"$1\"; cp -a template good; cp -a template bad;"
	    " for f in uppercase.c udp_server.c udp_client.c; do echo 'not C' >bad/$f; done;"
	    " touch -d 2000-01-01 bad/*.c; ls bad/build/*.o bad/udp_server >/dev/null", d), 0);
	snprintf(good, sizeof(good), "%s/good", d);
	snprintf(bad, sizeof(bad), "%s/bad", d);
	start_path(&g, good);
	start_path(&b, bad);
	run_finish(&g, &gt);
	run_finish(&b, &bt);
	cr_expect_eq(gt.score, gt.max, "%s", g.out);
	cr_expect_gt(bt.n, 0);
	for (size_t i = 0; i < bt.n; i++)
		cr_expect(!bt.t[i].ok || bt.t[i].skipped,
		    "%s passed with sources that do not compile:\n%s", bt.t[i].name, b.out);
	cr_expect_eq(bt.score, 0, "%s", b.out);
	cr_expect(strstr(b.out, "# note: left out ") != NULL &&
	    strstr(b.out, " files your build makes (") != NULL &&
	    strstr(b.out, " more): graded what your sources build") != NULL, "%s", b.out);
	cr_expect(strstr(g.out, "files your build makes (") != NULL, "%s", g.out);
	harness_rmtree(d);
	free(d);
	free(t);
	free(g.out);
	free(b.out);
}

Test(grade, lab_1_zipped_tarred_and_nested_submissions_grade_full_marks, .timeout = 900)
{
	/* w: a folder holding nothing but s.zip (and junk), as a learning platform's
	 * export of an upload, or a tarball handed to Gradescope. */
	static const char *const forms[] = { "s.zip", "s.tar.gz", "s", "w" };
	char *d = harness_tempdir(), path[4][700], inner[700];
	struct harness_tap tap;
	struct run r[4];

	cr_assert_not_null(d);
	snprintf(inner, sizeof(inner), "%s/s/lab1/my files", d);
	cr_assert_eq(harness_mksub(lab_named(LAB1)->ref, lab_named(LAB1)->progs, inner, NULL, NULL), 0);
	cr_assert_eq(harness_sh("set -e; cd \"$1/s\"; mkdir __MACOSX; touch .DS_Store; zip -qr ../s.zip .;"
	    " tar -czf ../s.tar.gz .; mkdir ../w; cp ../s.zip ../w/; touch ../w/.DS_Store", d), 0);
	for (int i = 0; i < 4; i++) {
		snprintf(path[i], sizeof(path[i]), "%s/%s", d, forms[i]);
		start_path(&r[i], path[i]);
	}
	for (int i = 0; i < 4; i++) {
		run_finish(&r[i], &tap);
		cr_expect_gt(tap.n, 0);
		cr_expect_eq(tap.score, tap.max, "%s:\n%s", forms[i], r[i].out);
		cr_expect(strstr(r[i].out, i == 3 ? "# note: in it, your files were in the folder "
		    "lab1/my files/: graded from there\n" : "# note: your files were in the folder "
		    "lab1/my files/: graded from there\n") != NULL, "%s:\n%s", forms[i], r[i].out);
		cr_expect_eq(strstr(r[i].out, "# note: your folder held only the archive s.zip") != NULL,
		    i == 3, "%s:\n%s", forms[i], r[i].out);
		free(r[i].out);
	}
	harness_rmtree(d);
	free(d);
}

Test(grade, lab_1_what_cannot_be_graded_says_why_and_leaves_nothing, .timeout = 300)
{
	static const struct {
		const char *name, *says;
	} cases[] = {
		{ "link", "link is a symbolic link: not followed" },
		{ "hello.c", "hello.c is a file, not a folder or an archive (.zip" },
		{ "big", "big.bin is 210 MB; a submission may hold at most 200 MB in all: leave out data files" },
		{ "bomb.tar.gz", "bomb.tar.gz unpacks to more than 200 MB; a submission may hold at most "
		    "200 MB" },
	};
	char *d = harness_tempdir(), path[700], err[4096];
	long start = proc_now_ms();
	struct run r;

	cr_assert_not_null(d);
	/* A bomb: a tar of a 1 GB file of zeros, gzipped as the same 1 MB member repeated. */
	cr_assert_eq(harness_sh("set -e; cd \"$1\"; mkdir big; ln -s /etc link;"
	    " echo 'int main(void) { return 0; }' >hello.c; echo 'int x;' >big/a.c;"
	    " truncate -s 210M big/big.bin; truncate -s 1G zeros;"
	    " { tar -cf - zeros 2>/dev/null || true; } | head -c 512 | gzip >bomb.tar.gz;"
	    " head -c 1M /dev/zero | gzip >m.gz; for i in $(seq 1024); do cat m.gz; done >>bomb.tar.gz;"
	    " rm zeros m.gz", d), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", d, cases[i].name);
		start_path(&r, path);
		cr_expect_neq(refused(&r, err, sizeof(err)), 0, "%s was graded", cases[i].name);
		cr_expect(strstr(err, cases[i].says) != NULL, "%s: %s", cases[i].name, err);
		cr_expect_eq(harness_sh("[ -z \"$(ls -A \"$1\")\" ]", r.dir), 0, "%s left files behind",
		    cases[i].name);
		harness_rmtree(r.dir);
		free(r.dir);
	}
	cr_expect_lt(proc_now_ms() - start, 120000);
	harness_rmtree(d);
	free(d);
}
