/*
 * test_bencode.c — the bencode codec against tables of valid and invalid
 * inputs.
 *
 * Invalid inputs are grouped by the rule they break, each with the byte offset
 * the decoder must report, so a decoder that rejects for the wrong reason (or
 * at the wrong place) fails.  Canonical inputs must re-encode to themselves:
 * that is what keeps the info-hash stable.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bencode.h"

struct bad_case {
	const char *in;
	size_t offset;
	const char *msg_part;	/* a word the error message must contain */
};

static const struct bad_case bad_cases[] = {
	/* empty and unknown */
	{ "", 0, "end of input" },
	{ "x", 0, "expected" },
	{ "e", 0, "expected" },
	{ "-1", 0, "expected" },
	/* integers */
	{ "ie", 1, "digit" },
	{ "i-e", 2, "digit" },
	{ "i-0e", 2, "negative zero" },
	{ "i03e", 2, "leading zero" },
	{ "i-03e", 3, "leading zero" },
	{ "i00e", 2, "leading zero" },
	{ "i1", 2, "end of input" },
	{ "i", 1, "end of input" },
	{ "i-", 2, "end of input" },
	{ "i12x", 3, "expected 'e'" },
	{ "i+1e", 1, "digit" },
	{ "i 1e", 1, "digit" },
	{ "i1.5e", 2, "expected 'e'" },
	{ "i9223372036854775808e", 19, "out of range" },
	{ "i-9223372036854775809e", 20, "out of range" },
	{ "i99999999999999999999999e", 19, "out of range" },
	/* strings */
	{ "01:a", 1, "leading zero" },
	{ "00:", 1, "leading zero" },
	{ "5:abc", 0, "longer than the input" },
	{ "1:", 0, "longer than the input" },
	{ "3", 1, "end of input" },
	{ "3abc", 1, "expected ':'" },
	{ "3 :abc", 1, "expected ':'" },
	{ "99999999999999999999999:a", 19, "out of range" },
	{ "18446744073709551615:a", 0, "longer than the input" },
	/* lists */
	{ "l", 1, "end of input in list" },
	{ "li1e", 4, "end of input in list" },
	{ "lx", 1, "expected" },
	{ "li1ei2ex", 7, "expected" },
	/* dictionaries */
	{ "d", 1, "end of input in dictionary" },
	{ "di1ei2ee", 1, "not a string" },
	{ "dlei1ee", 1, "not a string" },
	{ "d1:ae", 4, "without a value" },
	{ "d1:a", 4, "end of input in dictionary" },
	{ "d1:bi1e1:ai2ee", 7, "out of order" },
	{ "d1:ai1e1:ai2ee", 7, "duplicate" },
	{ "d2:abi1e1:ai2ee", 8, "out of order" },
	{ "d1:ai1e0:i2ee", 7, "out of order" },
	{ "d1:a1:x", 7, "end of input in dictionary" },
	{ "d1:ai01ee", 6, "leading zero" },
	{ "d3:foo", 6, "end of input in dictionary" },
	/* trailing bytes */
	{ "i1ei2e", 3, "trailing" },
	{ "0:0:", 2, "trailing" },
	{ "lee", 2, "trailing" },
	{ "de ", 2, "trailing" },
	{ "i1e\n", 3, "trailing" },
};

Test(bencode, rejects_each_invalid_class_at_its_offset)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct bencode_value *v = (struct bencode_value *)1;
		struct bencode_error err = { 0, NULL };
		int rc = bencode_decode((const unsigned char *)c->in,
		    strlen(c->in), &v, &err);

		cr_expect_eq(rc, -1, "\"%s\" was accepted", c->in);
		cr_expect_null(v, "\"%s\": out not NULL on error", c->in);
		if (rc != -1)
			continue;
		cr_expect_eq(err.offset, c->offset, "\"%s\": offset %zu, want %zu (%s)",
		    c->in, err.offset, c->offset, err.msg);
		cr_expect(err.msg != NULL && strstr(err.msg, c->msg_part) != NULL,
		    "\"%s\": message \"%s\" lacks \"%s\"", c->in, err.msg, c->msg_part);
	}
}

/* Canonical inputs: decode must succeed and re-encoding must give them back. */
static const char *const good_cases[] = {
	"i0e", "i1e", "i-1e", "i42e", "i9223372036854775807e",
	"i-9223372036854775808e",
	"0:", "1:a", "4:spam", "3:\x00\x01\xff",
	"le", "li1ei2ee", "llelee", "l4:spami42ee",
	"de", "d1:ai1ee", "d3:bar4:spam3:fooi42ee", "d0:i0e1:ai1ee",
	"d1:Ai1e1:ai2ee", "d1:ai1e2:aai2ee", "d1:\x7fi1e1:\x80i2ee",
	"d4:infod6:lengthi5e4:name1:x12:piece lengthi16384e6:pieces0:ee",
	"ld1:xleedee",
};

static void
encode(struct bencode_buf *b, const struct bencode_value *v)
{
	switch (v->type) {
	case BENCODE_INT:
		bencode_put_int(b, v->i);
		break;
	case BENCODE_STR:
		bencode_put_str(b, v->str, v->str_len);
		break;
	case BENCODE_LIST:
	case BENCODE_DICT:
		if (v->type == BENCODE_LIST)
			bencode_begin_list(b);
		else
			bencode_begin_dict(b);
		for (size_t i = 0; i < v->count; i++) {
			if (v->type == BENCODE_DICT)
				bencode_put_str(b, v->items[i].key, v->items[i].key_len);
			encode(b, &v->items[i]);
		}
		bencode_end(b);
		break;
	}
}

/* String literals with embedded NULs: the length comes from a table. */
static size_t
case_len(const char *s)
{
	if (strcmp(s, "3:") == 0)
		return 5;
	return strlen(s);
}

Test(bencode, round_trips_canonical_inputs)
{
	for (size_t i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
		const char *in = good_cases[i];
		size_t n = case_len(in);
		struct bencode_value *v = NULL;
		struct bencode_error err = { 0, NULL };
		struct bencode_buf b;

		cr_assert_eq(bencode_decode((const unsigned char *)in, n, &v, &err),
		    0, "\"%s\" rejected at %zu: %s", in, err.offset, err.msg);
		cr_expect_eq(v->raw_len, n);
		cr_expect_eq((const char *)v->raw, in);
		bencode_buf_init(&b);
		encode(&b, v);
		cr_assert_not(b.failed);
		cr_expect(b.len == n && memcmp(b.data, in, n) == 0,
		    "\"%s\" re-encoded as \"%.*s\"", in, (int)b.len, b.data);
		bencode_buf_free(&b);
		bencode_free(v);
	}
}

Test(bencode, binary_string_with_nul_round_trips)
{
	static const unsigned char in[] = "3:\x00\x01\xff";
	struct bencode_value *v;

	cr_assert_eq(bencode_decode(in, 5, &v, NULL), 0);
	cr_expect_eq(v->type, BENCODE_STR);
	cr_expect_eq(v->str_len, 3);
	cr_expect_eq(v->str[0], 0);
	cr_expect_eq(v->str[2], 0xff);
	bencode_free(v);
}

Test(bencode, decodes_integer_limits)
{
	struct bencode_value *v;

	cr_assert_eq(bencode_decode((const unsigned char *)"i-9223372036854775808e",
	    22, &v, NULL), 0);
	cr_expect_eq(v->i, LLONG_MIN);
	bencode_free(v);
	cr_assert_eq(bencode_decode((const unsigned char *)"i9223372036854775807e",
	    21, &v, NULL), 0);
	cr_expect_eq(v->i, LLONG_MAX);
	bencode_free(v);
}

Test(bencode, gives_raw_spans_of_nested_values)
{
	const char *in = "d4:infod6:lengthi5e4:name1:xe3:zzzli1ei2eee";
	struct bencode_value *v;
	const struct bencode_value *info, *z;

	cr_assert_eq(bencode_decode((const unsigned char *)in, strlen(in), &v, NULL), 0);
	info = bencode_dict_get_dict(v, "info");
	cr_assert_not_null(info);
	cr_expect_eq(info->raw_len, strlen("d6:lengthi5e4:name1:xe"));
	cr_expect(memcmp(info->raw, "d6:lengthi5e4:name1:xe", info->raw_len) == 0);
	cr_expect_eq(bencode_dict_get_int(info, "length")->i, 5);
	cr_expect(bencode_str_eq(bencode_dict_get(info, "name"), "x"));
	z = bencode_dict_get_list(v, "zzz");
	cr_assert_not_null(z);
	cr_expect_eq(z->count, 2);
	cr_expect_eq(z->items[1].i, 2);
	cr_expect_eq(z->items[1].raw_len, 3);
	cr_expect_null(bencode_dict_get(v, "missing"));
	cr_expect_null(bencode_dict_get_str(v, "info"), "wrong type must give NULL");
	cr_expect_null(bencode_dict_get(z, "info"), "a list is not a dictionary");
	bencode_free(v);
}

Test(bencode, dict_lookup_finds_every_key)
{
	struct bencode_buf b;
	struct bencode_value *v;
	char key[16];

	bencode_buf_init(&b);
	bencode_begin_dict(&b);
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%03d", i);
		bencode_put_cstr(&b, key);
		bencode_put_int(&b, i);
	}
	bencode_end(&b);
	cr_assert_not(b.failed);
	cr_assert_eq(bencode_decode(b.data, b.len, &v, NULL), 0);
	for (int i = 0; i < 100; i++) {
		const struct bencode_value *e;

		snprintf(key, sizeof(key), "k%03d", i);
		e = bencode_dict_get_int(v, key);
		cr_assert_not_null(e, "%s not found", key);
		cr_expect_eq(e->i, i);
	}
	cr_expect_null(bencode_dict_get(v, "k100"));
	cr_expect_null(bencode_dict_get(v, "k"));
	bencode_free(v);
	bencode_buf_free(&b);
}

Test(bencode, encoder_writes_canonical_forms)
{
	struct bencode_buf b;
	const char *want = "d3:bari-7e3:fool4:spam0:i0eee";

	bencode_buf_init(&b);
	bencode_begin_dict(&b);
	bencode_put_cstr(&b, "bar");
	bencode_put_int(&b, -7);
	bencode_put_cstr(&b, "foo");
	bencode_begin_list(&b);
	bencode_put_cstr(&b, "spam");
	bencode_put_str(&b, NULL, 0);
	bencode_put_int(&b, 0);
	bencode_end(&b);
	bencode_end(&b);
	cr_assert_not(b.failed);
	cr_expect(b.len == strlen(want) && memcmp(b.data, want, b.len) == 0,
	    "got \"%.*s\"", (int)b.len, b.data);
	bencode_buf_free(&b);
}

Test(bencode, rejects_nesting_deeper_than_the_limit)
{
	char ok[2 * BENCODE_MAX_DEPTH + 1], deep[2 * BENCODE_MAX_DEPTH + 3];
	struct bencode_value *v;
	struct bencode_error err;

	memset(ok, 'l', BENCODE_MAX_DEPTH);
	memset(ok + BENCODE_MAX_DEPTH, 'e', BENCODE_MAX_DEPTH);
	cr_expect_eq(bencode_decode((unsigned char *)ok, 2 * BENCODE_MAX_DEPTH, &v,
	    &err), 0, "%d levels must be accepted", BENCODE_MAX_DEPTH);
	bencode_free(v);
	memset(deep, 'l', BENCODE_MAX_DEPTH + 1);
	memset(deep + BENCODE_MAX_DEPTH + 1, 'e', BENCODE_MAX_DEPTH + 1);
	cr_assert_eq(bencode_decode((unsigned char *)deep,
	    2 * BENCODE_MAX_DEPTH + 2, &v, &err), -1);
	cr_expect_eq(err.offset, BENCODE_MAX_DEPTH);
	cr_expect(strstr(err.msg, "deep") != NULL);
}

Test(bencode, rejects_more_values_than_the_limit)
{
	size_t n = BENCODE_MAX_NODES;	/* "l" + n * "0:" + "e" = n + 1 values */
	size_t len = 2 + 2 * n;
	unsigned char *buf = malloc(len);
	struct bencode_value *v;
	struct bencode_error err;

	cr_assert_not_null(buf);
	buf[0] = 'l';
	for (size_t i = 0; i < n; i++)
		memcpy(buf + 1 + 2 * i, "0:", 2);
	buf[len - 1] = 'e';
	cr_assert_eq(bencode_decode(buf, len, &v, &err), -1);
	cr_expect_eq(err.offset, 1 + 2 * (n - 1));
	cr_expect(strstr(err.msg, "too many") != NULL);
	/* one fewer element fits exactly */
	buf[len - 3] = 'e';
	cr_assert_eq(bencode_decode(buf, len - 2, &v, &err), 0, "%s", err.msg);
	cr_expect_eq(v->count, n - 1);
	bencode_free(v);
	free(buf);
}

Test(bencode, prefix_decode_leaves_trailing_bytes)
{
	const char *in = "d8:msg_typei1e5:piecei0eeRAWDATA";
	struct bencode_value *v;
	size_t used = 0;

	cr_assert_eq(bencode_decode_prefix((const unsigned char *)in, strlen(in),
	    &v, &used, NULL), 0);
	cr_expect_eq(used, strlen(in) - strlen("RAWDATA"));
	cr_expect_eq(bencode_dict_get_int(v, "piece")->i, 0);
	bencode_free(v);
}

Test(bencode, string_length_is_checked_before_reading)
{
	/* A huge length must be refused without reading past the buffer: the
	 * buffer is exactly as long as the header (ASan catches an overread). */
	const char hdr[] = "4294967296:";
	unsigned char *buf = malloc(sizeof(hdr) - 1);
	struct bencode_value *v;
	struct bencode_error err;

	cr_assert_not_null(buf);
	memcpy(buf, hdr, sizeof(hdr) - 1);
	cr_expect_eq(bencode_decode(buf, sizeof(hdr) - 1, &v, &err), -1);
	cr_expect_eq(err.offset, 0);
	free(buf);
}
