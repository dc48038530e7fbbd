/*
 * event.c — a session's events as JSON Lines (see event.h).
 *
 * One function per shape of line, each writing its keys in the order the
 * readers expect; event_log picks the shape by the event's type.
 */
#include "event.h"

static const char *const names[EVENT_COUNT] = {
	[EVENT_CONNECT] = "connect",
	[EVENT_HANDSHAKE] = "handshake",
	[EVENT_BITFIELD] = "bitfield",
	[EVENT_HAVE] = "have",
	[EVENT_INTERESTED] = "interested",
	[EVENT_NOT_INTERESTED] = "not_interested",
	[EVENT_CHOKED_BY] = "choked_by",
	[EVENT_UNCHOKED_BY] = "unchoked_by",
	[EVENT_RECHOKE] = "rechoke",
	[EVENT_CHOKE] = "choke",
	[EVENT_UNCHOKE] = "unchoke",
	[EVENT_PICK] = "pick",
	[EVENT_PIECE] = "piece",
	[EVENT_SNUBBED] = "snubbed",
	[EVENT_BAN] = "ban",
	[EVENT_COMPLETE] = "complete",
	[EVENT_DISCONNECT] = "disconnect",
};

const char *
event_name(enum event_type type)
{
	return (unsigned)type < EVENT_COUNT ? names[type] : "unknown";
}

static void
put_rechoke(struct jlog *log, const struct event *ev)
{
	jlog_int(log, "seeding", ev->u.rechoke.seeding);
	jlog_array_begin(log, "peers");
	for (size_t i = 0; i < ev->u.rechoke.n; i++) {
		const struct event_rechoked *r = &ev->u.rechoke.peers[i];

		jlog_object_begin(log);
		jlog_str(log, "peer", r->peer->name);
		jlog_int(log, "interested", r->seen.interested);
		jlog_int(log, "rate_from", (int64_t)r->seen.rate_from);
		jlog_int(log, "rate_to", (int64_t)r->seen.rate_to);
		jlog_int(log, "snubbed", r->snubbed);
		jlog_int(log, "unchoke", r->seen.unchoke);
		jlog_int(log, "optimistic", r->seen.optimistic);
		jlog_object_end(log);
	}
	jlog_array_end(log);
}

static void
put_choke(struct jlog *log, const struct event *ev)
{
	jlog_int(log, "optimistic", ev->u.choke.optimistic);
	jlog_str(log, "reason", ev->u.choke.reason);
	jlog_int(log, "rate_from", (int64_t)ev->u.choke.rate_from);
	jlog_int(log, "rate_to", (int64_t)ev->u.choke.rate_to);
}

static void
put_pick(struct jlog *log, const struct event *ev)
{
	jlog_int(log, "piece", ev->u.pick.piece);
	jlog_int(log, "avail", ev->u.pick.avail);
	jlog_int(log, "min_avail", ev->u.pick.min_avail);
	jlog_str(log, "mode", ev->u.pick.random ? "random" : "rarest");
	jlog_int(log, "have", ev->u.pick.have);
}

static void
put_verdict(struct jlog *log, const struct event *ev)
{
	jlog_int(log, "piece", ev->u.verdict.piece);
	jlog_int(log, "ok", ev->u.verdict.ok);
	if (ev->u.verdict.ok)
		jlog_int(log, "have", ev->u.verdict.have);
}

static void
put_complete(struct jlog *log, const struct event *ev)
{
	jlog_int(log, "downloaded", (int64_t)ev->u.complete.downloaded);
	jlog_int(log, "wasted", (int64_t)ev->u.complete.wasted);
	jlog_int(log, "hash_fails", (int64_t)ev->u.complete.hash_fails);
}

/* The keys after "peer" of the events about one peer. */
static void
put_peer_event(struct jlog *log, const struct event *ev)
{
	const struct peer *p = ev->peer;

	switch (ev->type) {
	case EVENT_CONNECT:
		jlog_str(log, "dir", p->outgoing ? "out" : "in");
		break;
	case EVENT_HANDSHAKE:
		jlog_str(log, "peer_id", p->client);
		jlog_str(log, "dir", p->outgoing ? "out" : "in");
		break;
	case EVENT_BITFIELD:
		jlog_int(log, "pieces", ev->u.pieces);
		break;
	case EVENT_HAVE:
		jlog_int(log, "piece", ev->u.piece);
		break;
	case EVENT_INTERESTED:
	case EVENT_NOT_INTERESTED:
		jlog_str(log, "dir", ev->u.sent ? "sent" : "received");
		break;
	case EVENT_CHOKE:
	case EVENT_UNCHOKE:
		put_choke(log, ev);
		break;
	case EVENT_PICK:
		put_pick(log, ev);
		break;
	case EVENT_BAN:
		jlog_str(log, "reason", ev->u.end.reason);
		break;
	case EVENT_DISCONNECT:
		jlog_str(log, "reason", ev->u.end.reason);
		jlog_int(log, "downloaded", (int64_t)ev->u.end.downloaded);
		jlog_int(log, "uploaded", (int64_t)ev->u.end.uploaded);
		break;
	default:
		break;		/* choked_by, unchoked_by, snubbed: no more */
	}
}

int
event_log(struct jlog *log, const struct event *ev)
{
	if (!jlog_enabled(log))
		return 0;
	jlog_begin(log, ev->t, event_name(ev->type));
	if (ev->type == EVENT_RECHOKE) {
		put_rechoke(log, ev);
	} else if (ev->type == EVENT_PIECE) {
		put_verdict(log, ev);
	} else if (ev->type == EVENT_COMPLETE) {
		put_complete(log, ev);
	} else if (ev->peer != NULL) {
		jlog_str(log, "peer", ev->peer->name);
		put_peer_event(log, ev);
	}
	return jlog_end(log);
}
