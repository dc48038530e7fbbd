/*
 * test_faultproxy.c — the proxy program between sockets of the test's own:
 * rules drop, duplicate, delay and hold exactly the datagrams they name, replies
 * find the client that asked, and TCP arrives in 1-byte pieces with
 * half-closes passed through.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/proc.h"

static int
bound(int type, int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, type, 0);

	cr_assert_geq(fd, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	if (type == SOCK_STREAM)
		cr_assert_eq(listen(fd, 16), 0);
	getsockname(fd, (struct sockaddr *)&a, &len);
	*port = ntohs(a.sin_port);
	return fd;
}

static int
connected(int type, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, type, 0);

	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* Receives on fd within ms into buf; returns the length or -1. */
static long
recv_within(int fd, char *buf, size_t cap, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	return recv(fd, buf, cap, 0);
}

static int
start_proxy(struct proc *p, const char *kind, int port, char *const *opts)
{
	char to[32];
	char *argv[32] = { (char *)proc_bin("faultproxy"), (char *)kind, "--to", to };
	int n = 4;

	snprintf(to, sizeof(to), "127.0.0.1:%d", port);
	for (int i = 0; opts[i] != NULL && n < 30; i++)
		argv[n++] = opts[i];
	argv[n] = NULL;
	cr_assert_eq(proc_start(p, argv), 0);
	n = proc_wait_listening(p, NULL, 0, 5000);
	cr_assert_gt(n, 0, "faultproxy did not start: %s", proc_stderr(p));
	return n;
}

Test(faultproxy, rules_drop_and_duplicate_exactly_the_named_datagrams, .timeout = 30)
{
	int sport, srv = bound(SOCK_DGRAM, &sport);
	char *opts[] = { "--rule", "to-server:1:drop", "--rule", "to-client:1:dup", NULL };
	struct proc p;
	int port = start_proxy(&p, "udp", sport, opts), cli = connected(SOCK_DGRAM, port);
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	char buf[64];
	long n;

	send(cli, "one", 3, 0);
	send(cli, "two", 3, 0);
	n = recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	cr_assert_eq(n, 3);
	cr_expect(memcmp(buf, "two", 3) == 0, "the first datagram should have been dropped");
	cr_expect_eq(recv_within(srv, buf, sizeof(buf), 200), -1);
	sendto(srv, "TWO", 3, 0, (struct sockaddr *)&from, flen);
	cr_expect_eq(recv_within(cli, buf, sizeof(buf), 2000), 3);
	cr_expect_eq(recv_within(cli, buf, sizeof(buf), 2000), 3, "the reply should come twice");
	cr_expect_eq(recv_within(cli, buf, sizeof(buf), 200), -1, "and only twice");
	proc_kill(&p);
}

Test(faultproxy, a_delay_rule_holds_a_reply_back, .timeout = 30)
{
	int sport, srv = bound(SOCK_DGRAM, &sport);
	char *opts[] = { "--rule", "to-client:1:delay:400", NULL };
	struct proc p;
	int port = start_proxy(&p, "udp", sport, opts), cli = connected(SOCK_DGRAM, port);
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	char buf[64];
	long t0;

	send(cli, "x", 1, 0);
	cr_assert_eq(recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), 1);
	t0 = proc_now_ms();
	sendto(srv, "X", 1, 0, (struct sockaddr *)&from, flen);
	cr_expect_eq(recv_within(cli, buf, sizeof(buf), 5000), 1);
	cr_expect_geq(proc_now_ms() - t0, 380);
	proc_kill(&p);
}

/* Receives one datagram on fd within 5 s and checks it is the one-byte want. */
static void
expect_next(int fd, char want, const char *why)
{
	char buf[64];

	cr_assert_eq(recv_within(fd, buf, sizeof(buf), 5000), 1, "%s: nothing came", why);
	cr_expect_eq(buf[0], want, "%s: got '%c', not '%c'", why, buf[0], want);
}

Test(faultproxy, a_hold_rule_frees_a_reply_just_before_the_request_it_waits_for, .timeout = 30)
{
	int sport, srv = bound(SOCK_DGRAM, &sport);
	char *opts[] = { "--rule", "to-client:1:hold:3", NULL };
	struct proc p;
	int port = start_proxy(&p, "udp", sport, opts), cli = connected(SOCK_DGRAM, port);
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	char buf[64];

	send(cli, "a", 1, 0);
	cr_assert_eq(recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), 1);
	sendto(srv, "A", 1, 0, (struct sockaddr *)&from, flen);
	send(cli, "b", 1, 0);
	cr_assert_eq(recv(srv, buf, sizeof(buf), 0), 1);
	sendto(srv, "B", 1, 0, (struct sockaddr *)&from, flen);
	expect_next(cli, 'B', "the 2nd reply overtakes the held 1st");
	send(cli, "c", 1, 0);
	expect_next(cli, 'A', "the 3rd request frees the 1st reply");
	cr_assert_eq(recv(srv, buf, sizeof(buf), 0), 1);
	cr_expect_eq(buf[0], 'c');
	sendto(srv, "C", 1, 0, (struct sockaddr *)&from, flen);
	expect_next(cli, 'C', "and the 3rd reply comes after it");
	proc_kill(&p);
}

Test(faultproxy, a_hold_rule_whose_datagram_came_already_holds_nothing, .timeout = 30)
{
	int sport, srv = bound(SOCK_DGRAM, &sport);
	char *opts[] = { "--rule", "to-client:2:hold:1", NULL };
	struct proc p;
	int port = start_proxy(&p, "udp", sport, opts), cli = connected(SOCK_DGRAM, port);
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	char buf[64];

	send(cli, "a", 1, 0);
	cr_assert_eq(recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), 1);
	sendto(srv, "A", 1, 0, (struct sockaddr *)&from, flen);
	expect_next(cli, 'A', "the 1st reply passes");
	sendto(srv, "B", 1, 0, (struct sockaddr *)&from, flen);
	expect_next(cli, 'B', "the 2nd waits for request 1, which came already");
	proc_kill(&p);
}

Test(faultproxy, each_client_gets_its_own_replies, .timeout = 30)
{
	int sport, srv = bound(SOCK_DGRAM, &sport);
	char *opts[] = { NULL };
	struct proc p;
	int port = start_proxy(&p, "udp", sport, opts);
	int a = connected(SOCK_DGRAM, port), b = connected(SOCK_DGRAM, port);
	struct sockaddr_storage fa, fb;
	socklen_t la = sizeof(fa), lb = sizeof(fb);
	char buf[64];

	send(a, "a", 1, 0);
	recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&fa, &la);
	send(b, "b", 1, 0);
	recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&fb, &lb);
	cr_expect(memcmp(&fa, &fb, la) != 0, "two clients should reach the server from two ports");
	sendto(srv, "B", 1, 0, (struct sockaddr *)&fb, lb);
	sendto(srv, "A", 1, 0, (struct sockaddr *)&fa, la);
	cr_expect_eq(recv_within(a, buf, sizeof(buf), 2000), 1);
	cr_expect_eq(buf[0], 'A');
	cr_expect_eq(recv_within(b, buf, sizeof(buf), 2000), 1);
	cr_expect_eq(buf[0], 'B');
	proc_kill(&p);
}

Test(faultproxy, tcp_arrives_one_byte_at_a_time_and_half_closes_pass, .timeout = 30)
{
	int sport, lfd = bound(SOCK_STREAM, &sport);
	char *opts[] = { "--chunk", "1", "--chunk-delay", "20", NULL };
	struct proc p;
	int port = start_proxy(&p, "tcp", sport, opts), cli = connected(SOCK_STREAM, port);
	int srv = accept(lfd, NULL, NULL), reads = 0;
	char buf[64];
	long n, total = 0;

	cr_assert_geq(srv, 0);
	send(cli, "hello", 5, 0);
	shutdown(cli, SHUT_WR);
	while ((n = recv_within(srv, buf, sizeof(buf), 3000)) > 0) {
		cr_expect_eq(n, 1, "a piece of %ld bytes", n);
		total += n;
		reads++;
	}
	cr_expect_eq(n, 0, "the half-close should arrive as end of stream");
	cr_expect_eq(total, 5);
	send(srv, "HELLO", 5, 0);
	close(srv);
	total = 0;
	while ((n = recv_within(cli, buf, sizeof(buf), 3000)) > 0)
		total += n;
	cr_expect_eq(total, 5);
	cr_expect_eq(n, 0);
	proc_kill(&p);
}

Test(faultproxy, bad_usage_is_one_line_and_status_2, .timeout = 30)
{
	static char *const cases[][6] = {
		{ "faultproxy", NULL },
		{ "faultproxy", "udp", NULL },
		{ "faultproxy", "udp", "--to", "nowhere", NULL },
		{ "faultproxy", "udp", "--to", "127.0.0.1:9", "--drop", "150" },
		{ "faultproxy", "tcp", "--to", "127.0.0.1:9", "--rule", "x" },
		{ "faultproxy", "sctp", "--to", "127.0.0.1:9", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[8] = { (char *)proc_bin("faultproxy") };
		struct proc p;
		const char *e;

		for (int j = 1; j < 6 && cases[i][j] != NULL; j++)
			argv[j] = cases[i][j];
		cr_assert_eq(proc_start(&p, argv), 0);
		cr_expect_eq(proc_wait(&p, 5000), 2, "case %zu", i);
		e = proc_stderr(&p);
		cr_expect(strchr(e, '\n') == e + strlen(e) - 1, "case %zu: not one line: %s", i, e);
		proc_kill(&p);
	}
}
