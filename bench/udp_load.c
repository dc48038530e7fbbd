/*
 * udp_load.c — load generator for UDP upper-case servers: how many datagrams
 * per second does a server answer?
 *
 *   udp_load [-c SOCKETS] [-d SECONDS] [-s SIZE] [-t TIMEOUT_MS] HOST PORT
 *
 * Each of SOCKETS sockets plays a stop-and-wait client: it sends one
 * datagram of SIZE bytes (lower-case letters, a sequence number, a newline),
 * waits for the upper-cased answer, and sends the next as soon as it comes.  A datagram
 * not answered within TIMEOUT_MS counts as lost and the socket sends a new one
 * (with a new sequence number, so a late answer is not counted twice).  Only
 * an answer equal to the upper-cased request counts.  After SECONDS it prints
 * one line:
 *
 *   answered N datagrams in S s: R/s, lost L
 *
 * Stop-and-wait per socket keeps the comparison fair between a server that
 * answers in microseconds and one that forks per datagram: neither is ever
 * handed more than SOCKETS datagrams at once, so nothing is lost to a full
 * receive buffer, and the figure is the server's service rate.
 */
#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "benchlib.h"

#define LOAD_MAX_SOCKETS 256
#define LOAD_MAX_SIZE 65507

struct slot {
	int fd;
	unsigned long seq;
	long sent_ms;
	size_t len;
	char want[LOAD_MAX_SIZE];	/* the upper-cased request */
};

struct opts {
	long nsock, secs, size, timeout;
};

struct tally {
	unsigned long seq, answered, lost;
};

/*
 * Sends slot's next request: "load <seq> " padded with letters to size, the
 * last byte a newline (so a line-buffered filter behind socat answers it at
 * once).
 */
static void
send_next(struct slot *sl, size_t size, unsigned long *seq)
{
	char msg[LOAD_MAX_SIZE];
	int n;

	sl->seq = ++*seq;
	n = snprintf(msg, sizeof(msg), "load %lu ", sl->seq);
	for (size_t i = (size_t)n; i < size; i++)
		msg[i] = (char)('a' + i % 26);
	sl->len = size > (size_t)n + 1 ? size : (size_t)n + 1;
	msg[sl->len - 1] = '\n';
	for (size_t i = 0; i < sl->len; i++)
		sl->want[i] = (char)(msg[i] >= 'a' && msg[i] <= 'z' ? msg[i] - 32 : msg[i]);
	sl->sent_ms = bench_now_ms();
	if (send(sl->fd, msg, sl->len, 0) == -1 && errno != ECONNREFUSED)
		err(1, "send");
}

static int
open_slot(const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);

	if (fd == -1)
		err(1, "socket");
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1)
		err(1, "connect");
	return fd;
}

/* Reads the options and HOST PORT into *o; exits 2 on bad input.  Returns optind. */
static int
read_args(int argc, char *argv[], struct opts *o)
{
	int c;

	bench_set_usage("usage: udp_load [-c SOCKETS] [-d SECONDS] [-s SIZE] [-t TIMEOUT_MS] HOST PORT");
	while ((c = getopt(argc, argv, "c:d:s:t:")) != -1) {
		switch (c) {
		case 'c': o->nsock = bench_long(optarg, 1, LOAD_MAX_SOCKETS, "socket count"); break;
		case 'd': o->secs = bench_long(optarg, 1, 3600, "duration"); break;
		case 's': o->size = bench_long(optarg, 1, LOAD_MAX_SIZE, "size"); break;
		case 't': o->timeout = bench_long(optarg, 1, 60000, "timeout"); break;
		default:
			bench_usage();
		}
	}
	if (argc - optind != 2)
		bench_usage();
	return optind;
}

/*
 * After poll: counts sl's answer if it came and is right, or its loss once
 * it is overdue, and sends the next datagram.
 */
static void
check_slot(struct slot *sl, short revents, const struct opts *o, struct tally *t)
{
	static char buf[LOAD_MAX_SIZE + 1];
	ssize_t n = 0;

	if (revents != 0 &&
	    (n = recv(sl->fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0 &&
	    (size_t)n == sl->len && memcmp(buf, sl->want, sl->len) == 0) {
		t->answered++;
		send_next(sl, (size_t)o->size, &t->seq);
	} else if (bench_now_ms() - sl->sent_ms >= o->timeout) {
		t->lost++;
		send_next(sl, (size_t)o->size, &t->seq);
	}
}

/* Runs the stop-and-wait clients for o->secs.  Returns when it started (ms). */
static long
run(const struct addrinfo *ai, const struct opts *o, struct tally *t)
{
	static struct slot slots[LOAD_MAX_SOCKETS];
	struct pollfd pfd[LOAD_MAX_SOCKETS];
	long start = bench_now_ms(), end = start + o->secs * 1000;

	for (long i = 0; i < o->nsock; i++) {
		slots[i].fd = open_slot(ai);
		pfd[i] = (struct pollfd){ .fd = slots[i].fd, .events = POLLIN };
		send_next(&slots[i], (size_t)o->size, &t->seq);
	}
	while (bench_now_ms() < end) {
		if (poll(pfd, (nfds_t)o->nsock, 10) == -1 && errno != EINTR)
			err(1, "poll");
		for (long i = 0; i < o->nsock; i++)
			check_slot(&slots[i], pfd[i].revents, o, t);
	}
	return start;
}

int
main(int argc, char *argv[])
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM }, *ai;
	struct opts o = { .nsock = 8, .secs = 5, .size = 32, .timeout = 200 };
	struct tally t = { 0 };
	long start;
	int first, e;

	first = read_args(argc, argv, &o);
	if ((e = getaddrinfo(argv[first], argv[first + 1], &hints, &ai)) != 0)
		errx(1, "resolving %s: %s", argv[first], gai_strerror(e));
	start = run(ai, &o, &t);
	printf("answered %lu datagrams in %.1f s: %.0f/s, lost %lu\n", t.answered,
	    (double)(bench_now_ms() - start) / 1000,
	    t.answered * 1000.0 / (double)(bench_now_ms() - start), t.lost);
	freeaddrinfo(ai);
	return 0;
}
