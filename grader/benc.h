/*
 * benc.h — just enough bencode (BEP 3) to read a tracker's answers.
 *
 * The grader checks a student's tracker from outside, so it reads answers
 * with a decoder of its own rather than the reference's.  Values are spans
 * of the caller's buffer: nothing is allocated, nothing copied.  Every
 * function checks the span it is given and fails on malformed input; nesting
 * is bounded.  Decoding is lenient about key order (benc_get takes the first
 * match) so that one test can judge order alone: benc_sorted is the strict
 * check, asked for where canonical bencode is what is being graded.
 */
#ifndef BENC_H
#define BENC_H

#include <stddef.h>
#include <stdint.h>

struct benc {
	const char *p;	/* the value's bytes, from its type letter or length */
	size_t len;	/* the whole encoded value */
};

/* The first value in buf (n bytes), which must be all of buf.  0, or -1. */
int benc_parse(const char *buf, size_t n, struct benc *v);

/* The value under key in dictionary d.  0, or -1 (not a dict, or no such key). */
int benc_get(const struct benc *d, const char *key, size_t keylen, struct benc *v);

/* v as an integer.  0, or -1. */
int benc_int(const struct benc *v, int64_t *out);

/* v as a byte string: *s and *n.  0, or -1. */
int benc_str(const struct benc *v, const char **s, size_t *n);

/*
 * Iterates list l: *pos starts at 0; fills item and returns 1 while there is
 * one, 0 at the end, -1 if l is not a list.
 */
int benc_next(const struct benc *l, size_t *pos, struct benc *item);

/*
 * The strict reading, for answers that must be canonical: whether every
 * dictionary in v, nested ones included, has its keys in strictly ascending
 * order as raw byte strings (BEP 3: sorted, so none twice; a key sorts after
 * its own prefixes).  v comes from benc_parse.  Returns 0, or -1 with *off
 * the offset in v of the first key out of order or repeated.
 */
int benc_sorted(const struct benc *v, size_t *off);

#endif
