/*
 * distbound.h — the course's lower bounds on distribution time.
 *
 * A server holds a file of F bytes; N clients want it.  The server uploads
 * at u_s bytes/s, client i uploads at u_i, and the slowest client downloads
 * at d_min.  No scheme can finish sooner than:
 *
 *   client-server  D_cs  >= max(N F / u_s,  F / d_min)
 *   peer-to-peer   D_p2p >= max(F / u_s,  F / d_min,  N F / (u_s + sum u_i))
 *
 * (the server sends N copies, or at least one; the slowest client must take
 * in F; together the uploaders must deliver N F).  The formulas are pure
 * functions over plain numbers so that tests check them against hand-worked
 * cases, and so that mt-swarm prints each term next to what it measured.
 * Units are the caller's: bytes and bytes/s give seconds (bits and bits/s
 * give the same seconds).  A d_min of 0 means "no download limit": that term
 * is then 0 and never dominates.
 */
#ifndef DISTBOUND_H
#define DISTBOUND_H

#include <stddef.h>

/* The terms the two bounds are made of. */
enum distbound_term {
	DISTBOUND_SERVER_ALL,	/* N F / u_s: the server sends N copies */
	DISTBOUND_SERVER_ONE,	/* F / u_s: the server sends one copy */
	DISTBOUND_DOWNLOAD,	/* F / d_min: the slowest client downloads */
	DISTBOUND_AGGREGATE,	/* N F / (u_s + sum u_i): everyone uploads */
	DISTBOUND_TERM_COUNT
};

struct distbound_params {
	double file;		/* F, bytes (> 0) */
	unsigned n;		/* N, clients (>= 1) */
	double us;		/* u_s, bytes/s (> 0) */
	double ui_sum;		/* sum of the clients' upload rates (>= 0) */
	double dmin;		/* d_min, bytes/s; 0: unlimited */
};

struct distbound {
	double term[DISTBOUND_TERM_COUNT];	/* seconds; meaningful if used */
	int used[DISTBOUND_TERM_COUNT];		/* 1: the term is in this bound */
	enum distbound_term dominant;		/* the largest used term */
	double seconds;				/* the bound: term[dominant] */
};

/* The symbolic name of a term, e.g. "NF/(u_s+sum u_i)". */
const char *distbound_term_name(enum distbound_term t);

/*
 * Fills b with the client-server (distbound_cs) or peer-to-peer
 * (distbound_p2p) bound for p.  On a tie the term listed first in enum
 * distbound_term dominates.  Returns 0, or -1 (EINVAL) if p is out of range
 * (F or u_s not positive, N zero, a negative or non-finite rate).
 */
int distbound_cs(const struct distbound_params *p, struct distbound *b);
int distbound_p2p(const struct distbound_params *p, struct distbound *b);

#endif
