/*
 * fuzz_labconf.c — libFuzzer harness for the lab.conf parser (labconf.c),
 * with the grader's real scenario table.
 *
 * Besides "never crash", it checks what grade.c and the scenarios rely on.
 * A refused spec comes with messages, each "lab.conf:LINE: ..." with a line
 * of the file.  An accepted one has 1 to 500 tests with valid, unique names
 * (labconf_find finds each), points 0..1000 that labconf_points adds up,
 * prerequisites that are earlier tests, a known scenario, every parameter a
 * scenario needs (ints in range, enums among their choices), and limits in
 * range.  And it means what it says: written out again by the printer below
 * (every value quoted), it parses to the same lab.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "labconf.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 48 || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static int
among(const char *choices, const char *v)
{
	size_t n = strlen(v);

	for (const char *c = choices; *c; c += strcspn(c, "|") + (c[strcspn(c, "|")] != '\0'))
		if (strcspn(c, "|") == n && n > 0 && strncmp(c, v, n) == 0)
			return 1;
	return 0;
}

/* Every message line names the file and a line in 1..nlines+1. */
static void
check_errors(const struct strbuf *err, long nlines)
{
	const char *p = strbuf_str(err), *nl;

	if (err->len == 0)
		abort();
	for (; *p; p = nl + 1) {
		char *end;
		long line;

		if ((nl = strchr(p, '\n')) == NULL || strncmp(p, "lab.conf:", 9) != 0)
			abort();
		line = strtol(p + 9, &end, 10);
		if (strncmp(p + 9, " ", 1) == 0 && strstr(p, "more errors") != NULL)
			continue;
		if (end == p + 9 || *end != ':' || line < 1 || line > nlines + 1)
			abort();
	}
}

static void
check_params(const struct labconf_test *t)
{
	for (const struct labconf_param *p = t->scenario->params; p->name; p++) {
		const struct labconf_value *v = labconf_get(t, p->name);

		if (v == NULL) {
			if (p->type != LABCONF_LIST && p->type != LABCONF_WORDS)
				abort();
			continue;
		}
		if (v->data[v->len] != '\0')
			abort();
		if (p->type == LABCONF_INT && (labconf_int(t, p->name) < p->min ||
		    labconf_int(t, p->name) > p->max))
			abort();
		if (p->type == LABCONF_ENUM && !among(p->choices, v->data))
			abort();
	}
}

static void
check_lab(const struct labconf *lab)
{
	int sum = 0;

	if (lab->ntests < 1 || lab->ntests > 500 || lab->title == NULL || lab->build == NULL ||
	    lab->binaries == NULL || lab->references == NULL || lab->parallel < 1 ||
	    lab->parallel > 16 || lab->build_timeout_s < 1 || lab->memory_mb < 16 ||
	    lab->max_procs < 1 || lab->max_files < 16 || lab->output_kb < 1)
		abort();
	for (size_t i = 0; i < lab->ntests; i++) {
		const struct labconf_test *t = &lab->tests[i];

		if (!valid_name(t->name) || labconf_find(lab, t->name) != t || t->points < 0 ||
		    t->points > 1000 || t->timeout_s < 1 || t->timeout_s > 600 ||
		    t->scenario == NULL || scenario_lookup(t->scenario->name) == NULL ||
		    t->title == NULL || t->hint == NULL)
			abort();
		for (size_t j = 0; j < t->nrequires; j++)
			if (t->requires[j] < 0 || (size_t)t->requires[j] >= i)
				abort();
		check_params(t);
		sum += t->points;
	}
	if (labconf_points(lab, 0) != sum || labconf_points(lab, 1) > sum)
		abort();
}

/* Appends key = "value" with every byte that needs it escaped. */
static void
put_kv(struct strbuf *sb, const char *key, const char *v, size_t n)
{
	strbuf_printf(sb, "%s = \"", key);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			strbuf_printf(sb, "\\x%02x", c);
		else
			strbuf_putc(sb, (char)c);
	}
	strbuf_puts(sb, "\"\n");
}

static void
put_words(struct strbuf *sb, const char *key, char *const *w)
{
	struct strbuf all;

	strbuf_init(&all);
	for (size_t i = 0; w[i]; i++)
		strbuf_printf(&all, "%s%s", i ? " " : "", w[i]);
	put_kv(sb, key, all.len ? all.data : " ", all.len ? all.len : 1);
	strbuf_free(&all);
}

static void
print_test(struct strbuf *sb, const struct labconf *lab, const struct labconf_test *t)
{
	strbuf_printf(sb, "[test %s]\npoints = %d\ntimeout = %d\nvisibility = %s\nscenario = %s\n",
	    t->name, t->points, t->timeout_s, t->visibility == LABCONF_HIDDEN ? "hidden" : "visible",
	    t->scenario->name);
	put_kv(sb, "title", t->title, strlen(t->title));
	if (*t->hint)
		put_kv(sb, "hint", t->hint, strlen(t->hint));
	if (t->nrequires > 0) {
		strbuf_puts(sb, "requires =");
		for (size_t j = 0; j < t->nrequires; j++)
			strbuf_printf(sb, " %s", lab->tests[t->requires[j]].name);
		strbuf_putc(sb, '\n');
	}
	for (size_t j = 0; j < t->nvalues; j++)
		put_kv(sb, t->values[j].key, t->values[j].data, t->values[j].len);
}

static void
print_lab(struct strbuf *sb, const struct labconf *lab)
{
	strbuf_puts(sb, "[lab]\n");
	put_kv(sb, "title", lab->title, strlen(lab->title));
	put_kv(sb, "build", lab->build, strlen(lab->build));
	put_words(sb, "binaries", lab->binaries);
	put_words(sb, "references", lab->references);
	strbuf_printf(sb, "build_timeout = %d\nseed = %" PRIu64 "\nmemory_mb = %ld\nmax_procs = %d\n"
	    "max_files = %d\noutput_kb = %ld\nparallel = %d\n", lab->build_timeout_s, lab->seed,
	    lab->memory_mb, lab->max_procs, lab->max_files, lab->output_kb, lab->parallel);
	for (size_t i = 0; i < lab->ntests; i++)
		print_test(sb, lab, &lab->tests[i]);
}

static int
same_words(char *const *a, char *const *b)
{
	size_t i;

	for (i = 0; a[i] && b[i]; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return a[i] == NULL && b[i] == NULL;
}

static int
same_test(const struct labconf_test *a, const struct labconf_test *b)
{
	if (strcmp(a->name, b->name) || a->points != b->points || a->timeout_s != b->timeout_s ||
	    a->visibility != b->visibility || a->scenario != b->scenario ||
	    strcmp(a->title, b->title) || strcmp(a->hint, b->hint) ||
	    a->nrequires != b->nrequires || a->nvalues != b->nvalues)
		return 0;
	for (size_t j = 0; j < a->nrequires; j++)
		if (a->requires[j] != b->requires[j])
			return 0;
	for (size_t j = 0; j < a->nvalues; j++)
		if (strcmp(a->values[j].key, b->values[j].key) || a->values[j].len != b->values[j].len ||
		    memcmp(a->values[j].data, b->values[j].data, a->values[j].len))
			return 0;
	return 1;
}

static int
same_lab(const struct labconf *a, const struct labconf *b)
{
	if (strcmp(a->title, b->title) || strcmp(a->build, b->build) ||
	    !same_words(a->binaries, b->binaries) || !same_words(a->references, b->references) ||
	    a->build_timeout_s != b->build_timeout_s || a->seed != b->seed ||
	    a->memory_mb != b->memory_mb || a->max_procs != b->max_procs ||
	    a->max_files != b->max_files || a->output_kb != b->output_kb ||
	    a->parallel != b->parallel || a->ntests != b->ntests)
		return 0;
	for (size_t i = 0; i < a->ntests; i++)
		if (!same_test(&a->tests[i], &b->tests[i]))
			return 0;
	return 1;
}

static void
round_trip(const struct labconf *lab)
{
	struct strbuf text, err;
	struct labconf *again;

	/* A title or build command of only a quoted NUL reads as "" here: nothing to print. */
	if (*lab->title == '\0' || *lab->build == '\0')
		return;
	strbuf_init(&text);
	strbuf_init(&err);
	print_lab(&text, lab);
	again = labconf_parse("lab.conf", strbuf_str(&text), text.len, scenario_table, &err);
	if (again == NULL || !same_lab(lab, again))
		abort();
	labconf_free(again);
	strbuf_free(&text);
	strbuf_free(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err;
	struct labconf *lab;
	long nlines = 1;

	for (size_t i = 0; i < size; i++)
		nlines += data[i] == '\n';
	strbuf_init(&err);
	lab = labconf_parse("lab.conf", (const char *)data, size, scenario_table, &err);
	if (lab == NULL) {
		check_errors(&err, nlines);
	} else {
		if (err.len != 0)
			abort();
		check_lab(lab);
		round_trip(lab);
		labconf_free(lab);
	}
	strbuf_free(&err);
	return 0;
}
