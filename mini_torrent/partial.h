/*
 * partial.h — pieces being downloaded: their bytes, and who sent each block.
 *
 * Blocks of a piece arrive from several peers, in any order.  Their bytes wait
 * here until the last one is in and the whole piece can be hashed; the sender
 * of each block is remembered so that, when the hash check fails, the peers
 * whose data was in it can be blamed.  A finished piece's buffer is kept for
 * the next one (fresh memory costs a page fault per 4 KiB).  Plain data: the
 * session decides what to store and when a piece is done.
 *
 * Each block sits after PARTIAL_GAP spare bytes, the size of a piece
 * message's header: a read can then bring a block's whole message in place
 * (header in the gap, block where it belongs) for the wire parser to judge,
 * and the blocks of a piece sent in order are one run of memory, as they are
 * on the wire (session_recv_plan).  So a piece is not one run of bytes: it is
 * hashed block by block as the blocks complete in order, while they are
 * still in the cache, and written block by block.
 */
#ifndef PARTIAL_H
#define PARTIAL_H

#include <stddef.h>
#include <stdint.h>

#include "sha1.h"

#define PARTIAL_SPARE 32	/* finished pieces' buffers kept for reuse */
#define PARTIAL_GAP 13		/* room before each block: WIRE_PIECE_HDR */

struct partial_piece {
	uint8_t *data;		/* NULL unless the piece is started */
	uint64_t *from;		/* per block: who sent it (0: nobody yet) */
	uint32_t nblocks;
	uint32_t size;		/* the piece's bytes */
	uint32_t hashed;	/* blocks hashed: the first ones, in order */
	struct sha1_ctx sha;
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

/* Makes room for piece, of size bytes (<= piece_len).  Returns 1 if it is
 * new, 0 if it was started already, -1 on ENOMEM. */
int partial_start(struct partial *pp, uint32_t piece, uint32_t size);
int partial_started(const struct partial *pp, uint32_t piece);
/* Where the block at begin (a multiple of PICKER_BLOCK_LEN inside a started
 * piece) lives; the PARTIAL_GAP bytes before it are free for its header. */
uint8_t *partial_block(const struct partial *pp, uint32_t piece,
    uint32_t begin);
/* 1 if the block at begin of a started piece is in. */
int partial_has(const struct partial *pp, uint32_t piece, uint32_t begin);
/* Stores the block at begin of a started piece, len bytes sent by from (never
 * 0), unless data is already partial_block's place (received in place).  The
 * caller checked that the block lies inside the piece and is not in yet. */
void partial_put(struct partial *pp, uint32_t piece, uint32_t begin,
    const uint8_t *data, size_t len, uint64_t from);
/* The SHA-1 of a started piece whose blocks are all in. */
void partial_digest(const struct partial *pp, uint32_t piece,
    unsigned char md[SHA1_LEN]);
/* How much of piece came from id: 0 nothing, 1 some blocks, 2 all of it. */
unsigned partial_blame(const struct partial *pp, uint32_t piece, uint64_t id);
/* Forgets piece's bytes; its buffer is kept for another piece. */
void partial_drop(struct partial *pp, uint32_t piece);

#endif
