/*
 * fuzz_wire.c — libFuzzer harness for the peer wire parser.
 *
 * Input: byte 0 chooses whether a handshake comes first, byte 1 the number of
 * pieces, the rest is the byte stream from a peer.  Besides "never crash,
 * never read out of bounds", it checks two properties: the parser gives the
 * same messages whether the stream arrives at once or one byte at a time
 * (as recv() may deliver it), and every known message it accepts re-encodes
 * to exactly the bytes it consumed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_EVENTS 4096

struct trace {
	int n;
	int ev[MAX_EVENTS];	/* type for messages, 100 + status for errors */
};

static void
record(struct trace *t, int ev)
{
	if (t->n < MAX_EVENTS)
		t->ev[t->n++] = ev;
}

/* Whole stream at once; checks the re-encoding property on the way. */
static void
run_whole(const uint8_t *s, size_t n, uint32_t npieces, int hs,
    struct trace *t)
{
	struct wire_parser p;
	struct wire_msg m;
	static uint8_t out[1 << 16];
	size_t off = 0, used, skip = 0;

	wire_parser_init(&p, npieces, hs);
	for (;;) {
		enum wire_status st = wire_parse(&p, s + off, n - off, &m, &used);

		if (st == WIRE_NEED_MORE)
			break;
		if (st != WIRE_OK) {
			record(t, 100 + (int)st);
			break;
		}
		record(t, (int)m.type);
		/* used also covers the skipped payload of an unknown message
		 * before this one. */
		if (m.type != WIRE_UNKNOWN &&
		    (wire_encode(&m, out, sizeof(out)) != used - skip ||
		    memcmp(out, s + off + skip, used - skip) != 0))
			abort();
		skip = m.type == WIRE_UNKNOWN ? m.length : 0;
		off += used;
	}
}

/* The same stream, one byte more each time, kept in a buffer as a
 * connection would. */
static void
run_dribble(const uint8_t *s, size_t n, uint32_t npieces, int hs,
    struct trace *t)
{
	struct wire_parser p;
	struct wire_msg m;
	size_t start = 0, end = 0, used;

	wire_parser_init(&p, npieces, hs);
	while (end < n) {
		end++;
		for (;;) {
			enum wire_status st = wire_parse(&p, s + start,
			    end - start, &m, &used);

			start += used;
			if (st == WIRE_NEED_MORE)
				break;
			if (st != WIRE_OK) {
				record(t, 100 + (int)st);
				return;
			}
			record(t, (int)m.type);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct trace a, b;
	uint32_t npieces;
	int hs;

	if (size < 2)
		return 0;
	hs = data[0] & 1;
	npieces = (uint32_t)data[1] + 1;
	a.n = b.n = 0;
	run_whole(data + 2, size - 2, npieces, hs, &a);
	run_dribble(data + 2, size - 2, npieces, hs, &b);
	if (a.n != b.n || memcmp(a.ev, b.ev, (size_t)a.n * sizeof(a.ev[0])) != 0)
		abort();
	return 0;
}
