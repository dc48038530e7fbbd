/*
 * test_conntab.c — the poll server's connection table: pollfd and connection
 * arrays stay in step through additions and removals, grow past any small
 * fixed size, and keep the connections in order of last activity.
 */
#include <criterion/criterion.h>

#include "conntab.h"

/* Every slot's pollfd matches its connection, and the activity list is whole. */
static void
check_consistent(const struct conntab *t)
{
	size_t listed = 0;
	long last = -1;

	cr_assert_eq(t->pfds[CONNTAB_LISTENER].fd, 3);
	for (size_t i = CONNTAB_FIRST_CONN; i < t->n; i++) {
		cr_assert_eq(t->conns[i]->slot, i);
		cr_assert_eq(t->pfds[i].fd, t->conns[i]->fd);
	}
	for (const struct conn *c = t->oldest; c != NULL; c = c->newer) {
		cr_assert_geq(c->last_ms, last, "activity list out of order");
		last = c->last_ms;
		listed++;
	}
	cr_assert_eq(listed, conntab_count(t));
}

Test(conntab, starts_with_only_the_listening_socket)
{
	struct conntab t;

	cr_assert_eq(conntab_init(&t, 3), 0);
	cr_assert_eq(conntab_count(&t), 0);
	cr_assert_eq(t.pfds[CONNTAB_LISTENER].events, POLLIN);
	cr_assert_null(t.oldest);
	conntab_free(&t);
}

Test(conntab, grows_to_ten_thousand_connections)
{
	struct conntab t;

	cr_assert_eq(conntab_init(&t, 3), 0);
	for (int fd = 10; fd < 10010; fd++)
		cr_assert_not_null(conntab_add(&t, fd, fd));
	cr_assert_eq(conntab_count(&t), 10000);
	check_consistent(&t);
	conntab_free(&t);
}

Test(conntab, removal_moves_the_last_connection_into_the_hole)
{
	struct conntab t;
	struct conn *a, *b, *c;

	cr_assert_eq(conntab_init(&t, 3), 0);
	a = conntab_add(&t, 10, 1);
	b = conntab_add(&t, 11, 2);
	c = conntab_add(&t, 12, 3);
	conntab_remove(&t, a);
	cr_assert_eq(conntab_count(&t), 2);
	cr_assert_eq(t.conns[1], c);
	cr_assert_eq(c->slot, 1);
	cr_assert_eq(t.pfds[1].fd, 12);
	cr_assert_eq(t.conns[2], b);
	check_consistent(&t);
	conntab_remove(&t, b);	/* the last one: nothing moves */
	cr_assert_eq(t.conns[1], c);
	check_consistent(&t);
	conntab_free(&t);
}

Test(conntab, touch_makes_a_connection_the_newest)
{
	struct conntab t;
	struct conn *a, *b, *c;

	cr_assert_eq(conntab_init(&t, 3), 0);
	a = conntab_add(&t, 10, 1);
	b = conntab_add(&t, 11, 2);
	c = conntab_add(&t, 12, 3);
	cr_assert_eq(t.oldest, a);
	conntab_touch(&t, a, 4);
	cr_assert_eq(t.oldest, b);
	cr_assert_eq(t.newest, a);
	conntab_touch(&t, a, 5);	/* already newest */
	cr_assert_eq(t.newest, a);
	cr_assert_eq(a->last_ms, 5);
	conntab_remove(&t, b);
	cr_assert_eq(t.oldest, c);
	check_consistent(&t);
	conntab_free(&t);
}

Test(conntab, random_operations_keep_the_table_consistent)
{
	struct conntab t;
	long now = 0;
	int next_fd = 10;

	srand(7);
	cr_assert_eq(conntab_init(&t, 3), 0);
	for (int round = 0; round < 20000; round++) {
		int op = rand() % 3;
		size_t n = conntab_count(&t);

		now++;
		if (op == 0 || n == 0)
			cr_assert_not_null(conntab_add(&t, next_fd++, now));
		else if (op == 1)
			conntab_remove(&t, t.conns[CONNTAB_FIRST_CONN + (size_t)rand() % n]);
		else
			conntab_touch(&t, t.conns[CONNTAB_FIRST_CONN + (size_t)rand() % n], now);
		if (round % 500 == 0)
			check_consistent(&t);
	}
	check_consistent(&t);
	conntab_free(&t);
}
