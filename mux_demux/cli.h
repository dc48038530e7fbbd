/*
 * cli.h — what this directory's own programs (mux_router, mux_rhost, the
 * plotter) share at their edges: option numbers, bad usage, and whole lines
 * for a reader that waits for them.  Unlike the modules these print and
 * exit, as a program's main does; lab 3's mux_host keeps its own (it is a
 * given file of that lab and links lab 3's modules only).
 */
#ifndef CLI_H
#define CLI_H

#include <stdio.h>

/* Says "PROG: what is wrong (try --help)" on stderr, then exits 2. */
void cli_bad_usage(const char *prog, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* arg as a decimal in [min, max], or cli_bad_usage naming the option. */
unsigned long cli_number(const char *prog, const char *name, const char *arg,
    unsigned long min, unsigned long max);

/* Writes one line (a newline added) to f and flushes it. */
void cli_line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
