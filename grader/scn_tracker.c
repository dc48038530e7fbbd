/*
 * scn_tracker.c — see scn_tracker.h.  Each fake peer is a port number
 * (20000 + k) and a peer id ("-GR0001-" and k); the tracker's answers are
 * read with our own bencode reader (benc.h).  What reads a student's bytes
 * (the HTTP head, the answer, its peer list) is kept apart from the sockets
 * and the verdicts, as functions of bytes alone (fuzz/fuzz_tracker.c).
 */
#include "scn_tracker.h"

#include <errno.h>
#include <stdarg.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "benc.h"
#include "netio.h"
#include "prng.h"

#define TRACKER_MAX_PEERS SCN_TRACKER_MAX_PEERS
#define PEER_PORT(k) (20000 + (k))

const struct labconf_param scn_tracker_params[] = {
	{ "tracker", LABCONF_ENUM, NULL, 0, 0, "student|reference" },
	{ "tracker_prog", LABCONF_STR, "mt-tracker", 0, 0, NULL },
	{ "tracker_args", LABCONF_WORDS, "-b 127.0.0.1 -p 0 --seed 1", 0, 0, NULL },
	{ "check", LABCONF_ENUM, NULL, 0, 0,
	    "compact|dict|peer_ids|subset|events|reannounce|expiry|scrape|failure|sorted" },
	{ "interval", LABCONF_INT, "1800", 1, 86400, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

struct tracker {
	struct scenario_env *env;
	int port;
	uint8_t info_hash[20];
	struct strbuf body;	/* the last answer's body */
	struct benc reply;	/* ... parsed */
	int status;		/* the last answer's HTTP status */
	char what[200];		/* the last request, for messages */
	int asker;		/* the peer that made it */
	int strict;		/* every answer's keys must be sorted (benc_sorted) */
	int want_ids;		/* dictionary peers must carry their peer id */
};

/* Sends raw on a new connection and reads the whole answer.  0, or -1 (no answer). */
static int
exchange(struct tracker *t, const char *raw, size_t n, struct strbuf *resp)
{
	struct sockaddr_storage ss;
	socklen_t len;
	const char *why;
	char ps[16];
	long until = sandbox_now_ms() + 5000;
	int fd;

	snprintf(ps, sizeof(ps), "%d", t->port);
	if (netio_resolve("127.0.0.1", ps, SOCK_STREAM, &ss, &len, &why) == -1 ||
	    (fd = netio_connect_start(&ss, len, SOCK_STREAM)) == -1)
		return -1;
	for (size_t off = 0; off < n && sandbox_now_ms() < until;) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		ssize_t w;

		sandbox_poll(&p, 1, 100);
		if ((w = send(fd, raw + off, n - off, MSG_NOSIGNAL)) > 0)
			off += (size_t)w;
		else if (w < 0 && errno != EAGAIN && errno != EINTR && errno != ENOTCONN)
			break;
	}
	while (sandbox_now_ms() < until) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char buf[65536];
		ssize_t r;

		if (sandbox_poll(&p, 1, 100) == 0)
			continue;
		if ((r = recv(fd, buf, sizeof(buf), 0)) <= 0)
			break;
		strbuf_append(resp, buf, (size_t)r);
		if (resp->len > (1u << 20))
			break;
	}
	close(fd);
	return resp->len > 0 ? 0 : -1;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The status of the line "HTTP/1.x NNN ..." at resp into *status.  0 or -1. */
static int
parse_status(const char *resp, size_t n, int *status)
{
	size_t i = 7, d;

	if (n <= i || memcmp(resp, "HTTP/1.", 7) != 0 || !is_digit(resp[i]))
		return -1;
	while (i < n && is_digit(resp[i]))
		i++;
	if (i >= n || resp[i] != ' ')
		return -1;
	while (i < n && resp[i] == ' ')
		i++;
	for (d = 0; i + d < n && is_digit(resp[i + d]); d++)
		;
	if (d != 3 || resp[i] == '0')
		return -1;
	*status = (resp[i] - '0') * 100 + (resp[i + 1] - '0') * 10 + (resp[i + 2] - '0');
	return 0;
}

int
scn_tracker_parse_reply(const char *resp, size_t n, int *status, size_t *body)
{
	if (parse_status(resp, n, status) == -1)
		return -1;
	for (size_t i = 0; i + 4 <= n && resp[i] != '\0'; i++)
		if (memcmp(resp + i, "\r\n\r\n", 4) == 0) {
			*body = i + 4;
			return 0;
		}
	return -1;
}

static int expect_sorted(struct tracker *t);

/* GETs target; fills t->status, t->body and (if it is bencode) t->reply.  0, or -1. */
static int
get(struct tracker *t, const char *target)
{
	struct strbuf req, resp;
	size_t body;
	int rc = -1;

	strbuf_init(&req);
	strbuf_init(&resp);
	strbuf_reset(&t->body);
	memset(&t->reply, 0, sizeof(t->reply));
	t->status = 0;
	strbuf_printf(&req, "GET %s HTTP/1.0\r\nHost: 127.0.0.1:%d\r\nUser-Agent: socklab-grader\r\n\r\n",
	    target, t->port);
	if (exchange(t, req.data, req.len, &resp) == 0 &&
	    scn_tracker_parse_reply(resp.data, resp.len, &t->status, &body) == 0) {
		strbuf_append(&t->body, resp.data + body, resp.len - body);
		if (benc_parse(strbuf_str(&t->body), t->body.len, &t->reply) == -1)
			memset(&t->reply, 0, sizeof(t->reply));
		else if (t->strict)
			expect_sorted(t);
		rc = 0;
	}
	strbuf_free(&req);
	strbuf_free(&resp);
	return rc;
}

static void
put_hash(struct strbuf *sb, const uint8_t *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_printf(sb, "%%%02X", h[i]);
}

/* Fake peer k's peer id, 20 characters (and a NUL). */
static void
fake_id(int k, char id[SCN_TRACKER_ID_LEN + 1])
{
	snprintf(id, SCN_TRACKER_ID_LEN + 1, "-GR0001-%012d", k);
}

/* Announces as fake peer k.  extra: "&event=started&compact=1..." (may be ""). */
static int
announce(struct tracker *t, int k, long left, const char *extra)
{
	struct strbuf url;
	char id[SCN_TRACKER_ID_LEN + 1];
	int rc;

	fake_id(k, id);
	strbuf_init(&url);
	strbuf_puts(&url, "/announce?info_hash=");
	put_hash(&url, t->info_hash, 20);
	strbuf_printf(&url, "&peer_id=%s&port=%d&uploaded=0&downloaded=0&left=%ld%s", id,
	    PEER_PORT(k), left, extra);
	snprintf(t->what, sizeof(t->what), "peer %d: left=%ld%s", k, left, extra);
	t->asker = k;
	rc = get(t, strbuf_str(&url));
	strbuf_free(&url);
	return rc;
}

static int
bad(struct tracker *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fails the test with the request that went wrong and the answer it got.  Returns -1. */
static int
bad(struct tracker *t, const char *fmt, ...)
{
	struct result *res = t->env->res;
	va_list ap;

	if (res->status != RESULT_PASS)
		return -1;
	strbuf_printf(&res->message, "after the announce of %s: ", t->what);
	va_start(ap, fmt);
	strbuf_vprintf(&res->message, fmt, ap);
	va_end(ap);
	res->status = RESULT_FAIL;
	strbuf_printf(&res->sent, "%s", t->what);
	strbuf_put_escaped(&res->got, strbuf_str(&t->body), t->body.len, 600);
	if (t->body.len == 0)
		strbuf_puts(&res->got, "(no answer)");
	return -1;
}

/* The strict reading: every dictionary of t->reply has its keys sorted, none twice.  0, or -1. */
static int
expect_sorted(struct tracker *t)
{
	struct strbuf at;
	size_t off;
	int rc;

	if (benc_sorted(&t->reply, &off) == 0)
		return 0;
	strbuf_init(&at);
	strbuf_put_escaped(&at, t->reply.p + off, t->reply.len - off, 24);
	rc = bad(t, "a dictionary key out of order or repeated at byte %zu of the answer (%s): every "
	    "dictionary's keys must come in sorted order as raw byte strings, each once (BEP 3), "
	    "or strict clients refuse the answer", off, strbuf_str(&at));
	strbuf_free(&at);
	return rc;
}

/* Appends to why and returns -1. */
static int
why_not(struct strbuf *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
why_not(struct strbuf *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(why, fmt, ap);
	va_end(ap);
	return -1;
}

int
scn_tracker_answer_ok(int status, const struct benc *reply, struct strbuf *why)
{
	struct benc v;
	int64_t interval;

	if (status != 200 || reply->len == 0 || reply->p[0] != 'd')
		return why_not(why, "expected HTTP 200 with a bencoded dictionary (got status %d)", status);
	if (benc_get(reply, "failure reason", 14, &v) == 0)
		return why_not(why, "a failure reason for a valid announce");
	if (benc_get(reply, "interval", 8, &v) == -1 || benc_int(&v, &interval) == -1 ||
	    interval <= 0)
		return why_not(why, "no positive integer 'interval' in the answer");
	return 0;
}

/* The answer is a dictionary with an interval and no failure reason.  0, or -1. */
static int
answer_ok(struct tracker *t)
{
	struct strbuf why;
	int rc;

	strbuf_init(&why);
	if ((rc = scn_tracker_answer_ok(t->status, &t->reply, &why)) == -1)
		bad(t, "%s", strbuf_str(&why));
	strbuf_free(&why);
	return rc;
}

/* Adds the compact peers of s (n bytes) to seen[].  0, or -1 with why. */
static int
compact_peers(const char *s, size_t n, uint8_t *seen, struct strbuf *why)
{
	if (n % 6 != 0)
		return why_not(why, "a compact peer list of %zu bytes: not 6 bytes a peer", n);
	for (size_t i = 0; i < n; i += 6) {
		const unsigned char *p = (const unsigned char *)s + i;
		int port = p[4] << 8 | p[5], k = port - PEER_PORT(0);

		if (p[0] != 127 || p[1] != 0 || p[2] != 0 || p[3] != 1 || k < 0 || k >= TRACKER_MAX_PEERS)
			return why_not(why, "a peer that never announced: %u.%u.%u.%u:%d", p[0], p[1],
			    p[2], p[3], port);
		if (seen[k]++)
			return why_not(why, "peer %d listed twice", k);
	}
	return 0;
}

/* Adds the dictionary-model peers of list l to seen[].  0, or -1 with why. */
static int
dict_peers(const struct benc *l, uint8_t *seen, struct strbuf *why)
{
	struct benc d, v;
	size_t pos = 0;
	int r;

	while ((r = benc_next(l, &pos, &d)) == 1) {
		const char *ip;
		size_t n;
		int64_t port;

		if (benc_get(&d, "ip", 2, &v) == -1 || benc_str(&v, &ip, &n) == -1 ||
		    n != 9 || memcmp(ip, "127.0.0.1", 9) != 0 ||
		    benc_get(&d, "port", 4, &v) == -1 || benc_int(&v, &port) == -1 ||
		    port < PEER_PORT(0) || port >= PEER_PORT(TRACKER_MAX_PEERS))
			return why_not(why, "a peer dictionary without the right 'ip' and 'port'");
		if (seen[port - PEER_PORT(0)]++)
			return why_not(why, "peer %d listed twice", (int)(port - PEER_PORT(0)));
	}
	return r == 0 ? 0 : why_not(why, "'peers' is not a list");
}

int
scn_tracker_peer_ids(const struct benc *reply, struct strbuf *why)
{
	struct benc l, d, v;
	size_t pos = 0, n;
	const char *id;
	int64_t port;
	int r;

	if (benc_get(reply, "peers", 5, &l) == -1 || l.p[0] != 'l')
		return why_not(why, "no list of dictionaries in 'peers'");
	while ((r = benc_next(&l, &pos, &d)) == 1) {
		char want[SCN_TRACKER_ID_LEN + 1];

		if (benc_get(&d, "port", 4, &v) == -1 || benc_int(&v, &port) == -1 ||
		    port < PEER_PORT(0) || port >= PEER_PORT(TRACKER_MAX_PEERS))
			return why_not(why, "a peer dictionary without the right 'port'");
		fake_id((int)(port - PEER_PORT(0)), want);
		if (benc_get(&d, "peer id", 7, &v) == -1 || benc_str(&v, &id, &n) == -1)
			return why_not(why, "no 'peer id' string in the dictionary of peer %d (port %d)",
			    (int)(port - PEER_PORT(0)), (int)port);
		if (n != SCN_TRACKER_ID_LEN || memcmp(id, want, n) != 0)
			return why_not(why, "peer %d (port %d) listed with a 'peer id' (%zu bytes) that is "
			    "not the 20-byte id it announced, %s", (int)(port - PEER_PORT(0)), (int)port, n,
			    want);
	}
	return r == 0 ? 0 : why_not(why, "'peers' is not a list");
}

int
scn_tracker_peers(const struct benc *reply, int want_compact, uint8_t seen[SCN_TRACKER_MAX_PEERS],
    struct strbuf *why)
{
	struct benc v;
	const char *s;
	size_t n;

	memset(seen, 0, TRACKER_MAX_PEERS);
	if (benc_get(reply, "peers", 5, &v) == -1)
		return why_not(why, "no 'peers' in the answer");
	if (v.p[0] >= '0' && v.p[0] <= '9') {
		if (!want_compact)
			return why_not(why, "a compact peer list although compact=0 asked for dictionaries");
		benc_str(&v, &s, &n);
		return compact_peers(s, n, seen, why);
	}
	if (want_compact)
		return why_not(why, "a list of dictionaries although compact=1 asked for the compact form");
	return dict_peers(&v, seen, why);
}

/* The peers of the answer, as flags by peer number.  0, or -1 (failure recorded). */
static int
peers_of(struct tracker *t, int want_compact, uint8_t seen[TRACKER_MAX_PEERS])
{
	struct strbuf why;
	int rc;

	memset(seen, 0, TRACKER_MAX_PEERS);
	if (answer_ok(t) == -1)
		return -1;
	strbuf_init(&why);
	if ((rc = scn_tracker_peers(&t->reply, want_compact, seen, &why)) == 0 && !want_compact &&
	    t->want_ids)
		rc = scn_tracker_peer_ids(&t->reply, &why);
	if (rc == -1)
		bad(t, "%s", strbuf_str(&why));
	strbuf_free(&why);
	return rc;
}

/* The answer lists exactly the peers flagged in want[].  0, or -1. */
static int
expect_peers(struct tracker *t, int compact, const uint8_t *want)
{
	uint8_t seen[TRACKER_MAX_PEERS];

	if (peers_of(t, compact, seen) == -1)
		return -1;
	for (int k = 0; k < TRACKER_MAX_PEERS; k++) {
		if (seen[k] && !want[k])
			return bad(t, "peer %d is in the list and should not be%s", k,
			    k == t->asker ? " (it is the peer asking)" : ""), -1;
		if (!seen[k] && want[k])
			return bad(t, "peer %d is missing from the list", k), -1;
	}
	return 0;
}

/* Every peer but the asker, in both directions of time: compact or dictionaries. */
static int
check_lists(struct tracker *t, int compact)
{
	const char *c = compact ? "&compact=1" : "&compact=0";
	uint8_t want[TRACKER_MAX_PEERS] = { 0 };
	char extra[64];

	snprintf(extra, sizeof(extra), "&event=started%s", c);
	for (int k = 1; k <= 5; k++)
		if (announce(t, k, 1000, extra) == -1)
			return bad(t, "no answer");
	for (int k = 1; k <= 4; k++)
		want[k] = 1;
	if (announce(t, 5, 1000, c) == 0)
		expect_peers(t, compact, want);
	want[1] = 0;
	want[5] = 1;
	if (t->env->res->status == RESULT_PASS && announce(t, 1, 1000, c) == 0)
		expect_peers(t, compact, want);
	return 0;
}

/* numwant peers at random: the right number, distinct, never the asker, not always the same. */
static int
check_subset(struct tracker *t)
{
	uint8_t a[TRACKER_MAX_PEERS], b[TRACKER_MAX_PEERS];
	int na = 0, same = 1;

	for (int k = 1; k <= 30; k++)
		if (announce(t, k, 1000, "&event=started&numwant=0") == -1)
			return bad(t, "no answer");
	if (announce(t, 31, 1000, "&event=started&numwant=10") == -1 || peers_of(t, 1, a) == -1)
		return -1;
	for (int k = 0; k < TRACKER_MAX_PEERS; k++)
		na += a[k];
	if (na != 10 || a[31])
		return bad(t, "%d peers%s, where numwant=10 and 30 others are in the swarm", na,
		    a[31] ? ", the asker among them" : "");
	if (announce(t, 31, 1000, "&numwant=10") == -1 || peers_of(t, 1, b) == -1)
		return -1;
	for (int k = 0; k < TRACKER_MAX_PEERS; k++)
		same &= a[k] == b[k];
	if (same)
		bad(t, "the same 10 peers twice in a row: choose them at random");
	return 0;
}

static int64_t
count(struct tracker *t, const char *key)
{
	struct benc v;
	int64_t n = -1;

	if (benc_get(&t->reply, key, strlen(key), &v) == 0)
		benc_int(&v, &n);
	return n;
}

/* started, completed and stopped move the counts; a stopped peer leaves the list. */
static int
check_events(struct tracker *t)
{
	uint8_t want[TRACKER_MAX_PEERS] = { 0 };

	if (announce(t, 1, 1000, "&event=started") == -1 || answer_ok(t) == -1)
		return -1;
	if (announce(t, 2, 0, "&event=started") == -1 || answer_ok(t) == -1)
		return -1;
	if (count(t, "complete") != 1 || count(t, "incomplete") != 1)
		return bad(t, "complete=%lld incomplete=%lld, where one peer has left=0 and one left>0",
		    (long long)count(t, "complete"), (long long)count(t, "incomplete"));
	if (announce(t, 1, 0, "&event=completed") == -1 || answer_ok(t) == -1)
		return -1;
	if (count(t, "complete") != 2 || count(t, "incomplete") != 0)
		return bad(t, "complete=%lld incomplete=%lld, where both peers now have left=0",
		    (long long)count(t, "complete"), (long long)count(t, "incomplete"));
	if (announce(t, 2, 0, "&event=stopped") == -1)
		return bad(t, "no answer");
	if (announce(t, 3, 1000, "&event=started") == -1)
		return bad(t, "no answer");
	want[1] = 1;
	if (expect_peers(t, 1, want) == -1)
		return -1;
	if (count(t, "complete") != 1)
		bad(t, "complete=%lld after one of the two seeds stopped", (long long)count(t, "complete"));
	return 0;
}

/*
 * A seed that announces again (a refresh, then completed) and a leecher that
 * restarts (started again, the same peer id) are each one peer: counted once,
 * listed once.
 */
static int
check_reannounce(struct tracker *t)
{
	static const struct {
		int k;
		long left;
		const char *extra;
	} steps[] = {
		{ 1, 0, "&event=started" }, { 2, 1000, "&event=started" }, { 1, 0, "" },
		{ 1, 0, "&event=completed" }, { 2, 1000, "&event=started" },
	};
	uint8_t want[TRACKER_MAX_PEERS] = { 0 };

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (announce(t, steps[i].k, steps[i].left, steps[i].extra) == -1)
			return bad(t, "no answer");
		if (answer_ok(t) == -1)
			return -1;
		if (count(t, "complete") != 1 || count(t, "incomplete") != (i > 0))
			return bad(t, "complete=%lld incomplete=%lld, where the swarm holds one seed (peer 1)"
			    "%s: a peer that announces again is the same peer", (long long)count(t,
			    "complete"), (long long)count(t, "incomplete"), i > 0 ? " and one leecher (peer 2)" : "");
	}
	want[1] = want[2] = 1;
	if (announce(t, 3, 1000, "&event=started") == -1)
		return bad(t, "no answer");
	if (expect_peers(t, 1, want) == -1)
		return -1;
	if (count(t, "complete") != 1 || count(t, "incomplete") != 2)
		return bad(t, "complete=%lld incomplete=%lld, where peers 1 (a seed), 2 and 3 are in the "
		    "swarm", (long long)count(t, "complete"), (long long)count(t, "incomplete"));
	return 0;
}

/* A peer silent for more than twice the interval is forgotten; one that announces stays. */
static int
check_expiry(struct tracker *t)
{
	long interval = labconf_int(t->env->test, "interval") * 1000, start = sandbox_now_ms();
	uint8_t want[TRACKER_MAX_PEERS] = { 0 };

	if (announce(t, 1, 1000, "&event=started") == -1 || announce(t, 2, 1000, "&event=started") == -1)
		return bad(t, "no answer");
	while (sandbox_now_ms() - start < 2 * interval + 1500) {
		sandbox_idle((int)(interval / 2));
		if (announce(t, 2, 1000, "") == -1)
			return bad(t, "no answer");
	}
	want[2] = 1;
	if (announce(t, 3, 1000, "&event=started") == 0)
		expect_peers(t, 1, want);
	if (t->env->res->status != RESULT_PASS)
		strbuf_printf(&t->env->res->message, " (peer 1 announced last %.1f s earlier, with an "
		    "interval of %ld s)", (double)(sandbox_now_ms() - start) / 1000, interval / 1000);
	return 0;
}

/* Scrapes the torrent (what: the request, for messages) into f, its entry in 'files'.  0, or -1. */
static int
scrape(struct tracker *t, const char *what, struct benc *f)
{
	struct strbuf url;
	struct benc files;
	int rc;

	strbuf_init(&url);
	strbuf_puts(&url, "/scrape?info_hash=");
	put_hash(&url, t->info_hash, 20);
	snprintf(t->what, sizeof(t->what), "%s", what);
	rc = get(t, strbuf_str(&url));
	strbuf_free(&url);
	if (rc == -1 || t->status != 200 || benc_get(&t->reply, "files", 5, &files) == -1 ||
	    benc_get(&files, (const char *)t->info_hash, 20, f) == -1)
		return bad(t, "expected HTTP 200 and a dictionary 'files' keyed by the 20-byte info-hash");
	return 0;
}

/* /scrape counts complete, incomplete and downloaded for the torrent. */
static int
check_scrape(struct tracker *t)
{
	struct benc f;
	int64_t c[3];
	static const char *const keys[3] = { "complete", "incomplete", "downloaded" };
	static const int64_t want[3] = { 2, 1, 1 };

	if (announce(t, 1, 1000, "&event=started") == -1 || announce(t, 2, 0, "&event=started") == -1 ||
	    announce(t, 3, 1000, "&event=started") == -1 || announce(t, 1, 0, "&event=completed") == -1)
		return bad(t, "no answer");
	if (scrape(t, "a scrape after 3 peers started (one a seed) and one completed", &f) == -1)
		return -1;
	for (int i = 0; i < 3; i++) {
		struct benc v;

		if (benc_get(&f, keys[i], strlen(keys[i]), &v) == -1 || benc_int(&v, &c[i]) == -1 ||
		    c[i] != want[i])
			return bad(t, "expected complete=2 incomplete=1 downloaded=1; '%s' is wrong or missing",
			    keys[i]);
	}
	return 0;
}

/* A well-formed request with a bad parameter gets a failure reason.  0, or -1. */
static int
expect_failure(struct tracker *t, const char *target, const char *what)
{
	struct benc v;
	const char *s;
	size_t n;

	snprintf(t->what, sizeof(t->what), "%s", what);
	if (get(t, target) == -1)
		return bad(t, "no HTTP answer");
	if (t->status != 200 || benc_get(&t->reply, "failure reason", 14, &v) == -1 ||
	    benc_str(&v, &s, &n) == -1 || n == 0)
		return bad(t, "expected HTTP 200 with a bencoded 'failure reason' (got status %d)", t->status);
	return 0;
}

/* Bad parameters, then garbage, then a normal announce that must still work. */
static int
check_failure(struct tracker *t)
{
	struct strbuf resp, url;
	int rc = 0;

	strbuf_init(&resp);
	strbuf_init(&url);
	strbuf_puts(&url, "/announce?info_hash=");
	put_hash(&url, t->info_hash, 19);
	strbuf_puts(&url, "&peer_id=-GR0001-000000000001&port=20001&uploaded=0&downloaded=0&left=5");
	if (expect_failure(t, "/announce?peer_id=-GR0001-000000000001&port=20001&left=5",
	    "an announce with no info_hash") == -1 ||
	    expect_failure(t, strbuf_str(&url), "an announce with a 19-byte info_hash") == -1)
		rc = -1;
	strbuf_reset(&url);
	strbuf_puts(&url, "/announce?info_hash=");
	put_hash(&url, t->info_hash, 20);
	strbuf_puts(&url, "&peer_id=-GR0001-000000000001&port=99999&uploaded=0&downloaded=0&left=5");
	if (rc == 0 && expect_failure(t, strbuf_str(&url), "an announce with port=99999") == -1)
		rc = -1;
	snprintf(t->what, sizeof(t->what), "a request that is not HTTP");
	if (rc == 0 && exchange(t, "HELLO TRACKER\r\n\r\n", 17, &resp) == 0 &&
	    strncmp(strbuf_str(&resp), "HTTP/1.1 200", 12) == 0 && strstr(strbuf_str(&resp), "interval"))
		rc = bad(t, "an announce's answer to a request that is not HTTP (400 Bad Request, or close)");
	if (rc == 0 && (announce(t, 1, 5, "&event=started") == -1 || answer_ok(t) == -1))
		rc = -1;
	strbuf_free(&resp);
	strbuf_free(&url);
	return rc;
}

/* Every kind of answer, each read strictly: its dictionaries' keys sorted, none twice. */
static int
check_sorted(struct tracker *t)
{
	uint8_t want[TRACKER_MAX_PEERS] = { 0 };
	struct benc f;

	t->strict = 1;
	check_lists(t, 1);
	for (int k = 1; k <= 5; k++)
		want[k] = 1;
	if (t->env->res->status == RESULT_PASS && announce(t, 6, 1000, "&event=started&compact=0") == 0)
		expect_peers(t, 0, want);
	if (t->env->res->status == RESULT_PASS)
		scrape(t, "a scrape of the torrent", &f);
	if (t->env->res->status == RESULT_PASS && announce(t, 1, 1000, "&event=stopped") == -1)
		bad(t, "no answer");
	if (t->env->res->status == RESULT_PASS)
		expect_failure(t, "/announce?peer_id=-GR0001-000000000001&port=20001&left=5",
		    "an announce with no info_hash");
	return t->env->res->status == RESULT_PASS ? 0 : -1;
}

void
scn_tracker_run(struct scenario_env *env)
{
	const struct labconf_test *test = env->test;
	const char *check = labconf_str(test, "check");
	struct tracker t = { .env = env };
	struct sandbox_proc *p;
	struct prng r;
	char args[512];

	snprintf(args, sizeof(args), "%s --interval %ld", labconf_str(test, "tracker_args"),
	    labconf_int(test, "interval"));
	if ((t.port = scenario_start_server(env, &p, labconf_str(test, "tracker"),
	    labconf_str(test, "tracker_prog"), args, NULL)) == -1)
		return;
	prng_seed(&r, env->seed);
	for (int i = 0; i < 20; i++)
		t.info_hash[i] = (uint8_t)prng_below(&r, 256);
	t.info_hash[3] = 0;	/* a NUL byte: the hash is binary, never a C string */
	strbuf_init(&t.body);
	t.want_ids = strcmp(check, "peer_ids") == 0;
	if (strcmp(check, "compact") == 0 || strcmp(check, "dict") == 0 || t.want_ids)
		check_lists(&t, check[0] == 'c');
	else if (strcmp(check, "subset") == 0)
		check_subset(&t);
	else if (strcmp(check, "events") == 0)
		check_events(&t);
	else if (strcmp(check, "reannounce") == 0)
		check_reannounce(&t);
	else if (strcmp(check, "sorted") == 0)
		check_sorted(&t);
	else if (strcmp(check, "expiry") == 0)
		check_expiry(&t);
	else if (strcmp(check, "scrape") == 0)
		check_scrape(&t);
	else
		check_failure(&t);
	if (env->res->status != RESULT_PASS)
		scenario_note_stderr(env, p);
	strbuf_free(&t.body);
}
