/*
 * segment.c — the transport header on the wire (layout drawn in segment.h).
 *
 * Integers are written and read one byte at a time with shifts, so the code
 * is the same on every machine and never casts a buffer pointer.  Decoding
 * checks the checksum right after the size, before any other field: a
 * corrupted segment is then always reported as corrupted (one's-complement
 * sums catch every single-bit error), never as some other malformation that
 * the corruption happened to produce.
 */
#include "segment.h"

#include <string.h>

static const char *const segment_status_names[SEGMENT_STATUS_COUNT] = {
	[SEGMENT_OK] = "ok",
	[SEGMENT_TOO_SHORT] = "too short",
	[SEGMENT_TOO_LONG] = "too long",
	[SEGMENT_BAD_CHECKSUM] = "bad checksum",
	[SEGMENT_BAD_VERSION] = "bad version",
	[SEGMENT_BAD_LENGTH] = "bad length",
	[SEGMENT_BAD_TYPE] = "bad type",
	[SEGMENT_BAD_PORT] = "bad port",
	[SEGMENT_BAD_COUNT] = "bad count",
	[SEGMENT_BAD_INDEX] = "bad index",
	[SEGMENT_BAD_CONTROL] = "bad control segment",
};

static const char *const segment_type_names[SEGMENT_TYPE_END] = {
	[SEGMENT_DATA] = "data",
	[SEGMENT_CONNECT] = "connect",
	[SEGMENT_ACCEPT] = "accept",
	[SEGMENT_CLOSE] = "close",
	[SEGMENT_RESET] = "reset",
	[SEGMENT_UNREACHABLE] = "unreachable",
};

const char *
segment_status_name(enum segment_status s)
{
	if ((int)s < 0 || s >= SEGMENT_STATUS_COUNT)
		return "unknown status";
	return segment_status_names[s];
}

const char *
segment_type_name(int type)
{
	if (type < SEGMENT_DATA || type >= SEGMENT_TYPE_END)
		return "unknown type";
	return segment_type_names[type];
}

void
segment_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)(v & 0xff);
}

uint16_t
segment_get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static void
segment_put32(uint8_t *p, uint32_t v)
{
	segment_put16(p, (uint16_t)(v >> 16));
	segment_put16(p + 2, (uint16_t)(v & 0xffff));
}

uint32_t
segment_sum(uint32_t sum, const uint8_t *buf, size_t len)
{
	/* SOLUTION BEGIN: add big-endian 16-bit words; pad an odd last byte with zero */
	/* SOLUTION STUB: return sum; */
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)((buf[i] << 8) | buf[i + 1]);
		if (sum & 0x80000000u)	/* fold early: no length overflows */
			sum = (sum & 0xffff) + (sum >> 16);
	}
	if (i < len)
		sum += (uint32_t)buf[i] << 8;
	return sum;
	/* SOLUTION END */
}

uint16_t
segment_fold(uint32_t sum)
{
	/* SOLUTION BEGIN: add the carries back in until 16 bits remain, then complement */
	/* SOLUTION STUB: return 0; */
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
	/* SOLUTION END */
}

uint16_t
segment_checksum(const struct segment_netaddr *src,
    const struct segment_netaddr *dst, const uint8_t *seg, size_t len)
{
	uint8_t pseudo[SEGMENT_PSEUDO_LEN];

	segment_put32(pseudo, src->ip);
	segment_put32(pseudo + 4, dst->ip);
	segment_put16(pseudo + 8, src->port);
	segment_put16(pseudo + 10, dst->port);
	return segment_fold(segment_sum(segment_sum(0, pseudo, sizeof(pseudo)),
	    seg, len));
}

size_t
segment_encode(const struct segment *s, const struct segment_netaddr *src,
    const struct segment_netaddr *dst, uint8_t *buf, size_t cap)
{
	size_t len = SEGMENT_HEADER_LEN + s->payload_len;

	if (s->payload_len > SEGMENT_MAX_PAYLOAD || len > cap)
		return 0;
	/* SOLUTION BEGIN: write each header field in network byte order, checksum last */
	/* SOLUTION STUB: return 0; */
	segment_put16(buf + 0, s->src_port);
	segment_put16(buf + 2, s->dst_port);
	segment_put16(buf + 4, (uint16_t)len);
	segment_put16(buf + 6, 0);
	buf[8] = SEGMENT_VERSION;
	buf[9] = s->type;
	segment_put16(buf + 10, s->msg_id);
	segment_put16(buf + 12, s->index);
	segment_put16(buf + 14, s->count);
	if (s->payload_len > 0)
		memcpy(buf + SEGMENT_HEADER_LEN, s->payload, s->payload_len);
	segment_put16(buf + 6, segment_checksum(src, dst, buf, len));
	return len;
	/* SOLUTION END */
}

/* The checks that need no field but the size and the checksum. */
static enum segment_status
segment_check_outer(const uint8_t *buf, size_t len,
    const struct segment_netaddr *src, const struct segment_netaddr *dst)
{
	if (len < SEGMENT_HEADER_LEN)
		return SEGMENT_TOO_SHORT;
	if (len > SEGMENT_MAX_LEN)
		return SEGMENT_TOO_LONG;
	if (segment_checksum(src, dst, buf, len) != 0)
		return SEGMENT_BAD_CHECKSUM;
	return SEGMENT_OK;
}

/* Checks the fields of a segment whose checksum was good. */
static enum segment_status
segment_check_fields(const struct segment *s, const uint8_t *buf, size_t len)
{
	if (buf[8] != SEGMENT_VERSION)
		return SEGMENT_BAD_VERSION;
	if (s->length != len)
		return SEGMENT_BAD_LENGTH;
	if (s->type < SEGMENT_DATA || s->type >= SEGMENT_TYPE_END)
		return SEGMENT_BAD_TYPE;
	if (s->src_port == 0 || s->dst_port == 0)
		return SEGMENT_BAD_PORT;
	if (s->count == 0 || s->count > SEGMENT_MAX_COUNT)
		return SEGMENT_BAD_COUNT;
	if (s->index >= s->count)
		return SEGMENT_BAD_INDEX;
	if (s->type != SEGMENT_DATA && (s->payload_len > 0 || s->count != 1))
		return SEGMENT_BAD_CONTROL;
	return SEGMENT_OK;
}

enum segment_status
segment_decode(const uint8_t *buf, size_t len,
    const struct segment_netaddr *src, const struct segment_netaddr *dst,
    struct segment *out)
{
	enum segment_status st;

	memset(out, 0, sizeof(*out));
	if ((st = segment_check_outer(buf, len, src, dst)) != SEGMENT_OK)
		return st;
	/* SOLUTION BEGIN: read each header field back (network byte order) */
	out->src_port = segment_get16(buf + 0);
	out->dst_port = segment_get16(buf + 2);
	out->length = segment_get16(buf + 4);
	out->checksum = segment_get16(buf + 6);
	out->type = buf[9];
	out->msg_id = segment_get16(buf + 10);
	out->index = segment_get16(buf + 12);
	out->count = segment_get16(buf + 14);
	out->payload = buf + SEGMENT_HEADER_LEN;
	out->payload_len = len - SEGMENT_HEADER_LEN;
	/* SOLUTION END */
	return segment_check_fields(out, buf, len);
}
