/*
 * neighbours.h — how mt-peer gains neighbours: it dials candidates (the
 * tracker's and --peer's, candidates.c) while it has room, and accepts the
 * peers that dial it.
 *
 * Apart from the event loop because it is one decision, "may we take one
 * more neighbour, and whom", with its own pacing: at most
 * NEIGHBOURS_MAX_CONNECTING connect() calls in flight, and the candidate scan
 * twice a second unless dials were the limit.  Both directions end in
 * session_add_peer; nothing here prints or exits.
 */
#ifndef NEIGHBOURS_H
#define NEIGHBOURS_H

#include <stdint.h>
#include <sys/socket.h>

#include "candidates.h"
#include "listener.h"
#include "session.h"

#define NEIGHBOURS_MAX_CONNECTING 16	/* connect() attempts in flight */

struct neighbours {
	struct session *s;
	struct candidates *cands;
	const struct listener *lis;	/* accepts on lis->fd, dials from lis->src */
	uint64_t rng;			/* whom to dial */
	int64_t next_dial_ms;		/* next look for candidates; 0: now */
	int stop_when_complete;		/* --leave-when-done: dial no more once
					 * the download is complete */
};

/* Dials random candidates while there is room for more neighbours and it is
 * time to look (now >= next_dial_ms). */
void neighbours_dial_more(struct neighbours *nb, int64_t now);

/* Accepts every pending connection; refuses (closes) those over the peer
 * limit or banned.  Returns 0, or -1 (errno) when accept() failed for a
 * reason other than "no more for now". */
int neighbours_accept(struct neighbours *nb, int64_t now);

/* For candidates_pick and the announcer: 1 when addr is not worth dialling
 * (a neighbour already, ourselves, banned).  ctx is the struct session. */
int neighbours_busy(void *ctx, const struct sockaddr *addr);

#endif
