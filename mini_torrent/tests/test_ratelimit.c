/*
 * test_ratelimit.c — the token bucket on a fake clock, how connections share
 * it (fair shares, the upload turn), and the rolling rate meter the choker
 * ranks peers by.
 */
#include <criterion/criterion.h>

#include "rate.h"
#include "ratelimit.h"
#include "rng.h"

/*
 * Three greedy connections share one bucket for 10 simulated seconds, asking
 * for random amounts (more than the rate allows) at random moments.
 * Returns the total granted.
 */
static uint64_t
simulate(uint64_t rate, uint64_t seed)
{
	struct ratelimit rl;
	uint64_t total = 0, rng = seed;
	int64_t now = 1000;

	ratelimit_init(&rl, rate, ratelimit_default_burst(rate), now);
	while (now < 1000 + 10000) {
		for (int c = 0; c < 3; c++)
			total += ratelimit_take(&rl, now,
			    1 + rng_below(&rng, rate / 20));
		now += 1 + (int64_t)rng_below(&rng, 20);
	}
	return total;
}

Test(ratelimit, holds_the_rate_within_5_percent_over_10_seconds)
{
	static const uint64_t rates[] = { 20000, 100000, 1000000, 50000000 };

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint64_t want = rates[i] * 10, got = simulate(rates[i], i);

		cr_expect(got >= want * 95 / 100 && got <= want * 105 / 100,
		    "rate %llu: %llu bytes in 10 s, want %llu",
		    (unsigned long long)rates[i], (unsigned long long)got,
		    (unsigned long long)want);
	}
}

Test(ratelimit, unlimited_grants_everything)
{
	struct ratelimit rl;

	ratelimit_init(&rl, 0, 0, 0);
	cr_expect_eq(ratelimit_take(&rl, 0, 1u << 30), 1u << 30);
	cr_expect_eq(ratelimit_wait_ms(&rl, 1u << 30), 0);
}

Test(ratelimit, says_how_long_to_wait)
{
	struct ratelimit rl;

	ratelimit_init(&rl, 1000, 1000, 0);	/* 1 byte per ms */
	cr_expect_eq(ratelimit_take(&rl, 0, 1), 0, "a new bucket is empty");
	cr_expect_eq(ratelimit_wait_ms(&rl, 300), 300);
	cr_expect_eq(ratelimit_take(&rl, 5000, 5000), 1000, "a full bucket");
	cr_expect_eq(ratelimit_take(&rl, 5000, 1), 0);
	cr_expect_eq(ratelimit_wait_ms(&rl, 100), 100);
	cr_expect_eq(ratelimit_take(&rl, 5100, 5000), 100);
	cr_expect_eq(ratelimit_take(&rl, 100000, 5000), 1000,
	    "an idle bucket fills up to its burst, no more");
}

Test(ratelimit, waits_for_a_chunk_not_a_trickle)
{
	struct ratelimit rl;

	ratelimit_init(&rl, 1000, 10000, 0);	/* 1 byte per ms */
	cr_expect_not(ratelimit_has_chunk(&rl, 10, 4096),
	    "10 tokens are a trickle, not a chunk");
	cr_expect_eq(ratelimit_chunk_deadline(&rl, 10, 4096, 60000), 4096,
	    "sleep until the chunk is there (4,096 ms after the start)");
	cr_expect_eq(ratelimit_chunk_deadline(&rl, 10, 4096, 2000), 2000,
	    "an earlier deadline stays");
	cr_expect(ratelimit_has_chunk(&rl, 4096, 4096));
	cr_expect_eq(ratelimit_chunk_deadline(&rl, 4096, 4096, 60000), 60000,
	    "a bucket that holds a chunk never asks for an early wake-up");
	ratelimit_init(&rl, 1000, 100, 0);
	cr_expect(ratelimit_has_chunk(&rl, 100, 4096),
	    "a burst smaller than the chunk is chunk enough");
	ratelimit_init(&rl, 0, 0, 0);
	cr_expect(ratelimit_has_chunk(&rl, 0, 4096), "unlimited");
	cr_expect_eq(ratelimit_chunk_deadline(&rl, 0, 4096, 60000), 60000);
}

Test(ratelimit, clock_going_backwards_grants_nothing_extra)
{
	struct ratelimit rl;

	ratelimit_init(&rl, 1000, 1000, 500);
	cr_expect_eq(ratelimit_take(&rl, 1500, 1000), 1000);
	cr_expect_eq(ratelimit_take(&rl, 0, 1000), 0);
	cr_expect_eq(ratelimit_take(&rl, 1500, 1000), 0);
}

Test(rate, measures_bytes_per_second_over_the_window)
{
	struct rate r;

	rate_init(&r, 10000, 0);
	for (int64_t t = 0; t < 20000; t += 10)
		rate_add(&r, t, 1000);	/* 100 KB/s */
	uint64_t got = rate_get(&r, 20000);
	cr_expect(got >= 98000 && got <= 102000, "got %llu",
	    (unsigned long long)got);
}

Test(rate, forgets_what_left_the_window)
{
	struct rate r;

	rate_init(&r, 10000, 0);
	rate_add(&r, 0, 1000000);
	cr_expect_gt(rate_get(&r, 5000), 0);
	cr_expect_eq(rate_get(&r, 11000), 0);
	cr_expect_eq(r.total, 1000000);
}

Test(rate, young_meter_divides_by_its_age)
{
	struct rate r;

	rate_init(&r, 20000, 0);
	rate_add(&r, 1000, 50000);
	rate_add(&r, 2000, 50000);
	uint64_t got = rate_get(&r, 4000);	/* 100 KB in 4 s */
	cr_expect(got >= 24000 && got <= 26000, "got %llu",
	    (unsigned long long)got);
}

Test(ratelimit, fair_share_splits_the_bucket_but_not_below_the_minimum)
{
	struct ratelimit rl;

	ratelimit_init(&rl, 1000000, 100000, 0);
	ratelimit_available(&rl, 1000);	/* full: 100000 tokens */
	cr_expect_eq(ratelimit_fair_share(&rl, 1000, 1), 100000);
	cr_expect_eq(ratelimit_fair_share(&rl, 1000, 4), 25000);
	cr_expect_eq(ratelimit_fair_share(&rl, 1000, 100), RATELIMIT_MIN_SHARE);
	ratelimit_take(&rl, 1000, 100000 - 1000);
	cr_expect_eq(ratelimit_fair_share(&rl, 1000, 100), 1000,
	    "never more than the bucket holds");
}

Test(ratelimit, fair_share_is_everything_when_unlimited)
{
	struct ratelimit rl;

	ratelimit_init(&rl, 0, 0, 0);
	cr_expect_eq(ratelimit_fair_share(&rl, 5, 10), UINT64_MAX);
}

Test(ratelimit, the_upload_turn_stays_with_a_half_sent_block)
{
	struct ratelimit rl;
	struct ratelimit_turn t = { 0 };
	int64_t now = 1000;

	ratelimit_init(&rl, 50000, 4096, 0);
	cr_expect(ratelimit_has_turn(&t, &rl, 1, now), "nobody holds it");
	cr_expect(ratelimit_has_turn(&t, &rl, 2, now));
	ratelimit_turn_keep(&t, 1, now);
	cr_expect(ratelimit_has_turn(&t, &rl, 1, now));
	cr_expect(!ratelimit_has_turn(&t, &rl, 2, now), "1 is mid-block");
	cr_expect(!ratelimit_has_turn(&t, &rl, 2,
	    now + RATELIMIT_TURN_HOLD_MS - 1));
	cr_expect_eq(ratelimit_turn_expires(&t), now + RATELIMIT_TURN_HOLD_MS);
	cr_expect(ratelimit_has_turn(&t, &rl, 2, now + RATELIMIT_TURN_HOLD_MS),
	    "1 sent nothing for the hold time: the turn passes on");
	ratelimit_turn_release(&t, 2);
	cr_expect(!ratelimit_has_turn(&t, &rl, 2, now), "2 did not hold it");
	ratelimit_turn_release(&t, 1);
	cr_expect(ratelimit_has_turn(&t, &rl, 2, now), "released");
}

Test(ratelimit, no_upload_turn_without_a_limit)
{
	struct ratelimit rl;
	struct ratelimit_turn t = { 0 };

	ratelimit_init(&rl, 0, 0, 0);
	ratelimit_turn_keep(&t, 1, 0);
	cr_expect(ratelimit_has_turn(&t, &rl, 2, 0));
}
