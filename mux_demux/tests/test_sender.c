/*
 * test_sender.c — the sending half alone, on a fake clock: the test plays the
 * receiver, chooses when ACKs arrive and what time it is.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "sender.h"

#define MSS 100

static struct sender *s;
static struct sender_seg seg;
static uint8_t payload[MSS], data[10000];

static void
make(enum sender_mode mode, int window, uint32_t isn, enum cc_algo cc)
{
	struct sender_config cfg;

	sender_config_default(&cfg, mode);
	cfg.mss = MSS;
	cfg.window = window;
	cfg.isn = isn;
	cfg.cc = cc;
	cfg.rtt = (struct rtt_config){ .initial_ms = 1000, .min_ms = 10, .max_ms = 60000 };
	cr_assert_not_null(s = sender_new(&cfg));
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
}

static void
teardown(void)
{
	sender_free(s);
	s = NULL;
}

TestSuite(sender, .fini = teardown);

/* How many segments go out at now; the last one stays in seg. */
static int
drain(long now)
{
	int n = 0;

	while (sender_next(s, now, &seg, payload, sizeof(payload)))
		n++;
	return n;
}

static void
ack(uint32_t a, uint32_t window, long now)
{
	struct sender_ack k = { .ack = a, .window = window };

	sender_on_ack(s, &k, now);
}

Test(sender, stop_and_wait_keeps_one_segment_in_flight)
{
	make(SENDER_STOP_AND_WAIT, 8, 0, CC_NONE);
	cr_assert_eq(sender_write(s, data, 250), 250);
	cr_assert_eq(drain(0), 1);
	cr_assert_eq(seg.seq, 0);
	cr_assert_eq(seg.len, MSS);
	cr_assert_eq(memcmp(payload, data, MSS), 0);
	ack(100, 65536, 5);
	cr_assert_eq(drain(5), 1);
	cr_assert_eq(seg.seq, 100);
	cr_assert_eq(memcmp(payload, data + 100, MSS), 0);
}

Test(sender, go_back_n_fills_its_window_then_waits)
{
	make(SENDER_GO_BACK_N, 4, 0, CC_NONE);
	sender_write(s, data, 1000);
	cr_assert_eq(drain(0), 4);
	cr_assert_eq(sender_flight(s), 400);
	ack(200, 65536, 10);		/* two segments: two more may go */
	cr_assert_eq(drain(10), 2);
	cr_assert_eq(seg.seq, 500);
}

Test(sender, go_back_n_timeout_resends_every_segment_in_flight)
{
	make(SENDER_GO_BACK_N, 4, 0, CC_NONE);
	sender_write(s, data, 1000);
	drain(0);
	cr_assert_eq(sender_next_deadline(s), 1000);
	sender_tick(s, 999);
	cr_assert_eq(drain(999), 0, "resent before the timeout");
	sender_tick(s, 1000);
	for (uint32_t i = 0; i < 4; i++) {
		cr_assert_eq(sender_next(s, 1000, &seg, payload, sizeof(payload)), 1);
		cr_assert_eq(seg.seq, 100 * i);
		cr_assert(seg.retransmit);
	}
	cr_assert_eq(drain(1000), 0);
	cr_assert_eq(sender_stats(s)->timeouts, 1);
}

/* restarts: the timeouts after which Reno's window is one segment; none never restarts. */
Test(sender, counts_timeouts_that_restart_slow_start)
{
	make(SENDER_GO_BACK_N, 8, 0, CC_RENO);
	sender_write(s, data, 2000);
	drain(0);
	ack(100, 65536, 10);		/* slow start: two segments' window */
	ack(200, 65536, 20);		/* three */
	cr_assert_gt(drain(20), 1);
	sender_tick(s, 20 + 1000);
	cr_assert_eq(sender_stats(s)->timeouts, 1);
	cr_assert_eq(sender_stats(s)->restarts, 1);
	cr_assert_eq(drain(1020), 1, "one segment after the timeout");
	teardown();
	make(SENDER_GO_BACK_N, 4, 0, CC_NONE);
	sender_write(s, data, 1000);
	drain(0);
	sender_tick(s, 1000);
	cr_assert_eq(sender_stats(s)->timeouts, 1);
	cr_assert_eq(sender_stats(s)->restarts, 0);
}

Test(sender, backs_off_the_timer_on_each_timeout)
{
	make(SENDER_STOP_AND_WAIT, 1, 0, CC_NONE);
	sender_write(s, data, 10);
	drain(0);
	long now = 0, expect = 1000;

	for (int i = 0; i < 4; i++) {
		cr_assert_eq(sender_next_deadline(s), now + expect, "timeout %d", i);
		now += expect;
		sender_tick(s, now);
		cr_assert_eq(drain(now), 1);
		expect *= 2;
	}
}

Test(sender, selective_repeat_resends_only_the_segment_that_timed_out)
{
	struct sender_ack k = { .ack = 0, .window = 65536, .has_sack = 1 };

	make(SENDER_SELECTIVE_REPEAT, 4, 0, CC_NONE);
	for (long t = 0; t < 4; t++) {
		sender_write(s, data + 100 * t, 100);
		cr_assert_eq(drain(t * 10), 1);
	}
	for (uint32_t q = 100; q < 400; q += 100) {	/* all but the first arrived */
		k.sack = q;
		sender_on_ack(s, &k, 50);
	}
	cr_assert_eq(sender_next_deadline(s), 1000);
	sender_tick(s, 1000);
	cr_assert_eq(drain(1000), 1);
	cr_assert_eq(seg.seq, 0);
	cr_assert_eq(sender_stats(s)->retransmits, 1);
	ack(400, 65536, 1010);
	cr_assert_eq(sender_flight(s), 0);
}

Test(sender, never_sends_past_the_receivers_window)
{
	make(SENDER_GO_BACK_N, 16, 0, CC_NONE);
	sender_write(s, data, 2000);
	ack(0, 250, 0);
	cr_assert_eq(drain(0), 3);
	cr_assert_eq(seg.len, 50, "the last segment overran the window");
	ack(250, 100, 5);
	cr_assert_eq(drain(5), 1);
	cr_assert_eq(seg.seq, 250);
	cr_assert_eq(seg.len, 100);
}

Test(sender, probes_a_zero_window_after_a_timeout_instead_of_spinning)
{
	make(SENDER_GO_BACK_N, 16, 0, CC_NONE);
	sender_write(s, data, 500);
	ack(0, 100, 0);
	drain(0);
	ack(100, 0, 20);
	cr_assert_eq(drain(20), 0);
	long probe_at = 20 + rtt_timeout(sender_rtt(s));

	cr_assert_eq(sender_next_deadline(s), probe_at, "no deadline: stalls, or spins");
	sender_tick(s, probe_at - 1);
	cr_assert_eq(drain(probe_at - 1), 0, "probed before its deadline");
	sender_tick(s, probe_at);
	cr_assert_eq(drain(probe_at), 1);
	cr_assert_eq(seg.seq, 100);
	cr_assert_eq(seg.len, 1);
	cr_assert_eq(sender_stats(s)->probes, 1);
	ack(100, 300, probe_at + 10);	/* the window reopened */
	cr_assert_eq(drain(probe_at + 10), 3);
}

Test(sender, takes_no_rtt_sample_from_a_retransmitted_segment)
{
	make(SENDER_STOP_AND_WAIT, 1, 0, CC_NONE);
	sender_write(s, data, 200);
	drain(0);
	sender_tick(s, 1000);
	drain(1000);
	ack(100, 65536, 1010);		/* which copy does it answer? */
	cr_assert_eq(sender_rtt(s)->has_sample, 0, "Karn's rule broken");
	drain(1010);
	cr_assert_eq(sender_next_deadline(s), 1010 + 2000, "backoff lost without a sample");
	ack(200, 65536, 1050);
	cr_assert_eq(sender_rtt(s)->has_sample, 1);
	cr_assert_eq(sender_rtt(s)->last_sample_ms, 40);
}

Test(sender, reno_retransmits_at_once_on_the_third_duplicate_ack)
{
	make(SENDER_GO_BACK_N, 64, 0, CC_RENO);
	sender_write(s, data, 5000);
	cr_assert_eq(drain(0), 1, "slow start begins above one segment");
	ack(100, 65536, 10);
	cr_assert_eq(drain(10), 2);
	ack(200, 65536, 20);
	ack(300, 65536, 20);
	cr_assert_eq(drain(20), 4);		/* 300..700 in flight */
	for (int d = 0; d < 2; d++)
		ack(300, 65536, 30);
	cr_assert_eq(drain(30), 0);
	ack(300, 65536, 30);
	cr_assert_eq(sender_next(s, 30, &seg, payload, sizeof(payload)), 1);
	cr_assert_eq(seg.seq, 300);
	cr_assert(seg.retransmit);
	cr_assert_eq(sender_stats(s)->fast_retransmits, 1);
	cr_assert_eq(sender_cc(s)->phase, CC_RECOVERY);
}

Test(sender, no_congestion_control_means_no_fast_retransmit)
{
	make(SENDER_GO_BACK_N, 8, 0, CC_NONE);
	sender_write(s, data, 800);
	drain(0);
	for (int d = 0; d < 5; d++)
		ack(0, 65536, 10);
	cr_assert_eq(drain(10), 0);
}

Test(sender, sequence_numbers_wrap_at_the_top_of_the_space)
{
	make(SENDER_GO_BACK_N, 4, 0xffffff9c, CC_NONE);	/* 2^32 - 100 */
	sender_write(s, data, 300);
	cr_assert_eq(drain(0), 3);
	cr_assert_eq(seg.seq, 100);
	ack(0x00000064, 65536, 5);	/* acks the first two, across the wrap */
	cr_assert_eq(sender_flight(s), 100);
	ack(0xffffffff, 65536, 6);	/* old: ignored */
	cr_assert_eq(sender_flight(s), 100);
	ack(200, 65536, 7);
	cr_assert_eq(sender_flight(s), 0);
}

Test(sender, ignores_an_ack_for_bytes_never_sent)
{
	make(SENDER_GO_BACK_N, 4, 0, CC_NONE);
	sender_write(s, data, 300);
	drain(0);
	ack(5000, 65536, 1);
	cr_assert_eq(sender_flight(s), 300);
}

Test(sender, ends_with_a_fin_and_is_done_when_it_is_acked)
{
	make(SENDER_GO_BACK_N, 4, 7, CC_NONE);
	sender_write(s, data, 150);
	sender_shutdown(s);
	errno = 0;
	cr_assert_eq(sender_write(s, data, 1), -1);
	cr_assert_eq(errno, EPIPE);
	cr_assert_eq(drain(0), 3);
	cr_assert(seg.fin);
	cr_assert_eq(seg.seq, 157);
	cr_assert_eq(seg.len, 0);
	ack(157, 65536, 3);
	cr_assert_eq(sender_done(s), 0);
	ack(158, 65536, 4);
	cr_assert_eq(sender_done(s), 1);
	cr_assert_eq(sender_next_deadline(s), -1);
}

Test(sender, refuses_a_bad_configuration)
{
	struct sender_config cfg;

	sender_config_default(&cfg, SENDER_GO_BACK_N);
	cfg.window = 0;
	errno = 0;
	cr_assert_null(sender_new(&cfg));
	cr_assert_eq(errno, EINVAL);
	sender_config_default(&cfg, SENDER_GO_BACK_N);
	cfg.mss = 0;
	cr_assert_null(sender_new(&cfg));
}

Test(sender, names_its_modes)
{
	enum sender_mode m;

	cr_assert_eq(sender_mode_parse("sr", &m), 0);
	cr_assert_eq(m, SENDER_SELECTIVE_REPEAT);
	cr_assert_eq(sender_mode_parse("gbn", &m), 0);
	cr_assert_eq(m, SENDER_GO_BACK_N);
	cr_assert_str_eq(sender_mode_name(SENDER_STOP_AND_WAIT), "sw");
	cr_assert_eq(sender_mode_parse("tcp", &m), -1);
}

Test(sender, selective_repeat_takes_no_sample_from_a_resent_segment)
{
	struct sender_ack k = { .ack = 0, .window = 65536, .has_sack = 1, .sack = 100 };

	make(SENDER_SELECTIVE_REPEAT, 4, 0, CC_NONE);
	sender_write(s, data, 200);
	drain(0);
	sender_tick(s, 1000);		/* both time out */
	cr_assert_eq(drain(1000), 2);
	sender_on_ack(s, &k, 1020);
	cr_assert_eq(sender_rtt(s)->has_sample, 0, "Karn's rule broken for a selective ACK");
}

Test(sender, a_window_update_is_not_a_duplicate_ack)
{
	make(SENDER_GO_BACK_N, 64, 0, CC_RENO);
	sender_write(s, data, 5000);
	drain(0);
	ack(100, 1000, 10);
	drain(10);
	for (uint32_t w = 2000; w < 6000; w += 1000)
		ack(100, w, 20);	/* same ack, the window grows each time */
	cr_assert_eq(sender_stats(s)->fast_retransmits, 0);
}

Test(sender, takes_what_fits_in_its_buffer_and_no_more)
{
	static uint8_t lots[70000];

	make(SENDER_GO_BACK_N, 4, 0, CC_NONE);
	cr_assert_eq(sender_write(s, lots, sizeof(lots)), 65536);
	cr_assert_eq(sender_write(s, lots, 1), 0);
	cr_assert_eq(sender_write(s, NULL, 0), 0);
	drain(0);
	ack(200, 65536, 10);
	cr_assert_eq(sender_write(s, lots, sizeof(lots)), 200, "acked bytes not freed");
}

/* ---- Reno's recovery (sender side): each case failed before its fix ---- */

static void
sack(uint32_t a, uint32_t sk, uint32_t window, long now)
{
	struct sender_ack k = { .ack = a, .window = window, .has_sack = 1, .sack = sk };

	sender_on_ack(s, &k, now);
}

/*
 * Reno from one segment, every segment acknowledged at once, until the ACK
 * of byte 100 * k: then cwnd is k + 1 segments, all of 100 * k .. 100 * (2k + 1)
 * in flight, sent at time 0 (the timeout is the 10 ms minimum).
 */
static void
slow_start_to(enum sender_mode mode, int k)
{
	make(mode, 64, 0, CC_RENO);
	sender_write(s, data, sizeof(data));
	drain(0);
	for (int i = 1; i <= k; i++) {
		ack((uint32_t)(100 * i), 65536, 0);
		drain(0);
	}
	cr_assert_eq(sender_flight(s), (size_t)(100 * (k + 1)));
}

/* The sequence numbers of the retransmissions that go out at now, as a bit set of segments. */
static unsigned long
resent(long now)
{
	unsigned long set = 0;

	while (sender_next(s, now, &seg, payload, sizeof(payload)))
		if (seg.retransmit)
			set |= 1ul << (seg.seq / 100);
	return set;
}

Test(sender, a_new_selective_ack_is_a_duplicate_even_if_the_window_moved)
{
	slow_start_to(SENDER_SELECTIVE_REPEAT, 4);	/* 400..900 in flight */
	ack(500, 65436, 1);		/* the application has not read 400..500 yet */
	drain(1);
	/* 500 is lost; the application reads, so the window is back to 65536 */
	for (uint32_t q = 600; q <= 800; q += 100)
		sack(500, q, 65536, 2);
	cr_assert_eq(sender_stats(s)->fast_retransmits, 1, "three new SACKs were not three duplicates");
	cr_assert_eq(resent(2), 1ul << 5);
}

Test(sender, selective_repeat_resends_every_hole_in_fast_recovery)
{
	slow_start_to(SENDER_SELECTIVE_REPEAT, 5);	/* 500..1100 in flight */
	for (uint32_t q = 600; q <= 1000; q += 100)
		if (q != 700)		/* 500 and 700 are lost */
			sack(500, q, 65536, 1);
	cr_assert_eq(resent(1), (1ul << 5) | (1ul << 7), "a hole was left to its timer");
	cr_assert_eq(sender_stats(s)->fast_retransmits, 2);
	cr_assert_eq(sender_stats(s)->timeouts, 0);
}

Test(sender, a_partial_ack_keeps_fast_recovery_and_resends_the_next_hole)
{
	slow_start_to(SENDER_GO_BACK_N, 5);		/* 500..1100 in flight */
	for (int d = 0; d < 3; d++)
		ack(500, 65536, 1);	/* 500 lost: 600, 800, 900 arrive */
	cr_assert_eq(resent(1), 1ul << 5);
	ack(600, 65536, 2);		/* the receiver kept nothing after 600 */
	cr_assert_eq(sender_cc(s)->phase, CC_RECOVERY, "left recovery on a partial ACK");
	cr_assert_eq(resent(2), 1ul << 6, "the next hole waits for its timer");
	ack(1100, 65536, 3);		/* the whole window: recovery is over */
	cr_assert_eq(sender_cc(s)->phase, CC_AVOIDANCE);
	cr_assert_eq(cc_window(sender_cc(s)), sender_cc(s)->ssthresh);
}

Test(sender, selective_repeat_cuts_the_window_once_per_loss)
{
	slow_start_to(SENDER_SELECTIVE_REPEAT, 5);	/* 500..1100, timers at 10 */
	ack(600, 65536, 5);
	cr_assert_eq(drain(5), 2);	/* 1100 and 1200, timers at 15 */
	sender_tick(s, 10);
	cr_assert_eq(sender_cc(s)->ssthresh, 350);
	cr_assert_eq(rtt_timeout(sender_rtt(s)), 20);
	sender_tick(s, 15);		/* sent before the cut: the same loss */
	cr_assert_eq(sender_cc(s)->ssthresh, 350);
	cr_assert_eq(rtt_timeout(sender_rtt(s)), 20, "backed off twice for one loss");
	cr_assert_eq(cc_window(sender_cc(s)), 100);
}

Test(sender, after_a_timeout_cwnd_bounds_the_bytes_in_the_network)
{
	slow_start_to(SENDER_SELECTIVE_REPEAT, 9);	/* 900..1900 in flight */
	sender_tick(s, 10);		/* every one times out: one cut, cwnd 1 */
	cr_assert_eq(resent(10), 1ul << 9);
	for (uint32_t q = 1000; q <= 1800; q += 100)
		if (q != 1400 && q != 1700)	/* the first copies of the rest arrive */
			sack(900, q, 65536, 11);
	cr_assert_eq(sender_stats(s)->fast_retransmits, 0, "fast recovery for a loss the timeout answered");
	cr_assert_eq(sender_cc(s)->phase, CC_SLOW_START);
	ack(1400, 65536, 12);		/* cwnd 2: 1400 and 1700 are all that is missing */
	cr_assert_eq(resent(12), (1ul << 14) | (1ul << 17), "SACKed bytes counted against cwnd");
}

/*
 * recovery_sends: new data sent during fast recovery, which only the
 * duplicate ACKs' inflation allows (ssthresh + 3 MSS is below the flight).
 */
Test(sender, counts_new_data_sent_in_fast_recovery)
{
	slow_start_to(SENDER_GO_BACK_N, 9);		/* 900..1900 in flight */
	for (int d = 0; d < 3; d++)
		ack(900, 65536, 1);	/* 900 lost: cwnd 500 + 3 MSS */
	cr_assert_eq(resent(1), 1ul << 9);
	cr_assert_eq(drain(1), 0, "new data before the window inflated past the flight");
	for (int d = 0; d < 6; d++)
		ack(900, 65536, 2);	/* 1400: four segments past the flight */
	cr_assert_eq(drain(2), 4);
	cr_assert_eq(sender_stats(s)->recovery_sends, 4);
	ack(2300, 65536, 3);		/* the whole window: recovery is over */
	cr_assert_gt(drain(3), 0);
	cr_assert_eq(sender_stats(s)->recovery_sends, 4, "counted outside recovery");
}

Test(sender, selective_repeat_resends_on_a_partial_ack_only_what_was_overtaken)
{
	slow_start_to(SENDER_SELECTIVE_REPEAT, 5);	/* 500..1100 in flight */
	for (int d = 0; d < 3; d++)
		ack(500, 65536, 1);	/* duplicated segments, not a loss */
	cr_assert_eq(resent(1), 1ul << 5);
	ack(600, 65536, 2);		/* nothing after 600 arrived yet: in flight */
	cr_assert_eq(resent(2), 0, "resent a segment nothing overtook");
	sack(700, 900, 65536, 3);	/* 900 overtook 700 */
	cr_assert_eq(resent(3), 1ul << 7);
}
