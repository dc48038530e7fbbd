/*
 * test_link.c — the bottleneck link model on a fake clock.
 *
 * Times are whatever the test passes, in microseconds, so every departure
 * time is exact.  The last test runs random arrivals through the model and
 * through a naive one that keeps every accepted segment forever and counts
 * the waiting ones from scratch, and asks them to agree.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

#include "link.h"

static struct link L;

static void
teardown(void)
{
	link_free(&L);
}

TestSuite(link, .fini = teardown);

static void
setup_link(uint64_t rate, uint64_t delay_us, unsigned queue)
{
	struct link_config c = { .rate = rate, .delay_us = delay_us, .queue = queue };

	cr_assert_eq(link_init(&L, &c), 0);
}

/* Offers a len-byte segment at t; returns 1 if dropped. */
static int
arrive(uint64_t t, size_t len, struct link_result *r)
{
	return link_arrive(&L, t, len, NULL, r);
}

Test(link, a_burst_leaves_back_to_back_then_crosses_the_delay)
{
	struct link_result r;

	setup_link(1000, 5000, 10);	/* 100 bytes take 100 ms */
	for (uint64_t i = 0; i < 3; i++) {
		cr_assert_eq(arrive(0, 100, &r), 0);
		cr_assert_eq(r.start_us, i * 100000);
		cr_assert_eq(r.done_us, (i + 1) * 100000);
		cr_assert_eq(r.exit_us, (i + 1) * 100000 + 5000);
		cr_assert_eq(r.queue, i == 0 ? 0 : i - 1, "the one on the wire does not wait");
	}
	cr_assert_eq(link_queue_len(&L, 0), 2);
	cr_assert_eq(link_queue_len(&L, 150000), 1);
	cr_assert_eq(link_queue_len(&L, 200000), 0);
}

Test(link, an_idle_link_sends_at_once)
{
	struct link_result r;

	setup_link(1000, 0, 4);
	cr_assert_eq(arrive(0, 100, &r), 0);
	cr_assert_eq(arrive(1000000, 50, &r), 0);
	cr_assert_eq(r.start_us, 1000000);
	cr_assert_eq(r.exit_us, 1050000);
	cr_assert_eq(r.queue, 0);
}

Test(link, drop_tail_keeps_b_waiting_and_drops_the_rest)
{
	struct link_result r;
	int want[5] = { 0, 0, 0, 1, 1 };

	setup_link(1000, 0, 2);
	for (int i = 0; i < 5; i++)
		cr_assert_eq(arrive(0, 100, &r), want[i], "segment %d", i);
	cr_assert_eq(r.queue, 2);
	/* At 100 ms the second is on the wire and only the third waits. */
	cr_assert_eq(arrive(100000, 100, &r), 0);
	cr_assert_eq(r.queue, 1);
	cr_assert_eq(r.start_us, 300000);
	cr_assert_eq(arrive(100000, 100, &r), 1);
	cr_assert_eq(L.st.arrived, 7);
	cr_assert_eq(L.st.accepted, 4);
	cr_assert_eq(L.st.dropped, 3);
	cr_assert_eq(L.st.bytes, 400);
}

Test(link, a_zero_queue_takes_only_what_finds_the_link_idle)
{
	struct link_result r;

	setup_link(1000, 0, 0);
	cr_assert_eq(arrive(0, 100, &r), 0);
	cr_assert_eq(arrive(99999, 100, &r), 1);
	cr_assert_eq(arrive(100000, 100, &r), 0);
	cr_assert_eq(r.start_us, 100000);
}

Test(link, serialization_time_is_rounded_up_and_zero_without_a_rate)
{
	struct link_result r;

	setup_link(3, 0, 1);
	cr_assert_eq(link_tx_us(&L, 1), 333334);
	link_free(&L);
	setup_link(0, 7000, 0);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(arrive(10, 1400, &r), 0, "no rate: never busy, never full");
		cr_assert_eq(r.exit_us, 7010);
	}
}

Test(link, queue_length_is_counted_at_its_largest_and_on_average)
{
	struct link_result r;

	setup_link(1000, 0, 10);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(arrive(0, 100, &r), 0);
	cr_assert_eq(L.st.queue_max, 2);
	/* 2 waiting for 100 ms, then 1 for 100 ms: 1.5 until it drains. */
	cr_assert_float_eq(link_queue_mean(&L, 0), 1.5, 1e-9);
	cr_assert_float_eq(link_queue_mean(&L, 400000), 0.75, 1e-9);
}

Test(link, time_never_runs_backwards)
{
	struct link_result r;

	setup_link(1000, 0, 10);
	cr_assert_eq(arrive(500000, 100, &r), 0);
	cr_assert_eq(arrive(100, 100, &r), 0);
	cr_assert_eq(r.start_us, 600000, "taken as arriving at 500 ms");
	cr_assert_eq(r.queue, 0);
}

Test(link, init_refuses_a_queue_above_the_limit)
{
	struct link_config c = { .rate = 1, .queue = LINK_MAX_QUEUE + 1 };

	errno = 0;
	cr_assert_eq(link_init(&L, &c), -1);
	cr_assert_eq(errno, EINVAL);
}

static struct link_flow_key
key_of(uint16_t src_port)
{
	return (struct link_flow_key){ .src = { 0x7f000001, 40001 }, .dst = { 0x7f000001, 40002 },
	    .src_port = src_port, .dst_port = 7 };
}

/* Checks the counters of the flow from src_port. */
static void
assert_flow(uint16_t src_port, unsigned long segs, unsigned long bytes, unsigned long dropped)
{
	for (int i = 0; i < L.nflows; i++) {
		const struct link_flow *f = &L.flows[i];

		if (f->key.src_port != src_port)
			continue;
		cr_assert(f->segs == segs && f->bytes == bytes && f->dropped == dropped,
		    "flow %u: segs=%lu bytes=%lu dropped=%lu, not %lu %lu %lu", src_port, f->segs,
		    f->bytes, f->dropped, segs, bytes, dropped);
		return;
	}
	cr_assert_fail("no flow from port %u", src_port);
}

Test(link, each_flow_counts_its_bytes_and_drops)
{
	struct link_flow_key a = key_of(5000), b = key_of(5001);
	struct link_result r;

	setup_link(1000, 0, 1);
	cr_assert_eq(link_arrive(&L, 0, 100, &a, &r), 0);
	cr_assert_eq(link_arrive(&L, 0, 60, &b, &r), 0);
	cr_assert_eq(link_arrive(&L, 0, 100, &a, &r), 1);
	cr_assert_eq(link_arrive(&L, 0, 60, &b, &r), 1);
	cr_assert_eq(link_arrive(&L, 1000000, 100, &a, &r), 0);
	cr_assert_eq(L.nflows, 2);
	assert_flow(5000, 2, 200, 1);
	assert_flow(5001, 1, 60, 1);
}

Test(link, flows_past_the_table_are_counted_together)
{
	struct link_result r;

	setup_link(0, 0, 0);
	for (int i = 0; i < LINK_MAX_FLOWS + 3; i++) {
		struct link_flow_key k = key_of((uint16_t)(1000 + i));

		cr_assert_eq(link_arrive(&L, 0, 10, &k, &r), 0);
	}
	cr_assert_eq(L.nflows, LINK_MAX_FLOWS);
	cr_assert_eq(L.st.other_segs, 3);
	cr_assert_eq(L.st.other_bytes, 30);
}

Test(link, flows_are_told_apart_by_every_field_and_printed_as_a_4_tuple)
{
	struct link_flow_key k = key_of(5000), other;
	struct link_result r;
	char buf[128];

	setup_link(0, 0, 0);
	cr_assert_eq(link_arrive(&L, 0, 10, &k, &r), 0);
	other = k, other.src.port++;
	cr_assert_eq(link_arrive(&L, 0, 10, &other, &r), 0);
	other = k, other.dst.ip++;
	cr_assert_eq(link_arrive(&L, 0, 10, &other, &r), 0);
	other = k, other.dst_port++;
	cr_assert_eq(link_arrive(&L, 0, 10, &other, &r), 0);
	cr_assert_eq(L.nflows, 4);
	cr_assert_str_eq(link_flow_format(&k, buf, sizeof(buf)),
	    "127.0.0.1:40001/5000>127.0.0.1:40002/7");
}

/* The naive link: every accepted segment's start, searched from the beginning. */
struct naive {
	uint64_t start[4000];
	int n;
	uint64_t free_us;
};

static int
naive_arrive(struct naive *m, uint64_t t, uint64_t tx_us, unsigned queue, uint64_t *start)
{
	unsigned waiting = 0;

	for (int i = 0; i < m->n; i++)
		waiting += m->start[i] > t;
	if (m->free_us > t && waiting >= queue)
		return 1;
	*start = m->free_us > t ? m->free_us : t;
	m->free_us = *start + tx_us;
	m->start[m->n++] = *start;
	return 0;
}

Test(link, agrees_with_a_naive_model_on_random_arrivals)
{
	static struct naive m;
	uint64_t t = 0, start = 0;
	unsigned drops = 0;

	srand(14);
	setup_link(100000, 2500, 5);
	for (int i = 0; i < 4000; i++) {
		struct link_result r;
		size_t len = 16 + (size_t)(rand() % 1400);
		int d;

		t += (uint64_t)(rand() % 12000);
		d = naive_arrive(&m, t, link_tx_us(&L, len), 5, &start);
		cr_assert_eq(arrive(t, len, &r), d, "segment %d at %llu", i, (unsigned long long)t);
		drops += (unsigned)d;
		if (!d) {
			cr_assert_eq(r.start_us, start, "segment %d", i);
			cr_assert_eq(r.exit_us, start + link_tx_us(&L, len) + 2500);
		}
	}
	cr_assert(drops > 100 && drops < 3000, "the arrivals should fill the queue sometimes: %u",
	    drops);
	cr_assert_eq(L.st.dropped, drops);
}
