/*
 * benchlib.h — what every load generator in bench/ needs and should not
 * write again: a clock, and readers of the numbers on its command line.
 *
 * The generators are small programs compiled by their script in bench/
 * (`cc ... bench/X.c bench/benchlib.c`), so this is one file pair, with no
 * state but the usage text.  A bad argument is the user's mistake, not a
 * runtime failure: the readers say what was wrong, print the program's usage
 * and exit 2, so a benchmark never runs with a number nobody asked for.
 */
#ifndef BENCHLIB_H
#define BENCHLIB_H

/* Monotonic time in seconds (for rates) and in whole milliseconds. */
double bench_now_s(void);
long bench_now_ms(void);

/* This process's CPU time in seconds (what `openssl speed` measures). */
double bench_cpu_s(void);

/*
 * Sets the usage text (one or more lines, no final newline) that bad input
 * prints; call it first in main.  The string must outlive the program.
 */
void bench_set_usage(const char *usage);

/* Prints the usage on stderr and exits 2. */
_Noreturn void bench_usage(void);

/*
 * Reads s as a whole number from min to max: digits only, nothing before or
 * after, no sign.  On anything else it names what (e.g. "CLIENTS") and the
 * value, prints the usage and exits 2.
 */
long bench_long(const char *s, long min, long max, const char *what);

/*
 * Reads s as a decimal number above `above` and below `below` (digits with at
 * most one '.', e.g. "3" or "0.5"; no sign, exponent, hex, inf or nan).  Bad
 * input as for bench_long.
 */
double bench_decimal(const char *s, double above, double below, const char *what);

#endif
