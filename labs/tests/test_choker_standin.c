/*
 * test_choker_standin.c — lab 5's stand-in choker (labs/05-torrent-peer/
 * given/choker.c): the slots + 1 earliest interested peers, whatever their
 * rates, never optimistic, on the real choker's schedule.  Rates run against
 * the connection order throughout, so a choker that ranks by rate fails.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "choker.h"

static struct choker
make_choker(int64_t now, uint64_t seed)
{
	struct choker_config cfg;
	struct choker c;

	choker_config_default(&cfg);
	choker_init(&c, &cfg, now, seed);
	return c;
}

/*
 * n interested peers, ids 1..n, peer id k connected at time 100 * k: id 1
 * first.  Rates grow with id, so the latest comers are the fastest.  The
 * array holds them in reverse (p[0] is id n), so neither array order nor
 * rate order is connection order.
 */
static void
make_peers(struct choker_peer *p, size_t n)
{
	memset(p, 0, n * sizeof(*p));
	for (size_t i = 0; i < n; i++) {
		uint64_t id = n - i;

		p[i].id = id;
		p[i].interested = 1;
		p[i].rate_from = 1000 * id;
		p[i].rate_to = 1000 * id;
		p[i].connected_ms = 100 * (int64_t)id;
		p[i].last_block_ms = p[i].connected_ms;
	}
}

static struct choker_peer *
by_id(struct choker_peer *p, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].id == id)
			return &p[i];
	cr_assert_fail("no peer %llu", (unsigned long long)id);
	return NULL;
}

static size_t
count_unchoked(const struct choker_peer *p, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i].unchoke != 0;
	return k;
}

Test(choker_standin, gives_the_real_chokers_default_config)
{
	struct choker_config cfg;

	memset(&cfg, 0xff, sizeof(cfg));
	choker_config_default(&cfg);
	cr_expect_eq(cfg.slots, 4);
	cr_expect_eq(cfg.rechoke_ms, 10000);
	cr_expect_eq(cfg.optimistic_ms, 30000);
	cr_expect_eq(cfg.snub_ms, 60000);
}

Test(choker_standin, unchokes_only_interested_peers)
{
	struct choker c = make_choker(0, 1);
	struct choker_peer p[4];

	make_peers(p, 4);
	by_id(p, 4, 1)->interested = 0;	/* the earliest */
	by_id(p, 4, 4)->interested = 0;	/* the fastest */
	cr_expect_eq(choker_run(&c, p, 4, 0, 0), 2);
	cr_expect_not(by_id(p, 4, 1)->unchoke);
	cr_expect_not(by_id(p, 4, 4)->unchoke);
	cr_expect(by_id(p, 4, 2)->unchoke);
	cr_expect(by_id(p, 4, 3)->unchoke);
}

Test(choker_standin, unchokes_at_most_slots_plus_one)
{
	struct choker c = make_choker(0, 1);
	struct choker_peer p[10];

	make_peers(p, 10);
	cr_expect_eq(choker_run(&c, p, 10, 0, 0), 5);
	cr_expect_eq(count_unchoked(p, 10), 5);

	c.cfg.slots = 2;
	cr_expect_eq(choker_run(&c, p, 10, 0, 0), 3);
	cr_expect_eq(count_unchoked(p, 10), 3);
}

Test(choker_standin, unchokes_the_earliest_connected_whatever_their_rates)
{
	for (int seeding = 0; seeding <= 1; seeding++) {
		struct choker c = make_choker(0, 1);
		struct choker_peer p[9];

		make_peers(p, 9);
		choker_run(&c, p, 9, 0, seeding);
		for (uint64_t id = 1; id <= 9; id++)
			cr_expect_eq(by_id(p, 9, id)->unchoke, id <= 5,
			    "peer %llu, seeding %d", (unsigned long long)id,
			    seeding);
	}
}

Test(choker_standin, breaks_connection_ties_by_id)
{
	for (uint64_t seed = 0; seed < 20; seed++) {
		struct choker c = make_choker(0, seed);
		struct choker_peer p[8];

		make_peers(p, 8);
		for (size_t i = 0; i < 8; i++)
			p[i].connected_ms = 0;
		choker_run(&c, p, 8, 0, 0);
		for (uint64_t id = 1; id <= 8; id++)
			cr_expect_eq(by_id(p, 8, id)->unchoke, id <= 5,
			    "peer %llu, seed %llu", (unsigned long long)id,
			    (unsigned long long)seed);
	}
}

Test(choker_standin, is_never_optimistic)
{
	struct choker c = make_choker(0, 1);
	struct choker_peer p[8];

	make_peers(p, 8);
	for (int64_t t = 0; t <= 4 * CHOKER_OPTIMISTIC_MS; t += CHOKER_RECHOKE_MS) {
		choker_run(&c, p, 8, t, 0);
		for (size_t i = 0; i < 8; i++)
			cr_expect_not(p[i].optimistic, "peer %llu at %lld",
			    (unsigned long long)p[i].id, (long long)t);
	}
}

Test(choker_standin, decides_the_same_when_rates_change)
{
	struct choker c = make_choker(0, 1);
	struct choker_peer p[9];
	int first[9];

	make_peers(p, 9);
	choker_run(&c, p, 9, 0, 0);
	for (size_t i = 0; i < 9; i++)
		first[i] = p[i].unchoke;
	/* Past several optimistic intervals, with the rates turned around. */
	for (int64_t t = CHOKER_RECHOKE_MS; t <= 4 * CHOKER_OPTIMISTIC_MS;
	    t += CHOKER_RECHOKE_MS) {
		for (size_t i = 0; i < 9; i++) {
			p[i].rate_from = (uint64_t)(t / 1000) * (10 - p[i].id);
			p[i].rate_to = p[i].rate_from / 2;
		}
		choker_run(&c, p, 9, t, 0);
		for (size_t i = 0; i < 9; i++)
			cr_expect_eq(p[i].unchoke, first[i], "peer %llu at %lld",
			    (unsigned long long)p[i].id, (long long)t);
	}
}

Test(choker_standin, gives_a_slot_freed_by_lost_interest_to_the_next_earliest)
{
	struct choker c = make_choker(0, 1);
	struct choker_peer p[7];

	make_peers(p, 7);
	choker_run(&c, p, 7, 0, 0);
	cr_assert(by_id(p, 7, 2)->unchoke);
	cr_assert_not(by_id(p, 7, 6)->unchoke);

	by_id(p, 7, 2)->interested = 0;
	cr_expect_eq(choker_run(&c, p, 7, CHOKER_RECHOKE_MS, 0), 5);
	cr_expect_not(by_id(p, 7, 2)->unchoke);
	cr_expect(by_id(p, 7, 6)->unchoke, "the next earliest takes the slot");
	cr_expect_not(by_id(p, 7, 7)->unchoke);
	for (uint64_t id = 1; id <= 5; id++)
		if (id != 2)
			cr_expect(by_id(p, 7, id)->unchoke, "peer %llu",
			    (unsigned long long)id);

	by_id(p, 7, 2)->interested = 1;	/* back: it is earlier than 6 */
	choker_run(&c, p, 7, 2 * CHOKER_RECHOKE_MS, 0);
	cr_expect(by_id(p, 7, 2)->unchoke);
	cr_expect_not(by_id(p, 7, 6)->unchoke);
}

Test(choker_standin, is_due_every_rechoke_interval)
{
	struct choker_config cfg;
	struct choker c;
	struct choker_peer p[2];
	int64_t t0 = 5000;

	choker_config_default(&cfg);
	choker_init(&c, &cfg, t0, 1);
	make_peers(p, 2);
	cr_expect_not(choker_due(&c, t0 - 1));
	cr_expect(choker_due(&c, t0), "the first rechoke is at once");
	choker_run(&c, p, 2, t0, 0);
	cr_expect_not(choker_due(&c, t0));
	cr_expect_not(choker_due(&c, t0 + CHOKER_RECHOKE_MS - 1));
	cr_expect(choker_due(&c, t0 + CHOKER_RECHOKE_MS));

	cfg.rechoke_ms = 250;
	choker_init(&c, &cfg, 0, 1);
	choker_run(&c, p, 2, 0, 0);
	cr_expect_not(choker_due(&c, 249));
	cr_expect(choker_due(&c, 250), "rechoke_ms is the config's");
}

/*
 * Judging snubbing is lab 6's work (its choker_snubbed is a SOLUTION block):
 * the stand-in gives none of it away, so a bundle of lab 5 holds no answer
 * of lab 6.  It never calls a peer snubbing, however long it has been silent.
 */
Test(choker_standin, never_calls_a_peer_snubbing)
{
	struct choker c = make_choker(0, 1);
	struct choker_peer p[1];
	int64_t t = 100000;

	make_peers(p, 1);
	p[0].last_block_ms = t;
	cr_expect_not(choker_snubbed(&c, &p[0], t));
	cr_expect_not(choker_snubbed(&c, &p[0], t + CHOKER_SNUB_MS));
	cr_expect_not(choker_snubbed(&c, &p[0], t + 10 * CHOKER_SNUB_MS));
	c.cfg.snub_ms = 2000;
	cr_expect_not(choker_snubbed(&c, &p[0], t + 2000));
}
