/*
 * peer.h — one connection to another BitTorrent peer: its state and buffers.
 *
 * Everything the session knows about a neighbour lives here: the four
 * choke/interest flags of BEP 3 (each side chokes and is interested
 * independently), the pieces it has, the blocks we asked it for, the blocks
 * it asked us for, its rates both ways, and two byte buffers with positions:
 * `in` is filled by recv() and drained by the wire parser, `out` is filled by
 * the session and drained by send().  This module does no I/O; the event loop
 * moves bytes, the session decides.
 */
#ifndef PEER_H
#define PEER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "bitfield.h"
#include "rate.h"
#include "wire.h"

#define PEER_IN_CAP (1024u * 1024)	/* recv() buffer (grown for a big bitfield);
					 * big, so a fast neighbour costs few recv()s;
					 * a slow one never touches most pages */
#define PEER_MAX_REQS 256		/* our requests outstanding to one peer */
#define PEER_MAX_QUEUE 1024		/* its requests we queue; more are ignored */

enum peer_state {
	PEER_CONNECTING,	/* connect() in progress */
	PEER_HANDSHAKE,		/* waiting for its handshake */
	PEER_ACTIVE,		/* handshakes swapped: messages flow */
	PEER_DEAD		/* to be closed by the event loop */
};

/*
 * Why a connection ends.  The event loop acts on some (two seeds have
 * nothing to give each other: do not dial that one again); the log writes
 * each one's name, or the detail given with it (an errno's text, the wire
 * parser's verdict).
 */
enum peer_end {
	PEER_END_NONE,			/* still open */
	PEER_END_CLOSED,		/* it hung up */
	PEER_END_SOCKET,		/* recv/send/connect failed */
	PEER_END_LEAVING,		/* we are shutting down */
	PEER_END_BOTH_SEEDS,		/* neither needs the other */
	PEER_END_DUPLICATE,		/* a second connection to one peer */
	PEER_END_WRONG_TORRENT,		/* its handshake names another torrent */
	PEER_END_SELF,			/* we dialled ourselves */
	PEER_END_BANNED,		/* banned earlier */
	PEER_END_BAD_DATA,		/* its data failed the hash check */
	PEER_END_BAD_BITFIELD,
	PEER_END_BAD_MESSAGE,		/* the wire parser refused it */
	PEER_END_ABUSE,			/* too many bogus requests */
	PEER_END_NO_MEMORY,
	PEER_END_DISK,			/* reading our data failed */
	PEER_END_HANDSHAKE_TIMEOUT,
	PEER_END_SILENT,		/* nothing received for too long */
	PEER_END_COUNT
};

struct peer_req {
	uint32_t piece, begin, length;
	int64_t sent_ms;
};

/* A FIFO of requests in an array: entries [head, end) are live, so taking
 * the oldest (the usual case) moves nothing. */
struct peer_list {
	struct peer_req *r;
	size_t head, end, cap;
};

struct peer_buf {
	uint8_t *data;
	size_t start, end, cap;	/* bytes [start, end) are pending */
};

/* A file span in the output stream: len bytes of the torrent at stream
 * offset off, sent after the first `at` bytes ever committed to out. */
struct peer_span {
	uint64_t at, off;
	size_t len;
};

/* The spans queued, oldest first: entries [head, end). */
struct peer_spans {
	struct peer_span *s;
	size_t head, end, cap;
};

/* One read planned by session_recv_plan: blocks in place (slots), then
 * room in p->in. */
#define PEER_SLOTS 32		/* blocks one read may bring in place */

struct peer_rx {
	struct iovec iov[PEER_SLOTS + 1];
	int niov;
	unsigned nslots;
	uint8_t *at[PEER_SLOTS];	/* slot: header gap, then block */
	size_t len[PEER_SLOTS];		/* 13 + the block's length */
};

struct peer {
	int fd;
	uint64_t id;		/* connection serial, never 0 */
	struct sockaddr_storage addr;
	socklen_t addr_len;
	char name[64];		/* "ADDR:PORT", for logs */
	struct sockaddr_storage alt_addr;	/* where it listens, if it dialled
					 * us and we learnt that by dialling
					 * it too (alt_len 0: unknown) */
	socklen_t alt_len;
	int outgoing;		/* we dialled it */
	enum peer_state state;
	int sent_handshake;
	uint8_t peer_id[20];
	char client[21];	/* its peer_id, printable */
	struct wire_parser parser;
	struct peer_buf in, out;
	struct peer_spans spans;	/* file spans interleaved with out */
	uint64_t out_in, out_gone;	/* bytes ever committed to out, sent from it */
	size_t span_bytes;		/* file bytes queued in spans */
	size_t out_limited;	/* first bytes of out, to the end of the last
				 * block queued: these wait for upload tokens
				 * (the messages after them do not) */
	struct bitfield has;	/* pieces it has */
	int am_choking, am_interested;		/* our side */
	int peer_choking, peer_interested;	/* its side */
	int optimistic;		/* our unchoke of it is the optimistic one */
	int snubbed;		/* left our requests unanswered too long */
	struct peer_list reqs;	/* our requests to it, oldest first */
	unsigned depth;		/* how many requests we keep outstanding */
	struct peer_list queue;	/* its requests to us, oldest first */
	struct rate down, up;	/* block bytes from it, to it */
	uint64_t downloaded, uploaded;	/* block bytes, totals */
	int64_t connected_ms, last_recv_ms, last_send_ms, last_block_ms;
	unsigned strikes;	/* pieces that failed with its data in them */
	unsigned abuses;	/* oversized or bogus requests */
	enum peer_end end;	/* why it is being closed */
	char why[96];		/* ... in words, for the log */
};

/*
 * A new connection on fd (-1 is allowed for tests) to addr.  npieces sizes
 * its bitfield and parser; window_ms is the rate window.  Returns NULL on
 * ENOMEM.
 */
struct peer *peer_new(int fd, const struct sockaddr *addr, socklen_t len,
    int outgoing, uint32_t npieces, int64_t now, int64_t window_ms);
void peer_free(struct peer *p);

/* "1.2.3.4:5" or "[::1]:5" into buf. */
void peer_format_addr(const struct sockaddr *sa, char *buf, size_t cap);

/* Output: encode a message at the end of out.  Returns 0 or -1 (ENOMEM). */
int peer_send(struct peer *p, const struct wire_msg *m);
/* n writable bytes at the end of out (commit them with peer_out_commit). */
uint8_t *peer_out_reserve(struct peer *p, size_t n);
void peer_out_commit(struct peer *p, size_t n);
/* Appends len bytes of the torrent at stream offset off to the output, after
 * everything committed so far (sent from the file: see xfer.h).  Returns 0
 * or -1 (ENOMEM). */
int peer_out_file(struct peer *p, uint64_t off, size_t len);
/* Bytes of output pending: buffer bytes and file bytes. */
size_t peer_out_pending(const struct peer *p);
/*
 * The first contiguous run of pending output: returns its length (0 if
 * nothing is pending) and sets *data to its bytes in out, or to NULL when it
 * is a file span starting at stream offset *off.  *more is set when other
 * output follows it.
 */
size_t peer_out_next(const struct peer *p, const uint8_t **data, uint64_t *off,
    int *more);
/* Takes n sent bytes (n <= peer_out_pending) off the front of the output. */
void peer_out_consumed(struct peer *p, size_t n);

/* Input: free space at the end of in, for recv(). */
uint8_t *peer_in_space(struct peer *p, size_t *room);
void peer_in_added(struct peer *p, size_t n);
/* Bytes in still needs to end the message begun there, or 0 when that is
 * not known yet (no length prefix in) or not sane. */
size_t peer_in_need(const struct peer *p);
/* Moves stream bytes [from, n) of a read planned in rx (n bytes read: the
 * slots', then those in in after them) to the end of in, in stream order.
 * Returns how many bytes in gained. */
size_t peer_in_unplan(struct peer *p, const struct peer_rx *rx, size_t from,
    size_t n);

/* Request lists (p->reqs, p->queue). */
size_t peer_list_len(const struct peer_list *l);
/* The i-th oldest entry, i < peer_list_len. */
struct peer_req *peer_list_at(const struct peer_list *l, size_t i);
/* Index of the entry for (piece, begin[, length if not 0]), or -1. */
long peer_list_find(const struct peer_list *l, uint32_t piece, uint32_t begin,
    uint32_t length);
void peer_list_remove(struct peer_list *l, size_t i);
/* Removes the entry for (piece, begin, length) if there is one. */
void peer_list_remove_match(struct peer_list *l, uint32_t piece,
    uint32_t begin, uint32_t length);
/* Appends; returns -1 when the list is full. */
int peer_list_push(struct peer_list *l, uint32_t piece, uint32_t begin,
    uint32_t length, int64_t now);
void peer_list_clear(struct peer_list *l);

/* The log's words for end: "both seeds", "silent too long"... */
const char *peer_end_name(enum peer_end end);

/* Marks the peer for closing because of end; the log says detail, or end's
 * name if detail is NULL.  The first reason given stays. */
void peer_kill(struct peer *p, enum peer_end end, const char *detail);

#endif
