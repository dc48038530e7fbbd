/*
 * fault.h — the decisions of the fault-injection proxy, without sockets.
 *
 * For each datagram the proxy forwards, fault_decide() says what happens to
 * it: passed on, dropped, duplicated, delayed, held back so that later ones
 * overtake it (reordered), or corrupted (one byte flipped).  Decisions come
 * from a seeded random source per direction, and every datagram consumes the
 * same number of random draws whatever happens to it, so the fate of the k-th
 * datagram in a direction depends only on the seed and k: a run replays.
 * Explicit rules ("the 3rd datagram to the client is delayed 400 ms", "the
 * 1st reply is held until the 3rd request arrives") override chance, for
 * tests that need one exact situation.
 */
#ifndef FAULT_H
#define FAULT_H

#include <stddef.h>
#include <stdint.h>

#include "prng.h"

enum fault_dir { FAULT_TO_SERVER, FAULT_TO_CLIENT, FAULT_NDIRS };

enum fault_kind { FAULT_PASS, FAULT_DROP, FAULT_DUP, FAULT_DELAY, FAULT_CORRUPT, FAULT_HOLD };

#define FAULT_MAX_RULES 32

struct fault_rule {
	enum fault_dir dir;
	unsigned long index;	/* 1 = the first datagram in that direction */
	enum fault_kind kind;
	long delay_ms;		/* FAULT_DELAY */
	unsigned long until;	/* FAULT_HOLD: the datagram the other way that frees it */
};

struct fault_config {
	double drop, dup, reorder, corrupt;	/* percent, 0..100 */
	long delay_ms, jitter_ms;	/* every datagram: delay + [0, jitter] */
	long reorder_ms;		/* extra hold of a reordered datagram */
	int max_burst;			/* most drops in a row per direction; 0 = any */
	unsigned dirs;			/* bit per enum fault_dir that chance applies to */
	struct fault_rule rules[FAULT_MAX_RULES];
	size_t nrules;
	uint64_t seed;
};

struct fault_decision {
	int copies;		/* 0 dropped, 1, or 2 duplicated */
	long delay_ms[2];	/* per copy, from now */
	int corrupt;		/* flip one byte of the first copy */
	size_t corrupt_at;	/* which byte (< the datagram's length) */
	unsigned char corrupt_xor;	/* never 0 */
	/*
	 * Held (rule): not sent until the until-th datagram in the other
	 * direction arrives, and then just before that one is passed on.  An
	 * event, not a time, so the order it stages does not depend on how the
	 * machine schedules anyone.  0 = not held.
	 */
	unsigned long until;
	const char *what;	/* "passed", "dropped", "duplicated", ... */
};

struct fault_state {
	const struct fault_config *cfg;
	struct prng rng[FAULT_NDIRS];
	unsigned long count[FAULT_NDIRS];
	int burst[FAULT_NDIRS];
};

/* A config that passes everything. */
void fault_config_init(struct fault_config *cfg);

void fault_init(struct fault_state *st, const struct fault_config *cfg);

/* Decides the fate of the next datagram (len bytes) in direction dir. */
void fault_decide(struct fault_state *st, enum fault_dir dir, size_t len,
    struct fault_decision *d);

/*
 * Parses "DIR:N:ACTION[:ARG]" — DIR to-server or to-client, N from 1, ACTION
 * pass, drop, dup, corrupt, delay:MS, or hold:K (held until the K-th datagram
 * in the other direction).  Returns 0, or -1.
 */
int fault_parse_rule(const char *text, struct fault_rule *r);

/* Parses "to-server", "to-client" or "both" into a dirs mask.  0, or -1. */
int fault_parse_dirs(const char *text, unsigned *dirs);

const char *fault_dir_name(enum fault_dir dir);

#endif
