/*
 * similar.h — which submissions of a class share too much student-written
 * code: a flag for a person to look at, never a grade.
 *
 * Each submission's files are cut into C tokens with every identifier and
 * every literal renamed to one placeholder and comments, whitespace and
 * preprocessor lines dropped, so renaming variables or reformatting changes
 * nothing.  Every run of SIMILAR_K tokens is hashed, and winnowing (Schleimer,
 * Wilkerson and Aiken, SIGMOD 2003: the smallest hash of every window of
 * SIMILAR_W, as MOSS does) keeps a few of them as the submission's
 * fingerprints: any run of SIMILAR_K + SIMILAR_W - 1 tokens two submissions
 * share gives both at least one fingerprint in common.  The starter (the
 * lab's given text and its TODO stubs) is the base: every hash found
 * anywhere in it is removed from every submission, so code all students got
 * never counts.  The rest is plain data, no files, no sockets, so the tests
 * drive it with strings.
 */
#ifndef SIMILAR_H
#define SIMILAR_H

#include <stddef.h>

#define SIMILAR_K 12		/* tokens a fingerprint hashes */
#define SIMILAR_W 6		/* the winnowing window, in hashes */
#define SIMILAR_THRESHOLD 0.5	/* the score from which a pair is listed */
#define SIMILAR_MIN_SHARED 6	/* fewer common fingerprints than this is no pair */

struct similar;

/* One stretch of lines that two submissions share: lines [from, to], 1-based. */
struct similar_match {
	size_t a_file, b_file;
	int a_from, a_to, b_from, b_to;
};

struct similar_pair {
	size_t a, b;		/* submissions, a < b */
	size_t shared;		/* fingerprints they have in common */
	double a_share, b_share;	/* shared / each one's own fingerprints */
	double score;		/* the larger of the two */
	struct similar_match *matches;	/* in a's order */
	size_t nmatches;
};

/* A new, empty comparison.  Returns NULL when memory runs out. */
struct similar *similar_new(void);
void similar_free(struct similar *s);

/* Adds a file of the starter: its text never counts.  Returns 0, or -1 (memory). */
int similar_add_base(struct similar *s, const char *text, size_t len);

/*
 * Adds file name (text[0..len), copied) to submission who (0, 1, ... in any
 * order; a submission never added has no fingerprints).  Returns 0, or -1.
 */
int similar_add(struct similar *s, size_t who, const char *name, const char *text, size_t len);

/*
 * Compares every two submissions and returns the pairs whose score is at
 * least threshold (and that share SIMILAR_MIN_SHARED fingerprints), the
 * highest score first, in *out (free with similar_pairs_free).  Returns
 * how many, or -1 (memory).
 */
long similar_pairs(struct similar *s, double threshold, struct similar_pair **out);
void similar_pairs_free(struct similar_pair *p, size_t n);

/* How many fingerprints submission who has, once the starter's are removed. */
size_t similar_count(struct similar *s, size_t who);

/* File f of submission who: its name and text, or NULL name if there is none. */
const char *similar_file(const struct similar *s, size_t who, size_t f, const char **text,
    size_t *len);

#endif
