/*
 * test_mtswarm.c — mt-swarm as a user runs it: the bounds calculator, bad
 * usage, small real swarms (client-server and P2P) that must not beat the
 * course's lower bound, a small sweep that writes its CSV and figure, and an
 * interrupted run that leaves no process behind.
 *
 * "Must not beat the bound" has one honest allowance: every peer's token
 * bucket starts full, with 1/20 s of its rate (at least 4 KiB), so a swarm
 * may deliver that much before its rate allows.  With the rates used here
 * that is at most (6.4 KiB + 2 x 4 KiB) / 256 KiB/s = 0.056 s (P2P) or
 * 6.4 KiB / 128 KiB/s = 0.05 s (client-server); BURST_SLACK_S covers it.
 * Anything faster is a bug: a cap not applied, or a clock started late.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc.h"

#define BURST_SLACK_S 0.06
#define WAIT_MS 60000

/* Runs mt-swarm with args (NULL-terminated) to the end.  Returns its exit
 * status; out receives its stdout, err (if not NULL) its stderr. */
static int
swarm(char *out, size_t cap, char *err, size_t errcap, const char *const *args)
{
	char *argv[40];
	struct proc p;
	long n;
	int i = 0, rc;

	argv[i++] = (char *)proc_bin("mt-swarm");
	for (; *args != NULL && i < 39; args++)
		argv[i++] = (char *)*args;
	argv[i] = NULL;
	cr_assert_eq(proc_start(&p, argv), 0, "starting mt-swarm");
	n = proc_read_all(&p, out, cap - 1, WAIT_MS);
	cr_assert(n >= 0, "mt-swarm did not finish: %s", proc_stderr(&p));
	out[n] = '\0';
	rc = proc_wait(&p, WAIT_MS);
	if (err != NULL)
		snprintf(err, errcap, "%s", proc_stderr(&p));
	proc_kill(&p);
	return rc;
}

/* The test's scratch directory, removed by remove_dir (.fini) even when
 * an assertion fails half-way. */
static char dir[64];

static void
make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test-mtswarm.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void
remove_dir(void)
{
	static const char *const names[] = { "out.csv", "d.csv", "d.svg" };
	char p[128];

	if (dir[0] == '\0')
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* Reads a whole (small) file into a static buffer. */
static const char *
slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* One CSV row of mt-swarm's: the fields the tests look at. */
struct row {
	char mode[8], term[32];
	unsigned n;
	double bound, slowest, ratio;
};

static int
parse_row(const char *line, struct row *r)
{
	unsigned long long f, pl, us, ui, dmin;

	return sscanf(line, "%7[^,],%u,%llu,%llu,%llu,%llu,%llu,%lf,%31[^,],%lf,%lf",
	    r->mode, &r->n, &f, &pl, &us, &ui, &dmin, &r->bound, r->term,
	    &r->slowest, &r->ratio) == 11 ? 0 : -1;
}

/* The CSV's rows after its header.  Returns how many were parsed. */
static size_t
read_rows(const char *path, struct row *rows, size_t cap)
{
	const char *doc = slurp(path), *line = strchr(doc, '\n');
	size_t n = 0;

	cr_assert(strncmp(doc, "mode,n,file_bytes,", 18) == 0, "header: %s", doc);
	while (line != NULL && line[1] != '\0' && n < cap) {
		cr_assert_eq(parse_row(line + 1, &rows[n]), 0, "row: %s", line + 1);
		n++;
		line = strchr(line + 1, '\n');
	}
	return n;
}

Test(mtswarm, prints_both_bounds_term_by_term)
{
	static const char *const args[] = { "bounds", "-F", "1M", "-N", "8",
	    "--us", "1M", "--ui", "256K", "--dmin", "2M", NULL };
	char out[8192];

	cr_assert_eq(swarm(out, sizeof(out), NULL, 0, args), 0);
	cr_expect_neq(strstr(out, "NF/u_s                  8.000 s  <- dominates"),
	    NULL, "%s", out);
	cr_expect_neq(strstr(out, "F/d_min                 0.500 s"), NULL, "%s", out);
	cr_expect_neq(strstr(out, "NF/(u_s+sum u_i)        2.667 s  <- dominates"),
	    NULL, "%s", out);
	cr_expect_neq(strstr(out, "bound: 8.000 s"), NULL, "%s", out);
	cr_expect_neq(strstr(out, "bound: 2.667 s"), NULL, "%s", out);
}

Test(mtswarm, refuses_bad_usage_with_one_line_and_status_2)
{
	static const char *const cases[][16] = {
		{ NULL },
		{ "frobnicate", NULL },
		{ "bounds", "-F", "1M", "-N", "8", "--us", "1M", NULL },
		{ "bounds", "-F", "1X", "-N", "8", "--us", "1M", "--dmin", "1M", NULL },
		{ "bounds", "-F", "-1", "-N", "8", "--us", "1M", "--dmin", "1M", NULL },
		{ "bounds", "-F", "+1M", "-N", "8", "--us", "1M", "--dmin", "1M", NULL },
		{ "run", "--mode", "cs", "-N", "2", "-F", "64K", "--us", "1K",
		  "--rechoke-interval", "2147483648", NULL },
		{ "run", "-N", "2", "-F", "64K", "--us", "128K", NULL },
		{ "run", "--mode", "ftp", "-N", "2", "-F", "64K", "--us", "1K", NULL },
		{ "run", "--mode", "p2p", "-N", "2", "-F", "64K", "--us", "1K", NULL },
		{ "run", "--mode", "cs", "-N", "0", "-F", "64K", "--us", "1K", NULL },
		{ "run", "--mode", "cs", "-N", "201", "-F", "64K", "--us", "1K", NULL },
		{ "run", "--mode", "cs", "-N", "2", "-F", "64K", "--us", "1K",
		  "--piece-length", "1000", NULL },
		{ "sweep", "-F", "64K", "--us", "1K", "--ui", "1K", NULL },
		{ "sweep", "--n", "1,,x", "-F", "64K", "--us", "1K", NULL },
		{ "run", "--mode", "cs", "extra", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[256], err[1024];

		cr_expect_eq(swarm(out, sizeof(out), err, sizeof(err), cases[i]), 2,
		    "case %zu", i);
		cr_expect(strncmp(err, "mt-swarm: ", 10) == 0 &&
		    strchr(err, '\n') == err + strlen(err) - 1,
		    "case %zu: want one line, got \"%s\"", i, err);
		cr_expect_eq(out[0], '\0', "case %zu", i);
	}
}

Test(mtswarm, prints_help_and_exits_zero)
{
	static const char *const args[] = { "--help", NULL };
	char out[8192];

	cr_assert_eq(swarm(out, sizeof(out), NULL, 0, args), 0);
	cr_expect_neq(strstr(out, "usage: mt-swarm bounds"), NULL);
}

/* Runs one small swarm with --csv and checks its row against the bound. */
static void
small_run(const char *mode, const char *const *rates, double want_bound)
{
	char csv[96], out[8192], err[8192];
	const char *args[24] = { "run", "--mode", mode, "-N", "2", "-F", "64K",
	    "--csv", csv, "-q" };
	size_t n = 10;
	struct row row;

	make_dir();
	snprintf(csv, sizeof(csv), "%s/out.csv", dir);
	for (; *rates != NULL; rates++)
		args[n++] = *rates;
	args[n] = NULL;
	cr_assert_eq(swarm(out, sizeof(out), err, sizeof(err), args), 0,
	    "stdout:\n%s\nstderr:\n%s", out, err);
	cr_expect_neq(strstr(out, "ratio"), NULL, "%s", out);
	cr_assert_eq(read_rows(csv, &row, 1), 1);
	cr_expect_str_eq(row.mode, mode);
	cr_expect_eq(row.n, 2);
	cr_expect_float_eq(row.bound, want_bound, 1e-3);
	/* A lower bound: only the buckets' initial burst may beat it. */
	cr_expect(row.slowest >= row.bound - BURST_SLACK_S,
	    "%s: measured %.3f s beats the bound %.3f s", mode, row.slowest,
	    row.bound);
	cr_expect(row.slowest < 10 * row.bound + 10, "%s: %.3f s", mode,
	    row.slowest);
}

Test(mtswarm, a_client_server_swarm_is_no_faster_than_nf_over_us,
    .timeout = 60, .fini = remove_dir)
{
	/* 2 x 64 KiB through a 128 KiB/s seed: 1 s. */
	small_run("cs", (const char *const[]){ "--us", "128K", NULL }, 1.0);
}

Test(mtswarm, a_p2p_swarm_is_no_faster_than_its_bound, .timeout = 60,
    .fini = remove_dir)
{
	/* max(64/128, 2*64/(128+2*64)) = 0.5 s. */
	small_run("p2p", (const char *const[]){ "--us", "128K", "--ui", "64K",
	    NULL }, 0.5);
}

Test(mtswarm, a_sweep_writes_every_row_and_the_figure, .timeout = 90,
    .fini = remove_dir)
{
	char csv[96], svg[96], out[8192], err[8192];
	const char *args[] = { "sweep", "--n", "1,3", "-F", "32K", "--us",
	    "128K", "--ui", "64K", "--csv", csv, "--svg", svg, NULL };
	struct row rows[8];
	const char *doc;

	make_dir();
	snprintf(csv, sizeof(csv), "%s/d.csv", dir);
	snprintf(svg, sizeof(svg), "%s/d.svg", dir);
	cr_assert_eq(swarm(out, sizeof(out), err, sizeof(err), args), 0, "%s", err);
	cr_assert_eq(read_rows(csv, rows, 8), 4);
	for (size_t i = 0; i < 4; i++) {
		cr_expect_eq(rows[i].n, i < 2 ? 1u : 3u);
		cr_expect(rows[i].slowest >= rows[i].bound - BURST_SLACK_S,
		    "%s N=%u: %.3f < %.3f", rows[i].mode, rows[i].n,
		    rows[i].slowest, rows[i].bound);
	}
	/* Which term binds, N = 1 then 3: the server's copies, then the
	 * server's one copy, then the swarm's total upload. */
	cr_expect_str_eq(rows[2].term, "NF/u_s");
	cr_expect_str_eq(rows[1].term, "F/u_s");
	cr_expect_str_eq(rows[3].term, "NF/(u_s+sum u_i)");
	doc = slurp(svg);
	cr_expect_neq(strstr(doc, "<svg"), NULL);
	cr_expect_neq(strstr(doc, "</svg>"), NULL);
	cr_expect_neq(strstr(doc, "client-server measured"), NULL);
	cr_expect_neq(strstr(doc, "P2P bound"), NULL);
	cr_expect_neq(strstr(err, "4 runs in"), NULL, "%s", err);
}

Test(mtswarm, leaves_no_process_behind_when_interrupted, .timeout = 60)
{
	/* 3 x 1 MiB at 64 KiB/s: 48 s, so it is surely still running. */
	char *argv[] = { (char *)proc_bin("mt-swarm"), "run", "--mode", "cs",
	    "-N", "3", "-F", "1M", "--us", "64K", NULL };
	struct proc p;

	cr_assert_eq(proc_start(&p, argv), 0);
	cr_assert_eq(proc_wait_stderr(&p, "seed started", 30000), 0, "%s",
	    proc_stderr(&p));
	cr_assert_eq(kill(p.pid, SIGTERM), 0);
	cr_expect_eq(proc_wait(&p, 20000), 1, "%s", proc_stderr(&p));
	cr_expect_neq(strstr(proc_stderr(&p), "interrupted"), NULL, "%s",
	    proc_stderr(&p));
	/* mt-swarm led its own process group: nobody may be left in it. */
	errno = 0;
	cr_expect_eq(kill(-p.pid, 0), -1, "a child outlived mt-swarm");
	cr_expect_eq(errno, ESRCH);
	proc_kill(&p);
}
