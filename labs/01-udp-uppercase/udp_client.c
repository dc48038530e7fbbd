/*
 * udp_client.c — the textbook's UDPClient, for many lines: each line of
 * stdin (without its newline) goes to the server as one datagram, and the
 * reply is printed followed by a newline.  An empty line is an empty datagram.
 *
 * UDP may lose the request or the reply, so the client waits for each reply
 * at most TIMEOUT_MS and then sends the line again, up to RETRIES times; after
 * that it says so in one line on stderr and exits 1.  It never hangs.
 *
 * The protocol has no sequence numbers: nothing in a reply says which request
 * it answers.  Two rules keep a late or duplicated reply from being printed as
 * the answer to a later line:
 *
 *   - only a datagram from the server's address and port counts; anything
 *     else that reaches our port is read and ignored;
 *   - each line gets a socket of its own, as if the textbook's one-shot
 *     client ran once per line.  A late reply to an earlier line is addressed
 *     to that line's port, which is closed by then, so the kernel drops it.
 *     The previous line's socket is closed only after the new one has sent
 *     (and so got its port), so the two cannot share a port.
 *
 * Checking that the reply equals the upper-cased line would also catch stale
 * replies from our server, but it would reject honest servers that upper-case
 * more than ASCII (the textbook's Python server turns "é" into "É"); and a
 * client that knows the answer need not ask.
 *
 * main() parses options and hands off.  The part a lab student writes, send,
 * wait and resend, is the body of exchange() (marked TODO in the lab's copy of
 * this file, between SOLUTION markers in the reference).
 */
#include "addr.h"
#include "deadline.h"
#include "options.h"

#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The most an IPv4 UDP datagram carries: 65535 - 20 (IP) - 8 (UDP). */
#define UDP_MAX_PAYLOAD 65507

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: udp_client [-t TIMEOUT_MS] [-r RETRIES] HOST PORT\n"
	    "Sends each line of stdin to a UDP upper-case server, prints each reply.\n"
	    "  -t TIMEOUT_MS  wait this long for each reply (default %d)\n"
	    "  -r RETRIES     then send the line again, this many times (default %d)\n"
	    "HOST is a name or an IPv4 or IPv6 address ([::1] or ::1).\n",
	    OPTIONS_DEFAULT_TIMEOUT_MS, OPTIONS_DEFAULT_RETRIES);
}

/*
 * Sends msg (n bytes) to server from socket s and waits for the reply, which
 * it places in reply (cap bytes).  Sends 1 + o->retries times at most, each
 * time waiting o->timeout_ms.  Returns the reply's length, or -1 with errno
 * ETIMEDOUT if none came, or with the errno of a call that failed.
 */
static ssize_t
exchange(int s, const struct addrinfo *server, const void *msg, size_t n,
    void *reply, size_t cap, const struct options_client *o)
{
	/* TODO: send msg to the server (sendto), wait up to o->timeout_ms for a datagram (poll) and receive it (recvfrom); return its length if it came from the server's address (addr_equal), ignore it otherwise; after a timeout send again, at most o->retries times */
	errno = ENOSYS; return -1;
}

/* Prints one reply and its newline now, not when stdout's buffer fills. */
static void
print_reply(const void *reply, size_t n)
{
	if (fwrite(reply, 1, n, stdout) != n || putchar('\n') == EOF ||
	    fflush(stdout) == EOF)
		err(1, "writing stdout");
}

/*
 * Sends each line of stdin to server and prints each reply, in order, one
 * socket per line (see the top of the file).  Exits 1 on failure.
 */
static void
run(const struct addrinfo *server, const char *name,
    const struct options_client *o)
{
	static unsigned char reply[65536];
	char *line = NULL;
	size_t linecap = 0;
	unsigned long lineno = 0;
	ssize_t len, n;
	int s, prev = -1;

	while ((len = getline(&line, &linecap, stdin)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if (len > UDP_MAX_PAYLOAD)
			errx(1, "line %lu is %zd bytes; a UDP datagram carries at most %d",
			    lineno, len, UDP_MAX_PAYLOAD);
		if ((s = socket(server->ai_family, server->ai_socktype,
		    server->ai_protocol)) == -1)
			err(1, "socket");
		n = exchange(s, server, line, (size_t)len, reply, sizeof(reply), o);
		if (n == -1 && errno == ETIMEDOUT)
			errx(1, "no reply from %s to line %lu after %d tries, %d ms each; is the server running?",
			    name, lineno, o->retries + 1, o->timeout_ms);
		if (n == -1)
			err(1, "sending line %lu to %s", lineno, name);
		if (prev != -1 && close(prev) == -1)
			err(1, "close");
		prev = s;
		print_reply(reply, (size_t)n);
	}
	if (ferror(stdin))
		err(1, "reading stdin");
	if (prev != -1 && close(prev) == -1)
		err(1, "close");
	free(line);
}

int
main(int argc, char *argv[])
{
	struct options_client o;
	struct addrinfo hints, *server;
	char msg[256], name[ADDR_STRLEN];
	int e;

	switch (options_parse_client(argc, argv, &o, msg, sizeof(msg))) {
	case OPTIONS_HELP:
		usage(stdout);
		return 0;
	case OPTIONS_BAD:
		errx(2, "%s (see --help)", msg);
	case OPTIONS_OK:
		break;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if ((e = getaddrinfo(o.host, o.port, &hints, &server)) != 0)
		errx(1, "resolving %s: %s", o.host, gai_strerror(e));
	/*
	 * A name may have several addresses (localhost: 127.0.0.1 and ::1).
	 * Without a handshake, UDP cannot tell which one has a server, so the
	 * client uses the first, in getaddrinfo's order of preference.
	 */
	addr_format(server->ai_addr, server->ai_addrlen, name, sizeof(name));
	run(server, name, &o);
	freeaddrinfo(server);
	return 0;
}
