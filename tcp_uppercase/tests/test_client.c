/*
 * test_client.c — tcp_client against our server and against stand-in
 * servers the test plays itself: one that refuses, one whose queue is full,
 * one that never answers, one that resets, one that hangs up early.  Every
 * failure must be one clear line on stderr and exit status 1, within the
 * client's timeout.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tnet.h"

/* Starts tcp_client with -t timeout_ms host port. */
static void
start_client(struct proc *p, const char *host, int port, const char *timeout_ms)
{
	char portstr[16];
	const char *argv[] = { proc_bin("tcp_client"), "-t", timeout_ms, host, portstr, NULL };

	snprintf(portstr, sizeof(portstr), "%d", port);
	tnet_start(p, argv);
}

/* Waits for exit status 1 and a single stderr line containing needle. */
static void
expect_failure(struct proc *p, const char *needle)
{
	const char *err;

	cr_assert_eq(proc_wait(p, TNET_SOON_MS), 1, "exit status; stderr: %s", proc_stderr(p));
	err = proc_stderr(p);
	cr_assert(strstr(err, needle) != NULL, "stderr '%s' lacks '%s'", err, needle);
	cr_assert(strncmp(err, "tcp_client: ", 12) == 0, "stderr: %s", err);
	cr_assert_eq(strchr(err, '\n'), err + strlen(err) - 1, "not one line: %s", err);
}

Test(client, prints_the_upper_cased_reply_to_each_line, .timeout = 30)
{
	struct proc srv, cl;
	int port = tnet_server(&srv, NULL);
	char out[256];
	long n;

	start_client(&cl, "127.0.0.1", port, "5000");
	proc_puts(&cl, "hello\n\nMixed Case 123, ok?\nlast line without newline");
	proc_close_stdin(&cl);
	n = proc_read_all(&cl, out, sizeof(out) - 1, TNET_SOON_MS);
	cr_assert_geq(n, 0);
	out[n] = '\0';
	cr_assert_str_eq(out, "HELLO\n\nMIXED CASE 123, OK?\nLAST LINE WITHOUT NEWLINE\n");
	cr_assert_eq(proc_wait(&cl, TNET_SOON_MS), 0, "%s", proc_stderr(&cl));
	cr_assert_str_eq(proc_stderr(&cl), "");
	proc_kill(&cl);
	proc_kill(&srv);
}

Test(client, carries_nul_and_non_ascii_bytes_unchanged, .timeout = 30)
{
	struct proc srv, cl;
	int port = tnet_server(&srv, NULL);
	char line[256], want[256], out[512];
	size_t n = 0;
	long got;

	for (int b = 0; b < 256; b++)
		if (b != '\n')
			line[n++] = (char)b;
	line[n++] = '\n';
	tnet_upper(want, line, n);
	start_client(&cl, "127.0.0.1", port, "5000");
	proc_write(&cl, line, n);
	proc_close_stdin(&cl);
	got = proc_read_all(&cl, out, sizeof(out), TNET_SOON_MS);
	cr_assert_eq(got, (long)n);
	cr_assert_eq(memcmp(out, want, n), 0);
	cr_assert_eq(proc_wait(&cl, TNET_SOON_MS), 0, "%s", proc_stderr(&cl));
	proc_kill(&cl);
	proc_kill(&srv);
}

Test(client, sends_a_mebibyte_line_without_deadlocking, .timeout = 60)
{
	enum { N = 1 << 20 };
	struct proc srv, cl;
	int port = tnet_server(&srv, NULL);
	char path[] = "/tmp/tcp_client_line_XXXXXX", portstr[16];
	char *line = malloc(N), *out = malloc(N + 1);
	const char *argv[] = { "/bin/sh", "-c", "exec \"$0\" 127.0.0.1 \"$1\" < \"$2\"",
		proc_bin("tcp_client"), portstr, path, NULL };
	int fd = mkstemp(path);
	long got;

	cr_assert_neq(fd, -1);
	for (size_t i = 0; i < N - 1; i++)
		line[i] = "abcdefghij"[i % 10];
	line[N - 1] = '\n';
	cr_assert_eq(write(fd, line, N), N);
	close(fd);
	snprintf(portstr, sizeof(portstr), "%d", port);
	tnet_start(&cl, argv);
	got = proc_read_all(&cl, out, N + 1, 30000);
	unlink(path);
	cr_assert_eq(got, N, "got %ld bytes; stderr: %s", got, proc_stderr(&cl));
	for (size_t i = 0; i < N - 1; i++)
		if (out[i] != "ABCDEFGHIJ"[i % 10])
			cr_assert_fail("reply byte %zu is wrong", i);
	cr_assert_eq(proc_wait(&cl, TNET_SOON_MS), 0, "%s", proc_stderr(&cl));
	free(line);
	free(out);
	proc_kill(&cl);
	proc_kill(&srv);
}

Test(client, talks_to_an_ipv6_server, .timeout = 30)
{
	struct proc srv, cl;
	const char *argv[] = { proc_bin("tcp_server"), "-b", "::1", "-p", "0", NULL };
	char out[64];
	int port;
	long n;

	cr_assert_eq(proc_start(&srv, (char *const *)argv), 0);
	port = proc_wait_listening(&srv, NULL, 0, TNET_SOON_MS);
	cr_assert_gt(port, 0);
	start_client(&cl, "::1", port, "5000");
	proc_puts(&cl, "six\n");
	proc_close_stdin(&cl);
	n = proc_read_all(&cl, out, sizeof(out), TNET_SOON_MS);
	cr_assert_eq(n, 4);
	cr_assert_eq(memcmp(out, "SIX\n", 4), 0);
	proc_kill(&cl);
	proc_kill(&srv);
}

Test(client, says_connection_refused, .timeout = 30)
{
	struct proc cl;
	int port, fd = tnet_listener(-1, &port);	/* bound, not listening: refused */

	start_client(&cl, "127.0.0.1", port, "5000");
	proc_puts(&cl, "anyone?\n");
	expect_failure(&cl, "Connection refused");
	close(fd);
	proc_kill(&cl);
}

Test(client, times_out_connecting_when_the_server_queue_is_full, .timeout = 30)
{
	struct proc cl;
	int port, lfd = tnet_listener(0, &port), first;
	long t0;

	/* A backlog of 0 holds one connection; later SYNs are dropped unanswered. */
	first = tnet_connect(port);
	t0 = proc_now_ms();
	start_client(&cl, "127.0.0.1", port, "300");
	expect_failure(&cl, "timed out after 300 ms");
	cr_assert_geq(proc_now_ms() - t0, 290);
	close(first);
	close(lfd);
	proc_kill(&cl);
}

Test(client, times_out_waiting_for_a_silent_server, .timeout = 30)
{
	struct proc cl;
	int port, lfd = tnet_listener(16, &port);	/* completes connections, never answers */

	start_client(&cl, "127.0.0.1", port, "300");
	proc_puts(&cl, "hello?\n");
	expect_failure(&cl, "no reply from 127.0.0.1 port");
	cr_assert(strstr(proc_stderr(&cl), "within 300 ms") != NULL);
	close(lfd);
	proc_kill(&cl);
}

Test(client, says_when_the_server_resets_the_connection, .timeout = 30)
{
	struct proc cl;
	int port, lfd = tnet_listener(16, &port), fd;
	char got[8];

	start_client(&cl, "127.0.0.1", port, "5000");
	proc_puts(&cl, "hi\n");
	fd = tnet_accept(lfd);
	cr_assert_eq(tnet_recv_upto(fd, got, 3, TNET_SOON_MS), 3);
	tnet_reset(fd);
	expect_failure(&cl, "Connection reset by peer");
	close(lfd);
	proc_kill(&cl);
}

Test(client, says_when_the_server_hangs_up_before_replying, .timeout = 30)
{
	struct proc cl;
	int port, lfd = tnet_listener(16, &port), fd;
	char got[8];

	start_client(&cl, "127.0.0.1", port, "5000");
	proc_puts(&cl, "hello\n");
	fd = tnet_accept(lfd);
	cr_assert_eq(tnet_recv_upto(fd, got, 6, TNET_SOON_MS), 6);
	tnet_send_all(fd, "HEL", 3);
	close(fd);
	expect_failure(&cl, "closed the connection (3 of 6 reply bytes came)");
	close(lfd);
	proc_kill(&cl);
}

Test(client, bad_usage_exits_2_with_one_line_and_help_exits_0, .timeout = 30)
{
	struct proc p;
	const char *bad[] = { proc_bin("tcp_client"), "127.0.0.1", NULL };
	const char *help[] = { proc_bin("tcp_client"), "--help", NULL };
	char out[1024];
	long n;

	tnet_start(&p, bad);
	cr_assert_eq(proc_wait(&p, TNET_SOON_MS), 2);
	cr_assert(strstr(proc_stderr(&p), "want HOST and PORT") != NULL, "%s", proc_stderr(&p));
	proc_kill(&p);
	tnet_start(&p, help);
	n = proc_read_all(&p, out, sizeof(out) - 1, TNET_SOON_MS);
	cr_assert_gt(n, 0);
	out[n] = '\0';
	cr_assert(strstr(out, "usage: tcp_client") != NULL);
	cr_assert_eq(proc_wait(&p, TNET_SOON_MS), 0);
	proc_kill(&p);
}
