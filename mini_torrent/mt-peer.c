/*
 * mt-peer — a BitTorrent peer: downloads a torrent and uploads it to others.
 *
 *   mt-peer [options] TORRENT
 *
 * A peer is a client and a server at once.  It listens for neighbours that
 * dial it, dials the neighbours the tracker (or --peer) names, and over every
 * connection speaks the peer wire protocol: handshake, bitfield, have,
 * interested, choke, request, piece.  It asks for the rarest pieces first,
 * uploads to the four neighbours that upload to it fastest (tit-for-tat) plus
 * one optimistic unchoke, and checks every piece's SHA-1 before keeping it.
 *
 * This file is the event loop and main: one poll() over the listening
 * socket, the tracker connection and every neighbour.  It only moves bytes:
 * recvmsg() into a neighbour's input buffer and blocks into their pieces
 * (session_recv_plan), send() and sendfile() from its
 * output (the buffer and the file spans of blocks, xfer.c), under the
 * upload and download token buckets (ratelimit.c, which also says how
 * neighbours share them).  What the bytes mean is decided in session.c (the
 * protocol), picker.c, choker.c and storage.c; when to talk to the tracker
 * in announcer.c; whom to dial in candidates.c and neighbours.c.  Set-up
 * lives beside it: the options in peeropts.c, the listening socket in
 * listener.c; so does what it reports: peerstatus.c (stderr), peerlog.c
 * (--log).
 */
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "announcer.h"
#include "candidates.h"
#include "clock.h"
#include "jlog.h"
#include "listener.h"
#include "metainfo.h"
#include "neighbours.h"
#include "peerid.h"
#include "peerlog.h"
#include "peeropts.h"
#include "peerstatus.h"
#include "pollset.h"
#include "session.h"
#include "storage.h"
#include "xfer.h"

#define RATE_CHUNK 4096	/* under a rate limit, move at least this much */
#define READS_PER_ROUND 8	/* recvmsg()s per neighbour per poll round */

struct loop {
	struct peeropts *o;
	struct session s;
	struct metainfo meta;
	struct storage store;
	struct jlog log;
	struct listener lis;
	struct candidates cands;
	struct announcer ann;
	struct neighbours nb;
	struct peerstatus status;
	size_t nreaders;		/* peers polled for input */
	size_t turn;			/* who goes first this round */
	struct ratelimit_turn upload_turn;	/* who finishes a block first */
	int64_t leave_at_ms;		/* -1: no planned exit */
};

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Bad usage: one line on stderr, exit 2. */
static _Noreturn void
bad_usage(const char *why)
{
	fprintf(stderr, "mt-peer: %s (see mt-peer --help)\n", why);
	exit(2);
}

static void
parse_options(struct peeropts *o, int argc, char **argv)
{
	switch (peeropts_parse(o, argc, argv)) {
	case PEEROPTS_OK: return;
	case PEEROPTS_HELP: peeropts_usage(stdout); exit(0);
	case PEEROPTS_USAGE: peeropts_usage(stderr); exit(2);
	case PEEROPTS_BAD: bad_usage(o->error);
	case PEEROPTS_NOMEM: err(1, "out of memory");
	}
}

/* ---- setup ---- */

/* Binds and listens on -b/-p; prints "listening on ADDR:PORT". */
static void
open_listener(struct loop *L)
{
	switch (listener_open(&L->lis, L->o->bind, L->o->port)) {
	case LISTENER_OK: break;
	case LISTENER_BAD_ADDRESS: errx(2, "%s", L->lis.error);
	case LISTENER_FAILED: err(1, "%s", L->lis.error);
	}
	printf("listening on %s\n", L->lis.name);
	fflush(stdout);
}

/* Our own listening address, as others would dial it: never dial it. */
static void
remember_self(struct loop *L)
{
	struct sockaddr_storage self[2];
	size_t n = listener_self(&L->lis, self);

	for (size_t i = 0; i < n; i++)
		session_add_self(&L->s, (struct sockaddr *)&self[i]);
}

static void
verify_progress(void *ctx, uint32_t done, uint32_t total)
{
	struct loop *L = ctx;

	peerstatus_checking(&L->status, done, total);
}

/* Opens the data and finds which pieces are already there. */
static void
open_data(struct loop *L, struct bitfield *have)
{
	const char *bad = NULL;
	long good;

	if (storage_open(&L->store, &L->meta, L->o->dir, L->o->seed, &bad) < 0)
		err(1, "%s", bad != NULL ? bad : L->o->dir);
	if (bitfield_init(have, L->meta.piece_count) < 0)
		err(1, "out of memory");
	if ((good = storage_verify(&L->store, have, verify_progress, L)) < 0)
		err(1, "reading %s", L->o->dir);
	peerstatus_checked(&L->status, L->store.had_data);
	if (L->o->seed && (uint32_t)good != L->meta.piece_count)
		errx(1, "%s does not hold the complete data: %ld of %u pieces "
		    "verified", L->o->dir, good, L->meta.piece_count);
	if (good > 0 && !L->o->seed)
		peerstatus_resuming(&L->status, good, L->meta.piece_count);
}

/* ---- neighbours ---- */

/* --peer ADDR:PORT: a candidate from the start. */
static void
add_peer_option(struct loop *L, const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (peeropts_peer_addr(L->o, spec, &ss, &len) < 0)
		bad_usage(L->o->error);
	candidates_add(&L->cands, (struct sockaddr *)&ss, len);
}

/* The listener has peers waiting. */
static void
accept_peers(struct loop *L, int64_t now)
{
	if (neighbours_accept(&L->nb, now) < 0)
		warn("accept");
}

/* ---- the tracker ---- */

static void
tracker_failed(void *ctx, const char *why)
{
	struct loop *L = ctx;

	if (!L->o->quiet)
		warnx("tracker: %s", why);
}

/* An answer names new candidates: dial them now. */
static void
tracker_io(struct loop *L, short revents, int64_t now)
{
	if (announcer_io(&L->ann, revents, now) == ANNOUNCER_ANSWERED)
		L->nb.next_dial_ms = 0;
}

/* ---- moving bytes ---- */

/*
 * recvmsg() from p, within the download budget, where the session says:
 * blocks straight into their pieces, other messages into p's input buffer
 * (session_recv_plan).  A read that filled all it was offered may have left
 * more behind: read again, a few times, before the next poll round.
 */
static void
peer_read(struct loop *L, struct peer *p, int64_t now)
{
	struct peer_rx rx;

	for (int i = 0; i < READS_PER_ROUND && p->state != PEER_DEAD; i++) {
		uint64_t budget = ratelimit_fair_share(&L->s.down_limit, now,
		    L->nreaders);
		struct msghdr mh = { .msg_iov = rx.iov };
		size_t want;
		ssize_t n;

		if (budget == 0 || (want = session_recv_plan(&L->s, p,
		    budget < SIZE_MAX ? (size_t)budget : SIZE_MAX, &rx)) == 0)
			return;
		mh.msg_iovlen = (size_t)rx.niov;
		n = recvmsg(p->fd, &mh, 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			return;
		if (n <= 0) {
			peer_kill(p, n == 0 ? PEER_END_CLOSED : PEER_END_SOCKET,
			    n == 0 ? NULL : strerror(errno));
			return;
		}
		ratelimit_take(&L->s.down_limit, now, (uint64_t)n);
		session_recv_done(&L->s, p, &rx, (size_t)n, now);
		if ((size_t)n < want)
			return;		/* the socket is empty */
	}
}

/*
 * send() from p's output buffer.  The upload limit is for the file's bytes:
 * out_limited, the bytes up to the end of the last block queued, wait for
 * tokens; the short messages queued after them (requests, haves, interest)
 * go as soon as nothing limited is ahead of them — a request held back by
 * our own upload limit would slow our download.
 *
 * Under an upload limit, one neighbour at a time holds the upload turn and
 * finishes its block before the others start theirs (see ratelimit.h).
 */
static int
has_upload_turn(struct loop *L, const struct peer *p, int64_t now)
{
	return ratelimit_has_turn(&L->upload_turn, &L->s.up_limit, p->id, now);
}

static void
peer_write(struct loop *L, struct peer *p, int64_t now)
{
	size_t len, limited;
	uint64_t budget = 0;
	ssize_t n;
	int disk;

	if (has_upload_turn(L, p, now)) {
		session_serve(&L->s, p, now);
		budget = ratelimit_available(&L->s.up_limit, now);
	}
	len = peer_out_pending(p);
	limited = p->out_limited < len ? p->out_limited : len;
	if (limited > budget)
		len = (size_t)budget;	/* and nothing after it */
	if (len == 0 || p->state == PEER_DEAD)
		return;
	n = xfer_send(p, L->s.store, len, &disk);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
		ratelimit_turn_release(&L->upload_turn, p->id);
		return;
	}
	if (n < 0) {
		peer_kill(p, disk ? PEER_END_DISK : PEER_END_SOCKET,
		    strerror(errno));
		return;
	}
	limited = (size_t)n < limited ? (size_t)n : limited;
	ratelimit_take(&L->s.up_limit, now, (uint64_t)limited);
	p->out_limited -= limited;
	session_sent(&L->s, p, now);
	if (p->out_limited > 0 && (size_t)n == len)
		ratelimit_turn_keep(&L->upload_turn, p->id, now);	/* out of tokens mid-block */
	else
		ratelimit_turn_release(&L->upload_turn, p->id);
}

/* Our connect() finished, one way or the other. */
static void
peer_connected(struct loop *L, struct peer *p, int64_t now)
{
	int e = 0;
	socklen_t el = sizeof(e);

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e != 0) {
		peer_kill(p, PEER_END_SOCKET, strerror(e ? e : errno));
		return;
	}
	session_connected(&L->s, p, now);
	peer_write(L, p, now);
}

static void
peer_io(struct loop *L, struct peer *p, short revents, int64_t now)
{
	if (p->state == PEER_CONNECTING) {
		if (revents & (POLLOUT | POLLERR | POLLHUP))
			peer_connected(L, p, now);
		return;
	}
	if (revents & (POLLIN | POLLHUP | POLLERR))
		peer_read(L, p, now);
	/* Answer at once what the input asked for: one poll round less. */
	if (p->state != PEER_DEAD)
		peer_write(L, p, now);
}

/* Closes the peers the session gave up on. */
static void
reap_peers(struct loop *L, int64_t now)
{
	for (size_t i = 0; i < L->s.npeers;) {
		struct peer *p = L->s.peers[i];

		if (p->state != PEER_DEAD) {
			i++;
			continue;
		}
		if (close(p->fd) < 0)
			warn("close");
		if (p->outgoing && p->end == PEER_END_BOTH_SEEDS)
			candidates_retire(&L->cands, (struct sockaddr *)&p->addr);
		ratelimit_turn_release(&L->upload_turn, p->id);
		session_remove_peer(&L->s, p, now);	/* moves another into i */
	}
}

/* ---- progress ---- */

/* The progress line, when it is due (final: now, due or not). */
static void
show_progress(struct loop *L, int64_t now, int final)
{
	struct session *s = &L->s;
	struct peerstatus_sample x = { .have = s->picker.have.count,
	    .total = s->picker.npieces, .peers = s->npeers };

	if (!final && !peerstatus_due(&L->status, now))
		return;
	for (size_t i = 0; i < s->npeers; i++)
		x.seeds += bitfield_full(&s->peers[i]->has);
	x.down_bps = rate_get(&s->down_rate, now);
	x.up_bps = rate_get(&s->up_rate, now);
	peerstatus_show(&L->status, &x, now);
}

/* ---- the loop ---- */

static void
add_slot(struct pollset *ps, int fd, short events, enum pollset_slot kind,
    struct peer *p)
{
	if (pollset_add(ps, fd, events, kind, p) < 0)
		err(1, "out of memory");
}

/* What to poll p for; may bring *deadline forward to when p's upload turn
 * may come. */
static short
peer_events(struct loop *L, struct peer *p, int64_t now, int up_ok,
    int down_ok, int64_t *deadline)
{
	/* Free: messages with no block ahead of them.  Limited: a block
	 * queued, or one to queue. */
	int free_out = peer_out_pending(p) > p->out_limited;
	int limited = up_ok && (p->out_limited > 0 ||
	    (peer_list_len(&p->queue) > 0 && !p->am_choking));
	int turn;
	int64_t turn_ends = ratelimit_turn_expires(&L->upload_turn);
	short ev = down_ok ? POLLIN : 0;

	if (p->state == PEER_CONNECTING)
		return POLLOUT;
	turn = has_upload_turn(L, p, now);
	if ((free_out && p->out_limited == 0) || (limited && turn))
		ev |= POLLOUT;
	else if (limited && turn_ends < *deadline)
		*deadline = turn_ends;	/* its turn may come */
	return ev;
}

/* Fills ps and returns the poll() timeout: until the nearest deadline. */
static int
build_pollset(struct loop *L, struct pollset *ps, int64_t now,
    int64_t deadline)
{
	struct session *s = &L->s;
	int up_ok = ratelimit_has_chunk(&s->up_limit, now, RATE_CHUNK);
	int down_ok = ratelimit_has_chunk(&s->down_limit, now, RATE_CHUNK);

	pollset_clear(ps);
	L->nreaders = 0;
	add_slot(ps, L->lis.fd, POLLIN, POLLSET_LISTEN, NULL);
	if (L->ann.fd >= 0)
		add_slot(ps, L->ann.fd, announcer_events(&L->ann),
		    POLLSET_TRACKER, NULL);
	if (announcer_deadline(&L->ann) < deadline)
		deadline = announcer_deadline(&L->ann);
	for (size_t i = 0; i < s->npeers; i++) {
		struct peer *p = s->peers[i];
		short ev = peer_events(L, p, now, up_ok, down_ok, &deadline);

		L->nreaders += (ev & POLLIN) != 0;
		add_slot(ps, p->fd, ev, POLLSET_PEER, p);
	}
	deadline = ratelimit_chunk_deadline(&s->up_limit, now, RATE_CHUNK,
	    deadline);
	deadline = ratelimit_chunk_deadline(&s->down_limit, now, RATE_CHUNK,
	    deadline);
	return deadline <= now ? 0 : (int)(deadline - now);
}

/* Handles what poll() reported, starting with a different slot each round
 * so that no neighbour is always served first. */
static void
dispatch(struct loop *L, struct pollset *ps, int64_t now)
{
	L->turn++;
	for (size_t k = 0; k < ps->n; k++) {
		size_t i = (k + L->turn) % ps->n;
		short re = ps->fds[i].revents;

		if (re == 0)
			continue;
		if (ps->kind[i] == POLLSET_LISTEN)
			accept_peers(L, now);
		else if (ps->kind[i] == POLLSET_TRACKER && L->ann.fd == ps->fds[i].fd)
			tracker_io(L, re, now);
		else if (ps->kind[i] == POLLSET_PEER && ps->peer[i]->state != PEER_DEAD)
			peer_io(L, ps->peer[i], re, now);
	}
}

/* Reports completion once, and says whether it is time to leave. */
static int
time_to_leave(struct loop *L, int64_t now)
{
	struct session *s = &L->s;

	if (s->complete_ms >= 0 && L->leave_at_ms < 0) {
		if (s->downloaded > 0)
			peerstatus_complete(&L->status, s->downloaded,
			    (double)(now - s->start_ms) / 1000);
		if (L->o->leave_when_done)
			L->leave_at_ms = now;
		else if (L->o->seed_for_ms >= 0)
			L->leave_at_ms = now + L->o->seed_for_ms;
		else
			L->leave_at_ms = INT64_MAX;	/* stay: altruistic */
	}
	return L->leave_at_ms >= 0 && now >= L->leave_at_ms;
}

static void
run(struct loop *L)
{
	struct pollset ps = { 0 };

	while (!stop_requested) {
		int64_t now = clock_now_ms(), deadline = session_tick(&L->s, now);
		int timeout;

		if (L->s.fatal)
			break;
		announcer_due(&L->ann, now);
		neighbours_dial_more(&L->nb, now);
		reap_peers(L, now);
		if (time_to_leave(L, now))
			break;
		show_progress(L, now, 0);
		timeout = build_pollset(L, &ps, now, deadline);
		if (poll(ps.fds, ps.n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		dispatch(L, &ps, clock_now_ms());
	}
	pollset_free(&ps);
}

/* Says goodbye: to the neighbours, the tracker and the disk. */
static int
shut_down(struct loop *L)
{
	int64_t now = clock_now_ms();
	int rc = 0;

	show_progress(L, now, 1);
	peerstatus_end_line(&L->status);
	for (size_t i = 0; i < L->s.npeers; i++)
		peer_kill(L->s.peers[i], PEER_END_LEAVING, NULL);
	reap_peers(L, now);
	if (L->s.fatal) {
		warnx("%s", L->s.fatal_why);
		rc = 1;
	}
	announcer_goodbye(&L->ann);
	peerlog_exit(&L->log, &L->s, now);
	if (jlog_close(&L->log) < 0)
		warn("%s", L->o->log);
	if (storage_close(&L->store) < 0) {
		warn("closing %s", L->o->dir);
		rc = 1;
	}
	session_free(&L->s);
	metainfo_free(&L->meta);
	listener_close(&L->lis);
	candidates_free(&L->cands);
	return rc;
}

/* The tracker conversation, with the first http:// tracker of the torrent
 * (if any). */
static void
setup_tracker(struct loop *L)
{
	struct announcer *a = &L->ann;

	a->s = &L->s;
	a->cands = &L->cands;
	a->busy = neighbours_busy;
	a->busy_ctx = &L->s;
	a->on_failure = tracker_failed;
	a->failure_ctx = L;
	a->port = L->lis.port;
	a->numwant = L->o->numwant;
	a->timeout_ms = L->o->tracker_timeout_ms;
	a->src = L->lis.src;
	a->src_len = L->lis.src_len;
	if (announcer_init(a, &L->meta) < 0 && L->meta.announce != NULL &&
	    !L->o->quiet)
		warnx("%s: only http:// trackers are supported; not announcing",
		    L->meta.announce);
}

int
main(int argc, char **argv)
{
	struct peeropts o;
	struct loop L;
	struct bitfield have;
	struct sigaction sa;
	uint8_t id[20];
	char why[256];

	parse_options(&o, argc, argv);
	memset(&L, 0, sizeof(L));
	L.o = &o;
	L.lis.fd = -1;
	L.leave_at_ms = -1;
	peerstatus_init(&L.status, stderr, isatty(STDERR_FILENO), o.quiet,
	    clock_now_ms());
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (candidates_init(&L.cands) < 0)
		err(1, "out of memory");
	for (size_t i = 0; i < o.npeers; i++)
		add_peer_option(&L, o.peers[i]);
	if (metainfo_load(o.torrent, &L.meta, why, sizeof(why)) < 0)
		errx(1, "%s: %s", o.torrent, why[0] ? why : strerror(errno));
	if (o.log != NULL && jlog_open(&L.log, o.log) < 0)
		err(1, "%s", o.log);
	open_data(&L, &have);
	open_listener(&L);
	peerid_make(id, o.cfg.rng_seed);
	L.nb = (struct neighbours){ .s = &L.s, .cands = &L.cands,
	    .lis = &L.lis, .rng = o.cfg.rng_seed ^ 0x5bd1e995,
	    .stop_when_complete = o.leave_when_done };
	if (session_init(&L.s, &o.cfg, &L.meta, &L.store, &have, &L.log, id,
	    clock_now_ms()) < 0)
		err(1, "starting the session");
	bitfield_free(&have);
	remember_self(&L);
	setup_tracker(&L);
	peerlog_start(&L.log, &L.s, &L.meta, L.lis.port);
	run(&L);
	peeropts_free(&o);
	return shut_down(&L);
}
