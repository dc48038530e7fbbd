/*
 * test_segment.c — the header codec and the Internet checksum.
 *
 * The checksum is checked against RFC 1071's worked example and against a
 * naive sum on random data; decoding is checked against a table with one
 * malformed segment per reason, each built from a valid one by changing one
 * thing (and recomputing the checksum, unless the checksum is the point).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "segment.h"

static const struct segment_netaddr A = { 0x7f000001, 40001 };	/* 127.0.0.1:40001 */
static const struct segment_netaddr B = { 0x7f000002, 40002 };	/* 127.0.0.2:40002 */

Test(checksum, matches_rfc1071_worked_example)
{
	const uint8_t bytes[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint32_t sum = segment_sum(0, bytes, sizeof(bytes));

	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	cr_assert_eq(sum, 0xddf2, "folded sum %#x", sum);
	cr_assert_eq(segment_fold(segment_sum(0, bytes, sizeof(bytes))), 0x220d);
}

/* The definition, with no cleverness: 64-bit sum of words, fold, complement. */
static uint16_t
naive_checksum(const uint8_t *p, size_t n)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i += 2)
		sum += (uint64_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

Test(checksum, agrees_with_naive_sum_on_random_data)
{
	static uint8_t buf[70000];

	srand(1071);
	for (int round = 0; round < 300; round++) {
		size_t n = round < 10 ? (size_t)round : (size_t)rand() % sizeof(buf);

		for (size_t i = 0; i < n; i++)
			buf[i] = round % 7 == 0 ? 0xff : (uint8_t)rand();
		cr_assert_eq(segment_fold(segment_sum(0, buf, n)), naive_checksum(buf, n),
		    "length %zu", n);
	}
}

Test(checksum, of_intact_segment_is_zero)
{
	uint8_t buf[SEGMENT_MAX_LEN];
	struct segment s = { .src_port = 5, .dst_port = 7, .type = SEGMENT_DATA, .count = 1,
		.payload = (const uint8_t *)"odd", .payload_len = 3 };
	size_t n = segment_encode(&s, &A, &B, buf, sizeof(buf));

	cr_assert_eq(segment_checksum(&A, &B, buf, n), 0);
	cr_assert_neq(segment_checksum(&B, &B, buf, n), 0, "another source");
	cr_assert_neq(segment_checksum(&A, &A, buf, n), 0, "another destination");
}

/* A sum does not depend on order: like UDP's, this checksum misses a swap. */
Test(checksum, cannot_see_source_and_destination_swapped)
{
	uint8_t buf[SEGMENT_MAX_LEN];
	struct segment s = { .src_port = 5, .dst_port = 7, .type = SEGMENT_DATA, .count = 1 };
	size_t n = segment_encode(&s, &A, &B, buf, sizeof(buf));

	cr_assert_eq(segment_checksum(&B, &A, buf, n), 0);
}

static void
check_round_trip(int type, const uint8_t *payload, size_t len, uint16_t index, uint16_t count)
{
	uint8_t buf[SEGMENT_MAX_LEN];
	struct segment s = { .src_port = 49152, .dst_port = 65535, .type = (uint8_t)type,
		.msg_id = 0xbeef, .index = index, .count = count, .payload = payload,
		.payload_len = len };
	struct segment d;
	size_t n = segment_encode(&s, &A, &B, buf, sizeof(buf));

	cr_assert_eq(n, SEGMENT_HEADER_LEN + len);
	cr_assert_eq(segment_decode(buf, n, &A, &B, &d), SEGMENT_OK, "%s",
	    segment_status_name(segment_decode(buf, n, &A, &B, &d)));
	cr_assert_eq(d.src_port, 49152);
	cr_assert_eq(d.dst_port, 65535);
	cr_assert_eq(d.length, n);
	cr_assert_eq(d.type, type);
	cr_assert_eq(d.msg_id, 0xbeef);
	cr_assert_eq(d.index, index);
	cr_assert_eq(d.count, count);
	cr_assert_eq(d.payload_len, len);
	cr_assert(len == 0 || memcmp(d.payload, payload, len) == 0);
}

Test(header, round_trips_every_type_and_payload_size)
{
	static uint8_t payload[SEGMENT_MAX_PAYLOAD];

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 13);
	for (int type = SEGMENT_DATA; type < SEGMENT_TYPE_END; type++)
		check_round_trip(type, NULL, 0, 0, 1);
	check_round_trip(SEGMENT_DATA, payload, 1, 0, 1);
	check_round_trip(SEGMENT_DATA, payload, 255, 3, 9);
	check_round_trip(SEGMENT_DATA, payload, SEGMENT_MAX_PAYLOAD, SEGMENT_MAX_COUNT - 1,
	    SEGMENT_MAX_COUNT);
}

Test(header, is_written_in_network_byte_order)
{
	uint8_t buf[SEGMENT_MAX_LEN];
	struct segment s = { .src_port = 0x1234, .dst_port = 0x5678, .type = SEGMENT_CONNECT,
		.msg_id = 0x9abc, .index = 0x0102, .count = 0x0304 };
	const uint8_t want[] = { 0x12, 0x34, 0x56, 0x78, 0x00, 0x10 };

	cr_assert_eq(segment_encode(&s, &A, &B, buf, sizeof(buf)), SEGMENT_HEADER_LEN);
	cr_assert_arr_eq(buf, want, sizeof(want));
	cr_assert_eq(buf[8], SEGMENT_VERSION);
	cr_assert_eq(buf[9], SEGMENT_CONNECT);
	cr_assert_eq(buf[10], 0x9a);
	cr_assert_eq(buf[11], 0xbc);
	cr_assert_eq(buf[12], 0x01);
	cr_assert_eq(buf[13], 0x02);
	cr_assert_eq(buf[14], 0x03);
	cr_assert_eq(buf[15], 0x04);
}

Test(header, encode_refuses_what_does_not_fit)
{
	uint8_t buf[SEGMENT_MAX_LEN + 8];
	static uint8_t payload[SEGMENT_MAX_PAYLOAD + 1];
	struct segment s = { .src_port = 1, .dst_port = 2, .type = SEGMENT_DATA, .count = 1,
		.payload = payload, .payload_len = SEGMENT_MAX_PAYLOAD + 1 };

	cr_assert_eq(segment_encode(&s, &A, &B, buf, sizeof(buf)), 0);
	s.payload_len = 10;
	cr_assert_eq(segment_encode(&s, &A, &B, buf, SEGMENT_HEADER_LEN + 9), 0);
}

/* A valid segment in buf; returns its length. */
static size_t
valid(uint8_t *buf, int type, size_t payload_len)
{
	static const uint8_t payload[64] = "a payload that is not all zeros, 64 bytes long, give or take..";
	struct segment s = { .src_port = 1000, .dst_port = 7, .type = (uint8_t)type,
		.msg_id = 3, .index = 1, .count = 2, .payload = payload,
		.payload_len = payload_len };

	if (type != SEGMENT_DATA) {
		s.index = 0;
		s.count = 1;
	}
	return segment_encode(&s, &A, &B, buf, SEGMENT_MAX_LEN + 64);
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
refill_checksum(uint8_t *buf, size_t n)
{
	put16(buf + 6, 0);
	put16(buf + 6, segment_checksum(&A, &B, buf, n));
}

struct bad_case {
	const char *what;
	enum segment_status want;
	int type;		/* of the valid segment to start from */
	size_t payload;
	size_t len;		/* 0: as encoded */
	int at, value, wide;	/* byte (or 16-bit word if wide) to overwrite; at < 0: none */
	int keep_checksum;	/* 1: do not recompute */
	const struct segment_netaddr *src, *dst;	/* decode as if from/to these */
};

static const struct bad_case bad_cases[] = {
	{ "empty datagram", SEGMENT_TOO_SHORT, SEGMENT_DATA, 0, 1, -1, 0, 0, 1, &A, &B },
	{ "header cut short", SEGMENT_TOO_SHORT, SEGMENT_DATA, 0, 15, -1, 0, 0, 1, &A, &B },
	{ "longer than any segment", SEGMENT_TOO_LONG, SEGMENT_DATA, 0, SEGMENT_MAX_LEN + 1,
	  -1, 0, 0, 1, &A, &B },
	{ "payload bit flipped", SEGMENT_BAD_CHECKSUM, SEGMENT_DATA, 10, 0, 20, 0x01, 0, 1, &A, &B },
	{ "header bit flipped", SEGMENT_BAD_CHECKSUM, SEGMENT_DATA, 10, 0, 3, 0x06, 0, 1, &A, &B },
	{ "from another source", SEGMENT_BAD_CHECKSUM, SEGMENT_DATA, 10, 0, -1, 0, 0, 1, &B, &B },
	{ "to another host", SEGMENT_BAD_CHECKSUM, SEGMENT_DATA, 10, 0, -1, 0, 0, 1, &A, &A },
	{ "datagram cut in the payload", SEGMENT_BAD_CHECKSUM, SEGMENT_DATA, 10, 20, -1, 0, 0, 1,
	  &A, &B },
	/* Zero bytes add nothing to a sum: only the length field sees them. */
	{ "zero bytes appended", SEGMENT_BAD_LENGTH, SEGMENT_DATA, 10, 28, -1, 0, 0, 1, &A, &B },
	{ "version 0", SEGMENT_BAD_VERSION, SEGMENT_DATA, 0, 0, 8, 0, 0, 0, &A, &B },
	{ "version 2", SEGMENT_BAD_VERSION, SEGMENT_DATA, 0, 0, 8, 2, 0, 0, &A, &B },
	{ "length says more", SEGMENT_BAD_LENGTH, SEGMENT_DATA, 10, 0, 4, 27, 1, 0, &A, &B },
	{ "length says less", SEGMENT_BAD_LENGTH, SEGMENT_DATA, 10, 0, 4, 25, 1, 0, &A, &B },
	{ "length below a header", SEGMENT_BAD_LENGTH, SEGMENT_DATA, 0, 0, 4, 8, 1, 0, &A, &B },
	{ "type 0", SEGMENT_BAD_TYPE, SEGMENT_DATA, 0, 0, 9, 0, 0, 0, &A, &B },
	{ "type one past the last", SEGMENT_BAD_TYPE, SEGMENT_DATA, 0, 0, 9, SEGMENT_TYPE_END, 0, 0,
	  &A, &B },
	{ "type 255", SEGMENT_BAD_TYPE, SEGMENT_DATA, 0, 0, 9, 255, 0, 0, &A, &B },
	{ "source port 0", SEGMENT_BAD_PORT, SEGMENT_DATA, 0, 0, 0, 0, 1, 0, &A, &B },
	{ "destination port 0", SEGMENT_BAD_PORT, SEGMENT_DATA, 0, 0, 2, 0, 1, 0, &A, &B },
	{ "count 0", SEGMENT_BAD_COUNT, SEGMENT_DATA, 0, 0, 14, 0, 1, 0, &A, &B },
	{ "count above the maximum", SEGMENT_BAD_COUNT, SEGMENT_DATA, 0, 0, 14,
	  SEGMENT_MAX_COUNT + 1, 1, 0, &A, &B },
	{ "count 65535", SEGMENT_BAD_COUNT, SEGMENT_DATA, 0, 0, 14, 65535, 1, 0, &A, &B },
	{ "index equal to count", SEGMENT_BAD_INDEX, SEGMENT_DATA, 0, 0, 12, 2, 1, 0, &A, &B },
	{ "index 65535", SEGMENT_BAD_INDEX, SEGMENT_DATA, 0, 0, 12, 65535, 1, 0, &A, &B },
	{ "connect with payload", SEGMENT_BAD_CONTROL, SEGMENT_CONNECT, 5, 0, -1, 0, 0, 0, &A, &B },
	{ "close in two pieces", SEGMENT_BAD_CONTROL, SEGMENT_CLOSE, 0, 0, 14, 2, 1, 0, &A, &B },
	{ "unreachable with payload", SEGMENT_BAD_CONTROL, SEGMENT_UNREACHABLE, 1, 0, -1, 0, 0, 0,
	  &A, &B },
};

Test(header, decode_rejects_each_malformed_segment_with_its_reason)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		uint8_t buf[SEGMENT_MAX_LEN + 64] = { 0 };
		size_t n = valid(buf, c->type, c->payload);
		struct segment d;
		enum segment_status got;

		cr_assert_gt(n, 0, "%s: could not build", c->what);
		if (c->len != 0)
			n = c->len;
		if (c->at >= 0 && c->wide)
			put16(buf + c->at, (unsigned)c->value);
		else if (c->at >= 0 && c->keep_checksum)
			buf[c->at] ^= (uint8_t)c->value;
		else if (c->at >= 0)
			buf[c->at] = (uint8_t)c->value;
		if (!c->keep_checksum)
			refill_checksum(buf, n);
		got = segment_decode(buf, n, c->src, c->dst, &d);
		cr_expect_eq(got, c->want, "%s: got '%s', want '%s'", c->what,
		    segment_status_name(got), segment_status_name(c->want));
	}
}

Test(header, every_single_bit_error_is_a_bad_checksum)
{
	uint8_t buf[SEGMENT_MAX_LEN + 64];
	size_t n = valid(buf, SEGMENT_DATA, 33);
	struct segment d;

	for (size_t bit = 0; bit < n * 8; bit++) {
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		cr_assert_eq(segment_decode(buf, n, &A, &B, &d), SEGMENT_BAD_CHECKSUM, "bit %zu", bit);
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	cr_assert_eq(segment_decode(buf, n, &A, &B, &d), SEGMENT_OK);
}

Test(header, every_status_and_type_has_a_name)
{
	for (int s = 0; s < SEGMENT_STATUS_COUNT; s++)
		cr_assert_not_null(segment_status_name((enum segment_status)s));
	cr_assert_str_eq(segment_status_name(SEGMENT_BAD_CHECKSUM), "bad checksum");
	cr_assert_str_eq(segment_type_name(SEGMENT_UNREACHABLE), "unreachable");
	cr_assert_str_eq(segment_type_name(0), "unknown type");
}
