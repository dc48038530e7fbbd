/*
 * sender.h — the sending half of a reliable connection: a byte stream cut into
 * numbered segments, kept until acknowledged, sent again when lost.
 *
 * Three ways to pipeline, chosen per connection:
 *
 *   stop-and-wait (rdt 3.0)  one segment in flight; its timer resends it;
 *   Go-Back-N               up to N segments in flight, one timer for the
 *                           oldest; when it expires, every segment in flight
 *                           is sent again; ACKs are cumulative;
 *   Selective Repeat        up to N segments in flight, a timer each; only the
 *                           segment whose timer expires is sent again; the
 *                           receiver acknowledges each segment it buffers
 *                           (the selective ACK) besides the cumulative ACK.
 *
 * Sequence numbers count bytes, as TCP's do, and wrap at 2^32: every
 * comparison is on the difference (seq_lt), never on the raw values.  A
 * segment is sent only while it fits in the smallest of three windows: N
 * segments, the receiver's advertised window (flow control) and cwnd
 * (congestion control, cc.h).  A zero receive window is probed with one byte
 * after a timeout (then backed off like any retransmission), so the sender
 * neither stalls for good nor busy-waits.  RTT samples come only from
 * segments sent once (Karn).  With Reno, a loss is answered once: fast
 * recovery lasts until the whole window at the loss is acknowledged, resends
 * each further hole the ACKs reveal (NewReno's partial ACKs; with Selective
 * Repeat, any segment three selectively acknowledged ones overtook), and a
 * timer that expires for a segment sent before the cut resends it without
 * cutting again.  sender_shutdown queues a FIN, which takes one
 * sequence number after the data, as in TCP.
 *
 * Plain data, no socket and no clock: the event loop passes the time, hands
 * in ACKs, and asks sender_next for what to put on the wire.
 */
#ifndef SENDER_H
#define SENDER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cc.h"
#include "rtt.h"

#define SENDER_MAX_WINDOW	1024	/* segments in flight, at most */

enum sender_mode {
	SENDER_STOP_AND_WAIT,
	SENDER_GO_BACK_N,
	SENDER_SELECTIVE_REPEAT,
	SENDER_MODE_COUNT
};

struct sender_config {
	enum sender_mode mode;
	size_t mss;		/* payload bytes per segment */
	int window;		/* N, segments (stop-and-wait: forced to 1) */
	size_t buf_cap;		/* bytes the application may queue */
	uint32_t isn;		/* sequence number of the first byte */
	uint32_t peer_window;	/* receive window the peer announced at setup */
	enum cc_algo cc;
	struct rtt_config rtt;
};

/* One segment to put on the wire; its payload is copied to the caller's buffer. */
struct sender_seg {
	uint32_t seq;
	size_t len;		/* payload bytes (0 for a FIN) */
	int fin;
	int retransmit;		/* sent before */
};

/* What an acknowledgment says. */
struct sender_ack {
	uint32_t ack;		/* cumulative: every byte before it arrived */
	uint32_t window;	/* bytes the receiver can take from ack on */
	int has_sack;		/* selective repeat: */
	uint32_t sack;		/*   the segment starting here arrived */
};

struct sender_stats {
	unsigned long segments, retransmits, timeouts, fast_retransmits, probes;
	unsigned long restarts;	/* timeouts that left a window of one segment */
	unsigned long recovery_sends;	/* new data segments sent in fast recovery */
};

struct sender;

/* mss, N and buffer defaults for the mode (mss 256, N 8, 64 KiB, Reno off). */
void sender_config_default(struct sender_config *cfg, enum sender_mode mode);

/* A new sender, or NULL (errno: EINVAL for a bad configuration, ENOMEM). */
struct sender *sender_new(const struct sender_config *cfg);
void sender_free(struct sender *s);

/*
 * Queues up to len bytes of data.  Returns how many were taken (0 when the
 * buffer is full), or -1 (EPIPE) after sender_shutdown.
 */
ssize_t sender_write(struct sender *s, const void *data, size_t len);

/* No more data: a FIN follows the last byte. */
void sender_shutdown(struct sender *s);

/*
 * The next segment to send at now_ms, if any: fills *seg, copies its payload
 * into buf (cap must be at least the mss) and returns 1; returns 0 when
 * nothing may be sent now.  Call until it returns 0 after every event.
 */
int sender_next(struct sender *s, long now_ms, struct sender_seg *seg,
    uint8_t *buf, size_t cap);

/* An acknowledgment arrived at now_ms. */
void sender_on_ack(struct sender *s, const struct sender_ack *a, long now_ms);

/* Runs the retransmission and probe timers. */
void sender_tick(struct sender *s, long now_ms);

/* When sender_tick next has work (ms), or -1. */
long sender_next_deadline(const struct sender *s);

/* The sequence number the next new byte will take. */
uint32_t sender_next_seq(const struct sender *s);

/* Bytes sent and not yet acknowledged. */
size_t sender_flight(const struct sender *s);

/* 1 once every byte and the FIN are acknowledged. */
int sender_done(const struct sender *s);

const struct rtt *sender_rtt(const struct sender *s);
const struct cc *sender_cc(const struct sender *s);
const struct sender_stats *sender_stats(const struct sender *s);

const char *sender_mode_name(enum sender_mode m);

/* "sw", "gbn" or "sr" into *out.  Returns 0, or -1 for another name. */
int sender_mode_parse(const char *name, enum sender_mode *out);

#endif
