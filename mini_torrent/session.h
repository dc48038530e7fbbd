/*
 * session.h — one torrent being shared: the protocol brain of mt-peer.
 *
 * The session reacts to what neighbours say (handshake, bitfield, have,
 * choke, interested, request, piece, cancel) and to the clock (rechoke,
 * keep-alives, silent peers), using the pure modules for every decision:
 * the picker chooses blocks, the choker chooses whom to upload to, storage
 * checks and stores pieces.  What it wants to say it appends to a peer's
 * output buffer; it never touches a socket.  The event loop (mt-peer.c)
 * accepts, connects, and moves bytes between sockets and those buffers, then
 * calls back in here.  That split keeps this file readable as "the
 * protocol", and lets the loop stay a plain poll() loop.
 *
 * What happened (a message in, a decision made) the session reports as an
 * event (event.h) to its sink, on_event; session_init points that at the
 * JSON Lines log (--log), and a test may point it elsewhere.  mt-peer.c logs
 * its own events besides: start (settings), announce (event, peers,
 * interval, min_interval, complete, incomplete, warning), announce_failed
 * (event, reason), exit (complete, downloaded, uploaded).
 */
#ifndef SESSION_H
#define SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "banlist.h"
#include "choker.h"
#include "event.h"
#include "jlog.h"
#include "metainfo.h"
#include "partial.h"
#include "peer.h"
#include "picker.h"
#include "rate.h"
#include "ratelimit.h"
#include "storage.h"

#define SESSION_HANDSHAKE_MS 20000	/* to finish the handshake */
#define SESSION_CHECK_MS 250		/* per-peer timers, this often */
#define SESSION_KEEPALIVE_MS 90000	/* send a keep-alive when idle this long */
#define SESSION_BAN_STRIKES 2		/* bad pieces before a peer is banned */
#define SESSION_MAX_ABUSES 16		/* bogus requests before we hang up */

struct session_config {
	unsigned max_peers;		/* connections, both directions */
	uint64_t upload_rate;		/* bytes/s, 0: unlimited */
	uint64_t download_rate;		/* bytes/s, 0: unlimited */
	struct choker_config choke;
	int64_t peer_timeout_ms;	/* drop a peer silent this long */
	unsigned random_first;		/* pieces picked at random before
					 * rarest first takes over */
	uint64_t rng_seed;
};

/* Where a session's events go: fn(ctx, ev), NULL for nowhere. */
typedef void session_event_fn(void *ctx, const struct event *ev);

struct session {
	struct session_config cfg;
	const struct metainfo *meta;
	struct storage *store;
	struct jlog *log;
	struct picker picker;
	struct choker choker;
	struct ratelimit up_limit, down_limit;
	uint8_t peer_id[20];
	struct peer **peers;
	size_t npeers, cap;
	struct choker_peer *cpeers;	/* scratch for rechoke, cap entries */
	struct event_rechoked *rechoked;	/* the same */
	int64_t rate_window_ms;
	struct partial parts;		/* pieces being downloaded */
	struct banlist bans;		/* and our own addresses */
	session_event_fn *on_event;
	void *event_ctx;
	struct rate down_rate, up_rate;	/* block bytes, all peers */
	uint64_t downloaded, uploaded;	/* block bytes this run */
	uint64_t wasted;		/* block bytes we could not use */
	uint64_t hash_fails;
	int64_t start_ms;
	int64_t next_check_ms;		/* next per-peer timer pass */
	int64_t complete_ms;		/* when the last piece verified, or -1 */
	int just_completed;		/* set once; the loop announces it */
	int fatal;			/* a disk write failed */
	char fatal_why[128];
};

/*
 * Sets up a session.  have holds the pieces already verified on disk (it is
 * copied).  Events go to log (event_log) if it is open, else nowhere; set
 * on_event and event_ctx afterwards to send them elsewhere.  Returns 0 or -1
 * (ENOMEM).
 */
int session_init(struct session *s, const struct session_config *cfg,
    const struct metainfo *meta, struct storage *store,
    const struct bitfield *have, struct jlog *log, const uint8_t peer_id[20],
    int64_t now);
void session_free(struct session *s);

int session_complete(const struct session *s);
/* Bytes we still miss (the tracker's "left"). */
uint64_t session_left(const struct session *s);

/*
 * A new connection (fd already non-blocking; -1 in tests).  Outgoing ones
 * start in PEER_CONNECTING: call session_connected once connect() is done.
 * Returns the peer (owned by the session), or NULL (ENOMEM).
 */
struct peer *session_add_peer(struct session *s, int fd,
    const struct sockaddr *addr, socklen_t len, int outgoing, int64_t now);
/* Our outgoing connection is up: send our handshake. */
void session_connected(struct session *s, struct peer *p, int64_t now);
/* n bytes were appended to p->in by recv(): handle the messages. */
void session_received(struct session *s, struct peer *p, size_t n,
    int64_t now);

/*
 * Receiving blocks in place.  Where the next bytes from p go, for one
 * recvmsg(): when p->in holds nothing, the blocks we asked p for next, in
 * the order asked, each as its message would arrive (13 header bytes in the
 * gap before the block, then the block, in its piece: partial.h), and then
 * a little room in p->in for whatever follows; otherwise only p->in, as much
 * as the message begun there still needs.  session_recv_done then checks
 * each slot's header against the one expected, hands every message to the
 * wire parser as always, and moves the bytes from the first surprise on
 * (another message, a block not asked for, a read that ended mid-block)
 * into p->in, where the parser takes them as it takes any input.  Slots are
 * only blocks still missing, so bytes that were not the block expected
 * there overwrite nothing kept.
 */
#define SESSION_AFTER_SLOTS 4096	/* room in p->in after the slots */

/* Plans the next read from p, at most max bytes (> 0) into rx->iov.
 * Returns the bytes offered. */
size_t session_recv_plan(struct session *s, struct peer *p, size_t max,
    struct peer_rx *rx);
/* The read planned in rx brought n bytes (> 0): handle them. */
void session_recv_done(struct session *s, struct peer *p,
    const struct peer_rx *rx, size_t n, int64_t now);
/* Some of p's output was sent (xfer_send took it off the output). */
void session_sent(struct session *s, struct peer *p, int64_t now);
/* Queues requested blocks into p->out, as far as its high-water mark. */
void session_serve(struct session *s, struct peer *p, int64_t now);
/*
 * Forgets p (its fd is the caller's to close): its requests go back to the
 * pool at once, its pieces leave the availability counts.  Frees p.
 */
void session_remove_peer(struct session *s, struct peer *p, int64_t now);

/*
 * Timers: rechoke, keep-alives, silent or snubbing peers, handshake
 * deadlines.  Returns the time of the next thing it needs to do.
 */
int64_t session_tick(struct session *s, int64_t now);

/* Hands ev to the sink (on_event), stamped with the time since the start. */
void session_emit(struct session *s, int64_t now, struct event ev);

/* 1 if we are connected (or connecting) to addr, or it is banned. */
int session_knows_addr(const struct session *s, const struct sockaddr *addr);
int session_banned(const struct session *s, const struct sockaddr *addr);
/* Remembers addr as ours, so we never dial it again (self-connection). */
void session_add_self(struct session *s, const struct sockaddr *addr);

#endif
