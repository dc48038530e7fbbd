/*
 * rtt.h — the retransmission timer's clock: an estimate of the round-trip
 * time and the timeout (RTO) derived from it.
 *
 * A sender cannot know how long an acknowledgment will take, so it learns:
 * each acknowledged segment gives a sample, and two exponentially weighted
 * moving averages follow the samples (the textbook's, RFC 6298 section 2):
 *
 *   first sample R:  EstimatedRTT = R, DevRTT = R / 2
 *   then:            DevRTT       = 0.75 DevRTT + 0.25 |R - EstimatedRTT|
 *                    EstimatedRTT = 0.875 EstimatedRTT + 0.125 R
 *   TimeoutInterval  = EstimatedRTT + 4 DevRTT, kept in [min_ms, max_ms]
 *
 * DevRTT is updated with the EstimatedRTT from *before* this sample, as RFC
 * 6298 orders it.  Before any sample the timeout is initial_ms (1 s).  Every
 * time the timer expires the timeout doubles (exponential backoff, RFC 6298
 * 5.5) up to max_ms, and stays doubled until a new sample arrives.
 *
 * Karn's rule (never take a sample from a segment that was sent more than
 * once: the ACK may answer either copy) is the sender's job, since only the
 * sender knows which segments it retransmitted.  This module is plain data and
 * arithmetic: no clock, no socket; times are milliseconds.
 */
#ifndef RTT_H
#define RTT_H

#define RTT_INITIAL_MS	1000	/* RFC 6298 (2.1) */
#define RTT_MIN_MS	1000	/* RFC 6298 (2.4); labs use less (option) */
#define RTT_MAX_MS	60000	/* RFC 6298 (2.5): at least 60 s */

struct rtt_config {
	long initial_ms;	/* the timeout before any sample */
	long min_ms, max_ms;	/* bounds of the timeout */
};

struct rtt {
	struct rtt_config cfg;
	int has_sample;
	double est_ms, dev_ms;	/* EstimatedRTT, DevRTT */
	long last_sample_ms;	/* -1 before the first */
	long rto_ms;		/* the current timeout, backoff included */
	int backoffs;		/* doublings since the last sample */
};

/* The RFC's values: initial 1 s, minimum 1 s, maximum 60 s. */
void rtt_config_default(struct rtt_config *cfg);

/*
 * Starts an estimator with no sample.  Returns 0, or -1 if cfg is not
 * 0 < min_ms <= initial_ms <= max_ms (errno EINVAL).
 */
int rtt_init(struct rtt *r, const struct rtt_config *cfg);

/* Takes one round-trip sample (ms, >= 0) and recomputes the timeout. */
void rtt_sample(struct rtt *r, long sample_ms);

/* The timer expired: doubles the timeout, up to max_ms. */
void rtt_backoff(struct rtt *r);

/* The current timeout in milliseconds. */
long rtt_timeout(const struct rtt *r);

#endif
