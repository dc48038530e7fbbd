/*
 * benc.c — see benc.h.  skip() is the one parser: it measures a value
 * (validating it on the way), and everything else walks with it.
 */
#include "benc.h"

#include <string.h>

#define BENC_MAX_DEPTH 32

static long skip(const char *p, size_t n, int depth);

/* Length of the integer "i<digits>e" at p, or -1 if malformed. */
static long
skip_int(const char *p, size_t n)
{
	size_t i = 1;

	if (i < n && p[i] == '-')
		i++;
	if (i >= n || p[i] < '0' || p[i] > '9')
		return -1;
	while (i < n && p[i] >= '0' && p[i] <= '9')
		i++;
	return i < n && p[i] == 'e' ? (long)i + 1 : -1;
}

/* Length of the list or dictionary at p (p[0] is 'l' or 'd'), or -1 if malformed. */
static long
skip_list(const char *p, size_t n, int depth)
{
	size_t i = 1, items = 0;
	int dict = p[0] == 'd';

	while (i < n && p[i] != 'e') {
		long k = skip(p + i, n - i, depth + 1);

		/* A dictionary alternates keys, which are strings, and values. */
		if (k < 0 || (dict && items % 2 == 0 && (p[i] < '0' || p[i] > '9')))
			return -1;
		i += (size_t)k;
		items++;
	}
	if (dict && items % 2 != 0)
		return -1;
	return i < n ? (long)i + 1 : -1;
}

/* Length of the string "<len>:<bytes>" at p, or -1 if malformed or cut short. */
static long
skip_str(const char *p, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		if (len > 100000000)
			return -1;
		len = len * 10 + (size_t)(p[i] - '0');
	}
	if (i >= n || p[i] != ':' || len > n - i - 1)
		return -1;
	return (long)(i + 1 + len);
}

/* Length of the value at p (at most n bytes), or -1 if malformed. */
static long
skip(const char *p, size_t n, int depth)
{
	if (n == 0 || depth > BENC_MAX_DEPTH)
		return -1;
	if (p[0] == 'i')
		return skip_int(p, n);
	if (p[0] == 'l' || p[0] == 'd')
		return skip_list(p, n, depth);
	if (p[0] >= '0' && p[0] <= '9')
		return skip_str(p, n);
	return -1;
}

int
benc_parse(const char *buf, size_t n, struct benc *v)
{
	long k = skip(buf, n, 0);

	if (k < 0 || (size_t)k != n)
		return -1;
	v->p = buf;
	v->len = n;
	return 0;
}

int
benc_next(const struct benc *l, size_t *pos, struct benc *item)
{
	long k;

	if (l->len < 2 || (l->p[0] != 'l' && l->p[0] != 'd'))
		return -1;
	if (*pos == 0)
		*pos = 1;
	if (*pos >= l->len - 1)
		return 0;
	if ((k = skip(l->p + *pos, l->len - 1 - *pos, 1)) < 0)
		return -1;
	item->p = l->p + *pos;
	item->len = (size_t)k;
	*pos += (size_t)k;
	return 1;
}

int
benc_str(const struct benc *v, const char **s, size_t *n)
{
	const char *colon = memchr(v->p, ':', v->len);

	if (v->len == 0 || v->p[0] < '0' || v->p[0] > '9' || colon == NULL)
		return -1;
	*s = colon + 1;
	*n = v->len - (size_t)(colon + 1 - v->p);
	return 0;
}

int
benc_int(const struct benc *v, int64_t *out)
{
	int64_t x = 0;
	int neg = 0;
	size_t i = 1;

	if (v->len < 3 || v->p[0] != 'i')
		return -1;
	if (v->p[1] == '-')
		neg = 1, i = 2;
	for (; i < v->len - 1; i++) {
		if (x > (INT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (v->p[i] - '0');
	}
	*out = neg ? -x : x;
	return 0;
}

int
benc_get(const struct benc *d, const char *key, size_t keylen, struct benc *v)
{
	struct benc k;
	size_t pos = 0;
	int r;

	if (d->len == 0 || d->p[0] != 'd')
		return -1;
	while ((r = benc_next(d, &pos, &k)) == 1) {
		const char *s;
		size_t n;

		if (benc_next(d, &pos, v) != 1 || benc_str(&k, &s, &n) == -1)
			return -1;
		if (n == keylen && memcmp(s, key, n) == 0)
			return 0;
	}
	return -1;
}

/* <0, 0 or >0 as key a sorts before, with or after key b: raw bytes, a prefix first. */
static int
key_cmp(const struct benc *a, const struct benc *b)
{
	const char *s, *t;
	size_t n, m;
	int c;

	if (benc_str(a, &s, &n) == -1 || benc_str(b, &t, &m) == -1)
		return 0;
	if ((c = memcmp(s, t, n < m ? n : m)) != 0)
		return c;
	return (n > m) - (n < m);
}

/* benc_sorted for v, a span of the value starting at base.  0, or -1 with *off. */
static int
sorted(const struct benc *v, const char *base, size_t *off)
{
	struct benc item, prev = { NULL, 0 };
	size_t pos = 0, i = 0;
	int r;

	if (v->len == 0 || (v->p[0] != 'l' && v->p[0] != 'd'))
		return 0;
	while ((r = benc_next(v, &pos, &item)) == 1) {
		if (v->p[0] == 'd' && i++ % 2 == 0) {
			if (prev.len > 0 && key_cmp(&prev, &item) >= 0) {
				*off = (size_t)(item.p - base);
				return -1;
			}
			prev = item;
		} else if (sorted(&item, base, off) == -1) {
			return -1;
		}
	}
	*off = (size_t)(v->p - base);
	return r;
}

int
benc_sorted(const struct benc *v, size_t *off)
{
	return sorted(v, v->p, off);
}
