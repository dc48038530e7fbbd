/*
 * fuzz_similar.c — libFuzzer harness for the similarity check (similar.c),
 * whose tokenizer reads whatever C (or anything else) a student hands in.
 *
 * The input is cut at NUL bytes: the first part is the starter, the next
 * three are three students' files.  A fourth student is the first one's file
 * again with a blank line after every newline and a space after every
 * semicolon, unless a backslash comes first (what a reformatting tool does).  Besides "never crash, never
 * read out of bounds", it checks what the class page relies on: every pair
 * has a < b, shares and score in [0, 1], the score the larger share, no more
 * common fingerprints than either has; every matching stretch names a file
 * of its student and lines inside it; and the reformatted copy has the same
 * fingerprints as its original, so when they have enough to be a pair at
 * all they are one, at score 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "similar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STUDENTS 4

static int
lines_in(const char *text, size_t len)
{
	int n = 1;

	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n' && i + 1 < len)
			n++;
	return n;
}

/* The first student's file, reformatted: into a new buffer, length in *n. */
static char *
reformat(const char *text, size_t len, size_t *n)
{
	char *out = malloc(2 * len + 1);

	if (out == NULL)
		return NULL;
	*n = 0;
	for (size_t i = 0; i < len; i++) {
		out[(*n)++] = text[i];
		/* Not after a backslash: a line that continues must go on. */
		if ((text[i] == '\n' || text[i] == ';') && (i == 0 || text[i - 1] != '\\'))
			out[(*n)++] = text[i] == '\n' ? '\n' : ' ';
	}
	return out;
}

static void
check_stretch(const struct similar *s, size_t who, size_t f, int from, int to)
{
	const char *text;
	size_t len;

	if (similar_file(s, who, f, &text, &len) == NULL)
		abort();
	if (from < 1 || from > to || to > lines_in(text, len))
		abort();
}

static void
check_pairs(struct similar *s, const struct similar_pair *p, long n, int copy_pair)
{
	int found = 0;

	for (long i = 0; i < n; i++) {
		if (p[i].a >= p[i].b || p[i].b >= STUDENTS)
			abort();
		if (p[i].a_share < 0 || p[i].a_share > 1 || p[i].b_share < 0 || p[i].b_share > 1)
			abort();
		if (p[i].score != (p[i].a_share > p[i].b_share ? p[i].a_share : p[i].b_share))
			abort();
		if (p[i].shared > similar_count(s, p[i].a) || p[i].shared > similar_count(s, p[i].b))
			abort();
		for (size_t m = 0; m < p[i].nmatches; m++) {
			check_stretch(s, p[i].a, p[i].matches[m].a_file, p[i].matches[m].a_from,
			    p[i].matches[m].a_to);
			check_stretch(s, p[i].b, p[i].matches[m].b_file, p[i].matches[m].b_from,
			    p[i].matches[m].b_to);
		}
		if (p[i].a == 0 && p[i].b == 3) {
			if (p[i].score != 1.0)
				abort();
			found = 1;
		}
	}
	if (copy_pair && !found)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *part[STUDENTS] = { NULL }, *p = (const char *)data, *end = p + size;
	size_t len[STUDENTS] = { 0 }, clen = 0;
	struct similar *s = similar_new();
	struct similar_pair *pairs = NULL;
	char *copy = NULL;
	long n;

	if (s == NULL)
		return 0;
	for (int i = 0; i < STUDENTS && p <= end; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		part[i] = p;
		len[i] = nul != NULL ? (size_t)(nul - p) : (size_t)(end - p);
		p += len[i] + 1;
	}
	if (part[0] != NULL && similar_add_base(s, part[0], len[0]) < 0)
		goto out;
	for (int i = 1; i < STUDENTS; i++)
		if (part[i] != NULL && similar_add(s, (size_t)i - 1, "f.c", part[i], len[i]) < 0)
			goto out;
	if (part[1] != NULL && (copy = reformat(part[1], len[1], &clen)) != NULL &&
	    similar_add(s, 3, "f.c", copy, clen) < 0)
		goto out;
	if (copy != NULL && similar_count(s, 0) != similar_count(s, 3))
		abort();
	if ((n = similar_pairs(s, 0.0, &pairs)) < 0)
		goto out;
	check_pairs(s, pairs, n, copy != NULL && similar_count(s, 0) >= SIMILAR_MIN_SHARED);
	similar_pairs_free(pairs, (size_t)n);
out:
	free(copy);
	similar_free(s);
	return 0;
}
