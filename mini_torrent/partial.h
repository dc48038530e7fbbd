/*
 * partial.h — pieces being downloaded: their bytes, and who sent each block.
 *
 * Blocks of a piece arrive from several peers, in any order.  Their bytes wait
 * here until the last one is in and the whole piece can be hashed; the sender
 * of each block is remembered so that, when the hash check fails, the peers
 * whose data was in it can be blamed.  A finished piece's buffer is kept for
 * the next one (fresh memory costs a page fault per 4 KiB).  Plain data: the
 * session decides what to store and when a piece is done.
 */
#ifndef PARTIAL_H
#define PARTIAL_H

#include <stddef.h>
#include <stdint.h>

#define PARTIAL_SPARE 32	/* finished pieces' buffers kept for reuse */

struct partial_piece {
	uint8_t *data;		/* NULL unless the piece is started */
	uint64_t *from;		/* per block: who sent it (0: nobody yet) */
	uint32_t nblocks;
};

struct partial {
	struct partial_piece *v;	/* per piece */
	uint32_t npieces;
	size_t piece_len;
	void *spare[PARTIAL_SPARE];
	size_t nspare;
};

/* Room for npieces pieces of piece_len bytes.  Returns 0 or -1 (ENOMEM). */
int partial_init(struct partial *pp, uint32_t npieces, size_t piece_len);
void partial_free(struct partial *pp);

/* Makes room for piece, in nblocks blocks.  Returns 1 if it is new, 0 if it
 * was started already, -1 on ENOMEM. */
int partial_start(struct partial *pp, uint32_t piece, uint32_t nblocks);
int partial_started(const struct partial *pp, uint32_t piece);
/* The piece's bytes (NULL unless started). */
const uint8_t *partial_data(const struct partial *pp, uint32_t piece);
/* Stores len bytes at begin of a started piece, sent by from (never 0).  The
 * caller checked that the block lies inside the piece. */
void partial_put(struct partial *pp, uint32_t piece, uint32_t begin,
    const uint8_t *data, size_t len, uint64_t from);
/* How much of piece came from id: 0 nothing, 1 some blocks, 2 all of it. */
unsigned partial_blame(const struct partial *pp, uint32_t piece, uint64_t id);
/* Forgets piece's bytes; its buffer is kept for another piece. */
void partial_drop(struct partial *pp, uint32_t piece);

#endif
