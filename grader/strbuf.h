/*
 * strbuf.h — a growable byte buffer, always NUL-terminated.
 *
 * The grader collects a lot of text it did not write: a child's output, the
 * feedback for a test, a report.  One small buffer type with append and
 * printf keeps every one of those places free of fixed-size arrays and of
 * truncation bugs.  A failed allocation is sticky (strbuf_failed) instead of
 * an error on every call, so callers check once at the end.
 */
#ifndef STRBUF_H
#define STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *data;		/* NUL-terminated; NULL until the first append */
	size_t len, cap;
	int failed;		/* an allocation failed; contents are incomplete */
};

void strbuf_init(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_append(struct strbuf *sb, const void *data, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap);

/* The contents as a string ("" when empty). */
const char *strbuf_str(const struct strbuf *sb);

/* Removes the first n bytes. */
void strbuf_consume(struct strbuf *sb, size_t n);

/*
 * Appends data made printable for a human: printable ASCII as is, \n \t \\
 * and every other byte as \xNN.  At most max input bytes; "..." marks a cut.
 */
void strbuf_put_escaped(struct strbuf *sb, const void *data, size_t n, size_t max);

/* Appends s as the body of a JSON string (without the quotes). */
void strbuf_put_json(struct strbuf *sb, const void *data, size_t n);

#endif
