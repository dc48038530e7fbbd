/*
 * netif.c — the host's UDP socket and its seeded impairments (see netif.h).
 *
 * Every outgoing datagram draws the same four numbers from the PRNG (drop,
 * corrupt, duplicate, reorder) and one more for the bit to flip, whatever
 * happens to it, so the damage a seed does depends only on how many datagrams
 * were sent before.  The PRNG is splitmix64: tiny, and good enough here.
 */
#include "netif.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define NETIF_RCVBUF	(4 * 1024 * 1024)	/* room for bursts of segments */

static uint64_t
netif_rand(struct netif *n)
{
	uint64_t z = (n->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int
netif_roll(struct netif *n, unsigned pct)
{
	return netif_rand(n) % 100 < pct;
}

static void
netif_to_sockaddr(const struct segment_netaddr *a, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(a->ip);
	sin->sin_port = htons(a->port);
}

int
netif_open(struct netif *n, const char *addr, uint16_t port,
    const struct netif_impair *imp)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	socklen_t slen = sizeof(sin);
	int size = NETIF_RCVBUF;

	memset(n, 0, sizeof(*n));
	n->held_until = -1;
	if (imp != NULL)
		n->imp = *imp;
	n->rng = n->imp.seed;
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	if ((n->fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	/* Best effort: a bigger queue only makes loss under bursts rarer. */
	(void)setsockopt(n->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(n->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(n->fd, (struct sockaddr *)&sin, &slen) == -1 ||
	    fcntl(n->fd, F_SETFL, O_NONBLOCK) == -1) {
		int e = errno;

		close(n->fd);
		n->fd = -1;
		errno = e;
		return -1;
	}
	n->self.ip = ntohl(sin.sin_addr.s_addr);
	n->self.port = ntohs(sin.sin_port);
	return 0;
}

void
netif_close(struct netif *n)
{
	if (n->fd != -1)
		close(n->fd);
	n->fd = -1;
}

static int
netif_sendto(struct netif *n, const struct segment_netaddr *dst,
    const uint8_t *buf, size_t len)
{
	struct sockaddr_in sin;

	netif_to_sockaddr(dst, &sin);
	for (;;) {
		if (sendto(n->fd, buf, len, 0, (struct sockaddr *)&sin, sizeof(sin)) != -1)
			break;
		if (errno == EINTR)
			continue;
		/* A full send buffer loses the datagram, as a router queue would. */
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
			return 0;
		return -1;
	}
	n->stats.sent++;
	return 0;
}

/* Sends the held datagram, if any. */
static int
netif_release(struct netif *n)
{
	if (n->held_until == -1)
		return 0;
	n->held_until = -1;
	return netif_sendto(n, &n->held_dst, n->held, n->held_len);
}

int
netif_send(struct netif *n, const struct segment_netaddr *dst,
    const uint8_t *buf, size_t len, long now_ms)
{
	uint8_t copy[SEGMENT_MAX_LEN];
	int drop = netif_roll(n, n->imp.drop_pct);
	int corrupt = netif_roll(n, n->imp.corrupt_pct);
	int dup = netif_roll(n, n->imp.dup_pct);
	int reorder = netif_roll(n, n->imp.reorder_pct);
	uint64_t bit = netif_rand(n);

	if (drop || len > sizeof(copy)) {
		n->stats.dropped++;
		return 0;
	}
	memcpy(copy, buf, len);
	if (corrupt && len > 0) {
		copy[(bit >> 3) % len] ^= (uint8_t)(1u << (bit & 7));
		n->stats.corrupted++;
	}
	if (reorder && n->held_until == -1) {
		memcpy(n->held, copy, len);
		n->held_len = len;
		n->held_dst = *dst;
		n->held_until = now_ms + n->imp.hold_ms;
		n->stats.reordered++;
		return 0;
	}
	if (netif_sendto(n, dst, copy, len) == -1)
		return -1;
	if (dup) {
		n->stats.duplicated++;
		if (netif_sendto(n, dst, copy, len) == -1)
			return -1;
	}
	return netif_release(n);
}

ssize_t
netif_recv(struct netif *n, uint8_t *buf, size_t cap, struct segment_netaddr *from)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	ssize_t r;

	do
		r = recvfrom(n->fd, buf, cap, 0, (struct sockaddr *)&sin, &slen);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return -1;
	if (slen < sizeof(sin) || sin.sin_family != AF_INET) {
		errno = EAGAIN;		/* not an IPv4 peer: not ours */
		return -1;
	}
	from->ip = ntohl(sin.sin_addr.s_addr);
	from->port = ntohs(sin.sin_port);
	n->stats.received++;
	return r;
}

int
netif_tick(struct netif *n, long now_ms)
{
	if (n->held_until != -1 && now_ms >= n->held_until)
		return netif_release(n);
	return 0;
}

long
netif_next_deadline(const struct netif *n)
{
	return n->held_until;
}

uint64_t
netif_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int
netif_same_addr(const struct segment_netaddr *a, const struct segment_netaddr *b)
{
	return a->ip == b->ip && a->port == b->port;
}

char *
netif_format(const struct segment_netaddr *a, char *buf, size_t cap)
{
	snprintf(buf, cap, "%u.%u.%u.%u:%u", (unsigned)(a->ip >> 24),
	    (unsigned)(a->ip >> 16) & 0xff, (unsigned)(a->ip >> 8) & 0xff,
	    (unsigned)a->ip & 0xff, (unsigned)a->port);
	return buf;
}

int
netif_parse(const char *s, struct segment_netaddr *a)
{
	char host[INET_ADDRSTRLEN];
	const char *colon = strrchr(s, ':');
	struct in_addr in;
	unsigned long port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (inet_pton(AF_INET, host, &in) != 1)
		return -1;
	if (cli_parse_number(colon + 1, 1, 65535, &port) == -1)
		return -1;
	a->ip = ntohl(in.s_addr);
	a->port = (uint16_t)port;
	return 0;
}
