/*
 * harness.h — what the grader's own tests share: assembling submissions
 * from reference sources (and mutants), running `grade` as a program, and
 * reading its TAP report back.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stddef.h>

#include "tests/proc.h"

#define HARNESS_MAX_TESTS 64

struct harness_tap {
	size_t n;
	struct {
		char name[64];
		int ok, skipped, points, max;
	} t[HARNESS_MAX_TESTS];
	int score, max;
};

/* Makes a fresh directory under $TMPDIR (or /tmp); returns its path (malloc), or NULL. */
char *harness_tempdir(void);

/* Runs a bash script with $1 = arg (60 s at most).  Returns its exit code. */
int harness_sh(const char *script, const char *arg);

/* Removes a directory tree (best effort). */
void harness_rmtree(const char *dir);

/*
 * Makes DEST a submission from the reference directory ref (relative to the
 * grader directory), building progs, with mutant's patch and files applied if
 * mutant is not NULL, starting from a copy of the built submission template
 * if not NULL (tests/mksub.sh).  Returns 0, or -1.
 */
int harness_mksub(const char *ref, const char *progs, const char *dest, const char *mutant,
    const char *template);

/*
 * Starts grade with args (NULL-terminated), with TMPDIR set to tmpdir if not
 * NULL.  The caller reads its output and kills it.
 */
int harness_grade_start(struct proc *p, char *const args[], const char *tmpdir);

/* Runs grade to its end (timeout_ms); returns its exit code and its stdout in out. */
int harness_grade(char *const args[], const char *tmpdir, char *out, size_t cap, int timeout_ms);

/* Parses a TAP report.  Returns 0, or -1 if it is not one. */
int harness_tap_parse(const char *text, struct harness_tap *tap);

/* The index of the named test in tap, or -1. */
int harness_tap_find(const struct harness_tap *tap, const char *name);

/*
 * Counts running processes whose working directory or executable lies under
 * prefix (what a grading run with TMPDIR=prefix might have left behind).
 */
int harness_left_under(const char *prefix);

#endif
