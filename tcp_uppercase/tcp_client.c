/*
 * tcp_client.c — the TCP uppercase client: for each line on stdin, send it
 * to the server and print the server's upper-cased copy.
 *
 * TCP carries a byte stream, not messages: send() may take only part of a
 * line and recv() may return only part of the reply, so both are loops
 * (send_all, recv_exact).  The server sends back exactly one byte per byte
 * received, so the client knows how many bytes to wait for and needs no
 * message framing of its own.  A long line goes in chunks of at most CHUNK
 * bytes, each read back before the next is sent: the server stops reading
 * from a client that does not read its replies, so sending a megabyte before
 * reading anything could deadlock both sides.
 *
 * Every wait has a deadline (-t): connecting (a non-blocking connect finished
 * by poll), sending, and each wait for reply bytes.  Refused, timed out and
 * reset connections end the program with one clear line and exit status 1.
 *
 * What a lab-2 student writes (marked TODO in the lab's copy of this file,
 * between SOLUTION markers in the reference): connect_to(), send_all() and
 * recv_exact().  A server that answers only whole lines (such as a
 * line-buffered tr behind socat) needs lines shorter than CHUNK.
 */
#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"
#include "options.h"

#define CHUNK 65536

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: tcp_client [-t TIMEOUT_MS] HOST PORT\n"
	    "Sends each line of stdin to the uppercase server at HOST PORT over TCP and\n"
	    "prints the reply.\n"
	    "  -t TIMEOUT_MS  give up on connecting or on a reply after this long (default %ld)\n",
	    OPTIONS_DEFAULT_TIMEOUT_MS);
}

/*
 * Connects a new TCP socket to ai, waiting at most timeout_ms.  Returns the
 * socket (non-blocking), or -1 with errno set (ETIMEDOUT when the wait ran
 * out).
 */
static int
connect_to(const struct addrinfo *ai, long timeout_ms)
{
	/* SOLUTION BEGIN: socket(), make it non-blocking, connect(): EINPROGRESS means "wait for
	 * POLLOUT" (net_wait), then read the outcome with getsockopt(SO_ERROR) */
	/* SOLUTION STUB: errno = ENOSYS; return -1; */
	int fd, soerr = 0, saved;
	socklen_t len = sizeof(soerr);

	if ((fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) == -1)
		return -1;
	if (net_set_nonblocking(fd) == -1)
		goto error;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS)
		goto error;
	switch (net_wait(fd, POLLOUT, timeout_ms)) {
	case 0:
		errno = ETIMEDOUT;
		goto error;
	case -1:
		goto error;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		goto error;
	if (soerr == 0)
		return fd;
	errno = soerr;
error:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
	/* SOLUTION END */
}

/*
 * Sends all n bytes of buf, however many calls it takes, waiting at most
 * timeout_ms each time the socket is full.  Returns 0, or -1 with errno set
 * (ETIMEDOUT when the server stopped taking bytes).
 */
static int
send_all(int fd, const char *buf, size_t n, long timeout_ms)
{
	/* SOLUTION BEGIN: loop until all n bytes are sent: send() may take only part; on EAGAIN
	 * wait for POLLOUT (net_wait) at most timeout_ms */
	/* SOLUTION STUB: errno = ENOSYS; return -1; */
	size_t off = 0;
	int ready;

	while (off < n) {
		ssize_t w = send(fd, buf + off, n - off, 0);

		if (w >= 0) {
			off += (size_t)w;
			continue;
		}
		if (!net_again(errno))
			return -1;
		if ((ready = net_wait(fd, POLLOUT, timeout_ms)) == 0)
			errno = ETIMEDOUT;
		if (ready != 1)
			return -1;
	}
	return 0;
	/* SOLUTION END */
}

/*
 * Receives exactly n bytes into buf, however many calls it takes, waiting at
 * most timeout_ms for each piece.  Returns n, fewer if the server closed the
 * connection first, or -1 with errno set (ETIMEDOUT when no byte came in
 * time).
 */
static ssize_t
recv_exact(int fd, char *buf, size_t n, long timeout_ms)
{
	/* SOLUTION BEGIN: loop until n bytes have arrived: recv() may return only part (0 = the
	 * server closed); on EAGAIN wait for POLLIN (net_wait) at most timeout_ms */
	/* SOLUTION STUB: errno = ENOSYS; return -1; */
	size_t got = 0;
	int ready;

	while (got < n) {
		ssize_t r = recv(fd, buf + got, n - got, 0);

		if (r == 0)
			break;
		if (r > 0) {
			got += (size_t)r;
			continue;
		}
		if (!net_again(errno))
			return -1;
		if ((ready = net_wait(fd, POLLIN, timeout_ms)) == 0)
			errno = ETIMEDOUT;
		if (ready != 1)
			return -1;
	}
	return (ssize_t)got;
	/* SOLUTION END */
}

/* Connects to the first address of host:port that answers; exits on failure. */
static int
dial(const struct options_client *o)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, gai, saved = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((gai = getaddrinfo(o->host, o->port, &hints, &res)) != 0)
		errx(1, "%s port %s: %s", o->host, o->port, gai_strerror(gai));
	for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next)
		if ((fd = connect_to(ai, o->timeout_ms)) == -1)
			saved = errno;
	freeaddrinfo(res);
	if (fd != -1)
		return fd;
	if (saved == ETIMEDOUT)
		errx(1, "connect to %s port %s: timed out after %ld ms", o->host, o->port,
		    o->timeout_ms);
	errno = saved;
	err(1, "connect to %s port %s", o->host, o->port);
}

/* Sends buf[0..n) and prints the reply, CHUNK bytes at a time; exits on failure. */
static void
exchange(int fd, const struct options_client *o, const char *buf, size_t n)
{
	static char reply[CHUNK];

	for (size_t off = 0; off < n;) {
		size_t k = n - off < CHUNK ? n - off : CHUNK;
		ssize_t got;

		if (send_all(fd, buf + off, k, o->timeout_ms) == -1) {
			if (errno == ETIMEDOUT)
				errx(1, "send to %s port %s: not accepted within %ld ms", o->host,
				    o->port, o->timeout_ms);
			err(1, "send to %s port %s", o->host, o->port);
		}
		if ((got = recv_exact(fd, reply, k, o->timeout_ms)) == -1) {
			if (errno == ETIMEDOUT)
				errx(1, "no reply from %s port %s within %ld ms", o->host, o->port,
				    o->timeout_ms);
			err(1, "receive from %s port %s", o->host, o->port);
		}
		if ((size_t)got < k)
			errx(1, "%s port %s closed the connection (%zu of %zu reply bytes came)",
			    o->host, o->port, off + (size_t)got, n);
		if (fwrite(reply, 1, k, stdout) != k || fflush(stdout) == EOF)
			err(1, "stdout");
		off += k;
	}
}

int
main(int argc, char **argv)
{
	struct options_client o;
	char why[256], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int fd;

	switch (options_parse_client(argc, argv, &o, why, sizeof(why))) {
	case OPTIONS_HELP:
		usage(stdout);
		return 0;
	case OPTIONS_BAD:
		fprintf(stderr, "tcp_client: %s (see tcp_client --help)\n", why);
		return 2;
	case OPTIONS_OK:
		break;
	}
	signal(SIGPIPE, SIG_IGN);	/* a reset server: report it, don't die of SIGPIPE */
	fd = dial(&o);
	while ((len = getline(&line, &cap, stdin)) != -1) {
		/* getline leaves room for the NUL, so a last line without its newline can take one. */
		if (line[len - 1] != '\n')
			line[len++] = '\n';
		exchange(fd, &o, line, (size_t)len);
	}
	if (ferror(stdin))
		err(1, "stdin");
	free(line);
	if (close(fd) == -1)
		err(1, "close");
	return 0;
}
