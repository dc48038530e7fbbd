/*
 * tracker_load.c — an HTTP announce load generator for bench/tracker.sh.
 *
 *   tracker_load ADDR PORT INFO_HASH_HEX SECONDS CONNECTIONS KEEPALIVE [PEERS]
 *
 * Keeps CONNECTIONS announces in flight against one tracker for SECONDS and
 * prints how many complete, valid answers came back per second.  The
 * announces come from PEERS distinct peers (default 1000; distinct peer id
 * and port each, all on this host) taking turns, each asking for 50 compact
 * peers, which is what a real swarm sends.  With KEEPALIVE 1 each connection
 * carries request after request (HTTP/1.1), reconnecting only when the
 * tracker closes; with 0 every announce is a new connection (Connection:
 * close), the way most clients announce, closed as soon as the answer is in.
 *
 * One process, one poll() loop, non-blocking sockets: the generator must cost
 * less than the trackers it measures, so it does no allocation per request
 * and checks each answer only for a 200 status and a "5:peers" key.
 * Output (one line): announces, seconds, per second, bad answers, connections
 * opened.
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "benchlib.h"

#define MAX_CONNS 1024
#define IN_CAP 16384

struct client {
	int fd;
	char req[640];
	size_t req_len, sent;
	char in[IN_CAP];
	size_t in_len;
	int reused;		/* the request went out on a kept connection */
};

static struct sockaddr_in server;
static char query_hash[64];
static int keepalive;
static long peers = 1000, next_peer;
static long done, bad, opened;

static void
die(const char *what)
{
	fprintf(stderr, "tracker_load: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Writes the next announce into c->req. */
static void
next_request(struct client *c)
{
	long k = next_peer++ % peers;
	int n = snprintf(c->req, sizeof(c->req),
	    "GET /announce?info_hash=%s&peer_id=-BN0001-%012ld&port=%ld&uploaded=0"
	    "&downloaded=0&left=%ld&numwant=50&compact=1 HTTP/1.1\r\n"
	    "Host: bench\r\nUser-Agent: tracker_load\r\n%s\r\n", query_hash, k,
	    10000 + k % 50000, k % 3 == 0 ? 0L : 1000000L,
	    keepalive ? "" : "Connection: close\r\n");

	c->req_len = (size_t)n;
	c->sent = 0;
	c->in_len = 0;
}

static void
open_conn(struct client *c)
{
	int one = 1;

	if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		die("socket");
	if (fcntl(c->fd, F_SETFL, O_NONBLOCK) == -1)
		die("fcntl");
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&server, sizeof(server)) == -1 &&
	    errno != EINPROGRESS)
		die("connect");
	c->reused = 0;
	opened++;
	next_request(c);
}

/*
 * Closes with a reset (linger 0), as soon as the answer is in: a client-side
 * TIME_WAIT per announce would soon use up the local ports.
 */
static void
reopen(struct client *c)
{
	struct linger lg = { 1, 0 };

	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c->fd);
	open_conn(c);
}

/* Case-insensitive search of s in p[0..n). */
static const char *
find(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(p + i, s, k) == 0)
			return p + i;
	return NULL;
}

/*
 * Is c->in a complete answer?  Returns 1 (and counts it) if so, 0 if more is
 * needed; *keep says whether the tracker keeps the connection.
 */
static int
complete(struct client *c, int eof, int *keep)
{
	const char *end = find(c->in, c->in_len, "\r\n\r\n"), *cl;
	size_t head, body;

	if (end == NULL)
		return eof ? (bad++, 1) : 0;
	head = (size_t)(end + 4 - c->in);
	cl = find(c->in, head, "\r\nContent-Length:");
	if (cl == NULL && !eof)
		return 0;
	body = cl ? strtoul(cl + 17, NULL, 10) : c->in_len - head;
	if (c->in_len < head + body)
		return eof ? (bad++, 1) : 0;
	*keep = !eof && keepalive && find(c->in, head, "Connection: close") == NULL &&
	    (strncmp(c->in, "HTTP/1.1", 8) == 0 || find(c->in, head, "Connection: keep-alive"));
	if (strncmp(c->in + 9, "200", 3) == 0 && find(c->in + head, body, "5:peers") != NULL)
		done++;
	else
		bad++;
	return 1;
}

/*
 * Sends more of c's request.  Returns 0, or -1 if the connection failed
 * (counted as a bad answer, and reopened).
 */
static int
send_some(struct client *c)
{
	ssize_t n = send(c->fd, c->req + c->sent, c->req_len - c->sent, MSG_NOSIGNAL);

	if (n == -1 && errno != EAGAIN && errno != EINTR) {
		bad++;
		reopen(c);
		return -1;
	}
	if (n > 0)
		c->sent += (size_t)n;
	return 0;
}

/* Reads what came; once the answer is complete, starts the next announce. */
static void
recv_some(struct client *c)
{
	ssize_t n = recv(c->fd, c->in + c->in_len, IN_CAP - 1 - c->in_len, 0);
	int keep = 0;

	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		c->in_len += (size_t)n;
	if (n <= 0 && c->in_len == 0 && c->reused) {
		reopen(c);	/* the tracker closed a kept connection: resend */
		return;
	}
	if (!complete(c, n <= 0, &keep))
		return;
	if (keep) {
		next_request(c);
		c->reused = 1;
	} else {
		reopen(c);
	}
}

/* Moves c along after poll said revents.  */
static void
step(struct client *c, short revents)
{
	if (c->sent < c->req_len && (revents & (POLLOUT | POLLERR | POLLHUP)) &&
	    send_some(c) == -1)
		return;
	if (c->sent == c->req_len && (revents & (POLLIN | POLLHUP | POLLERR)))
		recv_some(c);
}

/* Reads INFO_HASH_HEX (40 hex digits) into query_hash, URL-encoded. */
static void
read_hash(const char *hex)
{
	if (strlen(hex) != 40 || strspn(hex, "0123456789abcdefABCDEF") != 40) {
		warnx("INFO_HASH_HEX '%s': want 40 hex digits", hex);
		bench_usage();
	}
	for (int i = 0; i < 20; i++) {
		unsigned v;

		sscanf(hex + 2 * i, "%2x", &v);
		snprintf(query_hash + 3 * i, 4, "%%%02X", v);
	}
}

/* Reads the command line into the globals, *seconds and *nconn; exits 2 on bad input. */
static void
read_args(int argc, char **argv, double *seconds, long *nconn)
{
	bench_set_usage("usage: tracker_load ADDR PORT INFO_HASH_HEX SECONDS CONNECTIONS "
	    "KEEPALIVE [PEERS]");
	if (argc < 7 || argc > 8)
		bench_usage();
	server.sin_family = AF_INET;
	server.sin_port = htons((uint16_t)bench_long(argv[2], 1, 65535, "PORT"));
	if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) {
		warnx("ADDR '%s': want an IPv4 address", argv[1]);
		bench_usage();
	}
	read_hash(argv[3]);
	*seconds = bench_decimal(argv[4], 0, 86400, "SECONDS");
	*nconn = bench_long(argv[5], 1, MAX_CONNS, "CONNECTIONS");
	keepalive = (int)bench_long(argv[6], 0, 1, "KEEPALIVE");
	if (argc > 7)
		peers = bench_long(argv[7], 1, 1000000000, "PEERS");
}

/* Keeps nconn announces in flight for seconds; returns the seconds it took. */
static double
run(long nconn, double seconds)
{
	static struct client cl[MAX_CONNS];
	static struct pollfd pfd[MAX_CONNS];
	double t0, end;

	for (long i = 0; i < nconn; i++)
		open_conn(&cl[i]);
	t0 = bench_now_s();
	end = t0 + seconds;
	while (bench_now_s() < end) {
		for (long i = 0; i < nconn; i++) {
			short ev = cl[i].sent < cl[i].req_len ? POLLOUT : POLLIN;

			pfd[i] = (struct pollfd){ .fd = cl[i].fd, .events = ev };
		}
		if (poll(pfd, (nfds_t)nconn, 100) == -1 && errno != EINTR)
			die("poll");
		for (long i = 0; i < nconn; i++)
			if (pfd[i].revents)
				step(&cl[i], pfd[i].revents);
	}
	return bench_now_s() - t0;
}

int
main(int argc, char **argv)
{
	double seconds;
	long nconn;

	read_args(argc, argv, &seconds, &nconn);
	seconds = run(nconn, seconds);
	printf("%ld %.3f %.0f %ld %ld\n", done, seconds, (double)done / seconds, bad, opened);
	return 0;
}
