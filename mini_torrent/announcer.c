/*
 * announcer.c — the tracker conversation of a peer (see announcer.h).
 *
 * Read it in the order an announce lives: announcer_due decides one is due
 * and starts it (announce_start: build the request, connect), announcer_io
 * sends the request and reads the answer until the tracker closes, then
 * announce_done or announce_failed reschedules.
 */
#include "announcer.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "jlog.h"
#include "metainfo.h"
#include "net.h"

#define GOODBYE_WAIT_MS 2000
#define MIN_EARLY_GAP_MS 30000	/* early announces, without a min interval */

int
announcer_init(struct announcer *a, const struct metainfo *m)
{
	a->fd = -1;
	a->enabled = 0;
	if (m->announce != NULL &&
	    tracker_client_parse_url(m->announce, &a->url) == 0) {
		a->enabled = 1;
		return 0;
	}
	for (size_t t = 0; t < m->tier_count; t++)
		for (size_t i = 0; i < m->tiers[t].count; i++)
			if (tracker_client_parse_url(m->tiers[t].urls[i],
			    &a->url) == 0) {
				a->enabled = 1;
				return 0;
			}
	return -1;
}

void
announcer_close(struct announcer *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
	free(a->resp);
	a->resp = NULL;
	a->resp_len = 0;
}

/* Starts an announce with event (or NULL).  Returns 0 or -1. */
static int
announce_start(struct announcer *a, const char *event, int64_t now)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai;
	struct tracker_announce req = { .info_hash = a->s->meta->info_hash,
	    .peer_id = a->s->peer_id, .port = a->port,
	    .uploaded = a->s->uploaded, .downloaded = a->s->downloaded,
	    .left = session_left(a->s), .event = event,
	    .numwant = (int)a->numwant };
	long n;

	announcer_close(a);
	if ((n = tracker_client_request(&a->url, &req, a->req,
	    sizeof(a->req))) < 0)
		return -1;
	a->req_len = (size_t)n;
	a->req_off = 0;
	a->event = event;
	a->deadline_ms = now + (a->timeout_ms > 0 ? a->timeout_ms :
	    ANNOUNCER_TIMEOUT_MS);
	if (getaddrinfo(a->url.host, a->url.port, &hints, &ai) != 0)
		return -1;
	a->fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (a->fd < 0 || net_set_nonblocking(a->fd) < 0 ||
	    (a->src_len > 0 && a->src.ss_family == ai->ai_family &&
	    bind(a->fd, (struct sockaddr *)&a->src, a->src_len) < 0) ||
	    (connect(a->fd, ai->ai_addr, ai->ai_addrlen) < 0 &&
	    errno != EINPROGRESS)) {
		freeaddrinfo(ai);
		announcer_close(a);
		return -1;
	}
	freeaddrinfo(ai);
	a->connected = 0;
	return 0;
}

static enum announcer_status
announce_failed(struct announcer *a, const char *why, int64_t now)
{
	int64_t backoff = 5000LL << (a->failures < 6 ? a->failures : 6);

	if (why != a->why)
		snprintf(a->why, sizeof(a->why), "%s", why);
	announcer_close(a);
	a->failures++;
	a->next_ms = now + backoff;
	jlog_begin(a->s->log, now - a->s->start_ms, "announce_failed");
	jlog_str(a->s->log, "event", a->event != NULL ? a->event : "");
	jlog_str(a->s->log, "reason", a->why);
	jlog_end(a->s->log);
	if (a->on_failure != NULL)
		a->on_failure(a->failure_ctx, a->why);
	return ANNOUNCER_FAILED;
}

static void
log_answer(struct announcer *a, const struct tracker_reply *r, int64_t now)
{
	struct jlog *log = a->s->log;

	jlog_begin(log, now - a->s->start_ms, "announce");
	jlog_str(log, "event", a->event != NULL ? a->event : "");
	jlog_int(log, "peers", (int64_t)r->npeers);
	jlog_int(log, "interval", r->interval);
	jlog_int(log, "min_interval", r->min_interval);
	jlog_int(log, "complete", r->complete);
	jlog_int(log, "incomplete", r->incomplete);
	jlog_str(log, "warning", r->warning);
	jlog_end(log);
}

/* The tracker answered: remember its peers and when to come back. */
static enum announcer_status
announce_done(struct announcer *a, int64_t now)
{
	struct tracker_reply r;

	if (tracker_client_parse_reply(a->resp, a->resp_len, &r, a->why,
	    sizeof(a->why)) < 0)
		return announce_failed(a, a->why, now);
	if (r.failure[0] != '\0') {
		snprintf(a->why, sizeof(a->why), "failure reason: %s", r.failure);
		tracker_client_reply_free(&r);
		return announce_failed(a, a->why, now);
	}
	a->failures = 0;
	a->last_ms = now;
	if (a->event == NULL || strcmp(a->event, "started") == 0)
		a->started_ok = 1;
	if (a->event != NULL && strcmp(a->event, "completed") == 0)
		a->need_completed = 0;
	a->next_ms = now + 1000 * (r.interval > 0 ? r.interval : 1800);
	a->min_interval_ms = r.min_interval > 0 ? 1000 * r.min_interval : 0;
	for (size_t i = 0; i < r.npeers; i++)
		candidates_add(a->cands, (const struct sockaddr *)&r.peers[i].addr,
		    r.peers[i].addr_len);
	log_answer(a, &r, now);
	tracker_client_reply_free(&r);
	announcer_close(a);
	return ANNOUNCER_ANSWERED;
}

/* Our connect() finished, or the request still has bytes to send. */
static enum announcer_status
send_request(struct announcer *a, int64_t now)
{
	ssize_t n;

	if (!a->connected) {
		int e = 0;
		socklen_t el = sizeof(e);

		if (getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e)
			return announce_failed(a, strerror(e ? e : errno), now);
		a->connected = 1;
	}
	n = send(a->fd, a->req + a->req_off, a->req_len - a->req_off,
	    MSG_NOSIGNAL);
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		return announce_failed(a, strerror(errno), now);
	if (n > 0)
		a->req_off += (size_t)n;
	return ANNOUNCER_IDLE;
}

enum announcer_status
announcer_io(struct announcer *a, short revents, int64_t now)
{
	ssize_t n;

	if (!a->connected || a->req_off < a->req_len)
		return send_request(a, now);
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return ANNOUNCER_IDLE;
	if (a->resp == NULL && (a->resp = malloc(ANNOUNCER_RESP_MAX)) == NULL)
		return announce_failed(a, "out of memory", now);
	n = recv(a->fd, a->resp + a->resp_len, ANNOUNCER_RESP_MAX - a->resp_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return ANNOUNCER_IDLE;
	if (n < 0)
		return announce_failed(a, strerror(errno), now);
	if (n == 0)
		return announce_done(a, now);
	if ((a->resp_len += (size_t)n) == ANNOUNCER_RESP_MAX)
		return announce_failed(a, "answer too large", now);
	return ANNOUNCER_IDLE;
}

/*
 * Few neighbours and nobody left to dial: worth asking the tracker early —
 * but no sooner than the tracker's "min interval" allows (30 s if it gave
 * none), and not while a failure's back-off runs, or a tracker that refuses
 * connections would be asked again at once, in a busy loop.
 */
static int
running_low(const struct announcer *a, int64_t now)
{
	int64_t gap = a->min_interval_ms > 0 ? a->min_interval_ms :
	    MIN_EARLY_GAP_MS;

	if (gap < 1000)
		gap = 1000;
	if (a->s->npeers >= ANNOUNCER_LOW_NEIGHBOURS ||
	    session_complete(a->s) || a->failures > 0 || now < a->last_ms + gap)
		return 0;
	return candidates_left(a->cands, a->busy, a->busy_ctx) == 0;
}

/* Gives up on an announce that outlived its deadline (a tracker that
 * accepts and never answers would otherwise hold it, and the event loop's
 * poll would wait 0 ms for it, forever).  Then starts whatever announce is
 * due: "started" first, "completed" as soon as
 * the download completes, then regular ones, or an early one when we run
 * short of neighbours. */
enum announcer_status
announcer_due(struct announcer *a, int64_t now)
{
	const char *event = NULL;

	if (a->fd >= 0 && now >= a->deadline_ms) {
		snprintf(a->why, sizeof(a->why), "no answer within %lld ms",
		    (long long)(a->timeout_ms > 0 ? a->timeout_ms :
		    ANNOUNCER_TIMEOUT_MS));
		return announce_failed(a, a->why, now);
	}
	if (!a->enabled || a->fd >= 0)
		return ANNOUNCER_IDLE;
	if (a->s->just_completed) {
		a->s->just_completed = 0;
		a->need_completed = a->started_ok;
	}
	if (!a->started_ok)
		event = "started";
	else if (a->need_completed)
		event = "completed";
	if (now < a->next_ms && (event == NULL || a->failures > 0) &&
	    !running_low(a, now))
		return ANNOUNCER_IDLE;
	if (announce_start(a, event, now) < 0)
		return announce_failed(a, "cannot reach the tracker", now);
	return ANNOUNCER_IDLE;
}

short
announcer_events(const struct announcer *a)
{
	return a->connected && a->req_off == a->req_len ? POLLIN : POLLOUT;
}

int64_t
announcer_deadline(const struct announcer *a)
{
	if (a->fd >= 0)
		return a->deadline_ms;
	return a->enabled ? a->next_ms : INT64_MAX;
}

/* Announces event and waits up to GOODBYE_WAIT_MS for the answer. */
static void
announce_now(struct announcer *a, const char *event)
{
	int64_t now = clock_now_ms(), end = now + GOODBYE_WAIT_MS;

	if (!a->enabled || !a->started_ok)
		return;
	if (announce_start(a, event, now) < 0)
		return;
	while (a->fd >= 0 && (now = clock_now_ms()) < end) {
		struct pollfd pfd = { .fd = a->fd, .events = announcer_events(a) };

		if (poll(&pfd, 1, (int)(end - now)) > 0)
			announcer_io(a, pfd.revents, clock_now_ms());
	}
	announcer_close(a);
}

void
announcer_goodbye(struct announcer *a)
{
	if (a->s->just_completed)
		a->need_completed = 1;
	if (a->need_completed)
		announce_now(a, "completed");
	announce_now(a, "stopped");
}
