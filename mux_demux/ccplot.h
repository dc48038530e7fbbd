/*
 * ccplot.h — reading a connection's congestion-control log (the JSON Lines
 * that cc_format writes) and drawing cwnd and ssthresh over time as SVG.
 *
 * The kit draws its own figures so the handout's sawtooth comes from a real
 * run with nothing to install.  The reader takes exactly the objects cc_format
 * writes (flat: keys to numbers, strings, null) and is strict about the rest,
 * since a log may be cut short or edited by hand: a line that is not such an
 * object, or that lacks t_ms or cwnd, is refused.  The chart is plain SVG:
 * one polyline per series with one point per log line (ssthresh leaves out
 * the lines where it is null, i.e. unlimited, before the first loss).
 * Several logs (the flows sharing a bottleneck) go on one chart with shared
 * axes, so their sawtooths can be compared: each log has its own colour, cwnd
 * solid and ssthresh dashed, and a legend entry for each.
 */
#ifndef CCPLOT_H
#define CCPLOT_H

#include <stddef.h>
#include <stdio.h>

#define CCPLOT_LINE_MAX	1024	/* longest log line accepted */

struct ccplot_point {
	double t_ms;
	double cwnd;		/* bytes; 0 when null (no congestion control) */
	double ssthresh;	/* bytes, when has_ssthresh */
	int has_ssthresh;
};

/*
 * Parses one log line (len bytes, no newline needed) into *p.  Returns 0, or
 * -1 if it is not a flat JSON object with numeric t_ms and cwnd (or null).
 */
int ccplot_parse(const char *line, size_t len, struct ccplot_point *p);

/*
 * Writes an SVG document of n points to f: cwnd and ssthresh (bytes) against
 * time (seconds), titled title (escaped; NULL: none).  Returns 0, or -1 if
 * writing failed.
 */
int ccplot_write(FILE *f, const struct ccplot_point *pts, size_t n, const char *title);

/* One log of a chart: its points and the name its legend entries carry
 * (NULL: none, as ccplot_write draws a single log). */
struct ccplot_log {
	const struct ccplot_point *pts;
	size_t n;
	const char *name;
};

#define CCPLOT_LOGS_MAX	8	/* logs on one chart */

/*
 * Writes an SVG document of nlogs logs (1..CCPLOT_LOGS_MAX) to f, on axes
 * that span all of them.  One unnamed log draws what ccplot_write draws.
 * Returns 0, or -1 if nlogs is out of range or writing failed.
 */
int ccplot_write_logs(FILE *f, const struct ccplot_log *logs, size_t nlogs,
    const char *title);

#endif
