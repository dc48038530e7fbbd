/*
 * bitfield.h — one bit per piece: which pieces a peer (or we) have.
 *
 * The layout is the wire's (BEP 3): piece 0 is the high bit of byte 0, and the
 * bits past the last piece ("spare bits") are zero.  Keeping that layout means
 * a bitfield message is loaded and sent with one memcpy, and a bitfield
 * with spare bits set is recognised as malformed.  The set-bit count is kept
 * up to date so "is the peer a seed?" costs nothing.
 */
#ifndef BITFIELD_H
#define BITFIELD_H

#include <stddef.h>
#include <stdint.h>

struct bitfield {
	uint8_t *bits;		/* bitfield_bytes(nbits) bytes */
	uint32_t nbits;
	uint32_t count;		/* bits set */
};

/* Bytes needed for nbits bits. */
size_t bitfield_bytes(uint32_t nbits);

/* An all-zero bitfield of nbits bits.  Returns 0, or -1 (ENOMEM). */
int bitfield_init(struct bitfield *b, uint32_t nbits);
void bitfield_free(struct bitfield *b);

/* i must be < nbits. */
int bitfield_get(const struct bitfield *b, uint32_t i);
void bitfield_set(struct bitfield *b, uint32_t i);
void bitfield_clear(struct bitfield *b, uint32_t i);
void bitfield_set_all(struct bitfield *b);
int bitfield_full(const struct bitfield *b);

/*
 * Replaces b's bits with a bitfield message's payload.  Returns 0, or -1 when
 * len is not bitfield_bytes(nbits) or a spare bit is set (b is unchanged).
 */
int bitfield_load(struct bitfield *b, const uint8_t *data, size_t len);

/* 1 if have has a bit that want lacks, i.e. "want is interested in have". */
int bitfield_has_missing(const struct bitfield *have,
    const struct bitfield *want);

#endif
