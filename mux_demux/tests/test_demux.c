/*
 * test_demux.c — the demux table on its own: no sockets, just lookups.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "demux.h"

static struct demux d;

static void
setup(void)
{
	demux_init(&d);
}

static struct demux_remote
remote(uint32_t ip, uint16_t hport, uint16_t port)
{
	return (struct demux_remote){ .host = { .ip = ip, .port = hport }, .port = port };
}

TestSuite(demux, .init = setup);

Test(demux, finds_a_bound_socket_by_destination_port_alone)
{
	struct demux_remote a = remote(0x7f000001, 4000, 5000), b = remote(0x7f000002, 4001, 6000);

	cr_assert_eq(demux_bind(&d, 7, 3), 0);
	cr_assert_eq(demux_bind(&d, 8, 4), 0);
	cr_assert_eq(demux_lookup_port(&d, 7), 3);
	cr_assert_eq(demux_lookup_port(&d, 8), 4);
	cr_assert_eq(demux_lookup(&d, 7, &a), 3, "any source reaches port 7");
	cr_assert_eq(demux_lookup(&d, 7, &b), 3);
	cr_assert_eq(demux_lookup(&d, 9, &a), -1, "nobody on port 9");
}

Test(demux, refuses_to_bind_a_port_twice)
{
	cr_assert_eq(demux_bind(&d, 7, 1), 0);
	errno = 0;
	cr_assert_eq(demux_bind(&d, 7, 2), -1);
	cr_assert_eq(errno, EADDRINUSE);
	cr_assert_eq(demux_lookup_port(&d, 7), 1, "the first binding stays");
}

Test(demux, refuses_port_zero)
{
	struct demux_remote r = remote(1, 2, 3);

	cr_assert_eq(demux_bind(&d, 0, 1), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(demux_connect(&d, 0, &r, 1), -1);
	cr_assert_eq(errno, EINVAL);
	r.port = 0;
	cr_assert_eq(demux_connect(&d, 5, &r, 1), -1);
	cr_assert_eq(errno, EINVAL);
}

Test(demux, says_when_full)
{
	struct demux_remote r = remote(1, 2, 3);

	for (int i = 0; i < DEMUX_MAX; i++)
		cr_assert_eq(demux_bind(&d, (uint16_t)(100 + i), i), 0);
	cr_assert_eq(demux_bind(&d, 99, 999), -1);
	cr_assert_eq(errno, ENOSPC);
	for (int i = 0; i < DEMUX_MAX; i++) {
		r.port = (uint16_t)(1000 + i);
		cr_assert_eq(demux_connect(&d, 80, &r, i), 0);
	}
	r.port = 999;
	cr_assert_eq(demux_connect(&d, 80, &r, 999), -1);
	cr_assert_eq(errno, ENOSPC);
}

Test(demux, separates_connections_by_the_whole_four_tuple)
{
	struct demux_remote c1 = remote(0x7f000001, 4000, 5555);
	struct demux_remote c2 = remote(0x7f000001, 4000, 5556);	/* same host, other port */
	struct demux_remote c3 = remote(0x7f000002, 4000, 5555);	/* other IP, same port */
	struct demux_remote c4 = remote(0x7f000001, 4001, 5555);	/* other host, same IP */

	cr_assert_eq(demux_bind(&d, 80, 1), 0);	/* the listening socket */
	cr_assert_eq(demux_connect(&d, 80, &c1, 11), 0);
	cr_assert_eq(demux_connect(&d, 80, &c2, 12), 0);
	cr_assert_eq(demux_connect(&d, 80, &c3, 13), 0);
	cr_assert_eq(demux_connect(&d, 80, &c4, 14), 0);
	cr_assert_eq(demux_lookup(&d, 80, &c1), 11);
	cr_assert_eq(demux_lookup(&d, 80, &c2), 12);
	cr_assert_eq(demux_lookup(&d, 80, &c3), 13);
	cr_assert_eq(demux_lookup(&d, 80, &c4), 14);
}

Test(demux, sends_a_new_client_to_the_listening_socket)
{
	struct demux_remote known = remote(0x7f000001, 4000, 5555);
	struct demux_remote stranger = remote(0x7f000001, 4000, 5557);

	cr_assert_eq(demux_bind(&d, 80, 1), 0);
	cr_assert_eq(demux_connect(&d, 80, &known, 2), 0);
	cr_assert_eq(demux_lookup_conn(&d, 80, &stranger), -1);
	cr_assert_eq(demux_lookup(&d, 80, &stranger), 1);
	cr_assert_eq(demux_lookup(&d, 80, &known), 2);
}

Test(demux, refuses_the_same_four_tuple_twice)
{
	struct demux_remote r = remote(0x7f000001, 4000, 5555);

	cr_assert_eq(demux_connect(&d, 80, &r, 2), 0);
	cr_assert_eq(demux_connect(&d, 80, &r, 3), -1);
	cr_assert_eq(errno, EADDRINUSE);
	cr_assert_eq(demux_connect(&d, 81, &r, 3), 0, "another local port is another tuple");
}

Test(demux, a_connection_keeps_its_port_from_binds)
{
	struct demux_remote r = remote(0x7f000001, 4000, 80);

	cr_assert_eq(demux_connect(&d, 50000, &r, 2), 0);
	cr_assert(demux_port_in_use(&d, 50000));
	cr_assert_eq(demux_bind(&d, 50000, 3), -1);
	cr_assert_eq(errno, EADDRINUSE);
	cr_assert_eq(demux_lookup_port(&d, 50000), -1, "a connection is no port entry");
}

Test(demux, hands_out_free_ephemeral_ports_in_turn)
{
	uint16_t p1 = demux_ephemeral(&d), p2;

	cr_assert_geq(p1, DEMUX_EPHEMERAL_LO);
	cr_assert_eq(demux_bind(&d, p1, 1), 0);
	p2 = demux_ephemeral(&d);
	cr_assert_neq(p2, p1);
	cr_assert_geq(p2, DEMUX_EPHEMERAL_LO);
	cr_assert_eq(demux_bind(&d, (uint16_t)(p2 + 1), 2), 0);
	cr_assert_eq(demux_ephemeral(&d), p2 + 2, "skips a port in use");
}

Test(demux, ephemeral_ports_wrap_around_the_range)
{
	d.next_ephemeral = DEMUX_EPHEMERAL_HI;
	cr_assert_eq(demux_bind(&d, DEMUX_EPHEMERAL_LO, 1), 0);
	cr_assert_eq(demux_ephemeral(&d), DEMUX_EPHEMERAL_HI);
	cr_assert_eq(demux_ephemeral(&d), DEMUX_EPHEMERAL_LO + 1, "wrapped, skipping LO");
}

Test(demux, unbind_and_disconnect_free_their_entry)
{
	struct demux_remote r = remote(1, 2, 3);

	cr_assert_eq(demux_bind(&d, 7, 1), 0);
	cr_assert_eq(demux_unbind(&d, 7, 2), -1, "not the owner");
	cr_assert_eq(errno, ENOENT);
	cr_assert_eq(demux_unbind(&d, 7, 1), 0);
	cr_assert_eq(demux_lookup_port(&d, 7), -1);
	cr_assert_eq(demux_bind(&d, 7, 2), 0, "free again");
	cr_assert_eq(demux_connect(&d, 80, &r, 5), 0);
	cr_assert_eq(demux_disconnect(&d, 80, &r), 0);
	cr_assert_eq(demux_lookup_conn(&d, 80, &r), -1);
	cr_assert_eq(demux_disconnect(&d, 80, &r), -1);
	cr_assert_eq(errno, ENOENT);
}

Test(demux, removing_a_socket_removes_all_its_entries)
{
	struct demux_remote r1 = remote(1, 2, 3), r2 = remote(1, 2, 4);

	cr_assert_eq(demux_bind(&d, 7, 1), 0);
	cr_assert_eq(demux_bind(&d, 8, 2), 0);
	cr_assert_eq(demux_connect(&d, 9, &r1, 1), 0);
	cr_assert_eq(demux_connect(&d, 9, &r2, 2), 0);
	cr_assert_eq(demux_remove_sock(&d, 1), 2);
	cr_assert_eq(demux_lookup_port(&d, 7), -1);
	cr_assert_eq(demux_lookup_conn(&d, 9, &r1), -1);
	cr_assert_eq(demux_lookup_port(&d, 8), 2, "others stay");
	cr_assert_eq(demux_lookup_conn(&d, 9, &r2), 2);
}
