/*
 * neighbours.c — dialling candidates and accepting peers.  See neighbours.h.
 */
#include <errno.h>
#include <unistd.h>

#include "neighbours.h"
#include "net.h"

#define SCAN_EVERY_MS 500	/* the candidate scan, when it found all it could */
#define SCAN_BUSY_MS 20		/* ... when the dials in flight were the limit */

static size_t
count_connecting(const struct session *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->npeers; i++)
		n += s->peers[i]->state == PEER_CONNECTING;
	return n;
}

/* Starts a non-blocking connect() to c.  Returns 0 or -1. */
static int
dial(struct neighbours *nb, struct candidate *c, int64_t now)
{
	const struct listener *lis = nb->lis;
	int fd = socket(c->addr.ss_family, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (net_set_nonblocking(fd) < 0 ||
	    (lis->src_len > 0 && lis->src.ss_family == c->addr.ss_family &&
	    bind(fd, (const struct sockaddr *)&lis->src, lis->src_len) < 0) ||
	    (connect(fd, (struct sockaddr *)&c->addr, c->len) < 0 &&
	    errno != EINPROGRESS) ||
	    session_add_peer(nb->s, fd, (struct sockaddr *)&c->addr, c->len, 1,
	    now) == NULL) {
		close(fd);
		return -1;
	}
	return 0;
}

int
neighbours_busy(void *ctx, const struct sockaddr *addr)
{
	return session_knows_addr(ctx, addr);
}

void
neighbours_dial_more(struct neighbours *nb, int64_t now)
{
	struct session *s = nb->s;
	size_t connecting = count_connecting(s);

	if ((session_complete(s) && nb->stop_when_complete) ||
	    now < nb->next_dial_ms)
		return;
	/* The scan below is not free: twice a second, unless it stopped only
	 * because the dials in flight were the limit (a swarm joining). */
	nb->next_dial_ms = now + (connecting < NEIGHBOURS_MAX_CONNECTING ?
	    SCAN_EVERY_MS : SCAN_BUSY_MS);
	while (s->npeers < s->cfg.max_peers &&
	    connecting < NEIGHBOURS_MAX_CONNECTING) {
		struct candidate *c = candidates_pick(nb->cands, now, &nb->rng,
		    neighbours_busy, s);

		if (c == NULL)
			return;
		if (dial(nb, c, now) == 0 &&
		    ++connecting == NEIGHBOURS_MAX_CONNECTING)
			nb->next_dial_ms = now + SCAN_BUSY_MS;
	}
}

int
neighbours_accept(struct neighbours *nb, int64_t now)
{
	struct session *s = nb->s;

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd = accept(nb->lis->fd, (struct sockaddr *)&ss, &len);

		if (fd < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR || errno == ECONNABORTED ? 0 : -1;
		if (s->npeers >= s->cfg.max_peers ||
		    session_banned(s, (struct sockaddr *)&ss) ||
		    net_set_nonblocking(fd) < 0 ||
		    session_add_peer(s, fd, (struct sockaddr *)&ss, len, 0,
		    now) == NULL)
			close(fd);
	}
}
