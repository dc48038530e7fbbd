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
 * builds one swarm on loopback and times it (swarmrun.c): a tracker, N
 * leechers with upload capped at u_i (and download at d_min), and one seed
 * capped at u_s, started once every leecher listens.  The clock starts with
 * the seed; the swarm's time is the slowest leecher's.  In client-server
 * mode only the seed uploads, the server of the textbook's model; in P2P
 * mode everyone trades pieces.  `sweep` does both modes for a list of N and
 * writes a CSV and an SVG figure: the textbook's figure, from real runs.
 *
 * This file is the command line and the reports; the bounds are in
 * distbound.c, the swarm in swarmrun.c, the chart in svgplot.c.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "clock.h"
#include "distbound.h"
#include "svgplot.h"
#include "swarmrun.h"

#define MAX_N SWARMRUN_MAX_N
#define MAX_RUNS 64		/* points in a sweep, per mode */

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
	unsigned slots, seed_slots;	/* seed_slots 0: N */
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
	int say_start;
};

static volatile sig_atomic_t interrupted;
static char bin_dir[PATH_MAX];

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
	swarmrun_interrupt();
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
	    "  --seed-slots N         the seed's (default: N, every leecher at once)\n"
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

/* One line on stderr, exit 2. */
static _Noreturn void
bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mt-swarm: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see mt-swarm --help)\n");
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

/* Bytes or bytes/s: 1500, 64K, 2M. */
static uint64_t
size_arg(const char *s, const char *what)
{
	uint64_t v = 0;

	check_arg(args_size(s, 1ULL << 40, &v), what);
	return v;
}

/* Milliseconds: 1500, 1500ms, 2s; more than 0. */
static int64_t
time_arg(const char *s, const char *what)
{
	uint64_t v = 0;

	check_arg(args_time_ms(s, &v), what);
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
			bad_usage("--n: more than %d values", MAX_RUNS);
		x->ns[x->nns] = (unsigned)number(tok, "--n value", MAX_N);
		if (x->ns[x->nns++] == 0)
			bad_usage("--n values must be at least 1");
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
	case 'N': x->n = (unsigned)number(arg, "-N", 1000000000); break;
	case 'q': x->quiet = 1; break;
	case OPT_US: x->us = size_arg(arg, "--us"); break;
	case OPT_UI: x->ui = size_arg(arg, "--ui"); break;
	case OPT_DMIN: x->dmin = size_arg(arg, "--dmin"); break;
	case OPT_MODE: x->modes = 1 << mode_arg(arg); break;
	case OPT_MODES: x->modes = modes_arg(arg); break;
	case OPT_NLIST: list_arg(x, arg); break;
	case OPT_PIECE: x->piece_len = size_arg(arg, "--piece-length"); break;
	case OPT_SLOTS: x->slots = (unsigned)number(arg, "--slots", 1000); break;
	case OPT_MAX_PEERS:
		x->max_peers = (unsigned)number(arg, "--max-peers", MAX_N);
		if (x->max_peers == 0)
			bad_usage("--max-peers must be at least 1");
		break;
	case OPT_SEED_SLOTS:
		x->seed_slots = (unsigned)number(arg, "--seed-slots", 1000);
		break;
	case OPT_RECHOKE: x->rechoke_ms = time_arg(arg, "--rechoke-interval"); break;
	case OPT_OPTIMISTIC:
		x->optimistic_ms = time_arg(arg, "--optimistic-interval");
		break;
	case OPT_TIMEOUT:
		x->timeout_s = (double)number(arg, "--timeout", 86400);
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
		bad_usage("bounds needs -F, -N and --us, all more than 0");
	if (x->dmin == 0)
		bad_usage("bounds needs --dmin (more than 0)");
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

/* ---- one measured run ---- */

/* Progress lines on stderr: when the timing starts (for `run`) and every
 * few seconds of a long run. */
static void
on_progress(void *arg, unsigned done, unsigned n, double elapsed)
{
	const struct result *res = arg;

	if (elapsed == 0 && res->say_start)
		fprintf(stderr, "mt-swarm: %s N=%u: %u leechers listening, seed "
		    "started, timing (bound %.3f s)\n", mode_names[res->mode], n,
		    n, res->bound.seconds);
	else if (elapsed > 0)
		fprintf(stderr, "mt-swarm: %s N=%u: %u of %u leechers complete "
		    "after %.1f s (bound %.3f s)\n", mode_names[res->mode], n,
		    done, n, elapsed, res->bound.seconds);
}

static void
summarise(struct result *res)
{
	double sum = 0;

	res->slowest = 0;
	res->fastest = INFINITY;
	for (unsigned i = 0; i < res->n; i++) {
		double t = res->each[i];

		sum += t;
		res->slowest = t > res->slowest ? t : res->slowest;
		res->fastest = t < res->fastest ? t : res->fastest;
	}
	res->mean = sum / res->n;
}

/*
 * One measured swarm of n leechers in mode m.  Fills res (res->each must
 * have room for n values).  Returns 0, or -1 after saying why on stderr.
 */
static int
run_once(const struct experiment *x, enum mode m, unsigned n,
    struct result *res)
{
	struct swarmrun_config c = { .mode = m == MODE_CS ? SWARMRUN_CS :
	    SWARMRUN_P2P, .n = n, .file = x->file,
	    .piece_len = (uint32_t)x->piece_len, .us = x->us,
	    .ui = x->ui, .dmin = x->dmin, .slots = x->slots,
	    .seed_slots = x->seed_slots, .max_peers = x->max_peers,
	    .rechoke_ms = x->rechoke_ms, .optimistic_ms = x->optimistic_ms,
	    .bin_dir = bin_dir, .keep_dir = x->keep,
	    .progress = x->quiet ? NULL : on_progress, .progress_arg = res };
	struct distbound_params p;
	int64_t start = clock_now_ms();
	char why[2048];
	int rc;

	bound_params(x, n, &p);
	res->mode = m;
	res->n = n;
	if ((m == MODE_CS ? distbound_cs(&p, &res->bound) :
	    distbound_p2p(&p, &res->bound)) < 0)
		errx(1, "the bound: %s", strerror(errno));
	c.timeout_s = x->timeout_s > 0 ? x->timeout_s :
	    4 * res->bound.seconds + 30;
	res->say_start = x->say_start;
	if ((rc = swarmrun_once(&c, res->each, why, sizeof(why))) == 0)
		summarise(res);
	else
		warnx("%s, N=%u: %s", mode_names[m], n, why);
	res->wall = (double)(clock_now_ms() - start) / 1000;
	return rc;
}

/* ---- the programs ---- */

static char snap_dir[PATH_MAX];		/* private copies of the programs */
static const char *const programs[] = { "mt-tracker", "mt-peer" };

/* Copies bin_dir/name into snap_dir, executable.  Returns 0 or -1 (errno). */
static int
copy_program(const char *name)
{
	char src[PATH_MAX], dst[PATH_MAX], buf[65536];
	int in, out, rc = 0;
	ssize_t n = 0;

	if (snprintf(src, sizeof(src), "%s/%s", bin_dir, name) >= (int)sizeof(src) ||
	    snprintf(dst, sizeof(dst), "%s/%s", snap_dir, name) >= (int)sizeof(dst)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((in = open(src, O_RDONLY)) < 0)
		return -1;
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0755)) < 0) {
		close(in);
		return -1;
	}
	while (rc == 0 && (n = read(in, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0, w; rc == 0 && off < n; off += w)
			if ((w = write(out, buf + off, (size_t)(n - off))) < 0)
				rc = -1;
	if (n < 0 || close(out) < 0)
		rc = -1;
	close(in);
	return rc;
}

/* atexit: the private copies go. */
static void
remove_snapshot(void)
{
	char p[PATH_MAX];

	if (snap_dir[0] == '\0')
		return;
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		if (snprintf(p, sizeof(p), "%s/%s", snap_dir, programs[i]) <
		    (int)sizeof(p))
			unlink(p);
	rmdir(snap_dir);
	snap_dir[0] = '\0';
}

/* Runs start private copies of mt-tracker and mt-peer, so that rebuilding
 * the kit during a long sweep neither breaks it nor changes it halfway. */
static void
snapshot_programs(void)
{
	const char *tmp = getenv("TMPDIR");

	if (snprintf(snap_dir, sizeof(snap_dir), "%s/mt-swarm-bin.XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp") >= (int)sizeof(snap_dir) ||
	    mkdtemp(snap_dir) == NULL) {
		snap_dir[0] = '\0';
		err(1, "making a directory for the programs");
	}
	if (atexit(remove_snapshot) != 0)
		errx(1, "atexit failed");
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		if (copy_program(programs[i]) < 0)
			err(1, "copying %s/%s", bin_dir, programs[i]);
	snprintf(bin_dir, sizeof(bin_dir), "%s", snap_dir);
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
		bad_usage("-F and --us are needed, both more than 0");
	if (need_ui && x->ui == 0)
		bad_usage("p2p needs --ui more than 0 (mt-peer reads 0 as "
		    "\"no limit\")");
	if (x->piece_len < 16384 || x->piece_len > (64u << 20) ||
	    (x->piece_len & (x->piece_len - 1)) != 0)
		bad_usage("--piece-length must be a power of two from 16K to "
		    "64M");
	if (x->file > (1ULL << 30))
		bad_usage("-F is too large for an experiment (1 GiB at most)");
}

static int
cmd_run(struct experiment *x)
{
	enum mode m = x->modes == 1 << MODE_CS ? MODE_CS : MODE_P2P;
	struct result res;
	int rc;

	if (x->modes != 1 << MODE_CS && x->modes != 1 << MODE_P2P)
		bad_usage("run needs --mode cs or --mode p2p");
	if (x->n == 0 || x->n > MAX_N)
		bad_usage("run needs -N from 1 to %d", MAX_N);
	check_run_options(x, m == MODE_P2P);
	x->say_start = 1;
	snapshot_programs();
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
	int64_t start = clock_now_ms();
	size_t nflat = 0;
	int rc = 0;

	if (x->nns == 0)
		bad_usage("sweep needs --n, e.g. --n 1,2,4,8");
	check_run_options(x, (x->modes & 1 << MODE_P2P) != 0);
	snapshot_programs();
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
		    (double)(clock_now_ms() - start) / 1000);
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
	if (atexit(swarmrun_kill_all) != 0)
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
		bad_usage("expected bounds, run or sweep");
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
