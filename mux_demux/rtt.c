/*
 * rtt.c — round-trip estimate and retransmission timeout (see rtt.h).
 *
 * The averages are kept as doubles so that the textbook's 0.875 and 0.25 are
 * written as they are taught; the timeout handed to the event loop is rounded
 * up to a whole millisecond, so it is never shorter than the formula says.
 */
#include "rtt.h"

#include <errno.h>

void
rtt_config_default(struct rtt_config *cfg)
{
	cfg->initial_ms = RTT_INITIAL_MS;
	cfg->min_ms = RTT_MIN_MS;
	cfg->max_ms = RTT_MAX_MS;
}

int
rtt_init(struct rtt *r, const struct rtt_config *cfg)
{
	if (cfg->min_ms <= 0 || cfg->initial_ms < cfg->min_ms ||
	    cfg->max_ms < cfg->initial_ms) {
		errno = EINVAL;
		return -1;
	}
	r->cfg = *cfg;
	r->has_sample = 0;
	r->est_ms = 0;
	r->dev_ms = 0;
	r->last_sample_ms = -1;
	r->rto_ms = cfg->initial_ms;
	r->backoffs = 0;
	return 0;
}

static long
rtt_clamp(const struct rtt *r, double ms)
{
	long whole = (long)ms;

	if ((double)whole < ms)
		whole++;
	if (whole < r->cfg.min_ms)
		return r->cfg.min_ms;
	if (whole > r->cfg.max_ms)
		return r->cfg.max_ms;
	return whole;
}

void
rtt_sample(struct rtt *r, long sample_ms)
{
	double s = sample_ms < 0 ? 0 : (double)sample_ms;
	double diff;

	/* SOLUTION BEGIN: the estimate: the first sample sets EstimatedRTT to it and DevRTT to half of it; after that DevRTT = 0.75 DevRTT + 0.25 |sample - EstimatedRTT|, then EstimatedRTT = 0.875 EstimatedRTT + 0.125 sample (est_ms, dev_ms, has_sample) */
	/* SOLUTION STUB: (void)s, (void)diff; */
	if (!r->has_sample) {
		r->est_ms = s;
		r->dev_ms = s / 2;
		r->has_sample = 1;
	} else {
		diff = s - r->est_ms;
		if (diff < 0)
			diff = -diff;
		r->dev_ms = 0.75 * r->dev_ms + 0.25 * diff;
		r->est_ms = 0.875 * r->est_ms + 0.125 * s;
	}
	/* SOLUTION END */
	r->last_sample_ms = (long)s;
	/* SOLUTION BEGIN: a sample ends any backoff (backoffs = 0); TimeoutInterval = EstimatedRTT + 4 DevRTT, rounded up and kept between min and max (rtt_clamp) */
	/* SOLUTION STUB: (void)rtt_clamp; */
	r->backoffs = 0;
	r->rto_ms = rtt_clamp(r, r->est_ms + 4 * r->dev_ms);
	/* SOLUTION END */
}

void
rtt_backoff(struct rtt *r)
{
	/* SOLUTION BEGIN: exponential backoff: double the timeout, never above max_ms; count it (backoffs) */
	if (r->rto_ms > r->cfg.max_ms / 2)
		r->rto_ms = r->cfg.max_ms;
	else
		r->rto_ms *= 2;
	r->backoffs++;
	/* SOLUTION END */
}

long
rtt_timeout(const struct rtt *r)
{
	return r->rto_ms;
}
