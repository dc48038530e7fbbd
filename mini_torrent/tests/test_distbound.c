/*
 * test_distbound.c — the course's distribution-time bounds against cases
 * worked by hand, including which term dominates and why.
 *
 * The textbook's running example is F/u = 1 hour, u_s = 10u, d_min >= u_s:
 * in units where F = 3600 and u = 1 (so times come out in seconds of that
 * hour), u_s = 10 and the client-server time grows as N/10 hours while the
 * P2P time stays below one hour.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>

#include "distbound.h"

#define EPS 1e-9

/* The textbook's example, for N clients. */
static struct distbound_params
textbook(unsigned n)
{
	return (struct distbound_params){ .file = 3600, .n = n, .us = 10,
	    .ui_sum = n * 1.0, .dmin = 10 };
}

Test(distbound, client_server_is_n_copies_through_the_server)
{
	struct distbound_params p = textbook(30);
	struct distbound b;

	cr_assert_eq(distbound_cs(&p, &b), 0);
	cr_expect_float_eq(b.term[DISTBOUND_SERVER_ALL], 30 * 3600 / 10.0, EPS);
	cr_expect_float_eq(b.term[DISTBOUND_DOWNLOAD], 360, EPS);
	cr_expect_eq(b.dominant, DISTBOUND_SERVER_ALL);
	cr_expect_float_eq(b.seconds, 10800, EPS, "3 hours for 30 clients");
	cr_expect(b.used[DISTBOUND_SERVER_ALL] && b.used[DISTBOUND_DOWNLOAD]);
	cr_expect(!b.used[DISTBOUND_SERVER_ONE] && !b.used[DISTBOUND_AGGREGATE]);
}

Test(distbound, client_server_is_the_slow_download_when_dmin_is_low)
{
	/* One client on a 0.5 MB/s line, server 1 MB/s: 2 s, not 1 s. */
	struct distbound_params p = { .file = 1e6, .n = 1, .us = 1e6,
	    .dmin = 5e5 };
	struct distbound b;

	cr_assert_eq(distbound_cs(&p, &b), 0);
	cr_expect_float_eq(b.term[DISTBOUND_SERVER_ALL], 1, EPS);
	cr_expect_float_eq(b.seconds, 2, EPS);
	cr_expect_eq(b.dominant, DISTBOUND_DOWNLOAD);
}

Test(distbound, p2p_is_the_swarms_total_upload_for_many_peers)
{
	struct distbound_params p = textbook(30);
	struct distbound b;

	cr_assert_eq(distbound_p2p(&p, &b), 0);
	/* 30 * 3600 / (10 + 30) = 2700: three quarters of an hour. */
	cr_expect_float_eq(b.term[DISTBOUND_AGGREGATE], 2700, EPS);
	cr_expect_float_eq(b.term[DISTBOUND_SERVER_ONE], 360, EPS);
	cr_expect_float_eq(b.term[DISTBOUND_DOWNLOAD], 360, EPS);
	cr_expect_eq(b.dominant, DISTBOUND_AGGREGATE);
	cr_expect_float_eq(b.seconds, 2700, EPS);
	cr_expect(!b.used[DISTBOUND_SERVER_ALL]);
}

Test(distbound, p2p_is_one_server_copy_for_a_single_peer)
{
	/* N = 1: NF/(u_s + u_1) = 3600/11 < F/u_s = 360. */
	struct distbound_params p = textbook(1);
	struct distbound b;

	cr_assert_eq(distbound_p2p(&p, &b), 0);
	cr_expect_float_eq(b.term[DISTBOUND_AGGREGATE], 3600 / 11.0, EPS);
	cr_expect_eq(b.dominant, DISTBOUND_SERVER_ONE);
	cr_expect_float_eq(b.seconds, 360, EPS);
}

Test(distbound, p2p_stays_below_an_hour_while_client_server_grows)
{
	for (unsigned n = 1; n <= 1000; n++) {
		struct distbound_params p = textbook(n);
		struct distbound cs, p2p;

		cr_assert_eq(distbound_cs(&p, &cs), 0);
		cr_assert_eq(distbound_p2p(&p, &p2p), 0);
		cr_assert_float_eq(cs.seconds, n * 360.0, 1e-6, "N=%u", n);
		cr_assert(p2p.seconds < 3600, "N=%u: %f", n, p2p.seconds);
		cr_assert(p2p.seconds <= cs.seconds + EPS, "N=%u", n);
	}
}

Test(distbound, a_tie_goes_to_the_term_listed_first)
{
	/* NF/u_s = 2 * 100 / 100 = 2 = F/d_min = 100 / 50. */
	struct distbound_params p = { .file = 100, .n = 2, .us = 100,
	    .dmin = 50 };
	struct distbound b;

	cr_assert_eq(distbound_cs(&p, &b), 0);
	cr_expect_float_eq(b.seconds, 2, EPS);
	cr_expect_eq(b.dominant, DISTBOUND_SERVER_ALL);
}

Test(distbound, no_download_limit_leaves_that_term_out)
{
	struct distbound_params p = { .file = 1000, .n = 1, .us = 1e6,
	    .ui_sum = 0, .dmin = 0 };
	struct distbound b;

	cr_assert_eq(distbound_p2p(&p, &b), 0);
	cr_expect_float_eq(b.term[DISTBOUND_DOWNLOAD], 0, EPS);
	cr_expect_neq(b.dominant, DISTBOUND_DOWNLOAD);
	cr_expect_float_eq(b.seconds, 1e-3, EPS);
}

Test(distbound, p2p_without_peer_uploads_is_client_server)
{
	/* sum u_i = 0: the swarm is only the server, NF/u_s again. */
	struct distbound_params p = { .file = 1e6, .n = 8, .us = 1e6,
	    .dmin = 1e7 };
	struct distbound cs, p2p;

	cr_assert_eq(distbound_cs(&p, &cs), 0);
	cr_assert_eq(distbound_p2p(&p, &p2p), 0);
	cr_expect_float_eq(p2p.seconds, cs.seconds, EPS);
	cr_expect_eq(p2p.dominant, DISTBOUND_AGGREGATE);
}

Test(distbound, rejects_parameters_out_of_range)
{
	static const struct distbound_params bad[] = {
		{ .file = 0, .n = 1, .us = 1 },
		{ .file = -1, .n = 1, .us = 1 },
		{ .file = 1, .n = 0, .us = 1 },
		{ .file = 1, .n = 1, .us = 0 },
		{ .file = 1, .n = 1, .us = 1, .ui_sum = -1 },
		{ .file = 1, .n = 1, .us = 1, .dmin = -5 },
		{ .file = NAN, .n = 1, .us = 1 },
		{ .file = 1, .n = 1, .us = INFINITY },
	};
	struct distbound b;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		cr_expect_eq(distbound_cs(&bad[i], &b), -1, "case %zu", i);
		cr_expect_eq(errno, EINVAL, "case %zu", i);
		cr_expect_eq(distbound_p2p(&bad[i], &b), -1, "case %zu", i);
	}
}

Test(distbound, names_each_term_by_its_formula)
{
	cr_expect_str_eq(distbound_term_name(DISTBOUND_SERVER_ALL), "NF/u_s");
	cr_expect_str_eq(distbound_term_name(DISTBOUND_SERVER_ONE), "F/u_s");
	cr_expect_str_eq(distbound_term_name(DISTBOUND_DOWNLOAD), "F/d_min");
	cr_expect_str_eq(distbound_term_name(DISTBOUND_AGGREGATE),
	    "NF/(u_s+sum u_i)");
	cr_expect_str_eq(distbound_term_name(DISTBOUND_TERM_COUNT), "?");
}
