/*
 * test_bytebuf.c — the one way byte buffers grow: doubling from a first
 * size, room for what was asked, and a refusal that leaves the buffer as it
 * was when the size would overflow.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytebuf.h"

Test(bytebuf, an_empty_buffer_starts_at_first_and_doubles)
{
	size_t cap = 0;
	char *d = bytebuf_grow(NULL, &cap, 0, 10, 64);

	cr_assert_not_null(d);
	cr_expect_eq(cap, 64);
	memset(d, 'x', 64);
	d = bytebuf_grow(d, &cap, 64, 1, 64);
	cr_assert_not_null(d);
	cr_expect_eq(cap, 128);
	cr_expect_eq(d[63], 'x', "the bytes in use survive the move");
	d = bytebuf_grow(d, &cap, 100, 1000, 64);
	cr_assert_not_null(d);
	cr_expect_eq(cap, 2048, "doubled until 1100 fit");
	free(d);
}

Test(bytebuf, room_enough_changes_nothing)
{
	size_t cap = 0;
	char *d = bytebuf_grow(NULL, &cap, 0, 1, 16);
	char *e;

	cr_assert_not_null(d);
	e = bytebuf_grow(d, &cap, 10, 6, 16);
	cr_expect_eq(e, d);
	cr_expect_eq(cap, 16);
	free(d);
}

Test(bytebuf, refuses_a_size_that_would_overflow_and_keeps_the_buffer)
{
	size_t cap = 0;
	char *d = bytebuf_grow(NULL, &cap, 0, 1, 16);

	cr_assert_not_null(d);
	cr_expect_null(bytebuf_grow(d, &cap, 8, SIZE_MAX - 4, 16));
	cr_expect_eq(cap, 16, "capacity untouched");
	d[15] = 'y';	/* still ours, still 16 bytes */
	free(d);
}
