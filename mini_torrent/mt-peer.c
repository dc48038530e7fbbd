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
 * This file is the options and the event loop: one poll() over the listening
 * socket, the tracker connection and every neighbour.  It only moves bytes:
 * recv() into a neighbour's input buffer, send() and sendfile() from its
 * output (the buffer and the file spans of blocks, xfer.c), under the upload and download token buckets (ratelimit.c, which also says
 * how neighbours share them).  What the bytes mean is decided in session.c
 * (the protocol), picker.c, choker.c and storage.c; when to talk to the
 * tracker in announcer.c; whom to dial in candidates.c.
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "announcer.h"
#include "args.h"
#include "candidates.h"
#include "clock.h"
#include "jlog.h"
#include "metainfo.h"
#include "net.h"
#include "rng.h"
#include "session.h"
#include "storage.h"
#include "xfer.h"

#define PEER_ID_PREFIX "-MT0100-"
#define MAX_CONNECTING 16	/* connect() attempts in flight */
#define PROGRESS_TTY_MS 500
#define PROGRESS_PLAIN_MS 5000
#define RATE_CHUNK 4096	/* under a rate limit, move at least this much */

struct options {
	const char *torrent, *dir, *bind, *log;
	long port;
	int seed, leave_when_done, quiet;
	long long seed_for_ms;		/* -1: stay forever */
	unsigned numwant;
	int64_t tracker_timeout_ms;	/* 0: the announcer's default */
	struct session_config cfg;
	char **peers;			/* --peer ADDR:PORT */
	size_t npeers;
};

struct loop {
	struct options *o;
	struct session s;
	struct metainfo meta;
	struct storage store;
	struct jlog log;
	int lfd;
	struct sockaddr_storage src;	/* -b address for outgoing, port 0 */
	socklen_t src_len;		/* 0: let the kernel choose */
	uint16_t port;
	struct candidates cands;
	struct announcer ann;
	uint64_t rng;
	int64_t next_progress_ms;
	int tty;
	int progress_drawn;
	size_t nreaders;		/* peers polled for input */
	size_t turn;			/* who goes first this round */
	struct ratelimit_turn upload_turn;	/* who finishes a block first */
	int64_t next_dial_ms;		/* next look for neighbours to dial */
	int64_t leave_at_ms;		/* -1: no planned exit */
};

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* ---- options ---- */

static void
usage(FILE *f)
{
	fprintf(f, "usage: mt-peer [options] TORRENT\n"
	    "  -o DIR                  where the data is (default .)\n"
	    "  --seed                  DIR already holds the complete data\n"
	    "  -b ADDR                 address to listen on and dial from (default 0.0.0.0)\n"
	    "  -p PORT                 port to listen on, 0 for any (default 6881)\n"
	    "  --peer ADDR:PORT        also dial this peer (repeatable; works without a tracker)\n"
	    "  --max-peers N           connections, both directions (default 50)\n"
	    "  --numwant N             peers to ask the tracker for (default 50)\n"
	    "  --upload-rate R         bytes/s cap on uploads, K/M suffixes (default none)\n"
	    "  --download-rate R       bytes/s cap on downloads, K/M suffixes (default none)\n"
	    "  --unchoke-slots N       regular unchoke slots (default 4)\n"
	    "  --rechoke-interval T    time between rechokes (default 10s)\n"
	    "  --optimistic-interval T time between optimistic unchoke rotations (default 30s)\n"
	    "  --snub-time T           no block for this long = snubbing (default 60s)\n"
	    "  --random-first N        pick pieces at random until N are in, then\n"
	    "                          rarest first (default 4; 0: rarest from the start)\n"
	    "  --peer-timeout T        drop a neighbour silent this long (default 180s)\n"
	    "  --tracker-timeout T     give up on an announce after this long (default 15s)\n"
	    "  --leave-when-done       exit once the download completes\n"
	    "  --seed-for SECONDS      once complete, seed this long, then exit\n"
	    "  --log FILE              write events as JSON Lines to FILE\n"
	    "  --seed-rng N            seed of the random choices (default: from the clock)\n"
	    "  -q                      no progress output\n"
	    "Times T are milliseconds, or a number with an s or ms suffix (10s, 500ms).\n"
	    "K = 1024, M = 1048576.\n");
}

static _Noreturn void
bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "mt-peer: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see mt-peer --help)\n");
	exit(2);
}

/* Exits 2 unless st is ARGS_OK, naming the option. */
static void
check_arg(enum args_status st, const char *what)
{
	if (st == ARGS_BAD)
		bad_usage("bad %s", what);
	if (st == ARGS_TOO_LARGE)
		bad_usage("%s is too large", what);
}

/* A whole number, at most max. */
static uint64_t
number(const char *s, const char *what, uint64_t max)
{
	uint64_t v = 0;

	check_arg(args_number(s, NULL, max, &v), what);
	return v;
}

/* Bytes per second, K and M suffixes. */
static uint64_t
rate_arg(const char *s, const char *what)
{
	uint64_t v = 0;

	check_arg(args_size(s, 1ULL << 40, &v), what);
	return v;
}

/* Milliseconds, ms and s suffixes; more than 0. */
static int64_t
time_arg(const char *s, const char *what)
{
	uint64_t v = 0;

	check_arg(args_time_ms(s, &v), what);
	if (v == 0)
		bad_usage("%s must be more than 0", what);
	return (int64_t)v;
}

enum {
	OPT_SEED = 256, OPT_PEER, OPT_MAX_PEERS, OPT_NUMWANT, OPT_UP, OPT_DOWN,
	OPT_SLOTS, OPT_RECHOKE, OPT_OPTIMISTIC, OPT_SNUB, OPT_TIMEOUT, OPT_TRACKER_TIMEOUT,
	OPT_LEAVE, OPT_SEED_FOR, OPT_LOG, OPT_RNG, OPT_RANDOM_FIRST, OPT_HELP
};

static const struct option long_opts[] = {
	{ "seed", no_argument, NULL, OPT_SEED },
	{ "peer", required_argument, NULL, OPT_PEER },
	{ "max-peers", required_argument, NULL, OPT_MAX_PEERS },
	{ "numwant", required_argument, NULL, OPT_NUMWANT },
	{ "upload-rate", required_argument, NULL, OPT_UP },
	{ "download-rate", required_argument, NULL, OPT_DOWN },
	{ "unchoke-slots", required_argument, NULL, OPT_SLOTS },
	{ "rechoke-interval", required_argument, NULL, OPT_RECHOKE },
	{ "optimistic-interval", required_argument, NULL, OPT_OPTIMISTIC },
	{ "snub-time", required_argument, NULL, OPT_SNUB },
	{ "peer-timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "tracker-timeout", required_argument, NULL, OPT_TRACKER_TIMEOUT },
	{ "leave-when-done", no_argument, NULL, OPT_LEAVE },
	{ "seed-for", required_argument, NULL, OPT_SEED_FOR },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "seed-rng", required_argument, NULL, OPT_RNG },
	{ "random-first", required_argument, NULL, OPT_RANDOM_FIRST },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static void
set_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->dir = ".";
	o->bind = "0.0.0.0";
	o->port = 6881;
	o->seed_for_ms = -1;
	o->numwant = 50;
	o->cfg.max_peers = 50;
	choker_config_default(&o->cfg.choke);
	o->cfg.peer_timeout_ms = 180000;
	o->cfg.random_first = PICKER_RANDOM_FIRST;
	o->cfg.rng_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
}

/* One option; returns 0, or exits 2. */
static void
set_option(struct options *o, int c, const char *arg)
{
	switch (c) {
	case 'o': o->dir = arg; break;
	case 'b': o->bind = arg; break;
	case 'p': o->port = (long)number(arg, "port", 65535); break;
	case 'q': o->quiet = 1; break;
	case OPT_SEED: o->seed = 1; break;
	case OPT_PEER:
		o->peers = realloc(o->peers, (o->npeers + 1) * sizeof(*o->peers));
		if (o->peers == NULL)
			err(1, "out of memory");
		o->peers[o->npeers++] = (char *)arg;
		break;
	case OPT_MAX_PEERS:
		o->cfg.max_peers = (unsigned)number(arg, "--max-peers", 10000);
		break;
	case OPT_NUMWANT: o->numwant = (unsigned)number(arg, "--numwant", 1000); break;
	case OPT_UP: o->cfg.upload_rate = rate_arg(arg, "--upload-rate"); break;
	case OPT_DOWN: o->cfg.download_rate = rate_arg(arg, "--download-rate"); break;
	case OPT_SLOTS:
		o->cfg.choke.slots = (unsigned)number(arg, "--unchoke-slots", 1000);
		break;
	case OPT_RECHOKE: o->cfg.choke.rechoke_ms = time_arg(arg, "--rechoke-interval"); break;
	case OPT_OPTIMISTIC:
		o->cfg.choke.optimistic_ms = time_arg(arg, "--optimistic-interval");
		break;
	case OPT_SNUB: o->cfg.choke.snub_ms = time_arg(arg, "--snub-time"); break;
	case OPT_TIMEOUT: o->cfg.peer_timeout_ms = time_arg(arg, "--peer-timeout"); break;
	case OPT_TRACKER_TIMEOUT:
		o->tracker_timeout_ms = time_arg(arg, "--tracker-timeout");
		break;
	case OPT_LEAVE: o->leave_when_done = 1; break;
	case OPT_SEED_FOR:
		o->seed_for_ms = 1000 * (long long)number(arg, "--seed-for", 1ULL << 31);
		break;
	case OPT_LOG: o->log = arg; break;
	case OPT_RNG: o->cfg.rng_seed = number(arg, "--seed-rng", UINT64_MAX); break;
	case OPT_RANDOM_FIRST:
		o->cfg.random_first = (unsigned)number(arg, "--random-first", 1000000);
		break;
	case OPT_HELP: usage(stdout); exit(0);
	default: usage(stderr); exit(2);
	}
}

static void
parse_options(struct options *o, int argc, char **argv)
{
	int c;

	set_defaults(o);
	while ((c = getopt_long(argc, argv, "o:b:p:q", long_opts, NULL)) != -1)
		set_option(o, c, optarg);
	if (optind != argc - 1) {
		fprintf(stderr, "mt-peer: expected one TORRENT (see mt-peer --help)\n");
		exit(2);
	}
	o->torrent = argv[optind];
}

/* ---- setup ---- */

/* "-MT0100-" and 12 random characters.  The random part mixes the clock and
 * the pid in even with --seed-rng, so two peers never share an id. */
static void
make_peer_id(uint8_t id[20], uint64_t seed)
{
	static const char alnum[] = "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	struct timespec ts;
	uint64_t r;

	clock_gettime(CLOCK_REALTIME, &ts);
	r = seed ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 20) ^
	    ((uint64_t)ts.tv_sec << 40);
	memcpy(id, PEER_ID_PREFIX, 8);
	for (int i = 8; i < 20; i++)
		id[i] = (uint8_t)alnum[rng_below(&r, sizeof(alnum) - 1)];
}

/* Binds and listens on -b/-p; prints "listening on ADDR:PORT". */
static void
open_listener(struct loop *L)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char port[8], name[80];
	int one = 1, rc;

	snprintf(port, sizeof(port), "%ld", L->o->port);
	if ((rc = getaddrinfo(L->o->bind, port, &hints, &ai)) != 0)
		errx(2, "bad address %s: %s", L->o->bind, gai_strerror(rc));
	if ((L->lfd = socket(ai->ai_family, SOCK_STREAM, 0)) < 0)
		err(1, "socket");
	if (setsockopt(L->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		err(1, "setsockopt");
	if (bind(L->lfd, ai->ai_addr, ai->ai_addrlen) < 0)
		err(1, "bind %s:%s", L->o->bind, port);
	if (listen(L->lfd, 128) < 0 || net_set_nonblocking(L->lfd) < 0)
		err(1, "listen");
	/* Dial from the -b address too, unless it is the wildcard. */
	if (strcmp(L->o->bind, "0.0.0.0") != 0 && strcmp(L->o->bind, "::") != 0) {
		memcpy(&L->src, ai->ai_addr, ai->ai_addrlen);
		L->src_len = ai->ai_addrlen;
		if (L->src.ss_family == AF_INET)
			((struct sockaddr_in *)&L->src)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&L->src)->sin6_port = 0;
	}
	freeaddrinfo(ai);
	if (getsockname(L->lfd, (struct sockaddr *)&ss, &len) < 0)
		err(1, "getsockname");
	peer_format_addr((struct sockaddr *)&ss, name, sizeof(name));
	L->port = ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	printf("listening on %s\n", name);
	fflush(stdout);
}

/* Our own listening address, as others would dial it: never dial it. */
static void
remember_self(struct loop *L)
{
	struct sockaddr_in me = { .sin_family = AF_INET,
	    .sin_port = htons(L->port) };

	if (L->src_len > 0) {
		struct sockaddr_storage ss = L->src;

		if (ss.ss_family == AF_INET)
			((struct sockaddr_in *)&ss)->sin_port = htons(L->port);
		else
			((struct sockaddr_in6 *)&ss)->sin6_port = htons(L->port);
		session_add_self(&L->s, (struct sockaddr *)&ss);
	}
	me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	session_add_self(&L->s, (struct sockaddr *)&me);
}

static void
verify_progress(void *ctx, uint32_t done, uint32_t total)
{
	struct loop *L = ctx;

	if (L->tty && !L->o->quiet && (done % 64 == 0 || done == total))
		fprintf(stderr, "\rmt-peer: checking existing data %u/%u", done,
		    total);
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
	if (L->tty && !L->o->quiet && L->store.had_data)
		fputc('\n', stderr);
	if (L->o->seed && (uint32_t)good != L->meta.piece_count)
		errx(1, "%s does not hold the complete data: %ld of %u pieces "
		    "verified", L->o->dir, good, L->meta.piece_count);
	if (good > 0 && !L->o->seed && !L->o->quiet)
		fprintf(stderr, "mt-peer: resuming: %ld of %u pieces already "
		    "here\n", good, L->meta.piece_count);
}

/* ---- neighbours to dial ---- */

/* --peer ADDR:PORT (the port after the last colon; [v6]:port works too). */
static void
add_peer_option(struct loop *L, const char *spec)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai;
	char host[256];
	const char *colon = strrchr(spec, ':');
	size_t n;

	if (colon == NULL || (n = (size_t)(colon - spec)) == 0 ||
	    n >= sizeof(host))
		bad_usage("bad --peer %s (want ADDR:PORT)", spec);
	if (spec[0] == '[' && spec[n - 1] == ']')
		memcpy(host, spec + 1, n -= 2);
	else
		memcpy(host, spec, n);
	host[n] = '\0';
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
		bad_usage("cannot resolve --peer %s", spec);
	candidates_add(&L->cands, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
}

static size_t
count_connecting(const struct session *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->npeers; i++)
		n += s->peers[i]->state == PEER_CONNECTING;
	return n;
}

/* Starts a non-blocking connect() to c.  Returns 0 or -1. */
static int
dial(struct loop *L, struct candidate *c, int64_t now)
{
	int fd = socket(c->addr.ss_family, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (net_set_nonblocking(fd) < 0 ||
	    (L->src_len > 0 && L->src.ss_family == c->addr.ss_family &&
	    bind(fd, (struct sockaddr *)&L->src, L->src_len) < 0) ||
	    (connect(fd, (struct sockaddr *)&c->addr, c->len) < 0 &&
	    errno != EINPROGRESS) ||
	    session_add_peer(&L->s, fd, (struct sockaddr *)&c->addr, c->len, 1,
	    now) == NULL) {
		close(fd);
		return -1;
	}
	return 0;
}

/* The candidates not worth dialling: neighbours already, ourselves, banned. */
static int
known_addr(void *ctx, const struct sockaddr *addr)
{
	return session_knows_addr(ctx, addr);
}

/* Dials random candidates while we have room for more neighbours. */
static void
connect_more(struct loop *L, int64_t now)
{
	struct session *s = &L->s;
	size_t connecting = count_connecting(s);

	if ((session_complete(s) && L->o->leave_when_done) ||
	    now < L->next_dial_ms)
		return;
	/* The scan below is not free: twice a second, unless it stopped only
	 * because MAX_CONNECTING dials were in flight (a swarm joining). */
	L->next_dial_ms = now + (connecting < MAX_CONNECTING ? 500 : 20);
	while (s->npeers < s->cfg.max_peers && connecting < MAX_CONNECTING) {
		struct candidate *c = candidates_pick(&L->cands, now, &L->rng,
		    known_addr, s);

		if (c == NULL)
			return;
		if (dial(L, c, now) == 0 && ++connecting == MAX_CONNECTING)
			L->next_dial_ms = now + 20;
	}
}

static void
accept_peers(struct loop *L, int64_t now)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd = accept(L->lfd, (struct sockaddr *)&ss, &len);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				warn("accept");
			return;
		}
		if (L->s.npeers >= L->s.cfg.max_peers ||
		    session_banned(&L->s, (struct sockaddr *)&ss) ||
		    net_set_nonblocking(fd) < 0 ||
		    session_add_peer(&L->s, fd, (struct sockaddr *)&ss, len, 0,
		    now) == NULL) {
			close(fd);
			continue;
		}
	}
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
		L->next_dial_ms = 0;
}

/* ---- moving bytes ---- */

/* recv() into p's input buffer, within the download budget. */
static void
peer_read(struct loop *L, struct peer *p, int64_t now)
{
	size_t room;
	uint8_t *dst = peer_in_space(p, &room);
	uint64_t budget = ratelimit_fair_share(&L->s.down_limit, now,
	    L->nreaders);
	ssize_t n;

	if (room > budget)
		room = (size_t)budget;
	if (room == 0)
		return;
	n = recv(p->fd, dst, room, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		peer_kill(p, n == 0 ? PEER_END_CLOSED : PEER_END_SOCKET,
		    n == 0 ? NULL : strerror(errno));
		return;
	}
	ratelimit_take(&L->s.down_limit, now, (uint64_t)n);
	session_received(&L->s, p, (size_t)n, now);
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

/* "1.5 MB/s" style: bytes per second in human units. */
static void
human_rate(char *buf, size_t cap, uint64_t bps)
{
	if (bps >= 1048576)
		snprintf(buf, cap, "%.1f MiB/s", (double)bps / 1048576);
	else
		snprintf(buf, cap, "%.1f KiB/s", (double)bps / 1024);
}

static void
show_progress(struct loop *L, int64_t now, int final)
{
	struct session *s = &L->s;
	uint32_t have = s->picker.have.count, total = s->picker.npieces;
	double pct = 100.0 * have / total;
	char down[32], up[32], bar[31];
	size_t seeds = 0;

	if (L->o->quiet || (!final && now < L->next_progress_ms))
		return;
	L->next_progress_ms = now + (L->tty ? PROGRESS_TTY_MS : PROGRESS_PLAIN_MS);
	for (size_t i = 0; i < s->npeers; i++)
		seeds += bitfield_full(&s->peers[i]->has);
	human_rate(down, sizeof(down), rate_get(&s->down_rate, now));
	human_rate(up, sizeof(up), rate_get(&s->up_rate, now));
	if (!L->tty) {
		fprintf(stderr, "mt-peer: %5.1f%% %u/%u pieces, down %s, up %s, "
		    "%zu peers (%zu seeds)\n", pct, have, total, down, up,
		    s->npeers, seeds);
		return;
	}
	for (int i = 0; i < 30; i++)
		bar[i] = i < (int)(pct * 30 / 100) ? '#' : '.';
	bar[30] = '\0';
	fprintf(stderr, "\r[%s] %5.1f%% %u/%u | down %s | up %s | %zu peers  ",
	    bar, pct, have, total, down, up, s->npeers);
	L->progress_drawn = 1;
}

static void
end_progress_line(struct loop *L)
{
	if (L->progress_drawn)
		fputc('\n', stderr);
	L->progress_drawn = 0;
}

/* ---- the loop ---- */

/* What each pollfd stands for. */
enum slot_kind { SLOT_LISTEN, SLOT_TRACKER, SLOT_PEER };

struct pollset {
	struct pollfd *fds;
	struct peer **peer;	/* for SLOT_PEER entries */
	enum slot_kind *kind;
	size_t n, cap;
};

static void
pollset_add(struct pollset *ps, int fd, short events, enum slot_kind k,
    struct peer *p)
{
	if (ps->n == ps->cap) {
		size_t ncap = ps->cap ? ps->cap * 2 : 64;

		ps->fds = realloc(ps->fds, ncap * sizeof(*ps->fds));
		ps->peer = realloc(ps->peer, ncap * sizeof(*ps->peer));
		ps->kind = realloc(ps->kind, ncap * sizeof(*ps->kind));
		if (ps->fds == NULL || ps->peer == NULL || ps->kind == NULL)
			err(1, "out of memory");
		ps->cap = ncap;
	}
	ps->fds[ps->n] = (struct pollfd){ .fd = fd, .events = events };
	ps->peer[ps->n] = p;
	ps->kind[ps->n] = k;
	ps->n++;
}

/* Fills ps and returns the poll() timeout: until the nearest deadline. */
static int
build_pollset(struct loop *L, struct pollset *ps, int64_t now,
    int64_t deadline)
{
	struct session *s = &L->s;
	/* Under a limit, wait for a chunk's worth of tokens: a trickle of a
	 * few bytes per round would be a busy loop of tiny segments. */
	int up_ok = ratelimit_available(&s->up_limit, now) > 0 &&
	    ratelimit_wait_ms(&s->up_limit, RATE_CHUNK) == 0;
	int down_ok = ratelimit_available(&s->down_limit, now) > 0 &&
	    ratelimit_wait_ms(&s->down_limit, RATE_CHUNK) == 0;

	ps->n = 0;
	L->nreaders = 0;
	pollset_add(ps, L->lfd, POLLIN, SLOT_LISTEN, NULL);
	if (L->ann.fd >= 0)
		pollset_add(ps, L->ann.fd, announcer_events(&L->ann),
		    SLOT_TRACKER, NULL);
	if (announcer_deadline(&L->ann) < deadline)
		deadline = announcer_deadline(&L->ann);
	for (size_t i = 0; i < s->npeers; i++) {
		struct peer *p = s->peers[i];
		short ev = 0;

		if (p->state == PEER_CONNECTING)
			ev = POLLOUT;
		else {
			if (down_ok)
				ev |= POLLIN;
			/* Free: messages with no block ahead of them.
			 * Limited: a block queued, or one to queue. */
			int free_out = peer_out_pending(p) > p->out_limited;
			int limited = p->out_limited > 0 ||
			    (peer_list_len(&p->queue) > 0 && !p->am_choking);
			int turn = has_upload_turn(L, p, now);
			int64_t turn_ends = ratelimit_turn_expires(&L->upload_turn);

			if ((free_out && p->out_limited == 0) ||
			    (up_ok && limited && turn))
				ev |= POLLOUT;
			else if (up_ok && limited && !turn &&
			    turn_ends < deadline)
				deadline = turn_ends;	/* its turn may come */
		}
		L->nreaders += (ev & POLLIN) != 0;
		pollset_add(ps, p->fd, ev, SLOT_PEER, p);
	}
	if (!up_ok && now + ratelimit_wait_ms(&s->up_limit, RATE_CHUNK) < deadline)
		deadline = now + ratelimit_wait_ms(&s->up_limit, RATE_CHUNK);
	if (!down_ok && now + ratelimit_wait_ms(&s->down_limit, RATE_CHUNK) < deadline)
		deadline = now + ratelimit_wait_ms(&s->down_limit, RATE_CHUNK);
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
		if (ps->kind[i] == SLOT_LISTEN)
			accept_peers(L, now);
		else if (ps->kind[i] == SLOT_TRACKER && L->ann.fd == ps->fds[i].fd)
			tracker_io(L, re, now);
		else if (ps->kind[i] == SLOT_PEER && ps->peer[i]->state != PEER_DEAD)
			peer_io(L, ps->peer[i], re, now);
	}
}

/* Reports completion once, and says whether it is time to leave. */
static int
time_to_leave(struct loop *L, int64_t now)
{
	struct session *s = &L->s;

	if (s->complete_ms >= 0 && L->leave_at_ms < 0) {
		if (s->downloaded > 0 && !L->o->quiet) {
			double secs = (double)(now - s->start_ms) / 1000;

			end_progress_line(L);
			fprintf(stderr, "mt-peer: download complete: %llu bytes "
			    "in %.1f s\n", (unsigned long long)s->downloaded, secs);
		}
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
		connect_more(L, now);
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
	free(ps.fds);
	free(ps.peer);
	free(ps.kind);
}

/* Says goodbye: to the neighbours, the tracker and the disk. */
static int
shut_down(struct loop *L)
{
	int64_t now = clock_now_ms();
	int rc = 0;

	show_progress(L, now, 1);
	end_progress_line(L);
	for (size_t i = 0; i < L->s.npeers; i++)
		peer_kill(L->s.peers[i], PEER_END_LEAVING, NULL);
	reap_peers(L, now);
	if (L->s.fatal) {
		warnx("%s", L->s.fatal_why);
		rc = 1;
	}
	announcer_goodbye(&L->ann);
	jlog_begin(&L->log, now - L->s.start_ms, "exit");
	jlog_int(&L->log, "complete", session_complete(&L->s));
	jlog_int(&L->log, "downloaded", (int64_t)L->s.downloaded);
	jlog_int(&L->log, "uploaded", (int64_t)L->s.uploaded);
	jlog_end(&L->log);
	if (jlog_close(&L->log) < 0)
		warn("%s", L->o->log);
	if (storage_close(&L->store) < 0) {
		warn("closing %s", L->o->dir);
		rc = 1;
	}
	session_free(&L->s);
	metainfo_free(&L->meta);
	close(L->lfd);
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
	a->busy = known_addr;
	a->busy_ctx = &L->s;
	a->on_failure = tracker_failed;
	a->failure_ctx = L;
	a->port = L->port;
	a->numwant = L->o->numwant;
	a->timeout_ms = L->o->tracker_timeout_ms;
	a->src = L->src;
	a->src_len = L->src_len;
	if (announcer_init(a, &L->meta) < 0 && L->meta.announce != NULL &&
	    !L->o->quiet)
		warnx("%s: only http:// trackers are supported; not announcing",
		    L->meta.announce);
}

static void
log_start(struct loop *L)
{
	char id[21];

	memcpy(id, L->s.peer_id, 20);
	id[20] = '\0';
	jlog_begin(&L->log, 0, "start");
	jlog_str(&L->log, "peer_id", id);
	jlog_str(&L->log, "info_hash", L->meta.info_hash_hex);
	jlog_int(&L->log, "port", L->port);
	jlog_int(&L->log, "pieces", L->meta.piece_count);
	jlog_int(&L->log, "piece_length", L->meta.piece_length);
	jlog_int(&L->log, "have", L->s.picker.have.count);
	jlog_int(&L->log, "upload_rate", (int64_t)L->o->cfg.upload_rate);
	jlog_int(&L->log, "download_rate", (int64_t)L->o->cfg.download_rate);
	jlog_int(&L->log, "slots", L->o->cfg.choke.slots);
	jlog_int(&L->log, "rechoke_ms", L->o->cfg.choke.rechoke_ms);
	jlog_int(&L->log, "optimistic_ms", L->o->cfg.choke.optimistic_ms);
	jlog_int(&L->log, "random_first", L->o->cfg.random_first);
	jlog_end(&L->log);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct loop L;
	struct bitfield have;
	struct sigaction sa;
	uint8_t id[20];
	char why[256];

	parse_options(&o, argc, argv);
	memset(&L, 0, sizeof(L));
	L.o = &o;
	L.lfd = -1;
	L.leave_at_ms = -1;
	L.tty = isatty(STDERR_FILENO);
	L.next_progress_ms = clock_now_ms() + (L.tty ? 0 : PROGRESS_PLAIN_MS);
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
	make_peer_id(id, o.cfg.rng_seed);
	L.rng = o.cfg.rng_seed ^ 0x5bd1e995;
	if (session_init(&L.s, &o.cfg, &L.meta, &L.store, &have, &L.log, id,
	    clock_now_ms()) < 0)
		err(1, "starting the session");
	bitfield_free(&have);
	remember_self(&L);
	setup_tracker(&L);
	log_start(&L);
	run(&L);
	free(o.peers);
	return shut_down(&L);
}
