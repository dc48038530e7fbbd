/*
 * cc.c — lab 7's stand-in for congestion control: none.
 *
 * Lab 8 writes Reno (mux_demux/cc.c); until then the window is unlimited,
 * so a sender is held back by its window of N segments and the receiver's
 * window only, which is what lab 7 measures.  "reno" is not offered: asked
 * for, mux_rhost says --cc wants another value.  cc_format is the
 * reference's; --cc-log writes one line, for the window never changes.
 */
#include "cc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const cc_phase_names[CC_PHASE_COUNT] = {
	[CC_SLOW_START] = "slow_start",
	[CC_AVOIDANCE] = "congestion_avoidance",
	[CC_RECOVERY] = "fast_recovery",
};

const char *
cc_algo_name(enum cc_algo a)
{
	return a == CC_NONE ? "none" : "unknown";
}

const char *
cc_phase_name(enum cc_phase p)
{
	return (int)p >= 0 && p < CC_PHASE_COUNT ? cc_phase_names[p] : "unknown";
}

int
cc_algo_parse(const char *name, enum cc_algo *out)
{
	if (strcmp(name, "none") != 0)
		return -1;
	*out = CC_NONE;
	return 0;
}

int
cc_init(struct cc *c, enum cc_algo algo, size_t mss)
{
	if (mss == 0 || algo != CC_NONE) {
		errno = EINVAL;
		return -1;
	}
	memset(c, 0, sizeof(*c));
	c->algo = algo;
	c->mss = mss;
	c->cwnd = c->ssthresh = CC_UNLIMITED;
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
	(void)c, (void)acked;
}

void
cc_on_partial_ack(struct cc *c, size_t acked)
{
	(void)c, (void)acked;
}

int
cc_on_dupack(struct cc *c, int ndup, size_t flight)
{
	(void)c, (void)ndup, (void)flight;
	return 0;
}

void
cc_on_timeout(struct cc *c, size_t flight)
{
	(void)c, (void)flight;
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
