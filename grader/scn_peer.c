/*
 * scn_peer.c — see scn_peer.h.  Files the programs share are made by the
 * worker (root) in each side's scratch directory and handed to that side's
 * uid; nothing of one side is readable by the other.
 */
#include "scn_peer.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btfake.h"
#include "prng.h"

#define ROLE "student|reference"
#define PEER_DATA "data.bin"

/* The rarest and ties scenarios: one neighbour serves a piece per gap; the
 * picks judged begin margin_ms after the random_first-th piece was sent. */
#define PEER_RANDOM_START \
	{ "serve_gap_ms", LABCONF_INT, "50", 0, 10000, NULL }, \
	{ "random_first", LABCONF_INT, "4", 0, 1000, NULL }, \
	{ "margin_ms", LABCONF_INT, "500", 0, 60000, NULL }, \
	{ "observe_ms", LABCONF_INT, "5000", 100, 600000, NULL }

const struct labconf_param scn_peer_swarm_params[] = {
	PEER_COMMON,
	{ "tracker_prog", LABCONF_STR, "mt-tracker", 0, 0, NULL },
	{ "student", LABCONF_ENUM, "leecher", 0, 0, "leecher|seed" },
	{ "size", LABCONF_INT, "2097152", 1, 1 << 28, NULL },
	{ "piece_length", LABCONF_INT, "65536", 16384, 1 << 24, NULL },
	{ "seeds", LABCONF_INT, "1", 0, 8, NULL },
	{ "leechers", LABCONF_INT, "3", 0, 16, NULL },
	{ "seed_upload_rate", LABCONF_STR, "", 0, 0, NULL },
	{ "churn", LABCONF_ENUM, "none", 0, 0, "none|kill_seeds" },
	{ "stall_ms", LABCONF_INT, "10000", 100, 600000, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

const struct labconf_param scn_peer_rarest_params[] = {
	PEER_COMMON,
	{ "pieces", LABCONF_INT, "256", 16, 65536, NULL },
	{ "rare", LABCONF_INT, "40", 1, 65536, NULL },
	{ "common_peers", LABCONF_INT, "3", 1, 16, NULL },
	PEER_RANDOM_START,
	{ NULL, 0, NULL, 0, 0, NULL },
};

const struct labconf_param scn_peer_liar_params[] = {
	PEER_COMMON,
	{ "pieces", LABCONF_INT, "64", 1, 65536, NULL },
	{ "honest_gap_ms", LABCONF_INT, "20", 0, 10000, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

const struct labconf_param scn_peer_titfortat_params[] = {
	PEER_COMMON,
	PEER_NEIGHBOURS("2048", "25 50 100 200 800 1600", "4"),
	{ "student", LABCONF_ENUM, "leecher", 0, 0, "leecher|seed" },
	{ "fast", LABCONF_INT, "4", 1, 16, NULL },
	{ "optimistic_turns", LABCONF_INT, "2", 0, 16, NULL },
	{ "optimistic_hold", LABCONF_INT, "0", 0, 1, NULL },
	PEER_TIMERS("1000", "2000"),
	{ "warmup_ms", LABCONF_INT, "3000", 0, 600000, NULL },
	{ "observe_ms", LABCONF_INT, "9000", 100, 600000, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

/* Writes n bytes to path (created for uid, or the grader if -1).  0, or -1. */
static int
write_for(const char *path, const void *buf, size_t n, int uid)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), rc = 0;
	const char *p = buf;

	if (fd == -1)
		return -1;
	while (n > 0 && rc == 0) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			rc = -1;
		else
			p += w, n -= (size_t)w;
	}
	if (uid != -1 && fchown(fd, (uid_t)uid, (gid_t)uid) == -1)
		rc = -1;
	return close(fd) == -1 ? -1 : rc;
}

/* Makes dir/sub for uid (or the grader).  Writes its path to out.  0, or -1. */
static int
subdir_for(const char *dir, const char *sub, int uid, char *out, size_t cap)
{
	snprintf(out, cap, "%.4000s/%s", dir, sub);
	if (mkdir(out, 0700) == -1 && errno != EEXIST)
		return -1;
	return uid == -1 ? 0 : chown(out, (uid_t)uid, (gid_t)uid);
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int
read_file(const char *path, struct strbuf *sb)
{
	char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd == -1)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_append(sb, buf, (size_t)n);
	close(fd);
	return n == 0 ? 0 : -1;
}

/* Runs the reference mt-mktorrent on the reference side's data.  0, or -1 (error recorded). */
static int
run_mktorrent(struct scenario_env *env, struct torrent *t, const char *announce)
{
	char args[9000];
	struct sandbox_proc *p;
	const char *hex;

	snprintf(args, sizeof(args), "-a %s -l %u -o %s %s/%s", announce, t->piece_len, t->ref_path,
	    env->ref_scratch, PEER_DATA);
	p = scenario_start(env, "reference", labconf_str(env->test, "mktorrent_prog"), args, NULL, 0);
	if (p == NULL)
		return -1;
	if (sandbox_wait(p, 60000) != 0 || sandbox_read_all(p, 5000) == -1 ||
	    (hex = strstr(strbuf_str(&p->out), "info-hash ")) == NULL) {
		result_error(env->res, "the reference mt-mktorrent failed");
		scenario_note_stderr(env, p);
		return -1;
	}
	hex += 10;
	for (int i = 0; i < 20; i++) {
		int hi = hexval(hex[2 * i]), lo = hi < 0 ? -1 : hexval(hex[2 * i + 1]);

		if (lo < 0) {
			result_error(env->res, "the reference mt-mktorrent printed no info-hash");
			return -1;
		}
		t->info_hash[i] = (uint8_t)(hi * 16 + lo);
	}
	return 0;
}

/*
 * Makes the test's file (size bytes from the test's seed) on the reference
 * side, its torrent, and a copy of the torrent for the student.  0, or -1.
 */
static int
make_torrent(struct scenario_env *env, struct torrent *t, size_t size, uint32_t piece_len,
    const char *announce)
{
	struct prng r;
	struct strbuf tor;
	char path[8400];
	int rc = -1;

	memset(t, 0, sizeof(*t));
	t->len = size;
	t->piece_len = piece_len;
	t->npieces = (uint32_t)((size + piece_len - 1) / piece_len);
	if ((t->data = malloc(size)) == NULL)
		return result_error(env->res, "out of memory"), -1;
	prng_seed(&r, env->seed);
	for (size_t i = 0; i < size; i += 8) {
		uint64_t x = prng_next(&r);

		memcpy(t->data + i, &x, size - i < 8 ? size - i : 8);
	}
	snprintf(path, sizeof(path), "%s/%s", env->ref_scratch, PEER_DATA);
	snprintf(t->ref_path, sizeof(t->ref_path), "%s/test.torrent", env->ref_scratch);
	snprintf(t->path, sizeof(t->path), "%s/test.torrent", env->scratch);
	strbuf_init(&tor);
	if (write_for(path, t->data, size, env->ref_uid) == -1)
		result_error(env->res, "writing the test's file: %s", strerror(errno));
	else if (run_mktorrent(env, t, announce) == 0) {
		if (read_file(t->ref_path, &tor) == -1 || write_for(t->path, tor.data, tor.len, env->uid) == -1)
			result_error(env->res, "copying the torrent: %s", strerror(errno));
		else
			rc = 0;
	}
	strbuf_free(&tor);
	scenario_log(env, "  the test's file: %zu bytes, %u pieces of %u", size, t->npieces, piece_len);
	return rc;
}

/* Writes the test's file into dir for uid, keeping only pieces [0, keep) (all if keep < 0). */
static int
place_data(const struct torrent *t, const char *dir, int uid, long keep)
{
	char path[8400];
	uint8_t *copy;
	int rc;

	snprintf(path, sizeof(path), "%.4000s/%s", dir, PEER_DATA);
	if (keep < 0)
		return write_for(path, t->data, t->len, uid);
	if ((copy = calloc(1, t->len)) == NULL)
		return -1;
	memcpy(copy, t->data, (size_t)keep * t->piece_len < t->len ? (size_t)keep * t->piece_len : t->len);
	rc = write_for(path, copy, t->len, uid);
	free(copy);
	return rc;
}

/* Pieces of the file in dir that are right.  Fills ok[] (one byte per piece) if not NULL. */
static uint32_t
pieces_right(const struct torrent *t, const char *dir, uint8_t *ok)
{
	char path[8400];
	uint8_t *buf = malloc(t->piece_len);
	int fd;
	uint32_t n = 0;

	snprintf(path, sizeof(path), "%.4000s/%s", dir, PEER_DATA);
	if (buf == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		free(buf);
		return 0;
	}
	for (uint32_t i = 0; i < t->npieces; i++) {
		size_t off = (size_t)i * t->piece_len, len = t->len - off < t->piece_len ?
		    t->len - off : t->piece_len;
		int good = pread(fd, buf, len, (off_t)off) == (ssize_t)len &&
		    memcmp(buf, t->data + off, len) == 0;

		n += (uint32_t)good;
		if (ok != NULL)
			ok[i] |= (uint8_t)good;
	}
	close(fd);
	free(buf);
	return n;
}

#define SWARM_MAX 16

struct swarm {
	struct scenario_env *env;
	struct torrent t;
	char dirs[SWARM_MAX][8400];	/* reference leechers' directories */
	struct sandbox_proc *seeds[SWARM_MAX];
	int nseeds, nleech, student_seeds;
	struct sandbox_proc *student;
};

/* Starts a peer of role in dir (seeding if seed).  Returns it, or NULL (failure recorded). */
static struct sandbox_proc *
start_peer(struct scenario_env *env, const struct torrent *t, const char *role, const char *dir,
    int seed, const char *extra)
{
	struct sandbox_proc *p;
	char *args;
	size_t cap = 20000 + (extra ? strlen(extra) : 0);
	int student = scenario_is_student(role);

	if ((args = malloc(cap)) == NULL)
		return NULL;
	snprintf(args, cap, "-q -b 127.0.0.1 -p 0 -o %s%s %s %s %s", dir, seed ? " --seed" : "",
	    extra ? extra : "", labconf_str(env->test, "peer_args"), student ? t->path : t->ref_path);
	if (scenario_start_server(env, &p, role, labconf_str(env->test, "peer_prog"), args, NULL) == -1)
		p = NULL;
	free(args);
	return p;
}

static int
swarm_start(struct swarm *sw, const char *announce)
{
	struct scenario_env *env = sw->env;
	const struct labconf_test *t = env->test;
	char rate[64] = "", name[32], dir[8400];

	if (make_torrent(env, &sw->t, (size_t)labconf_int(t, "size"),
	    (uint32_t)labconf_int(t, "piece_length"), announce) == -1)
		return -1;
	if (*labconf_str(t, "seed_upload_rate"))
		snprintf(rate, sizeof(rate), "--upload-rate %s", labconf_str(t, "seed_upload_rate"));
	sw->student_seeds = strcmp(labconf_str(t, "student"), "seed") == 0;
	sw->nseeds = (int)labconf_int(t, "seeds");
	sw->nleech = (int)labconf_int(t, "leechers");
	for (int i = 0; i < sw->nseeds; i++) {
		snprintf(name, sizeof(name), "seed%d", i);
		if (subdir_for(env->ref_scratch, name, env->ref_uid, dir, sizeof(dir)) == -1 ||
		    place_data(&sw->t, dir, env->ref_uid, -1) == -1)
			return result_error(env->res, "preparing a seed: %s", strerror(errno)), -1;
		if ((sw->seeds[i] = start_peer(env, &sw->t, "reference", dir, 1, rate)) == NULL)
			return -1;
	}
	if (sw->student_seeds && place_data(&sw->t, env->scratch, env->uid, -1) == -1)
		return result_error(env->res, "preparing your seed's data: %s", strerror(errno)), -1;
	if ((sw->student = start_peer(env, &sw->t, "student", env->scratch, sw->student_seeds,
	    sw->student_seeds ? rate : "")) == NULL)
		return -1;
	for (int i = 0; i < sw->nleech; i++) {
		snprintf(name, sizeof(name), "leecher%d", i);
		if (subdir_for(env->ref_scratch, name, env->ref_uid, sw->dirs[i], sizeof(sw->dirs[i])) == -1)
			return result_error(env->res, "preparing a leecher: %s", strerror(errno)), -1;
		if (start_peer(env, &sw->t, "reference", sw->dirs[i], 0, NULL) == NULL)
			return -1;
	}
	return 0;
}

/* With churn: once the leechers together hold every piece, the seeds go. */
static void
churn(struct swarm *sw, int *killed)
{
	uint8_t *ok;
	uint32_t have = 0;

	if (*killed || sw->nseeds == 0 || (ok = calloc(sw->t.npieces, 1)) == NULL)
		return;
	for (int i = 0; i < sw->nleech; i++)
		pieces_right(&sw->t, sw->dirs[i], ok);
	if (!sw->student_seeds)
		pieces_right(&sw->t, sw->env->scratch, ok);
	for (uint32_t i = 0; i < sw->t.npieces; i++)
		have += ok[i];
	free(ok);
	if (have < sw->t.npieces)
		return;
	for (int i = 0; i < sw->nseeds; i++)
		sandbox_stop(sw->seeds[i]);
	*killed = 1;
	scenario_log(sw->env, "  the leechers hold every piece between them: the seeds are killed");
}

/* The leechers that must finish: the student's, or every reference one.  1 when all have. */
static int
swarm_done(struct swarm *sw, uint32_t *worst)
{
	*worst = sw->t.npieces;
	if (!sw->student_seeds) {
		*worst = pieces_right(&sw->t, sw->env->scratch, NULL);
		return *worst == sw->t.npieces;
	}
	for (int i = 0; i < sw->nleech; i++) {
		uint32_t n = pieces_right(&sw->t, sw->dirs[i], NULL);

		if (n < *worst)
			*worst = n;
	}
	return *worst == sw->t.npieces;
}

/*
 * Waits until the leechers that must finish have (returns 1), or the student's
 * peer ended, no piece came for stall ms, or the test's time is nearly up
 * (returns 0).  progress: when the test started (the first stall counts from
 * there).  *worst: the pieces the slowest of them had last; *killed: whether
 * churn killed the seeds.
 */
static int
swarm_wait(struct swarm *sw, long progress, long stall, int *killed, uint32_t *worst)
{
	struct scenario_env *env = sw->env;
	int churning = strcmp(labconf_str(env->test, "churn"), "kill_seeds") == 0;
	uint32_t best = 0;

	while (scenario_left(env) > 1000) {
		if (churning)
			churn(sw, killed);
		if (swarm_done(sw, worst))
			return 1;
		if (sandbox_exited(sw->student))
			return 0;
		if (*worst > best || best == 0) {
			best = *worst > best ? *worst : best;
			progress = *worst > 0 ? sandbox_now_ms() : progress;
		}
		if (sandbox_now_ms() - progress > stall)
			return 0;
		sandbox_idle(250);
	}
	return 0;
}

/* The result of a swarm that did not complete: why, in the student's terms. */
static void
swarm_failed(struct swarm *sw, uint32_t worst, long stall, int killed)
{
	struct scenario_env *env = sw->env;

	if (sandbox_exited(sw->student))
		result_fail(env->res, "your mt-peer ended before the download was complete");
	else
		result_fail(env->res, "%s had %u of %u pieces right, and no more for %ld s (or the "
		    "test's %d s were up)", sw->student_seeds ? "the slowest reference leecher" :
		    "your peer", worst, sw->t.npieces, stall / 1000, env->test->timeout_s);
	if (strcmp(labconf_str(env->test, "churn"), "kill_seeds") == 0)
		scenario_log(env, "  seeds killed: %s", killed ? "yes" : "no (never a full copy)");
}

void
scn_peer_swarm(struct scenario_env *env)
{
	struct swarm sw = { .env = env };
	struct sandbox_proc *tracker;
	char announce[128];
	int port, killed = 0;
	uint32_t worst = 0;
	long start = sandbox_now_ms(), stall = labconf_int(env->test, "stall_ms");

	port = scenario_start_server(env, &tracker, "reference",
	    labconf_str(env->test, "tracker_prog"), "-b 127.0.0.1 -p 0 --interval 2 --seed 1", NULL);
	if (port == -1)
		return;
	snprintf(announce, sizeof(announce), "http://127.0.0.1:%d/announce", port);
	if (swarm_start(&sw, announce) == -1)
		goto out;
	if (swarm_wait(&sw, start, stall, &killed, &worst))
		scenario_log(env, "  complete and byte-identical");
	else
		swarm_failed(&sw, worst, stall, killed);
	if (env->res->status != RESULT_PASS)
		scenario_note_stderr(env, sw.student);
out:
	free(sw.t.data);
}

/* ---- fake neighbours ---- */

/* Adds a fake that has every piece but those flagged in lacks (may be NULL). */
static struct btfake *
add_fake(struct fakes *fk, const struct torrent *t, const char *name, const uint8_t *lacks)
{
	struct btfake *f = &fk->f[fk->n];

	if (fk->n == FAKES_MAX || btfake_init(f, name, t->info_hash, t->npieces, t->piece_len, t->len,
	    t->data) == -1 || btfake_listen(f) == -1)
		return NULL;
	for (uint32_t i = 0; i < t->npieces; i++)
		f->has[i] = lacks == NULL || !lacks[i];
	fk->all[fk->n++] = f;
	return f;
}

static void
free_fakes(struct fakes *fk)
{
	for (size_t i = 0; i < fk->n; i++)
		btfake_free(&fk->f[i]);
}

/* " --peer 127.0.0.1:PORT" for each fake, in the order given. */
static void
peer_list(struct fakes *fk, const size_t *order, struct strbuf *sb)
{
	for (size_t i = 0; i < fk->n; i++)
		strbuf_printf(sb, " --peer 127.0.0.1:%d", fk->f[order ? order[i] : i].port);
}

/* Runs the fakes until every one has been dialled (or 10 s).  Returns how many were. */
static size_t
await_dials(struct scenario_env *env, struct fakes *fk)
{
	long until = sandbox_now_ms() + (scenario_left(env) < 10000 ? scenario_left(env) : 10000);
	size_t n = 0;

	while (sandbox_now_ms() < until) {
		n = 0;
		for (size_t i = 0; i < fk->n; i++)
			n += fk->f[i].got_handshake;
		if (n == fk->n)
			break;
		btfake_run(fk->all, fk->n, sandbox_now_ms() + 50);
	}
	scenario_log(env, "  your peer connected to %zu of %zu fake neighbours", n, fk->n);
	return n;
}

/* The time the holder sent its k-th piece (1-based), or -1. */
static long
kth_piece(const struct btfake *f, size_t k)
{
	for (size_t i = 0; i < f->nev; i++)
		if (f->ev[i].kind == BTFAKE_PIECE_SENT && --k == 0)
			return f->ev[i].ms;
	return -1;
}

/* Chooses `rare` distinct pieces of n at random (from the test's seed). */
static uint8_t *
pick_rare(struct scenario_env *env, uint32_t n, uint32_t rare)
{
	uint8_t *r = calloc(n, 1);
	struct prng g;

	if (r == NULL)
		return NULL;
	prng_seed(&g, prng_derive(env->seed, "rare"));
	for (uint32_t k = 0; k < rare && k < n; k++) {
		uint32_t i;

		do
			i = (uint32_t)prng_below(&g, n);
		while (r[i]);
		r[i] = 1;
	}
	return r;
}

/*
 * The end of the random start: margin_ms after the holder sent its
 * random_first-th piece.  Marks in asked[] the pieces requested before then.
 * Returns that time, or -1 (failure recorded: the random start never ended).
 */
static long
random_start_end(struct scenario_env *env, const struct btfake *holder, uint8_t *asked)
{
	const struct labconf_test *t = env->test;
	long first = kth_piece(holder, (size_t)labconf_int(t, "random_first"));

	if (first == -1) {
		result_fail(env->res, "your peer did not download its first %ld pieces from the one "
		    "neighbour that unchoked it", labconf_int(t, "random_first"));
		return -1;
	}
	first += labconf_int(t, "margin_ms");
	for (size_t i = 0; i < holder->nev; i++)
		if (holder->ev[i].kind == BTFAKE_REQUEST && holder->ev[i].ms < first)
			asked[holder->ev[i].piece] = 1;
	return first;
}

/* The first piece that is rare and not yet asked for (n if none). */
static uint32_t
first_rare_unasked(const uint8_t *rare, const uint8_t *asked, uint32_t n)
{
	uint32_t r = 0;

	while (r < n && !(rare[r] && !asked[r]))
		r++;
	return r;
}

/*
 * Judges the holder's requests: once `random_first` pieces were sent (plus
 * margin), every piece the student starts must be rare while a rare piece is
 * still unrequested.
 */
static void
judge_rarest(struct scenario_env *env, const struct btfake *holder, const uint8_t *rare,
    uint32_t n, int common)
{
	uint8_t *asked = calloc(n, 1);
	uint32_t left = 0, seen = 0, need;
	long first;

	if (asked == NULL || (first = random_start_end(env, holder, asked)) == -1)
		goto out;
	for (uint32_t i = 0; i < n; i++)
		left += rare[i] && !asked[i];
	for (size_t i = 0; i < holder->nev && seen < left; i++) {
		const struct btfake_event *e = &holder->ev[i];

		if (e->kind != BTFAKE_REQUEST || e->ms < first || asked[e->piece])
			continue;
		asked[e->piece] = 1;
		seen++;
		if (!rare[e->piece]) {
			uint32_t r = first_rare_unasked(rare, asked, n);

			result_fail(env->res, "once it had its first pieces, your peer started piece %u, which "
			    "%d neighbours have, while piece %u, which only 1 has, was not yet asked for "
			    "(new piece %u after the random start)", e->piece, common + 1, r, seen);
			goto out;
		}
	}
	need = left < 8 ? left : 8;
	if (seen < need)
		result_fail(env->res, "your peer started only %u new pieces after its first ones within "
		    "the test's time: too few to see how it picks", seen);
	else
		scenario_log(env, "  after the random start: %u new pieces, all rare (%u rare ones left then)",
		    seen, left);
out:
	free(asked);
}

void
scn_peer_rarest(struct scenario_env *env)
{
	const struct labconf_test *t = env->test;
	uint32_t n = (uint32_t)labconf_int(t, "pieces");
	int common = (int)labconf_int(t, "common_peers");
	struct fakes fk = { .n = 0 };
	struct torrent tor;
	struct btfake *holder;
	struct strbuf peers;
	uint8_t *rare = NULL;
	char name[24];

	strbuf_init(&peers);
	if (make_torrent(env, &tor, (size_t)n * 16384, 16384, "http://127.0.0.1:9/announce") == -1)
		goto out;
	if ((rare = pick_rare(env, n, (uint32_t)labconf_int(t, "rare"))) == NULL ||
	    (holder = add_fake(&fk, &tor, "holder", NULL)) == NULL) {
		result_error(env->res, "setting up the fake neighbours failed");
		goto out;
	}
	holder->unchoke = 1;
	holder->serve_gap_ms = labconf_int(t, "serve_gap_ms");
	for (int i = 0; i < common; i++) {
		snprintf(name, sizeof(name), "common%d", i);
		if (add_fake(&fk, &tor, name, rare) == NULL) {
			result_error(env->res, "setting up the fake neighbours failed");
			goto out;
		}
	}
	strbuf_printf(&env->res->sent, "%u pieces; %ld held by one neighbour only (which unchokes you), "
	    "the rest by %d more (which never do)", n, labconf_int(t, "rare"), common);
	peer_list(&fk, NULL, &peers);
	if (start_peer(env, &tor, "student", env->scratch, 0, strbuf_str(&peers)) == NULL)
		goto out;
	if (await_dials(env, &fk) < fk.n)
		result_fail(env->res, "your peer did not connect to every --peer it was given");
	else {
		btfake_run(fk.all, fk.n, sandbox_now_ms() + labconf_int(t, "observe_ms"));
		judge_rarest(env, holder, rare, n, common);
	}
out:
	free_fakes(&fk);
	free(rare);
	free(tor.data);
	strbuf_free(&peers);
}

/* Blocks of kind (PIECE_SENT: f to the student; PIECE_GOT: the student to f), in bytes per second. */
static double
block_rate(const struct btfake *f, enum btfake_ev kind)
{
	size_t n = 0;
	long first = -1, last = 0;

	for (size_t i = 0; i < f->nev; i++) {
		if (f->ev[i].kind != kind)
			continue;
		if (first < 0)
			first = f->ev[i].ms;
		last = f->ev[i].ms;
		n++;
	}
	if (n < 2)
		return 0;
	return (double)n * f->piece_len * 1000.0 / (double)(last - first + 1);
}

/* Describes who was unchoked at ms: "up1 up2 silent3". */
static void
unchoked_set(const struct fakes *fk, long ms, struct strbuf *sb)
{
	for (size_t i = 0; i < fk->n; i++)
		if (btfake_unchoked_at(&fk->f[i], ms))
			strbuf_printf(sb, " %s", fk->f[i].name);
}

/*
 * The course's rule (four plus one): a neighbour that is not interested has
 * no use for a slot, regular or optimistic, so it is never unchoked.  (BEP 3
 * unchokes fast uninterested peers: the handout says how the course differs.)
 */
static void
judge_uninterested(struct scenario_env *env, const struct fakes *fk, long start)
{
	for (size_t i = 0; i < fk->n; i++) {
		const struct btfake *f = &fk->f[i];

		for (size_t k = 0; !f->interested && k < f->nev; k++) {
			if (f->ev[k].kind != BTFAKE_UNCHOKE)
				continue;
			result_fail(env->res, "%.1f s after it started, your peer unchoked %s, which "
			    "never said it was interested: only interested peers get a slot",
			    (double)(f->ev[k].ms - start) / 1000, f->name);
			return;
		}
	}
}

/*
 * With optimistic_hold: the optimistic unchoke stays with its peer for the
 * whole optimistic interval, so over the window it moves to another peer at
 * most once per interval (plus one, for where the window starts).  A choker
 * that draws again at every rechoke moves it at nearly every sample.  other[k]
 * is the one peer unchoked besides the top ones in sample k, or -1.
 */
#define HOLD_SAMPLES 4096	/* rechoke intervals judge_hold looks at */

static void
judge_hold(struct scenario_env *env, const long *other, int n, long window)
{
	long opt = labconf_int(env->test, "optimistic_ms");
	long most = window / opt + 1, moves = 0, last = -1;

	if (!labconf_int(env->test, "optimistic_hold"))
		return;
	for (int k = 0; k < n; k++) {
		if (other[k] < 0)
			continue;
		moves += last >= 0 && other[k] != last;
		last = other[k];
	}
	if (moves > most)
		result_fail(env->res, "the optimistic unchoke went to another peer %ld times in "
		    "%.1f s, with --optimistic-interval %ld ms: at most %ld; keep the optimistic "
		    "peer until the optimistic interval is over (not a new draw at every rechoke)",
		    moves, (double)window / 1000, opt, most);
}

/*
 * Who the student's peer unchoked at ms: *held, how many of the top ones
 * (top[i]); returns how many others, marking each in others[] and the last
 * in *one (-1: none).
 */
static size_t
unchoked_sample(const struct fakes *fk, const uint8_t *top, long ms, uint8_t *others,
    size_t *held, long *one)
{
	size_t extra = 0;

	*held = 0;
	*one = -1;
	for (size_t i = 0; i < fk->n; i++) {
		int u = btfake_unchoked_at(&fk->f[i], ms);

		if (top[i])
			*held += (size_t)u;
		else if (u) {
			extra++;
			others[i] = 1;
			*one = (long)i;
		}
	}
	return extra;
}

/*
 * Samples who is unchoked in the middle of each rechoke interval of the
 * window: the fakes flagged in top must hold the regular slots (in 80% of
 * the samples at least), at most one other peer may be unchoked at a time
 * (the optimistic unchoke), and over the window at least optimistic_turns
 * others must have had their turn (it rotates).  rank says what top ranks by.
 */
static void
judge_titfortat(struct scenario_env *env, const struct fakes *fk, const uint8_t *top,
    const char *rank, long from, long to)
{
	long step = labconf_int(env->test, "rechoke_ms");
	int samples = 0, good = 0;
	uint8_t others[FAKES_MAX] = { 0 };
	size_t turns = 0, fast = 0;
	long other[HOLD_SAMPLES];
	struct strbuf where;

	strbuf_init(&where);
	for (size_t i = 0; i < fk->n; i++)
		fast += top[i];
	for (long ms = from + step / 2; ms < to; ms += step) {
		size_t held;
		long one;
		size_t extra = unchoked_sample(fk, top, ms, others, &held, &one);

		if (samples < HOLD_SAMPLES)
			other[samples] = extra == 1 ? one : -1;
		samples++;
		good += held == fast;
		if (extra > 1 && env->res->status == RESULT_PASS) {
			strbuf_printf(&where, "%.1f s in, your peer unchoked:", (double)(ms - from) / 1000);
			unchoked_set(fk, ms, &where);
			result_fail(env->res, "%s: more than one peer besides the %zu that %s (one "
			    "optimistic unchoke at a time)", strbuf_str(&where), fast, rank);
		}
	}
	for (size_t i = 0; i < fk->n; i++)
		turns += others[i];
	if (good * 5 < samples * 4) {
		strbuf_reset(&where);
		unchoked_set(fk, to - step / 2, &where);
		result_fail(env->res, "the %zu neighbours that %s held its regular unchoke slots in "
		    "only %d of %d rechoke intervals (at the end it unchoked:%s)", fast, rank, good,
		    samples, where.len ? strbuf_str(&where) : " nobody");
	}
	if (turns < (size_t)labconf_int(env->test, "optimistic_turns"))
		result_fail(env->res, "besides the %zu that %s, %zu peer%s unchoked in %ld s: "
		    "the optimistic unchoke must go to another peer every optimistic interval",
		    fast, rank, turns, turns == 1 ? " was" : "s were", (to - from) / 1000);
	judge_hold(env, other, samples < HOLD_SAMPLES ? samples : HOLD_SAMPLES, to - from);
	strbuf_free(&where);
}

/* Whether every word of list is a whole number from 1 to max. */
static int
numbers_in(const char *list, long max)
{
	const char *p = list;

	for (;;) {
		char *end;
		long v;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			return 1;
		v = strtol(p, &end, 10);
		if (end == p || (*end != ' ' && *end != '\0') || v < 1 || v > max)
			return 0;
		p = end;
	}
}

/* Whether the number k is a word of list (checked by numbers_in). */
static int
number_listed(const char *list, long k)
{
	for (const char *p = list; *p != '\0';) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			return 0;
		if (v == k)
			return 1;
		p = end;
	}
	return 0;
}

/* The i-th fake of add_paced (1 on), with the gap w from lab.conf.
 * Returns 0, or -1 (the result says why). */
static int
add_one_paced(struct scenario_env *env, struct fakes *fk, const struct torrent *tor,
    const uint8_t *lacks, int take, const char *w, int i)
{
	const char *param = take ? "take_gaps_ms" : "upload_gaps_ms";
	struct btfake *f;
	char *end, name[32];
	long gap = strtol(w, &end, 10);
	int cold = !take && number_listed(labconf_str(env->test, "uninterested"), i);

	snprintf(name, sizeof(name), "%s%d", take ? "take" : "up", i);
	if (*end != '\0' || gap < take || gap > 60000) {
		result_error(env->res, "lab.conf: %s: '%s' is not a gap in milliseconds, %d to "
		    "60000", param, w, take);
		return -1;
	}
	if ((f = add_fake(fk, tor, name, cold ? NULL : lacks)) == NULL)
		return -1;
	f->interested = !cold;
	f->unchoke = !take;
	f->serve_gap_ms = take ? 0 : gap;
	f->take_gap_ms = take ? gap : 0;
	strbuf_printf(&env->res->sent, "%s%s %s a 16 KiB piece every %s ms%s",
	    env->res->sent.len ? "; " : "", name, take ? "asks your peer for" : "sends",
	    w, cold ? ", has every piece and is not interested" : "");
	return 0;
}

/*
 * Adds a fake per word of upload_gaps_ms ("upN": sends the student a 16 KiB
 * piece per gap; not interested if N is listed in `uninterested`, and then
 * it has every piece) or, if take, of take_gaps_ms ("takeN": asks the
 * student for a piece per gap).  Says so in the result.  0, or -1.
 */
static int
add_paced(struct scenario_env *env, struct fakes *fk, const struct torrent *tor,
    const uint8_t *lacks, int take)
{
	const char *param = take ? "take_gaps_ms" : "upload_gaps_ms";
	char *gaps = strdup(labconf_str(env->test, param));
	int i = 0, rc = gaps == NULL ? -1 : 0;

	for (char *w = gaps ? strtok(gaps, " ") : NULL; w != NULL && rc == 0; w = strtok(NULL, " "))
		rc = add_one_paced(env, fk, tor, lacks, take, w, ++i);
	free(gaps);
	return rc;
}

/*
 * Adds the uploaders (unless the student seeds), the takers, then the silent
 * ones (interested, nothing sent or asked).
 */
static int
add_titfortat_fakes(struct scenario_env *env, struct fakes *fk, const struct torrent *tor,
    const uint8_t *lacks, int seed)
{
	long silent = labconf_int(env->test, "silent");
	char name[32];

	if (!seed && add_paced(env, fk, tor, lacks, 0) == -1)
		return -1;	/* a seed downloads nothing: no uploaders */
	if (!numbers_in(labconf_str(env->test, "uninterested"), (long)fk->n)) {
		result_error(env->res, "lab.conf: uninterested: each word must be an uploader's number, "
		    "1 to %zu", fk->n);
		return -1;
	}
	if (add_paced(env, fk, tor, lacks, 1) == -1)
		return -1;
	for (long k = 0; k < silent; k++) {
		snprintf(name, sizeof(name), "silent%ld", k + 1);
		if (add_fake(fk, tor, name, lacks) == NULL)
			return -1;
		fk->f[fk->n - 1].interested = 1;
	}
	strbuf_printf(&env->res->sent, "%s%ld more neighbours send and ask nothing; all are interested "
	    "unless said", env->res->sent.len ? "; " : "", silent);
	return 0;
}

/*
 * Flags in top the `fast` neighbours that must hold the regular slots: the
 * first interested uploaders (listed fastest first) when the student
 * leeches, the first takers when it seeds.  0, or -1 if there are fewer.
 */
static int
expected_top(const struct fakes *fk, int seed, size_t fast, uint8_t *top)
{
	size_t k = 0;

	for (size_t i = 0; i < fk->n; i++) {
		const struct btfake *f = &fk->f[i];

		top[i] = f->interested && (seed ? f->take_gap_ms > 0 : f->unchoke) && k < fast;
		k += top[i];
	}
	return k == fast ? 0 : -1;
}

int
scn_peer_start_among(struct scenario_env *env, struct fakes *fk, const struct torrent *tor,
    int seed, const char *extra)
{
	size_t order[FAKES_MAX];
	struct strbuf args;
	int rc = -1;

	strbuf_init(&args);
	strbuf_printf(&args, "%s", extra);
	for (size_t i = 0; i < fk->n; i++)
		order[i] = fk->n - 1 - i;	/* slowest first: connection order must not help */
	peer_list(fk, order, &args);
	if (start_peer(env, tor, "student", env->scratch, seed, strbuf_str(&args)) == NULL)
		goto out;
	if (await_dials(env, fk) < fk->n)
		result_fail(env->res, "your peer did not connect to every --peer it was given");
	else
		rc = 0;
out:
	strbuf_free(&args);
	return rc;
}

/* Starts the student's peer among the fakes, with the test's rechoke timers. */
static int
titfortat_start(struct scenario_env *env, struct fakes *fk, const struct torrent *tor, int seed)
{
	char timers[128];

	snprintf(timers, sizeof(timers), "--rechoke-interval %ldms --optimistic-interval %ldms",
	    labconf_int(env->test, "rechoke_ms"), labconf_int(env->test, "optimistic_ms"));
	return scn_peer_start_among(env, fk, tor, seed, timers);
}

void
scn_peer_titfortat(struct scenario_env *env)
{
	const struct labconf_test *t = env->test;
	uint32_t n = (uint32_t)labconf_int(t, "pieces"), own = (uint32_t)labconf_int(t, "own");
	int seed = strcmp(labconf_str(t, "student"), "seed") == 0;
	struct fakes fk = { .n = 0 };
	uint8_t top[FAKES_MAX];
	struct torrent tor;
	uint8_t *lacks = calloc(n, 1);
	long start = sandbox_now_ms(), from;

	tor.data = NULL;
	if (lacks == NULL || make_torrent(env, &tor, (size_t)n * 16384, 16384,
	    "http://127.0.0.1:9/announce") == -1)
		goto out;
	for (uint32_t i = 0; i < n && (seed || i < own); i++)
		lacks[i] = 1;	/* the neighbours lack the student's pieces: they want them */
	if (add_titfortat_fakes(env, &fk, &tor, lacks, seed) == -1 ||
	    place_data(&tor, env->scratch, env->uid, seed ? -1 : (long)own) == -1) {
		result_error(env->res, "setting up the fake neighbours failed");
		goto out;
	}
	if (expected_top(&fk, seed, (size_t)labconf_int(t, "fast"), top) == -1) {
		result_error(env->res, "lab.conf: fewer interested %s than fast = %ld",
		    seed ? "takers" : "uploaders", labconf_int(t, "fast"));
		goto out;
	}
	if (titfortat_start(env, &fk, &tor, seed) == -1)
		goto out;
	from = sandbox_now_ms() + labconf_int(t, "warmup_ms");
	btfake_run(fk.all, fk.n, from + labconf_int(t, "observe_ms"));
	for (size_t i = 0; i < fk.n; i++)
		scenario_log(env, "  %s: uploaded %.0f KB/s to your peer, took %.0f KB/s from it",
		    fk.f[i].name, block_rate(&fk.f[i], BTFAKE_PIECE_SENT) / 1000,
		    block_rate(&fk.f[i], BTFAKE_PIECE_GOT) / 1000);
	judge_uninterested(env, &fk, start);
	judge_titfortat(env, &fk, top, seed ? "take data from your peer fastest" :
	    "upload to your peer fastest", from, from + labconf_int(t, "observe_ms"));
out:
	free_fakes(&fk);
	free(lacks);
	free(tor.data);
}

/*
 * Two fake neighbours unchoke the student: a fast one that sends wrong bytes
 * in every piece, and a slower honest one.  The student's copy must end
 * byte-identical: each piece checked with SHA-1, the bad ones fetched again.
 */
void
scn_peer_liar(struct scenario_env *env)
{
	const struct labconf_test *t = env->test;
	uint32_t n = (uint32_t)labconf_int(t, "pieces"), right = 0;
	struct fakes fk = { .n = 0 };
	struct btfake *liar, *honest;
	struct torrent tor;
	struct strbuf peers;

	strbuf_init(&peers);
	if (make_torrent(env, &tor, (size_t)n * 16384, 16384, "http://127.0.0.1:9/announce") == -1)
		goto out;
	if ((liar = add_fake(&fk, &tor, "liar", NULL)) == NULL ||
	    (honest = add_fake(&fk, &tor, "honest", NULL)) == NULL) {
		result_error(env->res, "setting up the fake neighbours failed");
		goto out;
	}
	liar->unchoke = liar->lie = 1;
	honest->unchoke = 1;
	honest->serve_gap_ms = labconf_int(t, "honest_gap_ms");
	strbuf_printf(&env->res->sent, "%u pieces from two neighbours: one fast that corrupts one byte "
	    "of every piece, one slower and honest", n);
	peer_list(&fk, NULL, &peers);
	if (start_peer(env, &tor, "student", env->scratch, 0, strbuf_str(&peers)) == NULL)
		goto out;
	for (long progress = sandbox_now_ms(); scenario_left(env) > 1000 &&
	    sandbox_now_ms() - progress < 10000;) {
		uint32_t now_right = pieces_right(&tor, env->scratch, NULL);

		if (now_right > right)
			progress = sandbox_now_ms();
		if ((right = now_right) == n)
			break;
		btfake_run(fk.all, fk.n, sandbox_now_ms() + 250);
	}
	if (right < n)
		result_fail(env->res, "%u of %u pieces of your peer's copy were right, and no more came "
		    "for 10 s: the session checks each piece's SHA-1 and asks for a bad one again, "
		    "trusting the index, begin and block your decoder gives it", right, n);
out:
	free_fakes(&fk);
	free(tor.data);
	strbuf_free(&peers);
}

/* ---- malformed messages, and ties ---- */

const struct labconf_param scn_peer_malformed_params[] = {
	PEER_COMMON,
	{ "pieces", LABCONF_INT, "64", 8, 65536, NULL },
	{ "send", LABCONF_WORDS, "have_long request_short", 0, 0, NULL },
	{ "within_ms", LABCONF_INT, "10000", 100, 600000, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

const struct labconf_param scn_peer_ties_params[] = {
	PEER_COMMON,
	{ "pieces", LABCONF_INT, "256", 64, 65536, NULL },
	PEER_RANDOM_START,
	{ "picks", LABCONF_INT, "16", 4, 1000, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

/* A malformed message a fake neighbour sends after its greeting. */
struct bad_msg {
	const char *name, *what;
	uint32_t len;		/* the length prefix */
	uint8_t id;
	int index;		/* payload: 0: piece 0; 1: npieces (just past the end);
				 * 2: 0x40000000 (far past it) */
};

static const struct bad_msg bad_msgs[] = {
	{ "have_long", "a have of length 8 (7 bytes of payload, not 4)", 8, 4, 0 },
	{ "request_short", "a request of length 9 (no length field)", 9, 6, 0 },
	{ "have_past_end", "a have for the piece just past the last one", 5, 4, 1 },
	{ "have_far", "a have for piece 0x40000000", 5, 4, 2 },
	{ "request_past_end", "a request for the piece just past the last one", 13, 6, 1 },
	{ "have_ok", "a well-formed have for piece 0", 5, 4, 0 },
};

/* Fills out (17 bytes at most) with m's bytes for n pieces.  Returns its length. */
static size_t
bad_bytes(const struct bad_msg *m, uint32_t n, uint8_t out[17])
{
	uint32_t index = m->index == 0 ? 0 : m->index == 1 ? n : 0x40000000u;
	uint32_t len = m->len;

	memset(out, 0, 17);
	for (int i = 0; i < 4; i++) {
		out[i] = (uint8_t)(len >> (24 - 8 * i));
		out[5 + i] = (uint8_t)(index >> (24 - 8 * i));
	}
	out[4] = m->id;
	if (m->id == 6 && len == 13)
		out[16] = 1;	/* a 1-byte block; begin 0 */
	return 4 + len;
}

static const struct bad_msg *
bad_msg_named(const char *name)
{
	for (size_t i = 0; i < sizeof(bad_msgs) / sizeof(bad_msgs[0]); i++)
		if (strcmp(bad_msgs[i].name, name) == 0)
			return &bad_msgs[i];
	return NULL;
}

/*
 * Adds the honest neighbour (every piece, unchokes), the control (nothing; a
 * well-formed have) and one neighbour per message of `send`; bad[i] is what
 * fake i + 1 sends, its bytes in bytes[i].  0, or -1 (error recorded).
 */
static int
add_malformed_fakes(struct scenario_env *env, struct fakes *fk, const struct torrent *tor,
    const struct bad_msg **bad, uint8_t (*bytes)[17])
{
	char *words = strdup(labconf_str(env->test, "send")), name[32];
	struct btfake *f;
	size_t k = 0;

	bad[k++] = bad_msg_named("have_ok");
	for (char *w = words ? strtok(words, " ") : NULL; w != NULL; w = strtok(NULL, " ")) {
		if ((bad[k] = bad_msg_named(w)) == NULL || bad[k] == bad[0] || k + 2 >= FAKES_MAX) {
			result_error(env->res, "lab.conf: send: '%s' is not one of have_long "
			    "request_short have_past_end have_far request_past_end (once each)", w);
			free(words);
			return -1;
		}
		k++;
	}
	free(words);
	if ((f = add_fake(fk, tor, "honest", NULL)) == NULL)
		return result_error(env->res, "setting up the fake neighbours failed"), -1;
	f->unchoke = 1;
	for (size_t i = 0; i < k; i++) {
		if (i == 0)
			snprintf(name, sizeof(name), "control");
		else
			snprintf(name, sizeof(name), "bad%zu", i);
		if ((f = add_fake(fk, tor, name, NULL)) == NULL)
			return result_error(env->res, "setting up the fake neighbours failed"), -1;
		memset(f->has, 0, tor->npieces);
		f->after_greet = bytes[i];
		f->after_greet_len = bad_bytes(bad[i], tor->npieces, bytes[i]);
		if (i > 0)
			strbuf_printf(&env->res->sent, "; a neighbour sends %s", bad[i]->what);
	}
	return 0;
}

/* Whether every bad neighbour was dropped and the copy is complete. */
static int
malformed_done(const struct fakes *fk, const struct torrent *tor, const char *dir)
{
	for (size_t i = 2; i < fk->n; i++)
		if (!fk->f[i].student_closed)
			return 0;
	return pieces_right(tor, dir, NULL) == tor->npieces;
}

static void
judge_malformed(struct scenario_env *env, struct sandbox_proc *p, const struct fakes *fk,
    const struct bad_msg **bad, const struct torrent *tor)
{
	uint32_t right = pieces_right(tor, env->scratch, NULL);
	struct strbuf sb;

	strbuf_init(&sb);
	if (sandbox_exited(p)) {
		sandbox_describe_exit(p, &sb);
		result_fail(env->res, "your mt-peer %s while neighbours sent it malformed messages: "
		    "a malformed message ends that one connection, never the program", strbuf_str(&sb));
		strbuf_free(&sb);
		return;
	}
	for (size_t i = 2; i < fk->n; i++)
		if (!fk->f[i].student_closed)
			strbuf_printf(&sb, "%s%s", sb.len ? "; " : "", bad[i - 1]->what);
	if (sb.len > 0)
		result_fail(env->res, "your peer went on talking to %s sent %s (for %ld s): a "
		    "message your decoder must refuse ends that connection", strchr(sb.data, ';') ?
		    "each neighbour that" : "the neighbour that", strbuf_str(&sb),
		    labconf_int(env->test, "within_ms") / 1000);
	else if (fk->f[1].student_closed)
		result_fail(env->res, "your peer dropped a neighbour that sent only well-formed "
		    "messages (its handshake, an empty bitfield, %s)", bad[0]->what);
	else if (right < tor->npieces)
		result_fail(env->res, "your peer dropped the bad neighbours but had only %u of %u "
		    "pieces right from the honest one: it must keep working with the others",
		    right, tor->npieces);
	else
		scenario_log(env, "  every bad neighbour dropped, the control kept, the copy complete");
	strbuf_free(&sb);
}

/*
 * Neighbours that send the student's peer one malformed message each, a
 * control that sends a well-formed one, and an honest neighbour that serves
 * the file: the bad ones must be dropped, the control kept, the copy
 * completed, and the program must not end.
 */
void
scn_peer_malformed(struct scenario_env *env)
{
	uint32_t n = (uint32_t)labconf_int(env->test, "pieces");
	struct fakes fk = { .n = 0 };
	const struct bad_msg *bad[FAKES_MAX];
	uint8_t bytes[FAKES_MAX][17];
	struct torrent tor;
	struct strbuf peers;
	struct sandbox_proc *p;
	long until;

	strbuf_init(&peers);
	if (make_torrent(env, &tor, (size_t)n * 16384, 16384, "http://127.0.0.1:9/announce") == -1)
		goto out;
	strbuf_printf(&env->res->sent, "%u pieces from an honest neighbour", n);
	if (add_malformed_fakes(env, &fk, &tor, bad, bytes) == -1)
		goto out;
	peer_list(&fk, NULL, &peers);
	if ((p = start_peer(env, &tor, "student", env->scratch, 0, strbuf_str(&peers))) == NULL)
		goto out;
	if (await_dials(env, &fk) < fk.n) {
		result_fail(env->res, "your peer did not connect to every --peer it was given");
		goto out;
	}
	until = sandbox_now_ms() + labconf_int(env->test, "within_ms");
	while (sandbox_now_ms() < until && scenario_left(env) > 1000 && !sandbox_exited(p) &&
	    !malformed_done(&fk, &tor, env->scratch))
		btfake_run(fk.all, fk.n, sandbox_now_ms() + 250);
	judge_malformed(env, p, &fk, bad, &tor);
	if (env->res->status != RESULT_PASS)
		scenario_note_stderr(env, p);
out:
	free_fakes(&fk);
	free(tor.data);
	strbuf_free(&peers);
}

/* The lowest (dir 1) or highest (dir -1) piece of n not yet asked, or n. */
static uint32_t
unasked_end(const uint8_t *asked, uint32_t n, int dir)
{
	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = dir > 0 ? k : n - 1 - k;

		if (!asked[i])
			return i;
	}
	return n;
}

/*
 * One neighbour has every piece, so every piece is as rare as any other.
 * Of the first `picks` pieces started after the random start (as in
 * judge_rarest), a picker that chooses at random among M >= 200 equals takes
 * the lowest- (or highest-) numbered one not yet started with probability
 * 1/M each time: half of them or more says it breaks ties by position.
 */
static void
judge_ties(struct scenario_env *env, const struct btfake *holder, uint32_t n)
{
	uint32_t picks = (uint32_t)labconf_int(env->test, "picks"), seen = 0, low = 0, high = 0, left = 0;
	uint8_t *asked = calloc(n, 1);
	long first;

	if (asked == NULL || (first = random_start_end(env, holder, asked)) == -1)
		goto out;
	for (uint32_t i = 0; i < n; i++)
		left += !asked[i];
	for (size_t i = 0; i < holder->nev && seen < picks; i++) {
		const struct btfake_event *e = &holder->ev[i];

		if (e->kind != BTFAKE_REQUEST || e->ms < first || asked[e->piece])
			continue;
		low += e->piece == unasked_end(asked, n, 1);
		high += e->piece == unasked_end(asked, n, -1);
		asked[e->piece] = 1;
		seen++;
	}
	if (seen < picks)
		result_fail(env->res, "your peer started only %u new pieces after its first ones within "
		    "the test's time: too few to see how it breaks ties", seen);
	else if (2 * low >= seen || 2 * high >= seen)
		result_fail(env->res, "every piece was equally rare, and of the first %u pieces your "
		    "peer started after its random start, %u were the %s-numbered one not yet started: "
		    "choose at random among equally rare pieces", seen, low > high ? low : high,
		    low > high ? "lowest" : "highest");
	else
		scenario_log(env, "  after the random start (%u pieces not yet started): %u new pieces, "
		    "%u the lowest left, %u the highest left", left, seen, low, high);
out:
	free(asked);
}

void
scn_peer_ties(struct scenario_env *env)
{
	const struct labconf_test *t = env->test;
	uint32_t n = (uint32_t)labconf_int(t, "pieces");
	struct fakes fk = { .n = 0 };
	struct torrent tor;
	struct btfake *holder;
	struct strbuf peers;

	strbuf_init(&peers);
	if (make_torrent(env, &tor, (size_t)n * 16384, 16384, "http://127.0.0.1:9/announce") == -1)
		goto out;
	if ((holder = add_fake(&fk, &tor, "holder", NULL)) == NULL) {
		result_error(env->res, "setting up the fake neighbour failed");
		goto out;
	}
	holder->unchoke = 1;
	holder->serve_gap_ms = labconf_int(t, "serve_gap_ms");
	strbuf_printf(&env->res->sent, "%u pieces, all held by one neighbour (which unchokes you), "
	    "so all equally rare", n);
	peer_list(&fk, NULL, &peers);
	if (start_peer(env, &tor, "student", env->scratch, 0, strbuf_str(&peers)) == NULL)
		goto out;
	if (await_dials(env, &fk) < fk.n)
		result_fail(env->res, "your peer did not connect to the --peer it was given");
	else {
		btfake_run(fk.all, fk.n, sandbox_now_ms() + labconf_int(t, "observe_ms"));
		judge_ties(env, holder, n);
	}
out:
	free_fakes(&fk);
	free(tor.data);
	strbuf_free(&peers);
}

/* ---- for the other peer scenarios (scn_blocks.c, scn_snub.c: see
 * scn_peer.h) ---- */

int
scn_peer_make_torrent(struct scenario_env *env, struct torrent *t, size_t size, uint32_t piece_len)
{
	return make_torrent(env, t, size, piece_len, "http://127.0.0.1:9/announce");
}

int
scn_peer_place_data(const struct torrent *t, const char *dir, int uid, long keep)
{
	return place_data(t, dir, uid, keep);
}

struct btfake *
scn_peer_add_fake(struct fakes *fk, const struct torrent *t, const char *name, const uint8_t *lacks)
{
	return add_fake(fk, t, name, lacks);
}

void
scn_peer_free_fakes(struct fakes *fk)
{
	free_fakes(fk);
}

struct sandbox_proc *
scn_peer_start_student(struct scenario_env *env, const struct torrent *t, struct fakes *fk,
    const char *extra)
{
	struct strbuf args;
	struct sandbox_proc *p;

	strbuf_init(&args);
	peer_list(fk, NULL, &args);
	strbuf_printf(&args, " %s", extra ? extra : "");
	p = start_peer(env, t, "student", env->scratch, 0, strbuf_str(&args));
	strbuf_free(&args);
	return p;
}

size_t
scn_peer_await_dials(struct scenario_env *env, struct fakes *fk)
{
	return await_dials(env, fk);
}

int
scn_peer_read_file(const char *path, struct strbuf *sb)
{
	return read_file(path, sb);
}

uint32_t
scn_peer_pieces_right(const struct torrent *t, const char *dir)
{
	return pieces_right(t, dir, NULL);
}

int
scn_peer_add_neighbours(struct scenario_env *env, struct fakes *fk, const struct torrent *tor,
    const uint8_t *lacks, int seed)
{
	return add_titfortat_fakes(env, fk, tor, lacks, seed);
}
