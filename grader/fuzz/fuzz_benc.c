/*
 * fuzz_benc.c — libFuzzer harness for the grader's bencode reader (benc.c),
 * which reads whatever a student's tracker answers.
 *
 * Besides "never crash, never read out of bounds", it checks what the
 * tracker scenario relies on: an accepted value spans exactly the input;
 * benc_next cuts a list or dictionary into items that lie inside it, one
 * after the other, with nothing left over; a string's bytes lie inside its
 * value; benc_get finds a key's first value; and decoding is faithful: the
 * values, written out again by an encoder of our own (canonical: no leading
 * zeros, no "-0"), give back the input itself when it was canonical (as
 * every real tracker's answer is), something shorter when it was not, and
 * in any case decode to the same encoding (enc(dec(x)) is a fixed point).
 * benc_sorted (the strict reading of key order) points at a key when it
 * refuses, and judges the re-encoding the same.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benc.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
inside(const struct benc *outer, const char *p, size_t n)
{
	return p >= outer->p && n <= outer->len && (size_t)(p - outer->p) <= outer->len - n;
}

/* benc_get finds key k (n bytes), whose value `at` is: there, or an earlier one (a repeat). */
static void
check_get(const struct benc *d, const char *k, size_t n, const struct benc *at)
{
	struct benc v;

	if (benc_get(d, k, n, &v) != 0 || v.p > at->p || (v.p == at->p && v.len != at->len))
		abort();
}

/* Whether the n digits at p (after an integer's '-', if any) have no leading zero. */
static int
no_leading_zero(const char *p, size_t n)
{
	return n == 1 || p[0] != '0';
}

/* Writes v canonically to out, checking the properties on the way; clears *canon if v was not. */
static void
encode(const struct benc *v, struct strbuf *out, int *canon)
{
	struct benc item, prev;
	const char *s;
	size_t pos = 0, n, end, items = 0;
	int64_t x;
	int r;

	if (v->p[0] == 'i') {
		if (benc_int(v, &x) == 0) {
			strbuf_printf(out, "i%" PRId64 "e", x);
			if (v->p[1] == '-' ? v->p[2] == '0' : !no_leading_zero(v->p + 1, v->len - 2))
				*canon = 0;
		} else {
			strbuf_append(out, v->p, v->len);	/* too big for int64: kept as is */
		}
		return;
	}
	if (v->p[0] >= '0' && v->p[0] <= '9') {
		if (benc_str(v, &s, &n) != 0 || !inside(v, s, n) || s + n != v->p + v->len)
			abort();
		if (!no_leading_zero(v->p, (size_t)(s - 1 - v->p)))
			*canon = 0;
		strbuf_printf(out, "%zu:", n);
		strbuf_append(out, s, n);
		return;
	}
	if (benc_str(v, &s, &n) == 0)
		abort();
	strbuf_putc(out, v->p[0]);
	end = 1;
	while ((r = benc_next(v, &pos, &item)) == 1) {
		if (item.p != v->p + end || !inside(v, item.p, item.len) || item.len == 0)
			abort();
		end += item.len;
		if (v->p[0] == 'd' && items % 2 == 1 && benc_str(&prev, &s, &n) == 0)
			check_get(v, s, n, &item);
		prev = item;
		items++;
		encode(&item, out, canon);
	}
	if (r != 0 || end != v->len - 1 || v->p[end] != 'e')
		abort();
	strbuf_putc(out, 'e');
}

/*
 * benc_sorted's verdict: a key that is out of order lies inside v and starts
 * a string; the re-encoding w keeps the keys in their order, so it gets the
 * same verdict.
 */
static void
check_sorted(const struct benc *v, const struct benc *w)
{
	size_t off = 0, woff = 0;
	int rc = benc_sorted(v, &off);

	if (rc != benc_sorted(w, &woff) || (rc == -1 && (off >= v->len || v->p[off] < '0' ||
	    v->p[off] > '9')))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct benc v, w;
	struct strbuf a, b;
	int canon = 1, again = 1;

	if (benc_parse((const char *)data, size, &v) != 0)
		return 0;
	if (v.p != (const char *)data || v.len != size)
		abort();
	strbuf_init(&a);
	strbuf_init(&b);
	encode(&v, &a, &canon);
	if (a.len > size || (canon != (a.len == size)) || (canon && memcmp(a.data, data, size) != 0))
		abort();
	if (benc_parse(strbuf_str(&a), a.len, &w) != 0)
		abort();
	encode(&w, &b, &again);
	if (!again || a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		abort();
	check_sorted(&v, &w);
	strbuf_free(&a);
	strbuf_free(&b);
	return 0;
}
