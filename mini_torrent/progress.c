/*
 * progress.c — a one-line progress bar on terminals, sparse plain lines
 * elsewhere (see progress.h).  Drawing is throttled by a monotonic clock so
 * calling progress_update once per piece costs nothing measurable.
 */
#include "progress.h"

#include "clock.h"

#include <unistd.h>

#define BAR_WIDTH 30
#define REDRAW_MS 100

void
progress_init(struct progress *p, FILE *out, const char *label, uint64_t total)
{
	p->out = out;
	p->tty = isatty(fileno(out));
	p->label = label;
	p->total = total;
	p->done = 0;
	p->start_ms = p->last_ms = clock_now_ms();
}

static double
rate_mb(const struct progress *p, long t)
{
	long ms = t - p->start_ms;

	return ms > 0 ? (double)p->done / 1e3 / (double)ms : 0.0;
}

static int
percent(const struct progress *p)
{
	return p->total ? (int)(p->done * 100 / p->total) : 100;
}

static void
draw_bar(struct progress *p, long t)
{
	char bar[BAR_WIDTH + 1];
	int fill = p->total ? (int)(p->done * BAR_WIDTH / p->total) : BAR_WIDTH;

	for (int i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[BAR_WIDTH] = '\0';
	fprintf(p->out, "\r%s [%s] %3d%% %7.1f MB/s", p->label, bar, percent(p),
	    rate_mb(p, t));
	fflush(p->out);
}

void
progress_update(struct progress *p, uint64_t done)
{
	int64_t t = clock_now_ms();

	p->done = done > p->total ? p->total : done;
	if (p->tty && t - p->last_ms >= REDRAW_MS) {
		draw_bar(p, t);
		p->last_ms = t;
	} else if (!p->tty && t - p->last_ms >= PROGRESS_PLAIN_EVERY_MS) {
		fprintf(p->out, "%s: %d%% (%llu of %llu bytes, %.1f MB/s)\n",
		    p->label, percent(p), (unsigned long long)p->done,
		    (unsigned long long)p->total, rate_mb(p, t));
		fflush(p->out);
		p->last_ms = t;
	}
}

void
progress_finish(struct progress *p)
{
	if (p->tty) {
		draw_bar(p, clock_now_ms());
		fputc('\n', p->out);
		fflush(p->out);
	}
}
