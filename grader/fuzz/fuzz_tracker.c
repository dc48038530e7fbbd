/*
 * fuzz_tracker.c — libFuzzer harness for how the tracker scenario
 * (scn_tracker.c) reads a student's tracker: the HTTP answer split into
 * status and body, the body read as bencode, judged as an announce's answer,
 * and its peer list read in both forms — the same calls, in the same order,
 * as the scenario makes on what comes back from the socket.
 *
 * Besides "never crash, never read out of bounds", it checks what the
 * verdicts rely on: a status is the three digits of an "HTTP/1.x" status
 * line, the body starts right after the first blank line, and no NUL comes
 * before it; an answer judged fine is a 200 whose dictionary has a positive
 * interval; a peer list read fine names each of our peers at most once and
 * counts as many peers as it has entries, in exactly one of the two forms;
 * and every refusal says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "benc.h"
#include "scn_tracker.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The status the first line shows, read independently; -1 if none. */
static int
shown_status(const char *r, size_t n)
{
	size_t i = 7;

	if (n < 8 || memcmp(r, "HTTP/1.", 7) != 0)
		return -1;
	i += strspn(r + i, "0123456789");	/* data is NUL-terminated by the caller */
	i += strspn(r + i, " ");
	if (i + 3 > n)
		return -1;
	return (r[i] - '0') * 100 + (r[i + 1] - '0') * 10 + (r[i + 2] - '0');
}

static void
check_split(const char *r, size_t n, int status, size_t body)
{
	if (status < 100 || status > 999 || status != shown_status(r, n) || body < 4 || body > n ||
	    memcmp(r + body - 4, "\r\n\r\n", 4) != 0 || memchr(r, '\0', body) != NULL)
		abort();
	for (size_t i = 0; i + 4 < body; i++)
		if (memcmp(r + i, "\r\n\r\n", 4) == 0)
			abort();
}

/* Entries in the answer's peer list: compact (6 bytes each) or list items. */
static int
entries(const struct benc *reply, int compact)
{
	struct benc v, item;
	const char *s;
	size_t n, pos = 0;
	int count = 0;

	if (benc_get(reply, "peers", 5, &v) != 0)
		abort();
	if (compact)
		return benc_str(&v, &s, &n) == 0 ? (int)(n / 6) : -1;
	while (benc_next(&v, &pos, &item) == 1)
		count++;
	return count;
}

static void
check_peers(const struct benc *reply)
{
	uint8_t seen[SCN_TRACKER_MAX_PEERS];
	struct strbuf why;
	int ok = 0;

	strbuf_init(&why);
	for (int compact = 0; compact < 2; compact++) {
		int rc = scn_tracker_peers(reply, compact, seen, &why), listed = 0;

		if ((rc == -1) != (why.len > 0))
			abort();
		if (rc == 0) {
			for (int k = 0; k < SCN_TRACKER_MAX_PEERS; k++) {
				if (seen[k] > 1)
					abort();
				listed += seen[k];
			}
			if (listed != entries(reply, compact))
				abort();
			if (!compact && (scn_tracker_peer_ids(reply, &why) == -1) != (why.len > 0))
				abort();
			ok++;
		}
		strbuf_reset(&why);
	}
	if (ok > 1)
		abort();
	strbuf_free(&why);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf resp, why;
	struct benc reply = { NULL, 0 };
	struct benc v;
	int64_t interval;
	size_t body;
	int status, rc;

	strbuf_init(&resp);
	strbuf_append(&resp, data, size);
	if (scn_tracker_parse_reply(strbuf_str(&resp), size, &status, &body) == -1) {
		strbuf_free(&resp);
		return 0;
	}
	check_split(strbuf_str(&resp), size, status, body);
	if (benc_parse(strbuf_str(&resp) + body, size - body, &reply) == -1)
		reply.len = 0;
	strbuf_init(&why);
	rc = scn_tracker_answer_ok(status, &reply, &why);
	if ((rc == -1) != (why.len > 0))
		abort();
	if (rc == 0) {
		if (status != 200 || reply.p[0] != 'd' || benc_get(&reply, "interval", 8, &v) != 0 ||
		    benc_int(&v, &interval) != 0 || interval <= 0)
			abort();
		check_peers(&reply);
	}
	strbuf_free(&why);
	strbuf_free(&resp);
	return 0;
}
