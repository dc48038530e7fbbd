/*
 * test_hostile.c — submissions that attack the grader (hostile/, see its
 * README) are contained: grading ends in bounded time with a report, and not
 * one of their processes is left running anywhere afterwards.  Also: the
 * same submission graded many times gets the same score every time, and
 * class mode writes a report per student and a gradebook.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/harness.h"

#define OUT_CAP (1 << 20)

static const struct {
	const char *name, *conf;
	const char *passes;	/* a test that must still pass, or NULL */
	int bound_s;		/* the whole run must end within this */
} hostile[] = {
	{ "forkbomb", "tests/hostile-lab.conf", NULL, 150 },
	{ "spin", "tests/hostile-lab.conf", NULL, 150 },
	{ "flood", "tests/hostile-lab.conf", NULL, 150 },
	{ "daemon", "tests/hostile-lab.conf", NULL, 150 },
	{ "portsquat", "tests/hostile-lab.conf", "server", 150 },
	{ "memhog", "tests/hostile-lab.conf", NULL, 150 },
	{ "killer", "tests/hostile-lab.conf", NULL, 150 },
	{ "buildhang", "tests/hostile-build.conf", NULL, 60 },
};

#define NHOSTILE (sizeof(hostile) / sizeof(hostile[0]))

Test(hostile, every_hostile_submission_is_contained_and_leaves_nothing, .timeout = 600)
{
	static struct proc p[NHOSTILE];
	static char *tmp[NHOSTILE];
	long start[NHOSTILE];

	for (size_t i = 0; i < NHOSTILE; i++) {
		char sub[200];
		char *args[] = { (char *)hostile[i].conf, "--submission", sub, "--format", "tap", NULL };

		snprintf(sub, sizeof(sub), "hostile/%s", hostile[i].name);
		cr_assert_not_null(tmp[i] = harness_tempdir());
		start[i] = proc_now_ms();
		cr_assert_eq(harness_grade_start(&p[i], args, tmp[i]), 0);
	}
	for (size_t i = 0; i < NHOSTILE; i++) {
		char *out = malloc(OUT_CAP);
		struct harness_tap tap;
		long n = proc_read_all(&p[i], out, OUT_CAP - 1, hostile[i].bound_s * 1000);
		int code = proc_wait(&p[i], 5000);

		out[n < 0 ? 0 : n] = '\0';
		cr_expect_geq(n, 0, "%s: grading did not end within %d s", hostile[i].name,
		    hostile[i].bound_s);
		cr_expect_eq(code, 0, "%s: grade exited %d: %s", hostile[i].name, code,
		    proc_stderr(&p[i]));
		cr_expect_leq(proc_now_ms() - start[i], hostile[i].bound_s * 1000L);
		cr_expect_eq(harness_tap_parse(out, &tap), 0, "%s: no report:\n%s", hostile[i].name, out);
		cr_expect_eq(tap.n, 2, "%s: both tests reported", hostile[i].name);
		cr_expect(strstr(out, "still running after the test") == NULL,
		    "%s: the report says processes were left:\n%s", hostile[i].name, out);
		if (hostile[i].passes != NULL) {
			int t = harness_tap_find(&tap, hostile[i].passes);

			cr_expect(t >= 0 && tap.t[t].ok && !tap.t[t].skipped, "%s: %s should pass:\n%s",
			    hostile[i].name, hostile[i].passes, out);
		}
		cr_expect_eq(harness_left_under(tmp[i]), 0, "%s left processes behind", hostile[i].name);
		proc_kill(&p[i]);
		harness_rmtree(tmp[i]);
		free(tmp[i]);
		free(out);
	}
}

/* The gradebook's rows without the submission name: what must agree between copies. */
static void
rows(const char *csv, char rows_out[][512], size_t *n, size_t cap)
{
	const char *line = strchr(csv, '\n');

	*n = 0;
	while (line != NULL && line[1] != '\0' && *n < cap) {
		const char *start = line + 1, *end = strchr(start, '\n'), *comma = strchr(start, ',');

		if (end == NULL || comma == NULL || comma > end)
			break;
		snprintf(rows_out[(*n)++], 512, "%.*s", (int)(end - comma), comma);
		line = end;
	}
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, OUT_CAP);

	cr_assert_not_null(f, "%s", path);
	fread(buf, 1, OUT_CAP - 1, f);
	fclose(f);
	return buf;
}

/*
 * COPIES copies of the UDP reference, built once, graded as a class on the
 * tests most exposed to timing (loss, duplicates, stale replies): every copy
 * must get the same points in every test.  (`make test-determinism` builds
 * and grades the whole lab 20 times.)
 */
Test(determinism, copies_of_one_submission_get_the_same_score, .timeout = 600)
{
	enum { COPIES = 20 };
	char *dir = harness_tempdir(), class[600], outdir[600], csvpath[700], sub[700], out[4096];
	char *args[] = { "tests/determinism-lab.conf", "--class", class, "--jobs", "4", "-o", outdir,
		NULL };
	static char r[COPIES][512];
	size_t n;
	char *csv;

	cr_assert_not_null(dir);
	snprintf(class, sizeof(class), "%s/class", dir);
	snprintf(outdir, sizeof(outdir), "%s/grades", dir);
	mkdir(class, 0755);
	snprintf(sub, sizeof(sub), "%s/student00", class);
	cr_assert_eq(harness_mksub("../udp_uppercase", "udp_server udp_client", sub, NULL, NULL), 0);
	cr_assert_eq(harness_sh("make -s -C \"$1\" >/dev/null && for i in $(seq -w 1 19); do "
	    "cp -a \"$1\" \"${1%00}$i\"; done", sub), 0);
	cr_assert_eq(harness_grade(args, NULL, out, sizeof(out), 500000), 0);
	snprintf(csvpath, sizeof(csvpath), "%s/gradebook.csv", outdir);
	csv = slurp(csvpath);
	rows(csv, r, &n, COPIES);
	cr_assert_eq(n, COPIES, "%zu rows in the gradebook:\n%s", n, csv);
	for (size_t i = 1; i < n; i++)
		cr_expect_str_eq(r[i], r[0], "student%02zu differs from student00:\n%s", i, csv);
	cr_expect(strstr(r[0], ",ok,") == r[0], "the build should pass: %s", r[0]);
	snprintf(csvpath, sizeof(csvpath), "%s/student07.txt", outdir);
	free(csv);
	csv = slurp(csvpath);
	cr_expect(strstr(csv, "score: ") != NULL, "a text report per student:\n%s", csv);
	free(csv);
	harness_rmtree(dir);
	free(dir);
}

/* ---- class mode: every entry of the class gets a row and a report ---- */

/*
 * Checks a gradebook (python3's csv reader, RFC 4180) against an expected
 * table (%s) of name<TAB>build<TAB>total<TAB>words of the reason<TAB>report
 * (\n in a name written \\n), and that each name has its report, for
 * the class in $1/class graded into $1/class/out and $1/class/book.csv.
 */
static const char check_book[] =
    "python3 - \"$1/class/book.csv\" \"$1/class/out\" <<'PY'\n"
    "import csv, os, sys\n"
    "want = [l.split('\\t') for l in r'''%s'''.strip('\\n').split('\\n')]\n"
    "rows = list(csv.reader(open(sys.argv[1], encoding='utf-8', newline='')))\n"
    "head, rows = rows[0], {r[0]: r for r in rows[1:]}\n"
    "assert head[:3] == ['submission', 'build', 'reason'], head\n"
    "assert sorted(rows) == sorted(w[0].replace('\\\\n', '\\n') for w in want), sorted(rows)\n"
    "for name, build, total, reason, report in want:\n"
    "    r = rows[name.replace('\\\\n', '\\n')]\n"
    "    assert r[1] == build and r[-2] == total and reason in r[2], (name, r)\n"
    "    text = open(os.path.join(sys.argv[2], report), encoding='utf-8', errors='replace').read()\n"
    "    assert reason in text and 'score: %%s/' %% total in text, (name, text)\n"
    "left = sorted(set(os.listdir(sys.argv[2])) - {w[4] for w in want})\n"
    "assert left in (['gradebook.csv', 'report.html', 'summary.json'],\n"
    "                ['report.html', 'summary.json']), left\n"
    "PY\n";

Test(hostile, class_mode_gives_every_entry_a_row_and_a_report, .timeout = 600)
{
	char *dir = harness_tempdir(), class[600], out[700], csv[700], sub[700], script[4096];
	char *args[] = { "tests/hostile-lab.conf", "--class", class, "--jobs", "2", "-o", out,
		"--csv", csv, NULL };
	char *text = malloc(OUT_CAP);

	cr_assert_not_null(dir);
	snprintf(class, sizeof(class), "%s/class", dir);
	snprintf(out, sizeof(out), "%s/out", class);
	snprintf(csv, sizeof(csv), "%s/book.csv", class);
	snprintf(sub, sizeof(sub), "%s/Zoë Müller (late)", class);
	cr_assert_eq(harness_mksub("../udp_uppercase", "udp_server udp_client", sub, NULL, NULL), 0);
	cr_assert_eq(harness_sh("cd \"$1\" && cp -a 'Zoë Müller (late)' .dot && "
	    "mkdir \"$(printf 'q\"uote\\nline')\" && echo hello >notes.txt && ln -s /etc etclink && "
	    "echo an old gradebook >book.csv", class), 0);
	cr_assert_eq(harness_grade(args, NULL, text, OUT_CAP, 500000), 0);
	snprintf(script, sizeof(script), check_book,
	    "Zoë Müller (late)\tok\t2\t\tZoë Müller (late).txt\n"
	    ".dot\tok\t2\t\t%2Edot.txt\n"
	    "q\"uote\\nline\tfailed\t0\t\tq\"uote%0Aline.txt\n"
	    "etclink\terror\t0\tcould not be graded: it is a symbolic link: the grader does not "
	    "follow links; put the files there instead\tetclink.txt\n"
	    "notes.txt\terror\t0\tcould not be graded: \tnotes.txt.txt\n");
	cr_expect_eq(harness_sh(script, dir), 0, "the gradebook or the reports are wrong");
	free(text);
	harness_rmtree(dir);
	free(dir);
}

/* A child of pid (the first listed by Linux), or -1. */
static pid_t
child_of(pid_t pid)
{
	char path[100];
	FILE *f;
	long c = -1;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fscanf(f, "%ld", &c) != 1)
		c = -1;
	fclose(f);
	return c > 0 ? (pid_t)c : -1;
}

/* Waits (up to 30 s) for a child of pid that has a child itself; returns it, or -1. */
static pid_t
busy_child_of(pid_t pid)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (long end = proc_now_ms() + 30000; proc_now_ms() < end; nanosleep(&tick, NULL)) {
		pid_t c = child_of(pid);

		if (c != -1 && child_of(c) != -1)
			return c;
	}
	return -1;
}

/*
 * The grader's worker for a student is killed while that student's build
 * runs: the class run still ends, with a row and a report that say so, and
 * leaves no process and no file behind.
 */
Test(hostile, a_class_worker_that_dies_still_gets_a_row_and_a_report, .timeout = 300)
{
	char *dir = harness_tempdir(), class[600], out[700], tmp[700], path[800], *text;
	char *args[] = { "tests/hostile-build.conf", "--class", class, "-o", out, NULL };
	static const char said[] = "the grader's worker for this student died (status: killed by "
	    "signal 9";
	struct proc p;
	pid_t worker;

	cr_assert_not_null(dir);
	snprintf(class, sizeof(class), "%s/class", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	cr_assert_eq(harness_sh("mkdir -p \"$1/class\" \"$1/tmp\" && chmod 755 \"$1\" \"$1/tmp\" && "
	    "cp -a hostile/buildhang \"$1/class/hang\"", dir), 0);
	cr_assert_eq(harness_grade_start(&p, args, tmp), 0);
	cr_assert_eq(proc_wait_stderr(&p, "grading 1 submissions", 30000), 0, "%s", proc_stderr(&p));
	cr_assert_neq(worker = busy_child_of(p.pid), -1, "no worker started");
	cr_assert_eq(kill(worker, SIGKILL), 0);
	text = malloc(OUT_CAP);
	cr_expect_geq(proc_read_all(&p, text, OUT_CAP - 1, 60000), 0, "the class run did not end");
	cr_expect_eq(proc_wait(&p, 5000), 0, "%s", proc_stderr(&p));
	free(text);
	snprintf(path, sizeof(path), "%s/gradebook.csv", out);
	text = slurp(path);
	cr_expect(strstr(text, "\n\"hang\",error,\"could not be graded: ") != NULL &&
	    strstr(text, said) != NULL, "%s", text);
	free(text);
	snprintf(path, sizeof(path), "%s/hang.txt", out);
	text = slurp(path);
	cr_expect(strstr(text, said) != NULL && strstr(text, "score: 0/2") != NULL, "%s", text);
	free(text);
	cr_expect_eq(harness_left_under(tmp), 0, "processes were left behind");
	cr_expect_eq(harness_sh("[ -z \"$(ls -A \"$1/tmp\")\" ]", dir), 0, "files left in TMPDIR");
	proc_kill(&p);
	harness_rmtree(dir);
	free(dir);
}

/* True if none of the snoop's files (socklab-snoop-PID) is in the shared temporary directories. */
static int
no_snoop_files(void)
{
	return harness_sh("for f in /tmp/socklab-snoop-* /var/tmp/socklab-snoop-* "
	    "/dev/shm/socklab-snoop-* /run/lock/socklab-snoop-*; do "
	    "if [ -e \"$f\" ]; then echo \"left: $f\" >&2; exit 1; fi; done", "") == 0;
}

/*
 * hostile/snoop, graded from a class-like directory with a classmate's file
 * (a canary) next to it: nothing it finds of the classmate or of the grader's
 * command line reaches the report, and nothing it writes in /tmp and the like
 * outlives the grading.
 */
Test(hostile, a_snoop_sees_no_classmate_and_no_grader_and_leaves_nothing, .timeout = 300)
{
	char *tmp = harness_tempdir(), sub[600], canary[64];
	char *args[] = { "tests/hostile-lab.conf", "--submission", sub, "--format", "json", NULL };
	char *out = malloc(OUT_CAP);

	cr_assert_not_null(tmp);
	cr_assert_not_null(out);
	cr_assert(no_snoop_files(), "an earlier snoop's files are in the way: remove them");
	snprintf(canary, sizeof(canary), "CANARY-%ld-%d", proc_now_ms(), (int)getpid());
	snprintf(sub, sizeof(sub), "%s/class/snoop", tmp);
	/* Readable by anyone, as a class directory often is: only the view can hide it. */
	setenv("CANARY", canary, 1);
	cr_assert_eq(harness_sh("umask 022 && mkdir -p \"$1/class/neighbour\" && "
	    "cp -r hostile/snoop \"$1/class/\" && chmod -R a+rX \"$1/class\" && "
	    "echo \"$CANARY\" >\"$1/class/neighbour/secret.txt\"", tmp), 0);
	cr_assert_eq(harness_grade(args, tmp, out, OUT_CAP, 200000), 0, "%s", out);
	cr_expect(strstr(out, "SNOOP-RAN") != NULL, "the snoop did not run:\n%s", out);
	cr_expect(strstr(out, "SNOOP-WROTE /tmp/") != NULL, "it could write in its /tmp:\n%s", out);
	cr_expect(strstr(out, canary) == NULL, "the classmate's file reached the report:\n%s", out);
	cr_expect(strstr(out, "SNOOP-CMDLINE") == NULL, "it read the grader's command line:\n%s",
	    out);
	cr_expect(no_snoop_files(), "its files outlived the grading");
	cr_expect_eq(harness_left_under(tmp), 0);
	harness_sh("rm -f /tmp/socklab-snoop-* /var/tmp/socklab-snoop-* /dev/shm/socklab-snoop-* "
	    "/run/lock/socklab-snoop-*", "");
	harness_rmtree(tmp);
	free(tmp);
	free(out);
}

/*
 * A solved lab 1 with pages of warnings (1200 unused variables, compiled with
 * -Wall -Wextra: about 150 KiB on stderr) builds, and scores full marks.
 */
Test(hostile, a_build_that_prints_pages_of_warnings_still_passes, .timeout = 300)
{
	char *tmp = harness_tempdir(), sub[600], out[8192];
	char *args[] = { "tests/hostile-lab.conf", "--submission", sub, "--format", "tap", NULL };
	struct harness_tap tap;

	cr_assert_not_null(tmp);
	snprintf(sub, sizeof(sub), "%s/sloppy", tmp);
	cr_assert_eq(harness_mksub("../udp_uppercase", "udp_server udp_client", sub, NULL, NULL), 0);
	cr_assert_eq(harness_sh("awk 'BEGIN { for (i = 0; i < 1200; i++) "
	    "printf \"static int u%d;\\n\", i }' >\"$1/sloppy.c\"", sub), 0);
	cr_assert_eq(harness_grade(args, tmp, out, sizeof(out), 200000), 0, "%s", out);
	cr_assert_eq(harness_tap_parse(out, &tap), 0, "no report:\n%s", out);
	cr_expect_eq(tap.n, 2, "%s", out);
	for (size_t i = 0; i < tap.n; i++)
		cr_expect(tap.t[i].ok && !tap.t[i].skipped && tap.t[i].points == tap.t[i].max,
		    "%s should pass:\n%s", tap.t[i].name, out);
	cr_expect(tap.score == tap.max && tap.max > 0, "%d/%d:\n%s", tap.score, tap.max, out);
	harness_rmtree(tmp);
	free(tmp);
}
