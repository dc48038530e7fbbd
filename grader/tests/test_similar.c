/*
 * test_similar.c — the similarity check on lab 1's real files: a copy with
 * its names changed and its layout redone is found, an independent solution
 * is not, the starter alone shares nothing with anyone, and the lines shown
 * for a pair are the lines the two share.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "similar.h"
#include "strbuf.h"
#include "tests/harness.h"

static const char *const files[] = { "uppercase.c", "udp_server.c", "udp_client.c", NULL };

static void
slurp(const char *dir, const char *name, struct strbuf *sb)
{
	char path[300], buf[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(path, "r"), "%s", path);
	strbuf_reset(sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_append(sb, buf, n);
	fclose(f);
}

/* Rewrites text as a copier would: other names, spaces for tabs, comments and blank lines. */
static void
disguise(const char *text, struct strbuf *out)
{
	static const char *const from[] = { "s", "n", "buf", "from", "fromlen", "who", "saved",
		"attempt", "deadline", "left", "pfd", "r", "ready", "p", "i", NULL };
	static const char *const to[] = { "sock", "count", "data", "peer_addr", "peer_len",
		"peer_name", "err_copy", "try_no", "until", "remaining", "watch", "got", "nready",
		"ptr", "idx", NULL };

	strbuf_reset(out);
	for (const char *p = text; *p != '\0';) {
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		size_t k = 0;

		if (n == 0) {
			if (*p == '\t')
				strbuf_puts(out, "    ");
			else if (*p == '\n')
				strbuf_puts(out, p > text && p[-1] == ';' ? " // mine\n\n" : "\n\n");
			else
				strbuf_putc(out, *p);
			p++;
			continue;
		}
		while (from[k] != NULL && (strlen(from[k]) != n || strncmp(from[k], p, n) != 0))
			k++;
		if (from[k] != NULL)
			strbuf_puts(out, to[k]);
		else
			strbuf_append(out, p, n);
		p += n;
	}
}

/* Adds the starter of lab 1 as the base, and dir's files (disguised if asked) as who. */
static void
add_starter(struct similar *s)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (size_t i = 0; files[i] != NULL; i++) {
		slurp("../labs/01-udp-uppercase", files[i], &sb);
		cr_assert_eq(similar_add_base(s, sb.data, sb.len), 0);
	}
	strbuf_free(&sb);
}

static void
add_dir(struct similar *s, size_t who, const char *dir, int disguised)
{
	struct strbuf sb, d;

	strbuf_init(&sb);
	strbuf_init(&d);
	for (size_t i = 0; files[i] != NULL; i++) {
		slurp(dir, files[i], &sb);
		disguise(strbuf_str(&sb), &d);
		if (disguised)
			cr_assert_eq(similar_add(s, who, files[i], d.data, d.len), 0);
		else
			cr_assert_eq(similar_add(s, who, files[i], sb.data, sb.len), 0);
	}
	strbuf_free(&sb);
	strbuf_free(&d);
}

enum { REF, COPY, INDEP, STARTER, N };

/* The pair (a, b) among p[0..n), or NULL. */
static const struct similar_pair *
pair(const struct similar_pair *p, long n, size_t a, size_t b)
{
	for (long i = 0; i < n; i++)
		if (p[i].a == a && p[i].b == b)
			return &p[i];
	return NULL;
}

Test(similar, a_renamed_reformatted_copy_is_found_an_independent_solution_is_not)
{
	struct similar *s = similar_new();
	struct similar_pair *p;
	char *dir = harness_tempdir(), indep[600];
	long n;

	cr_assert_not_null(s);
	cr_assert_not_null(dir);
	snprintf(indep, sizeof(indep), "%s/independent", dir);
	cr_assert_eq(harness_mksub("../udp_uppercase", "udp_server udp_client", indep,
	    "tests/class/independent", NULL), 0);
	add_starter(s);
	add_dir(s, REF, "../udp_uppercase", 0);
	add_dir(s, COPY, "../udp_uppercase", 1);
	add_dir(s, INDEP, indep, 0);
	add_dir(s, STARTER, "../labs/01-udp-uppercase", 0);
	cr_assert_geq(n = similar_pairs(s, SIMILAR_THRESHOLD, &p), 0);
	cr_expect_not_null(pair(p, n, REF, COPY), "the copy is not found");
	if (pair(p, n, REF, COPY) != NULL)
		cr_expect_eq(pair(p, n, REF, COPY)->score, 1.0, "a copy shares every fingerprint: %f",
		    pair(p, n, REF, COPY)->score);
	for (long i = 0; i < n; i++)
		cr_expect(p[i].a == REF && p[i].b == COPY, "%zu and %zu share %zu fingerprints (%.2f)",
		    p[i].a, p[i].b, p[i].shared, p[i].score);
	cr_expect_eq(similar_count(s, STARTER), 0, "the starter keeps %zu fingerprints",
	    similar_count(s, STARTER));
	cr_expect_gt(similar_count(s, INDEP), 20);
	similar_pairs_free(p, (size_t)n);
	similar_free(s);
	harness_rmtree(dir);
	free(dir);
}

/* Tokens differ by operator or keyword only: the rest (names, literals, layout) is renamed. */
Test(similar, only_the_shape_of_the_code_counts)
{
	static const char a[] = "int f(int x) { int y = x * 2 + 1; if (y > 10) return y; while (x--) y += x; return -1; }\n";
	static const char b[] = "int\ng(int count)\n{\n\tint total = count * 7 + 99; // scale\n"
	    "\tif (total > 42)\n\t\treturn total; /* early */\n\twhile (count--)\n\t\ttotal += count;\n"
	    "#define NOTHING\n\treturn -1;\n}\n";
	static const char c[] = "int f(int x) { int y = x / 2 - 1; if (y < 10) return y; for (;x;) y -= x; return +1; }\n";
	struct similar *s = similar_new();
	struct similar_pair *p;
	long n;

	cr_assert_not_null(s);
	cr_assert_eq(similar_add(s, 0, "a.c", a, sizeof(a) - 1), 0);
	cr_assert_eq(similar_add(s, 1, "b.c", b, sizeof(b) - 1), 0);
	cr_assert_eq(similar_add(s, 2, "c.c", c, sizeof(c) - 1), 0);
	cr_assert_eq(n = similar_pairs(s, 0.01, &p), 1, "%ld pairs", n);
	cr_expect(p[0].a == 0 && p[0].b == 1 && p[0].score == 1.0, "%zu %zu %f", p[0].a, p[0].b,
	    p[0].score);
	cr_assert_eq(p[0].nmatches, 1);
	cr_expect(p[0].matches[0].a_from == 1 && p[0].matches[0].a_to == 1, "a lines %d-%d",
	    p[0].matches[0].a_from, p[0].matches[0].a_to);
	cr_expect(p[0].matches[0].b_from <= 2 && p[0].matches[0].b_to == 10, "b lines %d-%d",
	    p[0].matches[0].b_from, p[0].matches[0].b_to);
	similar_pairs_free(p, (size_t)n);
	similar_free(s);
}

/* The starter's own text is the base: a submission that is only the starter has nothing left. */
Test(similar, the_starter_alone_scores_zero_with_anyone)
{
	static const char starter[] = "int f(int x) { int y = x * 2 + 1; if (y > 10) return y; while (x--) y += x; return -1; }\n";
	struct similar *s = similar_new();
	struct similar_pair *p;
	long n;

	cr_assert_not_null(s);
	cr_assert_eq(similar_add_base(s, starter, sizeof(starter) - 1), 0);
	cr_assert_eq(similar_add(s, 0, "a.c", starter, sizeof(starter) - 1), 0);
	cr_assert_eq(similar_add(s, 1, "a.c", starter, sizeof(starter) - 1), 0);
	cr_expect_eq(similar_count(s, 0), 0);
	cr_assert_eq(n = similar_pairs(s, 0.0, &p), 0, "%ld pairs", n);
	similar_pairs_free(p, 0);
	similar_free(s);
}

/* Odd bytes, cut comments and literals, and an empty file tokenize without a crash. */
Test(similar, any_bytes_are_read)
{
	static const char *const odd[] = { "", "/*", "\"abc", "'", "#", "a\\\n", "/* */ */ //",
		"\x01\xff\x80 int", "0x1.p+3e-", NULL };
	struct similar *s = similar_new();
	struct similar_pair *p;

	cr_assert_not_null(s);
	for (size_t i = 0; odd[i] != NULL; i++)
		cr_assert_eq(similar_add(s, i, "odd.c", odd[i], strlen(odd[i])), 0, "%zu", i);
	cr_expect_eq(similar_pairs(s, 0.0, &p), 0);
	similar_pairs_free(p, 0);
	similar_free(s);
}
