/*
 * scn_snub.c — see scn_snub.h.
 *
 * Both scenarios judge a rule the tit-for-tat scenario cannot see, because
 * its fakes never stop uploading: what the student's choker does with a
 * neighbour that has sent it nothing for the snub time.  The student's peer
 * runs with short timers (--rechoke-interval, --snub-time) so that each test
 * takes seconds, and every wait is for an event on the wire, with a deadline.
 *
 * "stops" must tell a choker that demotes a snubbing peer from one that only
 * ranks by rate, whose rolling window (two rechoke intervals) keeps the
 * stopped uploader's old rate for a while: the stopper sends far faster than
 * the others, so a rate-only choker keeps it for most of a window after it
 * stopped, and the deadline (choke_within_ms) lies between one rechoke after
 * the snub time and that.  The optimistic unchoke must not blur it: the
 * interval is long, and the neighbour that takes the stopper's slot (the
 * "late" one, the last uploader) is not interested until the stop, so it was
 * never the optimistic peer and the kept optimistic peer stays where it is.
 */
#include "scn_snub.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_peer.h"

/* The neighbours, the timers, and how long without a block is snubbing. */
#define SNUB_PARAMS(gaps, silent, rechoke, optimistic) \
	PEER_COMMON, \
	PEER_NEIGHBOURS("4096", gaps, silent), \
	PEER_TIMERS(rechoke, optimistic), \
	{ "snub_ms", LABCONF_INT, "1000", 100, 600000, NULL }

const struct labconf_param scn_snub_stops_params[] = {
	SNUB_PARAMS("20 150 175 200 250", "2", "6000", "60000"),
	{ "choke_within_ms", LABCONF_INT, "9000", 100, 600000, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

const struct labconf_param scn_snub_quiet_params[] = {
	SNUB_PARAMS("50 100", "5", "1000", "2000"),
	{ "slots", LABCONF_INT, "4", 1, 16, NULL },
	{ "warmup_ms", LABCONF_INT, "3000", 0, 600000, NULL },
	{ "observe_ms", LABCONF_INT, "6000", 100, 600000, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

/* One test's torrent and neighbours: nup uploaders first, then the others. */
struct snub {
	struct scenario_env *env;
	struct torrent tor;
	struct fakes fk;
	size_t nup;
};

/* Makes the torrent (the student has its first `own` pieces) and the fakes.  0, or -1. */
static int
snub_setup(struct snub *sn, size_t min_up)
{
	const struct labconf_test *t = sn->env->test;
	uint32_t n = (uint32_t)labconf_int(t, "pieces"), own = (uint32_t)labconf_int(t, "own");
	uint8_t *lacks = calloc(n, 1);
	int rc = -1;

	if (lacks == NULL || own >= n ||
	    scn_peer_make_torrent(sn->env, &sn->tor, (size_t)n * 16384, 16384) == -1)
		goto out;
	memset(lacks, 1, own);	/* the neighbours lack the student's pieces: they want them */
	if (scn_peer_add_neighbours(sn->env, &sn->fk, &sn->tor, lacks, 0) == -1 ||
	    scn_peer_place_data(&sn->tor, sn->env->scratch, sn->env->uid, (long)own) == -1)
		goto out;
	while (sn->nup < sn->fk.n && sn->fk.f[sn->nup].serve_gap_ms > 0)
		sn->nup++;
	if (sn->nup < min_up)
		result_error(sn->env->res, "lab.conf: upload_gaps_ms: at least %zu gaps", min_up);
	else
		rc = 0;
out:
	if (rc == -1 && sn->env->res->status == RESULT_PASS)
		result_error(sn->env->res, "setting up the fake neighbours failed");
	free(lacks);
	return rc;
}

/* Starts the student's peer among the fakes with the test's timers.  0, or -1. */
static int
snub_start(struct snub *sn)
{
	const struct labconf_test *t = sn->env->test;
	char timers[160];

	snprintf(timers, sizeof(timers), "--rechoke-interval %ldms --optimistic-interval %ldms "
	    "--snub-time %ldms", labconf_int(t, "rechoke_ms"), labconf_int(t, "optimistic_ms"),
	    labconf_int(t, "snub_ms"));
	return scn_peer_start_among(sn->env, &sn->fk, &sn->tor, 0, timers);
}

static void
snub_free(struct snub *sn)
{
	scn_peer_free_fakes(&sn->fk);
	free(sn->tor.data);
}

/* Whether the student unchokes fakes [0, n) of sn at ms. */
static int
all_unchoked(const struct snub *sn, size_t n, long ms)
{
	for (size_t i = 0; i < n; i++)
		if (!btfake_unchoked_at(&sn->fk.f[i], ms))
			return 0;
	return 1;
}

/* The first choke f got after ms, or -1. */
static long
choked_after(const struct btfake *f, long ms)
{
	for (size_t i = 0; i < f->nev; i++)
		if (f->ev[i].kind == BTFAKE_CHOKE && f->ev[i].ms > ms)
			return f->ev[i].ms;
	return -1;
}

/*
 * Runs the fakes until every uploader but the late one has been unchoked for
 * a rechoke interval (up1, the fastest, in a regular slot).  Returns when,
 * or -1 on the deadline (failure recorded).
 */
static long
await_regulars(struct snub *sn)
{
	long rechoke = labconf_int(sn->env->test, "rechoke_ms");
	long since = -1, deadline = sandbox_now_ms() + 3 * rechoke + 5000;

	while (sandbox_now_ms() < deadline && scenario_left(sn->env) > 0) {
		long now = sandbox_now_ms();

		if (!all_unchoked(sn, sn->nup - 1, now))
			since = -1;
		else if (since < 0)
			since = now;
		else if (now - since >= rechoke)
			return now;
		btfake_run(sn->fk.all, sn->fk.n, now + 50);
	}
	result_fail(sn->env->res, "your peer did not keep the %zu uploaders up1 to up%zu unchoked "
	    "for a rechoke interval (%ld ms): the fastest uploaders hold the regular slots "
	    "(reciprocates_the_fastest_uploaders says more)", sn->nup - 1, sn->nup - 1, rechoke);
	return -1;
}

/*
 * up1, the fastest uploader, holds a regular slot; then it stops sending
 * blocks (requests are queued, never answered) and the late uploader, which
 * uploaded all along, says it is interested.  The student's peer must choke
 * up1 within choke_within_ms.
 */
void
scn_snub_stops(struct scenario_env *env)
{
	const struct labconf_test *t = env->test;
	struct snub sn = { .env = env, .nup = 0 };
	long within = labconf_int(t, "choke_within_ms"), stop, choke;
	struct btfake *up1, *late;

	sn.tor.data = NULL;
	if (snub_setup(&sn, 5) == -1)
		goto out;
	if (sn.fk.n == sn.nup) {	/* else up1 would be the only peer left to draw */
		result_error(env->res, "lab.conf: silent: at least 1 (the optimistic unchoke's peer)");
		goto out;
	}
	up1 = &sn.fk.f[0];
	late = &sn.fk.f[sn.nup - 1];
	late->interested = 0;
	strbuf_printf(&env->res->sent, "; up%zu is not interested until up1 stops", sn.nup);
	if (snub_start(&sn) == -1 || (stop = await_regulars(&sn)) < 0)
		goto out;
	up1->next_serve_ms = LONG_MAX;
	btfake_interest(late, 1);
	scenario_log(env, "  up1 stopped sending blocks; up%zu is now interested", sn.nup);
	while ((choke = choked_after(up1, stop)) < 0 && sandbox_now_ms() < stop + within + 2000 &&
	    scenario_left(env) > 0)
		btfake_run(sn.fk.all, sn.fk.n, sandbox_now_ms() + 50);
	if (choke >= 0)
		scenario_log(env, "  your peer choked up1 %.1f s after its last block",
		    (double)(choke - stop) / 1000);
	if (choke < 0 || choke - stop > within)
		result_fail(env->res, "up1, the fastest uploader, stopped sending blocks and your "
		    "peer %s: with --snub-time %ld ms and rechokes every %ld ms, a peer that sends "
		    "nothing for the snub time must lose its regular slot at the next rechoke "
		    "(within %.1f s), whatever its rate over the last window",
		    choke < 0 ? "never choked it" : "choked it too late", labconf_int(t, "snub_ms"),
		    labconf_int(t, "rechoke_ms"), (double)within / 1000);
out:
	snub_free(&sn);
}

/*
 * Samples who is unchoked in the middle of each rechoke interval of the
 * window: every uploader, and as many silent (snubbing) neighbours as fit
 * in the slots plus the optimistic one, must be, in 80% of the samples.
 */
static void
judge_quiet(struct scenario_env *env, const struct snub *sn, long from, long to)
{
	long step = labconf_int(env->test, "rechoke_ms");
	size_t want = (size_t)labconf_int(env->test, "slots") + 1, worst = SIZE_MAX;
	int samples = 0, good = 0;

	if (want > sn->fk.n)
		want = sn->fk.n;
	for (long ms = from + step / 2; ms < to; ms += step) {
		size_t n = 0;

		for (size_t i = 0; i < sn->fk.n; i++)
			n += (size_t)btfake_unchoked_at(&sn->fk.f[i], ms);
		samples++;
		if (all_unchoked(sn, sn->nup, ms) && n == want)
			good++;
		else if (n < worst)
			worst = n;
	}
	if (good * 5 < samples * 4)
		result_fail(env->res, "your peer unchoked the %zu uploaders and %zu neighbours in all "
		    "in only %d of %d rechoke intervals (at worst %zu): the silent neighbours are "
		    "snubbing, so they get no regular slot, but each slot the uploaders leave is one "
		    "more optimistic unchoke (anti-snubbing), and a snubbing peer may win it",
		    sn->nup, want, good, samples, worst);
}

/*
 * A few uploaders and more silent neighbours than the slots the uploaders
 * leave: once the silent ones are snubbing, the uploaders must hold their
 * slots and every other slot, plus the optimistic one, go to a silent one.
 */
void
scn_snub_quiet(struct scenario_env *env)
{
	const struct labconf_test *t = env->test;
	struct snub sn = { .env = env, .nup = 0 };
	long from;

	sn.tor.data = NULL;
	if (snub_setup(&sn, 1) == -1 || snub_start(&sn) == -1)
		goto out;
	from = sandbox_now_ms() + labconf_int(t, "snub_ms") + labconf_int(t, "warmup_ms");
	btfake_run(sn.fk.all, sn.fk.n, from + labconf_int(t, "observe_ms"));
	judge_quiet(env, &sn, from, from + labconf_int(t, "observe_ms"));
out:
	snub_free(&sn);
}
