/*
 * test_peerid.c — our peer_id: the client prefix, twelve letters or digits,
 * and two ids made with the same --seed-rng still differ.
 */
#include <criterion/criterion.h>

#include <ctype.h>
#include <string.h>

#include "peerid.h"

Test(peerid, prefix_then_twelve_letters_or_digits)
{
	uint8_t id[20];

	peerid_make(id, 42);
	cr_expect(memcmp(id, "-MT0100-", 8) == 0);
	for (int i = 8; i < 20; i++)
		cr_expect(isalnum(id[i]), "byte %d is 0x%02x", i, id[i]);
}

Test(peerid, same_seed_still_gives_different_ids)
{
	uint8_t a[20], b[20];
	int same = 0;

	/* The clock moves between two calls; try a few times in case two
	 * landed on the same nanosecond. */
	for (int i = 0; i < 3; i++) {
		peerid_make(a, 7);
		peerid_make(b, 7);
		same += memcmp(a, b, 20) == 0;
	}
	cr_expect_lt(same, 3);
}
