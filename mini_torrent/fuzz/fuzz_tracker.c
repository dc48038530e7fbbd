/*
 * fuzz_tracker.c — libFuzzer harness for the tracker's request path: bytes
 * as a client would send them, through the head parser (httpd.c), the query
 * parsers (announce.c), the swarm table (swarm.c) and the answer builders
 * (trackerd.c, dashboard.c), exactly as mt-tracker's poll loop calls them.
 *
 * One tracker lives across inputs, on a clock that advances with each input,
 * so announces accumulate into swarms, expire and get scraped.  Besides "never
 * crash", it checks what the loop relies on: a parsed head lies inside the
 * input, and every answer is one well-framed HTTP response whose
 * Content-Length is the size of its body, with an announce or scrape body
 * that the strict bencode decoder accepts.  The same bytes also go straight
 * to the query parsers, which do not need a valid HTTP head in front.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "announce.h"
#include "bencode.h"
#include "httpd.h"
#include "trackerd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct trackerd d;
static int ready;
static long long now_ms;

/* The first occurrence of the C string s in p[0..n), or NULL. */
static const char *
find(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, s, k) == 0)
			return p + i;
	return NULL;
}

static int
path_is(const struct httpd_request *req, const char *path)
{
	return req->path_len == strlen(path) && memcmp(req->path, path, req->path_len) == 0;
}

/* out holds one response: check its framing, and its bencode if it is one. */
static void
check_response(const struct httpd_buf *out, int tracker_answer)
{
	const char *end, *cl;
	size_t head, body;

	if (out->failed || out->len < 12 || memcmp(out->data, "HTTP/1.1 ", 9) != 0)
		abort();
	end = find(out->data, out->len, "\r\n\r\n");
	cl = find(out->data, out->len, "Content-Length: ");
	if (end == NULL || cl == NULL || cl > end)
		abort();
	head = (size_t)(end + 4 - out->data);
	body = strtoul(cl + 16, NULL, 10);
	if (head + body != out->len)
		abort();
	if (tracker_answer && memcmp(out->data + 9, "200", 3) == 0) {
		struct bencode_value *v;

		if (bencode_decode((const unsigned char *)out->data + head, body, &v, NULL) != 0)
			abort();
		bencode_free(v);
	}
}

static void
setup(void)
{
	struct trackerd_config cfg;

	trackerd_defaults(&cfg);
	cfg.interval_s = 2;
	cfg.limits.expiry_ms = 4000;
	cfg.limits.max_swarms = 16;
	cfg.limits.max_peers = 64;
	if (trackerd_init(&d, &cfg, 1) != 0)
		abort();
	ready = 1;
}

/* Feeds data as one connection's input: every request head in it, in turn. */
static void
serve(const char *data, size_t size)
{
	const unsigned char ip[4] = { 127, 0, 0, (unsigned char)(size & 0xff) };
	size_t pos = 0;

	while (pos < size) {
		struct httpd_request req;
		struct httpd_buf out;
		enum httpd_parse st = httpd_parse_head(data + pos, size - pos, HTTPD_MAX_HEAD, &req);
		int keep, is_tracker;

		if (st == HTTPD_INCOMPLETE)
			return;
		httpd_buf_init(&out);
		if (st != HTTPD_OK) {
			trackerd_error(st == HTTPD_TOO_LARGE ? 431 : 400, &out);
			check_response(&out, 0);
			httpd_buf_free(&out);
			return;
		}
		if (req.head_len == 0 || req.head_len > size - pos)
			abort();
		is_tracker = path_is(&req, "/announce") || path_is(&req, "/scrape");
		keep = trackerd_handle(&d, &req, ip, now_ms, &out, NULL, 0);
		check_response(&out, is_tracker);
		httpd_buf_free(&out);
		pos += req.head_len;
		if (!keep)
			return;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct announce_request ar;
	unsigned char hashes[4][SWARM_HASH_LEN];
	size_t n;
	const char *param;

	if (!ready)
		setup();
	now_ms += 250;
	serve((const char *)data, size);
	if (announce_parse((const char *)data, size, 200, &ar, &param) == ANNOUNCE_OK &&
	    (ar.numwant < 0 || ar.numwant > 200 || ar.port == 0 || ar.port > 65535))
		abort();
	if (announce_parse_scrape((const char *)data, size, hashes, 4, &n, &param) == ANNOUNCE_OK &&
	    n > 4)
		abort();
	return 0;
}
