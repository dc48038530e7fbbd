/*
 * mux_ccplot.c — draws a congestion-control log (mux_rhost --cc-log, JSON
 * Lines) as an SVG chart of cwnd and ssthresh over time: the sawtooth.
 *
 * usage: mux_ccplot [-o OUT.svg] [-t TITLE] [LOG]   (LOG default stdin,
 * OUT default stdout).  A line that is not a cc log line stops it with its
 * line number (exit 1), so a broken log never draws a misleading chart.
 */
#include <err.h>
#include <getopt.h>
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

/* -o OUT and -t TITLE into *out and *title; returns the LOG operand or NULL. */
static const char *
parse_options(int argc, char **argv, const char **out, const char **title)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "ho:t:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("usage: mux_ccplot [-o OUT.svg] [-t TITLE] [LOG]\n"
			    "  Draws cwnd and ssthresh of a cc log (JSON Lines) as SVG.\n");
			exit(0);
		case 'o': *out = optarg; break;
		case 't': *title = optarg; break;
		default:
			fprintf(stderr, "usage: mux_ccplot [-o OUT.svg] [-t TITLE] [LOG]\n");
			exit(2);
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "mux_ccplot: one LOG at most (try -h)\n");
		exit(2);
	}
	return optind < argc ? argv[optind] : NULL;
}

int
main(int argc, char **argv)
{
	const char *out = NULL, *title = NULL, *name = "stdin";
	const char *logfile = parse_options(argc, argv, &out, &title);
	struct ccplot_point *pts = NULL;
	FILE *in = stdin, *f = stdout;
	size_t n;

	if (logfile != NULL && (in = fopen(name = logfile, "r")) == NULL)
		err(1, "%s", name);
	n = read_log(in, name, &pts);
	if (n == 0)
		errx(1, "%s: no lines to draw", name);
	if (out != NULL && (f = fopen(out, "w")) == NULL)
		err(1, "%s", out);
	if (ccplot_write(f, pts, n, title) == -1 || fflush(f) == EOF ||
	    (f != stdout && fclose(f) == EOF))
		err(1, "%s", out != NULL ? out : "stdout");
	free(pts);
	if (in != stdin)
		fclose(in);
	return 0;
}
