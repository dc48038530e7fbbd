/*
 * outbuf.h — one connection's queue of reply bytes the kernel has not taken
 * yet.
 *
 * The poll server upper-cases what a client sends and tries to send it back
 * at once.  When the client is slow to read, send() takes only part of it and
 * the rest waits here.  The buffer is bounded (OUTBUF_CAP): when it is full the
 * server stops reading from that client, so a client that never reads costs
 * at most OUTBUF_CAP bytes (back-pressure), and TCP flow control pushes back
 * on the client in turn.
 *
 * Bytes live in data[start..end): sending consumes from start, queuing appends
 * at end.  The memory is allocated on first use and freed whenever the queue
 * drains, so ten thousand quiet connections cost nothing here.
 */
#ifndef OUTBUF_H
#define OUTBUF_H

#include <stddef.h>

#define OUTBUF_CAP 65536

struct outbuf {
	char *data;	/* NULL while empty */
	size_t start;	/* first byte not yet sent */
	size_t end;	/* one past the last byte queued */
};

#define OUTBUF_INIT { NULL, 0, 0 }

/* Bytes queued and not yet sent. */
size_t outbuf_pending(const struct outbuf *b);

/* Bytes that may still be queued (OUTBUF_CAP - pending). */
size_t outbuf_space(const struct outbuf *b);

/* The first pending byte (valid while outbuf_pending() > 0). */
const char *outbuf_head(const struct outbuf *b);

/*
 * Queues buf[0..n); the caller guarantees n <= outbuf_space().
 * Returns 0, or -1 with errno ENOMEM (nothing queued).
 */
int outbuf_append(struct outbuf *b, const void *buf, size_t n);

/* Drops the first n pending bytes (they were sent); n <= pending. */
void outbuf_consume(struct outbuf *b, size_t n);

/* Frees the memory; b is empty and reusable afterwards. */
void outbuf_free(struct outbuf *b);

#endif
