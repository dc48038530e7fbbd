/*
 * cc.h — congestion control: how many bytes a sender may have in flight so
 * that it shares the network instead of flooding it.
 *
 * Flow control (the receiver's window) protects the receiver; congestion
 * control protects the links in between.  The sender cannot see them, so it
 * guesses from what happens to its segments (TCP Reno, RFC 5681):
 *
 *   slow start          cwnd starts at 1 MSS and grows by 1 MSS per ACK of
 *                       new data (doubling each round trip) until ssthresh;
 *   congestion avoidance cwnd grows by 1 MSS per window acknowledged
 *                       (additive increase);
 *   3 duplicate ACKs    a segment was lost but later ones arrive: ssthresh =
 *                       max(flight / 2, 2 MSS), retransmit it at once (fast
 *                       retransmit) and set cwnd = ssthresh + 3 MSS; each
 *                       further duplicate adds 1 MSS (fast recovery); an ACK
 *                       of part of the window only (another segment of it was
 *                       lost, NewReno, RFC 6582) takes away what it acked and
 *                       recovery goes on; the ACK of the whole window sets
 *                       cwnd = ssthresh (multiplicative decrease);
 *   timeout             the network may be badly congested: ssthresh =
 *                       max(flight / 2, 2 MSS), cwnd = 1 MSS, slow start again.
 *
 * CC_NONE leaves the window unlimited (and never fast-retransmits), so a lab
 * can show what happens to a shared link without congestion control.  Plain
 * data: the sender calls these on its events and asks cc_window.
 */
#ifndef CC_H
#define CC_H

#include <stddef.h>
#include <stdint.h>

#include "rtt.h"

#define CC_UNLIMITED	SIZE_MAX	/* a window or threshold with no limit */

enum cc_algo {
	CC_NONE,
	CC_RENO,
	CC_ALGO_COUNT
};

enum cc_phase {
	CC_SLOW_START,
	CC_AVOIDANCE,
	CC_RECOVERY,	/* fast recovery, after a fast retransmit */
	CC_PHASE_COUNT
};

struct cc {
	enum cc_algo algo;
	size_t mss;
	size_t cwnd, ssthresh;	/* bytes; CC_UNLIMITED for none */
	size_t acked;		/* avoidance: bytes acknowledged since cwnd last
				 * grew; a whole cwnd of them adds one MSS */
	enum cc_phase phase;
};

/* Starts a controller: cwnd 1 MSS, ssthresh unlimited.  -1 (EINVAL) if mss is 0. */
int cc_init(struct cc *c, enum cc_algo algo, size_t mss);

/* How many bytes may be in flight now (CC_UNLIMITED for none). */
size_t cc_window(const struct cc *c);

/* acked bytes of new data were acknowledged. */
void cc_on_ack(struct cc *c, size_t acked);

/*
 * During fast recovery, acked bytes were acknowledged but not the whole
 * window that was in flight at the loss (a partial ACK, RFC 6582): cwnd
 * shrinks by what left the network, plus one MSS for the retransmission, and
 * recovery goes on.  Anywhere else it does nothing.
 */
void cc_on_partial_ack(struct cc *c, size_t acked);

/*
 * The ndup-th duplicate ACK in a row arrived while flight bytes were
 * unacknowledged.  Returns 1 when the sender must retransmit its oldest
 * segment now (fast retransmit), else 0.
 */
int cc_on_dupack(struct cc *c, int ndup, size_t flight);

/* The retransmission timer expired with flight bytes unacknowledged. */
void cc_on_timeout(struct cc *c, size_t flight);

/*
 * Writes the controller's and the estimator's state at now_ms as one JSON
 * object (no newline) into buf, for a JSON Lines log:
 *   {"t_ms":..,"cc":"reno","phase":"slow_start","cwnd":..,"ssthresh":..,
 *    "rtt_sample_ms":..,"srtt_ms":..,"rttvar_ms":..,"rto_ms":..}
 * An unlimited value and a sample not yet taken are null.  Returns the
 * length, or -1 if it does not fit in cap bytes.
 */
int cc_format(const struct cc *c, const struct rtt *r, long now_ms, char *buf, size_t cap);

const char *cc_algo_name(enum cc_algo a);
const char *cc_phase_name(enum cc_phase p);

/* "none" or "reno" into *out.  Returns 0, or -1 for another name. */
int cc_algo_parse(const char *name, enum cc_algo *out);

#endif
