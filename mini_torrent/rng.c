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
	/*
	 * Rejection sampling: drop the top sliver that would bias the modulo,
	 * the r at or above the largest multiple of n that fits.  r - r % n is
	 * a multiple of n, and r is in that sliver exactly when the next one
	 * does not fit: one division per draw, not two (the picker draws once
	 * per candidate piece, thousands of times per pick).
	 */
	uint64_t r, q;

	do {
		r = rng_next(state);
		q = r % n;
	} while (r - q > UINT64_MAX - n);
	return q;
}
