/*
 * test_rtt.c — the round-trip estimator against the formulas worked by hand,
 * and the timeout's bounds and backoff.  No clock: samples are numbers.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "rtt.h"

static struct rtt r;

/* A lab's bounds: small enough that the formula, not the floor, decides. */
static void
init_lab(void)
{
	struct rtt_config cfg = { .initial_ms = 1000, .min_ms = 1, .max_ms = 60000 };

	cr_assert_eq(rtt_init(&r, &cfg), 0);
}

Test(rtt, starts_at_one_second_before_any_sample)
{
	struct rtt_config cfg;

	rtt_config_default(&cfg);
	cr_assert_eq(rtt_init(&r, &cfg), 0);
	cr_assert_eq(rtt_timeout(&r), 1000);
	cr_assert_eq(r.last_sample_ms, -1);
}

Test(rtt, first_sample_sets_the_estimate_and_half_of_it_as_deviation)
{
	init_lab();
	rtt_sample(&r, 100);
	cr_assert_float_eq(r.est_ms, 100.0, 1e-9);
	cr_assert_float_eq(r.dev_ms, 50.0, 1e-9);
	cr_assert_eq(rtt_timeout(&r), 300);	/* 100 + 4 * 50 */
}

Test(rtt, later_samples_follow_the_textbook_averages)
{
	init_lab();
	rtt_sample(&r, 100);
	rtt_sample(&r, 200);
	/* Dev with the old estimate: 0.75 * 50 + 0.25 * |200 - 100| = 62.5 */
	cr_assert_float_eq(r.dev_ms, 62.5, 1e-9);
	cr_assert_float_eq(r.est_ms, 112.5, 1e-9);	/* 0.875 * 100 + 0.125 * 200 */
	cr_assert_eq(rtt_timeout(&r), 363);		/* 112.5 + 250 = 362.5, rounded up */
	cr_assert_eq(r.last_sample_ms, 200);
}

Test(rtt, steady_samples_shrink_the_deviation_toward_zero)
{
	init_lab();
	for (int i = 0; i < 200; i++)
		rtt_sample(&r, 40);
	cr_assert_float_eq(r.est_ms, 40.0, 1e-6);
	cr_assert_lt(r.dev_ms, 0.01);
	cr_assert_eq(rtt_timeout(&r), 40);
}

Test(rtt, never_goes_below_the_minimum)
{
	struct rtt_config cfg;

	rtt_config_default(&cfg);
	cr_assert_eq(rtt_init(&r, &cfg), 0);
	rtt_sample(&r, 10);
	cr_assert_eq(rtt_timeout(&r), 1000);	/* 10 + 20 = 30 -> RFC floor */
}

Test(rtt, backs_off_by_doubling_up_to_the_maximum)
{
	struct rtt_config cfg = { .initial_ms = 1000, .min_ms = 1, .max_ms = 5000 };

	cr_assert_eq(rtt_init(&r, &cfg), 0);
	rtt_backoff(&r);
	cr_assert_eq(rtt_timeout(&r), 2000);
	rtt_backoff(&r);
	cr_assert_eq(rtt_timeout(&r), 4000);
	rtt_backoff(&r);
	cr_assert_eq(rtt_timeout(&r), 5000);
	rtt_backoff(&r);
	cr_assert_eq(rtt_timeout(&r), 5000);
	cr_assert_eq(r.backoffs, 4);
}

Test(rtt, a_new_sample_ends_the_backoff)
{
	init_lab();
	rtt_sample(&r, 100);
	rtt_backoff(&r);
	rtt_backoff(&r);
	cr_assert_eq(rtt_timeout(&r), 1200);
	rtt_sample(&r, 100);
	cr_assert_eq(r.backoffs, 0);
	cr_assert_lt(rtt_timeout(&r), 300);
}

Test(rtt, refuses_bounds_that_contradict_each_other)
{
	struct rtt_config bad[] = {
		{ .initial_ms = 1000, .min_ms = 0, .max_ms = 60000 },
		{ .initial_ms = 100, .min_ms = 200, .max_ms = 60000 },
		{ .initial_ms = 1000, .min_ms = 1, .max_ms = 500 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		cr_assert_eq(rtt_init(&r, &bad[i]), -1, "case %zu", i);
		cr_assert_eq(errno, EINVAL);
	}
}
