/*
 * ratelimit.h — a token bucket, for --upload-rate and --download-rate.
 *
 * Tokens (bytes) drip into a bucket at `rate` per second up to `burst`;
 * sending or receiving n bytes takes n tokens.  One bucket is shared by every
 * connection of a peer, so the cap is on the peer's total, as a user expects.
 * The clock is passed in as milliseconds: the event loop gives the real one,
 * tests give a fake one and check the rate over a simulated 10 s.  Tokens are
 * kept in thousandths of a byte so that slow rates lose nothing to rounding
 * at millisecond steps.
 */
#ifndef RATELIMIT_H
#define RATELIMIT_H

#include <stdint.h>

struct ratelimit {
	uint64_t rate;		/* bytes per second; 0 means unlimited */
	uint64_t burst;		/* bucket size in bytes */
	uint64_t milli;		/* tokens, in thousandths of a byte */
	int64_t last_ms;	/* time of the last refill */
};

/* A bucket for rate bytes/s (0: no limit), burst bytes, empty at now: by
 * any time t, at most rate * (t - now) bytes have been granted. */
void ratelimit_init(struct ratelimit *rl, uint64_t rate, uint64_t burst,
    int64_t now);

/* The burst we use for a rate: 1/20 s of it, at least 4 KiB. */
uint64_t ratelimit_default_burst(uint64_t rate);

/* Takes up to want tokens at time now.  Returns how many were granted. */
uint64_t ratelimit_take(struct ratelimit *rl, int64_t now, uint64_t want);

/* Whole tokens available at time now (UINT64_MAX when unlimited). */
uint64_t ratelimit_available(struct ratelimit *rl, int64_t now);

/*
 * Milliseconds from the last refill until n tokens (n <= burst) are
 * available: 0 if they already are.  For a poll() timeout.
 */
int64_t ratelimit_wait_ms(const struct ratelimit *rl, uint64_t n);

#endif
