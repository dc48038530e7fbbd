/*
 * fuzz_segment.c — libFuzzer harness for the segment decoder.
 *
 * Each input is decoded twice: as it came (so the checksum turns most inputs
 * away, as on the network), and with its checksum field fixed up (so the
 * fuzzer reaches every field check behind it).  Whatever decodes must keep
 * the promises segment.h makes: the payload lies inside the datagram, the
 * fields are in range, and encoding the result gives back the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct segment_netaddr src = { 0x7f000001, 40001 };
static const struct segment_netaddr dst = { 0x7f000001, 40002 };

static void
check(const uint8_t *buf, size_t len)
{
	struct segment s;
	uint8_t again[SEGMENT_MAX_LEN];
	size_t n;

	if (segment_decode(buf, len, &src, &dst, &s) != SEGMENT_OK)
		return;
	if (s.payload != buf + SEGMENT_HEADER_LEN || s.payload_len != len - SEGMENT_HEADER_LEN ||
	    s.length != len || s.payload_len > SEGMENT_MAX_PAYLOAD)
		abort();
	if (s.type < SEGMENT_DATA || s.type >= SEGMENT_TYPE_END || s.src_port == 0 ||
	    s.dst_port == 0 || s.count == 0 || s.count > SEGMENT_MAX_COUNT || s.index >= s.count)
		abort();
	if (s.type != SEGMENT_DATA && (s.payload_len != 0 || s.count != 1))
		abort();
	n = segment_encode(&s, &src, &dst, again, sizeof(again));
	if (n != len || memcmp(again, buf, 6) != 0 || memcmp(again + 8, buf + 8, len - 8) != 0)
		abort();
	/* 0x0000 and 0xffff are the two zeros of one's complement: both verify. */
	if (memcmp(again + 6, buf + 6, 2) != 0 &&
	    !((again[6] == 0 && again[7] == 0 && buf[6] == 0xff && buf[7] == 0xff) ||
	    (again[6] == 0xff && again[7] == 0xff && buf[6] == 0 && buf[7] == 0)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t fixed[SEGMENT_MAX_LEN];
	uint16_t c;

	check(data, size);
	if (size < SEGMENT_HEADER_LEN || size > sizeof(fixed))
		return 0;
	memcpy(fixed, data, size);
	fixed[6] = fixed[7] = 0;
	c = segment_checksum(&src, &dst, fixed, size);
	fixed[6] = (uint8_t)(c >> 8);
	fixed[7] = (uint8_t)c;
	check(fixed, size);
	return 0;
}
