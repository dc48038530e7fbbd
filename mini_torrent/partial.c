/*
 * partial.c — pieces being downloaded (see partial.h).
 */
#include "partial.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "picker.h"

#define BLK PICKER_BLOCK_LEN
#define STRIDE (BLK + PARTIAL_GAP)	/* a block and the gap before it */

/* Bytes of a piece buffer: every block of the longest piece, with its gap. */
static size_t
buffer_size(const struct partial *pp)
{
	return (pp->piece_len + BLK - 1) / BLK * STRIDE;
}

static uint32_t
block_len(const struct partial_piece *sp, uint32_t b)
{
	return sp->size - b * BLK < BLK ? sp->size - b * BLK : BLK;
}

int
partial_init(struct partial *pp, uint32_t npieces, size_t piece_len)
{
	memset(pp, 0, sizeof(*pp));
	pp->npieces = npieces;
	pp->piece_len = piece_len;
	if ((pp->v = calloc(npieces, sizeof(*pp->v))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
partial_free(struct partial *pp)
{
	if (pp->v != NULL) {
		for (uint32_t i = 0; i < pp->npieces; i++) {
			free(pp->v[i].data);
			free(pp->v[i].from);
		}
	}
	free(pp->v);
	while (pp->nspare > 0)
		free(pp->spare[--pp->nspare]);
	memset(pp, 0, sizeof(*pp));
}

int
partial_start(struct partial *pp, uint32_t piece, uint32_t size)
{
	struct partial_piece *sp = &pp->v[piece];
	uint32_t nblocks = (size + BLK - 1) / BLK;

	if (sp->data != NULL)
		return 0;
	sp->data = pp->nspare > 0 ? pp->spare[--pp->nspare] :
	    malloc(buffer_size(pp));
	sp->from = calloc(nblocks, sizeof(*sp->from));
	if (sp->data == NULL || sp->from == NULL) {
		free(sp->data);
		free(sp->from);
		sp->data = NULL;
		sp->from = NULL;
		return -1;
	}
	sp->nblocks = nblocks;
	sp->size = size;
	sp->hashed = 0;
	sha1_init(&sp->sha);
	return 1;
}

int
partial_started(const struct partial *pp, uint32_t piece)
{
	return pp->v[piece].data != NULL;
}

uint8_t *
partial_block(const struct partial *pp, uint32_t piece, uint32_t begin)
{
	return pp->v[piece].data + begin / BLK * STRIDE + PARTIAL_GAP;
}

int
partial_has(const struct partial *pp, uint32_t piece, uint32_t begin)
{
	return pp->v[piece].from[begin / BLK] != 0;
}

void
partial_put(struct partial *pp, uint32_t piece, uint32_t begin,
    const uint8_t *data, size_t len, uint64_t from)
{
	struct partial_piece *sp = &pp->v[piece];
	uint8_t *dst = partial_block(pp, piece, begin);

	if (dst != data)
		memcpy(dst, data, len);
	sp->from[begin / BLK] = from;
	/* Hash what now follows the hashed blocks, while it is in the cache. */
	while (sp->hashed < sp->nblocks && sp->from[sp->hashed] != 0) {
		sha1_update(&sp->sha, sp->data + sp->hashed * STRIDE +
		    PARTIAL_GAP, block_len(sp, sp->hashed));
		sp->hashed++;
	}
}

void
partial_digest(const struct partial *pp, uint32_t piece,
    unsigned char md[SHA1_LEN])
{
	struct sha1_ctx c = pp->v[piece].sha;

	sha1_final(&c, md);
}

unsigned
partial_blame(const struct partial *pp, uint32_t piece, uint64_t id)
{
	const struct partial_piece *sp = &pp->v[piece];
	unsigned mine = 0;

	for (uint32_t b = 0; b < sp->nblocks; b++)
		mine += sp->from[b] == id;
	return mine == 0 ? 0 : mine == sp->nblocks ? 2 : 1;
}

void
partial_drop(struct partial *pp, uint32_t piece)
{
	struct partial_piece *sp = &pp->v[piece];

	if (pp->nspare < PARTIAL_SPARE)
		pp->spare[pp->nspare++] = sp->data;
	else
		free(sp->data);
	free(sp->from);
	sp->data = NULL;
	sp->from = NULL;
}
