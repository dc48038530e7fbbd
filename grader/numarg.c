/*
 * numarg.c — see numarg.h.  strtol does the arithmetic; the checks around it
 * refuse what strtol would quietly accept (" 5", "+5", "5x", overflow).
 */
#include "numarg.h"

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
numarg_parse(const char *v, long min, long max, long *out)
{
	const char *digits = v[0] == '-' ? v + 1 : v;
	char *end;
	long x;

	if (!isdigit((unsigned char)digits[0]))
		return -1;
	errno = 0;
	x = strtol(v, &end, 10);
	if (*end != '\0' || errno == ERANGE || x < min || x > max)
		return -1;
	*out = x;
	return 0;
}

int
numarg_parse_n(const char *s, size_t n, long min, long max, long *out)
{
	char buf[24];

	if (n >= sizeof(buf) || memchr(s, '\0', n) != NULL)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return numarg_parse(buf, min, max, out);
}

long
numarg_or_exit(const char *opt, const char *v, long min, long max)
{
	long x;

	if (numarg_parse(v, min, max, &x) == -1)
		errx(2, "%s: '%s' is not a number from %ld to %ld (see --help)", opt, v, min, max);
	return x;
}
