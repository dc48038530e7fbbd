/*
 * picker.h — which block to ask a peer for next.
 *
 * The picker is the downloader's memory: how many neighbours have each piece
 * (availability, from their bitfields and haves), which pieces are started
 * ("active") and, inside each, which 16 KiB blocks are received and how many
 * requests are out for each.  Its policy, in order:
 *
 *   1. finish partial pieces first: a block nobody has been asked for, from
 *      the oldest active piece the peer has;
 *   2. otherwise start a new piece the peer has: at random while we have
 *      fewer than random_first pieces (a rare piece is slow to get, and the
 *      first pieces matter most because they are what we can trade), then
 *      rarest first, choosing at random among the equally rare;
 *   3. endgame: when every missing block has been requested, a peer with
 *      nothing outstanding (idle) asks again for a block already requested
 *      from others, the one with the fewest requests (the caller cancels the
 *      duplicates when one copy arrives), so one slow peer cannot hold up the
 *      last piece.  Only an idle peer: every duplicate that arrives second
 *      is upload capacity the swarm wasted.
 *
 * It never sees a socket or a peer: the caller passes the peer's bitfield and
 * a predicate "did this peer already ask for that block?".  Randomness comes
 * from a seeded state (rng.h), so runs are reproducible.
 */
#ifndef PICKER_H
#define PICKER_H

#include <stddef.h>
#include <stdint.h>

#include "bitfield.h"

#define PICKER_BLOCK_LEN 16384
#define PICKER_RANDOM_FIRST 4	/* default: random pieces until we have 4 */

struct picker_block {
	uint32_t piece;
	uint32_t begin;		/* byte offset in the piece */
	uint32_t length;	/* PICKER_BLOCK_LEN, less at a piece's end */
	int duplicate;		/* endgame: already requested from another peer */
};

struct picker_active {
	uint32_t piece;
	uint32_t nblocks;
	uint32_t nreceived;
	uint32_t nunrequested;	/* blocks neither received nor requested */
	uint8_t *requested;	/* per block: requests outstanding */
	uint8_t *received;	/* per block: 0 or 1 */
};

/* Callers read npieces and have, and may set max_active and random_first
 * before the first pick; the rest is the picker's own. */
struct picker {
	uint32_t npieces;
	uint32_t piece_len;
	uint32_t last_len;	/* length of the last piece */
	struct bitfield have;	/* verified pieces */
	uint32_t *avail;	/* neighbours that have each piece */
	int32_t *slot;		/* piece -> index in active[], or -1 */
	struct picker_active *active;
	size_t nactive, cap;
	size_t max_active;	/* soft cap on started pieces (memory) */
	uint32_t random_first;
	uint64_t rng;
};

/* "Has this peer already an outstanding request for that block?" */
typedef int (*picker_asked_fn)(void *ctx, uint32_t piece, uint32_t begin);

/*
 * Sets up a picker for total_len bytes in pieces of piece_len (the last one
 * shorter); total_len > 0 and the piece count must fit in int32.  Returns 0,
 * or -1 (EINVAL, ENOMEM).
 */
int picker_init(struct picker *p, uint64_t total_len, uint32_t piece_len,
    uint64_t seed);
void picker_free(struct picker *p);

uint32_t picker_piece_size(const struct picker *p, uint32_t piece);
uint32_t picker_block_count(const struct picker *p, uint32_t piece);

/* Availability: a neighbour's bitfield arrived, a have, a neighbour left. */
void picker_add_peer(struct picker *p, const struct bitfield *has);
void picker_add_have(struct picker *p, uint32_t piece);
void picker_remove_peer(struct picker *p, const struct bitfield *has);

/*
 * Chooses the next block to request from a peer that has `has`.  idle says the
 * peer has no request outstanding (it may then start a piece beyond the soft
 * cap, so a peer is never starved by pieces only others can finish, and in
 * endgame it may duplicate another peer's request).  asked
 * may be NULL outside endgame.  Returns 1 and fills *out (counting the request
 * as outstanding), or 0 when there is nothing to ask this peer for.
 */
int picker_next(struct picker *p, const struct bitfield *has, int idle,
    picker_asked_fn asked, void *ctx, struct picker_block *out);

/* The rarest-first step alone: a new piece for a peer with `has`, or -1. */
int64_t picker_pick_new(struct picker *p, const struct bitfield *has);

/* Neighbours that have piece (its availability). */
uint32_t picker_avail(const struct picker *p, uint32_t piece);
/*
 * For the log of a pick: the lowest availability among the pieces a peer with
 * `has` offered when piece was started (piece itself, and every piece we
 * neither have nor have started).  UINT32_MAX if there is none.
 */
uint32_t picker_min_avail(const struct picker *p, const struct bitfield *has,
    uint32_t piece);

/*
 * One outstanding request for the block ended without (or after) its data:
 * answered, cancelled, choked away, or the peer left.  The block goes back to
 * the pool when no other request for it is out.
 */
void picker_request_done(struct picker *p, uint32_t piece, uint32_t begin);

enum picker_recv {
	PICKER_USELESS,		/* not an active piece, or block already had */
	PICKER_BLOCK,		/* stored; the piece still misses blocks */
	PICKER_PIECE_DONE	/* that was the last block: verify the piece */
};
enum picker_recv picker_block_received(struct picker *p, uint32_t piece,
    uint32_t begin);

/* Requests out for the block (0 if the piece is not active). */
unsigned picker_requests_out(const struct picker *p, uint32_t piece,
    uint32_t begin);

/* The piece passed its hash check (or was found on disk): we have it. */
void picker_piece_verified(struct picker *p, uint32_t piece);
/* The piece failed its hash check: forget its blocks, fetch it again. */
void picker_piece_failed(struct picker *p, uint32_t piece);

/* 1 when every missing block has at least one request out (endgame). */
int picker_endgame(const struct picker *p);
int picker_complete(const struct picker *p);

#endif
