/*
 * strbuf.c — see strbuf.h.  Capacity doubles; one spare byte always holds
 * the terminating NUL so strbuf_str never has to allocate.
 */
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
strbuf_init(struct strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void
strbuf_free(struct strbuf *sb)
{
	free(sb->data);
	strbuf_init(sb);
}

void
strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->data != NULL)
		sb->data[0] = '\0';
}

static int
reserve(struct strbuf *sb, size_t extra)
{
	size_t ncap;
	char *nd;

	if (sb->failed)
		return -1;
	if (sb->len + extra + 1 <= sb->cap)
		return 0;
	ncap = sb->cap ? sb->cap : 256;
	while (ncap < sb->len + extra + 1)
		ncap *= 2;
	if ((nd = realloc(sb->data, ncap)) == NULL) {
		sb->failed = 1;
		return -1;
	}
	sb->data = nd;
	sb->cap = ncap;
	return 0;
}

void
strbuf_append(struct strbuf *sb, const void *data, size_t n)
{
	if (reserve(sb, n) == -1)
		return;
	if (n > 0)
		memcpy(sb->data + sb->len, data, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
}

void
strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_append(sb, s, strlen(s));
}

void
strbuf_putc(struct strbuf *sb, char c)
{
	strbuf_append(sb, &c, 1);
}

void
strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || reserve(sb, (size_t)n) == -1)
		return;
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

const char *
strbuf_str(const struct strbuf *sb)
{
	return sb->data != NULL ? sb->data : "";
}

void
strbuf_consume(struct strbuf *sb, size_t n)
{
	if (n >= sb->len) {
		strbuf_reset(sb);
		return;
	}
	memmove(sb->data, sb->data + n, sb->len - n);
	sb->len -= n;
	sb->data[sb->len] = '\0';
}

void
strbuf_put_escaped(struct strbuf *sb, const void *data, size_t n, size_t max)
{
	const unsigned char *p = data;
	size_t lim = n < max ? n : max;

	for (size_t i = 0; i < lim; i++) {
		if (p[i] == '\\')
			strbuf_puts(sb, "\\\\");
		else if (p[i] == '\n')
			strbuf_puts(sb, "\\n");
		else if (p[i] == '\t')
			strbuf_puts(sb, "\\t");
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			strbuf_putc(sb, (char)p[i]);
		else
			strbuf_printf(sb, "\\x%02x", p[i]);
	}
	if (lim < n)
		strbuf_puts(sb, "...");
}

void
strbuf_put_json(struct strbuf *sb, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++) {
		switch (p[i]) {
		case '"': strbuf_puts(sb, "\\\""); break;
		case '\\': strbuf_puts(sb, "\\\\"); break;
		case '\n': strbuf_puts(sb, "\\n"); break;
		case '\t': strbuf_puts(sb, "\\t"); break;
		case '\r': strbuf_puts(sb, "\\r"); break;
		default:
			if (p[i] < 0x20 || p[i] >= 0x7f)
				strbuf_printf(sb, "\\u%04x", p[i]);
			else
				strbuf_putc(sb, (char)p[i]);
		}
	}
}
