/*
 * options.h — the command lines of tcp_server and tcp_client, parsed into plain
 * structs.
 *
 * Parsing lives in a module, not in main(), so that every rule (ranges, missing
 * values, stray arguments) is unit-tested.  Like every module it never prints
 * or exits: it returns a status and a one-line reason, and the program decides
 * what to print and which exit code to use.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stddef.h>

#define OPTIONS_DEFAULT_PORT "12000"
#define OPTIONS_DEFAULT_IDLE_MS 300000L	/* 5 minutes */
#define OPTIONS_DEFAULT_TIMEOUT_MS 5000L

enum options_status {
	OPTIONS_OK,	/* parsed; run the program */
	OPTIONS_HELP,	/* --help was asked for: print usage, exit 0 */
	OPTIONS_BAD,	/* bad usage: print the reason, exit 2 */
};

enum options_mode {
	OPTIONS_MODE_POLL,		/* one process, one poll() loop, every client at once */
	OPTIONS_MODE_FORK,		/* one child process per client */
	OPTIONS_MODE_ITERATIVE,	/* one client at a time, the others wait */
	OPTIONS_MODE_COUNT
};

/* "poll", "fork", "iterative", indexed by enum options_mode. */
extern const char *const options_mode_names[OPTIONS_MODE_COUNT];

struct options_server {
	const char *bind_addr;	/* -b: NULL means every local address */
	const char *port;	/* -p: decimal 0..65535, 0 = any free port */
	int verbose;		/* -v: log connects and disconnects */
	long max_clients;	/* --max-clients: 0 = as many as descriptors allow */
	long idle_timeout_ms;	/* --idle-timeout: 0 = never close idle clients */
	enum options_mode mode;	/* --mode */
};

struct options_client {
	long timeout_ms;	/* -t: bound on every wait (connect, send, reply) */
	const char *host;
	const char *port;	/* decimal 1..65535 */
};

/*
 * Parse argv into *o (defaults first).  On OPTIONS_BAD, why receives a one-line
 * reason (truncated to cap).  argv may be permuted (getopt_long); the strings
 * stored in *o point into argv.
 */
enum options_status options_parse_server(int argc, char **argv, struct options_server *o,
    char *why, size_t cap);
enum options_status options_parse_client(int argc, char **argv, struct options_client *o,
    char *why, size_t cap);

/*
 * Parses s as a whole decimal number in [min, max] into *out, digits only
 * (no sign, space or tab), as lab 1's options_parse_int.  Returns 0, or -1
 * (and leaves *out alone) if s is NULL or empty, has another character, or
 * is out of range.
 */
int options_parse_int(const char *s, long min, long max, long *out);

#endif
