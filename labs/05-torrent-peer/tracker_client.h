/*
 * tracker_client.h — the peer's side of an HTTP announce (BEP 3, BEP 23).
 *
 * A peer tells the tracker who it is and how far along it is with one HTTP
 * GET, and gets back a bencoded dictionary: either "failure reason", or an
 * "interval" to wait before the next announce (and maybe a "min interval")
 * and "peers", either compact (BEP 23: 6 bytes per peer, IPv4 + port) or a
 * list of dictionaries with "ip", "port" and "peer id".
 *
 * This module only builds the request bytes and parses the response bytes;
 * the event loop owns the socket, so a slow tracker never stalls transfers.
 */
#ifndef TRACKER_CLIENT_H
#define TRACKER_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define TRACKER_CLIENT_MAX_PEERS 2000	/* peers kept from one answer */

struct tracker_url {
	char host[256];
	char port[8];
	char path[1024];	/* path and any query, from the first '/' */
};

struct tracker_announce {
	const uint8_t *info_hash;	/* 20 bytes */
	const uint8_t *peer_id;		/* 20 bytes */
	uint16_t port;
	uint64_t uploaded, downloaded, left;
	const char *event;		/* "started", "completed", "stopped" or NULL */
	int numwant;
};

struct tracker_peer {
	struct sockaddr_storage addr;
	socklen_t addr_len;
	uint8_t peer_id[20];
	int has_id;
};

struct tracker_reply {
	char failure[256];	/* "failure reason", "" if none */
	char warning[256];	/* "warning message", "" if none */
	int64_t interval;	/* seconds, -1 if absent */
	int64_t min_interval;	/* seconds, -1 if absent */
	int64_t complete, incomplete;	/* -1 if absent */
	struct tracker_peer *peers;	/* owned; free with tracker_client_reply_free */
	size_t npeers;
};

/* Splits "http://host[:port]/path".  Returns 0, or -1 if not http://. */
int tracker_client_parse_url(const char *url, struct tracker_url *u);

/*
 * Writes the GET request for a into buf (cap bytes).  Returns its length, or
 * -1 if it does not fit.
 */
long tracker_client_request(const struct tracker_url *u,
    const struct tracker_announce *a, char *buf, size_t cap);

/*
 * Parses a whole HTTP response (status line, headers, bencoded body).
 * Returns 0 and fills *r (a "failure reason" answer is a success here: see
 * r->failure), or -1 with a one-line reason in err.
 */
int tracker_client_parse_reply(const uint8_t *resp, size_t len,
    struct tracker_reply *r, char *err, size_t errlen);
void tracker_client_reply_free(struct tracker_reply *r);

#endif
