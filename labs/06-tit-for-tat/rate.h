/*
 * rate.h — bytes per second over a rolling window.
 *
 * The choker ranks peers by how fast they sent us data "lately".  A lifetime
 * average would never forget a peer that was fast an hour ago; an
 * instantaneous rate jumps with every 16 KiB block.  So bytes are counted in
 * RATE_BUCKETS buckets that together span the window, and the rate is the
 * sum of the buckets still inside the window divided by its length.  The
 * clock is passed in (milliseconds), so tests run it by hand.
 */
#ifndef RATE_H
#define RATE_H

#include <stdint.h>

#define RATE_BUCKETS 10

struct rate {
	int64_t window_ms;	/* span of all buckets */
	int64_t bucket_ms;	/* span of one bucket */
	int64_t start_ms;	/* first moment counted (young meters) */
	int64_t epoch;		/* bucket number of bucket[head] */
	unsigned head;
	uint64_t bucket[RATE_BUCKETS];
	uint64_t total;		/* all bytes ever counted */
};

/* A meter over window_ms (>= RATE_BUCKETS) starting at now. */
void rate_init(struct rate *r, int64_t window_ms, int64_t now);
void rate_add(struct rate *r, int64_t now, uint64_t bytes);
/* Bytes per second over the window (or since start, if younger). */
uint64_t rate_get(struct rate *r, int64_t now);

#endif
