/*
 * test_swarm.c — the swarm table on a fake clock: joins, updates, events,
 * expiry, limits, the allow-list, and the random subset (never the asker, no
 * repeats, every peer reachable, the same answers from the same seed), which
 * is also checked against a naive model over many random rounds.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "swarm.h"

static struct swarm_table t;
static const struct swarm_limits limits = { .max_swarms = 4, .max_peers = 1000,
	.expiry_ms = 2000 };

static void
setup(void)
{
	swarm_table_init(&t, &limits, 42);
}

static void
teardown(void)
{
	swarm_table_free(&t);
}

static void
hash_of(int n, unsigned char h[20])
{
	memset(h, 0, 20);
	h[0] = (unsigned char)n;
	h[19] = 0xaa;
}

/* Peer number n: id "-MT0100-" + 12 digits, 127.0.0.x, port 10000 + n. */
static struct swarm_peer
peer_of(int n, long long left)
{
	struct swarm_peer p;
	char id[21];

	memset(&p, 0, sizeof(p));
	snprintf(id, sizeof(id), "-MT0100-%012d", n);
	memcpy(p.id, id, 20);
	memcpy(p.ip, "\x7f\x00\x00\x01", 4);
	p.ip[3] = (unsigned char)(1 + n % 250);
	p.port = (uint16_t)(10000 + n);
	p.left = left;
	return p;
}

static struct swarm *
announce(int hash, int peer, long long left, enum swarm_event ev, long long now)
{
	unsigned char h[20];
	struct swarm_peer p = peer_of(peer, left);
	struct swarm *s = NULL;

	hash_of(hash, h);
	cr_assert_eq(swarm_announce(&t, h, &p, ev, now, &s), SWARM_OK);
	return s;
}

TestSuite(swarm, .init = setup, .fini = teardown);

Test(swarm, started_adds_a_peer_and_counts_it)
{
	struct swarm *s = announce(1, 1, 100, SWARM_EVENT_STARTED, 0);

	cr_assert_eq(s->npeers, 1);
	cr_assert_eq(s->seeders, 0);
	cr_assert_eq(swarm_leechers(s), 1);
	s = announce(1, 2, 0, SWARM_EVENT_STARTED, 0);
	cr_assert_eq(s->npeers, 2);
	cr_assert_eq(s->seeders, 1);
	cr_assert_eq(t.nswarms, 1);
	cr_assert_eq(s->max_left, 100);
}

Test(swarm, update_refreshes_without_duplicating)
{
	struct swarm *s;
	struct swarm_peer p = peer_of(1, 0);

	announce(1, 1, 100, SWARM_EVENT_STARTED, 0);
	s = announce(1, 1, 40, SWARM_EVENT_NONE, 500);
	cr_assert_eq(s->npeers, 1);
	cr_assert_eq(swarm_find_peer(s, p.id)->left, 40);
	cr_assert_eq(swarm_find_peer(s, p.id)->last_seen_ms, 500);
	cr_assert_eq(swarm_find_peer(s, p.id)->first_seen_ms, 0);
	s = announce(1, 1, 0, SWARM_EVENT_NONE, 600);
	cr_assert_eq(s->seeders, 1);
	s = announce(1, 1, 5, SWARM_EVENT_NONE, 700);
	cr_assert_eq(s->seeders, 0);
}

Test(swarm, regular_update_from_an_unknown_peer_adds_it)
{
	struct swarm *s = announce(1, 1, 100, SWARM_EVENT_NONE, 0);

	cr_assert_eq(s->npeers, 1);
}

Test(swarm, stopped_removes_the_peer)
{
	struct swarm *s;

	announce(1, 1, 0, SWARM_EVENT_STARTED, 0);
	announce(1, 2, 10, SWARM_EVENT_STARTED, 0);
	s = announce(1, 1, 0, SWARM_EVENT_STOPPED, 1);
	cr_assert_eq(s->npeers, 1);
	cr_assert_eq(s->seeders, 0);
	s = announce(1, 1, 0, SWARM_EVENT_STOPPED, 1);	/* twice is harmless */
	cr_assert_eq(s->npeers, 1);
}

Test(swarm, stopped_never_creates_a_swarm)
{
	struct swarm *s = announce(3, 1, 0, SWARM_EVENT_STOPPED, 0);

	cr_assert_null(s);
	cr_assert_eq(t.nswarms, 0);
}

Test(swarm, completed_counts_once_per_peer)
{
	struct swarm *s;

	announce(1, 1, 100, SWARM_EVENT_STARTED, 0);
	s = announce(1, 1, 0, SWARM_EVENT_COMPLETED, 1);
	cr_assert_eq(s->downloaded, 1);
	cr_assert_eq(s->seeders, 1);
	s = announce(1, 1, 0, SWARM_EVENT_COMPLETED, 2);
	cr_assert_eq(s->downloaded, 1);
	s = announce(1, 2, 0, SWARM_EVENT_COMPLETED, 3);
	cr_assert_eq(s->downloaded, 2);
}

Test(swarm, peers_expire_after_the_expiry_time)
{
	unsigned char h[20];
	struct swarm *s;

	announce(1, 1, 0, SWARM_EVENT_STARTED, 0);
	announce(1, 2, 10, SWARM_EVENT_STARTED, 0);
	announce(1, 2, 10, SWARM_EVENT_NONE, 1500);	/* peer 2 keeps announcing */
	cr_assert_eq(swarm_expire(&t, 1999), 0);
	cr_assert_eq(swarm_expire(&t, 2000), 1);
	hash_of(1, h);
	s = swarm_find(&t, h);
	cr_assert_not_null(s);
	cr_assert_eq(s->npeers, 1);
	cr_assert_eq(s->seeders, 0);
	cr_assert_eq(swarm_expire(&t, 3499), 0);
	cr_assert_eq(swarm_expire(&t, 3500), 1);
}

Test(swarm, empty_swarms_are_removed_by_expiry)
{
	unsigned char h[20];

	announce(1, 1, 0, SWARM_EVENT_STARTED, 0);
	announce(2, 1, 0, SWARM_EVENT_STARTED, 1000);
	announce(2, 1, 0, SWARM_EVENT_STOPPED, 1001);
	cr_assert_eq(t.nswarms, 2);
	swarm_expire(&t, 1002);
	cr_assert_eq(t.nswarms, 1);
	hash_of(2, h);
	cr_assert_null(swarm_find(&t, h));
	swarm_expire(&t, 2000);
	cr_assert_eq(t.nswarms, 0);
}

Test(swarm, refuses_swarms_beyond_the_limit)
{
	unsigned char h[20];
	struct swarm_peer p = peer_of(1, 0);
	struct swarm *s;

	for (int i = 0; i < 4; i++)
		announce(i, 1, 0, SWARM_EVENT_STARTED, 0);
	hash_of(9, h);
	cr_assert_eq(swarm_announce(&t, h, &p, SWARM_EVENT_STARTED, 0, &s), SWARM_TOO_MANY_SWARMS);
	cr_assert_null(s);
	announce(0, 2, 0, SWARM_EVENT_STARTED, 0);	/* known swarms still work */
}

Test(swarm, refuses_peers_beyond_the_limit)
{
	struct swarm_limits small = { .max_swarms = 2, .max_peers = 3, .expiry_ms = 100 };
	unsigned char h[20];
	struct swarm *s;
	struct swarm_peer p = peer_of(4, 0);

	swarm_table_free(&t);
	swarm_table_init(&t, &small, 1);
	for (int i = 0; i < 3; i++)
		announce(1, i, 0, SWARM_EVENT_STARTED, 0);
	hash_of(1, h);
	cr_assert_eq(swarm_announce(&t, h, &p, SWARM_EVENT_STARTED, 0, &s), SWARM_TOO_MANY_PEERS);
	s = announce(1, 2, 5, SWARM_EVENT_NONE, 1);	/* a known peer may update */
	cr_assert_eq(s->npeers, 3);
	cr_assert_str_eq(swarm_status_text(SWARM_TOO_MANY_PEERS), "swarm is full (too many peers)");
}

Test(swarm, allow_list_restricts_hashes)
{
	unsigned char a[20], b[20];
	struct swarm_peer p = peer_of(1, 0);
	struct swarm *s;

	hash_of(1, a);
	hash_of(2, b);
	cr_assert(swarm_allowed(&t, b));
	swarm_restrict(&t);
	cr_assert_not(swarm_allowed(&t, a));
	cr_assert_eq(swarm_allow(&t, a), 0);
	cr_assert_eq(swarm_allow(&t, a), 0);
	cr_assert_eq(t.nallow, 1);
	cr_assert(swarm_allowed(&t, a));
	cr_assert_not(swarm_allowed(&t, b));
	cr_assert_eq(swarm_announce(&t, b, &p, SWARM_EVENT_STARTED, 0, &s), SWARM_NOT_ALLOWED);
	cr_assert_eq(swarm_announce(&t, a, &p, SWARM_EVENT_STARTED, 0, &s), SWARM_OK);
}

/* Checks out[0..n) has no repeats, no asker, and only members of s. */
static void
check_selection(struct swarm *s, const struct swarm_peer *asker,
    const struct swarm_peer **out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cr_assert(out[i] >= s->peers && out[i] < s->peers + s->npeers);
		cr_assert_neq(memcmp(out[i]->id, asker->id, 20), 0, "asker handed out");
		cr_assert_not(out[i]->port == asker->port && memcmp(out[i]->ip, asker->ip, 4) == 0,
		    "asker's address handed out");
		for (size_t j = 0; j < i; j++)
			cr_assert_neq(out[i], out[j], "peer handed out twice");
	}
}

Test(swarm, select_never_returns_the_asker)
{
	const struct swarm_peer *out[10];
	struct swarm_peer me = peer_of(0, 0);
	struct swarm *s = NULL;

	for (int i = 0; i < 5; i++)
		s = announce(1, i, 0, SWARM_EVENT_STARTED, 0);
	for (int round = 0; round < 100; round++) {
		size_t n = swarm_select(&t, s, &me, 10, out);

		cr_assert_eq(n, 4);
		check_selection(s, &me, out, n);
	}
}

Test(swarm, select_skips_another_id_at_the_askers_address)
{
	const struct swarm_peer *out[10];
	struct swarm_peer me = peer_of(0, 0), old = peer_of(0, 0);
	unsigned char h[20];
	struct swarm *s;

	announce(1, 1, 0, SWARM_EVENT_STARTED, 0);
	announce(1, 2, 0, SWARM_EVENT_STARTED, 0);
	old.id[19] = 'X';	/* the same client restarted with a new id */
	hash_of(1, h);
	cr_assert_eq(swarm_announce(&t, h, &old, SWARM_EVENT_STARTED, 0, &s), SWARM_OK);
	cr_assert_eq(swarm_announce(&t, h, &me, SWARM_EVENT_STARTED, 0, &s), SWARM_OK);
	cr_assert_eq(swarm_select(&t, s, &me, 10, out), 2);
	check_selection(s, &me, out, 2);
}

Test(swarm, select_gives_a_subset_of_the_size_asked)
{
	const struct swarm_peer *out[50];
	struct swarm_peer me = peer_of(999, 0);
	struct swarm *s = NULL;

	for (int i = 0; i < 300; i++)
		s = announce(1, i, 0, SWARM_EVENT_STARTED, 0);
	cr_assert_eq(swarm_select(&t, s, &me, 50, out), 50);
	check_selection(s, &me, out, 50);
	cr_assert_eq(swarm_select(&t, s, &me, 0, out), 0);
}

/* Over many draws every other peer turns up: the subset is really random. */
static void
check_reaches_everyone(int swarm_size, size_t want)
{
	const struct swarm_peer *out[64];
	int seen[400] = { 0 };
	struct swarm_peer me = peer_of(0, 0);
	struct swarm *s = NULL;

	for (int i = 0; i < swarm_size; i++)
		s = announce(1, i, 0, SWARM_EVENT_STARTED, 0);
	for (int round = 0; round < 400; round++) {
		size_t n = swarm_select(&t, s, &me, want, out);

		cr_assert_eq(n, want);
		check_selection(s, &me, out, n);
		for (size_t i = 0; i < n; i++)
			seen[out[i] - s->peers]++;
	}
	for (int i = 0; i < swarm_size; i++)
		if (memcmp(s->peers[i].id, me.id, 20) != 0)
			cr_assert_gt(seen[i], 0, "peer %d never chosen", i);
}

Test(swarm, small_swarm_subsets_reach_every_peer)
{
	check_reaches_everyone(20, 8);
}

Test(swarm, large_swarm_subsets_reach_every_peer)
{
	check_reaches_everyone(400, 30);
}

Test(swarm, same_seed_gives_the_same_subsets)
{
	const struct swarm_peer *a[20], *b[20];
	struct swarm_peer me = peer_of(0, 0);
	struct swarm_table u;
	unsigned char h[20];
	struct swarm *s = NULL, *su = NULL;

	swarm_table_init(&u, &limits, 42);
	hash_of(1, h);
	for (int i = 0; i < 100; i++) {
		struct swarm_peer p = peer_of(i, 0);

		s = announce(1, i, 0, SWARM_EVENT_STARTED, 0);
		cr_assert_eq(swarm_announce(&u, h, &p, SWARM_EVENT_STARTED, 0, &su), SWARM_OK);
	}
	for (int round = 0; round < 20; round++) {
		size_t n = swarm_select(&t, s, &me, 20, a);

		cr_assert_eq(swarm_select(&u, su, &me, 20, b), n);
		for (size_t i = 0; i < n; i++)
			cr_assert_eq(memcmp(a[i]->id, b[i]->id, 20), 0);
	}
	swarm_table_free(&u);
}

Test(swarm, select_stays_bounded_when_most_peers_share_the_askers_address)
{
	const struct swarm_peer *out[10];
	struct swarm_peer me = peer_of(0, 0);
	unsigned char h[20];
	struct swarm *s = NULL;

	hash_of(1, h);
	for (int i = 1; i <= 500; i++) {
		struct swarm_peer p = peer_of(i, 0);

		if (i > 3) {	/* all but three pretend to be at the asker's address */
			memcpy(p.ip, me.ip, 4);
			p.port = me.port;
		}
		cr_assert_eq(swarm_announce(&t, h, &p, SWARM_EVENT_STARTED, 0, &s), SWARM_OK);
	}
	cr_assert_eq(swarm_select(&t, s, &me, 10, out), 3);
	check_selection(s, &me, out, 3);
}

/*
 * Random joins, leaves, updates and expiries against a naive model (an array
 * of flags): the table's counts must always agree with it.
 */
Test(swarm, agrees_with_a_naive_model)
{
	int present[200] = { 0 };
	long long seen_at[200], left_of[200];
	uint64_t r = 7;
	unsigned char h[20];

	hash_of(1, h);
	for (long long now = 0; now < 20000; now += 7) {
		int i, seeds = 0, n = 0;
		struct swarm *s;

		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		i = (int)(r >> 33) % 200;
		if ((r >> 20) % 5 == 0) {
			announce(1, i, 0, SWARM_EVENT_STOPPED, now);
			present[i] = 0;
		} else {
			announce(1, i, (long long)((r >> 40) % 3), SWARM_EVENT_NONE, now);
			present[i] = 1;
			seen_at[i] = now;
			left_of[i] = (long long)((r >> 40) % 3);
		}
		if (now % 1001 == 0) {
			swarm_expire(&t, now);
			for (int k = 0; k < 200; k++)
				if (present[k] && now - seen_at[k] >= limits.expiry_ms)
					present[k] = 0;
		}
		for (int k = 0; k < 200; k++) {
			n += present[k];
			seeds += present[k] && left_of[k] == 0;
		}
		s = swarm_find(&t, h);
		cr_assert_eq(s ? (int)s->npeers : 0, n, "at %lld", now);
		cr_assert_eq(s ? (int)s->seeders : 0, seeds, "at %lld", now);
	}
}
