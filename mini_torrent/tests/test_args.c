/*
 * test_args.c — the one parser of numeric options: what every program here
 * accepts and refuses (mt-peer and mt-swarm used to disagree on "+5" and on
 * the largest time).
 */
#include <criterion/criterion.h>

#include "args.h"

struct args_case {
	const char *s;
	enum args_status want;
	uint64_t value;
};

static void
check(enum args_status (*parse)(const char *, uint64_t *),
    const struct args_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = 12345;
		enum args_status st = parse(c[i].s, &v);

		cr_expect_eq(st, c[i].want, "\"%s\": status %d, want %d", c[i].s,
		    st, c[i].want);
		if (c[i].want == ARGS_OK)
			cr_expect_eq(v, c[i].value, "\"%s\": %llu", c[i].s,
			    (unsigned long long)v);
		else
			cr_expect_eq(v, 12345, "\"%s\": *out changed on error", c[i].s);
	}
}

static enum args_status
size_1m(const char *s, uint64_t *out)
{
	return args_size(s, 1048576, out);
}

static enum args_status
count_1000(const char *s, uint64_t *out)
{
	return args_number(s, NULL, 1000, out);
}

Test(args, counts_are_plain_digits_up_to_the_maximum)
{
	static const struct args_case c[] = {
		{ "0", ARGS_OK, 0 }, { "1000", ARGS_OK, 1000 },
		{ "007", ARGS_OK, 7 }, { "1001", ARGS_TOO_LARGE, 0 },
		{ "", ARGS_BAD, 0 }, { "+5", ARGS_BAD, 0 }, { "-5", ARGS_BAD, 0 },
		{ " 5", ARGS_BAD, 0 }, { "5 ", ARGS_BAD, 0 }, { "5K", ARGS_BAD, 0 },
		{ "0x10", ARGS_BAD, 0 },
		{ "99999999999999999999999", ARGS_TOO_LARGE, 0 },
	};

	check(count_1000, c, sizeof(c) / sizeof(c[0]));
}

Test(args, sizes_take_k_and_m_and_check_the_product)
{
	static const struct args_case c[] = {
		{ "1500", ARGS_OK, 1500 }, { "64K", ARGS_OK, 65536 },
		{ "64k", ARGS_OK, 65536 }, { "1M", ARGS_OK, 1048576 },
		{ "1m", ARGS_OK, 1048576 }, { "1025K", ARGS_TOO_LARGE, 0 },
		{ "2M", ARGS_TOO_LARGE, 0 }, { "1G", ARGS_BAD, 0 },
		{ "K", ARGS_BAD, 0 }, { "+64K", ARGS_BAD, 0 }, { "1KK", ARGS_BAD, 0 },
		/* v * m would wrap around 2^64: refused before multiplying. */
		{ "17592186044416M", ARGS_TOO_LARGE, 0 },
	};

	check(size_1m, c, sizeof(c) / sizeof(c[0]));
}

Test(args, times_are_milliseconds_or_seconds_within_an_int)
{
	static const struct args_case c[] = {
		{ "1500", ARGS_OK, 1500 }, { "1500ms", ARGS_OK, 1500 },
		{ "2s", ARGS_OK, 2000 }, { "0", ARGS_OK, 0 },
		{ "2147483647", ARGS_OK, 2147483647 },
		{ "2147483648", ARGS_TOO_LARGE, 0 },
		{ "2147484s", ARGS_TOO_LARGE, 0 }, { "2147483s", ARGS_OK, 2147483000 },
		{ "10m", ARGS_BAD, 0 }, { "+10s", ARGS_BAD, 0 }, { "s", ARGS_BAD, 0 },
	};

	check(args_time_ms, c, sizeof(c) / sizeof(c[0]));
}

Test(args, a_unit_table_of_the_callers_own)
{
	static const struct args_unit u[] = { { "x", 3 }, { NULL, 0 } };
	uint64_t v = 0;

	cr_expect_eq(args_number("7x", u, 100, &v), ARGS_OK);
	cr_expect_eq(v, 21);
	cr_expect_eq(args_number("34x", u, 100, &v), ARGS_TOO_LARGE);
	cr_expect_eq(args_number("7y", u, 100, &v), ARGS_BAD);
}
