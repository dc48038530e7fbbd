/*
 * grade.c — the autograder's command line.
 *
 *   grade LAB [--submission DIR] [--tests visible|all] [--format FMT] [-o FILE]
 *             [--seed N] [--only TEST] [-v] [--kit DIR]
 *   grade LAB --class DIR [--jobs N] [--csv FILE] [-o OUTDIR] [--similar] ...
 *   grade LAB --list
 *
 * main() parses options and hands off: one submission is graded by
 * grade_one() (copy, the lab's given files laid over the copy, build, tests
 * in order with prerequisites, report); a class is many grade_one() in child
 * processes, --jobs at a time, with a report per student and a CSV gradebook:
 * every entry of the class directory gets both, the ones it cannot grade
 * (a link, an archive that will not unpack, a worker that died) with the
 * reason and 0 points; then the class report (classreport.h) from a record
 * each child leaves.  Class mode needs root (check_user()).
 * Exit status: 0 when it graded, whatever the score (with --strict, 3 below
 * full marks: what `make check` uses); 1 when it could not; 2 for bad usage
 * (and --class without root).
 *
 * _DEFAULT_SOURCE: realpath(3) is XSI, not in plain POSIX.1-2008 base.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "classreport.h"
#include "given.h"
#include "isolate.h"
#include "labconf.h"
#include "numarg.h"
#include "report.h"
#include "runner.h"
#include "sandbox.h"
#include "scenario.h"
#include "sched.h"
#include "tree.h"

enum format { FMT_TEXT, FMT_JSON, FMT_GRADESCOPE, FMT_TAP, FMT_AUTOLAB };

struct options {
	const char *lab, *submission, *out, *only, *kit, *class_dir, *csv, *refs;
	enum format format;
	int visible_only, verbose, list, jobs, seed_set, parallel, strict, similar;
	uint64_t seed;
};

struct kit {
	char root[PATH_MAX];
	char conf[PATH_MAX * 2];
	char tools[PATH_MAX];
	char **ref_dirs;
	struct labconf *lab;
	struct given given;	/* the files the lab gives (labs/manifest.txt) */
	const char *grade_cmd;
	char *hide[4];		/* class mode: the class, output and gradebook
				   directories, absolute (NULL-ended) */
};

/* strdup(3) that exits when memory runs out. */
static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		err(1, "strdup");
	return d;
}

static void
usage(FILE *f)
{
	fputs("usage: grade LAB [--submission DIR] [--tests visible|all]\n"
	    "             [--format text|json|gradescope|tap|autolab] [-o FILE] [--seed N]\n"
	    "             [--only TEST] [-v] [--kit DIR] [--refs DIR]\n"
	    "       grade LAB --class DIR [--jobs N] [--csv FILE] [-o OUTDIR] [--similar] [...]\n"
	    "       grade LAB --list\n"
	    "       grade --scenarios\n"
	    "Builds a submission and runs the lab's tests against the reference programs.\n"
	    "  LAB              a directory name under labs/ (01-udp-uppercase), a unique\n"
	    "                   prefix of one (01), or a path to a lab directory or lab.conf\n"
	    "  --submission DIR the submission (default .); it is copied, never modified\n"
	    "  --tests visible  only the visible tests (what `make check` runs); default all\n"
	    "  --format FMT     text (default), json, gradescope (results.json), tap, autolab\n"
	    "  -o FILE          write the report to FILE (class mode: reports go in OUTDIR)\n"
	    "  --seed N         every random choice comes from N (default: the lab's seed)\n"
	    "  --only TEST[,TEST...]  run only these tests (and the build), prerequisites\n"
	    "                   ignored\n"
	    "  -v               show the trace: every command run, ports, stderr\n"
	    "  --kit DIR        the kit (labs/ and the reference programs); also SOCKLAB_KIT\n"
	    "  --refs DIR       look for reference binaries in DIR first; also SOCKLAB_REFS\n"
	    "  --class DIR      grade every entry of DIR (a folder or archive per student;\n"
	    "                   needs root); --jobs N at a time (default 1)\n"
	    "  --csv FILE       the class gradebook (default OUTDIR/gradebook.csv)\n"
	    "  --similar        class mode: list the pairs whose student-written code is too\n"
	    "                   alike in OUTDIR/report.html (grades do not change)\n"
	    "  --parallel N     run up to N tests of a submission at once (default: the\n"
	    "                   lab's `parallel`, 4 unless it says otherwise)\n"
	    "  --strict         exit 3 when the score is below full marks (make check)\n"
	    "  --list           list the lab's tests and exit\n"
	    "  --scenarios      list every scenario and its lab.conf parameters, and exit\n"
	    "Exit status: 0 when it graded (whatever the score; with --strict, 3 below full\n"
	    "marks), 1 when it could not, 2 for bad usage.\n", f);
}

static enum format
parse_format(const char *v)
{
	static const char *const names[] = { "text", "json", "gradescope", "tap", "autolab" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i]) == 0)
			return (enum format)i;
	errx(2, "--format: '%s' is not text, json, gradescope, tap or autolab (see --help)", v);
}

/* Handles one option that takes a value.  Returns 0, or -1 if unknown. */
static int
option(struct options *o, const char *opt, const char *v)
{
	if (strcmp(opt, "--submission") == 0) o->submission = v;
	else if (strcmp(opt, "--format") == 0) o->format = parse_format(v);
	else if (strcmp(opt, "-o") == 0) o->out = v;
	else if (strcmp(opt, "--only") == 0) o->only = v;
	else if (strcmp(opt, "--kit") == 0) o->kit = v;
	else if (strcmp(opt, "--refs") == 0) o->refs = v;
	else if (strcmp(opt, "--class") == 0) o->class_dir = v;
	else if (strcmp(opt, "--csv") == 0) o->csv = v;
	else if (strcmp(opt, "--jobs") == 0) o->jobs = (int)numarg_or_exit(opt, v, 1, 64);
	else if (strcmp(opt, "--parallel") == 0) o->parallel = (int)numarg_or_exit(opt, v, 1, RUNNER_MAX_JOBS);
	else if (strcmp(opt, "--seed") == 0) {
		o->seed = (uint64_t)numarg_or_exit(opt, v, 0, LONG_MAX);
		o->seed_set = 1;
	} else if (strcmp(opt, "--tests") == 0) {
		if (strcmp(v, "visible") != 0 && strcmp(v, "all") != 0)
			errx(2, "--tests: '%s' is not visible or all (see --help)", v);
		o->visible_only = v[0] == 'v';
	} else
		return -1;
	return 0;
}

/* Prints every scenario and its parameters: the reference for lab.conf authors. */
static void
list_scenarios(void)
{
	static const char *const types[] = { "text", "number", "one of", "repeatable", "words" };

	for (const struct labconf_scenario *sc = scenario_table; sc->name != NULL; sc++) {
		printf("%s\n", sc->name);
		for (const struct labconf_param *p = sc->params; p->name != NULL; p++) {
			printf("  %-16s %s", p->name, types[p->type]);
			if (p->type == LABCONF_ENUM)
				printf(" %s", p->choices);
			if (p->type == LABCONF_INT)
				printf(" %ld..%ld", p->min, p->max);
			if (p->dflt != NULL)
				printf(", default '%s'", p->dflt);
			else if (p->type != LABCONF_LIST && p->type != LABCONF_WORDS)
				printf(", required");
			putchar('\n');
		}
	}
}

/* A word that sets a flag or answers at once (--help, --scenarios).
 * Returns 1 when arg was one, else 0. */
static int
flag(struct options *o, const char *arg)
{
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
		usage(stdout);
		exit(0);
	}
	if (strcmp(arg, "--scenarios") == 0) {
		list_scenarios();
		exit(0);
	}
	if (strcmp(arg, "-v") == 0)
		o->verbose = 1;
	else if (strcmp(arg, "--list") == 0)
		o->list = 1;
	else if (strcmp(arg, "--similar") == 0)
		o->similar = 1;
	else if (strcmp(arg, "--strict") == 0)
		o->strict = 1;
	else
		return 0;
	return 1;
}

/* Exits 2 unless a lab is named and the options go together. */
static void
check_options(const struct options *o)
{
	if (o->lab == NULL)
		errx(2, "which lab? e.g. grade 01-udp-uppercase (see --help)");
	if (o->class_dir != NULL && o->only != NULL)
		errx(2, "--only grades one submission: leave out --class (see --help)");
	if (o->class_dir == NULL && o->similar)
		errx(2, "--similar compares the submissions of a class: add --class DIR (see --help)");
}

static void
parse(int argc, char *argv[], struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->submission = ".";
	o->jobs = 1;
	for (int i = 1; i < argc; i++) {
		if (flag(o, argv[i]))
			continue;
		if (argv[i][0] == '-' && i + 1 < argc && option(o, argv[i], argv[i + 1]) == 0)
			i++;
		else if (argv[i][0] == '-')
			errx(2, "unknown option or missing value: %s (see --help)", argv[i]);
		else if (o->lab == NULL)
			o->lab = argv[i];
		else
			errx(2, "one LAB only; '%s' is extra (see --help)", argv[i]);
	}
	check_options(o);
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The kit root: --kit, $SOCKLAB_KIT, or the first ancestor of grade's directory with labs/. */
static void
find_kit(const struct options *o, const char *argv0, struct kit *k)
{
	const char *given = o->kit ? o->kit : getenv("SOCKLAB_KIT");
	char exe[PATH_MAX], probe[PATH_MAX + 16], *slash;

	if (isolate_self_path(argv0, exe, sizeof(exe)) == -1)
		err(1, "finding my own executable");
	snprintf(k->tools, sizeof(k->tools), "%s", exe);
	if ((slash = strrchr(k->tools, '/')) != NULL)
		*slash = '\0';
	if (given != NULL && *given != '\0') {
		if (realpath(given, k->root) == NULL)
			err(1, "kit %s", given);
		return;
	}
	snprintf(k->root, sizeof(k->root), "%s", k->tools);
	for (int up = 0; up < 4; up++) {
		snprintf(probe, sizeof(probe), "%s/labs", k->root);
		if (is_dir(probe))
			return;
		if ((slash = strrchr(k->root, '/')) == NULL || slash == k->root)
			break;
		*slash = '\0';
	}
	errx(1, "cannot find the kit (a directory with labs/) above %s: use --kit DIR", k->tools);
}

/* Finds LAB's lab.conf: a path, a directory under labs/, or a unique prefix of one. */
static void
find_lab(const struct options *o, struct kit *k)
{
	struct stat st;
	char dir[PATH_MAX + 8], match[256] = "";
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (strchr(o->lab, '/') != NULL && stat(o->lab, &st) == 0) {
		snprintf(k->conf, sizeof(k->conf), S_ISDIR(st.st_mode) ? "%s/lab.conf" : "%s", o->lab);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/labs", k->root);
	if ((d = opendir(dir)) == NULL)
		err(1, "%s", dir);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strncmp(e->d_name, o->lab, strlen(o->lab)) != 0)
			continue;
		if (strcmp(e->d_name, o->lab) == 0) {
			n = 1;
			snprintf(match, sizeof(match), "%s", e->d_name);
			break;
		}
		n++;
		snprintf(match, sizeof(match), "%s", e->d_name);
	}
	closedir(d);
	if (n != 1)
		errx(1, "%s lab called '%s' in %s (see its directory names)", n ? "more than one" : "no",
		    o->lab, dir);
	snprintf(k->conf, sizeof(k->conf), "%s/%s/lab.conf", dir, match);
}

/*
 * The name of the lab whose lab.conf k->conf is, if it is a lab of the kit
 * (kit/labs/NAME/lab.conf), in name; else "" (a lab.conf elsewhere: its
 * submissions are graded as they are).
 */
static void
kit_lab_name(const struct kit *k, char *name, size_t cap)
{
	char conf[PATH_MAX], labs[PATH_MAX], probe[PATH_MAX + 8];
	const char *rest;
	size_t n;

	name[0] = '\0';
	snprintf(probe, sizeof(probe), "%s/labs", k->root);
	if (realpath(k->conf, conf) == NULL || realpath(probe, labs) == NULL)
		return;
	n = strlen(labs);
	if (strncmp(conf, labs, n) != 0 || conf[n] != '/')
		return;
	rest = conf + n + 1;
	n = strcspn(rest, "/");
	if (n < cap && strcmp(rest + n, "/lab.conf") == 0)
		snprintf(name, cap, "%.*s", (int)n, rest);
}

/* The lab's given files, from the kit's manifest; exits if they are wrong. */
static void
load_given(struct kit *k)
{
	struct strbuf e;
	char name[256];

	kit_lab_name(k, name, sizeof(name));
	strbuf_init(&e);
	if (name[0] != '\0' && given_load(&k->given, k->root, name, &e) == -1) {
		fputs(strbuf_str(&e), stderr);
		errx(1, "%s/labs/manifest.txt: the files lab %s gives are listed wrong or missing "
		    "(above)", k->root, name);
	}
	strbuf_free(&e);
}

static void
load_kit(const struct options *o, const char *argv0, struct kit *k)
{
	struct strbuf e;
	const char *refs = o->refs ? o->refs : getenv("SOCKLAB_REFS");
	size_t n = 0, i = 0;

	find_kit(o, argv0, k);
	find_lab(o, k);
	strbuf_init(&e);
	if ((k->lab = labconf_load(k->conf, scenario_table, &e)) == NULL) {
		fputs(strbuf_str(&e), stderr);
		errx(1, "%s: the lab spec has errors (above)", k->conf);
	}
	strbuf_free(&e);
	load_given(k);
	while (k->lab->references[n] != NULL)
		n++;
	if ((k->ref_dirs = calloc(n + 2, sizeof(char *))) == NULL)
		err(1, "calloc");
	if (refs != NULL && *refs != '\0')
		k->ref_dirs[i++] = xstrdup(refs);
	for (size_t j = 0; j < n; j++) {
		char path[PATH_MAX * 2];

		snprintf(path, sizeof(path), "%s/%s", k->root, k->lab->references[j]);
		if (!is_dir(path))
			errx(1, "the reference programs are not at %s: is the kit complete?", path);
		k->ref_dirs[i++] = xstrdup(path);
	}
}

static void
list_tests(const struct kit *k)
{
	printf("%s — %s (%s)\n", k->conf, k->lab->title, k->lab->build);
	for (size_t i = 0; i < k->lab->ntests; i++) {
		const struct labconf_test *t = &k->lab->tests[i];

		printf("  %-32s %3d  %-7s %-10s %s\n", t->name, t->points,
		    t->visibility == LABCONF_HIDDEN ? "hidden" : "visible", t->scenario->name, t->title);
	}
	printf("  total %d points (%d visible)\n", labconf_points(k->lab, 0), labconf_points(k->lab, 1));
}

static void
progress(const struct options *o, const char *what, size_t i, size_t n)
{
	if (o->class_dir == NULL && isatty(2))
		fprintf(stderr, "\r\033[K[%zu/%zu] %s", i, n, what);
}

/* True if name is one of the comma-separated names in list. */
static int
in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, name, n) == 0)
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

static void
select_tests(const struct options *o, const struct kit *k, struct report *rep)
{
	size_t found = 0, asked = 1;

	for (size_t i = 0; i < k->lab->ntests; i++) {
		const struct labconf_test *t = &k->lab->tests[i];
		int named = o->only != NULL && in_list(o->only, t->name);

		rep->ran[i] = (!o->visible_only || t->visibility == LABCONF_VISIBLE) &&
		    (o->only == NULL || named);
		found += (size_t)named;
		result_init(&rep->results[i]);
		rep->results[i].max_points = t->points;
	}
	for (const char *p = o->only; p && *p; p++)
		asked += *p == ',';
	if (o->only != NULL && found != asked)
		errx(1, "%s has no test called '%s' (see --list)", k->conf, o->only);
}

_Static_assert(SCHED_MAX_SLOTS <= RUNNER_MAX_JOBS, "runner_wait takes every running test");

/* One submission's tests in flight: what sched_run's callbacks need. */
struct in_flight {
	const struct options *o;
	struct kit *k;
	struct runner *r;
	struct report *rep;
	struct runner_job *jobs;	/* jobs[i]: test i's worker */
	size_t todo, started;
};

/* sched_ops.start: test i in a worker of the runner's. */
static int
start_test(void *ctx, size_t i)
{
	struct in_flight *f = ctx;
	const struct labconf_test *t = &f->k->lab->tests[i];

	progress(f->o, t->name, ++f->started, f->todo);
	return runner_start_test(f->r, t, (int)i, &f->rep->results[i], &f->jobs[i]);
}

/* sched_ops.wait: the runner finishes one test; it gets its points. */
static int
wait_test(void *ctx, const size_t *running, size_t n)
{
	struct in_flight *f = ctx;
	struct runner_job *jobs[SCHED_MAX_SLOTS];
	int done;

	for (size_t j = 0; j < n; j++)
		jobs[j] = &f->jobs[running[j]];
	if ((done = runner_wait(jobs, n, 1000)) >= 0)
		runner_score(&f->k->lab->tests[running[done]], &f->rep->results[running[done]]);
	return done;
}

/* Runs the selected tests, up to limit at a time, prerequisites first (sched.h). */
static void
run_tests(struct in_flight *f, size_t limit)
{
	struct sched sc = { .tests = f->k->lab->tests, .ntests = f->k->lab->ntests,
		.selected = f->rep->ran, .results = f->rep->results, .build = &f->rep->build,
		.limit = limit };
	struct sched_ops ops = { .start = start_test, .wait = wait_test, .ctx = f };

	if (sched_init(&sc) == -1 || (f->jobs = calloc(f->k->lab->ntests + 1, sizeof(*f->jobs))) == NULL)
		err(1, "calloc");
	sched_run(&sc, &ops);
	sched_free(&sc);
	free(f->jobs);
	f->jobs = NULL;
}

/*
 * Lays the lab's given files over the submission's copy (r->sub); if it
 * replaced any, says so in the report's notes.  Returns 0, or -1 with msg.
 */
static int
lay_given(const struct kit *k, const struct runner *r, struct report *rep, struct strbuf *msg)
{
	struct strbuf changed;
	int n;

	strbuf_init(&changed);
	if ((n = given_overlay(&k->given, r->sub, &changed, msg)) > 0)
		given_note(&k->given, strbuf_str(&changed), &rep->notes);
	strbuf_free(&changed);
	return n == -1 ? -1 : 0;
}

/* Sets rep up for submission: the selected tests chosen, nothing run yet. */
static void
report_start(const struct options *o, const struct kit *k, const char *submission,
    struct report *rep)
{
	size_t n = k->lab->ntests + 1;

	memset(rep, 0, sizeof(*rep));
	rep->lab = k->lab;
	rep->lab_name = o->lab;
	rep->submission = submission;
	rep->grade_cmd = k->grade_cmd;
	rep->seed = o->seed_set ? o->seed : k->lab->seed;
	rep->verbose = o->verbose;
	rep->results = calloc(n, sizeof(*rep->results));
	rep->ran = calloc(n, sizeof(*rep->ran));
	if (rep->results == NULL || rep->ran == NULL)
		err(1, "calloc");
	result_init(&rep->build);
	strbuf_init(&rep->notes);
	select_tests(o, k, rep);
}

/* Marks rep as not graded at all: the build an error that says why, every test skipped. */
static void
ungraded(struct report *rep, const char *why)
{
	rep->build.status = RESULT_ERROR;
	strbuf_reset(&rep->build.message);
	strbuf_printf(&rep->build.message, "could not be graded: %s", why);
	for (size_t i = 0; i < rep->lab->ntests; i++) {
		if (!rep->ran[i])
			continue;
		rep->results[i].status = RESULT_SKIP;
		rep->results[i].points = 0;
		strbuf_reset(&rep->results[i].message);
		strbuf_puts(&rep->results[i].message, "skipped: the submission could not be graded");
	}
}

/*
 * Adds path, made absolute, to the NULL-ended list v (room for cap entries
 * and the NULL), unless it is there already or does not exist.
 */
static void
hide_add(char **v, size_t cap, const char *path)
{
	char *abs = realpath(path, NULL);
	size_t i = 0;

	if (abs == NULL && errno == ENOMEM)
		err(1, "realpath");
	while (abs != NULL && i < cap && v[i] != NULL && strcmp(v[i], abs) != 0)
		i++;
	if (abs != NULL && i < cap && v[i] == NULL)
		v[i] = abs;
	else
		free(abs);
}

/*
 * Grades one submission into rep.  Returns 0, or -1 if it could not be
 * graded at all: then a warning said why, and so does rep (ungraded()).
 */
static int
grade_one(const struct options *o, struct kit *k, const char *submission, struct report *rep)
{
	struct runner r = { .lab = k->lab, .ref_dirs = k->ref_dirs, .tools_dir = k->tools };
	long start = sandbox_now_ms();
	struct strbuf msg;
	struct in_flight f = { .o = o, .k = k, .r = &r, .rep = rep };
	char *hide[6] = { NULL };
	int rc = 0;

	report_start(o, k, submission, rep);
	r.seed = rep->seed;
	for (size_t i = 0; i < k->lab->ntests; i++)
		f.todo += (size_t)rep->ran[i];
	for (size_t i = 0; k->hide[i] != NULL; i++)
		hide_add(hide, 5, k->hide[i]);
	hide_add(hide, 5, submission);
	r.hide = (const char *const *)hide;
	strbuf_init(&msg);
	if (runner_prepare(&r, submission, &rep->notes, &msg) == -1 || lay_given(k, &r, rep, &msg) == -1) {
		warnx("%s: %s", submission, strbuf_str(&msg));
		ungraded(rep, strbuf_str(&msg));
		rc = -1;
	} else {
		progress(o, "build", 0, f.todo);
		if (o->similar)
			classreport_take_code(&k->given, r.sub, &rep->code);
		runner_build(&r, &rep->build);
		run_tests(&f, o->parallel ? (size_t)o->parallel : (size_t)k->lab->parallel);
		if (o->class_dir == NULL && isatty(2))
			fputs("\r\033[K", stderr);
	}
	runner_finish(&r);
	strbuf_free(&msg);
	for (size_t i = 0; hide[i] != NULL; i++)
		free(hide[i]);
	rep->duration_ms = sandbox_now_ms() - start;
	return rc;
}

static void
write_report(const struct report *rep, enum format fmt, FILE *f)
{
	switch (fmt) {
	case FMT_TEXT: report_text(rep, f); break;
	case FMT_JSON: report_json(rep, f); break;
	case FMT_GRADESCOPE: report_gradescope(rep, f); break;
	case FMT_TAP: report_tap(rep, f); break;
	case FMT_AUTOLAB: report_autolab(rep, f); break;
	}
}

static void
free_report(struct report *rep)
{
	for (size_t i = 0; rep->results && i < rep->lab->ntests; i++)
		result_free(&rep->results[i]);
	result_free(&rep->build);
	strbuf_free(&rep->notes);
	strbuf_free(&rep->code);
	free(rep->results);
	free(rep->ran);
}

static int
grade_single(const struct options *o, struct kit *k)
{
	struct report rep;
	FILE *f = stdout;
	int score, max;

	if (grade_one(o, k, o->submission, &rep) == -1)
		return 1;
	report_score(&rep, &score, &max);
	if (o->out != NULL && (f = fopen(o->out, "w")) == NULL)
		err(1, "%s", o->out);
	write_report(&rep, o->format, f);
	if (fflush(f) == EOF || (f != stdout && fclose(f) == EOF))
		err(1, "writing the report");
	free_report(&rep);
	return o->strict && score < max ? 3 : 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A class run: where its files go, and whom it grades. */
struct class_run {
	const char *outdir;
	char rows[PATH_MAX + 32];	/* a directory of our own for the rows */
	char scratch[PATH_MAX];		/* the children's TMPDIR: removed at the end,
					   whatever a dead child left there */
	struct stat out_st, csv_st;	/* what to leave out of the class */
	int csv_exists;
	char **names;			/* every entry of the class directory, sorted */
	size_t n;
};

/* True if st is the output directory or the gradebook of the run. */
static int
is_ours(const struct class_run *cr, const struct stat *st)
{
	return (st->st_dev == cr->out_st.st_dev && st->st_ino == cr->out_st.st_ino) ||
	    (cr->csv_exists && st->st_dev == cr->csv_st.st_dev && st->st_ino == cr->csv_st.st_ino);
}

/*
 * Every entry of the class directory but . and .., the output directory and
 * the gradebook (if they lie in it), sorted, into cr->names.  Links are not
 * followed here: class_child() says why they are not graded.
 */
static void
submissions(const char *dir, struct class_run *cr)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	if (d == NULL)
		err(1, "%s", dir);
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && is_ours(cr, &st))
			continue;
		if (cr->n == cap &&
		    (cr->names = realloc(cr->names, (cap = cap ? cap * 2 : 64) * sizeof(char *))) == NULL)
			err(1, "realloc");
		cr->names[cr->n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (cr->n > 0)
		qsort(cr->names, cr->n, sizeof(char *), by_name);
}

static const char *
extension(enum format fmt)
{
	static const char *const ext[] = { "txt", "json", "results.json", "tap", "txt" };

	return ext[fmt];
}

/* Why the class entry at path is not graded (without looking inside), or NULL. */
static const char *
entry_problem(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return "it could not be read (it went away while the class was graded?)";
	if (S_ISLNK(st.st_mode))
		return "it is a symbolic link: the grader does not follow links; put the files "
		    "there instead";
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return "it is neither a folder nor a file (a device, a FIFO or a socket)";
	return NULL;
}

/* Opens a new file for writing (not through a link).  Returns it, or NULL. */
static FILE *
create(const char *path, int flags, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | flags, mode);
	FILE *f;

	if (fd == -1)
		return NULL;
	if ((f = fdopen(fd, "w")) == NULL)
		close(fd);
	return f;
}

/* Writes student i's report into the output directory and its row into the rows directory. */
static int
class_write(const struct options *o, const struct class_run *cr, size_t i,
    const struct report *rep)
{
	struct strbuf path;
	FILE *f;
	int rc = 0;

	strbuf_init(&path);
	strbuf_printf(&path, "%s/", cr->outdir);
	report_file_name(cr->names[i], extension(o->format), &path);
	if ((f = create(strbuf_str(&path), O_TRUNC, 0644)) == NULL)
		rc = -1;
	else {
		write_report(rep, o->format, f);
		rc = fclose(f) == EOF ? -1 : 0;
	}
	if (rc == -1)
		warn("%s", strbuf_str(&path));
	strbuf_reset(&path);
	strbuf_printf(&path, "%s/%zu", cr->rows, i);
	if ((f = create(strbuf_str(&path), O_EXCL, 0600)) == NULL) {
		warn("%s", strbuf_str(&path));
		rc = -1;
	} else {
		report_csv_row(rep, cr->names[i], f);
		if (fclose(f) == EOF)
			rc = -1;
	}
	strbuf_reset(&path);
	strbuf_printf(&path, "%s/%zu.rec", cr->rows, i);
	if (classreport_save(rep, &rep->code, strbuf_str(&path)) == -1)
		warn("%s", strbuf_str(&path));
	strbuf_free(&path);
	return rc;
}

/* In a child: grades student i, writes the report and a gradebook row, and exits. */
static void
class_child(const struct options *o, struct kit *k, const struct class_run *cr, size_t i)
{
	char sub[PATH_MAX * 2];
	const char *problem;
	struct report rep;
	int score, max, rc;

	snprintf(sub, sizeof(sub), "%s/%s", o->class_dir, cr->names[i]);
	if ((problem = entry_problem(sub)) != NULL) {
		warnx("%s: %s", sub, problem);
		report_start(o, k, sub, &rep);
		ungraded(&rep, problem);
	} else {
		grade_one(o, k, sub, &rep);
	}
	rc = class_write(o, cr, i, &rep);
	report_score(&rep, &score, &max);
	fprintf(stderr, "[%zu/%zu] %s: %d/%d (%.1f s)\n", i + 1, cr->n, cr->names[i], score, max,
	    (double)rep.duration_ms / 1000);
	_exit(rc == 0 ? 0 : 1);
}

/*
 * After student i's child ended with status: if it left no row (it died),
 * writes its report and row here, saying so.
 */
static void
class_reaped(const struct options *o, struct kit *k, const struct class_run *cr, size_t i,
    int status)
{
	char sub[PATH_MAX * 2], path[PATH_MAX + 64], why[160];
	struct report rep;

	snprintf(path, sizeof(path), "%s/%zu", cr->rows, i);
	if (access(path, F_OK) == 0)
		return;
	if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "the grader's worker for this student died (status: "
		    "killed by signal %d, %s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(why, sizeof(why), "the grader's worker for this student died (status: "
		    "exit status %d)", WEXITSTATUS(status));
	snprintf(sub, sizeof(sub), "%s/%s", o->class_dir, cr->names[i]);
	warnx("%s: %s", sub, why);
	report_start(o, k, sub, &rep);
	ungraded(&rep, why);
	class_write(o, cr, i, &rep);
	free_report(&rep);
}

/* Copies file at path to f.  Returns 0, or -1 if it cannot be read or is empty. */
static int
copy_into(const char *path, FILE *f)
{
	char buf[8192];
	size_t n, total = 0;
	FILE *in = fopen(path, "re");

	if (in == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		fwrite(buf, 1, n, f);
		total += n;
	}
	fclose(in);
	return total > 0 ? 0 : -1;
}

/* Writes the gradebook from the rows the children left, and removes them. */
static void
write_gradebook(const struct options *o, struct kit *k, const struct class_run *cr)
{
	char path[PATH_MAX * 2];
	FILE *csv;

	if (o->csv)
		snprintf(path, sizeof(path), "%s", o->csv);
	else
		snprintf(path, sizeof(path), "%s/gradebook.csv", cr->outdir);
	if ((csv = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	report_csv_header(k->lab, csv);
	for (size_t i = 0; i < cr->n; i++) {
		snprintf(path, sizeof(path), "%s/%zu", cr->rows, i);
		if (copy_into(path, csv) == -1) {
			struct report rep;

			report_start(o, k, cr->names[i], &rep);
			ungraded(&rep, "the grader wrote no row for this student (see its messages)");
			report_csv_row(&rep, cr->names[i], csv);
			free_report(&rep);
		}
		unlink(path);
	}
	if (fclose(csv) == EOF)
		err(1, "writing the gradebook");
	if (rmdir(cr->rows) == -1)
		warn("%s", cr->rows);
}

/* The directory path is in (cut at its last '/'), into buf. */
static void
parent_dir(const char *path, char *buf, size_t cap)
{
	char *slash;

	snprintf(buf, cap, "%s", path);
	if ((slash = strrchr(buf, '/')) == NULL)
		snprintf(buf, cap, ".");
	else if (slash == buf)
		buf[1] = '\0';
	else
		*slash = '\0';
}

/*
 * Checks the class, output and --csv directories and notes what the
 * programs must not see (k->hide).  Exits if one is missing.
 */
static void
class_check_dirs(const struct options *o, struct kit *k, struct class_run *cr)
{
	char dir[PATH_MAX];

	if (!is_dir(o->class_dir))
		errx(1, "--class %s: not a directory", o->class_dir);
	if (mkdir(cr->outdir, 0755) == -1 && errno != EEXIST)
		err(1, "%s", cr->outdir);
	if (stat(cr->outdir, &cr->out_st) == -1 || !S_ISDIR(cr->out_st.st_mode))
		errx(1, "-o %s: not a directory", cr->outdir);
	hide_add(k->hide, 3, o->class_dir);
	hide_add(k->hide, 3, cr->outdir);
	if (o->csv != NULL) {
		parent_dir(o->csv, dir, sizeof(dir));
		if (!is_dir(dir))
			errx(1, "--csv %s: there is no directory %s", o->csv, dir);
		cr->csv_exists = stat(o->csv, &cr->csv_st) == 0;
		hide_add(k->hide, 3, dir);
	}
}

/*
 * Checks the directories (class_check_dirs), then makes the rows directory
 * and the scratch directory the children use as TMPDIR.  Exits on failure.
 */
static void
class_setup(const struct options *o, struct kit *k, struct class_run *cr)
{
	const char *tmp = getenv("TMPDIR");

	class_check_dirs(o, k, cr);
	snprintf(cr->rows, sizeof(cr->rows), "%s/.rows-XXXXXX", cr->outdir);
	if (mkdtemp(cr->rows) == NULL)
		err(1, "%s", cr->rows);
	snprintf(cr->scratch, sizeof(cr->scratch), "%s/socklab-class.XXXXXX",
	    tmp && *tmp && strlen(tmp) < 150 ? tmp : "/tmp");
	/* Others may pass through to the students' directories (runner_prepare), not list. */
	if (mkdtemp(cr->scratch) == NULL || chmod(cr->scratch, 0711) == -1 ||
	    setenv("TMPDIR", cr->scratch, 1) == -1)
		err(1, "a temporary directory in %s", tmp && *tmp ? tmp : "/tmp");
}

/*
 * Kills and reaps every process left under us until none is.  A dead child's
 * worker and build die only after SIGKILL is delivered, and their own
 * descendants are handed to us (the subreaper) only then: one sweep can miss
 * them, and what we miss outlives the grader.
 */
static void
reap_the_rest(void)
{
	for (;;) {
		isolate_kill_children(NULL);
		if (waitpid(-1, NULL, 0) == -1 && errno != EINTR)
			return;		/* ECHILD: nothing is left */
	}
}

/* The children of a class in flight: slot i runs student idx[i] (kids[i] 0: free). */
struct jobs {
	pid_t *kids;
	size_t *idx;
	size_t next, running;
};

/* Fills every free slot with the next student, while there is one. */
static void
jobs_start(const struct options *o, struct kit *k, const struct class_run *cr,
    struct jobs *j)
{
	for (int slot = 0; slot < o->jobs && j->next < cr->n; slot++) {
		pid_t pid;

		if (j->kids[slot] != 0)
			continue;
		fflush(stderr);
		if ((pid = fork()) == -1)
			err(1, "fork");
		if (pid == 0)
			class_child(o, k, cr, j->next);
		j->kids[slot] = pid;
		j->idx[slot] = j->next++;
		j->running++;
	}
}

/* Child pid ended with status: frees its slot and settles its student. */
static void
jobs_ended(const struct options *o, struct kit *k, const struct class_run *cr,
    struct jobs *j, pid_t pid, int status)
{
	struct isolate_spare spare = { .pids = j->kids, .n = (size_t)o->jobs };

	for (int slot = 0; slot < o->jobs; slot++) {
		if (j->kids[slot] != pid)
			continue;
		j->kids[slot] = 0;
		j->running--;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			isolate_kill_children(&spare);
		class_reaped(o, k, cr, j->idx[slot], status);
	}
}

/*
 * Starts the children of a class, --jobs at a time, and reaps them (and any
 * orphans of theirs reparented to us).  Processes a dead child left behind
 * are killed; its student gets a row that says it died.
 */
static void
class_loop(const struct options *o, struct kit *k, const struct class_run *cr)
{
	struct jobs j = { .kids = calloc((size_t)o->jobs, sizeof(pid_t)),
	    .idx = calloc((size_t)o->jobs, sizeof(size_t)) };

	if (j.kids == NULL || j.idx == NULL)
		err(1, "calloc");
	while (j.next < cr->n || j.running > 0) {
		pid_t pid;
		int status;

		jobs_start(o, k, cr, &j);
		if ((pid = waitpid(-1, &status, 0)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		jobs_ended(o, k, cr, &j, pid, status);
	}
	reap_the_rest();
	free(j.kids);
	free(j.idx);
}

/* Writes OUTDIR/report.html and OUTDIR/summary.json from the records the children left. */
static void
class_summary(const struct options *o, const struct kit *k, const struct class_run *cr)
{
	char starter[sizeof(k->conf)];
	struct classreport_run run = { .lab = k->lab, .lab_name = o->lab, .names = cr->names,
		.n = cr->n, .records = cr->rows, .outdir = cr->outdir, .similar = o->similar,
		.starter = starter, .given = &k->given,
		.seed = o->seed_set ? o->seed : k->lab->seed };
	long start = sandbox_now_ms();
	struct strbuf e;

	parent_dir(k->conf, starter, sizeof(starter));
	strbuf_init(&e);
	for (size_t i = 0; i < cr->n && run.prefix == NULL; i++) {
		strbuf_reset(&e);
		report_file_name(cr->names[i], extension(o->format), &e);
		if (strcmp(strbuf_str(&e), "summary.json") == 0 || strcmp(strbuf_str(&e), "report.html") == 0)
			run.prefix = "class-";	/* a student's report has that name */
	}
	strbuf_reset(&e);
	if (classreport_write(&run, &e) == -1)
		warnx("the class report: %s", strbuf_str(&e));
	else
		fprintf(stderr, "class report: %s/%sreport.html and %ssummary.json (%.2f s)\n", cr->outdir,
		    run.prefix ? run.prefix : "", run.prefix ? run.prefix : "",
		    (double)(sandbox_now_ms() - start) / 1000);
	strbuf_free(&e);
}

static int
grade_class(const struct options *o, struct kit *k)
{
	struct class_run cr = { .outdir = o->out ? o->out : "grades" };

	class_setup(o, k, &cr);
	submissions(o->class_dir, &cr);
	fprintf(stderr, "grading %zu submissions in %s, %d at a time, seed %llu\n", cr.n,
	    o->class_dir, o->jobs, (unsigned long long)(o->seed_set ? o->seed : k->lab->seed));
	class_loop(o, k, &cr);
	if (tree_remove(cr.scratch) == -1)
		warn("removing %s", cr.scratch);
	class_summary(o, k, &cr);
	write_gradebook(o, k, &cr);
	for (size_t i = 0; i < cr.n; i++)
		free(cr.names[i]);
	free(cr.names);
	return 0;
}

/*
 * Grading a class needs root: each student's programs must run as a user of
 * their own, in a private view of the files, or one student's build could
 * read the others' paths from /proc, change their sources or the gradebook,
 * and kill(-1) the run.  One submission may be graded as anyone, warned.
 */
static void
check_user(const struct options *o, const char *argv0)
{
	if (geteuid() == 0 || o->list)
		return;
	if (o->class_dir != NULL)
		errx(2, "--class needs root: each student's programs must run as a user of their "
		    "own in a private view of the files, which only root can set up; run as you, one "
		    "student's programs could read or change the others' submissions, the reports and "
		    "the gradebook, or stop the whole run.  Run it as root (sudo %s %s --class %s ...), "
		    "or grade one student at a time with --submission DIR", argv0, o->lab, o->class_dir);
	warnx("warning: not running as root: the submission's programs run as your own user, "
	    "with everything you may read, change or kill");
}

static void
free_kit(struct kit *k)
{
	for (size_t i = 0; k->ref_dirs && k->ref_dirs[i]; i++)
		free(k->ref_dirs[i]);
	free(k->ref_dirs);
	for (size_t i = 0; k->hide[i] != NULL; i++)
		free(k->hide[i]);
	labconf_free(k->lab);
	given_free(&k->given);
}

int
main(int argc, char *argv[])
{
	struct options o;
	struct kit k;
	int rc = 0;

	parse(argc, argv, &o);
	check_user(&o, argv[0]);
	memset(&k, 0, sizeof(k));
	k.grade_cmd = argv[0];
	load_kit(&o, argv[0], &k);
	if (o.list) {
		list_tests(&k);
	} else {
		signal(SIGPIPE, SIG_IGN);
		isolate_subreaper();
		rc = o.class_dir ? grade_class(&o, &k) : grade_single(&o, &k);
	}
	free_kit(&k);
	return rc;
}
