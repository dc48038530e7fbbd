/*
 * test_formats.c — the grader's faces: every report format well formed
 * (JSON that parses, TAP, Autolab's last line) and carrying the note about
 * given files replaced, the command line's errors and exit statuses, and a
 * submission that does not build.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/harness.h"

#define OUT_CAP (1 << 20)

static char *scratch;	/* this test's directory, removed by done() */

/* Lab 1's reference as a submission, in a directory of the test's own. */
static char *
submission(const char *tag)
{
	static char path[600];

	cr_assert_not_null(scratch = harness_tempdir());
	snprintf(path, sizeof(path), "%s/%s", scratch, tag);
	cr_assert_eq(harness_mksub("../udp_uppercase", "udp_server udp_client", path, NULL, NULL), 0);
	return path;
}

static void
done(void)
{
	if (scratch != NULL)
		harness_rmtree(scratch);
	free(scratch);
	scratch = NULL;
}

static int
grade(char *const args[], char *out)
{
	return harness_grade(args, NULL, out, OUT_CAP, 300000);
}

Test(formats, json_and_gradescope_parse_and_carry_every_test, .timeout = 600)
{
	char *sub = submission("s"), *out = malloc(OUT_CAP), path[700];
	static const char *const fmts[] = { "json", "gradescope" };
	/* Where each says the submission's Makefile (not the lab's) was replaced. */
	static const char *const notes[] = { "notes", "output" };

	for (int i = 0; i < 2; i++) {
		char *args[] = { "01-udp-uppercase", "--submission", sub, "--only",
			"client_usage,server_usage,client_uses_reference_server", "--format",
			(char *)fmts[i], "-o", path, "-v", NULL };
		char script[600];

		snprintf(path, sizeof(path), "%s.%s", sub, fmts[i]);
		cr_assert_eq(grade(args, out), 0);
		snprintf(script, sizeof(script), "python3 -c 'import json,sys; "
		    "r=json.load(open(sys.argv[1])); t=r[\"tests\"]; assert len(t)==3, t; "
		    "assert r[\"score\"]==15, r[\"score\"]; "
		    "assert \"you had changed Makefile;\" in r[\"%s\"], r' \"$1\"", notes[i]);
		cr_expect_eq(harness_sh(script, path), 0, "%s is not the JSON it should be", fmts[i]);
	}
	free(out);
	done();
}

Test(formats, tap_and_autolab, .timeout = 600)
{
	char *sub = submission("s"), *out = malloc(OUT_CAP), *last;
	char *tap[] = { "01", "--submission", sub, "--only", "client_usage,server_usage", "--format",
		"tap", NULL };
	char *autolab[] = { "01", "--submission", sub, "--only", "client_uses_reference_server",
		"--format", "autolab", NULL };
	static const char first[] = "TAP version 13\n1..2\nok 1 - client_usage # 0/0 points\n";

	cr_assert_eq(grade(tap, out), 0);
	cr_expect(strncmp(out, first, sizeof(first) - 1) == 0, "%s", out);
	cr_expect(strstr(out, "\n# note: graded with the lab's own copies") != NULL, "%s", out);
	cr_assert_eq(grade(autolab, out), 0);
	cr_expect(strstr(out, "\nnote: graded with the lab's own copies") != NULL, "%s", out);
	out[strlen(out) - 1] = '\0';
	last = strrchr(out, '\n');
	cr_expect_str_eq(last ? last + 1 : out, "{\"scores\": {\"client_uses_reference_server\": 15}}");
	free(out);
	done();
}

Test(formats, a_build_that_fails_skips_every_test_with_the_reason, .timeout = 600)
{
	char *sub = submission("broken"), *out = malloc(OUT_CAP);
	char *args[] = { "01", "--submission", sub, NULL };

	cr_assert_eq(harness_sh("echo 'this is not C' >> \"$1/udp_server.c\"", sub), 0);
	cr_assert_eq(grade(args, out), 0, "a failed build is still graded");
	cr_expect(strstr(out, "[FAIL] build") != NULL, "%s", out);
	cr_expect(strstr(out, "skipped: the build failed") != NULL, "%s", out);
	cr_expect(strstr(out, "score: 0/100") != NULL, "%s", out);
	free(out);
	done();
}

Test(formats, the_command_line_says_what_is_wrong, .timeout = 120)
{
	static const struct {
		const char *args[4];
		int status;
		const char *says;
	} cases[] = {
		{ { NULL }, 2, "which lab?" },
		{ { "01", "--format", "xml", NULL }, 2, "--format" },
		{ { "01", "--jobs", "0", NULL }, 2, "--jobs" },
		{ { "01", "--bogus", NULL }, 2, "unknown option" },
		{ { "no-such-lab", NULL }, 1, "no lab called" },
		{ { "0", NULL }, 1, "more than one lab" },
		{ { "01", "--only", "nope", NULL }, 1, "no test called" },
		{ { "01", "--submission", "/nonexistent", NULL }, 1, "/nonexistent" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct proc p;
		int code;

		cr_assert_eq(harness_grade_start(&p, (char *const *)cases[i].args, NULL), 0);
		code = proc_wait(&p, 60000);
		cr_expect_eq(code, cases[i].status, "case %zu: status %d", i, code);
		cr_expect(strstr(proc_stderr(&p), cases[i].says) != NULL, "case %zu: %s", i,
		    proc_stderr(&p));
		proc_kill(&p);
	}
}

#include <unistd.h>

/* The whole text file at path (malloc), "" if it cannot be read. */
static char *
read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, OUT_CAP);

	cr_assert_not_null(buf);
	if (f != NULL) {
		fread(buf, 1, OUT_CAP - 1, f);
		fclose(f);
	}
	return buf;
}

/*
 * The replay command of a submission whose path has spaces, quotes and
 * non-ASCII letters is one sh command line: it parses, and it runs that test.
 */
Test(formats, replay_commands_are_quoted_for_sh, .timeout = 600)
{
	static const char *const names[] = { "Zoë Müller (late)", "it's \"$HOME\" & `id`" };
	char *out = malloc(OUT_CAP);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *sub = submission(names[i]), json[800];
		char *args[] = { "01", "--submission", sub, "--only", "client_usage", "--format",
			"json", "-o", json, NULL };

		snprintf(json, sizeof(json), "%s/report.json", scratch);
		cr_assert_eq(grade(args, out), 0);
		cr_expect_eq(harness_sh("r=$(python3 -c 'import json,sys; "
		    "print(json.load(open(sys.argv[1]))[\"tests\"][0][\"replay\"])' \"$1\") && "
		    "sh -n -c \"$r\" && sh -c \"$r\" >\"$1.out\" 2>&1 && "
		    "grep -q '^\\[PASS\\].*client_usage' \"$1.out\"", json), 0,
		    "%s: the replay command does not run", names[i]);
		done();
	}
	free(out);
}

/* What the refusal test runs: grade copied where anyone may run it, run as nobody. */
static const char as_nobody[] =
    "set -u; d=$1; cp \"$BIN\" \"$d/grade\" && chmod 755 \"$d\" \"$d/grade\" && mkdir \"$d/class\" "
    "|| exit 99\n"
    "run() { if [ \"$(id -u)\" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "
    "\"$@\"; else \"$@\"; fi; }\n"
    "run \"$d/grade\" 01 --class \"$d/class\" -o \"$d/out\" 2>\"$d/class.err\"; echo $? >\"$d/class.rc\"\n"
    "run \"$d/grade\" 01 --submission \"$d/class\" 2>\"$d/one.err\"; echo $? >\"$d/one.rc\"\n";

/*
 * Without root, --class is refused (exit 2) with why and what to run, and
 * nothing is written; one submission is graded with a one-line warning.
 */
Test(formats, class_mode_without_root_is_refused_and_says_what_to_run, .timeout = 120)
{
	char *dir = harness_tempdir(), path[700], *text;

	cr_assert_not_null(dir);
	setenv("BIN", proc_bin("grade"), 1);
	if (proc_bin("grade")[0] != '/') {
		char cwd[512];

		cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
		snprintf(path, sizeof(path), "%s/%s", cwd, proc_bin("grade"));
		setenv("BIN", path, 1);
	}
	cr_assert_eq(harness_sh(as_nobody, dir), 0);
	snprintf(path, sizeof(path), "%s/class.rc", dir);
	text = read_text(path);
	cr_expect_str_eq(text, "2\n", "--class without root exits 2");
	free(text);
	snprintf(path, sizeof(path), "%s/class.err", dir);
	text = read_text(path);
	cr_expect(strstr(text, "--class needs root: each student's programs must run as a user of "
	    "their own") != NULL && strstr(text, "Run it as root (sudo ") != NULL &&
	    strstr(text, "--submission DIR") != NULL, "%s", text);
	free(text);
	snprintf(path, sizeof(path), "%s/out", dir);
	cr_expect_neq(access(path, F_OK), 0, "the refused run wrote %s", path);
	snprintf(path, sizeof(path), "%s/one.err", dir);
	text = read_text(path);
	cr_expect(strstr(text, "grade: warning: not running as root: the submission's programs run "
	    "as your own user") == text && strstr(text, "--class needs root") == NULL, "%s", text);
	free(text);
	harness_rmtree(dir);
	free(dir);
}

Test(formats, strict_fails_below_full_marks_only, .timeout = 600)
{
	char *sub = submission("strict"), *out = malloc(OUT_CAP);
	char *args[] = { "01", "--submission", sub, "--only", "client_uses_reference_server",
		"--strict", NULL };

	cr_expect_eq(grade(args, out), 0, "full marks with --strict: %s", out);
	cr_assert_eq(harness_sh("echo 'this is not C' >> \"$1/udp_client.c\"", sub), 0);
	cr_expect_eq(grade(args, out), 3, "below full marks with --strict: %s", out);
	args[5] = NULL;
	cr_expect_eq(grade(args, out), 0, "below full marks without --strict: %s", out);
	free(out);
	done();
}
