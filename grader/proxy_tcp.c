/*
 * proxy_tcp.c — the TCP relay of faultproxy: every accepted connection is
 * joined to a new connection to the target, and bytes are copied both ways
 * in pieces of at most `chunk` bytes with `chunk_delay_ms` between them, with
 * Nagle off so each piece leaves as a segment of its own.  A program that
 * assumes one recv() returns one whole line, or that one send() sends it all,
 * meets the truth of TCP's byte stream here.
 *
 * Each direction is a buffer with a position; a side is read only while its
 * buffer has room (back-pressure), and a read EOF becomes shutdown(SHUT_WR)
 * on the other side once the buffer is drained, so half-closes pass through.
 */
#include "proxy.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netio.h"
#include "sandbox.h"

#define TCP_CONN_MAX 512
#define TCP_BUF 65536

struct flow {			/* one direction of a connection */
	int from, to;
	unsigned char buf[TCP_BUF];
	size_t off, len;	/* pending bytes are buf[off .. off + len) */
	int eof;		/* `from` has no more to send */
	int shut;		/* `to` has been told so */
	long next_ms;		/* not before this may `to` be written again */
};

struct conn {
	int connecting;
	struct flow f[2];	/* 0: client to server, 1: server to client */
};

static struct conn *conns[TCP_CONN_MAX];

static void
drop_conn(int i, int reset)
{
	struct conn *c = conns[i];
	struct linger lg = { 1, 0 };

	for (int k = 0; k < 2; k++) {
		if (reset)
			setsockopt(c->f[k].from, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(c->f[k].from);
	}
	free(c);
	conns[i] = NULL;
}

static void
accept_one(const struct proxy_opts *o, int lfd)
{
	int one = 1, cfd, sfd, i;
	struct conn *c;

	if ((cfd = accept(lfd, NULL, NULL)) == -1)
		return;
	for (i = 0; i < TCP_CONN_MAX && conns[i] != NULL; i++)
		;
	if (i == TCP_CONN_MAX || netio_nonblock(cfd) == -1 ||
	    (sfd = netio_connect_start(&o->target, o->target_len, SOCK_STREAM)) == -1 ||
	    (c = calloc(1, sizeof(*c))) == NULL) {
		close(cfd);
		return;
	}
	setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(sfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->connecting = 1;
	c->f[0].from = c->f[1].to = cfd;
	c->f[0].to = c->f[1].from = sfd;
	conns[i] = c;
	if (o->verbose)
		fprintf(stderr, "faultproxy: connection %d accepted\n", i);
}

/* Reads what fits into f's buffer.  Returns -1 if the connection broke. */
static int
flow_read(struct flow *f)
{
	ssize_t n = read(f->from, f->buf + f->off + f->len, TCP_BUF - f->off - f->len);

	if (n > 0)
		f->len += (size_t)n;
	else if (n == 0)
		f->eof = 1;
	else if (errno != EAGAIN && errno != EINTR)
		return -1;
	return 0;
}

/* Writes a chunk (-c) of f's buffer and starts the pause after it (-d).
 * Returns -1 if the connection broke. */
static int
flow_write(const struct proxy_opts *o, struct flow *f)
{
	size_t want = o->chunk && o->chunk < f->len ? o->chunk : f->len;
	ssize_t n = write(f->to, f->buf + f->off, want);

	if (n < 0 && errno != EAGAIN && errno != EINTR)
		return -1;
	if (n > 0) {
		f->off += (size_t)n;
		f->len -= (size_t)n;
		f->next_ms = sandbox_now_ms() + o->chunk_delay_ms;
	}
	return 0;
}

/* Moves bytes for one flow as poll allowed.  Returns -1 if the connection broke. */
static int
pump(const struct proxy_opts *o, struct flow *f, short rev_from, short rev_to)
{
	if (rev_from && !f->eof && f->off + f->len < TCP_BUF && flow_read(f) == -1)
		return -1;
	if (rev_to && f->len > 0 && sandbox_now_ms() >= f->next_ms && flow_write(o, f) == -1)
		return -1;
	if (f->len == 0)
		f->off = 0;
	if (f->eof && f->len == 0 && !f->shut) {
		shutdown(f->to, SHUT_WR);
		f->shut = 1;
	}
	return 0;
}

/* Fills pfd for connection c; returns ms until one of its flows may write, or -1. */
static int
want(const struct conn *c, struct pollfd *pfd)
{
	long now = sandbox_now_ms(), wait = -1;

	pfd[0] = (struct pollfd){ .fd = c->f[0].from };
	pfd[1] = (struct pollfd){ .fd = c->f[0].to };
	if (c->connecting) {
		pfd[1].events = POLLOUT;
		return -1;
	}
	for (int k = 0; k < 2; k++) {
		const struct flow *f = &c->f[k];
		struct pollfd *in = &pfd[k], *out = &pfd[1 - k];

		if (!f->eof && f->off + f->len < TCP_BUF)
			in->events |= POLLIN;
		if (f->len > 0 && now >= f->next_ms)
			out->events |= POLLOUT;
		else if (f->len > 0 && (wait == -1 || f->next_ms - now < wait))
			wait = f->next_ms - now;
	}
	return (int)wait;
}

static void
serve(const struct proxy_opts *o, int i, const struct pollfd *pfd)
{
	struct conn *c = conns[i];

	if (c->connecting) {
		if (pfd[1].revents == 0)
			return;
		if (netio_connect_result(c->f[0].to) == -1) {
			drop_conn(i, 1);
			return;
		}
		c->connecting = 0;
		return;
	}
	if (pump(o, &c->f[0], pfd[0].revents, pfd[1].revents) == -1 ||
	    pump(o, &c->f[1], pfd[1].revents, pfd[0].revents) == -1) {
		drop_conn(i, 1);
		return;
	}
	if (c->f[0].shut && c->f[1].shut)
		drop_conn(i, 0);
}

int
proxy_tcp_run(const struct proxy_opts *o, int lfd)
{
	static struct pollfd pfd[1 + 2 * TCP_CONN_MAX];

	for (;;) {
		int timeout = -1;

		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (int i = 0; i < TCP_CONN_MAX; i++) {
			int w;

			pfd[1 + 2 * i].fd = pfd[2 + 2 * i].fd = -1;
			if (conns[i] == NULL)
				continue;
			w = want(conns[i], &pfd[1 + 2 * i]);
			if (w >= 0 && (timeout == -1 || w < timeout))
				timeout = w;
		}
		if (poll(pfd, 1 + 2 * TCP_CONN_MAX, timeout) == -1 && errno != EINTR)
			return -1;
		for (int i = 0; i < TCP_CONN_MAX; i++)
			if (conns[i] != NULL)
				serve(o, i, &pfd[1 + 2 * i]);
		if (pfd[0].revents)
			accept_one(o, lfd);
	}
}
