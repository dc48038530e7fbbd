/*
 * fuzz_ccplot.c — libFuzzer harness for the cc log reader (ccplot_parse) and
 * the chart it feeds.
 *
 * The input is cut into lines as mux_ccplot reads a log.  Each line is parsed
 * from a copy of exactly its length (no NUL after it, so reading past the end
 * is caught); what parses is kept and drawn, and the chart must be written
 * without error, alone and again cut into two named logs on one chart (the
 * second empty when fewer than two lines parse).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccplot.h"

#define FUZZ_POINTS	64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ccplot_point pts[FUZZ_POINTS];
	struct ccplot_log logs[2];
	size_t n = 0, start = 0;
	FILE *f;

	while (start < size && n < FUZZ_POINTS) {
		const uint8_t *nl = memchr(data + start, '\n', size - start);
		size_t len = nl != NULL ? (size_t)(nl - data) - start : size - start;
		char *line = malloc(len ? len : 1);

		if (line == NULL)
			return 0;
		memcpy(line, data + start, len);
		if (len <= CCPLOT_LINE_MAX && ccplot_parse(line, len, &pts[n]) == 0)
			n++;
		free(line);
		start += len + 1;
	}
	if ((f = fopen("/dev/null", "w")) == NULL)
		return 0;
	if (ccplot_write(f, pts, n, "fuzz") != 0)
		abort();
	logs[0] = (struct ccplot_log){ pts, n / 2, "first" };
	logs[1] = (struct ccplot_log){ pts + n / 2, n - n / 2, "second <&>" };
	if (ccplot_write_logs(f, logs, 2, "fuzz") != 0)
		abort();
	fclose(f);
	return 0;
}
