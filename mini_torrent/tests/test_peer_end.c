/*
 * test_peer_end.c — why a connection ended: an enum the event loop compares,
 * with the words the log has always written.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "peer.h"

Test(peer_end, every_reason_has_its_own_name)
{
	for (int i = 0; i < PEER_END_COUNT; i++) {
		const char *a = peer_end_name((enum peer_end)i);

		cr_assert_not_null(a, "reason %d", i);
		cr_expect(a[0] != '\0' && strcmp(a, "?") != 0, "reason %d", i);
		for (int j = 0; j < i; j++)
			cr_expect_str_neq(a, peer_end_name((enum peer_end)j),
			    "reasons %d and %d", i, j);
	}
	cr_expect_str_eq(peer_end_name(PEER_END_BOTH_SEEDS), "both seeds");
	cr_expect_str_eq(peer_end_name(PEER_END_COUNT), "?");
}

Test(peer_end, the_first_reason_stays_and_detail_is_the_logged_text)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct peer *p = peer_new(-1, (struct sockaddr *)&a, sizeof(a), 1, 8,
	    0, 1000);

	cr_assert_not_null(p);
	cr_expect_eq(p->end, PEER_END_NONE);
	peer_kill(p, PEER_END_SOCKET, "Connection reset by peer");
	peer_kill(p, PEER_END_BOTH_SEEDS, NULL);
	cr_expect_eq(p->state, PEER_DEAD);
	cr_expect_eq(p->end, PEER_END_SOCKET);
	cr_expect_str_eq(p->why, "Connection reset by peer");
	peer_free(p);
	p = peer_new(-1, (struct sockaddr *)&a, sizeof(a), 1, 8, 0, 1000);
	cr_assert_not_null(p);
	peer_kill(p, PEER_END_BOTH_SEEDS, NULL);
	cr_expect_str_eq(p->why, "both seeds");
	peer_free(p);
}
