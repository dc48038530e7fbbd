/*
 * cli.c — option numbers, impairment options, bad usage and flushed lines
 * for this directory's programs (see cli.h).
 */
#include <errno.h>
#include <limits.h>
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

int
cli_parse_number(const char *arg, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (arg == NULL || arg[0] < '0' || arg[0] > '9')
		return -1;	/* strtoul would take a sign or spaces */
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

unsigned long
cli_number(const char *prog, const char *name, const char *arg, unsigned long min,
    unsigned long max)
{
	unsigned long v;

	if (cli_parse_number(arg, min, max, &v) == -1)
		cli_bad_usage(prog, "%s wants a number in %lu..%lu, not '%s'", name, min, max, arg);
	return v;
}

int
cli_impair_option(const char *prog, int ch, const char *arg, struct netif_impair *imp)
{
	switch (ch) {
	case 'S': imp->seed = cli_number(prog, "--seed", arg, 0, ULONG_MAX); break;
	case 'D': imp->drop_pct = (unsigned)cli_number(prog, "--drop", arg, 0, 100); break;
	case 'C': imp->corrupt_pct = (unsigned)cli_number(prog, "--corrupt", arg, 0, 100); break;
	case 'U': imp->dup_pct = (unsigned)cli_number(prog, "--dup", arg, 0, 100); break;
	case 'R': imp->reorder_pct = (unsigned)cli_number(prog, "--reorder", arg, 0, 100); break;
	default: return 0;
	}
	return 1;
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
