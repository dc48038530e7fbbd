/*
 * btfake.h — a scripted BitTorrent peer inside the grader, to watch a
 * student's peer from the wire.
 *
 * Each fake peer listens on 127.0.0.1, the student's peer dials it (mt-peer
 * --peer ADDR:PORT), and it speaks just enough of BEP 3 to be a neighbour
 * whose every property the test chooses: which pieces it has (so the test
 * knows each piece's availability), whether it unchokes the student, how fast
 * it answers requests (so the test knows the rates the student sees),
 * whether it is interested, and how fast it asks the student for data (so
 * the test knows the rates the student uploads at).  It records what the
 * student sends it — requests, chokes, unchokes and pieces, with times —
 * which is what the rarest-first and tit-for-tat tests judge.  It sends correct data (read from the test's
 * file), so a student's SHA-1 checks pass.
 *
 * The grader treats the student's program as a black box: this is our own
 * small codec, not the reference's.
 */
#ifndef BTFAKE_H
#define BTFAKE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

enum btfake_ev { BTFAKE_CHOKE, BTFAKE_UNCHOKE, BTFAKE_REQUEST, BTFAKE_PIECE_SENT, BTFAKE_PIECE_GOT,
	BTFAKE_CANCEL };

struct btfake_event {
	long ms;		/* sandbox_now_ms() when it happened */
	enum btfake_ev kind;
	uint32_t piece;		/* REQUEST, PIECE_SENT, PIECE_GOT, CANCEL */
	uint32_t begin;		/* REQUEST, PIECE_SENT, CANCEL: the block's offset */
};

struct btfake_req {
	uint32_t index, begin, length;
};

struct btfake {
	char name[16];
	/* what the test sets before btfake_listen */
	uint8_t info_hash[20];
	uint32_t npieces, piece_len;
	uint64_t total_len;
	const uint8_t *data;		/* the whole file, for answers */
	uint8_t *has;			/* one byte per piece: 1 if we have it */
	int unchoke;			/* unchoke the student once connected */
	int interested;			/* tell the student we are interested */
	long serve_gap_ms;		/* answer one request per gap (0: at once) */
	int lie;			/* answer with wrong bytes (a peer to catch by SHA-1) */
	const uint8_t *after_greet;	/* raw bytes sent after our greeting (a malformed
					 * message the student's peer must refuse), or NULL */
	size_t after_greet_len;
	int spare_bit;			/* set a spare bit in our bitfield (a malformed one) */
	/* which requests to answer (NULL: all); a request refused is recorded, never answered */
	int (*may_serve)(void *ctx, const struct btfake *f, const struct btfake_req *r);
	void *may_serve_ctx;
	/* state */
	int lfd, fd, port;
	int got_handshake, closed;
	int student_closed;		/* the student's peer ended the connection */
	struct strbuf in, out;
	struct btfake_req *queue;
	size_t nqueue, capqueue;
	long next_serve_ms;
	int student_chokes_us;		/* as the student last said (initially 1) */
	/* what the student did */
	struct btfake_event *ev;
	size_t nev, capev;
	/* a taker: asks the student for blocks of the pieces it lacks */
	long take_gap_ms;		/* one request per gap while unchoked (0: never asks) */
	long next_take_ms;
	uint32_t take_next;		/* where the search for the next piece to ask starts */
	int take_out;			/* requests not yet answered */
};

/* A message from the student's peer, as btfake_parse found it. */
enum { BTFAKE_HANDSHAKE_ID = -2, BTFAKE_KEEPALIVE_ID = -1 };

struct btfake_msg {
	int id;			/* the message id, or one of the two above */
	uint32_t len;		/* the length prefix (its id and payload); 68 for a handshake */
	const uint8_t *payload;	/* after the id, len - 1 bytes (NULL for a keep-alive;
				 * a handshake's 48 after its protocol string) */
};

/*
 * Parses the first message of buf (n bytes) from a student's peer: its
 * handshake if `handshake` (which must carry info_hash), else one
 * length-prefixed message, whose length is checked against its type
 * (npieces sizes a bitfield).  Returns the bytes it takes (the message is in
 * *m), 0 if more bytes are needed, or -1 if the bytes are malformed.  Reads
 * nothing past buf[n - 1]; no sockets, no state.
 */
long btfake_parse(const uint8_t *buf, size_t n, int handshake, uint32_t npieces,
    const uint8_t info_hash[20], struct btfake_msg *m);

/*
 * Takes bytes the student's peer sent f at time now: parses every complete
 * message, records and queues what it asks, and answers a handshake.
 * Returns 0, or -1 if the connection must be dropped (malformed input).
 */
int btfake_feed(struct btfake *f, const void *buf, size_t n, long now);

/* Initialises f for a torrent of npieces pieces; its has[] starts all zero. */
int btfake_init(struct btfake *f, const char *name, const uint8_t info_hash[20], uint32_t npieces,
    uint32_t piece_len, uint64_t total_len, const uint8_t *data);
void btfake_free(struct btfake *f);

/* Listens on 127.0.0.1, port 0.  Returns the port, or -1. */
int btfake_listen(struct btfake *f);

/*
 * Fills pfd (2 entries: listening socket, connection) for what f waits for,
 * and lowers *wait_ms to when f next has something to send.
 */
void btfake_want(struct btfake *f, struct pollfd pfd[2], long now, long *wait_ms);

/* Acts on what poll reported (accept, read, parse, answer, write). */
void btfake_io(struct btfake *f, const struct pollfd pfd[2], long now);

/* Runs every fake of fakes[] until until_ms, draining the sandbox's processes meanwhile. */
void btfake_run(struct btfake **fakes, size_t n, long until_ms);

/* Unchokes the student now, if f did not at its greeting (unchoke was 0). */
void btfake_unchoke(struct btfake *f);
/* Changes whether f is interested, telling the student's peer if connected. */
void btfake_interest(struct btfake *f, int interested);

/* Whether the student unchokes f at time ms (from f's recorded events). */
int btfake_unchoked_at(const struct btfake *f, long ms);

/*
 * A taker (take_gap_ms > 0) downloads from the student at a rate the test
 * sets: while the student unchokes it, it asks one block (a whole piece it
 * lacks, in turn) per take_gap_ms, with at most BTFAKE_TAKE_DEPTH requests
 * unanswered (a choke forgets them, as BEP 3 says the student drops them).
 * Queues the request if one is due at now.
 */
#define BTFAKE_TAKE_DEPTH 2
void btfake_take(struct btfake *f, long now);

#endif
