/*
 * cli.h — what this directory's hosts and router share at their edges:
 * numbers (in options and in commands), the impairment options, bad usage,
 * and whole lines for a reader that waits for them.  Unlike the modules, what
 * finds bad usage here prints and exits, as a program's main does.
 */
#ifndef CLI_H
#define CLI_H

#include <stdio.h>

#include "netif.h"

/* Says "PROG: what is wrong (try --help)" on stderr, then exits 2. */
void cli_bad_usage(const char *prog, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/*
 * Parses arg (NULL allowed) as a decimal in [min, max] into *out: digits
 * only, no sign or space.  Returns 0, or -1 (and *out untouched).
 */
int cli_parse_number(const char *arg, unsigned long min, unsigned long max,
    unsigned long *out);

/* arg as a decimal in [min, max], or cli_bad_usage naming the option. */
unsigned long cli_number(const char *prog, const char *name, const char *arg,
    unsigned long min, unsigned long max);

/*
 * The impairment options every host and the router take: --seed (S), --drop
 * (D), --corrupt (C), --dup (U) and --reorder (R), with arg their value.
 * Returns 1 if ch is one of them (stored in *imp), 0 if not; a bad value is
 * cli_bad_usage.
 */
int cli_impair_option(const char *prog, int ch, const char *arg, struct netif_impair *imp);

/* Writes one line (a newline added) to f and flushes it. */
void cli_line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
