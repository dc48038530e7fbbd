/*
 * event.h — what a session did, as data: one struct per thing that happened.
 *
 * The session (session.h) decides; it does not write logs.  Each decision or
 * message worth knowing about becomes a struct event handed to the session's
 * sink, and event_log is the one place that turns an event into a line of
 * JSON (jlog.h) for --log.  A test can plug its own sink and look at the
 * events themselves.
 *
 * The events and the keys of their lines ("t" is ms since the session
 * started, "peer" is the neighbour's ADDR:PORT as we see it):
 *
 *   connect      dir (in|out)                  a TCP connection exists
 *   handshake    peer_id, dir                  handshakes swapped
 *   bitfield     pieces                        its bitfield (count of pieces)
 *   have         piece                         a have it sent (new pieces only)
 *   interested / not_interested   dir (sent|received)
 *   choked_by / unchoked_by                    its choke/unchoke to us
 *   rechoke      seeding, peers[{peer, interested, rate_from, rate_to,
 *                snubbed, unchoke, optimistic}]      every choker run, with
 *                the rates (bytes/s, rolling window) that drove it
 *   choke / unchoke   optimistic, reason (rate|optimistic|free slot),
 *                rate_from, rate_to           what we sent, when it changed
 *   pick         piece, avail, min_avail, mode (random|rarest), have
 *                                              a new piece started: its
 *                availability and the lowest among what the peer offered
 *   piece        piece, ok (1|0), have         a piece verified or failed
 *   snubbed                                    our requests went unanswered
 *   ban          reason                        bad data: never again
 *   complete     downloaded, wasted, hash_fails
 *   disconnect   reason, downloaded, uploaded  block bytes both ways
 *
 * Tests and the grader parse these lines: a key's name, order and meaning
 * change only with everything that reads them.
 */
#ifndef EVENT_H
#define EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "choker.h"
#include "jlog.h"
#include "peer.h"

enum event_type {
	EVENT_CONNECT,
	EVENT_HANDSHAKE,
	EVENT_BITFIELD,
	EVENT_HAVE,
	EVENT_INTERESTED,
	EVENT_NOT_INTERESTED,
	EVENT_CHOKED_BY,
	EVENT_UNCHOKED_BY,
	EVENT_RECHOKE,
	EVENT_CHOKE,
	EVENT_UNCHOKE,
	EVENT_PICK,
	EVENT_PIECE,
	EVENT_SNUBBED,
	EVENT_BAN,
	EVENT_COMPLETE,
	EVENT_DISCONNECT,
	EVENT_COUNT
};

/* One peer of a rechoke: what the choker was told, and what it decided. */
struct event_rechoked {
	struct peer *peer;
	struct choker_peer seen;
	int snubbed;		/* choker_snubbed's verdict */
};

/*
 * peer is whom the event is about (NULL for rechoke, piece and complete);
 * connect and handshake read its direction and peer_id from it.  Pointers
 * are valid only while the sink runs.
 */
struct event {
	enum event_type type;
	int64_t t;		/* ms since the session started */
	const struct peer *peer;
	union {
		int sent;	/* (not_)interested: we sent it (0: got it) */
		uint32_t pieces;	/* bitfield: how many it has */
		uint32_t piece;		/* have */
		struct {
			int optimistic;
			const char *reason;	/* rate|optimistic|free slot */
			uint64_t rate_from, rate_to;
		} choke;	/* choke, unchoke */
		struct {
			uint32_t piece, avail, min_avail, have;
			int random;	/* random first, not rarest first */
		} pick;
		struct {
			uint32_t piece, have;
			int ok;		/* verified (have is then our count) */
		} verdict;	/* piece */
		struct {
			int seeding;
			size_t n;
			const struct event_rechoked *peers;
		} rechoke;
		struct {
			uint64_t downloaded, wasted, hash_fails;
		} complete;
		struct {
			const char *reason;
			uint64_t downloaded, uploaded;	/* disconnect only */
		} end;		/* ban, disconnect */
	} u;
};

/* "connect", "not_interested"...: the "ev" of type's lines. */
const char *event_name(enum event_type type);

/* Writes ev as one line to log (nothing if log is closed).  Returns 0, or -1
 * on a write error. */
int event_log(struct jlog *log, const struct event *ev);

#endif
