/*
 * args.c — the command-line number parser (see args.h).
 */
#include "args.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum args_status
args_number(const char *s, const struct args_unit *units, uint64_t max,
    uint64_t *out)
{
	unsigned long long v;
	uint64_t m = 1;
	char *end;

	/* strtoull would take a sign or leading space (and negate "-5"). */
	if (s[0] < '0' || s[0] > '9')
		return ARGS_BAD;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return ARGS_TOO_LARGE;
	if (*end != '\0') {
		size_t i;

		for (i = 0; units != NULL && units[i].suffix != NULL; i++)
			if (strcmp(end, units[i].suffix) == 0)
				break;
		if (units == NULL || units[i].suffix == NULL)
			return ARGS_BAD;
		m = units[i].mult;
	}
	if (m != 0 && v > max / m)
		return ARGS_TOO_LARGE;
	*out = (uint64_t)v * m;
	return ARGS_OK;
}

enum args_status
args_size(const char *s, uint64_t max, uint64_t *out)
{
	static const struct args_unit u[] = { { "K", 1024 }, { "k", 1024 },
	    { "M", 1048576 }, { "m", 1048576 }, { NULL, 0 } };

	return args_number(s, u, max, out);
}

enum args_status
args_time_ms(const char *s, uint64_t *out)
{
	static const struct args_unit u[] = { { "ms", 1 }, { "s", 1000 },
	    { NULL, 0 } };

	return args_number(s, u, ARGS_TIME_MAX_MS, out);
}
