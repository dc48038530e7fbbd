/*
 * mux_ccplot.c — draws a congestion-control log (mux_rhost --cc-log, JSON
 * Lines) as an SVG chart of cwnd and ssthresh over time: the sawtooth.
 *
 * usage: mux_ccplot [-o OUT.svg] [-t TITLE] [-n NAME]... [LOG]...  (LOG
 * default stdin, OUT default stdout).  Several LOGs (flows sharing a link)
 * are drawn on one chart, each named in the legend by its -n NAME, in order,
 * or else by its file name without the directory and ".jsonl"; one LOG
 * without -n draws as it always did, unnamed.  A line that is not a cc log
 * line stops it with its line number (exit 1), so a broken log never draws a
 * misleading chart.
 */
#include <err.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ccplot.h"

#define CCPLOT_MAX_POINTS	2000000

/* Reads every line of in into *pts (grown with realloc).  Returns the count. */
static size_t
read_log(FILE *in, const char *name, struct ccplot_point **pts)
{
	char line[CCPLOT_LINE_MAX + 2];
	size_t n = 0, cap = 0;
	unsigned long lineno = 0;

	while (fgets(line, sizeof(line), in) != NULL) {
		size_t len = strlen(line);

		lineno++;
		if (len > CCPLOT_LINE_MAX && line[len - 1] != '\n')
			errx(1, "%s:%lu: line longer than %d bytes", name, lineno, CCPLOT_LINE_MAX);
		if (n == CCPLOT_MAX_POINTS)
			errx(1, "%s: more than %d lines", name, CCPLOT_MAX_POINTS);
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			if ((*pts = realloc(*pts, cap * sizeof(**pts))) == NULL)
				err(1, "memory");
		}
		if (ccplot_parse(line, len, &(*pts)[n]) == -1)
			errx(1, "%s:%lu: not a cc log line (a JSON object with t_ms and cwnd)",
			    name, lineno);
		n++;
	}
	if (ferror(in))
		err(1, "%s", name);
	return n;
}

#define CCPLOT_USAGE	"usage: mux_ccplot [-o OUT.svg] [-t TITLE] [-n NAME]... [LOG]...\n"

struct plot_options {
	const char *out, *title;
	const char *names[CCPLOT_LOGS_MAX];
	size_t nnames;
};

/* The options into *o; returns the index of the first LOG operand. */
static int
parse_options(int argc, char **argv, struct plot_options *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "hn:o:t:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf(CCPLOT_USAGE
			    "  Draws cwnd and ssthresh of cc logs (JSON Lines) as SVG, several\n"
			    "  logs on one chart (at most %d), each named by -n NAME in order\n"
			    "  or by its file name.\n", CCPLOT_LOGS_MAX);
			exit(0);
		case 'n':
			if (o->nnames == CCPLOT_LOGS_MAX)
				errx(2, "more than %d names", CCPLOT_LOGS_MAX);
			o->names[o->nnames++] = optarg;
			break;
		case 'o': o->out = optarg; break;
		case 't': o->title = optarg; break;
		default:
			fprintf(stderr, CCPLOT_USAGE);
			exit(2);
		}
	}
	if (argc - optind > CCPLOT_LOGS_MAX || (int)o->nnames > (argc - optind > 0 ? argc - optind : 1)) {
		fprintf(stderr, "mux_ccplot: %d LOGs at most, and a name for each at most (try -h)\n",
		    CCPLOT_LOGS_MAX);
		exit(2);
	}
	return optind;
}

/* A log's legend name from its path: the last component without ".jsonl"
 * (kept in *buf, which must outlive the chart). */
static const char *
name_from_path(const char *path, char *buf, size_t cap)
{
	char copy[1024], *base, *dot;

	snprintf(copy, sizeof(copy), "%s", path);
	base = basename(copy);
	snprintf(buf, cap, "%s", base);
	if ((dot = strrchr(buf, '.')) != NULL && strcmp(dot, ".jsonl") == 0 && dot != buf)
		*dot = '\0';
	return buf;
}

/* Reads log k (path, or stdin if NULL) into logs[k]. */
static void
load_log(const char *path, const char *name, struct ccplot_log *log)
{
	const char *what = path != NULL ? path : "stdin";
	struct ccplot_point *pts = NULL;
	FILE *in = stdin;

	if (path != NULL && (in = fopen(path, "r")) == NULL)
		err(1, "%s", path);
	log->n = read_log(in, what, &pts);
	if (log->n == 0)
		errx(1, "%s: no lines to draw", what);
	log->pts = pts;
	log->name = name;
	if (in != stdin)
		fclose(in);
}

int
main(int argc, char **argv)
{
	struct plot_options o = { NULL, NULL, { NULL }, 0 };
	int first = parse_options(argc, argv, &o);
	size_t nlogs = first < argc ? (size_t)(argc - first) : 1;
	struct ccplot_log logs[CCPLOT_LOGS_MAX];
	char names[CCPLOT_LOGS_MAX][256];
	FILE *f = stdout;

	for (size_t k = 0; k < nlogs; k++) {
		const char *path = first < argc ? argv[first + (int)k] : NULL;
		const char *name = k < o.nnames ? o.names[k] : NULL;

		if (name == NULL && nlogs > 1)
			name = name_from_path(path, names[k], sizeof(names[k]));
		load_log(path, name, &logs[k]);
	}
	if (o.out != NULL && (f = fopen(o.out, "w")) == NULL)
		err(1, "%s", o.out);
	if (ccplot_write_logs(f, logs, nlogs, o.title) == -1 || fflush(f) == EOF ||
	    (f != stdout && fclose(f) == EOF))
		err(1, "%s", o.out != NULL ? o.out : "stdout");
	for (size_t k = 0; k < nlogs; k++)
		free((void *)logs[k].pts);
	return 0;
}
