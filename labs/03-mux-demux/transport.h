/*
 * transport.h — a small transport layer: the socket API the applications of
 * one host use, multiplexed over that host's single network interface.
 *
 * Sending (multiplexing): an application hands a message to its socket; the
 * layer cuts it into segments of at most mss payload bytes, writes the header
 * (its socket's port as source port, the destination port, message id, index,
 * count, checksum) on each, and passes each to the network layer.
 *
 * Receiving (demultiplexing): the host hands every datagram to
 * transport_input, which checks the header (a bad checksum or a malformed
 * segment is dropped and counted), finds the socket in the demux table
 * (4-tuple first, then destination port alone), reassembles the message and
 * queues it on that socket.  A segment for a port nobody has is refused:
 * counted, and answered with an UNREACHABLE segment so the sender's socket
 * reports ECONNREFUSED.
 *
 * Two kinds of socket, as UDP and TCP:
 *   connectionless   transport_bind, transport_sendto, transport_recvfrom;
 *   connection       transport_listen + transport_accept on the server,
 *                    transport_connect on the client, then transport_send,
 *                    transport_recv, transport_close on both.
 * Messages keep their boundaries in both.  This layer is unreliable, like
 * UDP: a lost segment loses its message (reassembly times out) and nothing is
 * ever sent again, except CONNECT while a connect waits for its ACCEPT.
 *
 * Nothing here blocks, reads a clock or touches a socket: the host's event
 * loop passes in the time and each received datagram, and the layer sends
 * through the output function it was given.  That is what lets the tests wire
 * two transports together in memory.  Calls return -1 with errno on failure.
 */
#ifndef TRANSPORT_H
#define TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "demux.h"
#include "reasm.h"
#include "segment.h"

#define TRANSPORT_MAX_SOCKS	DEMUX_MAX
#define TRANSPORT_MAX_ROWS	512
#define TRANSPORT_MIN_MSS	16
#define TRANSPORT_DEFAULT_MSS	256

/* A transport endpoint: a host's network address and a port on that host. */
struct transport_endpoint {
	struct segment_netaddr host;
	uint16_t port;
};

enum transport_kind {
	TRANSPORT_NONE,		/* a table row for a port no socket had */
	TRANSPORT_DGRAM,	/* connectionless */
	TRANSPORT_LISTEN,	/* welcoming socket of a connection service */
	TRANSPORT_CONN,		/* one end of one connection */
	TRANSPORT_KIND_COUNT
};

enum transport_state {
	TRANSPORT_FREE,		/* not a socket */
	TRANSPORT_BOUND,	/* DGRAM */
	TRANSPORT_LISTENING,	/* LISTEN */
	TRANSPORT_CONNECTING,	/* CONN waiting for ACCEPT */
	TRANSPORT_CONNECTED,
	TRANSPORT_PEER_CLOSED,	/* the peer sent CLOSE: recv ends with 0 */
	TRANSPORT_REFUSED,	/* UNREACHABLE answered our CONNECT */
	TRANSPORT_RESET,	/* the peer sent RESET */
	TRANSPORT_TIMED_OUT,	/* no ACCEPT before the connect timeout */
	TRANSPORT_STATE_COUNT
};

struct transport_config {
	size_t mss;			/* payload bytes per segment */
	long connect_timeout_ms;
	long connect_retry_ms;		/* CONNECT is sent again this often */
	struct reasm_config reasm;
	int queue_max;			/* messages waiting on one socket */
	size_t queue_bytes;		/* bytes waiting on one socket */
	int backlog;			/* connections waiting for accept */
};

/*
 * One row of the host's mux/demux table: a port, or a connection (port and
 * remote), with what went through it.  Rows outlive their sockets.
 */
struct transport_row {
	uint16_t port;
	int has_remote;
	struct transport_endpoint remote;
	enum transport_kind kind;
	int sock;			/* -1 once closed, or for a refused port */
	unsigned long seg_out, msg_out;	/* multiplexed: segments (data and control)
					   and messages sent from it */
	unsigned long seg_in, msg_in;	/* demultiplexed: segments delivered to it,
					   messages reassembled for it */
	unsigned long refused;		/* segments for it while nobody had it */
};

/* What the host dropped, and why. */
struct transport_counters {
	unsigned long bad_checksum;	/* corrupted in the network */
	unsigned long malformed;	/* decoded to anything else but OK */
	unsigned long refused;		/* for a port no socket had */
	unsigned long unreachable_in;	/* UNREACHABLE segments received */
	unsigned long resets_out;	/* RESET sent: wrong kind of socket */
	unsigned long queue_full;	/* messages dropped: socket queue full */
	unsigned long output_errors;	/* the network layer failed to send */
};

/* Sends a segment to dst.  Returns 0, or -1 with errno. */
typedef int (*transport_output_fn)(void *ctx, const struct segment_netaddr *dst,
    const uint8_t *seg, size_t len);

struct transport;

/* The defaults: mss 256, connect timeout 3 s (retry 500 ms), 1 MiB reassembly. */
void transport_config_default(struct transport_config *cfg);

/* A transport for the host at self, or NULL (errno: EINVAL for a bad mss). */
struct transport *transport_new(const struct segment_netaddr *self,
    const struct transport_config *cfg, transport_output_fn output, void *ctx);
void transport_free(struct transport *t);

/* Connectionless: a socket bound to port (0: an ephemeral port). */
int transport_bind(struct transport *t, uint16_t port);

/* Sends msg (up to REASM_MAX_MESSAGE bytes) from a connectionless socket. */
int transport_sendto(struct transport *t, int sock, const struct transport_endpoint *dst,
    const void *msg, size_t len);

/*
 * Takes the next message off a socket into buf (cut to cap bytes) and its
 * source into *from (if not NULL).  Returns its length (0 at the end of a
 * connection), or -1: EAGAIN (nothing yet), ECONNREFUSED (a message this
 * socket sent was refused; *from is who refused it), ECONNRESET, ETIMEDOUT.
 */
ssize_t transport_recvfrom(struct transport *t, int sock, void *buf, size_t cap,
    struct transport_endpoint *from);

/* Connection: a listening socket on port. */
int transport_listen(struct transport *t, uint16_t port);

/* The next connection of a listening socket (EAGAIN: none), its peer in *peer. */
int transport_accept(struct transport *t, int lsock, struct transport_endpoint *peer);

/*
 * Starts a connection to server from local_port (0: an ephemeral port).
 * Returns the socket, in TRANSPORT_CONNECTING until ACCEPT arrives.
 */
int transport_connect(struct transport *t, const struct transport_endpoint *server,
    uint16_t local_port, long now_ms);

int transport_send(struct transport *t, int sock, const void *msg, size_t len);
ssize_t transport_recv(struct transport *t, int sock, void *buf, size_t cap);

/* Closes any socket (a connection tells its peer with CLOSE). */
int transport_close(struct transport *t, int sock);

/* Processes one datagram that the network layer received from src. */
void transport_input(struct transport *t, const uint8_t *dgram, size_t len,
    const struct segment_netaddr *src, long now_ms);

/* Runs timers (connect retries and timeouts, reassembly timeouts). */
void transport_tick(struct transport *t, long now_ms);

/* When transport_tick next has work (ms), or -1. */
long transport_next_deadline(const struct transport *t);

/* 1 if recvfrom/recv/accept on sock would not fail with EAGAIN. */
int transport_readable(const struct transport *t, int sock);

enum transport_state transport_state(const struct transport *t, int sock);
uint16_t transport_port(const struct transport *t, int sock);
const struct segment_netaddr *transport_self(const struct transport *t);
size_t transport_mss(const struct transport *t);

int transport_nrows(const struct transport *t);
const struct transport_row *transport_row(const struct transport *t, int i);
const struct transport_counters *transport_counters(const struct transport *t);
const struct reasm_stats *transport_reasm_stats(const struct transport *t);

const char *transport_kind_name(enum transport_kind k);
const char *transport_state_name(enum transport_state s);

#endif
