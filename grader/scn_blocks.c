/*
 * scn_blocks.c — see scn_blocks.h.  Each scenario waits for what it judges
 * (a request, a cancel, a closed connection) with a deadline, running the
 * fakes in short slices meanwhile: it never sleeps for a time it hopes is
 * long enough, so a busy machine makes a test slower, not wrong.  The fakes
 * and the torrent come from scn_peer.c.
 */
#include "scn_blocks.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_peer.h"

#define BLOCK 16384u

#define BLOCKS_COMMON \
	PEER_COMMON, \
	{ "within_ms", LABCONF_INT, "10000", 100, 600000, NULL }

const struct labconf_param scn_blocks_pipeline_params[] = {
	BLOCKS_COMMON,
	{ "judge", LABCONF_ENUM, "strict", 0, 0, "strict|depth" },
	{ "pieces", LABCONF_INT, "32", 2, 4096, NULL },
	{ "piece_length", LABCONF_INT, "65536", 32768, 1 << 22, NULL },
	{ "requests", LABCONF_INT, "48", 2, 100000, NULL },
	{ "depth", LABCONF_INT, "2", 2, 64, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

const struct labconf_param scn_blocks_endgame_params[] = {
	BLOCKS_COMMON,
	{ "judge", LABCONF_ENUM, "asks", 0, 0, "asks|cancels" },
	{ "pieces", LABCONF_INT, "8", 2, 4096, NULL },
	{ "piece_length", LABCONF_INT, "65536", 32768, 1 << 22, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

const struct labconf_param scn_blocks_sparebits_params[] = {
	BLOCKS_COMMON,
	{ "pieces", LABCONF_INT, "33", 9, 65536, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

/* What a scenario waits for: 1 when it has happened. */
typedef int (*until_fn)(void *ctx);

/*
 * Runs the fakes until done(ctx), the student's peer ends, within_ms pass or
 * the test's time is nearly up.  Returns 1 if done(ctx).
 */
static int
run_until(struct scenario_env *env, struct fakes *fk, struct sandbox_proc *p, until_fn done,
    void *ctx)
{
	long until = sandbox_now_ms() + labconf_int(env->test, "within_ms");

	while (!done(ctx)) {
		if (sandbox_now_ms() >= until || scenario_left(env) <= 1000 || sandbox_exited(p))
			return done(ctx);
		btfake_run(fk->all, fk->n, sandbox_now_ms() + 20);
	}
	return 1;
}

/* Events of kind f recorded. */
static size_t
count_events(const struct btfake *f, enum btfake_ev kind)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nev; i++)
		n += f->ev[i].kind == kind;
	return n;
}

/* Whether f recorded an event of kind for block (piece, begin). */
static int
has_event(const struct btfake *f, enum btfake_ev kind, uint32_t piece, uint32_t begin)
{
	for (size_t i = 0; i < f->nev; i++)
		if (f->ev[i].kind == kind && f->ev[i].piece == piece && f->ev[i].begin == begin)
			return 1;
	return 0;
}

/* Sets up the torrent and the student's peer among fk's fakes (added by setup). */
struct blocks_run {
	struct scenario_env *env;
	struct torrent tor;
	struct fakes fk;
	struct sandbox_proc *p;
	size_t want;		/* what the until_fn waits for */
	const struct btfake *watch;
};

/* Starts the student's peer (extra arguments extra) and waits for its dials.  0, or -1. */
static int
blocks_start(struct blocks_run *r, const char *extra)
{
	if ((r->p = scn_peer_start_student(r->env, &r->tor, &r->fk, extra)) == NULL)
		return -1;
	if (scn_peer_await_dials(r->env, &r->fk) < r->fk.n) {
		result_fail(r->env->res, "your peer did not connect to every --peer it was given");
		return -1;
	}
	return 0;
}

static void
blocks_end(struct blocks_run *r)
{
	if (r->p != NULL && r->env->res->status != RESULT_PASS)
		scenario_note_stderr(r->env, r->p);
	scn_peer_free_fakes(&r->fk);
	free(r->tor.data);
}

/* ---- pipeline ---- */

static int
enough_requests(void *ctx)
{
	struct blocks_run *r = ctx;

	return count_events(r->watch, BTFAKE_REQUEST) >= r->want;
}

/*
 * Strict priority, judged on the holder's requests in order: a request for
 * a piece not yet started must come when every started piece has had all
 * its blocks asked for.
 */
static void
judge_strict(struct scenario_env *env, const struct btfake *f, uint32_t nblocks, size_t want)
{
	uint32_t *asked = calloc(f->npieces, sizeof(*asked)), started = 0;
	uint8_t *seen = calloc((size_t)f->npieces * nblocks, 1);
	size_t n = 0;

	if (asked == NULL || seen == NULL) {
		result_error(env->res, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < f->nev && n < want; i++) {
		const struct btfake_event *e = &f->ev[i];
		size_t k = (size_t)e->piece * nblocks + e->begin / BLOCK;

		if (e->kind != BTFAKE_REQUEST || e->begin % BLOCK != 0 || e->begin / BLOCK >= nblocks ||
		    seen[k])
			continue;
		for (uint32_t q = 0; asked[e->piece] == 0 && q < f->npieces; q++) {
			if (asked[q] == 0 || asked[q] == nblocks)
				continue;
			result_fail(env->res, "your peer started piece %u (block at %u) while piece %u, "
			    "started before, had %u of its %u blocks not yet asked for, from the one "
			    "neighbour, which has both (request %zu): finish started pieces first",
			    e->piece, e->begin, q, nblocks - asked[q], nblocks, n + 1);
			goto out;
		}
		started += asked[e->piece] == 0;
		seen[k] = 1;
		asked[e->piece]++;
		n++;
	}
	scenario_log(env, "  %zu blocks asked for, in %u pieces, each started piece asked in full "
	    "before the next", n, started);
out:
	free(asked);
	free(seen);
}

/*
 * One neighbour has every piece.  strict: it answers at once, and its first
 * `requests` requests are judged.  depth: it answers nothing, and `depth`
 * requests must be out at once.
 */
void
scn_blocks_pipeline(struct scenario_env *env)
{
	const struct labconf_test *t = env->test;
	struct blocks_run r = { .env = env, .fk = { .n = 0 } };
	uint32_t n = (uint32_t)labconf_int(t, "pieces"), plen = (uint32_t)labconf_int(t, "piece_length");
	int depth = strcmp(labconf_str(t, "judge"), "depth") == 0;
	struct btfake *holder;

	if (scn_peer_make_torrent(env, &r.tor, (size_t)n * plen, plen) == -1)
		goto out;
	if ((holder = scn_peer_add_fake(&r.fk, &r.tor, "holder", NULL)) == NULL) {
		result_error(env->res, "setting up the fake neighbour failed");
		goto out;
	}
	holder->unchoke = 1;
	if (depth)
		holder->next_serve_ms = LONG_MAX;	/* never answers */
	r.watch = holder;
	r.want = (size_t)labconf_int(t, depth ? "depth" : "requests");
	if (r.want > (size_t)n * (plen / BLOCK))
		r.want = (size_t)n * (plen / BLOCK);
	strbuf_printf(&env->res->sent, "%u pieces of %u blocks, all held by one neighbour that "
	    "unchokes you%s", n, plen / BLOCK, depth ? " and answers no request" : "");
	if (blocks_start(&r, NULL) == -1)
		goto out;
	if (!run_until(env, &r.fk, r.p, enough_requests, &r))
		result_fail(env->res, "%s, your peer had asked for %zu block(s) within %ld s%s",
		    depth ? "with no block answered yet" : "from a neighbour that answers at once",
		    count_events(holder, BTFAKE_REQUEST), labconf_int(t, "within_ms") / 1000,
		    depth ? ": keep several requests out at once (picker_next hands out a block "
		    "each time the session asks, idle or not), not one at a time" : "");
	else if (!depth)
		judge_strict(env, holder, plen / BLOCK, r.want);
	else
		scenario_log(env, "  %zu requests out before any block arrived", r.want);
out:
	blocks_end(&r);
}

/* ---- endgame ---- */

struct endgame {
	struct blocks_run r;
	struct btfake *silent, *helper;
	uint32_t piece;			/* the silent neighbour's one piece */
	int dup_served;			/* the helper took one duplicate */
	struct btfake_req dup;		/* that one */
};

/* may_serve for the helper: every block, but only the first one the silent neighbour holds. */
static int
helper_serves(void *ctx, const struct btfake *f, const struct btfake_req *req)
{
	struct endgame *g = ctx;

	(void)f;
	if (!has_event(g->silent, BTFAKE_REQUEST, req->index, req->begin))
		return 1;
	if (g->dup_served)
		return 0;
	g->dup_served = 1;
	g->dup = *req;
	return 1;
}

static int
silent_asked(void *ctx)
{
	struct endgame *g = ctx;

	return count_events(g->silent, BTFAKE_REQUEST) > 0;
}

static int
helper_asked_dup(void *ctx)
{
	return ((struct endgame *)ctx)->dup_served;
}

static int
dup_cancelled(void *ctx)
{
	struct endgame *g = ctx;

	return g->dup_served && has_event(g->silent, BTFAKE_CANCEL, g->dup.index, g->dup.begin);
}

/* The helper and the silent neighbour, holding piece s.  0, or -1 (error recorded). */
static int
endgame_fakes(struct endgame *g, uint32_t s)
{
	struct scenario_env *env = g->r.env;

	if ((g->helper = scn_peer_add_fake(&g->r.fk, &g->r.tor, "helper", NULL)) == NULL ||
	    (g->silent = scn_peer_add_fake(&g->r.fk, &g->r.tor, "silent", NULL)) == NULL) {
		result_error(env->res, "setting up the fake neighbours failed");
		return -1;
	}
	g->piece = s;
	memset(g->silent->has, 0, g->r.tor.npieces);
	g->silent->has[s] = 1;
	g->silent->unchoke = 1;
	g->silent->next_serve_ms = LONG_MAX;	/* never answers */
	g->helper->may_serve = helper_serves;
	g->helper->may_serve_ctx = g;
	strbuf_printf(&env->res->sent, "%u pieces of %u blocks: a silent neighbour has piece %u, "
	    "unchokes you and answers nothing; a helper has every piece and unchokes you once you "
	    "asked the silent one", g->r.tor.npieces, g->r.tor.piece_len / BLOCK, s);
	return 0;
}

/* The silent neighbour's blocks, "piece 3 at 0, 16384". */
static void
silent_blocks(const struct btfake *f, struct strbuf *sb)
{
	for (size_t i = 0; i < f->nev; i++)
		if (f->ev[i].kind == BTFAKE_REQUEST)
			strbuf_printf(sb, "%s%u", sb->len ? ", " : "", f->ev[i].begin);
}

static void
judge_endgame(struct endgame *g, int cancels)
{
	struct scenario_env *env = g->r.env;
	long within = labconf_int(env->test, "within_ms") / 1000;
	struct strbuf sb;

	strbuf_init(&sb);
	silent_blocks(g->silent, &sb);
	if (!run_until(env, &g->r.fk, g->r.p, helper_asked_dup, g))
		result_fail(env->res, "the silent neighbour held your requests for piece %u at %s and "
		    "the helper had served %zu blocks; in %ld s more your peer never asked the helper "
		    "for a block the silent one held: once every missing block is requested, an idle "
		    "peer asks again for blocks out to others (picker_endgame, pick_duplicate)",
		    g->piece, strbuf_str(&sb), count_events(g->helper,
		    BTFAKE_PIECE_SENT), within);
	else if (!cancels)
		scenario_log(env, "  endgame: the helper was asked for piece %u at %u, which the silent "
		    "neighbour held", g->dup.index, g->dup.begin);
	else if (!run_until(env, &g->r.fk, g->r.p, dup_cancelled, g))
		result_fail(env->res, "piece %u's block at %u came from the helper while the silent "
		    "neighbour still had your request for it, and in %ld s your peer sent the silent "
		    "one no cancel for it: when a block arrives, cancel the other requests out for it "
		    "(the session does when picker_requests_out says some are)", g->dup.index,
		    g->dup.begin, within);
	else
		scenario_log(env, "  endgame: piece %u at %u from the helper, then a cancel to the "
		    "silent neighbour", g->dup.index, g->dup.begin);
	strbuf_free(&sb);
}

void
scn_blocks_endgame(struct scenario_env *env)
{
	const struct labconf_test *t = env->test;
	struct endgame g = { .r = { .env = env, .fk = { .n = 0 } } };
	uint32_t n = (uint32_t)labconf_int(t, "pieces"), plen = (uint32_t)labconf_int(t, "piece_length");

	if (scn_peer_make_torrent(env, &g.r.tor, (size_t)n * plen, plen) == -1 ||
	    endgame_fakes(&g, (uint32_t)(env->seed % n)) == -1 || blocks_start(&g.r, NULL) == -1)
		goto out;
	if (!run_until(env, &g.r.fk, g.r.p, silent_asked, &g)) {
		result_fail(env->res, "your peer never asked the one neighbour that unchoked it (it has "
		    "piece %u only) for a block within %ld s", (uint32_t)(env->seed % n),
		    labconf_int(t, "within_ms") / 1000);
		goto out;
	}
	btfake_unchoke(g.helper);
	judge_endgame(&g, strcmp(labconf_str(t, "judge"), "cancels") == 0);
out:
	blocks_end(&g.r);
}

/* ---- spare bits ---- */

static int
spare_dropped(void *ctx)
{
	struct blocks_run *r = ctx;

	return r->watch->closed && scn_peer_pieces_right(&r->tor, r->env->scratch) == r->tor.npieces;
}

/* The reason the student's log gives for dropping the neighbour on port, into sb. */
static void
drop_reason(const char *log, int port, struct strbuf *sb)
{
	char who[32];
	const char *line = log, *end, *why;

	snprintf(who, sizeof(who), ":%d\"", port);
	for (; *line; line = *end ? end + 1 : end) {
		end = strchr(line, '\n') ? strchr(line, '\n') : line + strlen(line);
		why = strstr(line, "\"reason\":\"");
		if (strstr(line, "\"disconnect\"") == NULL || why == NULL || why > end ||
		    strstr(line, who) == NULL || strstr(line, who) > end)
			continue;
		why += 10;
		strbuf_append(sb, why, strcspn(why, "\"\n"));
		return;
	}
}

static void
judge_spare(struct blocks_run *r, const char *logpath)
{
	struct scenario_env *env = r->env;
	struct strbuf log, why;
	uint32_t right = scn_peer_pieces_right(&r->tor, env->scratch);

	strbuf_init(&log);
	strbuf_init(&why);
	if (scn_peer_read_file(logpath, &log) == 0)
		drop_reason(strbuf_str(&log), r->watch->port, &why);
	if (!r->watch->closed)
		result_fail(env->res, "your peer went on talking to a neighbour whose bitfield had a "
		    "spare bit set: a message your decoder must refuse ends that connection");
	else if (strcmp(strbuf_str(&why), "bitfield has spare bits set") != 0)
		result_fail(env->res, "your peer dropped the neighbour whose bitfield had a spare bit "
		    "set, but its log gives the reason '%s': the given bitfield code caught it, your "
		    "decoder did not.  decode_payload must refuse it (WIRE_ERR_SPARE_BITS): the last "
		    "byte's low 8 - npieces %% 8 bits must be 0", why.len ? why.data : "none");
	else if (right < r->tor.npieces)
		result_fail(env->res, "your peer dropped the bad neighbour but had only %u of %u "
		    "pieces right from the honest one", right, r->tor.npieces);
	else
		scenario_log(env, "  the bitfield refused by the decoder, the copy complete");
	strbuf_free(&log);
	strbuf_free(&why);
}

void
scn_blocks_sparebits(struct scenario_env *env)
{
	struct blocks_run r = { .env = env, .fk = { .n = 0 } };
	uint32_t n = (uint32_t)labconf_int(env->test, "pieces");
	struct btfake *honest, *bad;
	char logpath[4200], extra[4300];

	if (scn_peer_make_torrent(env, &r.tor, (size_t)n * BLOCK, BLOCK) == -1)
		goto out;
	if ((honest = scn_peer_add_fake(&r.fk, &r.tor, "honest", NULL)) == NULL ||
	    (bad = scn_peer_add_fake(&r.fk, &r.tor, "spare", NULL)) == NULL) {
		result_error(env->res, "setting up the fake neighbours failed");
		goto out;
	}
	honest->unchoke = 1;
	bad->spare_bit = 1;
	r.watch = bad;
	strbuf_printf(&env->res->sent, "%u pieces from an honest neighbour; another sends a "
	    "bitfield whose last spare bit (past piece %u) is set", n, n - 1);
	snprintf(logpath, sizeof(logpath), "%.4000s/peer.log", env->scratch);
	snprintf(extra, sizeof(extra), "--log %s", logpath);
	if (blocks_start(&r, extra) == -1)
		goto out;
	run_until(env, &r.fk, r.p, spare_dropped, &r);
	if (sandbox_exited(r.p))
		result_fail(env->res, "your mt-peer ended while a neighbour sent it a malformed "
		    "bitfield: a malformed message ends that one connection, never the program");
	else
		judge_spare(&r, logpath);
out:
	blocks_end(&r);
}
