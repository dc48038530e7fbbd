/*
 * btfake.c — see btfake.h.  One connection per fake; the message parser
 * (btfake_parse, free of sockets and state, so it is fuzzed alone) checks
 * each message's length against its type before reading the payload, and
 * the connection is dropped on anything malformed, like a real peer.
 */
#include "btfake.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netio.h"
#include "sandbox.h"

#define BTFAKE_HANDSHAKE 68
#define BTFAKE_MAX_MSG (1 << 17)
#define BTFAKE_MAX_QUEUE 4096

enum { MSG_CHOKE, MSG_UNCHOKE, MSG_INTERESTED, MSG_NOT_INTERESTED, MSG_HAVE, MSG_BITFIELD,
	MSG_REQUEST, MSG_PIECE, MSG_CANCEL };

static const char pstr[] = "\x13" "BitTorrent protocol";

int
btfake_init(struct btfake *f, const char *name, const uint8_t info_hash[20], uint32_t npieces,
    uint32_t piece_len, uint64_t total_len, const uint8_t *data)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	memcpy(f->info_hash, info_hash, 20);
	f->npieces = npieces;
	f->piece_len = piece_len;
	f->total_len = total_len;
	f->data = data;
	f->lfd = f->fd = -1;
	f->student_chokes_us = 1;
	strbuf_init(&f->in);
	strbuf_init(&f->out);
	return (f->has = calloc(npieces ? npieces : 1, 1)) == NULL ? -1 : 0;
}

void
btfake_free(struct btfake *f)
{
	if (f->lfd != -1)
		close(f->lfd);
	if (f->fd != -1)
		close(f->fd);
	strbuf_free(&f->in);
	strbuf_free(&f->out);
	free(f->has);
	free(f->queue);
	free(f->ev);
	f->lfd = f->fd = -1;
}

int
btfake_listen(struct btfake *f)
{
	if ((f->lfd = netio_bind("127.0.0.1", "0", SOCK_STREAM)) == -1)
		return -1;
	return f->port = netio_local_port(f->lfd);
}

static void
record(struct btfake *f, enum btfake_ev kind, uint32_t piece, long now)
{
	if (f->nev == f->capev) {
		size_t ncap = f->capev ? f->capev * 2 : 256;
		struct btfake_event *ne = realloc(f->ev, ncap * sizeof(*ne));

		if (ne == NULL)
			return;
		f->ev = ne;
		f->capev = ncap;
	}
	f->ev[f->nev++] = (struct btfake_event){ .ms = now, .kind = kind, .piece = piece };
}

/* Records an event about one block. */
static void
record_block(struct btfake *f, enum btfake_ev kind, uint32_t piece, uint32_t begin, long now)
{
	size_t n = f->nev;

	record(f, kind, piece, now);
	if (f->nev > n)
		f->ev[n].begin = begin;
}

static void
be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void
put32(struct strbuf *sb, uint32_t v)
{
	unsigned char b[4];

	be32(b, v);
	strbuf_append(sb, b, 4);
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Queues a message of type id with payload (n bytes). */
static void
send_msg(struct btfake *f, int id, const void *payload, size_t n)
{
	unsigned char c = (unsigned char)id;

	put32(&f->out, (uint32_t)(n + 1));
	strbuf_append(&f->out, &c, 1);
	strbuf_append(&f->out, payload, n);
}

/* Our handshake, bitfield and opening state, once the student's handshake is in. */
static void
greet(struct btfake *f)
{
	size_t nbytes = (f->npieces + 7) / 8;
	unsigned char *bits = calloc(nbytes ? nbytes : 1, 1);
	uint8_t peer_id[20] = "-GR0001-";

	strbuf_append(&f->out, pstr, 20);
	strbuf_append(&f->out, "\0\0\0\0\0\0\0\0", 8);
	strbuf_append(&f->out, f->info_hash, 20);
	memcpy(peer_id + 8, f->name, strlen(f->name) < 12 ? strlen(f->name) : 12);
	strbuf_append(&f->out, peer_id, 20);
	for (uint32_t i = 0; bits && i < f->npieces; i++)
		if (f->has[i])
			bits[i / 8] |= (unsigned char)(0x80 >> (i % 8));
	if (bits != NULL && f->spare_bit && f->npieces % 8 != 0)
		bits[nbytes - 1] |= 1;
	if (bits != NULL)
		send_msg(f, MSG_BITFIELD, bits, nbytes);
	free(bits);
	if (f->unchoke)
		send_msg(f, MSG_UNCHOKE, NULL, 0);
	if (f->interested)
		send_msg(f, MSG_INTERESTED, NULL, 0);
	if (f->after_greet != NULL)
		strbuf_append(&f->out, f->after_greet, f->after_greet_len);
}

static uint32_t
piece_size(const struct btfake *f, uint32_t index)
{
	uint64_t start = (uint64_t)index * f->piece_len;
	uint64_t left = f->total_len - start;

	return left < f->piece_len ? (uint32_t)left : f->piece_len;
}

/* A request from the student: record it and queue it if we can serve it. */
static void
on_request(struct btfake *f, const unsigned char *p, long now)
{
	struct btfake_req r = { get32(p), get32(p + 4), get32(p + 8) };

	if (r.index >= f->npieces)
		return;
	record_block(f, BTFAKE_REQUEST, r.index, r.begin, now);
	if ((f->may_serve != NULL && !f->may_serve(f->may_serve_ctx, f, &r)) || !f->unchoke || !f->has[r.index] || r.length == 0 || r.length > 16384 ||
	    (uint64_t)r.begin + r.length > piece_size(f, r.index) || f->nqueue == BTFAKE_MAX_QUEUE)
		return;
	if (f->nqueue == f->capqueue) {
		size_t ncap = f->capqueue ? f->capqueue * 2 : 64;
		struct btfake_req *nq = realloc(f->queue, ncap * sizeof(*nq));

		if (nq == NULL)
			return;
		f->queue = nq;
		f->capqueue = ncap;
	}
	f->queue[f->nqueue++] = r;
}

static void
on_cancel(struct btfake *f, const unsigned char *p, long now)
{
	uint32_t index = get32(p), begin = get32(p + 4);

	record_block(f, BTFAKE_CANCEL, index, begin, now);
	for (size_t i = 0; i < f->nqueue; i++) {
		if (f->queue[i].index == index && f->queue[i].begin == begin) {
			memmove(&f->queue[i], &f->queue[i + 1], (f->nqueue - i - 1) * sizeof(*f->queue));
			f->nqueue--;
			return;
		}
	}
}

/* Whether a message of type id may have length len (id included). */
static int
length_ok(uint32_t npieces, int id, uint32_t len)
{
	switch (id) {
	case MSG_CHOKE: case MSG_UNCHOKE: case MSG_INTERESTED: case MSG_NOT_INTERESTED:
		return len == 1;
	case MSG_HAVE:
		return len == 5;
	case MSG_BITFIELD:
		return len == 1 + (npieces + 7) / 8;
	case MSG_REQUEST: case MSG_CANCEL:
		return len == 13;
	case MSG_PIECE:
		return len > 9 && len <= 9 + 16384;
	default:
		return len <= BTFAKE_MAX_MSG;	/* extensions: skipped */
	}
}

long
btfake_parse(const uint8_t *buf, size_t n, int handshake, uint32_t npieces,
    const uint8_t info_hash[20], struct btfake_msg *m)
{
	uint32_t len;

	if (handshake) {
		if (n < BTFAKE_HANDSHAKE)
			return 0;
		if (memcmp(buf, pstr, 20) != 0 || memcmp(buf + 28, info_hash, 20) != 0)
			return -1;
		*m = (struct btfake_msg){ BTFAKE_HANDSHAKE_ID, BTFAKE_HANDSHAKE, buf + 20 };
		return BTFAKE_HANDSHAKE;
	}
	if (n < 4)
		return 0;
	if ((len = get32(buf)) > BTFAKE_MAX_MSG)
		return -1;
	if (n < 4 + (size_t)len)
		return 0;
	if (len == 0) {
		*m = (struct btfake_msg){ BTFAKE_KEEPALIVE_ID, 0, NULL };
		return 4;
	}
	if (!length_ok(npieces, buf[4], len))
		return -1;
	*m = (struct btfake_msg){ buf[4], len, buf + 5 };
	return 4 + (long)len;
}

int
btfake_feed(struct btfake *f, const void *buf, size_t n, long now)
{
	struct btfake_msg m;
	long used;

	strbuf_append(&f->in, buf, n);
	while ((used = btfake_parse((const uint8_t *)f->in.data, f->in.len, !f->got_handshake,
	    f->npieces, f->info_hash, &m)) > 0) {
		if (m.id == BTFAKE_HANDSHAKE_ID) {
			f->got_handshake = 1;
			greet(f);
		} else if (m.id == MSG_CHOKE || m.id == MSG_UNCHOKE) {
			f->student_chokes_us = m.id == MSG_CHOKE;
			f->take_out = f->student_chokes_us ? 0 : f->take_out;
			record(f, m.id == MSG_CHOKE ? BTFAKE_CHOKE : BTFAKE_UNCHOKE, 0, now);
		} else if (m.id == MSG_REQUEST) {
			on_request(f, m.payload, now);
		} else if (m.id == MSG_CANCEL) {
			on_cancel(f, m.payload, now);
		} else if (m.id == MSG_PIECE) {
			record(f, BTFAKE_PIECE_GOT, get32(m.payload), now);
			f->take_out -= f->take_out > 0;
		}
		strbuf_consume(&f->in, (size_t)used);
	}
	return used == -1 ? -1 : 0;
}

/* Answers the oldest queued request if its time has come. */
static void
serve(struct btfake *f, long now)
{
	unsigned char hdr[8];
	struct btfake_req r;
	uint64_t off;

	if (f->nqueue == 0 || now < f->next_serve_ms || f->out.len > 65536)
		return;
	r = f->queue[0];
	memmove(&f->queue[0], &f->queue[1], (f->nqueue - 1) * sizeof(*f->queue));
	f->nqueue--;
	off = (uint64_t)r.index * f->piece_len + r.begin;
	be32(hdr, r.index);
	be32(hdr + 4, r.begin);
	put32(&f->out, 9 + r.length);
	strbuf_append(&f->out, "\x07", 1);
	strbuf_append(&f->out, hdr, 8);
	if (f->lie) {
		size_t at = f->out.len;

		strbuf_append(&f->out, f->data + off, r.length);
		if (f->out.len == at + r.length)
			f->out.data[at + r.length / 2] ^= 0x5a;
	} else {
		strbuf_append(&f->out, f->data + off, r.length);
	}
	record_block(f, BTFAKE_PIECE_SENT, r.index, r.begin, now);
	f->next_serve_ms = now + f->serve_gap_ms;
}

void
btfake_want(struct btfake *f, struct pollfd pfd[2], long now, long *wait_ms)
{
	pfd[0] = (struct pollfd){ .fd = f->fd == -1 && !f->closed ? f->lfd : -1, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = f->fd, .events = POLLIN };
	if (f->fd == -1)
		return;
	if (f->out.len > 0)
		pfd[1].events |= POLLOUT;
	if (f->take_gap_ms > 0 && !f->student_chokes_us && f->take_out < BTFAKE_TAKE_DEPTH &&
	    f->next_take_ms - now < *wait_ms)
		*wait_ms = f->next_take_ms > now ? f->next_take_ms - now : 0;
	if (f->nqueue > 0 && f->out.len <= 65536) {
		long w = f->next_serve_ms > now ? f->next_serve_ms - now : 0;

		if (w < *wait_ms)
			*wait_ms = w;
	}
}

static void
drop(struct btfake *f)
{
	close(f->fd);
	f->fd = -1;
	f->closed = 1;
	f->nqueue = 0;
}

/* Reads what the student sent and feeds it in.  Returns 0, or -1 when the
 * connection was dropped (closed by the student, or a bad message). */
static int
receive(struct btfake *f, long now)
{
	char buf[65536];
	ssize_t n = recv(f->fd, buf, sizeof(buf), 0);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		f->student_closed = 1;
		drop(f);
		return -1;
	}
	if (btfake_feed(f, buf, n > 0 ? (size_t)n : 0, now) == -1) {
		drop(f);
		return -1;
	}
	return 0;
}

void
btfake_io(struct btfake *f, const struct pollfd pfd[2], long now)
{
	ssize_t n;

	if (pfd[0].fd != -1 && (pfd[0].revents & POLLIN) &&
	    (f->fd = accept(f->lfd, NULL, NULL)) != -1)
		netio_nonblock(f->fd);
	if (f->fd == -1 || pfd[1].fd == -1)
		return;
	if ((pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) && receive(f, now) == -1)
		return;
	serve(f, now);
	btfake_take(f, now);
	if (f->out.len > 0) {
		n = send(f->fd, f->out.data, f->out.len, MSG_NOSIGNAL);
		if (n > 0)
			strbuf_consume(&f->out, (size_t)n);
		else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			f->student_closed = errno == EPIPE || errno == ECONNRESET;
			drop(f);
		}
	}
}

#define BTFAKE_MAX_FAKES 32

void
btfake_run(struct btfake **fakes, size_t n, long until_ms)
{
	struct pollfd pfd[2 * BTFAKE_MAX_FAKES];

	if (n > BTFAKE_MAX_FAKES)
		n = BTFAKE_MAX_FAKES;
	for (;;) {
		long now = sandbox_now_ms(), wait = until_ms - now;

		if (wait <= 0)
			return;
		if (wait > 100)
			wait = 100;
		for (size_t i = 0; i < n; i++)
			btfake_want(fakes[i], &pfd[2 * i], now, &wait);
		sandbox_poll(pfd, 2 * n, (int)wait);
		now = sandbox_now_ms();
		for (size_t i = 0; i < n; i++)
			btfake_io(fakes[i], &pfd[2 * i], now);
	}
}

void
btfake_unchoke(struct btfake *f)
{
	if (f->unchoke)
		return;
	f->unchoke = 1;
	if (f->got_handshake)
		send_msg(f, MSG_UNCHOKE, NULL, 0);
}

void
btfake_interest(struct btfake *f, int interested)
{
	if (f->interested == interested)
		return;
	f->interested = interested;
	if (f->got_handshake && !f->closed)
		send_msg(f, interested ? MSG_INTERESTED : MSG_NOT_INTERESTED, NULL, 0);
}

int
btfake_unchoked_at(const struct btfake *f, long ms)
{
	int unchoked = 0;

	for (size_t i = 0; i < f->nev && f->ev[i].ms <= ms; i++) {
		if (f->ev[i].kind == BTFAKE_UNCHOKE)
			unchoked = 1;
		else if (f->ev[i].kind == BTFAKE_CHOKE)
			unchoked = 0;
	}
	return unchoked && !f->closed;
}

void
btfake_take(struct btfake *f, long now)
{
	unsigned char req[12];
	uint32_t i;

	if (f->take_gap_ms <= 0 || !f->got_handshake || f->student_chokes_us ||
	    f->take_out >= BTFAKE_TAKE_DEPTH || now < f->next_take_ms)
		return;
	for (i = 0; i < f->npieces && f->has[(f->take_next + i) % f->npieces]; i++)
		;
	if (i == f->npieces)
		return;		/* nothing to ask */
	i = (f->take_next + i) % f->npieces;
	be32(req, i);
	be32(req + 4, 0);
	be32(req + 8, piece_size(f, i) < 16384 ? piece_size(f, i) : 16384);
	send_msg(f, MSG_REQUEST, req, sizeof(req));
	f->take_next = i + 1;
	f->take_out++;
	f->next_take_ms = now + f->take_gap_ms;
}
