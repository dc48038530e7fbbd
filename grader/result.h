/*
 * result.h — what one test found, and how it crosses a process boundary.
 *
 * A test runs in a worker process of its own (so that its network namespace,
 * its crashes and its leaks die with it); the worker sends its result back
 * to the grader through a pipe, encoded here.  The evidence a student needs —
 * what was sent, what was expected, what came back and where they first
 * differ — travels with the verdict, as does the verbose trace.
 */
#ifndef RESULT_H
#define RESULT_H

#include "strbuf.h"

enum result_status { RESULT_PASS, RESULT_FAIL, RESULT_SKIP, RESULT_ERROR };

struct result {
	enum result_status status;
	int points, max_points;
	long duration_ms;
	long diff_offset;	/* first differing byte of got vs expected; -1: none */
	int leftovers;		/* processes still running after cleanup */
	struct strbuf message;	/* the verdict in words */
	struct strbuf sent;	/* what the test fed in (printable) */
	struct strbuf expected;	/* what should have come back (printable) */
	struct strbuf got;	/* what came back (printable) */
	struct strbuf log;	/* the trace shown with -v: commands, ports, stderr */
};

void result_init(struct result *r);
void result_free(struct result *r);

/* Sets the status (the first FAIL or ERROR wins) and appends to message. */
void result_fail(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void result_error(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Compares got with expected.  Equal: returns 0.  Different: records both
 * (printable, cut to a window around the first difference), the offset of
 * the first differing byte, and returns -1.
 */
int result_compare(struct result *r, const void *expected, size_t elen, const void *got,
    size_t glen);

const char *result_status_name(enum result_status s);

/* Serialises r onto out; result_decode reads it back.  Decode: 0, or -1. */
void result_encode(const struct result *r, struct strbuf *out);
int result_decode(struct result *r, const char *data, size_t len);

#endif
