/*
 * session.c — the peer wire protocol's behaviour (see session.h).
 *
 * Read it in the order a connection lives: handshake, bitfield, interest,
 * choking, requests and blocks, piece verification, and the timers.  Every
 * message a peer sends is handled by one on_* function; every decision is
 * delegated (picker_next, choker_run, storage_hash_ok).  A misbehaving peer
 * is never answered with a crash or with bad data kept: it is marked dead
 * with a reason (peer_kill), and the event loop closes it.
 *
 * A block we upload is queued as its header and a file span (peer_out_file):
 * the event loop sends it from the page cache with sendfile (xfer.h).
 */
#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "net.h"
#include "sha1.h"

#define BLK PICKER_BLOCK_LEN
#define OUT_HIGH (512u * 1024)	/* block data queued per peer, unlimited */
#define PIECE_MEMORY (64u << 20)	/* bytes of partial pieces, soft cap */

static int64_t
since_start(const struct session *s, int64_t now)
{
	return now - s->start_ms;
}

/* Starts a log event about peer p. */
static void
log_peer(struct session *s, int64_t now, const char *ev, const struct peer *p)
{
	jlog_begin(s->log, since_start(s, now), ev);
	jlog_str(s->log, "peer", p->name);
}

static void
log_peer_event(struct session *s, int64_t now, const char *ev,
    const struct peer *p)
{
	log_peer(s, now, ev, p);
	jlog_end(s->log);
}

int
session_complete(const struct session *s)
{
	return picker_complete(&s->picker);
}

uint64_t
session_left(const struct session *s)
{
	uint64_t left = 0;

	for (uint32_t i = 0; i < s->picker.npieces; i++)
		if (!bitfield_get(&s->picker.have, i))
			left += picker_piece_size(&s->picker, i);
	return left;
}

int
session_init(struct session *s, const struct session_config *cfg,
    const struct metainfo *meta, struct storage *store,
    const struct bitfield *have, struct jlog *log, const uint8_t peer_id[20],
    int64_t now)
{
	int64_t window = 2 * cfg->choke.rechoke_ms;
	size_t budget = PIECE_MEMORY / meta->piece_length;

	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->meta = meta;
	s->store = store;
	s->log = log;
	memcpy(s->peer_id, peer_id, 20);
	s->start_ms = now;
	s->complete_ms = -1;
	if (picker_init(&s->picker, meta->total_length, meta->piece_length,
	    cfg->rng_seed) < 0)
		return -1;
	s->picker.max_active = budget > 8 ? budget : 8;
	s->picker.random_first = cfg->random_first;
	for (uint32_t i = 0; i < meta->piece_count; i++)
		if (bitfield_get(have, i))
			picker_piece_verified(&s->picker, i);
	choker_init(&s->choker, &cfg->choke, now, cfg->rng_seed ^ 0xc0ffee);
	ratelimit_init(&s->up_limit, cfg->upload_rate,
	    ratelimit_default_burst(cfg->upload_rate), now);
	ratelimit_init(&s->down_limit, cfg->download_rate,
	    ratelimit_default_burst(cfg->download_rate), now);
	window = window < 2000 ? 2000 : window > 20000 ? 20000 : window;
	rate_init(&s->down_rate, window, now);
	rate_init(&s->up_rate, window, now);
	s->rate_window_ms = window;
	s->pieces = calloc(meta->piece_count, sizeof(*s->pieces));
	s->bans = calloc(SESSION_MAX_BANS, sizeof(*s->bans));
	if (s->pieces == NULL || s->bans == NULL) {
		session_free(s);
		errno = ENOMEM;
		return -1;
	}
	if (session_complete(s))
		s->complete_ms = now;
	return 0;
}

void
session_free(struct session *s)
{
	for (size_t i = 0; i < s->npeers; i++)
		peer_free(s->peers[i]);
	free(s->peers);
	free(s->cpeers);
	if (s->pieces != NULL) {
		for (uint32_t i = 0; i < s->picker.npieces; i++) {
			free(s->pieces[i].data);
			free(s->pieces[i].from);
		}
	}
	free(s->pieces);
	while (s->nspare > 0)
		free(s->spare[--s->nspare]);
	free(s->bans);
	picker_free(&s->picker);
	memset(s, 0, sizeof(*s));
}

/* ---- addresses, bans ---- */

int
session_banned(const struct session *s, const struct sockaddr *addr)
{
	for (size_t i = 0; i < s->nbans; i++)
		if (net_addr_equal((const struct sockaddr *)&s->bans[i].addr, addr))
			return 1;
	return 0;
}

static int
banned_id(const struct session *s, const uint8_t id[20])
{
	for (size_t i = 0; i < s->nbans; i++)
		if (s->bans[i].has_id && memcmp(s->bans[i].peer_id, id, 20) == 0)
			return 1;
	return 0;
}

/* Adds an address (and peer_id, if id is not NULL) to the ban list. */
static void
add_ban(struct session *s, const struct sockaddr *addr, socklen_t len,
    const uint8_t *id)
{
	struct session_ban *b;

	if (s->nbans == SESSION_MAX_BANS)
		return;
	b = &s->bans[s->nbans++];
	memset(b, 0, sizeof(*b));
	memcpy(&b->addr, addr, len < sizeof(b->addr) ? len : sizeof(b->addr));
	if (id != NULL) {
		memcpy(b->peer_id, id, 20);
		b->has_id = 1;
	}
}

void
session_add_self(struct session *s, const struct sockaddr *addr)
{
	/* Copy only what the caller has: a sockaddr_in is shorter than storage. */
	socklen_t len = addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
	if (!session_banned(s, addr))
		add_ban(s, addr, len, NULL);
}

int
session_knows_addr(const struct session *s, const struct sockaddr *addr)
{
	for (size_t i = 0; i < s->npeers; i++) {
		const struct peer *p = s->peers[i];

		if ((p->outgoing &&
		    net_addr_equal((const struct sockaddr *)&p->addr, addr)) ||
		    (p->alt_len > 0 &&
		    net_addr_equal((const struct sockaddr *)&p->alt_addr, addr)))
			return 1;
	}
	return session_banned(s, addr);
}

/* Bans p for what it did and hangs up. */
static void
ban_peer(struct session *s, struct peer *p, enum peer_end why, int64_t now)
{
	add_ban(s, (const struct sockaddr *)&p->addr, p->addr_len, p->peer_id);
	log_peer(s, now, "ban", p);
	jlog_str(s->log, "reason", peer_end_name(why));
	jlog_end(s->log);
	peer_kill(p, why, NULL);
}

/* ---- sending ---- */

static void
send_simple(struct peer *p, enum wire_type t)
{
	struct wire_msg m = { .type = t };

	if (peer_send(p, &m) < 0)
		peer_kill(p, PEER_END_NO_MEMORY, NULL);
}

static void
send_block_msg(struct peer *p, enum wire_type t, uint32_t piece,
    uint32_t begin, uint32_t length)
{
	struct wire_msg m = { .type = t, .index = piece, .begin = begin,
	    .length = length };

	if (peer_send(p, &m) < 0)
		peer_kill(p, PEER_END_NO_MEMORY, NULL);
}

static void
send_handshake(struct session *s, struct peer *p)
{
	struct wire_msg m = { .type = WIRE_HANDSHAKE };

	memcpy(m.info_hash, s->meta->info_hash, 20);
	memcpy(m.peer_id, s->peer_id, 20);
	if (peer_send(p, &m) < 0)
		peer_kill(p, PEER_END_NO_MEMORY, NULL);
	p->sent_handshake = 1;
}

/* Chokes or unchokes p, if that changes anything, and logs why. */
static void
set_choke(struct session *s, struct peer *p, int choke, int optimistic,
    const char *reason, int64_t now)
{
	p->optimistic = !choke && optimistic;
	if (p->am_choking == choke)
		return;
	p->am_choking = choke;
	send_simple(p, choke ? WIRE_CHOKE : WIRE_UNCHOKE);
	if (choke)
		peer_list_clear(&p->queue);	/* BEP 3: choking drops them */
	log_peer(s, now, choke ? "choke" : "unchoke", p);
	jlog_int(s->log, "optimistic", p->optimistic);
	jlog_str(s->log, "reason", reason);
	jlog_int(s->log, "rate_from", (int64_t)rate_get(&p->down, now));
	jlog_int(s->log, "rate_to", (int64_t)rate_get(&p->up, now));
	jlog_end(s->log);
}

/* Keeps am_interested equal to "p has a piece we lack". */
static void
update_interest(struct session *s, struct peer *p, int64_t now)
{
	int want = !session_complete(s) &&
	    bitfield_has_missing(&p->has, &s->picker.have);

	if (want == p->am_interested || p->state != PEER_ACTIVE)
		return;
	p->am_interested = want;
	send_simple(p, want ? WIRE_INTERESTED : WIRE_NOT_INTERESTED);
	log_peer(s, now, want ? "interested" : "not_interested", p);
	jlog_str(s->log, "dir", "sent");
	jlog_end(s->log);
}

/* Gives p's outstanding requests back to the picker (and cancels them). */
static void
drop_requests(struct session *s, struct peer *p, int cancel)
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

/* ---- asking for blocks ---- */

/* picker_asked_fn: has p an outstanding request for that block? */
static int
asked(void *ctx, uint32_t piece, uint32_t begin)
{
	const struct peer *p = ctx;

	return peer_list_find(&p->reqs, piece, begin, 0) >= 0;
}

/* Makes room for piece's bytes.  Returns 1 if the piece is new, 0 if it
 * already had room, -1 on ENOMEM. */
static int
piece_buffer(struct session *s, uint32_t piece)
{
	struct session_piece *sp = &s->pieces[piece];
	void *mem;

	if (sp->data != NULL)
		return 0;
	/* Reuse a finished piece's buffer: fresh memory costs a page fault
	 * per 4 KiB. */
	mem = s->nspare > 0 ? s->spare[--s->nspare] :
	    malloc(s->meta->piece_length);
	sp->data = mem;
	sp->from = calloc(picker_block_count(&s->picker, piece),
	    sizeof(*sp->from));
	if (sp->data == NULL || sp->from == NULL) {
		free(sp->data);
		free(sp->from);
		sp->data = NULL;
		sp->from = NULL;
		return -1;
	}
	return 1;
}

static void
drop_piece_buffer(struct session *s, uint32_t piece)
{
	if (s->nspare < SESSION_SPARE_BUFFERS)
		s->spare[s->nspare++] = s->pieces[piece].data;
	else
		free(s->pieces[piece].data);
	free(s->pieces[piece].from);
	s->pieces[piece].data = NULL;
	s->pieces[piece].from = NULL;
}

/* Logs a newly started piece with what rarest first had to choose from. */
static void
log_pick(struct session *s, struct peer *p, uint32_t piece, int64_t now)
{
	const struct picker *pk = &s->picker;
	uint32_t min = UINT32_MAX;

	if (!jlog_enabled(s->log))
		return;
	for (uint32_t i = 0; i < pk->npieces; i++)
		if (bitfield_get(&p->has, i) && !bitfield_get(&pk->have, i) &&
		    (i == piece || pk->slot[i] < 0) && pk->avail[i] < min)
			min = pk->avail[i];
	log_peer(s, now, "pick", p);
	jlog_int(s->log, "piece", piece);
	jlog_int(s->log, "avail", pk->avail[piece]);
	jlog_int(s->log, "min_avail", min);
	jlog_str(s->log, "mode", pk->have.count < pk->random_first ?
	    "random" : "rarest");
	jlog_int(s->log, "have", pk->have.count);
	jlog_end(s->log);
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

/* Tops up p's pipeline of requests. */
static void
fill_requests(struct session *s, struct peer *p, int64_t now)
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
		if ((fresh = piece_buffer(s, b.piece)) < 0) {
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

/* ---- verified and failed pieces ---- */

static void
on_complete(struct session *s, int64_t now)
{
	s->complete_ms = now;
	s->just_completed = 1;
	jlog_begin(s->log, since_start(s, now), "complete");
	jlog_int(s->log, "downloaded", (int64_t)s->downloaded);
	jlog_int(s->log, "wasted", (int64_t)s->wasted);
	jlog_int(s->log, "hash_fails", (int64_t)s->hash_fails);
	jlog_end(s->log);
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
	jlog_begin(s->log, since_start(s, now), "piece");
	jlog_int(s->log, "piece", piece);
	jlog_int(s->log, "ok", 1);
	jlog_int(s->log, "have", s->picker.have.count);
	jlog_end(s->log);
	for (size_t i = 0; i < s->npeers; i++) {
		struct peer *q = s->peers[i];

		if (q->state != PEER_ACTIVE)
			continue;
		if (peer_send(q, &have) < 0)
			peer_kill(q, PEER_END_NO_MEMORY, NULL);
		update_interest(s, q, now);
	}
	if (session_complete(s))
		on_complete(s, now);
}

/* A piece failed its hash: every peer that sent part of it gets a strike
 * (two if it sent all of it), and is banned at SESSION_BAN_STRIKES. */
static void
piece_failed(struct session *s, uint32_t piece, int64_t now)
{
	const struct session_piece *sp = &s->pieces[piece];
	uint32_t nb = picker_block_count(&s->picker, piece);
	int sole = 1;

	s->hash_fails++;
	picker_piece_failed(&s->picker, piece);
	for (uint32_t b = 1; b < nb; b++)
		sole &= sp->from[b] == sp->from[0];
	jlog_begin(s->log, since_start(s, now), "piece");
	jlog_int(s->log, "piece", piece);
	jlog_int(s->log, "ok", 0);
	jlog_end(s->log);
	for (size_t i = 0; i < s->npeers; i++) {
		struct peer *q = s->peers[i];
		int guilty = 0;

		for (uint32_t b = 0; b < nb && !guilty; b++)
			guilty = sp->from[b] == q->id;
		if (!guilty)
			continue;
		q->strikes += sole ? 2 : 1;
		if (q->strikes >= SESSION_BAN_STRIKES)
			ban_peer(s, q, PEER_END_BAD_DATA, now);
	}
}

/* All blocks of piece are in: check it, store it, tell everyone. */
static void
finish_piece(struct session *s, uint32_t piece, int64_t now)
{
	size_t len = metainfo_piece_size(s->meta, piece);

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
	if (!storage_hash_ok(s->store, piece, s->pieces[piece].data, len)) {
		piece_failed(s, piece, now);
	} else if (storage_write(s->store, (uint64_t)piece *
	    s->meta->piece_length, s->pieces[piece].data, len) < 0) {
		snprintf(s->fatal_why, sizeof(s->fatal_why),
		    "writing piece %u: %s", piece, strerror(errno));
		s->fatal = 1;
		picker_piece_failed(&s->picker, piece);
	} else {
		piece_verified(s, piece, now);
	}
	drop_piece_buffer(s, piece);
}

/* A block arrived: account for it, keep it if we still need it. */
static void
on_piece(struct session *s, struct peer *p, const struct wire_msg *m,
    int64_t now)
{
	struct session_piece *sp = &s->pieces[m->index];
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
	if (sp->data != NULL && m->begin % BLK == 0 && m->begin < size &&
	    m->data_len == (size - m->begin < BLK ? size - m->begin : BLK))
		r = picker_block_received(&s->picker, m->index, m->begin);
	if (r == PICKER_USELESS) {
		s->wasted += m->data_len;
		return;
	}
	memcpy(sp->data + m->begin, m->data, m->data_len);
	sp->from[m->begin / BLK] = p->id;
	if (r == PICKER_PIECE_DONE)
		finish_piece(s, m->index, now);
	else if (picker_requests_out(&s->picker, m->index, m->begin) > 0)
		cancel_block(s, m->index, m->begin);
}

/* ---- messages from a peer ---- */

/*
 * Two connections to the same peer happen when both dial at once.  Each side
 * must drop the same one, or both die: keep the connection dialled by the
 * peer with the smaller peer_id.  Returns 1 if p was the one dropped.
 */
static int
keep_one_connection(struct session *s, struct peer *p, const uint8_t id[20])
{
	const uint8_t *p_dialer = p->outgoing ? s->peer_id : id;

	for (size_t i = 0; i < s->npeers; i++) {
		struct peer *q = s->peers[i];
		const uint8_t *q_dialer = q->outgoing ? s->peer_id : id;

		if (q == p || q->state != PEER_ACTIVE ||
		    memcmp(q->peer_id, id, 20) != 0)
			continue;
		if (q->outgoing == p->outgoing ||
		    memcmp(p_dialer, q_dialer, 20) > 0) {
			/* Now we know where the survivor listens: no need
			 * to dial it again. */
			if (p->outgoing && !q->outgoing) {
				q->alt_addr = p->addr;
				q->alt_len = p->addr_len;
			}
			peer_kill(p, PEER_END_DUPLICATE, NULL);
			return 1;
		}
		peer_kill(q, PEER_END_DUPLICATE, NULL);
	}
	return 0;
}

static void
on_handshake(struct session *s, struct peer *p, const struct wire_msg *m,
    int64_t now)
{
	if (memcmp(m->info_hash, s->meta->info_hash, 20) != 0) {
		peer_kill(p, PEER_END_WRONG_TORRENT, NULL);
		return;
	}
	if (memcmp(m->peer_id, s->peer_id, 20) == 0) {
		if (p->outgoing)
			session_add_self(s, (const struct sockaddr *)&p->addr);
		peer_kill(p, PEER_END_SELF, NULL);
		return;
	}
	if (banned_id(s, m->peer_id)) {
		peer_kill(p, PEER_END_BANNED, NULL);
		return;
	}
	if (keep_one_connection(s, p, m->peer_id))
		return;
	memcpy(p->peer_id, m->peer_id, 20);
	for (int i = 0; i < 20; i++)
		p->client[i] = m->peer_id[i] >= 0x20 && m->peer_id[i] < 0x7f ?
		    (char)m->peer_id[i] : '.';
	if (!p->sent_handshake)
		send_handshake(s, p);
	p->state = PEER_ACTIVE;
	log_peer(s, now, "handshake", p);
	jlog_str(s->log, "peer_id", p->client);
	jlog_str(s->log, "dir", p->outgoing ? "out" : "in");
	jlog_end(s->log);
	/* Only now, with its handshake in, do we send the bitfield. */
	if (s->picker.have.count > 0) {
		struct wire_msg bf = { .type = WIRE_BITFIELD,
		    .data = s->picker.have.bits,
		    .data_len = bitfield_bytes(s->picker.npieces) };

		if (peer_send(p, &bf) < 0)
			peer_kill(p, PEER_END_NO_MEMORY, NULL);
	}
}

static void
on_bitfield(struct session *s, struct peer *p, const struct wire_msg *m,
    int64_t now)
{
	/* It may follow haves (see wire.h): it replaces what they said. */
	picker_remove_peer(&s->picker, &p->has);
	if (bitfield_load(&p->has, m->data, m->data_len) < 0) {
		peer_kill(p, PEER_END_BAD_BITFIELD, NULL);
		return;
	}
	picker_add_peer(&s->picker, &p->has);
	log_peer(s, now, "bitfield", p);
	jlog_int(s->log, "pieces", p->has.count);
	jlog_end(s->log);
	if (session_complete(s) && bitfield_full(&p->has)) {
		peer_kill(p, PEER_END_BOTH_SEEDS, NULL);
		return;
	}
	update_interest(s, p, now);
}

static void
on_have(struct session *s, struct peer *p, uint32_t piece, int64_t now)
{
	if (bitfield_get(&p->has, piece))
		return;		/* redundant: tolerated */
	bitfield_set(&p->has, piece);
	picker_add_have(&s->picker, piece);
	log_peer(s, now, "have", p);
	jlog_int(s->log, "piece", piece);
	jlog_end(s->log);
	if (session_complete(s) && bitfield_full(&p->has)) {
		peer_kill(p, PEER_END_BOTH_SEEDS, NULL);
		return;
	}
	if (!p->am_interested && !bitfield_get(&s->picker.have, piece))
		update_interest(s, p, now);
}

static size_t
count_unchoked(const struct session *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->npeers; i++)
		n += s->peers[i]->state == PEER_ACTIVE && !s->peers[i]->am_choking;
	return n;
}

static void
on_interest(struct session *s, struct peer *p, int interested, int64_t now)
{
	if (p->peer_interested == interested)
		return;
	p->peer_interested = interested;
	log_peer(s, now, interested ? "interested" : "not_interested", p);
	jlog_str(s->log, "dir", "received");
	jlog_end(s->log);
	/* A regular slot nobody uses need not wait for the next rechoke. */
	if (interested && p->am_choking &&
	    count_unchoked(s) < s->cfg.choke.slots)
		set_choke(s, p, 0, 0, "free slot", now);
}

static void
on_choked(struct session *s, struct peer *p, int choked, int64_t now)
{
	if (p->peer_choking == choked)
		return;
	p->peer_choking = choked;
	log_peer_event(s, now, choked ? "choked_by" : "unchoked_by", p);
	if (choked)
		drop_requests(s, p, 0);
}

static void
abuse(struct peer *p, const char *what)
{
	if (++p->abuses > SESSION_MAX_ABUSES)
		peer_kill(p, PEER_END_ABUSE, what);
}

static void
on_request(struct session *s, struct peer *p, const struct wire_msg *m)
{
	uint32_t size = picker_piece_size(&s->picker, m->index);

	if (m->oversized) {
		abuse(p, "too many oversized requests");
		return;
	}
	if (p->am_choking)
		return;		/* it asked before our choke reached it */
	if (!bitfield_get(&s->picker.have, m->index) || m->begin >= size ||
	    m->length > size - m->begin) {
		abuse(p, "too many requests for data we do not have");
		return;
	}
	peer_list_push(&p->queue, m->index, m->begin, m->length, 0);
}

static void
handle(struct session *s, struct peer *p, const struct wire_msg *m,
    int64_t now)
{
	if (m->type == WIRE_HANDSHAKE) {
		on_handshake(s, p, m, now);
		return;
	}
	/* The decoder refuses an index past the last piece (and the connection
	 * ends); this code indexes arrays with it, so it checks again rather than
	 * trust a decoder a student may have written (lab 5) without that check.
	 * It only ignores the message: the missing check must still show. */
	if ((m->type == WIRE_HAVE || m->type == WIRE_REQUEST || m->type == WIRE_PIECE ||
	    m->type == WIRE_CANCEL) && m->index >= s->picker.npieces)
		return;
	switch (m->type) {
	case WIRE_CHOKE:
	case WIRE_UNCHOKE:
		on_choked(s, p, m->type == WIRE_CHOKE, now);
		break;
	case WIRE_INTERESTED:
	case WIRE_NOT_INTERESTED:
		on_interest(s, p, m->type == WIRE_INTERESTED, now);
		break;
	case WIRE_HAVE:
		on_have(s, p, m->index, now);
		break;
	case WIRE_BITFIELD:
		on_bitfield(s, p, m, now);
		break;
	case WIRE_REQUEST:
		on_request(s, p, m);
		break;
	case WIRE_PIECE:
		on_piece(s, p, m, now);
		break;
	case WIRE_CANCEL:
		peer_list_remove_match(&p->queue, m->index, m->begin, m->length);
		break;
	default:
		break;		/* keep-alive, port, unknown ids */
	}
}

void
session_received(struct session *s, struct peer *p, size_t n, int64_t now)
{
	struct peer_buf *in = &p->in;
	struct wire_msg m;
	size_t used;

	peer_in_added(p, n);
	p->last_recv_ms = now;
	while (p->state != PEER_DEAD) {
		enum wire_status st = wire_parse(&p->parser, in->data + in->start,
		    in->end - in->start, &m, &used);

		in->start += used;
		if (st == WIRE_NEED_MORE)
			break;
		if (st != WIRE_OK) {
			peer_kill(p, PEER_END_BAD_MESSAGE, wire_status_name(st));
			break;
		}
		if (p->state != PEER_ACTIVE && m.type != WIRE_HANDSHAKE)
			break;
		handle(s, p, &m, now);
	}
	if (in->start == in->end)
		in->start = in->end = 0;
	fill_requests(s, p, now);
}

void
session_sent(struct session *s, struct peer *p, int64_t now)
{
	(void)s;
	p->last_send_ms = now;
}

void
session_serve(struct session *s, struct peer *p, int64_t now)
{
	/* Rate-limited: one block at a time, so rates are measured when the
	 * bytes really leave, not when they are queued. */
	size_t high = s->cfg.upload_rate > 0 ? 1 : OUT_HIGH;

	while (p->state == PEER_ACTIVE && !p->am_choking &&
	    peer_list_len(&p->queue) > 0 && peer_out_pending(p) < high) {
		struct peer_req r = *peer_list_at(&p->queue, 0);
		uint8_t *dst;

		peer_list_remove(&p->queue, 0);
		/* The header in the buffer, the block as a file span after it:
		 * its bytes go from the page cache to the socket (xfer.h). */
		if ((dst = peer_out_reserve(p, WIRE_PIECE_HDR)) == NULL) {
			peer_kill(p, PEER_END_NO_MEMORY, NULL);
			return;
		}
		wire_piece_header(dst, r.piece, r.begin, r.length);
		peer_out_commit(p, WIRE_PIECE_HDR);
		if (peer_out_file(p, (uint64_t)r.piece * s->meta->piece_length +
		    r.begin, r.length) < 0) {
			peer_kill(p, PEER_END_NO_MEMORY, NULL);
			return;
		}
		p->out_limited = peer_out_pending(p);
		rate_add(&p->up, now, r.length);
		rate_add(&s->up_rate, now, r.length);
		p->uploaded += r.length;
		s->uploaded += r.length;
	}
}

/* ---- connections ---- */

struct peer *
session_add_peer(struct session *s, int fd, const struct sockaddr *addr,
    socklen_t len, int outgoing, int64_t now)
{
	struct peer *p;

	if (s->npeers == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 16;
		struct peer **np = realloc(s->peers, ncap * sizeof(*np));
		struct choker_peer *nc;

		if (np == NULL)
			return NULL;
		s->peers = np;
		if ((nc = realloc(s->cpeers, ncap * sizeof(*nc))) == NULL)
			return NULL;
		s->cpeers = nc;
		s->cap = ncap;
	}
	p = peer_new(fd, addr, len, outgoing, s->picker.npieces, now,
	    s->rate_window_ms);
	if (p == NULL)
		return NULL;
	s->peers[s->npeers++] = p;
	log_peer(s, now, "connect", p);
	jlog_str(s->log, "dir", outgoing ? "out" : "in");
	jlog_end(s->log);
	return p;
}

void
session_connected(struct session *s, struct peer *p, int64_t now)
{
	p->state = PEER_HANDSHAKE;
	p->connected_ms = p->last_recv_ms = now;
	send_handshake(s, p);
}

void
session_remove_peer(struct session *s, struct peer *p, int64_t now)
{
	drop_requests(s, p, 0);
	picker_remove_peer(&s->picker, &p->has);
	log_peer(s, now, "disconnect", p);
	jlog_str(s->log, "reason", p->why[0] ? p->why : "closed");
	jlog_int(s->log, "downloaded", (int64_t)p->downloaded);
	jlog_int(s->log, "uploaded", (int64_t)p->uploaded);
	jlog_end(s->log);
	for (size_t i = 0; i < s->npeers; i++) {
		if (s->peers[i] == p) {
			s->peers[i] = s->peers[--s->npeers];
			break;
		}
	}
	peer_free(p);
}

/* ---- timers ---- */

/* Runs the choker over the active peers and applies its decisions. */
static void
rechoke(struct session *s, int64_t now)
{
	struct choker_peer *cp = s->cpeers;
	struct peer **act = s->peers;	/* active peers come first below */
	size_t n = 0;

	for (size_t i = 0; i < s->npeers; i++) {
		struct peer *p = s->peers[i];

		if (p->state != PEER_ACTIVE)
			continue;
		act[i] = act[n];
		act[n] = p;
		cp[n] = (struct choker_peer){ .id = p->id,
		    .interested = p->peer_interested,
		    .rate_from = rate_get(&p->down, now),
		    .rate_to = rate_get(&p->up, now),
		    .connected_ms = p->connected_ms,
		    .last_block_ms = p->last_block_ms };
		n++;
	}
	choker_run(&s->choker, cp, n, now, session_complete(s));
	jlog_begin(s->log, since_start(s, now), "rechoke");
	jlog_int(s->log, "seeding", session_complete(s));
	jlog_array_begin(s->log, "peers");
	for (size_t i = 0; i < n; i++) {
		jlog_object_begin(s->log);
		jlog_str(s->log, "peer", act[i]->name);
		jlog_int(s->log, "interested", cp[i].interested);
		jlog_int(s->log, "rate_from", (int64_t)cp[i].rate_from);
		jlog_int(s->log, "rate_to", (int64_t)cp[i].rate_to);
		jlog_int(s->log, "snubbed", choker_snubbed(&s->choker, &cp[i], now));
		jlog_int(s->log, "unchoke", cp[i].unchoke);
		jlog_int(s->log, "optimistic", cp[i].optimistic);
		jlog_object_end(s->log);
	}
	jlog_array_end(s->log);
	jlog_end(s->log);
	for (size_t i = 0; i < n; i++)
		set_choke(s, act[i], !cp[i].unchoke, cp[i].optimistic,
		    cp[i].optimistic ? "optimistic" : "rate", now);
}

/* Per-peer deadlines: handshake, silence, keep-alive, snubbing. */
static void
check_peer(struct session *s, struct peer *p, int64_t now)
{
	if (p->state == PEER_CONNECTING || p->state == PEER_HANDSHAKE) {
		if (now - p->connected_ms > SESSION_HANDSHAKE_MS)
			peer_kill(p, PEER_END_HANDSHAKE_TIMEOUT, NULL);
		return;
	}
	if (p->state != PEER_ACTIVE)
		return;
	if (now - p->last_recv_ms > s->cfg.peer_timeout_ms) {
		peer_kill(p, PEER_END_SILENT, NULL);
		return;
	}
	if (now - p->last_send_ms >= SESSION_KEEPALIVE_MS &&
	    peer_out_pending(p) == 0) {
		send_simple(p, WIRE_KEEPALIVE);
		p->last_send_ms = now;
	}
	if (peer_list_len(&p->reqs) > 0 && !p->snubbed &&
	    now - peer_list_at(&p->reqs, 0)->sent_ms > s->cfg.choke.snub_ms &&
	    now - p->last_block_ms > s->cfg.choke.snub_ms) {
		p->snubbed = 1;
		log_peer_event(s, now, "snubbed", p);
		drop_requests(s, p, 1);
	}
	fill_requests(s, p, now);
}

int64_t
session_tick(struct session *s, int64_t now)
{
	/* The loop calls this after every event; per-peer deadlines only
	 * need a resolution of a fraction of a second. */
	if (now >= s->next_check_ms) {
		for (size_t i = 0; i < s->npeers; i++)
			check_peer(s, s->peers[i], now);
		s->next_check_ms = now + SESSION_CHECK_MS;
	}
	if (choker_due(&s->choker, now))
		rechoke(s, now);
	return s->choker.next_rechoke < s->next_check_ms ?
	    s->choker.next_rechoke : s->next_check_ms;
}
