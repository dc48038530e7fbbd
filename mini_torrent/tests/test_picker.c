/*
 * test_picker.c — piece and block selection: availability, rarest first,
 * random ties, random first pieces, partial pieces first, endgame, and
 * blocks going back to the pool.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "picker.h"

#define BLK PICKER_BLOCK_LEN

/* A bitfield of n bits with the listed pieces set (list ends with -1). */
static struct bitfield
bits(uint32_t n, const int *set)
{
	struct bitfield b;

	cr_assert_eq(bitfield_init(&b, n), 0);
	for (; *set >= 0; set++)
		bitfield_set(&b, (uint32_t)*set);
	return b;
}

static struct bitfield
all_bits(uint32_t n)
{
	struct bitfield b;

	cr_assert_eq(bitfield_init(&b, n), 0);
	bitfield_set_all(&b);
	return b;
}

Test(picker, cuts_pieces_into_16k_blocks)
{
	struct picker p;

	/* 3 pieces of 40000 bytes, the last one 20000. */
	cr_assert_eq(picker_init(&p, 100000, 40000, 1), 0);
	cr_expect_eq(p.npieces, 3);
	cr_expect_eq(picker_piece_size(&p, 0), 40000);
	cr_expect_eq(picker_piece_size(&p, 2), 20000);
	cr_expect_eq(picker_block_count(&p, 0), 3);
	cr_expect_eq(picker_block_count(&p, 2), 2);
	picker_free(&p);
}

Test(picker, last_block_of_a_piece_is_short)
{
	struct picker p;
	struct bitfield has = all_bits(1);
	struct picker_block b;

	cr_assert_eq(picker_init(&p, 40000, 40000, 1), 0);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(picker_next(&p, &has, 0, NULL, NULL, &b), 1);
	cr_expect_eq(b.begin, 2 * BLK);
	cr_expect_eq(b.length, 40000 - 2 * BLK);
	picker_free(&p);
	bitfield_free(&has);
}

Test(picker, counts_availability_from_bitfields_and_haves)
{
	struct picker p;
	struct bitfield a = bits(4, (int[]){ 0, 1, -1 });
	struct bitfield b = bits(4, (int[]){ 1, -1 });

	cr_assert_eq(picker_init(&p, 4 * BLK, BLK, 1), 0);
	picker_add_peer(&p, &a);
	picker_add_peer(&p, &b);
	picker_add_have(&p, 3);
	cr_expect_eq(p.avail[0], 1);
	cr_expect_eq(p.avail[1], 2);
	cr_expect_eq(p.avail[2], 0);
	cr_expect_eq(p.avail[3], 1);
	picker_remove_peer(&p, &a);
	cr_expect_eq(p.avail[0], 0);
	cr_expect_eq(p.avail[1], 1);
	picker_free(&p);
	bitfield_free(&a);
	bitfield_free(&b);
}

Test(picker, min_avail_looks_only_at_pieces_it_could_have_started)
{
	struct picker p;
	struct bitfield all = all_bits(4);
	struct bitfield two = bits(4, (int[]){ 0, 1, -1 });
	struct bitfield one = bits(4, (int[]){ 0, -1 });
	struct bitfield only2 = bits(4, (int[]){ 2, -1 });
	struct picker_block b;

	cr_assert_eq(picker_init(&p, 4 * BLK, BLK, 1), 0);
	picker_add_peer(&p, &all);
	picker_add_peer(&p, &two);
	picker_add_peer(&p, &one);
	picker_piece_verified(&p, 3);		/* avail 3 2 1 1, piece 3 had */
	cr_assert_eq(picker_next(&p, &only2, 0, NULL, NULL, &b), 1);
	cr_assert_eq(b.piece, 2);		/* piece 2 started */
	cr_expect_eq(picker_avail(&p, 1), 2);
	cr_expect_eq(picker_avail(&p, 3), 1);
	cr_expect_eq(picker_min_avail(&p, &all, 0), 2, "not 3 (had), not 2 (started)");
	cr_expect_eq(picker_min_avail(&p, &all, 2), 1, "the piece itself counts");
	cr_expect_eq(picker_min_avail(&p, &only2, 2), 1);
	cr_expect_eq(picker_min_avail(&p, &two, 0), 2);
	picker_free(&p);
	bitfield_free(&all);
	bitfield_free(&two);
	bitfield_free(&one);
	bitfield_free(&only2);
}

Test(picker, picks_the_rarest_piece)
{
	struct picker p;
	struct bitfield seed = all_bits(8);
	struct bitfield few = bits(8, (int[]){ 0, 1, 2, 3, 4, 6, 7, -1 });

	cr_assert_eq(picker_init(&p, 8 * BLK, BLK, 7), 0);
	p.random_first = 0;
	/* Every piece is held by 3 peers except piece 5, held by 1. */
	picker_add_peer(&p, &seed);
	picker_add_peer(&p, &few);
	picker_add_peer(&p, &few);
	for (uint64_t s = 0; s < 50; s++) {
		p.rng = s;
		cr_expect_eq(picker_pick_new(&p, &seed), 5, "seed %llu",
		    (unsigned long long)s);
	}
	picker_free(&p);
	bitfield_free(&seed);
	bitfield_free(&few);
}

Test(picker, ignores_pieces_the_peer_lacks_or_we_have)
{
	struct picker p;
	struct bitfield seed = all_bits(4);
	struct bitfield one = bits(4, (int[]){ 2, -1 });

	cr_assert_eq(picker_init(&p, 4 * BLK, BLK, 7), 0);
	p.random_first = 0;
	picker_add_peer(&p, &seed);
	picker_add_peer(&p, &seed);
	picker_add_peer(&p, &one);
	/* Piece 0 is rarest-equal with 1 and 3, but we already have 0. */
	picker_piece_verified(&p, 0);
	for (uint64_t s = 0; s < 50; s++) {
		int64_t got;

		p.rng = s;
		got = picker_pick_new(&p, &seed);
		cr_expect(got == 1 || got == 3, "picked %lld", (long long)got);
	}
	cr_expect_eq(picker_pick_new(&p, &one), 2);
	picker_piece_verified(&p, 2);
	cr_expect_eq(picker_pick_new(&p, &one), -1);
	picker_free(&p);
	bitfield_free(&seed);
	bitfield_free(&one);
}

Test(picker, breaks_ties_at_random_and_reproducibly)
{
	struct bitfield seed = all_bits(16);
	int seen[16] = { 0 };

	for (uint64_t s = 0; s < 400; s++) {
		struct picker p, q;

		cr_assert_eq(picker_init(&p, 16 * BLK, BLK, s), 0);
		cr_assert_eq(picker_init(&q, 16 * BLK, BLK, s), 0);
		p.random_first = q.random_first = 0;
		picker_add_peer(&p, &seed);
		picker_add_peer(&q, &seed);
		int64_t a = picker_pick_new(&p, &seed);
		cr_assert(a >= 0 && a < 16);
		cr_expect_eq(picker_pick_new(&q, &seed), a, "same seed, same pick");
		seen[a]++;
		picker_free(&p);
		picker_free(&q);
	}
	/* 400 draws over 16 equal pieces: each expected 25 times. */
	for (int i = 0; i < 16; i++)
		cr_expect(seen[i] >= 8 && seen[i] <= 50, "piece %d seen %d times",
		    i, seen[i]);
	bitfield_free(&seed);
}

Test(picker, picks_at_random_until_the_first_pieces_are_in)
{
	struct bitfield seed = all_bits(8);
	struct bitfield most = bits(8, (int[]){ 1, 2, 3, 4, 5, 6, 7, -1 });
	int rarest = 0, other = 0;

	for (uint64_t s = 0; s < 200; s++) {
		struct picker p;

		cr_assert_eq(picker_init(&p, 8 * BLK, BLK, s), 0);
		picker_add_peer(&p, &seed);
		picker_add_peer(&p, &most);	/* piece 0 is the rarest */
		if (picker_pick_new(&p, &seed) == 0)
			rarest++;
		else
			other++;
		/* With 4 pieces in, rarest first takes over. */
		for (uint32_t i = 4; i < 8; i++)
			picker_piece_verified(&p, i);
		cr_expect_eq(picker_pick_new(&p, &seed), 0);
		picker_free(&p);
	}
	cr_expect(other > 100, "random first chose the rarest %d of 200 times",
	    rarest);
	bitfield_free(&seed);
	bitfield_free(&most);
}

Test(picker, finishes_partial_pieces_first)
{
	struct picker p;
	struct bitfield seed = all_bits(8);
	struct picker_block a, b, c;

	cr_assert_eq(picker_init(&p, 8 * 4 * BLK, 4 * BLK, 3), 0);
	picker_add_peer(&p, &seed);
	cr_assert_eq(picker_next(&p, &seed, 1, NULL, NULL, &a), 1);
	cr_assert_eq(picker_next(&p, &seed, 0, NULL, NULL, &b), 1);
	cr_assert_eq(picker_next(&p, &seed, 0, NULL, NULL, &c), 1);
	cr_expect_eq(b.piece, a.piece);
	cr_expect_eq(c.piece, a.piece);
	cr_expect_eq(a.begin, 0);
	cr_expect_eq(b.begin, BLK);
	cr_expect_eq(c.begin, 2 * BLK);
	cr_expect_eq(p.nactive, 1);
	picker_free(&p);
	bitfield_free(&seed);
}

Test(picker, returns_blocks_to_the_pool_when_a_peer_vanishes)
{
	struct picker p;
	struct bitfield seed = all_bits(1);
	struct picker_block a, b, again;

	cr_assert_eq(picker_init(&p, 2 * BLK, 2 * BLK, 3), 0);
	cr_assert_eq(picker_next(&p, &seed, 1, NULL, NULL, &a), 1);
	cr_assert_eq(picker_next(&p, &seed, 0, NULL, NULL, &b), 1);
	cr_expect(picker_endgame(&p), "every block is out");
	/* The peer that held block a leaves: a is free again, not a dup. */
	picker_request_done(&p, a.piece, a.begin);
	cr_assert_eq(picker_next(&p, &seed, 1, NULL, NULL, &again), 1);
	cr_expect_eq(again.begin, a.begin);
	cr_expect_eq(again.duplicate, 0);
	picker_free(&p);
	bitfield_free(&seed);
}

/* The asked predicate: a peer's outstanding blocks, by begin offset. */
struct asked_set {
	uint32_t begins[8];
	int n;
};

static int
asked(void *ctx, uint32_t piece, uint32_t begin)
{
	struct asked_set *s = ctx;

	(void)piece;
	for (int i = 0; i < s->n; i++)
		if (s->begins[i] == begin)
			return 1;
	return 0;
}

Test(picker, endgame_duplicates_requests_across_peers_only)
{
	struct picker p;
	struct bitfield seed = all_bits(1);
	struct asked_set pa = { .n = 0 }, pb = { .n = 0 };
	struct picker_block b;

	cr_assert_eq(picker_init(&p, 2 * BLK, 2 * BLK, 3), 0);
	cr_expect_not(picker_endgame(&p));
	/* Peer A takes both blocks: every block is requested, endgame. */
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(picker_next(&p, &seed, i == 0, asked, &pa, &b), 1);
		cr_expect_eq(b.duplicate, 0);
		pa.begins[pa.n++] = b.begin;
	}
	cr_expect(picker_endgame(&p));
	cr_expect_eq(picker_next(&p, &seed, 1, asked, &pa, &b), 0,
	    "never ask the same peer twice for a block");
	/* Idle peer B gets a duplicate; while it waits for it, nothing more. */
	cr_assert_eq(picker_next(&p, &seed, 1, asked, &pb, &b), 1);
	cr_expect_eq(b.duplicate, 1);
	pb.begins[pb.n++] = b.begin;
	cr_expect_eq(picker_next(&p, &seed, 0, asked, &pb, &b), 0,
	    "a busy peer gets no duplicates");
	/* Block 0 arrives from B: it is not offered again. */
	cr_expect_eq(picker_block_received(&p, 0, 0), PICKER_BLOCK);
	cr_expect_eq(picker_block_received(&p, 0, 0), PICKER_USELESS);
	cr_assert_eq(picker_next(&p, &seed, 1, asked, &pb, &b), 1);
	cr_expect_eq(b.begin, BLK, "B, idle again, duplicates the other block");
	cr_expect_eq(picker_block_received(&p, 0, BLK), PICKER_PIECE_DONE);
	picker_piece_verified(&p, 0);
	cr_expect(picker_complete(&p));
	cr_expect_not(picker_endgame(&p));
	picker_free(&p);
	bitfield_free(&seed);
}

Test(picker, endgame_prefers_blocks_with_fewest_requests)
{
	struct picker p;
	struct bitfield seed = all_bits(1);
	struct asked_set none = { .n = 0 };
	struct picker_block b;

	cr_assert_eq(picker_init(&p, 3 * BLK, 3 * BLK, 3), 0);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(picker_next(&p, &seed, 1, NULL, NULL, &b), 1);
	/* Idle peers duplicate block 0, then block 1; next must be block 2. */
	cr_assert_eq(picker_next(&p, &seed, 1, asked, &none, &b), 1);
	cr_assert_eq(picker_next(&p, &seed, 1, asked, &none, &b), 1);
	cr_assert_eq(picker_next(&p, &seed, 1, asked, &none, &b), 1);
	cr_expect_eq(b.begin, 2 * BLK);
	picker_free(&p);
	bitfield_free(&seed);
}

Test(picker, failed_piece_is_fetched_again)
{
	struct picker p;
	struct bitfield seed = all_bits(2);
	struct picker_block b;

	cr_assert_eq(picker_init(&p, 2 * BLK, BLK, 3), 0);
	p.random_first = 0;
	picker_add_peer(&p, &seed);
	cr_assert_eq(picker_next(&p, &seed, 1, NULL, NULL, &b), 1);
	picker_request_done(&p, b.piece, b.begin);
	cr_assert_eq(picker_block_received(&p, b.piece, b.begin),
	    PICKER_PIECE_DONE);
	picker_piece_failed(&p, b.piece);
	cr_expect_not(bitfield_get(&p.have, b.piece));
	cr_expect_eq(p.nactive, 0);
	cr_expect_eq(picker_block_received(&p, b.piece, b.begin),
	    PICKER_USELESS, "data for a dropped piece is useless");
	cr_expect(picker_pick_new(&p, &seed) >= 0);
	picker_free(&p);
	bitfield_free(&seed);
}

Test(picker, soft_cap_stops_new_pieces_for_busy_peers_only)
{
	struct picker p;
	struct bitfield seed = all_bits(4);
	struct picker_block b;

	cr_assert_eq(picker_init(&p, 4 * BLK, BLK, 3), 0);
	p.max_active = 1;
	cr_assert_eq(picker_next(&p, &seed, 1, NULL, NULL, &b), 1);
	cr_expect_eq(picker_next(&p, &seed, 0, NULL, NULL, &b), 0,
	    "a busy peer waits for the cap");
	cr_expect_eq(picker_next(&p, &seed, 1, NULL, NULL, &b), 1,
	    "an idle peer may start a piece");
	cr_expect_eq(p.nactive, 2);
	picker_free(&p);
	bitfield_free(&seed);
}

Test(picker, rejects_blocks_at_odd_offsets)
{
	struct picker p;
	struct bitfield seed = all_bits(1);
	struct picker_block b;

	cr_assert_eq(picker_init(&p, 2 * BLK, 2 * BLK, 3), 0);
	cr_assert_eq(picker_next(&p, &seed, 1, NULL, NULL, &b), 1);
	cr_expect_eq(picker_block_received(&p, 0, 100), PICKER_USELESS);
	cr_expect_eq(picker_block_received(&p, 0, 4 * BLK), PICKER_USELESS);
	picker_free(&p);
	bitfield_free(&seed);
}

Test(picker, refuses_empty_torrents)
{
	struct picker p;

	cr_expect_eq(picker_init(&p, 0, BLK, 1), -1);
	cr_expect_eq(picker_init(&p, BLK, 0, 1), -1);
}
