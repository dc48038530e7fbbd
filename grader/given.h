/*
 * given.h — the files a student does not write, laid over a submission
 * before it is built.
 *
 * A lab hands out two kinds of files (labs/manifest.txt): the ones with gaps,
 * which the student writes (`strip`), and the ones given as they are (`copy`,
 * `solved`, and the lab's own Makefile).  A grade must measure only the first
 * kind.  A student who edits options.c to make a test pass, or who ships a
 * Makefile that builds the reference code hidden in a subfolder, is graded on
 * code they did not write; one who breaks a given file by accident loses
 * points for a mistake the lab is not about.  So before the build the grader
 * puts the kit's copy of every given file in place, whatever the submission
 * holds at that name, and tells the student which of their copies it
 * replaced.
 *
 * The manifest comes from the kit, not from the student, but a typo in it
 * must not let a path reach outside the submission: every path is checked
 * (relative, no `..`, plain names) and a bad line for the lab stops grading
 * with its line number.  The submission's copy is hostile: the overlay walks
 * it with *at() calls, never follows a link, and creates each file afresh.
 */
#ifndef GIVEN_H
#define GIVEN_H

#include <stddef.h>

#include "strbuf.h"

struct given_file {
	char *path;		/* from the kit root: udp_uppercase/options.c */
	const char *name;	/* its last component, inside path: where it lands */
	int line;		/* in the manifest; 0 for the lab's Makefile */
	char *text;		/* the contents, once read (given_read) */
	size_t len;
};

struct given {
	int found;			/* the manifest has a section for the lab */
	struct given_file *files;	/* given: the lab's Makefile first, then as listed */
	size_t nfiles;
	struct given_file *gaps;	/* what the student writes (no text) */
	size_t ngaps;
};

/*
 * Reads lab's section of a manifest (text[0..len), named where in messages)
 * into g, which it initialises.  Other sections are skipped unread.  Returns
 * 0 (g->found says whether the lab has a section; if not, g is empty), or -1
 * with one "where:LINE: why" line in err per bad line.  given_free(g) either
 * way.
 */
int given_parse(struct given *g, const char *lab, const char *where, const char *text,
    size_t len, struct strbuf *err);

/* Reads the contents of every given file from kit/path.  Returns 0, or -1 with err. */
int given_read(struct given *g, const char *kit, struct strbuf *err);

/*
 * given_parse + given_read on kit/labs/manifest.txt.  A kit without a
 * manifest gives nothing (0, g->found == 0).  Returns 0, or -1 with err.
 */
int given_load(struct given *g, const char *kit, const char *lab, struct strbuf *err);

/*
 * Lays the given files over the directory dir: a missing one is added, a
 * different one replaced, anything else at that name (a link, a directory)
 * removed first; a file that would make `make` skip the Makefile
 * (GNUmakefile, makefile) is removed.  Appends the names of what it replaced
 * or removed to changed, ", " between them.  Returns how many, or -1 with err.
 */
int given_overlay(const struct given *g, const char *dir, struct strbuf *changed,
    struct strbuf *err);

/* Appends to note, when changed is not empty, a line telling the student what happened. */
void given_note(const struct given *g, const char *changed, struct strbuf *note);

void given_free(struct given *g);

#endif
