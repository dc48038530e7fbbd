/*
 * test_rng.c — rng_below draws what the textbook rejection sampler draws
 * (sqlite-style: the fast version against a naive one), for small n, n that
 * do not divide 2^64, and n so large that about half the draws are
 * rejected; so a seeded run picks the same pieces as before it got faster.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include "rng.h"

/* Two divisions per draw: the limit, then the remainder. */
static uint64_t
naive_below(uint64_t *state, uint64_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t r;

	do
		r = rng_next(state);
	while (r >= limit);
	return r % n;
}

Test(rng, below_draws_what_the_naive_sampler_draws, .timeout = 30)
{
	static const uint64_t big[] = { (1ull << 63) + 1, (1ull << 63),
	    UINT64_MAX, UINT64_MAX - 1, UINT64_MAX / 3 * 2, 1000000007 };
	uint64_t a = 12345, b = 12345;

	for (uint64_t n = 1; n < 5000; n++)
		for (int i = 0; i < 20; i++)
			cr_assert_eq(rng_below(&a, n), naive_below(&b, n), "n = %llu",
			    (unsigned long long)n);
	for (size_t k = 0; k < sizeof(big) / sizeof(big[0]); k++)
		for (int i = 0; i < 20000; i++)
			cr_assert_eq(rng_below(&a, big[k]), naive_below(&b, big[k]),
			    "n = %llu", (unsigned long long)big[k]);
	cr_assert_eq(a, b, "the two consumed different numbers of draws");
}
