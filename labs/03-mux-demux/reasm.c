/*
 * reasm.c — reassembly of segments into messages (see reasm.h).
 *
 * Partial messages sit in one array in arrival order, oldest first, so the
 * oldest is the one to evict and the first to time out.  Each has one slot
 * per segment holding a private copy of that segment's payload: segments may
 * have any size up to the sender's MSS, so a slot index, not a byte offset, is
 * what places a piece.  The message is concatenated only once it is complete.
 *
 * Once a message is complete its partial is gone, so a late duplicate of one
 * of its pieces would start the message over (and a duplicated one-piece
 * message would be delivered twice).  A small ring remembers the last
 * REASM_DONE_MAX completed messages for timeout_ms to catch those copies.
 */
#include "reasm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct reasm_slot {
	uint8_t *data;		/* NULL while empty or for an empty payload */
	uint16_t len;
	uint8_t full;
};

struct reasm_partial {
	struct reasm_key key;
	uint16_t dst_port;
	uint16_t count, have;	/* slots, and how many are full */
	size_t len;		/* payload bytes held */
	size_t cost;		/* what it counts against max_bytes */
	long first_ms;		/* arrival of its first segment */
	struct reasm_slot *slots;
};

/* A message completed lately: later copies of its pieces are duplicates. */
struct reasm_done {
	struct reasm_key key;
	long at_ms;
	int used;
};

struct reasm {
	struct reasm_config cfg;
	struct reasm_partial **partials;	/* oldest first */
	struct reasm_done done[REASM_DONE_MAX];	/* a ring */
	int done_next;
	struct reasm_stats stats;
};

static const char *const reasm_status_names[REASM_STATUS_COUNT] = {
	[REASM_PARTIAL] = "partial",
	[REASM_COMPLETE] = "complete",
	[REASM_DUPLICATE] = "duplicate",
	[REASM_INCONSISTENT] = "inconsistent",
	[REASM_OVERSIZED] = "oversized",
	[REASM_NO_MEMORY] = "no memory",
};

const char *
reasm_status_name(enum reasm_status s)
{
	if ((int)s < 0 || s >= REASM_STATUS_COUNT)
		return "unknown status";
	return reasm_status_names[s];
}

struct reasm *
reasm_new(const struct reasm_config *cfg)
{
	struct reasm *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->cfg = *cfg;
	r->partials = calloc((size_t)cfg->max_partials, sizeof(*r->partials));
	if (r->partials == NULL) {
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	return r;
}

/* Frees the i-th partial message and closes the gap, keeping the order. */
static void
reasm_drop(struct reasm *r, int i)
{
	struct reasm_partial *p = r->partials[i];

	for (uint16_t k = 0; k < p->count; k++)
		free(p->slots[k].data);
	r->stats.bytes -= p->cost;
	free(p->slots);
	free(p);
	r->stats.partials--;
	memmove(&r->partials[i], &r->partials[i + 1],
	    (size_t)(r->stats.partials - i) * sizeof(*r->partials));
}

void
reasm_free(struct reasm *r)
{
	if (r == NULL)
		return;
	while (r->stats.partials > 0)
		reasm_drop(r, 0);
	free(r->partials);
	free(r);
}

static int
reasm_key_equal(const struct reasm_key *a, const struct reasm_key *b)
{
	return a->host.ip == b->host.ip && a->host.port == b->host.port &&
	    a->port == b->port && a->msg_id == b->msg_id;
}

static int
reasm_find(const struct reasm *r, const struct reasm_key *key)
{
	for (int i = 0; i < r->stats.partials; i++)
		if (reasm_key_equal(&r->partials[i]->key, key))
			return i;
	return -1;
}

/*
 * Evicts the oldest partial messages other than keep until cost more bytes
 * fit (and, if keep is -1, one more partial message).  Returns the new index
 * of keep (or 0 if keep is -1), or -1 if it cannot make room.
 */
static int
reasm_make_room(struct reasm *r, int keep, size_t cost)
{
	for (;;) {
		int full = keep == -1 && r->stats.partials == r->cfg.max_partials;
		int victim = keep == 0 ? 1 : 0;

		if (!full && r->stats.bytes + cost <= r->cfg.max_bytes)
			return keep == -1 ? 0 : keep;
		if (victim >= r->stats.partials)
			return -1;
		reasm_drop(r, victim);
		r->stats.evicted++;
		if (keep > victim)
			keep--;
	}
}

/* Starts a partial message for s.  Returns its index, or -1 (no memory). */
static int
reasm_start(struct reasm *r, const struct reasm_key *key, const struct segment *s,
    long now_ms)
{
	struct reasm_partial *p;
	size_t base = sizeof(*p) + (size_t)s->count * sizeof(struct reasm_slot);

	if (base > r->cfg.max_bytes || reasm_make_room(r, -1, base) == -1)
		return -1;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -1;
	if ((p->slots = calloc(s->count, sizeof(*p->slots))) == NULL) {
		free(p);
		return -1;
	}
	p->key = *key;
	p->dst_port = s->dst_port;
	p->count = s->count;
	p->cost = base;
	p->first_ms = now_ms;
	r->stats.bytes += base;
	r->partials[r->stats.partials++] = p;
	return r->stats.partials - 1;
}

/* Concatenates the slots of a complete partial message into *out. */
static int
reasm_assemble(const struct reasm_partial *p, struct reasm_message *out)
{
	size_t off = 0;

	if ((out->data = malloc(p->len ? p->len : 1)) == NULL)
		return -1;
	for (uint16_t k = 0; k < p->count; k++) {
		if (p->slots[k].len > 0)
			memcpy(out->data + off, p->slots[k].data, p->slots[k].len);
		off += p->slots[k].len;
	}
	out->len = p->len;
	out->dst_port = p->dst_port;
	return 0;
}

/*
 * Copies the payload of s into slot s->index of p and counts it.  Returns 0,
 * or -1 if memory ran out.
 */
static int
reasm_put(struct reasm_partial *p, const struct segment *s)
{
	/* TODO: copy the payload into the slot its index names; count the slot and its bytes */
	return -1;
}

/*
 * Stores s in partial message i (which has room for it), and on the last
 * missing slot hands the message out and drops the partial.
 */
static enum reasm_status
reasm_store(struct reasm *r, int i, const struct segment *s, struct reasm_message *out)
{
	struct reasm_partial *p = r->partials[i];

	if (reasm_put(p, s) == -1) {
		reasm_drop(r, i);
		r->stats.no_memory++;
		return REASM_NO_MEMORY;
	}
	p->cost += s->payload_len;
	r->stats.bytes += s->payload_len;
	if (p->have < p->count)
		return REASM_PARTIAL;
	if (reasm_assemble(p, out) == -1) {
		reasm_drop(r, i);
		r->stats.no_memory++;
		return REASM_NO_MEMORY;
	}
	reasm_drop(r, i);
	r->stats.completed++;
	return REASM_COMPLETE;
}

/*
 * Checks segment s against partial message i.  Returns REASM_PARTIAL if it
 * may be stored, else why not (an oversized message is dropped here).
 */
static enum reasm_status
reasm_check(struct reasm *r, int i, const struct segment *s)
{
	/* TODO: ignore segments that disagree with their message or fill a full slot; drop a message that grows too big */
	return REASM_PARTIAL;
}

/* 1 if the message key completed less than timeout_ms ago. */
static int
reasm_recently_done(const struct reasm *r, const struct reasm_key *key, long now_ms)
{
	for (int i = 0; i < REASM_DONE_MAX; i++)
		if (r->done[i].used && reasm_key_equal(&r->done[i].key, key) &&
		    now_ms - r->done[i].at_ms < r->cfg.timeout_ms)
			return 1;
	return 0;
}

static void
reasm_remember_done(struct reasm *r, const struct reasm_key *key, long now_ms)
{
	r->done[r->done_next] = (struct reasm_done){ .key = *key, .at_ms = now_ms, .used = 1 };
	r->done_next = (r->done_next + 1) % REASM_DONE_MAX;
}

enum reasm_status
reasm_add(struct reasm *r, const struct reasm_key *key, const struct segment *s,
    long now_ms, struct reasm_message *out)
{
	int i = reasm_find(r, key);
	enum reasm_status st;

	if (i == -1 && reasm_recently_done(r, key, now_ms)) {
		r->stats.duplicates++;
		return REASM_DUPLICATE;
	}
	if (i == -1 && (i = reasm_start(r, key, s, now_ms)) == -1) {
		r->stats.no_memory++;
		return REASM_NO_MEMORY;
	}
	if ((st = reasm_check(r, i, s)) != REASM_PARTIAL)
		return st;
	if ((i = reasm_make_room(r, i, s->payload_len)) == -1) {
		reasm_drop(r, reasm_find(r, key));
		r->stats.no_memory++;
		return REASM_NO_MEMORY;
	}
	if ((st = reasm_store(r, i, s, out)) == REASM_COMPLETE)
		reasm_remember_done(r, key, now_ms);
	return st;
}

int
reasm_expire(struct reasm *r, long now_ms)
{
	int n = 0;

	for (int i = 0; i < r->stats.partials;) {
		if (now_ms - r->partials[i]->first_ms >= r->cfg.timeout_ms) {
			reasm_drop(r, i);
			n++;
		} else
			i++;
	}
	r->stats.timed_out += (unsigned long)n;
	return n;
}

long
reasm_next_deadline(const struct reasm *r)
{
	long next = -1;

	for (int i = 0; i < r->stats.partials; i++) {
		long d = r->partials[i]->first_ms + r->cfg.timeout_ms;

		if (next == -1 || d < next)
			next = d;
	}
	return next;
}

const struct reasm_stats *
reasm_stats(const struct reasm *r)
{
	return &r->stats;
}
