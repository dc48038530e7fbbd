/*
 * svgplot.c — SVG line charts (see svgplot.h).
 *
 * The document is written in the order it is drawn: frame and grid, tick
 * labels, axis titles, the series, the legend on top.  All data-to-pixel
 * mapping goes through one struct frame, so every element agrees on where a
 * value lands.  Coordinates are written with one decimal: a tenth of a pixel
 * is finer than any screen, and it keeps the file small and diffable.
 */
#include "svgplot.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#define MAX_TICKS 8
#define TICK_CAP 64
#define MARGIN_LEFT 80.0
#define MARGIN_RIGHT 30.0
#define MARGIN_TOP 50.0
#define MARGIN_BOTTOM 60.0

/* Where the plot area is, in data units and in pixels. */
struct frame {
	double x0, x1, y0, y1;		/* data range shown */
	double left, right, top, bottom;	/* pixels */
	double xt[TICK_CAP], yt[TICK_CAP];
	size_t nxt, nyt;
};

/* 1, 2 or 5 times a power of ten: the smallest such step >= raw (> 0). */
static double
nice_step(double raw)
{
	double mag = 1;

	while (mag * 10 <= raw)
		mag *= 10;
	while (mag > raw)
		mag /= 10;
	if (raw <= mag)
		return mag;
	if (raw <= 2 * mag)
		return 2 * mag;
	if (raw <= 5 * mag)
		return 5 * mag;
	return 10 * mag;
}

/* The multiple of step nearest below (up = 0) or above (up = 1) v; values
 * within a millionth of a step of a multiple count as that multiple. */
static double
round_to(double v, double step, int up)
{
	double k = v / step;
	long long i = (long long)k;

	if (k - (double)i > 1e-6 && up)
		i++;
	else if ((double)i - k > 1e-6 && !up)
		i--;
	return (double)i * step;
}

size_t
svgplot_ticks(double lo, double hi, unsigned max_ticks, double *ticks,
    size_t cap)
{
	double step, first, last;
	size_t n;

	if (!isfinite(lo) || !isfinite(hi) || lo >= hi || max_ticks == 0)
		return 0;
	step = nice_step((hi - lo) / max_ticks);
	if (!isfinite(step) || step <= 0 || (hi - lo) / step > 1e6)
		return 0;
	first = round_to(lo, step, 0);
	last = round_to(hi, step, 1);
	n = (size_t)((last - first) / step + 0.5) + 1;
	for (size_t i = 0; i < n && i < cap; i++)
		ticks[i] = first + (double)i * step;
	return n;
}

/* The range of the finite points of every series.  Returns how many. */
static size_t
data_range(const struct svgplot *p, double r[4])
{
	size_t count = 0;

	for (size_t s = 0; s < p->nseries; s++) {
		const struct svgplot_series *se = &p->series[s];

		for (size_t i = 0; i < se->n; i++) {
			double x = se->x[i], y = se->y[i];

			if (!isfinite(x) || !isfinite(y))
				continue;
			if (count++ == 0) {
				r[0] = r[1] = x;
				r[2] = r[3] = y;
			}
			r[0] = x < r[0] ? x : r[0];
			r[1] = x > r[1] ? x : r[1];
			r[2] = y < r[2] ? y : r[2];
			r[3] = y > r[3] ? y : r[3];
		}
	}
	return count;
}

/* Ticks for one axis over [lo, hi], from zero when the data is >= 0. */
static size_t
axis_ticks(double lo, double hi, double *t)
{
	size_t n;

	if (lo > 0)
		lo = 0;
	if (hi <= lo)
		hi = lo + 1;
	n = svgplot_ticks(lo, hi, MAX_TICKS, t, TICK_CAP);
	return n > TICK_CAP ? TICK_CAP : n;
}

static int
layout(const struct svgplot *p, int w, int h, struct frame *fr)
{
	double r[4];

	if (data_range(p, r) == 0)
		return -1;
	fr->nxt = axis_ticks(r[0], r[1], fr->xt);
	fr->nyt = axis_ticks(r[2], r[3], fr->yt);
	if (fr->nxt < 2 || fr->nyt < 2)
		return -1;
	fr->x0 = fr->xt[0];
	fr->x1 = fr->xt[fr->nxt - 1];
	fr->y0 = fr->yt[0];
	fr->y1 = fr->yt[fr->nyt - 1];
	fr->left = MARGIN_LEFT;
	fr->right = w - MARGIN_RIGHT;
	fr->top = MARGIN_TOP;
	fr->bottom = h - MARGIN_BOTTOM;
	return 0;
}

static double
px(const struct frame *fr, double x)
{
	return fr->left + (x - fr->x0) / (fr->x1 - fr->x0) * (fr->right - fr->left);
}

static double
py(const struct frame *fr, double y)
{
	return fr->bottom - (y - fr->y0) / (fr->y1 - fr->y0) * (fr->bottom - fr->top);
}

/* Text content or an attribute value, with XML's special characters escaped. */
static void
put_escaped(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default: fputc(*s, f); break;
		}
	}
}

/* <text x y [attrs]>s</text> */
static void
put_text(FILE *f, double x, double y, const char *attrs, const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\"%s%s>", x, y, attrs[0] ? " " : "",
	    attrs);
	put_escaped(f, s);
	fputs("</text>\n", f);
}

/* Grid lines, the frame, and the tick labels of both axes. */
static void
put_axes(FILE *f, const struct frame *fr)
{
	char label[32];

	fputs("<g class=\"grid\" stroke=\"#dddddd\" stroke-width=\"1\">\n", f);
	for (size_t i = 1; i + 1 < fr->nxt; i++)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
		    px(fr, fr->xt[i]), fr->top, px(fr, fr->xt[i]), fr->bottom);
	for (size_t i = 1; i + 1 < fr->nyt; i++)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
		    fr->left, py(fr, fr->yt[i]), fr->right, py(fr, fr->yt[i]));
	fputs("</g>\n", f);
	fprintf(f, "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\" fill=\"none\" stroke=\"#333333\"/>\n", fr->left,
	    fr->top, fr->right - fr->left, fr->bottom - fr->top);
	fputs("<g class=\"ticks\" font-size=\"12\" fill=\"#333333\">\n", f);
	for (size_t i = 0; i < fr->nxt; i++) {
		snprintf(label, sizeof(label), "%g", fr->xt[i]);
		put_text(f, px(fr, fr->xt[i]), fr->bottom + 18,
		    "text-anchor=\"middle\"", label);
	}
	for (size_t i = 0; i < fr->nyt; i++) {
		snprintf(label, sizeof(label), "%g", fr->yt[i]);
		put_text(f, fr->left - 8, py(fr, fr->yt[i]) + 4,
		    "text-anchor=\"end\"", label);
	}
	fputs("</g>\n", f);
}

static void
put_titles(FILE *f, const struct svgplot *p, const struct frame *fr, int w)
{
	char attrs[96];
	double mid_y = (fr->top + fr->bottom) / 2;

	if (p->title != NULL)
		put_text(f, w / 2.0, 28, "text-anchor=\"middle\" font-size=\"16\" "
		    "font-weight=\"bold\"", p->title);
	if (p->xlabel != NULL)
		put_text(f, (fr->left + fr->right) / 2, fr->bottom + 44,
		    "text-anchor=\"middle\" font-size=\"14\"", p->xlabel);
	if (p->ylabel != NULL) {
		snprintf(attrs, sizeof(attrs), "text-anchor=\"middle\" "
		    "font-size=\"14\" transform=\"rotate(-90 24 %.1f)\"", mid_y);
		put_text(f, 24, mid_y, attrs, p->ylabel);
	}
}

/* One marker (circle or square) centred at (x, y). */
static void
put_marker(FILE *f, unsigned style, const char *color, double x, double y)
{
	if (style & SVGPLOT_CIRCLES)
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n",
		    x, y, color);
	else if (style & SVGPLOT_SQUARES)
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" "
		    "fill=\"%s\"/>\n", x - 4, y - 4, color);
}

/* The stroke attributes of a series' line, or NULL if it has none. */
static const char *
line_attrs(unsigned style)
{
	if (style & SVGPLOT_DASHED)
		return "stroke-width=\"2\" stroke-dasharray=\"7 5\"";
	if ((style & SVGPLOT_LINE) || style == 0)
		return "stroke-width=\"2\"";
	return NULL;
}

static void
put_series(FILE *f, const struct frame *fr, const struct svgplot_series *se)
{
	const char *color = se->color != NULL ? se->color : "#000000";
	const char *attrs = line_attrs(se->style);

	fputs("<g class=\"series\" data-name=\"", f);
	put_escaped(f, se->name);
	fputs("\">\n", f);
	if (attrs != NULL) {
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" %s points=\"",
		    color, attrs);
		for (size_t i = 0, k = 0; i < se->n; i++)
			if (isfinite(se->x[i]) && isfinite(se->y[i]))
				fprintf(f, "%s%.1f,%.1f", k++ ? " " : "",
				    px(fr, se->x[i]), py(fr, se->y[i]));
		fputs("\"/>\n", f);
	}
	for (size_t i = 0; i < se->n; i++)
		if (isfinite(se->x[i]) && isfinite(se->y[i]))
			put_marker(f, se->style, color, px(fr, se->x[i]),
			    py(fr, se->y[i]));
	fputs("</g>\n", f);
}

/* The legend, in the top left corner of the plot area. */
static void
put_legend(FILE *f, const struct svgplot *p, const struct frame *fr)
{
	double x = fr->left + 12, y = fr->top + 12, row = 20;
	size_t longest = 0;

	for (size_t s = 0; s < p->nseries; s++) {
		size_t len = p->series[s].name ? strlen(p->series[s].name) : 0;

		longest = len > longest ? len : longest;
	}
	fprintf(f, "<g class=\"legend\" font-size=\"13\">\n<rect x=\"%.1f\" "
	    "y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#ffffff\" "
	    "fill-opacity=\"0.9\" stroke=\"#999999\"/>\n", x, y,
	    56 + 7.2 * (double)longest, 10 + row * (double)p->nseries);
	for (size_t s = 0; s < p->nseries; s++) {
		const struct svgplot_series *se = &p->series[s];
		const char *color = se->color != NULL ? se->color : "#000000";
		const char *attrs = line_attrs(se->style);
		double cy = y + 15 + row * (double)s;

		if (attrs != NULL)
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"%s\" %s/>\n", x + 8, cy,
			    x + 40, cy, color, attrs);
		put_marker(f, se->style, color, x + 24, cy);
		put_text(f, x + 48, cy + 4, "", se->name);
	}
	fputs("</g>\n", f);
}

int
svgplot_write(FILE *f, const struct svgplot *p)
{
	int w = p->width > 0 ? p->width : 760, h = p->height > 0 ? p->height : 500;
	struct frame fr;

	if (w < 200 || h < 150 || layout(p, w, h, &fr) < 0) {
		errno = EINVAL;
		return -1;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
	    w, h, w, h, w, h);
	put_axes(f, &fr);
	put_titles(f, p, &fr, w);
	for (size_t s = 0; s < p->nseries; s++)
		put_series(f, &fr, &p->series[s]);
	put_legend(f, p, &fr);
	fputs("</svg>\n", f);
	if (fflush(f) == EOF || ferror(f))
		return -1;
	return 0;
}
