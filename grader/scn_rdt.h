/*
 * scn_rdt.h — reliable transfer judged on the wire (lab 7): one file from a
 * mux_rhost sender to a mux_rhost receiver through a reference mux_router,
 * a link of known rate, delay and queue with seeded damage.
 *
 *     scenario = rdt
 *     student = sender                    or receiver: the other is the reference
 *     bytes = 100000                      the file, made from the test's seed
 *     rate = 200000                       the router's link: bytes/s, ms, segments
 *     delay = 20
 *     queue = 64
 *     router_args = --drop 10 --seed 3    damage (mux_router's options)
 *     sender_args = --mode sw             more options for either host
 *     receiver_args = --rwnd 2048
 *     window = 8                          N > 1: pass --window N to the sender
 *     goodput_pct = 20                    (1: stop-and-wait, by --mode sw) and
 *                                         judge its goodput within this many %
 *                                         of the textbook's bound (0: do not)
 *     max_retransmits = 0                 the sender's count must not exceed it
 *                                         (-1: not judged; see below for the
 *                                         count judged)
 *     max_ms_per_retransmit = 700         the sender's time beyond the bound's,
 *                                         shared among its retransmissions,
 *                                         must not exceed this many ms each (0:
 *                                         not judged; needs window and rate)
 *     rounds_min = 5                      the sender's time, in round trips
 *     rounds_max = 10                     (RTT = 2 delay + L/R), within these
 *                                         (rounds_max = 0: not judged)
 *     min_fast_retransmits = 1            losses met by three duplicate ACKs
 *     timeouts_restart = 1                every timeout left a window of one
 *                                         segment (the sender's restarts=W
 *                                         against its timeouts=T)
 *     min_recovery_sends = 1              new data segments sent during fast
 *                                         recovery (the sender's
 *                                         recovery_sends=V): only a cwnd
 *                                         inflated by each further duplicate
 *                                         ACK lets any out
 *
 * Every test checks that the file arrives byte-exact (the receiver's byte
 * count and FNV-1a hash against the grader's own).  The bound: a segment is
 * L = mss + 28 bytes (the version 2 header), the link sends it in L/R, an ACK
 * comes back RTT = 2 delay + 28/R later, so a window of N segments keeps the
 * link busy U = min(1, N (L/R) / (RTT + L/R)) of the time and carries
 * U R mss/L payload bytes a second; the expected transfer time adds two RTTs
 * for the handshake and the FIN.  Stop-and-wait is N = 1 (--mode sw).  On a
 * lossy stop-and-wait link each retransmission waits for a timeout, which adds
 * about one timeout interval to that time, so the excess over the bound per
 * retransmission tells a timer that follows the round trip (a few hundred ms)
 * from one stuck at its initial or backed-off value (seconds).
 *
 * The sender's count comes from its line, which a student's sender could
 * make small.  Where a test judges retransmissions (max_retransmits or
 * max_ms_per_retransmit) and the student sends, the router's counts for its
 * up link also give one: the payload that reached the router beyond the
 * file's length (segment bytes less 28 a segment; the router's damage comes
 * after it counts), over mss, rounded up, is a lower bound.  A line more than
 * 1 below it fails the test; otherwise the larger count is judged.  A test
 * where the student receives changes nothing: the sender is the reference.
 */
#ifndef SCN_RDT_H
#define SCN_RDT_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

extern const struct labconf_param scn_rdt_params[];

void scn_rdt_run(struct scenario_env *env);

#define RDT_IN	"rdt.in"	/* the file a sender sends, in its working directory */

/*
 * Writes the test's file (size bytes from env->seed) as dir/rdt.in, owned by
 * uid (-1: as it is), and its FNV-1a hash in *fnv, as mux_rhost prints it.
 * 0, or -1 (a test error recorded).
 */
int scn_rdt_make_file(struct scenario_env *env, const char *dir, int uid, size_t size,
    uint32_t *fnv);

#endif
