/*
 * test_choker.c — tit-for-tat as a pure function: top four by rate, seed
 * mode, anti-snubbing, optimistic rotation and its bias to newcomers, and
 * the course notes' scenario of two peers that find each other.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "choker.h"

#define LONG_AGO (-1000000)	/* connected well before the test's time 0 */

static struct choker
make_choker(int64_t now, uint64_t seed)
{
	struct choker_config cfg;
	struct choker c;

	choker_config_default(&cfg);
	choker_init(&c, &cfg, now, seed);
	return c;
}

/* n interested old peers, ids 1..n, sending us rate_from = 10 * id. */
static void
make_peers(struct choker_peer *p, size_t n)
{
	memset(p, 0, n * sizeof(*p));
	for (size_t i = 0; i < n; i++) {
		p[i].id = i + 1;
		p[i].interested = 1;
		p[i].rate_from = 10 * (i + 1);
		p[i].connected_ms = LONG_AGO;
		p[i].last_block_ms = 0;
	}
}

static size_t
count_regular(const struct choker_peer *p, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i].unchoke && !p[i].optimistic;
	return k;
}

static long
optimistic_index(const struct choker_peer *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].optimistic)
			return (long)i;
	return -1;
}

Test(choker, unchokes_the_four_peers_that_upload_to_us_fastest)
{
	struct choker c = make_choker(0, 1);
	struct choker_peer p[8];

	make_peers(p, 8);
	cr_expect_eq(choker_run(&c, p, 8, 0, 0), 5);
	for (size_t i = 4; i < 8; i++)
		cr_expect(p[i].unchoke && !p[i].optimistic, "peer %zu", i + 1);
	cr_expect_eq(count_regular(p, 8), 4);
	long o = optimistic_index(p, 8);
	cr_expect(o >= 0 && o < 4, "the optimistic unchoke is one of the rest");
}

Test(choker, never_unchokes_an_uninterested_peer)
{
	struct choker c = make_choker(0, 1);
	struct choker_peer p[6];

	make_peers(p, 6);
	p[5].interested = 0;	/* the fastest */
	p[0].interested = 0;
	choker_run(&c, p, 6, 0, 0);
	cr_expect_not(p[5].unchoke);
	cr_expect_not(p[0].unchoke);
	cr_expect_eq(count_regular(p, 6), 4);
	cr_expect_eq(optimistic_index(p, 6), -1, "nobody left to try");
}

Test(choker, ranks_by_our_upload_rate_when_seeding)
{
	struct choker c = make_choker(0, 1);
	struct choker_peer p[6];

	make_peers(p, 6);
	for (size_t i = 0; i < 6; i++) {
		p[i].rate_from = 0;
		p[i].rate_to = 100 * (6 - i);	/* peer 1 takes most */
		p[i].last_block_ms = LONG_AGO;	/* seeds get nothing: no snubbing */
	}
	choker_run(&c, p, 6, 0, 1);
	for (size_t i = 0; i < 4; i++)
		cr_expect(p[i].unchoke && !p[i].optimistic, "peer %zu", i + 1);
}

Test(choker, snubbing_peer_loses_its_regular_slot)
{
	struct choker c = make_choker(0, 1);
	struct choker_peer p[6];
	int64_t now = 100000;

	make_peers(p, 6);
	for (size_t i = 0; i < 6; i++)
		p[i].last_block_ms = now - 1000;
	p[5].last_block_ms = now - CHOKER_SNUB_MS;	/* fastest, but silent */
	cr_expect(choker_snubbed(&c, &p[5], now));
	choker_run(&c, p, 6, now, 0);
	cr_expect(!p[5].unchoke || p[5].optimistic,
	    "a snubbing peer may only be the optimistic unchoke");
	for (size_t i = 1; i < 5; i++)
		cr_expect(p[i].unchoke && !p[i].optimistic, "peer %zu", i + 1);
}

Test(choker, snubbing_peer_keeps_a_slot_nobody_else_wants)
{
	struct choker c = make_choker(0, 1);
	struct choker_peer p[3];
	int64_t now = 100000;

	make_peers(p, 3);
	for (size_t i = 0; i < 3; i++)
		p[i].last_block_ms = now - CHOKER_SNUB_MS - 1;
	choker_run(&c, p, 3, now, 0);
	for (size_t i = 0; i < 3; i++)
		cr_expect(p[i].unchoke, "peer %zu", i + 1);
}

/* Bram Cohen's anti-snubbing: a slot a snubbing peer gives up becomes one more optimistic unchoke. */
Test(choker, each_slot_snubbing_peers_give_up_is_an_extra_optimistic_unchoke)
{
	struct choker c = make_choker(0, 1);
	struct choker_peer p[8];
	int64_t now = 100000;
	size_t optimistic = 0;

	make_peers(p, 8);
	for (size_t i = 0; i < 8; i++)	/* peers 1-3 give, 4-8 (the fastest) went quiet */
		p[i].last_block_ms = i < 3 ? now - 1000 : now - CHOKER_SNUB_MS;
	cr_expect_eq(choker_run(&c, p, 8, now, 0), 5, "four slots plus one");
	for (size_t i = 0; i < 3; i++)
		cr_expect(p[i].unchoke && !p[i].optimistic, "peer %zu", i + 1);
	cr_expect_eq(count_regular(p, 8), 3, "no regular slot for a snubbing peer");
	for (size_t i = 3; i < 8; i++)
		optimistic += p[i].optimistic;
	cr_expect_eq(optimistic, 2, "the optimistic unchoke and one for the slot given up");
}

Test(choker, rechokes_every_interval)
{
	struct choker c = make_choker(0, 1);
	struct choker_peer p[2];

	make_peers(p, 2);
	cr_expect(choker_due(&c, 0));
	choker_run(&c, p, 2, 0, 0);
	cr_expect_not(choker_due(&c, CHOKER_RECHOKE_MS - 1));
	cr_expect(choker_due(&c, CHOKER_RECHOKE_MS));
}

Test(choker, rotates_the_optimistic_unchoke_every_optimistic_interval)
{
	int changed = 0;

	for (uint64_t seed = 0; seed < 20; seed++) {
		struct choker c = make_choker(0, seed);
		struct choker_peer p[12];
		uint64_t first;

		make_peers(p, 12);
		choker_run(&c, p, 12, 0, 0);
		first = c.optimistic_id;
		cr_assert_neq(first, 0);
		for (int64_t t = CHOKER_RECHOKE_MS; t < CHOKER_OPTIMISTIC_MS;
		    t += CHOKER_RECHOKE_MS) {
			choker_run(&c, p, 12, t, 0);
			cr_expect_eq(c.optimistic_id, first, "kept until 30 s");
			cr_expect(p[first - 1].optimistic);
		}
		choker_run(&c, p, 12, CHOKER_OPTIMISTIC_MS, 0);
		cr_expect_neq(c.optimistic_id, 0);
		changed += c.optimistic_id != first;
	}
	/* 8 candidates: a rotation keeps the same peer 1 time in 8. */
	cr_expect(changed >= 12, "rotated %d times of 20", changed);
}

Test(choker, replaces_an_optimistic_peer_that_lost_interest)
{
	struct choker c = make_choker(0, 3);
	struct choker_peer p[8];
	uint64_t first;

	make_peers(p, 8);
	choker_run(&c, p, 8, 0, 0);
	first = c.optimistic_id;
	p[first - 1].interested = 0;
	choker_run(&c, p, 8, CHOKER_RECHOKE_MS, 0);
	cr_expect_neq(c.optimistic_id, first);
	cr_expect_neq(c.optimistic_id, 0);
	cr_expect_not(p[first - 1].unchoke);
}

Test(choker, favours_new_peers_three_to_one_for_the_optimistic_slot)
{
	int picked_new = 0, trials = 3000;

	for (int s = 0; s < trials; s++) {
		struct choker c = make_choker(0, (uint64_t)s);
		struct choker_peer p[4];

		c.cfg.slots = 0;	/* everyone competes for the one slot */
		make_peers(p, 4);
		p[3].connected_ms = -1000;	/* connected a second ago */
		choker_run(&c, p, 4, 0, 0);
		picked_new += p[3].optimistic;
	}
	/* Weights 3 : 1 : 1 : 1, so the newcomer wins half the draws. */
	cr_expect(picked_new > trials * 43 / 100 && picked_new < trials * 57 / 100,
	    "newcomer picked %d of %d", picked_new, trials);
}

Test(choker, breaks_rate_ties_at_random)
{
	int first_won = 0;

	for (uint64_t s = 0; s < 200; s++) {
		struct choker c = make_choker(0, s);
		struct choker_peer p[8];

		make_peers(p, 8);
		for (size_t i = 0; i < 8; i++)
			p[i].rate_from = 0;
		c.cfg.slots = 1;
		choker_run(&c, p, 8, 0, 0);
		first_won += p[0].unchoke && !p[0].optimistic;
	}
	cr_expect(first_won > 5 && first_won < 60, "peer 1 won %d of 200",
	    first_won);
}

/*
 * The course notes' scenario.  A and B each have four partners uploading to
 * them at 5 units.  Every peer splits an upload capacity of 40 evenly among
 * the peers it unchokes.  B already has its optimistic unchoke on K when A
 * connects.  A optimistically unchokes B; B sees A upload faster than its
 * partners and makes A a regular; then A sees B upload faster than its own
 * partners and makes B a regular: each is among the other's top four.
 */
#define CAPACITY 40

static uint64_t
share(const struct choker_peer *p, size_t n, uint64_t to_id)
{
	size_t unchoked = 0;
	int hit = 0;

	for (size_t i = 0; i < n; i++) {
		unchoked += p[i].unchoke;
		hit |= p[i].unchoke && p[i].id == to_id;
	}
	return hit ? CAPACITY / unchoked : 0;
}

enum { A = 1, B = 2, K = 99 };

Test(choker, optimistic_unchoke_turns_into_mutual_top_four)
{
	struct choker ca = make_choker(0, 11), cb = make_choker(-5000, 12);
	struct choker_peer pa[5], pb[6];

	/* B's neighbours before A arrives: G, H, I, J at 5 and K at 0. */
	make_peers(pb, 6);
	for (size_t i = 0; i < 6; i++) {
		pb[i].id = 10 + i;
		pb[i].rate_from = 5;
		pb[i].last_block_ms = -5000;
	}
	pb[4].id = K;
	pb[4].rate_from = 0;
	pb[5].interested = 0;	/* the slot A will take */
	choker_run(&cb, pb, 6, -5000, 0);
	cr_assert_eq(cb.optimistic_id, K);

	/* A connects to B.  A's partners C, D, E, F upload to A at 5. */
	make_peers(pa, 5);
	for (size_t i = 0; i < 5; i++)
		pa[i].id = 20 + i;
	pa[0].id = B;
	for (size_t i = 0; i < 5; i++)
		pa[i].rate_from = pa[i].id == B ? 0 : 5;
	choker_run(&ca, pa, 5, 0, 0);
	cr_assert(pa[0].unchoke && pa[0].optimistic, "A tries B optimistically");

	/* B's next rechoke: A now uploads to B at CAPACITY / 5 = 8 > 5. */
	pb[5].id = A;
	pb[5].interested = 1;
	pb[5].connected_ms = 0;
	pb[5].rate_from = share(pa, 5, B);
	cr_assert_eq(pb[5].rate_from, 8);
	choker_run(&cb, pb, 6, 5000, 0);
	cr_expect(pb[5].unchoke && !pb[5].optimistic,
	    "B reciprocates: A is in B's top four");

	/* A's next rechoke: B uploads to A at 8 > 5. */
	pa[0].rate_from = share(pb, 6, A);
	cr_assert_eq(pa[0].rate_from, 8);
	choker_run(&ca, pa, 5, CHOKER_RECHOKE_MS, 0);
	cr_expect(pa[0].unchoke && !pa[0].optimistic,
	    "B is now in A's top four on its own merit");
	cr_expect_eq(count_regular(pa, 5), 4);
}
