/*
 * numarg.h — the grader's one reader of whole numbers that people write: a
 * command-line option's value, a lab.conf value, a number in a fault rule.
 * Digits only, an optional '-' first; no '+', no spaces, nothing after; the
 * range checked.  (Numbers in the output of programs under test are read
 * where that output is parsed.)
 */
#ifndef NUMARG_H
#define NUMARG_H

#include <stddef.h>

/* Reads v into *out if it is a whole number from min to max.  Returns 0, or -1. */
int numarg_parse(const char *v, long min, long max, long *out);

/* The same n bytes at s (not NUL-terminated). */
int numarg_parse_n(const char *s, size_t n, long min, long max, long *out);

/* An option's value: the number, or exit 2 saying what opt takes. */
long numarg_or_exit(const char *opt, const char *v, long min, long max);

#endif
