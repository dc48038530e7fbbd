/*
 * test_event.c — a session's events as JSON Lines: each kind of event gives
 * exactly the line the tests, the grader and the handouts' scripts read.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"

/* Writes ev through a real jlog file and checks the line it became. */
static void
expect_line(const struct event *ev, const char *want)
{
	char path[] = "/tmp/test_event_XXXXXX";
	char got[1024] = "";
	struct jlog *log = malloc(sizeof(*log));
	FILE *fp;
	int fd = mkstemp(path);

	cr_assert_not_null(log);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(jlog_open(log, path), 0);
	cr_assert_eq(event_log(log, ev), 0);
	cr_assert_eq(jlog_close(log), 0);
	fp = fopen(path, "r");
	cr_assert_not_null(fp);
	cr_expect_not_null(fgets(got, sizeof(got), fp));
	fclose(fp);
	unlink(path);
	free(log);
	cr_expect_str_eq(got, want);
}

static struct peer
a_peer(int outgoing)
{
	struct peer p;

	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "10.0.0.2:6881");
	snprintf(p.client, sizeof(p.client), "-MT0001-abcdefghijkl");
	p.outgoing = outgoing;
	return p;
}

Test(event, peer_events_keep_their_keys_and_order)
{
	struct peer in = a_peer(0), out = a_peer(1);

	expect_line(&(struct event){ .type = EVENT_CONNECT, .t = 5, .peer = &out },
	    "{\"t\":5,\"ev\":\"connect\",\"peer\":\"10.0.0.2:6881\",\"dir\":\"out\"}\n");
	expect_line(&(struct event){ .type = EVENT_HANDSHAKE, .t = 6, .peer = &in },
	    "{\"t\":6,\"ev\":\"handshake\",\"peer\":\"10.0.0.2:6881\","
	    "\"peer_id\":\"-MT0001-abcdefghijkl\",\"dir\":\"in\"}\n");
	expect_line(&(struct event){ .type = EVENT_BITFIELD, .peer = &in,
	    .u.pieces = 12 },
	    "{\"t\":0,\"ev\":\"bitfield\",\"peer\":\"10.0.0.2:6881\",\"pieces\":12}\n");
	expect_line(&(struct event){ .type = EVENT_HAVE, .peer = &in,
	    .u.piece = 3 },
	    "{\"t\":0,\"ev\":\"have\",\"peer\":\"10.0.0.2:6881\",\"piece\":3}\n");
	expect_line(&(struct event){ .type = EVENT_NOT_INTERESTED, .peer = &in,
	    .u.sent = 1 },
	    "{\"t\":0,\"ev\":\"not_interested\",\"peer\":\"10.0.0.2:6881\","
	    "\"dir\":\"sent\"}\n");
	expect_line(&(struct event){ .type = EVENT_INTERESTED, .peer = &in },
	    "{\"t\":0,\"ev\":\"interested\",\"peer\":\"10.0.0.2:6881\","
	    "\"dir\":\"received\"}\n");
	expect_line(&(struct event){ .type = EVENT_CHOKED_BY, .peer = &in },
	    "{\"t\":0,\"ev\":\"choked_by\",\"peer\":\"10.0.0.2:6881\"}\n");
	expect_line(&(struct event){ .type = EVENT_SNUBBED, .peer = &in },
	    "{\"t\":0,\"ev\":\"snubbed\",\"peer\":\"10.0.0.2:6881\"}\n");
}

Test(event, choking_and_picking_keep_their_keys_and_order)
{
	struct peer p = a_peer(1);

	expect_line(&(struct event){ .type = EVENT_UNCHOKE, .t = 9, .peer = &p,
	    .u.choke = { 1, "optimistic", 100, 200 } },
	    "{\"t\":9,\"ev\":\"unchoke\",\"peer\":\"10.0.0.2:6881\",\"optimistic\":1,"
	    "\"reason\":\"optimistic\",\"rate_from\":100,\"rate_to\":200}\n");
	expect_line(&(struct event){ .type = EVENT_PICK, .peer = &p,
	    .u.pick = { 7, 2, 1, 5, 0 } },
	    "{\"t\":0,\"ev\":\"pick\",\"peer\":\"10.0.0.2:6881\",\"piece\":7,"
	    "\"avail\":2,\"min_avail\":1,\"mode\":\"rarest\",\"have\":5}\n");
	expect_line(&(struct event){ .type = EVENT_PICK, .peer = &p,
	    .u.pick = { 7, 2, UINT32_MAX, 0, 1 } },
	    "{\"t\":0,\"ev\":\"pick\",\"peer\":\"10.0.0.2:6881\",\"piece\":7,"
	    "\"avail\":2,\"min_avail\":4294967295,\"mode\":\"random\",\"have\":0}\n");
}

Test(event, rechoke_lists_each_peer_with_what_drove_it)
{
	struct peer a = a_peer(1), b = a_peer(0);
	struct event_rechoked r[2] = {
		{ .peer = &a, .seen = { .interested = 1, .rate_from = 10,
		    .rate_to = 20, .unchoke = 1 } },
		{ .peer = &b, .seen = { .unchoke = 1, .optimistic = 1 },
		    .snubbed = 1 },
	};

	snprintf(b.name, sizeof(b.name), "[::1]:7");
	expect_line(&(struct event){ .type = EVENT_RECHOKE, .t = 10000,
	    .u.rechoke = { 1, 2, r } },
	    "{\"t\":10000,\"ev\":\"rechoke\",\"seeding\":1,\"peers\":["
	    "{\"peer\":\"10.0.0.2:6881\",\"interested\":1,\"rate_from\":10,"
	    "\"rate_to\":20,\"snubbed\":0,\"unchoke\":1,\"optimistic\":0},"
	    "{\"peer\":\"[::1]:7\",\"interested\":0,\"rate_from\":0,"
	    "\"rate_to\":0,\"snubbed\":1,\"unchoke\":1,\"optimistic\":1}]}\n");
	expect_line(&(struct event){ .type = EVENT_RECHOKE },
	    "{\"t\":0,\"ev\":\"rechoke\",\"seeding\":0,\"peers\":[]}\n");
}

Test(event, pieces_bans_and_endings_keep_their_keys_and_order)
{
	struct peer p = a_peer(0);

	expect_line(&(struct event){ .type = EVENT_PIECE,
	    .u.verdict = { .piece = 3, .have = 4, .ok = 1 } },
	    "{\"t\":0,\"ev\":\"piece\",\"piece\":3,\"ok\":1,\"have\":4}\n");
	expect_line(&(struct event){ .type = EVENT_PIECE,
	    .u.verdict = { .piece = 3, .have = 4, .ok = 0 } },
	    "{\"t\":0,\"ev\":\"piece\",\"piece\":3,\"ok\":0}\n");
	expect_line(&(struct event){ .type = EVENT_COMPLETE,
	    .u.complete = { 65536, 16384, 1 } },
	    "{\"t\":0,\"ev\":\"complete\",\"downloaded\":65536,\"wasted\":16384,"
	    "\"hash_fails\":1}\n");
	expect_line(&(struct event){ .type = EVENT_BAN, .peer = &p,
	    .u.end.reason = "bad data" },
	    "{\"t\":0,\"ev\":\"ban\",\"peer\":\"10.0.0.2:6881\","
	    "\"reason\":\"bad data\"}\n");
	expect_line(&(struct event){ .type = EVENT_DISCONNECT, .peer = &p,
	    .u.end = { "closed", 3, 4 } },
	    "{\"t\":0,\"ev\":\"disconnect\",\"peer\":\"10.0.0.2:6881\","
	    "\"reason\":\"closed\",\"downloaded\":3,\"uploaded\":4}\n");
}

Test(event, every_type_has_its_own_name)
{
	for (int i = 0; i < EVENT_COUNT; i++)
		for (int j = 0; j < i; j++)
			cr_expect_str_neq(event_name((enum event_type)i),
			    event_name((enum event_type)j), "types %d and %d", i, j);
	cr_expect_str_eq(event_name(EVENT_COUNT), "unknown");
}

Test(event, a_closed_log_writes_nothing)
{
	struct jlog log;
	struct peer p = a_peer(0);

	memset(&log, 0, sizeof(log));
	cr_expect_eq(event_log(&log, &(struct event){ .type = EVENT_SNUBBED,
	    .peer = &p }), 0);
}
