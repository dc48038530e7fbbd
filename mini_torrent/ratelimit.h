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

#include <stddef.h>
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

/*
 * For an event loop under a limit: whether to move bytes this round, and
 * until when to sleep if not.  The bucket must hold a chunk (its burst, if
 * that is smaller): a trickle of a few tokens per round would be a busy loop
 * of tiny segments.  ratelimit_chunk_deadline returns deadline, brought
 * forward to when the bucket will hold a chunk; unchanged while it holds one
 * (so an open bucket never makes a poll() timeout of 0).  chunk >= 1.
 * Unlimited buckets always hold a chunk.
 */
int ratelimit_has_chunk(struct ratelimit *rl, int64_t now, uint64_t chunk);
int64_t ratelimit_chunk_deadline(struct ratelimit *rl, int64_t now,
    uint64_t chunk, int64_t deadline);

/*
 * How the connections of a peer share one bucket.
 *
 * Reading: each connection polled for input gets an equal part of what the
 * bucket holds this round (at least RATELIMIT_MIN_SHARE, so shares are not
 * uselessly small), so one busy neighbour cannot take every token, round
 * after round.
 *
 * Writing: under an upload limit, a block that has started to leave is
 * finished before any other neighbour's.  The tokens go to one block at a
 * time, at the full rate, rather than a slice to every neighbour so that all
 * their blocks arrive late and together: a neighbour gets its first block
 * sooner and can pass it on sooner (in a swarm that starts empty, this is
 * most of the difference).  The connection whose block is half sent holds
 * the turn; it passes on when that connection's socket is full, when it
 * closes, or when it has sent nothing for RATELIMIT_TURN_HOLD_MS.
 */
#define RATELIMIT_MIN_SHARE 4096
#define RATELIMIT_TURN_HOLD_MS 250

/* Who holds the upload turn: a connection's id (never 0), 0 for nobody. */
struct ratelimit_turn {
	uint64_t holder;
	int64_t since_ms;	/* when the holder last sent */
};

/* One of contenders' share of rl's tokens at now (all of them when
 * unlimited or alone). */
uint64_t ratelimit_fair_share(struct ratelimit *rl, int64_t now,
    size_t contenders);

/* 1 when connection id may send limited bytes at now under rl. */
int ratelimit_has_turn(const struct ratelimit_turn *t,
    const struct ratelimit *rl, uint64_t id, int64_t now);

/* id ran out of tokens mid-block at now: it keeps the turn. */
void ratelimit_turn_keep(struct ratelimit_turn *t, uint64_t id, int64_t now);

/* id finished its block, filled its socket or closed: if it held the turn,
 * nobody does now. */
void ratelimit_turn_release(struct ratelimit_turn *t, uint64_t id);

/* When the turn's hold runs out (for a poll() timeout). */
int64_t ratelimit_turn_expires(const struct ratelimit_turn *t);

#endif
