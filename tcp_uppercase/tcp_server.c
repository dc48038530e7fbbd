/*
 * tcp_server.c — the TCP uppercase server: every byte a client sends comes
 * back upper-cased, in order, for as long as the client keeps the connection.
 *
 * A TCP server owns one welcoming socket (socket, bind, listen) and, for each
 * client, a new connection socket that accept() returns.  This file opens the
 * welcoming socket and says it is ready; how the server then shares its time
 * between the connection sockets is the lesson, so --mode offers three
 * answers, each in a file of its own:
 *
 *   iterative  serve one client until it leaves, then accept the next: the
 *              textbook's first server; everyone else waits in the queue
 *              (blocking.c).
 *   fork       one child process per client: concurrent and short, but a
 *              process per connection is costly at thousands of clients
 *              (blocking.c).
 *   poll       (the default) one process, non-blocking sockets and one poll()
 *              loop over all of them: thousands of clients at once
 *              (pollserver.c).
 *
 * What a lab-2 student writes (marked TODO in the lab's copies, between
 * SOLUTION markers in the reference): the welcoming socket here, the blocking
 * serve loop in blocking.c, and in pollserver.c accept() and the poll
 * server's per-connection read, transform and write with back-pressure.
 */
#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "blocking.h"
#include "options.h"
#include "pollserver.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: tcp_server [-b ADDR] [-p PORT] [-v] [--max-clients N] [--idle-timeout MS]\n"
	    "                  [--mode iterative|fork|poll]\n"
	    "Upper-cases every byte a TCP client sends and sends it back, in order.\n"
	    "  -b ADDR            listen on ADDR only (default: every IPv4 address; -b :: for IPv6)\n"
	    "  -p PORT            port to listen on (default %s; 0 = any free port)\n"
	    "  -v                 log each connect and disconnect on stderr\n"
	    "  --max-clients N    serve at most N clients at once; more wait in the listen\n"
	    "                     queue until one leaves (default: as many as open files allow)\n"
	    "  --idle-timeout MS  close a client silent for MS milliseconds (default %ld; 0 = never)\n"
	    "  --mode M           poll (default): one process serves every client with poll();\n"
	    "                     fork: one process per client; iterative: one client at a time\n"
	    "Prints \"listening on ADDR:PORT\" once ready.\n",
	    OPTIONS_DEFAULT_PORT, OPTIONS_DEFAULT_IDLE_MS);
}

/*
 * Opens the welcoming socket on the first address of addr:port that works.
 * Returns it; exits with a message on failure.
 */
static int
open_listener(const char *addr, const char *port)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, gai, saved = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;	/* addr NULL = every local address */
	if ((gai = getaddrinfo(addr, port, &hints, &res)) != 0)
		errx(1, "%s port %s: %s", addr ? addr : "*", port, gai_strerror(gai));
	for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next) {
		/* SOLUTION BEGIN: create the welcoming socket for ai: socket(), SO_REUSEADDR
		 * (restart without waiting for old connections), bind(), listen() with a long
		 * queue; on failure close it, leave fd -1 and try the next address */
		/* SOLUTION STUB: saved = ENOSYS; */
		int one = 1;

		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd == -1)
			continue;
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
		    bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 || listen(fd, SOMAXCONN) == -1) {
			saved = errno;
			close(fd);
			fd = -1;
		}
		/* SOLUTION END */
	}
	freeaddrinfo(res);
	if (fd == -1) {
		errno = saved;
		err(1, "listen on %s port %s", addr ? addr : "*", port);
	}
	return fd;
}

/* Prints the readiness line, with the port the kernel chose for -p 0. */
static void
announce(int lfd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char name[ADDR_STRLEN];

	if (getsockname(lfd, (struct sockaddr *)&ss, &len) == -1)
		err(1, "getsockname");
	if (addr_format((struct sockaddr *)&ss, len, name, sizeof(name)) == -1)
		errx(1, "getsockname: not an IP address");
	printf("listening on %s\n", name);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
}

int
main(int argc, char **argv)
{
	struct options_server o;
	char why[256];
	int lfd;

	switch (options_parse_server(argc, argv, &o, why, sizeof(why))) {
	case OPTIONS_HELP:
		usage(stdout);
		return 0;
	case OPTIONS_BAD:
		fprintf(stderr, "tcp_server: %s (see tcp_server --help)\n", why);
		return 2;
	case OPTIONS_OK:
		break;
	}
	signal(SIGPIPE, SIG_IGN);	/* a vanished client must not kill the server */
	lfd = open_listener(o.bind_addr, o.port);
	announce(lfd);
	if (o.mode == OPTIONS_MODE_ITERATIVE)
		blocking_iterative(lfd, &o);
	else if (o.mode == OPTIONS_MODE_FORK)
		blocking_fork(lfd, &o);
	else
		pollserver_run(lfd, &o);
	return 0;
}
