/*
 * announcer.h — the peer's conversation with its tracker: when to announce,
 * what to say, and what to do with the answer.
 *
 * A peer announces "started" when it joins, "completed" once the download
 * completes, "stopped" when it leaves, and plain announces every "interval"
 * the tracker asks for.  It also asks early when it runs short of neighbours
 * (fewer than ANNOUNCER_LOW_NEIGHBOURS and nobody left to dial), but never
 * sooner than the tracker's "min interval".  A failed announce is retried
 * after a back-off that doubles each time, from 5 s up to 320 s.
 *
 * The socket is non-blocking and driven by the peer's one poll() loop, so a
 * slow tracker never stalls transfers: the loop asks announcer_events()
 * what to poll for and announcer_deadline() when to wake, and hands readiness
 * to announcer_io().  tracker_client.c builds the request bytes and parses
 * the answer; the addresses it names go into the candidates table.  Answers
 * and failures are logged as "announce" and "announce_failed" events; the
 * caller decides what to print (on_failure hears every failure, goodbyes
 * included).
 */
#ifndef ANNOUNCER_H
#define ANNOUNCER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "candidates.h"
#include "session.h"
#include "tracker_client.h"

#define ANNOUNCER_TIMEOUT_MS 15000	/* one announce, connect to answer */
#define ANNOUNCER_RESP_MAX (1u << 20)	/* the largest answer we read */
#define ANNOUNCER_LOW_NEIGHBOURS 5	/* fewer: announce early for more */

/* What a call did, for the caller to act on. */
enum announcer_status {
	ANNOUNCER_IDLE,		/* nothing finished */
	ANNOUNCER_ANSWERED,	/* the tracker answered: new candidates */
	ANNOUNCER_FAILED	/* the announce failed (on_failure heard why) */
};

struct announcer {
	int enabled;		/* the torrent names an http:// tracker */
	struct tracker_url url;
	/* What the requests say and where answers go (set before use). */
	struct session *s;
	struct candidates *cands;
	candidates_busy_fn *busy;	/* addresses not worth dialling */
	void *busy_ctx;
	void (*on_failure)(void *ctx, const char *why);	/* may be NULL */
	void *failure_ctx;
	uint16_t port;		/* ours, as we listen */
	unsigned numwant;
	struct sockaddr_storage src;	/* dial from here (src_len 0: any) */
	socklen_t src_len;
	/* The announce in flight. */
	int fd;			/* -1 when idle */
	int connected;
	const char *event;	/* of the request in flight */
	char req[4096];
	size_t req_len, req_off;
	uint8_t *resp;
	size_t resp_len;
	int64_t deadline_ms;
	int64_t timeout_ms;	/* connect to answer; 0: ANNOUNCER_TIMEOUT_MS */
	char why[300];		/* the last failure */
	/* The schedule. */
	int64_t next_ms;	/* next regular announce */
	int64_t last_ms;	/* last answer */
	int64_t min_interval_ms;
	unsigned failures;
	int started_ok;		/* the "started" announce got through */
	int need_completed;	/* a "completed" announce is owed */
};

/*
 * Sets a up, idle, for the first http:// tracker of meta (the "announce"
 * URL, else the first in announce-list).  Returns 0, or -1 when there is
 * none (a->enabled stays 0 and the other calls do nothing).
 */
int announcer_init(struct announcer *a, const struct metainfo *meta);

/* Starts whatever announce is due at now, if none is in flight. */
enum announcer_status announcer_due(struct announcer *a, int64_t now);

/* POLLIN or POLLOUT for a->fd (only while a->fd >= 0). */
short announcer_events(const struct announcer *a);

/* When the loop must call again: the announce's timeout, or the next one
 * due (INT64_MAX if neither). */
int64_t announcer_deadline(const struct announcer *a);

/* Moves the announce in flight along after poll() reported revents. */
enum announcer_status announcer_io(struct announcer *a, short revents,
    int64_t now);

/* The goodbyes: "completed" if owed, then "stopped", each waiting up to
 * 2 s for its answer (there is no loop left to wait in). */
void announcer_goodbye(struct announcer *a);

/* Closes the socket and frees the answer buffer. */
void announcer_close(struct announcer *a);

#endif
