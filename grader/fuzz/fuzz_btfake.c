/*
 * fuzz_btfake.c — libFuzzer harness for what the fake peers (btfake.c) do
 * with the bytes a student's peer sends them: btfake_parse, and btfake_feed,
 * which acts on each message as the connection would.
 *
 * Input: byte 0 is the number of pieces less one, byte 1 the size of the
 * reads btfake_feed gets, byte 2 whether the fake unchokes and is interested,
 * which pieces it has and how short the last one is; the rest is the byte
 * stream from the student (the handshake first).  Besides
 * "never crash, never read out of bounds", it checks what the fakes rely on:
 * each message lies inside the bytes given, as long as its length prefix
 * says and as its type allows; the parser finds the same messages whether
 * the stream comes at once or one byte at a time (as recv() may deliver
 * it); btfake_feed drops the connection exactly when the parser finds
 * malformed bytes; every request the fake queues is one it can serve from
 * its file (a piece it has, a block inside that piece); and what the fake
 * sends back (its handshake, bitfield, unchoke) parses with the same parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btfake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_EVENTS 4096
#define PIECE 16384

static const uint8_t hash[20] = "\xb7\x4e\x7d\x89\x60\x73\xaa\x7e\x86\x86"
    "\xbb\xe1\x1e\x32\xef\x4f\xc1\xe2\x17\x5b";	/* fuzz/corpus_fuzz_btfake: 40 pieces */

struct trace {
	int n, end;			/* end: 0 (needs more) or -1 (malformed) */
	int id[MAX_EVENTS];
};

/* The length a known message must have, 0 for any (piece, extensions). */
static uint32_t
fixed_len(int id, uint32_t npieces)
{
	static const uint32_t len[] = { 1, 1, 1, 1, 5, 0, 13, 0, 13 };

	if (id == 5)
		return 1 + (npieces + 7) / 8;
	return id >= 0 && id <= 8 ? len[id] : 0;
}

/* One message the parser took: inside buf, framed as its prefix and type say. */
static void
check_msg(const uint8_t *buf, size_t n, long used, const struct btfake_msg *m, uint32_t npieces)
{
	if (used <= 0 || (size_t)used > n)
		abort();
	if (m->id == BTFAKE_HANDSHAKE_ID) {
		if (used != 68 || m->len != 68 || m->payload != buf + 20 ||
		    memcmp(buf + 28, hash, 20) != 0 || buf[0] != 19)
			abort();
		return;
	}
	if ((size_t)used != 4 + (size_t)m->len ||
	    m->len != ((uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | buf[2] << 8 | buf[3]))
		abort();
	if (m->id == BTFAKE_KEEPALIVE_ID ? m->len != 0 || m->payload != NULL :
	    m->len == 0 || m->id != buf[4] || m->payload != buf + 5)
		abort();
	if (m->id >= 0 && fixed_len(m->id, npieces) != 0 && m->len != fixed_len(m->id, npieces))
		abort();
	if (m->id == 7 && (m->len <= 9 || m->len > 9 + PIECE))
		abort();
}

/* The whole stream at once (chunk 0), or fed chunk bytes more each time. */
static void
run(const uint8_t *s, size_t n, uint32_t npieces, size_t chunk, struct trace *t)
{
	size_t start = 0, end = chunk ? 0 : n;
	int hs = 1;

	t->n = t->end = 0;
	for (;;) {
		struct btfake_msg m;
		long used = btfake_parse(s + start, end - start, hs, npieces, hash, &m);

		if (used > 0) {
			check_msg(s + start, end - start, used, &m, npieces);
			if (t->n < MAX_EVENTS)
				t->id[t->n++] = m.id;
			start += (size_t)used;
			hs = 0;
		} else if (used < 0 || end == n) {
			t->end = (int)used;
			return;
		} else {
			end = end + chunk < n ? end + chunk : n;
		}
	}
}

/* Our own bytes (what the fake sent) parse with our own parser. */
static void
check_greeting(const struct btfake *f)
{
	const uint8_t *p = (const uint8_t *)f->out.data;
	size_t left = f->out.len;
	struct btfake_msg m;
	int hs = 1;

	while (left > 0) {
		long used = btfake_parse(p, left, hs, f->npieces, hash, &m);

		if (used <= 0)
			abort();
		check_msg(p, left, used, &m, f->npieces);
		p += used;
		left -= (size_t)used;
		hs = 0;
	}
}

/* Every queued request can be served from the file; every event names a piece. */
static void
check_fake(const struct btfake *f)
{
	if (f->nqueue > 4096 || f->nqueue > f->capqueue)
		abort();
	for (size_t i = 0; i < f->nqueue; i++) {
		const struct btfake_req *r = &f->queue[i];
		uint64_t start = (uint64_t)r->index * f->piece_len;

		if (r->index >= f->npieces || !f->has[r->index] || r->length == 0 ||
		    r->length > PIECE || start + r->begin + r->length > f->total_len ||
		    (uint64_t)r->begin + r->length > f->piece_len)
			abort();
	}
	for (size_t i = 0; i < f->nev; i++)
		if ((f->ev[i].kind == BTFAKE_REQUEST || f->ev[i].kind == BTFAKE_PIECE_SENT) &&
		    f->ev[i].piece >= f->npieces)
			abort();
}

/* The stream through btfake_feed in pieces of chunk bytes; returns its verdict. */
static int
feed(const uint8_t *s, size_t n, uint32_t npieces, uint8_t mode, size_t chunk)
{
	static uint8_t file[256 * PIECE];
	struct btfake f;
	int rc = 0;

	if (btfake_init(&f, "fuzz", hash, npieces, PIECE,
	    (uint64_t)npieces * PIECE - (mode & 0x3f) * 200, file) == -1)
		return 0;
	f.unchoke = mode >> 7;
	f.interested = (mode >> 6) & 1;
	for (uint32_t i = 0; i < npieces; i++)
		f.has[i] = (uint8_t)((i * 7 + mode) % 3 != 0);
	for (size_t off = 0; off < n && rc == 0; off += chunk)
		rc = btfake_feed(&f, s + off, n - off < chunk ? n - off : chunk, 1000 + (long)off);
	check_fake(&f);
	if (f.got_handshake)
		check_greeting(&f);
	btfake_free(&f);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct trace a, b;
	uint32_t npieces;

	if (size < 3)
		return 0;
	npieces = (uint32_t)data[0] + 1;
	run(data + 3, size - 3, npieces, 0, &a);
	run(data + 3, size - 3, npieces, 1, &b);
	if (a.n != b.n || a.end != b.end || memcmp(a.id, b.id, (size_t)a.n * sizeof(a.id[0])) != 0)
		abort();
	if (feed(data + 3, size - 3, npieces, data[2], 1 + data[1] % 97) != a.end)
		abort();
	return 0;
}
