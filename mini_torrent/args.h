/*
 * args.h — numbers on the command line: counts, sizes with K/M suffixes,
 * times with ms/s suffixes.
 *
 * Every program here reads its numeric options through this one parser, so
 * they all accept the same spellings: decimal digits first (no sign, no
 * space: "+5" and "-5" are refused alike), then an optional suffix from the
 * caller's table, and a result no larger than the caller's maximum (checked
 * before the multiplication can overflow).  The parser only answers; the
 * program decides what to print and how to exit.
 */
#ifndef ARGS_H
#define ARGS_H

#include <stdint.h>

/* The longest time an option may give, in milliseconds: a timer that long
 * still fits a poll() timeout (an int). */
#define ARGS_TIME_MAX_MS 2147483647ULL

enum args_status {
	ARGS_OK,
	ARGS_BAD,		/* not a number, or an unknown suffix */
	ARGS_TOO_LARGE		/* above the caller's maximum */
};

/* A suffix and what it multiplies by; a table ends with suffix NULL. */
struct args_unit {
	const char *suffix;
	uint64_t mult;
};

/*
 * Parses s: digits, then nothing or one of units' suffixes (units may be
 * NULL: no suffix allowed).  Stores the value, at most max, in *out.
 */
enum args_status args_number(const char *s, const struct args_unit *units,
    uint64_t max, uint64_t *out);

/* Bytes (or bytes/s): "1500", "64K", "2M" (k and m too; K = 1024). */
enum args_status args_size(const char *s, uint64_t max, uint64_t *out);

/* Milliseconds: "1500", "1500ms", "2s"; at most ARGS_TIME_MAX_MS. */
enum args_status args_time_ms(const char *s, uint64_t *out);

#endif
