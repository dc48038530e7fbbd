/*
 * test_interop.c — our programs against real ones: OpenBSD netcat and socat
 * as clients of udp_server, a socat upper-casing server for udp_client, and
 * the textbook's Python programs (rewritten here, same behaviour) both ways.
 *
 * The datagram is the sentence, with no header of ours, so these must work
 * unchanged.  A missing tool fails the test with the package to install
 * (CI installs them through .ci/setup); only python3 is optional.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "udptest.h"

static struct proc server, peer;
static struct udptest_run run;

static void
cleanup(void)
{
	if (server.pid > 0)
		proc_kill(&server);
	if (peer.pid > 0)
		proc_kill(&peer);
	udptest_run_free(&run);
}

TestSuite(interop, .fini = cleanup, .timeout = 60);

/* The full path of a program on $PATH, in a static buffer, or NULL. */
static const char *
which(const char *name)
{
	static char path[4096];
	const char *dirs = getenv("PATH");

	for (const char *d = dirs ? dirs : "/usr/bin:/bin"; *d != '\0'; ) {
		size_t n = strcspn(d, ":");

		if (snprintf(path, sizeof(path), "%.*s/%s", (int)n, d, name) < (int)sizeof(path) &&
		    access(path, X_OK) == 0)
			return path;
		d += n + (d[n] == ':');
	}
	return NULL;
}

static char *
need(const char *name, const char *package)
{
	const char *p = which(name);

	if (p == NULL)
		cr_assert_fail("%s is not installed: apt-get install %s (or sudo bash .ci/setup)", name, package);
	return strdup(p);
}

static char *
port_str(int port)
{
	static char s[8];

	snprintf(s, sizeof(s), "%d", port);
	return s;
}

/* Starts a line-at-a-time client, sends line, expects want back. */
static void
expect_line_back(char *const argv[], const char *line, const char *want)
{
	char got[256];

	cr_assert_eq(proc_start(&peer, argv), 0, "cannot start %s", argv[0]);
	cr_assert_eq(proc_puts(&peer, line), 0);
	cr_assert_geq(proc_readline(&peer, got, sizeof(got), UDPTEST_WAIT_MS), 0,
	    "%s printed no reply (stderr: %s)", argv[0], proc_stderr(&peer));
	cr_assert_str_eq(got, want);
}

Test(interop, netcat_talks_to_our_server)
{
	char *nc = need("nc", "netcat-openbsd");
	char line[64];
	int port = udptest_start_server(&server, "127.0.0.1", NULL);

	cr_assert_gt(port, 0);
	expect_line_back((char *[]){ nc, "-u", "127.0.0.1", port_str(port), NULL },
	    "hello from netcat\n", "HELLO FROM NETCAT");
	cr_assert_eq(proc_puts(&peer, "second datagram\n"), 0);
	cr_assert_geq(proc_readline(&peer, line, sizeof(line), UDPTEST_WAIT_MS), 0);
	cr_assert_str_eq(line, "SECOND DATAGRAM");
	free(nc);
}

Test(interop, socat_talks_to_our_server)
{
	char *socat = need("socat", "socat");
	int port = udptest_start_server(&server, "127.0.0.1", NULL);
	char addr[64];

	cr_assert_gt(port, 0);
	snprintf(addr, sizeof(addr), "UDP:127.0.0.1:%d", port);
	expect_line_back((char *[]){ socat, "-", addr, NULL },
	    "socat says hi\n", "SOCAT SAYS HI");
	free(socat);
}

Test(interop, socat_talks_to_our_server_over_ipv6)
{
	char *socat = need("socat", "socat");
	char addr[64];
	int port;

	if (!udptest_have_ipv6())
		cr_skip_test("this machine has no IPv6 loopback (::1); IPv6 not tested");
	port = udptest_start_server(&server, "::1", NULL);
	cr_assert_gt(port, 0);
	snprintf(addr, sizeof(addr), "UDP6:[::1]:%d", port);
	expect_line_back((char *[]){ socat, "-", addr, NULL }, "six\n", "SIX");
	free(socat);
}

/*
 * Starts `socat UDP-RECVFROM:PORT,fork SYSTEM:'tr a-z A-Z'`: one child per
 * datagram, tr upper-cases it and socat sends tr's output back.  socat
 * cannot bind port 0 and tell us the port, so we find a free port by
 * binding port 0 and closing it; if someone takes it in between, socat
 * fails to bind and we try another.
 */
static int
start_socat_server(const char *socat)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		struct sockaddr_storage a;
		socklen_t alen;
		char listen[64], ready[64];
		int fd = udptest_socket("127.0.0.1", &a, &alen), port;

		cr_assert_neq(fd, -1);
		port = udptest_port(&a);
		close(fd);
		snprintf(listen, sizeof(listen), "UDP-RECVFROM:%d,bind=127.0.0.1,fork", port);
		snprintf(ready, sizeof(ready), "receiving on AF=2 127.0.0.1:%d", port);
		cr_assert_eq(proc_start(&server, (char *[]){ (char *)socat, "-d", "-d",
		    listen, "SYSTEM:tr a-z A-Z", NULL }), 0);
		if (proc_wait_stderr(&server, ready, UDPTEST_WAIT_MS) == 0)
			return port;
		proc_kill(&server);
	}
	cr_assert_fail("socat did not start: %s", proc_stderr(&server));
	return -1;
}

Test(interop, our_client_talks_to_a_socat_server)
{
	char *socat = need("socat", "socat");
	int port = start_socat_server(socat);
	const char *argv[] = { "udp_client", "-t", "2000", "-r", "5", "127.0.0.1",
		port_str(port), NULL };

	cr_assert_eq(udptest_run(&run, argv, "socat\nserver, hi!\n", 18,
	    6 * UDPTEST_WAIT_MS), 0);
	cr_assert_eq(run.code, 0, "exit %d: %s", run.code, run.err);
	cr_assert_str_eq(run.out, "SOCAT\nSERVER, HI!\n");
	free(socat);
}

/* The textbook's UDPServer, as its book prints it, with our readiness line. */
static const char textbook_server[] =
    "from socket import *\n"
    "serverSocket = socket(AF_INET, SOCK_DGRAM)\n"
    "serverSocket.bind(('127.0.0.1', 0))\n"
    "print('listening on 127.0.0.1:%d' % serverSocket.getsockname()[1], flush=True)\n"
    "while True:\n"
    "    message, clientAddress = serverSocket.recvfrom(2048)\n"
    "    modifiedMessage = message.decode().upper()\n"
    "    serverSocket.sendto(modifiedMessage.encode(), clientAddress)\n";

Test(interop, our_client_talks_to_the_textbook_python_server)
{
	const char *python = which("python3");
	char *py;
	int port;

	if (python == NULL)
		cr_skip_test("python3 is not installed; the textbook's server not tested");
	py = strdup(python);
	cr_assert_eq(proc_start(&server, (char *[]){ py, "-c", (char *)textbook_server, NULL }), 0);
	port = proc_wait_listening(&server, NULL, 0, UDPTEST_WAIT_MS);
	cr_assert_gt(port, 0, "python server: %s", proc_stderr(&server));
	/* Python upper-cases more than ASCII: our client takes it as it comes. */
	cr_assert_eq(udptest_run(&run, (const char *[]){ "udp_client", "127.0.0.1",
	    port_str(port), NULL }, "caf\xc3\xa9\n", 6, 3 * UDPTEST_WAIT_MS), 0);
	cr_assert_eq(run.code, 0, "exit %d: %s", run.code, run.err);
	cr_assert_str_eq(run.out, "CAF\xc3\x89\n");
	free(py);
}

/* The textbook's UDPClient, one sentence from argv[1]. */
static const char textbook_client[] =
    "import sys\n"
    "from socket import *\n"
    "clientSocket = socket(AF_INET, SOCK_DGRAM)\n"
    "clientSocket.settimeout(10)\n"
    "clientSocket.sendto(sys.argv[1].encode(), ('127.0.0.1', int(sys.argv[2])))\n"
    "modifiedMessage, serverAddress = clientSocket.recvfrom(2048)\n"
    "print(modifiedMessage.decode())\n"
    "clientSocket.close()\n";

Test(interop, the_textbook_python_client_talks_to_our_server)
{
	const char *python = which("python3");
	int port;

	if (python == NULL)
		cr_skip_test("python3 is not installed; the textbook's client not tested");
	port = udptest_start_server(&server, "127.0.0.1", NULL);
	cr_assert_gt(port, 0);
	cr_assert_eq(udptest_run(&run, (const char *[]){ python, "-c", textbook_client,
	    "Hello from Python", port_str(port), NULL }, NULL, 0, 3 * UDPTEST_WAIT_MS), 0);
	cr_assert_eq(run.code, 0, "exit %d: %s", run.code, run.err);
	cr_assert_str_eq(run.out, "HELLO FROM PYTHON\n");
}
