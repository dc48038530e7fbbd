/*
 * transport.c — the transport layer of one host (see transport.h).
 *
 * Read it in the order a segment travels: transport_mux cuts a message into
 * segments and writes their headers (multiplexing); transport_input checks a
 * received segment, asks the demux table for its socket and hands it to the
 * handler for that socket's kind (demultiplexing); transport_deliver puts the
 * pieces of a message back together and queues the message on the socket.
 *
 * Sockets are slots in a fixed array and the demux table stores slot numbers,
 * so every limit (sockets, queued messages, waiting connections, partial
 * messages) is a constant and a peer cannot make the host grow without bound.
 */
#include "transport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TRANSPORT_MAX_BACKLOG	32

struct transport_msg {
	struct transport_msg *next;
	struct transport_endpoint from;
	size_t len;
	uint8_t data[];
};

struct transport_sock {
	enum transport_kind kind;
	enum transport_state state;
	uint16_t port;
	struct transport_endpoint remote;	/* CONN: the peer */
	int row;				/* its table row, or -1 */
	struct transport_msg *head, *tail;	/* received messages */
	int nqueued;
	size_t queued_bytes;
	int pending_err;			/* DGRAM: reported by the next recvfrom */
	struct transport_endpoint err_from;
	int accq[TRANSPORT_MAX_BACKLOG];	/* LISTEN: connections to accept */
	int naccq;
	int listener;				/* CONN not accepted yet: its listener */
	long retry_at, deadline;		/* CONNECTING */
};

struct transport {
	struct segment_netaddr self;
	struct transport_config cfg;
	transport_output_fn output;
	void *ctx;
	struct demux demux;
	struct reasm *reasm;
	struct transport_sock socks[TRANSPORT_MAX_SOCKS];
	struct transport_row rows[TRANSPORT_MAX_ROWS];
	int nrows;
	struct transport_counters counters;
	uint16_t next_msg_id;
};

static const char *const transport_kind_names[TRANSPORT_KIND_COUNT] = {
	[TRANSPORT_NONE] = "-",
	[TRANSPORT_DGRAM] = "dgram",
	[TRANSPORT_LISTEN] = "listen",
	[TRANSPORT_CONN] = "conn",
};

static const char *const transport_state_names[TRANSPORT_STATE_COUNT] = {
	[TRANSPORT_FREE] = "closed",
	[TRANSPORT_BOUND] = "bound",
	[TRANSPORT_LISTENING] = "listening",
	[TRANSPORT_CONNECTING] = "connecting",
	[TRANSPORT_CONNECTED] = "connected",
	[TRANSPORT_PEER_CLOSED] = "peer-closed",
	[TRANSPORT_REFUSED] = "refused",
	[TRANSPORT_RESET] = "reset",
	[TRANSPORT_TIMED_OUT] = "timed-out",
};

const char *
transport_kind_name(enum transport_kind k)
{
	return (int)k >= 0 && k < TRANSPORT_KIND_COUNT ? transport_kind_names[k] : "?";
}

const char *
transport_state_name(enum transport_state s)
{
	return (int)s >= 0 && s < TRANSPORT_STATE_COUNT ? transport_state_names[s] : "?";
}

void
transport_config_default(struct transport_config *cfg)
{
	*cfg = (struct transport_config){
		.mss = TRANSPORT_DEFAULT_MSS,
		.connect_timeout_ms = 3000,
		.connect_retry_ms = 500,
		.reasm = { .max_bytes = 1024 * 1024, .max_partials = 64, .timeout_ms = 2000 },
		.queue_max = 256,
		.queue_bytes = 1024 * 1024,
		.backlog = 16,
	};
}

struct transport *
transport_new(const struct segment_netaddr *self, const struct transport_config *cfg,
    transport_output_fn output, void *ctx)
{
	struct transport *t;

	if (cfg->mss < TRANSPORT_MIN_MSS || cfg->mss > SEGMENT_MAX_PAYLOAD ||
	    cfg->backlog < 1 || cfg->backlog > TRANSPORT_MAX_BACKLOG || cfg->queue_max < 1 ||
	    cfg->queue_bytes < REASM_MAX_MESSAGE ||
	    cfg->reasm.max_partials < 1 || cfg->reasm.timeout_ms < 1) {
		errno = EINVAL;
		return NULL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->reasm = reasm_new(&cfg->reasm)) == NULL) {
		free(t);
		return NULL;
	}
	t->self = *self;
	t->cfg = *cfg;
	t->output = output;
	t->ctx = ctx;
	t->next_msg_id = 1;
	demux_init(&t->demux);
	return t;
}

static void
transport_flush_queue(struct transport_sock *so)
{
	while (so->head != NULL) {
		struct transport_msg *m = so->head;

		so->head = m->next;
		free(m);
	}
	so->tail = NULL;
	so->nqueued = 0;
	so->queued_bytes = 0;
}

void
transport_free(struct transport *t)
{
	if (t == NULL)
		return;
	for (int i = 0; i < TRANSPORT_MAX_SOCKS; i++)
		transport_flush_queue(&t->socks[i]);
	reasm_free(t->reasm);
	free(t);
}

/* ---- small helpers ---------------------------------------------------- */

static struct demux_remote
transport_remote(const struct transport_endpoint *e)
{
	return (struct demux_remote){ .host = e->host, .port = e->port };
}

static int
transport_endpoint_equal(const struct transport_endpoint *a,
    const struct transport_endpoint *b)
{
	return a->host.ip == b->host.ip && a->host.port == b->host.port && a->port == b->port;
}

/* The socket sock if it is open, else NULL with errno EBADF. */
static struct transport_sock *
transport_sock(struct transport *t, int sock)
{
	if (sock < 0 || sock >= TRANSPORT_MAX_SOCKS || t->socks[sock].state == TRANSPORT_FREE) {
		errno = EBADF;
		return NULL;
	}
	return &t->socks[sock];
}

/* A free socket slot, or -1 (EMFILE). */
static int
transport_alloc(struct transport *t)
{
	for (int i = 0; i < TRANSPORT_MAX_SOCKS; i++) {
		if (t->socks[i].state == TRANSPORT_FREE) {
			struct transport_sock *so = &t->socks[i];

			memset(so, 0, sizeof(*so));
			so->row = -1;
			so->listener = -1;
			return i;
		}
	}
	errno = EMFILE;
	return -1;
}

/*
 * The table row of (port, remote) (remote NULL: the port itself), made if
 * missing.  Returns its index, or -1 when the table is full (then nothing is
 * counted for it).
 */
static int
transport_row_for(struct transport *t, uint16_t port, const struct transport_endpoint *remote,
    enum transport_kind kind, int sock)
{
	struct transport_row *r;

	for (int i = 0; i < t->nrows; i++) {
		r = &t->rows[i];
		if (r->port == port && r->has_remote == (remote != NULL) &&
		    (remote == NULL || transport_endpoint_equal(&r->remote, remote))) {
			if (sock != -1) {
				r->kind = kind;
				r->sock = sock;
			}
			return i;
		}
	}
	if (t->nrows == TRANSPORT_MAX_ROWS)
		return -1;
	r = &t->rows[t->nrows];
	memset(r, 0, sizeof(*r));
	r->port = port;
	r->has_remote = remote != NULL;
	if (remote != NULL)
		r->remote = *remote;
	r->kind = kind;
	r->sock = sock;
	return t->nrows++;
}

static struct transport_row *
transport_row_of(struct transport *t, int sock)
{
	int row = t->socks[sock].row;

	return row == -1 ? NULL : &t->rows[row];
}

/* Encodes s and hands it to the network layer for dst. */
static int
transport_emit(struct transport *t, const struct segment *s, const struct segment_netaddr *dst)
{
	uint8_t buf[SEGMENT_MAX_LEN];
	size_t len = segment_encode(s, &t->self, dst, buf, sizeof(buf));

	if (len == 0) {
		errno = EMSGSIZE;
		return -1;
	}
	if (t->output(t->ctx, dst, buf, len) == -1) {
		t->counters.output_errors++;
		return -1;
	}
	return 0;
}

/*
 * Sends a control segment (no payload) of type from port to dst, counted on
 * the table row of socket sock (-1: on none).
 */
static int
transport_control(struct transport *t, int type, uint16_t port,
    const struct transport_endpoint *dst, uint16_t msg_id, int sock)
{
	struct segment s = {
		.src_port = port, .dst_port = dst->port, .type = (uint8_t)type,
		.msg_id = msg_id, .index = 0, .count = 1,
	};

	if (transport_emit(t, &s, &dst->host) == -1)
		return -1;
	if (sock != -1 && t->socks[sock].row != -1)
		t->rows[t->socks[sock].row].seg_out++;
	return 0;
}

/* ---- sending: multiplexing and segmentation --------------------------- */

/*
 * Cuts the len-byte message msg into segments of at most mss payload bytes
 * and sends each from socket sock to dst.  Returns 0, or -1 with errno.
 */
static int
transport_mux(struct transport *t, int sock, const struct transport_endpoint *dst,
    const uint8_t *msg, size_t len)
{
	struct transport_row *row = transport_row_of(t, sock);
	size_t count = 1;
	struct segment s;

	memset(&s, 0, sizeof(s));
	/* TODO: segmentation: how many segments of at most mss bytes? (an empty message is one empty segment) */
	for (size_t i = 0; i < count; i++) {
		/* TODO: multiplexing: header fields (this socket's port, destination port, DATA, message id, index, count) and piece i as payload */
		if (transport_emit(t, &s, &dst->host) == -1)
			return -1;
		if (row != NULL)
			row->seg_out++;
	}
	t->next_msg_id++;
	if (row != NULL)
		row->msg_out++;
	return 0;
}

/* ---- the socket API ----------------------------------------------------- */

/* Makes a socket of kind on port with its table row.  Returns it, or -1. */
static int
transport_open(struct transport *t, enum transport_kind kind, enum transport_state state,
    uint16_t port)
{
	int sock;

	if (port == 0 && (port = demux_ephemeral(&t->demux)) == 0) {
		errno = EADDRINUSE;
		return -1;
	}
	if ((sock = transport_alloc(t)) == -1)
		return -1;
	if (demux_bind(&t->demux, port, sock) == -1)
		return -1;
	t->socks[sock].kind = kind;
	t->socks[sock].state = state;
	t->socks[sock].port = port;
	t->socks[sock].row = transport_row_for(t, port, NULL, kind, sock);
	return sock;
}

int
transport_bind(struct transport *t, uint16_t port)
{
	return transport_open(t, TRANSPORT_DGRAM, TRANSPORT_BOUND, port);
}

int
transport_listen(struct transport *t, uint16_t port)
{
	if (port == 0) {
		errno = EINVAL;
		return -1;
	}
	return transport_open(t, TRANSPORT_LISTEN, TRANSPORT_LISTENING, port);
}

int
transport_sendto(struct transport *t, int sock, const struct transport_endpoint *dst,
    const void *msg, size_t len)
{
	struct transport_sock *so = transport_sock(t, sock);

	if (so == NULL)
		return -1;
	if (so->kind != TRANSPORT_DGRAM) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (len > REASM_MAX_MESSAGE || dst->port == 0) {
		errno = len > REASM_MAX_MESSAGE ? EMSGSIZE : EINVAL;
		return -1;
	}
	return transport_mux(t, sock, dst, msg, len);
}

/* The errno a connection in state st reports, or 0 if it is usable. */
static int
transport_conn_error(enum transport_state st)
{
	switch (st) {
	case TRANSPORT_CONNECTED:
		return 0;
	case TRANSPORT_PEER_CLOSED:
		return EPIPE;
	case TRANSPORT_REFUSED:
		return ECONNREFUSED;
	case TRANSPORT_RESET:
		return ECONNRESET;
	case TRANSPORT_TIMED_OUT:
		return ETIMEDOUT;
	default:
		return ENOTCONN;
	}
}

int
transport_send(struct transport *t, int sock, const void *msg, size_t len)
{
	struct transport_sock *so = transport_sock(t, sock);

	if (so == NULL)
		return -1;
	if (so->kind != TRANSPORT_CONN) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if ((errno = transport_conn_error(so->state)) != 0)
		return -1;
	if (len > REASM_MAX_MESSAGE) {
		errno = EMSGSIZE;
		return -1;
	}
	return transport_mux(t, sock, &so->remote, msg, len);
}

/* Pops the first queued message of so into buf.  Returns its length. */
static ssize_t
transport_pop(struct transport_sock *so, void *buf, size_t cap,
    struct transport_endpoint *from)
{
	struct transport_msg *m = so->head;
	size_t n = m->len < cap ? m->len : cap;

	if (n > 0)
		memcpy(buf, m->data, n);
	if (from != NULL)
		*from = m->from;
	so->head = m->next;
	if (so->head == NULL)
		so->tail = NULL;
	so->nqueued--;
	so->queued_bytes -= m->len;
	free(m);
	return (ssize_t)n;
}

ssize_t
transport_recvfrom(struct transport *t, int sock, void *buf, size_t cap,
    struct transport_endpoint *from)
{
	struct transport_sock *so = transport_sock(t, sock);

	if (so == NULL)
		return -1;
	if (so->kind == TRANSPORT_LISTEN) {
		errno = EINVAL;
		return -1;
	}
	if (so->head != NULL)
		return transport_pop(so, buf, cap, from);
	if (so->kind == TRANSPORT_DGRAM && so->pending_err != 0) {
		errno = so->pending_err;
		so->pending_err = 0;
		if (from != NULL)
			*from = so->err_from;
		return -1;
	}
	if (so->kind == TRANSPORT_CONN && so->state == TRANSPORT_PEER_CLOSED)
		return 0;
	errno = EAGAIN;
	if (so->kind == TRANSPORT_CONN && so->state != TRANSPORT_CONNECTING &&
	    so->state != TRANSPORT_CONNECTED)
		errno = transport_conn_error(so->state);	/* refused, reset, timed out */
	return -1;
}

ssize_t
transport_recv(struct transport *t, int sock, void *buf, size_t cap)
{
	return transport_recvfrom(t, sock, buf, cap, NULL);
}

int
transport_accept(struct transport *t, int lsock, struct transport_endpoint *peer)
{
	struct transport_sock *l = transport_sock(t, lsock);
	int sock;

	if (l == NULL)
		return -1;
	if (l->kind != TRANSPORT_LISTEN) {
		errno = EINVAL;
		return -1;
	}
	if (l->naccq == 0) {
		errno = EAGAIN;
		return -1;
	}
	sock = l->accq[0];
	memmove(&l->accq[0], &l->accq[1], (size_t)--l->naccq * sizeof(l->accq[0]));
	t->socks[sock].listener = -1;
	if (peer != NULL)
		*peer = t->socks[sock].remote;
	return sock;
}

int
transport_connect(struct transport *t, const struct transport_endpoint *server,
    uint16_t local_port, long now_ms)
{
	struct demux_remote remote = transport_remote(server);
	struct transport_sock *so;
	int sock;

	if (server->port == 0) {
		errno = EINVAL;
		return -1;
	}
	if (local_port == 0 && (local_port = demux_ephemeral(&t->demux)) == 0) {
		errno = EADDRINUSE;
		return -1;
	}
	if (demux_lookup_port(&t->demux, local_port) != -1) {
		errno = EADDRINUSE;	/* a connectionless or listening socket has it */
		return -1;
	}
	if ((sock = transport_alloc(t)) == -1 ||
	    demux_connect(&t->demux, local_port, &remote, sock) == -1)
		return -1;
	so = &t->socks[sock];
	so->kind = TRANSPORT_CONN;
	so->state = TRANSPORT_CONNECTING;
	so->port = local_port;
	so->remote = *server;
	so->row = transport_row_for(t, local_port, server, TRANSPORT_CONN, sock);
	so->retry_at = now_ms + t->cfg.connect_retry_ms;
	so->deadline = now_ms + t->cfg.connect_timeout_ms;
	(void)transport_control(t, SEGMENT_CONNECT, local_port, server, 0, sock);
	return sock;
}

/* Frees socket sock: its demux entries, its queue, its slot. */
static void
transport_release(struct transport *t, int sock)
{
	struct transport_sock *so = &t->socks[sock];
	struct transport_row *row = transport_row_of(t, sock);

	demux_remove_sock(&t->demux, sock);
	transport_flush_queue(so);
	if (row != NULL && row->sock == sock)
		row->sock = -1;
	so->state = TRANSPORT_FREE;
}

int
transport_close(struct transport *t, int sock)
{
	struct transport_sock *so = transport_sock(t, sock);

	if (so == NULL)
		return -1;
	if (so->kind == TRANSPORT_LISTEN) {
		/* Connections nobody accepted are refused now. */
		for (int i = 0; i < so->naccq; i++) {
			int c = so->accq[i];

			(void)transport_control(t, SEGMENT_RESET, so->port, &t->socks[c].remote, 0, c);
			transport_release(t, c);
		}
		so->naccq = 0;
	}
	if (so->kind == TRANSPORT_CONN &&
	    (so->state == TRANSPORT_CONNECTED || so->state == TRANSPORT_CONNECTING))
		(void)transport_control(t, SEGMENT_CLOSE, so->port, &so->remote, 0, sock);
	transport_release(t, sock);
	return 0;
}

/* ---- receiving: demultiplexing and reassembly --------------------------- */

/* Queues a complete message on sock, or drops it if the queue is full. */
static void
transport_enqueue(struct transport *t, int sock, const struct transport_endpoint *from,
    struct reasm_message *msg)
{
	struct transport_sock *so = &t->socks[sock];
	struct transport_row *row = transport_row_of(t, sock);
	struct transport_msg *m;

	if (so->nqueued >= t->cfg.queue_max || so->queued_bytes + msg->len > t->cfg.queue_bytes ||
	    (m = malloc(sizeof(*m) + msg->len)) == NULL) {
		t->counters.queue_full++;
		return;
	}
	m->next = NULL;
	m->from = *from;
	m->len = msg->len;
	memcpy(m->data, msg->data, msg->len);
	if (so->tail != NULL)
		so->tail->next = m;
	else
		so->head = m;
	so->tail = m;
	so->nqueued++;
	so->queued_bytes += m->len;
	if (row != NULL)
		row->msg_in++;
}

/* Hands the DATA segment s from `from` to reassembly, and a message to sock. */
static void
transport_deliver(struct transport *t, int sock, const struct segment *s,
    const struct transport_endpoint *from, long now_ms)
{
	struct reasm_key key = { .host = from->host, .port = from->port, .msg_id = s->msg_id };
	struct reasm_message msg;

	if (reasm_add(t->reasm, &key, s, now_ms, &msg) != REASM_COMPLETE)
		return;
	transport_enqueue(t, sock, from, &msg);
	free(msg.data);
}

/* A segment for a port nobody has: count it and answer UNREACHABLE. */
static void
transport_refuse(struct transport *t, const struct segment *s,
    const struct transport_endpoint *from)
{
	int row = transport_row_for(t, s->dst_port, NULL, TRANSPORT_NONE, -1);

	t->counters.refused++;
	if (row != -1)
		t->rows[row].refused++;
	/* Never answer an error with an error, nor a goodbye. */
	if (s->type != SEGMENT_RESET && s->type != SEGMENT_CLOSE)
		(void)transport_control(t, SEGMENT_UNREACHABLE, s->dst_port, from, s->msg_id, -1);
}

/* Answers a segment that reached the wrong kind of socket with RESET. */
static void
transport_reset(struct transport *t, const struct segment *s,
    const struct transport_endpoint *from)
{
	if (s->type == SEGMENT_RESET || s->type == SEGMENT_CLOSE)
		return;
	t->counters.resets_out++;
	(void)transport_control(t, SEGMENT_RESET, s->dst_port, from, s->msg_id, -1);
}

/*
 * UNREACHABLE: a segment we sent from port s->dst_port to `from` (whose port
 * is the refused one) found no socket.  Tell the socket that sent it.
 */
static void
transport_on_unreachable(struct transport *t, const struct segment *s,
    const struct transport_endpoint *from)
{
	struct demux_remote remote = transport_remote(from);
	int sock = demux_lookup(&t->demux, s->dst_port, &remote);
	struct transport_sock *so;

	t->counters.unreachable_in++;
	if (sock == -1)
		return;
	so = &t->socks[sock];
	if (so->kind == TRANSPORT_DGRAM) {
		so->pending_err = ECONNREFUSED;
		so->err_from = *from;
	} else if (so->kind == TRANSPORT_CONN) {
		so->state = TRANSPORT_REFUSED;
		demux_remove_sock(&t->demux, sock);
	}
}

/* CONNECT at a listening socket: a new socket for this client. */
static void
transport_on_connect(struct transport *t, int lsock, const struct segment *s,
    const struct transport_endpoint *from)
{
	struct transport_sock *l = &t->socks[lsock];
	struct demux_remote remote = transport_remote(from);
	struct transport_sock *c;
	int sock;

	if (l->naccq >= t->cfg.backlog || (sock = transport_alloc(t)) == -1 ||
	    demux_connect(&t->demux, l->port, &remote, sock) == -1) {
		transport_reset(t, s, from);
		return;
	}
	c = &t->socks[sock];
	c->kind = TRANSPORT_CONN;
	c->state = TRANSPORT_CONNECTED;
	c->port = l->port;
	c->remote = *from;
	c->listener = lsock;
	c->row = transport_row_for(t, l->port, from, TRANSPORT_CONN, sock);
	l->accq[l->naccq++] = sock;
	(void)transport_control(t, SEGMENT_ACCEPT, l->port, from, 0, sock);
}

/* A segment that the 4-tuple of connection sock matched. */
static void
transport_on_conn(struct transport *t, int sock, const struct segment *s,
    const struct transport_endpoint *from, long now_ms)
{
	struct transport_sock *so = &t->socks[sock];

	switch (s->type) {
	case SEGMENT_DATA:
		if (so->state == TRANSPORT_CONNECTING)	/* its ACCEPT was late */
			so->state = TRANSPORT_CONNECTED;
		transport_deliver(t, sock, s, from, now_ms);
		break;
	case SEGMENT_ACCEPT:
		if (so->state == TRANSPORT_CONNECTING)
			so->state = TRANSPORT_CONNECTED;
		break;
	case SEGMENT_CONNECT:	/* our ACCEPT was lost: say it again */
		(void)transport_control(t, SEGMENT_ACCEPT, so->port, from, 0, sock);
		break;
	case SEGMENT_CLOSE:
	case SEGMENT_RESET:
		so->state = s->type == SEGMENT_CLOSE ? TRANSPORT_PEER_CLOSED : TRANSPORT_RESET;
		demux_remove_sock(&t->demux, sock);
		break;
	}
}

/* Hands a well-formed segment to the socket it is for (sock from demux). */
static void
transport_dispatch(struct transport *t, int sock, const struct segment *s,
    const struct transport_endpoint *from, long now_ms)
{
	struct transport_row *row = transport_row_of(t, sock);

	if (row != NULL)
		row->seg_in++;
	switch (t->socks[sock].kind) {
	case TRANSPORT_DGRAM:
		if (s->type == SEGMENT_DATA)
			transport_deliver(t, sock, s, from, now_ms);
		else
			transport_reset(t, s, from);
		break;
	case TRANSPORT_LISTEN:
		if (s->type == SEGMENT_CONNECT)
			transport_on_connect(t, sock, s, from);
		else
			transport_reset(t, s, from);
		break;
	case TRANSPORT_CONN:
		transport_on_conn(t, sock, s, from, now_ms);
		break;
	default:
		break;
	}
}

void
transport_input(struct transport *t, const uint8_t *dgram, size_t len,
    const struct segment_netaddr *src, long now_ms)
{
	struct segment s;
	enum segment_status st = segment_decode(dgram, len, src, &t->self, &s);
	struct transport_endpoint from;
	struct demux_remote remote;
	int sock;

	if (st != SEGMENT_OK) {
		if (st == SEGMENT_BAD_CHECKSUM)
			t->counters.bad_checksum++;
		else
			t->counters.malformed++;
		return;
	}
	from = (struct transport_endpoint){ .host = *src, .port = s.src_port };
	if (s.type == SEGMENT_UNREACHABLE) {
		transport_on_unreachable(t, &s, &from);
		return;
	}
	remote = transport_remote(&from);
	if ((sock = demux_lookup(&t->demux, s.dst_port, &remote)) == -1)
		transport_refuse(t, &s, &from);
	else
		transport_dispatch(t, sock, &s, &from, now_ms);
}

/* ---- timers --------------------------------------------------------------- */

void
transport_tick(struct transport *t, long now_ms)
{
	reasm_expire(t->reasm, now_ms);
	for (int i = 0; i < TRANSPORT_MAX_SOCKS; i++) {
		struct transport_sock *so = &t->socks[i];

		if (so->state != TRANSPORT_CONNECTING)
			continue;
		if (now_ms >= so->deadline) {
			so->state = TRANSPORT_TIMED_OUT;
			demux_remove_sock(&t->demux, i);
		} else if (now_ms >= so->retry_at) {
			so->retry_at = now_ms + t->cfg.connect_retry_ms;
			(void)transport_control(t, SEGMENT_CONNECT, so->port, &so->remote, 0, i);
		}
	}
}

static long
transport_min_deadline(long a, long b)
{
	if (a == -1)
		return b;
	if (b == -1)
		return a;
	return a < b ? a : b;
}

long
transport_next_deadline(const struct transport *t)
{
	long next = reasm_next_deadline(t->reasm);

	for (int i = 0; i < TRANSPORT_MAX_SOCKS; i++) {
		const struct transport_sock *so = &t->socks[i];

		if (so->state == TRANSPORT_CONNECTING)
			next = transport_min_deadline(next,
			    transport_min_deadline(so->retry_at, so->deadline));
	}
	return next;
}

/* ---- what the host program reads ---------------------------------------- */

int
transport_readable(const struct transport *t, int sock)
{
	const struct transport_sock *so;

	if (sock < 0 || sock >= TRANSPORT_MAX_SOCKS || t->socks[sock].state == TRANSPORT_FREE)
		return 0;
	so = &t->socks[sock];
	switch (so->kind) {
	case TRANSPORT_LISTEN:
		return so->naccq > 0;
	case TRANSPORT_DGRAM:
		return so->head != NULL || so->pending_err != 0;
	case TRANSPORT_CONN:
		return so->head != NULL || (so->state != TRANSPORT_CONNECTED &&
		    so->state != TRANSPORT_CONNECTING);
	default:
		return 0;
	}
}

enum transport_state
transport_state(const struct transport *t, int sock)
{
	if (sock < 0 || sock >= TRANSPORT_MAX_SOCKS)
		return TRANSPORT_FREE;
	return t->socks[sock].state;
}

uint16_t
transport_port(const struct transport *t, int sock)
{
	if (sock < 0 || sock >= TRANSPORT_MAX_SOCKS)
		return 0;
	return t->socks[sock].port;
}

const struct segment_netaddr *
transport_self(const struct transport *t)
{
	return &t->self;
}

size_t
transport_mss(const struct transport *t)
{
	return t->cfg.mss;
}

int
transport_nrows(const struct transport *t)
{
	return t->nrows;
}

const struct transport_row *
transport_row(const struct transport *t, int i)
{
	return i >= 0 && i < t->nrows ? &t->rows[i] : NULL;
}

const struct transport_counters *
transport_counters(const struct transport *t)
{
	return &t->counters;
}

const struct reasm_stats *
transport_reasm_stats(const struct transport *t)
{
	return reasm_stats(t->reasm);
}
