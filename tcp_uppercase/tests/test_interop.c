/*
 * test_interop.c — real programs on the other end: netcat and socat as
 * clients of our server, and our client against a socat server that runs
 * tr(1) for each connection.  The protocol is the textbook's byte stream,
 * so none of them needs to know about us.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tnet.h"

static const char lines[] = "hello from a real client\nsecond line\n";
static const char replies[] = "HELLO FROM A REAL CLIENT\nSECOND LINE\n";

/* Feeds lines to p, closes its stdin, and expects replies then its exit. */
static void
expect_replies(struct proc *p)
{
	char out[256];
	long n;

	proc_puts(p, lines);
	proc_close_stdin(p);
	n = proc_read_all(p, out, sizeof(out) - 1, TNET_SOON_MS);
	cr_assert_geq(n, 0, "no end of output; stderr: %s", proc_stderr(p));
	out[n] = '\0';
	cr_assert_str_eq(out, replies, "stderr: %s", proc_stderr(p));
	cr_assert_eq(proc_wait(p, TNET_SOON_MS), 0, "stderr: %s", proc_stderr(p));
}

Test(interop, netcat_talks_to_our_server, .timeout = 30)
{
	struct proc srv, nc;
	char portstr[16];
	const char *argv[] = { "nc", "-N", "127.0.0.1", portstr, NULL };

	/* -N: shut down the sending side at end of input; our server then
	 * answers the rest and closes, which ends nc. */
	snprintf(portstr, sizeof(portstr), "%d", tnet_server(&srv, NULL));
	tnet_start(&nc, argv);
	expect_replies(&nc);
	proc_kill(&nc);
	proc_kill(&srv);
}

Test(interop, socat_talks_to_our_server, .timeout = 30)
{
	struct proc srv, so;
	char target[64];
	const char *argv[] = { "socat", "-t", "10", "-", target, NULL };

	snprintf(target, sizeof(target), "TCP:127.0.0.1:%d", tnet_server(&srv, NULL));
	tnet_start(&so, argv);
	expect_replies(&so);
	proc_kill(&so);
	proc_kill(&srv);
}

Test(interop, our_client_talks_to_a_socat_tr_server, .timeout = 30)
{
	struct proc so, cl;
	const char *server[] = { "socat", "-d", "-d",
		"TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork", "EXEC:stdbuf -oL tr a-z A-Z", NULL };
	const char *needle = "listening on AF=2 127.0.0.1:", *at;
	char portstr[16];
	long port;

	/* socat -d -d logs the port the kernel chose: wait for that line. */
	tnet_start(&so, server);
	cr_assert_eq(proc_wait_stderr(&so, needle, TNET_SOON_MS), 0, "%s", proc_stderr(&so));
	at = strstr(proc_stderr(&so), needle) + strlen(needle);
	port = strtol(at, NULL, 10);
	cr_assert(port > 0 && port < 65536, "%s", proc_stderr(&so));
	snprintf(portstr, sizeof(portstr), "%ld", port);
	{
		const char *client[] = { proc_bin("tcp_client"), "127.0.0.1", portstr, NULL };

		tnet_start(&cl, client);
		expect_replies(&cl);
	}
	proc_kill(&cl);
	proc_kill(&so);
}
