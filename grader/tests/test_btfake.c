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
