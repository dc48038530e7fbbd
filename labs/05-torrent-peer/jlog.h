/*
 * jlog.h — machine-readable events as JSON Lines (--log FILE).
 *
 * One event per line, one JSON object per event, so a test, the grader or a
 * person with `jq` can replay what a peer decided and why:
 *
 *     {"t":1523,"ev":"unchoke","peer":"127.0.0.1:40312","optimistic":0}
 *
 * "t" is milliseconds since the program started, "ev" names the event, the
 * other keys depend on it.  An event is built field by field into a line
 * buffer and written whole (and flushed) by jlog_end, so concurrent readers
 * never see half a line.  With no file open every call does nothing, so the
 * caller needs no "if logging" around each event.
 */
#ifndef JLOG_H
#define JLOG_H

#include <stdint.h>
#include <stdio.h>

#define JLOG_LINE_MAX 65536

struct jlog {
	FILE *fp;		/* NULL: logging off */
	char line[JLOG_LINE_MAX];
	size_t len;
	int overflow;		/* the event did not fit: it is dropped */
	int first;		/* no field written yet in this object */
};

/* Opens path for appending (truncating first).  Returns 0 or -1 (errno). */
int jlog_open(struct jlog *j, const char *path);
/* Closes the file.  Returns 0 or -1 if buffered data could not be written. */
int jlog_close(struct jlog *j);
int jlog_enabled(const struct jlog *j);

/* Starts an event at time t_ms. */
void jlog_begin(struct jlog *j, int64_t t_ms, const char *ev);
void jlog_str(struct jlog *j, const char *key, const char *val);
void jlog_int(struct jlog *j, const char *key, int64_t val);
/* Nested arrays of objects: "key":[{...},{...}] */
void jlog_array_begin(struct jlog *j, const char *key);
void jlog_object_begin(struct jlog *j);
void jlog_object_end(struct jlog *j);
void jlog_array_end(struct jlog *j);
/* Writes the event as one line.  Returns 0, or -1 on a write error. */
int jlog_end(struct jlog *j);

#endif
