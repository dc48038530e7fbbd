/*
 * options.h — the command lines of udp_server and udp_client, parsed into
 * plain structs.
 *
 * Parsing lives in a module, not in main(), so that every bad command line
 * (a port of 70000, a timeout of "5s", a missing HOST) is a unit test rather
 * than a process to start.  Like every library module here it never prints
 * and never exits: it returns a status and, for OPTIONS_BAD, one line saying
 * what was wrong; main() decides to print the usage and exit 2.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stddef.h>

#define OPTIONS_DEFAULT_PORT		12000	/* the textbook's serverPort */
#define OPTIONS_DEFAULT_TIMEOUT_MS	1000
#define OPTIONS_DEFAULT_RETRIES		3
#define OPTIONS_MAX_TIMEOUT_MS		3600000	/* one hour */
#define OPTIONS_MAX_RETRIES		1000
#define OPTIONS_HOST_MAX		256	/* a DNS name is at most 253 */

enum options_status {
	OPTIONS_OK,	/* run the program */
	OPTIONS_HELP,	/* --help or -h: print the usage, exit 0 */
	OPTIONS_BAD,	/* bad usage: print the message, exit 2 */
};

struct options_server {
	char bind_host[OPTIONS_HOST_MAX];	/* default "0.0.0.0": every IPv4 address */
	char port[6];			/* decimal, "0" = any free port */
	int verbose;
};

struct options_client {
	char host[OPTIONS_HOST_MAX];
	char port[6];			/* decimal, 1..65535 */
	int timeout_ms;			/* wait per attempt, 1..OPTIONS_MAX_TIMEOUT_MS */
	int retries;			/* resends after the first try */
};

/*
 * Parses udp_server's argv.  On OPTIONS_BAD, msg (msgcap bytes) holds one
 * line without a newline.  Uses getopt, so it is not thread-safe.
 */
enum options_status options_parse_server(int argc, char *argv[],
    struct options_server *o, char *msg, size_t msgcap);

/* Parses udp_client's argv, as options_parse_server does. */
enum options_status options_parse_client(int argc, char *argv[],
    struct options_client *o, char *msg, size_t msgcap);

/*
 * Parses a decimal port in [min, 65535] (min is 0 where "any port" makes
 * sense, else 1).  Only digits are accepted: no sign, space or suffix.
 * Returns 0 and sets *port, or -1.
 */
int options_parse_port(const char *s, int min, unsigned *port);

/*
 * Parses a decimal integer in [min, max], digits only.  Returns 0 and sets
 * *out, or -1.
 */
int options_parse_int(const char *s, long min, long max, long *out);

/*
 * Copies a host name or address into out (cap bytes), dropping the brackets
 * of "[::1]" so that the address a server prints can be pasted back.
 * Returns 0, or -1 if s is empty, too long or has unbalanced brackets.
 */
int options_parse_host(const char *s, char *out, size_t cap);

#endif
