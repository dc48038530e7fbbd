/*
 * test_httpd.c — the request-head parser against good heads, a table of bad
 * ones (each breaking one rule), heads that arrive in pieces, and heads too big
 * for the buffer; and the response framing.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "httpd.h"

static enum httpd_parse
parse(const char *s, struct httpd_request *req)
{
	return httpd_parse_head(s, strlen(s), HTTPD_MAX_HEAD, req);
}

static int
span_is(const char *p, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(p, want, n) == 0;
}

Test(httpd, splits_request_line_into_method_path_and_query)
{
	struct httpd_request r;
	const char *s = "GET /announce?a=1&b=%20 HTTP/1.1\r\nHost: x\r\n\r\n";

	cr_assert_eq(parse(s, &r), HTTPD_OK);
	cr_assert(httpd_method_is(&r, "GET"));
	cr_assert(span_is(r.path, r.path_len, "/announce"));
	cr_assert(span_is(r.query, r.query_len, "a=1&b=%20"));
	cr_assert_eq(r.minor, 1);
	cr_assert_eq(r.head_len, strlen(s));
	cr_assert_eq(r.has_body, 0);
}

Test(httpd, path_without_query_has_empty_query)
{
	struct httpd_request r;

	cr_assert_eq(parse("GET / HTTP/1.0\r\n\r\n", &r), HTTPD_OK);
	cr_assert(span_is(r.path, r.path_len, "/"));
	cr_assert_eq(r.query_len, 0);
}

Test(httpd, keep_alive_follows_version_and_connection_header)
{
	static const struct {
		const char *head;
		int keep;
	} cases[] = {
		{ "GET / HTTP/1.1\r\n\r\n", 1 },
		{ "GET / HTTP/1.0\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nconnection: CLOSE\r\n\r\n", 0 },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 1 },
		{ "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", 1 },
		{ "GET / HTTP/1.1\r\nConnection: TE, close\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nConnection:  upgrade ,  close  \r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nConnection: closed\r\n\r\n", 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct httpd_request r;

		cr_assert_eq(parse(cases[i].head, &r), HTTPD_OK, "%s", cases[i].head);
		cr_assert_eq(r.keep_alive, cases[i].keep, "%s", cases[i].head);
	}
}

Test(httpd, accepts_bare_newlines)
{
	struct httpd_request r;

	cr_assert_eq(parse("GET /x HTTP/1.1\nHost: a\n\n", &r), HTTPD_OK);
	cr_assert_eq(r.head_len, strlen("GET /x HTTP/1.1\nHost: a\n\n"));
}

Test(httpd, notices_a_body)
{
	struct httpd_request r;

	cr_assert_eq(parse("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &r), HTTPD_OK);
	cr_assert_eq(r.has_body, 0);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", &r), HTTPD_OK);
	cr_assert_eq(r.has_body, 1);
	cr_assert_eq(parse("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &r), HTTPD_OK);
	cr_assert_eq(r.has_body, 1);
}

Test(httpd, rejects_each_malformed_head)
{
	static const char *const bad[] = {
		"get / HTTP/1.1\r\n\r\n",		/* method must be upper case */
		"GET / HTTP/2.0\r\n\r\n",		/* not HTTP/1.x */
		"GET / HTTP/1.2\r\n\r\n",
		"GET / HTTP/1.1 \r\n\r\n",		/* trailing space */
		"GET /\r\n\r\n",			/* HTTP/0.9 */
		"GET  / HTTP/1.1\r\n\r\n",		/* two spaces */
		"GET announce HTTP/1.1\r\n\r\n",	/* target not origin-form */
		"GET / FTP/1.1\r\n\r\n",
		" GET / HTTP/1.1\r\n\r\n",
		"\r\nGET / HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\nNoColon\r\n\r\n",
		"GET / HTTP/1.1\r\n: empty name\r\n\r\n",
		"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
		"GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
		"GET / HTTP/1.1\r\nA: b\x01\r\n\r\n",
		"GET / HTTP/1.1\r\nA: b\rc\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
		"GET /a\rb HTTP/1.1\r\n\r\n",
		"VERYLONGMETHODNAMEX / HTTP/1.1\r\n\r\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct httpd_request r;

		cr_assert_eq(parse(bad[i], &r), HTTPD_BAD, "case %zu", i);
	}
}

Test(httpd, refuses_non_http_before_the_line_ends)
{
	struct httpd_request r;
	const char handshake[] = "\x13" "BitTorrent protocol";

	cr_assert_eq(httpd_parse_head(handshake, sizeof(handshake) - 1, HTTPD_MAX_HEAD, &r),
	    HTTPD_BAD);
	cr_assert_eq(parse("hello", &r), HTTPD_BAD);
	cr_assert_eq(parse("GET /\x01", &r), HTTPD_BAD);
}

Test(httpd, waits_for_the_rest_of_a_head)
{
	const char *s = "GET /announce?x=1 HTTP/1.1\r\nHost: a\r\n\r\n";
	struct httpd_request r;

	for (size_t n = 0; n < strlen(s); n++)
		cr_assert_eq(httpd_parse_head(s, n, HTTPD_MAX_HEAD, &r), HTTPD_INCOMPLETE,
		    "prefix of %zu bytes", n);
	cr_assert_eq(httpd_parse_head(s, strlen(s), HTTPD_MAX_HEAD, &r), HTTPD_OK);
}

Test(httpd, head_that_fills_the_buffer_is_too_large)
{
	static char buf[HTTPD_MAX_HEAD + 100];
	struct httpd_request r;
	size_t n;

	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nX: ");
	memset(buf + n, 'a', sizeof(buf) - n);
	cr_assert_eq(httpd_parse_head(buf, HTTPD_MAX_HEAD - 1, HTTPD_MAX_HEAD, &r), HTTPD_INCOMPLETE);
	cr_assert_eq(httpd_parse_head(buf, HTTPD_MAX_HEAD, HTTPD_MAX_HEAD, &r), HTTPD_TOO_LARGE);
	/* A request line alone longer than the buffer. */
	memcpy(buf, "GET /", 5);
	memset(buf + 5, 'a', sizeof(buf) - 5);
	cr_assert_eq(httpd_parse_head(buf, sizeof(buf), HTTPD_MAX_HEAD, &r), HTTPD_TOO_LARGE);
}

Test(httpd, head_ending_past_the_limit_is_too_large)
{
	const char *s = "GET / HTTP/1.1\r\nHost: abcdef\r\n\r\n";
	struct httpd_request r;

	cr_assert_eq(httpd_parse_head(s, strlen(s), strlen(s), &r), HTTPD_OK);
	cr_assert_eq(httpd_parse_head(s, strlen(s), strlen(s) - 1, &r), HTTPD_TOO_LARGE);
}

Test(httpd, leaves_a_pipelined_request_alone)
{
	const char *s = "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n";
	struct httpd_request r;

	cr_assert_eq(parse(s, &r), HTTPD_OK);
	cr_assert_eq(r.head_len, strlen("GET /a HTTP/1.1\r\n\r\n"));
	cr_assert_eq(parse(s + r.head_len, &r), HTTPD_OK);
	cr_assert(span_is(r.path, r.path_len, "/b"));
}

Test(httpd, frames_a_response)
{
	struct httpd_buf b;
	const char *want = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 3\r\nConnection: close\r\nX-A: 1\r\n\r\nabc";

	httpd_buf_init(&b);
	httpd_put_response(&b, 404, "text/plain", "X-A: 1\r\n", "abc", 3, 0);
	cr_assert_not(b.failed);
	cr_assert_eq(b.len, strlen(want));
	cr_assert_eq(memcmp(b.data, want, b.len), 0);
	httpd_buf_consume(&b, 9);
	cr_assert_eq(memcmp(b.data, "404", 3), 0);
	httpd_buf_free(&b);
}

Test(httpd, names_the_statuses_it_sends)
{
	cr_assert_str_eq(httpd_status_text(431), "Request Header Fields Too Large");
	cr_assert_str_eq(httpd_status_text(400), "Bad Request");
	cr_assert_str_eq(httpd_status_text(999), "Unknown");
}
