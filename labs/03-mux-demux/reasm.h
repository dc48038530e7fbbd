/*
 * reasm.h — reassembly: segments back into messages.
 *
 * A sender cuts a message into count segments, numbered 0 .. count - 1, all
 * with the same message id.  The network may lose, duplicate or reorder them,
 * so the receiver keeps a "partial message" per (source host, source port,
 * message id) with one slot per segment, fills slots in whatever order
 * segments arrive, ignores a segment whose slot is already full, and hands
 * the message up when every slot is full.  This layer never asks for a
 * missing segment again (no retransmission, like UDP): a partial message that
 * stays incomplete for timeout_ms is dropped.  A piece of a message that
 * completed less than timeout_ms ago is a duplicate too, and ignored.
 *
 * Peers choose count and message ids, so memory is bounded twice: at most
 * max_partials partial messages and max_bytes of bookkeeping plus payload.
 * When a new segment would go over, the oldest partial messages are dropped
 * first (the newest message is the likeliest to complete).
 *
 * Time is passed in (now_ms), never read from a clock, so tests control it.
 */
#ifndef REASM_H
#define REASM_H

#include <stddef.h>
#include <stdint.h>

#include "segment.h"

#define REASM_MAX_MESSAGE	65536	/* largest message, in bytes */
#define REASM_DONE_MAX		256	/* completed messages remembered */

/* The source a message comes from, and its id there. */
struct reasm_key {
	struct segment_netaddr host;
	uint16_t port;
	uint16_t msg_id;
};

struct reasm_config {
	size_t max_bytes;	/* memory for all partial messages together */
	int max_partials;	/* partial messages at once */
	long timeout_ms;	/* a partial message older than this is dropped */
};

/* What happened to one segment. */
enum reasm_status {
	REASM_PARTIAL,		/* kept; its message is not complete yet */
	REASM_COMPLETE,		/* its message is complete: see *out */
	REASM_DUPLICATE,	/* that slot was already full: ignored */
	REASM_INCONSISTENT,	/* count or destination differs from the message's: ignored */
	REASM_OVERSIZED,	/* the message would exceed REASM_MAX_MESSAGE: message dropped */
	REASM_NO_MEMORY,	/* does not fit even alone in max_bytes: message dropped */
	REASM_STATUS_COUNT
};

/* A complete message.  data is malloc'ed; the caller frees it. */
struct reasm_message {
	uint8_t *data;
	size_t len;
	uint16_t dst_port;
};

struct reasm_stats {
	unsigned long completed, duplicates, inconsistent, oversized;
	unsigned long timed_out, evicted, no_memory;
	size_t bytes;		/* memory held now by partial messages */
	int partials;		/* partial messages now */
};

struct reasm;

const char *reasm_status_name(enum reasm_status s);

/* A reassembler, or NULL (errno ENOMEM).  cfg values must be positive. */
struct reasm *reasm_new(const struct reasm_config *cfg);
void reasm_free(struct reasm *r);

/*
 * Adds the DATA segment s from source key, arriving at now_ms.  On
 * REASM_COMPLETE, *out holds the message (the caller frees out->data);
 * otherwise *out is untouched.  A segment with count 1 completes at once.
 */
enum reasm_status reasm_add(struct reasm *r, const struct reasm_key *key,
    const struct segment *s, long now_ms, struct reasm_message *out);

/* Drops partial messages older than the timeout.  Returns how many. */
int reasm_expire(struct reasm *r, long now_ms);

/* When the oldest partial message times out (ms), or -1 if there is none. */
long reasm_next_deadline(const struct reasm *r);

const struct reasm_stats *reasm_stats(const struct reasm *r);

#endif
