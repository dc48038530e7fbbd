/*
 * test_server.c — the poll server (the default mode) over loopback, through
 * real sockets: bulk data, many clients at once, and every way a client can
 * misbehave (never read, reset, half-close, stay silent), plus the limits
 * (--max-clients, running out of descriptors).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tnet.h"

Test(server, answers_a_line_and_keeps_the_connection, .timeout = 30)
{
	struct proc srv;
	int port = tnet_server(&srv, NULL), fd = tnet_connect(port);

	tnet_expect_echo(fd, "hello, world\n");
	tnet_expect_echo(fd, "second line on the same connection\n");
	tnet_expect_echo(fd, "\n");
	close(fd);
	proc_kill(&srv);
}

Test(server, help_prints_usage_and_bad_usage_exits_2, .timeout = 30)
{
	struct proc p;
	const char *help[] = { proc_bin("tcp_server"), "--help", NULL };
	const char *bad[] = { proc_bin("tcp_server"), "-p", "99999", NULL };
	char out[4096];
	long n;

	tnet_start(&p, help);
	n = proc_read_all(&p, out, sizeof(out) - 1, TNET_SOON_MS);
	cr_assert_gt(n, 0);
	out[n] = '\0';
	cr_assert(strstr(out, "usage: tcp_server") != NULL);
	cr_assert_eq(proc_wait(&p, TNET_SOON_MS), 0);
	proc_kill(&p);
	tnet_start(&p, bad);
	cr_assert_eq(proc_wait(&p, TNET_SOON_MS), 2);
	cr_assert(strstr(proc_stderr(&p), "-p '99999'") != NULL, "%s", proc_stderr(&p));
	cr_assert_eq(strchr(proc_stderr(&p), '\n'), strrchr(proc_stderr(&p), '\n'), "one line");
	proc_kill(&p);
}

Test(server, echoes_a_mebibyte_of_every_byte_value_in_order, .timeout = 60)
{
	enum { N = 1 << 20 };
	struct proc srv;
	int port = tnet_server(&srv, NULL), fd = tnet_connect(port);
	char *out = malloc(N), *in = malloc(N), *want = malloc(N);

	srand(1);
	for (size_t i = 0; i < N; i++)
		out[i] = (char)(rand() & 0xff);
	tnet_upper(want, out, N);
	cr_assert_eq(tnet_transfer(fd, out, N, in, N, 0, 30000), N);
	cr_assert_eq(memcmp(in, want, N), 0, "the reply differs from the upper-cased data");
	close(fd);
	free(out);
	free(in);
	free(want);
	proc_kill(&srv);
}

Test(server, serves_200_clients_with_interleaved_lines, .timeout = 60)
{
	enum { CLIENTS = 200, ROUNDS = 3 };
	struct proc srv;
	int port = tnet_server(&srv, NULL), fd[CLIENTS];

	for (int i = 0; i < CLIENTS; i++)
		fd[i] = tnet_connect(port);
	for (int r = 0; r < ROUNDS; r++) {
		char line[64], want[64], got[64];

		for (int i = 0; i < CLIENTS; i++) {
			snprintf(line, sizeof(line), "client %d round %d\n", i, r);
			tnet_send_all(fd[i], line, strlen(line));
		}
		for (int i = CLIENTS - 1; i >= 0; i--) {	/* answers in any order */
			size_t n = (size_t)snprintf(line, sizeof(line), "client %d round %d\n", i, r);

			tnet_upper(want, line, n);
			cr_assert_eq(tnet_recv_upto(fd[i], got, n, TNET_SOON_MS), n, "client %d", i);
			cr_assert_eq(memcmp(got, want, n), 0, "client %d got another's bytes", i);
		}
	}
	for (int i = 0; i < CLIENTS; i++)
		close(fd[i]);
	proc_kill(&srv);
}

/*
 * Sends from fd until the server stops taking bytes (nothing more accepted
 * for 500 ms), or, with may_reset, until the server drops the connection.
 * Returns how many bytes were sent; fails past limit, which would mean the
 * server buffers without bound.
 */
static size_t
flood_until_stuck(int fd, size_t limit, int may_reset)
{
	static char chunk[65536];
	size_t sent = 0;

	memset(chunk, 'q', sizeof(chunk));
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		ssize_t w;

		if (poll(&pfd, 1, 500) == 0)
			return sent;
		w = send(fd, chunk, sizeof(chunk), MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w == -1 && may_reset && (errno == ECONNRESET || errno == EPIPE))
			return sent;
		cr_assert(w > 0 || errno == EAGAIN, "send: %s", strerror(errno));
		sent += w > 0 ? (size_t)w : 0;
		cr_assert_lt(sent, limit, "the server kept reading from a client that never reads");
	}
}

Test(server, a_client_that_never_reads_stalls_nobody_and_loses_nothing, .timeout = 90)
{
	struct proc srv;
	int port = tnet_server(&srv, NULL), hog = tnet_connect(port), fd;
	size_t sent = flood_until_stuck(hog, 64u << 20, 0), got;
	char *in = malloc(sent + 1);

	fd = tnet_connect(port);
	for (int i = 0; i < 20; i++)
		tnet_expect_echo(fd, "still served while another client hogs\n");
	got = tnet_recv_upto(hog, in, sent, TNET_SOON_MS);
	cr_assert_eq(got, sent, "the hog got %zu of %zu bytes back once it read", got, sent);
	for (size_t i = 0; i < got; i++)
		if (in[i] != 'Q')
			cr_assert_fail("byte %zu of the hog's replies is 0x%02x", i, (unsigned char)in[i]);
	close(hog);
	close(fd);
	free(in);
	proc_kill(&srv);
}

Test(server, survives_a_client_reset_and_serves_the_others, .timeout = 60)
{
	struct proc srv;
	int port = tnet_server(&srv, "-v", NULL), fd = tnet_connect(port), rude;

	tnet_expect_echo(fd, "before\n");
	rude = tnet_connect(port);
	flood_until_stuck(rude, 64u << 20, 0);	/* replies pending on the server... */
	tnet_reset(rude);			/* ...when the client resets */
	cr_assert_eq(proc_wait_stderr(&srv, "disconnect", TNET_SOON_MS), 0, "%s",
	    proc_stderr(&srv));
	tnet_expect_echo(fd, "after the reset\n");
	close(fd);
	fd = tnet_connect(port);
	tnet_expect_echo(fd, "a newcomer after the reset\n");
	cr_assert_eq(proc_wait(&srv, 0), -1, "the server exited: %s", proc_stderr(&srv));
	close(fd);
	proc_kill(&srv);
}

Test(server, half_close_gets_every_reply_then_end_of_stream, .timeout = 60)
{
	enum { N = 300000 };
	struct proc srv;
	int port = tnet_server(&srv, NULL), fd = tnet_connect(port);
	char *out = malloc(N), *in = malloc(N + 1), *want = malloc(N);

	for (size_t i = 0; i < N; i++)
		out[i] = "half-close\n"[i % 11];
	tnet_upper(want, out, N);
	cr_assert_eq(tnet_transfer(fd, out, N, in, N + 1, 1, 30000), N,
	    "expected every reply, then end of stream");
	cr_assert_eq(memcmp(in, want, N), 0);
	close(fd);
	free(out);
	free(in);
	free(want);
	proc_kill(&srv);
}

Test(server, textbook_one_shot_client_gets_its_sentence, .timeout = 30)
{
	struct proc srv;
	int port = tnet_server(&srv, NULL), fd = tnet_connect(port);
	char got[32];

	tnet_send_all(fd, "no newline here", 15);	/* the textbook's TCPClient */
	cr_assert_eq(tnet_recv_upto(fd, got, 15, TNET_SOON_MS), 15);
	cr_assert_eq(memcmp(got, "NO NEWLINE HERE", 15), 0);
	close(fd);
	fd = tnet_connect(port);
	tnet_expect_echo(fd, "the server is still there\n");
	close(fd);
	proc_kill(&srv);
}

Test(server, closes_an_idle_client_after_the_timeout, .timeout = 30)
{
	struct proc srv;
	int port = tnet_server(&srv, "--idle-timeout", "300", NULL), fd = tnet_connect(port);
	long t0 = proc_now_ms(), dt;
	char buf[16];

	tnet_expect_echo(fd, "then silence\n");
	cr_assert_eq(tnet_read_to_eof(fd, buf, sizeof(buf), TNET_SOON_MS), 0,
	    "the idle connection was not closed");
	dt = proc_now_ms() - t0;
	cr_assert_geq(dt, 290, "closed after %ld ms, before the 300 ms timeout", dt);
	close(fd);
	proc_kill(&srv);
}

Test(server, a_client_that_keeps_talking_outlives_the_idle_timeout, .timeout = 30)
{
	struct proc srv;
	int port = tnet_server(&srv, "--idle-timeout", "1500", NULL), fd = tnet_connect(port);
	int quiet = tnet_connect(port);
	char buf[16];

	/* Twelve lines 250 ms apart: 3 s in all, twice the timeout, never 1.5 s silent. */
	for (int i = 0; i < 12; i++) {
		tnet_expect_echo(fd, "still here\n");
		poll(NULL, 0, 250);	/* pacing, not waiting for an event */
	}
	cr_assert_eq(tnet_read_to_eof(quiet, buf, sizeof(buf), TNET_SOON_MS), 0,
	    "the silent client should have been closed meanwhile");
	close(quiet);
	close(fd);
	proc_kill(&srv);
}

Test(server, idle_timeout_also_frees_a_client_that_never_reads, .timeout = 60)
{
	struct proc srv;
	int port = tnet_server(&srv, "-v", "--idle-timeout", "500", NULL), hog = tnet_connect(port);

	flood_until_stuck(hog, 64u << 20, 1);
	cr_assert_eq(proc_wait_stderr(&srv, "idle timeout", TNET_SOON_MS), 0, "%s",
	    proc_stderr(&srv));
	close(hog);
	proc_kill(&srv);
}

Test(server, max_clients_makes_a_newcomer_wait_for_a_free_slot, .timeout = 30)
{
	struct proc srv;
	int port = tnet_server(&srv, "--max-clients", "2", NULL);
	int a = tnet_connect(port), b = tnet_connect(port), c;
	char got[8];

	tnet_expect_echo(a, "a\n");
	tnet_expect_echo(b, "b\n");
	c = tnet_connect(port);	/* the kernel completes it: it waits in the listen queue */
	tnet_send_all(c, "c\n", 2);
	cr_assert(tnet_quiet_for(c, 700), "a third client was served with --max-clients 2");
	close(a);
	cr_assert_eq(tnet_recv_upto(c, got, 2, TNET_SOON_MS), 2, "not served once a slot freed");
	cr_assert_eq(memcmp(got, "C\n", 2), 0);
	tnet_expect_echo(b, "b again\n");
	close(b);
	close(c);
	proc_kill(&srv);
}

Test(server, serves_3000_connections_at_once, .timeout = 120)
{
	enum { N = 3000 };
	struct proc srv;
	int port, *fd = malloc(N * sizeof(*fd));
	char line[32], want[32], got[32];

	tnet_raise_nofile(N + 64);
	port = tnet_server(&srv, NULL);
	for (int i = 0; i < N; i++)
		fd[i] = tnet_connect(port);
	for (int i = 0; i < N; i++) {
		snprintf(line, sizeof(line), "conn %d\n", i);
		tnet_send_all(fd[i], line, strlen(line));
	}
	for (int i = 0; i < N; i++) {
		size_t n = (size_t)snprintf(line, sizeof(line), "conn %d\n", i);

		tnet_upper(want, line, n);
		cr_assert_eq(tnet_recv_upto(fd[i], got, n, TNET_SOON_MS), n, "connection %d", i);
		cr_assert_eq(memcmp(got, want, n), 0);
	}
	for (int i = 0; i < N; i++)
		close(fd[i]);
	free(fd);
	proc_kill(&srv);
}

Test(server, out_of_descriptors_it_waits_and_then_serves_the_rest, .timeout = 60)
{
	enum { N = 60 };
	struct proc srv;
	const char *argv[] = { "/bin/sh", "-c", "ulimit -n 32 && exec \"$0\" -b 127.0.0.1 -p 0",
		proc_bin("tcp_server"), NULL };
	int port, fd[N];
	char got[8];

	cr_assert_eq(proc_start(&srv, (char *const *)argv), 0);
	port = proc_wait_listening(&srv, NULL, 0, TNET_SOON_MS);
	cr_assert_gt(port, 0, "%s", proc_stderr(&srv));
	for (int i = 0; i < N; i++) {
		fd[i] = tnet_connect(port);
		tnet_send_all(fd[i], "x\n", 2);
	}
	/* 32 descriptors hold 28 clients: the first are served, the last waits. */
	for (int i = 0; i < 20; i++)
		cr_assert_eq(tnet_recv_upto(fd[i], got, 2, TNET_SOON_MS), 2, "client %d", i);
	cr_assert(tnet_quiet_for(fd[N - 1], 500), "client %d served beyond the limit", N - 1);
	for (int i = 0; i < 40; i++)
		close(fd[i]);
	for (int i = 40; i < N; i++) {
		cr_assert_eq(tnet_recv_upto(fd[i], got, 2, TNET_SOON_MS), 2, "client %d starved", i);
		cr_assert_eq(memcmp(got, "X\n", 2), 0);
		close(fd[i]);
	}
	cr_assert_eq(proc_wait(&srv, 0), -1, "the server exited: %s", proc_stderr(&srv));
	proc_kill(&srv);
}

Test(server, raises_its_open_file_limit_to_the_hard_limit, .timeout = 60)
{
	enum { N = 300 };
	struct proc srv;
	const char *argv[] = { "/bin/sh", "-c",
		"ulimit -S -n 64 && exec \"$0\" -v -b 127.0.0.1 -p 0", proc_bin("tcp_server"), NULL };
	int port, fd[N];

	tnet_raise_nofile(N + 64);
	cr_assert_eq(proc_start(&srv, (char *const *)argv), 0);
	port = proc_wait_listening(&srv, NULL, 0, TNET_SOON_MS);
	cr_assert_gt(port, 0, "%s", proc_stderr(&srv));
	cr_assert_null(strstr(proc_stderr(&srv), "open-file limit 64\n"), "the limit stayed at 64");
	for (int i = 0; i < N; i++)
		fd[i] = tnet_connect(port);
	for (int i = 0; i < N; i++)
		tnet_expect_echo(fd[i], "one of many\n");
	for (int i = 0; i < N; i++)
		close(fd[i]);
	proc_kill(&srv);
}

Test(server, verbose_logs_each_connect_and_disconnect, .timeout = 30)
{
	struct proc srv;
	int port = tnet_server(&srv, "-v", NULL), fd = tnet_connect(port);

	cr_assert_eq(proc_wait_stderr(&srv, "connect 127.0.0.1:", TNET_SOON_MS), 0, "%s",
	    proc_stderr(&srv));
	tnet_expect_echo(fd, "log me\n");
	close(fd);
	cr_assert_eq(proc_wait_stderr(&srv, "disconnect 127.0.0.1:", TNET_SOON_MS), 0, "%s",
	    proc_stderr(&srv));
	cr_assert(strstr(proc_stderr(&srv), "(peer closed; 0 connected)") != NULL, "%s",
	    proc_stderr(&srv));
	proc_kill(&srv);
}

Test(server, listens_on_ipv6, .timeout = 30)
{
	struct proc srv;
	const char *argv[] = { proc_bin("tcp_server"), "-b", "::1", "-p", "0", NULL };
	char addr[64];
	int port, fd;

	cr_assert_eq(proc_start(&srv, (char *const *)argv), 0);
	port = proc_wait_listening(&srv, addr, sizeof(addr), TNET_SOON_MS);
	cr_assert_gt(port, 0, "%s", proc_stderr(&srv));
	cr_assert_str_eq(addr, "[::1]");
	fd = tnet_connect_to("::1", port);
	tnet_expect_echo(fd, "over ipv6\n");
	close(fd);
	proc_kill(&srv);
}
