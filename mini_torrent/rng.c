/*
 * rng.c — splitmix64 (Steele, Lea, Flood 2014), see rng.h.
 */
#include "rng.h"

uint64_t
rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t
rng_below(uint64_t *state, uint64_t n)
{
	/* Rejection sampling: drop the top sliver that would bias the modulo. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t r;

	do
		r = rng_next(state);
	while (r >= limit);
	return r % n;
}
