/*
 * rconn.c — reliable connections of one host (see rconn.h).
 *
 * Connections are slots in a fixed array, found by a linear search on the
 * 4-tuple: RCONN_MAX is small, and a fixed array means a peer's SYNs cannot
 * make the host grow.  Every event ends with rconn_flush on the connection it
 * touched, which puts out whatever its sender may send now.
 */
#include "rconn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netif.h"
#include "receiver.h"

struct rconn {
	enum rconn_state state;
	uint16_t port;
	struct rconn_endpoint peer;
	enum sender_mode mode;
	struct sender *snd;
	struct receiver *rcv;
	uint32_t peer_isn;
	int listener;			/* SYN_RCVD / OPEN not accepted: its listener */
	long syn_at, syn_rto;		/* SYN_SENT: next SYN, its timeout */
	int syn_sent;
};

struct rconn_host {
	struct segment_netaddr self;
	struct rconn_config cfg;
	rconn_output_fn output;
	void *ctx;
	struct rconn c[RCONN_MAX];
	uint16_t next_port;
};

static const char *const rconn_state_names[RCONN_STATE_COUNT] = {
	[RCONN_FREE] = "free",
	[RCONN_LISTEN] = "listen",
	[RCONN_SYN_SENT] = "syn-sent",
	[RCONN_SYN_RCVD] = "syn-received",
	[RCONN_OPEN] = "open",
	[RCONN_RESET] = "reset",
	[RCONN_TIMED_OUT] = "timed-out",
};

const char *
rconn_state_name(enum rconn_state s)
{
	return (int)s >= 0 && s < RCONN_STATE_COUNT ? rconn_state_names[s] : "unknown";
}

void
rconn_config_default(struct rconn_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = SENDER_GO_BACK_N;
	cfg->window = 8;
	cfg->mss = 256;
	cfg->sndbuf = cfg->rcvbuf = 65536;
	cfg->cc = CC_NONE;
	rtt_config_default(&cfg->rtt);
	cfg->syn_tries = 6;
}

struct rconn_host *
rconn_new(const struct segment_netaddr *self, const struct rconn_config *cfg,
    rconn_output_fn output, void *ctx)
{
	struct rconn_host *h;

	if (cfg->mss == 0 || cfg->mss > SEGMENT_MAX_PAYLOAD || cfg->syn_tries < 1 ||
	    cfg->rcvbuf == 0 || cfg->rcvbuf > UINT32_MAX) {
		errno = EINVAL;
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->self = *self;
	h->cfg = *cfg;
	h->output = output;
	h->ctx = ctx;
	h->next_port = 49152;
	return h;
}

static void
rconn_release(struct rconn *c)
{
	sender_free(c->snd);
	receiver_free(c->rcv);
	memset(c, 0, sizeof(*c));
}

void
rconn_free(struct rconn_host *h)
{
	if (h == NULL)
		return;
	for (int i = 0; i < RCONN_MAX; i++)
		rconn_release(&h->c[i]);
	free(h);
}

static int
rconn_alloc(struct rconn_host *h)
{
	for (int i = 0; i < RCONN_MAX; i++)
		if (h->c[i].state == RCONN_FREE) {
			h->c[i].listener = -1;
			return i;
		}
	errno = EMFILE;
	return -1;
}

static struct rconn *
rconn_get(struct rconn_host *h, int c)
{
	if (c < 0 || c >= RCONN_MAX || h->c[c].state == RCONN_FREE)
		return NULL;
	return &h->c[c];
}

/* Sends one segment on c: flags, seq, payload; ACK fields from its receiver. */
static void
rconn_emit(struct rconn_host *h, struct rconn *c, uint8_t flags, uint32_t seq,
    const uint8_t *payload, size_t len, const struct receiver_ack *ra)
{
	uint8_t buf[RSEG_MAX_LEN];
	struct rseg s = { .src_port = c->port, .dst_port = c->peer.port, .flags = flags,
		.mode = (uint8_t)(c->mode + 1), .seq = seq, .payload = payload,
		.payload_len = len };
	struct receiver_ack now;
	size_t n;

	if (ra == NULL && c->rcv != NULL) {
		receiver_ack(c->rcv, &now);
		ra = &now;
	}
	if (ra != NULL) {
		s.flags |= RSEG_ACK;
		s.ack = ra->ack;
		s.window = ra->window;
		if (ra->has_sack) {
			s.flags |= RSEG_SACK;
			s.sack = ra->sack;
		}
	} else {
		s.window = (uint32_t)h->cfg.rcvbuf;	/* the client's SYN */
	}
	if ((n = rseg_encode(&s, &h->self, &c->peer.host, buf, sizeof(buf))) > 0)
		(void)h->output(h->ctx, &c->peer.host, buf, n);
}

/* Puts out what c's sender may send now, and a window update if one is due. */
static void
rconn_flush(struct rconn_host *h, struct rconn *c, long now)
{
	uint8_t payload[SEGMENT_MAX_PAYLOAD];
	struct sender_seg sg;
	struct receiver_ack ra;

	if (c->state != RCONN_OPEN)
		return;
	while (sender_next(c->snd, now, &sg, payload, sizeof(payload)))
		rconn_emit(h, c, sg.fin ? RSEG_FIN : 0, sg.seq, payload, sg.len, NULL);
	if (receiver_take_update(c->rcv, &ra))
		rconn_emit(h, c, 0, sender_next_seq(c->snd), NULL, 0, &ra);
}

/* Makes c's sender and receiver; the peer's first byte is peer_isn. */
static int
rconn_ends(struct rconn_host *h, struct rconn *c, uint32_t peer_isn, uint32_t peer_window)
{
	struct sender_config sc;
	struct receiver_config rc = { .selective = c->mode == SENDER_SELECTIVE_REPEAT,
		.buf_cap = h->cfg.rcvbuf, .isn = peer_isn };

	sender_config_default(&sc, c->mode);
	sc.mss = h->cfg.mss;
	sc.window = h->cfg.window;
	sc.buf_cap = h->cfg.sndbuf;
	sc.isn = h->cfg.isn;
	sc.peer_window = peer_window;
	sc.cc = h->cfg.cc;
	sc.rtt = h->cfg.rtt;
	c->peer_isn = peer_isn;
	if ((c->snd = sender_new(&sc)) == NULL || (c->rcv = receiver_new(&rc)) == NULL)
		return -1;
	return 0;
}

/* Sends the first SYN (SYN|ACK once c has a receiver) and starts its timer. */
static void
rconn_start_syn(struct rconn_host *h, struct rconn *c, long now)
{
	c->syn_rto = h->cfg.rtt.initial_ms;
	c->syn_at = now + c->syn_rto;
	c->syn_sent = 1;
	rconn_emit(h, c, RSEG_SYN, h->cfg.isn, NULL, 0, NULL);
}

static int
rconn_port_used(const struct rconn_host *h, uint16_t port)
{
	for (int i = 0; i < RCONN_MAX; i++)
		if (h->c[i].state != RCONN_FREE && h->c[i].port == port)
			return 1;
	return 0;
}

int
rconn_listen(struct rconn_host *h, uint16_t port)
{
	int i;

	if (port == 0 || rconn_port_used(h, port)) {
		errno = port == 0 ? EINVAL : EADDRINUSE;
		return -1;
	}
	if ((i = rconn_alloc(h)) == -1)
		return -1;
	h->c[i].state = RCONN_LISTEN;
	h->c[i].port = port;
	return i;
}

/* A free ephemeral port (49152..65535), or 0. */
static uint16_t
rconn_ephemeral(struct rconn_host *h)
{
	for (int tries = 0; tries < 16384; tries++) {
		uint16_t p = h->next_port;

		h->next_port = p == 65535 ? 49152 : (uint16_t)(p + 1);
		if (!rconn_port_used(h, p))
			return p;
	}
	return 0;
}

int
rconn_connect(struct rconn_host *h, const struct rconn_endpoint *server,
    uint16_t local_port, long now_ms)
{
	struct rconn *c;
	int i;

	if (local_port == 0 && (local_port = rconn_ephemeral(h)) == 0) {
		errno = EADDRINUSE;
		return -1;
	}
	if ((i = rconn_alloc(h)) == -1)
		return -1;
	c = &h->c[i];
	c->state = RCONN_SYN_SENT;
	c->port = local_port;
	c->peer = *server;
	c->mode = h->cfg.mode;
	rconn_start_syn(h, c, now_ms);
	return i;
}

int
rconn_accept(struct rconn_host *h, int lc, struct rconn_endpoint *peer)
{
	struct rconn *l = rconn_get(h, lc);

	if (l == NULL || l->state != RCONN_LISTEN) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < RCONN_MAX; i++)
		if (h->c[i].listener == lc && h->c[i].state != RCONN_FREE &&
		    h->c[i].state != RCONN_SYN_RCVD) {
			h->c[i].listener = -1;
			if (peer != NULL)
				*peer = h->c[i].peer;
			return i;
		}
	errno = EAGAIN;
	return -1;
}

/* c if it is open for data, else NULL with errno set. */
static struct rconn *
rconn_open(struct rconn_host *h, int ci)
{
	struct rconn *c = rconn_get(h, ci);

	if (c == NULL || c->state == RCONN_LISTEN) {
		errno = EBADF;
		return NULL;
	}
	if (c->state != RCONN_OPEN) {
		errno = c->state == RCONN_RESET ? ECONNRESET :
		    c->state == RCONN_TIMED_OUT ? ETIMEDOUT : ENOTCONN;
		return NULL;
	}
	return c;
}

ssize_t
rconn_send(struct rconn_host *h, int ci, const void *data, size_t len, long now_ms)
{
	struct rconn *c = rconn_open(h, ci);
	ssize_t n;

	if (c == NULL)
		return -1;
	if ((n = sender_write(c->snd, data, len)) > 0)
		rconn_flush(h, c, now_ms);
	return n;
}

ssize_t
rconn_recv(struct rconn_host *h, int ci, void *buf, size_t cap, long now_ms)
{
	struct rconn *c = rconn_open(h, ci);
	size_t n;

	if (c == NULL)
		return -1;
	n = receiver_read(c->rcv, buf, cap);
	rconn_flush(h, c, now_ms);
	return (ssize_t)n;
}

int
rconn_shutdown(struct rconn_host *h, int ci, long now_ms)
{
	struct rconn *c = rconn_open(h, ci);

	if (c == NULL)
		return -1;
	sender_shutdown(c->snd);
	rconn_flush(h, c, now_ms);
	return 0;
}

void
rconn_close(struct rconn_host *h, int ci)
{
	struct rconn *c = rconn_get(h, ci);

	if (c == NULL)
		return;
	if ((c->state == RCONN_OPEN || c->state == RCONN_SYN_RCVD) && !rconn_done(h, ci))
		rconn_emit(h, c, RSEG_RST, sender_next_seq(c->snd), NULL, 0, NULL);
	for (int i = 0; i < RCONN_MAX; i++)
		if (h->c[i].state != RCONN_FREE && h->c[i].listener == ci)
			rconn_close(h, i);	/* a listener's unaccepted connections */
	rconn_release(c);
}

int
rconn_eof(const struct rconn_host *h, int ci)
{
	return ci >= 0 && ci < RCONN_MAX && h->c[ci].rcv != NULL &&
	    receiver_eof(h->c[ci].rcv);
}

int
rconn_done(const struct rconn_host *h, int ci)
{
	return rconn_eof(h, ci) && h->c[ci].snd != NULL && sender_done(h->c[ci].snd);
}

enum rconn_state
rconn_state(const struct rconn_host *h, int ci)
{
	return ci >= 0 && ci < RCONN_MAX ? h->c[ci].state : RCONN_FREE;
}

const struct sender *
rconn_sender(const struct rconn_host *h, int ci)
{
	return ci >= 0 && ci < RCONN_MAX ? h->c[ci].snd : NULL;
}

/* The connection for this 4-tuple, else the listener on port, else -1. */
static int
rconn_find(const struct rconn_host *h, uint16_t port, const struct segment_netaddr *src,
    uint16_t src_port)
{
	int listener = -1;

	for (int i = 0; i < RCONN_MAX; i++) {
		const struct rconn *c = &h->c[i];

		if (c->state == RCONN_FREE || c->port != port)
			continue;
		if (c->state == RCONN_LISTEN)
			listener = i;
		else if (c->peer.port == src_port && netif_same_addr(&c->peer.host, src))
			return i;
	}
	return listener;
}

/* Answers a segment nobody wants with RST (never a RST: no ping-pong). */
static void
rconn_refuse(struct rconn_host *h, const struct rseg *s, const struct segment_netaddr *src)
{
	struct rconn tmp = { .port = s->dst_port, .mode = (enum sender_mode)(s->mode - 1) };

	if (s->flags & RSEG_RST)
		return;
	tmp.peer.host = *src;
	tmp.peer.port = s->src_port;
	rconn_emit(h, &tmp, RSEG_RST, s->ack, NULL, 0, NULL);
}

/* A SYN reached listener lc: a new connection, answered with SYN|ACK. */
static void
rconn_on_syn(struct rconn_host *h, int lc, const struct rseg *s,
    const struct segment_netaddr *src, long now)
{
	struct rconn *c;
	int i;

	if ((i = rconn_alloc(h)) == -1)
		return;		/* full: the client will try again */
	c = &h->c[i];
	c->state = RCONN_SYN_RCVD;
	c->port = s->dst_port;
	c->peer.host = *src;
	c->peer.port = s->src_port;
	c->mode = (enum sender_mode)(s->mode - 1);
	c->listener = lc;
	if (rconn_ends(h, c, s->seq, s->window) == -1) {
		rconn_release(c);
		return;
	}
	rconn_start_syn(h, c, now);
}

/* Data, FIN and ACK on an open connection. */
static void
rconn_on_data(struct rconn_host *h, struct rconn *c, const struct rseg *s, long now)
{
	struct sender_ack a = { .ack = s->ack, .window = s->window,
		.has_sack = (s->flags & RSEG_SACK) != 0, .sack = s->sack };
	struct receiver_ack ra;

	if (s->flags & RSEG_ACK)
		sender_on_ack(c->snd, &a, now);
	if (s->payload_len > 0 || (s->flags & RSEG_FIN)) {
		receiver_input(c->rcv, s->seq, s->payload, s->payload_len,
		    (s->flags & RSEG_FIN) != 0, &ra);
		rconn_emit(h, c, 0, sender_next_seq(c->snd), NULL, 0, &ra);
	}
}

/* A segment for connection c (not a listener), by state. */
static void
rconn_on_segment(struct rconn_host *h, struct rconn *c, const struct rseg *s, long now)
{
	int syn = (s->flags & RSEG_SYN) != 0, ack = (s->flags & RSEG_ACK) != 0;

	if (s->flags & RSEG_RST) {
		c->state = RCONN_RESET;
		return;
	}
	switch (c->state) {
	case RCONN_SYN_SENT:
		if (!syn || !ack || s->ack != h->cfg.isn || rconn_ends(h, c, s->seq, s->window))
			return;
		c->state = RCONN_OPEN;
		rconn_emit(h, c, 0, h->cfg.isn, NULL, 0, NULL);
		break;
	case RCONN_SYN_RCVD:
		if (syn || !ack)
			return;	/* a lost SYN|ACK is our timer's business */
		c->state = RCONN_OPEN;
		rconn_on_data(h, c, s, now);
		break;
	case RCONN_OPEN:
		if (syn && ack)	/* our handshake ACK was lost: again */
			rconn_emit(h, c, 0, h->cfg.isn, NULL, 0, NULL);
		else if (!syn)
			rconn_on_data(h, c, s, now);
		break;
	default:
		return;
	}
	rconn_flush(h, c, now);
}

void
rconn_input(struct rconn_host *h, const uint8_t *dgram, size_t len,
    const struct segment_netaddr *src, long now_ms)
{
	struct rseg s;
	int i;

	if (rseg_decode(dgram, len, src, &h->self, &s) != RSEG_OK)
		return;
	i = rconn_find(h, s.dst_port, src, s.src_port);
	if (i == -1) {
		rconn_refuse(h, &s, src);
		return;
	}
	if (h->c[i].state != RCONN_LISTEN)
		rconn_on_segment(h, &h->c[i], &s, now_ms);
	else if ((s.flags & (RSEG_SYN | RSEG_ACK | RSEG_RST)) == RSEG_SYN)
		rconn_on_syn(h, i, &s, src, now_ms);
	else
		rconn_refuse(h, &s, src);
}

/*
 * SYN_SENT, SYN_RCVD: sends the SYN (or SYN|ACK) again with backoff, or gives
 * up: a client's connection times out, a server's half-open one is forgotten.
 */
static void
rconn_retry_syn(struct rconn_host *h, struct rconn *c, long now)
{
	if (now < c->syn_at)
		return;
	if (c->syn_sent >= h->cfg.syn_tries) {
		if (c->state == RCONN_SYN_RCVD)
			rconn_release(c);
		else
			c->state = RCONN_TIMED_OUT;
		return;
	}
	c->syn_rto = c->syn_rto * 2 > h->cfg.rtt.max_ms ? h->cfg.rtt.max_ms : c->syn_rto * 2;
	c->syn_at = now + c->syn_rto;
	c->syn_sent++;
	rconn_emit(h, c, RSEG_SYN, h->cfg.isn, NULL, 0, NULL);
}

void
rconn_tick(struct rconn_host *h, long now_ms)
{
	for (int i = 0; i < RCONN_MAX; i++) {
		struct rconn *c = &h->c[i];

		if (c->state == RCONN_SYN_SENT || c->state == RCONN_SYN_RCVD)
			rconn_retry_syn(h, c, now_ms);
		else if (c->state == RCONN_OPEN) {
			sender_tick(c->snd, now_ms);
			rconn_flush(h, c, now_ms);
		}
	}
}

long
rconn_next_deadline(const struct rconn_host *h)
{
	long d = -1, t;

	for (int i = 0; i < RCONN_MAX; i++) {
		const struct rconn *c = &h->c[i];

		t = c->state == RCONN_SYN_SENT || c->state == RCONN_SYN_RCVD ? c->syn_at :
		    c->state == RCONN_OPEN ? sender_next_deadline(c->snd) : -1;
		if (t != -1 && (d == -1 || t < d))
			d = t;
	}
	return d;
}
