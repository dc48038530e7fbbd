/*
 * proxy_udp.c — the UDP relay of faultproxy.
 *
 * Each client address gets an upstream socket of its own, connected to the
 * server, so the server sees one peer per client and a reply finds its way
 * back to the client that asked — to the very port it asked from, which is
 * how a client that uses a fresh socket per request escapes stale replies.
 * Every datagram, either way, goes through fault_decide(); what survives waits
 * in a small queue until it is due, or, when a rule holds it, until the
 * datagram it waits for arrives the other way.  One poll() loop, no threads.
 */
#include "proxy.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netio.h"
#include "sandbox.h"

#define UDP_ASSOC_MAX 256
#define UDP_QUEUE_MAX 4096

struct assoc {
	struct sockaddr_storage addr;
	socklen_t len;
	int fd;			/* upstream, connected to the target */
	long last_ms;
};

struct pending {
	long due_ms;
	unsigned long until;	/* held: until datagram #until in direction until_dir */
	enum fault_dir until_dir;
	int fd;			/* send on this socket ... */
	int to_client;		/* ... with sendto(client) or send() */
	struct sockaddr_storage to;
	socklen_t tolen;
	size_t len;
	unsigned char *data;
};

struct udp_proxy {
	const struct proxy_opts *o;
	int lfd;
	struct assoc a[UDP_ASSOC_MAX];
	size_t na;
	struct pending q[UDP_QUEUE_MAX];
	size_t nq;
	struct fault_state fs;
	unsigned char buf[65536];
};

/* The association for a client address, made (or recycled) if new; NULL on error. */
static struct assoc *
assoc_for(struct udp_proxy *p, const struct sockaddr_storage *from, socklen_t len)
{
	struct assoc *a = NULL;

	for (size_t i = 0; i < p->na; i++)
		if (p->a[i].len == len && memcmp(&p->a[i].addr, from, len) == 0)
			return &p->a[i];
	if (p->na < UDP_ASSOC_MAX) {
		a = &p->a[p->na++];
	} else {
		a = &p->a[0];
		for (size_t i = 1; i < p->na; i++)
			if (p->a[i].last_ms < a->last_ms)
				a = &p->a[i];
		close(a->fd);
	}
	memcpy(&a->addr, from, len);
	a->len = len;
	a->fd = netio_connect_start(&p->o->target, p->o->target_len, SOCK_DGRAM);
	if (a->fd == -1) {
		*a = p->a[--p->na];
		return NULL;
	}
	return a;
}

static void
enqueue(struct udp_proxy *p, const struct fault_decision *d, int fd, int to_client,
    const struct sockaddr_storage *to, socklen_t tolen, size_t len)
{
	for (int c = 0; c < d->copies && p->nq < UDP_QUEUE_MAX; c++) {
		struct pending *q = &p->q[p->nq];

		if ((q->data = malloc(len ? len : 1)) == NULL)
			return;
		memcpy(q->data, p->buf, len);
		if (c == 0 && d->corrupt)
			q->data[d->corrupt_at] ^= d->corrupt_xor;
		q->due_ms = sandbox_now_ms() + d->delay_ms[c];
		q->until_dir = to_client ? FAULT_TO_SERVER : FAULT_TO_CLIENT;
		q->until = d->until > p->fs.count[q->until_dir] ? d->until : 0;
		q->fd = fd;
		q->to_client = to_client;
		if (to != NULL)
			memcpy(&q->to, to, tolen);
		q->tolen = tolen;
		q->len = len;
		p->nq++;
	}
}

/* Sends queued datagram i and takes it off the queue. */
static void
send_one(struct udp_proxy *p, size_t i)
{
	struct pending *q = &p->q[i];

	if (q->to_client)
		sendto(q->fd, q->data, q->len, 0, (struct sockaddr *)&q->to, q->tolen);
	else
		send(q->fd, q->data, q->len, 0);
	free(q->data);
	memmove(q, q + 1, (p->nq - i - 1) * sizeof(*q));
	p->nq--;
}

/* Sends, oldest first, what was held for datagram #n in direction dir. */
static void
release_held(struct udp_proxy *p, enum fault_dir dir, unsigned long n)
{
	size_t i = 0;

	while (i < p->nq) {
		if (p->q[i].until != 0 && p->q[i].until_dir == dir && p->q[i].until <= n)
			send_one(p, i);
		else
			i++;
	}
}

static void
relay(struct udp_proxy *p, enum fault_dir dir, struct assoc *a, size_t len)
{
	struct fault_decision d;

	fault_decide(&p->fs, dir, len, &d);
	if (p->o->verbose)
		fprintf(stderr, "faultproxy: %s #%lu (%zu bytes): %s%s%.0lu\n", fault_dir_name(dir),
		    p->fs.count[dir], len, d.what, d.until ? ", until the other way's #" : "",
		    d.until);
	/* What was held for this datagram leaves before it. */
	release_held(p, dir, p->fs.count[dir]);
	if (dir == FAULT_TO_SERVER)
		enqueue(p, &d, a->fd, 0, NULL, 0, len);
	else
		enqueue(p, &d, p->lfd, 1, &a->addr, a->len, len);
}

static void
from_clients(struct udp_proxy *p)
{
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(p->lfd, p->buf, sizeof(p->buf), 0, (struct sockaddr *)&from, &len);
		struct assoc *a;

		if (n < 0)
			return;
		if ((a = assoc_for(p, &from, len)) == NULL)
			continue;
		a->last_ms = sandbox_now_ms();
		relay(p, FAULT_TO_SERVER, a, (size_t)n);
	}
}

static void
from_server(struct udp_proxy *p, struct assoc *a)
{
	for (int i = 0; i < 64; i++) {
		ssize_t n = recv(a->fd, p->buf, sizeof(p->buf), 0);

		if (n < 0)
			return;	/* EAGAIN, or ECONNREFUSED from an ICMP: nothing to relay */
		relay(p, FAULT_TO_CLIENT, a, (size_t)n);
	}
}

/* Sends every due datagram, oldest first.  Returns ms until the next, or -1. */
static int
send_due(struct udp_proxy *p)
{
	long now = sandbox_now_ms(), next = -1;
	size_t i = 0;

	while (i < p->nq) {
		struct pending *q = &p->q[i];

		if (q->until != 0) {
			i++;
		} else if (q->due_ms > now) {
			if (next == -1 || q->due_ms - now < next)
				next = q->due_ms - now;
			i++;
		} else {
			send_one(p, i);
		}
	}
	return (int)next;
}

int
proxy_udp_run(const struct proxy_opts *o, int lfd)
{
	static struct udp_proxy p;
	struct pollfd pfd[UDP_ASSOC_MAX + 1];

	p.o = o;
	p.lfd = lfd;
	fault_init(&p.fs, &o->fault);
	for (;;) {
		int timeout = send_due(&p);

		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (size_t i = 0; i < p.na; i++)
			pfd[i + 1] = (struct pollfd){ .fd = p.a[i].fd, .events = POLLIN };
		if (poll(pfd, p.na + 1, timeout) == -1 && errno != EINTR)
			return -1;
		if (pfd[0].revents)
			from_clients(&p);
		for (size_t i = 0; i < p.na && i < UDP_ASSOC_MAX; i++)
			if (pfd[i + 1].revents && pfd[i + 1].fd == p.a[i].fd)
				from_server(&p, &p.a[i]);
	}
}
