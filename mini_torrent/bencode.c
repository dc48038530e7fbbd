/*
 * bencode.c — strict bencode decoder and a small encoder (see bencode.h).
 *
 * The decoder makes two passes over the input.  The first validates
 * everything, counts the values and records how many children each list or
 * dictionary has (in the order they start).  The second builds the tree in one
 * array of exactly that many nodes: when it reaches a container it already
 * knows its child count, so it reserves that many consecutive slots and fills
 * them as it goes.  The result is a single allocation (freed with one call),
 * children in plain arrays, and no failure possible half-way through building.
 * Both passes run the same recursive descent; `build` says which one it is.
 */
#include "bencode.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytebuf.h"

/* ---- encoder ---- */

void
bencode_buf_init(struct bencode_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
bencode_buf_free(struct bencode_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void
bencode_put_raw(struct bencode_buf *b, const void *s, size_t n)
{
	if (b->failed || n == 0)
		return;
	if (n > b->cap - b->len) {
		unsigned char *nd = bytebuf_grow(b->data, &b->cap, b->len, n, 256);

		if (nd == NULL) {
			b->failed = 1;
			return;
		}
		b->data = nd;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

void
bencode_put_int(struct bencode_buf *b, long long v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "i%llde", v);

	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->failed = 1;
		return;
	}
	bencode_put_raw(b, tmp, (size_t)n);
}

void
bencode_put_str(struct bencode_buf *b, const void *s, size_t n)
{
	char tmp[32];
	int k = snprintf(tmp, sizeof(tmp), "%zu:", n);

	if (k < 0 || (size_t)k >= sizeof(tmp)) {
		b->failed = 1;
		return;
	}
	bencode_put_raw(b, tmp, (size_t)k);
	bencode_put_raw(b, s, n);
}

void
bencode_put_cstr(struct bencode_buf *b, const char *s)
{
	bencode_put_str(b, s, strlen(s));
}

void
bencode_begin_list(struct bencode_buf *b)
{
	bencode_put_raw(b, "l", 1);
}

void
bencode_begin_dict(struct bencode_buf *b)
{
	bencode_put_raw(b, "d", 1);
}

void
bencode_end(struct bencode_buf *b)
{
	bencode_put_raw(b, "e", 1);
}

/* ---- decoder ---- */

struct parser {
	const unsigned char *buf;
	size_t len, pos;
	int build;			/* 0: validating pass, 1: building pass */
	size_t nodes;			/* values seen (validating pass) */
	uint32_t *counts;		/* children per container, in start order */
	size_t ncounts, capcounts;
	size_t ci;			/* next entry of counts (building pass) */
	struct bencode_value *arena;	/* building pass: all nodes */
	size_t next;			/* first free node of arena */
	struct bencode_error err;
};

static int parse_value(struct parser *p, struct bencode_value *v, int depth);

static int
fail(struct parser *p, size_t offset, const char *msg)
{
	p->err.offset = offset;
	p->err.msg = msg;
	return -1;
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Reads the digits at p->pos (there is at least one) into *acc, refusing a
 * leading zero and a value over limit.  0, or -1 (failed).
 */
static int
parse_digits(struct parser *p, unsigned long long limit, unsigned long long *acc)
{
	size_t start = p->pos;

	*acc = 0;
	while (p->pos < p->len && is_digit(p->buf[p->pos])) {
		unsigned d = p->buf[p->pos] - '0';

		if (p->pos > start && p->buf[start] == '0')
			return fail(p, p->pos, "leading zero in integer");
		if (*acc > (limit - d) / 10)
			return fail(p, p->pos, "integer out of range");
		*acc = *acc * 10 + d;
		p->pos++;
	}
	return 0;
}

/* Parses "i<digits>e" at p->pos into *out. */
static int
parse_int(struct parser *p, long long *out)
{
	unsigned long long acc, limit = LLONG_MAX;
	int neg = 0;
	size_t start;

	p->pos++;			/* 'i' */
	if (p->pos < p->len && p->buf[p->pos] == '-') {
		neg = 1;
		limit = (unsigned long long)LLONG_MAX + 1;
		p->pos++;
	}
	start = p->pos;
	if (p->pos >= p->len)
		return fail(p, p->pos, "unexpected end of input in integer");
	if (!is_digit(p->buf[p->pos]))
		return fail(p, p->pos, "expected a digit in integer");
	if (parse_digits(p, limit, &acc) == -1)
		return -1;
	if (p->pos >= p->len)
		return fail(p, p->pos, "unexpected end of input in integer");
	if (p->buf[p->pos] != 'e')
		return fail(p, p->pos, "expected 'e' after integer");
	if (neg && acc == 0)
		return fail(p, start, "negative zero");
	p->pos++;
	if (neg)
		*out = acc == limit ? LLONG_MIN : -(long long)acc;
	else
		*out = (long long)acc;
	return 0;
}

/* Parses "<len>:<bytes>" at p->pos; *s points at the bytes in the input. */
static int
parse_str(struct parser *p, const unsigned char **s, size_t *n)
{
	size_t start = p->pos, acc = 0;

	while (p->pos < p->len && is_digit(p->buf[p->pos])) {
		unsigned d = p->buf[p->pos] - '0';

		if (p->pos > start && p->buf[start] == '0')
			return fail(p, p->pos, "leading zero in string length");
		if (acc > (SIZE_MAX - d) / 10)
			return fail(p, p->pos, "string length out of range");
		acc = acc * 10 + d;
		p->pos++;
	}
	if (p->pos >= p->len)
		return fail(p, p->pos, "unexpected end of input in string length");
	if (p->buf[p->pos] != ':')
		return fail(p, p->pos, "expected ':' after string length");
	p->pos++;
	if (acc > p->len - p->pos)
		return fail(p, start, "string longer than the input");
	*s = p->buf + p->pos;
	*n = acc;
	p->pos += acc;
	return 0;
}

/* Orders byte strings as raw bytes, a prefix before its extensions. */
static int
key_cmp(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

/* Validating pass: remembers a container's child count, in start order. */
static int
push_count(struct parser *p, size_t *index)
{
	if (p->ncounts == p->capcounts) {
		size_t ncap = p->capcounts ? p->capcounts * 2 : 64;
		uint32_t *nc = realloc(p->counts, ncap * sizeof(*nc));

		if (nc == NULL)
			return fail(p, p->pos, "out of memory");
		p->counts = nc;
		p->capcounts = ncap;
	}
	*index = p->ncounts;
	p->counts[p->ncounts++] = 0;
	return 0;
}

/* One dictionary key: a string, strictly after the previous key. */
static int
parse_key(struct parser *p, const unsigned char **key, size_t *key_len,
    const unsigned char *prev, size_t prev_len, int first)
{
	size_t start = p->pos;

	if (!is_digit(p->buf[p->pos]))
		return fail(p, start, "dictionary key is not a string");
	if (parse_str(p, key, key_len) == -1)
		return -1;
	if (!first) {
		int c = key_cmp(prev, prev_len, *key, *key_len);

		if (c == 0)
			return fail(p, start, "duplicate dictionary key");
		if (c > 0)
			return fail(p, start, "dictionary keys out of order");
	}
	if (p->pos >= p->len)
		return fail(p, p->pos, "unexpected end of input in dictionary");
	if (p->buf[p->pos] == 'e')
		return fail(p, p->pos, "dictionary key without a value");
	return 0;
}

/* Parses "l...e" or "d...e" at p->pos; v is NULL in the validating pass. */
static int
parse_container(struct parser *p, struct bencode_value *v, int depth)
{
	int is_dict = p->buf[p->pos] == 'd';
	const unsigned char *key = NULL, *prev = NULL;
	size_t key_len = 0, prev_len = 0, n = 0, index = 0;
	struct bencode_value *item = NULL;

	if (depth >= BENCODE_MAX_DEPTH)
		return fail(p, p->pos, "nesting too deep");
	if (!p->build && push_count(p, &index) == -1)
		return -1;
	if (p->build) {
		v->count = p->counts[p->ci++];
		v->items = v->count ? p->arena + p->next : NULL;
		p->next += v->count;
	}
	p->pos++;
	for (;;) {
		if (p->pos >= p->len)
			return fail(p, p->pos, is_dict ?
			    "unexpected end of input in dictionary" :
			    "unexpected end of input in list");
		if (p->buf[p->pos] == 'e')
			break;
		if (is_dict && parse_key(p, &key, &key_len, prev, prev_len,
		    n == 0) == -1)
			return -1;
		if (p->build) {
			item = &v->items[n];
			item->key = key;
			item->key_len = key_len;
		}
		if (parse_value(p, item, depth + 1) == -1)
			return -1;
		prev = key;
		prev_len = key_len;
		n++;
	}
	p->pos++;
	if (!p->build)
		p->counts[index] = (uint32_t)n;
	return 0;
}

static int
parse_value(struct parser *p, struct bencode_value *v, int depth)
{
	size_t start = p->pos;
	struct bencode_value dummy;
	unsigned char c;
	int rc;

	if (p->pos >= p->len)
		return fail(p, p->pos, "unexpected end of input");
	if (!p->build && ++p->nodes > BENCODE_MAX_NODES)
		return fail(p, p->pos, "too many values");
	if (v == NULL)
		v = &dummy;
	c = p->buf[p->pos];
	if (c == 'i') {
		v->type = BENCODE_INT;
		rc = parse_int(p, &v->i);
	} else if (is_digit(c)) {
		v->type = BENCODE_STR;
		rc = parse_str(p, &v->str, &v->str_len);
	} else if (c == 'l' || c == 'd') {
		v->type = c == 'l' ? BENCODE_LIST : BENCODE_DICT;
		rc = parse_container(p, p->build ? v : NULL, depth);
	} else {
		return fail(p, p->pos, "expected 'i', 'l', 'd' or a digit");
	}
	if (rc == -1)
		return -1;
	v->raw = p->buf + start;
	v->raw_len = p->pos - start;
	return 0;
}

static int
decode(const unsigned char *buf, size_t len, struct bencode_value **out,
    size_t *used, struct bencode_error *err)
{
	struct parser p;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	p.buf = buf;
	p.len = buf == NULL ? 0 : len;
	*out = NULL;
	if (parse_value(&p, NULL, 0) == -1)
		goto done;
	if (used == NULL && p.pos != p.len) {
		fail(&p, p.pos, "trailing bytes after the value");
		goto done;
	}
	if ((p.arena = calloc(p.nodes, sizeof(*p.arena))) == NULL) {
		fail(&p, 0, "out of memory");
		goto done;
	}
	p.build = 1;
	p.pos = 0;
	p.next = 1;
	parse_value(&p, p.arena, 0);	/* cannot fail: the input is valid */
	*out = p.arena;
	if (used != NULL)
		*used = p.pos;
	rc = 0;
done:
	free(p.counts);
	if (rc == -1 && err != NULL)
		*err = p.err;
	return rc;
}

int
bencode_decode(const unsigned char *buf, size_t len, struct bencode_value **out,
    struct bencode_error *err)
{
	return decode(buf, len, out, NULL, err);
}

int
bencode_decode_prefix(const unsigned char *buf, size_t len,
    struct bencode_value **out, size_t *used, struct bencode_error *err)
{
	size_t dummy;

	return decode(buf, len, out, used != NULL ? used : &dummy, err);
}

void
bencode_free(struct bencode_value *v)
{
	free(v);	/* the root is the start of the single node array */
}

const struct bencode_value *
bencode_dict_getn(const struct bencode_value *dict, const void *key,
    size_t key_len)
{
	size_t lo = 0, hi;

	if (dict == NULL || dict->type != BENCODE_DICT)
		return NULL;
	/* Keys were checked to be strictly ascending: binary search. */
	hi = dict->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct bencode_value *e = &dict->items[mid];
		int c = key_cmp(e->key, e->key_len, key, key_len);

		if (c == 0)
			return e;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct bencode_value *
bencode_dict_get(const struct bencode_value *dict, const char *key)
{
	return bencode_dict_getn(dict, key, strlen(key));
}

static const struct bencode_value *
get_typed(const struct bencode_value *dict, const char *key,
    enum bencode_type type)
{
	const struct bencode_value *v = bencode_dict_get(dict, key);

	return v != NULL && v->type == type ? v : NULL;
}

const struct bencode_value *
bencode_dict_get_int(const struct bencode_value *dict, const char *key)
{
	return get_typed(dict, key, BENCODE_INT);
}

const struct bencode_value *
bencode_dict_get_str(const struct bencode_value *dict, const char *key)
{
	return get_typed(dict, key, BENCODE_STR);
}

const struct bencode_value *
bencode_dict_get_list(const struct bencode_value *dict, const char *key)
{
	return get_typed(dict, key, BENCODE_LIST);
}

const struct bencode_value *
bencode_dict_get_dict(const struct bencode_value *dict, const char *key)
{
	return get_typed(dict, key, BENCODE_DICT);
}

int
bencode_str_eq(const struct bencode_value *v, const char *s)
{
	size_t n = strlen(s);

	return v != NULL && v->type == BENCODE_STR && v->str_len == n &&
	    (n == 0 || memcmp(v->str, s, n) == 0);
}
