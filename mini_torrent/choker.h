/*
 * choker.h — tit-for-tat: which peers we upload to (BEP 3 choking).
 *
 * A peer uploads only to the peers it has "unchoked".  Every rechoke interval
 * (10 s by default) we unchoke:
 *
 *   - the `slots` (4) interested peers that send us data fastest, over a
 *     rolling window: reciprocate to whoever gives us the most;
 *   - plus one "optimistic" unchoke, a random interested peer rotated every
 *     optimistic interval (30 s), so newcomers with nothing to trade get a
 *     first piece and we discover partners better than our current four.
 *     A peer that connected less than one optimistic interval ago is three
 *     times as likely to be picked as an older one.
 *
 * Anti-snubbing (the original client's): a peer that has sent us no block
 * for snub_ms (60 s) is "snubbing" us and gets no regular slot, whatever its
 * past rate.  Each regular slot left empty that way becomes one more
 * optimistic unchoke, drawn at random among the interested choked peers
 * (snubbing ones included): a leecher whose partners went quiet tries several
 * new ones at once, and a snubbing peer that nobody else outbids for a slot
 * is still unchoked.  A seed receives nothing, so it never counts snubbing.
 *
 * When we are a seed nobody uploads to us, so download rates mean nothing.  We
 * then rank by the rate at which WE upload to each peer, as the original
 * client did: the peers that take our data fastest spread it fastest, and a
 * peer that stalls drops out in favour of one that can use the slot.  (The
 * alternative, round-robin by upload volume, is fairer but slower to spread.)
 *
 * The choker is a pure function of the peers' state, the time and a seeded
 * random state: no sockets, no clock reads.  Tests (and the course's
 * scenario: A optimistically unchokes B, B reciprocates, each ends up among
 * the other's top four) drive it with made-up rates.
 */
#ifndef CHOKER_H
#define CHOKER_H

#include <stddef.h>
#include <stdint.h>

#define CHOKER_SLOTS 4
#define CHOKER_RECHOKE_MS 10000
#define CHOKER_OPTIMISTIC_MS 30000
#define CHOKER_SNUB_MS 60000
#define CHOKER_NEW_WEIGHT 3	/* new peers' weight in the optimistic draw */

/* What the choker knows of one connected peer. */
struct choker_peer {
	uint64_t id;		/* caller's stable handle, never 0 */
	int interested;		/* the peer wants our data */
	uint64_t rate_from;	/* bytes/s it sends us (rolling window) */
	uint64_t rate_to;	/* bytes/s we send it */
	int64_t connected_ms;	/* when the connection was made */
	int64_t last_block_ms;	/* last block it sent us (connect time if none) */
	/* Decision, written by choker_run: */
	int unchoke;		/* 1: unchoked */
	int optimistic;		/* 1: that unchoke is the optimistic one */
};

struct choker_config {
	unsigned slots;		/* regular unchoke slots */
	int64_t rechoke_ms;
	int64_t optimistic_ms;
	int64_t snub_ms;
};

struct choker {
	struct choker_config cfg;
	int64_t next_rechoke;	/* when choker_due becomes true */
	int64_t next_optimistic;	/* when the optimistic slot rotates */
	uint64_t optimistic_id;	/* current optimistic peer, 0 if none */
	uint64_t rng;
};

/* The textbook values: 4 slots, 10 s, 30 s, 60 s. */
void choker_config_default(struct choker_config *cfg);

/* A choker that will rechoke (and pick an optimistic peer) at time now. */
void choker_init(struct choker *c, const struct choker_config *cfg,
    int64_t now, uint64_t seed);

/* 1 when a rechoke is due at time now. */
int choker_due(const struct choker *c, int64_t now);

/*
 * Rechokes: decides for each of the n peers whether it is unchoked (and
 * whether optimistically), by download rate, or by upload rate when seeding.
 * Rotates the optimistic peer when the optimistic interval has passed or the
 * current one is gone, uninterested, or won a regular slot; draws one more
 * optimistic unchoke (anew at every rechoke) for each regular slot left empty.
 * Schedules the next rechoke.  Returns the number of peers unchoked.
 */
size_t choker_run(struct choker *c, struct choker_peer *peers, size_t n,
    int64_t now, int seeding);

/* 1 if peer is snubbing us at time now (no block for snub_ms). */
int choker_snubbed(const struct choker *c, const struct choker_peer *peer,
    int64_t now);

#endif
