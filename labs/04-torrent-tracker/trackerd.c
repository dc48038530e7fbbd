/*
 * trackerd.c — the tracker's answers; see trackerd.h.
 *
 * Every answer is built in a buffer the tracker keeps and reuses, then framed
 * with its Content-Length, so a busy tracker does not allocate per request.
 * Announce and scrape problems are answered the BitTorrent way, 200 OK with a
 * bencoded "failure reason" that clients show their users; HTTP errors are
 * kept for requests that are not tracker requests at all.
 */
#include "trackerd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "announce.h"
#include "dashboard.h"

#define BENCODE_TYPE "text/plain"

void
trackerd_defaults(struct trackerd_config *cfg)
{
	cfg->interval_s = 1800;
	cfg->min_interval_s = 900;
	cfg->numwant_max = 200;
	cfg->limits.max_swarms = 1000;
	cfg->limits.max_peers = 5000;
	cfg->limits.expiry_ms = 2 * cfg->interval_s * 1000;
}

int
trackerd_init(struct trackerd *d, const struct trackerd_config *cfg, uint64_t seed)
{
	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	swarm_table_init(&d->table, &cfg->limits, seed);
	bencode_buf_init(&d->body);
	httpd_buf_init(&d->text);
	d->picked = calloc((size_t)cfg->numwant_max + 1, sizeof(*d->picked));
	return d->picked == NULL ? -1 : 0;
}

void
trackerd_free(struct trackerd *d)
{
	swarm_table_free(&d->table);
	bencode_buf_free(&d->body);
	httpd_buf_free(&d->text);
	free(d->picked);
}

static void
body_reset(struct trackerd *d)
{
	d->body.len = 0;
	d->body.failed = 0;
}

/* Frames d->body as a 200 answer, or a 500 if building it ran out of memory. */
static void
send_body(struct trackerd *d, const char *type, struct httpd_buf *out, int keep)
{
	if (d->body.failed)
		httpd_put_response(out, 500, "text/plain", NULL, "out of memory\n", 14, keep);
	else
		httpd_put_response(out, 200, type, NULL, d->body.data, d->body.len, keep);
}

static void
send_failure(struct trackerd *d, const char *reason, struct httpd_buf *out, int keep)
{
	body_reset(d);
	announce_put_failure(&d->body, reason);
	send_body(d, BENCODE_TYPE, out, keep);
}

static const char *const event_name[SWARM_EVENT_COUNT] = {
	[SWARM_EVENT_NONE] = "update", [SWARM_EVENT_STARTED] = "started",
	[SWARM_EVENT_COMPLETED] = "completed", [SWARM_EVENT_STOPPED] = "stopped",
};

static void
log_announce(const struct announce_request *ar, const struct swarm_peer *p,
    const char *outcome, char *log, size_t cap)
{
	char client[64];

	dashboard_client(p->id, client, sizeof(client));
	snprintf(log, cap, "announce %u.%u.%u.%u:%u %s %02x%02x%02x%02x %s left=%lld: %s",
	    p->ip[0], p->ip[1], p->ip[2], p->ip[3], p->port, client, ar->info_hash[0],
	    ar->info_hash[1], ar->info_hash[2], ar->info_hash[3], event_name[ar->event],
	    ar->left, outcome);
}

/* GET /announce: record the peer, answer with others. */
static void
do_announce(struct trackerd *d, const struct httpd_request *req, const unsigned char ip[4],
    long long now_ms, struct httpd_buf *out, int keep, char *log, size_t cap)
{
	struct announce_request ar;
	struct announce_reply r;
	struct swarm_peer p;
	struct swarm *s;
	const char *param;
	char reason[96];
	enum announce_error e;
	enum swarm_status st;

	if ((e = announce_parse(req->query, req->query_len, d->cfg.numwant_max, &ar,
	    &param)) != ANNOUNCE_OK) {
		snprintf(reason, sizeof(reason), "%s: %s", announce_error_text(e), param);
		snprintf(log, cap, "announce from %u.%u.%u.%u refused: %s",
		    ip[0], ip[1], ip[2], ip[3], reason);
		send_failure(d, reason, out, keep);
		return;
	}
	memset(&p, 0, sizeof(p));
	memcpy(p.id, ar.peer_id, sizeof(p.id));
	memcpy(p.ip, ar.has_ip ? ar.ip : ip, sizeof(p.ip));
	p.port = (uint16_t)ar.port;
	p.uploaded = ar.uploaded;
	p.downloaded = ar.downloaded;
	p.left = ar.left;
	if ((st = swarm_announce(&d->table, ar.info_hash, &p, ar.event, now_ms, &s)) != SWARM_OK) {
		log_announce(&ar, &p, swarm_status_text(st), log, cap);
		send_failure(d, swarm_status_text(st), out, keep);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.interval = d->cfg.interval_s;
	r.min_interval = d->cfg.min_interval_s;
	r.complete = s ? (long long)s->seeders : 0;
	r.incomplete = s ? (long long)swarm_leechers(s) : 0;
	r.peers = d->picked;
	if (ar.event != SWARM_EVENT_STOPPED)
		r.npeers = swarm_select(&d->table, s, &p, (size_t)ar.numwant, d->picked);
	r.compact = ar.compact;
	r.no_peer_id = ar.no_peer_id;
	body_reset(d);
	announce_put_reply(&d->body, &r);
	snprintf(reason, sizeof(reason), "%zu peer(s) given", r.npeers);
	log_announce(&ar, &p, reason, log, cap);
	send_body(d, BENCODE_TYPE, out, keep);
}

static void
fill_entry(const struct swarm *s, struct announce_scrape_entry *e)
{
	memcpy(e->info_hash, s->info_hash, SWARM_HASH_LEN);
	e->complete = (long long)s->seeders;
	e->incomplete = (long long)swarm_leechers(s);
	e->downloaded = s->downloaded;
}

/* GET /scrape (BEP 48): the listed torrents, or all of them. */
static void
do_scrape(struct trackerd *d, const struct httpd_request *req, struct httpd_buf *out, int keep)
{
	unsigned char hashes[ANNOUNCE_SCRAPE_MAX][SWARM_HASH_LEN];
	struct announce_scrape_entry *e;
	size_t n, k = 0;
	const char *param;
	char reason[96];
	enum announce_error err;

	err = announce_parse_scrape(req->query, req->query_len, hashes,
	    ANNOUNCE_SCRAPE_MAX, &n, &param);
	if (err != ANNOUNCE_OK) {
		snprintf(reason, sizeof(reason), "%s: %s", announce_error_text(err), param);
		send_failure(d, reason, out, keep);
		return;
	}
	if ((e = calloc(n ? n : d->table.nswarms + 1, sizeof(*e))) == NULL) {
		send_failure(d, "tracker out of memory", out, keep);
		return;
	}
	for (size_t i = 0; n == 0 && i < d->table.nswarms; i++)
		fill_entry(d->table.swarms[i], &e[k++]);
	for (size_t i = 0; i < n; i++) {
		const struct swarm *s = swarm_find(&d->table, hashes[i]);

		if (s != NULL)
			fill_entry(s, &e[k++]);
		else if (swarm_allowed(&d->table, hashes[i]))
			memcpy(e[k++].info_hash, hashes[i], SWARM_HASH_LEN);
	}
	body_reset(d);
	announce_put_scrape(&d->body, e, k);
	free(e);
	send_body(d, BENCODE_TYPE, out, keep);
}

static void
send_text(struct trackerd *d, int status, const char *type, const char *extra,
    struct httpd_buf *out, int keep)
{
	if (d->text.failed)
		httpd_put_response(out, 500, "text/plain", NULL, "out of memory\n", 14, keep);
	else
		httpd_put_response(out, status, type, extra, d->text.data, d->text.len, keep);
	d->text.len = 0;
	d->text.failed = 0;
}

static void
text_puts(struct trackerd *d, const char *s)
{
	httpd_buf_append(&d->text, s, strlen(s));
}

static int
path_is(const struct httpd_request *req, const char *path)
{
	return req->path_len == strlen(path) && memcmp(req->path, path, req->path_len) == 0;
}

int
trackerd_handle(struct trackerd *d, const struct httpd_request *req,
    const unsigned char ip[4], long long now_ms, struct httpd_buf *out,
    char *log, size_t log_cap)
{
	char dummy[1];
	int keep = req->keep_alive && !req->has_body;

	if (log == NULL || log_cap == 0) {
		log = dummy;
		log_cap = sizeof(dummy);
	}
	log[0] = '\0';
	trackerd_tick(d, now_ms);
	if (!httpd_method_is(req, "GET")) {
		text_puts(d, "only GET is served here\n");
		send_text(d, 405, "text/plain", "Allow: GET\r\n", out, 0);
		return 0;
	}
	if (req->has_body) {
		text_puts(d, "a GET has no body\n");
		send_text(d, 400, "text/plain", NULL, out, 0);
		return 0;
	}
	if (path_is(req, "/announce"))
		do_announce(d, req, ip, now_ms, out, keep, log, log_cap);
	else if (path_is(req, "/scrape"))
		do_scrape(d, req, out, keep);
	else if (path_is(req, "/") || path_is(req, "/index.html")) {
		dashboard_put_page(&d->text);
		send_text(d, 200, "text/html; charset=utf-8", NULL, out, keep);
	} else if (path_is(req, "/stats.json")) {
		dashboard_put_stats(&d->text, &d->table, now_ms, d->cfg.interval_s);
		send_text(d, 200, "application/json", "Cache-Control: no-store\r\n", out, keep);
	} else {
		text_puts(d, "not found: this tracker serves /announce, /scrape, "
		    "/ and /stats.json\n");
		send_text(d, 404, "text/plain", NULL, out, keep);
	}
	return keep;
}

void
trackerd_error(int status, struct httpd_buf *out)
{
	char body[96];
	int n = snprintf(body, sizeof(body), "%d %s\n", status, httpd_status_text(status));

	httpd_put_response(out, status, "text/plain", NULL, body, (size_t)n, 0);
}

long long
trackerd_tick(struct trackerd *d, long long now_ms)
{
	long long period = d->cfg.limits.expiry_ms / 8;

	if (period < 50)
		period = 50;
	if (period > 30000)
		period = 30000;
	if (now_ms >= d->next_sweep_ms) {
		swarm_expire(&d->table, now_ms);
		d->next_sweep_ms = now_ms + period;
	}
	return d->next_sweep_ms - now_ms;
}
