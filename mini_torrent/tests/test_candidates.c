/*
 * test_candidates.c — the addresses a peer dials, on a fake clock: back-off
 * after each dial, CANDIDATES_MAX_FAILS and then never again, forgiveness when
 * the tracker lists one again, and a fair random pick among the dialable.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "candidates.h"

static struct sockaddr_in
addr(uint16_t port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static void
add(struct candidates *t, uint16_t port)
{
	struct sockaddr_in a = addr(port);

	candidates_add(t, (struct sockaddr *)&a, sizeof(a));
}

static uint16_t
port_of(const struct candidate *c)
{
	return ntohs(((const struct sockaddr_in *)&c->addr)->sin_port);
}

/* busy: claims the one port in ctx. */
static int
busy_port(void *ctx, const struct sockaddr *a)
{
	return ntohs(((const struct sockaddr_in *)a)->sin_port) == *(uint16_t *)ctx;
}

Test(candidates, adds_each_endpoint_once)
{
	struct candidates t;
	struct sockaddr_in a = addr(1);

	cr_assert_eq(candidates_init(&t), 0);
	add(&t, 1);
	memset(a.sin_zero, 0x55, sizeof(a.sin_zero));
	candidates_add(&t, (struct sockaddr *)&a, sizeof(a));
	add(&t, 2);
	cr_expect_eq(t.n, 2);
	candidates_free(&t);
}

Test(candidates, backs_off_after_each_dial_and_gives_up_after_the_limit)
{
	struct candidates t;
	uint64_t rng = 1;
	int64_t now = 1000;
	unsigned dials = 0;
	struct candidate *c;

	cr_assert_eq(candidates_init(&t), 0);
	add(&t, 1);
	while ((c = candidates_pick(&t, now, &rng, NULL, NULL)) != NULL) {
		dials++;
		cr_expect_eq(c->next_try_ms, now + CANDIDATES_RETRY_MS * (int64_t)dials);
		cr_expect_null(candidates_pick(&t, c->next_try_ms - 1, &rng, NULL,
		    NULL), "dialled again during its back-off");
		now = c->next_try_ms;
	}
	cr_expect_eq(dials, CANDIDATES_MAX_FAILS);
	cr_expect_null(candidates_pick(&t, now + 10000000, &rng, NULL, NULL));
	cr_expect_eq(candidates_left(&t, NULL, NULL), 0);
	add(&t, 1);	/* the tracker lists it again: forgiven */
	cr_expect_eq(candidates_left(&t, NULL, NULL), 1);
	cr_expect_not_null(candidates_pick(&t, now, &rng, NULL, NULL));
	candidates_free(&t);
}

Test(candidates, a_retired_address_is_never_dialled)
{
	struct candidates t;
	struct sockaddr_in a = addr(2);
	uint64_t rng = 7;
	struct candidate *c;

	cr_assert_eq(candidates_init(&t), 0);
	add(&t, 1);
	add(&t, 2);
	candidates_retire(&t, (struct sockaddr *)&a);
	cr_expect_eq(candidates_left(&t, NULL, NULL), 1);
	for (int i = 0; i < 50; i++) {
		t.c[0].fails = 0;
		t.c[0].next_try_ms = 0;
		c = candidates_pick(&t, 0, &rng, NULL, NULL);
		cr_assert_not_null(c);
		cr_expect_eq(port_of(c), 1);
	}
	candidates_free(&t);
}

Test(candidates, skips_what_the_caller_calls_busy)
{
	struct candidates t;
	uint16_t busy = 1;
	uint64_t rng = 3;
	struct candidate *c;

	cr_assert_eq(candidates_init(&t), 0);
	add(&t, 1);
	add(&t, 2);
	cr_expect_eq(candidates_left(&t, busy_port, &busy), 1);
	c = candidates_pick(&t, 0, &rng, busy_port, &busy);
	cr_assert_not_null(c);
	cr_expect_eq(port_of(c), 2);
	cr_expect_null(candidates_pick(&t, 0, &rng, busy_port, &busy),
	    "2 backs off, 1 is busy");
	candidates_free(&t);
}

Test(candidates, picks_every_dialable_one_about_equally)
{
	struct candidates t;
	unsigned hits[4] = { 0 };
	uint64_t rng = 42;

	cr_assert_eq(candidates_init(&t), 0);
	for (uint16_t p = 0; p < 4; p++)
		add(&t, p);
	for (int i = 0; i < 4000; i++) {
		struct candidate *c = candidates_pick(&t, 0, &rng, NULL, NULL);

		cr_assert_not_null(c);
		hits[port_of(c)]++;
		c->fails = 0;	/* keep all four dialable */
		c->next_try_ms = 0;
	}
	for (int p = 0; p < 4; p++)
		cr_expect(hits[p] > 850 && hits[p] < 1150, "port %d: %u of 4000",
		    p, hits[p]);
	candidates_free(&t);
}

Test(candidates, a_full_table_ignores_new_addresses)
{
	struct candidates t;

	cr_assert_eq(candidates_init(&t), 0);
	for (unsigned p = 0; p < CANDIDATES_MAX + 10; p++)
		add(&t, (uint16_t)p);
	cr_expect_eq(t.n, CANDIDATES_MAX);
	candidates_free(&t);
}
