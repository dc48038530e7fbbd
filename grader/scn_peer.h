/*
 * scn_peer.h — scenarios for the BitTorrent labs (mini_torrent's mt-peer).
 *
 *   swarm      a reference tracker, reference seeds and leechers, and the
 *              student's peer as a leecher (it must end with a byte-identical
 *              copy) or as the seed (every reference leecher must); with
 *              churn, the seeds are killed once the swarm holds a full copy;
 *   rarest     the student's peer among fake neighbours (btfake.h) whose
 *              bitfields make some pieces rare: once its first random pieces
 *              are in, the pieces it starts must be the rarest;
 *   titfortat  fake neighbours upload to the student's peer at known,
 *              distinct rates, or ask it for data at known rates (when it
 *              seeds, or to tempt a choker that ranks by the wrong
 *              direction), some of them not interested: after each rechoke
 *              it must unchoke the fastest four (uploaders; takers when it
 *              seeds), never an uninterested one, plus one optimistic
 *              unchoke that rotates — judged from the chokes and unchokes
 *              the neighbours receive;
 *   liar       a fake neighbour sends wrong bytes: the student's copy must
 *              still end byte-identical (pieces checked with SHA-1);
 *   malformed  fake neighbours send one malformed message each (a length
 *              wrong for its type, an index past the last piece): the
 *              student's peer must drop each, keep a well-formed control,
 *              finish its copy from an honest one, and not end;
 *   ties       one neighbour holds every piece (all equally rare): after the
 *              random start, the pieces started must not keep being the
 *              lowest- (or highest-) numbered left.
 *
 * The test's file is random bytes from the test's seed; the torrent is made
 * by the reference mt-mktorrent (run as a black box).
 */
#ifndef SCN_PEER_H
#define SCN_PEER_H

#include "scenario.h"

extern const struct labconf_param scn_peer_swarm_params[];
extern const struct labconf_param scn_peer_rarest_params[];
extern const struct labconf_param scn_peer_titfortat_params[];
extern const struct labconf_param scn_peer_liar_params[];
extern const struct labconf_param scn_peer_malformed_params[];
extern const struct labconf_param scn_peer_ties_params[];

void scn_peer_swarm(struct scenario_env *env);
void scn_peer_rarest(struct scenario_env *env);
void scn_peer_titfortat(struct scenario_env *env);
void scn_peer_liar(struct scenario_env *env);
void scn_peer_malformed(struct scenario_env *env);
void scn_peer_ties(struct scenario_env *env);

#endif
