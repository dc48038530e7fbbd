/*
 * metainfo.c — parse and validate a .torrent (see metainfo.h).
 *
 * The bencode decoder has already refused malformed bencode; this file checks
 * the meaning: which keys must be there with which types, that the numbers fit
 * together, and that names are safe to turn into paths.  Each check fails with
 * a message naming the key, because the reader of that message is usually
 * someone looking at a torrent another program made.
 */
#include "metainfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bencode.h"

#define PATH_MAX_LEN 4096	/* longest joined path we accept */

struct ctx {
	struct metainfo *m;
	char *errbuf;
	size_t errlen;
};

static int
fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->errbuf != NULL && c->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(c->errbuf, c->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A NUL-terminated copy of n bytes, or NULL. */
static char *
dup_bytes(const void *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p != NULL) {
		if (n > 0)
			memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* A copy of string value v for key; it must hold no NUL byte. */
static int
dup_text(struct ctx *c, const struct bencode_value *v, const char *key,
    char **out)
{
	if (v->type != BENCODE_STR)
		return fail(c, "'%s' is not a string", key);
	if (memchr(v->str, '\0', v->str_len) != NULL)
		return fail(c, "'%s' contains a NUL byte", key);
	if ((*out = dup_bytes(v->str, v->str_len)) == NULL)
		return fail(c, "out of memory");
	return 0;
}

int
metainfo_component_ok(const void *s, size_t n)
{
	if (n == 0 || memchr(s, '/', n) != NULL || memchr(s, '\0', n) != NULL)
		return 0;
	if ((n == 1 && memcmp(s, ".", 1) == 0) || (n == 2 && memcmp(s, "..", 2) == 0))
		return 0;
	return 1;
}

/* Joins the components of a "path" list with '/' after checking each. */
static int
join_path(struct ctx *c, const struct bencode_value *list, size_t fi, char **out)
{
	size_t len = 0;
	char *p;

	if (list == NULL)
		return fail(c, "info: file %zu: 'path' missing or not a list", fi);
	if (list->count == 0)
		return fail(c, "info: file %zu: 'path' is empty", fi);
	for (size_t i = 0; i < list->count; i++) {
		const struct bencode_value *e = &list->items[i];

		if (e->type != BENCODE_STR)
			return fail(c, "info: file %zu: path component %zu is not a string", fi, i);
		if (!metainfo_component_ok(e->str, e->str_len))
			return fail(c, "info: file %zu: unsafe path component \"%.*s\" "
			    "(empty, '.', '..', or holds '/' or NUL)", fi,
			    (int)(e->str_len > 64 ? 64 : e->str_len), (const char *)e->str);
		len += e->str_len + 1;
		if (len > PATH_MAX_LEN)
			return fail(c, "info: file %zu: path longer than %d bytes", fi, PATH_MAX_LEN);
	}
	if ((p = malloc(len)) == NULL)
		return fail(c, "out of memory");
	len = 0;
	for (size_t i = 0; i < list->count; i++) {
		if (i > 0)
			p[len++] = '/';
		memcpy(p + len, list->items[i].str, list->items[i].str_len);
		len += list->items[i].str_len;
	}
	p[len] = '\0';
	*out = p;
	return 0;
}

/* A file length: an integer in [0, 2^62], so that sums cannot overflow. */
static int
file_length(struct ctx *c, const struct bencode_value *v, size_t fi,
    uint64_t *out)
{
	if (v == NULL)
		return fail(c, "info: file %zu: 'length' missing or not an integer", fi);
	if (v->i < 0 || v->i > (1LL << 62))
		return fail(c, "info: file %zu: 'length' %lld out of range", fi, v->i);
	*out = (uint64_t)v->i;
	return 0;
}

static int
parse_files(struct ctx *c, const struct bencode_value *files)
{
	struct metainfo *m = c->m;

	if (files->count == 0)
		return fail(c, "info: 'files' is empty");
	if ((m->files = calloc(files->count, sizeof(*m->files))) == NULL)
		return fail(c, "out of memory");
	for (size_t i = 0; i < files->count; i++) {
		const struct bencode_value *f = &files->items[i];
		struct metainfo_file *mf = &m->files[i];

		if (f->type != BENCODE_DICT)
			return fail(c, "info: file %zu is not a dictionary", i);
		m->file_count = i + 1;
		if (file_length(c, bencode_dict_get_int(f, "length"), i, &mf->length) == -1 ||
		    join_path(c, bencode_dict_get_list(f, "path"), i, &mf->path) == -1)
			return -1;
		mf->offset = m->total_length;
		m->total_length += mf->length;
		if (m->total_length > (1ULL << 62))
			return fail(c, "info: total length out of range");
	}
	return 0;
}

/* Path byte ranks for sorting: end of string, then '/', then the rest. */
static int
path_rank(unsigned char ch)
{
	return ch == '\0' ? 0 : ch == '/' ? 1 : ch + 2;
}

/* Orders paths component by component, so "a" sorts right before "a/...". */
static int
path_cmp(const void *a, const void *b)
{
	const struct metainfo_file *fa = *(const struct metainfo_file *const *)a;
	const struct metainfo_file *fb = *(const struct metainfo_file *const *)b;
	const unsigned char *p = (const unsigned char *)fa->path;
	const unsigned char *q = (const unsigned char *)fb->path;

	for (; *p != '\0' && *p == *q; p++, q++)
		;
	return path_rank(*p) - path_rank(*q);
}

/*
 * Refuses two files with the same path, and a file whose path is a directory
 * of another ("a" and "a/b"): either would make two files share storage.
 */
static int
check_unique_paths(struct ctx *c)
{
	struct metainfo *m = c->m;
	struct metainfo_file **v;
	int rc = 0;

	if (m->file_count < 2)
		return 0;
	if ((v = malloc(m->file_count * sizeof(*v))) == NULL)
		return fail(c, "out of memory");
	for (size_t i = 0; i < m->file_count; i++)
		v[i] = &m->files[i];
	qsort(v, m->file_count, sizeof(*v), path_cmp);
	for (size_t i = 0; i + 1 < m->file_count && rc == 0; i++) {
		size_t n = strlen(v[i]->path);

		if (strcmp(v[i]->path, v[i + 1]->path) == 0)
			rc = fail(c, "info: two files named \"%s\"", v[i]->path);
		else if (strncmp(v[i]->path, v[i + 1]->path, n) == 0 &&
		    v[i + 1]->path[n] == '/')
			rc = fail(c, "info: \"%s\" is both a file and a directory",
			    v[i]->path);
	}
	free(v);
	return rc;
}

static int
parse_pieces(struct ctx *c, const struct bencode_value *info)
{
	struct metainfo *m = c->m;
	const struct bencode_value *pl = bencode_dict_get(info, "piece length");
	const struct bencode_value *pieces = bencode_dict_get(info, "pieces");
	uint64_t want;

	if (pl == NULL || pl->type != BENCODE_INT)
		return fail(c, "info: 'piece length' missing or not an integer");
	if (pl->i <= 0 || pl->i > METAINFO_MAX_PIECE_LENGTH)
		return fail(c, "info: 'piece length' %lld not in 1..%u", pl->i,
		    METAINFO_MAX_PIECE_LENGTH);
	m->piece_length = (uint32_t)pl->i;
	if (pieces == NULL || pieces->type != BENCODE_STR)
		return fail(c, "info: 'pieces' missing or not a string");
	if (pieces->str_len % SHA1_LEN != 0)
		return fail(c, "info: 'pieces' is %zu bytes, not a multiple of %d",
		    pieces->str_len, SHA1_LEN);
	want = (m->total_length + m->piece_length - 1) / m->piece_length;
	if (pieces->str_len / SHA1_LEN != want)
		return fail(c, "info: %zu piece hashes, but %llu bytes in pieces of "
		    "%u need %llu", pieces->str_len / SHA1_LEN,
		    (unsigned long long)m->total_length, m->piece_length,
		    (unsigned long long)want);
	if (want > UINT32_MAX)
		return fail(c, "info: too many pieces");
	m->piece_count = (uint32_t)want;
	if ((m->pieces = malloc(pieces->str_len ? pieces->str_len : 1)) == NULL)
		return fail(c, "out of memory");
	memcpy(m->pieces, pieces->str, pieces->str_len);
	return 0;
}

/* A single-file torrent: one file named after the torrent, 'length' bytes long. */
static int
single_file(struct ctx *c, const struct bencode_value *length)
{
	struct metainfo *m = c->m;

	if ((m->files = calloc(1, sizeof(*m->files))) == NULL)
		return fail(c, "out of memory");
	m->file_count = 1;
	if (length->type != BENCODE_INT)
		return fail(c, "info: 'length' is not an integer");
	if (file_length(c, length, 0, &m->files[0].length) == -1)
		return -1;
	if ((m->files[0].path = dup_bytes(m->name, strlen(m->name))) == NULL)
		return fail(c, "out of memory");
	m->total_length = m->files[0].length;
	return 0;
}

static int
parse_info(struct ctx *c, const struct bencode_value *info)
{
	struct metainfo *m = c->m;
	const struct bencode_value *name = bencode_dict_get(info, "name");
	const struct bencode_value *length = bencode_dict_get(info, "length");
	const struct bencode_value *files = bencode_dict_get(info, "files");
	const struct bencode_value *priv = bencode_dict_get(info, "private");

	if (name == NULL)
		return fail(c, "info: 'name' missing");
	if (dup_text(c, name, "name", &m->name) == -1)
		return -1;
	if (!metainfo_component_ok(m->name, strlen(m->name)))
		return fail(c, "info: unsafe 'name' \"%s\" (empty, '.', '..' or holds '/')",
		    m->name);
	if ((length == NULL) == (files == NULL))
		return fail(c, "info: needs exactly one of 'length' and 'files'");
	if (files != NULL) {
		if (files->type != BENCODE_LIST)
			return fail(c, "info: 'files' is not a list");
		m->multi_file = 1;
		if (parse_files(c, files) == -1 || check_unique_paths(c) == -1)
			return -1;
	} else if (single_file(c, length) == -1)
		return -1;
	if (m->total_length == 0)
		return fail(c, "info: the torrent holds no data (total length 0)");
	if (priv != NULL && priv->type != BENCODE_INT)
		return fail(c, "info: 'private' is not an integer");
	m->private_flag = priv != NULL && priv->i == 1;
	return parse_pieces(c, info);
}

/* announce-list: a list of tiers, each a list of URL strings (BEP 12). */
static int
parse_tiers(struct ctx *c, const struct bencode_value *list)
{
	struct metainfo *m = c->m;

	if (list->type != BENCODE_LIST)
		return fail(c, "'announce-list' is not a list");
	if (list->count == 0)
		return 0;
	if ((m->tiers = calloc(list->count, sizeof(*m->tiers))) == NULL)
		return fail(c, "out of memory");
	for (size_t t = 0; t < list->count; t++) {
		const struct bencode_value *tier = &list->items[t];
		struct metainfo_tier *mt = &m->tiers[t];

		m->tier_count = t + 1;
		if (tier->type != BENCODE_LIST)
			return fail(c, "'announce-list' tier %zu is not a list", t);
		if (tier->count > 0 &&
		    (mt->urls = calloc(tier->count, sizeof(*mt->urls))) == NULL)
			return fail(c, "out of memory");
		for (size_t u = 0; u < tier->count; u++) {
			if (dup_text(c, &tier->items[u], "announce-list", &mt->urls[u]) == -1)
				return -1;
			mt->count = u + 1;
		}
	}
	return 0;
}

static int
parse_top(struct ctx *c, const struct bencode_value *top)
{
	struct metainfo *m = c->m;
	const struct bencode_value *info, *v;

	if (top->type != BENCODE_DICT)
		return fail(c, "not a torrent: the file is not a dictionary");
	if ((info = bencode_dict_get(top, "info")) == NULL)
		return fail(c, "not a torrent: no 'info' dictionary");
	if (info->type != BENCODE_DICT)
		return fail(c, "'info' is not a dictionary");
	sha1(info->raw, info->raw_len, m->info_hash);
	sha1_hex(m->info_hash, m->info_hash_hex);
	if (parse_info(c, info) == -1)
		return -1;
	if ((v = bencode_dict_get(top, "announce")) != NULL &&
	    dup_text(c, v, "announce", &m->announce) == -1)
		return -1;
	if ((v = bencode_dict_get(top, "announce-list")) != NULL &&
	    parse_tiers(c, v) == -1)
		return -1;
	if ((v = bencode_dict_get(top, "comment")) != NULL &&
	    dup_text(c, v, "comment", &m->comment) == -1)
		return -1;
	if ((v = bencode_dict_get(top, "created by")) != NULL &&
	    dup_text(c, v, "created by", &m->created_by) == -1)
		return -1;
	if ((v = bencode_dict_get_int(top, "creation date")) != NULL)
		m->creation_date = v->i;
	return 0;
}

int
metainfo_parse(const unsigned char *buf, size_t len, struct metainfo *out,
    char *errbuf, size_t errlen)
{
	struct ctx c = { out, errbuf, errlen };
	struct bencode_value *top;
	struct bencode_error err;
	int rc;

	memset(out, 0, sizeof(*out));
	if (bencode_decode(buf, len, &top, &err) == -1)
		return fail(&c, "bad bencode at byte %zu: %s", err.offset, err.msg);
	rc = parse_top(&c, top);
	bencode_free(top);
	if (rc == -1)
		metainfo_free(out);
	return rc;
}

/* Reads all of fd (at most max bytes) into a new buffer. */
static unsigned char *
read_all(int fd, size_t max, size_t *len)
{
	size_t cap = 65536, n = 0;
	unsigned char *buf = malloc(cap), *nb;
	ssize_t r;

	while (buf != NULL) {
		if (n == cap) {
			if (cap >= max + 1 || (nb = realloc(buf, cap * 2)) == NULL)
				break;
			buf = nb;
			cap *= 2;
		}
		if ((r = read(fd, buf + n, cap - n)) == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0 && n <= max) {
				*len = n;
				return buf;
			}
			break;
		}
		n += (size_t)r;
		if (n > max) {
			errno = EFBIG;
			break;
		}
	}
	if (buf != NULL && errno == 0)
		errno = ENOMEM;
	free(buf);
	return NULL;
}

int
metainfo_load(const char *path, struct metainfo *out, char *errbuf,
    size_t errlen)
{
	struct ctx c = { out, errbuf, errlen };
	unsigned char *buf;
	char msg[256];
	size_t len;
	int fd, saved;

	memset(out, 0, sizeof(*out));
	if ((fd = open(path, O_RDONLY)) == -1)
		return fail(&c, "%s: %s", path, strerror(errno));
	errno = 0;
	buf = read_all(fd, METAINFO_MAX_FILE_SIZE, &len);
	saved = errno;
	close(fd);
	if (buf == NULL) {
		errno = saved;
		return fail(&c, "%s: %s", path, saved == EFBIG ?
		    "larger than a torrent can be" : strerror(saved));
	}
	if (metainfo_parse(buf, len, out, msg, sizeof(msg)) == -1) {
		free(buf);
		errno = 0;
		return fail(&c, "%s: %s", path, msg);
	}
	free(buf);
	return 0;
}

void
metainfo_free(struct metainfo *m)
{
	for (size_t i = 0; i < m->file_count; i++)
		free(m->files[i].path);
	for (size_t t = 0; t < m->tier_count; t++) {
		for (size_t u = 0; u < m->tiers[t].count; u++)
			free(m->tiers[t].urls[u]);
		free(m->tiers[t].urls);
	}
	free(m->files);
	free(m->tiers);
	free(m->pieces);
	free(m->name);
	free(m->announce);
	free(m->comment);
	free(m->created_by);
	memset(m, 0, sizeof(*m));
}

size_t
metainfo_piece_size(const struct metainfo *m, uint32_t index)
{
	uint64_t start = (uint64_t)index * m->piece_length;

	if (index >= m->piece_count)
		return 0;
	if (m->total_length - start < m->piece_length)
		return (size_t)(m->total_length - start);
	return m->piece_length;
}

const unsigned char *
metainfo_piece_hash(const struct metainfo *m, uint32_t index)
{
	return m->pieces + (size_t)index * SHA1_LEN;
}

size_t
metainfo_file_at(const struct metainfo *m, uint64_t offset)
{
	size_t lo = 0, hi = m->file_count;

	if (offset >= m->total_length)
		return m->file_count;
	/* The last file starting at or before offset holds it (see metainfo.h). */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->files[mid].offset <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}
