/*
 * cc.c — Reno congestion control, and none (see cc.h).
 *
 * Congestion avoidance counts acknowledged bytes and grows cwnd by one MSS
 * once a whole window's worth has been acknowledged (RFC 5681's "appropriate
 * byte counting"), rather than by MSS * MSS / cwnd per ACK: the same line on
 * a plot, without the rounding that stalls the per-ACK formula when cwnd is
 * large.
 */
#include "cc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const cc_algo_names[CC_ALGO_COUNT] = {
	[CC_NONE] = "none",
	[CC_RENO] = "reno",
};

static const char *const cc_phase_names[CC_PHASE_COUNT] = {
	[CC_SLOW_START] = "slow_start",
	[CC_AVOIDANCE] = "congestion_avoidance",
	[CC_RECOVERY] = "fast_recovery",
};

const char *
cc_algo_name(enum cc_algo a)
{
	return (int)a >= 0 && a < CC_ALGO_COUNT ? cc_algo_names[a] : "unknown";
}

const char *
cc_phase_name(enum cc_phase p)
{
	return (int)p >= 0 && p < CC_PHASE_COUNT ? cc_phase_names[p] : "unknown";
}

int
cc_algo_parse(const char *name, enum cc_algo *out)
{
	for (int a = 0; a < CC_ALGO_COUNT; a++)
		if (strcmp(name, cc_algo_names[a]) == 0) {
			*out = (enum cc_algo)a;
			return 0;
		}
	return -1;
}

int
cc_init(struct cc *c, enum cc_algo algo, size_t mss)
{
	if (mss == 0 || (int)algo < 0 || algo >= CC_ALGO_COUNT) {
		errno = EINVAL;
		return -1;
	}
	c->algo = algo;
	c->mss = mss;
	c->cwnd = algo == CC_NONE ? CC_UNLIMITED : mss;
	c->ssthresh = CC_UNLIMITED;
	c->acked = 0;
	c->phase = CC_SLOW_START;
	return 0;
}

size_t
cc_window(const struct cc *c)
{
	return c->cwnd;
}

void
cc_on_ack(struct cc *c, size_t acked)
{
	if (c->algo == CC_NONE || acked == 0)
		return;
	/* TODO: a new ACK ends fast recovery: cwnd deflates to ssthresh (the halved window), congestion avoidance from a fresh count (acked = 0) */
	/* TODO: slow start: cwnd grows by the bytes acknowledged, at most one MSS an ACK (so it doubles every round trip), until it reaches ssthresh (then CC_AVOIDANCE) */
	/* TODO: congestion avoidance (additive increase): count the bytes acknowledged (acked); each time a whole cwnd of them is counted, cwnd grows by one MSS (once a round trip) */
}

void
cc_on_partial_ack(struct cc *c, size_t acked)
{
	if (c->algo == CC_NONE || c->phase != CC_RECOVERY)
		return;
	c->cwnd = acked < c->cwnd ? c->cwnd - acked : 0;
	if (acked >= c->mss || c->cwnd < c->mss)
		c->cwnd += c->mss;
}

/* Half the flight, but never less than two segments (RFC 5681 (4)). */
static size_t
cc_half(const struct cc *c, size_t flight)
{
	size_t half = flight / 2;

	return half > 2 * c->mss ? half : 2 * c->mss;
}

int
cc_on_dupack(struct cc *c, int ndup, size_t flight)
{
	if (c->algo == CC_NONE)
		return 0;
	/* TODO: in fast recovery every further duplicate ACK inflates cwnd by one MSS (a segment has left the network) and asks for no retransmission */
	/* TODO: the third duplicate ACK (multiplicative decrease): ssthresh = half the flight (cc_half), cwnd = ssthresh + 3 MSS, enter CC_RECOVERY, and return 1 for a fast retransmit; any other count returns 0 */
	(void)ndup, (void)flight, (void)cc_half;
	return 0;
}

void
cc_on_timeout(struct cc *c, size_t flight)
{
	if (c->algo == CC_NONE)
		return;
	/* TODO: a timeout: ssthresh = half the flight (cc_half), cwnd back to one MSS, slow start again from a fresh count (acked = 0) */
	(void)flight;
}

/* A size as JSON: a number, or null when unlimited. */
static void
cc_json_size(char *out, size_t cap, size_t v)
{
	if (v == CC_UNLIMITED)
		snprintf(out, cap, "null");
	else
		snprintf(out, cap, "%zu", v);
}

int
cc_format(const struct cc *c, const struct rtt *r, long now_ms, char *buf, size_t cap)
{
	char cwnd[24], ssthresh[24], sample[24], srtt[32], dev[32];
	int n;

	cc_json_size(cwnd, sizeof(cwnd), c->cwnd);
	cc_json_size(ssthresh, sizeof(ssthresh), c->ssthresh);
	snprintf(sample, sizeof(sample), "null");
	snprintf(srtt, sizeof(srtt), "null");
	snprintf(dev, sizeof(dev), "null");
	if (r->has_sample) {
		snprintf(sample, sizeof(sample), "%ld", r->last_sample_ms);
		snprintf(srtt, sizeof(srtt), "%.3f", r->est_ms);
		snprintf(dev, sizeof(dev), "%.3f", r->dev_ms);
	}
	n = snprintf(buf, cap, "{\"t_ms\":%ld,\"cc\":\"%s\",\"phase\":\"%s\","
	    "\"cwnd\":%s,\"ssthresh\":%s,\"rtt_sample_ms\":%s,\"srtt_ms\":%s,"
	    "\"rttvar_ms\":%s,\"rto_ms\":%ld}", now_ms, cc_algo_name(c->algo),
	    cc_phase_name(c->phase), cwnd, ssthresh, sample, srtt, dev,
	    rtt_timeout(r));
	if (n < 0 || (size_t)n >= cap)
		return -1;
	return n;
}
