/*
 * segment.h — the transport header: its layout, encoding, decoding and the
 * Internet checksum.
 *
 * This is the one wire format of the mini transport layer.  Every segment
 * travels as the payload of one UDP datagram; that UDP socket plays the
 * network layer, so a host's "network address" is its UDP socket's IPv4
 * address and port (6 bytes).  The header is fixed-size so a decoder can check
 * it completely before it trusts any field, and every multi-byte field is in
 * network byte order (big-endian), written and read with byte shifts.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |          source port          |       destination port        |  0
 * +-------------------------------+-------------------------------+
 * |            length             |           checksum            |  4
 * +---------------+---------------+-------------------------------+
 * |  version (1)  |     type      |          message id           |  8
 * +---------------+---------------+-------------------------------+
 * |         segment index         |         segment count         | 12
 * +-------------------------------+-------------------------------+
 * |                    payload (length - 16 bytes)                | 16
 * +---------------------------------------------------------------+
 *
 *   source port, destination port  which socket sent it, which socket gets it
 *   length        header + payload in bytes (16 .. 16 + SEGMENT_MAX_PAYLOAD);
 *                 must equal the size of the datagram that carried it
 *   checksum      RFC 1071 one's-complement sum over the pseudo-header below,
 *                 the header (with this field taken as zero) and the payload
 *   version       always 1
 *   type          DATA, CONNECT, ACCEPT, CLOSE, RESET or UNREACHABLE
 *   message id    chosen by the sending host; with the source it names the
 *                 message a segment belongs to (reassembly)
 *   segment index 0 .. count - 1: where this piece goes in the message
 *   segment count how many segments the message was cut into (1 .. 4096)
 *
 * The pseudo-header is not sent; both ends build it from what the network
 * layer tells them, so a segment delivered to the wrong host, or claiming the
 * wrong sender, fails the checksum:
 *
 * +---------------------------------------------------------------+
 * |                 source network address (IPv4)                 |
 * +---------------------------------------------------------------+
 * |              destination network address (IPv4)               |
 * +-------------------------------+-------------------------------+
 * |   source network port (UDP)   | destination network port (UDP)|
 * +-------------------------------+-------------------------------+
 *
 * Control segments (everything but DATA) carry no payload and have index 0,
 * count 1.  UNREACHABLE is the ICMP "port unreachable" analogue: its source
 * port is the port nobody listened on, its destination port is the port that
 * sent the refused segment, and its message id is the refused message's.
 */
#ifndef SEGMENT_H
#define SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#define SEGMENT_HEADER_LEN	16
#define SEGMENT_VERSION		1
#define SEGMENT_MAX_PAYLOAD	1400	/* largest MSS: fits an Ethernet frame */
#define SEGMENT_MAX_COUNT	4096	/* 64 KiB at the smallest MSS (16) */
#define SEGMENT_MAX_LEN		(SEGMENT_HEADER_LEN + SEGMENT_MAX_PAYLOAD)
#define SEGMENT_PSEUDO_LEN	12

enum segment_type {
	SEGMENT_DATA = 1,
	SEGMENT_CONNECT,
	SEGMENT_ACCEPT,
	SEGMENT_CLOSE,
	SEGMENT_RESET,
	SEGMENT_UNREACHABLE,
	SEGMENT_TYPE_END	/* one past the last type */
};

/* Why decoding refused a datagram; SEGMENT_OK when it did not. */
enum segment_status {
	SEGMENT_OK,
	SEGMENT_TOO_SHORT,	/* fewer bytes than a header */
	SEGMENT_TOO_LONG,	/* more bytes than a header + SEGMENT_MAX_PAYLOAD */
	SEGMENT_BAD_CHECKSUM,
	SEGMENT_BAD_VERSION,
	SEGMENT_BAD_LENGTH,	/* length field differs from the datagram size */
	SEGMENT_BAD_TYPE,
	SEGMENT_BAD_PORT,	/* port 0 is never valid on the wire */
	SEGMENT_BAD_COUNT,	/* count 0 or above SEGMENT_MAX_COUNT */
	SEGMENT_BAD_INDEX,	/* index >= count */
	SEGMENT_BAD_CONTROL,	/* control segment with payload or several pieces */
	SEGMENT_STATUS_COUNT
};

/* A network address: the IPv4 address and UDP port of a host, host order. */
struct segment_netaddr {
	uint32_t ip;
	uint16_t port;
};

/* A decoded segment.  payload points into the buffer that was decoded. */
struct segment {
	uint16_t src_port, dst_port;
	uint16_t length, checksum;
	uint8_t type;
	uint16_t msg_id, index, count;
	const uint8_t *payload;
	size_t payload_len;
};

/* Writes v at p as two bytes, most significant first (network byte order). */
void segment_put16(uint8_t *p, uint16_t v);

/* Reads two bytes at p, most significant first. */
uint16_t segment_get16(const uint8_t *p);

/* A short lower-case name for a status or a type ("bad checksum", "data"). */
const char *segment_status_name(enum segment_status s);
const char *segment_type_name(int type);

/*
 * RFC 1071: adds len bytes of buf as big-endian 16-bit words to the 32-bit
 * accumulator sum (an odd last byte is padded with a zero byte) and returns
 * the new, unfolded accumulator.  Chain calls only on even-length pieces.
 */
uint32_t segment_sum(uint32_t sum, const uint8_t *buf, size_t len);

/* Folds the carries of sum into 16 bits and returns its one's complement. */
uint16_t segment_fold(uint32_t sum);

/*
 * The checksum of a segment of len bytes sent from src to dst: over the
 * pseudo-header, then seg exactly as given.  To fill a segment in, compute it
 * with the checksum field zero; to verify one, compute it over the segment as
 * received: an intact segment gives 0.
 */
uint16_t segment_checksum(const struct segment_netaddr *src,
    const struct segment_netaddr *dst, const uint8_t *seg, size_t len);

/*
 * Writes the header of s and its payload (s->payload, s->payload_len bytes)
 * into buf, with length and checksum filled in for a segment going from src
 * to dst.  Returns the segment's size, or 0 if it does not fit in cap bytes or
 * the payload is larger than SEGMENT_MAX_PAYLOAD.  Other fields are written
 * as given, so tests can build malformed segments.
 */
size_t segment_encode(const struct segment *s, const struct segment_netaddr *src,
    const struct segment_netaddr *dst, uint8_t *buf, size_t cap);

/*
 * Decodes the len-byte datagram buf that src sent to dst into *out and checks
 * everything: size, checksum, version, length, type, ports, index and count.
 * Returns SEGMENT_OK, or the first reason it is malformed (and *out is then
 * only partly filled).  out->payload points into buf.
 */
enum segment_status segment_decode(const uint8_t *buf, size_t len,
    const struct segment_netaddr *src, const struct segment_netaddr *dst,
    struct segment *out);

#endif
