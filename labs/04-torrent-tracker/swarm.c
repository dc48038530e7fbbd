/*
 * swarm.c — the tracker's table of swarms; see swarm.h for its shape.
 */
#include "swarm.h"

#include <stdlib.h>
#include <string.h>

#include "rng.h"

static const char *const status_text[SWARM_STATUS_COUNT] = {
	[SWARM_OK] = "ok",
	[SWARM_NOT_ALLOWED] = "torrent not allowed on this tracker",
	[SWARM_TOO_MANY_SWARMS] = "tracker is full (too many torrents)",
	[SWARM_TOO_MANY_PEERS] = "swarm is full (too many peers)",
	[SWARM_NO_MEMORY] = "tracker out of memory",
};

const char *
swarm_status_text(enum swarm_status s)
{
	return s < SWARM_STATUS_COUNT ? status_text[s] : "unknown error";
}

void
swarm_table_init(struct swarm_table *t, const struct swarm_limits *limits,
    uint64_t seed)
{
	memset(t, 0, sizeof(*t));
	t->limits = *limits;
	t->rng = seed;
}

static void
swarm_destroy(struct swarm *s)
{
	free(s->peers);
	free(s);
}

void
swarm_table_free(struct swarm_table *t)
{
	for (size_t i = 0; i < t->nswarms; i++)
		swarm_destroy(t->swarms[i]);
	free(t->swarms);
	free(t->allow);
	memset(t, 0, sizeof(*t));
}

/*
 * Binary search of n records of size bytes at base, each starting with a
 * 20-byte key (or, with indirect, pointers to such records).  Returns the
 * index of key, or where it would be inserted; *found says which.
 */
static size_t
lower_bound(const void *base, size_t n, size_t size, int indirect,
    const unsigned char *key, int *found)
{
	size_t lo = 0, hi = n;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const unsigned char *rec = (const unsigned char *)base + mid * size;
		int c;

		if (indirect)
			rec = *(const unsigned char *const *)(const void *)rec;
		if ((c = memcmp(rec, key, 20)) == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
swarm_restrict(struct swarm_table *t)
{
	t->restricted = 1;
}

int
swarm_allow(struct swarm_table *t, const unsigned char hash[SWARM_HASH_LEN])
{
	int found;
	size_t i = lower_bound(t->allow, t->nallow, SWARM_HASH_LEN, 0, hash, &found);
	unsigned char (*na)[SWARM_HASH_LEN];

	t->restricted = 1;
	if (found)
		return 0;
	if ((na = realloc(t->allow, (t->nallow + 1) * sizeof(*na))) == NULL)
		return -1;
	t->allow = na;
	memmove(na + i + 1, na + i, (t->nallow - i) * sizeof(*na));
	memcpy(na[i], hash, SWARM_HASH_LEN);
	t->nallow++;
	return 0;
}

int
swarm_allowed(const struct swarm_table *t, const unsigned char hash[SWARM_HASH_LEN])
{
	int found = 1;

	if (t->restricted)
		lower_bound(t->allow, t->nallow, SWARM_HASH_LEN, 0, hash, &found);
	return found;
}

struct swarm *
swarm_find(const struct swarm_table *t, const unsigned char hash[SWARM_HASH_LEN])
{
	int found;
	size_t i = lower_bound(t->swarms, t->nswarms, sizeof(*t->swarms), 1, hash, &found);

	return found ? t->swarms[i] : NULL;
}

struct swarm_peer *
swarm_find_peer(const struct swarm *s, const unsigned char id[SWARM_ID_LEN])
{
	int found;
	size_t i = lower_bound(s->peers, s->npeers, sizeof(*s->peers), 0, id, &found);

	return found ? &s->peers[i] : NULL;
}

size_t
swarm_leechers(const struct swarm *s)
{
	return s->npeers - s->seeders;
}

/* Creates the swarm of hash at index i of the table.  NULL if out of memory. */
static struct swarm *
swarm_create(struct swarm_table *t, size_t i, const unsigned char *hash)
{
	struct swarm *s;

	if (t->nswarms == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		struct swarm **ns = realloc(t->swarms, ncap * sizeof(*ns));

		if (ns == NULL)
			return NULL;
		t->swarms = ns;
		t->cap = ncap;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	memcpy(s->info_hash, hash, SWARM_HASH_LEN);
	memmove(t->swarms + i + 1, t->swarms + i, (t->nswarms - i) * sizeof(*t->swarms));
	t->swarms[i] = s;
	t->nswarms++;
	return s;
}

/* Inserts a zeroed peer with id at index i of s.  NULL if out of memory. */
static struct swarm_peer *
peer_insert(struct swarm *s, size_t i, const unsigned char *id)
{
	if (s->npeers == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 8;
		struct swarm_peer *np = realloc(s->peers, ncap * sizeof(*np));

		if (np == NULL)
			return NULL;
		s->peers = np;
		s->cap = ncap;
	}
	memmove(s->peers + i + 1, s->peers + i, (s->npeers - i) * sizeof(*s->peers));
	memset(&s->peers[i], 0, sizeof(s->peers[i]));
	memcpy(s->peers[i].id, id, SWARM_ID_LEN);
	s->npeers++;
	return &s->peers[i];
}

static void
peer_remove(struct swarm *s, size_t i)
{
	if (s->peers[i].left == 0)
		s->seeders--;
	memmove(s->peers + i, s->peers + i + 1, (s->npeers - i - 1) * sizeof(*s->peers));
	s->npeers--;
}

/* Copies what an announce says about p into q and keeps the counters right. */
static void
peer_update(struct swarm *s, struct swarm_peer *q, const struct swarm_peer *p,
    long long now_ms, int is_new)
{
	if (!is_new && q->left == 0)
		s->seeders--;
	memcpy(q->ip, p->ip, sizeof(q->ip));
	q->port = p->port;
	q->uploaded = p->uploaded;
	q->downloaded = p->downloaded;
	q->left = p->left;
	q->last_seen_ms = now_ms;
	if (is_new)
		q->first_seen_ms = now_ms;
	if (q->left == 0)
		s->seeders++;
	if (p->left > s->max_left)
		s->max_left = p->left;
}

enum swarm_status
swarm_announce(struct swarm_table *t, const unsigned char hash[SWARM_HASH_LEN],
    const struct swarm_peer *p, enum swarm_event ev, long long now_ms,
    struct swarm **out)
{
	/* TODO: record one announce according to its event.  First set
	 * *out = NULL and refuse a hash the table does not serve (swarm_allowed:
	 * SWARM_NOT_ALLOWED).  stopped: if the swarm and a peer with p->id exist,
	 * remove it (peer_remove keeps seeders right); a stopped never creates a
	 * swarm or a peer.  Any other event (started, completed, a regular update):
	 * find the swarm (lower_bound on t->swarms, indirect, gives where it goes)
	 * and create it there (swarm_create) unless limits.max_swarms is reached;
	 * find the peer by id the same way and peer_insert it unless
	 * limits.max_peers is reached; then peer_update it (is_new: just inserted)
	 * so a refresh does not count the peer twice.  completed adds one to
	 * s->downloaded once per peer (the counted flag): clients resend it.
	 * On SWARM_OK, *out is the swarm (still NULL after a stopped for an
	 * unknown swarm).  The (void) line only keeps the compiler quiet about the
	 * helpers until you call them. */
	(void)swarm_create; (void)peer_insert; (void)peer_update; (void)peer_remove;
	*out = NULL;
	return SWARM_OK;
}

/* May q be handed to the asker in this round (stamp)? */
static int
eligible(const struct swarm_peer *q, const struct swarm_peer *asker, unsigned stamp)
{
	/* TODO: may q be handed to the asker?  Not if it was already
	 * taken in this selection (q->stamp == stamp), and never the asker itself:
	 * a peer with the asker's id, and also one with its address and port (a
	 * client restarted under a new peer id is still the asker). */
	return q->stamp != stamp;
}

/* A new stamp for one selection; on wrap-around, clears every old one. */
static unsigned
next_stamp(struct swarm_table *t)
{
	if (++t->stamp == 0) {
		for (size_t i = 0; i < t->nswarms; i++)
			for (size_t j = 0; j < t->swarms[i]->npeers; j++)
				t->swarms[i]->peers[j].stamp = 0;
		t->stamp = 1;
	}
	return t->stamp;
}

/*
 * Small swarm: Knuth's selection sampling (Algorithm S) over the eligible
 * peers, then a shuffle so the answer is not in peer-id order.
 */
static size_t
select_dense(struct swarm_table *t, struct swarm *s, const struct swarm_peer *asker,
    size_t want, const struct swarm_peer **out)
{
	/* TODO: small swarm: choose min(want, eligible peers) of the
	 * peers eligible() accepts (stamp = t->stamp), every subset equally
	 * likely, into out.  Selection sampling does it in one pass with no extra
	 * memory: count the eligible peers (left), then walk s->peers and take an
	 * eligible one when rng_below(&t->rng, left) < want - got, decrementing
	 * left each time.  That keeps them in peer-id order, so finish with a
	 * Fisher-Yates shuffle of out[0..got).  Return got.  (void)eligible only
	 * keeps the compiler quiet until you call it. */
	(void)eligible;
	return 0;
}

/*
 * Large swarm (more than 2 * want + 2 peers): draw indexes at random and stamp what
 * was taken.  Should most peers be ineligible (many ids registered at the
 * asker's address), give up drawing after a bounded number of tries and sweep
 * from a random start instead, so the cost stays bounded.
 */
static size_t
select_sparse(struct swarm_table *t, struct swarm *s, const struct swarm_peer *asker,
    size_t want, const struct swarm_peer **out)
{
	/* TODO: large swarm (more than 2 * want + 2 peers): counting
	 * would cost a pass over every peer, so draw random indexes
	 * (rng_below(&t->rng, s->npeers)) and take the eligible peer found there,
	 * marking it q->stamp = t->stamp so it is not drawn twice.  Bound the
	 * draws (a few times want): if most peers are ineligible (many ids at the
	 * asker's address) you would loop for ever, so then sweep the table from
	 * a random start, wrapping around, until want are taken or every peer was
	 * looked at.  Return how many are in out. */
	return 0;
}

size_t
swarm_select(struct swarm_table *t, struct swarm *s, const struct swarm_peer *asker,
    size_t want, const struct swarm_peer **out)
{
	if (want == 0 || s == NULL || s->npeers == 0)
		return 0;
	next_stamp(t);
	if (s->npeers <= 2 * want + 2)
		return select_dense(t, s, asker, want, out);
	return select_sparse(t, s, asker, want, out);
}

/* Drops the expired peers of s.  Returns how many. */
static size_t
expire_peers(struct swarm *s, long long now_ms, long long expiry_ms)
{
	/* TODO: drop every peer silent for expiry_ms or more
	 * (now_ms - last_seen_ms >= expiry_ms; the tracker sets expiry_ms to twice
	 * its announce interval, so one late announce is forgiven).  Compact
	 * s->peers in place, keeping the survivors in order (the array stays
	 * sorted by id for the binary searches), take each seed dropped (left == 0)
	 * off s->seeders, set s->npeers, and return how many went.  One pass that
	 * copies each survivor down is linear; peer_remove in a loop moves the
	 * tail every time, and must not step past the peer it shifts in. */
	return 0;
}

size_t
swarm_expire(struct swarm_table *t, long long now_ms)
{
	size_t removed = 0, kept = 0;

	for (size_t i = 0; i < t->nswarms; i++) {
		struct swarm *s = t->swarms[i];

		removed += expire_peers(s, now_ms, t->limits.expiry_ms);
		if (s->npeers == 0) {
			swarm_destroy(s);
			continue;
		}
		t->swarms[kept++] = s;
	}
	t->nswarms = kept;
	return removed;
}
