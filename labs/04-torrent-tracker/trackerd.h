/*
 * trackerd.h — what the tracker answers, given one parsed HTTP request.
 *
 * This is the tracker minus its sockets: mt-tracker.c accepts connections and
 * moves bytes; for each complete request head it calls trackerd_handle, which
 * routes it (/announce, /scrape, / and /stats.json), consults and updates the
 * swarm table, and appends the whole HTTP response to the connection's output.
 * Keeping it free of sockets lets the fuzzer drive the full path from request
 * bytes to response bytes, and keeps the poll loop about moving bytes only.
 */
#ifndef TRACKERD_H
#define TRACKERD_H

#include <stddef.h>

#include "bencode.h"
#include "httpd.h"
#include "swarm.h"

struct trackerd_config {
	long long interval_s;		/* "interval" told to clients */
	long long min_interval_s;	/* "min interval" */
	int numwant_max;		/* cap on numwant */
	struct swarm_limits limits;	/* expiry is normally 2 * interval */
};

struct trackerd {
	struct trackerd_config cfg;
	struct swarm_table table;
	const struct swarm_peer **picked;	/* room for numwant_max */
	struct bencode_buf body;		/* reused for every answer */
	struct httpd_buf text;
	long long next_sweep_ms;
};

/* Fills *cfg with the defaults: 1800 s interval, expiry after two. */
void trackerd_defaults(struct trackerd_config *cfg);

/* Returns 0, or -1 if out of memory. */
int trackerd_init(struct trackerd *d, const struct trackerd_config *cfg, uint64_t seed);
void trackerd_free(struct trackerd *d);

/*
 * Answers req, a request from IPv4 address ip (network order) at now_ms, by
 * appending a complete response to out.  If log is not NULL and the request
 * was an announce, writes a one-line summary of it there (else "").  Returns 1
 * if the connection may stay open for another request, 0 if it must be closed
 * once out is sent.
 */
int trackerd_handle(struct trackerd *d, const struct httpd_request *req,
    const unsigned char ip[4], long long now_ms, struct httpd_buf *out,
    char *log, size_t log_cap);

/*
 * Appends the response for a request that could not be parsed (400 for
 * HTTPD_BAD, 431 for HTTPD_TOO_LARGE) or timed out (408).  The connection must
 * then be closed.
 */
void trackerd_error(int status, struct httpd_buf *out);

/*
 * Expires silent peers when it is time to.  Returns the milliseconds until it
 * should be called again.
 */
long long trackerd_tick(struct trackerd *d, long long now_ms);

#endif
