/*
 * scn_tracker.h — the tracker lab: the grader as a scripted BitTorrent
 * client, announcing over HTTP like real peers (BEP 3, BEP 23, BEP 48) and
 * checking each answer:
 *
 *   check = compact   the peer list in compact form (6 bytes a peer): every
 *                     other peer, never the asker
 *   check = dict      the same as a list of dictionaries (compact=0)
 *   check = peer_ids  the same, and each dictionary's 'peer id' is the id that
 *                     peer announced
 *   check = subset    numwant peers chosen at random, distinct, never the asker
 *   check = events    started / completed / stopped move the complete and
 *                     incomplete counts, and a stopped peer leaves the list
 *   check = reannounce a seed that announces again (a refresh, completed) and
 *                     a leecher that restarts are counted and listed once
 *   check = expiry    a peer that stops announcing is forgotten after twice
 *                     the interval
 *   check = scrape    /scrape counts complete, incomplete and downloaded
 *   check = failure   bad parameters get a bencoded "failure reason"; what is
 *                     not HTTP gets no answer it could mistake; then a normal
 *                     announce still works
 *   check = sorted    every kind of answer (both peer forms, scrape, stopped,
 *                     failure) read strictly: the keys of each dictionary in
 *                     sorted byte order, none twice (benc_sorted); the other
 *                     checks read leniently, so that one bug costs one test
 */
#ifndef SCN_TRACKER_H
#define SCN_TRACKER_H

#include "benc.h"
#include "scenario.h"

#define SCN_TRACKER_MAX_PEERS 64	/* fake peer k announces port 20000 + k */
#define SCN_TRACKER_ID_LEN 20		/* ... and peer id "-GR0001-" and k in 12 digits */

extern const struct labconf_param scn_tracker_params[];

void scn_tracker_run(struct scenario_env *env);

/*
 * Splits a tracker's HTTP answer (n bytes) into its status (three digits)
 * and the offset of its body, after the blank line.  Returns 0, or -1 if it
 * is not an HTTP/1.x answer, or its head holds a NUL byte.
 */
int scn_tracker_parse_reply(const char *resp, size_t n, int *status, size_t *body);

/*
 * Whether an announce's answer (status, and its body as bencode: reply->len
 * is 0 if it is not) is a success: HTTP 200, a dictionary, a positive
 * 'interval' and no 'failure reason'.  Returns 0, or -1 with why appended.
 */
int scn_tracker_answer_ok(int status, const struct benc *reply, struct strbuf *why);

/*
 * Reads the 'peers' of a valid answer, compact (6 bytes a peer) or as
 * dictionaries as asked, into seen[k] (fake peer k listed).  Returns 0, or
 * -1 with why appended: a peer that is not one of ours, listed twice, or the
 * wrong form.
 */
int scn_tracker_peers(const struct benc *reply, int want_compact,
    uint8_t seen[SCN_TRACKER_MAX_PEERS], struct strbuf *why);

/*
 * Checks that each dictionary of a valid answer's peer list (compact=0)
 * carries a 'peer id', the 20 bytes fake peer k announced, k read from its
 * port.  Returns 0, or -1 with why appended.
 */
int scn_tracker_peer_ids(const struct benc *reply, struct strbuf *why);

#endif
