/*
 * peeropts.c — mt-peer's options: defaults, one getopt_long loop, and a check
 * per option through args.c, so that mt-peer accepts the same spellings as
 * every other program here.  See peeropts.h.
 *
 * Nothing here prints or exits: a bad value stops the parse with one line in
 * o->error, and mt-peer turns that into "mt-peer: ... (see mt-peer --help)"
 * and exit status 2.
 */
#include <getopt.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "peeropts.h"

void
peeropts_usage(FILE *f)
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

/* Writes the complaint into o->error.  Returns -1. */
static int
bad(struct peeropts *o, const char *fmt, const char *arg)
{
	snprintf(o->error, sizeof(o->error), fmt, arg);
	return -1;
}

/* Turns args.c's answer into 0, or -1 naming the option. */
static int
check_arg(struct peeropts *o, enum args_status st, const char *what)
{
	if (st == ARGS_BAD)
		return bad(o, "bad %s", what);
	if (st == ARGS_TOO_LARGE)
		return bad(o, "%s is too large", what);
	return 0;
}

/* A whole number, at most max. */
static int
number(struct peeropts *o, const char *s, const char *what, uint64_t max,
    uint64_t *v)
{
	return check_arg(o, args_number(s, NULL, max, v), what);
}

/* Bytes per second, K and M suffixes. */
static int
rate_arg(struct peeropts *o, const char *s, const char *what, uint64_t *v)
{
	return check_arg(o, args_size(s, 1ULL << 40, v), what);
}

/* Milliseconds, ms and s suffixes; more than 0. */
static int
time_arg(struct peeropts *o, const char *s, const char *what, int64_t *ms)
{
	uint64_t v = 0;

	if (check_arg(o, args_time_ms(s, &v), what) < 0)
		return -1;
	if (v == 0)
		return bad(o, "%s must be more than 0", what);
	*ms = (int64_t)v;
	return 0;
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
set_defaults(struct peeropts *o)
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

/* --peer: kept as given; peeropts_peer_addr resolves it later. */
static int
add_peer(struct peeropts *o, char *arg)
{
	char **p = realloc(o->peers, (o->npeers + 1) * sizeof(*o->peers));

	if (p == NULL)
		return -1;
	o->peers = p;
	o->peers[o->npeers++] = arg;
	return 0;
}

/* The options with a number, a size or a time: 0, or -1 (o->error). */
static int
set_value(struct peeropts *o, int c, const char *arg)
{
	uint64_t v = 0;
	int rc = 0;

	switch (c) {
	case 'p': rc = number(o, arg, "port", 65535, &v); o->port = (long)v; break;
	case OPT_MAX_PEERS:
		rc = number(o, arg, "--max-peers", 10000, &v);
		o->cfg.max_peers = (unsigned)v;
		break;
	case OPT_NUMWANT:
		rc = number(o, arg, "--numwant", 1000, &v);
		o->numwant = (unsigned)v;
		break;
	case OPT_UP: rc = rate_arg(o, arg, "--upload-rate", &o->cfg.upload_rate); break;
	case OPT_DOWN: rc = rate_arg(o, arg, "--download-rate", &o->cfg.download_rate); break;
	case OPT_SLOTS:
		rc = number(o, arg, "--unchoke-slots", 1000, &v);
		o->cfg.choke.slots = (unsigned)v;
		break;
	case OPT_RECHOKE: rc = time_arg(o, arg, "--rechoke-interval", &o->cfg.choke.rechoke_ms); break;
	case OPT_OPTIMISTIC:
		rc = time_arg(o, arg, "--optimistic-interval", &o->cfg.choke.optimistic_ms);
		break;
	case OPT_SNUB: rc = time_arg(o, arg, "--snub-time", &o->cfg.choke.snub_ms); break;
	case OPT_TIMEOUT: rc = time_arg(o, arg, "--peer-timeout", &o->cfg.peer_timeout_ms); break;
	case OPT_TRACKER_TIMEOUT:
		rc = time_arg(o, arg, "--tracker-timeout", &o->tracker_timeout_ms);
		break;
	case OPT_SEED_FOR:
		rc = number(o, arg, "--seed-for", 1ULL << 31, &v);
		o->seed_for_ms = 1000 * (long long)v;
		break;
	case OPT_RNG: rc = number(o, arg, "--seed-rng", UINT64_MAX, &o->cfg.rng_seed); break;
	case OPT_RANDOM_FIRST:
		rc = number(o, arg, "--random-first", 1000000, &v);
		o->cfg.random_first = (unsigned)v;
		break;
	default: return -2;
	}
	return rc;
}

/* One option. */
static enum peeropts_status
set_option(struct peeropts *o, int c, char *arg)
{
	switch (c) {
	case 'o': o->dir = arg; break;
	case 'b': o->bind = arg; break;
	case 'q': o->quiet = 1; break;
	case OPT_SEED: o->seed = 1; break;
	case OPT_PEER: return add_peer(o, arg) < 0 ? PEEROPTS_NOMEM : PEEROPTS_OK;
	case OPT_LEAVE: o->leave_when_done = 1; break;
	case OPT_LOG: o->log = arg; break;
	case OPT_HELP: return PEEROPTS_HELP;
	default:
		switch (set_value(o, c, arg)) {
		case 0: break;
		case -1: return PEEROPTS_BAD;
		default: return PEEROPTS_USAGE;
		}
	}
	return PEEROPTS_OK;
}

enum peeropts_status
peeropts_parse(struct peeropts *o, int argc, char **argv)
{
	enum peeropts_status st;
	int c;

	set_defaults(o);
	while ((c = getopt_long(argc, argv, "o:b:p:q", long_opts, NULL)) != -1)
		if ((st = set_option(o, c, optarg)) != PEEROPTS_OK)
			return st;
	if (optind != argc - 1) {
		bad(o, "expected one TORRENT", NULL);
		return PEEROPTS_BAD;
	}
	o->torrent = argv[optind];
	return PEEROPTS_OK;
}

void
peeropts_free(struct peeropts *o)
{
	free(o->peers);
	o->peers = NULL;
	o->npeers = 0;
}

int
peeropts_peer_addr(struct peeropts *o, const char *spec,
    struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai;
	char host[256];
	const char *colon = strrchr(spec, ':');
	size_t n;

	if (colon == NULL || (n = (size_t)(colon - spec)) == 0 ||
	    n >= sizeof(host))
		return bad(o, "bad --peer %s (want ADDR:PORT)", spec);
	if (spec[0] == '[' && spec[n - 1] == ']')
		memcpy(host, spec + 1, n -= 2);
	else
		memcpy(host, spec, n);
	host[n] = '\0';
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
		return bad(o, "cannot resolve --peer %s", spec);
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}
