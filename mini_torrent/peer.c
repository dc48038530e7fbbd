/*
 * peer.c — a neighbour's state and buffers (see peer.h).
 *
 * The output buffer grows as needed (the session bounds how much block data
 * it queues); blocks are not in it but file spans between its bytes, sent
 * from the file (xfer.h), so the output is the buffer and the span list
 * read in order: p->out_in and p->out_gone count the buffer's bytes ever
 * committed and sent, and each span says after how many it goes.  The
 * input buffer has a fixed size, large enough for the longest message the
 * parser accepts, and is compacted when its free tail gets short.
 */
#include "peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytebuf.h"

static uint64_t peer_serial;

void
peer_format_addr(const struct sockaddr *sa, char *buf, size_t cap)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		port = ntohs(s4->sin_port);
		snprintf(buf, cap, "%s:%u", host, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		port = ntohs(s6->sin6_port);
		snprintf(buf, cap, "[%s]:%u", host, port);
	} else {
		snprintf(buf, cap, "?");
	}
}

struct peer *
peer_new(int fd, const struct sockaddr *addr, socklen_t len, int outgoing,
    uint32_t npieces, int64_t now, int64_t window_ms)
{
	struct peer *p = calloc(1, sizeof(*p));
	size_t incap = PEER_IN_CAP;

	if (p == NULL)
		return NULL;
	p->fd = fd;
	p->id = ++peer_serial;
	if (len > sizeof(p->addr))
		len = sizeof(p->addr);
	memcpy(&p->addr, addr, len);
	p->addr_len = len;
	peer_format_addr(addr, p->name, sizeof(p->name));
	p->outgoing = outgoing;
	p->state = outgoing ? PEER_CONNECTING : PEER_HANDSHAKE;
	p->am_choking = p->peer_choking = 1;
	wire_parser_init(&p->parser, npieces, 1);
	if (p->parser.max_len + 64 > incap)
		incap = p->parser.max_len + 64;
	p->in.data = malloc(incap);
	p->in.cap = incap;
	p->reqs.r = malloc(PEER_MAX_REQS * sizeof(*p->reqs.r));
	p->reqs.cap = PEER_MAX_REQS;
	p->queue.r = malloc(PEER_MAX_QUEUE * sizeof(*p->queue.r));
	p->queue.cap = PEER_MAX_QUEUE;
	if (p->in.data == NULL || p->reqs.r == NULL || p->queue.r == NULL ||
	    bitfield_init(&p->has, npieces) < 0) {
		peer_free(p);
		return NULL;
	}
	p->depth = 16;
	rate_init(&p->down, window_ms, now);
	rate_init(&p->up, window_ms, now);
	p->connected_ms = p->last_recv_ms = p->last_send_ms = now;
	p->last_block_ms = now;
	return p;
}

void
peer_free(struct peer *p)
{
	if (p == NULL)
		return;
	free(p->in.data);
	free(p->out.data);
	free(p->spans.s);
	free(p->reqs.r);
	free(p->queue.r);
	bitfield_free(&p->has);
	free(p);
}

uint8_t *
peer_out_reserve(struct peer *p, size_t n)
{
	struct peer_buf *b = &p->out;

	if (b->start == b->end)
		b->start = b->end = 0;
	if (b->cap - b->end < n && b->start > 0) {
		memmove(b->data, b->data + b->start, b->end - b->start);
		b->end -= b->start;
		b->start = 0;
	}
	if (b->cap - b->end < n) {
		uint8_t *nd = bytebuf_grow(b->data, &b->cap, b->end, n, 4096);

		if (nd == NULL)
			return NULL;
		b->data = nd;
	}
	return b->data + b->end;
}

void
peer_out_commit(struct peer *p, size_t n)
{
	p->out.end += n;
	p->out_in += n;
}

int
peer_out_file(struct peer *p, uint64_t off, size_t len)
{
	struct peer_spans *l = &p->spans;

	if (len == 0)
		return 0;
	if (l->end == l->cap && l->head > 0) {
		memmove(l->s, l->s + l->head, (l->end - l->head) * sizeof(*l->s));
		l->end -= l->head;
		l->head = 0;
	}
	if (l->end == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		struct peer_span *ns = realloc(l->s, ncap * sizeof(*ns));

		if (ns == NULL)
			return -1;
		l->s = ns;
		l->cap = ncap;
	}
	l->s[l->end++] = (struct peer_span){ p->out_in, off, len };
	p->span_bytes += len;
	return 0;
}

int
peer_send(struct peer *p, const struct wire_msg *m)
{
	size_t need = (m->type == WIRE_HANDSHAKE ? WIRE_HANDSHAKE_LEN : 17) +
	    m->data_len;
	uint8_t *dst = peer_out_reserve(p, need);
	size_t n;

	if (dst == NULL || (n = wire_encode(m, dst, need)) == 0)
		return -1;
	peer_out_commit(p, n);
	return 0;
}

size_t
peer_out_pending(const struct peer *p)
{
	return p->out.end - p->out.start + p->span_bytes;
}

size_t
peer_out_next(const struct peer *p, const uint8_t **data, uint64_t *off,
    int *more)
{
	const struct peer_spans *l = &p->spans;
	size_t n = p->out.end - p->out.start;

	if (l->head < l->end && l->s[l->head].at == p->out_gone) {
		*data = NULL;
		*off = l->s[l->head].off;
		n = l->s[l->head].len;
	} else {
		*data = p->out.data + p->out.start;
		if (l->head < l->end && l->s[l->head].at - p->out_gone < n)
			n = (size_t)(l->s[l->head].at - p->out_gone);
	}
	*more = n < peer_out_pending(p);
	return n;
}

void
peer_out_consumed(struct peer *p, size_t n)
{
	struct peer_spans *l = &p->spans;

	while (n > 0) {
		const uint8_t *data;
		uint64_t off;
		int more;
		size_t k = peer_out_next(p, &data, &off, &more);

		k = k < n ? k : n;
		if (k == 0)
			break;		/* n was more than is pending */
		if (data == NULL) {
			l->s[l->head].off += k;
			l->s[l->head].len -= k;
			p->span_bytes -= k;
			if (l->s[l->head].len == 0 && ++l->head == l->end)
				l->head = l->end = 0;
		} else {
			p->out.start += k;
			p->out_gone += k;
		}
		n -= k;
	}
	if (p->out.start == p->out.end)
		p->out.start = p->out.end = 0;
}

uint8_t *
peer_in_space(struct peer *p, size_t *room)
{
	struct peer_buf *b = &p->in;

	/* Compact when the tail cannot hold a whole block message. */
	if (b->start > 0 && b->cap - b->end < WIRE_BLOCK_LEN + WIRE_PIECE_HDR) {
		memmove(b->data, b->data + b->start, b->end - b->start);
		b->end -= b->start;
		b->start = 0;
	}
	*room = b->cap - b->end;
	return b->data + b->end;
}

void
peer_in_added(struct peer *p, size_t n)
{
	p->in.end += n;
}

size_t
peer_in_need(const struct peer *p)
{
	const uint8_t *b = p->in.data + p->in.start;
	size_t have = p->in.end - p->in.start;
	uint32_t len;

	if (p->parser.state != WIRE_S_MESSAGE || have < 4)
		return 0;
	len = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	return len <= p->parser.max_len && 4 + (size_t)len > have ?
	    4 + (size_t)len - have : 0;
}

size_t
peer_in_unplan(struct peer *p, const struct peer_rx *rx, size_t from,
    size_t n)
{
	size_t slots = 0, at = 0, moved;
	uint8_t *in = p->in.data + p->in.end;

	for (unsigned j = 0; j < rx->nslots; j++)
		slots += rx->len[j];
	moved = (n < slots ? n : slots) - from;
	if (n > slots)
		memmove(in + moved, in, n - slots);
	for (unsigned j = 0; j < rx->nslots && at < n; j++) {
		size_t lo = from > at ? from - at : 0;
		size_t hi = n - at < rx->len[j] ? n - at : rx->len[j];

		if (lo < hi) {
			memcpy(in, rx->at[j] + lo, hi - lo);
			in += hi - lo;
		}
		at += rx->len[j];
	}
	return moved + (n > slots ? n - slots : 0);
}

size_t
peer_list_len(const struct peer_list *l)
{
	return l->end - l->head;
}

struct peer_req *
peer_list_at(const struct peer_list *l, size_t i)
{
	return &l->r[l->head + i];
}

long
peer_list_find(const struct peer_list *l, uint32_t piece, uint32_t begin,
    uint32_t length)
{
	for (size_t i = l->head; i < l->end; i++)
		if (l->r[i].piece == piece && l->r[i].begin == begin &&
		    (length == 0 || l->r[i].length == length))
			return (long)(i - l->head);
	return -1;
}

void
peer_list_remove(struct peer_list *l, size_t i)
{
	if (i == 0)
		l->head++;
	else {
		memmove(&l->r[l->head + i], &l->r[l->head + i + 1],
		    (l->end - l->head - i - 1) * sizeof(l->r[0]));
		l->end--;
	}
	if (l->head == l->end)
		l->head = l->end = 0;
}

void
peer_list_remove_match(struct peer_list *l, uint32_t piece, uint32_t begin,
    uint32_t length)
{
	long i = peer_list_find(l, piece, begin, length);

	if (i >= 0)
		peer_list_remove(l, (size_t)i);
}

int
peer_list_push(struct peer_list *l, uint32_t piece, uint32_t begin,
    uint32_t length, int64_t now)
{
	if (l->end == l->cap) {
		if (l->head == 0)
			return -1;
		memmove(l->r, l->r + l->head,
		    (l->end - l->head) * sizeof(l->r[0]));
		l->end -= l->head;
		l->head = 0;
	}
	l->r[l->end++] = (struct peer_req){ piece, begin, length, now };
	return 0;
}

void
peer_list_clear(struct peer_list *l)
{
	l->head = l->end = 0;
}

const char *
peer_end_name(enum peer_end end)
{
	static const char *const names[PEER_END_COUNT] = {
		[PEER_END_NONE] = "open",
		[PEER_END_CLOSED] = "closed by peer",
		[PEER_END_SOCKET] = "socket error",
		[PEER_END_LEAVING] = "we are leaving",
		[PEER_END_BOTH_SEEDS] = "both seeds",
		[PEER_END_DUPLICATE] = "already connected to that peer",
		[PEER_END_WRONG_TORRENT] = "handshake for another torrent",
		[PEER_END_SELF] = "connected to ourselves",
		[PEER_END_BANNED] = "banned peer",
		[PEER_END_BAD_DATA] = "sent data that failed the hash check",
		[PEER_END_BAD_BITFIELD] = "malformed bitfield",
		[PEER_END_BAD_MESSAGE] = "malformed message",
		[PEER_END_ABUSE] = "too many bad requests",
		[PEER_END_NO_MEMORY] = "out of memory",
		[PEER_END_DISK] = "reading our data failed",
		[PEER_END_HANDSHAKE_TIMEOUT] = "handshake timed out",
		[PEER_END_SILENT] = "silent too long",
	};

	return (unsigned)end < PEER_END_COUNT ? names[end] : "?";
}

void
peer_kill(struct peer *p, enum peer_end end, const char *detail)
{
	if (p->state != PEER_DEAD) {
		p->end = end;
		snprintf(p->why, sizeof(p->why), "%s",
		    detail != NULL ? detail : peer_end_name(end));
	}
	p->state = PEER_DEAD;
}
