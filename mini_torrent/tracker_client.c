/*
 * tracker_client.c — HTTP announce request and response (see
 * tracker_client.h).
 *
 * The response is read to the end of the connection (we send HTTP/1.0 and
 * "Connection: close"), so the body is everything after the blank line, with
 * no need for Content-Length.  The body is decoded with the strict bencode
 * decoder; the number of peers kept is capped.
 */
#include "tracker_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bencode.h"

int
tracker_client_parse_url(const char *url, struct tracker_url *u)
{
	const char *host, *end, *colon, *slash;
	size_t hlen;
	int n;

	memset(u, 0, sizeof(*u));
	if (strncmp(url, "http://", 7) != 0)
		return -1;
	host = url + 7;
	slash = strchr(host, '/');
	end = slash != NULL ? slash : host + strlen(host);
	colon = memchr(host, ':', (size_t)(end - host));
	hlen = (size_t)((colon != NULL ? colon : end) - host);
	if (hlen == 0 || hlen >= sizeof(u->host))
		return -1;
	memcpy(u->host, host, hlen);
	if (colon != NULL) {
		size_t plen = (size_t)(end - colon - 1);

		if (plen == 0 || plen >= sizeof(u->port) ||
		    strspn(colon + 1, "0123456789") < plen)
			return -1;
		memcpy(u->port, colon + 1, plen);
	} else {
		memcpy(u->port, "80", 3);
	}
	n = snprintf(u->path, sizeof(u->path), "%s", slash != NULL ? slash : "/");
	return n < 0 || (size_t)n >= sizeof(u->path) ? -1 : 0;
}

/* Appends bytes %-encoded (everything but RFC 3986 unreserved). */
static int
put_escaped(char *buf, size_t cap, size_t *len, const uint8_t *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];
		int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~';

		if (*len + 4 > cap)
			return -1;
		if (plain) {
			buf[(*len)++] = (char)c;
		} else {
			buf[(*len)++] = '%';
			buf[(*len)++] = hex[c >> 4];
			buf[(*len)++] = hex[c & 15];
		}
	}
	return 0;
}

static int
put_text(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > cap)
		return -1;
	memcpy(buf + *len, s, n);
	*len += n;
	return 0;
}

long
tracker_client_request(const struct tracker_url *u,
    const struct tracker_announce *a, char *buf, size_t cap)
{
	char tail[512];
	size_t len = 0;
	int n;

	if (put_text(buf, cap, &len, "GET ") < 0 ||
	    put_text(buf, cap, &len, u->path) < 0 ||
	    put_text(buf, cap, &len, strchr(u->path, '?') ? "&" : "?") < 0 ||
	    put_text(buf, cap, &len, "info_hash=") < 0 ||
	    put_escaped(buf, cap, &len, a->info_hash, 20) < 0 ||
	    put_text(buf, cap, &len, "&peer_id=") < 0 ||
	    put_escaped(buf, cap, &len, a->peer_id, 20) < 0)
		return -1;
	n = snprintf(tail, sizeof(tail),
	    "&port=%u&uploaded=%llu&downloaded=%llu&left=%llu&compact=1"
	    "&numwant=%d%s%s HTTP/1.0\r\nHost: %s:%s\r\n"
	    "User-Agent: mt-peer/1.0\r\nConnection: close\r\n\r\n",
	    (unsigned)a->port, (unsigned long long)a->uploaded,
	    (unsigned long long)a->downloaded, (unsigned long long)a->left,
	    a->numwant, a->event != NULL ? "&event=" : "",
	    a->event != NULL ? a->event : "", u->host, u->port);
	if (n < 0 || (size_t)n >= sizeof(tail) ||
	    put_text(buf, cap, &len, tail) < 0)
		return -1;
	return (long)len;
}

/* Copies a bencoded string into a C string buffer (truncated, printable). */
static void
copy_text(char *dst, size_t cap, const struct bencode_value *v)
{
	size_t n = v->str_len < cap - 1 ? v->str_len : cap - 1;

	for (size_t i = 0; i < n; i++)
		dst[i] = v->str[i] >= 0x20 && v->str[i] < 0x7f ?
		    (char)v->str[i] : '?';
	dst[n] = '\0';
}

static int64_t
get_int(const struct bencode_value *d, const char *k)
{
	const struct bencode_value *v = bencode_dict_get_int(d, k);

	return v != NULL ? v->i : -1;
}

/* Compact peers: 6 bytes (IPv4) or 18 bytes (IPv6, BEP 7) each. */
static void
add_compact(struct tracker_reply *r, const struct bencode_value *v, int v6)
{
	size_t step = v6 ? 18 : 6;

	for (size_t off = 0; off + step <= v->str_len &&
	    r->npeers < TRACKER_CLIENT_MAX_PEERS; off += step) {
		struct tracker_peer *p = &r->peers[r->npeers];
		const uint8_t *b = v->str + off;

		memset(p, 0, sizeof(*p));
		if (v6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&p->addr;

			s6->sin6_family = AF_INET6;
			memcpy(&s6->sin6_addr, b, 16);
			memcpy(&s6->sin6_port, b + 16, 2);
			p->addr_len = sizeof(*s6);
		} else {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&p->addr;

			s4->sin_family = AF_INET;
			memcpy(&s4->sin_addr, b, 4);
			memcpy(&s4->sin_port, b + 4, 2);
			p->addr_len = sizeof(*s4);
		}
		r->npeers++;
	}
}

/* Dictionary-model peers: [{"ip": ..., "peer id": ..., "port": ...}]. */
static void
add_dicts(struct tracker_reply *r, const struct bencode_value *list)
{
	for (size_t i = 0; i < list->count &&
	    r->npeers < TRACKER_CLIENT_MAX_PEERS; i++) {
		const struct bencode_value *d = &list->items[i];
		const struct bencode_value *ip = bencode_dict_get_str(d, "ip");
		const struct bencode_value *id = bencode_dict_get_str(d, "peer id");
		struct tracker_peer *p = &r->peers[r->npeers];
		struct sockaddr_in *s4 = (struct sockaddr_in *)&p->addr;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&p->addr;
		int64_t port = get_int(d, "port");
		char text[64];

		if (d->type != BENCODE_DICT || ip == NULL || port <= 0 ||
		    port > 65535 || ip->str_len >= sizeof(text))
			continue;
		memcpy(text, ip->str, ip->str_len);
		text[ip->str_len] = '\0';
		memset(p, 0, sizeof(*p));
		if (inet_pton(AF_INET, text, &s4->sin_addr) == 1) {
			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)port);
			p->addr_len = sizeof(*s4);
		} else if (inet_pton(AF_INET6, text, &s6->sin6_addr) == 1) {
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)port);
			p->addr_len = sizeof(*s6);
		} else {
			continue;	/* host names are not resolved */
		}
		if (id != NULL && id->str_len == 20) {
			memcpy(p->peer_id, id->str, 20);
			p->has_id = 1;
		}
		r->npeers++;
	}
}

/* Fills r from the bencoded body.  Returns 0 or -1 (err set). */
static int
parse_body(const uint8_t *body, size_t len, struct tracker_reply *r,
    char *err, size_t errlen)
{
	struct bencode_value *root;
	struct bencode_error be;
	const struct bencode_value *v;

	if (bencode_decode(body, len, &root, &be) < 0) {
		snprintf(err, errlen, "bad bencoded answer at byte %zu: %s",
		    be.offset, be.msg);
		return -1;
	}
	if (root->type != BENCODE_DICT) {
		bencode_free(root);
		snprintf(err, errlen, "answer is not a dictionary");
		return -1;
	}
	if ((v = bencode_dict_get_str(root, "failure reason")) != NULL)
		copy_text(r->failure, sizeof(r->failure), v);
	if ((v = bencode_dict_get_str(root, "warning message")) != NULL)
		copy_text(r->warning, sizeof(r->warning), v);
	r->interval = get_int(root, "interval");
	r->min_interval = get_int(root, "min interval");
	r->complete = get_int(root, "complete");
	r->incomplete = get_int(root, "incomplete");
	r->peers = calloc(TRACKER_CLIENT_MAX_PEERS, sizeof(*r->peers));
	if (r->peers == NULL) {
		bencode_free(root);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((v = bencode_dict_get_str(root, "peers")) != NULL)
		add_compact(r, v, 0);
	else if ((v = bencode_dict_get_list(root, "peers")) != NULL)
		add_dicts(r, v);
	if ((v = bencode_dict_get_str(root, "peers6")) != NULL)
		add_compact(r, v, 1);
	bencode_free(root);
	return 0;
}

int
tracker_client_parse_reply(const uint8_t *resp, size_t len,
    struct tracker_reply *r, char *err, size_t errlen)
{
	const char *s = (const char *)resp;
	const uint8_t *body = NULL;

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i + 4 <= len; i++) {
		if (memcmp(resp + i, "\r\n\r\n", 4) == 0) {
			body = resp + i + 4;
			break;
		}
	}
	if (len < 12 || strncmp(s, "HTTP/1.", 7) != 0 || body == NULL) {
		snprintf(err, errlen, "not an HTTP response");
		return -1;
	}
	/* Only 200 will do, so the status is compared, never read as a number. */
	if (memcmp(s + 9, "200", 3) != 0) {
		snprintf(err, errlen, "HTTP status %.3s", s + 9);
		return -1;
	}
	return parse_body(body, len - (size_t)(body - resp), r, err, errlen);
}

void
tracker_client_reply_free(struct tracker_reply *r)
{
	free(r->peers);
	r->peers = NULL;
	r->npeers = 0;
}
