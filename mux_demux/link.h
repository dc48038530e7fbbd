/*
 * link.h — one direction of a bottleneck link, as plain arithmetic on a clock.
 *
 * A router's outgoing link has a rate R (bytes per second), a propagation
 * delay D and a drop-tail queue of B segments in front of its transmitter.
 * A segment of L bytes that arrives at time t starts to leave when the
 * transmitter is free, takes L/R to put on the wire, and reaches the far end
 * D later; if B segments are already waiting (the one being transmitted does
 * not count), it is dropped.  For a FIFO queue all of this is known the moment
 * the segment arrives, so the model simply answers "leaves at ..." or
 * "dropped" and keeps the counts an experiment wants: queue length (largest
 * and time-averaged), drops, and bytes per flow.
 *
 * No sockets and no clock of its own: the caller passes the time, in
 * microseconds, so the unit tests run on a fake clock and the router
 * (mux_router.c) runs on its real one.  The router holds the segment until its
 * exit time and then sends it.
 */
#ifndef LINK_H
#define LINK_H

#include <stddef.h>
#include <stdint.h>

#include "segment.h"

#define LINK_MAX_QUEUE	100000	/* largest B */
#define LINK_MAX_FLOWS	64	/* flows counted one by one; later ones are lumped */

struct link_config {
	uint64_t rate;		/* R in bytes per second; 0: no serialization delay */
	uint64_t delay_us;	/* D */
	unsigned queue;		/* B: segments that may wait, 0..LINK_MAX_QUEUE */
};

/*
 * A flow: the transport-layer 4-tuple, where a host's network address is its
 * UDP ADDR:PORT (see segment.h) and the ports are the transport ports.
 */
struct link_flow_key {
	struct segment_netaddr src, dst;
	uint16_t src_port, dst_port;
};

struct link_flow {
	struct link_flow_key key;
	unsigned long segs, bytes;	/* accepted onto the link */
	unsigned long dropped;		/* segments the full queue refused */
};

struct link_stats {
	unsigned long arrived, accepted, dropped;
	unsigned long bytes;		/* accepted bytes */
	unsigned queue_max;		/* most segments ever waiting */
	uint64_t wait_us;		/* sum of every accepted segment's wait */
	uint64_t first_us;		/* first arrival */
	unsigned long other_segs, other_bytes, other_dropped;	/* past LINK_MAX_FLOWS */
};

struct link {
	struct link_config cfg;
	uint64_t *starts;	/* ring: when each waiting segment starts to leave */
	unsigned head, count;
	uint64_t free_us;	/* when the transmitter has sent all it accepted */
	uint64_t last_us;	/* latest arrival: time never runs backwards */
	struct link_stats st;
	struct link_flow flows[LINK_MAX_FLOWS];
	int nflows;
};

/* What became of one arriving segment. */
struct link_result {
	int dropped;		/* 1: the queue was full, the rest is unset */
	unsigned queue;		/* segments waiting ahead of it when it arrived */
	uint64_t start_us;	/* its first bit goes on the wire */
	uint64_t done_us;	/* its last bit is on the wire: start + L/R */
	uint64_t exit_us;	/* its last bit reaches the far end: done + D */
};

/*
 * Sets up an empty, idle link.  Returns 0, or -1 with errno EINVAL (queue
 * above LINK_MAX_QUEUE) or ENOMEM.
 */
int link_init(struct link *l, const struct link_config *cfg);
void link_free(struct link *l);

/*
 * The time to serialize len bytes at the link's rate, in microseconds,
 * rounded up (0 when the rate is 0).
 */
uint64_t link_tx_us(const struct link *l, size_t len);

/*
 * A segment of len bytes of flow key (NULL: not counted per flow) arrives at
 * now_us.  Fills *r and returns 0 when it is queued, 1 when it is dropped.
 * A now_us earlier than the previous arrival is taken as that arrival's time.
 */
int link_arrive(struct link *l, uint64_t now_us, size_t len,
    const struct link_flow_key *key, struct link_result *r);

/* Segments waiting (not the one on the wire) at now_us >= the last arrival. */
unsigned link_queue_len(struct link *l, uint64_t now_us);

/*
 * The time-averaged number of waiting segments from the first arrival until
 * now_us, or until the queue drains if that is later (0 before any arrival).
 */
double link_queue_mean(const struct link *l, uint64_t now_us);

/* "a.b.c.d:p/port>a.b.c.d:p/port" into buf (cap bytes).  Returns buf. */
char *link_flow_format(const struct link_flow_key *k, char *buf, size_t cap);

#endif
