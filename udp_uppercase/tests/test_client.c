/*
 * test_client.c — the real udp_client, against the real server and against
 * scripted peers (tests/udptest.c) that lose datagrams, answer late, answer
 * twice, let a stranger answer first, or never answer.
 *
 * Timeouts given to the client are short (a few hundred ms) so that retries
 * happen quickly; the tests' own deadlines are long, because the machine is
 * shared and slow moments must not fail a correct client.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "udptest.h"

static struct proc server;
static struct udptest_run run;

static void
cleanup(void)
{
	if (server.pid > 0)
		proc_kill(&server);
	udptest_run_free(&run);
}

TestSuite(client, .fini = cleanup, .timeout = 40);

/* Runs udp_client with args (after the program name) and input. */
static void
client(const char *input, size_t n, const char *args[])
{
	const char *argv[16] = { "udp_client" };

	for (int i = 0; args[i] != NULL && i < 14; i++)
		argv[i + 1] = args[i];
	cr_assert_eq(udptest_run(&run, argv, input, n, 3 * UDPTEST_WAIT_MS), 0,
	    "could not start udp_client");
}

static char *
port_str(int port)
{
	static char s[8];

	snprintf(s, sizeof(s), "%d", port);
	return s;
}

static void
expect_output(const char *want, size_t n)
{
	cr_assert_eq(run.code, 0, "exit %d, stderr: %s", run.code, run.err);
	cr_assert_eq(run.out_len, (long)n, "printed %ld bytes, want %zu: '%s'",
	    run.out_len, n, run.out);
	cr_assert(memcmp(run.out, want, n) == 0, "printed '%s', want '%s'", run.out, want);
}

Test(client, prints_one_reply_per_line)
{
	int port = udptest_start_server(&server, "127.0.0.1", NULL);

	cr_assert_gt(port, 0);
	client("hello\nWorld 42\nlast line without newline", 40,
	    (const char *[]){ "127.0.0.1", port_str(port), NULL });
	expect_output("HELLO\nWORLD 42\nLAST LINE WITHOUT NEWLINE\n", 41);
	cr_assert_str_eq(run.err, "");
}

Test(client, sends_an_empty_line_as_an_empty_datagram)
{
	int port = udptest_start_server(&server, "127.0.0.1", (const char *[]){ "-v", NULL });

	cr_assert_gt(port, 0);
	client("a\n\nb\n", 5, (const char *[]){ "127.0.0.1", port_str(port), NULL });
	expect_output("A\n\nB\n", 5);
	cr_assert_eq(proc_wait_stderr(&server, "0 bytes from", UDPTEST_WAIT_MS), 0,
	    "the server saw no empty datagram: %s", proc_stderr(&server));
}

Test(client, passes_nul_and_non_ascii_bytes_through)
{
	static const char in[] = "a\0b\xff" "caf\xc3\xa9\n\x01z\n";
	static const char want[] = "A\0B\xff" "CAF\xc3\xa9\n\x01Z\n";
	int port = udptest_start_server(&server, "127.0.0.1", NULL);

	cr_assert_gt(port, 0);
	client(in, sizeof(in) - 1, (const char *[]){ "127.0.0.1", port_str(port), NULL });
	expect_output(want, sizeof(want) - 1);
}

Test(client, sends_a_65507_byte_line_and_refuses_a_longer_one)
{
	static char in[65508 + 1], want[65507 + 1];
	int port = udptest_start_server(&server, "127.0.0.1", NULL);

	cr_assert_gt(port, 0);
	for (size_t i = 0; i < 65507; i++) {
		in[i] = (char)('a' + i % 26);
		want[i] = (char)('A' + i % 26);
	}
	in[65507] = want[65507] = '\n';
	client(in, 65508, (const char *[]){ "127.0.0.1", port_str(port), NULL });
	expect_output(want, 65508);
	udptest_run_free(&run);

	in[65507] = 'x';
	in[65508] = '\n';
	client(in, 65509, (const char *[]){ "127.0.0.1", port_str(port), NULL });
	cr_assert_eq(run.code, 1, "exit %d", run.code);
	cr_assert(strstr(run.err, "udp_client: line 1 is 65508 bytes") != NULL, "%s", run.err);
}

Test(client, talks_to_an_ipv6_server)
{
	int port;

	if (!udptest_have_ipv6())
		cr_skip_test("this machine has no IPv6 loopback (::1); IPv6 not tested");
	port = udptest_start_server(&server, "::1", NULL);
	cr_assert_gt(port, 0);
	client("six\n", 4, (const char *[]){ "::1", port_str(port), NULL });
	expect_output("SIX\n", 4);
	udptest_run_free(&run);
	client("brackets\n", 9, (const char *[]){ "[::1]", port_str(port), NULL });
	expect_output("BRACKETS\n", 9);
}

/* Drops the first *(int *)ctx datagrams, then answers like the server. */
static void
drop_first(struct udptest_peer *pe, unsigned long nth, unsigned char *buf,
    size_t n, const struct sockaddr_storage *from, socklen_t fromlen)
{
	if (nth > (unsigned long)*(int *)pe->ctx)
		udptest_answer(pe, buf, n, from, fromlen);
}

Test(client, resends_until_the_server_answers)
{
	struct udptest_peer pe;
	int drops = 3;

	cr_assert_eq(udptest_peer_start(&pe, drop_first, &drops), 0);
	client("lost thrice\n", 12, (const char *[]){ "-t", "200", "-r", "3",
	    "127.0.0.1", port_str(pe.port), NULL });
	udptest_peer_stop(&pe);
	expect_output("LOST THRICE\n", 12);
	cr_assert_eq(pe.received, 4, "the peer saw %lu datagrams, want 4", pe.received);
}

Test(client, gives_up_after_its_retries)
{
	struct udptest_peer pe;
	int drops = 4;

	cr_assert_eq(udptest_peer_start(&pe, drop_first, &drops), 0);
	client("never\n", 6, (const char *[]){ "-t", "200", "-r", "3",
	    "127.0.0.1", port_str(pe.port), NULL });
	udptest_peer_stop(&pe);
	cr_assert_eq(run.code, 1, "exit %d", run.code);
	cr_assert_eq(run.out_len, 0, "printed '%s'", run.out);
	cr_assert_eq(pe.received, 4, "the peer saw %lu datagrams, want 1 + 3 retries", pe.received);
	cr_assert(strstr(run.err, "udp_client: no reply from 127.0.0.1:") != NULL, "%s", run.err);
}

/* Never answers. */
static void
black_hole(struct udptest_peer *pe, unsigned long nth, unsigned char *buf,
    size_t n, const struct sockaddr_storage *from, socklen_t fromlen)
{
}

Test(client, fails_clearly_within_its_timeout_with_no_server)
{
	struct udptest_peer pe;

	cr_assert_eq(udptest_peer_start(&pe, black_hole, NULL), 0);
	client("anyone?\n", 8, (const char *[]){ "-t", "300", "-r", "2",
	    "127.0.0.1", port_str(pe.port), NULL });
	udptest_peer_stop(&pe);
	cr_assert_eq(run.code, 1, "exit %d", run.code);
	cr_assert_eq(pe.received, 3);
	cr_assert(run.elapsed_ms >= 880, "gave up after %ld ms, before 3 x 300 ms", run.elapsed_ms);
	cr_assert(run.elapsed_ms < 900 + 5000, "took %ld ms for 3 x 300 ms", run.elapsed_ms);
	cr_assert(strstr(run.err, "after 3 tries, 300 ms each") != NULL, "%s", run.err);
	cr_assert(strchr(run.err, '\n') == run.err + strlen(run.err) - 1, "not one line: %s", run.err);
}

Test(client, fails_clearly_when_the_port_is_closed)
{
	struct sockaddr_storage a;
	socklen_t alen;
	int fd = udptest_socket("127.0.0.1", &a, &alen), port = udptest_port(&a);

	cr_assert_neq(fd, -1);
	close(fd);	/* nobody there now; at worst someone took it and is silent */
	client("hello?\n", 7, (const char *[]){ "-t", "200", "-r", "1",
	    "127.0.0.1", port_str(port), NULL });
	cr_assert_eq(run.code, 1, "exit %d", run.code);
	cr_assert(strstr(run.err, "udp_client: no reply from 127.0.0.1:") != NULL, "%s", run.err);
}

/*
 * Line 1, first try: no answer yet (its reply will be "late").  Line 1,
 * second try: answered twice (a duplicate).  Line 2: first the late reply to
 * line 1 goes out to where line 1 came from, then the true answer.  A client
 * that kept one socket and printed the first datagram it saw would print
 * ONE for line 2.
 */
struct stale {
	struct sockaddr_storage first;
	socklen_t firstlen;
};

static void
late_and_twice(struct udptest_peer *pe, unsigned long nth, unsigned char *buf,
    size_t n, const struct sockaddr_storage *from, socklen_t fromlen)
{
	struct stale *st = pe->ctx;

	if (nth == 1) {
		st->first = *from;
		st->firstlen = fromlen;
	} else if (nth == 2) {
		sendto(pe->fd, "ONE", 3, 0, (const struct sockaddr *)from, fromlen);
		sendto(pe->fd, "ONE", 3, 0, (const struct sockaddr *)from, fromlen);
	} else {
		sendto(pe->fd, "ONE", 3, 0, (struct sockaddr *)&st->first, st->firstlen);
		udptest_answer(pe, buf, n, from, fromlen);
	}
}

Test(client, never_prints_a_late_or_duplicate_reply_for_a_later_line)
{
	struct udptest_peer pe;
	struct stale st;

	cr_assert_eq(udptest_peer_start(&pe, late_and_twice, &st), 0);
	client("one\ntwo\nthree\n", 14, (const char *[]){ "-t", "300", "-r", "3",
	    "127.0.0.1", port_str(pe.port), NULL });
	udptest_peer_stop(&pe);
	expect_output("ONE\nTWO\nTHREE\n", 14);
	cr_assert_eq(pe.received, 4, "the peer saw %lu datagrams", pe.received);
}

/*
 * Before each answer, two strangers write to the client: one from the
 * server's address but another port, one from another address (127.0.0.2)
 * with the server's port.
 */
struct strangers {
	int other_port, other_addr;
};

static void
strangers_first(struct udptest_peer *pe, unsigned long nth, unsigned char *buf,
    size_t n, const struct sockaddr_storage *from, socklen_t fromlen)
{
	struct strangers *s = pe->ctx;

	sendto(s->other_port, "STRANGER", 8, 0, (const struct sockaddr *)from, fromlen);
	if (s->other_addr != -1)
		sendto(s->other_addr, "STRANGER", 8, 0, (const struct sockaddr *)from, fromlen);
	udptest_answer(pe, buf, n, from, fromlen);
}

Test(client, ignores_datagrams_from_anyone_but_the_server)
{
	struct udptest_peer pe;
	struct strangers s;
	struct sockaddr_storage a;
	socklen_t alen;

	cr_assert_neq(s.other_port = udptest_socket("127.0.0.1", &a, &alen), -1);
	cr_assert_neq(s.other_addr = socket(AF_INET, SOCK_DGRAM, 0), -1);
	cr_assert_eq(udptest_peer_start(&pe, strangers_first, &s), 0);
	/* Linux answers for all of 127/8; elsewhere only the port case runs. */
	cr_assert_eq(udptest_addr("127.0.0.2", pe.port, &a, &alen), 0);
	if (bind(s.other_addr, (struct sockaddr *)&a, alen) == -1) {
		close(s.other_addr);
		s.other_addr = -1;
	}
	client("real\nreplies\n", 13, (const char *[]){ "-t", "2000", "-r", "0",
	    "127.0.0.1", port_str(pe.port), NULL });
	udptest_peer_stop(&pe);
	expect_output("REAL\nREPLIES\n", 13);
	close(s.other_port);
	if (s.other_addr != -1)
		close(s.other_addr);
}

Test(client, prints_usage_for_help)
{
	client("", 0, (const char *[]){ "--help", NULL });
	cr_assert_eq(run.code, 0);
	cr_assert(strstr(run.out, "usage: udp_client") != NULL, "%s", run.out);
}

Test(client, exits_2_with_one_line_on_bad_usage)
{
	static const char *bad[][5] = {
		{ "127.0.0.1", NULL }, { "127.0.0.1", "0", NULL },
		{ "127.0.0.1", "65536", NULL }, { "-t", "-5", "127.0.0.1", "9", NULL },
		{ "-r", "x", "127.0.0.1", "9", NULL }, { "a", "1", "extra", NULL },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		client("", 0, bad[i]);
		cr_assert_eq(run.code, 2, "case %zu: exit %d", i, run.code);
		cr_assert(strncmp(run.err, "udp_client: ", 12) == 0, "%s", run.err);
		cr_assert(strchr(run.err, '\n') == run.err + strlen(run.err) - 1, "not one line: %s", run.err);
		udptest_run_free(&run);
	}
}

Test(client, exits_0_at_once_on_empty_input)
{
	client("", 0, (const char *[]){ "127.0.0.1", "9", NULL });
	expect_output("", 0);
}
