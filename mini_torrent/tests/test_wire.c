/*
 * test_wire.c — the peer wire codec: every message round-trips, every bad
 * message is refused with the right status, and lengths are judged before
 * the payload arrives.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "wire.h"

#define NPIECES 10	/* bitfield: 2 bytes, 6 spare bits */

static struct wire_parser
ready_parser(void)
{
	struct wire_parser p;

	wire_parser_init(&p, NPIECES, 0);
	return p;
}

/* Parses all of buf as exactly one message. */
static enum wire_status
parse_one(struct wire_parser *p, const uint8_t *buf, size_t len,
    struct wire_msg *m)
{
	size_t used;
	enum wire_status st = wire_parse(p, buf, len, m, &used);

	if (st == WIRE_OK && m->type != WIRE_UNKNOWN)
		cr_expect_eq(used, len, "used %zu of %zu", used, len);
	return st;
}

Test(wire, handshake_round_trips)
{
	struct wire_msg m = { .type = WIRE_HANDSHAKE }, out;
	struct wire_parser p;
	uint8_t buf[100];
	size_t used;

	memset(m.info_hash, 0xab, 20);
	memcpy(m.peer_id, "-MT0100-abcdefghijkl", 20);
	cr_assert_eq(wire_encode(&m, buf, sizeof(buf)), WIRE_HANDSHAKE_LEN);
	cr_expect_eq(buf[0], 19);
	cr_expect(memcmp(buf + 1, "BitTorrent protocol", 19) == 0);
	for (int i = 20; i < 28; i++)
		cr_expect_eq(buf[i], 0, "reserved byte %d is not zero", i);
	wire_parser_init(&p, NPIECES, 1);
	cr_assert_eq(wire_parse(&p, buf, 67, &out, &used), WIRE_NEED_MORE);
	cr_assert_eq(wire_parse(&p, buf, 68, &out, &used), WIRE_OK);
	cr_expect_eq(used, 68);
	cr_expect_eq(out.type, WIRE_HANDSHAKE);
	cr_expect(memcmp(out.info_hash, m.info_hash, 20) == 0);
	cr_expect(memcmp(out.peer_id, m.peer_id, 20) == 0);
}

Test(wire, rejects_non_bittorrent_first_byte_at_once)
{
	struct wire_parser p;
	struct wire_msg m;
	size_t used;

	wire_parser_init(&p, NPIECES, 1);
	cr_expect_eq(wire_parse(&p, (const uint8_t *)"G", 1, &m, &used),
	    WIRE_ERR_PSTRLEN);
	cr_expect_eq(wire_parse(&p, (const uint8_t *)"\x13", 1, &m, &used),
	    WIRE_ERR_DEAD, "a failed parser stays failed");
}

Test(wire, rejects_wrong_protocol_string_early)
{
	struct wire_parser p;
	struct wire_msg m;
	size_t used;

	wire_parser_init(&p, NPIECES, 1);
	cr_expect_eq(wire_parse(&p, (const uint8_t *)"\x13" "BitTorrent", 11,
	    &m, &used), WIRE_NEED_MORE);
	wire_parser_init(&p, NPIECES, 1);
	cr_expect_eq(wire_parse(&p, (const uint8_t *)"\x13" "BitTorrenz", 11,
	    &m, &used), WIRE_ERR_PSTR);
}

/* Good messages: bytes on the wire and what they mean. */
static const struct good_case {
	const char *name;
	const char *bytes;
	size_t len;
	enum wire_type type;
	uint32_t index, begin, length;
	size_t data_len;
	int oversized;
} good[] = {
	{ "keepalive", "\0\0\0\0", 4, WIRE_KEEPALIVE, 0, 0, 0, 0, 0 },
	{ "choke", "\0\0\0\1\0", 5, WIRE_CHOKE, 0, 0, 0, 0, 0 },
	{ "unchoke", "\0\0\0\1\1", 5, WIRE_UNCHOKE, 0, 0, 0, 0, 0 },
	{ "interested", "\0\0\0\1\2", 5, WIRE_INTERESTED, 0, 0, 0, 0, 0 },
	{ "not interested", "\0\0\0\1\3", 5, WIRE_NOT_INTERESTED, 0, 0, 0, 0, 0 },
	{ "have 9", "\0\0\0\5\4\0\0\0\x09", 9, WIRE_HAVE, 9, 0, 0, 0, 0 },
	{ "bitfield", "\0\0\0\3\5\xff\xc0", 7, WIRE_BITFIELD, 0, 0, 0, 2, 0 },
	{ "request", "\0\0\0\x0d\6\0\0\0\1\0\0\x40\0\0\0\x40\0", 17,
	    WIRE_REQUEST, 1, 16384, 16384, 0, 0 },
	{ "request 32 KiB", "\0\0\0\x0d\6\0\0\0\1\0\0\0\0\0\0\x80\0", 17,
	    WIRE_REQUEST, 1, 0, 32768, 0, 1 },
	{ "request 0 bytes", "\0\0\0\x0d\6\0\0\0\1\0\0\0\0\0\0\0\0", 17,
	    WIRE_REQUEST, 1, 0, 0, 0, 1 },
	{ "cancel", "\0\0\0\x0d\x08\0\0\0\2\0\0\0\0\0\0\x40\0", 17,
	    WIRE_CANCEL, 2, 0, 16384, 0, 0 },
	{ "piece 3 bytes", "\0\0\0\x0c\7\0\0\0\3\0\0\0\x10" "abc", 16,
	    WIRE_PIECE, 3, 16, 3, 3, 0 },
	{ "port", "\0\0\0\3\x09\x1a\xe1", 7, WIRE_PORT, 0, 0, 0, 0, 0 },
};

Test(wire, parses_every_good_message)
{
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const struct good_case *g = &good[i];
		struct wire_parser p = ready_parser();
		struct wire_msg m;

		cr_assert_eq(parse_one(&p, (const uint8_t *)g->bytes, g->len, &m),
		    WIRE_OK, "%s", g->name);
		cr_expect_eq(m.type, g->type, "%s: type", g->name);
		cr_expect_eq(m.index, g->index, "%s: index", g->name);
		if (g->type != WIRE_PIECE)
			cr_expect_eq(m.length, g->length, "%s: length", g->name);
		cr_expect_eq(m.begin, g->begin, "%s: begin", g->name);
		cr_expect_eq(m.data_len, g->data_len, "%s: data", g->name);
		cr_expect_eq(m.oversized, g->oversized, "%s: oversized", g->name);
	}
}

Test(wire, every_good_message_round_trips_through_the_encoder)
{
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const struct good_case *g = &good[i];
		struct wire_parser p = ready_parser();
		struct wire_msg m;
		uint8_t out[64];

		cr_assert_eq(parse_one(&p, (const uint8_t *)g->bytes, g->len, &m),
		    WIRE_OK);
		cr_expect_eq(wire_encode(&m, out, sizeof(out)), g->len, "%s",
		    g->name);
		cr_expect(memcmp(out, g->bytes, g->len) == 0, "%s", g->name);
	}
}

Test(wire, port_value_is_big_endian)
{
	struct wire_parser p = ready_parser();
	struct wire_msg m;

	cr_assert_eq(parse_one(&p, (const uint8_t *)"\0\0\0\3\x09\x1a\xe1", 7,
	    &m), WIRE_OK);
	cr_expect_eq(m.port, 6881);
}

/* Bad messages: every way a length can be wrong for its type, and more. */
static const struct bad_case {
	const char *name;
	const char *bytes;
	size_t len;
	enum wire_status want;
} bad[] = {
	{ "choke with payload", "\0\0\0\2\0\0", 6, WIRE_ERR_BAD_LENGTH },
	{ "unchoke with payload", "\0\0\0\2\1\0", 6, WIRE_ERR_BAD_LENGTH },
	{ "interested with payload", "\0\0\0\2\2\0", 6, WIRE_ERR_BAD_LENGTH },
	{ "not interested with payload", "\0\0\0\2\3\0", 6,
	    WIRE_ERR_BAD_LENGTH },
	{ "have too short", "\0\0\0\4\4\0\0\0", 8, WIRE_ERR_BAD_LENGTH },
	{ "have too long", "\0\0\0\6\4\0\0\0\0\0", 10, WIRE_ERR_BAD_LENGTH },
	{ "have out of range", "\0\0\0\5\4\0\0\0\x0a", 9, WIRE_ERR_BAD_INDEX },
	{ "bitfield too short", "\0\0\0\2\5\xff", 6, WIRE_ERR_BAD_LENGTH },
	{ "bitfield too long", "\0\0\0\4\5\xff\xc0\0", 8, WIRE_ERR_BAD_LENGTH },
	{ "bitfield spare bits", "\0\0\0\3\5\xff\xc1", 7, WIRE_ERR_SPARE_BITS },
	{ "request too short", "\0\0\0\x0c\6\0\0\0\1\0\0\0\0\0\0\x40", 16,
	    WIRE_ERR_BAD_LENGTH },
	{ "request too long", "\0\0\0\x0e\6\0\0\0\1\0\0\0\0\0\0\x40\0\0", 18,
	    WIRE_ERR_BAD_LENGTH },
	{ "request out of range", "\0\0\0\x0d\6\0\0\0\x0a\0\0\0\0\0\0\x40\0",
	    17, WIRE_ERR_BAD_INDEX },
	{ "cancel too short", "\0\0\0\x0c\x08\0\0\0\1\0\0\0\0\0\0\x40", 16,
	    WIRE_ERR_BAD_LENGTH },
	{ "piece without block", "\0\0\0\x09\7\0\0\0\0\0\0\0\0", 13,
	    WIRE_ERR_BAD_LENGTH },
	{ "piece header cut", "\0\0\0\x05\7\0\0\0\0", 9, WIRE_ERR_BAD_LENGTH },
	{ "piece block over 16 KiB", "\0\0\x40\x0a\7", 5, WIRE_ERR_BAD_LENGTH },
	{ "piece out of range", "\0\0\0\x0a\7\0\0\0\x0a\0\0\0\0" "x", 14,
	    WIRE_ERR_BAD_INDEX },
	{ "port too long", "\0\0\0\4\x09\0\0\0", 8, WIRE_ERR_BAD_LENGTH },
	{ "length 4 GiB", "\xff\xff\xff\xff", 4, WIRE_ERR_TOO_LONG },
	{ "unknown id too long", "\0\x20\0\0\x63", 5, WIRE_ERR_TOO_LONG },
};

Test(wire, refuses_every_bad_message)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct wire_parser p = ready_parser();
		struct wire_msg m;
		enum wire_status st = parse_one(&p,
		    (const uint8_t *)bad[i].bytes, bad[i].len, &m);

		cr_expect_eq(st, bad[i].want, "%s: got \"%s\"", bad[i].name,
		    wire_status_name(st));
	}
}

Test(wire, judges_length_before_payload_arrives)
{
	/* Only the 5-byte headers of the bad messages are given. */
	static const char *const heads[] = {
		"\0\0\0\x30\4",		/* have of 48 bytes */
		"\0\x01\0\0\5",		/* bitfield of 64 KiB */
		"\0\0\x10\0\6",		/* request of 4 KiB */
		"\0\x10\0\0\7",		/* piece of 1 MiB */
	};

	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		struct wire_parser p = ready_parser();
		struct wire_msg m;
		size_t used;

		cr_expect_eq(wire_parse(&p, (const uint8_t *)heads[i], 5, &m,
		    &used), WIRE_ERR_BAD_LENGTH, "header %zu", i);
	}
}

Test(wire, rejects_have_with_wrong_length)
{
	struct wire_parser p = ready_parser();
	struct wire_msg m;
	size_t used;

	cr_expect_eq(wire_parse(&p, (const uint8_t *)"\0\0\0\x09\4", 5, &m,
	    &used), WIRE_ERR_BAD_LENGTH);
}

Test(wire, accepts_a_first_bitfield_after_other_messages)
{
	/* aria2c, starting empty, sends its bitfield late. */
	struct wire_parser p = ready_parser();
	struct wire_msg m;

	cr_assert_eq(parse_one(&p, (const uint8_t *)"\0\0\0\1\2", 5, &m),
	    WIRE_OK);
	cr_assert_eq(parse_one(&p, (const uint8_t *)"\0\0\0\5\4\0\0\0\1", 9,
	    &m), WIRE_OK);
	cr_expect_eq(parse_one(&p, (const uint8_t *)"\0\0\0\3\5\xff\xc0", 7,
	    &m), WIRE_OK);
}

Test(wire, accepts_repeated_bitfields)
{
	/* aria2c announces new pieces with whole bitfields. */
	struct wire_parser p = ready_parser();
	struct wire_msg m;

	cr_assert_eq(parse_one(&p, (const uint8_t *)"\0\0\0\3\5\x80\0", 7,
	    &m), WIRE_OK);
	cr_expect_eq(parse_one(&p, (const uint8_t *)"\0\0\0\3\5\xc0\0", 7,
	    &m), WIRE_OK);
	cr_expect_eq(m.data[0], 0xc0);
}

Test(wire, waits_for_whole_message_byte_by_byte)
{
	static const uint8_t msg[] = "\0\0\0\x0d\6\0\0\0\1\0\0\x40\0\0\0\x40\0";
	struct wire_parser p = ready_parser();
	struct wire_msg m;
	size_t used;

	for (size_t n = 0; n < 17; n++) {
		cr_assert_eq(wire_parse(&p, msg, n, &m, &used), WIRE_NEED_MORE,
		    "after %zu bytes", n);
		cr_assert_eq(used, 0);
	}
	cr_expect_eq(wire_parse(&p, msg, 17, &m, &used), WIRE_OK);
	cr_expect_eq(m.type, WIRE_REQUEST);
}

Test(wire, skips_unknown_ids_after_length_check)
{
	/* id 20 (extension) with 6 payload bytes, then an unchoke. */
	static const uint8_t in[] = "\0\0\0\7\x14" "abcdef" "\0\0\0\1\1";
	struct wire_parser p = ready_parser();
	struct wire_msg m;
	size_t used, off = 0;

	cr_assert_eq(wire_parse(&p, in, 7, &m, &used), WIRE_OK);
	cr_expect_eq(m.type, WIRE_UNKNOWN);
	cr_expect_eq(m.id, 20);
	cr_expect_eq(m.length, 6);
	off += used;
	/* The payload dribbles in: it is eaten without a message. */
	cr_assert_eq(wire_parse(&p, in + off, 7 - off, &m, &used),
	    WIRE_NEED_MORE);
	off += used;
	cr_assert_eq(wire_parse(&p, in + off, sizeof(in) - 1 - off, &m, &used),
	    WIRE_OK);
	cr_expect_eq(m.type, WIRE_UNCHOKE);
	cr_expect_eq(off + used, sizeof(in) - 1);
}

Test(wire, parses_back_to_back_messages)
{
	static const uint8_t in[] = "\0\0\0\1\1" "\0\0\0\5\4\0\0\0\3" "\0\0\0\0";
	static const enum wire_type want[] = { WIRE_UNCHOKE, WIRE_HAVE,
	    WIRE_KEEPALIVE };
	struct wire_parser p = ready_parser();
	struct wire_msg m;
	size_t used, off = 0;

	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(wire_parse(&p, in + off, sizeof(in) - 1 - off, &m,
		    &used), WIRE_OK);
		cr_expect_eq(m.type, want[i]);
		off += used;
	}
	cr_expect_eq(off, sizeof(in) - 1);
}

Test(wire, encoder_refuses_short_buffer)
{
	struct wire_msg m = { .type = WIRE_REQUEST, .index = 1, .length = 16384 };
	uint8_t out[17];

	cr_expect_eq(wire_encode(&m, out, 16), 0);
	cr_expect_eq(wire_encode(&m, out, sizeof(out)), 17);
}

Test(wire, piece_header_matches_encoder)
{
	static const uint8_t block[5] = "hello";
	struct wire_msg m = { .type = WIRE_PIECE, .index = 7, .begin = 32768,
	    .data = block, .data_len = 5 };
	uint8_t a[32], b[WIRE_PIECE_HDR];

	cr_assert_eq(wire_encode(&m, a, sizeof(a)), 18);
	wire_piece_header(b, 7, 32768, 5);
	cr_expect(memcmp(a, b, WIRE_PIECE_HDR) == 0);
}

Test(wire, names_every_type_and_status)
{
	for (int t = 0; t < WIRE_TYPE_COUNT; t++)
		cr_expect_neq(wire_type_name((enum wire_type)t)[0], '?');
	for (int s = 0; s < WIRE_STATUS_COUNT; s++)
		cr_expect_neq(wire_status_name((enum wire_status)s)[0], '?');
}
