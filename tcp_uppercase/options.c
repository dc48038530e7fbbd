/*
 * options.c — see options.h.  Built on getopt_long(3) so that the usual spellings
 * all work (-p 80, -p80, --idle-timeout=50, --idle-timeout 50) with opterr
 * off, so that getopt never prints: each error becomes the reason string.
 */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const options_mode_names[OPTIONS_MODE_COUNT] = {
	[OPTIONS_MODE_POLL] = "poll",
	[OPTIONS_MODE_FORK] = "fork",
	[OPTIONS_MODE_ITERATIVE] = "iterative",
};

enum { OPT_MAX_CLIENTS = 256, OPT_IDLE, OPT_MODE, OPT_HELP };

int
options_parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || s[0] < '0' || s[0] > '9')	/* no sign, space or tab: digits only */
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Turns getopt's error return into a reason.  Always returns OPTIONS_BAD. */
static enum options_status
bad_option(int c, char **argv, char *why, size_t cap)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		snprintf(why, cap, "option '%s' needs a value", arg);
	else if (optopt != 0 && optopt < 256)
		snprintf(why, cap, "unknown option '-%c'", optopt);
	else
		snprintf(why, cap, "unknown option '%s'", arg);
	return OPTIONS_BAD;
}

static enum options_status
bad_value(const char *opt, const char *val, const char *want, char *why, size_t cap)
{
	snprintf(why, cap, "%s '%s': %s", opt, val, want);
	return OPTIONS_BAD;
}

static int
parse_mode(const char *s, enum options_mode *mode)
{
	for (int m = 0; m < OPTIONS_MODE_COUNT; m++) {
		if (strcmp(s, options_mode_names[m]) == 0) {
			*mode = (enum options_mode)m;
			return 0;
		}
	}
	return -1;
}

/* Handles one server option c with value arg.  Returns OPTIONS_OK or a status. */
static enum options_status
server_option(int c, const char *arg, struct options_server *o, char *why, size_t cap)
{
	long v;

	switch (c) {
	case 'b':
		o->bind_addr = arg;
		break;
	case 'p':
		if (options_parse_int(arg, 0, 65535, &v) == -1)
			return bad_value("-p", arg, "want a port 0..65535", why, cap);
		o->port = arg;
		break;
	case 'v':
		o->verbose = 1;
		break;
	case OPT_MAX_CLIENTS:
		if (options_parse_int(arg, 1, INT_MAX, &o->max_clients) == -1)
			return bad_value("--max-clients", arg, "want a number >= 1", why, cap);
		break;
	case OPT_IDLE:
		if (options_parse_int(arg, 0, INT_MAX, &o->idle_timeout_ms) == -1)
			return bad_value("--idle-timeout", arg, "want milliseconds >= 0", why,
			    cap);
		break;
	case OPT_MODE:
		if (parse_mode(arg, &o->mode) == -1)
			return bad_value("--mode", arg, "want iterative, fork or poll", why, cap);
		break;
	case OPT_HELP:
		return OPTIONS_HELP;
	}
	return OPTIONS_OK;
}

enum options_status
options_parse_server(int argc, char **argv, struct options_server *o, char *why, size_t cap)
{
	static const struct option longopts[] = {
		{ "max-clients", required_argument, NULL, OPT_MAX_CLIENTS },
		{ "idle-timeout", required_argument, NULL, OPT_IDLE },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	enum options_status st;
	int c;

	*o = (struct options_server){ .port = OPTIONS_DEFAULT_PORT,
		.idle_timeout_ms = OPTIONS_DEFAULT_IDLE_MS, .mode = OPTIONS_MODE_POLL };
	optind = 0;	/* glibc: 0 restarts the scan from scratch (tests parse many times) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:p:v", longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return bad_option(c, argv, why, cap);
		if ((st = server_option(c, optarg, o, why, cap)) != OPTIONS_OK)
			return st;
	}
	if (optind < argc) {
		snprintf(why, cap, "unexpected argument '%s'", argv[optind]);
		return OPTIONS_BAD;
	}
	return OPTIONS_OK;
}

enum options_status
options_parse_client(int argc, char **argv, struct options_client *o, char *why, size_t cap)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	long v;
	int c;

	*o = (struct options_client){ .timeout_ms = OPTIONS_DEFAULT_TIMEOUT_MS };
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:", longopts, NULL)) != -1) {
		if (c == OPT_HELP)
			return OPTIONS_HELP;
		if (c != 't')
			return bad_option(c, argv, why, cap);
		if (options_parse_int(optarg, 1, INT_MAX, &o->timeout_ms) == -1)
			return bad_value("-t", optarg, "want milliseconds >= 1", why, cap);
	}
	if (argc - optind != 2) {
		snprintf(why, cap, "want HOST and PORT, got %d argument%s", argc - optind,
		    argc - optind == 1 ? "" : "s");
		return OPTIONS_BAD;
	}
	o->host = argv[optind];
	o->port = argv[optind + 1];
	if (options_parse_int(o->port, 1, 65535, &v) == -1)
		return bad_value("PORT", o->port, "want a port 1..65535", why, cap);
	return OPTIONS_OK;
}
