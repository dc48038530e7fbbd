/*
 * udp_server.c — the textbook's UDPServer: wait for a datagram, upper-case
 * it, send it back to whoever sent it; forever.
 *
 * UDP has no connections, so one socket serves every client.  Each datagram
 * arrives with its sender's address (recvfrom fills it in) and the reply is
 * addressed to that sender (sendto).  The server keeps nothing between two
 * datagrams, so a client that vanishes, lies or floods costs it nothing but
 * the datagrams themselves; a reply that cannot be sent is reported and the
 * server goes on.
 *
 * The datagram is the message: no header, no newline, any bytes, up to 65507
 * of them (the most an IPv4 UDP datagram carries), so netcat, socat and the
 * textbook's Python client talk to this server as they are.
 *
 * main() parses options and hands off.  The parts a lab student writes
 * (marked TODO in the lab's copy of this file, between SOLUTION markers in
 * the reference): creating and binding the socket, and the receive, convert,
 * send-back step.
 */
#include "addr.h"
#include "options.h"
#include "uppercase.h"

#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Larger than any UDP payload (65507 over IPv4, 65527 over IPv6). */
#define UDP_SERVER_BUFSIZE 65536

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: udp_server [-b ADDR] [-p PORT] [-v]\n"
	    "Answers each UDP datagram with the same bytes, ASCII letters upper-cased.\n"
	    "  -b ADDR  address to listen on: a name, an IPv4 or an IPv6 address\n"
	    "           (-b ::1); default 0.0.0.0, every IPv4 address; -b :: for\n"
	    "           every IPv6 address (on Linux, IPv4 ones too)\n"
	    "  -p PORT  UDP port, 0 = any free port (default %d)\n"
	    "  -v       one line on stderr per datagram, with its sender\n"
	    "Prints 'listening on ADDR:PORT' (IPv6 as [ADDR]:PORT) once it is ready.\n",
	    OPTIONS_DEFAULT_PORT);
}

/*
 * Returns a UDP socket bound to ai's address, or -1 with errno set (the
 * socket, if any, closed).
 */
static int
bind_socket(const struct addrinfo *ai)
{
	/* TODO: create a UDP socket for ai's family (socket) and bind it to ai's address (bind); return it, or -1 */
	errno = ENOSYS; return -1;
}

/*
 * Resolves the -b address and -p port and binds the first address that
 * works (a name may have several).  Exits on failure.
 */
static int
open_socket(const struct options_server *o)
{
	struct addrinfo hints, *res, *ai;
	int s = -1, e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;	/* IPv4 or IPv6, whichever -b names */
	hints.ai_socktype = SOCK_DGRAM;
	if ((e = getaddrinfo(o->bind_host, o->port, &hints, &res)) != 0)
		errx(1, "resolving %s: %s", o->bind_host, gai_strerror(e));
	for (ai = res; ai != NULL && s == -1; ai = ai->ai_next)
		s = bind_socket(ai);
	if (s == -1)
		err(1, "binding %s port %s", o->bind_host, o->port);
	freeaddrinfo(res);
	return s;
}

/* Prints the readiness line with the address the kernel really bound. */
static void
announce(int s)
{
	struct sockaddr_storage me;
	socklen_t len = sizeof(me);
	char name[ADDR_STRLEN];

	if (getsockname(s, (struct sockaddr *)&me, &len) == -1)
		err(1, "getsockname");
	if (addr_format((struct sockaddr *)&me, len, name, sizeof(name)) == -1)
		errx(1, "cannot format the bound address");
	if (printf("listening on %s\n", name) < 0 || fflush(stdout) == EOF)
		err(1, "writing stdout");
}

/*
 * Receives one datagram, upper-cases it and sends it back to its sender.
 * Returns 0, or -1 with errno set when receiving failed (the socket is
 * unusable).  A reply that cannot be sent is reported and dropped.
 */
static int
answer_one(int s, int verbose)
{
	/* TODO: receive one datagram and its sender's address (recvfrom), upper-case it (uppercase_ascii), send it back to that address (sendto) */
	errno = ENOSYS; return -1;
}

int
main(int argc, char *argv[])
{
	struct options_server o;
	char msg[256];
	int s;

	switch (options_parse_server(argc, argv, &o, msg, sizeof(msg))) {
	case OPTIONS_HELP:
		usage(stdout);
		return 0;
	case OPTIONS_BAD:
		errx(2, "%s (see --help)", msg);
	case OPTIONS_OK:
		break;
	}
	signal(SIGPIPE, SIG_IGN);	/* house rule; UDP never raises it */
	s = open_socket(&o);
	announce(s);
	for (;;) {
		if (answer_one(s, o.verbose) == -1)
			err(1, "recvfrom");
	}
}
