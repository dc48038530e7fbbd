/*
 * options.c — see options.h.
 *
 * Numbers are parsed with strtol and an end pointer, and a string must be all
 * digits before strtol sees it: strtol alone would accept " 80", "+80" and
 * "-0", which are typos on a command line, not ports.
 */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct option options_long[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int
options_parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno == ERANGE || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
options_parse_port(const char *s, int min, unsigned *port)
{
	long v;

	if (options_parse_int(s, min, 65535, &v) == -1)
		return -1;
	*port = (unsigned)v;
	return 0;
}

int
options_parse_host(const char *s, char *out, size_t cap)
{
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= cap || memchr(s, '[', n) != NULL ||
	    memchr(s, ']', n) != NULL)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* Formats msg and returns OPTIONS_BAD, so each check is one line. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static enum options_status
options_bad(char *msg, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, cap, fmt, ap);	/* a cut message is still a message */
	va_end(ap);
	return OPTIONS_BAD;
}

/* Stores a port that passed options_parse_port in its canonical form. */
static void
options_store_port(char out[6], unsigned port)
{
	snprintf(out, 6, "%u", port);
}

/*
 * Runs getopt over argv.  Resets optind to 0, not 1: glibc and musl then also
 * forget a half-read cluster such as "-xv" left by an earlier call, which
 * matters because tests parse many command lines in one process.
 */
static int
options_next(int argc, char *argv[], const char *spec, int *first)
{
	if (*first) {
		optind = 0;
		opterr = 0;
		*first = 0;
	}
	return getopt_long(argc, argv, spec, options_long, NULL);
}

/* The message for getopt's ':' (value missing) or '?' (unknown option). */
static enum options_status
options_unknown(int c, char *msg, size_t cap, char *argv[])
{
	if (c == ':')
		return options_bad(msg, cap, "option -%c needs a value", optopt);
	if (optopt != 0)
		return options_bad(msg, cap, "unknown option -%c", optopt);
	return options_bad(msg, cap, "unknown option %s", argv[optind - 1]);
}

enum options_status
options_parse_server(int argc, char *argv[], struct options_server *o,
    char *msg, size_t cap)
{
	unsigned port = OPTIONS_DEFAULT_PORT;
	int c, first = 1;

	memset(o, 0, sizeof(*o));
	snprintf(o->bind_host, sizeof(o->bind_host), "0.0.0.0");
	while ((c = options_next(argc, argv, ":b:p:vh", &first)) != -1) {
		switch (c) {
		case 'b':
			if (options_parse_host(optarg, o->bind_host,
			    sizeof(o->bind_host)) == -1)
				return options_bad(msg, cap, "bad address for -b: '%s'", optarg);
			break;
		case 'p':
			if (options_parse_port(optarg, 0, &port) == -1)
				return options_bad(msg, cap, "bad port '%s': use 0..65535 (0 = any free port)", optarg);
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			return OPTIONS_HELP;
		default:
			return options_unknown(c, msg, cap, argv);
		}
	}
	if (optind < argc)
		return options_bad(msg, cap, "unexpected argument '%s'", argv[optind]);
	options_store_port(o->port, port);
	return OPTIONS_OK;
}

/* The value of -t or -r, checked against its range. */
static int
options_client_number(int c, const char *arg, struct options_client *o)
{
	long v;

	if (c == 't' && options_parse_int(arg, 1, OPTIONS_MAX_TIMEOUT_MS, &v) == 0)
		o->timeout_ms = (int)v;
	else if (c == 'r' && options_parse_int(arg, 0, OPTIONS_MAX_RETRIES, &v) == 0)
		o->retries = (int)v;
	else
		return -1;
	return 0;
}

enum options_status
options_parse_client(int argc, char *argv[], struct options_client *o,
    char *msg, size_t cap)
{
	unsigned port;
	int c, first = 1;

	memset(o, 0, sizeof(*o));
	o->timeout_ms = OPTIONS_DEFAULT_TIMEOUT_MS;
	o->retries = OPTIONS_DEFAULT_RETRIES;
	while ((c = options_next(argc, argv, ":t:r:h", &first)) != -1) {
		switch (c) {
		case 't':
		case 'r':
			if (options_client_number(c, optarg, o) == -1)
				return options_bad(msg, cap, c == 't' ?
				    "bad timeout '%s': use 1..%d milliseconds" :
				    "bad retry count '%s': use 0..%d", optarg,
				    c == 't' ? OPTIONS_MAX_TIMEOUT_MS : OPTIONS_MAX_RETRIES);
			break;
		case 'h':
			return OPTIONS_HELP;
		default:
			return options_unknown(c, msg, cap, argv);
		}
	}
	if (argc - optind < 2)
		return options_bad(msg, cap, argc == optind ?
		    "missing HOST and PORT" : "missing PORT");
	if (argc - optind > 2)
		return options_bad(msg, cap, "unexpected argument '%s'", argv[optind + 2]);
	if (options_parse_host(argv[optind], o->host, sizeof(o->host)) == -1)
		return options_bad(msg, cap, "bad host '%s'", argv[optind]);
	if (options_parse_port(argv[optind + 1], 1, &port) == -1)
		return options_bad(msg, cap, "bad port '%s': use 1..65535", argv[optind + 1]);
	options_store_port(o->port, port);
	return OPTIONS_OK;
}
