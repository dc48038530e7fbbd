/*
 * mt-swarm — the distribution-time experiment: the course's bounds, and the
 * real thing measured on a swarm of our own peers.
 *
 *   mt-swarm bounds -F BYTES -N N --us RATE --dmin RATE [--ui RATE]
 *   mt-swarm run --mode cs|p2p -N N -F BYTES --us RATE --ui RATE [options]
 *   mt-swarm sweep --n 1,2,4,... -F BYTES --us RATE --ui RATE
 *                  [--csv FILE] [--svg FILE] [options]
 *
 * `bounds` is a calculator: it prints D_cs >= max(NF/u_s, F/d_min) and
 * D_p2p >= max(F/u_s, F/d_min, NF/(u_s + sum u_i)) term by term.  `run`
 * builds one swarm on loopback and times it: a tracker (mt-tracker), N
 * leechers (mt-peer, each on its own 127.0.0.X, upload capped at u_i and
 * download at d_min), and, once every leecher is listening, one seed capped
 * at u_s.  The clock starts when the seed is started; each leecher's time is
 * when it reports "download complete".  In client-server mode the leechers
 * ask the tracker for no peers, so they never meet each other and only the
 * seed uploads: the server of the textbook's model.  In P2P mode everyone
 * may meet everyone (a full mesh, as far as the tracker allows) and trades
 * pieces.  `sweep` does both modes for a list of N and writes a CSV and an
 * SVG figure: the textbook's figure, from real runs.
 *
 * The program is an orchestrator, shaped like a test harness: every child
 * is started with pipes on its stdout and stderr, one poll() loop reads them
 * all, and every wait has a deadline.  Children stay in our process group,
 * and whatever way we leave (done, error, ^C) they are killed and reaped.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bencode.h"
#include "distbound.h"
#include "maketorrent.h"
#include "rng.h"
#include "svgplot.h"

#define MAX_N 200		/* leechers: the tracker gives at most 200 peers */
#define MAX_RUNS 64		/* points in a sweep, per mode */
#define DATA_NAME "swarm.data"
#define LINE_MAX_LEN 512
#define TAIL_MAX 1024
#define STOP_GRACE_MS 5000

enum mode { MODE_CS, MODE_P2P, MODE_COUNT };
static const char *const mode_names[MODE_COUNT] = { "cs", "p2p" };
static const char *const mode_titles[MODE_COUNT] = {
	"client-server", "peer-to-peer"
};

/* Everything the command line says about the experiment. */
struct experiment {
	unsigned n;			/* run: leechers */
	unsigned ns[MAX_RUNS];		/* sweep: the list of N */
	size_t nns;
	int modes;			/* bit per enum mode */
	uint64_t file, piece_len, us, ui, dmin;	/* dmin 0: no limit */
	int have_ui;
	unsigned slots, seed_slots;	/* seed_slots 0: by mode */
	unsigned max_peers;		/* a leecher's neighbours; 0: all */
	int64_t rechoke_ms, optimistic_ms;
	double timeout_s;		/* 0: from the bound */
	const char *csv, *svg, *keep, *bin_dir;
	int quiet;
	int say_start;			/* a line when the timing starts */
};

/* The outcome of one measured run. */
struct result {
	enum mode mode;
	unsigned n;
	struct distbound bound;
	double slowest, fastest, mean;	/* seconds since the seed started */
	double wall;			/* the whole run, setup included */
	double *each;			/* per leecher, n of them */
};

enum role { ROLE_TRACKER, ROLE_SEED, ROLE_LEECHER };

/* A program we started, and what we have read from it. */
struct child {
	enum role role;
	unsigned index;			/* leechers: 1..N */
	pid_t pid;			/* 0: not started or reaped */
	int out_fd, err_fd;		/* -1: closed */
	int exited, status;
	char addr[16];			/* the 127.0.0.X it binds */
	char listen[64];		/* ADDR:PORT once it is listening */
	double complete;		/* seconds since t0, or -1 */
	char out_part[LINE_MAX_LEN], err_part[LINE_MAX_LEN];
	size_t out_len, err_len;
	char tail[TAIL_MAX];		/* last lines of its stderr */
};

/* One swarm being built, run and torn down. */
struct run {
	const struct experiment *x;
	enum mode mode;
	unsigned n;
	char dir[PATH_MAX];		/* work directory */
	int own_dir;			/* we made it: remove it afterwards */
	char torrent[PATH_MAX];
	struct child *kids;		/* [0] tracker, [1] seed, [2..] leechers */
	size_t nkids;
	int stopping;			/* exits are expected now */
	int64_t t0_ms;			/* when the seed was started */
	int64_t next_progress_ms;
	double bound_s;			/* for the progress lines */
	char why[512];			/* why the run failed */
};

static volatile sig_atomic_t interrupted;
static struct run *current;		/* for the atexit clean-up */
static char bin_dir[PATH_MAX];

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
fail(struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->why[0] != '\0')
		return;		/* keep the first reason */
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

/* ---- numbers on the command line ---- */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: mt-swarm bounds -F BYTES -N N --us RATE --dmin RATE [--ui RATE]\n"
	    "       mt-swarm run --mode cs|p2p -N N -F BYTES --us RATE --ui RATE [options]\n"
	    "       mt-swarm sweep --n N1,N2,... -F BYTES --us RATE --ui RATE\n"
	    "                      [--modes cs,p2p] [--csv FILE] [--svg FILE] [options]\n"
	    "bounds: the course's lower bounds on the time to give a file of F bytes\n"
	    "  to N peers, term by term.  run: one measured swarm on loopback (a\n"
	    "  tracker, one seed, N leechers).  sweep: both modes for each N, as CSV\n"
	    "  and an SVG figure.\n"
	    "  -F BYTES               file size (K = 1024, M = 1048576)\n"
	    "  -N N                   leechers (1-%d for run)\n"
	    "  --us RATE              the seed's upload rate, bytes/s (K, M)\n"
	    "  --ui RATE              each leecher's upload rate (p2p)\n"
	    "  --dmin RATE            each leecher's download rate (default: no limit)\n"
	    "  --mode cs|p2p          cs: only the seed uploads; p2p: everyone does\n"
	    "  --n LIST               sweep: the values of N, comma-separated\n"
	    "  --modes LIST           sweep: cs, p2p or both (default cs,p2p)\n"
	    "  --piece-length L       piece length of the torrent (default 16K)\n"
	    "  --slots N              leechers' regular unchoke slots (default 4)\n"
	    "  --seed-slots N         the seed's (default: N in cs mode, 4 in p2p)\n"
	    "  --max-peers K          a leecher's neighbours at most (default: all)\n"
	    "  --rechoke-interval T   every peer's rechoke interval (default 1s)\n"
	    "  --optimistic-interval T  optimistic unchoke rotation (default 3s)\n"
	    "  --timeout S            give up on a run after S seconds\n"
	    "                         (default: 4 times the bound + 30)\n"
	    "  --csv FILE             run: append a row; sweep: write every row\n"
	    "  --svg FILE             sweep: draw the figure\n"
	    "  --keep DIR             keep the data, torrent and JSON logs in DIR\n"
	    "  --bin-dir DIR          where mt-tracker and mt-peer are\n"
	    "                         (default: mt-swarm's own directory)\n"
	    "  -q                     no progress lines\n"
	    "Times T are milliseconds, or a number with an s or ms suffix.\n",
	    MAX_N);
}

static _Noreturn void
bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "mt-swarm: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see mt-swarm --help)\n");
	exit(2);
}

/* A decimal number with an optional unit suffix from units (multipliers in
 * mult), at most max.  Exits 2 on anything else. */
static uint64_t
number(const char *s, const char *what, const char *const *units,
    const uint64_t *mult, uint64_t max)
{
	unsigned long long v;
	uint64_t m = 1;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || s[0] == '-' || s[0] == '+')
		bad_usage("bad %s", what);
	if (*end != '\0') {
		size_t i;

		for (i = 0; units != NULL && units[i] != NULL; i++)
			if (strcmp(end, units[i]) == 0)
				break;
		if (units == NULL || units[i] == NULL)
			bad_usage("bad %s", what);
		m = mult[i];
	}
	if (v > max / m)
		bad_usage("%s is too large", what);
	return (uint64_t)v * m;
}

/* Bytes or bytes/s: 1500, 64K, 2M. */
static uint64_t
size_arg(const char *s, const char *what)
{
	static const char *const u[] = { "K", "k", "M", "m", NULL };
	static const uint64_t m[] = { 1024, 1024, 1048576, 1048576 };

	return number(s, what, u, m, 1ULL << 40);
}

/* Milliseconds: 1500, 1500ms, 2s. */
static int64_t
time_arg(const char *s, const char *what)
{
	static const char *const u[] = { "ms", "s", NULL };
	static const uint64_t m[] = { 1, 1000 };
	uint64_t v = number(s, what, u, m, 1ULL << 31);

	if (v == 0)
		bad_usage("%s must be more than 0", what);
	return (int64_t)v;
}

/* "1,2,4,8": the values of N for a sweep. */
static void
list_arg(struct experiment *x, const char *s)
{
	char buf[512], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf))
		bad_usage("--n %s is too long", s);
	memcpy(buf, s, strlen(s) + 1);
	x->nns = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (x->nns == MAX_RUNS)
			bad_usage("--n: more than %s values", "64");
		x->ns[x->nns] = (unsigned)number(tok, "--n value", NULL, NULL,
		    MAX_N);
		if (x->ns[x->nns++] == 0)
			bad_usage("--n values must be at least %s", "1");
	}
	if (x->nns == 0)
		bad_usage("--n %s names no N", s);
}

static int
mode_arg(const char *s)
{
	for (int m = 0; m < MODE_COUNT; m++)
		if (strcmp(s, mode_names[m]) == 0)
			return m;
	bad_usage("bad mode %s (want cs or p2p)", s);
	return -1;
}

static int
modes_arg(const char *s)
{
	char buf[64], *tok, *save = NULL;
	int mask = 0;

	if (strlen(s) >= sizeof(buf))
		bad_usage("bad --modes %s", s);
	memcpy(buf, s, strlen(s) + 1);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save))
		mask |= 1 << mode_arg(tok);
	if (mask == 0)
		bad_usage("bad --modes %s", s);
	return mask;
}

enum {
	OPT_US = 256, OPT_UI, OPT_DMIN, OPT_MODE, OPT_MODES, OPT_NLIST,
	OPT_PIECE, OPT_SLOTS, OPT_MAX_PEERS, OPT_SEED_SLOTS, OPT_RECHOKE, OPT_OPTIMISTIC,
	OPT_TIMEOUT, OPT_CSV, OPT_SVG, OPT_KEEP, OPT_BIN, OPT_HELP
};

static const struct option long_opts[] = {
	{ "us", required_argument, NULL, OPT_US },
	{ "ui", required_argument, NULL, OPT_UI },
	{ "dmin", required_argument, NULL, OPT_DMIN },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "modes", required_argument, NULL, OPT_MODES },
	{ "n", required_argument, NULL, OPT_NLIST },
	{ "piece-length", required_argument, NULL, OPT_PIECE },
	{ "slots", required_argument, NULL, OPT_SLOTS },
	{ "max-peers", required_argument, NULL, OPT_MAX_PEERS },
	{ "seed-slots", required_argument, NULL, OPT_SEED_SLOTS },
	{ "rechoke-interval", required_argument, NULL, OPT_RECHOKE },
	{ "optimistic-interval", required_argument, NULL, OPT_OPTIMISTIC },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "csv", required_argument, NULL, OPT_CSV },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "bin-dir", required_argument, NULL, OPT_BIN },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static void
set_option(struct experiment *x, int c, const char *arg)
{
	switch (c) {
	case 'F': x->file = size_arg(arg, "-F"); break;
	case 'N': x->n = (unsigned)number(arg, "-N", NULL, NULL, 1000000000); break;
	case 'q': x->quiet = 1; break;
	case OPT_US: x->us = size_arg(arg, "--us"); break;
	case OPT_UI: x->ui = size_arg(arg, "--ui"); x->have_ui = 1; break;
	case OPT_DMIN: x->dmin = size_arg(arg, "--dmin"); break;
	case OPT_MODE: x->modes = 1 << mode_arg(arg); break;
	case OPT_MODES: x->modes = modes_arg(arg); break;
	case OPT_NLIST: list_arg(x, arg); break;
	case OPT_PIECE: x->piece_len = size_arg(arg, "--piece-length"); break;
	case OPT_SLOTS: x->slots = (unsigned)number(arg, "--slots", NULL, NULL, 1000); break;
	case OPT_MAX_PEERS:
		x->max_peers = (unsigned)number(arg, "--max-peers", NULL, NULL, MAX_N);
		if (x->max_peers == 0)
			bad_usage("--max-peers must be at least %s", "1");
		break;
	case OPT_SEED_SLOTS:
		x->seed_slots = (unsigned)number(arg, "--seed-slots", NULL, NULL, 1000);
		break;
	case OPT_RECHOKE: x->rechoke_ms = time_arg(arg, "--rechoke-interval"); break;
	case OPT_OPTIMISTIC:
		x->optimistic_ms = time_arg(arg, "--optimistic-interval");
		break;
	case OPT_TIMEOUT:
		x->timeout_s = (double)number(arg, "--timeout", NULL, NULL, 86400);
		break;
	case OPT_CSV: x->csv = arg; break;
	case OPT_SVG: x->svg = arg; break;
	case OPT_KEEP: x->keep = arg; break;
	case OPT_BIN: x->bin_dir = arg; break;
	case OPT_HELP: usage(stdout); exit(0);
	default: usage(stderr); exit(2);
	}
}

static void
set_defaults(struct experiment *x)
{
	memset(x, 0, sizeof(*x));
	x->piece_len = 16384;
	x->slots = 4;
	x->rechoke_ms = 1000;
	x->optimistic_ms = 3000;
	x->modes = 1 << MODE_CS | 1 << MODE_P2P;
}

/* ---- bounds ---- */

static void
bound_params(const struct experiment *x, unsigned n,
    struct distbound_params *p)
{
	p->file = (double)x->file;
	p->n = n;
	p->us = (double)x->us;
	p->ui_sum = (double)n * (double)x->ui;
	p->dmin = (double)x->dmin;
}

/* Prints one bound term by term, marking the term that dominates. */
static void
print_bound(const char *title, const char *formula, const struct distbound *b)
{
	printf("%s\n  %s\n", title, formula);
	for (int t = 0; t < DISTBOUND_TERM_COUNT; t++) {
		if (!b->used[t])
			continue;
		if (t == DISTBOUND_DOWNLOAD && b->term[t] == 0)
			printf("    %-18s %10s    (no download limit)\n",
			    distbound_term_name((enum distbound_term)t), "0 s");
		else
			printf("    %-18s %10.3f s%s\n",
			    distbound_term_name((enum distbound_term)t), b->term[t],
			    t == (int)b->dominant ? "  <- dominates" : "");
	}
	printf("  bound: %.3f s\n", b->seconds);
}

static int
cmd_bounds(const struct experiment *x)
{
	struct distbound_params p;
	struct distbound cs, p2p;

	if (x->file == 0 || x->n == 0 || x->us == 0)
		bad_usage("bounds needs -F, -N and --us, all more than 0%s", "");
	if (x->dmin == 0)
		bad_usage("bounds needs --dmin (more than 0)%s", "");
	bound_params(x, x->n, &p);
	if (distbound_cs(&p, &cs) < 0 || distbound_p2p(&p, &p2p) < 0)
		errx(1, "the bounds: %s", strerror(errno));
	printf("F = %llu bytes, N = %u, u_s = %llu B/s, u_i = %llu B/s "
	    "(sum %.0f B/s), d_min = %llu B/s\n\n", (unsigned long long)x->file,
	    x->n, (unsigned long long)x->us, (unsigned long long)x->ui, p.ui_sum,
	    (unsigned long long)x->dmin);
	print_bound("client-server", "D_cs >= max(NF/u_s, F/d_min)", &cs);
	printf("\n");
	print_bound("peer-to-peer",
	    "D_p2p >= max(F/u_s, F/d_min, NF/(u_s+sum u_i))", &p2p);
	return 0;
}

/* ---- the work directory: data, torrent ---- */

static int
path_in(const struct run *r, char *buf, size_t cap, const char *fmt, ...)
{
	char rel[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return -1;
	n = snprintf(buf, cap, "%s/%s", r->dir, rel);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Makes the work directory: --keep DIR (created if missing), or a fresh
 * one under $TMPDIR.  Returns 0 or -1. */
static int
make_workdir(struct run *r)
{
	const char *tmp = getenv("TMPDIR");
	int n;

	if (r->x->keep != NULL) {
		n = snprintf(r->dir, sizeof(r->dir), "%s/%s-%u", r->x->keep,
		    mode_names[r->mode], r->n);
		if (n < 0 || (size_t)n >= sizeof(r->dir))
			return -1;
		if ((mkdir(r->x->keep, 0777) < 0 && errno != EEXIST) ||
		    (mkdir(r->dir, 0777) < 0 && errno != EEXIST))
			return -1;
		return 0;
	}
	n = snprintf(r->dir, sizeof(r->dir), "%s/mt-swarm.XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (n < 0 || (size_t)n >= sizeof(r->dir) || mkdtemp(r->dir) == NULL)
		return -1;
	r->own_dir = 1;
	return 0;
}

/* Writes F pseudo-random bytes (the same for every run of the experiment)
 * to seed/swarm.data.  Returns 0 or -1. */
static int
make_data(struct run *r)
{
	char path[PATH_MAX];
	uint8_t buf[65536];
	uint64_t left = r->x->file, rng = 0x6d742d737761726dULL;
	FILE *f;

	if (path_in(r, path, sizeof(path), "seed") < 0 ||
	    (mkdir(path, 0777) < 0 && errno != EEXIST) ||
	    path_in(r, path, sizeof(path), "seed/%s", DATA_NAME) < 0 ||
	    (f = fopen(path, "wb")) == NULL)
		return -1;
	while (left > 0) {
		size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);

		for (size_t i = 0; i < n; i += 8) {
			uint64_t v = rng_next(&rng);

			memcpy(buf + i, &v, n - i < 8 ? n - i : 8);
		}
		if (fwrite(buf, 1, n, f) != n)
			break;
		left -= n;
	}
	if (fclose(f) != 0 || left > 0)
		return -1;
	return 0;
}

/* Makes swarm.torrent for the data, announcing to the tracker at
 * tracker ("ADDR:PORT").  Returns 0 or -1 (reason in r->why). */
static int
make_torrent(struct run *r, const char *tracker)
{
	struct maketorrent_opts o = { .piece_length = (uint32_t)r->x->piece_len };
	struct bencode_buf b;
	char url[128], data[PATH_MAX], errbuf[256];
	FILE *f;
	int rc = -1;

	snprintf(url, sizeof(url), "http://%s/announce", tracker);
	o.announce = url;
	if (path_in(r, data, sizeof(data), "seed/%s", DATA_NAME) < 0 ||
	    path_in(r, r->torrent, sizeof(r->torrent), "swarm.torrent") < 0) {
		fail(r, "path too long");
		return -1;
	}
	bencode_buf_init(&b);
	if (maketorrent_build(data, &o, NULL, NULL, &b, errbuf, sizeof(errbuf)) < 0)
		fail(r, "making the torrent: %s", errbuf);
	else if ((f = fopen(r->torrent, "wb")) == NULL)
		fail(r, "%s: %s", r->torrent, strerror(errno));
	else if (fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0)
		fail(r, "writing %s: %s", r->torrent, strerror(errno));
	else
		rc = 0;
	bencode_buf_free(&b);
	return rc;
}

/* Compares every leecher's copy with the seed's data.  Returns the number
 * of copies that differ (or cannot be read). */
static unsigned
check_copies(struct run *r)
{
	char a[PATH_MAX], b[PATH_MAX];
	unsigned bad = 0;

	if (path_in(r, a, sizeof(a), "seed/%s", DATA_NAME) < 0)
		return r->n;
	for (unsigned i = 1; i <= r->n; i++) {
		static uint8_t x[65536], y[65536];
		FILE *fa = fopen(a, "rb"), *fb = NULL;
		size_t na, nb;
		int same = fa != NULL;

		if (path_in(r, b, sizeof(b), "leech-%u/%s", i, DATA_NAME) < 0 ||
		    (fb = fopen(b, "rb")) == NULL)
			same = 0;
		while (same) {
			na = fread(x, 1, sizeof(x), fa);
			nb = fread(y, 1, sizeof(y), fb);
			same = na == nb && memcmp(x, y, na) == 0;
			if (na == 0)
				break;
		}
		bad += !same;
		if (fa != NULL)
			fclose(fa);
		if (fb != NULL)
			fclose(fb);
	}
	return bad;
}

/* Removes what we put in the work directory (nothing else), then it. */
static void
remove_workdir(struct run *r)
{
	char p[PATH_MAX];

	if (!r->own_dir)
		return;
	for (unsigned i = 1; i <= r->n; i++) {
		if (path_in(r, p, sizeof(p), "leech-%u/%s", i, DATA_NAME) == 0)
			unlink(p);
		if (path_in(r, p, sizeof(p), "leech-%u", i) == 0)
			rmdir(p);
	}
	if (path_in(r, p, sizeof(p), "seed/%s", DATA_NAME) == 0)
		unlink(p);
	if (path_in(r, p, sizeof(p), "seed") == 0)
		rmdir(p);
	if (path_in(r, p, sizeof(p), "swarm.torrent") == 0)
		unlink(p);
	if (rmdir(r->dir) < 0)
		warn("removing %s", r->dir);
	r->own_dir = 0;
}

/* ---- children ---- */

/* An argument vector built from formatted strings, all in one struct. */
struct args {
	char *v[40];
	size_t n;
	char store[4096];
	size_t used;
};

static void
arg(struct args *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(a->store + a->used, sizeof(a->store) - a->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(a->store) - a->used ||
	    a->n + 1 >= sizeof(a->v) / sizeof(a->v[0]))
		errx(1, "internal error: argument list too long");
	a->v[a->n++] = a->store + a->used;
	a->v[a->n] = NULL;
	a->used += (size_t)n + 1;
}

static int
cloexec_pipe(int fds[2])
{
	if (pipe(fds) < 0)
		return -1;
	if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(fds[1], F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	return 0;
}

/* In the child: stdin from /dev/null, stdout and stderr to the pipes. */
static void
exec_child(char *const argv[], int out_w, int err_w)
{
	int null = open("/dev/null", O_RDONLY);

	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(out_w, STDOUT_FILENO) < 0 || dup2(err_w, STDERR_FILENO) < 0)
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	execv(argv[0], argv);
	dprintf(STDERR_FILENO, "mt-swarm: cannot run %s: %s\n", argv[0],
	    strerror(errno));
	_exit(127);
}

/* Starts argv as child c.  Returns 0 or -1 (errno). */
static int
spawn(struct child *c, char *const argv[])
{
	int out[2], errp[2];
	pid_t pid;

	if (cloexec_pipe(out) < 0)
		return -1;
	if (cloexec_pipe(errp) < 0) {
		close(out[0]);
		close(out[1]);
		return -1;
	}
	if ((pid = fork()) < 0) {
		close(out[0]);
		close(out[1]);
		close(errp[0]);
		close(errp[1]);
		return -1;
	}
	if (pid == 0)
		exec_child(argv, out[1], errp[1]);
	close(out[1]);
	close(errp[1]);
	c->pid = pid;
	c->out_fd = out[0];
	c->err_fd = errp[0];
	return 0;
}

static const char *
child_name(const struct child *c, char *buf, size_t cap)
{
	if (c->role == ROLE_TRACKER)
		snprintf(buf, cap, "the tracker");
	else if (c->role == ROLE_SEED)
		snprintf(buf, cap, "the seed (%s)", c->addr);
	else
		snprintf(buf, cap, "leecher %u (%s)", c->index, c->addr);
	return buf;
}

/* Keeps the last lines of a child's stderr, for when it fails. */
static void
remember_line(struct child *c, const char *line)
{
	size_t have = strlen(c->tail), len = strlen(line);

	if (len + 2 > sizeof(c->tail))
		len = sizeof(c->tail) - 2;
	if (have + len + 2 > sizeof(c->tail)) {
		size_t drop = have + len + 2 - sizeof(c->tail);

		memmove(c->tail, c->tail + drop, have - drop + 1);
		have -= drop;
	}
	memcpy(c->tail + have, line, len);
	c->tail[have + len] = '\n';
	c->tail[have + len + 1] = '\0';
}

/* One whole line from a child: the readiness line on stdout, the
 * completion line on stderr. */
static void
on_line(struct run *r, struct child *c, int is_err, const char *line,
    int64_t now)
{
	static const char listening[] = "listening on ";

	if (!is_err) {
		if (c->listen[0] == '\0' &&
		    strncmp(line, listening, sizeof(listening) - 1) == 0)
			snprintf(c->listen, sizeof(c->listen), "%s",
			    line + sizeof(listening) - 1);
		return;
	}
	if (c->role == ROLE_LEECHER && c->complete < 0 &&
	    strstr(line, "download complete") != NULL && r->t0_ms > 0)
		c->complete = (double)(now - r->t0_ms) / 1000;
	if (strstr(line, "%  ") == NULL && strstr(line, "pieces, down") == NULL)
		remember_line(c, line);
}

/* Reads what fd has, splitting it into lines.  Returns 0, or -1 at EOF. */
static int
drain(struct run *r, struct child *c, int is_err, int64_t now)
{
	int fd = is_err ? c->err_fd : c->out_fd;
	char *part = is_err ? c->err_part : c->out_part;
	size_t *len = is_err ? &c->err_len : &c->out_len;
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n' && *len + 1 < LINE_MAX_LEN) {
				part[(*len)++] = buf[i];
				continue;
			}
			if (buf[i] != '\n')
				continue;	/* an overlong line: truncated */
			part[*len] = '\0';
			on_line(r, c, is_err, part, now);
			*len = 0;
		}
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	close(fd);
	return -1;
}

/* Reaps every child that has exited. */
static void
reap(struct run *r)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (size_t i = 0; i < r->nkids; i++) {
			if (r->kids[i].pid == pid) {
				r->kids[i].exited = 1;
				r->kids[i].status = st;
				r->kids[i].pid = 0;
			}
		}
	}
}

/* Waits up to timeout_ms for output from any child and handles it. */
static void
pump(struct run *r, int timeout_ms)
{
	struct pollfd fds[2 * (MAX_N + 2)];
	struct child *who[2 * (MAX_N + 2)];
	nfds_t n = 0;

	for (size_t i = 0; i < r->nkids; i++) {
		struct child *c = &r->kids[i];

		if (c->out_fd >= 0) {
			fds[n] = (struct pollfd){ .fd = c->out_fd, .events = POLLIN };
			who[n++] = c;
		}
		if (c->err_fd >= 0) {
			fds[n] = (struct pollfd){ .fd = c->err_fd, .events = POLLIN };
			who[n++] = c;
		}
	}
	if (poll(fds, n, timeout_ms) < 0 && errno != EINTR)
		err(1, "poll");
	for (nfds_t i = 0; i < n; i++) {
		struct child *c = who[i];
		int is_err = fds[i].fd == c->err_fd;

		if (fds[i].revents == 0)
			continue;
		if (drain(r, c, is_err, now_ms()) < 0) {
			if (is_err)
				c->err_fd = -1;
			else
				c->out_fd = -1;
		}
	}
	reap(r);
}

/* A child exited before we asked: the run is broken.  Returns 1 if so. */
static int
someone_died(struct run *r)
{
	char name[64];

	for (size_t i = 0; i < r->nkids; i++) {
		struct child *c = &r->kids[i];

		if (!c->exited)
			continue;
		fail(r, "%s exited (status %d) before the run was over%s%s",
		    child_name(c, name, sizeof(name)),
		    WIFEXITED(c->status) ? WEXITSTATUS(c->status) :
		    128 + WTERMSIG(c->status), c->tail[0] ? "; it said:\n" : "",
		    c->tail);
		return 1;
	}
	return 0;
}

/* Every few seconds of a measurement, a line on how far it is. */
static void
progress(struct run *r)
{
	int64_t now = now_ms();
	unsigned done = 0;

	if (r->x->quiet || r->t0_ms == 0 || now < r->next_progress_ms)
		return;
	r->next_progress_ms = now + 5000;
	for (size_t i = 2; i < r->nkids; i++)
		done += r->kids[i].complete >= 0;
	fprintf(stderr, "mt-swarm: %s N=%u: %u of %u leechers complete after "
	    "%.1f s (bound %.3f s)\n", mode_names[r->mode], r->n, done, r->n,
	    (double)(now - r->t0_ms) / 1000, r->bound_s);
}

/* Pumps until done(r) holds.  Returns 0, or -1 (r->why set) when the
 * deadline passes, a child dies, or we are interrupted. */
static int
wait_for(struct run *r, int (*done)(const struct run *), int64_t deadline,
    const char *what)
{
	int64_t now;

	while (!done(r)) {
		if (interrupted) {
			fail(r, "interrupted");
			return -1;
		}
		if (someone_died(r))
			return -1;
		if ((now = now_ms()) >= deadline) {
			fail(r, "timed out waiting for %s", what);
			return -1;
		}
		pump(r, (int)(deadline - now < 1000 ? deadline - now : 1000));
		progress(r);
	}
	return 0;
}

/* Asks every child to stop (SIGTERM), waits a little, then kills. */
static void
stop_all(struct run *r)
{
	int64_t deadline = now_ms() + STOP_GRACE_MS;
	int alive;

	r->stopping = 1;
	for (size_t i = 0; i < r->nkids; i++)
		if (r->kids[i].pid > 0)
			kill(r->kids[i].pid, SIGTERM);
	do {
		alive = 0;
		for (size_t i = 0; i < r->nkids; i++)
			alive += r->kids[i].pid > 0;
		if (alive > 0)
			pump(r, 50);
	} while (alive > 0 && now_ms() < deadline);
	for (size_t i = 0; i < r->nkids; i++) {
		struct child *c = &r->kids[i];

		if (c->pid > 0) {
			kill(c->pid, SIGKILL);
			if (waitpid(c->pid, &c->status, 0) == c->pid)
				c->pid = 0;
		}
		if (c->out_fd >= 0)
			close(c->out_fd);
		if (c->err_fd >= 0)
			close(c->err_fd);
		c->out_fd = c->err_fd = -1;
	}
}

/* atexit: whatever way we leave, no child outlives us. */
static void
kill_leftovers(void)
{
	if (current == NULL)
		return;
	for (size_t i = 0; i < current->nkids; i++)
		if (current->kids[i].pid > 0) {
			kill(current->kids[i].pid, SIGKILL);
			waitpid(current->kids[i].pid, NULL, 0);
			current->kids[i].pid = 0;
		}
	remove_workdir(current);
}

/* ---- one run ---- */

static int
tracker_ready(const struct run *r)
{
	return r->kids[0].listen[0] != '\0';
}

static int
leechers_ready(const struct run *r)
{
	for (size_t i = 2; i < r->nkids; i++)
		if (r->kids[i].listen[0] == '\0')
			return 0;
	return 1;
}

static int
leechers_complete(const struct run *r)
{
	for (size_t i = 2; i < r->nkids; i++)
		if (r->kids[i].complete < 0)
			return 0;
	return 1;
}

static void
init_child(struct child *c, enum role role, unsigned index)
{
	memset(c, 0, sizeof(*c));
	c->role = role;
	c->index = index;
	c->out_fd = c->err_fd = -1;
	c->complete = -1;
	/* tracker 127.0.0.1, seed .2, leecher i at .(2+i): up to 200. */
	snprintf(c->addr, sizeof(c->addr), "127.0.0.%u",
	    role == ROLE_TRACKER ? 1 : role == ROLE_SEED ? 2 : 2 + index);
}

/* The options every peer gets: address, timers, log. */
static void
peer_common(struct run *r, struct args *a, const struct child *c)
{
	char log[PATH_MAX];

	arg(a, "%s/mt-peer", bin_dir);
	arg(a, "-b");
	arg(a, "%s", c->addr);
	arg(a, "-p");
	arg(a, "0");
	arg(a, "--rechoke-interval");
	arg(a, "%lldms", (long long)r->x->rechoke_ms);
	arg(a, "--optimistic-interval");
	arg(a, "%lldms", (long long)r->x->optimistic_ms);
	arg(a, "--seed-rng");
	arg(a, "%u", 1000 + c->index);
	if (r->x->keep != NULL && (c->role == ROLE_SEED ?
	    path_in(r, log, sizeof(log), "seed.jsonl") :
	    path_in(r, log, sizeof(log), "leech-%u.jsonl", c->index)) == 0) {
		arg(a, "--log");
		arg(a, "%s", log);
	}
}

static int
start_leecher(struct run *r, struct child *c)
{
	unsigned mesh = r->n + 1 < MAX_N ? r->n + 1 : MAX_N;
	char dir[PATH_MAX];
	struct args a = { .n = 0 };

	if (r->x->max_peers > 0 && r->x->max_peers < mesh)
		mesh = r->x->max_peers;
	if (path_in(r, dir, sizeof(dir), "leech-%u", c->index) < 0 ||
	    (mkdir(dir, 0777) < 0 && errno != EEXIST))
		return -1;
	peer_common(r, &a, c);
	arg(&a, "-o");
	arg(&a, "%s", dir);
	/* cs: no peers from the tracker, so only the seed ever meets us. */
	arg(&a, "--numwant");
	arg(&a, "%u", r->mode == MODE_CS ? 0 : mesh);
	arg(&a, "--max-peers");
	arg(&a, "%u", mesh + 1);
	arg(&a, "--unchoke-slots");
	arg(&a, "%u", r->x->slots);
	if (r->x->ui > 0) {
		arg(&a, "--upload-rate");
		arg(&a, "%llu", (unsigned long long)r->x->ui);
	}
	if (r->x->dmin > 0) {
		arg(&a, "--download-rate");
		arg(&a, "%llu", (unsigned long long)r->x->dmin);
	}
	arg(&a, "%s", r->torrent);
	return spawn(c, a.v);
}

static int
start_seed(struct run *r, struct child *c)
{
	unsigned mesh = r->n + 1 < MAX_N ? r->n + 1 : MAX_N;
	unsigned slots = r->x->seed_slots > 0 ? r->x->seed_slots :
	    r->mode == MODE_CS ? r->n : 4;
	char dir[PATH_MAX];
	struct args a = { .n = 0 };

	if (path_in(r, dir, sizeof(dir), "seed") < 0)
		return -1;
	peer_common(r, &a, c);
	arg(&a, "--seed");
	arg(&a, "-o");
	arg(&a, "%s", dir);
	arg(&a, "--numwant");
	arg(&a, "%u", mesh);
	arg(&a, "--max-peers");
	arg(&a, "%u", mesh + 1);
	arg(&a, "--unchoke-slots");
	arg(&a, "%u", slots);
	arg(&a, "--upload-rate");
	arg(&a, "%llu", (unsigned long long)r->x->us);
	arg(&a, "%s", r->torrent);
	return spawn(c, a.v);
}

static int
start_tracker(struct run *r, struct child *c)
{
	struct args a = { .n = 0 };

	arg(&a, "%s/mt-tracker", bin_dir);
	arg(&a, "-b");
	arg(&a, "%s", c->addr);
	arg(&a, "-p");
	arg(&a, "0");
	return spawn(c, a.v);
}

/* Tracker, torrent, leechers: everything but the seed, ready. */
static int
set_up(struct run *r)
{
	int64_t deadline = now_ms() + 15000;

	if (make_workdir(r) < 0 || make_data(r) < 0) {
		fail(r, "preparing %s: %s", r->dir, strerror(errno));
		return -1;
	}
	if (start_tracker(r, &r->kids[0]) < 0) {
		fail(r, "starting mt-tracker: %s", strerror(errno));
		return -1;
	}
	if (wait_for(r, tracker_ready, deadline, "the tracker") < 0 ||
	    make_torrent(r, r->kids[0].listen) < 0)
		return -1;
	for (size_t i = 2; i < r->nkids; i++)
		if (start_leecher(r, &r->kids[i]) < 0) {
			fail(r, "starting leecher %zu: %s", i - 1, strerror(errno));
			return -1;
		}
	/* A loaded machine starts a process in tens of ms: be generous. */
	deadline = now_ms() + 15000 + 250 * (int64_t)r->n;
	return wait_for(r, leechers_ready, deadline, "the leechers to listen");
}

/* The seed, and the measurement. */
static int
measure(struct run *r, double timeout_s)
{
	r->t0_ms = now_ms();
	r->next_progress_ms = r->t0_ms + 5000;
	if (start_seed(r, &r->kids[1]) < 0) {
		fail(r, "starting the seed: %s", strerror(errno));
		return -1;
	}
	if (!r->x->quiet && r->x->say_start)
		fprintf(stderr, "mt-swarm: %s N=%u: %u leechers listening, seed "
		    "started, timing (bound %.3f s)\n", mode_names[r->mode],
		    r->n, r->n, r->bound_s);
	return wait_for(r, leechers_complete,
	    r->t0_ms + (int64_t)(timeout_s * 1000), "the leechers to complete");
}

static void
summarise(const struct run *r, struct result *res)
{
	double sum = 0;

	res->slowest = 0;
	res->fastest = INFINITY;
	for (unsigned i = 0; i < r->n; i++) {
		double t = r->kids[2 + i].complete;

		res->each[i] = t;
		sum += t;
		res->slowest = t > res->slowest ? t : res->slowest;
		res->fastest = t < res->fastest ? t : res->fastest;
	}
	res->mean = sum / r->n;
}

/*
 * One measured swarm of n leechers in mode m.  Fills res (res->each must
 * have room for n values).  Returns 0, or -1 after printing why.
 */
static int
run_once(const struct experiment *x, enum mode m, unsigned n,
    struct result *res)
{
	struct run r = { .x = x, .mode = m, .n = n, .nkids = n + 2 };
	struct distbound_params p;
	int64_t start = now_ms();
	double timeout;
	unsigned bad;
	int rc;

	bound_params(x, n, &p);
	res->mode = m;
	res->n = n;
	if ((m == MODE_CS ? distbound_cs(&p, &res->bound) :
	    distbound_p2p(&p, &res->bound)) < 0)
		errx(1, "the bound: %s", strerror(errno));
	timeout = x->timeout_s > 0 ? x->timeout_s : 4 * res->bound.seconds + 30;
	r.bound_s = res->bound.seconds;
	if ((r.kids = calloc(r.nkids, sizeof(*r.kids))) == NULL)
		err(1, "out of memory");
	init_child(&r.kids[0], ROLE_TRACKER, 0);
	init_child(&r.kids[1], ROLE_SEED, 0);
	for (unsigned i = 1; i <= n; i++)
		init_child(&r.kids[1 + i], ROLE_LEECHER, i);
	current = &r;
	rc = set_up(&r) == 0 && measure(&r, timeout) == 0 ? 0 : -1;
	stop_all(&r);
	if (rc == 0 && (bad = check_copies(&r)) > 0) {
		fail(&r, "%u of %u copies differ from the seed's data", bad, n);
		rc = -1;
	}
	if (rc == 0)
		summarise(&r, res);
	else
		warnx("%s, N=%u: %s", mode_names[m], n, r.why);
	res->wall = (double)(now_ms() - start) / 1000;
	remove_workdir(&r);
	current = NULL;
	free(r.kids);
	return rc;
}

/* ---- reporting ---- */

static const char csv_header[] =
    "mode,n,file_bytes,piece_length,u_s,u_i,d_min,bound_s,bound_term,"
    "slowest_s,ratio,fastest_s,mean_s\n";

static void
csv_row(FILE *f, const struct experiment *x, const struct result *res)
{
	fprintf(f, "%s,%u,%llu,%llu,%llu,%llu,%llu,%.3f,%s,%.3f,%.3f,%.3f,%.3f\n",
	    mode_names[res->mode], res->n, (unsigned long long)x->file,
	    (unsigned long long)x->piece_len, (unsigned long long)x->us,
	    (unsigned long long)(res->mode == MODE_CS ? 0 : x->ui),
	    (unsigned long long)x->dmin, res->bound.seconds,
	    distbound_term_name(res->bound.dominant), res->slowest,
	    res->slowest / res->bound.seconds, res->fastest, res->mean);
}

/* Writes (append = 0) or appends to path the rows; a header first if the
 * file is new or empty. */
static void
write_csv(const char *path, const struct experiment *x,
    const struct result *res, size_t n, int append)
{
	FILE *f = fopen(path, append ? "a" : "w");

	if (f == NULL)
		err(1, "%s", path);
	if (ftell(f) == 0 && fseek(f, 0, SEEK_END) == 0 && ftell(f) == 0)
		fputs(csv_header, f);
	for (size_t i = 0; i < n; i++)
		csv_row(f, x, &res[i]);
	if (fclose(f) != 0)
		err(1, "writing %s", path);
}

/* "1 MiB", "256 KiB" or "1500 B", then suffix. */
static const char *
human(uint64_t v, const char *suffix, char *buf, size_t cap)
{
	if (v >= 1048576 && v % 1048576 == 0)
		snprintf(buf, cap, "%llu MiB%s", (unsigned long long)(v / 1048576),
		    suffix);
	else if (v >= 1024 && v % 1024 == 0)
		snprintf(buf, cap, "%llu KiB%s", (unsigned long long)(v / 1024),
		    suffix);
	else
		snprintf(buf, cap, "%llu B%s", (unsigned long long)v, suffix);
	return buf;
}

static void
describe(const struct experiment *x, enum mode m, unsigned n)
{
	char f[32], us[32], ui[32], dmin[32], pl[32];

	printf("%s, N = %u, F = %s (pieces of %s), u_s = %s, u_i = %s, "
	    "d_min = %s\n", mode_titles[m], n, human(x->file, "", f, sizeof(f)),
	    human(x->piece_len, "", pl, sizeof(pl)),
	    human(x->us, "/s", us, sizeof(us)),
	    m == MODE_CS ? "unused (only the seed uploads)" :
	    human(x->ui, "/s", ui, sizeof(ui)),
	    x->dmin > 0 ? human(x->dmin, "/s", dmin, sizeof(dmin)) : "no limit");
}

static void
print_result(const struct experiment *x, const struct result *res)
{
	describe(x, res->mode, res->n);
	printf("  leecher  complete after (s)\n");
	for (unsigned i = 0; i < res->n; i++)
		printf("  %7u  %8.3f\n", i + 1, res->each[i]);
	printf("slowest %.3f s, fastest %.3f s, mean %.3f s\n", res->slowest,
	    res->fastest, res->mean);
	printf("bound   %.3f s (%s)\n", res->bound.seconds,
	    distbound_term_name(res->bound.dominant));
	printf("ratio   %.3f (slowest / bound)\n",
	    res->slowest / res->bound.seconds);
}

static void
check_run_options(const struct experiment *x, int need_ui)
{
	if (x->file == 0 || x->us == 0)
		bad_usage("needs -F and --us, both more than 0%s", "");
	if (need_ui && x->ui == 0)
		bad_usage("p2p needs --ui more than 0 (mt-peer reads 0 as "
		    "\"no limit\")%s", "");
	if (x->piece_len < 16384 || x->piece_len > (64u << 20) ||
	    (x->piece_len & (x->piece_len - 1)) != 0)
		bad_usage("--piece-length must be a power of two from 16K to "
		    "64M%s", "");
	if (x->file > (1ULL << 30))
		bad_usage("-F is too large for an experiment (1 GiB at most)%s", "");
}

static int
cmd_run(struct experiment *x)
{
	enum mode m = x->modes == 1 << MODE_CS ? MODE_CS : MODE_P2P;
	struct result res;
	int rc;

	if (x->modes != 1 << MODE_CS && x->modes != 1 << MODE_P2P)
		bad_usage("run needs --mode cs or --mode p2p%s", "");
	if (x->n == 0 || x->n > MAX_N)
		bad_usage("run needs -N from 1 to %s", "200");
	check_run_options(x, m == MODE_P2P);
	x->say_start = 1;
	if ((res.each = calloc(x->n, sizeof(double))) == NULL)
		err(1, "out of memory");
	if ((rc = run_once(x, m, x->n, &res)) == 0) {
		print_result(x, &res);
		if (x->csv != NULL)
			write_csv(x->csv, x, &res, 1, 1);
	}
	free(res.each);
	return rc == 0 ? 0 : 1;
}

/* ---- sweep ---- */

/* Points of a bound for every integer N from 1 to max (a smooth curve). */
static double *
bound_curve(const struct experiment *x, enum mode m, unsigned max,
    double **xs)
{
	double *ys = calloc(max, sizeof(double));
	struct distbound_params p;
	struct distbound b;

	*xs = calloc(max, sizeof(double));
	if (ys == NULL || *xs == NULL)
		err(1, "out of memory");
	for (unsigned n = 1; n <= max; n++) {
		bound_params(x, n, &p);
		if ((m == MODE_CS ? distbound_cs(&p, &b) : distbound_p2p(&p, &b)) < 0)
			errx(1, "the bound: %s", strerror(errno));
		(*xs)[n - 1] = n;
		ys[n - 1] = b.seconds;
	}
	return ys;
}

/* The figure: measured times (markers) against both bounds (lines). */
static void
write_svg(const char *path, const struct experiment *x,
    struct result res[MODE_COUNT][MAX_RUNS])
{
	static const char *const colors[MODE_COUNT] = { "#1f5fa8", "#c8402a" };
	static const char *const names[MODE_COUNT][2] = {
		{ "client-server bound max(NF/u_s, F/d_min)",
		  "client-server measured (slowest peer)" },
		{ "P2P bound max(F/u_s, F/d_min, NF/(u_s+sum u_i))",
		  "P2P measured (slowest peer)" } };
	struct svgplot_series se[2 * MODE_COUNT];
	double mx[MODE_COUNT][MAX_RUNS], my[MODE_COUNT][MAX_RUNS], *bx[MODE_COUNT];
	double *by[MODE_COUNT];
	char title[200], f[32], us[32], ui[32], dmin[48] = "";
	unsigned max = 1;
	size_t ns = 0;
	struct svgplot plot = { .series = se,
	    .xlabel = "N (peers that download the file)",
	    .ylabel = "time until the last peer has the file (s)" };
	FILE *out;

	for (size_t i = 0; i < x->nns; i++)
		max = x->ns[i] > max ? x->ns[i] : max;
	for (int m = 0; m < MODE_COUNT; m++) {
		bx[m] = by[m] = NULL;
		if (!(x->modes & 1 << m))
			continue;
		by[m] = bound_curve(x, (enum mode)m, max, &bx[m]);
		se[ns++] = (struct svgplot_series){ .name = names[m][0],
		    .x = bx[m], .y = by[m], .n = max, .color = colors[m],
		    .style = SVGPLOT_LINE };
		for (size_t i = 0; i < x->nns; i++) {
			mx[m][i] = res[m][i].n;
			my[m][i] = res[m][i].slowest;
		}
		se[ns++] = (struct svgplot_series){ .name = names[m][1],
		    .x = mx[m], .y = my[m], .n = x->nns, .color = colors[m],
		    .style = SVGPLOT_DASHED |
		    (m == MODE_CS ? SVGPLOT_SQUARES : SVGPLOT_CIRCLES) };
	}
	if (x->dmin > 0)
		snprintf(dmin, sizeof(dmin), ", d_min = %s",
		    human(x->dmin, "/s", f, sizeof(f)));
	snprintf(title, sizeof(title), "Distributing F = %s to N peers "
	    "(u_s = %s, u_i = %s%s)", human(x->file, "", f, sizeof(f)),
	    human(x->us, "/s", us, sizeof(us)), human(x->ui, "/s", ui, sizeof(ui)),
	    dmin);
	plot.title = title;
	plot.nseries = ns;
	if ((out = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	if (svgplot_write(out, &plot) < 0)
		err(1, "writing %s", path);
	if (fclose(out) != 0)
		err(1, "writing %s", path);
	for (int m = 0; m < MODE_COUNT; m++) {
		free(bx[m]);
		free(by[m]);
	}
}

/* One point of the sweep, tried twice before giving up. */
static int
sweep_point(const struct experiment *x, enum mode m, unsigned n,
    struct result *res)
{
	for (int attempt = 0; attempt < 2 && !interrupted; attempt++) {
		if (run_once(x, m, n, res) < 0)
			continue;
		if (!x->quiet)
			fprintf(stderr, "mt-swarm: %-3s N=%-3u slowest %8.3f s, "
			    "bound %8.3f s (%s), ratio %.3f  [%.1f s]\n",
			    mode_names[m], n, res->slowest, res->bound.seconds,
			    distbound_term_name(res->bound.dominant),
			    res->slowest / res->bound.seconds, res->wall);
		return 0;
	}
	return -1;
}

static int
cmd_sweep(const struct experiment *x)
{
	static struct result res[MODE_COUNT][MAX_RUNS];
	struct result flat[MODE_COUNT * MAX_RUNS];
	int64_t start = now_ms();
	size_t nflat = 0;
	int rc = 0;

	if (x->nns == 0)
		bad_usage("sweep needs --n, e.g. --n 1,2,4,8%s", "");
	check_run_options(x, (x->modes & 1 << MODE_P2P) != 0);
	for (size_t i = 0; i < x->nns && rc == 0; i++) {
		for (int m = 0; m < MODE_COUNT && rc == 0; m++) {
			if (!(x->modes & 1 << m))
				continue;
			res[m][i].each = calloc(x->ns[i], sizeof(double));
			if (res[m][i].each == NULL)
				err(1, "out of memory");
			rc = sweep_point(x, (enum mode)m, x->ns[i], &res[m][i]);
			flat[nflat++] = res[m][i];
		}
	}
	if (rc < 0)
		errx(1, "the sweep failed; no CSV or figure written");
	if (x->csv != NULL)
		write_csv(x->csv, x, flat, nflat, 0);
	if (x->svg != NULL)
		write_svg(x->svg, x, res);
	if (!x->quiet)
		fprintf(stderr, "mt-swarm: %zu runs in %.1f s\n", nflat,
		    (double)(now_ms() - start) / 1000);
	for (size_t i = 0; i < nflat; i++)
		free(flat[i].each);
	return 0;
}

/* ---- main ---- */

/* mt-tracker and mt-peer live beside us unless --bin-dir says otherwise. */
static void
find_bin_dir(const struct experiment *x, const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	ssize_t n;

	if (x->bin_dir != NULL) {
		snprintf(bin_dir, sizeof(bin_dir), "%s", x->bin_dir);
	} else if (slash != NULL) {
		snprintf(bin_dir, sizeof(bin_dir), "%.*s", (int)(slash - argv0),
		    argv0);
	} else if ((n = readlink("/proc/self/exe", bin_dir,
	    sizeof(bin_dir) - 1)) > 0) {
		bin_dir[n] = '\0';
		if ((slash = strrchr(bin_dir, '/')) != NULL)
			bin_dir[slash - bin_dir] = '\0';
	} else {
		snprintf(bin_dir, sizeof(bin_dir), ".");
	}
	if (bin_dir[0] == '\0')
		snprintf(bin_dir, sizeof(bin_dir), "/");
}

static void
handle_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (atexit(kill_leftovers) != 0)
		errx(1, "atexit failed");
}

int
main(int argc, char **argv)
{
	struct experiment x;
	const char *cmd;
	int c, rc;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-')
		bad_usage("expected bounds, run or sweep%s", "");
	cmd = argv[1];
	set_defaults(&x);
	optind = 2;
	while ((c = getopt_long(argc, argv, "F:N:q", long_opts, NULL)) != -1)
		set_option(&x, c, optarg);
	if (optind != argc)
		bad_usage("unexpected argument %s", argv[optind]);
	find_bin_dir(&x, argv[0]);
	handle_signals();
	if (strcmp(cmd, "bounds") == 0)
		rc = cmd_bounds(&x);
	else if (strcmp(cmd, "run") == 0)
		rc = cmd_run(&x);
	else if (strcmp(cmd, "sweep") == 0)
		rc = cmd_sweep(&x);
	else
		bad_usage("unknown command %s (want bounds, run or sweep)", cmd);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	return rc;
}
