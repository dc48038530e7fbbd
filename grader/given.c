/*
 * given.c — see given.h.  The parser reads only the lab's own section, line
 * by line, and keeps two lists: the files given (what the overlay writes)
 * and the files the student writes (named in the note, and checked against
 * the given ones so that no name is both).  The given files' contents are
 * read from the kit once, when the grader starts, so a class of a hundred
 * submissions costs one read, and a file missing from the kit stops grading
 * before anyone is graded without it.
 *
 * The overlay compares before it writes: a thin workspace (no given file at
 * all) and a faithful one (every copy as handed out) leave the note empty,
 * and only a copy the student changed, or something else at its name, is
 * reported.  Replacing is remove-then-create (O_EXCL), so whatever stood at
 * the name, a link included, is never written through.
 */
#include "given.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tree.h"

#define GIVEN_MAX_MANIFEST (1 << 20)
#define GIVEN_MAX_FILE (16u << 20)
#define GIVEN_MAX_FILES 1000
#define GIVEN_MAX_PATH 255
#define GIVEN_MAX_ERRORS 50

struct parser {
	const char *lab, *where;
	struct strbuf *err;
	int nerr;
	int line;		/* the line being read */
	int first;		/* the line of the lab's section header; 0 before it */
	int in;			/* the line is inside the lab's section */
	struct given *g;
};

/* A word of a line: p[0..n). */
struct span {
	const char *p;
	size_t n;
};

static void fail(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->nerr++ >= GIVEN_MAX_ERRORS)
		return;
	strbuf_printf(ps->err, "%s:%d: ", ps->where, ps->line);
	va_start(ap, fmt);
	strbuf_vprintf(ps->err, fmt, ap);
	va_end(ap);
	strbuf_putc(ps->err, '\n');
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The next word of s[0..n) from *pos on; n == 0 when there is none. */
static struct span
next_word(const char *s, size_t n, size_t *pos)
{
	struct span w;

	while (*pos < n && is_space(s[*pos]))
		(*pos)++;
	w.p = s + *pos;
	while (*pos < n && !is_space(s[*pos]))
		(*pos)++;
	w.n = (size_t)(s + *pos - w.p);
	return w;
}

static int
word_is(struct span w, const char *s)
{
	return w.n == strlen(s) && memcmp(w.p, s, w.n) == 0;
}

/* Whether c may stand in a kit path component. */
static int
path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '.' || c == '_' || c == '-';
}

/* Why the component c[0..n) may not be in a kit path, or NULL if it may. */
static const char *
bad_component(const char *c, size_t n)
{
	if (n == 0)
		return "has an empty component";
	if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
		return "has a . or .. component";
	return NULL;
}

/* Why path p[0..n) may not name a kit file, or NULL if it may. */
static const char *
bad_path(const char *p, size_t n)
{
	size_t start = 0;
	const char *why;

	if (n > GIVEN_MAX_PATH)
		return "is too long";
	if (p[0] == '/')
		return "is absolute: give a path from the top of the kit";
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != '/') {
			if (!path_char(p[i]))
				return "may hold only the characters A-Z a-z 0-9 . _ - and /";
			continue;
		}
		if ((why = bad_component(p + start, i - start)) != NULL)
			return why;
		start = i + 1;
	}
	return NULL;
}

/* The file named name in g (given or written), or NULL. */
static const struct given_file *
named(const struct given *g, const char *name)
{
	for (size_t i = 0; i < g->nfiles; i++)
		if (strcmp(g->files[i].name, name) == 0)
			return &g->files[i];
	for (size_t i = 0; i < g->ngaps; i++)
		if (strcmp(g->gaps[i].name, name) == 0)
			return &g->gaps[i];
	return NULL;
}

/* Appends path p[0..n) to the given files, or to the gaps if gap. */
static void
add_file(struct parser *ps, const char *p, size_t n, int gap)
{
	struct given *g = ps->g;
	struct given_file **list = gap ? &g->gaps : &g->files, *f;
	size_t *count = gap ? &g->ngaps : &g->nfiles;
	const struct given_file *other;
	const char *why = bad_path(p, n), *slash;

	if (why != NULL) {
		fail(ps, "'%.*s' %s", (int)(n > 80 ? 80 : n), p, why);
		return;
	}
	if (g->nfiles + g->ngaps >= GIVEN_MAX_FILES) {
		fail(ps, "more than %d files", GIVEN_MAX_FILES);
		return;
	}
	if ((f = realloc(*list, (*count + 1) * sizeof(**list))) == NULL) {
		fail(ps, "out of memory");
		return;
	}
	*list = f;
	f += *count;
	if ((f->path = strndup(p, n)) == NULL) {
		fail(ps, "out of memory");
		return;
	}
	slash = strrchr(f->path, '/');
	f->name = slash != NULL ? slash + 1 : f->path;
	f->line = ps->line;
	f->text = NULL;
	f->len = 0;
	if ((other = named(g, f->name)) != NULL) {
		if (other->line == 0)
			fail(ps, "%s: the lab's own Makefile is given already", f->path);
		else
			fail(ps, "two files named %s (the other on line %d)", f->name, other->line);
		free(f->path);
		return;
	}
	(*count)++;
}

/* A "[name]" line: enters or leaves the lab's section; the lab's Makefile comes first. */
static void
section(struct parser *ps, const char *s, size_t n)
{
	char makefile[GIVEN_MAX_PATH + 32];

	while (n > 0 && is_space(s[n - 1]))
		n--;
	while (n > 0 && is_space(s[0]))
		s++, n--;
	if (n < 3 || s[n - 1] != ']' || memchr(s + 1, ']', n - 2) != NULL ||
	    memchr(s, ' ', n) != NULL || memchr(s, '\t', n) != NULL) {
		if (ps->in)
			fail(ps, "a section header is '[lab-name]'");
		ps->in = 0;
		return;
	}
	ps->in = n - 2 == strlen(ps->lab) && memcmp(s + 1, ps->lab, n - 2) == 0;
	if (!ps->in)
		return;
	if (ps->first != 0) {
		fail(ps, "lab %s is listed twice (first on line %d)", ps->lab, ps->first);
		ps->in = 0;
		return;
	}
	ps->first = ps->line;
	ps->g->found = 1;
	snprintf(makefile, sizeof(makefile), "labs/%s/Makefile", ps->lab);
	ps->line = 0;
	add_file(ps, makefile, strlen(makefile), 0);
	ps->line = ps->first;
}

/* "strip FILE" or "strip FILE /ERE/": a file the student writes. */
static void
strip_line(struct parser *ps, const char *s, size_t n, size_t pos)
{
	struct span file = next_word(s, n, &pos), rest;

	if (file.n == 0) {
		fail(ps, "strip needs a file");
		return;
	}
	while (pos < n && is_space(s[pos]))
		pos++;
	while (n > pos && is_space(s[n - 1]))
		n--;
	rest = (struct span){ s + pos, n - pos };
	if (rest.n > 0 && (rest.n < 3 || rest.p[0] != '/' || rest.p[rest.n - 1] != '/')) {
		fail(ps, "expected 'strip FILE' or 'strip FILE /ERE/'");
		return;
	}
	add_file(ps, file.p, file.n, 1);
}

/* One line, comment included.  Only the lab's section is read. */
static void
parse_line(struct parser *ps, const char *s, size_t n)
{
	const char *hash = memchr(s, '#', n);
	size_t pos = 0;
	struct span w;

	if (hash != NULL)
		n = (size_t)(hash - s);
	if ((w = next_word(s, n, &pos)).n == 0)
		return;
	if (w.p[0] == '[') {
		section(ps, s, n);
	} else if (!ps->in || word_is(w, "title") || word_is(w, "progs") || word_is(w, "libs")) {
		return;
	} else if (word_is(w, "strip")) {
		strip_line(ps, s, n, pos);
	} else if (word_is(w, "copy") || word_is(w, "solved")) {
		struct span f = next_word(s, n, &pos);

		if (f.n == 0)
			fail(ps, "%.*s needs a file", (int)w.n, w.p);
		for (; f.n > 0; f = next_word(s, n, &pos))
			add_file(ps, f.p, f.n, 0);
	} else {
		fail(ps, "unknown keyword '%.*s' (strip, copy, solved, title, progs, libs)",
		    (int)(w.n > 40 ? 40 : w.n), w.p);
	}
}

int
given_parse(struct given *g, const char *lab, const char *where, const char *text,
    size_t len, struct strbuf *err)
{
	struct parser ps = { .lab = lab, .where = where, .err = err, .g = g };
	size_t start = 0;

	memset(g, 0, sizeof(*g));
	if (strlen(lab) > 64 || strchr(lab, '/') != NULL || bad_path(lab, strlen(lab)) != NULL)
		return 0;	/* not a lab directory's name: no section for it */
	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;

		ps.line++;
		parse_line(&ps, text + start, end - start);
		start = end + 1;
	}
	return ps.nerr > 0 ? -1 : 0;
}

/* Reads fd (a regular file, at most GIVEN_MAX_FILE bytes) into sb.  Returns
 * NULL, or why not. */
static const char *
read_all(int fd, struct strbuf *sb)
{
	char buf[65536];
	ssize_t n;

	for (;;) {
		if ((n = read(fd, buf, sizeof(buf))) > 0)
			strbuf_append(sb, buf, (size_t)n);
		else if (n == -1 && errno != EINTR)
			return strerror(errno);
		if (sb->len > GIVEN_MAX_FILE)
			return "too large";
		if (n == 0)
			return NULL;
	}
}

/* Reads the file at path into f->text.  Returns 0, or -1 with "path: why" + context in err. */
static int
read_one(struct given_file *f, const char *path, const char *context, struct strbuf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	const char *why = NULL;
	struct strbuf sb;
	struct stat st;

	strbuf_init(&sb);
	if (fd == -1 || fstat(fd, &st) == -1)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else
		why = read_all(fd, &sb);
	if (fd != -1)
		close(fd);
	if (why == NULL && (sb.failed || (sb.data == NULL && (sb.data = calloc(1, 1)) == NULL)))
		why = "out of memory";
	if (why != NULL) {
		strbuf_printf(err, "%s: %s%s\n", path, why, context);
		strbuf_free(&sb);
		return -1;
	}
	f->text = sb.data;
	f->len = sb.len;
	return 0;
}

int
given_read(struct given *g, const char *kit, struct strbuf *err)
{
	for (size_t i = 0; i < g->nfiles; i++) {
		struct given_file *f = &g->files[i];
		char path[4096 + GIVEN_MAX_PATH + 2], context[64] = " (the lab's Makefile)";

		if (f->line > 0)
			snprintf(context, sizeof(context), " (a given file: manifest line %d)", f->line);
		snprintf(path, sizeof(path), "%s/%s", kit, f->path);
		if (read_one(f, path, context, err) == -1)
			return -1;
	}
	return 0;
}

int
given_load(struct given *g, const char *kit, const char *lab, struct strbuf *err)
{
	char path[4096 + 32];
	struct given_file manifest = { 0 };
	int rc;

	memset(g, 0, sizeof(*g));
	snprintf(path, sizeof(path), "%s/labs/manifest.txt", kit);
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;
	if (read_one(&manifest, path, "", err) == -1)
		return -1;
	if (manifest.len > GIVEN_MAX_MANIFEST) {
		strbuf_printf(err, "%s: larger than %d bytes\n", path, GIVEN_MAX_MANIFEST);
		rc = -1;
	} else if ((rc = given_parse(g, lab, path, manifest.text, manifest.len, err)) == 0) {
		rc = given_read(g, kit, err);
	}
	free(manifest.text);
	return rc;
}

/* 1 if the regular file name in dfd holds exactly f's text, 0 if not, -1 on error. */
static int
same_text(int dfd, const char *name, const struct stat *st, const struct given_file *f)
{
	int fd, same = -1;
	char buf[65536];
	size_t off = 0;
	ssize_t n;

	if ((size_t)st->st_size != f->len)
		return 0;
	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto out;
		if ((size_t)n > f->len - off || memcmp(buf, f->text + off, (size_t)n) != 0) {
			same = 0;
			goto out;
		}
		off += (size_t)n;
	}
	same = off == f->len;
out:
	close(fd);
	return same;
}

/* Writes f as the new file name in dfd, mode 0644.  Returns 0, or -1 (errno). */
static int
write_new(int dfd, const struct given_file *f)
{
	int fd = openat(dfd, f->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	size_t off = 0;
	int saved;

	if (fd == -1)
		return -1;
	while (off < f->len) {
		ssize_t w = write(fd, f->text + off, f->len - off);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			goto error;
		off += (size_t)w;
	}
	if (fchmod(fd, 0644) == -1)
		goto error;
	return close(fd);
error:
	saved = errno ? errno : EIO;
	close(fd);
	errno = saved;
	return -1;
}

/* Removes whatever stands at name in dfd (dir's descriptor), a whole tree if a directory. */
static int
remove_entry(int dfd, const char *dir, const char *name, const struct stat *st)
{
	char path[4096 + GIVEN_MAX_PATH + 2];

	if (!S_ISDIR(st->st_mode))
		return unlinkat(dfd, name, 0);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return tree_remove(path);
}

static void
add_name(struct strbuf *list, const char *name)
{
	if (list->len > 0)
		strbuf_puts(list, ", ");
	strbuf_puts(list, name);
}

/*
 * Puts f in place in dfd.  Returns 1 if something else stood there, 0 if
 * it was missing or the same, -1 on error (errno).
 */
static int
lay_one(int dfd, const char *dir, const struct given_file *f)
{
	struct stat st;
	int same;

	if (fstatat(dfd, f->name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? write_new(dfd, f) : -1;
	if (S_ISREG(st.st_mode) && (same = same_text(dfd, f->name, &st, f)) != 0)
		return same == 1 ? 0 : -1;
	if (remove_entry(dfd, dir, f->name, &st) == -1 || write_new(dfd, f) == -1)
		return -1;
	return 1;
}

/* GNU make reads these before Makefile: with the lab's Makefile given, they must go. */
static const char *const shadows[] = { "GNUmakefile", "makefile" };

int
given_overlay(const struct given *g, const char *dir, struct strbuf *changed,
    struct strbuf *err)
{
	int dfd, n = 0, r = 0;
	const char *what = "";

	if (!g->found)
		return 0;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		strbuf_printf(err, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (size_t i = 0; r != -1 && i < sizeof(shadows) / sizeof(shadows[0]); i++) {
		struct stat st;

		what = shadows[i];
		if (fstatat(dfd, what, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if ((r = remove_entry(dfd, dir, what, &st)) == 0) {
			add_name(changed, what);
			n++;
		}
	}
	for (size_t i = 0; r != -1 && i < g->nfiles; i++) {
		what = g->files[i].name;
		if ((r = lay_one(dfd, dir, &g->files[i])) == 1) {
			add_name(changed, what);
			n++;
		}
	}
	if (r == -1)
		strbuf_printf(err, "putting the lab's %s in place: %s", what, strerror(errno));
	close(dfd);
	return r == -1 ? -1 : n;
}

void
given_note(const struct given *g, const char *changed, struct strbuf *note)
{
	if (changed == NULL || *changed == '\0')
		return;
	strbuf_printf(note, "graded with the lab's own copies of the files you do not write: "
	    "you had changed %s", changed);
	if (g->ngaps > 0)
		strbuf_puts(note, "; edit only");	/* ASCII: JSON escapes each byte */
	for (size_t i = 0; i < g->ngaps; i++)
		strbuf_printf(note, " %s", g->gaps[i].name);
	strbuf_putc(note, '\n');
}

void
given_free(struct given *g)
{
	for (size_t i = 0; i < g->nfiles; i++) {
		free(g->files[i].path);
		free(g->files[i].text);
	}
	for (size_t i = 0; i < g->ngaps; i++)
		free(g->gaps[i].path);
	free(g->files);
	free(g->gaps);
	memset(g, 0, sizeof(*g));
}
