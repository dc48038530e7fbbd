/*
 * jlog.c — JSON Lines events (see jlog.h).
 */
#include "jlog.h"

#include <inttypes.h>
#include <string.h>

int
jlog_open(struct jlog *j, const char *path)
{
	memset(j, 0, sizeof(*j));
	j->fp = fopen(path, "w");
	return j->fp == NULL ? -1 : 0;
}

int
jlog_close(struct jlog *j)
{
	int rc = 0;

	if (j->fp != NULL && fclose(j->fp) != 0)
		rc = -1;
	j->fp = NULL;
	return rc;
}

int
jlog_enabled(const struct jlog *j)
{
	return j->fp != NULL;
}

static void
put(struct jlog *j, const char *s, size_t n)
{
	if (j->overflow || n > sizeof(j->line) - 2 - j->len) {
		j->overflow = 1;
		return;
	}
	memcpy(j->line + j->len, s, n);
	j->len += n;
}

/* A JSON string: quotes, backslash escapes, control bytes as \u00XX. */
static void
put_string(struct jlog *j, const char *s)
{
	put(j, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(j, esc, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(j, esc, 6);
		} else {
			put(j, s, 1);
		}
	}
	put(j, "\"", 1);
}

static void
key(struct jlog *j, const char *k)
{
	if (!j->first)
		put(j, ",", 1);
	j->first = 0;
	if (k != NULL) {
		put_string(j, k);
		put(j, ":", 1);
	}
}

void
jlog_begin(struct jlog *j, int64_t t_ms, const char *ev)
{
	if (j->fp == NULL)
		return;
	j->len = 0;
	j->overflow = 0;
	put(j, "{", 1);
	j->first = 1;
	jlog_int(j, "t", t_ms);
	jlog_str(j, "ev", ev);
}

void
jlog_str(struct jlog *j, const char *k, const char *val)
{
	if (j->fp == NULL)
		return;
	key(j, k);
	put_string(j, val);
}

void
jlog_int(struct jlog *j, const char *k, int64_t val)
{
	char num[32];
	int n;

	if (j->fp == NULL)
		return;
	key(j, k);
	n = snprintf(num, sizeof(num), "%" PRId64, val);
	put(j, num, (size_t)n);
}

void
jlog_array_begin(struct jlog *j, const char *k)
{
	if (j->fp == NULL)
		return;
	key(j, k);
	put(j, "[", 1);
	j->first = 1;
}

void
jlog_object_begin(struct jlog *j)
{
	if (j->fp == NULL)
		return;
	key(j, NULL);
	put(j, "{", 1);
	j->first = 1;
}

void
jlog_object_end(struct jlog *j)
{
	if (j->fp == NULL)
		return;
	put(j, "}", 1);
	j->first = 0;
}

void
jlog_array_end(struct jlog *j)
{
	if (j->fp == NULL)
		return;
	put(j, "]", 1);
	j->first = 0;
}

int
jlog_end(struct jlog *j)
{
	if (j->fp == NULL)
		return 0;
	put(j, "}", 1);
	if (j->overflow)
		return 0;
	j->line[j->len++] = '\n';
	if (fwrite(j->line, 1, j->len, j->fp) != j->len || fflush(j->fp) != 0)
		return -1;
	return 0;
}
