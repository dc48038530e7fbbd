/*
 * test_router.c — real mux_host processes talking through a real mux_router
 * on loopback.
 *
 * The checks are the router's claims: traffic of two clients crosses it
 * intact and is counted per flow; a burst into a tiny queue is dropped exactly
 * as the link model drops it; the link sends at its rate; the damage is
 * seeded, and a segment damaged past the router is still caught.  Timing
 * claims are checked on the schedule the router logs (its own clock), never
 * on how fast this machine happens to be, so a busy machine passes too.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hostctl.h"
#include "link.h"

#define T_TIMEOUT	60
#define MAX_FLOWS	8

static struct hostctl hosts[3], router;

static void
teardown(void)
{
	for (int i = 0; i < 3; i++)
		hostctl_stop(&hosts[i]);
	hostctl_stop(&router);
}

TestSuite(router, .fini = teardown);

static struct hostctl *
start_host(int i, const char *const *args)
{
	cr_assert_eq(hostctl_start(&hosts[i], args), 0, "host %d did not start: %s", i,
	    proc_stderr(&hosts[i].p));
	return &hosts[i];
}

/* Starts mux_router --to server with the NULL-terminated args; router.addr. */
static void
start_router(const char *server, const char *const *args)
{
	char *argv[32] = { (char *)proc_bin("mux_router"), "--to", (char *)server };
	int n = 3, port;

	memset(&router, 0, sizeof(router));
	while (*args != NULL && n < 31)
		argv[n++] = (char *)*args++;
	cr_assert_eq(proc_start(&router.p, argv), 0);
	port = proc_wait_listening(&router.p, router.addr, sizeof(router.addr), HOSTCTL_WAIT_MS);
	cr_assert_neq(port, -1, "router did not start: %s", proc_stderr(&router.p));
	snprintf(router.addr + strlen(router.addr), sizeof(router.addr) - strlen(router.addr),
	    ":%d", port);
}

struct link_line {
	unsigned long arrived, accepted, dropped, bytes;
};

struct flow_line {
	char dir[8], flow[128];
	unsigned long segs, bytes, dropped;
};

struct stats {
	struct link_line up, down;
	struct flow_line flows[MAX_FLOWS];
	int nflows;
	unsigned long impaired_drop, impaired_corrupt, malformed, strays;
};

static int
parse_stats_line(const char *line, struct stats *s)
{
	struct flow_line *f = &s->flows[s->nflows];
	char dir[8];
	struct link_line l;

	if (sscanf(line, "link %7[a-z]: rate=%*u delay_us=%*u queue=%*u arrived=%lu accepted=%lu "
	    "dropped=%lu bytes=%lu", dir, &l.arrived, &l.accepted, &l.dropped, &l.bytes) == 5) {
		*(strcmp(dir, "up") == 0 ? &s->up : &s->down) = l;
		return 0;
	}
	/* The flow's name ends with ':', and has colons in it. */
	if (s->nflows < MAX_FLOWS && sscanf(line, "flow %7s %127s segs=%lu bytes=%lu "
	    "dropped=%lu", f->dir, f->flow, &f->segs, &f->bytes, &f->dropped) == 5) {
		f->flow[strlen(f->flow) - 1] = '\0';
		s->nflows++;
		return 0;
	}
	if (sscanf(line, "router: t_us=%*u clients=%*d malformed=%lu strays=%lu no_room=%*u "
	    "dropped=%*u impaired_drop=%lu impaired_corrupt=%lu", &s->malformed, &s->strays,
	    &s->impaired_drop, &s->impaired_corrupt) == 4)
		return 0;
	return -1;
}

/* Types "stats" into the router and parses its answer. */
static void
read_stats(struct stats *s)
{
	char line[512];

	memset(s, 0, sizeof(*s));
	cr_assert_eq(hostctl_cmd(&router, "stats"), 0);
	cr_assert_eq(hostctl_expect(&router, "link up:", line, sizeof(line)), 0,
	    "no stats; stderr: %s", proc_stderr(&router.p));
	cr_assert_eq(parse_stats_line(line, s), 0, "bad line '%s'", line);
	for (;;) {
		cr_assert_eq(hostctl_next(&router, line, sizeof(line)), 0, "stats cut short");
		if (strcmp(line, "-- end of stats --") == 0)
			return;
		cr_assert_eq(parse_stats_line(line, s), 0, "bad line '%s'", line);
	}
}

/* The flow dir "SRC/port>DST/port", or a failure. */
static const struct flow_line *
flow(const struct stats *s, const char *dir, const char *src, unsigned sport, const char *dst,
    unsigned dport)
{
	char name[128];

	snprintf(name, sizeof(name), "%s/%u>%s/%u", src, sport, dst, dport);
	for (int i = 0; i < s->nflows; i++)
		if (strcmp(s->flows[i].dir, dir) == 0 && strcmp(s->flows[i].flow, name) == 0)
			return &s->flows[i];
	cr_assert_fail("no flow %s %s", dir, name);
	return NULL;
}

/* Waits for h's next "recv" line and checks it is the upper-cased pattern of n. */
static void
expect_upper_reply(struct hostctl *h, size_t n)
{
	char line[512], from[64], want_from[80];
	size_t len;
	unsigned fnv;

	cr_assert_eq(hostctl_expect(h, "recv ", line, sizeof(line)), 0, "no reply; stderr: %s",
	    proc_stderr(&h->p));
	cr_assert_eq(sscanf(line, "recv %*d from %63s len %zu fnv %x:", from, &len, &fnv), 3,
	    "bad line '%s'", line);
	snprintf(want_from, sizeof(want_from), "%s/7", router.addr);
	cr_assert_str_eq(from, want_from, "the router stands for the server");
	cr_assert_eq(len, n);
	cr_assert_eq(fnv, hostctl_pattern_fnv(n, 1), "reply damaged");
}

Test(router, two_hosts_traffic_crosses_the_router_intact_and_is_counted_per_flow,
    .timeout = T_TIMEOUT)
{
	const char *const srv_args[] = { "-m", "1000", "-u", "7", NULL };
	const char *const cl_args[] = { "-m", "1000", NULL };
	const char *const r_args[] = { "--rate", "200000", "--delay", "5", "--queue", "64",
	    "--seed", "1", NULL };
	struct hostctl *srv = start_host(0, srv_args), *cl[2];
	struct stats s;

	start_router(srv->addr, r_args);
	for (int i = 0; i < 2; i++) {
		cl[i] = start_host(1 + i, cl_args);
		cr_assert_eq(hostctl_sock(cl[i], "bind 5000"), 0, "the same port on both");
	}
	for (int i = 0; i < 2; i++)
		cr_assert_eq(hostctl_cmd(cl[i], "sendto-bytes 0 %s/7 20000", router.addr), 0);
	for (int i = 0; i < 2; i++)
		expect_upper_reply(cl[i], 20000);
	read_stats(&s);
	cr_assert_eq(s.up.arrived, 40);
	cr_assert_eq(s.up.dropped + s.down.dropped, 0);
	cr_assert_eq(s.up.bytes, 40 * 1016, "20 segments of 1000 + 16 bytes each way per flow");
	cr_assert_eq(s.down.bytes, 40 * 1016);
	cr_assert_eq(s.nflows, 4);
	for (int i = 0; i < 2; i++) {
		const struct flow_line *f;

		f = flow(&s, "up", cl[i]->addr, 5000, srv->addr, 7);
		cr_assert(f->segs == 20 && f->bytes == 20320 && f->dropped == 0);
		f = flow(&s, "down", srv->addr, 7, cl[i]->addr, 5000);
		cr_assert(f->segs == 20 && f->bytes == 20320 && f->dropped == 0);
	}
	cr_assert_eq(s.malformed + s.strays, 0);
}

struct seg_line {
	uint64_t t_us, start_us, exit_us;
	size_t len;
	int dropped;
};

/* Waits for the router's next JSON line about a segment on link "up". */
static void
next_seg(struct seg_line *g)
{
	char line[512], verdict[16];

	cr_assert_eq(hostctl_expect(&router, "{\"ev\":\"seg\",\"link\":\"up\",", line,
	    sizeof(line)), 0, "no segment line; stderr: %s", proc_stderr(&router.p));
	cr_assert_eq(sscanf(line, "{\"ev\":\"seg\",\"link\":\"up\",\"t_us\":%" SCNu64 ",\"flow\":"
	    "\"%*[^\"]\",\"len\":%zu,\"queue\":%*u,\"verdict\":\"%15[a-z]\",\"start_us\":%" SCNu64
	    ",\"exit_us\":%" SCNu64 "}", &g->t_us, &g->len, verdict, &g->start_us, &g->exit_us), 5,
	    "bad line '%s'", line);
	g->dropped = strcmp(verdict, "dropped") == 0;
}

/* Waits for the router's line saying it sent g on, and checks it held g till then. */
static void
expect_sent_at_exit(const struct seg_line *g)
{
	char line[256];
	uint64_t t_us, exit_us;
	size_t len;

	cr_assert_eq(hostctl_expect(&router, "{\"ev\":\"sent\",\"link\":\"up\",", line,
	    sizeof(line)), 0, "no sent line; stderr: %s", proc_stderr(&router.p));
	cr_assert_eq(sscanf(line, "{\"ev\":\"sent\",\"link\":\"up\",\"t_us\":%" SCNu64
	    ",\"len\":%zu,\"exit_us\":%" SCNu64 "}", &t_us, &len, &exit_us), 3, "bad line '%s'",
	    line);
	cr_assert(exit_us == g->exit_us && len == g->len, "sent out of order: '%s'", line);
	cr_assert_geq(t_us, exit_us, "sent before it crossed the link: '%s'", line);
}

/*
 * One client sends n bytes at MSS 1000 through a router started with r_args
 * (which log to stdout) to port dport of a server; reads the n/1000 segment
 * lines into g.
 */
static void
burst(const char *const *r_args, const char *const *srv_args, unsigned dport, size_t n,
    struct seg_line *g)
{
	const char *const cl_args[] = { "-m", "1000", NULL };
	struct hostctl *srv = start_host(0, srv_args), *cl;

	cr_assert_neq(hostctl_sock(srv, "bind 7000"), -1, "a sink");
	start_router(srv->addr, r_args);
	cl = start_host(1, cl_args);
	cr_assert_eq(hostctl_sock(cl, "bind 5000"), 0);
	cr_assert_eq(hostctl_cmd(cl, "sendto-bytes 0 %s/%u %zu", router.addr, dport, n), 0);
	for (size_t i = 0; i < n / 1000; i++)
		next_seg(&g[i]);
}

Test(router, a_burst_into_a_tiny_queue_is_dropped_as_the_link_model_drops_it,
    .timeout = T_TIMEOUT)
{
	const char *const r_args[] = { "--rate", "10000", "--queue", "2", "--delay", "50", "--log",
	    "-", NULL };
	const char *const srv_args[] = { "-m", "1000", NULL };
	struct link_config cfg = { .rate = 10000, .delay_us = 50000, .queue = 2 };
	struct seg_line g[10];
	struct link model;
	unsigned long drops = 0;
	struct stats s;

	burst(r_args, srv_args, 7000, 10000, g);
	cr_assert_eq(link_init(&model, &cfg), 0);
	for (int i = 0; i < 10; i++) {
		struct link_result res;
		int d = link_arrive(&model, g[i].t_us, g[i].len, NULL, &res);

		cr_assert_eq(g[i].len, 1016);
		cr_assert_eq(g[i].dropped, d, "segment %d: the router and the model disagree", i);
		cr_assert(d || (g[i].start_us == res.start_us && g[i].exit_us == res.exit_us),
		    "segment %d leaves at %" PRIu64 ", not %" PRIu64, i, g[i].exit_us, res.exit_us);
		drops += (unsigned long)d;
	}
	link_free(&model);
	/* 101.6 ms per segment: the burst comes far faster than that. */
	cr_assert_geq(drops, 4, "only %lu of 10 dropped behind a queue of 2", drops);
	read_stats(&s);
	cr_assert_eq(s.up.arrived, 10);
	cr_assert_eq(s.up.dropped, drops);
	cr_assert_eq(s.up.accepted, 10 - drops);
	cr_assert_eq(flow(&s, "up", hosts[1].addr, 5000, hosts[0].addr, 7000)->dropped, drops);
}

Test(router, the_link_sends_at_its_rate_on_the_routers_clock, .timeout = T_TIMEOUT)
{
	const char *const r_args[] = { "--rate", "500000", "--queue", "100", "--log", "-", NULL };
	const char *const srv_args[] = { "-m", "1000", "-u", "7", NULL };
	struct seg_line g[64];
	int best = 0, run_from = 0, best_from = 0;
	double rate;
	uint64_t bytes = 0;

	burst(r_args, srv_args, 7, 64000, g);
	for (int i = 1; i < 64; i++) {
		cr_assert_eq(g[i].dropped, 0);
		cr_assert_geq(g[i].start_us, g[i - 1].exit_us, "segment %d overtakes the wire", i);
		if (g[i].start_us != g[i - 1].exit_us)
			run_from = i;	/* the link was idle before i: a new busy period */
		if (i - run_from > best)
			best = i - run_from, best_from = run_from;
	}
	/* The client sends all 64 at once; under load some may trickle in. */
	cr_assert_geq(best, 16, "the link was never busy for long: %d", best);
	for (int i = best_from + 1; i <= best_from + best; i++)
		bytes += g[i].len;
	rate = (double)bytes * 1e6 / (double)(g[best_from + best].exit_us - g[best_from].exit_us);
	cr_assert(rate > 500000 * 0.99 && rate <= 500000 * 1.0001, "%.0f bytes/s, not 500000",
	    rate);
	for (int i = 0; i < 64; i++)
		expect_sent_at_exit(&g[i]);
	expect_upper_reply(&hosts[1], 64000);
}

/* Runs 20 segments through a damaging router; returns its counts. */
static void
damaged_run(const char *seed, struct stats *s, struct hostctl_table *t)
{
	const char *const r_args[] = { "--rate", "0", "--drop", "20", "--corrupt", "30",
	    "--seed", seed, "--log", "-", NULL };
	const char *const srv_args[] = { "-m", "1000", NULL };
	struct seg_line g[20];

	burst(r_args, srv_args, 7000, 20000, g);
	/* Sent by the time the router answers: it sends before it reads stdin. */
	read_stats(s);
	cr_assert_eq(hostctl_table(&hosts[0], t), 0);
	teardown();
}

Test(router, damage_is_seeded_and_a_segment_corrupted_past_the_router_is_caught,
    .timeout = T_TIMEOUT)
{
	struct stats s[2];
	struct hostctl_table t[2];

	for (int run = 0; run < 2; run++) {
		damaged_run("9", &s[run], &t[run]);
		cr_assert_eq(s[run].up.accepted, 20);
		cr_assert_eq(t[run].bad_checksum, s[run].impaired_corrupt,
		    "every segment the router corrupted fails the checksum, and no other");
		cr_assert_eq(t[run].received, 20 - s[run].impaired_drop);
	}
	cr_assert(s[0].impaired_drop > 0 && s[0].impaired_corrupt > 0);
	cr_assert_eq(s[1].impaired_drop, s[0].impaired_drop, "same seed, same damage");
	cr_assert_eq(s[1].impaired_corrupt, s[0].impaired_corrupt);
}

/* Runs mux_router with argv and returns its exit status (it must not hang). */
static int
run_router(char **argv)
{
	int rc;

	cr_assert_eq(proc_start(&router.p, argv), 0);
	proc_close_stdin(&router.p);
	rc = proc_wait(&router.p, HOSTCTL_WAIT_MS);
	cr_assert_neq(rc, -1, "mux_router hangs");
	return rc;
}

Test(router, bad_usage_exits_2_with_a_reason, .timeout = T_TIMEOUT)
{
	char *bad[][4] = {
		{ "--rate", "10", NULL },			/* no --to */
		{ "--to", "127.0.0.1", NULL },			/* no port */
		{ "--to", "127.0.0.1:9", "--queue", "x" },
		{ "--to", "127.0.0.1:9", "--drop", "101" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[6] = { (char *)proc_bin("mux_router") };

		memcpy(argv + 1, bad[i], sizeof(bad[i]));
		memset(&router, 0, sizeof(router));
		cr_assert_eq(run_router(argv), 2, "case %zu", i);
		cr_assert(strstr(proc_stderr(&router.p), "mux_router: ") != NULL, "case %zu", i);
		hostctl_stop(&router);
	}
}
