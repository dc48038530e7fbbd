/*
 * wire.h — the BitTorrent peer wire protocol (BEP 3): encoder and a parser.
 *
 * Two peers first swap a 68-byte handshake:
 *
 *     19 "BitTorrent protocol" reserved[8] info_hash[20] peer_id[20]
 *
 * and from then on send length-prefixed messages: a 4-byte big-endian length,
 * then (unless the length is 0, a keep-alive) a 1-byte id and a payload whose
 * size the id fixes:
 *
 *     id  name            payload                      length
 *     0   choke           -                            1
 *     1   unchoke         -                            1
 *     2   interested      -                            1
 *     3   not interested  -                            1
 *     4   have            index                        5
 *     5   bitfield        one bit per piece            1 + ceil(pieces / 8)
 *     6   request         index begin length           13
 *     7   piece           index begin block            9 + block
 *     8   cancel          index begin length           13
 *     9   port            DHT port (u16)               3
 *
 * The parser is a small state machine over a byte buffer.  It checks each
 * message's length against its type as soon as the 5-byte header is in, before
 * it waits for (or reads) the payload, so a peer that announces a 4 GiB
 * "have" is dropped at once instead of being buffered.  Messages it knows are
 * returned only when complete (they are at most ~16 KiB plus a bitfield);
 * messages with ids it does not know are reported and then skipped without
 * buffering, after the same length bound.  It knows nothing about sockets: the
 * caller feeds it whatever recv() produced.
 *
 * BEP 3 says a bitfield may only be the first message.  Real clients bend
 * that: aria2c sends its first bitfield after other messages when it starts
 * with no pieces, and then announces new pieces with whole new bitfields
 * instead of haves.  So the parser accepts a bitfield at any point (its
 * length and spare bits still checked), and the caller treats each one as
 * the peer's complete list, replacing what it knew.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_HANDSHAKE_LEN 68
#define WIRE_PSTR "BitTorrent protocol"
#define WIRE_PSTR_LEN 19
#define WIRE_BLOCK_LEN 16384		/* the block size everyone requests */
#define WIRE_UNKNOWN_MAX (1u << 20)	/* longest unknown message we skip */
#define WIRE_PIECE_HDR 13		/* length, id, index, begin */

/* Message types: 0..9 are the ids on the wire, the rest are ours. */
enum wire_type {
	WIRE_CHOKE,
	WIRE_UNCHOKE,
	WIRE_INTERESTED,
	WIRE_NOT_INTERESTED,
	WIRE_HAVE,
	WIRE_BITFIELD,
	WIRE_REQUEST,
	WIRE_PIECE,
	WIRE_CANCEL,
	WIRE_PORT,
	WIRE_KEEPALIVE,		/* length 0 */
	WIRE_HANDSHAKE,		/* the 68-byte greeting */
	WIRE_UNKNOWN,		/* an id we do not know; its payload is skipped */
	WIRE_TYPE_COUNT
};

/*
 * One parsed (or to-be-encoded) message.  Only the fields its type uses are
 * meaningful.  data points into the buffer given to wire_parse, so it is valid
 * only until the caller reuses that buffer.
 */
struct wire_msg {
	enum wire_type type;
	uint8_t id;		/* the id byte as received (useful for UNKNOWN) */
	uint32_t index;		/* have, request, piece, cancel */
	uint32_t begin;		/* request, piece, cancel */
	uint32_t length;	/* request, cancel: bytes asked; UNKNOWN: payload */
	uint16_t port;		/* port */
	const uint8_t *data;	/* bitfield bits, piece block */
	size_t data_len;
	int oversized;		/* request/cancel for 0 or > WIRE_BLOCK_LEN bytes */
	uint8_t reserved[8];	/* handshake */
	uint8_t info_hash[20];
	uint8_t peer_id[20];
};

enum wire_status {
	WIRE_OK,		/* *msg holds one message */
	WIRE_NEED_MORE,		/* no complete message yet: feed more bytes */
	WIRE_ERR_PSTRLEN,	/* first byte is not 19: not BitTorrent */
	WIRE_ERR_PSTR,		/* protocol string is not "BitTorrent protocol" */
	WIRE_ERR_TOO_LONG,	/* length above what any message may have */
	WIRE_ERR_BAD_LENGTH,	/* length wrong for the message's type */
	WIRE_ERR_SPARE_BITS,	/* bitfield with bits set past the last piece */
	WIRE_ERR_BAD_INDEX,	/* piece index >= number of pieces */
	WIRE_ERR_DEAD,		/* the parser already failed */
	WIRE_STATUS_COUNT
};

struct wire_parser {
	enum { WIRE_S_HANDSHAKE, WIRE_S_MESSAGE, WIRE_S_SKIP, WIRE_S_DEAD } state;
	uint32_t npieces;	/* bitfield size and index bound */
	uint32_t skip;		/* bytes of an unknown message still to skip */
	uint32_t max_len;	/* longest known message */
	uint64_t nmsgs;		/* messages seen after the handshake */
};

/* Human names, for logs: wire_type_name(WIRE_HAVE) is "have". */
const char *wire_type_name(enum wire_type t);
const char *wire_status_name(enum wire_status s);

/*
 * Prepares a parser for a torrent of npieces pieces (> 0).  With
 * expect_handshake set the first thing parsed must be the 68-byte handshake.
 */
void wire_parser_init(struct wire_parser *p, uint32_t npieces,
    int expect_handshake);

/*
 * Parses at most one message from buf[0..len).  Always sets *used to the number
 * of bytes consumed (the caller drops them from its buffer, and may do so even
 * with WIRE_NEED_MORE, when skipped bytes of an unknown message were eaten).
 * Returns WIRE_OK with *msg filled, WIRE_NEED_MORE, or an error, after which
 * the parser stays dead and the connection should be closed.
 */
enum wire_status wire_parse(struct wire_parser *p, const uint8_t *buf,
    size_t len, struct wire_msg *msg, size_t *used);

/*
 * Encodes m into out (cap bytes).  Returns the number of bytes written, or 0
 * if cap is too small or the type cannot be encoded.  For a bitfield or a
 * piece, m->data and m->data_len are the payload.
 */
size_t wire_encode(const struct wire_msg *m, uint8_t *out, size_t cap);

/*
 * Writes only the 13-byte header of a piece message carrying len bytes, so a
 * caller can read the block from disk straight after it.
 */
void wire_piece_header(uint8_t out[WIRE_PIECE_HDR], uint32_t index,
    uint32_t begin, uint32_t len);

#endif
