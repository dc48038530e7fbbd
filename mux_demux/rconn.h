/*
 * rconn.h — reliable connections of one host: opening, data both ways,
 * closing, over the version 2 segment (rseg.h).
 *
 * A connection pairs a sender and a receiver (sender.h, receiver.h) with a
 * peer, named by the 4-tuple as in transport.c.  It opens with a three-way
 * handshake that tells each side the other's first sequence number, the
 * pipelining mode (the client's choice) and the window:
 *
 *   client                           server (listening)
 *   SYN seq=x mode window     ->
 *                             <-     SYN|ACK seq=y ack=x window
 *   ACK ack=y (or data)       ->
 *
 * The SYN takes no sequence number here: the first data byte is x (unlike TCP,
 * whose SYN takes one; nothing else needs it).  A lost SYN is sent again on
 * the retransmission timer with backoff until syn_tries are spent, and so is
 * a SYN|ACK that no ACK (or data) answers; a client that gets a SYN|ACK again
 * answers it again.  Every data segment carries
 * the ACK of the other direction; a segment that brings data or a FIN is
 * answered at once.  A segment for no connection and no listener gets RST.
 *
 * Plain data like transport.c: the host's loop passes the time and each
 * version 2 datagram, and the layer sends through the output function.
 */
#ifndef RCONN_H
#define RCONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rseg.h"
#include "sender.h"

#define RCONN_MAX	64

struct rconn_endpoint {
	struct segment_netaddr host;
	uint16_t port;
};

enum rconn_state {
	RCONN_FREE,
	RCONN_LISTEN,
	RCONN_SYN_SENT,
	RCONN_SYN_RCVD,
	RCONN_OPEN,
	RCONN_RESET,		/* the peer sent RST */
	RCONN_TIMED_OUT,	/* no SYN|ACK after syn_tries */
	RCONN_STATE_COUNT
};

struct rconn_config {
	enum sender_mode mode;	/* what connect asks for */
	int window;		/* N, segments */
	size_t mss;
	size_t sndbuf, rcvbuf;	/* bytes */
	enum cc_algo cc;
	struct rtt_config rtt;
	uint32_t isn;		/* first sequence number of every connection */
	int syn_tries;
};

typedef int (*rconn_output_fn)(void *ctx, const struct segment_netaddr *dst,
    const uint8_t *seg, size_t len);

struct rconn_host;

/* Go-Back-N, N 8, mss 256, 64 KiB buffers, no cc, RFC 6298 timer, 6 SYNs. */
void rconn_config_default(struct rconn_config *cfg);

/* A host at self, or NULL (errno EINVAL, ENOMEM). */
struct rconn_host *rconn_new(const struct segment_netaddr *self,
    const struct rconn_config *cfg, rconn_output_fn output, void *ctx);
void rconn_free(struct rconn_host *h);

/* Calls return a connection number, or -1 with errno. */
int rconn_listen(struct rconn_host *h, uint16_t port);
int rconn_accept(struct rconn_host *h, int lc, struct rconn_endpoint *peer);
int rconn_connect(struct rconn_host *h, const struct rconn_endpoint *server,
    uint16_t local_port, long now_ms);

/* Queues data (what fits; -1 EPIPE after shutdown, ENOTCONN before open). */
ssize_t rconn_send(struct rconn_host *h, int c, const void *data, size_t len, long now_ms);

/* In-order bytes (0: none yet, or the end: see rconn_eof). */
ssize_t rconn_recv(struct rconn_host *h, int c, void *buf, size_t cap, long now_ms);

/* No more data from us: a FIN follows what is queued. */
int rconn_shutdown(struct rconn_host *h, int c, long now_ms);

/* Forgets a connection (after the end, or to abandon it: RST). */
void rconn_close(struct rconn_host *h, int c);

void rconn_input(struct rconn_host *h, const uint8_t *dgram, size_t len,
    const struct segment_netaddr *src, long now_ms);
void rconn_tick(struct rconn_host *h, long now_ms);
long rconn_next_deadline(const struct rconn_host *h);

enum rconn_state rconn_state(const struct rconn_host *h, int c);
int rconn_eof(const struct rconn_host *h, int c);	/* the peer's FIN, all read */
int rconn_done(const struct rconn_host *h, int c);	/* ours acked, theirs read */
const struct sender *rconn_sender(const struct rconn_host *h, int c);
const char *rconn_state_name(enum rconn_state s);

#endif
