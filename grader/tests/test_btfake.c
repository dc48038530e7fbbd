/*
 * test_btfake.c — the fake peers' reading of what a student's peer sends:
 * btfake_parse frames the handshake and each message and refuses lengths
 * their type does not allow; btfake_feed acts on them as a connection would
 * (fuzz/fuzz_btfake.c runs both on arbitrary bytes).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "btfake.h"

static const uint8_t hash[20] = "0123456789abcdefghij";

#define M(s) (const uint8_t *)s, sizeof(s) - 1

/* bytes; handshake; then what btfake_parse returns and the id it finds. */
static const struct {
	const uint8_t *buf;
	size_t n;
	int hs;
	long used;
	int id;
} cases[] = {
	{ M("\x13" "BitTorrent protocol" "\0\0\0\0\0\0\0\0" "0123456789abcdefghij" "-XX0001-000000000000"),
	  1, 68, BTFAKE_HANDSHAKE_ID },
	{ M("\x13" "BitTorrent protocol" "\0\0\0\0\0\0\0\0" "0123456789abcdefghiX" "-XX0001-000000000000"),
	  1, -1, 0 },
	{ M("\x13" "BitTorrent protocol" "\0\0\0\0\0\0\0\0" "0123456789"), 1, 0, 0 },
	{ M("\0\0\0\0"), 0, 4, BTFAKE_KEEPALIVE_ID },
	{ M("\0\0\0\1\2" "more"), 0, 5, 2 },
	{ M("\0\0\0\x0d\6\0\0\0\1\0\0\0\0\0\0\x40\0"), 0, 17, 6 },
	{ M("\0\0\0\x0d\6\0\0\0\1\0\0\0\0\0\0\x40"), 0, 0, 0 },
	{ M("\0\0\0\x0c\6\0\0\0\1\0\0\0\0\0\0\x40"), 0, -1, 0 },	/* request of 12 */
	{ M("\0\0\0\2\1x"), 0, -1, 0 },				/* unchoke with a payload */
	{ M("\0\0\0\4\5\xff\xff\xff"), 0, -1, 0 },		/* a bitfield for 24 pieces, not 10 */
	{ M("\0\0\0\3\5\xff\xc0"), 0, 7, 5 },
	{ M("\0\0\0\2\5\xff"), 0, -1, 0 },
	{ M("\0\0\0\x09\7\0\0\0\0\0\0\0\0"), 0, -1, 0 },	/* a piece with no block */
	{ M("\0\x02\0\x01\x14"), 0, -1, 0 },			/* 128 KiB + 1: too long */
	{ M("\0\0\0\3\x14\0\0"), 0, 7, 20 },			/* an extension: skipped */
	{ M("\0\0\0"), 0, 0, 0 },
};

Test(btfake, frames_messages_and_refuses_bad_lengths)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct btfake_msg m = { 99, 0, NULL };
		long used = btfake_parse(cases[i].buf, cases[i].n, cases[i].hs, 10, hash, &m);

		cr_expect_eq(used, cases[i].used, "case %zu: %ld", i, used);
		if (used > 0)
			cr_expect_eq(m.id, cases[i].id, "case %zu: id %d", i, m.id);
	}
}

Test(btfake, a_handshake_gets_ours_and_requests_are_queued)
{
	static uint8_t file[3 * 16384];
	static const uint8_t hs[] = "\x13" "BitTorrent protocol" "\0\0\0\0\0\0\0\0"
	    "0123456789abcdefghij" "-XX0001-000000000000";
	static const uint8_t req[] = "\0\0\0\x0d\6\0\0\0\1\0\0\0\0\0\0\x40\0"
	    "\0\0\0\x0d\6\0\0\0\1\0\0\x30\0\0\0\x40\0";	/* the 2nd runs past the piece */
	struct btfake f;

	cr_assert_eq(btfake_init(&f, "f", hash, 3, 16384, sizeof(file), file), 0);
	f.unchoke = 1;
	f.has[1] = 1;
	cr_expect_eq(btfake_feed(&f, hs, 30, 0), 0);
	cr_expect_eq(f.got_handshake, 0);
	cr_expect_eq(btfake_feed(&f, hs + 30, sizeof(hs) - 1 - 30, 0), 0);
	cr_expect_eq(f.got_handshake, 1);
	cr_expect(f.out.len > 68 && memcmp(f.out.data + 28, hash, 20) == 0);
	cr_expect_eq(btfake_feed(&f, req, sizeof(req) - 1, 5), 0);
	cr_expect_eq(f.nev, 2);
	cr_assert_eq(f.nqueue, 1);
	cr_expect(f.queue[0].index == 1 && f.queue[0].begin == 0 && f.queue[0].length == 16384);
	cr_expect_eq(btfake_feed(&f, "\0\0\0\2\1x", 6, 6), -1);
	btfake_free(&f);
}

Test(btfake, the_greeting_ends_with_the_bytes_the_test_chose)
{
	static uint8_t file[3 * 16384];
	static const uint8_t hs[] = "\x13" "BitTorrent protocol" "\0\0\0\0\0\0\0\0"
	    "0123456789abcdefghij" "-XX0001-000000000000";
	static const uint8_t bad[] = "\0\0\0\x08\4\0\0\0\0\0\0\0";	/* a have of 8 */
	struct btfake f;

	cr_assert_eq(btfake_init(&f, "f", hash, 3, 16384, sizeof(file), file), 0);
	f.unchoke = 1;
	f.after_greet = bad;
	f.after_greet_len = sizeof(bad) - 1;
	cr_expect_eq(btfake_feed(&f, hs, sizeof(hs) - 1, 0), 0);
	/* handshake, bitfield (3 pieces: 1 byte), unchoke, then ours */
	cr_assert_eq(f.out.len, 68 + 6 + 5 + sizeof(bad) - 1);
	cr_expect(memcmp(f.out.data + 68 + 6 + 5, bad, sizeof(bad) - 1) == 0);
	btfake_free(&f);
}

/* Requests f queued for the student since out held `from` bytes: their piece indexes in idx. */
static size_t
requests_out(const struct btfake *f, size_t from, uint32_t *idx, size_t cap)
{
	size_t n = 0;

	for (size_t at = from; at + 17 <= f->out.len && n < cap; at += 17) {
		const uint8_t *p = (const uint8_t *)f->out.data + at;

		cr_assert(memcmp(p, "\0\0\0\x0d\6", 5) == 0, "not a request at %zu", at);
		idx[n++] = (uint32_t)p[5] << 24 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 8 | p[8];
	}
	return n;
}

Test(btfake, a_taker_asks_what_it_lacks_one_block_per_gap_while_unchoked)
{
	static uint8_t file[4 * 16384];
	static const uint8_t hs[] = "\x13" "BitTorrent protocol" "\0\0\0\0\0\0\0\0"
	    "0123456789abcdefghij" "-XX0001-000000000000";
	static uint8_t piece[4 + 9 + 16384] = { 0, 0, 0x40, 0x09, 7 };
	uint32_t idx[8];
	struct btfake f;
	size_t base;

	cr_assert_eq(btfake_init(&f, "f", hash, 4, 16384, sizeof(file), file), 0);
	f.has[0] = f.has[2] = 1;
	f.take_gap_ms = 100;
	cr_expect_eq(btfake_feed(&f, hs, sizeof(hs) - 1, 0), 0);
	base = f.out.len;
	btfake_take(&f, 0);
	cr_expect_eq(f.out.len, base, "asked while choked");
	cr_expect_eq(btfake_feed(&f, "\0\0\0\1\1", 5, 0), 0);	/* unchoke */
	btfake_take(&f, 0);
	btfake_take(&f, 50);
	cr_expect_eq(requests_out(&f, base, idx, 8), 1, "a second request before the gap");
	btfake_take(&f, 100);
	btfake_take(&f, 200);
	cr_assert_eq(requests_out(&f, base, idx, 8), 2, "more than BTFAKE_TAKE_DEPTH unanswered");
	cr_expect(idx[0] == 1 && idx[1] == 3, "asked %u %u, not the missing 1 and 3", idx[0], idx[1]);
	cr_expect_eq(btfake_feed(&f, piece, sizeof(piece), 210), 0);
	cr_expect(f.nev == 2 && f.ev[1].kind == BTFAKE_PIECE_GOT);
	btfake_take(&f, 210);
	cr_assert_eq(requests_out(&f, base, idx, 8), 3);
	cr_expect_eq(idx[2], 1, "the turn goes back to the first missing piece");
	cr_expect_eq(btfake_feed(&f, "\0\0\0\1\0", 5, 220), 0);	/* choke: the two are dropped */
	cr_expect_eq(f.take_out, 0);
	btfake_take(&f, 400);
	cr_expect_eq(requests_out(&f, base, idx, 8), 3, "asked while choked");
	btfake_free(&f);
}

/* may_serve for the test below: only blocks at begin 0. */
static int
first_blocks_only(void *ctx, const struct btfake *f, const struct btfake_req *r)
{
	(void)f;
	++*(int *)ctx;
	return r->begin == 0;
}

Test(btfake, records_blocks_and_cancels_serves_what_the_test_allows_and_unchokes_late)
{
	static uint8_t file[9 * 32768];
	static const uint8_t hs[] = "\x13" "BitTorrent protocol" "\0\0\0\0\0\0\0\0"
	    "0123456789abcdefghij" "-XX0001-000000000000";
	static const uint8_t msgs[] = "\0\0\0\x0d\6\0\0\0\2\0\0\0\0\0\0\x40\0"	/* request 2 at 0 */
	    "\0\0\0\x0d\6\0\0\0\2\0\0\x40\0\0\0\x40\0"				/* request 2 at 16384 */
	    "\0\0\0\x0d\x08\0\0\0\2\0\0\x40\0\0\0\x40\0";			/* cancel 2 at 16384 */
	struct btfake f;
	int asked = 0;

	cr_assert_eq(btfake_init(&f, "f", hash, 9, 32768, sizeof(file), file), 0);
	memset(f.has, 1, 9);
	f.spare_bit = 1;
	f.may_serve = first_blocks_only;
	f.may_serve_ctx = &asked;
	cr_expect_eq(btfake_feed(&f, hs, sizeof(hs) - 1, 0), 0);
	/* handshake, then a bitfield of 9 pieces whose last byte has its low spare bit set; no unchoke */
	cr_assert_eq(f.out.len, 68 + 7);
	cr_expect_eq((uint8_t)f.out.data[68 + 6], 0x81);
	btfake_unchoke(&f);
	cr_assert_eq(f.out.len, 68 + 7 + 5);
	cr_expect(memcmp(f.out.data + 68 + 7, "\0\0\0\1\1", 5) == 0);
	cr_expect_eq(btfake_feed(&f, msgs, sizeof(msgs) - 1, 7), 0);
	cr_expect_eq(asked, 2);
	cr_assert_eq(f.nqueue, 1, "the block at 16384 is refused");
	cr_expect_eq(f.queue[0].begin, 0);
	cr_assert_eq(f.nev, 3);
	cr_expect(f.ev[1].kind == BTFAKE_REQUEST && f.ev[1].piece == 2 && f.ev[1].begin == 16384);
	cr_expect(f.ev[2].kind == BTFAKE_CANCEL && f.ev[2].piece == 2 && f.ev[2].begin == 16384 &&
	    f.ev[2].ms == 7);
	btfake_free(&f);
}
