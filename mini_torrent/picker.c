/*
 * picker.c — piece and block selection (see picker.h).
 *
 * Active pieces live in an array kept in the order they were started, so
 * "finish partial pieces first" finishes the oldest first; slot[] maps a
 * piece to its place there.  Choosing a new piece is a linear scan of the
 * availability counts: it runs once per piece (not per block), and a scan
 * over a few thousand integers is cheaper than keeping a priority structure
 * in step with every have message.
 */
#include "picker.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

int
picker_init(struct picker *p, uint64_t total_len, uint32_t piece_len,
    uint64_t seed)
{
	uint64_t n;

	memset(p, 0, sizeof(*p));
	if (total_len == 0 || piece_len == 0)
		goto invalid;
	n = (total_len + piece_len - 1) / piece_len;
	if (n > INT32_MAX)
		goto invalid;
	p->npieces = (uint32_t)n;
	p->piece_len = piece_len;
	p->last_len = (uint32_t)(total_len - (n - 1) * piece_len);
	p->random_first = PICKER_RANDOM_FIRST;
	p->max_active = 64;
	p->rng = seed;
	if (bitfield_init(&p->have, p->npieces) < 0)
		return -1;
	p->avail = calloc(n, sizeof(*p->avail));
	p->slot = malloc(n * sizeof(*p->slot));
	if (p->avail == NULL || p->slot == NULL) {
		picker_free(p);
		errno = ENOMEM;
		return -1;
	}
	for (uint32_t i = 0; i < p->npieces; i++)
		p->slot[i] = -1;
	return 0;
invalid:
	errno = EINVAL;
	return -1;
}

void
picker_free(struct picker *p)
{
	for (size_t i = 0; i < p->nactive; i++) {
		free(p->active[i].requested);
		free(p->active[i].received);
	}
	free(p->active);
	free(p->avail);
	free(p->slot);
	bitfield_free(&p->have);
	memset(p, 0, sizeof(*p));
}

uint32_t
picker_piece_size(const struct picker *p, uint32_t piece)
{
	return piece + 1 == p->npieces ? p->last_len : p->piece_len;
}

uint32_t
picker_block_count(const struct picker *p, uint32_t piece)
{
	return (picker_piece_size(p, piece) + PICKER_BLOCK_LEN - 1) /
	    PICKER_BLOCK_LEN;
}

void
picker_add_peer(struct picker *p, const struct bitfield *has)
{
	for (uint32_t i = 0; i < p->npieces; i++)
		p->avail[i] += (uint32_t)bitfield_get(has, i);
}

void
picker_add_have(struct picker *p, uint32_t piece)
{
	p->avail[piece]++;
}

void
picker_remove_peer(struct picker *p, const struct bitfield *has)
{
	for (uint32_t i = 0; i < p->npieces; i++)
		if (bitfield_get(has, i) && p->avail[i] > 0)
			p->avail[i]--;
}

/* The active entry of piece, or NULL. */
static struct picker_active *
active_of(const struct picker *p, uint32_t piece)
{
	if (piece >= p->npieces || p->slot[piece] < 0)
		return NULL;
	return &p->active[p->slot[piece]];
}

static void
fill_block(const struct picker *p, uint32_t piece, uint32_t b,
    struct picker_block *out)
{
	uint32_t size = picker_piece_size(p, piece);

	out->piece = piece;
	out->begin = b * PICKER_BLOCK_LEN;
	out->length = size - out->begin < PICKER_BLOCK_LEN ?
	    size - out->begin : PICKER_BLOCK_LEN;
}

/* Counts one more request out for block b of a. */
static void
mark_requested(struct picker_active *a, uint32_t b)
{
	if (a->requested[b] == 0 && !a->received[b])
		a->nunrequested--;
	if (a->requested[b] < UINT8_MAX)
		a->requested[b]++;
}

/* Starts piece as active.  Returns its entry, or NULL (ENOMEM). */
static struct picker_active *
start_piece(struct picker *p, uint32_t piece)
{
	struct picker_active *a;
	uint32_t nb = picker_block_count(p, piece);

	if (p->nactive == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 16;
		struct picker_active *na = realloc(p->active,
		    ncap * sizeof(*na));

		if (na == NULL)
			return NULL;
		p->active = na;
		p->cap = ncap;
	}
	a = &p->active[p->nactive];
	memset(a, 0, sizeof(*a));
	a->requested = calloc(nb, 1);
	a->received = calloc(nb, 1);
	if (a->requested == NULL || a->received == NULL) {
		free(a->requested);
		free(a->received);
		return NULL;
	}
	a->piece = piece;
	a->nblocks = a->nunrequested = nb;
	p->slot[piece] = (int32_t)p->nactive++;
	return a;
}

static void
drop_active(struct picker *p, uint32_t piece)
{
	int32_t s = p->slot[piece];

	if (s < 0)
		return;
	free(p->active[s].requested);
	free(p->active[s].received);
	memmove(&p->active[s], &p->active[s + 1],
	    (p->nactive - (size_t)s - 1) * sizeof(p->active[0]));
	p->nactive--;
	p->slot[piece] = -1;
	for (size_t i = (size_t)s; i < p->nactive; i++)
		p->slot[p->active[i].piece] = (int32_t)i;
}

/* Is piece one we could start for a peer with `has`? */
static int
startable(const struct picker *p, const struct bitfield *has, uint32_t i)
{
	return bitfield_get(has, i) && !bitfield_get(&p->have, i) &&
	    p->slot[i] < 0;
}

int64_t
picker_pick_new(struct picker *p, const struct bitfield *has)
{
	int64_t best = -1;
	uint32_t ties = 0;

	if (p->have.count < p->random_first) {
		/* Random first: every candidate ties. */
		for (uint32_t i = 0; i < p->npieces; i++)
			if (startable(p, has, i) && rng_below(&p->rng, ++ties) == 0)
				best = i;
		return best;
	}
	/* SOLUTION BEGIN: rarest first: the startable piece with the lowest availability, a random one among ties */
	/* SOLUTION STUB: return -1; */
	uint32_t best_avail = UINT32_MAX;

	for (uint32_t i = 0; i < p->npieces; i++) {
		if (!startable(p, has, i) || p->avail[i] > best_avail)
			continue;
		if (p->avail[i] < best_avail) {
			best_avail = p->avail[i];
			ties = 0;
		}
		/* Reservoir sampling: the k-th tie wins with probability 1/k. */
		if (rng_below(&p->rng, ++ties) == 0)
			best = i;
	}
	return best;
	/* SOLUTION END */
}

uint32_t
picker_avail(const struct picker *p, uint32_t piece)
{
	return p->avail[piece];
}

uint32_t
picker_min_avail(const struct picker *p, const struct bitfield *has,
    uint32_t piece)
{
	uint32_t min = UINT32_MAX;

	for (uint32_t i = 0; i < p->npieces; i++)
		if (bitfield_get(has, i) && !bitfield_get(&p->have, i) &&
		    (i == piece || p->slot[i] < 0) && p->avail[i] < min)
			min = p->avail[i];
	return min;
}

/* Endgame: the not-yet-received block this peer did not ask for, fewest
 * requests out first.  Returns 1 and fills *out, or 0. */
static int
pick_duplicate(struct picker *p, const struct bitfield *has,
    picker_asked_fn asked, void *ctx, struct picker_block *out)
{
	/* SOLUTION BEGIN: endgame: over every active piece the peer has, the block
	 * neither received nor already asked of this peer (asked(ctx, piece, begin),
	 * when asked is not NULL) with the fewest requests out (requested[b]);
	 * fill *out, set out->duplicate when another peer has it, count the request */
	/* SOLUTION STUB: return 0; */
	struct picker_active *best = NULL;
	uint32_t best_b = 0;

	for (size_t i = 0; i < p->nactive; i++) {
		struct picker_active *a = &p->active[i];

		if (!bitfield_get(has, a->piece))
			continue;
		for (uint32_t b = 0; b < a->nblocks; b++) {
			if (a->received[b] || (asked != NULL &&
			    asked(ctx, a->piece, b * PICKER_BLOCK_LEN)))
				continue;
			if (best == NULL || a->requested[b] < best->requested[best_b]) {
				best = a;
				best_b = b;
			}
		}
	}
	if (best == NULL)
		return 0;
	fill_block(p, best->piece, best_b, out);
	out->duplicate = best->requested[best_b] > 0;
	mark_requested(best, best_b);
	return 1;
	/* SOLUTION END */
}

int
picker_next(struct picker *p, const struct bitfield *has, int idle,
    picker_asked_fn asked, void *ctx, struct picker_block *out)
{
	struct picker_active *a;
	int64_t piece;

	memset(out, 0, sizeof(*out));
	/* SOLUTION BEGIN: the pipeline's strict priority: finish started pieces
	 * first.  In the oldest active piece this peer has (p->active[] is in the
	 * order pieces were started) whose nunrequested is not 0, the first block
	 * neither received nor requested: fill_block, mark_requested, return 1.
	 * Hand out a block whatever idle says: the session calls again while the
	 * peer's pipeline has room, so several requests are out at once */
	for (size_t i = 0; i < p->nactive; i++) {
		a = &p->active[i];
		if (a->nunrequested == 0 || !bitfield_get(has, a->piece))
			continue;
		for (uint32_t b = 0; b < a->nblocks; b++) {
			if (!a->received[b] && a->requested[b] == 0) {
				fill_block(p, a->piece, b, out);
				mark_requested(a, b);
				return 1;
			}
		}
	}
	/* SOLUTION END */
	if (p->nactive < p->max_active || idle) {
		if ((piece = picker_pick_new(p, has)) >= 0) {
			if ((a = start_piece(p, (uint32_t)piece)) == NULL)
				return 0;
			fill_block(p, a->piece, 0, out);
			mark_requested(a, 0);
			return 1;
		}
	}
	if (idle && picker_endgame(p))
		return pick_duplicate(p, has, asked, ctx, out);
	return 0;
}

void
picker_request_done(struct picker *p, uint32_t piece, uint32_t begin)
{
	struct picker_active *a = active_of(p, piece);
	uint32_t b = begin / PICKER_BLOCK_LEN;

	if (a == NULL || b >= a->nblocks || a->requested[b] == 0)
		return;
	if (--a->requested[b] == 0 && !a->received[b])
		a->nunrequested++;
}

enum picker_recv
picker_block_received(struct picker *p, uint32_t piece, uint32_t begin)
{
	struct picker_active *a = active_of(p, piece);
	uint32_t b = begin / PICKER_BLOCK_LEN;

	if (a == NULL || begin % PICKER_BLOCK_LEN != 0 || b >= a->nblocks ||
	    a->received[b])
		return PICKER_USELESS;
	if (a->requested[b] == 0)
		a->nunrequested--;
	a->received[b] = 1;
	return ++a->nreceived == a->nblocks ? PICKER_PIECE_DONE : PICKER_BLOCK;
}

unsigned
picker_requests_out(const struct picker *p, uint32_t piece, uint32_t begin)
{
	/* SOLUTION BEGIN: the requests still out for the block (0 when its piece is
	 * not active or begin is past its last block): when a block arrives and
	 * this is not 0, the session sends those other peers a cancel (endgame) */
	/* SOLUTION STUB: return 0; */
	const struct picker_active *a = active_of(p, piece);
	uint32_t b = begin / PICKER_BLOCK_LEN;

	return a != NULL && b < a->nblocks ? a->requested[b] : 0;
	/* SOLUTION END */
}

void
picker_piece_verified(struct picker *p, uint32_t piece)
{
	drop_active(p, piece);
	bitfield_set(&p->have, piece);
}

void
picker_piece_failed(struct picker *p, uint32_t piece)
{
	drop_active(p, piece);
}

int
picker_endgame(const struct picker *p)
{
	/* SOLUTION BEGIN: endgame once every piece we lack is started (have.count +
	 * nactive) and no active piece has a block nobody was asked for
	 * (nunrequested); never once the download is complete */
	/* SOLUTION STUB: return 0; */
	if (p->have.count + p->nactive < p->npieces)
		return 0;
	for (size_t i = 0; i < p->nactive; i++)
		if (p->active[i].nunrequested > 0)
			return 0;
	return !picker_complete(p);
	/* SOLUTION END */
}

int
picker_complete(const struct picker *p)
{
	return bitfield_full(&p->have);
}
