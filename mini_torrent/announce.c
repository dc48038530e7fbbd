/*
 * announce.c — tracker query strings in, bencoded answers out; see announce.h.
 *
 * A query is split at '&' into key=value pairs.  Each known key has a slot in
 * a table; a bit per slot records what was seen, which gives both "required
 * parameter missing" and "given twice" for free.  Values are %-decoded into a
 * small fixed buffer before they are looked at, so every check works on the
 * bytes the client meant and nothing can overflow.
 */
#include "announce.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

enum field {
	F_INFO_HASH, F_PEER_ID, F_PORT, F_UPLOADED, F_DOWNLOADED, F_LEFT,
	F_EVENT, F_COMPACT, F_NUMWANT, F_NO_PEER_ID, F_IP, F_COUNT
};

static const char *const field_name[F_COUNT] = {
	[F_INFO_HASH] = "info_hash", [F_PEER_ID] = "peer_id", [F_PORT] = "port",
	[F_UPLOADED] = "uploaded", [F_DOWNLOADED] = "downloaded", [F_LEFT] = "left",
	[F_EVENT] = "event", [F_COMPACT] = "compact", [F_NUMWANT] = "numwant",
	[F_NO_PEER_ID] = "no_peer_id", [F_IP] = "ip",
};

/* The first six fields, the ones BEP 3 lists, are required. */
#define REQUIRED ((1u << (F_LEFT + 1)) - 1)

#define VALUE_MAX 64	/* longest decoded value we look at */

static const char *const error_text[ANNOUNCE_ERROR_COUNT] = {
	[ANNOUNCE_OK] = "ok",
	[ANNOUNCE_MISSING] = "missing parameter",
	[ANNOUNCE_INVALID] = "invalid parameter",
	[ANNOUNCE_DUPLICATE] = "duplicate parameter",
	[ANNOUNCE_BAD_ESCAPE] = "bad %-escape in parameter",
	[ANNOUNCE_TOO_MANY] = "too many parameters",
};

const char *
announce_error_text(enum announce_error e)
{
	return e < ANNOUNCE_ERROR_COUNT ? error_text[e] : "unknown error";
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
announce_pct_decode(const char *src, size_t n, unsigned char *dst, size_t cap)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)src[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -1;
			if ((hi = hex_value(src[i + 1])) < 0 || (lo = hex_value(src[i + 2])) < 0)
				return -1;
			c = hi << 4 | lo;
			i += 2;
		}
		if (len == cap)
			return -2;
		dst[len++] = (unsigned char)c;
	}
	return (long)len;
}

int
announce_parse_hex_hash(const char *s, size_t n, unsigned char hash[SWARM_HASH_LEN])
{
	if (n != 2 * SWARM_HASH_LEN)
		return -1;
	for (size_t i = 0; i < SWARM_HASH_LEN; i++) {
		int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		hash[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* One key=value pair of a query string. */
struct param {
	char key[16];		/* decoded; empty if unusable */
	size_t key_len;
	const char *val;	/* still encoded */
	size_t val_len;
};

/*
 * Takes the next pair from *q (up to end) and advances *q past it.  Returns 0,
 * or -1 when the query is used up.  A key too long or badly escaped to be one
 * we know comes back as "", so the caller ignores it.
 */
static int
next_param(const char **q, const char *end, struct param *p)
{
	const char *s = *q, *amp, *eq;
	long klen;

	while (s < end && *s == '&')
		s++;
	if (s == end)
		return -1;
	amp = memchr(s, '&', (size_t)(end - s));
	if (amp == NULL)
		amp = end;
	eq = memchr(s, '=', (size_t)(amp - s));
	if (eq == NULL)
		eq = amp;
	klen = announce_pct_decode(s, (size_t)(eq - s), (unsigned char *)p->key,
	    sizeof(p->key));
	p->key_len = klen < 0 ? 0 : (size_t)klen;
	p->val = eq < amp ? eq + 1 : amp;
	p->val_len = (size_t)(amp - p->val);
	*q = amp;
	return 0;
}

/*
 * The decoded value v[0..n) as a number no larger than max, read by the
 * directory's one number parser (args.h), so a query spells numbers as the
 * command line does: digits only, no sign, no space.  args_number wants a
 * string, hence the copy; a NUL inside (from %00) would end that string
 * early, so it makes the value bad.
 */
static enum args_status
parse_uint(const unsigned char *v, long n, uint64_t max, uint64_t *out)
{
	char buf[VALUE_MAX + 1];

	if (memchr(v, '\0', (size_t)n) != NULL)
		return ARGS_BAD;
	memcpy(buf, v, (size_t)n);
	buf[n] = '\0';
	return args_number(buf, NULL, max, out);
}

static int
parse_event(const unsigned char *v, long n, enum swarm_event *ev)
{
	static const char *const names[] = { "", "started", "completed", "stopped", "paused" };
	static const enum swarm_event events[] = { SWARM_EVENT_NONE,
	    SWARM_EVENT_STARTED, SWARM_EVENT_COMPLETED, SWARM_EVENT_STOPPED,
	    SWARM_EVENT_NONE /* BEP 21: a partial seed's update */ };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((size_t)n == strlen(names[i]) && memcmp(v, names[i], (size_t)n) == 0) {
			*ev = events[i];
			return 0;
		}
	return -1;
}

/* "0" or "1".  0, or -1. */
static int
parse_flag(const unsigned char *v, long n, int *flag)
{
	if (n != 1 || (v[0] != '0' && v[0] != '1'))
		return -1;
	*flag = v[0] == '1';
	return 0;
}

/* info_hash or peer_id: exactly 20 bytes.  0, or -1. */
static int
store_hash(enum field f, const unsigned char *v, long n, struct announce_request *req)
{
	if (n != SWARM_HASH_LEN)
		return -1;
	memcpy(f == F_INFO_HASH ? req->info_hash : req->peer_id, v, SWARM_HASH_LEN);
	return 0;
}

/* uploaded, downloaded or left: a byte count.  0, or -1. */
static int
store_bytes(enum field f, const unsigned char *v, long n, struct announce_request *req)
{
	uint64_t u;

	if (parse_uint(v, n, LLONG_MAX, &u) != ARGS_OK)
		return -1;
	*(f == F_UPLOADED ? &req->uploaded : f == F_DOWNLOADED ?
	    &req->downloaded : &req->left) = (long long)u;
	return 0;
}

/* numwant: any run of digits will do; more than we give is the cap.  0, or -1. */
static int
store_numwant(const unsigned char *v, long n, int numwant_max,
    struct announce_request *req)
{
	uint64_t u;
	enum args_status st = parse_uint(v, n, (uint64_t)numwant_max, &u);

	if (st == ARGS_BAD)
		return -1;
	req->numwant = st == ARGS_OK ? (int)u : numwant_max;
	return 0;
}

/* Stores the decoded value v[0..n) of field f in req.  0, or -1 if invalid. */
static int
store_field(enum field f, const unsigned char *v, long n, int numwant_max,
    struct announce_request *req)
{
	uint64_t u;
	char ip[VALUE_MAX + 1];

	switch (f) {
	case F_INFO_HASH:
	case F_PEER_ID:
		return store_hash(f, v, n, req);
	case F_PORT:
		if (parse_uint(v, n, 65535, &u) != ARGS_OK || u == 0)
			return -1;
		req->port = (unsigned)u;
		return 0;
	case F_UPLOADED:
	case F_DOWNLOADED:
	case F_LEFT:
		return store_bytes(f, v, n, req);
	case F_EVENT:
		return parse_event(v, n, &req->event);
	case F_COMPACT:
		return parse_flag(v, n, &req->compact);
	case F_NO_PEER_ID:
		return parse_flag(v, n, &req->no_peer_id);
	case F_NUMWANT:
		return store_numwant(v, n, numwant_max, req);
	case F_IP:
		memcpy(ip, v, (size_t)n);
		ip[n] = '\0';
		req->has_ip = inet_pton(AF_INET, ip, req->ip) == 1;
		return 0;
	case F_COUNT:
		break;
	}
	return -1;
}

/* The field named by p's key, or F_COUNT for one we do not know. */
static enum field
field_of(const struct param *p)
{
	for (int f = 0; f < F_COUNT; f++)
		if (p->key_len == strlen(field_name[f]) &&
		    memcmp(p->key, field_name[f], p->key_len) == 0)
			return (enum field)f;
	return F_COUNT;
}

enum announce_error
announce_parse(const char *q, size_t n, int numwant_max,
    struct announce_request *req, const char **param)
{
	const char *end = q + n;
	unsigned seen = 0;
	struct param p;

	memset(req, 0, sizeof(*req));
	req->compact = 1;
	req->numwant = ANNOUNCE_NUMWANT_DEFAULT < numwant_max ?
	    ANNOUNCE_NUMWANT_DEFAULT : numwant_max;
	while (next_param(&q, end, &p) == 0) {
		enum field f = field_of(&p);
		unsigned char v[VALUE_MAX];
		long vlen;

		if (f == F_COUNT)
			continue;
		*param = field_name[f];
		if (seen & 1u << f)
			return ANNOUNCE_DUPLICATE;
		seen |= 1u << f;
		if ((vlen = announce_pct_decode(p.val, p.val_len, v, sizeof(v))) == -1)
			return ANNOUNCE_BAD_ESCAPE;
		if (vlen < 0 || store_field(f, v, vlen, numwant_max, req) == -1)
			return ANNOUNCE_INVALID;
	}
	for (int f = 0; f < F_COUNT; f++)
		if ((REQUIRED & 1u << f) && !(seen & 1u << f)) {
			*param = field_name[f];
			return ANNOUNCE_MISSING;
		}
	*param = NULL;
	return ANNOUNCE_OK;
}

enum announce_error
announce_parse_scrape(const char *q, size_t n,
    unsigned char (*hashes)[SWARM_HASH_LEN], size_t max, size_t *count,
    const char **param)
{
	const char *end = q + n;
	struct param p;

	*count = 0;
	*param = field_name[F_INFO_HASH];
	while (next_param(&q, end, &p) == 0) {
		unsigned char v[SWARM_HASH_LEN];
		long vlen;

		if (field_of(&p) != F_INFO_HASH)
			continue;
		if (*count == max)
			return ANNOUNCE_TOO_MANY;
		if ((vlen = announce_pct_decode(p.val, p.val_len, v, sizeof(v))) == -1)
			return ANNOUNCE_BAD_ESCAPE;
		if (vlen != SWARM_HASH_LEN)
			return ANNOUNCE_INVALID;
		memcpy(hashes[(*count)++], v, SWARM_HASH_LEN);
	}
	*param = NULL;
	return ANNOUNCE_OK;
}

static void
put_compact_peers(struct bencode_buf *b, const struct announce_reply *r)
{
	/* SOLUTION BEGIN: compact peers (BEP 23): ONE bencoded string of
	 * 6 * npeers bytes, so write its length prefix "<6n>:" yourself and then
	 * the raw bytes with bencode_put_raw (the bytes are binary: NULs and ':'
	 * are normal).  Per peer: the 4 address bytes of p->ip as they are (already
	 * network order), then the port high byte first; p->port is in host
	 * order, so shift it (port >> 8, port & 0xff) rather than copy its bytes. */
	char len[32];

	snprintf(len, sizeof(len), "%zu:", r->npeers * 6);
	bencode_put_raw(b, len, strlen(len));
	for (size_t i = 0; i < r->npeers; i++) {
		unsigned char one[6];

		memcpy(one, r->peers[i]->ip, 4);
		one[4] = (unsigned char)(r->peers[i]->port >> 8);
		one[5] = (unsigned char)(r->peers[i]->port & 0xff);
		bencode_put_raw(b, one, sizeof(one));
	}
	/* SOLUTION END */
}

static void
put_dict_peers(struct bencode_buf *b, const struct announce_reply *r)
{
	/* SOLUTION BEGIN: the original peers (compact=0): a list with one
	 * dictionary per peer: "ip", the dotted-quad address as a string;
	 * "peer id", the 20 raw id bytes (bencode_put_str, never put_cstr: an id
	 * may hold a NUL), left out when r->no_peer_id; "port", an integer.  A
	 * bencoded dictionary's keys must come in sorted byte order, and these
	 * three already are. */
	bencode_begin_list(b);
	for (size_t i = 0; i < r->npeers; i++) {
		const struct swarm_peer *p = r->peers[i];
		char ip[16];

		snprintf(ip, sizeof(ip), "%u.%u.%u.%u", p->ip[0], p->ip[1], p->ip[2], p->ip[3]);
		bencode_begin_dict(b);
		bencode_put_cstr(b, "ip");
		bencode_put_cstr(b, ip);
		if (!r->no_peer_id) {
			bencode_put_cstr(b, "peer id");
			bencode_put_str(b, p->id, SWARM_ID_LEN);
		}
		bencode_put_cstr(b, "port");
		bencode_put_int(b, p->port);
		bencode_end(b);
	}
	bencode_end(b);
	/* SOLUTION END */
}

void
announce_put_reply(struct bencode_buf *b, const struct announce_reply *r)
{
	/* SOLUTION BEGIN: the announce answer: one dictionary with "complete"
	 * (seeds), "incomplete" (leechers), "interval", "min interval" (seconds)
	 * and "peers", in that order: a bencoded dictionary's keys go in sorted
	 * byte order, and strict clients reject any other ("min interval" sorts
	 * after "interval").  peers is put_compact_peers when r->compact, else
	 * put_dict_peers.  Until it is written the stub answers with a failure
	 * reason, so clients see why; the (void) line keeps the compiler quiet
	 * about the helpers until you call them. */
	/* SOLUTION STUB: (void)put_compact_peers; (void)put_dict_peers; */
	/* SOLUTION STUB: announce_put_failure(b, "announce_put_reply is not written yet"); */
	bencode_begin_dict(b);
	bencode_put_cstr(b, "complete");
	bencode_put_int(b, r->complete);
	bencode_put_cstr(b, "incomplete");
	bencode_put_int(b, r->incomplete);
	bencode_put_cstr(b, "interval");
	bencode_put_int(b, r->interval);
	bencode_put_cstr(b, "min interval");
	bencode_put_int(b, r->min_interval);
	bencode_put_cstr(b, "peers");
	if (r->compact)
		put_compact_peers(b, r);
	else
		put_dict_peers(b, r);
	bencode_end(b);
	/* SOLUTION END */
}

void
announce_put_failure(struct bencode_buf *b, const char *reason)
{
	bencode_begin_dict(b);
	bencode_put_cstr(b, "failure reason");
	bencode_put_cstr(b, reason);
	bencode_end(b);
}

static int
cmp_entry(const void *a, const void *b)
{
	return memcmp(((const struct announce_scrape_entry *)a)->info_hash,
	    ((const struct announce_scrape_entry *)b)->info_hash, SWARM_HASH_LEN);
}

void
announce_put_scrape(struct bencode_buf *b, struct announce_scrape_entry *e, size_t n)
{
	if (n > 1)
		qsort(e, n, sizeof(*e), cmp_entry);
	bencode_begin_dict(b);
	bencode_put_cstr(b, "files");
	bencode_begin_dict(b);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && cmp_entry(&e[i - 1], &e[i]) == 0)
			continue;
		bencode_put_str(b, e[i].info_hash, SWARM_HASH_LEN);
		bencode_begin_dict(b);
		bencode_put_cstr(b, "complete");
		bencode_put_int(b, e[i].complete);
		bencode_put_cstr(b, "downloaded");
		bencode_put_int(b, e[i].downloaded);
		bencode_put_cstr(b, "incomplete");
		bencode_put_int(b, e[i].incomplete);
		bencode_end(b);
	}
	bencode_end(b);
	bencode_end(b);
}
