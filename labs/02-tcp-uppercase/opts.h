/*
 * opts.h — the command lines of tcp_server and tcp_client, parsed into plain
 * structs.
 *
 * Parsing lives in a module, not in main(), so that every rule (ranges, missing
 * values, stray arguments) is unit-tested.  Like every module it never prints
 * or exits: it returns a status and a one-line reason, and the program decides
 * what to print and which exit code to use.
 */
#ifndef OPTS_H
#define OPTS_H

#include <stddef.h>

#define OPTS_DEFAULT_PORT "12000"
#define OPTS_DEFAULT_IDLE_MS 300000L	/* 5 minutes */
#define OPTS_DEFAULT_TIMEOUT_MS 5000L

enum opts_status {
	OPTS_OK,	/* parsed; run the program */
	OPTS_HELP,	/* --help was asked for: print usage, exit 0 */
	OPTS_USAGE,	/* bad usage: print the reason, exit 2 */
};

enum opts_mode {
	OPTS_MODE_POLL,		/* one process, one poll() loop, every client at once */
	OPTS_MODE_FORK,		/* one child process per client */
	OPTS_MODE_ITERATIVE,	/* one client at a time, the others wait */
	OPTS_MODE_COUNT
};

/* "poll", "fork", "iterative", indexed by enum opts_mode. */
extern const char *const opts_mode_names[OPTS_MODE_COUNT];

struct opts_server {
	const char *bind_addr;	/* -b: NULL means every local address */
	const char *port;	/* -p: decimal 0..65535, 0 = any free port */
	int verbose;		/* -v: log connects and disconnects */
	long max_clients;	/* --max-clients: 0 = as many as descriptors allow */
	long idle_timeout_ms;	/* --idle-timeout: 0 = never close idle clients */
	enum opts_mode mode;	/* --mode */
};

struct opts_client {
	long timeout_ms;	/* -t: bound on every wait (connect, send, reply) */
	const char *host;
	const char *port;	/* decimal 1..65535 */
};

/*
 * Parse argv into *o (defaults first).  On OPTS_USAGE, why receives a one-line
 * reason (truncated to cap).  argv may be permuted (getopt_long); the strings
 * stored in *o point into argv.
 */
enum opts_status opts_parse_server(int argc, char **argv, struct opts_server *o,
    char *why, size_t cap);
enum opts_status opts_parse_client(int argc, char **argv, struct opts_client *o,
    char *why, size_t cap);

/*
 * Parses s as a whole decimal number in [min, max] into *out.
 * Returns 0, or -1 (and leaves *out alone) if s is empty, has trailing
 * characters, or is out of range.
 */
int opts_parse_long(const char *s, long min, long max, long *out);

#endif
