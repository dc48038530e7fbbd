/*
 * receiver.c — the receiving half of a reliable connection (see receiver.h).
 *
 * One ring buffer of buf_cap bytes starts at the first byte the application
 * has not read (rd).  Bytes from rd to nxt are in order and readable; bytes
 * from nxt to rd + buf_cap are the window, where Selective Repeat keeps
 * segments that arrived early, with one "have" flag per byte so overlapping
 * and repeated segments are harmless.
 */
#include "receiver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "seq.h"

#define RECEIVER_MAX_BUF	(1u << 30)

struct receiver {
	struct receiver_config cfg;
	uint8_t *buf, *have;
	size_t head;		/* ring index of rd */
	uint32_t rd, nxt;	/* first unread byte; next byte expected */
	int fin_known;		/* a FIN fits in the window at fin_seq */
	uint32_t fin_seq;
	int fin_in;		/* nxt reached the FIN */
	int zero_sent;		/* the last ACK advertised a zero window */
	int update;
	struct receiver_stats stats;
};

struct receiver *
receiver_new(const struct receiver_config *cfg)
{
	struct receiver *r;

	if (cfg->buf_cap == 0 || cfg->buf_cap > RECEIVER_MAX_BUF) {
		errno = EINVAL;
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->cfg = *cfg;
	r->buf = malloc(cfg->buf_cap);
	r->have = calloc(cfg->buf_cap, 1);
	if (r->buf == NULL || r->have == NULL) {
		receiver_free(r);
		return NULL;
	}
	r->rd = r->nxt = cfg->isn;
	return r;
}

void
receiver_free(struct receiver *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r->have);
	free(r);
}

size_t
receiver_readable(const struct receiver *r)
{
	return (size_t)(r->nxt - r->rd);
}

void
receiver_ack(const struct receiver *r, struct receiver_ack *ack)
{
	memset(ack, 0, sizeof(*ack));
	/* TODO: the cumulative ACK: the next byte expected (nxt, one more once the FIN is in), and as the window the free room of the buffer (0 after the FIN) */
}

/* Stores the bytes of [seq, seq + len) that fall in the window. */
static int
receiver_store(struct receiver *r, uint32_t seq, const uint8_t *data, size_t len)
{
	/* TODO: buffering: copy each byte from nxt up to (not including) the window's edge rd + buf_cap into its ring slot (from head), once (have[]); return 1 if any byte was new */
	return 0;
}

/* Moves nxt over the bytes now in order, stopping at the FIN's place; sets
 * fin_in once nxt reaches it (the FIN's ACK, nxt + 1, is receiver_ack's). */
static void
receiver_advance(struct receiver *r)
{
	/* TODO: in-order delivery: move nxt over every byte now held (have[]) up to the window's edge, stopping at the FIN's place; set fin_in once nxt reaches it */
}

/* Remembers where the stream ends, if that fits in the window. */
static void
receiver_note_fin(struct receiver *r, uint32_t fin_seq)
{
	if (r->fin_known || seq_lt(fin_seq, r->nxt) ||
	    (size_t)(fin_seq - r->rd) > r->cfg.buf_cap)
		return;
	r->fin_known = 1;
	r->fin_seq = fin_seq;
}

void
receiver_input(struct receiver *r, uint32_t seq, const void *data, size_t len,
    int fin, struct receiver_ack *ack)
{
	uint32_t end = seq + (uint32_t)len;
	uint32_t edge = r->rd + (uint32_t)r->cfg.buf_cap;
	int whole = len <= r->cfg.buf_cap && seq_le(end, edge);

	r->stats.segments++;
	/* TODO: keep a segment only if it fits whole in the window and, unless Selective Repeat (cfg.selective) buffers it, starts at or before nxt (count it discarded otherwise, and clear whole); store it, count buffered and duplicates, note a FIN (receiver_note_fin) */
	(void)receiver_store, (void)receiver_note_fin;
	receiver_advance(r);
	receiver_ack(r, ack);
	r->zero_sent = ack->window == 0;
	if (r->cfg.selective && whole && len > 0) {
		ack->has_sack = 1;
		ack->sack = seq;
	}
}

size_t
receiver_read(struct receiver *r, void *buf, size_t cap)
{
	size_t n = receiver_readable(r), at;

	if (n > cap)
		n = cap;
	for (size_t i = 0; i < n; i++) {
		at = (r->head + i) % r->cfg.buf_cap;
		((uint8_t *)buf)[i] = r->buf[at];
		r->have[at] = 0;
	}
	r->head = (r->head + n) % r->cfg.buf_cap;
	r->rd += (uint32_t)n;
	if (n > 0 && r->zero_sent)
		r->update = 1;
	return n;
}

int
receiver_take_update(struct receiver *r, struct receiver_ack *ack)
{
	if (!r->update)
		return 0;
	r->update = 0;
	r->zero_sent = 0;
	receiver_ack(r, ack);
	return 1;
}

int
receiver_eof(const struct receiver *r)
{
	return r->fin_in && receiver_readable(r) == 0;
}

const struct receiver_stats *
receiver_stats(const struct receiver *r)
{
	return &r->stats;
}
