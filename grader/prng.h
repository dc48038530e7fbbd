/*
 * prng.h — a small seeded random source (xoshiro256**, seeded by splitmix64).
 *
 * Every random choice the grader and faultproxy make comes from one of these,
 * seeded from --seed, so that a run can be replayed exactly.  libc's rand()
 * differs between platforms and is shared global state; this is neither.
 */
#ifndef PRNG_H
#define PRNG_H

#include <stdint.h>

struct prng {
	uint64_t s[4];
};

void prng_seed(struct prng *r, uint64_t seed);
uint64_t prng_next(struct prng *r);

/* A uniform integer in [0, n); n > 0. */
uint64_t prng_below(struct prng *r, uint64_t n);

/* True with probability pct / 100 (pct is clamped to 0..100). */
int prng_chance(struct prng *r, double pct);

/* Mixes a seed with a label, so independent streams share one --seed. */
uint64_t prng_derive(uint64_t seed, const char *label);

#endif
