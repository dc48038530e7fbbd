/*
 * scn_share.h — flows sharing one bottleneck, judged by what they deliver
 * (lab 8, congestion control).
 *
 *     scenario = share
 *     flows = 2 4 1+1            one bottleneck for each entry, all at once:
 *                                N of the student's mux_rhost senders (one
 *                                connection each), and +M reference senders
 *                                (--cc reno) beside them
 *     bytes = 6000000            the file every sender sends (it must outlast
 *                                warm_ms + measure_ms)
 *     rate = 100000              each bottleneck's link, per flow on it: a
 *     queue = 8                  link of 2 flows carries 200000 bytes/s
 *     delay = 20                 through a drop-tail queue of 16 segments,
 *                                ms each way
 *     window = 20                every sender's --window
 *     sender_args = --mode sr --cc reno
 *     router_args = --drop 3 --seed 7   damage on the links (mux_router's options)
 *     warm_ms = 5000             slow start and the first losses: not judged
 *     measure_ms = 20000         the window judged, by the routers' clocks
 *     min_util_pct = 80          a bottleneck's flows' goodput together, in
 *                                % of the payload its link carries (R mss / L)
 *     min_jain_pct = 90          Jain's index of its flows' goodputs, in %
 *
 * Goodput is what reaches the receiver's output in order: the reference
 * receiver (--conns) writes connection k to rdt.out.k, and the judge reads
 * their sizes at the start and the end of the window, so a retransmission
 * counts for nothing and a flow that floods the queue pays for its losses.
 * Jain's index (sum x)^2 / (n sum x^2) is 1 when every flow gets the same and
 * 1/n when one gets everything.  The router's own per-flow counts (bytes onto
 * the link, queue drops), by the senders' addresses, are shown beside them,
 * so a student sees which flow took the link.
 */
#ifndef SCN_SHARE_H
#define SCN_SHARE_H

#include <stddef.h>

#include "scenario.h"
#include "strbuf.h"

#define SCN_SHARE_GROUPS	4	/* bottlenecks in one test */
#define SCN_SHARE_FLOWS		8	/* senders on one bottleneck, student's and reference's */

/* One entry of `flows`: N+M. */
struct scn_share_group {
	int student;		/* N, the student's senders: 1..SCN_SHARE_FLOWS */
	int reference;		/* M, reference senders beside them: 0 (no "+M"), or 1.. */
};

extern const struct labconf_param scn_share_params[];

void scn_share_run(struct scenario_env *env);

/* lab.conf's check of a share test (struct labconf_scenario): its flows. */
int scn_share_check(const struct labconf_test *t, struct strbuf *why);

/*
 * Reads a `flows` value, len bytes at s (NUL bytes in it are refused): 1 to
 * SCN_SHARE_GROUPS entries separated by spaces or tabs, none before the first
 * entry or after the last.  An entry is N or N+M, each count written in
 * decimal digits only (no sign, no leading 0, no space around the '+'),
 * N >= 1, M >= 1 when written, N + M <= SCN_SHARE_FLOWS.  Fills
 * g[0 .. count-1] and returns the count; or returns -1 and appends to why
 * the value (escaped) and what is wrong with it, g's entries then
 * unspecified.
 */
int scn_share_parse_flows(const char *s, size_t len, struct scn_share_group g[SCN_SHARE_GROUPS],
    struct strbuf *why);

#endif
