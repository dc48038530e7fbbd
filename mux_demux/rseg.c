/*
 * rseg.c — the reliable segment on the wire (layout drawn in rseg.h).
 *
 * As segment.c does for version 1, the decoder checks the size and then the
 * checksum before it looks at any field, so a corrupted segment is always
 * reported as corrupted.  The checksum is segment.c's, over the same
 * pseudo-header.
 */
#include "rseg.h"

#include <string.h>

static const char *const rseg_status_names[RSEG_STATUS_COUNT] = {
	[RSEG_OK] = "ok",
	[RSEG_TOO_SHORT] = "too short",
	[RSEG_TOO_LONG] = "too long",
	[RSEG_BAD_CHECKSUM] = "bad checksum",
	[RSEG_BAD_VERSION] = "bad version",
	[RSEG_BAD_LENGTH] = "bad length",
	[RSEG_BAD_PORT] = "bad port",
	[RSEG_BAD_FLAGS] = "bad flags",
	[RSEG_BAD_MODE] = "bad mode",
	[RSEG_BAD_CONTROL] = "bad control segment",
};

const char *
rseg_status_name(enum rseg_status s)
{
	if ((int)s < 0 || s >= RSEG_STATUS_COUNT)
		return "unknown status";
	return rseg_status_names[s];
}

static void
rseg_put32(uint8_t *p, uint32_t v)
{
	segment_put16(p, (uint16_t)(v >> 16));
	segment_put16(p + 2, (uint16_t)(v & 0xffff));
}

static uint32_t
rseg_get32(const uint8_t *p)
{
	return ((uint32_t)segment_get16(p) << 16) | segment_get16(p + 2);
}

size_t
rseg_encode(const struct rseg *s, const struct segment_netaddr *src,
    const struct segment_netaddr *dst, uint8_t *buf, size_t cap)
{
	size_t len = RSEG_HEADER_LEN + s->payload_len;

	if (s->payload_len > SEGMENT_MAX_PAYLOAD || len > cap)
		return 0;
	segment_put16(buf + 0, s->src_port);
	segment_put16(buf + 2, s->dst_port);
	segment_put16(buf + 4, (uint16_t)len);
	segment_put16(buf + 6, 0);
	buf[8] = RSEG_VERSION;
	buf[9] = s->flags;
	buf[10] = s->mode;
	buf[11] = 0;
	rseg_put32(buf + 12, s->seq);
	rseg_put32(buf + 16, s->ack);
	rseg_put32(buf + 20, s->window);
	rseg_put32(buf + 24, s->sack);
	if (s->payload_len > 0)
		memcpy(buf + RSEG_HEADER_LEN, s->payload, s->payload_len);
	segment_put16(buf + 6, segment_checksum(src, dst, buf, len));
	return len;
}

/* The checks on a segment whose size and checksum were good. */
static enum rseg_status
rseg_check_fields(const struct rseg *s, const uint8_t *buf, size_t len)
{
	if (buf[8] != RSEG_VERSION)
		return RSEG_BAD_VERSION;
	if (segment_get16(buf + 4) != len)
		return RSEG_BAD_LENGTH;
	if (s->src_port == 0 || s->dst_port == 0)
		return RSEG_BAD_PORT;
	if ((s->flags & ~RSEG_FLAGS_ALL) != 0 || buf[11] != 0)
		return RSEG_BAD_FLAGS;
	if (s->mode < RSEG_STOP_AND_WAIT || s->mode >= RSEG_MODE_END)
		return RSEG_BAD_MODE;
	if ((s->flags & (RSEG_SYN | RSEG_RST)) && s->payload_len > 0)
		return RSEG_BAD_CONTROL;
	return RSEG_OK;
}

enum rseg_status
rseg_decode(const uint8_t *buf, size_t len,
    const struct segment_netaddr *src, const struct segment_netaddr *dst,
    struct rseg *out)
{
	memset(out, 0, sizeof(*out));
	if (len < RSEG_HEADER_LEN)
		return RSEG_TOO_SHORT;
	if (len > RSEG_MAX_LEN)
		return RSEG_TOO_LONG;
	if (segment_checksum(src, dst, buf, len) != 0)
		return RSEG_BAD_CHECKSUM;
	out->src_port = segment_get16(buf + 0);
	out->dst_port = segment_get16(buf + 2);
	out->flags = buf[9];
	out->mode = buf[10];
	out->seq = rseg_get32(buf + 12);
	out->ack = rseg_get32(buf + 16);
	out->window = rseg_get32(buf + 20);
	out->sack = rseg_get32(buf + 24);
	out->payload = buf + RSEG_HEADER_LEN;
	out->payload_len = len - RSEG_HEADER_LEN;
	return rseg_check_fields(out, buf, len);
}
