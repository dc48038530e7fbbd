/*
 * candidates.c — the table of addresses to dial (see candidates.h).
 *
 * A plain array scanned from the start: at most CANDIDATES_MAX entries, and
 * the loop looks at it twice a second, so a search structure would cost more
 * reading than it saves running.
 */
#include "candidates.h"

#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "rng.h"

int
candidates_init(struct candidates *t)
{
	t->n = 0;
	t->c = calloc(CANDIDATES_MAX, sizeof(*t->c));
	return t->c == NULL ? -1 : 0;
}

void
candidates_free(struct candidates *t)
{
	free(t->c);
	t->c = NULL;
	t->n = 0;
}

static struct candidate *
find(const struct candidates *t, const struct sockaddr *addr)
{
	for (size_t i = 0; i < t->n; i++)
		if (net_addr_equal((const struct sockaddr *)&t->c[i].addr, addr))
			return &t->c[i];
	return NULL;
}

void
candidates_add(struct candidates *t, const struct sockaddr *addr,
    socklen_t len)
{
	struct candidate *c = find(t, addr);

	if (c != NULL) {
		c->fails = 0;
		return;
	}
	if (t->n == CANDIDATES_MAX || len > sizeof(c->addr))
		return;
	c = &t->c[t->n++];
	memset(c, 0, sizeof(*c));
	memcpy(&c->addr, addr, len);
	c->len = len;
}

void
candidates_retire(struct candidates *t, const struct sockaddr *addr)
{
	struct candidate *c = find(t, addr);

	if (c != NULL)
		c->fails = CANDIDATES_MAX_FAILS;
}

int
candidates_dialable(const struct candidate *c, int64_t now)
{
	return c->fails < CANDIDATES_MAX_FAILS && c->next_try_ms <= now;
}

struct candidate *
candidates_pick(struct candidates *t, int64_t now, uint64_t *rng,
    candidates_busy_fn *busy, void *ctx)
{
	size_t eligible = 0, pick = 0;
	struct candidate *c;

	for (size_t i = 0; i < t->n; i++) {
		if (!candidates_dialable(&t->c[i], now) || (busy != NULL &&
		    busy(ctx, (const struct sockaddr *)&t->c[i].addr)))
			continue;
		/* Reservoir sampling: the k-th eligible one replaces the
		 * pick with probability 1/k. */
		if (rng_below(rng, ++eligible) == 0)
			pick = i;
	}
	if (eligible == 0)
		return NULL;
	c = &t->c[pick];
	/* Back off: a neighbour we lose is not redialled at once. */
	c->next_try_ms = now + CANDIDATES_RETRY_MS * (int64_t)(1 + c->fails);
	c->fails++;
	return c;
}

size_t
candidates_left(const struct candidates *t, candidates_busy_fn *busy,
    void *ctx)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += t->c[i].fails < CANDIDATES_MAX_FAILS && (busy == NULL ||
		    !busy(ctx, (const struct sockaddr *)&t->c[i].addr));
	return n;
}
