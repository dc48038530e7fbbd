/*
 * partial.c — pieces being downloaded (see partial.h).
 */
#include "partial.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "picker.h"

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
partial_start(struct partial *pp, uint32_t piece, uint32_t nblocks)
{
	struct partial_piece *sp = &pp->v[piece];

	if (sp->data != NULL)
		return 0;
	sp->data = pp->nspare > 0 ? pp->spare[--pp->nspare] :
	    malloc(pp->piece_len);
	sp->from = calloc(nblocks, sizeof(*sp->from));
	if (sp->data == NULL || sp->from == NULL) {
		free(sp->data);
		free(sp->from);
		sp->data = NULL;
		sp->from = NULL;
		return -1;
	}
	sp->nblocks = nblocks;
	return 1;
}

int
partial_started(const struct partial *pp, uint32_t piece)
{
	return pp->v[piece].data != NULL;
}

const uint8_t *
partial_data(const struct partial *pp, uint32_t piece)
{
	return pp->v[piece].data;
}

void
partial_put(struct partial *pp, uint32_t piece, uint32_t begin,
    const uint8_t *data, size_t len, uint64_t from)
{
	struct partial_piece *sp = &pp->v[piece];

	memcpy(sp->data + begin, data, len);
	sp->from[begin / PICKER_BLOCK_LEN] = from;
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
