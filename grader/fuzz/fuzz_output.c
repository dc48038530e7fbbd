/*
 * fuzz_output.c — libFuzzer harness for what the grader reads from a
 * student's program output: the "listening on ADDR:PORT" line every server
 * prints (sandbox_wait_listening, which scenario.c uses to find the port),
 * and the comparison of its output with the expected one (result_compare,
 * which makes the evidence a student reads).
 *
 * The listening line is read from a process record whose stdout holds the
 * input and whose pipe is closed, so no process runs and nothing waits.
 * Besides "never crash", it checks the line's contract (not the code, which
 * may grow stricter): a port found is 1..65535 and is written after a ':'
 * of the first line that starts "listening on "; a well-formed line is read
 * right; without such a line there is no port; the lines after it stay
 * unread for the scenario (scn_script reads them).  And
 * for a comparison: it says "equal" exactly when the bytes are, the offset
 * is the first differing byte, and the evidence is printable ASCII of
 * bounded size, whatever bytes the program wrote.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"
#include "sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether line (n bytes) is strictly "listening on ADDR:PORT", PORT 1..65535, maybe a \r. */
static long
strict_port(const char *line, size_t n)
{
	const char *colon = NULL;
	long v = 0;
	size_t i;

	if (n > 0 && line[n - 1] == '\r')
		n--;
	if (n < 13 || memcmp(line, "listening on ", 13) != 0 || memchr(line, '\0', n) != NULL)
		return -1;
	for (i = 13; i < n; i++)
		if (line[i] == ':')
			colon = line + i;
	if (colon == NULL || colon == line + n - 1 || colon[1] == '0')
		return -1;
	for (const char *p = colon + 1; p < line + n; p++) {
		if (*p < '0' || *p > '9' || (v = v * 10 + (*p - '0')) > 65535)
			return -1;
	}
	return v;
}

/* Whether port is written after a ':' of line (n bytes), past blanks, '+' and zeros. */
static int
shows_port(const char *line, size_t n, int port)
{
	char digits[8];
	size_t k = (size_t)snprintf(digits, sizeof(digits), "%d", port);

	for (size_t i = 0; i < n; i++) {
		size_t j = i + 1;

		if (line[i] != ':')
			continue;
		while (j < n && strchr(" \t\n\v\f\r+0", line[j]) != NULL && line[j] != '\0')
			j++;
		if (n - j >= k && memcmp(line + j, digits, k) == 0)
			return 1;
	}
	return 0;
}

/*
 * The contract, not the code: a port is 1..65535; it is the one written in
 * the first line starting "listening on ", whose strict form must be read;
 * the lines after that one stay unread; no such line, no port.
 */
static void
check_listening(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl, *line = NULL;
	struct sandbox_proc p;
	size_t start = 0, len = 0, rest = 0;
	int port;

	for (; (nl = memchr(s + start, '\n', size - start)) != NULL; start = rest) {
		rest = (size_t)(nl - s) + 1;
		if (rest - start > 13 && memcmp(s + start, "listening on ", 13) == 0) {
			line = s + start;
			len = rest - start - 1;
			break;
		}
	}
	memset(&p, 0, sizeof(p));
	p.in_fd = p.out_fd = p.err_fd = -1;
	strbuf_init(&p.out);
	strbuf_init(&p.err);
	strbuf_append(&p.out, data, size);
	port = sandbox_wait_listening(&p, 1000);
	if (port != -1 && (port < 1 || port > 65535 || line == NULL || !shows_port(line, len, port)))
		abort();
	if (port != -1 && (p.out.len != size - rest ||
	    (p.out.len > 0 && memcmp(p.out.data, s + rest, p.out.len) != 0)))
		abort();
	if (line != NULL && strict_port(line, len) != -1 && port != strict_port(line, len))
		abort();
	strbuf_free(&p.out);
	strbuf_free(&p.err);
}

static void
check_printable(const struct strbuf *sb)
{
	if (sb->len > 1000)
		abort();
	for (size_t i = 0; i < sb->len; i++)
		if (sb->data[i] < 0x20 || sb->data[i] > 0x7e)
			abort();
}

/* Byte 0 splits the rest into what was expected and what came. */
static void
check_compare(const uint8_t *data, size_t size)
{
	struct result r;
	size_t k, off = 0, elen, glen;
	const uint8_t *e, *g;
	int rc;

	if (size < 1)
		return;
	k = (size - 1) * data[0] / 255;
	e = data + 1;
	elen = k;
	g = data + 1 + k / 2;	/* overlapping halves: often equal for a while */
	glen = size - 1 - k / 2;
	while (off < elen && off < glen && e[off] == g[off])
		off++;
	result_init(&r);
	rc = result_compare(&r, e, elen, g, glen);
	if ((rc == 0) != (elen == glen && off == elen))
		abort();
	if (rc == -1) {
		if (r.diff_offset != (long)off)
			abort();
		check_printable(&r.expected);
		check_printable(&r.got);
	}
	result_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_listening(data, size);
	check_compare(data, size);
	return 0;
}
