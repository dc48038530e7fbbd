/*
 * cli.c — option numbers, bad usage and flushed lines for this directory's
 * programs (see cli.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include "cli.h"

void
cli_bad_usage(const char *prog, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputs(" (try --help)\n", stderr);
	va_end(ap);
	exit(2);
}

unsigned long
cli_number(const char *prog, const char *name, const char *arg, unsigned long min,
    unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || errno != 0 || *end != '\0' || v < min || v > max)
		cli_bad_usage(prog, "%s wants a number in %lu..%lu, not '%s'", name, min, max, arg);
	return v;
}

void
cli_line(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}
