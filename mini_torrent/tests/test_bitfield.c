/*
 * test_bitfield.c — the bitfield against a naive array of flags, and its
 * wire rules (spare bits, exact length).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "bitfield.h"
#include "rng.h"

Test(bitfield, matches_a_naive_array_under_random_operations)
{
	static const uint32_t sizes[] = { 1, 7, 8, 9, 63, 64, 65, 1000 };
	uint64_t rng = 42;

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint32_t n = sizes[s], count = 0;
		struct bitfield b;
		char *naive = calloc(n, 1);

		cr_assert_not_null(naive);
		cr_assert_eq(bitfield_init(&b, n), 0);
		for (int op = 0; op < 5000; op++) {
			uint32_t i = (uint32_t)rng_below(&rng, n);

			if (rng_below(&rng, 2)) {
				bitfield_set(&b, i);
				count += !naive[i];
				naive[i] = 1;
			} else {
				bitfield_clear(&b, i);
				count -= naive[i];
				naive[i] = 0;
			}
		}
		for (uint32_t i = 0; i < n; i++)
			cr_expect_eq(bitfield_get(&b, i), naive[i], "n=%u bit %u",
			    n, i);
		cr_expect_eq(b.count, count);
		cr_expect_eq(bitfield_full(&b), count == n);
		bitfield_free(&b);
		free(naive);
	}
}

Test(bitfield, piece_zero_is_the_high_bit)
{
	struct bitfield b;

	cr_assert_eq(bitfield_init(&b, 10), 0);
	bitfield_set(&b, 0);
	bitfield_set(&b, 9);
	cr_expect_eq(b.bits[0], 0x80);
	cr_expect_eq(b.bits[1], 0x40);
	bitfield_free(&b);
}

Test(bitfield, set_all_leaves_spare_bits_clear)
{
	struct bitfield b;

	cr_assert_eq(bitfield_init(&b, 10), 0);
	bitfield_set_all(&b);
	cr_expect_eq(b.bits[0], 0xff);
	cr_expect_eq(b.bits[1], 0xc0);
	cr_expect(bitfield_full(&b));
	bitfield_free(&b);
}

Test(bitfield, load_rejects_spare_bits_set)
{
	static const uint8_t ok[2] = { 0xff, 0xc0 }, spare[2] = { 0xff, 0xe0 };
	struct bitfield b;

	cr_assert_eq(bitfield_init(&b, 10), 0);
	cr_expect_eq(bitfield_load(&b, spare, 2), -1);
	cr_expect_eq(b.count, 0, "a refused load leaves the bitfield alone");
	cr_expect_eq(bitfield_load(&b, ok, 2), 0);
	cr_expect_eq(b.count, 10);
	bitfield_free(&b);
}

Test(bitfield, load_rejects_wrong_length)
{
	static const uint8_t three[3] = { 0 };
	struct bitfield b;

	cr_assert_eq(bitfield_init(&b, 10), 0);
	cr_expect_eq(bitfield_load(&b, three, 3), -1);
	cr_expect_eq(bitfield_load(&b, three, 1), -1);
	cr_expect_eq(bitfield_load(&b, three, 2), 0);
	bitfield_free(&b);
}

Test(bitfield, load_counts_bits)
{
	static const uint8_t bits[3] = { 0xa5, 0x0f, 0x80 };
	struct bitfield b;

	cr_assert_eq(bitfield_init(&b, 17), 0);
	cr_assert_eq(bitfield_load(&b, bits, 3), 0);
	cr_expect_eq(b.count, 4 + 4 + 1);
	bitfield_free(&b);
}

Test(bitfield, has_missing_is_interest)
{
	struct bitfield a, b;

	cr_assert_eq(bitfield_init(&a, 20), 0);
	cr_assert_eq(bitfield_init(&b, 20), 0);
	cr_expect_not(bitfield_has_missing(&a, &b));
	bitfield_set(&a, 19);
	cr_expect(bitfield_has_missing(&a, &b));
	bitfield_set(&b, 19);
	cr_expect_not(bitfield_has_missing(&a, &b));
	bitfield_set(&b, 3);
	cr_expect_not(bitfield_has_missing(&a, &b));
	bitfield_free(&a);
	bitfield_free(&b);
}
