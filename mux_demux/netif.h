/*
 * netif.h — a host's network interface: the one UDP socket under its
 * transport layer, plus impairments that let a test break the network.
 *
 * The UDP socket stands for the network layer.  Its IPv4 address and port are
 * the host's network address; every segment the host sends or receives is one
 * datagram on it.  Sending can be impaired on purpose: each outgoing datagram
 * may be dropped, corrupted (one bit flipped), duplicated, or held back and
 * sent after the next one (reordered).  The choices come from a PRNG seeded by
 * the caller, so the same seed and the same traffic give the same damage.
 *
 * Why impairments live here and not in a fault-injection proxy between the
 * hosts: a proxy relays datagrams from its own socket, so the receiver would
 * see the proxy's address as the source network address.  The checksum covers
 * a pseudo-header with both network addresses, so every relayed segment would
 * fail the checksum, and the lesson (a segment that claims the wrong sender is
 * caught) would turn into noise.  Impairing at the sender's interface keeps
 * the real source address on every datagram.
 */
#ifndef NETIF_H
#define NETIF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "segment.h"

/* Percentages (0..100) of outgoing datagrams to damage, and the PRNG seed. */
struct netif_impair {
	unsigned drop_pct, corrupt_pct, dup_pct, reorder_pct;
	uint64_t seed;
	long hold_ms;		/* longest a reordered datagram is held back */
};

struct netif_stats {
	unsigned long sent, received, dropped, corrupted, duplicated, reordered;
};

struct netif {
	int fd;
	struct segment_netaddr self;
	struct netif_impair imp;
	uint64_t rng;
	uint8_t held[SEGMENT_MAX_LEN];	/* the datagram held back, if any */
	size_t held_len;
	struct segment_netaddr held_dst;
	long held_until;		/* -1 when nothing is held */
	struct netif_stats stats;
};

/*
 * Opens a UDP socket bound to addr (dotted IPv4) and port (0: any), non-
 * blocking, and learns the address it got.  imp may be NULL (no damage).
 * Returns 0, or -1 with errno set (EINVAL for a bad address).
 */
int netif_open(struct netif *n, const char *addr, uint16_t port,
    const struct netif_impair *imp);
void netif_close(struct netif *n);

/*
 * Sends the len-byte datagram buf to dst, impaired as configured.  Returns 0
 * (also when an impairment ate it), or -1 with errno if sendto failed.
 */
int netif_send(struct netif *n, const struct segment_netaddr *dst,
    const uint8_t *buf, size_t len, long now_ms);

/*
 * Receives one datagram into buf (cap bytes; a longer one is cut) and its
 * sender into *from.  Returns its length, or -1 with errno (EAGAIN: none).
 */
ssize_t netif_recv(struct netif *n, uint8_t *buf, size_t cap,
    struct segment_netaddr *from);

/* Sends a held datagram whose time is up.  Returns 0, or -1 as netif_send. */
int netif_tick(struct netif *n, long now_ms);

/* When netif_tick next has work (ms), or -1. */
long netif_next_deadline(const struct netif *n);

/*
 * Microseconds on the monotonic clock (never set back, unlike the time of
 * day).  The one clock of this directory's programs: each reads "now" here
 * and keeps it in the unit its deadlines use (netif's own are milliseconds).
 */
uint64_t netif_clock_us(void);

/* Whether a and b are the same network address (IPv4 address and UDP port). */
int netif_same_addr(const struct segment_netaddr *a, const struct segment_netaddr *b);

/* "a.b.c.d:port" into buf (cap bytes).  Returns buf. */
char *netif_format(const struct segment_netaddr *a, char *buf, size_t cap);

/*
 * Parses "a.b.c.d:port" (port 1..65535, read by cli_parse_number: digits
 * only, no sign or space).  Returns 0, or -1 if malformed.
 */
int netif_parse(const char *s, struct segment_netaddr *a);

#endif
