/*
 * benchlib.c — see benchlib.h.  strtol and strtod do the arithmetic; the
 * checks before them refuse what they would quietly take (" 5", "+5", "-1"
 * for a count, "0x10", "inf"), and the end pointer refuses "5x".
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L	/* clock_gettime under -std=c11 */
#endif
#include "benchlib.h"

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *usage_text = "usage: see the comment at the top of the source";

static struct timespec
clock_now(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) == -1)
		err(1, "clock_gettime");
	return ts;
}

double
bench_now_s(void)
{
	struct timespec ts = clock_now(CLOCK_MONOTONIC);

	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long
bench_now_ms(void)
{
	struct timespec ts = clock_now(CLOCK_MONOTONIC);

	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double
bench_cpu_s(void)
{
	struct timespec ts = clock_now(CLOCK_PROCESS_CPUTIME_ID);

	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
bench_set_usage(const char *usage)
{
	usage_text = usage;
}

_Noreturn void
bench_usage(void)
{
	fprintf(stderr, "%s\n", usage_text);
	exit(2);
}

/* Says what was wrong with s, prints the usage and exits 2. */
_Noreturn static void
bad(const char *what, const char *s, const char *want)
{
	warnx("%s '%s': want %s", what, s, want);
	bench_usage();
}

long
bench_long(const char *s, long min, long max, const char *what)
{
	char want[80], *end;
	long v;

	snprintf(want, sizeof(want), "a whole number from %ld to %ld", min, max);
	if (!isdigit((unsigned char)s[0]))
		bad(what, s, want);
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno == ERANGE || v < min || v > max)
		bad(what, s, want);
	return v;
}

double
bench_decimal(const char *s, double above, double below, const char *what)
{
	const char *dot = strchr(s, '.');
	char want[80], *end;
	double v;

	snprintf(want, sizeof(want), "a number above %g and below %g", above, below);
	if (!isdigit((unsigned char)s[0]) || s[strspn(s, "0123456789.")] != '\0' ||
	    (dot != NULL && strchr(dot + 1, '.') != NULL))
		bad(what, s, want);
	v = strtod(s, &end);
	if (*end != '\0' || !(v > above && v < below))
		bad(what, s, want);
	return v;
}
