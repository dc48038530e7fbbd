/*
 * test_receiver.c — the receiving half alone: segments handed in by the test,
 * in any order, and the acknowledgments it answers with.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "receiver.h"

static struct receiver *r;
static struct receiver_ack a;
static uint8_t out[4096];

static void
make(int selective, size_t cap, uint32_t isn)
{
	struct receiver_config cfg = { .selective = selective, .buf_cap = cap, .isn = isn };

	cr_assert_not_null(r = receiver_new(&cfg));
}

static void
teardown(void)
{
	receiver_free(r);
	r = NULL;
}

TestSuite(receiver, .fini = teardown);

Test(receiver, delivers_in_order_bytes_and_acks_cumulatively)
{
	make(0, 100, 1000);
	receiver_input(r, 1000, "hello", 5, 0, &a);
	cr_assert_eq(a.ack, 1005);
	cr_assert_eq(a.window, 95);
	cr_assert_eq(a.has_sack, 0);
	receiver_input(r, 1005, " world", 6, 0, &a);
	cr_assert_eq(a.ack, 1011);
	cr_assert_eq(receiver_read(r, out, sizeof(out)), 11);
	cr_assert_eq(memcmp(out, "hello world", 11), 0);
	receiver_ack(r, &a);
	cr_assert_eq(a.window, 100);
}

Test(receiver, go_back_n_discards_what_comes_early)
{
	make(0, 100, 0);
	receiver_input(r, 5, "fghij", 5, 0, &a);
	cr_assert_eq(a.ack, 0, "acked bytes it did not keep");
	cr_assert_eq(receiver_stats(r)->discarded, 1);
	receiver_input(r, 0, "abcde", 5, 0, &a);
	cr_assert_eq(a.ack, 5, "kept the early segment");
}

Test(receiver, selective_repeat_buffers_what_comes_early_and_says_so)
{
	make(1, 100, 0);
	receiver_input(r, 5, "fghij", 5, 0, &a);
	cr_assert_eq(a.ack, 0);
	cr_assert_eq(a.has_sack, 1);
	cr_assert_eq(a.sack, 5);
	cr_assert_eq(receiver_readable(r), 0);
	receiver_input(r, 0, "abcde", 5, 0, &a);
	cr_assert_eq(a.ack, 10);
	cr_assert_eq(a.sack, 0);
	cr_assert_eq(receiver_read(r, out, sizeof(out)), 10);
	cr_assert_eq(memcmp(out, "abcdefghij", 10), 0);
}

Test(receiver, acknowledges_a_duplicate_again_and_keeps_one_copy)
{
	make(1, 100, 0);
	receiver_input(r, 0, "abc", 3, 0, &a);
	receiver_input(r, 0, "abc", 3, 0, &a);
	cr_assert_eq(a.ack, 3);
	cr_assert_eq(a.has_sack, 1, "SR must re-ACK a segment below its window");
	cr_assert_eq(receiver_stats(r)->duplicates, 1);
	receiver_input(r, 1, "bcdef", 5, 0, &a);	/* overlaps old and new */
	cr_assert_eq(a.ack, 6);
	cr_assert_eq(receiver_read(r, out, sizeof(out)), 6);
	cr_assert_eq(memcmp(out, "abcdef", 6), 0);
}

Test(receiver, advertises_free_space_and_refuses_what_overflows_it)
{
	make(0, 8, 0);
	receiver_input(r, 0, "abcdef", 6, 0, &a);
	cr_assert_eq(a.window, 2);
	receiver_input(r, 6, "ghijkl", 6, 0, &a);
	cr_assert_eq(a.ack, 6, "took bytes past its buffer");
	cr_assert_eq(receiver_stats(r)->discarded, 1);
	cr_assert_eq(receiver_read(r, out, 4), 4);
	receiver_ack(r, &a);
	cr_assert_eq(a.window, 6);
}

Test(receiver, announces_a_window_that_reopens_from_zero)
{
	make(0, 4, 0);
	receiver_input(r, 0, "abcd", 4, 0, &a);
	cr_assert_eq(a.window, 0);
	cr_assert_eq(receiver_take_update(r, &a), 0);
	receiver_input(r, 4, "e", 1, 0, &a);	/* a probe: no room */
	cr_assert_eq(a.ack, 4);
	cr_assert_eq(a.window, 0);
	cr_assert_eq(receiver_read(r, out, 3), 3);
	cr_assert_eq(receiver_take_update(r, &a), 1);
	cr_assert_eq(a.ack, 4);
	cr_assert_eq(a.window, 3);
	cr_assert_eq(receiver_take_update(r, &a), 0, "one update per reopening");
}

Test(receiver, wraps_around_the_top_of_the_sequence_space)
{
	make(1, 64, 0xfffffffa);
	receiver_input(r, 0x00000002, "ijkl", 4, 0, &a);	/* past the wrap, early */
	cr_assert_eq(a.ack, 0xfffffffa);
	receiver_input(r, 0xfffffffa, "abcdefgh", 8, 0, &a);
	cr_assert_eq(a.ack, 0x00000006);
	cr_assert_eq(receiver_read(r, out, sizeof(out)), 12);
	cr_assert_eq(memcmp(out, "abcdefghijkl", 12), 0);
}

Test(receiver, a_fin_ends_the_stream_after_the_last_byte)
{
	make(1, 64, 100);
	receiver_input(r, 103, "", 0, 1, &a);	/* FIN before the data */
	cr_assert_eq(a.ack, 100);
	cr_assert_eq(receiver_eof(r), 0);
	receiver_input(r, 100, "xyz", 3, 0, &a);
	cr_assert_eq(a.ack, 104, "the FIN takes one sequence number");
	cr_assert_eq(receiver_eof(r), 0, "eof before the data was read");
	cr_assert_eq(receiver_read(r, out, sizeof(out)), 3);
	cr_assert_eq(receiver_eof(r), 1);
}

Test(receiver, go_back_n_ignores_a_fin_out_of_order)
{
	make(0, 64, 0);
	receiver_input(r, 3, "", 0, 1, &a);
	receiver_input(r, 0, "abc", 3, 0, &a);
	cr_assert_eq(a.ack, 3);
	receiver_input(r, 3, "", 0, 1, &a);
	cr_assert_eq(a.ack, 4);
}

Test(receiver, refuses_an_impossible_buffer)
{
	struct receiver_config cfg = { .selective = 0, .buf_cap = 0 };

	errno = 0;
	cr_assert_null(receiver_new(&cfg));
	cr_assert_eq(errno, EINVAL);
}
