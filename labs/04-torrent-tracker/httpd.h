/*
 * httpd.h — the small piece of HTTP/1.x a tracker needs: read a request head,
 * write a response head.  No sockets: the caller owns the connection and hands
 * over the bytes it has received so far.
 *
 * A tracker request is a GET whose whole meaning is in its target
 * ("/announce?info_hash=...").  So the parser only splits the request line,
 * checks the header lines are well formed, and remembers the two headers that
 * change how the connection is handled (Connection, and whether a body would
 * follow).  It is built for hostile input the way suckless quark is: the head
 * must fit in a fixed buffer, and a head that does not end before the buffer is
 * full is an error with its own answer (431), not a reason to grow.  Bytes that
 * cannot start an HTTP request are refused as soon as they arrive, so a client
 * speaking another protocol gets its 400 at once instead of at the timeout.
 */
#ifndef HTTPD_H
#define HTTPD_H

#include <stddef.h>

#define HTTPD_MAX_HEAD 8192	/* request line + headers + blank line */

enum httpd_parse {
	HTTPD_INCOMPLETE,	/* no blank line yet, nothing wrong so far */
	HTTPD_OK,		/* a whole, well-formed head */
	HTTPD_BAD,		/* not HTTP/1.x: answer 400 and close */
	HTTPD_TOO_LARGE,	/* no end of head within max bytes: 431 and close */
};

/* A parsed head.  Every pointer points into the caller's buffer. */
struct httpd_request {
	const char *method;
	size_t method_len;
	const char *path;	/* the target up to '?' */
	size_t path_len;
	const char *query;	/* after '?' (empty if none) */
	size_t query_len;
	int minor;		/* HTTP/1.<minor>: 0 or 1 */
	int keep_alive;		/* the client wants the connection kept */
	int has_body;		/* Content-Length > 0 or Transfer-Encoding */
	size_t head_len;	/* bytes of buf the head takes, blank line included */
};

/*
 * Parses the request head at the start of buf[0..len).  max is the most the
 * head may take (at most HTTPD_MAX_HEAD is sensible).  Returns HTTPD_OK and
 * fills *req, or one of the other statuses (then *req is undefined).  Bytes
 * after the head (a pipelined request) are left alone.
 */
enum httpd_parse httpd_parse_head(const char *buf, size_t len, size_t max,
    struct httpd_request *req);

/* 1 if the request's method is exactly m, else 0. */
int httpd_method_is(const struct httpd_request *req, const char *m);

/* The reason phrase of a status code ("Not Found"), or "Unknown". */
const char *httpd_status_text(int status);

/*
 * A growable output buffer.  After an allocation failure it is marked failed
 * and later appends do nothing, so a caller writes a whole answer and checks
 * once at the end.
 */
struct httpd_buf {
	char *data;
	size_t len, cap;
	int failed;
};

void httpd_buf_init(struct httpd_buf *b);
void httpd_buf_free(struct httpd_buf *b);
void httpd_buf_append(struct httpd_buf *b, const void *data, size_t n);
/* Drops the first n bytes (already sent). */
void httpd_buf_consume(struct httpd_buf *b, size_t n);

/*
 * Appends a complete response: status line, Content-Type, Content-Length,
 * Connection (close or keep-alive), extra (whole header lines ending in
 * "\r\n", or NULL), the blank line, then body[0..len).
 */
void httpd_put_response(struct httpd_buf *b, int status, const char *type,
    const char *extra, const void *body, size_t len, int keep_alive);

#endif
