/*
 * ccplot.c — the congestion-control log reader and its SVG chart (see
 * ccplot.h).  The reader is a small cursor over one line: an object of
 * "key": value pairs, where a value is a number, a string, true, false or
 * null; anything nested or trailing is refused.  The chart maps time to x and
 * bytes to y over the data's range (of every log drawn), with five ticks on
 * each axis.
 */
#include <stdlib.h>
#include <string.h>

#include "ccplot.h"

#define CCPLOT_WIDTH	760
#define CCPLOT_HEIGHT	420
#define CCPLOT_LEFT	80
#define CCPLOT_RIGHT	20
#define CCPLOT_TOP	40
#define CCPLOT_BOTTOM	50
#define CCPLOT_TICKS	5
#define CCPLOT_LEGEND_EXTRA	60	/* legend moved left for a log's name */

enum ccplot_kind { CCPLOT_NUMBER, CCPLOT_NULL, CCPLOT_OTHER };

struct ccplot_cursor {
	const char *s;
	size_t len, i;
};

static void
ccplot_ws(struct ccplot_cursor *c)
{
	while (c->i < c->len && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\r'))
		c->i++;
}

static int
ccplot_eat(struct ccplot_cursor *c, char ch)
{
	ccplot_ws(c);
	if (c->i < c->len && c->s[c->i] == ch) {
		c->i++;
		return 0;
	}
	return -1;
}

/* A string; its text (without escapes resolved) into out if it fits. */
static int
ccplot_string(struct ccplot_cursor *c, char *out, size_t cap)
{
	size_t n = 0;

	if (ccplot_eat(c, '"') == -1)
		return -1;
	while (c->i < c->len && c->s[c->i] != '"') {
		unsigned char ch = (unsigned char)c->s[c->i++];

		if (ch < 0x20)
			return -1;
		if (ch == '\\' && c->i++ == c->len)
			return -1;
		if (n + 1 < cap)
			out[n++] = (char)ch;
	}
	if (cap > 0)
		out[n] = '\0';
	return c->i < c->len ? (c->i++, 0) : -1;
}

static int
ccplot_word(struct ccplot_cursor *c, const char *w)
{
	size_t n = strlen(w);

	if (c->len - c->i < n || memcmp(c->s + c->i, w, n) != 0)
		return -1;
	c->i += n;
	return 0;
}

/* A JSON number into *v (finite, as strtod reads it). */
static int
ccplot_number(struct ccplot_cursor *c, double *v)
{
	char buf[64], *end;
	size_t n = 0;

	while (c->i < c->len && n + 1 < sizeof(buf) && strchr("+-.eE0123456789", c->s[c->i]) &&
	    c->s[c->i] != '\0')
		buf[n++] = c->s[c->i++];
	buf[n] = '\0';
	if (n == 0 || !(buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9')))
		return -1;
	*v = strtod(buf, &end);
	return *end == '\0' && *v == *v && *v < 1e300 && *v > -1e300 ? 0 : -1;
}

/* One value; its kind, and the number in *v. */
static int
ccplot_value(struct ccplot_cursor *c, enum ccplot_kind *kind, double *v)
{
	char skip[1];

	ccplot_ws(c);
	if (c->i == c->len)
		return -1;
	*kind = CCPLOT_OTHER;
	if (c->s[c->i] == '"')
		return ccplot_string(c, skip, 0);
	if (ccplot_word(c, "null") == 0) {
		*kind = CCPLOT_NULL;
		return 0;
	}
	if (ccplot_word(c, "true") == 0 || ccplot_word(c, "false") == 0)
		return 0;
	*kind = CCPLOT_NUMBER;
	return ccplot_number(c, v);
}

/* Keeps a value if its key is one the chart needs; bit 1 t_ms, 2 cwnd. */
static int
ccplot_keep(struct ccplot_point *p, const char *key, enum ccplot_kind kind, double v)
{
	if (strcmp(key, "t_ms") == 0 && kind == CCPLOT_NUMBER) {
		p->t_ms = v;
		return 1;
	}
	if (strcmp(key, "cwnd") == 0 && kind != CCPLOT_OTHER) {
		p->cwnd = kind == CCPLOT_NUMBER ? v : 0;
		return 2;
	}
	if (strcmp(key, "ssthresh") == 0 && kind != CCPLOT_OTHER) {
		p->has_ssthresh = kind == CCPLOT_NUMBER;
		p->ssthresh = p->has_ssthresh ? v : 0;
	}
	return 0;
}

int
ccplot_parse(const char *line, size_t len, struct ccplot_point *p)
{
	struct ccplot_cursor c = { line, len, 0 };
	char key[32];
	enum ccplot_kind kind;
	double v = 0;
	int seen = 0;

	memset(p, 0, sizeof(*p));
	if (len > 0 && line[len - 1] == '\n')
		c.len--;
	if (ccplot_eat(&c, '{') == -1)
		return -1;
	if (ccplot_eat(&c, '}') == -1) {
		do {
			if (ccplot_string(&c, key, sizeof(key)) == -1 || ccplot_eat(&c, ':') == -1 ||
			    ccplot_value(&c, &kind, &v) == -1)
				return -1;
			seen |= ccplot_keep(p, key, kind, v);
		} while (ccplot_eat(&c, ',') == 0);
		if (ccplot_eat(&c, '}') == -1)
			return -1;
	}
	ccplot_ws(&c);
	return c.i == c.len && seen == 3 ? 0 : -1;
}

/* Text with XML's five special characters as entities. */
static void
ccplot_text(FILE *f, const char *s)
{
	static const char special[] = "&<>\"'";
	static const char *const entity[] = { "amp", "lt", "gt", "quot", "apos" };
	const char *hit;

	for (; *s != '\0'; s++)
		if ((hit = strchr(special, *s)) != NULL)
			fprintf(f, "&%s;", entity[hit - special]);
		else
			fputc(*s, f);
}

struct ccplot_frame {
	double t0, t1, ymax;
};

static double
ccplot_x(const struct ccplot_frame *fr, double t)
{
	double w = CCPLOT_WIDTH - CCPLOT_LEFT - CCPLOT_RIGHT;

	return CCPLOT_LEFT + (fr->t1 > fr->t0 ? (t - fr->t0) / (fr->t1 - fr->t0) * w : 0);
}

static double
ccplot_y(const struct ccplot_frame *fr, double v)
{
	double h = CCPLOT_HEIGHT - CCPLOT_TOP - CCPLOT_BOTTOM;

	return CCPLOT_HEIGHT - CCPLOT_BOTTOM - (fr->ymax > 0 ? v / fr->ymax * h : 0);
}

/* The axes, their ticks and labels. */
static void
ccplot_axes(FILE *f, const struct ccplot_frame *fr)
{
	int bottom = CCPLOT_HEIGHT - CCPLOT_BOTTOM, right = CCPLOT_WIDTH - CCPLOT_RIGHT;

	fprintf(f, "<path d=\"M%d %d V%d H%d\" fill=\"none\" stroke=\"black\"/>\n",
	    CCPLOT_LEFT, CCPLOT_TOP, bottom, right);
	for (int i = 0; i <= CCPLOT_TICKS; i++) {
		double t = fr->t0 + (fr->t1 - fr->t0) * i / CCPLOT_TICKS;
		double v = fr->ymax * i / CCPLOT_TICKS;

		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.3f</text>\n",
		    ccplot_x(fr, t), bottom + 18, t / 1000);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>\n",
		    CCPLOT_LEFT - 6, ccplot_y(fr, v) + 4, v);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time (s)</text>\n",
	    (CCPLOT_LEFT + right) / 2, CCPLOT_HEIGHT - 10);
	fprintf(f, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" "
	    "text-anchor=\"middle\">bytes</text>\n", CCPLOT_HEIGHT / 2, CCPLOT_HEIGHT / 2);
}

/* Colours of cwnd and ssthresh for log k of nlogs: one log keeps the two
 * colours it always had, several share one colour per log. */
static const char *
ccplot_color(size_t k, size_t nlogs, int which)
{
	static const char *const single[] = { "#1f77b4", "#d62728" };
	static const char *const palette[CCPLOT_LOGS_MAX] = {
		"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
		"#ff7f0e", "#8c564b", "#e377c2", "#17becf",
	};

	return nlogs == 1 ? single[which] : palette[k];
}

/* One series of log k as a polyline: cwnd (which 0) or ssthresh (1) where
 * known, and its legend entry (line `entry` of the legend). */
static void
ccplot_series(FILE *f, const struct ccplot_frame *fr, const struct ccplot_log *log,
    size_t k, size_t nlogs, int which)
{
	static const char *const names[] = { "cwnd", "ssthresh" };
	const char *color = ccplot_color(k, nlogs, which);
	int entry = (int)(k * 2) + which + 1;

	fprintf(f, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\"%s points=\"",
	    names[which], color, which ? " stroke-dasharray=\"6 4\"" : "");
	for (size_t i = 0; i < log->n; i++) {
		if (which == 1 && !log->pts[i].has_ssthresh)
			continue;
		fprintf(f, "%s%.1f,%.1f", i ? " " : "", ccplot_x(fr, log->pts[i].t_ms),
		    ccplot_y(fr, which ? log->pts[i].ssthresh : log->pts[i].cwnd));
	}
	fputs("\"/>\n", f);
	fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"%s\">", CCPLOT_WIDTH - 110 -
	    (log->name != NULL ? CCPLOT_LEGEND_EXTRA : 0), CCPLOT_TOP + 16 * entry, color);
	if (log->name != NULL) {
		ccplot_text(f, log->name);
		fputc(' ', f);
	}
	fprintf(f, "%s</text>\n", names[which]);
}

/* The frame that holds every point of every log. */
static void
ccplot_fit(struct ccplot_frame *fr, const struct ccplot_log *logs, size_t nlogs)
{
	int first = 1;

	*fr = (struct ccplot_frame){ 0, 0, 0 };
	for (size_t k = 0; k < nlogs; k++)
		for (size_t i = 0; i < logs[k].n; i++, first = 0) {
			const struct ccplot_point *p = &logs[k].pts[i];

			if (first || p->t_ms < fr->t0)
				fr->t0 = p->t_ms;
			if (first || p->t_ms > fr->t1)
				fr->t1 = p->t_ms;
			if (p->cwnd > fr->ymax)
				fr->ymax = p->cwnd;
			if (p->has_ssthresh && p->ssthresh > fr->ymax)
				fr->ymax = p->ssthresh;
		}
}

int
ccplot_write_logs(FILE *f, const struct ccplot_log *logs, size_t nlogs, const char *title)
{
	struct ccplot_frame fr;

	if (nlogs == 0 || nlogs > CCPLOT_LOGS_MAX)
		return -1;
	ccplot_fit(&fr, logs, nlogs);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
	    "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
	    CCPLOT_WIDTH, CCPLOT_HEIGHT, CCPLOT_WIDTH, CCPLOT_HEIGHT);
	if (title != NULL) {
		fprintf(f, "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">",
		    CCPLOT_WIDTH / 2);
		ccplot_text(f, title);
		fputs("</text>\n", f);
	}
	ccplot_axes(f, &fr);
	for (size_t k = 0; k < nlogs; k++) {
		ccplot_series(f, &fr, &logs[k], k, nlogs, 0);
		ccplot_series(f, &fr, &logs[k], k, nlogs, 1);
	}
	fputs("</svg>\n", f);
	return ferror(f) ? -1 : 0;
}

int
ccplot_write(FILE *f, const struct ccplot_point *pts, size_t n, const char *title)
{
	struct ccplot_log log = { pts, n, NULL };

	return ccplot_write_logs(f, &log, 1, title);
}
