/*
 * test_reasm.c — reassembly with a clock the test turns by hand.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "reasm.h"

static struct reasm *r;
static uint8_t msg[REASM_MAX_MESSAGE];

static void
setup(void)
{
	struct reasm_config cfg = { .max_bytes = 1 << 20, .max_partials = 8, .timeout_ms = 1000 };

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + i / 251);
	cr_assert_not_null(r = reasm_new(&cfg));
}

static void
teardown(void)
{
	reasm_free(r);
}

TestSuite(reasm, .init = setup, .fini = teardown);

static struct reasm_key
key(uint32_t ip, uint16_t port, uint16_t id)
{
	return (struct reasm_key){ .host = { .ip = ip, .port = 4000 }, .port = port, .msg_id = id };
}

/* Segment index of a len-byte message cut at mss, as the sender makes it. */
static struct segment
piece(size_t len, size_t mss, uint16_t index)
{
	uint16_t count = len == 0 ? 1 : (uint16_t)((len + mss - 1) / mss);
	size_t off = (size_t)index * mss;

	return (struct segment){ .src_port = 5000, .dst_port = 7, .type = SEGMENT_DATA,
		.index = index, .count = count, .payload = msg + off,
		.payload_len = len - off < mss ? len - off : mss };
}

/* Feeds the pieces in the order given; expects completion on the last. */
static void
feed(const struct reasm_key *k, size_t len, size_t mss, const uint16_t *order, int n)
{
	struct reasm_message out = { 0 };

	for (int i = 0; i < n; i++) {
		struct segment s = piece(len, mss, order[i]);
		enum reasm_status st = reasm_add(r, k, &s, 0, &out);

		cr_assert_eq(st, i == n - 1 ? REASM_COMPLETE : REASM_PARTIAL, "piece %d: %s", i,
		    reasm_status_name(st));
	}
	cr_assert_eq(out.len, len);
	cr_assert_eq(out.dst_port, 7);
	cr_assert(len == 0 || memcmp(out.data, msg, len) == 0, "content");
	free(out.data);
	cr_assert_eq(reasm_stats(r)->partials, 0);
	cr_assert_eq(reasm_stats(r)->bytes, 0, "nothing held after completion");
}

Test(reasm, completes_a_one_segment_message_at_once)
{
	struct reasm_key k1 = key(1, 5000, 1), k2 = key(1, 5000, 2);
	const uint16_t order[] = { 0 };

	feed(&k1, 100, 256, order, 1);
	feed(&k2, 0, 256, order, 1);
}

Test(reasm, puts_pieces_back_in_order_whatever_order_they_arrive_in)
{
	struct reasm_key k1 = key(1, 5000, 1), k2 = key(1, 5000, 2), k3 = key(1, 5000, 3);
	const uint16_t in_order[] = { 0, 1, 2, 3, 4 };
	const uint16_t reversed[] = { 4, 3, 2, 1, 0 };
	const uint16_t shuffled[] = { 2, 4, 0, 3, 1 };

	feed(&k1, 1200, 256, in_order, 5);
	feed(&k2, 1200, 256, reversed, 5);
	feed(&k3, 1200, 256, shuffled, 5);
}

Test(reasm, reassembles_64_kib_in_a_random_order)
{
	struct reasm_key k = key(1, 5000, 9);
	uint16_t order[4096];

	for (int i = 0; i < 4096; i++)
		order[i] = (uint16_t)i;
	srand(3);
	for (int i = 4095; i > 0; i--) {
		int j = rand() % (i + 1);
		uint16_t t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	feed(&k, REASM_MAX_MESSAGE, 16, order, 4096);
}

Test(reasm, ignores_duplicates)
{
	struct reasm_key k = key(1, 5000, 1);
	struct reasm_message out = { 0 };
	struct segment s0 = piece(600, 256, 0), s1 = piece(600, 256, 1), s2 = piece(600, 256, 2);

	cr_assert_eq(reasm_add(r, &k, &s1, 0, &out), REASM_PARTIAL);
	cr_assert_eq(reasm_add(r, &k, &s1, 0, &out), REASM_DUPLICATE);
	cr_assert_eq(reasm_add(r, &k, &s0, 0, &out), REASM_PARTIAL);
	cr_assert_eq(reasm_add(r, &k, &s1, 0, &out), REASM_DUPLICATE);
	cr_assert_eq(reasm_add(r, &k, &s2, 0, &out), REASM_COMPLETE);
	cr_assert_eq(out.len, 600);
	cr_assert(memcmp(out.data, msg, 600) == 0);
	free(out.data);
	cr_assert_eq(reasm_stats(r)->duplicates, 2);
}

Test(reasm, keeps_messages_of_different_sources_apart)
{
	struct reasm_key a = key(1, 5000, 1), b = key(2, 5000, 1), c = key(1, 5001, 1);
	struct reasm_message out = { 0 };
	struct segment s0 = piece(300, 256, 0), s1 = piece(300, 256, 1);

	cr_assert_eq(reasm_add(r, &a, &s0, 0, &out), REASM_PARTIAL);
	cr_assert_eq(reasm_add(r, &b, &s0, 0, &out), REASM_PARTIAL, "same id, other host");
	cr_assert_eq(reasm_add(r, &c, &s1, 0, &out), REASM_PARTIAL, "same id, other port");
	cr_assert_eq(reasm_stats(r)->partials, 3);
	cr_assert_eq(reasm_add(r, &a, &s1, 0, &out), REASM_COMPLETE);
	free(out.data);
}

Test(reasm, drops_an_incomplete_message_when_it_times_out)
{
	struct reasm_key k = key(1, 5000, 1);
	struct reasm_message out = { 0 };
	struct segment s0 = piece(600, 256, 0), s2 = piece(600, 256, 2);

	cr_assert_eq(reasm_next_deadline(r), -1);
	cr_assert_eq(reasm_add(r, &k, &s0, 100, &out), REASM_PARTIAL);
	cr_assert_eq(reasm_add(r, &k, &s2, 900, &out), REASM_PARTIAL);
	cr_assert_eq(reasm_next_deadline(r), 1100, "timed from the first piece");
	cr_assert_eq(reasm_expire(r, 1099), 0);
	cr_assert_eq(reasm_expire(r, 1100), 1);
	cr_assert_eq(reasm_stats(r)->partials, 0);
	cr_assert_eq(reasm_stats(r)->bytes, 0);
	cr_assert_eq(reasm_stats(r)->timed_out, 1);
	cr_assert_eq(reasm_next_deadline(r), -1);
	/* The missing piece, late: it starts a new partial message, never completes one. */
	s0 = piece(600, 256, 1);
	cr_assert_eq(reasm_add(r, &k, &s0, 1200, &out), REASM_PARTIAL);
}

Test(reasm, ignores_a_piece_whose_count_disagrees)
{
	struct reasm_key k = key(1, 5000, 1);
	struct reasm_message out = { 0 };
	struct segment s0 = piece(600, 256, 0), odd = piece(600, 100, 1);

	cr_assert_eq(reasm_add(r, &k, &s0, 0, &out), REASM_PARTIAL);
	cr_assert_eq(reasm_add(r, &k, &odd, 0, &out), REASM_INCONSISTENT);
	odd = piece(600, 256, 1);
	odd.dst_port = 8;
	cr_assert_eq(reasm_add(r, &k, &odd, 0, &out), REASM_INCONSISTENT, "other destination");
	cr_assert_eq(reasm_stats(r)->inconsistent, 2);
}

Test(reasm, drops_a_message_that_grows_past_64_kib)
{
	struct reasm_key k = key(1, 5000, 1);
	struct reasm_message out = { 0 };
	enum reasm_status st = REASM_PARTIAL;
	uint16_t i;

	/* 100 pieces of 1400 bytes would be 140000 bytes: a liar's count. */
	for (i = 0; i < 100 && st == REASM_PARTIAL; i++) {
		struct segment s = { .src_port = 1, .dst_port = 7, .type = SEGMENT_DATA, .index = i,
			.count = 100, .payload = msg, .payload_len = 1400 };

		st = reasm_add(r, &k, &s, 0, &out);
	}
	cr_assert_eq(st, REASM_OVERSIZED);
	cr_assert_eq(i, 47, "dropped at the piece that crossed 65536 bytes");
	cr_assert_eq(reasm_stats(r)->partials, 0);
	cr_assert_eq(reasm_stats(r)->bytes, 0);
}

Test(reasm, never_holds_more_than_its_memory_budget)
{
	struct reasm_config cfg = { .max_bytes = 8000, .max_partials = 100, .timeout_ms = 1000 };
	struct reasm *small = reasm_new(&cfg);
	struct reasm_message out = { 0 };

	cr_assert_not_null(small);
	/* 20 messages of 3 pieces, each missing its last piece: 2 x 1000 bytes each. */
	for (uint16_t id = 0; id < 20; id++) {
		struct reasm_key k = key(1, 5000, id);

		for (uint16_t i = 0; i < 2; i++) {
			struct segment s = piece(3000, 1000, i);

			cr_assert_neq(reasm_add(small, &k, &s, id, &out), REASM_COMPLETE);
			cr_assert_leq(reasm_stats(small)->bytes, cfg.max_bytes);
		}
	}
	cr_assert_gt(reasm_stats(small)->evicted, 0);
	cr_assert_lt(reasm_stats(small)->partials, 4);
	/* The newest survive: message 19 can still complete. */
	{
		struct reasm_key k = key(1, 5000, 19);
		struct segment s = piece(3000, 1000, 2);

		cr_assert_eq(reasm_add(small, &k, &s, 20, &out), REASM_COMPLETE);
		cr_assert(memcmp(out.data, msg, 3000) == 0);
		free(out.data);
	}
	reasm_free(small);
}

Test(reasm, refuses_a_message_larger_than_the_whole_budget)
{
	struct reasm_config cfg = { .max_bytes = 2000, .max_partials = 4, .timeout_ms = 1000 };
	struct reasm *small = reasm_new(&cfg);
	struct reasm_message out = { 0 };
	enum reasm_status st = REASM_PARTIAL;

	cr_assert_not_null(small);
	for (uint16_t i = 0; i < 5 && st == REASM_PARTIAL; i++) {
		struct segment s = piece(5000, 1000, i);
		struct reasm_key k = key(1, 5000, 1);

		st = reasm_add(small, &k, &s, 0, &out);
		cr_assert_leq(reasm_stats(small)->bytes, cfg.max_bytes);
	}
	cr_assert_eq(st, REASM_NO_MEMORY);
	cr_assert_eq(reasm_stats(small)->partials, 0);
	reasm_free(small);
}

Test(reasm, never_keeps_more_partial_messages_than_allowed)
{
	struct reasm_message out = { 0 };

	for (uint16_t id = 0; id < 50; id++) {
		struct reasm_key k = key(1, 5000, id);
		struct segment s = piece(600, 256, 0);

		cr_assert_eq(reasm_add(r, &k, &s, 0, &out), REASM_PARTIAL);
		cr_assert_leq(reasm_stats(r)->partials, 8);
	}
	cr_assert_eq(reasm_stats(r)->evicted, 42);
}

Test(reasm, refuses_a_count_too_big_to_track)
{
	struct reasm_config cfg = { .max_bytes = 1000, .max_partials = 4, .timeout_ms = 1000 };
	struct reasm *small = reasm_new(&cfg);
	struct reasm_message out = { 0 };
	struct reasm_key k = key(1, 5000, 1);
	struct segment s = { .src_port = 1, .dst_port = 7, .type = SEGMENT_DATA, .index = 0,
		.count = SEGMENT_MAX_COUNT, .payload = msg, .payload_len = 10 };

	cr_assert_not_null(small);
	cr_assert_eq(reasm_add(small, &k, &s, 0, &out), REASM_NO_MEMORY, "slots alone exceed 1000");
	cr_assert_eq(reasm_stats(small)->bytes, 0);
	reasm_free(small);
}

Test(reasm, ignores_copies_of_a_message_it_just_completed)
{
	struct reasm_key k = key(1, 5000, 1);
	struct reasm_message out = { 0 };
	struct segment s0 = piece(300, 256, 0), s1 = piece(300, 256, 1), one = piece(10, 256, 0);
	struct reasm_key k2 = key(1, 5000, 2);

	cr_assert_eq(reasm_add(r, &k, &s0, 0, &out), REASM_PARTIAL);
	cr_assert_eq(reasm_add(r, &k, &s1, 0, &out), REASM_COMPLETE);
	free(out.data);
	cr_assert_eq(reasm_add(r, &k, &s0, 10, &out), REASM_DUPLICATE, "a late copy");
	cr_assert_eq(reasm_add(r, &k2, &one, 10, &out), REASM_COMPLETE);
	free(out.data);
	cr_assert_eq(reasm_add(r, &k2, &one, 20, &out), REASM_DUPLICATE, "a one-piece copy");
	cr_assert_eq(reasm_stats(r)->partials, 0);
	/* After the timeout the id may be used again (ids wrap around). */
	cr_assert_eq(reasm_add(r, &k2, &one, 10 + 1000, &out), REASM_COMPLETE);
	free(out.data);
}
