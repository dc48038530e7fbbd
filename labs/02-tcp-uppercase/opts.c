/*
 * opts.c — see opts.h.  Built on getopt_long(3) so that the usual spellings
 * all work (-p 80, -p80, --idle-timeout=50, --idle-timeout 50) with opterr
 * off, so that getopt never prints: each error becomes the reason string.
 */
#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const opts_mode_names[OPTS_MODE_COUNT] = {
	[OPTS_MODE_POLL] = "poll",
	[OPTS_MODE_FORK] = "fork",
	[OPTS_MODE_ITERATIVE] = "iterative",
};

enum { OPT_MAX_CLIENTS = 256, OPT_IDLE, OPT_MODE, OPT_HELP };

int
opts_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0' || *s == ' ' || *s == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Turns getopt's error return into a reason.  Always returns OPTS_USAGE. */
static enum opts_status
bad_option(int c, char **argv, char *why, size_t cap)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		snprintf(why, cap, "option '%s' needs a value", arg);
	else if (optopt != 0 && optopt < 256)
		snprintf(why, cap, "unknown option '-%c'", optopt);
	else
		snprintf(why, cap, "unknown option '%s'", arg);
	return OPTS_USAGE;
}

static enum opts_status
bad_value(const char *opt, const char *val, const char *want, char *why, size_t cap)
{
	snprintf(why, cap, "%s '%s': %s", opt, val, want);
	return OPTS_USAGE;
}

static int
parse_mode(const char *s, enum opts_mode *mode)
{
	for (int m = 0; m < OPTS_MODE_COUNT; m++) {
		if (strcmp(s, opts_mode_names[m]) == 0) {
			*mode = (enum opts_mode)m;
			return 0;
		}
	}
	return -1;
}

/* Handles one server option c with value arg.  Returns OPTS_OK or a status. */
static enum opts_status
server_option(int c, const char *arg, struct opts_server *o, char *why, size_t cap)
{
	long v;

	switch (c) {
	case 'b':
		o->bind_addr = arg;
		break;
	case 'p':
		if (opts_parse_long(arg, 0, 65535, &v) == -1)
			return bad_value("-p", arg, "want a port 0..65535", why, cap);
		o->port = arg;
		break;
	case 'v':
		o->verbose = 1;
		break;
	case OPT_MAX_CLIENTS:
		if (opts_parse_long(arg, 1, INT_MAX, &o->max_clients) == -1)
			return bad_value("--max-clients", arg, "want a number >= 1", why, cap);
		break;
	case OPT_IDLE:
		if (opts_parse_long(arg, 0, INT_MAX, &o->idle_timeout_ms) == -1)
			return bad_value("--idle-timeout", arg, "want milliseconds >= 0", why,
			    cap);
		break;
	case OPT_MODE:
		if (parse_mode(arg, &o->mode) == -1)
			return bad_value("--mode", arg, "want iterative, fork or poll", why, cap);
		break;
	case OPT_HELP:
		return OPTS_HELP;
	}
	return OPTS_OK;
}

enum opts_status
opts_parse_server(int argc, char **argv, struct opts_server *o, char *why, size_t cap)
{
	static const struct option longopts[] = {
		{ "max-clients", required_argument, NULL, OPT_MAX_CLIENTS },
		{ "idle-timeout", required_argument, NULL, OPT_IDLE },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	enum opts_status st;
	int c;

	*o = (struct opts_server){ .port = OPTS_DEFAULT_PORT,
		.idle_timeout_ms = OPTS_DEFAULT_IDLE_MS, .mode = OPTS_MODE_POLL };
	optind = 0;	/* glibc: 0 restarts the scan from scratch (tests parse many times) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:p:v", longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return bad_option(c, argv, why, cap);
		if ((st = server_option(c, optarg, o, why, cap)) != OPTS_OK)
			return st;
	}
	if (optind < argc) {
		snprintf(why, cap, "unexpected argument '%s'", argv[optind]);
		return OPTS_USAGE;
	}
	return OPTS_OK;
}

enum opts_status
opts_parse_client(int argc, char **argv, struct opts_client *o, char *why, size_t cap)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	long v;
	int c;

	*o = (struct opts_client){ .timeout_ms = OPTS_DEFAULT_TIMEOUT_MS };
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:", longopts, NULL)) != -1) {
		if (c == OPT_HELP)
			return OPTS_HELP;
		if (c != 't')
			return bad_option(c, argv, why, cap);
		if (opts_parse_long(optarg, 1, INT_MAX, &o->timeout_ms) == -1)
			return bad_value("-t", optarg, "want milliseconds >= 1", why, cap);
	}
	if (argc - optind != 2) {
		snprintf(why, cap, "want HOST and PORT, got %d argument%s", argc - optind,
		    argc - optind == 1 ? "" : "s");
		return OPTS_USAGE;
	}
	o->host = argv[optind];
	o->port = argv[optind + 1];
	if (opts_parse_long(o->port, 1, 65535, &v) == -1)
		return bad_value("PORT", o->port, "want a port 1..65535", why, cap);
	return OPTS_OK;
}
