/*
 * test_deadline.c — a deadline counts down and stops at zero.
 */
#include <criterion/criterion.h>
#include <limits.h>

#include "deadline.h"

Test(deadline, leaves_most_of_the_time_right_away)
{
	int left = deadline_left(deadline_after(60000));

	cr_assert(left > 50000 && left <= 60000, "left %d of 60000 ms", left);
}

Test(deadline, is_zero_once_passed)
{
	cr_assert_eq(deadline_left(deadline_after(0)), 0);
	cr_assert_eq(deadline_left(deadline_after(-5)), 0);
	cr_assert_eq(deadline_left(deadline_after(0) - 1000), 0);
}

Test(deadline, clamps_a_far_deadline_to_int)
{
	cr_assert_eq(deadline_left(LONG_MAX / 2), INT_MAX);
}
