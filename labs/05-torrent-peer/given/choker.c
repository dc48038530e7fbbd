/*
 * choker.c — a stand-in choker for lab 5: first come, first served.
 *
 * Your peer must decide whom it uploads to, but that decision, tit-for-tat,
 * is what you write in lab 6.  Until then this file decides, as plainly as
 * it can: at every rechoke it unchokes the slots + 1 interested peers that
 * connected earliest (ties by id), as many uploads as the real choker's four
 * plus one optimistic, and chokes the rest.  It keeps the API of choker.h
 * and its schedule (a rechoke every rechoke_ms), so lab 6 replaces this file
 * and nothing else.  choker_snubbed always answers no: judging snubbing is
 * lab 6's work (the log's "snubbed" is 0 with this choker).
 *
 * What it does not do: it ignores rates, so it does not reward the peers
 * that upload to us; it has no optimistic unchoke, so nothing rotates; and
 * it never punishes snubbing.  The cost: a free rider is served as well as
 * a good partner, and a newcomer waits until one of the first slots + 1
 * loses interest (each does, once it holds everything we have), so a large
 * swarm still completes, only slowly.
 */
#include "choker.h"

void
choker_config_default(struct choker_config *cfg)
{
	cfg->slots = CHOKER_SLOTS;
	cfg->rechoke_ms = CHOKER_RECHOKE_MS;
	cfg->optimistic_ms = CHOKER_OPTIMISTIC_MS;
	cfg->snub_ms = CHOKER_SNUB_MS;
}

/* The optimistic fields and the random state are kept only because the
 * struct is choker.h's: nothing here reads them. */
void
choker_init(struct choker *c, const struct choker_config *cfg, int64_t now,
    uint64_t seed)
{
	c->cfg = *cfg;
	c->next_rechoke = now;
	c->next_optimistic = now;
	c->optimistic_id = 0;
	c->rng = seed;
}

int
choker_due(const struct choker *c, int64_t now)
{
	return now >= c->next_rechoke;
}

int
choker_snubbed(const struct choker *c, const struct choker_peer *peer,
    int64_t now)
{
	(void)c;
	(void)peer;
	(void)now;
	return 0;
}

/* The interested, still-choked peer that connected first (the lower id
 * among equals), or -1. */
static long
earliest_candidate(const struct choker_peer *peers, size_t n)
{
	long best = -1;

	for (size_t i = 0; i < n; i++) {
		const struct choker_peer *p = &peers[i];

		if (!p->interested || p->unchoke)
			continue;
		if (best < 0 || p->connected_ms < peers[best].connected_ms ||
		    (p->connected_ms == peers[best].connected_ms &&
		    p->id < peers[best].id))
			best = (long)i;
	}
	return best;
}

/* Decides from scratch each time, so a peer that lost interest leaves its
 * slot to the next earliest.  Rates, seeding and snubbing play no part. */
size_t
choker_run(struct choker *c, struct choker_peer *peers, size_t n, int64_t now,
    int seeding)
{
	size_t unchoked = 0, uploads = (size_t)c->cfg.slots + 1;
	long pick;

	for (size_t i = 0; i < n; i++)
		peers[i].unchoke = peers[i].optimistic = 0;
	while (unchoked < uploads &&
	    (pick = earliest_candidate(peers, n)) >= 0) {
		peers[pick].unchoke = 1;
		unchoked++;
	}
	c->next_rechoke = now + c->cfg.rechoke_ms;
	return unchoked;
}
