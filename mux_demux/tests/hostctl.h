/*
 * hostctl.h — drive mux_host processes from a test: start one, type commands,
 * wait for the lines they print, read their mux/demux table.
 *
 * Every wait has a deadline; nothing sleeps.  A table is read by typing
 * "table" and parsing the lines up to "-- end of table --".
 */
#ifndef HOSTCTL_H
#define HOSTCTL_H

#include <stddef.h>
#include <stdint.h>

#include "proc.h"

#define HOSTCTL_WAIT_MS	10000	/* generous: two cores shared by many */
#define HOSTCTL_MAX_ROWS 64

#define HOSTCTL_BACKLOG	8192

/*
 * Lines an expect skipped are kept, in order, for later expects: a test can
 * wait for "connected 1" and still find the "recv" lines printed before it.
 */
struct hostctl {
	struct proc p;
	char addr[64];		/* "127.0.0.1:PORT", its network address */
	char *skipped[HOSTCTL_BACKLOG];
	int nskipped;
	int cursor;		/* where the line after the last match is kept */
};

struct hostctl_row {
	unsigned port;
	char remote[64], kind[16], state[16];
	unsigned long seg_out, msg_out, seg_in, msg_in, refused;
};

struct hostctl_table {
	struct hostctl_row rows[HOSTCTL_MAX_ROWS];
	int nrows;
	unsigned long bad_checksum, malformed, refused, queue_full, reasm_timeout, reasm_duplicate;
	unsigned long sent, received, impaired_drop, impaired_corrupt, impaired_dup;
	unsigned long impaired_reorder;
};

/*
 * Starts mux_host with the NULL-terminated extra arguments and waits for its
 * "listening on" line.  Returns 0, or -1.
 */
int hostctl_start(struct hostctl *h, const char *const *args);
void hostctl_stop(struct hostctl *h);

/* Types one command line (a newline is added).  Returns 0, or -1. */
int hostctl_cmd(struct hostctl *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Finds the first line, among those skipped before and then new ones, that
 * starts with prefix; copies it to line.  Returns 0, or -1 on timeout or end
 * of output.
 */
int hostctl_expect(struct hostctl *h, const char *prefix, char *line, size_t cap);

/* The line printed right after the last one found.  Returns 0, or -1. */
int hostctl_next(struct hostctl *h, char *line, size_t cap);

/* Types cmd and waits for "sock N ..."; returns N, or -1. */
int hostctl_sock(struct hostctl *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Types "table" and parses the answer.  Returns 0, or -1. */
int hostctl_table(struct hostctl *h, struct hostctl_table *t);

/* The row of port (and remote, or "-"), or NULL. */
const struct hostctl_row *hostctl_row(const struct hostctl_table *t, unsigned port,
    const char *remote);

/* What mux_host prints for a message: FNV-1a 32 of the bytes. */
uint32_t hostctl_fnv(const uint8_t *p, size_t n);

/* The FNV of the n-byte pattern message of sendto-bytes, upper-cased if upper. */
uint32_t hostctl_pattern_fnv(size_t n, int upper);

#endif
