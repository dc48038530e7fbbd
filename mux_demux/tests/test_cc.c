/*
 * test_cc.c — Reno's window through each of its events, worked by hand with
 * an MSS of 100 bytes, and the "none" controller that never limits.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "cc.h"

#define MSS 100

static struct cc c;

static void
reno(void)
{
	cr_assert_eq(cc_init(&c, CC_RENO, MSS), 0);
}

Test(cc, starts_in_slow_start_with_one_segment)
{
	reno();
	cr_assert_eq(cc_window(&c), MSS);
	cr_assert_eq(c.phase, CC_SLOW_START);
	cr_assert_eq(c.ssthresh, CC_UNLIMITED);
}

Test(cc, slow_start_doubles_the_window_each_round_trip)
{
	size_t w;

	reno();
	for (int rtt = 0; rtt < 5; rtt++) {
		w = cc_window(&c);
		for (size_t i = 0; i < w / MSS; i++)
			cc_on_ack(&c, MSS);
		cr_assert_eq(cc_window(&c), 2 * w, "round trip %d", rtt);
	}
}

Test(cc, slow_start_grows_by_at_most_one_mss_per_ack)
{
	reno();
	cc_on_ack(&c, 10 * MSS);	/* a stretch ACK */
	cr_assert_eq(cc_window(&c), 2 * MSS);
	cc_on_ack(&c, 30);
	cr_assert_eq(cc_window(&c), 2 * MSS + 30);
}

Test(cc, avoidance_adds_one_segment_per_window)
{
	reno();
	cc_on_timeout(&c, 16 * MSS);	/* ssthresh 8 MSS, cwnd 1 */
	while (c.phase == CC_SLOW_START)
		cc_on_ack(&c, MSS);
	cr_assert_eq(cc_window(&c), 8 * MSS);
	for (int i = 0; i < 7; i++)
		cc_on_ack(&c, MSS);
	cr_assert_eq(cc_window(&c), 8 * MSS, "grew before a whole window was acked");
	cc_on_ack(&c, MSS);
	cr_assert_eq(cc_window(&c), 9 * MSS);
	for (int i = 0; i < 9; i++)
		cc_on_ack(&c, MSS);
	cr_assert_eq(cc_window(&c), 10 * MSS);
}

Test(cc, third_duplicate_ack_halves_and_asks_for_a_fast_retransmit)
{
	reno();
	c.cwnd = 20 * MSS;
	cr_assert_eq(cc_on_dupack(&c, 1, 20 * MSS), 0);
	cr_assert_eq(cc_on_dupack(&c, 2, 20 * MSS), 0);
	cr_assert_eq(cc_window(&c), 20 * MSS, "two duplicates already cut the window");
	cr_assert_eq(cc_on_dupack(&c, 3, 20 * MSS), 1);
	cr_assert_eq(c.ssthresh, 10 * MSS);
	cr_assert_eq(cc_window(&c), 13 * MSS);
	cr_assert_eq(c.phase, CC_RECOVERY);
}

Test(cc, fast_recovery_inflates_then_deflates_on_new_data)
{
	reno();
	c.cwnd = 20 * MSS;
	cc_on_dupack(&c, 3, 20 * MSS);
	cr_assert_eq(cc_on_dupack(&c, 4, 20 * MSS), 0, "a second fast retransmit");
	cr_assert_eq(cc_window(&c), 14 * MSS);
	cc_on_ack(&c, 5 * MSS);
	cr_assert_eq(cc_window(&c), 10 * MSS);
	cr_assert_eq(c.phase, CC_AVOIDANCE);
}

Test(cc, timeout_drops_to_one_segment_and_halves_the_threshold)
{
	reno();
	c.cwnd = 20 * MSS;
	cc_on_timeout(&c, 12 * MSS);
	cr_assert_eq(cc_window(&c), MSS);
	cr_assert_eq(c.ssthresh, 6 * MSS);
	cr_assert_eq(c.phase, CC_SLOW_START);
}

Test(cc, threshold_never_falls_below_two_segments)
{
	reno();
	cc_on_timeout(&c, MSS);
	cr_assert_eq(c.ssthresh, 2 * MSS);
	cc_on_dupack(&c, 3, 0);
	cr_assert_eq(c.ssthresh, 2 * MSS);
}

Test(cc, none_never_limits_and_never_fast_retransmits)
{
	cr_assert_eq(cc_init(&c, CC_NONE, MSS), 0);
	cr_assert_eq(cc_window(&c), CC_UNLIMITED);
	cr_assert_eq(cc_on_dupack(&c, 3, 10 * MSS), 0);
	cc_on_timeout(&c, 10 * MSS);
	cc_on_ack(&c, MSS);
	cr_assert_eq(cc_window(&c), CC_UNLIMITED);
}

Test(cc, parses_names_and_refuses_others)
{
	enum cc_algo a;

	cr_assert_eq(cc_algo_parse("reno", &a), 0);
	cr_assert_eq(a, CC_RENO);
	cr_assert_eq(cc_algo_parse("none", &a), 0);
	cr_assert_eq(a, CC_NONE);
	cr_assert_eq(cc_algo_parse("cubic", &a), -1);
	errno = 0;
	cr_assert_eq(cc_init(&c, CC_RENO, 0), -1);
	cr_assert_eq(errno, EINVAL);
}

Test(cc, logs_its_state_as_one_json_object)
{
	struct rtt r;
	struct rtt_config rc = { 1000, 1, 60000 };
	char line[512];

	reno();
	cr_assert_eq(rtt_init(&r, &rc), 0);
	cr_assert_gt(cc_format(&c, &r, 5, line, sizeof(line)), 0);
	cr_assert_str_eq(line, "{\"t_ms\":5,\"cc\":\"reno\",\"phase\":\"slow_start\","
	    "\"cwnd\":100,\"ssthresh\":null,\"rtt_sample_ms\":null,\"srtt_ms\":null,"
	    "\"rttvar_ms\":null,\"rto_ms\":1000}");
	rtt_sample(&r, 40);
	cc_on_timeout(&c, 800);
	cr_assert_gt(cc_format(&c, &r, 70, line, sizeof(line)), 0);
	cr_assert_str_eq(line, "{\"t_ms\":70,\"cc\":\"reno\",\"phase\":\"slow_start\","
	    "\"cwnd\":100,\"ssthresh\":400,\"rtt_sample_ms\":40,\"srtt_ms\":40.000,"
	    "\"rttvar_ms\":20.000,\"rto_ms\":120}");
	cr_assert_eq(cc_format(&c, &r, 70, line, 20), -1);
}

Test(cc, a_partial_ack_deflates_by_what_it_acknowledges_and_stays_in_recovery)
{
	reno();
	c.cwnd = 20 * MSS;
	cc_on_dupack(&c, 3, 20 * MSS);		/* ssthresh 10, cwnd 13 */
	cc_on_dupack(&c, 4, 20 * MSS);		/* 14 */
	cc_on_partial_ack(&c, 4 * MSS);
	cr_assert_eq(cc_window(&c), 11 * MSS);	/* 14 - 4 + 1 */
	cr_assert_eq(c.phase, CC_RECOVERY);
	cc_on_partial_ack(&c, 50 * MSS);	/* never below one segment */
	cr_assert_eq(cc_window(&c), MSS);
	c.phase = CC_AVOIDANCE;
	cc_on_partial_ack(&c, MSS);
	cr_assert_eq(cc_window(&c), MSS, "a partial ACK outside recovery");
}
