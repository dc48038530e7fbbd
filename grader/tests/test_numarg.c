/*
 * test_numarg.c — the one reader of numbers people write: what it takes,
 * what strtol alone would have let through, and the range.
 */
#include <criterion/criterion.h>
#include <limits.h>

#include "numarg.h"

Test(numarg, reads_whole_numbers_in_range)
{
	long x = -1;

	cr_expect_eq(numarg_parse("0", 0, 10, &x), 0);
	cr_expect_eq(x, 0);
	cr_expect_eq(numarg_parse("-7", -10, 10, &x), 0);
	cr_expect_eq(x, -7);
	cr_expect_eq(numarg_parse("9223372036854775807", 0, LONG_MAX, &x), 0);
	cr_expect_eq(x, LONG_MAX);
}

Test(numarg, refuses_what_strtol_would_accept)
{
	static const char *bad[] = { "", " 5", "+5", "5 ", "5x", "0x10", "-", "--5", " -5",
		"99999999999999999999", "1e3" };
	long x = 42;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(numarg_parse(bad[i], LONG_MIN, LONG_MAX, &x), -1, "'%s' taken", bad[i]);
	cr_expect_eq(x, 42, "a refused number still wrote its value");
}

Test(numarg, checks_the_range)
{
	long x;

	cr_expect_eq(numarg_parse("11", 0, 10, &x), -1);
	cr_expect_eq(numarg_parse("-1", 0, 10, &x), -1);
	cr_expect_eq(numarg_parse("10", 0, 10, &x), 0);
}

Test(numarg, reads_n_bytes_of_a_longer_text)
{
	long x = 0;

	cr_expect_eq(numarg_parse_n("12:drop", 2, 0, 100, &x), 0);
	cr_expect_eq(x, 12);
	cr_expect_eq(numarg_parse_n("12:drop", 3, 0, 100, &x), -1);
	cr_expect_eq(numarg_parse_n("", 0, 0, 100, &x), -1);
	cr_expect_eq(numarg_parse_n("123456789012345678901234567890", 30, 0, LONG_MAX, &x), -1);
}
