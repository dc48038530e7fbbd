/*
 * test_hosts.c — real mux_host processes on loopback.
 *
 * Each host is a process with its own UDP socket (its network address);
 * the test types commands into the hosts and reads what they print.  The
 * checks are the lesson's claims: every message reaches the socket its
 * destination port (or 4-tuple) names and no other, a port nobody has is
 * refused, a damaged segment is dropped and counted, and messages cross the
 * MSS boundary intact.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hostctl.h"
#include "netif.h"
#include "segment.h"

#define T_TIMEOUT 60

static struct hostctl hosts[4];

static void
teardown(void)
{
	for (int i = 0; i < 4; i++)
		hostctl_stop(&hosts[i]);
}

TestSuite(hosts, .fini = teardown);

static struct hostctl *
start(int i, const char *const *args)
{
	cr_assert_eq(hostctl_start(&hosts[i], args), 0, "host %d did not start: %s", i,
	    proc_stderr(&hosts[i].p));
	return &hosts[i];
}

struct recv_line {
	int sock;
	char from[64];
	size_t len;
	unsigned fnv;
	char text[80];
};

/* Waits for the next "recv" line of h and parses it. */
static void
next_recv(struct hostctl *h, struct recv_line *r)
{
	char line[512];
	char *colon;

	cr_assert_eq(hostctl_expect(h, "recv ", line, sizeof(line)), 0, "no recv line; stderr: %s",
	    proc_stderr(&h->p));
	cr_assert_eq(sscanf(line, "recv %d from %63s len %zu fnv %x:", &r->sock, r->from, &r->len,
	    &r->fnv), 4, "bad line '%s'", line);
	colon = strstr(line, ": ");
	cr_assert_not_null(colon);
	snprintf(r->text, sizeof(r->text), "%s", colon + 2);
}

/* The line of h starting with prefix, or a failure. */
static void
expect_line(struct hostctl *h, const char *prefix, char *line, size_t cap)
{
	cr_assert_eq(hostctl_expect(h, prefix, line, cap), 0, "no line '%s...'; stderr: %s", prefix,
	    proc_stderr(&h->p));
}

/* A 200-byte message that starts with its tag and is otherwise its own. */
static void
tagged_message(char *buf, const char *tag)
{
	size_t n = (size_t)snprintf(buf, 201, "%s:", tag);

	for (; n < 200; n++)
		buf[n] = (char)('a' + (n * 7 + (size_t)tag[1] + (size_t)tag[3]) % 26);
	buf[200] = '\0';
}

Test(hosts, interleaved_streams_each_reach_the_right_socket_and_no_other, .timeout = T_TIMEOUT)
{
	const char *const small_mss[] = { "-m", "64", NULL };
	struct hostctl *b = start(0, NULL), *a = start(1, small_mss), *c = start(2, small_mss);
	struct hostctl *senders[2] = { a, c };
	char msg[256], tag[32];
	int seen[2][4][6] = { { { 0 } } };
	struct hostctl_table t;

	for (int k = 0; k < 6; k++)
		cr_assert_eq(hostctl_sock(b, "bind %d", 7001 + k), k);
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < 4; i++)	/* the same source ports on both hosts */
			cr_assert_eq(hostctl_sock(senders[s], "bind %d", 6001 + i), i);
	for (int j = 0; j < 6; j++)
		for (int i = 0; i < 4; i++)
			for (int s = 0; s < 2; s++) {
				snprintf(tag, sizeof(tag), "%c%d-%d", "AC"[s], i, j);
				tagged_message(msg, tag);
				cr_assert_eq(hostctl_cmd(senders[s], "sendto %d %s/%d %s", i, b->addr,
				    7001 + (i + j) % 6, msg), 0);
			}
	for (int n = 0; n < 48; n++) {
		struct recv_line r;
		char want_from[80];
		int s, i, j;

		next_recv(b, &r);
		cr_assert_eq(sscanf(r.text, "%*c%d-%d:", &i, &j), 2, "text '%s'", r.text);
		s = r.text[0] == 'C';
		cr_assert(i >= 0 && i < 4 && j >= 0 && j < 6);
		cr_assert_eq(seen[s][i][j]++, 0, "%s delivered twice", r.text);
		cr_assert_eq(r.sock, (i + j) % 6, "%.6s reached socket %d", r.text, r.sock);
		snprintf(want_from, sizeof(want_from), "%s/%d", senders[s]->addr, 6001 + i);
		cr_assert_str_eq(r.from, want_from);
		snprintf(tag, sizeof(tag), "%c%d-%d", "AC"[s], i, j);
		tagged_message(msg, tag);
		cr_assert_eq(r.len, 200);
		cr_assert_eq(r.fnv, hostctl_fnv((const uint8_t *)msg, 200), "%s corrupted", tag);
	}
	cr_assert_eq(hostctl_table(b, &t), 0);
	for (int k = 0; k < 6; k++) {
		const struct hostctl_row *row = hostctl_row(&t, (unsigned)(7001 + k), "-");

		cr_assert_not_null(row);
		cr_assert_eq(row->msg_in, 8, "port %d", 7001 + k);
		cr_assert_eq(row->seg_in, 8 * 4, "200 bytes at MSS 64 are 4 segments");
	}
	cr_assert_eq(t.bad_checksum + t.malformed + t.refused, 0);
}

/* Waits for "accept L S from EP" and returns S, with EP in ep. */
static int
next_accept(struct hostctl *h, char *ep, size_t cap)
{
	char line[256], from[64];
	int l, s;

	expect_line(h, "accept ", line, sizeof(line));
	cr_assert_eq(sscanf(line, "accept %d %d from %63s", &l, &s, from), 3);
	snprintf(ep, cap, "%s", from);
	return s;
}

Test(hosts, connections_are_told_apart_by_their_four_tuple, .timeout = T_TIMEOUT)
{
	struct hostctl *srv = start(0, NULL), *a = start(1, NULL), *b = start(2, NULL);
	char line[256], ep[3][64], want[80];
	int conn[3];
	struct hostctl_table t;

	cr_assert_eq(hostctl_sock(srv, "listen 9000"), 0);
	cr_assert_eq(hostctl_sock(a, "connect %s/9000 5555", srv->addr), 0);
	cr_assert_eq(hostctl_sock(a, "connect %s/9000 5556", srv->addr), 1);
	cr_assert_eq(hostctl_sock(b, "connect %s/9000 5555", srv->addr), 0, "B: A's port too");
	expect_line(a, "connected 0", line, sizeof(line));
	expect_line(a, "connected 1", line, sizeof(line));
	expect_line(b, "connected 0", line, sizeof(line));
	for (int i = 0; i < 3; i++)
		conn[i] = next_accept(srv, ep[i], sizeof(ep[i]));
	cr_assert(conn[0] != conn[1] && conn[1] != conn[2] && conn[0] != conn[2]);
	cr_assert(conn[0] != 0 && conn[1] != 0 && conn[2] != 0, "not the listening socket");
	cr_assert_eq(hostctl_cmd(b, "send 0 from B port 5555"), 0);
	cr_assert_eq(hostctl_cmd(a, "send 1 from A port 5556"), 0);
	cr_assert_eq(hostctl_cmd(a, "send 0 from A port 5555"), 0);
	for (int n = 0; n < 3; n++) {
		struct recv_line r;
		int k;

		next_recv(srv, &r);
		snprintf(want, sizeof(want), "%s/%s", r.text[5] == 'A' ? a->addr : b->addr,
		    r.text + strlen(r.text) - 4);
		cr_assert_str_eq(r.from, want, "'%s'", r.text);
		for (k = 0; k < 3 && strcmp(ep[k], r.from) != 0; k++)
			;
		cr_assert_lt(k, 3, "%s was never accepted", r.from);
		cr_assert_eq(r.sock, conn[k], "'%s' reached socket %d, not %d", r.text, r.sock,
		    conn[k]);
	}
	/* Replies: each reaches the one client whose 4-tuple it carries. */
	for (int k = 0; k < 3; k++)
		cr_assert_eq(hostctl_cmd(srv, "send %d to %s", conn[k], ep[k]), 0);
	for (int n = 0; n < 3; n++) {
		struct hostctl *cl = n < 2 ? a : b;
		struct recv_line r;

		next_recv(cl, &r);
		snprintf(want, sizeof(want), "to %s/%d", cl->addr, r.sock == 0 ? 5555 : 5556);
		cr_assert_str_eq(r.text, want);
		snprintf(want, sizeof(want), "%s/9000", srv->addr);
		cr_assert_str_eq(r.from, want);
	}
	cr_assert_eq(hostctl_table(srv, &t), 0);
	for (int k = 0; k < 3; k++) {
		const struct hostctl_row *row = hostctl_row(&t, 9000, ep[k]);

		cr_assert_not_null(row, "no row for %s", ep[k]);
		cr_assert_str_eq(row->kind, "conn");
		cr_assert_eq(row->msg_in, 1);
		cr_assert_eq(row->msg_out, 1);
	}
	cr_assert_eq(hostctl_row(&t, 9000, "-")->seg_in, 3, "three CONNECTs at the listener");
}

Test(hosts, close_reaches_the_peer_and_frees_the_connection, .timeout = T_TIMEOUT)
{
	struct hostctl *srv = start(0, NULL), *a = start(1, NULL);
	char line[256], ep[64];
	int conn;

	cr_assert_eq(hostctl_sock(srv, "listen 9000"), 0);
	cr_assert_eq(hostctl_sock(a, "connect %s/9000", srv->addr), 0);
	expect_line(a, "connected 0", line, sizeof(line));
	conn = next_accept(srv, ep, sizeof(ep));
	cr_assert_eq(hostctl_cmd(a, "close 0"), 0);
	snprintf(line, sizeof(line), "eof %d", conn);
	expect_line(srv, line, line, sizeof(line));
	cr_assert_eq(hostctl_cmd(srv, "send %d too late", conn), 0);
	expect_line(srv, "error: send: Broken pipe", line, sizeof(line));
}

Test(hosts, a_port_nobody_has_is_refused_and_the_sender_hears_so, .timeout = T_TIMEOUT)
{
	struct hostctl *srv = start(0, NULL), *a = start(1, NULL);
	char line[256], want[96];
	struct hostctl_table t;

	cr_assert_eq(hostctl_sock(a, "bind 0"), 0);
	cr_assert_eq(hostctl_cmd(a, "sendto 0 %s/4444 anyone there?", srv->addr), 0);
	expect_line(a, "refused 0", line, sizeof(line));
	snprintf(want, sizeof(want), "refused 0 by %s/4444", srv->addr);
	cr_assert_str_eq(line, want);
	cr_assert_eq(hostctl_sock(a, "connect %s/4445", srv->addr), 1);
	expect_line(a, "refused 1", line, sizeof(line));
	cr_assert_eq(hostctl_table(srv, &t), 0);
	cr_assert_eq(t.refused, 2);
	cr_assert_eq(hostctl_row(&t, 4444, "-")->refused, 1);
	cr_assert_eq(hostctl_row(&t, 4445, "-")->refused, 1);
}

/* Asks h for its table until done(t) holds, or fails after the deadline. */
static void
wait_table(struct hostctl *h, struct hostctl_table *t,
    int (*done)(const struct hostctl_table *, long), long arg)
{
	long until = proc_now_ms() + HOSTCTL_WAIT_MS;

	for (;;) {
		cr_assert_eq(hostctl_table(h, t), 0, "no table: %s", proc_stderr(&h->p));
		if (done(t, arg))
			return;
		cr_assert_lt(proc_now_ms(), until, "the table never got there");
		poll(NULL, 0, 50);	/* a pause between two questions, not the wait itself */
	}
}

static int
segments_seen(const struct hostctl_table *t, long want)
{
	const struct hostctl_row *row = hostctl_row(t, 7000, "-");

	return row != NULL && (long)(row->seg_in + t->bad_checksum) >= want;
}

Test(hosts, corrupted_segments_are_dropped_and_counted, .timeout = T_TIMEOUT)
{
	const char *const impaired[] = { "-m", "64", "--corrupt", "30", "--seed", "7", NULL };
	struct hostctl *b = start(0, NULL), *a = start(1, impaired);
	struct hostctl_table ta, tb;
	const struct hostctl_row *row;
	char line[256];

	cr_assert_eq(hostctl_sock(b, "bind 7000"), 0);
	cr_assert_eq(hostctl_sock(a, "bind 6000"), 0);
	for (int i = 0; i < 20; i++) {
		cr_assert_eq(hostctl_cmd(a, "sendto-bytes 0 %s/7000 300", b->addr), 0);
		expect_line(a, "sent 0 300", line, sizeof(line));
	}
	wait_table(b, &tb, segments_seen, 20 * 5);
	cr_assert_eq(hostctl_table(a, &ta), 0);
	cr_assert_gt(ta.impaired_corrupt, 0, "the seed corrupted nothing");
	cr_assert_eq(tb.bad_checksum, ta.impaired_corrupt, "every damaged segment caught");
	row = hostctl_row(&tb, 7000, "-");
	cr_assert_eq(row->seg_in, 100 - ta.impaired_corrupt);
	cr_assert_lt(row->msg_in, 20);
	/* What was delivered is intact. */
	for (unsigned long n = 0; n < row->msg_in; n++) {
		struct recv_line r;

		next_recv(b, &r);
		cr_assert_eq(r.len, 300);
		cr_assert_eq(r.fnv, hostctl_pattern_fnv(300, 0));
	}
}

/* Sends n pattern bytes to the upper-case service and checks the answer. */
static void
round_trip(struct hostctl *a, struct hostctl *srv, size_t n)
{
	struct recv_line r;
	char want[96];

	cr_assert_eq(hostctl_cmd(a, "sendto-bytes 0 %s/7 %zu", srv->addr, n), 0);
	next_recv(a, &r);
	cr_assert_eq(r.len, n);
	cr_assert_eq(r.fnv, hostctl_pattern_fnv(n, 1), "%zu bytes came back changed", n);
	snprintf(want, sizeof(want), "%s/7", srv->addr);
	cr_assert_str_eq(r.from, want);
}

Test(hosts, messages_cross_the_mss_boundary_intact, .timeout = T_TIMEOUT)
{
	const char *const server[] = { "-u", "7", NULL };
	const char *const mss100[] = { "-m", "100", NULL };
	struct hostctl *srv = start(0, server), *a = start(1, NULL), *c = start(2, mss100);
	const size_t sizes[] = { 255, 256, 257, 65536 };
	const unsigned long segs = 1 + 1 + 2 + 256;
	struct hostctl_table t;
	const struct hostctl_row *row;

	cr_assert_eq(hostctl_sock(a, "bind 0"), 0);
	cr_assert_eq(hostctl_sock(c, "bind 0"), 0);
	for (size_t i = 0; i < 4; i++)
		round_trip(a, srv, sizes[i]);
	cr_assert_eq(hostctl_table(srv, &t), 0);
	row = hostctl_row(&t, 7, "-");
	cr_assert_eq(row->seg_in, segs, "MSS-1, MSS, MSS+1 and 64 KiB at MSS 256");
	cr_assert_eq(row->msg_in, 4);
	cr_assert_eq(row->seg_out, segs);
	/* A host with another MSS: 99, 100, 101 bytes and 64 KiB at 100. */
	round_trip(c, srv, 99);
	round_trip(c, srv, 100);
	round_trip(c, srv, 101);
	round_trip(c, srv, 65536);
	cr_assert_eq(hostctl_table(c, &t), 0);
	row = hostctl_row(&t, (unsigned)t.rows[0].port, "-");
	cr_assert_eq(row->seg_out, 1 + 1 + 2 + 656);
}

Test(hosts, one_upper_case_service_serves_several_clients_at_once, .timeout = T_TIMEOUT)
{
	const char *const server[] = { "-u", "7", "-c", "8", NULL };
	struct hostctl *srv = start(0, server);
	struct hostctl *cl[3] = { start(1, NULL), start(2, NULL), start(3, NULL) };
	char line[256], want[64];

	for (int i = 0; i < 3; i++) {
		cr_assert_eq(hostctl_sock(cl[i], "bind 0"), 0);
		cr_assert_eq(hostctl_sock(cl[i], "connect %s/8", srv->addr), 1);
	}
	for (int i = 0; i < 3; i++)
		expect_line(cl[i], "connected 1", line, sizeof(line));
	for (int round = 0; round < 5; round++)
		for (int i = 0; i < 3; i++) {
			cr_assert_eq(hostctl_cmd(cl[i], "sendto 0 %s/7 dgram %d from %d", srv->addr,
			    round, i), 0);
			cr_assert_eq(hostctl_cmd(cl[i], "send 1 conn %d from %d", round, i), 0);
		}
	for (int i = 0; i < 3; i++) {
		int got[2] = { 0, 0 };

		for (int n = 0; n < 10; n++) {
			struct recv_line r;
			int round;

			next_recv(cl[i], &r);
			round = got[r.sock]++;
			snprintf(want, sizeof(want), "%s %d FROM %d", r.sock == 0 ? "DGRAM" : "CONN",
			    round, i);
			cr_assert_str_eq(r.text, want, "client %d", i);
		}
	}
}

static int
all_arrived(const struct hostctl_table *t, long want)
{
	const struct hostctl_row *row = hostctl_row(t, 7000, "-");

	return row != NULL && (long)row->msg_in >= want;
}

Test(hosts, duplicated_and_reordered_segments_still_make_each_message_once,
    .timeout = T_TIMEOUT)
{
	const char *const impaired[] = { "-m", "100", "--dup", "40", "--reorder", "40", "--seed", "3",
		NULL };
	struct hostctl *b = start(0, NULL), *a = start(1, impaired);
	struct hostctl_table ta, tb;
	char line[256];

	cr_assert_eq(hostctl_sock(b, "bind 7000"), 0);
	cr_assert_eq(hostctl_sock(a, "bind 6000"), 0);
	for (int i = 0; i < 20; i++) {
		cr_assert_eq(hostctl_cmd(a, "sendto-bytes 0 %s/7000 %d", b->addr, 700 + i), 0);
		expect_line(a, "sent 0", line, sizeof(line));
	}
	wait_table(b, &tb, all_arrived, 20);
	for (int i = 0; i < 20; i++) {
		struct recv_line r;

		next_recv(b, &r);
		cr_assert_eq(r.fnv, hostctl_pattern_fnv(r.len, 0), "message of %zu bytes", r.len);
	}
	cr_assert_eq(hostctl_table(a, &ta), 0);
	cr_assert_gt(ta.impaired_dup, 0);
	cr_assert_gt(ta.impaired_reorder, 0);
	cr_assert_eq(hostctl_table(b, &tb), 0);
	cr_assert_eq(hostctl_row(&tb, 7000, "-")->msg_in, 20, "no message twice");
	cr_assert_geq(tb.reasm_duplicate, ta.impaired_dup);
}

static int
timed_out(const struct hostctl_table *t, long want)
{
	return (long)t->reasm_timeout >= want;
}

Test(hosts, a_message_missing_a_segment_times_out, .timeout = T_TIMEOUT)
{
	const char *const lossy[] = { "-m", "100", "--drop", "50", "--seed", "11", NULL };
	const char *const quick[] = { "--reasm-timeout", "300", NULL };
	struct hostctl *b = start(0, quick), *a = start(1, lossy);
	struct hostctl_table ta, tb;
	char line[256];

	cr_assert_eq(hostctl_sock(b, "bind 7000"), 0);
	cr_assert_eq(hostctl_sock(a, "bind 6000"), 0);
	for (int i = 0; i < 10; i++) {
		cr_assert_eq(hostctl_cmd(a, "sendto-bytes 0 %s/7000 1000", b->addr), 0);
		expect_line(a, "sent 0", line, sizeof(line));
	}
	cr_assert_eq(hostctl_table(a, &ta), 0);
	cr_assert_gt(ta.impaired_drop, 0);
	wait_table(b, &tb, timed_out, 1);
	cr_assert_lt(hostctl_row(&tb, 7000, "-")->msg_in, 10);
}

Test(hosts, prints_its_table_on_sigusr1_and_on_quit, .timeout = T_TIMEOUT)
{
	struct hostctl *h = start(0, NULL);
	char line[256];

	cr_assert_eq(hostctl_sock(h, "bind 7"), 0);
	kill(h->p.pid, SIGUSR1);
	expect_line(h, "-- mux/demux table of host", line, sizeof(line));
	expect_line(h, "    7  -", line, sizeof(line));
	cr_assert_eq(hostctl_cmd(h, "quit"), 0);
	expect_line(h, "-- end of table --", line, sizeof(line));
	expect_line(h, "-- end of table --", line, sizeof(line));
	cr_assert_eq(proc_wait(&h->p, HOSTCTL_WAIT_MS), 0);
}

Test(hosts, answers_bad_commands_with_an_error_line, .timeout = T_TIMEOUT)
{
	struct hostctl *h = start(0, NULL);
	char line[256];

	cr_assert_eq(hostctl_cmd(h, "frobnicate"), 0);
	expect_line(h, "error: frobnicate: unknown command", line, sizeof(line));
	cr_assert_eq(hostctl_cmd(h, "bind seven"), 0);
	expect_line(h, "error: bind: bad arguments", line, sizeof(line));
	cr_assert_eq(hostctl_cmd(h, "sendto 0 nowhere hi"), 0);
	expect_line(h, "error: sendto: bad arguments", line, sizeof(line));
	cr_assert_eq(hostctl_cmd(h, "send 3 hi"), 0);
	expect_line(h, "error: send: Bad file descriptor", line, sizeof(line));
	cr_assert_eq(hostctl_sock(h, "bind 9"), 0);
	cr_assert_eq(hostctl_cmd(h, "bind 9"), 0);
	expect_line(h, "error: bind: Address already in use", line, sizeof(line));
	cr_assert_eq(hostctl_cmd(h, "sendto-bytes 0 127.0.0.1:1/7 65537"), 0);
	expect_line(h, "error: sendto-bytes: bad arguments", line, sizeof(line));
}

Test(hosts, follows_the_command_line_conventions, .timeout = T_TIMEOUT)
{
	struct proc p;
	char *help[] = { (char *)proc_bin("mux_host"), "--help", NULL };
	char *bad[] = { (char *)proc_bin("mux_host"), "-m", "5", NULL };
	char *extra[] = { (char *)proc_bin("mux_host"), "surplus", NULL };
	char out[4096];
	long n;

	cr_assert_eq(proc_start(&p, help), 0);
	cr_assert_eq(proc_wait(&p, HOSTCTL_WAIT_MS), 0);
	n = proc_read_all(&p, out, sizeof(out) - 1, HOSTCTL_WAIT_MS);
	cr_assert_gt(n, 0);
	out[n] = '\0';
	cr_assert(strstr(out, "usage: mux_host") != NULL);
	proc_kill(&p);
	cr_assert_eq(proc_start(&p, bad), 0);
	cr_assert_eq(proc_wait(&p, HOSTCTL_WAIT_MS), 2);
	cr_assert(strstr(proc_stderr(&p), "mux_host: -m wants a number in 16..1400") != NULL);
	proc_kill(&p);
	cr_assert_eq(proc_start(&p, extra), 0);
	cr_assert_eq(proc_wait(&p, HOSTCTL_WAIT_MS), 2);
	proc_kill(&p);
}

Test(hosts, refuses_a_network_address_already_taken, .timeout = T_TIMEOUT)
{
	struct hostctl *h = start(0, NULL);
	const char *port = strrchr(h->addr, ':') + 1;
	char *argv[] = { (char *)proc_bin("mux_host"), "-p", (char *)port, NULL };
	struct proc p;

	cr_assert_eq(proc_start(&p, argv), 0);
	cr_assert_eq(proc_wait(&p, HOSTCTL_WAIT_MS), 1);
	cr_assert(strstr(proc_stderr(&p), "Address already in use") != NULL, "%s",
	    proc_stderr(&p));
	proc_kill(&p);
}

/* Encodes a segment from `from` to the host at `to` into buf. */
static size_t
craft(uint8_t *buf, const struct segment_netaddr *from, const struct segment_netaddr *to,
    uint16_t dst_port, const char *payload)
{
	struct segment s = { .src_port = 5000, .dst_port = dst_port, .type = SEGMENT_DATA,
		.msg_id = 77, .index = 0, .count = 1, .payload = (const uint8_t *)payload,
		.payload_len = strlen(payload) };

	return segment_encode(&s, from, to, buf, SEGMENT_MAX_LEN);
}

Test(hosts, hand_made_and_hostile_datagrams_are_judged_by_the_wire_format,
    .timeout = T_TIMEOUT)
{
	struct hostctl *h = start(0, NULL);
	struct segment_netaddr host, other = { 0x7f000001, 1 }, from;
	struct netif me;
	uint8_t buf[2048], junk[2000] = { 0 };
	struct pollfd pfd;
	struct hostctl_table t;
	struct recv_line r;
	struct segment s;
	char want[96];
	size_t n;
	ssize_t got;

	cr_assert_eq(netif_parse(h->addr, &host), 0);
	cr_assert_eq(netif_open(&me, "127.0.0.1", 0, NULL), 0);
	cr_assert_eq(hostctl_sock(h, "bind 7"), 0);
	/* Malformed: too short, too long, version 2 (with a correct checksum). */
	cr_assert_eq(netif_send(&me, &host, junk, 3, 0), 0);
	{
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(host.port),
			.sin_addr.s_addr = htonl(host.ip) };

		/* netif_send refuses what no segment can be; the raw socket does not. */
		cr_assert_eq(sendto(me.fd, junk, sizeof(junk), 0, (struct sockaddr *)&sin,
		    sizeof(sin)), (ssize_t)sizeof(junk));
	}
	n = craft(buf, &me.self, &host, 7, "v2");
	buf[8] = 2;
	buf[6] = buf[7] = 0;
	buf[6] = (uint8_t)(segment_checksum(&me.self, &host, buf, n) >> 8);
	buf[7] = (uint8_t)segment_checksum(&me.self, &host, buf, n);
	cr_assert_eq(netif_send(&me, &host, buf, n, 0), 0);
	/* Bad checksum: a bit flipped; a pseudo-header naming another sender. */
	n = craft(buf, &me.self, &host, 7, "flipped");
	buf[n - 1] ^= 4;
	cr_assert_eq(netif_send(&me, &host, buf, n, 0), 0);
	n = craft(buf, &other, &host, 7, "spoofed");
	cr_assert_eq(netif_send(&me, &host, buf, n, 0), 0);
	/* Good: one for a port nobody has, one for port 7. */
	n = craft(buf, &me.self, &host, 9, "nobody");
	cr_assert_eq(netif_send(&me, &host, buf, n, 0), 0);
	n = craft(buf, &me.self, &host, 7, "made by hand");
	cr_assert_eq(netif_send(&me, &host, buf, n, 0), 0);

	next_recv(h, &r);
	cr_assert_str_eq(r.text, "made by hand");
	cr_assert_eq(r.sock, 0);
	snprintf(want, sizeof(want), "%s/5000", netif_format(&me.self, (char *)buf, 64));
	cr_assert_str_eq(r.from, want);
	/* The refusal came back to us as an UNREACHABLE segment. */
	pfd = (struct pollfd){ .fd = me.fd, .events = POLLIN };
	cr_assert_eq(poll(&pfd, 1, HOSTCTL_WAIT_MS), 1);
	got = netif_recv(&me, buf, sizeof(buf), &from);
	cr_assert_eq(segment_decode(buf, (size_t)got, &host, &me.self, &s), SEGMENT_OK);
	cr_assert_eq(s.type, SEGMENT_UNREACHABLE);
	cr_assert_eq(s.src_port, 9);
	cr_assert_eq(s.dst_port, 5000);
	cr_assert_eq(s.msg_id, 77);
	netif_close(&me);
	cr_assert_eq(hostctl_table(h, &t), 0);
	cr_assert_eq(t.malformed, 3, "malformed %lu", t.malformed);
	cr_assert_eq(t.bad_checksum, 2);
	cr_assert_eq(t.refused, 1);
	cr_assert_eq(hostctl_row(&t, 7, "-")->msg_in, 1);
}
