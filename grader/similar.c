/*
 * similar.c — see similar.h.  A submission keeps its fingerprints twice: as
 * winnowing chose them (with the lines each covers), and, once the class is
 * complete, sorted by hash with the starter's removed and each hash once (at
 * its first place), so two submissions compare in one merge of two sorted
 * arrays and a class of n costs n * n / 2 short merges.
 */
#include "similar.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct tok {
	uint32_t code;
	int line;
};

struct fp {
	uint64_t h;
	size_t file;
	int from, to;		/* the lines of its first and last token */
};

struct doc {
	char **names, **texts;
	size_t *lens, nfiles;
	struct fp *fps, *uniq;	/* as chosen; sorted, starter removed, unique */
	size_t nfps, nuniq;
	int ready;
};

struct similar {
	uint64_t *base;		/* every k-gram hash of the starter */
	size_t nbase, capbase;
	int base_sorted;
	struct doc *docs;
	size_t ndocs;
};

enum { T_IDENT = 1, T_NUMBER, T_STRING, T_CHAR, T_KEYWORD = 0x100, T_PUNCT = 0x1000000 };

static const char *const keywords[] = {
	"auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
	"enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
	"restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
	"union", "unsigned", "void", "volatile", "while", "_Bool", NULL
};

static const char *const puncts[] = {
	"<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", NULL
};

static int
is_word(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_';
}

static int
is_blank(char c)
{
	return c == '\n' || c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* The end of the block comment that opens at t[i] ("/" "*"); counts lines. */
static size_t
block_comment_end(const char *t, size_t len, size_t i, int *line)
{
	size_t j;

	for (j = i + 2; j < len && !(t[j - 1] == '*' && t[j] == '/' && j > i + 2); j++)
		*line += t[j] == '\n';
	return j + (j < len);
}

/* The end of the directive at t[i] ('#'), over escaped newlines; counts lines. */
static size_t
directive_end(const char *t, size_t len, size_t i, int *line)
{
	size_t j;

	for (j = i; j < len && t[j] != '\n'; j++)
		if (t[j] == '\\' && j + 1 < len && t[j + 1] == '\n')
			j++, (*line)++;
	return j;
}

/* The end of the string or character literal at t[i] (it stops at a line's end). */
static size_t
literal_end(const char *t, size_t len, size_t i)
{
	size_t j;

	for (j = i + 1; j < len && t[j] != t[i] && t[j] != '\n'; j++)
		j += t[j] == '\\' && j + 1 < len && t[j + 1] != '\n';
	return j + (j < len && t[j] == t[i]);
}

/* The length of the comment, directive, literal or blank at t[i] (0: none); counts lines. */
static size_t
skip(const char *t, size_t len, size_t i, int *line, int bol, uint32_t *lit)
{
	size_t j = i;

	*lit = 0;
	if (is_blank(t[i])) {
		*line += t[i] == '\n';
		return 1;
	}
	if (t[i] == '/' && i + 1 < len && t[i + 1] == '/') {
		while (j < len && t[j] != '\n')
			j++;
	} else if (t[i] == '/' && i + 1 < len && t[i + 1] == '*') {
		j = block_comment_end(t, len, i, line);
	} else if (t[i] == '#' && bol) {
		j = directive_end(t, len, i, line);
	} else if (t[i] == '"' || t[i] == '\'') {
		*lit = t[i] == '"' ? T_STRING : T_CHAR;
		j = literal_end(t, len, i);
	}
	return j - i;
}

/* Whether t[j] still belongs to the number that starts at t[i]: a digit or
 * letter, a '.', or the sign of an exponent. */
static int
in_number(const char *t, size_t i, size_t j)
{
	return t[i] >= '0' && t[i] <= '9' &&
	    (t[j] == '.' || ((t[j] == '+' || t[j] == '-') && strchr("eEpP", t[j - 1])));
}

/* The code of the identifier t[0..n): a keyword's, or T_IDENT. */
static uint32_t
ident_code(const char *t, size_t n)
{
	for (size_t k = 0; keywords[k] != NULL; k++)
		if (strlen(keywords[k]) == n && memcmp(keywords[k], t, n) == 0)
			return T_KEYWORD + (uint32_t)k;
	return T_IDENT;
}

/* The code and length of the punctuator at t[i]. */
static size_t
punct(const char *t, size_t len, size_t i, uint32_t *code)
{
	for (size_t k = 0; puncts[k] != NULL; k++) {
		size_t n = strlen(puncts[k]);

		if (n <= len - i && memcmp(puncts[k], t + i, n) == 0) {
			*code = T_PUNCT | (uint32_t)(unsigned char)t[i] | (uint32_t)(unsigned char)t[i + 1] << 8 |
			    (n > 2 ? (uint32_t)(unsigned char)t[i + 2] << 16 : 0);
			return n;
		}
	}
	*code = T_PUNCT | (unsigned char)t[i];
	return 1;
}

/* The code and length of the word or punctuator at t[i]. */
static size_t
word(const char *t, size_t len, size_t i, uint32_t *code)
{
	size_t j = i;

	if (!is_word((unsigned char)t[i]))
		return punct(t, len, i, code);
	while (j < len && (is_word((unsigned char)t[j]) || in_number(t, i, j)))
		j++;
	*code = t[i] >= '0' && t[i] <= '9' ? T_NUMBER : ident_code(t + i, j - i);
	return j - i;
}

/* The normalized tokens of a C text, into *out (malloc).  Returns how many, or -1. */
static long
tokenize(const char *t, size_t len, struct tok **out)
{
	size_t n = 0, cap = 64, i = 0;
	struct tok *v = malloc(cap * sizeof(*v));
	int line = 1, bol = 1;

	while (v != NULL && i < len) {
		int start = line;
		uint32_t code;
		size_t step = skip(t, len, i, &line, bol, &code);

		if (step > 0 && code == 0) {
			bol = bol ? strchr(" \t\r\f\v\n", t[i]) != NULL : t[i] == '\n';
			bol |= line != start;
			i += step;
			continue;
		}
		if (step == 0)
			step = word(t, len, i, &code);
		bol = 0;
		if (n == cap) {
			struct tok *w = realloc(v, (cap *= 2) * sizeof(*v));

			if (w == NULL)
				break;
			v = w;
		}
		v[n++] = (struct tok){ code, start };
		i += step;
	}
	if (v == NULL || i < len) {
		free(v);
		return -1;
	}
	*out = v;
	return (long)n;
}

/* The hash of the k-gram at v. */
static uint64_t
kgram(const struct tok *v)
{
	uint64_t h = 14695981039346656037u;	/* FNV-1a over the codes' bytes */

	for (size_t i = 0; i < SIMILAR_K; i++)
		for (int b = 0; b < 32; b += 8)
			h = (h ^ ((v[i].code >> b) & 0xff)) * 1099511628211u;
	return h;
}

static int
push(void **v, size_t *n, size_t *cap, size_t size)
{
	void *w;

	if (*n < *cap)
		return 0;
	if ((w = realloc(*v, (*cap = *cap ? *cap * 2 : 64) * size)) == NULL)
		return -1;
	*v = w;
	return 0;
}

struct similar *
similar_new(void)
{
	return calloc(1, sizeof(struct similar));
}

int
similar_add_base(struct similar *s, const char *text, size_t len)
{
	struct tok *v;
	long n = tokenize(text, len, &v);

	if (n < 0)
		return -1;
	for (long i = 0; i + SIMILAR_K <= n; i++) {
		if (push((void **)&s->base, &s->nbase, &s->capbase, sizeof(*s->base)) == -1) {
			free(v);
			return -1;
		}
		s->base[s->nbase++] = kgram(v + i);
	}
	free(v);
	s->base_sorted = 0;
	for (size_t i = 0; i < s->ndocs; i++)
		s->docs[i].ready = 0;
	return 0;
}

/* Appends to d the fingerprints winnowing picks from the tokens of its file f. */
static int
winnow(struct doc *d, size_t f, const struct tok *v, long n)
{
	size_t cap = d->nfps;
	long last = -1;

	for (long w = 0; w + SIMILAR_K + SIMILAR_W - 1 <= n || (w == 0 && n >= SIMILAR_K); w++) {
		long lo = w, end = w + SIMILAR_W < n - SIMILAR_K + 1 ? w + SIMILAR_W : n - SIMILAR_K + 1;
		uint64_t min = kgram(v + w);

		for (long i = w + 1; i < end; i++) {
			uint64_t h = kgram(v + i);

			if (h <= min) {		/* the rightmost smallest */
				min = h;
				lo = i;
			}
		}
		if (lo == last)
			continue;
		last = lo;
		if (push((void **)&d->fps, &d->nfps, &cap, sizeof(*d->fps)) == -1)
			return -1;
		d->fps[d->nfps++] = (struct fp){ min, f, v[lo].line, v[lo + SIMILAR_K - 1].line };
	}
	return 0;
}

static struct doc *
doc_of(struct similar *s, size_t who)
{
	if (who >= s->ndocs) {
		struct doc *d = realloc(s->docs, (who + 1) * sizeof(*d));

		if (d == NULL)
			return NULL;
		memset(d + s->ndocs, 0, (who + 1 - s->ndocs) * sizeof(*d));
		s->docs = d;
		s->ndocs = who + 1;
	}
	return &s->docs[who];
}

int
similar_add(struct similar *s, size_t who, const char *name, const char *text, size_t len)
{
	struct doc *d = doc_of(s, who);
	struct tok *v;
	char **names, **texts;
	size_t *lens;
	long n;

	if (d == NULL || (n = tokenize(text, len, &v)) < 0)
		return -1;
	names = realloc(d->names, (d->nfiles + 1) * sizeof(char *));
	d->names = names ? names : d->names;
	texts = realloc(d->texts, (d->nfiles + 1) * sizeof(char *));
	d->texts = texts ? texts : d->texts;
	lens = realloc(d->lens, (d->nfiles + 1) * sizeof(size_t));
	d->lens = lens ? lens : d->lens;
	if (names == NULL || texts == NULL || lens == NULL ||
	    (d->names[d->nfiles] = strdup(name)) == NULL) {
		free(v);
		return -1;
	}
	if ((d->texts[d->nfiles] = malloc(len + 1)) == NULL) {
		free(d->names[d->nfiles]);
		free(v);
		return -1;
	}
	memcpy(d->texts[d->nfiles], text, len);
	d->texts[d->nfiles][len] = '\0';
	d->lens[d->nfiles] = len;
	d->ready = 0;
	n = winnow(d, d->nfiles++, v, n);
	free(v);
	return n == 0 ? 0 : -1;
}

static int
by_hash(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Fingerprints by hash, then by place (file, line): the first place of a hash comes first. */
static int
by_hash_place(const void *a, const void *b)
{
	const struct fp *x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return (x->from > y->from) - (x->from < y->from);
}

/* Makes d->uniq: d's fingerprints sorted, those of the starter removed, each hash once. */
static int
finish(struct similar *s, struct doc *d)
{
	if (!s->base_sorted && s->nbase > 0)
		qsort(s->base, s->nbase, sizeof(*s->base), by_hash);
	s->base_sorted = 1;
	free(d->uniq);
	d->nuniq = 0;
	if ((d->uniq = malloc((d->nfps + 1) * sizeof(*d->uniq))) == NULL)
		return -1;
	if (d->nfps > 0) {	/* fps is NULL until the first */
		memcpy(d->uniq, d->fps, d->nfps * sizeof(*d->fps));
		qsort(d->uniq, d->nfps, sizeof(*d->uniq), by_hash_place);
	}
	for (size_t i = 0; i < d->nfps; i++) {
		uint64_t h = d->uniq[i].h;

		if ((d->nuniq > 0 && d->uniq[d->nuniq - 1].h == h) ||
		    (s->nbase > 0 && bsearch(&h, s->base, s->nbase, sizeof(h), by_hash) != NULL))
			continue;
		d->uniq[d->nuniq++] = d->uniq[i];
	}
	d->ready = 1;
	return 0;
}

size_t
similar_count(struct similar *s, size_t who)
{
	if (who >= s->ndocs || (!s->docs[who].ready && finish(s, &s->docs[who]) == -1))
		return 0;
	return s->docs[who].nuniq;
}

const char *
similar_file(const struct similar *s, size_t who, size_t f, const char **text, size_t *len)
{
	if (who >= s->ndocs || f >= s->docs[who].nfiles)
		return NULL;
	*text = s->docs[who].texts[f];
	*len = s->docs[who].lens[f];
	return s->docs[who].names[f];
}

/* Matched fingerprints, by a's place. */
static int
by_a_place(const void *x, const void *y)
{
	const struct fp *a = x, *b = y;

	if (a[0].file != b[0].file)
		return a[0].file < b[0].file ? -1 : 1;
	return (a[0].from > b[0].from) - (a[0].from < b[0].from);
}

/*
 * Joins matched fingerprints (m[2i] in a, m[2i + 1] in b, sorted by a's
 * place) into stretches of lines: the next one joins a stretch when it
 * starts at most two lines past it in both, in the same files.
 */
static int
stretches(struct fp *m, size_t n, struct similar_pair *p)
{
	size_t cap = 0;

	for (size_t i = 0; i < n; i++) {
		const struct fp *a = &m[2 * i], *b = &m[2 * i + 1];
		struct similar_match *c = p->nmatches ? &p->matches[p->nmatches - 1] : NULL;

		if (c != NULL && c->a_file == a->file && c->b_file == b->file &&
		    a->from <= c->a_to + 2 && b->from <= c->b_to + 2 && b->to >= c->b_from - 2) {
			c->a_to = a->to > c->a_to ? a->to : c->a_to;
			c->b_from = b->from < c->b_from ? b->from : c->b_from;
			c->b_to = b->to > c->b_to ? b->to : c->b_to;
			continue;
		}
		if (push((void **)&p->matches, &p->nmatches, &cap, sizeof(*p->matches)) == -1)
			return -1;
		p->matches[p->nmatches++] = (struct similar_match){ a->file, b->file, a->from, a->to,
			b->from, b->to };
	}
	return 0;
}

/* Compares docs a and b into p.  Returns 0, or -1 (memory). */
static int
compare(const struct doc *da, const struct doc *db, struct similar_pair *p)
{
	struct fp *m = malloc(2 * (da->nuniq < db->nuniq ? da->nuniq : db->nuniq) * sizeof(*m) + 1);
	size_t i = 0, j = 0, n = 0;
	int rc;

	if (m == NULL)
		return -1;
	while (i < da->nuniq && j < db->nuniq) {
		if (da->uniq[i].h < db->uniq[j].h) {
			i++;
		} else if (da->uniq[i].h > db->uniq[j].h) {
			j++;
		} else {
			m[2 * n] = da->uniq[i++];
			m[2 * n++ + 1] = db->uniq[j++];
		}
	}
	p->shared = n;
	p->a_share = da->nuniq ? (double)n / (double)da->nuniq : 0;
	p->b_share = db->nuniq ? (double)n / (double)db->nuniq : 0;
	p->score = p->a_share > p->b_share ? p->a_share : p->b_share;
	if (n > 0)
		qsort(m, n, 2 * sizeof(*m), by_a_place);
	rc = stretches(m, n, p);
	free(m);
	return rc;
}

static int
by_score(const void *x, const void *y)
{
	const struct similar_pair *a = x, *b = y;

	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return (a->b > b->b) - (a->b < b->b);
}

long
similar_pairs(struct similar *s, double threshold, struct similar_pair **out)
{
	struct similar_pair *v = NULL;
	size_t n = 0, cap = 0;

	for (size_t a = 0; a < s->ndocs; a++)
		if (!s->docs[a].ready && finish(s, &s->docs[a]) == -1)
			return -1;
	for (size_t a = 0; a < s->ndocs; a++)
		for (size_t b = a + 1; b < s->ndocs; b++) {
			struct similar_pair p = { .a = a, .b = b };

			if (compare(&s->docs[a], &s->docs[b], &p) == -1)
				goto fail;
			if (p.shared < SIMILAR_MIN_SHARED || p.score < threshold) {
				free(p.matches);
				continue;
			}
			if (push((void **)&v, &n, &cap, sizeof(*v)) == -1) {
				free(p.matches);
				goto fail;
			}
			v[n++] = p;
		}
	if (n > 0)
		qsort(v, n, sizeof(*v), by_score);
	*out = v;
	return (long)n;
fail:
	similar_pairs_free(v, n);
	return -1;
}

void
similar_pairs_free(struct similar_pair *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].matches);
	free(p);
}

void
similar_free(struct similar *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->ndocs; i++) {
		struct doc *d = &s->docs[i];

		for (size_t f = 0; f < d->nfiles; f++) {
			free(d->names[f]);
			free(d->texts[f]);
		}
		free(d->names);
		free(d->texts);
		free(d->lens);
		free(d->fps);
		free(d->uniq);
	}
	free(s->docs);
	free(s->base);
	free(s);
}
