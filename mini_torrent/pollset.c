/*
 * pollset.c — poll()'s array and its slot names.  See pollset.h.
 */
#include <stdlib.h>

#include "pollset.h"

void
pollset_clear(struct pollset *ps)
{
	ps->n = 0;
}

/* Grows the three arrays to cap entries.  Returns 0, or -1. */
static int
grow(struct pollset *ps, size_t cap)
{
	struct pollfd *fds = realloc(ps->fds, cap * sizeof(*fds));
	struct peer **peer;
	enum pollset_slot *kind;

	if (fds == NULL)
		return -1;
	ps->fds = fds;
	if ((peer = realloc(ps->peer, cap * sizeof(*peer))) == NULL)
		return -1;
	ps->peer = peer;
	if ((kind = realloc(ps->kind, cap * sizeof(*kind))) == NULL)
		return -1;
	ps->kind = kind;
	ps->cap = cap;
	return 0;
}

int
pollset_add(struct pollset *ps, int fd, short events, enum pollset_slot kind,
    struct peer *p)
{
	if (ps->n == ps->cap && grow(ps, ps->cap ? ps->cap * 2 : 64) < 0)
		return -1;
	ps->fds[ps->n] = (struct pollfd){ .fd = fd, .events = events };
	ps->peer[ps->n] = p;
	ps->kind[ps->n] = kind;
	ps->n++;
	return 0;
}

void
pollset_free(struct pollset *ps)
{
	free(ps->fds);
	free(ps->peer);
	free(ps->kind);
	ps->fds = NULL;
	ps->peer = NULL;
	ps->kind = NULL;
	ps->n = ps->cap = 0;
}
