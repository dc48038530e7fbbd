/*
 * classreport.h — the instructor's view of a graded class: OUT/report.html,
 * one page with no script and nothing fetched (inline SVG and CSS, readable
 * offline and printable), and OUT/summary.json with the same numbers.
 *
 * A class is graded in child processes, one per student, and a child's
 * report dies with it; so each child leaves a record (classreport_save):
 * the build's verdict, each test's status and the first line of its
 * message, and, with --similar, the files the student writes.  The parent
 * reads every record once all children are done (classreport_write) and
 * draws the score histogram, each test's pass/fail/skip shares, the most
 * frequent first failure lines, the build failures, and the pairs of
 * submissions whose code is too alike (similar.h).  The page only looks:
 * it never changes a grade.
 */
#ifndef CLASSREPORT_H
#define CLASSREPORT_H

#include <stddef.h>
#include <stdint.h>

#include "given.h"
#include "report.h"
#include "strbuf.h"

#ifndef GRADER_VERSION
#define GRADER_VERSION "unknown"
#endif

#define CLASSREPORT_CODE_MAX (256 * 1024)	/* bytes of a student's file compared */

/*
 * Appends to code the files of dir (a submission's copy) that the student
 * writes (g->gaps), each as read: a missing one, a link or anything but a
 * regular file is left out; past CLASSREPORT_CODE_MAX bytes a file is cut.
 */
void classreport_take_code(const struct given *g, const char *dir, struct strbuf *code);

/* Writes student's record (rep, and code, which may be empty) to a new file path.  0, or -1. */
int classreport_save(const struct report *rep, const struct strbuf *code, const char *path);

struct classreport_run {
	const struct labconf *lab;
	const char *lab_name;		/* as given on the command line */
	uint64_t seed;
	char *const *names;		/* the students, in the gradebook's order */
	size_t n;
	const char *records;		/* RECORDS/I.rec: student I's record, read and removed */
	const char *outdir;
	const char *prefix;		/* before report.html and summary.json; NULL: none */
	int similar;			/* compare the students' code */
	const char *starter;		/* the directory of the lab's starter files */
	const struct given *given;	/* which files the students write */
};

/*
 * Reads the records and writes OUTDIR/report.html and OUTDIR/summary.json
 * (PREFIXreport.html...).
 * A student without a record is counted as not graded.  Returns 0, or -1
 * with a message in err.
 */
int classreport_write(const struct classreport_run *run, struct strbuf *err);

#endif
