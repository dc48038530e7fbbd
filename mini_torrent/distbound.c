/*
 * distbound.c — the distribution-time bounds (see distbound.h).
 *
 * Each bound is built the same way: compute the terms it uses, then take the
 * largest.  Keeping every term (not just the maximum) is what lets mt-swarm
 * say *why* a swarm cannot be faster: the server's upload, the slowest
 * download, or the swarm's total upload capacity.
 */
#include "distbound.h"

#include <errno.h>
#include <math.h>

static const char *const term_names[DISTBOUND_TERM_COUNT] = {
	[DISTBOUND_SERVER_ALL] = "NF/u_s",
	[DISTBOUND_SERVER_ONE] = "F/u_s",
	[DISTBOUND_DOWNLOAD] = "F/d_min",
	[DISTBOUND_AGGREGATE] = "NF/(u_s+sum u_i)",
};

const char *
distbound_term_name(enum distbound_term t)
{
	return (unsigned)t < DISTBOUND_TERM_COUNT ? term_names[t] : "?";
}

static int
valid_rate(double r)
{
	return isfinite(r) && r >= 0;
}

static int
check(const struct distbound_params *p)
{
	if (!isfinite(p->file) || p->file <= 0 || p->n == 0 ||
	    !isfinite(p->us) || p->us <= 0 || !valid_rate(p->ui_sum) ||
	    !valid_rate(p->dmin)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* Computes every term, then keeps those in mask and picks the largest. */
static int
bound(const struct distbound_params *p, unsigned mask, struct distbound *b)
{
	double nf = (double)p->n * p->file;

	if (check(p) < 0)
		return -1;
	b->term[DISTBOUND_SERVER_ALL] = nf / p->us;
	b->term[DISTBOUND_SERVER_ONE] = p->file / p->us;
	b->term[DISTBOUND_DOWNLOAD] = p->dmin > 0 ? p->file / p->dmin : 0;
	b->term[DISTBOUND_AGGREGATE] = nf / (p->us + p->ui_sum);
	b->seconds = -1;
	b->dominant = DISTBOUND_TERM_COUNT;
	for (int t = 0; t < DISTBOUND_TERM_COUNT; t++) {
		b->used[t] = (mask >> t) & 1;
		if (b->used[t] && b->term[t] > b->seconds) {
			b->seconds = b->term[t];
			b->dominant = (enum distbound_term)t;
		}
	}
	return 0;
}

int
distbound_cs(const struct distbound_params *p, struct distbound *b)
{
	return bound(p, 1u << DISTBOUND_SERVER_ALL | 1u << DISTBOUND_DOWNLOAD, b);
}

int
distbound_p2p(const struct distbound_params *p, struct distbound *b)
{
	return bound(p, 1u << DISTBOUND_SERVER_ONE | 1u << DISTBOUND_DOWNLOAD |
	    1u << DISTBOUND_AGGREGATE, b);
}
