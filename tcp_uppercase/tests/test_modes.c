/*
 * test_modes.c — the lesson of --mode: an iterative server makes the second
 * client wait until the first leaves; fork and poll servers answer both at
 * once.  The same script runs against each mode.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "tnet.h"

/*
 * First client connects and is answered; a second connects and sends.
 * Returns 1 if the second was answered while the first stayed connected.
 * Either way, once the first leaves, the second must be answered.
 */
static int
second_served_while_first_connected(const char *mode)
{
	struct proc srv;
	int port = tnet_server(&srv, "--mode", mode, NULL), first, second, concurrent;
	char got[16];

	first = tnet_connect(port);
	tnet_expect_echo(first, "first\n");
	second = tnet_connect(port);
	tnet_send_all(second, "second\n", 7);
	concurrent = tnet_recv_upto(second, got, 7, 1500) == 7;
	tnet_expect_echo(first, "first again\n");
	close(first);
	if (!concurrent)
		cr_assert_eq(tnet_recv_upto(second, got, 7, TNET_SOON_MS), 7,
		    "%s: the second client was not served after the first left", mode);
	cr_assert_eq(memcmp(got, "SECOND\n", 7), 0);
	tnet_expect_echo(second, "second again\n");
	close(second);
	proc_kill(&srv);
	return concurrent;
}

Test(modes, iterative_server_makes_the_second_client_wait, .timeout = 30)
{
	cr_assert_not(second_served_while_first_connected("iterative"),
	    "an iterative server answered a second client while serving the first");
}

Test(modes, fork_server_serves_both_clients_at_once, .timeout = 30)
{
	cr_assert(second_served_while_first_connected("fork"));
}

Test(modes, poll_server_serves_both_clients_at_once, .timeout = 30)
{
	cr_assert(second_served_while_first_connected("poll"));
}

Test(modes, fork_server_carries_a_mebibyte_and_half_close, .timeout = 60)
{
	enum { N = 1 << 20 };
	static char out[N], in[N + 1], want[N];
	struct proc srv;
	int port = tnet_server(&srv, "--mode", "fork", NULL), fd = tnet_connect(port);

	for (size_t i = 0; i < N; i++)
		out[i] = (char)(i * 31 % 256);
	tnet_upper(want, out, N);
	cr_assert_eq(tnet_transfer(fd, out, N, in, N + 1, 1, 30000), N);
	cr_assert_eq(memcmp(in, want, N), 0);
	close(fd);
	proc_kill(&srv);
}

Test(modes, fork_server_keeps_max_clients, .timeout = 30)
{
	struct proc srv;
	int port = tnet_server(&srv, "--mode", "fork", "--max-clients", "1", NULL), a, b;
	char got[4];

	a = tnet_connect(port);
	tnet_expect_echo(a, "a\n");
	b = tnet_connect(port);
	tnet_send_all(b, "b\n", 2);
	cr_assert(tnet_quiet_for(b, 700), "served a second client with --max-clients 1");
	close(a);
	cr_assert_eq(tnet_recv_upto(b, got, 2, TNET_SOON_MS), 2);
	close(b);
	proc_kill(&srv);
}

Test(modes, idle_timeout_frees_an_iterative_server_from_a_silent_client, .timeout = 30)
{
	struct proc srv;
	int port = tnet_server(&srv, "--mode", "iterative", "--idle-timeout", "300", NULL);
	int silent = tnet_connect(port), next;
	char buf[4];

	tnet_expect_echo(silent, "then nothing\n");
	next = tnet_connect(port);
	tnet_send_all(next, "me\n", 3);
	cr_assert_eq(tnet_recv_upto(next, buf, 3, TNET_SOON_MS), 3,
	    "the silent client was never timed out");
	cr_assert_eq(tnet_read_to_eof(silent, buf, sizeof(buf), TNET_SOON_MS), 0);
	close(silent);
	close(next);
	proc_kill(&srv);
}
