/*
 * choker.c — the rechoke decision (see choker.h).
 *
 * The top `slots` are found by repeated selection (slots x n comparisons,
 * no allocation, no sort), ties broken at random so that equal peers (all at
 * rate 0 when a download starts) do not always favour the first connected.
 *
 * Anti-snubbing is Bram Cohen's: a peer we would reciprocate with that has
 * sent us nothing for snub_ms gets no regular slot, and each slot so given up
 * becomes one more optimistic unchoke, drawn like the optimistic peer (so a
 * leecher whose partners all went quiet tries up to slots + 1 new ones at
 * once instead of one).  A seed receives nothing from anyone: snubbing means
 * nothing to it and it ranks every peer by the rate it uploads to it.
 */
#include "choker.h"

#include "rng.h"

void
choker_config_default(struct choker_config *cfg)
{
	cfg->slots = CHOKER_SLOTS;
	cfg->rechoke_ms = CHOKER_RECHOKE_MS;
	cfg->optimistic_ms = CHOKER_OPTIMISTIC_MS;
	cfg->snub_ms = CHOKER_SNUB_MS;
}

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
	/* TODO: snubbing: no block from this peer for snub_ms or more */
	return 0;
}

/*
 * The best interested, still-choked peer for a regular slot, or -1.  When we
 * leech, a snubbing peer is no candidate at all: its slot goes to an extra
 * optimistic unchoke (choker_run).
 */
static long
best_candidate(struct choker *c, const struct choker_peer *peers, size_t n,
    int64_t now, int seeding)
{
	/* TODO: the interested, choked peer with the best rate (upload rate to it when seeding), skipping snubbing peers when leeching, a random one among ties */
	return -1;
}

/* Draws the optimistic peer among the interested choked ones, new peers
 * weighted CHOKER_NEW_WEIGHT times.  Returns its index or -1. */
static long
draw_optimistic(struct choker *c, const struct choker_peer *peers, size_t n,
    int64_t now)
{
	/* TODO: draw one interested choked peer at random, new peers weighing CHOKER_NEW_WEIGHT */
	return -1;
}

/* Unchokes peers[pick] (if pick >= 0) as an optimistic unchoke.  1 if it did. */
static size_t
unchoke_optimistic(struct choker_peer *peers, long pick)
{
	if (pick < 0)
		return 0;
	peers[pick].unchoke = peers[pick].optimistic = 1;
	return 1;
}

/*
 * Anti-snubbing: one more optimistic unchoke for each of the `empty` regular
 * slots that best_candidate left (their peers snub us, or nobody else is
 * interested).  Returns how many peers it unchoked.
 */
static size_t
fill_empty_slots(struct choker *c, struct choker_peer *peers, size_t n,
    int64_t now, size_t empty)
{
	/* TODO: one more optimistic unchoke (draw_optimistic) per empty regular slot, while draw_optimistic finds a peer */
	return 0;
}

size_t
choker_run(struct choker *c, struct choker_peer *peers, size_t n, int64_t now,
    int seeding)
{
	size_t unchoked = 0, regular;
	long keep = -1, pick;

	for (size_t i = 0; i < n; i++)
		peers[i].unchoke = peers[i].optimistic = 0;
	for (unsigned s = 0; s < c->cfg.slots; s++) {
		if ((pick = best_candidate(c, peers, n, now, seeding)) < 0)
			break;
		peers[pick].unchoke = 1;
		unchoked++;
	}
	regular = unchoked;
	/* TODO: keep the optimistic peer (set keep) unless the optimistic interval is over or it is gone, uninterested or now regular */
	pick = keep >= 0 ? keep : draw_optimistic(c, peers, n, now);
	if (keep < 0)
		c->next_optimistic = now + c->cfg.optimistic_ms;
	c->optimistic_id = pick >= 0 ? peers[pick].id : 0;
	unchoked += unchoke_optimistic(peers, pick);
	unchoked += fill_empty_slots(c, peers, n, now, c->cfg.slots - regular);
	c->next_rechoke = now + c->cfg.rechoke_ms;
	return unchoked;
}
