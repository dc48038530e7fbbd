/*
 * test_rhost.c — mux_rhost as real processes over 127.0.0.1: a receiver, a
 * sender and, for some tests, a mux_router between them.  A 200 KB file must
 * arrive byte-exact in every mode (stop-and-wait, Go-Back-N, Selective
 * Repeat) with and without Reno, over each impairment alone and all of them
 * together, directly and through the router; on a clean link nothing is sent
 * twice.  The hosts' timers are short (a few ms) so that a lossy transfer
 * takes well under a second; every wait is for a line, with a deadline.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ccplot.h"
#include "hostctl.h"
#include "xmlcheck.h"

#define FILE_LEN	200000
#define T_TIMEOUT	240	/* a ceiling: most tests take a second or two */
/* One 200 kB transfer over a damaged link: about 0.5 s on a quiet machine, 12.5 s
 * once at load 20 (HOSTCTL_WAIT_MS, 10 s, was too short then). */
#define TRANSFER_WAIT_MS	45000
#define MAX_ARGS	48

struct summary {
	unsigned long long bytes;
	double seconds;
	unsigned long retransmits, timeouts, fast, segments;
};

static char dir[] = "/tmp/test_rhost.XXXXXX";
static char in_path[64], out_path[64], log_path[64], svg_path[64];
static const char *cc_log;	/* the sender's --cc-log, or NULL */
static uint8_t data[FILE_LEN];

/* Fast timers for lossy links: a lost segment costs 2..10 ms. */
static const char *const fast_timer[] = { "--rto-min", "2", "--rto-initial", "5",
	"--rto-max", "10", "--syn-tries", "100", NULL };
/* The defaults (200 ms at least), for the clean link: no spurious timeout. */
static const char *const slow_timer[] = { NULL };

static void
setup(void)
{
	uint32_t x = 2463534242u;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(in_path, sizeof(in_path), "%s/in", dir);
	snprintf(out_path, sizeof(out_path), "%s/out", dir);
	snprintf(log_path, sizeof(log_path), "%s/cc.log", dir);
	snprintf(svg_path, sizeof(svg_path), "%s/cc.svg", dir);
	for (size_t i = 0; i < FILE_LEN; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		data[i] = (uint8_t)x;
	}
	cr_assert_not_null(f = fopen(in_path, "w"));
	cr_assert_eq(fwrite(data, 1, FILE_LEN, f), FILE_LEN);
	cr_assert_eq(fclose(f), 0);
}

static void
teardown(void)
{
	unlink(in_path);
	unlink(out_path);
	unlink(log_path);
	unlink(svg_path);
	rmdir(dir);
}

TestSuite(rhost, .init = setup, .fini = teardown);

/* Appends the NULL-terminated args to argv (n entries so far). */
static int
add_args(char **argv, int n, const char *const *args)
{
	while (args != NULL && *args != NULL && n < MAX_ARGS - 1)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	return n;
}

/* Starts argv and waits for its "listening on" line: "ADDR:PORT" in addr. */
static void
start(struct proc *p, char **argv, char *addr, size_t cap)
{
	int port;
	size_t len;

	memset(p, 0, sizeof(*p));
	cr_assert_eq(proc_start(p, argv), 0);
	port = proc_wait_listening(p, addr, cap, HOSTCTL_WAIT_MS);
	cr_assert_neq(port, -1, "%s did not start: %s", argv[0], proc_stderr(p));
	len = strlen(addr);
	snprintf(addr + len, cap - len, ":%d", port);
}

/* Waits for the line that starts with prefix; it is left in line. */
static void
wait_line(struct proc *p, const char *prefix, char *line, size_t cap)
{
	long until = proc_now_ms() + TRANSFER_WAIT_MS;

	for (;;) {
		long left = until - proc_now_ms();

		cr_assert(left > 0 && proc_readline(p, line, cap, (int)left) >= 0,
		    "no '%s' line within %d ms: %s", prefix, TRANSFER_WAIT_MS, proc_stderr(p));
		if (strncmp(line, prefix, strlen(prefix)) == 0)
			return;
	}
}

/* The file at path is the sent one, byte for byte. */
static void
assert_copy(const char *path, const char *what)
{
	static uint8_t got[FILE_LEN + 1];
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert_not_null(f, "%s: no output file", what);
	n = fread(got, 1, sizeof(got), f);
	fclose(f);
	cr_assert_eq(n, FILE_LEN, "%s: %zu bytes arrived, not %d", what, n, FILE_LEN);
	for (size_t i = 0; i < FILE_LEN; i++)
		cr_assert_eq(got[i], data[i], "%s: byte %zu differs", what, i);
}

/* The received file is the sent one. */
static void
assert_same_file(const char *what)
{
	assert_copy(out_path, what);
}

/*
 * One transfer: mode and cc on the sender, imp (NULL-terminated options) on
 * both hosts' outgoing datagrams, through a router if via_router.  Checks the
 * file and both exits; returns the sender's summary.
 */
static struct summary
transfer(const char *mode, const char *cc, const char *const *imp,
    const char *const *timer, int via_router)
{
	struct proc recv, send, router;
	char *argv[MAX_ARGS], raddr[64], to[64], line[512], what[128];
	struct summary s;
	int n;

	snprintf(what, sizeof(what), "%s/%s%s", mode, cc, via_router ? " via router" : "");
	unlink(out_path);
	n = add_args(argv, 0, (const char *const[]){ proc_bin("mux_rhost"), "recv", "--out",
	    out_path, "--seed", "11", "--linger", "100", NULL });
	add_args(argv, add_args(argv, n, imp), timer);
	start(&recv, argv, raddr, sizeof(raddr));
	snprintf(to, sizeof(to), "%s", raddr);
	if (via_router) {
		add_args(argv, 0, (const char *const[]){ proc_bin("mux_router"), "--to", raddr,
		    "--rate", "0", NULL });
		start(&router, argv, to, sizeof(to));
	}
	n = add_args(argv, 0, (const char *const[]){ proc_bin("mux_rhost"), "send", in_path,
	    "--to", to, "--mode", mode, "--cc", cc, "--mss", "1388", "--seed", "12",
	    "--linger", "100", NULL });
	n = add_args(argv, add_args(argv, n, imp), timer);
	if (cc_log != NULL)
		add_args(argv, n, (const char *const[]){ "--cc-log", cc_log, NULL });
	memset(&send, 0, sizeof(send));
	cr_assert_eq(proc_start(&send, argv), 0);
	wait_line(&send, "sent ", line, sizeof(line));
	cr_assert_eq(sscanf(line, "sent bytes=%llu seconds=%lf retransmits=%lu timeouts=%lu "
	    "fast_retransmits=%lu segments=%lu", &s.bytes, &s.seconds, &s.retransmits,
	    &s.timeouts, &s.fast, &s.segments), 6, "%s: bad summary '%s'", what, line);
	cr_assert_eq(s.bytes, FILE_LEN, "%s: %s", what, line);
	wait_line(&recv, "received ", line, sizeof(line));
	assert_same_file(what);
	cr_assert_eq(proc_wait(&send, HOSTCTL_WAIT_MS), 0, "%s: sender: %s", what,
	    proc_stderr(&send));
	cr_assert_eq(proc_wait(&recv, HOSTCTL_WAIT_MS), 0, "%s: receiver: %s", what,
	    proc_stderr(&recv));
	proc_kill(&send);
	proc_kill(&recv);
	if (via_router)
		proc_kill(&router);
	return s;
}

/* One mode, with and without Reno. */
static void
one_mode(const char *mode, const char *const *imp, int via_router)
{
	transfer(mode, "none", imp, fast_timer, via_router);
	transfer(mode, "reno", imp, fast_timer, via_router);
}

/* Every mode, with and without Reno. */
static void
every_mode(const char *const *imp, int via_router)
{
	one_mode("sw", imp, via_router);
	one_mode("gbn", imp, via_router);
	one_mode("sr", imp, via_router);
}

#define IMP(...)	((const char *const[]){ __VA_ARGS__, NULL })
#define DROP		IMP("--drop", "20")
#define DUP		IMP("--dup", "20")
#define REORDER		IMP("--reorder", "20")
#define CORRUPT		IMP("--corrupt", "20")
#define ALL		IMP("--drop", "10", "--dup", "10", "--reorder", "10", "--corrupt", "10")
#define HEAVY		IMP("--drop", "30")

Test(rhost, a_clean_link_delivers_in_every_mode_without_a_retransmission,
    .timeout = T_TIMEOUT)
{
	static const char *const modes[] = { "sw", "gbn", "sr" }, *const ccs[] = { "none", "reno" };

	for (int via = 0; via < 2; via++)
		for (int m = 0; m < 3; m++)
			for (int c = 0; c < 2; c++) {
				struct summary s = transfer(modes[m], ccs[c], NULL, slow_timer, via);

				cr_assert_eq(s.retransmits, 0, "%s/%s: %lu retransmissions",
				    modes[m], ccs[c], s.retransmits);
				cr_assert_eq(s.timeouts, 0);
			}
}

/* Both hosts start 967 bytes below 2^32, so every transfer's numbers wrap to 0. */
Test(rhost, sequence_numbers_that_wrap_past_2_32_deliver_in_every_mode, .timeout = T_TIMEOUT)
{
	every_mode(IMP("--isn", "4294966329", "--drop", "10"), 0);
}

Test(rhost, a_file_survives_drops, .timeout = T_TIMEOUT) { every_mode(DROP, 0); }
Test(rhost, a_file_survives_duplicates, .timeout = T_TIMEOUT) { every_mode(DUP, 0); }
Test(rhost, a_file_survives_reordering, .timeout = T_TIMEOUT) { every_mode(REORDER, 0); }
Test(rhost, a_file_survives_corruption, .timeout = T_TIMEOUT) { every_mode(CORRUPT, 0); }
Test(rhost, a_file_survives_all_damage_at_once, .timeout = T_TIMEOUT) { every_mode(ALL, 0); }
/* The heaviest loss, one test per mode so that each stays short. */
Test(rhost, sw_survives_30_percent_loss, .timeout = T_TIMEOUT) { one_mode("sw", HEAVY, 0); }
Test(rhost, gbn_survives_30_percent_loss, .timeout = T_TIMEOUT) { one_mode("gbn", HEAVY, 0); }
Test(rhost, sr_survives_30_percent_loss, .timeout = T_TIMEOUT) { one_mode("sr", HEAVY, 0); }
Test(rhost, through_the_router_a_file_survives_drops, .timeout = T_TIMEOUT)
{
	every_mode(DROP, 1);
}
Test(rhost, through_the_router_a_file_survives_duplicates, .timeout = T_TIMEOUT)
{
	every_mode(DUP, 1);
}
Test(rhost, through_the_router_a_file_survives_reordering, .timeout = T_TIMEOUT)
{
	every_mode(REORDER, 1);
}
Test(rhost, through_the_router_a_file_survives_corruption, .timeout = T_TIMEOUT)
{
	every_mode(CORRUPT, 1);
}
Test(rhost, through_the_router_a_file_survives_all_damage_at_once, .timeout = T_TIMEOUT)
{
	every_mode(ALL, 1);
}
Test(rhost, through_the_router_sw_survives_30_percent_loss, .timeout = T_TIMEOUT)
{
	one_mode("sw", HEAVY, 1);
}
Test(rhost, through_the_router_gbn_survives_30_percent_loss, .timeout = T_TIMEOUT)
{
	one_mode("gbn", HEAVY, 1);
}
Test(rhost, through_the_router_sr_survives_30_percent_loss, .timeout = T_TIMEOUT)
{
	one_mode("sr", HEAVY, 1);
}

/* The whole of a file, NUL-terminated (malloc'd), and its length in *len. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;

	cr_assert_not_null(f, "no %s", path);
	cr_assert_not_null(buf = malloc(1 << 22));
	*len = fread(buf, 1, (1 << 22) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

Test(rhost, the_cc_log_has_a_line_per_change_and_plots_one_point_per_line,
    .timeout = T_TIMEOUT)
{
	struct proc plot;
	struct ccplot_point p;
	size_t len, lines = 0;
	char *log, *svg, *line, *save;
	const char *why;

	cc_log = log_path;
	transfer("sr", "reno", DROP, fast_timer, 0);
	cc_log = NULL;
	log = slurp(log_path, &len);
	for (line = strtok_r(log, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		cr_assert_eq(ccplot_parse(line, strlen(line), &p), 0, "bad log line '%s'", line);
		lines++;
	}
	free(log);
	cr_assert_gt(lines, 10, "a lossy Reno transfer changes cwnd more than %zu times", lines);
	memset(&plot, 0, sizeof(plot));
	cr_assert_eq(proc_start(&plot, (char *[]){ (char *)proc_bin("mux_ccplot"), "-o",
	    svg_path, log_path, NULL }), 0);
	cr_assert_eq(proc_wait(&plot, HOSTCTL_WAIT_MS), 0, "%s", proc_stderr(&plot));
	proc_kill(&plot);
	svg = slurp(svg_path, &len);
	why = xmlcheck(svg, len);
	cr_assert_null(why, "not well-formed: %s", why);
	cr_assert_eq(xmlcheck_points(svg, "cwnd"), (long)lines);
	free(svg);
}

/* The needle's bytes somewhere in the file at path. */
static int
file_has(const char *path, const char *needle)
{
	size_t len;
	char *buf = slurp(path, &len);
	size_t n = strlen(needle);
	int found = 0;

	for (size_t i = 0; !found && i + n <= len; i++)
		found = buf[i] == needle[0] && memcmp(buf + i, needle, n) == 0;

	free(buf);
	return found;
}

/* Lab 3's bundle ships mux_host and mux_router: neither may carry a later lab's answers. */
Test(rhost, lab_3s_programs_link_no_reliable_module)
{
	static const char *const symbols[] = { "rconn_input", "sender_new", "receiver_new",
		"cc_on_ack", "rtt_sample" };
	static const char *const progs[] = { "mux_host", "mux_router" };
	char path[256], rhost[256];

	snprintf(rhost, sizeof(rhost), "%s", proc_bin("mux_rhost"));
	for (size_t p = 0; p < sizeof(progs) / sizeof(progs[0]); p++) {
		snprintf(path, sizeof(path), "%s", proc_bin(progs[p]));
		for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
			cr_assert(file_has(rhost, symbols[i]), "the check cannot see %s", symbols[i]);
			cr_assert_not(file_has(path, symbols[i]), "%s links %s", progs[p], symbols[i]);
		}
	}
}

/* Runs argv to its end; returns its exit code, stderr in p. */
static int
run_to_end(struct proc *p, char **argv)
{
	memset(p, 0, sizeof(*p));
	cr_assert_eq(proc_start(p, argv), 0);
	return proc_wait(p, HOSTCTL_WAIT_MS);
}

Test(rhost, bad_usage_exits_2_with_a_reason, .timeout = T_TIMEOUT)
{
	char *bad[][6] = {
		{ NULL },					/* no operand */
		{ "send", "f", NULL },				/* no --to */
		{ "recv", "--to", "127.0.0.1:9", NULL },	/* --to on recv */
		{ "recv", "--mss", "1389", NULL },		/* past the cap */
		{ "recv", "--mode", "tcp", NULL },
		{ "recv", "--cc", "cubic", NULL },
		{ "recv", "--drop", "101", NULL },
		{ "recv", "--rto-min", "900", "--rto-max", "100", NULL },
		{ "recv", "--conns", "2", NULL },		/* several to stdout */
		{ "recv", "--conns", "0", "--out", "x", NULL },
		{ "fetch", NULL },
	};
	struct proc p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[8] = { (char *)proc_bin("mux_rhost") };

		memcpy(argv + 1, bad[i], sizeof(bad[i]));
		cr_assert_eq(run_to_end(&p, argv), 2, "case %zu", i);
		cr_assert_not_null(strstr(proc_stderr(&p), "mux_rhost: "), "case %zu", i);
		proc_kill(&p);
	}
	cr_assert_eq(run_to_end(&p, (char *[]){ (char *)proc_bin("mux_rhost"), "send",
	    "/nonexistent/file", "--to", "127.0.0.1:9", NULL }), 1);
	cr_assert_not_null(strstr(proc_stderr(&p), "/nonexistent/file"));
	proc_kill(&p);
}

Test(rhost, the_plotter_names_the_first_bad_line, .timeout = T_TIMEOUT)
{
	struct proc p;
	FILE *f = fopen(log_path, "w");

	cr_assert_not_null(f);
	fputs("{\"t_ms\":1,\"cwnd\":1000}\n{\"t_ms\":2,\"cwnd\":\n", f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(run_to_end(&p, (char *[]){ (char *)proc_bin("mux_ccplot"), "-o", svg_path,
	    log_path, NULL }), 1);
	cr_assert_not_null(strstr(proc_stderr(&p), "cc.log:2: not a cc log line"), "%s",
	    proc_stderr(&p));
	proc_kill(&p);
}

Test(rhost, a_sender_with_no_receiver_gives_up_with_an_error, .timeout = T_TIMEOUT)
{
	struct proc p, quiet;
	char addr[64], *argv[MAX_ARGS];

	/* A receiver on another service port: the SYNs get RST, or nothing. */
	add_args(argv, 0, (const char *const[]){ proc_bin("mux_rhost"), "recv", "-s", "9",
	    "--out", out_path, NULL });
	start(&quiet, argv, addr, sizeof(addr));
	cr_assert_eq(run_to_end(&p, (char *[]){ (char *)proc_bin("mux_rhost"), "send", in_path,
	    "--to", addr, "--rto-initial", "5", "--rto-min", "2", "--rto-max", "10",
	    "--syn-tries", "3", NULL }), 1);
	cr_assert_not_null(strstr(proc_stderr(&p), "mux_rhost: "), "%s", proc_stderr(&p));
	proc_kill(&p);
	proc_kill(&quiet);
}

Test(rhost, one_receiver_takes_two_senders_through_the_router, .timeout = T_TIMEOUT)
{
	struct proc recv, router, send[2];
	char *argv[MAX_ARGS], raddr[64], to[64], line[512], path[80];
	int seen[2] = { 0, 0 }, k;

	add_args(argv, 0, (const char *const[]){ proc_bin("mux_rhost"), "recv", "--conns", "2",
	    "--out", out_path, "--linger", "100", NULL });
	start(&recv, argv, raddr, sizeof(raddr));
	add_args(argv, 0, (const char *const[]){ proc_bin("mux_router"), "--to", raddr,
	    "--rate", "0", NULL });
	start(&router, argv, to, sizeof(to));
	for (int i = 0; i < 2; i++) {
		add_args(argv, 0, (const char *const[]){ proc_bin("mux_rhost"), "send", in_path,
		    "--to", to, "--mode", "sr", "--cc", "reno", "--linger", "100", NULL });
		start(&send[i], argv, line, sizeof(line));
	}
	for (int i = 0; i < 2; i++) {
		wait_line(&recv, "received ", line, sizeof(line));
		cr_assert_not_null(strstr(line, " conn="), "%s", line);
		cr_assert_eq(sscanf(strstr(line, " conn="), " conn=%d", &k), 1, "%s", line);
		cr_assert(k == 1 || k == 2, "%s", line);
		seen[k - 1]++;
	}
	cr_assert(seen[0] == 1 && seen[1] == 1);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(proc_wait(&send[i], HOSTCTL_WAIT_MS), 0, "%s", proc_stderr(&send[i]));
		proc_kill(&send[i]);
	}
	cr_assert_eq(proc_wait(&recv, HOSTCTL_WAIT_MS), 0, "%s", proc_stderr(&recv));
	proc_kill(&recv);
	proc_kill(&router);
	for (int i = 1; i <= 2; i++) {
		snprintf(path, sizeof(path), "%s.%d", out_path, i);
		assert_copy(path, path);
		unlink(path);
	}
}
