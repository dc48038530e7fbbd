/*
 * svgplot.h — a small SVG line chart: axes, ticks, labels, a legend, and
 * several series drawn as lines, markers, or both.
 *
 * It exists so that the course's distribution-time figure is drawn by the
 * kit itself from the numbers it measured, with nothing to install: the
 * chart is plain SVG text that any browser shows and any diff reads.  The
 * shape is the usual one: the caller describes the chart (titles and series
 * over its own arrays), svgplot_write lays out the axes with "nice" ticks
 * (1, 2 or 5 times a power of ten) from the data's range and writes the
 * document.  Both axes start at zero when the data is non-negative, as in the
 * textbook's figure.  Points whose y is not finite are left out (a run that
 * failed leaves a gap, not a fake value).  No libm: the tick arithmetic is
 * done with plain multiplication, so the module links anywhere.
 */
#ifndef SVGPLOT_H
#define SVGPLOT_H

#include <stddef.h>
#include <stdio.h>

/* How a series is drawn: OR these together. */
enum svgplot_style {
	SVGPLOT_LINE = 1,	/* a solid line through the points */
	SVGPLOT_DASHED = 2,	/* a dashed line through the points */
	SVGPLOT_CIRCLES = 4,	/* a circle at each point */
	SVGPLOT_SQUARES = 8	/* a square at each point */
};

struct svgplot_series {
	const char *name;	/* legend text */
	const double *x, *y;	/* n points */
	size_t n;
	const char *color;	/* an SVG colour, e.g. "#1f77b4" */
	unsigned style;		/* enum svgplot_style flags; 0: a line */
};

struct svgplot {
	const char *title, *xlabel, *ylabel;	/* NULL: none */
	int width, height;	/* pixels; 0: 760 x 500 */
	const struct svgplot_series *series;
	size_t nseries;
};

/*
 * Writes p as a complete SVG document to f.  Returns 0, or -1 with errno set:
 * EINVAL if there is no finite point to draw or the size is below 200 x 150,
 * or the error of a failed write.
 */
int svgplot_write(FILE *f, const struct svgplot *p);

/*
 * Nice ticks covering [lo, hi] (lo < hi): at most about max_ticks of them,
 * spaced by 1, 2 or 5 times a power of ten, the first <= lo and the last
 * >= hi.  Writes up to cap values to ticks and returns how many there are
 * (0 if the arguments make no sense).
 */
size_t svgplot_ticks(double lo, double hi, unsigned max_ticks, double *ticks,
    size_t cap);

#endif
