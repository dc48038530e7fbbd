/*
 * receiver.h — the receiving half of a reliable connection: puts the byte
 * stream back in order, hands it to the application, and says what arrived.
 *
 * Every segment is answered with an acknowledgment that carries:
 *
 *   ack      cumulative: every byte before it has arrived (the next byte
 *            expected), as in Go-Back-N and TCP;
 *   window   free buffer space from ack on (flow control): the sender must
 *            not send past ack + window;
 *   sack     Selective Repeat only: "the segment that starts here arrived",
 *            so its sender stops its timer.
 *
 * Go-Back-N's receiver keeps only the next segment in order and discards the
 * others (the sender will send them again).  Selective Repeat's buffers any
 * segment that fits in the window and delivers the bytes once the gap before
 * them is filled; a segment already delivered is acknowledged again, since the
 * sender may not have heard the first ACK.  The buffer's right edge only moves
 * when the application reads, so the advertised window shrinks as data waits
 * and grows as it is read; a receiver whose window just reopened from zero
 * says so with a window update.  A FIN after the last byte ends the stream.
 *
 * Sequence numbers count bytes and wrap at 2^32 (seq.h).  Plain data: no
 * socket and no clock.
 */
#ifndef RECEIVER_H
#define RECEIVER_H

#include <stddef.h>
#include <stdint.h>

struct receiver_config {
	int selective;		/* 1: Selective Repeat; 0: Go-Back-N, stop-and-wait */
	size_t buf_cap;		/* receive buffer, bytes (the largest window) */
	uint32_t isn;		/* sequence number of the peer's first byte */
};

struct receiver_ack {
	uint32_t ack;
	uint32_t window;
	int has_sack;
	uint32_t sack;
};

struct receiver_stats {
	unsigned long segments;		/* that arrived */
	unsigned long duplicates;	/* held nothing new */
	unsigned long buffered;		/* SR: kept out of order */
	unsigned long discarded;	/* GBN: out of order; beyond the window */
};

struct receiver;

/* A new receiver, or NULL (errno EINVAL: buf_cap 0 or above 1 GiB; ENOMEM). */
struct receiver *receiver_new(const struct receiver_config *cfg);
void receiver_free(struct receiver *r);

/*
 * A segment arrived: len payload bytes at seq, followed by a FIN if fin.
 * Fills *ack with the acknowledgment to send back.
 */
void receiver_input(struct receiver *r, uint32_t seq, const void *data, size_t len,
    int fin, struct receiver_ack *ack);

/* Takes up to cap bytes of in-order data.  Returns how many (0: none yet). */
size_t receiver_read(struct receiver *r, void *buf, size_t cap);

/* Bytes receiver_read would return. */
size_t receiver_readable(const struct receiver *r);

/* The acknowledgment that describes the receiver now (no sack). */
void receiver_ack(const struct receiver *r, struct receiver_ack *ack);

/*
 * 1 once, after a read reopened a window that had been advertised as zero:
 * the caller sends *ack (a window update) so the sender need not wait for its
 * probe.
 */
int receiver_take_update(struct receiver *r, struct receiver_ack *ack);

/* 1 when the FIN arrived and every byte before it has been read. */
int receiver_eof(const struct receiver *r);

const struct receiver_stats *receiver_stats(const struct receiver *r);

#endif
