/*
 * candidates.h — the addresses a peer may dial, and how often each failed.
 *
 * The tracker (and --peer) name addresses; the event loop dials some of them
 * while it has room for neighbours.  An address that fails is tried again
 * later and later (CANDIDATES_RETRY_MS more after each failure), and after
 * CANDIDATES_MAX_FAILS failures not at all, until the tracker lists it anew.
 * A neighbour that hung up because we are both seeds is retired at once:
 * dialling it again would only end the same way.
 *
 * No sockets here: the table is plain data, the clock and the random source
 * are passed in, and "is this address already a neighbour" is the caller's
 * question (a callback), so tests run it all by hand.
 */
#ifndef CANDIDATES_H
#define CANDIDATES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define CANDIDATES_MAX 2000		/* addresses remembered; more are ignored */
#define CANDIDATES_MAX_FAILS 5		/* dials that fail before we give up */
#define CANDIDATES_RETRY_MS 5000	/* back-off step after each failure */

struct candidate {
	struct sockaddr_storage addr;
	socklen_t len;
	int64_t next_try_ms;
	unsigned fails;
};

struct candidates {
	struct candidate *c;	/* CANDIDATES_MAX of them */
	size_t n;
};

/* Says whether addr is taken already (a neighbour, ourselves, banned). */
typedef int candidates_busy_fn(void *ctx, const struct sockaddr *addr);

/* An empty table.  Returns 0, or -1 (ENOMEM). */
int candidates_init(struct candidates *t);
void candidates_free(struct candidates *t);

/* Adds addr (len bytes of it), or forgives its failures if it is there
 * already: the tracker still lists it.  A full table ignores new ones. */
void candidates_add(struct candidates *t, const struct sockaddr *addr,
    socklen_t len);

/* Never dials addr again (unless candidates_add names it anew). */
void candidates_retire(struct candidates *t, const struct sockaddr *addr);

/* 1 when c may be dialled at now: not given up on, not backing off. */
int candidates_dialable(const struct candidate *c, int64_t now);

/*
 * Picks one dialable candidate that busy (may be NULL) does not claim,
 * uniformly at random from *rng, and counts the dial as a failure until it
 * proves otherwise (its next try backs off).  Returns it, or NULL if none.
 */
struct candidate *candidates_pick(struct candidates *t, int64_t now,
    uint64_t *rng, candidates_busy_fn *busy, void *ctx);

/* How many candidates are not given up on and not claimed by busy, at any
 * time (backing-off ones count: they will be dialled). */
size_t candidates_left(const struct candidates *t, candidates_busy_fn *busy,
    void *ctx);

#endif
