/*
 * tcp_load.c — load generator for bench/tcp_uppercase.sh: many TCP clients of
 * an upper-casing server, driven from one epoll loop so that the generator is
 * never the bottleneck and can hold tens of thousands of connections.
 *
 *   tcp_load pingpong HOST PORT CLIENTS SECONDS
 *       CLIENTS connections each send a 31-byte line, wait for its upper-cased
 *       copy, and repeat.  Once every client has had its first answer, counts
 *       round trips for SECONDS and prints "round_trips N seconds S rate R".
 *   tcp_load hold HOST PORT CLIENTS DEADLINE_S
 *       opens CLIENTS connections (at most 256 handshakes in flight), sends
 *       one line on each and checks the reply, keeping every connection open
 *       until all are served or DEADLINE_S passes.  Prints
 *       "served S of N in T s", plus why the others failed.
 *   tcp_load freeport
 *       prints a TCP port on 127.0.0.1 that was free a moment ago, for
 *       servers that cannot be told to pick one and report it.
 *
 * Every reply is checked byte for byte: a wrong reply counts as a failure.
 * Linux only (epoll); compiled by the bench script, not by make.
 */
#define _GNU_SOURCE		/* epoll, SOCK_NONBLOCK */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "benchlib.h"

#define MSG "the quick brown fox jumps over\n"
#define MSG_LEN (sizeof(MSG) - 1)
#define MAX_INFLIGHT_CONNECTS 256

enum state { CONNECTING, SENDING, RECEIVING, SERVED, FAILED };

/* Why a client failed, for the summary line. */
enum why { WHY_CONNECT, WHY_CLOSED, WHY_RESET, WHY_WRONG, WHY_COUNT };
static const char *const why_names[WHY_COUNT] = { "connect", "closed", "reset", "wrong reply" };

struct client {
	int fd;
	enum state state;
	size_t off;		/* bytes sent or received of the current message */
	int answered;		/* got at least one correct reply */
	char in[MSG_LEN];
};

struct load {
	struct addrinfo *ai;
	int ep;
	struct client *c;
	long n, started, connecting, served, failed;
	int pingpong;
	int counting;
	long round_trips;
	long why[WHY_COUNT];
	char want[MSG_LEN];
};

static void
watch(struct load *l, long i, int op, unsigned events)
{
	struct epoll_event ev = { .events = events, .data.u64 = (unsigned long)i };

	if (epoll_ctl(l->ep, op, l->c[i].fd, &ev) == -1)
		err(1, "epoll_ctl");
}

static void
fail(struct load *l, long i, enum why why)
{
	struct client *c = &l->c[i];

	c->state = FAILED;
	close(c->fd);
	l->failed++;
	l->why[why]++;
}

/* Writes " (failed F: connect C, closed E...)" or nothing into buf. */
static const char *
failures(const struct load *l, char *buf, size_t cap)
{
	size_t off = 0;

	buf[0] = '\0';
	if (l->failed == 0)
		return buf;
	off += (size_t)snprintf(buf, cap, " (failed %ld:", l->failed);
	for (int w = 0; w < WHY_COUNT && off < cap; w++)
		if (l->why[w] > 0)
			off += (size_t)snprintf(buf + off, cap - off, " %s %ld", why_names[w], l->why[w]);
	if (off < cap)
		snprintf(buf + off, cap - off, ")");
	return buf;
}

/* Starts the next connection.  Returns 0, or -1 if the socket could not be made. */
static int
start_one(struct load *l)
{
	long i = l->started++;
	struct client *c = &l->c[i];

	c->fd = socket(l->ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd == -1) {
		c->state = FAILED;
		l->failed++;
		return -1;
	}
	c->state = CONNECTING;
	l->connecting++;
	if (connect(c->fd, l->ai->ai_addr, l->ai->ai_addrlen) == -1 && errno != EINPROGRESS) {
		l->connecting--;
		fail(l, i, WHY_CONNECT);
		return 0;
	}
	watch(l, i, EPOLL_CTL_ADD, EPOLLOUT);
	return 0;
}

/*
 * Sends (the rest of) the message.  Sending 31 bytes almost always completes
 * at once, so the client waits for POLLIN only and asks for EPOLLOUT just in
 * the rare case the socket is full: two system calls per round trip.
 */
static void
send_msg(struct load *l, long i)
{
	struct client *c = &l->c[i];
	ssize_t w = send(c->fd, MSG + c->off, MSG_LEN - c->off, MSG_NOSIGNAL);

	if (w == -1 && errno != EAGAIN) {
		fail(l, i, errno == ECONNRESET || errno == EPIPE ? WHY_RESET : WHY_CLOSED);
		return;
	}
	c->off += w > 0 ? (size_t)w : 0;
	if (c->off < MSG_LEN) {
		if (c->state != SENDING)
			watch(l, i, EPOLL_CTL_MOD, EPOLLOUT);
		c->state = SENDING;
		return;
	}
	if (c->state == SENDING)
		watch(l, i, EPOLL_CTL_MOD, EPOLLIN);
	c->state = RECEIVING;
	c->off = 0;
}

static void
on_writable(struct load *l, long i)
{
	struct client *c = &l->c[i];

	if (c->state == CONNECTING) {
		int e = 0;
		socklen_t len = sizeof(e);

		l->connecting--;
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1 || e != 0) {
			fail(l, i, WHY_CONNECT);
			return;
		}
		watch(l, i, EPOLL_CTL_MOD, EPOLLIN);
		c->state = RECEIVING;	/* send_msg switches back if it must */
		c->off = 0;
	}
	send_msg(l, i);
}

static void
on_readable(struct load *l, long i)
{
	struct client *c = &l->c[i];
	ssize_t r = recv(c->fd, c->in + c->off, MSG_LEN - c->off, 0);

	if (r == -1 && errno == EAGAIN)
		return;
	if (r <= 0) {
		fail(l, i, r == 0 ? WHY_CLOSED : WHY_RESET);
		return;
	}
	c->off += (size_t)r;
	if (c->off < MSG_LEN)
		return;
	if (memcmp(c->in, l->want, MSG_LEN) != 0) {
		fail(l, i, WHY_WRONG);
		return;
	}
	if (l->pingpong && l->counting)
		l->round_trips++;
	if (!c->answered)
		l->served++;
	c->answered = 1;
	if (!l->pingpong) {
		c->state = SERVED;
		watch(l, i, EPOLL_CTL_DEL, 0);
		return;
	}
	c->off = 0;
	send_msg(l, i);
}

/* One epoll round: start connections while few are in flight, then handle events. */
static void
step(struct load *l, int timeout_ms)
{
	struct epoll_event ev[1024];
	int n;

	while (l->started < l->n && l->connecting < MAX_INFLIGHT_CONNECTS)
		start_one(l);
	n = epoll_wait(l->ep, ev, 1024, timeout_ms);
	if (n == -1 && errno != EINTR)
		err(1, "epoll_wait");
	for (int k = 0; k < n; k++) {
		long i = (long)ev[k].data.u64;
		enum state s = l->c[i].state;

		if (s == FAILED || s == SERVED)
			continue;
		if ((ev[k].events & (EPOLLERR | EPOLLHUP)) && s != CONNECTING) {
			fail(l, i, WHY_RESET);
			continue;
		}
		if (s == CONNECTING || s == SENDING)
			on_writable(l, i);
		else
			on_readable(l, i);
	}
}

static void
setup(struct load *l, const char *host, const char *port, long n)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct rlimit rl;
	int gai;

	if ((gai = getaddrinfo(host, port, &hints, &l->ai)) != 0)
		errx(1, "%s: %s", host, gai_strerror(gai));
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 16)
		errx(1, "open-file limit %llu is too low for %ld clients",
		    (unsigned long long)rl.rlim_cur, n);
	if ((l->c = calloc((size_t)n, sizeof(*l->c))) == NULL)
		err(1, "calloc");
	if ((l->ep = epoll_create1(0)) == -1)
		err(1, "epoll_create1");
	l->n = n;
	for (size_t k = 0; k < MSG_LEN; k++)
		l->want[k] = MSG[k] >= 'a' && MSG[k] <= 'z' ? (char)(MSG[k] - 32) : MSG[k];
}

static int
free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		err(1, "free port");
	printf("%d\n", ntohs(sin.sin_port));
	close(fd);
	return 0;
}

/* Reads "pingpong|hold HOST PORT CLIENTS SECONDS" into *n and *limit; exits 2 on bad input. */
static void
read_args(int argc, char **argv, long *n, double *limit)
{
	bench_set_usage("usage: tcp_load pingpong|hold HOST PORT CLIENTS SECONDS\n"
			"       tcp_load freeport");
	if (argc != 6 || (strcmp(argv[1], "pingpong") != 0 && strcmp(argv[1], "hold") != 0))
		bench_usage();
	*n = bench_long(argv[4], 1, 1000000, "CLIENTS");
	*limit = bench_decimal(argv[5], 0, 86400, "SECONDS");
}

/* The hold run: every client served once, or the deadline.  Returns the exit status. */
static int
run_hold(struct load *l, double limit)
{
	char fails[160];
	double t0 = bench_now_s();

	while (l->served + l->failed < l->n && bench_now_s() - t0 < limit)
		step(l, 100);
	printf("served %ld of %ld in %.1f s%s\n", l->served, l->n, bench_now_s() - t0,
	    failures(l, fails, sizeof(fails)));
	return l->served == l->n ? 0 : 1;
}

/* The ping-pong run: a warm-up, then round trips counted for limit seconds. */
static int
run_pingpong(struct load *l, double limit)
{
	char fails[160];
	double t0 = bench_now_s(), t1;

	/* Warm-up: every client connected and answered once (or 60 s). */
	while (l->served + l->failed < l->n && bench_now_s() - t0 < 60)
		step(l, 100);
	if (l->served < l->n)
		errx(1, "only %ld of %ld clients got going%s", l->served, l->n,
		    failures(l, fails, sizeof(fails)));
	l->counting = 1;
	t1 = bench_now_s();
	while (bench_now_s() - t1 < limit)
		step(l, 100);
	t1 = bench_now_s() - t1;
	printf("round_trips %ld seconds %.2f rate %.0f%s\n", l->round_trips, t1,
	    l->round_trips / t1, failures(l, fails, sizeof(fails)));
	return 0;
}

int
main(int argc, char **argv)
{
	struct load l = { 0 };
	double limit;
	long n;

	if (argc == 2 && strcmp(argv[1], "freeport") == 0)
		return free_port();
	read_args(argc, argv, &n, &limit);
	setup(&l, argv[2], argv[3], n);
	l.pingpong = strcmp(argv[1], "pingpong") == 0;
	return l.pingpong ? run_pingpong(&l, limit) : run_hold(&l, limit);
}
