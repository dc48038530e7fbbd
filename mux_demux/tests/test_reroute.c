/*
 * test_reroute.c — the NAT-style checksum update.
 *
 * A segment encoded for one pair of network addresses and rerouted to another
 * must check out exactly as if it had been encoded for the new pair, and a
 * segment that was damaged before must stay damaged.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "reroute.h"

/* A random DATA segment from a to b in buf; returns its length. */
static size_t
random_segment(uint8_t *buf, const struct segment_netaddr *a, const struct segment_netaddr *b)
{
	static uint8_t payload[SEGMENT_MAX_PAYLOAD];
	struct segment s = { .src_port = (uint16_t)(1 + rand() % 65535),
	    .dst_port = (uint16_t)(1 + rand() % 65535), .type = SEGMENT_DATA,
	    .msg_id = (uint16_t)rand(), .index = 0, .count = 1, .payload = payload,
	    .payload_len = (size_t)(rand() % (SEGMENT_MAX_PAYLOAD + 1)) };

	for (size_t i = 0; i < s.payload_len; i++)
		payload[i] = (uint8_t)rand();
	return segment_encode(&s, a, b, buf, SEGMENT_MAX_LEN);
}

static struct segment_netaddr
random_addr(void)
{
	return (struct segment_netaddr){ .ip = (uint32_t)rand() * 2654435761u,
	    .port = (uint16_t)(1 + rand() % 65535) };
}

/*
 * A random segment for random addresses, its bit flipped if flip is not -1
 * (a bit number modulo its size), rerouted to random c -> d.  Returns its size.
 */
static size_t
rerouted(uint8_t *buf, long flip, struct segment_netaddr *c, struct segment_netaddr *d)
{
	struct segment_netaddr a = random_addr(), b = random_addr();
	size_t len = random_segment(buf, &a, &b);

	cr_assert_gt(len, 0);
	if (flip != -1) {
		flip %= (long)len * 8;
		buf[flip / 8] ^= (uint8_t)(1u << (flip % 8));
	}
	*c = random_addr();
	*d = random_addr();
	cr_assert_eq(reroute_checksum(buf, len, &a, &b, c, d), 0);
	return len;
}

Test(reroute, a_rerouted_segment_checks_out_for_its_new_addresses)
{
	uint8_t buf[SEGMENT_MAX_LEN];
	struct segment_netaddr c, d;
	struct segment seg;

	srand(1624);
	for (int i = 0; i < 2000; i++) {
		size_t len = rerouted(buf, -1, &c, &d);

		cr_assert_eq(segment_decode(buf, len, &c, &d, &seg), SEGMENT_OK, "case %d", i);
	}
}

Test(reroute, a_damaged_segment_stays_damaged)
{
	uint8_t buf[SEGMENT_MAX_LEN];
	struct segment_netaddr c, d;
	struct segment seg;

	srand(71);
	for (int i = 0; i < 2000; i++) {
		size_t len = rerouted(buf, rand(), &c, &d);

		cr_assert_eq(segment_decode(buf, len, &c, &d, &seg), SEGMENT_BAD_CHECKSUM,
		    "case %d", i);
	}
}

Test(reroute, refuses_less_than_a_header)
{
	uint8_t buf[SEGMENT_HEADER_LEN] = { 0 };
	struct segment_netaddr a = { 1, 2 };

	cr_assert_eq(reroute_checksum(buf, SEGMENT_HEADER_LEN - 1, &a, &a, &a, &a), -1);
}
