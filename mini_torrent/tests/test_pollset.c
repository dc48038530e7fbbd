/*
 * test_pollset.c — poll()'s array with what each slot stands for: it grows
 * past its first allocation keeping every entry, and clearing keeps the
 * memory for the next round.
 */
#include <criterion/criterion.h>

#include "pollset.h"

Test(pollset, grows_and_keeps_every_slot)
{
	struct pollset ps = { 0 };
	struct peer fake[3];

	cr_assert_eq(pollset_add(&ps, 3, POLLIN, POLLSET_LISTEN, NULL), 0);
	cr_assert_eq(pollset_add(&ps, 4, POLLOUT, POLLSET_TRACKER, NULL), 0);
	for (int i = 0; i < 200; i++)
		cr_assert_eq(pollset_add(&ps, 10 + i, POLLIN | POLLOUT,
		    POLLSET_PEER, &fake[i % 3]), 0);
	cr_assert_eq(ps.n, 202);
	cr_expect_geq(ps.cap, 202);
	cr_expect_eq(ps.fds[0].fd, 3);
	cr_expect_eq(ps.kind[0], POLLSET_LISTEN);
	cr_expect_eq(ps.fds[1].events, POLLOUT);
	cr_expect_eq(ps.kind[1], POLLSET_TRACKER);
	cr_expect_null(ps.peer[1]);
	cr_expect_eq(ps.fds[201].fd, 209);
	cr_expect_eq(ps.kind[201], POLLSET_PEER);
	cr_expect_eq(ps.peer[201], &fake[199 % 3]);
	cr_expect_eq(ps.fds[150].revents, 0);
	pollset_clear(&ps);
	cr_expect_eq(ps.n, 0);
	cr_expect_geq(ps.cap, 202);
	pollset_free(&ps);
	cr_expect_eq(ps.cap, 0);
}
