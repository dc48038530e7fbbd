/*
 * labconf.h — a lab's specification, read from labs/<lab>/lab.conf.
 *
 * The file is INI-like so an instructor can change tests, points and
 * visibility without writing C:
 *
 *     [lab]                       how to build, what to build, where the
 *     title = UDP uppercase       reference programs are
 *     build = make
 *     binaries = udp_server udp_client
 *     references = udp_uppercase
 *
 *     [defaults]                  keys every test gets unless it says otherwise
 *     timeout = 10
 *
 *     [test client_vs_reference_server]
 *     points = 10
 *     visibility = visible        (or hidden)
 *     requires = build_ok other_test
 *     scenario = exchange         (a C function in the grader; see scenario.h)
 *     client = student            (each role is student or reference)
 *     server = reference
 *     hint = Does your client print each reply followed by a newline?
 *     send = hello, world         (a scenario parameter; some may repeat)
 *
 * A value is the rest of the line, trimmed, or a "quoted string" with C
 * escapes (\n \t \\ \" \xNN) when spaces at its ends or odd bytes matter.
 * Lines starting with # or ; are comments.  The parser is strict: every
 * unknown section or key, repeated key, bad number, unknown scenario or role,
 * or dangling prerequisite is an error that names its line, and all errors
 * are reported at once.  A spec holds at most 1 MiB, 500 tests and 4096
 * keys a section, so any file, however odd, is read at once.
 *
 * The parser knows scenarios only through the table it is given (name and
 * parameter list), so it is tested with a table of its own.
 */
#ifndef LABCONF_H
#define LABCONF_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

enum labconf_ptype {
	LABCONF_STR,		/* any text */
	LABCONF_INT,		/* a decimal integer in [min, max] */
	LABCONF_ENUM,		/* one word of choices ("a|b|c") */
	LABCONF_LIST,		/* may repeat; each occurrence is one item */
	LABCONF_WORDS,		/* a space-separated list of words */
};

struct labconf_param {
	const char *name;
	enum labconf_ptype type;
	const char *dflt;	/* NULL: required (unless LIST or WORDS) */
	long min, max;		/* LABCONF_INT */
	const char *choices;	/* LABCONF_ENUM: "student|reference" */
};

struct labconf_test;

struct labconf_scenario {
	const char *name;
	const struct labconf_param *params;	/* ends with a NULL name */
	/* NULL, or what the scenario checks of a test's values beyond their
	 * types (the syntax of a text value) when lab.conf is read: 0, or -1
	 * with "KEY = VALUE: what is wrong" in why. */
	int (*check)(const struct labconf_test *t, struct strbuf *why);
};

struct labconf_value {
	const char *key;	/* points into the param table or a common key */
	char *data;		/* NUL-terminated; may hold NULs when quoted */
	size_t len;
	int line;
};

enum labconf_visibility { LABCONF_VISIBLE, LABCONF_HIDDEN };

struct labconf_test {
	char *name;
	char *title;
	int points;
	enum labconf_visibility visibility;
	int *requires;		/* indices of earlier tests */
	size_t nrequires;
	const struct labconf_scenario *scenario;
	int timeout_s;
	char *hint;
	int line;		/* of its [test NAME] header */
	struct labconf_value *values;	/* scenario parameters, defaults applied */
	size_t nvalues;
};

struct labconf {
	char *path;
	char *title;
	char *build;		/* a shell command run in the submission */
	int build_timeout_s;
	char **binaries;	/* NULL-terminated */
	char **references;	/* NULL-terminated directories under the kit */
	uint64_t seed;
	long memory_mb;		/* address-space limit for every program */
	int max_procs;		/* process limit for a test's programs */
	int max_files;		/* open-file limit */
	long output_kb;		/* stdout/stderr kept per program */
	int parallel;		/* tests of one submission run at once */
	struct labconf_test *tests;
	size_t ntests;
};

/*
 * Parses text (len bytes; path is for messages).  Returns the lab, or NULL
 * with one "PATH:LINE: what is wrong" line per error appended to err.  The
 * scenarios table ends with a NULL name.
 */
struct labconf *labconf_parse(const char *path, const char *text, size_t len,
    const struct labconf_scenario *scenarios, struct strbuf *err);

/* Reads and parses a file.  Returns NULL with a message in err. */
struct labconf *labconf_load(const char *path, const struct labconf_scenario *scenarios,
    struct strbuf *err);

void labconf_free(struct labconf *lab);

/* The test named name, or NULL. */
const struct labconf_test *labconf_find(const struct labconf *lab, const char *name);

/* A parameter's value (defaults applied), or NULL if absent (a LIST or WORDS). */
const struct labconf_value *labconf_get(const struct labconf_test *t, const char *key);
const char *labconf_str(const struct labconf_test *t, const char *key);
long labconf_int(const struct labconf_test *t, const char *key);

/* The i-th occurrence of a LIST parameter, or NULL past the last. */
const struct labconf_value *labconf_item(const struct labconf_test *t, const char *key, size_t i);

/* Total points, of all tests or of the visible ones. */
int labconf_points(const struct labconf *lab, int visible_only);

#endif
