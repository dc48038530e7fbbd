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
	r->last_sample_ms = (long)s;
	r->backoffs = 0;
	r->rto_ms = rtt_clamp(r, r->est_ms + 4 * r->dev_ms);
}

void
rtt_backoff(struct rtt *r)
{
	if (r->rto_ms > r->cfg.max_ms / 2)
		r->rto_ms = r->cfg.max_ms;
	else
		r->rto_ms *= 2;
	r->backoffs++;
}

long
rtt_timeout(const struct rtt *r)
{
	return r->rto_ms;
}
