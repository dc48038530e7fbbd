/*
 * fetch.h — the downloading half of a session: interest, requests, pieces.
 *
 * A session (session.h) hands this module what concerns getting data: a
 * peer's pieces changed (are we interested now?), a peer may take more
 * requests (keep its pipeline full, the picker choosing each block), a peer
 * choked us or left (its requests go back to the pool), a block arrived (store
 * it; a piece's last block gets the piece checked and stored, then announced
 * to every neighbour with a have, or blamed on whoever sent its blocks).
 * What it says to peers it queues in their output buffers, and what happens
 * it reports through session_emit, like the rest of the session.
 */
#ifndef FETCH_H
#define FETCH_H

#include <stdint.h>

#include "peer.h"
#include "session.h"
#include "wire.h"

/* Keeps p->am_interested equal to "p has a piece we lack" (and tells p). */
void fetch_update_interest(struct session *s, struct peer *p, int64_t now);
/* Tops up p's pipeline of requests, if p unchoked us and we want its data. */
void fetch_fill(struct session *s, struct peer *p, int64_t now);
/* Gives p's outstanding requests back to the picker, sending p a cancel for
 * each one if cancel is set. */
void fetch_drop(struct session *s, struct peer *p, int cancel);
/* Plans rx's slots for the blocks asked of p next, in the order asked, as
 * long as each is still missing and all fit in room bytes (see
 * session_recv_plan).  Returns the bytes planned. */
size_t fetch_plan(struct session *s, struct peer *p, struct peer_rx *rx,
    size_t room);
/* A block (m, a WIRE_PIECE with a valid index) arrived from p: accounts for
 * it, keeps it if we still need it, finishes its piece if it was the last. */
void fetch_block(struct session *s, struct peer *p, const struct wire_msg *m,
    int64_t now);

#endif
