/*
 * test_server.c — the real udp_server over loopback, spoken to through the
 * test's own UDP sockets: letters, every byte value, empty and largest
 * datagrams, several senders, IPv6, -v, and its command line.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "udptest.h"

static struct proc server;
static int sock = -1;
static struct sockaddr_storage to;
static socklen_t tolen;

/* Starts the server on host, and a test socket of the same family. */
static void
serve(const char *host, const char *extra[])
{
	struct sockaddr_storage me;
	socklen_t melen;
	int port = udptest_start_server(&server, host, extra);

	cr_assert_gt(port, 0, "udp_server did not print 'listening on'");
	cr_assert_neq(sock = udptest_socket(host, &me, &melen), -1, "test socket");
	cr_assert_eq(udptest_addr(host, port, &to, &tolen), 0);
}

static void
stop(void)
{
	if (sock != -1)
		close(sock);
	sock = -1;
	if (server.pid > 0)
		proc_kill(&server);
}

/* Sends msg, expects want (wn bytes) back. */
static void
expect_reply(const void *msg, size_t n, const void *want, size_t wn)
{
	static unsigned char reply[65536];
	ssize_t r = udptest_ask(sock, &to, tolen, msg, n, reply, sizeof(reply), UDPTEST_WAIT_MS);

	cr_assert_eq(r, (ssize_t)wn, "reply of %zd bytes, want %zu (stderr: %s)", r, wn,
	    proc_stderr(&server));
	cr_assert(memcmp(reply, want, wn) == 0, "reply differs from what was expected");
}

TestSuite(server, .fini = stop, .timeout = 30);

Test(server, answers_with_letters_upper_cased)
{
	serve("127.0.0.1", NULL);
	expect_reply("Hello, World!", 13, "HELLO, WORLD!", 13);
	expect_reply("no newline needed\n", 18, "NO NEWLINE NEEDED\n", 18);
}

Test(server, keeps_every_non_letter_byte)
{
	unsigned char msg[256], want[256];

	for (int i = 0; i < 256; i++) {
		msg[i] = (unsigned char)i;
		want[i] = (unsigned char)(i >= 'a' && i <= 'z' ? i - 32 : i);
	}
	serve("127.0.0.1", NULL);
	expect_reply(msg, sizeof(msg), want, sizeof(want));
	expect_reply("caf\xc3\xa9", 5, "CAF\xc3\xa9", 5);
}

Test(server, answers_an_empty_datagram_with_an_empty_one)
{
	serve("127.0.0.1", NULL);
	expect_reply("", 0, "", 0);
	expect_reply("after", 5, "AFTER", 5);
}

Test(server, answers_the_largest_ipv4_datagram)
{
	static unsigned char msg[65507], want[65507];

	for (size_t i = 0; i < sizeof(msg); i++) {
		msg[i] = (unsigned char)(i % 251);
		want[i] = (unsigned char)(msg[i] >= 'a' && msg[i] <= 'z' ? msg[i] - 32 : msg[i]);
	}
	serve("127.0.0.1", NULL);
	expect_reply(msg, sizeof(msg), want, sizeof(want));
}

Test(server, answers_each_sender_at_its_own_address)
{
	struct sockaddr_storage a;
	socklen_t alen;
	char reply[64];
	int other;

	serve("127.0.0.1", NULL);
	cr_assert_neq(other = udptest_socket("127.0.0.1", &a, &alen), -1);
	cr_assert_eq(sendto(other, "second", 6, 0, (struct sockaddr *)&to, tolen), 6);
	expect_reply("first", 5, "FIRST", 5);
	cr_assert_eq(udptest_ask(other, &to, tolen, "third", 5, reply, sizeof(reply),
	    UDPTEST_WAIT_MS), 6, "the other socket got no reply to 'second'");
	cr_assert(memcmp(reply, "SECOND", 6) == 0);
	close(other);
}

Test(server, serves_ipv6)
{
	char addr[64];
	int port;

	if (!udptest_have_ipv6())
		cr_skip_test("this machine has no IPv6 loopback (::1); IPv6 not tested");
	serve("::1", NULL);
	expect_reply("over ipv6", 9, "OVER IPV6", 9);
	proc_kill(&server);
	cr_assert_gt(proc_start(&server, (char *[]){ (char *)proc_bin("udp_server"),
	    "-b", "[::1]", "-p", "0", NULL }), -1);
	port = proc_wait_listening(&server, addr, sizeof(addr), UDPTEST_WAIT_MS);
	cr_assert_gt(port, 0);
	cr_assert_str_eq(addr, "[::1]", "IPv6 addresses are printed in brackets");
}

Test(server, prints_the_port_the_kernel_chose)
{
	char addr[64];
	int port;

	cr_assert_gt(proc_start(&server, (char *[]){ (char *)proc_bin("udp_server"),
	    "-b", "127.0.0.1", "-p", "0", NULL }), -1);
	port = proc_wait_listening(&server, addr, sizeof(addr), UDPTEST_WAIT_MS);
	cr_assert_gt(port, 0, "no port, or port 0, in the readiness line");
	cr_assert_str_eq(addr, "127.0.0.1");
}

Test(server, logs_each_datagram_and_its_sender_with_v)
{
	struct sockaddr_storage me;
	socklen_t melen = sizeof(me);
	char line[128];

	serve("127.0.0.1", (const char *[]){ "-v", NULL });
	expect_reply("hello", 5, "HELLO", 5);
	cr_assert_eq(getsockname(sock, (struct sockaddr *)&me, &melen), 0);
	snprintf(line, sizeof(line), "5 bytes from 127.0.0.1:%d\n", udptest_port(&me));
	cr_assert_eq(proc_wait_stderr(&server, line, UDPTEST_WAIT_MS), 0,
	    "stderr lacks '%s': %s", line, proc_stderr(&server));
}

Test(server, is_quiet_without_v)
{
	serve("127.0.0.1", NULL);
	expect_reply("hello", 5, "HELLO", 5);
	cr_assert_str_eq(proc_stderr(&server), "");
}

Test(server, prints_usage_for_help)
{
	struct udptest_run r;

	cr_assert_eq(udptest_run(&r, (const char *[]){ "udp_server", "--help", NULL },
	    NULL, 0, UDPTEST_WAIT_MS), 0);
	cr_assert_eq(r.code, 0);
	cr_assert(strstr(r.out, "usage: udp_server") != NULL, "%s", r.out);
	udptest_run_free(&r);
}

Test(server, exits_2_with_one_line_on_bad_usage)
{
	static const char *bad[][4] = {
		{ "udp_server", "-p", "65536" }, { "udp_server", "-p", "x" },
		{ "udp_server", "-q" }, { "udp_server", "stray" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct udptest_run r;

		cr_assert_eq(udptest_run(&r, bad[i], NULL, 0, UDPTEST_WAIT_MS), 0);
		cr_assert_eq(r.code, 2, "%s %s: exit %d", bad[i][1], bad[i][2], r.code);
		cr_assert(strncmp(r.err, "udp_server: ", 12) == 0, "%s", r.err);
		cr_assert(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "not one line: %s", r.err);
		udptest_run_free(&r);
	}
}

Test(server, exits_1_when_the_port_is_taken)
{
	struct sockaddr_storage a;
	socklen_t alen;
	struct udptest_run r;
	char port[8];
	int taken = udptest_socket("127.0.0.1", &a, &alen);

	cr_assert_neq(taken, -1);
	snprintf(port, sizeof(port), "%d", udptest_port(&a));
	cr_assert_eq(udptest_run(&r, (const char *[]){ "udp_server", "-b", "127.0.0.1",
	    "-p", port, NULL }, NULL, 0, UDPTEST_WAIT_MS), 0);
	cr_assert_eq(r.code, 1, "exit %d", r.code);
	cr_assert(strstr(r.err, "udp_server: binding 127.0.0.1 port") != NULL, "%s", r.err);
	cr_assert(strstr(r.err, "in use") != NULL, "%s", r.err);
	udptest_run_free(&r);
	close(taken);
}

Test(server, exits_1_for_an_address_not_on_this_machine)
{
	struct udptest_run r;

	/* 192.0.2.1 is TEST-NET-1: a numeric address, so no DNS, and never ours. */
	cr_assert_eq(udptest_run(&r, (const char *[]){ "udp_server", "-b", "192.0.2.1",
	    "-p", "0", NULL }, NULL, 0, UDPTEST_WAIT_MS), 0);
	cr_assert_eq(r.code, 1, "exit %d", r.code);
	cr_assert(strstr(r.err, "udp_server: binding 192.0.2.1 port 0: ") != NULL, "%s", r.err);
	udptest_run_free(&r);
}
