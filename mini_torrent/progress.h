/*
 * progress.h — progress of long work (hashing, downloading) for a person.
 *
 * On a terminal: one line redrawn in place ("\r"), at most ten times a second,
 * with a bar, the percentage and the rate.  Elsewhere (a pipe, a log file, a
 * test capturing stderr): a plain line every few seconds, and nothing at all
 * for work that ends sooner, so logs stay short.  Unlike the other modules,
 * this one writes: to the stream the program hands it, never on its own.
 */
#ifndef PROGRESS_H
#define PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#define PROGRESS_PLAIN_EVERY_MS 5000

struct progress {
	FILE *out;
	int tty;		/* out is a terminal: redraw a bar */
	const char *label;	/* shown before the bar; not copied */
	uint64_t total, done;
	int64_t start_ms, last_ms;	/* clock_now_ms() */
};

/* Starts reporting on out (usually stderr) for total units (bytes). */
void progress_init(struct progress *p, FILE *out, const char *label,
    uint64_t total);
/* Records that done units are finished; draws if it is time to. */
void progress_update(struct progress *p, uint64_t done);
/* Draws the final state (terminal only) and ends the line. */
void progress_finish(struct progress *p);

#endif
