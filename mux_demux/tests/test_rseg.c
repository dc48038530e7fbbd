/*
 * test_rseg.c — the reliable segment's codec: round trip, byte order, one
 * malformed segment per reason, and what a version 1 host makes of it.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "rseg.h"

static const struct segment_netaddr A = { 0x7f000001, 40001 };
static const struct segment_netaddr B = { 0x7f000002, 40002 };
static const uint8_t text[] = "reliable bytes, in order, exactly once";

static size_t
valid(uint8_t *buf, uint8_t flags, size_t payload_len)
{
	struct rseg s = { .src_port = 49152, .dst_port = 8, .flags = flags,
		.mode = RSEG_SELECTIVE_REPEAT, .seq = 0xfffffff0, .ack = 0x01020304,
		.window = 70000, .sack = 0xdeadbeef, .payload = text,
		.payload_len = payload_len };

	return rseg_encode(&s, &A, &B, buf, RSEG_MAX_LEN);
}

Test(rseg, round_trips_every_field)
{
	uint8_t buf[RSEG_MAX_LEN];
	struct rseg d;
	size_t n = valid(buf, RSEG_ACK | RSEG_SACK | RSEG_FIN, sizeof(text));

	cr_assert_eq(n, RSEG_HEADER_LEN + sizeof(text));
	cr_assert_eq(rseg_decode(buf, n, &A, &B, &d), RSEG_OK);
	cr_assert_eq(d.src_port, 49152);
	cr_assert_eq(d.dst_port, 8);
	cr_assert_eq(d.flags, RSEG_ACK | RSEG_SACK | RSEG_FIN);
	cr_assert_eq(d.mode, RSEG_SELECTIVE_REPEAT);
	cr_assert_eq(d.seq, 0xfffffff0);
	cr_assert_eq(d.ack, 0x01020304);
	cr_assert_eq(d.window, 70000);
	cr_assert_eq(d.sack, 0xdeadbeef);
	cr_assert_eq(d.payload_len, sizeof(text));
	cr_assert_eq(memcmp(d.payload, text, sizeof(text)), 0);
}

Test(rseg, is_written_in_network_byte_order)
{
	uint8_t buf[RSEG_MAX_LEN];
	const uint8_t want[] = { 0xc0, 0x00, 0x00, 0x08, 0x00, 28 };

	cr_assert_eq(valid(buf, RSEG_ACK, 0), RSEG_HEADER_LEN);
	cr_assert_eq(memcmp(buf, want, sizeof(want)), 0);
	cr_assert_eq(buf[8], 2);
	cr_assert_eq(buf[12], 0xff);
	cr_assert_eq(buf[15], 0xf0);
	cr_assert_eq(buf[16], 0x01);
	cr_assert_eq(buf[19], 0x04);
	cr_assert_eq(buf[21], 0x01);	/* 70000 = 0x00011170 */
	cr_assert_eq(buf[23], 0x70);
}

Test(rseg, a_version_1_host_rejects_it_as_bad_version)
{
	uint8_t buf[RSEG_MAX_LEN];
	struct segment d;
	size_t n = valid(buf, RSEG_ACK, 4);

	cr_assert_eq(segment_decode(buf, n, &A, &B, &d), SEGMENT_BAD_VERSION);
}

Test(rseg, every_single_bit_error_is_a_bad_checksum)
{
	uint8_t buf[RSEG_MAX_LEN];
	struct rseg d;
	size_t n = valid(buf, RSEG_ACK, 12);

	for (size_t bit = 0; bit < n * 8; bit++) {
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		cr_assert_eq(rseg_decode(buf, n, &A, &B, &d), RSEG_BAD_CHECKSUM, "bit %zu", bit);
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
}

Test(rseg, encode_refuses_what_does_not_fit)
{
	uint8_t buf[RSEG_MAX_LEN + 1];
	static uint8_t big[SEGMENT_MAX_PAYLOAD + 1];
	struct rseg s = { .src_port = 1, .dst_port = 2, .mode = 1, .payload = big,
		.payload_len = sizeof(big) };

	cr_assert_eq(rseg_encode(&s, &A, &B, buf, sizeof(buf)), 0);
	s.payload_len = 10;
	cr_assert_eq(rseg_encode(&s, &A, &B, buf, RSEG_HEADER_LEN + 9), 0);
}

struct bad_case {
	const char *what;
	enum rseg_status want;
	uint8_t flags;
	size_t payload, len;	/* len 0: as encoded */
	int at, value;		/* byte to overwrite (checksum recomputed); -1: none */
};

static const struct bad_case bad_cases[] = {
	{ "empty", RSEG_TOO_SHORT, RSEG_ACK, 0, 1, -1, 0 },
	{ "a version 1 header's size", RSEG_TOO_SHORT, RSEG_ACK, 0, 16, -1, 0 },
	{ "too long", RSEG_TOO_LONG, RSEG_ACK, 0, RSEG_MAX_LEN + 1, -1, 0 },
	{ "version 1", RSEG_BAD_VERSION, RSEG_ACK, 0, 0, 8, 1 },
	{ "zero bytes appended", RSEG_BAD_LENGTH, RSEG_ACK, 4, 40, -1, 0 },
	{ "source port 0", RSEG_BAD_PORT, RSEG_ACK, 0, 0, 0, 0 },
	{ "unknown flag", RSEG_BAD_FLAGS, RSEG_ACK | 0x40, 0, 0, -1, 0 },
	{ "nonzero zero byte", RSEG_BAD_FLAGS, RSEG_ACK, 0, 0, 11, 1 },
	{ "mode 0", RSEG_BAD_MODE, RSEG_ACK, 0, 0, 10, 0 },
	{ "mode past the last", RSEG_BAD_MODE, RSEG_ACK, 0, 0, 10, RSEG_MODE_END },
	{ "SYN with payload", RSEG_BAD_CONTROL, RSEG_SYN, 3, 0, -1, 0 },
	{ "RST with payload", RSEG_BAD_CONTROL, RSEG_RST, 1, 0, -1, 0 },
};

Test(rseg, decode_rejects_each_malformed_segment_with_its_reason)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		uint8_t buf[RSEG_MAX_LEN + 64] = { 0 };
		size_t n = valid(buf, c->flags, c->payload);
		struct rseg d;
		enum rseg_status got;

		if (c->len != 0)
			n = c->len;
		if (c->at >= 0)
			buf[c->at] = (uint8_t)c->value;
		segment_put16(buf + 6, 0);
		segment_put16(buf + 6, segment_checksum(&A, &B, buf, n));
		got = rseg_decode(buf, n, &A, &B, &d);
		cr_expect_eq(got, c->want, "%s: got '%s', want '%s'", c->what,
		    rseg_status_name(got), rseg_status_name(c->want));
	}
}

Test(rseg, every_status_has_a_name)
{
	for (int s = 0; s < RSEG_STATUS_COUNT; s++)
		cr_assert_not_null(rseg_status_name((enum rseg_status)s));
	cr_assert_str_eq(rseg_status_name(RSEG_STATUS_COUNT), "unknown status");
}
