/*
 * fuzz_flows.c — libFuzzer harness for how the sharing scenario
 * (scn_share.c, lab 8) reads lab.conf's `flows` ("2 4 1+1"), which decides
 * how many bottlenecks and senders a test starts and sizes its arrays.
 *
 * Besides "never crash, never read out of bounds" (the input is handed over
 * with its length, not NUL-terminated), it compares the parser with a naive
 * one written here from the contract in scn_share.h, byte by byte: both take
 * the same values and read the same bottlenecks.  Every count read is in
 * range, so a test never starts more senders than its arrays hold; nothing
 * is said about a value taken, and a value refused is named, made printable,
 * at the start of the message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scn_share.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BIG 1000	/* a naive count stops growing here: too many anyway */

static int
blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* A count at d[*i..]: digits, no leading 0.  Its value (at most BIG), or -1. */
static long
naive_count(const uint8_t *d, size_t n, size_t *i)
{
	long v = 0;

	if (*i >= n || d[*i] < '1' || d[*i] > '9')
		return -1;
	for (; *i < n && d[*i] >= '0' && d[*i] <= '9'; (*i)++)
		v = v >= BIG ? BIG : v * 10 + (d[*i] - '0');
	return v;
}

/* The contract read plainly: the count, or -1. */
static int
naive(const uint8_t *d, size_t n, struct scn_share_group *g)
{
	size_t i = 0;
	int ng = 0;

	if (n == 0 || blank(d[0]) || blank(d[n - 1]))
		return -1;
	while (i < n) {
		long student = naive_count(d, n, &i), reference = 0;

		if (student < 1 || ng == SCN_SHARE_GROUPS)
			return -1;
		if (i < n && d[i] == '+') {
			i++;
			if ((reference = naive_count(d, n, &i)) < 1)
				return -1;
		}
		if (student + reference > SCN_SHARE_FLOWS || (i < n && !blank(d[i])))
			return -1;
		g[ng++] = (struct scn_share_group){ (int)student, (int)reference };
		while (i < n && blank(d[i]))
			i++;
	}
	return ng;
}

static void
check_taken(const struct scn_share_group *g, int ng, const struct strbuf *why)
{
	if (ng < 1 || ng > SCN_SHARE_GROUPS || why->len != 0)
		abort();
	for (int k = 0; k < ng; k++)
		if (g[k].student < 1 || g[k].reference < 0 ||
		    g[k].student + g[k].reference > SCN_SHARE_FLOWS)
			abort();
}

static void
check_refused(const uint8_t *d, size_t n, const struct strbuf *why)
{
	struct strbuf shown;

	strbuf_init(&shown);
	strbuf_puts(&shown, "'");
	strbuf_put_escaped(&shown, d, n, 200);
	strbuf_puts(&shown, "': ");
	if (why->len <= shown.len || strncmp(strbuf_str(why), strbuf_str(&shown), shown.len) != 0)
		abort();
	for (size_t i = 0; i < why->len; i++)
		if (why->data[i] < 0x20 || why->data[i] >= 0x7f)
			abort();
	strbuf_free(&shown);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_share_group g[SCN_SHARE_GROUPS], want[SCN_SHARE_GROUPS];
	char *copy = malloc(size ? size : 1);
	struct strbuf why;
	int ng, expect;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);	/* exactly size bytes: ASan sees a read past them */
	strbuf_init(&why);
	ng = scn_share_parse_flows(copy, size, g, &why);
	expect = naive(data, size, want);
	if (ng != expect)
		abort();
	if (ng == -1) {
		check_refused(data, size, &why);
	} else {
		check_taken(g, ng, &why);
		if (memcmp(g, want, (size_t)ng * sizeof(g[0])) != 0)
			abort();
	}
	strbuf_free(&why);
	free(copy);
	return 0;
}
