/*
 * rseg.h — the reliable segment: the header a reliable connection's segments
 * carry, version 2 of the wire format.
 *
 * The version 1 header (segment.h) has no room for reliability: its 16-bit
 * message id and index/count serve reassembly, and a byte stream needs 32-bit
 * sequence and acknowledgment numbers and a window.  Rather than grow version
 * 1, which lab 3 students implement and every lab 3 host checks, a reliable
 * segment is a second layout that keeps the first eight bytes (ports, length,
 * checksum: the same pseudo-header and RFC 1071 sum) and says "version 2" in
 * the byte where version 1 says 1.  A version 1 host drops it as "bad
 * version", as a host that does not speak a protocol should.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |          source port          |       destination port        |  0
 * +-------------------------------+-------------------------------+
 * |            length             |           checksum            |  4
 * +---------------+---------------+---------------+---------------+
 * |  version (2)  |     flags     |     mode      |   zero (0)    |  8
 * +---------------+---------------+---------------+---------------+
 * |                        sequence number                        | 12
 * +---------------------------------------------------------------+
 * |                     acknowledgment number                     | 16
 * +---------------------------------------------------------------+
 * |                            window                             | 20
 * +---------------------------------------------------------------+
 * |                        selective ack                          | 24
 * +---------------------------------------------------------------+
 * |                    payload (length - 28 bytes)                | 28
 * +---------------------------------------------------------------+
 *
 *   flags      SYN (open; the sequence number is the first byte's), ACK
 *              (acknowledgment number and window are valid), FIN (the
 *              stream ends after this payload; takes one sequence number),
 *              RST (abort), SACK (selective ack is valid)
 *   mode       the sender's pipelining: 1 stop-and-wait, 2 Go-Back-N,
 *              3 Selective Repeat; a receiver learns it from the SYN
 *   sequence   number of the first payload byte (counts bytes, wraps at 2^32)
 *   ack        cumulative: the next byte expected
 *   window     bytes the sender of this segment can still buffer from ack on
 *   selective  with SACK: the segment that starts at this number arrived
 *
 * SYN and RST carry no payload.  Encoding and decoding only; the protocol is
 * in sender.c and receiver.c.
 */
#ifndef RSEG_H
#define RSEG_H

#include <stddef.h>
#include <stdint.h>

#include "segment.h"

#define RSEG_VERSION		2
#define RSEG_HEADER_LEN		28
#define RSEG_MAX_LEN		(RSEG_HEADER_LEN + SEGMENT_MAX_PAYLOAD)

enum rseg_flag {
	RSEG_SYN = 0x01,
	RSEG_ACK = 0x02,
	RSEG_FIN = 0x04,
	RSEG_RST = 0x08,
	RSEG_SACK = 0x10,
	RSEG_FLAGS_ALL = 0x1f
};

enum rseg_mode {
	RSEG_STOP_AND_WAIT = 1,
	RSEG_GO_BACK_N,
	RSEG_SELECTIVE_REPEAT,
	RSEG_MODE_END		/* one past the last mode */
};

/* Why decoding refused a datagram; RSEG_OK when it did not. */
enum rseg_status {
	RSEG_OK,
	RSEG_TOO_SHORT,
	RSEG_TOO_LONG,
	RSEG_BAD_CHECKSUM,
	RSEG_BAD_VERSION,
	RSEG_BAD_LENGTH,
	RSEG_BAD_PORT,
	RSEG_BAD_FLAGS,		/* an unknown flag, or a nonzero zero byte */
	RSEG_BAD_MODE,
	RSEG_BAD_CONTROL,	/* SYN or RST with payload */
	RSEG_STATUS_COUNT
};

/* A decoded reliable segment.  payload points into the decoded buffer. */
struct rseg {
	uint16_t src_port, dst_port;
	uint8_t flags, mode;
	uint32_t seq, ack, window, sack;
	const uint8_t *payload;
	size_t payload_len;
};

const char *rseg_status_name(enum rseg_status s);

/*
 * Writes s and its payload into buf as a segment from src to dst, length and
 * checksum filled in.  Returns its size, or 0 if it does not fit in cap or
 * the payload is larger than SEGMENT_MAX_PAYLOAD.
 */
size_t rseg_encode(const struct rseg *s, const struct segment_netaddr *src,
    const struct segment_netaddr *dst, uint8_t *buf, size_t cap);

/*
 * Decodes the len-byte datagram buf that src sent to dst into *out, checking
 * size, checksum, then every field.  Returns RSEG_OK or the first problem.
 */
enum rseg_status rseg_decode(const uint8_t *buf, size_t len,
    const struct segment_netaddr *src, const struct segment_netaddr *dst,
    struct rseg *out);

#endif
