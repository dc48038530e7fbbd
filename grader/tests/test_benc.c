/*
 * test_benc.c — the grader's own bencode reader: tracker answers read right,
 * and malformed ones refused (the grader must never trust a student's bytes).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "benc.h"

Test(benc, reads_a_tracker_answer)
{
	static const char a[] = "d8:completei2e10:incompletei0e8:intervali1800e"
	    "5:peers12:\x7f\x00\x00\x01N \x7f\x00\x00\x01N!e";
	struct benc d, v;
	int64_t n;
	const char *s;
	size_t len;

	cr_assert_eq(benc_parse(a, sizeof(a) - 1, &d), 0);
	cr_assert_eq(benc_get(&d, "interval", 8, &v), 0);
	cr_assert_eq(benc_int(&v, &n), 0);
	cr_expect_eq(n, 1800);
	cr_assert_eq(benc_get(&d, "peers", 5, &v), 0);
	cr_assert_eq(benc_str(&v, &s, &len), 0);
	cr_expect_eq(len, 12);
	cr_expect_eq((unsigned char)s[4], 'N');
	cr_expect_eq(benc_get(&d, "failure reason", 14, &v), -1);
}

Test(benc, walks_lists_of_dictionaries)
{
	static const char a[] = "d5:peersld2:ip9:127.0.0.14:porti20001eed2:ip9:127.0.0.14:porti-5eeee";
	struct benc d, l, item, v;
	size_t pos = 0;
	int64_t port[2];
	int n = 0;

	cr_assert_eq(benc_parse(a, sizeof(a) - 1, &d), 0);
	cr_assert_eq(benc_get(&d, "peers", 5, &l), 0);
	while (benc_next(&l, &pos, &item) == 1 && n < 2) {
		cr_assert_eq(benc_get(&item, "port", 4, &v), 0);
		cr_assert_eq(benc_int(&v, &port[n++]), 0);
	}
	cr_expect_eq(n, 2);
	cr_expect_eq(port[0], 20001);
	cr_expect_eq(port[1], -5);
}

Test(benc, refuses_malformed_input)
{
	static const char *const bad[] = {
		"", "i", "ie", "i-e", "ix3e", "i12", "3:ab", "99999999999:x", "l", "li1e", "d",
		"d1:ae", "di1e1:ae", "d1:a1:b1:ce", "x", "i1ei2e", "l" "llllllllllllllllllllllllllllllllll"
		"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "4:abc",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct benc v;

		cr_expect_eq(benc_parse(bad[i], strlen(bad[i]), &v), -1, "accepted '%s'", bad[i]);
	}
}

Test(benc, typed_accessors_check_the_type)
{
	struct benc v;
	int64_t n;
	const char *s;
	size_t len;

	cr_assert_eq(benc_parse("3:abc", 5, &v), 0);
	cr_expect_eq(benc_int(&v, &n), -1);
	cr_assert_eq(benc_parse("i7e", 3, &v), 0);
	cr_expect_eq(benc_str(&v, &s, &len), -1);
	cr_expect_eq(benc_get(&v, "a", 1, &v), -1);
}

/* BEP 3: keys sorted as raw byte strings, none twice, nested dictionaries too. */
Test(benc, sorted_keys_checked_strictly_and_only_on_request)
{
	static const struct {
		const char *s;
		size_t off;	/* of the first key out of order; 0: all sorted */
	} cases[] = {
		{ "d8:completei1e8:intervali5e5:peers0:e", 0 },
		{ "d2:ip1:x7:peer id1:y4:porti1ee", 0 },
		{ "d1:ai1e2:aai2ee", 0 },			/* a prefix sorts first */
		{ "d1:Zi1e1:ai1e2:\xc3\xa9i1ee", 0 },		/* bytes, unsigned */
		{ "le", 0 }, { "de", 0 }, { "i5e", 0 },
		{ "d8:intervali5e8:completei1ee", 14 },
		{ "d5:peers0:8:intervali5ee", 10 },
		{ "d1:ai1e1:ai2ee", 7 },			/* the same key twice */
		{ "d2:aai1e1:ai2ee", 8 },
		{ "d2:\xc3\xa9i1e1:ai2ee", 8 },
		{ "d5:peersld4:porti1e2:ip1:xeee", 19 },	/* inside the peer list */
		{ "ld1:bi1eed1:bi1e1:ai2eee", 16 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct benc v, x;
		size_t off = 0;
		int rc;

		cr_assert_eq(benc_parse(cases[i].s, strlen(cases[i].s), &v), 0, "case %zu", i);
		rc = benc_sorted(&v, &off);
		if (cases[i].off == 0)
			cr_expect_eq(rc, 0, "case %zu: key at %zu out of order", i, off);
		else
			cr_expect(rc == -1 && off == cases[i].off, "case %zu: rc %d, off %zu", i, rc, off);
		if (v.p[0] == 'd' && v.len > 2)
			cr_expect_eq(benc_get(&v, cases[i].s + 3, (size_t)(cases[i].s[1] - '0'), &x), 0,
			    "case %zu: the lenient reading still finds the first key", i);
	}
}
