/*
 * fetch.c — the downloading half of the session (see fetch.h).
 *
 * Read it in the order a piece is fetched: interest, requests kept in flight
 * (the picker chooses each block), blocks arriving, and the finished piece
 * checked, stored and announced, or failed and blamed on its senders.
 */
#include "fetch.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define BLK PICKER_BLOCK_LEN

_Static_assert(PARTIAL_GAP == WIRE_PIECE_HDR, "a block's gap holds its header");

static void
send_block_msg(struct peer *p, enum wire_type t, uint32_t piece,
    uint32_t begin, uint32_t length)
{
	struct wire_msg m = { .type = t, .index = piece, .begin = begin,
	    .length = length };

	if (peer_send(p, &m) < 0)
		peer_kill(p, PEER_END_NO_MEMORY, NULL);
}

void
fetch_update_interest(struct session *s, struct peer *p, int64_t now)
{
	int want = !session_complete(s) &&
	    bitfield_has_missing(&p->has, &s->picker.have);
	struct wire_msg m = { .type = want ? WIRE_INTERESTED :
	    WIRE_NOT_INTERESTED };

	if (want == p->am_interested || p->state != PEER_ACTIVE)
		return;
	p->am_interested = want;
	if (peer_send(p, &m) < 0)
		peer_kill(p, PEER_END_NO_MEMORY, NULL);
	session_emit(s, now, (struct event){ .peer = p,
	    .type = want ? EVENT_INTERESTED : EVENT_NOT_INTERESTED,
	    .u.sent = 1 });
}

void
fetch_drop(struct session *s, struct peer *p, int cancel)
{
	for (size_t i = 0; i < peer_list_len(&p->reqs); i++) {
		struct peer_req *r = peer_list_at(&p->reqs, i);

		if (cancel)
			send_block_msg(p, WIRE_CANCEL, r->piece, r->begin,
			    r->length);
		picker_request_done(&s->picker, r->piece, r->begin);
	}
	peer_list_clear(&p->reqs);
}

/* picker_asked_fn: has p an outstanding request for that block? */
static int
asked(void *ctx, uint32_t piece, uint32_t begin)
{
	const struct peer *p = ctx;

	return peer_list_find(&p->reqs, piece, begin, 0) >= 0;
}

/* Tells the sink about a piece just started for p, and what rarest first
 * had to choose from. */
static void
log_pick(struct session *s, struct peer *p, uint32_t piece, int64_t now)
{
	const struct picker *pk = &s->picker;

	if (s->on_event == NULL)
		return;		/* it scans every piece: only for a listener */
	session_emit(s, now, (struct event){ .type = EVENT_PICK, .peer = p,
	    .u.pick = { piece, picker_avail(pk, piece),
	    picker_min_avail(pk, &p->has, piece), pk->have.count,
	    pk->have.count < pk->random_first } });
}

/*
 * How many requests to keep outstanding: two blocks (one to receive, one
 * waiting at the peer, so it never waits for our next request), plus about
 * a second's worth at p's current rate, so a fast peer is never idle.
 * No more than that: a request promised to a slow peer is a block no faster
 * peer may fetch, and at the end it has to be asked for twice (endgame).
 */
static size_t
request_depth(struct peer *p, int64_t now)
{
	uint64_t d = 2 + rate_get(&p->down, now) / BLK;

	if (p->snubbed)
		return 1;
	return d > PEER_MAX_REQS ? PEER_MAX_REQS : (size_t)d;
}

void
fetch_fill(struct session *s, struct peer *p, int64_t now)
{
	struct picker_block b;
	size_t depth;

	if (p->state != PEER_ACTIVE || p->peer_choking || !p->am_interested)
		return;
	depth = request_depth(p, now);
	while (peer_list_len(&p->reqs) < depth) {
		int fresh;

		if (!picker_next(&s->picker, &p->has, peer_list_len(&p->reqs) == 0,
		    asked, p, &b))
			break;
		if ((fresh = partial_start(&s->parts, b.piece,
		    picker_piece_size(&s->picker, b.piece))) < 0) {
			picker_request_done(&s->picker, b.piece, b.begin);
			break;
		}
		if (fresh)
			log_pick(s, p, b.piece, now);
		peer_list_push(&p->reqs, b.piece, b.begin, b.length, now);
		send_block_msg(p, WIRE_REQUEST, b.piece, b.begin, b.length);
	}
}

/* Withdraws every other peer's request for a block we now have (endgame). */
static void
cancel_block(struct session *s, uint32_t piece, uint32_t begin)
{
	for (size_t i = 0; i < s->npeers; i++) {
		struct peer *q = s->peers[i];
		long k = peer_list_find(&q->reqs, piece, begin, 0);

		if (k < 0)
			continue;
		send_block_msg(q, WIRE_CANCEL, piece, begin,
		    peer_list_at(&q->reqs, (size_t)k)->length);
		peer_list_remove(&q->reqs, (size_t)k);
		picker_request_done(&s->picker, piece, begin);
	}
}

static void
on_complete(struct session *s, int64_t now)
{
	s->complete_ms = now;
	s->just_completed = 1;
	session_emit(s, now, (struct event){ .type = EVENT_COMPLETE,
	    .u.complete = { s->downloaded, s->wasted, s->hash_fails } });
	for (size_t i = 0; i < s->npeers; i++) {
		struct peer *q = s->peers[i];

		if (q->state == PEER_ACTIVE && bitfield_full(&q->has))
			peer_kill(q, PEER_END_BOTH_SEEDS, NULL);
	}
}

static void
piece_verified(struct session *s, uint32_t piece, int64_t now)
{
	struct wire_msg have = { .type = WIRE_HAVE, .index = piece };

	picker_piece_verified(&s->picker, piece);
	session_emit(s, now, (struct event){ .type = EVENT_PIECE,
	    .u.verdict = { piece, s->picker.have.count, 1 } });
	for (size_t i = 0; i < s->npeers; i++) {
		struct peer *q = s->peers[i];

		if (q->state != PEER_ACTIVE)
			continue;
		if (peer_send(q, &have) < 0)
			peer_kill(q, PEER_END_NO_MEMORY, NULL);
		fetch_update_interest(s, q, now);
	}
	if (session_complete(s))
		on_complete(s, now);
}

/* Bans p for what it did and hangs up. */
static void
ban_peer(struct session *s, struct peer *p, enum peer_end why, int64_t now)
{
	banlist_add(&s->bans, (const struct sockaddr *)&p->addr, p->addr_len,
	    p->peer_id);
	session_emit(s, now, (struct event){ .type = EVENT_BAN, .peer = p,
	    .u.end.reason = peer_end_name(why) });
	peer_kill(p, why, NULL);
}

/* A piece failed its hash: every peer that sent part of it gets a strike
 * (two if it sent all of it), and is banned at SESSION_BAN_STRIKES. */
static void
piece_failed(struct session *s, uint32_t piece, int64_t now)
{
	s->hash_fails++;
	picker_piece_failed(&s->picker, piece);
	session_emit(s, now, (struct event){ .type = EVENT_PIECE,
	    .u.verdict = { .piece = piece, .ok = 0 } });
	for (size_t i = 0; i < s->npeers; i++) {
		struct peer *q = s->peers[i];
		unsigned blame = partial_blame(&s->parts, piece, q->id);

		if (blame == 0)
			continue;
		q->strikes += blame;
		if (q->strikes >= SESSION_BAN_STRIKES)
			ban_peer(s, q, PEER_END_BAD_DATA, now);
	}
}

/* Writes a verified piece, its blocks gathered (see partial.h).  Returns 0
 * or -1 (errno). */
static int
write_piece(struct session *s, uint32_t piece)
{
	uint32_t len = picker_piece_size(&s->picker, piece), b = 0;
	uint64_t off = (uint64_t)piece * s->meta->piece_length;
	struct iovec v[16];

	while (b < len) {
		uint64_t at = off + b;
		int n = 0;

		for (; n < 16 && b < len; b += BLK)
			v[n++] = (struct iovec){ partial_block(&s->parts, piece, b),
			    len - b < BLK ? len - b : BLK };
		if (storage_writev(s->store, at, v, n) < 0)
			return -1;
	}
	return 0;
}

/* All blocks of piece are in: check it, store it, tell everyone. */
static void
finish_piece(struct session *s, uint32_t piece, int64_t now)
{
	unsigned char md[SHA1_LEN];

	for (size_t i = 0; i < s->npeers; i++) {
		struct peer *q = s->peers[i];

		for (size_t k = peer_list_len(&q->reqs); k-- > 0;) {
			struct peer_req *r = peer_list_at(&q->reqs, k);

			if (r->piece != piece)
				continue;
			send_block_msg(q, WIRE_CANCEL, r->piece, r->begin,
			    r->length);
			picker_request_done(&s->picker, r->piece, r->begin);
			peer_list_remove(&q->reqs, k);
		}
	}
	partial_digest(&s->parts, piece, md);
	if (memcmp(md, metainfo_piece_hash(s->meta, piece), SHA1_LEN) != 0) {
		piece_failed(s, piece, now);
	} else if (write_piece(s, piece) < 0) {
		snprintf(s->fatal_why, sizeof(s->fatal_why),
		    "writing piece %u: %s", piece, strerror(errno));
		s->fatal = 1;
		picker_piece_failed(&s->picker, piece);
	} else {
		piece_verified(s, piece, now);
	}
	partial_drop(&s->parts, piece);
}

size_t
fetch_plan(struct session *s, struct peer *p, struct peer_rx *rx,
    size_t room)
{
	size_t planned = 0;

	rx->nslots = 0;
	for (size_t i = 0; i < peer_list_len(&p->reqs) &&
	    rx->nslots < PEER_SLOTS; i++) {
		const struct peer_req *r = peer_list_at(&p->reqs, i);
		uint32_t size = picker_piece_size(&s->picker, r->piece);
		unsigned j = rx->nslots;

		if (!partial_started(&s->parts, r->piece) || r->begin % BLK ||
		    r->begin >= size || r->length != (size - r->begin < BLK ?
		    size - r->begin : BLK) ||
		    partial_has(&s->parts, r->piece, r->begin) ||
		    room - planned < WIRE_PIECE_HDR + (size_t)r->length)
			break;
		rx->at[j] = partial_block(&s->parts, r->piece, r->begin) -
		    WIRE_PIECE_HDR;
		rx->len[j] = WIRE_PIECE_HDR + (size_t)r->length;
		planned += rx->len[j];
		rx->nslots++;
	}
	return planned;
}

void
fetch_block(struct session *s, struct peer *p, const struct wire_msg *m,
    int64_t now)
{
	long k = peer_list_find(&p->reqs, m->index, m->begin, m->length);
	uint32_t size = picker_piece_size(&s->picker, m->index);
	enum picker_recv r = PICKER_USELESS;

	if (k >= 0) {
		peer_list_remove(&p->reqs, (size_t)k);
		picker_request_done(&s->picker, m->index, m->begin);
	}
	rate_add(&p->down, now, m->data_len);
	rate_add(&s->down_rate, now, m->data_len);
	p->downloaded += m->data_len;
	s->downloaded += m->data_len;
	p->last_block_ms = now;
	p->snubbed = 0;
	if (partial_started(&s->parts, m->index) && m->begin % BLK == 0 &&
	    m->begin < size &&
	    m->data_len == (size - m->begin < BLK ? size - m->begin : BLK))
		r = picker_block_received(&s->picker, m->index, m->begin);
	if (r == PICKER_USELESS) {
		s->wasted += m->data_len;
		return;
	}
	partial_put(&s->parts, m->index, m->begin, m->data, m->data_len, p->id);
	if (r == PICKER_PIECE_DONE)
		finish_piece(s, m->index, now);
	else if (picker_requests_out(&s->picker, m->index, m->begin) > 0)
		cancel_block(s, m->index, m->begin);
}
