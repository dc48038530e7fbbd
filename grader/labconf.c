/*
 * labconf.c — see labconf.h.  Two passes: the first splits the text into
 * sections of raw key = value lines (syntax errors), the second checks each
 * section against what it may contain (meaning errors).  Keeping them apart
 * lets a test's keys come in any order, [defaults] anywhere, and every error
 * carry the line it came from.
 */
#include "labconf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numarg.h"

#define LABCONF_MAX_BYTES (1 << 20)
#define LABCONF_MAX_TESTS 500
#define LABCONF_MAX_NAME 48
/*
 * Bounds that keep the checks (which compare keys and sections pairwise)
 * fast on any file: an accepted spec has at most [lab], [defaults] and the
 * tests as sections, and no section near this many keys.
 */
#define LABCONF_MAX_SECTIONS (LABCONF_MAX_TESTS + 2)
#define LABCONF_MAX_KEYS 4096

enum section_kind { SEC_LAB, SEC_DEFAULTS, SEC_TEST, SEC_DEAD };

struct raw_kv {
	char *key, *val;
	size_t vlen;
	int line;
};

struct raw_section {
	enum section_kind kind;
	char *name;		/* test name */
	int line;
	struct raw_kv *kv;
	size_t n, cap;
	int full;		/* LABCONF_MAX_KEYS reached (reported) */
};

struct parser {
	const char *path;
	struct strbuf *err;
	int nerr;
	struct raw_section *sec;
	size_t nsec, capsec;
	const struct labconf_scenario *scenarios;
};

static const char *const test_keys[] = {
	"title", "points", "visibility", "requires", "scenario", "timeout", "hint", NULL
};
static const char *const lab_keys[] = {
	"title", "build", "build_timeout", "binaries", "references", "seed",
	"memory_mb", "max_procs", "max_files", "output_kb", "parallel", NULL
};

static void
fail(struct parser *ps, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct parser *ps, int line, const char *fmt, ...)
{
	va_list ap;

	if (ps->nerr++ >= 50)
		return;
	strbuf_printf(ps->err, "%s:%d: ", ps->path, line);
	va_start(ap, fmt);
	strbuf_vprintf(ps->err, fmt, ap);
	va_end(ap);
	strbuf_putc(ps->err, '\n');
}

static char *
dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes the escape whose letter is at *p (just after the backslash) into
 * *c and leaves *p on its last byte.  0, or -1 with a reason.
 */
static int
unescape(const char **p, char *c, const char **why)
{
	const char *e = *p;

	switch (*e) {
	case 'n': *c = '\n'; break;
	case 't': *c = '\t'; break;
	case 'r': *c = '\r'; break;
	case '0': *c = '\0'; break;
	case '\\': *c = '\\'; break;
	case '"': *c = '"'; break;
	case 'x':
		if (hexval(e[1]) < 0 || hexval(e[2]) < 0)
			return *why = "\\x needs two hex digits", -1;
		*c = (char)(hexval(e[1]) * 16 + hexval(e[2]));
		*p += 2;
		break;
	default:
		return *why = "unknown escape (use \\n \\t \\r \\0 \\\\ \\\" \\xNN)", -1;
	}
	return 0;
}

/*
 * Decodes a "quoted" value starting at s (the opening quote) into out (at
 * least strlen(s) bytes).  Returns the decoded length, or -1 with a reason.
 */
static long
unquote(const char *s, char *out, const char **why)
{
	size_t o = 0;
	const char *p = s + 1;

	for (; *p != '"'; p++) {
		if (*p == '\0')
			return *why = "unterminated quoted string", -1;
		if (*p != '\\') {
			out[o++] = *p;
			continue;
		}
		p++;
		if (unescape(&p, &out[o++], why) == -1)
			return -1;
	}
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	if (*p != '\0')
		return *why = "text after the closing quote", -1;
	return (long)o;
}

static struct raw_section *
new_section(struct parser *ps, enum section_kind kind, const char *name, int line)
{
	struct raw_section *s;

	if (ps->nsec == ps->capsec) {
		size_t ncap = ps->capsec ? ps->capsec * 2 : 16;
		struct raw_section *ns = realloc(ps->sec, ncap * sizeof(*ns));

		if (ns == NULL)
			return NULL;
		ps->sec = ns;
		ps->capsec = ncap;
	}
	s = &ps->sec[ps->nsec++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->line = line;
	s->name = name ? dup_n(name, strlen(name)) : NULL;
	return s;
}

static int
add_kv(struct raw_section *s, const char *key, size_t klen, const char *val, size_t vlen, int line)
{
	struct raw_kv *kv;

	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 8;
		struct raw_kv *nk = realloc(s->kv, ncap * sizeof(*nk));

		if (nk == NULL)
			return -1;
		s->kv = nk;
		s->cap = ncap;
	}
	kv = &s->kv[s->n++];
	kv->key = dup_n(key, klen);
	kv->val = dup_n(val, vlen);
	kv->vlen = vlen;
	kv->line = line;
	return kv->key && kv->val ? 0 : -1;
}

static int
valid_name(const char *s, size_t n, int allow_dash)
{
	if (n == 0 || n > LABCONF_MAX_NAME)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9') ||
		    (allow_dash && (c == '-' || (c >= '0' && c <= '9')))))
			return 0;
	}
	return 1;
}

/* Parses a "[...]" line.  Returns the new section, or NULL (error reported). */
static struct raw_section *
section_line(struct parser *ps, char *s, int line)
{
	char *end = strchr(s, ']');
	char *name;

	if (end == NULL || end[1] != '\0')
		return fail(ps, line, "a section header is [lab], [defaults] or [test NAME]"), (struct raw_section *)NULL;
	*end = '\0';
	s++;
	if (strcmp(s, "lab") == 0 || strcmp(s, "defaults") == 0) {
		for (size_t i = 0; i < ps->nsec; i++)
			if (ps->sec[i].kind == (s[0] == 'l' ? SEC_LAB : SEC_DEFAULTS))
				fail(ps, line, "[%s] appears twice (first on line %d)", s, ps->sec[i].line);
		return new_section(ps, s[0] == 'l' ? SEC_LAB : SEC_DEFAULTS, NULL, line);
	}
	if (strncmp(s, "test ", 5) != 0)
		return fail(ps, line, "unknown section [%s]: use [lab], [defaults] or [test NAME]", s), NULL;
	for (name = s + 5; *name == ' '; name++)
		;
	if (!valid_name(name, strlen(name), 1))
		return fail(ps, line, "bad test name '%s': use a-z, 0-9, _ and -, at most %d characters, starting with a letter",
		    name, LABCONF_MAX_NAME), NULL;
	for (size_t i = 0; i < ps->nsec; i++)
		if (ps->sec[i].kind == SEC_TEST && strcmp(ps->sec[i].name, name) == 0)
			return fail(ps, line, "test '%s' is defined twice (first on line %d)", name,
			    ps->sec[i].line), NULL;
	return new_section(ps, SEC_TEST, name, line);
}

/*
 * Can key s[0..klen) on this line go into cur?  Says why not (once for a
 * full section) and returns 0.
 */
static int
key_fits(struct parser *ps, struct raw_section *cur, const char *s, size_t klen, int line)
{
	if (!valid_name(s, klen, 0))
		return fail(ps, line, "bad key '%.*s': use a-z, 0-9 and _", (int)klen, s), 0;
	if (cur == NULL)
		return fail(ps, line, "'%.*s' is outside any section: start with [lab]", (int)klen, s), 0;
	if (cur->n == LABCONF_MAX_KEYS) {
		if (!cur->full)
			fail(ps, line, "more than %d keys in one section", LABCONF_MAX_KEYS);
		cur->full = 1;
		return 0;
	}
	return 1;
}

/* Adds key s[0..klen) with the quoted value at v (its opening quote). */
static void
add_quoted(struct parser *ps, struct raw_section *cur, const char *s, size_t klen,
    const char *v, int line)
{
	char *out = malloc(strlen(v) + 1);
	const char *why = NULL;
	long vlen;

	if (out == NULL || (vlen = unquote(v, out, &why)) < 0)
		fail(ps, line, "%s", why ? why : "out of memory");
	else
		add_kv(cur, s, klen, out, (size_t)vlen, line);
	free(out);
}

static void
kv_line(struct parser *ps, struct raw_section *cur, char *s, int line)
{
	char *eq = strchr(s, '='), *k_end, *v;
	long vlen;

	if (eq == NULL) {
		fail(ps, line, "expected 'key = value', a [section] or a # comment");
		return;
	}
	for (k_end = eq; k_end > s && (k_end[-1] == ' ' || k_end[-1] == '\t'); k_end--)
		;
	if (!key_fits(ps, cur, s, (size_t)(k_end - s), line))
		return;
	for (v = eq + 1; *v == ' ' || *v == '\t'; v++)
		;
	if (*v == '"') {
		add_quoted(ps, cur, s, (size_t)(k_end - s), v, line);
		return;
	}
	vlen = (long)strlen(v);
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	add_kv(cur, s, (size_t)(k_end - s), v, (size_t)vlen, line);
}

/*
 * One line, trimmed at its start: a comment, a [section] (which becomes *cur)
 * or a key.  Returns -1 when the file has too many sections to go on.
 */
static int
one_line(struct parser *ps, struct raw_section **cur, char *s, int line)
{
	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[' && ps->nsec == LABCONF_MAX_SECTIONS) {
		fail(ps, line, "too many sections: a lab has at most %d tests", LABCONF_MAX_TESTS);
		return -1;
	}
	if (*s == '[') {
		struct raw_section *ns = section_line(ps, s, line);

		/* After a bad header, ignore its keys rather than pile up errors. */
		*cur = ns ? ns : new_section(ps, SEC_DEAD, NULL, line);
	} else
		kv_line(ps, *cur, s, line);
	return 0;
}

/* Pass 1: lines into sections. */
static void
split(struct parser *ps, const char *text, size_t len)
{
	struct raw_section *cur = NULL;
	size_t pos = 0;
	int line = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *s, *buf;
		int stop;

		line++;
		if (memchr(text + pos, '\0', n) != NULL) {
			fail(ps, line, "a NUL byte in the file");
			pos += n + 1;
			continue;
		}
		if ((buf = dup_n(text + pos, n)) == NULL)
			return;
		pos += n + 1;
		if (n > 0 && buf[n - 1] == '\r')
			buf[n - 1] = '\0';
		for (s = buf; *s == ' ' || *s == '\t'; s++)
			;
		stop = one_line(ps, &cur, s, line);
		free(buf);
		if (stop == -1)
			return;
	}
}

/* Levenshtein distance, capped: enough to suggest "points" for "pointz". */
static int
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[LABCONF_MAX_NAME + 2];

	if (la > LABCONF_MAX_NAME || lb > LABCONF_MAX_NAME)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];

		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

static int
in_list(const char *const *list, const char *k)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, k) == 0)
			return 1;
	return 0;
}

static const struct labconf_param *
find_param(const struct labconf_scenario *sc, const char *k)
{
	for (const struct labconf_param *p = sc ? sc->params : NULL; p && p->name; p++)
		if (strcmp(p->name, k) == 0)
			return p;
	return NULL;
}

/* The closest of the known keys to key, or NULL if none is close. */
static const char *
suggest(const char *key, const char *const *common, const struct labconf_scenario *sc)
{
	const char *best = NULL;
	int bestd = 3;

	for (; common && *common; common++)
		if (distance(key, *common) < bestd)
			bestd = distance(key, *common), best = *common;
	for (const struct labconf_param *p = sc ? sc->params : NULL; p && p->name; p++)
		if (distance(key, p->name) < bestd)
			bestd = distance(key, p->name), best = p->name;
	return best;
}

static void
unknown_key(struct parser *ps, const struct raw_kv *kv, const char *where,
    const char *const *common, const struct labconf_scenario *sc)
{
	const char *s = suggest(kv->key, common, sc);

	fail(ps, kv->line, "unknown key '%s' in %s%s%s%s", kv->key, where, s ? " (did you mean '" : "",
	    s ? s : "", s ? "'?)" : "");
}

static int
int_value(struct parser *ps, const struct raw_kv *kv, long min, long max, long *out)
{
	if (numarg_parse(kv->val, min, max, out) == 0)
		return 0;
	fail(ps, kv->line, "'%s' must be a whole number from %ld to %ld, not '%s'", kv->key, min,
	    max, kv->val);
	return -1;
}

static int
enum_ok(const char *choices, const char *v)
{
	size_t n = strlen(v);

	for (const char *c = choices; *c;) {
		const char *bar = strchr(c, '|');
		size_t cn = bar ? (size_t)(bar - c) : strlen(c);

		if (cn == n && n > 0 && strncmp(c, v, n) == 0)
			return 1;
		c += cn + (bar != NULL);
	}
	return 0;
}

/* Splits a space-separated value into a NULL-terminated array. */
static char **
split_words(const char *v)
{
	size_t n = 0, cap = 4;
	char **w = malloc(cap * sizeof(*w));

	while (w != NULL && *v) {
		size_t len;

		while (*v == ' ' || *v == '\t')
			v++;
		if (*v == '\0')
			break;
		len = strcspn(v, " \t");
		if (n + 2 > cap) {
			char **nw = realloc(w, (cap *= 2) * sizeof(*w));

			if (nw == NULL)
				break;
			w = nw;
		}
		w[n++] = dup_n(v, len);
		v += len;
	}
	if (w != NULL)
		w[n] = NULL;
	return w;
}

static void
free_words(char **w)
{
	for (size_t i = 0; w && w[i]; i++)
		free(w[i]);
	free(w);
}

static const struct raw_kv *
find_kv(const struct raw_section *s, const char *key)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (strcmp(s->kv[i].key, key) == 0)
			return &s->kv[i];
	return NULL;
}

/* True if key may repeat: a hint, or a LIST of sc (of any scenario if sc is NULL). */
static int
repeatable(const struct parser *ps, const struct labconf_scenario *sc, const char *key)
{
	const struct labconf_scenario *all = sc ? sc : ps->scenarios;

	if (strcmp(key, "hint") == 0)
		return 1;
	for (; all->name; all++) {
		const struct labconf_param *p = find_param(all, key);

		if (p && p->type == LABCONF_LIST)
			return 1;
		if (sc != NULL)
			break;
	}
	return 0;
}

/* Reports every key that appears twice in s, except the repeatable ones. */
static void
check_repeats(struct parser *ps, const struct raw_section *s, const struct labconf_scenario *sc)
{
	for (size_t i = 0; s && i < s->n; i++) {
		if (s->kind != SEC_LAB && repeatable(ps, sc, s->kv[i].key))
			continue;
		for (size_t j = 0; j < i; j++)
			if (strcmp(s->kv[i].key, s->kv[j].key) == 0) {
				fail(ps, s->kv[i].line, "'%s' is set twice (first on line %d)",
				    s->kv[i].key, s->kv[j].line);
				break;
			}
	}
}

static long
lab_int(struct parser *ps, const struct raw_section *s, const char *key, long dflt, long min,
    long max)
{
	const struct raw_kv *kv = find_kv(s, key);
	long v = dflt;

	if (kv != NULL)
		int_value(ps, kv, min, max, &v);
	return v;
}

static char *
lab_str(struct parser *ps, const struct raw_section *s, const char *key, const char *dflt)
{
	const struct raw_kv *kv = find_kv(s, key);

	if (kv == NULL && dflt == NULL) {
		fail(ps, s->line, "[lab] needs '%s'", key);
		return dup_n("", 0);
	}
	if (kv != NULL && kv->vlen == 0)
		fail(ps, kv->line, "'%s' is empty", key);
	return kv ? dup_n(kv->val, kv->vlen) : dup_n(dflt, strlen(dflt));
}

static void
parse_lab(struct parser *ps, const struct raw_section *s, struct labconf *lab)
{
	char *w;

	for (size_t i = 0; i < s->n; i++)
		if (!in_list(lab_keys, s->kv[i].key))
			unknown_key(ps, &s->kv[i], "[lab]", lab_keys, NULL);
	check_repeats(ps, s, NULL);
	lab->title = lab_str(ps, s, "title", NULL);
	lab->build = lab_str(ps, s, "build", "make");
	lab->build_timeout_s = (int)lab_int(ps, s, "build_timeout", 120, 1, 3600);
	w = lab_str(ps, s, "binaries", NULL);
	lab->binaries = split_words(w);
	free(w);
	w = lab_str(ps, s, "references", NULL);
	lab->references = split_words(w);
	free(w);
	lab->seed = (uint64_t)lab_int(ps, s, "seed", 1, 0, LONG_MAX);
	lab->memory_mb = lab_int(ps, s, "memory_mb", 512, 16, 1 << 20);
	lab->max_procs = (int)lab_int(ps, s, "max_procs", 64, 1, 100000);
	lab->max_files = (int)lab_int(ps, s, "max_files", 256, 16, 1 << 20);
	lab->output_kb = lab_int(ps, s, "output_kb", 256, 1, 1 << 20);
	lab->parallel = (int)lab_int(ps, s, "parallel", 4, 1, 16);
}

static void
add_value(struct labconf_test *t, const char *key, const char *data, size_t len, int line)
{
	struct labconf_value *nv = realloc(t->values, (t->nvalues + 1) * sizeof(*nv));

	if (nv == NULL)
		return;
	t->values = nv;
	nv[t->nvalues] = (struct labconf_value){ key, dup_n(data, len), len, line };
	if (nv[t->nvalues].data != NULL)
		t->nvalues++;
}

static int
value_ok(struct parser *ps, const struct raw_kv *kv, const struct labconf_param *p)
{
	long v;

	if (p->type == LABCONF_INT)
		return int_value(ps, kv, p->min, p->max, &v);
	if (p->type == LABCONF_ENUM && !enum_ok(p->choices, kv->val)) {
		fail(ps, kv->line, "'%s' must be one of %s, not '%s'", kv->key, p->choices, kv->val);
		return -1;
	}
	return 0;
}

static const struct raw_kv *
effective(const struct raw_section *t, const struct raw_section *d, const char *key)
{
	const struct raw_kv *kv = find_kv(t, key);

	return kv ? kv : find_kv(d, key);
}

static const struct labconf_scenario *
test_scenario(struct parser *ps, const struct raw_section *t, const struct raw_section *d)
{
	const struct raw_kv *kv = effective(t, d, "scenario");
	struct strbuf known;

	if (kv != NULL)
		for (const struct labconf_scenario *sc = ps->scenarios; sc->name; sc++)
			if (strcmp(sc->name, kv->val) == 0)
				return sc;
	strbuf_init(&known);
	for (const struct labconf_scenario *sc = ps->scenarios; sc->name; sc++)
		strbuf_printf(&known, "%s%s", known.len ? ", " : "", sc->name);
	if (kv == NULL)
		fail(ps, t->line, "test '%s' needs 'scenario' (one of: %s)", t->name, strbuf_str(&known));
	else
		fail(ps, kv->line, "unknown scenario '%s' (known: %s)", kv->val, strbuf_str(&known));
	strbuf_free(&known);
	return NULL;
}

static void
test_requires(struct parser *ps, const struct raw_kv *kv, struct labconf *lab,
    struct labconf_test *t)
{
	char **w = split_words(kv->val);

	for (size_t i = 0; w && w[i]; i++) {
		size_t j;

		for (j = 0; j < lab->ntests; j++)
			if (strcmp(lab->tests[j].name, w[i]) == 0)
				break;
		if (j == lab->ntests) {
			fail(ps, kv->line, "requires '%s', which is not a test defined above this one",
			    w[i]);
			continue;
		}
		int *nr = realloc(t->requires, (t->nrequires + 1) * sizeof(*nr));

		if (nr == NULL)
			break;
		t->requires = nr;
		t->requires[t->nrequires++] = (int)j;
	}
	free_words(w);
}

static void
test_common(struct parser *ps, const struct raw_section *s, const struct raw_section *d,
    struct labconf *lab, struct labconf_test *t)
{
	const struct raw_kv *kv;
	const struct raw_section *hints = find_kv(s, "hint") ? s : d;
	struct strbuf hint;
	long v = 10;

	if ((kv = effective(s, d, "points")) == NULL)
		fail(ps, s->line, "test '%s' needs 'points'", t->name);
	else if (int_value(ps, kv, 0, 1000, &v) == 0)
		t->points = (int)v;
	if ((kv = effective(s, d, "visibility")) != NULL && !enum_ok("visible|hidden", kv->val))
		fail(ps, kv->line, "'visibility' must be visible or hidden, not '%s'", kv->val);
	t->visibility = kv && strcmp(kv->val, "hidden") == 0 ? LABCONF_HIDDEN : LABCONF_VISIBLE;
	v = 10;
	if ((kv = effective(s, d, "timeout")) != NULL)
		int_value(ps, kv, 1, 600, &v);
	t->timeout_s = (int)v;
	kv = effective(s, d, "title");
	t->title = kv ? dup_n(kv->val, kv->vlen) : dup_n(t->name, strlen(t->name));
	strbuf_init(&hint);
	for (size_t i = 0; hints && i < hints->n; i++)
		if (strcmp(hints->kv[i].key, "hint") == 0)
			strbuf_printf(&hint, "%s%s", hint.len ? " " : "", hints->kv[i].val);
	t->hint = dup_n(strbuf_str(&hint), hint.len);
	strbuf_free(&hint);
	if ((kv = find_kv(s, "requires")) != NULL)
		test_requires(ps, kv, lab, t);
}

static void
test_params(struct parser *ps, const struct raw_section *s, const struct raw_section *d,
    struct labconf_test *t)
{
	const struct labconf_scenario *sc = t->scenario;

	for (const struct labconf_param *p = sc->params; p && p->name; p++) {
		const struct raw_section *from = find_kv(s, p->name) ? s : d;
		const struct raw_kv *kv = effective(s, d, p->name);

		if (p->type == LABCONF_LIST) {
			for (size_t i = 0; from && i < from->n; i++)
				if (strcmp(from->kv[i].key, p->name) == 0)
					add_value(t, p->name, from->kv[i].val, from->kv[i].vlen,
					    from->kv[i].line);
		} else if (kv != NULL) {
			if (value_ok(ps, kv, p) == 0)
				add_value(t, p->name, kv->val, kv->vlen, kv->line);
		} else if (p->dflt != NULL) {
			add_value(t, p->name, p->dflt, strlen(p->dflt), s->line);
		} else if (p->type != LABCONF_WORDS) {
			fail(ps, s->line, "test '%s' needs '%s' (scenario %s)", t->name, p->name,
			    sc->name);
		}
	}
}

/* What the scenario checks of the test's values beyond their types. */
static void
test_check(struct parser *ps, const struct labconf_test *t)
{
	struct strbuf why;

	strbuf_init(&why);
	if (t->scenario->check(t, &why) == -1)
		fail(ps, t->line, "test '%s': %s", t->name, strbuf_str(&why));
	strbuf_free(&why);
}

static void
parse_test(struct parser *ps, const struct raw_section *s, const struct raw_section *d,
    struct labconf *lab)
{
	struct labconf_test *t = &lab->tests[lab->ntests];

	memset(t, 0, sizeof(*t));
	t->name = dup_n(s->name, strlen(s->name));
	t->line = s->line;
	t->scenario = test_scenario(ps, s, d);
	check_repeats(ps, s, t->scenario);
	for (size_t i = 0; i < s->n; i++)
		if (!in_list(test_keys, s->kv[i].key) && find_param(t->scenario, s->kv[i].key) == NULL &&
		    t->scenario != NULL)
			unknown_key(ps, &s->kv[i], "this test", test_keys, t->scenario);
	test_common(ps, s, d, lab, t);
	if (t->scenario != NULL)
		test_params(ps, s, d, t);
	if (t->scenario != NULL && t->scenario->check != NULL)
		test_check(ps, t);
	lab->ntests++;
}

/* Every [defaults] key must mean something to some test. */
static void
check_defaults(struct parser *ps, const struct raw_section *d)
{
	check_repeats(ps, d, NULL);
	for (size_t i = 0; d && i < d->n; i++) {
		int known = in_list(test_keys, d->kv[i].key);

		if (strcmp(d->kv[i].key, "requires") == 0) {
			fail(ps, d->kv[i].line, "'requires' cannot be a default: each test names its "
			    "own prerequisites");
			continue;
		}
		for (const struct labconf_scenario *sc = ps->scenarios; !known && sc->name; sc++)
			known = find_param(sc, d->kv[i].key) != NULL;
		if (!known)
			unknown_key(ps, &d->kv[i], "[defaults]", test_keys, NULL);
	}
}

static void
free_raw(struct parser *ps)
{
	for (size_t i = 0; i < ps->nsec; i++) {
		for (size_t j = 0; j < ps->sec[i].n; j++) {
			free(ps->sec[i].kv[j].key);
			free(ps->sec[i].kv[j].val);
		}
		free(ps->sec[i].kv);
		free(ps->sec[i].name);
	}
	free(ps->sec);
}

static void
check_sections(struct parser *ps, struct labconf *lab, const struct raw_section *d)
{
	const struct raw_section *labsec = NULL;
	size_t ntests = 0;

	for (size_t i = 0; i < ps->nsec; i++) {
		if (ps->sec[i].kind == SEC_LAB)
			labsec = &ps->sec[i];
		ntests += ps->sec[i].kind == SEC_TEST;
	}
	if (labsec == NULL)
		fail(ps, 1, "no [lab] section");
	else
		parse_lab(ps, labsec, lab);
	check_defaults(ps, d);
	if (ntests == 0)
		fail(ps, 1, "no [test NAME] section: a lab needs at least one test");
	if (ntests > LABCONF_MAX_TESTS)
		fail(ps, 1, "%zu tests: at most %d", ntests, LABCONF_MAX_TESTS);
}

struct labconf *
labconf_parse(const char *path, const char *text, size_t len,
    const struct labconf_scenario *scenarios, struct strbuf *err)
{
	struct parser ps = { .path = path, .err = err, .scenarios = scenarios };
	struct labconf *lab = calloc(1, sizeof(*lab));
	const struct raw_section *d = NULL;

	if (lab == NULL)
		return NULL;
	lab->path = dup_n(path, strlen(path));
	if (len > LABCONF_MAX_BYTES)
		fail(&ps, 1, "the file is larger than %d bytes", LABCONF_MAX_BYTES);
	else
		split(&ps, text, len);
	for (size_t i = 0; i < ps.nsec; i++)
		if (ps.sec[i].kind == SEC_DEFAULTS)
			d = &ps.sec[i];
	if (ps.nerr == 0 || ps.nsec > 0)
		check_sections(&ps, lab, d);
	lab->tests = calloc(ps.nsec + 1, sizeof(*lab->tests));
	for (size_t i = 0; lab->tests && i < ps.nsec; i++)
		if (ps.sec[i].kind == SEC_TEST && lab->ntests < LABCONF_MAX_TESTS)
			parse_test(&ps, &ps.sec[i], d, lab);
	free_raw(&ps);
	if (ps.nerr > 50)
		strbuf_printf(err, "%s: %d more errors\n", path, ps.nerr - 50);
	if (ps.nerr > 0 || lab->tests == NULL) {
		labconf_free(lab);
		return NULL;
	}
	return lab;
}

struct labconf *
labconf_load(const char *path, const struct labconf_scenario *scenarios, struct strbuf *err)
{
	FILE *f = fopen(path, "rb");
	struct strbuf text;
	struct labconf *lab;
	char buf[8192];
	size_t n;

	if (f == NULL) {
		strbuf_printf(err, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	strbuf_init(&text);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && text.len <= LABCONF_MAX_BYTES)
		strbuf_append(&text, buf, n);
	if (ferror(f)) {
		strbuf_printf(err, "%s: %s\n", path, strerror(errno));
		fclose(f);
		strbuf_free(&text);
		return NULL;
	}
	fclose(f);
	lab = labconf_parse(path, strbuf_str(&text), text.len, scenarios, err);
	strbuf_free(&text);
	return lab;
}

void
labconf_free(struct labconf *lab)
{
	if (lab == NULL)
		return;
	for (size_t i = 0; lab->tests && i < lab->ntests; i++) {
		struct labconf_test *t = &lab->tests[i];

		free(t->name);
		free(t->title);
		free(t->hint);
		free(t->requires);
		for (size_t j = 0; j < t->nvalues; j++)
			free(t->values[j].data);
		free(t->values);
	}
	free(lab->tests);
	free(lab->path);
	free(lab->title);
	free(lab->build);
	free_words(lab->binaries);
	free_words(lab->references);
	free(lab);
}

const struct labconf_test *
labconf_find(const struct labconf *lab, const char *name)
{
	for (size_t i = 0; i < lab->ntests; i++)
		if (strcmp(lab->tests[i].name, name) == 0)
			return &lab->tests[i];
	return NULL;
}

const struct labconf_value *
labconf_get(const struct labconf_test *t, const char *key)
{
	return labconf_item(t, key, 0);
}

const char *
labconf_str(const struct labconf_test *t, const char *key)
{
	const struct labconf_value *v = labconf_get(t, key);

	return v ? v->data : "";
}

long
labconf_int(const struct labconf_test *t, const char *key)
{
	const struct labconf_value *v = labconf_get(t, key);
	long x = 0;

	if (v != NULL)
		numarg_parse(v->data, LONG_MIN, LONG_MAX, &x);
	return x;
}

const struct labconf_value *
labconf_item(const struct labconf_test *t, const char *key, size_t i)
{
	for (size_t j = 0; j < t->nvalues; j++)
		if (strcmp(t->values[j].key, key) == 0 && i-- == 0)
			return &t->values[j];
	return NULL;
}

int
labconf_points(const struct labconf *lab, int visible_only)
{
	int sum = 0;

	for (size_t i = 0; i < lab->ntests; i++)
		if (!visible_only || lab->tests[i].visibility == LABCONF_VISIBLE)
			sum += lab->tests[i].points;
	return sum;
}
