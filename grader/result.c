/*
 * result.c — see result.h.  The encoding is plain text: each integer on a
 * line, then each string as its length on a line followed by its bytes, so a
 * truncated message (a worker killed mid-write) is detected, not misread.
 */
#include "result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RESULT_WINDOW 160	/* bytes shown around the first difference */

void
result_init(struct result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = RESULT_PASS;
	r->diff_offset = -1;
	strbuf_init(&r->message);
	strbuf_init(&r->sent);
	strbuf_init(&r->expected);
	strbuf_init(&r->got);
	strbuf_init(&r->log);
}

void
result_free(struct result *r)
{
	strbuf_free(&r->message);
	strbuf_free(&r->sent);
	strbuf_free(&r->expected);
	strbuf_free(&r->got);
	strbuf_free(&r->log);
}

static void
vnote(struct result *r, enum result_status s, const char *fmt, va_list ap)
{
	if (r->status == RESULT_PASS)
		r->status = s;
	if (r->message.len > 0)
		strbuf_putc(&r->message, '\n');
	strbuf_vprintf(&r->message, fmt, ap);
}

void
result_fail(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(r, RESULT_FAIL, fmt, ap);
	va_end(ap);
}

void
result_error(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(r, RESULT_ERROR, fmt, ap);
	va_end(ap);
}

/* Appends the printable window of data starting near off. */
static void
window(struct strbuf *sb, const char *data, size_t len, size_t off)
{
	size_t start = off > RESULT_WINDOW / 2 ? off - RESULT_WINDOW / 2 : 0;

	/* Start at a line boundary when one is near, so lines read whole. */
	for (size_t i = start; i > 0 && start - i < 40; i--)
		if (data[i - 1] == '\n') {
			start = i;
			break;
		}
	if (start > 0)
		strbuf_printf(sb, "[%zu bytes before] ", start);
	strbuf_put_escaped(sb, data + start, len - start, RESULT_WINDOW);
	if (len == 0)
		strbuf_puts(sb, "(nothing)");
}

int
result_compare(struct result *r, const void *expected, size_t elen, const void *got, size_t glen)
{
	const char *e = expected, *g = got;
	size_t off = 0;

	while (off < elen && off < glen && e[off] == g[off])
		off++;
	if (off == elen && off == glen)
		return 0;
	r->diff_offset = (long)off;
	strbuf_reset(&r->expected);
	strbuf_reset(&r->got);
	window(&r->expected, e, elen, off);
	window(&r->got, g, glen, off);
	return -1;
}

const char *
result_status_name(enum result_status s)
{
	static const char *const names[] = { "pass", "fail", "skipped", "error" };

	return s <= RESULT_ERROR ? names[s] : "?";
}

static void
put_str(struct strbuf *out, const struct strbuf *s)
{
	strbuf_printf(out, "%zu\n", s->len);
	strbuf_append(out, strbuf_str(s), s->len);
}

void
result_encode(const struct result *r, struct strbuf *out)
{
	strbuf_printf(out, "R1\n%d\n%d\n%d\n%ld\n%ld\n%d\n", (int)r->status, r->points,
	    r->max_points, r->duration_ms, r->diff_offset, r->leftovers);
	put_str(out, &r->message);
	put_str(out, &r->sent);
	put_str(out, &r->expected);
	put_str(out, &r->got);
	put_str(out, &r->log);
}

/* Reads one decimal line at *pos.  Returns 0, or -1. */
static int
get_long(const char *d, size_t len, size_t *pos, long *v)
{
	const char *nl = memchr(d + *pos, '\n', len - *pos);
	char buf[32], *end;
	size_t n;

	if (nl == NULL || (n = (size_t)(nl - (d + *pos))) == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, d + *pos, n);
	buf[n] = '\0';
	*v = strtol(buf, &end, 10);
	if (*end != '\0')
		return -1;
	*pos += n + 1;
	return 0;
}

static int
get_str(const char *d, size_t len, size_t *pos, struct strbuf *s)
{
	long n;

	if (get_long(d, len, pos, &n) == -1 || n < 0 || (size_t)n > len - *pos)
		return -1;
	strbuf_reset(s);
	strbuf_append(s, d + *pos, (size_t)n);
	*pos += (size_t)n;
	return 0;
}

int
result_decode(struct result *r, const char *d, size_t len)
{
	size_t pos = 3;
	long v[6];

	if (len < 3 || memcmp(d, "R1\n", 3) != 0)
		return -1;
	for (int i = 0; i < 6; i++)
		if (get_long(d, len, &pos, &v[i]) == -1)
			return -1;
	if (v[0] < RESULT_PASS || v[0] > RESULT_ERROR)
		return -1;
	r->status = (enum result_status)v[0];
	r->points = (int)v[1];
	r->max_points = (int)v[2];
	r->duration_ms = v[3];
	r->diff_offset = v[4];
	r->leftovers = (int)v[5];
	if (get_str(d, len, &pos, &r->message) || get_str(d, len, &pos, &r->sent) ||
	    get_str(d, len, &pos, &r->expected) || get_str(d, len, &pos, &r->got) ||
	    get_str(d, len, &pos, &r->log))
		return -1;
	return pos == len ? 0 : -1;
}
