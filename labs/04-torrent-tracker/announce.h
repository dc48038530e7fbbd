/*
 * announce.h — the tracker protocol's messages (BEP 3, BEP 23, BEP 48): the
 * query string of an announce or a scrape in, a bencoded answer out.
 *
 * An announce is "GET /announce?info_hash=%12%34...&peer_id=...&port=6881&..."
 * with its parameters in any order.  info_hash and peer_id are 20 raw bytes
 * each, %-encoded; they are decoded and must come out exactly 20 bytes long.
 * The six parameters BEP 3 lists are required (info_hash, peer_id, port,
 * uploaded, downloaded, left); event, compact, numwant, no_peer_id and ip are
 * optional; anything else is ignored, so clients may send their extensions.
 * A known parameter given twice is an error (which one would we believe?).
 * '+' is taken literally (RFC 3986), not as a space: clients %-encode every
 * byte outside the unreserved set, so a '+' in a hash is a 0x2b byte.
 *
 * ip= is honoured only when it is a dotted-quad IPv4 address (inet_pton);
 * anything else (a host name, an IPv6 address, garbage) is ignored and the
 * connection's own address is used.  This lets peers on one machine announce
 * 127.0.0.x addresses of their own, and never makes the tracker resolve names.
 *
 * Parsing never fails silently: a bad request gives an error class and the
 * name of the parameter at fault, which the tracker turns into the bencoded
 * "failure reason" that real clients show to their users.
 */
#ifndef ANNOUNCE_H
#define ANNOUNCE_H

#include <stddef.h>

#include "bencode.h"
#include "swarm.h"

#define ANNOUNCE_NUMWANT_DEFAULT 50
#define ANNOUNCE_SCRAPE_MAX 64	/* info_hash parameters in one scrape */

enum announce_error {
	ANNOUNCE_OK,
	ANNOUNCE_MISSING,	/* a required parameter is absent */
	ANNOUNCE_INVALID,	/* a parameter's value is malformed */
	ANNOUNCE_DUPLICATE,	/* a parameter is given twice */
	ANNOUNCE_BAD_ESCAPE,	/* a %-escape is not two hex digits */
	ANNOUNCE_TOO_MANY,	/* more info_hash parameters than a scrape takes */
	ANNOUNCE_ERROR_COUNT
};

struct announce_request {
	unsigned char info_hash[SWARM_HASH_LEN];
	unsigned char peer_id[SWARM_ID_LEN];
	unsigned port;
	long long uploaded, downloaded, left;
	enum swarm_event event;
	int compact;		/* 1 unless compact=0 */
	int no_peer_id;		/* leave "peer id" out of dictionary peers */
	int numwant;		/* ANNOUNCE_NUMWANT_DEFAULT unless given; capped */
	int has_ip;		/* ip= was a valid IPv4 address, now in ip */
	unsigned char ip[4];	/* network byte order */
};

/* Words for an error class, e.g. "invalid parameter". */
const char *announce_error_text(enum announce_error e);

/*
 * %-decodes src[0..n) into dst (room for cap bytes).  Returns the decoded
 * length, -1 on a bad escape, or -2 if the result does not fit in cap.
 */
long announce_pct_decode(const char *src, size_t n, unsigned char *dst, size_t cap);

/*
 * Parses an announce query string q[0..n) (what follows '?').  numwant_max
 * caps numwant.  Returns ANNOUNCE_OK and fills *req, or an error class and
 * sets *param to the name of the parameter at fault (a static string).
 */
enum announce_error announce_parse(const char *q, size_t n, int numwant_max,
    struct announce_request *req, const char **param);

/*
 * Parses a scrape query string: every info_hash parameter, at most max of
 * them, into hashes; the rest is ignored.  Returns ANNOUNCE_OK and sets
 * *count (0: scrape everything), or an error class and *param.
 */
enum announce_error announce_parse_scrape(const char *q, size_t n,
    unsigned char (*hashes)[SWARM_HASH_LEN], size_t max, size_t *count,
    const char **param);

/* 40 hex digits (either case) in s[0..n) to 20 bytes.  0, or -1. */
int announce_parse_hex_hash(const char *s, size_t n, unsigned char hash[SWARM_HASH_LEN]);

/* What an announce answer carries. */
struct announce_reply {
	long long interval, min_interval;
	long long complete, incomplete;
	const struct swarm_peer *const *peers;
	size_t npeers;
	int compact, no_peer_id;
};

/*
 * Appends the bencoded answer: complete, incomplete, interval, min interval,
 * and peers — 6 bytes each (4 of address, 2 of port, network order) when
 * compact, else a list of dictionaries with ip, peer id (unless no_peer_id)
 * and port.
 */
void announce_put_reply(struct bencode_buf *b, const struct announce_reply *r);

/* Appends d14:failure reason<len>:<reason>e. */
void announce_put_failure(struct bencode_buf *b, const char *reason);

/* One torrent's line in a scrape answer. */
struct announce_scrape_entry {
	unsigned char info_hash[SWARM_HASH_LEN];
	long long complete, downloaded, incomplete;
};

/*
 * Appends a scrape answer, d5:filesd<hash>d8:complete..e...ee.  Sorts e by
 * info-hash (bencode wants sorted keys) and drops repeated hashes.
 */
void announce_put_scrape(struct bencode_buf *b, struct announce_scrape_entry *e,
    size_t n);

#endif
