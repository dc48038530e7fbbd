/*
 * test_session.c — the session driven by hand, with no socket: peers on fd -1
 * whose input is written straight into their buffers, a clock passed in, and
 * a sink that keeps the events instead of logging them.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "session.h"

#define NPIECES 4
#define MAX_EVENTS 64

/* The sink: what happened, in order. */
struct seen {
	enum event_type type[MAX_EVENTS];
	const struct peer *peer[MAX_EVENTS];
	const struct peer *rechoked[8];	/* the last rechoke's peers */
	size_t n, nrechoked;
};

static void
keep(void *ctx, const struct event *ev)
{
	struct seen *w = ctx;

	cr_assert_lt(w->n, MAX_EVENTS);
	w->type[w->n] = ev->type;
	w->peer[w->n++] = ev->peer;
	if (ev->type != EVENT_RECHOKE)
		return;
	w->nrechoked = ev->u.rechoke.n;
	for (size_t i = 0; i < ev->u.rechoke.n && i < 8; i++)
		w->rechoked[i] = ev->u.rechoke.peers[i].peer;
}

struct fixture {
	struct metainfo meta;
	struct bitfield have;
	struct jlog log;	/* closed */
	struct session s;
	struct seen seen;
};

static void
start(struct fixture *f)
{
	struct session_config cfg = { .max_peers = 8, .peer_timeout_ms = 600000,
	    .random_first = 4, .rng_seed = 1 };
	uint8_t id[20];

	memset(f, 0, sizeof(*f));
	memset(f->meta.info_hash, 0xab, sizeof(f->meta.info_hash));
	memset(id, 'U', sizeof(id));
	f->meta.piece_length = 16384;
	f->meta.piece_count = NPIECES;
	f->meta.total_length = NPIECES * 16384;
	choker_config_default(&cfg.choke);
	cr_assert_eq(bitfield_init(&f->have, NPIECES), 0);
	cr_assert_eq(session_init(&f->s, &cfg, &f->meta, NULL, &f->have,
	    &f->log, id, 0), 0);
	cr_expect_null(f->s.on_event, "no log open: no sink");
	f->s.on_event = keep;
	f->s.event_ctx = &f->seen;
}

static void
stop(struct fixture *f)
{
	session_free(&f->s);
	bitfield_free(&f->have);
}

/* A neighbour that dialled us from 10.0.0.<last>, handshake done. */
static struct peer *
incoming(struct fixture *f, int last, char who)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(6881) };
	struct peer *p;
	uint8_t *in;
	size_t room;

	a.sin_addr.s_addr = htonl(0x0a000000u | (uint32_t)last);
	p = session_add_peer(&f->s, -1, (struct sockaddr *)&a, sizeof(a), 0, 1);
	cr_assert_not_null(p);
	in = peer_in_space(p, &room);
	cr_assert_geq(room, WIRE_HANDSHAKE_LEN);
	memset(in, 0, WIRE_HANDSHAKE_LEN);
	in[0] = WIRE_PSTR_LEN;
	memcpy(in + 1, WIRE_PSTR, WIRE_PSTR_LEN);
	memcpy(in + 28, f->meta.info_hash, 20);
	memset(in + 48, who, 20);
	session_received(&f->s, p, WIRE_HANDSHAKE_LEN, 1);
	cr_assert_eq(p->state, PEER_ACTIVE, "handshake from %c", who);
	return p;
}

static size_t
count(const struct seen *w, enum event_type t, const struct peer *p)
{
	size_t n = 0;

	for (size_t i = 0; i < w->n; i++)
		n += w->type[i] == t && w->peer[i] == p;
	return n;
}

Test(session, rechoke_leaves_the_peer_table_in_its_order)
{
	struct fixture f;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(1) };
	struct peer *dialling, *b, *c;

	start(&f);
	a.sin_addr.s_addr = htonl(0x0a000001u);
	dialling = session_add_peer(&f.s, -1, (struct sockaddr *)&a, sizeof(a),
	    1, 0);
	cr_assert_not_null(dialling);
	b = incoming(&f, 2, 'B');
	c = incoming(&f, 3, 'C');
	session_tick(&f.s, 2);		/* the first rechoke is due at once */
	cr_assert_eq(f.s.npeers, 3);
	cr_expect_eq(f.s.peers[0], dialling, "a peer still connecting stays first");
	cr_expect_eq(f.s.peers[1], b);
	cr_expect_eq(f.s.peers[2], c);
	cr_assert_eq(f.seen.nrechoked, 2, "only active peers are rechoked");
	cr_expect_eq(f.seen.rechoked[0], b);
	cr_expect_eq(f.seen.rechoked[1], c);
	stop(&f);
}

Test(session, reports_what_happened_to_its_sink)
{
	struct fixture f;
	struct peer *b;

	start(&f);
	b = incoming(&f, 2, 'B');
	cr_expect_eq(count(&f.seen, EVENT_CONNECT, b), 1);
	cr_expect_eq(count(&f.seen, EVENT_HANDSHAKE, b), 1);
	cr_expect_eq(f.seen.type[0], EVENT_CONNECT, "connect comes first");
	session_tick(&f.s, 2);
	cr_expect_eq(count(&f.seen, EVENT_RECHOKE, NULL), 1);
	session_remove_peer(&f.s, b, 3);
	cr_expect_eq(f.seen.type[f.seen.n - 1], EVENT_DISCONNECT);
	stop(&f);
}
