/*
 * test_outbuf.c — the bounded reply queue: positions after fills and
 * drains, sliding when the tail runs out, memory only while non-empty, and a
 * long random run checked against a plain model of the bytes in order.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "outbuf.h"

Test(outbuf, starts_empty_with_full_space_and_no_memory)
{
	struct outbuf b = OUTBUF_INIT;

	cr_assert_eq(outbuf_pending(&b), 0);
	cr_assert_eq(outbuf_space(&b), OUTBUF_CAP);
	cr_assert_null(b.data);
}

Test(outbuf, fill_then_drain_moves_the_positions)
{
	struct outbuf b = OUTBUF_INIT;

	cr_assert_eq(outbuf_append(&b, "hello", 5), 0);
	cr_assert_eq(b.start, 0);
	cr_assert_eq(b.end, 5);
	cr_assert_eq(outbuf_append(&b, " world", 6), 0);
	cr_assert_eq(outbuf_pending(&b), 11);
	cr_assert_eq(outbuf_space(&b), OUTBUF_CAP - 11);
	outbuf_consume(&b, 3);
	cr_assert_eq(b.start, 3);
	cr_assert_eq(memcmp(outbuf_head(&b), "lo world", 8), 0);
	outbuf_free(&b);
}

Test(outbuf, draining_everything_frees_the_memory)
{
	struct outbuf b = OUTBUF_INIT;

	cr_assert_eq(outbuf_append(&b, "abc", 3), 0);
	cr_assert_not_null(b.data);
	outbuf_consume(&b, 3);
	cr_assert_null(b.data);
	cr_assert_eq(b.start, 0);
	cr_assert_eq(b.end, 0);
	cr_assert_eq(outbuf_space(&b), OUTBUF_CAP);
}

Test(outbuf, fills_to_exactly_its_capacity)
{
	struct outbuf b = OUTBUF_INIT;
	static char big[OUTBUF_CAP];

	memset(big, 'x', sizeof(big));
	cr_assert_eq(outbuf_append(&b, big, OUTBUF_CAP - 1), 0);
	cr_assert_eq(outbuf_space(&b), 1);
	cr_assert_eq(outbuf_append(&b, "y", 1), 0);
	cr_assert_eq(outbuf_space(&b), 0);
	cr_assert_eq(outbuf_head(&b)[OUTBUF_CAP - 1], 'y');
	outbuf_free(&b);
}

Test(outbuf, slides_pending_bytes_to_the_front_when_the_tail_is_short)
{
	struct outbuf b = OUTBUF_INIT;
	static char big[OUTBUF_CAP];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i % 251);
	cr_assert_eq(outbuf_append(&b, big, OUTBUF_CAP - 10), 0);
	outbuf_consume(&b, OUTBUF_CAP - 20);	/* 10 pending, near the end */
	cr_assert_eq(outbuf_append(&b, big, 100), 0);	/* does not fit behind them */
	cr_assert_eq(b.start, 0);
	cr_assert_eq(b.end, 110);
	cr_assert_eq(memcmp(outbuf_head(&b), big + OUTBUF_CAP - 20, 10), 0);
	cr_assert_eq(memcmp(outbuf_head(&b) + 10, big, 100), 0);
	outbuf_free(&b);
}

Test(outbuf, random_fills_and_drains_keep_bytes_in_order)
{
	struct outbuf b = OUTBUF_INIT;
	static char in[OUTBUF_CAP];
	unsigned long next_in = 0, next_out = 0;

	srand(2);
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)rand() % (outbuf_space(&b) + 1);

		for (size_t i = 0; i < n; i++)
			in[i] = (char)((next_in + i) * 7 % 256);
		cr_assert_eq(outbuf_append(&b, in, n), 0);
		next_in += n;
		n = (size_t)rand() % (outbuf_pending(&b) + 1);
		for (size_t i = 0; i < n; i++)
			if (outbuf_head(&b)[i] != (char)((next_out + i) * 7 % 256))
				cr_assert_fail("round %d: byte %zu out of order", round, i);
		outbuf_consume(&b, n);
		next_out += n;
		cr_assert_eq(outbuf_pending(&b), next_in - next_out);
		cr_assert_leq(b.end, OUTBUF_CAP);
	}
	outbuf_free(&b);
}
