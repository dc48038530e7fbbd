/*
 * rate.c — rolling-window rate meter (see rate.h).
 */
#include "rate.h"

#include <string.h>

void
rate_init(struct rate *r, int64_t window_ms, int64_t now)
{
	memset(r, 0, sizeof(*r));
	if (window_ms < RATE_BUCKETS)
		window_ms = RATE_BUCKETS;
	r->bucket_ms = window_ms / RATE_BUCKETS;
	r->window_ms = r->bucket_ms * RATE_BUCKETS;
	r->start_ms = now;
	r->epoch = now / r->bucket_ms;
}

/* Moves head forward to the bucket of time now, zeroing the ones passed. */
static void
advance(struct rate *r, int64_t now)
{
	int64_t e = now / r->bucket_ms;

	if (e <= r->epoch)
		return;
	if (e - r->epoch >= RATE_BUCKETS) {
		memset(r->bucket, 0, sizeof(r->bucket));
	} else {
		for (int64_t k = r->epoch; k < e; k++) {
			r->head = (r->head + 1) % RATE_BUCKETS;
			r->bucket[r->head] = 0;
		}
	}
	r->epoch = e;
}

void
rate_add(struct rate *r, int64_t now, uint64_t bytes)
{
	advance(r, now);
	r->bucket[r->head] += bytes;
	r->total += bytes;
}

uint64_t
rate_get(struct rate *r, int64_t now)
{
	uint64_t sum = 0;
	int64_t span;

	advance(r, now);
	for (unsigned i = 0; i < RATE_BUCKETS; i++)
		sum += r->bucket[i];
	/* The buckets cover the nine whole ones before now's plus now's part. */
	span = (RATE_BUCKETS - 1) * r->bucket_ms + (now - r->epoch * r->bucket_ms);
	if (now - r->start_ms < span)
		span = now - r->start_ms;
	if (span < r->bucket_ms)
		span = r->bucket_ms;
	return sum * 1000 / (uint64_t)span;
}
