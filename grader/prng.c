/*
 * prng.c — see prng.h.  xoshiro256** and splitmix64 are public-domain
 * algorithms by Blackman and Vigna; written here from their description.
 */
#include "prng.h"

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void
prng_seed(struct prng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t
prng_next(struct prng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t
prng_below(struct prng *r, uint64_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;

	do
		x = prng_next(r);
	while (x >= limit);
	return x % n;
}

int
prng_chance(struct prng *r, double pct)
{
	if (pct <= 0)
		return 0;
	if (pct >= 100)
		return 1;
	return (double)(prng_next(r) >> 11) * (1.0 / 9007199254740992.0) * 100.0 < pct;
}

uint64_t
prng_derive(uint64_t seed, const char *label)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a over the label */

	for (const unsigned char *p = (const unsigned char *)label; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h ^= seed;
	return splitmix64(&h);
}
