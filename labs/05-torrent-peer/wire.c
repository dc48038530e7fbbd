/*
 * wire.c — BEP 3 peer wire messages (see wire.h).
 *
 * Integers on the wire are big-endian and read with shifts from the byte
 * buffer, never by casting a pointer (the buffer need not be aligned).  The
 * parser's one rule: look at the 4-byte length, then the id, decide whether
 * that length is possible for that id, and only then wait for the payload.
 */
#include "wire.h"

#include <string.h>

static const char *const type_names[WIRE_TYPE_COUNT] = {
	"choke", "unchoke", "interested", "not_interested", "have",
	"bitfield", "request", "piece", "cancel", "port",
	"keepalive", "handshake", "unknown",
};

static const char *const status_names[WIRE_STATUS_COUNT] = {
	"ok", "need more bytes", "not a BitTorrent handshake (first byte)",
	"not a BitTorrent handshake (protocol string)", "message too long",
	"message length wrong for its type",
	"bitfield has spare bits set", "piece index out of range",
	"parser already failed",
};

const char *
wire_type_name(enum wire_type t)
{
	return (unsigned)t < WIRE_TYPE_COUNT ? type_names[t] : "?";
}

const char *
wire_status_name(enum wire_status s)
{
	return (unsigned)s < WIRE_STATUS_COUNT ? status_names[s] : "?";
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
bitfield_len(uint32_t npieces)
{
	return (npieces + 7) / 8;
}

void
wire_parser_init(struct wire_parser *p, uint32_t npieces, int expect_handshake)
{
	uint32_t bf = 1 + bitfield_len(npieces);

	memset(p, 0, sizeof(*p));
	p->state = expect_handshake ? WIRE_S_HANDSHAKE : WIRE_S_MESSAGE;
	p->npieces = npieces;
	p->max_len = bf > 9 + WIRE_BLOCK_LEN ? bf : 9 + WIRE_BLOCK_LEN;
}

/*
 * The handshake is judged byte by byte as it arrives: a first byte that is not
 * 19 (an HTTP client, a TLS hello) is refused before 67 more bytes are awaited.
 */
static enum wire_status
parse_handshake(const uint8_t *buf, size_t len, struct wire_msg *m,
    size_t *used)
{
	size_t n = len < 1 + WIRE_PSTR_LEN ? len : 1 + WIRE_PSTR_LEN;

	if (len >= 1 && buf[0] != WIRE_PSTR_LEN)
		return WIRE_ERR_PSTRLEN;
	if (n > 1 && memcmp(buf + 1, WIRE_PSTR, n - 1) != 0)
		return WIRE_ERR_PSTR;
	if (len < WIRE_HANDSHAKE_LEN)
		return WIRE_NEED_MORE;
	m->type = WIRE_HANDSHAKE;
	memcpy(m->reserved, buf + 20, 8);
	memcpy(m->info_hash, buf + 28, 20);
	memcpy(m->peer_id, buf + 48, 20);
	*used = WIRE_HANDSHAKE_LEN;
	return WIRE_OK;
}

/*
 * Is len (the length prefix, id byte included) possible for id?  Unknown ids
 * are accepted up to WIRE_UNKNOWN_MAX; the caller skips them.
 */
static enum wire_status
check_length(const struct wire_parser *p, uint8_t id, uint32_t len)
{
	/* TODO: accept len only if it is the right size for this id */
	return WIRE_OK;
}

/* Fills m from a complete known message: id, then len - 1 payload bytes. */
static enum wire_status
decode_payload(struct wire_parser *p, uint8_t id, const uint8_t *pl,
    uint32_t len, struct wire_msg *m)
{
	/* TODO: set m->type from id first (m arrives zeroed, so a message
	 * whose type you do not set is taken for a choke), then decode the payload
	 * fields of each message type */
	return WIRE_OK;
}

/* One length-prefixed message (or the start of an unknown one). */
static enum wire_status
parse_message(struct wire_parser *p, const uint8_t *buf, size_t len,
    struct wire_msg *m, size_t *used)
{
	enum wire_status st;
	uint32_t mlen;
	uint8_t id;

	if (len < 4)
		return WIRE_NEED_MORE;
	mlen = get32(buf);
	if (mlen == 0) {
		m->type = WIRE_KEEPALIVE;
		*used = 4;
		return WIRE_OK;
	}
	if (mlen > p->max_len && mlen > WIRE_UNKNOWN_MAX)
		return WIRE_ERR_TOO_LONG;
	if (len < 5)
		return WIRE_NEED_MORE;
	id = buf[4];
	if ((st = check_length(p, id, mlen)) != WIRE_OK)
		return st;
	m->id = id;
	if (id > WIRE_PORT) {
		/* Report it now, swallow the payload as it comes. */
		m->type = WIRE_UNKNOWN;
		m->length = mlen - 1;
		p->skip = mlen - 1;
		p->state = WIRE_S_SKIP;
		*used = 5;
		return WIRE_OK;
	}
	if (len - 4 < mlen)
		return WIRE_NEED_MORE;
	if ((st = decode_payload(p, id, buf + 5, mlen, m)) != WIRE_OK)
		return st;
	*used = 4 + (size_t)mlen;
	return WIRE_OK;
}

enum wire_status
wire_parse(struct wire_parser *p, const uint8_t *buf, size_t len,
    struct wire_msg *msg, size_t *used)
{
	enum wire_status st;
	size_t n = 0;

	*used = 0;
	memset(msg, 0, sizeof(*msg));
	if (p->state == WIRE_S_DEAD)
		return WIRE_ERR_DEAD;
	if (p->state == WIRE_S_SKIP) {
		n = len < p->skip ? len : p->skip;
		p->skip -= (uint32_t)n;
		*used = n;
		if (p->skip > 0)
			return WIRE_NEED_MORE;
		p->state = WIRE_S_MESSAGE;
		buf += n;
		len -= n;
	}
	if (p->state == WIRE_S_HANDSHAKE) {
		st = parse_handshake(buf, len, msg, used);
		if (st == WIRE_OK)
			p->state = WIRE_S_MESSAGE;
	} else {
		size_t u = 0;

		st = parse_message(p, buf, len, msg, &u);
		*used = n + u;
		if (st == WIRE_OK && msg->type != WIRE_KEEPALIVE)
			p->nmsgs++;
	}
	if (st != WIRE_OK && st != WIRE_NEED_MORE)
		p->state = WIRE_S_DEAD;
	return st;
}

/* Payload bytes after the id for type t, or -1 if t has no id on the wire. */
static long
payload_len(const struct wire_msg *m)
{
	switch (m->type) {
	case WIRE_CHOKE:
	case WIRE_UNCHOKE:
	case WIRE_INTERESTED:
	case WIRE_NOT_INTERESTED:
		return 0;
	case WIRE_HAVE:
		return 4;
	case WIRE_BITFIELD:
		return (long)m->data_len;
	case WIRE_REQUEST:
	case WIRE_CANCEL:
		return 12;
	case WIRE_PIECE:
		return 8 + (long)m->data_len;
	case WIRE_PORT:
		return 2;
	default:
		return -1;
	}
}

size_t
wire_encode(const struct wire_msg *m, uint8_t *out, size_t cap)
{
	long pl;

	if (m->type == WIRE_HANDSHAKE) {
		if (cap < WIRE_HANDSHAKE_LEN)
			return 0;
		out[0] = WIRE_PSTR_LEN;
		memcpy(out + 1, WIRE_PSTR, WIRE_PSTR_LEN);
		memcpy(out + 20, m->reserved, 8);
		memcpy(out + 28, m->info_hash, 20);
		memcpy(out + 48, m->peer_id, 20);
		return WIRE_HANDSHAKE_LEN;
	}
	if (m->type == WIRE_KEEPALIVE) {
		if (cap < 4)
			return 0;
		put32(out, 0);
		return 4;
	}
	if ((pl = payload_len(m)) < 0 || (size_t)pl + 5 > cap ||
	    (size_t)pl + 1 > UINT32_MAX)
		return 0;
	/* TODO: write the length prefix (it counts the id), the id, then the payload fields */
	return (size_t)pl + 5;
}

void
wire_piece_header(uint8_t out[WIRE_PIECE_HDR], uint32_t index, uint32_t begin,
    uint32_t len)
{
	put32(out, len + 9);
	out[4] = WIRE_PIECE;
	put32(out + 5, index);
	put32(out + 9, begin);
}
