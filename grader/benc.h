/*
 * benc.h — just enough bencode (BEP 3) to read a tracker's answers.
 *
 * The grader checks a student's tracker from outside, so it reads answers
 * with a decoder of its own rather than the reference's.  Values are spans
 * of the caller's buffer: nothing is allocated, nothing copied.  Every
 * function checks the span it is given and fails on malformed input; nesting
 * is bounded.
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

#endif
