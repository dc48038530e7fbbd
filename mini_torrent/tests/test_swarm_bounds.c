/*
 * test_swarm_bounds.c — the course's distribution-time bounds (distbound.h),
 * term by term: client-server is N copies through the server or one copy
 * into the slowest client; peer-to-peer is one copy out of the server, one
 * into the slowest client, or N F through everyone's upload together.  Then
 * the textbook's worked example, and the properties that make P2P "much more
 * scalable": never slower than client-server, and below F/u however many
 * peers join.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>

#include "distbound.h"

#define MIB (1024.0 * 1024.0)
#define EPS 1e-9

/* N identical peers uploading at u each. */
static struct distbound_params
params(double file, unsigned n, double us, double u, double dmin)
{
	return (struct distbound_params){ .file = file, .n = n, .us = us,
		.ui_sum = u * n, .dmin = dmin };
}

Test(bounds, client_server_is_n_copies_over_the_server_upload)
{
	struct distbound_params p = params(4 * MIB, 10, 2 * MIB, 0, 0);
	struct distbound b;

	cr_assert_eq(distbound_cs(&p, &b), 0);
	cr_assert_float_eq(b.term[DISTBOUND_SERVER_ALL], 20.0, EPS);	/* N F / u_s */
	cr_assert_float_eq(b.seconds, 20.0, EPS);
	cr_assert_eq(b.dominant, DISTBOUND_SERVER_ALL);
	cr_assert(!b.used[DISTBOUND_SERVER_ONE] && !b.used[DISTBOUND_AGGREGATE],
	    "client-server uses only N F / u_s and F / d_min");
}

Test(bounds, client_server_waits_for_the_slowest_download)
{
	/* One client, a fast server, a slow client: F / d_min decides. */
	struct distbound_params p = params(4 * MIB, 1, 8 * MIB, 0, 1 * MIB);
	struct distbound b;

	cr_assert_eq(distbound_cs(&p, &b), 0);
	cr_assert_float_eq(b.term[DISTBOUND_DOWNLOAD], 4.0, EPS);
	cr_assert_float_eq(b.seconds, 4.0, EPS);
	cr_assert_eq(b.dominant, DISTBOUND_DOWNLOAD);
}

Test(bounds, p2p_server_must_upload_at_least_one_copy)
{
	/* Peers upload a lot: only the server's one copy limits. */
	struct distbound_params p = params(4 * MIB, 4, 1 * MIB, 100 * MIB, 0);
	struct distbound b;

	cr_assert_eq(distbound_p2p(&p, &b), 0);
	cr_assert_float_eq(b.term[DISTBOUND_SERVER_ONE], 4.0, EPS);	/* F / u_s */
	cr_assert_eq(b.dominant, DISTBOUND_SERVER_ONE);
	cr_assert_float_eq(b.seconds, 4.0, EPS);
}

Test(bounds, p2p_slowest_client_must_download_a_copy)
{
	struct distbound_params p = params(4 * MIB, 4, 16 * MIB, 100 * MIB, 0.5 * MIB);
	struct distbound b;

	cr_assert_eq(distbound_p2p(&p, &b), 0);
	cr_assert_eq(b.dominant, DISTBOUND_DOWNLOAD);
	cr_assert_float_eq(b.seconds, 8.0, EPS);	/* F / d_min */
}

Test(bounds, p2p_swarm_uploads_nf_bytes_at_server_plus_peer_rates)
{
	/* N F = 64 MiB through u_s + sum u_i = 4 + 16 * 0.25 = 8 MiB/s: 8 s. */
	struct distbound_params p = params(4 * MIB, 16, 4 * MIB, 0.25 * MIB, 0);
	struct distbound b;

	cr_assert_eq(distbound_p2p(&p, &b), 0);
	cr_assert_float_eq(b.term[DISTBOUND_AGGREGATE], 8.0, EPS);
	cr_assert_eq(b.dominant, DISTBOUND_AGGREGATE);
	cr_assert_float_eq(b.seconds, 8.0, EPS);
}

Test(bounds, no_download_limit_drops_the_dmin_term)
{
	struct distbound_params p = params(MIB, 3, MIB, MIB, 0);
	struct distbound b;

	cr_assert_eq(distbound_cs(&p, &b), 0);
	cr_assert_float_eq(b.term[DISTBOUND_DOWNLOAD], 0.0, EPS);
	cr_assert_neq(b.dominant, DISTBOUND_DOWNLOAD);
}

/*
 * Kurose & Ross: F / u = 1 hour, u_s = 10 u, d_min >= u_s.  Client-server
 * grows by 0.1 h per peer; peer-to-peer stays under an hour.
 */
Test(bounds, matches_the_textbook_worked_example)
{
	const double u = 1.0, file = 3600.0 * u, us = 10 * u;
	const unsigned ns[] = { 1, 10, 30, 100, 1000 };
	const double cs_h[] = { 0.1, 1.0, 3.0, 10.0, 100.0 };
	const double p2p_h[] = { 0.1, 0.5, 0.75, 100.0 / 110, 1000.0 / 1010 };

	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		struct distbound_params p = params(file, ns[i], us, u, us);
		struct distbound cs, p2p;

		cr_assert_eq(distbound_cs(&p, &cs), 0);
		cr_assert_eq(distbound_p2p(&p, &p2p), 0);
		cr_assert_float_eq(cs.seconds / 3600, cs_h[i], 1e-9, "N = %u", ns[i]);
		cr_assert_float_eq(p2p.seconds / 3600, p2p_h[i], 1e-9, "N = %u", ns[i]);
	}
}

Test(bounds, one_client_gives_the_same_bound_both_ways)
{
	struct distbound_params p = params(5 * MIB, 1, 2 * MIB, 0.5 * MIB, 3 * MIB);
	struct distbound cs, p2p;

	cr_assert_eq(distbound_cs(&p, &cs), 0);
	cr_assert_eq(distbound_p2p(&p, &p2p), 0);
	cr_assert_float_eq(cs.seconds, p2p.seconds, EPS);
}

/* P2P is much more scalable: never slower, and below F / u for any N. */
Test(bounds, p2p_never_exceeds_client_server_and_stays_below_f_over_u)
{
	uint64_t x = 88172645463325252ull;

	for (int i = 0; i < 2000; i++) {
		double r[4];
		struct distbound_params p;
		struct distbound cs, p2p;

		for (int k = 0; k < 4; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			r[k] = (double)(x % 1000000 + 1);
		}
		p = params(r[0] * 1000, (unsigned)(r[1]) % 5000 + 1, r[2], r[3], i % 2 ? r[3] : 0);
		cr_assert_eq(distbound_cs(&p, &cs), 0);
		cr_assert_eq(distbound_p2p(&p, &p2p), 0);
		cr_assert_leq(p2p.seconds, cs.seconds * (1 + 1e-12));
		cr_assert_leq(p2p.term[DISTBOUND_AGGREGATE], p.file / r[3] * (1 + 1e-12),
		    "N F / (u_s + N u) < F / u");
	}
}

Test(bounds, rejects_parameters_out_of_range)
{
	struct distbound_params bad[] = {
		params(0, 1, MIB, MIB, 0),		/* no file */
		params(MIB, 0, MIB, MIB, 0),		/* no client */
		params(MIB, 1, 0, MIB, 0),		/* a server that cannot upload */
		params(MIB, 1, MIB, -1, 0),		/* negative upload */
		params(MIB, 1, MIB, MIB, -1),		/* negative download */
	};
	struct distbound b;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		cr_assert_eq(distbound_cs(&bad[i], &b), -1, "case %zu", i);
		cr_assert_eq(errno, EINVAL);
		cr_assert_eq(distbound_p2p(&bad[i], &b), -1, "case %zu", i);
	}
}

Test(bounds, names_every_term)
{
	cr_assert_str_eq(distbound_term_name(DISTBOUND_SERVER_ALL), "NF/u_s");
	cr_assert_str_eq(distbound_term_name(DISTBOUND_SERVER_ONE), "F/u_s");
	cr_assert_str_eq(distbound_term_name(DISTBOUND_DOWNLOAD), "F/d_min");
	cr_assert_str_eq(distbound_term_name(DISTBOUND_AGGREGATE), "NF/(u_s+sum u_i)");
	cr_assert_str_eq(distbound_term_name(DISTBOUND_TERM_COUNT), "?");
}
