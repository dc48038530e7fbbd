/*
 * report.h — the verdicts of one graded submission, in the formats people
 * and platforms read: text for a student at a terminal, JSON for tools,
 * Gradescope's results.json, TAP for test harnesses, Autolab's final
 * {"scores": ...} line, and a row of the class gradebook (CSV).
 *
 * Every failure shows what was sent, what was expected, what came back, the
 * first differing byte, the hint from lab.conf, and the command that replays
 * that one test with the trace (-v).  Notes about the submission as a whole
 * (it changed files the lab gives, which were put back) come first in text,
 * in "notes" in JSON, in the top-level output on Gradescope, and as comment
 * lines at the end of TAP.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "labconf.h"
#include "result.h"

struct report {
	const struct labconf *lab;
	const char *lab_name;		/* as given on the command line */
	const char *submission;		/* as given on the command line */
	const char *grade_cmd;		/* how to run grade, for replay lines */
	uint64_t seed;
	int verbose;
	struct result build;
	struct result *results;		/* one per test of the lab */
	int *ran;			/* 1 if the test was selected */
	long duration_ms;
	struct strbuf notes;		/* lines for the student about the whole
					   submission (given files replaced), each
					   ending in a newline; often empty */
	struct strbuf code;		/* class mode with --similar: the files the
					   student writes (classreport_take_code) */
};

/* Score and maximum over the selected tests. */
void report_score(const struct report *rep, int *score, int *max);

void report_text(const struct report *rep, FILE *f);
void report_json(const struct report *rep, FILE *f);
void report_gradescope(const struct report *rep, FILE *f);
void report_tap(const struct report *rep, FILE *f);
void report_autolab(const struct report *rep, FILE *f);

/*
 * The gradebook: a header, then one row per submission (RFC 4180 quoting for
 * the name and the reason).  Columns: submission, build (ok, failed, or error
 * when it could not be built or graded at all), reason (the build's message
 * when it is an error, else empty), the points of each test, total, max.
 */
void report_csv_header(const struct labconf *lab, FILE *f);
void report_csv_row(const struct report *rep, const char *name, FILE *f);

/*
 * Appends to out a file name for a report on the submission called name,
 * ending in "." ext: bytes that are not printable ASCII or UTF-8, '%', '/',
 * '\', and a leading '.' or '-' written %XX; past 200 bytes cut, with a hash of
 * the whole name.  Different names get different file names.
 */
void report_file_name(const char *name, const char *ext, struct strbuf *out);

/*
 * Appends the n bytes at s as the body of a JSON string: UTF-8 characters as
 * they are, any other byte as the character of that number (\u00XX).
 */
void report_put_json(struct strbuf *sb, const char *s, size_t n);

/* Writes the replay command for test t into sb. */
void report_replay(const struct report *rep, const struct labconf_test *t, struct strbuf *sb);

#endif
