/*
 * httpd.c — request heads in, response heads out; see httpd.h.
 *
 * The head is validated in one pass over its lines.  Line endings may be
 * "\r\n" or a bare "\n" (RFC 9112 lets a server accept both); a '\r' anywhere
 * else, a control byte, a folded header or a malformed request line makes the
 * whole request HTTPD_BAD.  The request line is checked as soon as it has
 * arrived, and even before, its bytes must be plausible, so garbage is refused
 * without waiting for a blank line that will never come.
 */
#include "httpd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bytebuf.h"

#define METHOD_MAX 16

static int
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Length of the line at s (up to n bytes) without its "\r\n" or "\n". */
static size_t
line_len(const char *s, size_t n)
{
	return n > 0 && s[n - 1] == '\r' ? n - 1 : n;
}

/*
 * Could buf[0..n), the beginning of a request line with no '\n' yet, still
 * become a valid one?  Catches binary and other protocols early.
 */
static int
plausible_start(const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n && buf[i] != ' '; i++)
		if (buf[i] < 'A' || buf[i] > 'Z' || i >= METHOD_MAX)
			return 0;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c < 0x20 || c > 0x7e) && !(c == '\r' && i == n - 1))
			return 0;
	}
	return 1;
}

/* Is s[0..n) made only of bytes lo..hi (inclusive)? */
static int
all_in_range(const char *s, size_t n, unsigned char lo, unsigned char hi)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < lo || (unsigned char)s[i] > hi)
			return 0;
	return 1;
}

/* The minor version of "HTTP/1.0" or "HTTP/1.1" in v[0..n), or -1. */
static int
http_minor(const char *v, size_t n)
{
	if (n != 8 || memcmp(v, "HTTP/1.", 7) != 0 || (v[7] != '0' && v[7] != '1'))
		return -1;
	return v[7] - '0';
}

/* "METHOD SP /target SP HTTP/1.x" in line[0..n), no line ending.  0 or -1. */
static int
parse_request_line(const char *line, size_t n, struct httpd_request *req)
{
	const char *sp1 = memchr(line, ' ', n), *sp2, *q;
	size_t tlen;
	int minor;

	if (sp1 == NULL || sp1 == line || (size_t)(sp1 - line) > METHOD_MAX)
		return -1;
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - line));
	if (sp2 == NULL || sp2 == sp1 + 1)
		return -1;
	tlen = (size_t)(sp2 - sp1 - 1);
	minor = http_minor(sp2 + 1, n - (size_t)(sp2 + 1 - line));
	if (!all_in_range(line, (size_t)(sp1 - line), 'A', 'Z') || sp1[1] != '/' ||
	    !all_in_range(sp1 + 1, tlen, 0x21, 0x7e) || minor < 0)
		return -1;
	req->method = line;
	req->method_len = (size_t)(sp1 - line);
	req->path = sp1 + 1;
	q = memchr(req->path, '?', tlen);
	req->path_len = q ? (size_t)(q - req->path) : tlen;
	req->query = q ? q + 1 : sp2;
	req->query_len = q ? (size_t)(sp2 - q - 1) : 0;
	req->minor = minor;
	req->keep_alive = req->minor == 1;
	req->has_body = 0;
	return 0;
}

/* Drops optional white space (spaces and tabs) from both ends of *s[0..*n). */
static void
trim_ows(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Applies the comma-separated Connection tokens in v[0..n). */
static void
connection_tokens(const char *v, size_t n, struct httpd_request *req)
{
	while (n > 0) {
		const char *comma = memchr(v, ',', n);
		size_t t = comma ? (size_t)(comma - v) : n, len = t;
		const char *s = v;

		trim_ows(&s, &len);
		if (len == 5 && strncasecmp(s, "close", 5) == 0)
			req->keep_alive = 0;
		else if (len == 10 && strncasecmp(s, "keep-alive", 10) == 0)
			req->keep_alive = 1;
		v += t + (comma != NULL);
		n -= t + (comma != NULL);
	}
}

/* Is line[0..n) a valid "Name: value" line?  Sets *name_len on success. */
static int
valid_field(const char *line, size_t n, size_t *name_len)
{
	const char *colon = memchr(line, ':', n);

	if (colon == NULL || colon == line)
		return 0;
	*name_len = (size_t)(colon - line);
	for (size_t i = 0; i < *name_len; i++)
		if (!is_tchar((unsigned char)line[i]))
			return 0;
	for (size_t i = *name_len + 1; i < n; i++)
		if (((unsigned char)line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7f)
			return 0;
	return 1;
}

/* One "Name: value" line, no line ending.  0 or -1. */
static int
parse_header(const char *line, size_t n, struct httpd_request *req)
{
	const char *v;
	size_t name_len, vlen;

	if (!valid_field(line, n, &name_len))
		return -1;
	v = line + name_len + 1;
	vlen = n - name_len - 1;
	trim_ows(&v, &vlen);
	if (name_len == 10 && strncasecmp(line, "connection", 10) == 0)
		connection_tokens(v, vlen, req);
	else if (name_len == 17 && strncasecmp(line, "transfer-encoding", 17) == 0)
		req->has_body = 1;
	else if (name_len == 14 && strncasecmp(line, "content-length", 14) == 0) {
		if (vlen == 0 || strspn(v, "0123456789") < vlen)
			return -1;
		if (strspn(v, "0") < vlen)
			req->has_body = 1;
	}
	return 0;
}

enum httpd_parse
httpd_parse_head(const char *buf, size_t len, size_t max,
    struct httpd_request *req)
{
	size_t n = len < max ? len : max, pos;
	const char *nl = memchr(buf, '\n', n);

	if (nl == NULL)
		return !plausible_start(buf, n) ? HTTPD_BAD :
		    len >= max ? HTTPD_TOO_LARGE : HTTPD_INCOMPLETE;
	pos = (size_t)(nl - buf);
	if (memchr(buf, '\r', line_len(buf, pos)) != NULL ||
	    parse_request_line(buf, line_len(buf, pos), req) == -1)
		return HTTPD_BAD;
	for (pos++;;) {
		const char *start = buf + pos;
		size_t ll;

		if ((nl = memchr(start, '\n', n - pos)) == NULL)
			return len >= max ? HTTPD_TOO_LARGE : HTTPD_INCOMPLETE;
		ll = line_len(start, (size_t)(nl - start));
		pos = (size_t)(nl - buf) + 1;
		if (ll == 0) {
			req->head_len = pos;
			return HTTPD_OK;
		}
		if (*start == ' ' || *start == '\t' || memchr(start, '\r', ll) != NULL ||
		    parse_header(start, ll, req) == -1)
			return HTTPD_BAD;
	}
}

int
httpd_method_is(const struct httpd_request *req, const char *m)
{
	return strlen(m) == req->method_len && memcmp(req->method, m, req->method_len) == 0;
}

const char *
httpd_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

void
httpd_buf_init(struct httpd_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

void
httpd_buf_free(struct httpd_buf *b)
{
	free(b->data);
	httpd_buf_init(b);
}

void
httpd_buf_append(struct httpd_buf *b, const void *data, size_t n)
{
	if (b->failed || n == 0)
		return;
	if (n > b->cap - b->len) {
		char *nd = bytebuf_grow(b->data, &b->cap, b->len, n, 1024);

		if (nd == NULL) {
			b->failed = 1;
			return;
		}
		b->data = nd;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
}

void
httpd_buf_consume(struct httpd_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}

void
httpd_put_response(struct httpd_buf *b, int status, const char *type,
    const char *extra, const void *body, size_t len, int keep_alive)
{
	char head[512];
	int n = snprintf(head, sizeof(head),
	    "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	    "Connection: %s\r\n%s\r\n", status, httpd_status_text(status), type,
	    len, keep_alive ? "keep-alive" : "close", extra ? extra : "");

	if (n < 0 || (size_t)n >= sizeof(head)) {
		b->failed = 1;
		return;
	}
	httpd_buf_append(b, head, (size_t)n);
	httpd_buf_append(b, body, len);
}
