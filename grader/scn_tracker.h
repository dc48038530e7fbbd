/*
 * scn_tracker.h — the tracker lab: the grader as a scripted BitTorrent
 * client, announcing over HTTP like real peers (BEP 3, BEP 23, BEP 48) and
 * checking each answer:
 *
 *   check = compact   the peer list in compact form (6 bytes a peer): every
 *                     other peer, never the asker
 *   check = dict      the same as a list of dictionaries (compact=0)
 *   check = subset    numwant peers chosen at random, distinct, never the asker
 *   check = events    started / completed / stopped move the complete and
 *                     incomplete counts, and a stopped peer leaves the list
 *   check = expiry    a peer that stops announcing is forgotten after twice
 *                     the interval
 *   check = scrape    /scrape counts complete, incomplete and downloaded
 *   check = failure   bad parameters get a bencoded "failure reason"; what is
 *                     not HTTP gets no answer it could mistake; then a normal
 *                     announce still works
 */
#ifndef SCN_TRACKER_H
#define SCN_TRACKER_H

#include "scenario.h"

extern const struct labconf_param scn_tracker_params[];

void scn_tracker_run(struct scenario_env *env);

#endif
