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
#include <time.h>
#include <unistd.h>

#define LOAD_MAX_SOCKETS 256
#define LOAD_MAX_SIZE 65507

struct slot {
	int fd;
	unsigned long seq;
	long sent_ms;
	size_t len;
	char want[LOAD_MAX_SIZE];	/* the upper-cased request */
};

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long
number(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		errx(2, "bad %s '%s': use %ld..%ld", what, s, min, max);
	return v;
}

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
	sl->sent_ms = now_ms();
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

int
main(int argc, char *argv[])
{
	static struct slot slots[LOAD_MAX_SOCKETS];
	static char buf[LOAD_MAX_SIZE + 1];
	struct pollfd pfd[LOAD_MAX_SOCKETS];
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM }, *ai;
	long nsock = 8, secs = 5, size = 32, timeout = 200, start, end;
	unsigned long seq = 0, answered = 0, lost = 0;
	int c, e;

	while ((c = getopt(argc, argv, "c:d:s:t:")) != -1) {
		switch (c) {
		case 'c': nsock = number(optarg, 1, LOAD_MAX_SOCKETS, "socket count"); break;
		case 'd': secs = number(optarg, 1, 3600, "duration"); break;
		case 's': size = number(optarg, 1, LOAD_MAX_SIZE, "size"); break;
		case 't': timeout = number(optarg, 1, 60000, "timeout"); break;
		default:
			errx(2, "usage: udp_load [-c SOCKETS] [-d SECONDS] [-s SIZE] [-t TIMEOUT_MS] HOST PORT");
		}
	}
	if (argc - optind != 2)
		errx(2, "usage: udp_load [-c SOCKETS] [-d SECONDS] [-s SIZE] [-t TIMEOUT_MS] HOST PORT");
	if ((e = getaddrinfo(argv[optind], argv[optind + 1], &hints, &ai)) != 0)
		errx(1, "resolving %s: %s", argv[optind], gai_strerror(e));
	start = now_ms();
	end = start + secs * 1000;
	for (long i = 0; i < nsock; i++) {
		slots[i].fd = open_slot(ai);
		pfd[i] = (struct pollfd){ .fd = slots[i].fd, .events = POLLIN };
		send_next(&slots[i], (size_t)size, &seq);
	}
	while (now_ms() < end) {
		if (poll(pfd, (nfds_t)nsock, 10) == -1 && errno != EINTR)
			err(1, "poll");
		for (long i = 0; i < nsock; i++) {
			struct slot *sl = &slots[i];
			ssize_t n = 0;

			if (pfd[i].revents != 0 &&
			    (n = recv(sl->fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0 &&
			    (size_t)n == sl->len && memcmp(buf, sl->want, sl->len) == 0) {
				answered++;
				send_next(sl, (size_t)size, &seq);
			} else if (now_ms() - sl->sent_ms >= timeout) {
				lost++;
				send_next(sl, (size_t)size, &seq);
			}
		}
	}
	printf("answered %lu datagrams in %.1f s: %.0f/s, lost %lu\n", answered,
	    (double)(now_ms() - start) / 1000, answered * 1000.0 / (double)(now_ms() - start), lost);
	freeaddrinfo(ai);
	return 0;
}
