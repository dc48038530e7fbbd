/*
 * maketorrent.c — build a .torrent from a file or a directory (see
 * maketorrent.h).
 *
 * Three steps, each its own function: list the files (a directory walk that
 * refuses anything but regular files and directories), hash the content as
 * one stream cut into pieces, and encode the dictionary.  Sizes are taken from
 * stat() before hashing and checked against what is read, so a file that
 * changes meanwhile is an error rather than a torrent that lies.
 */
#define _DEFAULT_SOURCE		/* realpath (XSI, not in plain POSIX 2008 on glibc) */
#include "maketorrent.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metainfo.h"
#include "sha1.h"

struct entry {
	char *abs;		/* path to open */
	char *rel;		/* path inside the torrent ("" for a single file) */
	uint64_t size;
};

struct job {
	const struct maketorrent_opts *o;
	uint32_t piece_length;
	struct entry *files;
	size_t count, cap;
	uint64_t total;
	unsigned char *pieces;	/* piece hashes */
	size_t npieces;
	maketorrent_progress_fn *progress;
	void *arg;
	char *errbuf;
	size_t errlen;
};

static int
fail(struct job *j, const char *fmt, ...)
{
	va_list ap;

	if (j->errbuf != NULL && j->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(j->errbuf, j->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* "a" + "/" + "b" in a new string, or NULL. */
static char *
join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *p = malloc(na + nb + 2);

	if (p == NULL)
		return NULL;
	memcpy(p, a, na);
	p[na] = '/';
	memcpy(p + na + 1, b, nb + 1);
	return p;
}

static int
add_file(struct job *j, char *abs, char *rel, uint64_t size)
{
	if (j->count == j->cap) {
		size_t ncap = j->cap ? j->cap * 2 : 64;
		struct entry *nf = realloc(j->files, ncap * sizeof(*nf));

		if (nf == NULL) {
			free(abs);
			free(rel);
			return fail(j, "out of memory");
		}
		j->files = nf;
		j->cap = ncap;
	}
	j->files[j->count++] = (struct entry){ abs, rel, size };
	if (size > (1ULL << 62) - j->total)
		return fail(j, "%s: content too large", abs);
	j->total += size;
	return 0;
}

static int walk(struct job *j, const char *abs, const char *rel, int depth);

/* One directory entry: a file to add or a directory to walk. */
static int
visit(struct job *j, const char *dir_abs, const char *dir_rel, const char *name,
    int depth)
{
	char *abs = join(dir_abs, name);
	char *rel = *dir_rel ? join(dir_rel, name) : strdup(name);
	struct stat st;
	int rc;

	if (abs == NULL || rel == NULL) {
		free(abs);
		free(rel);
		return fail(j, "out of memory");
	}
	if (stat(abs, &st) == -1) {
		rc = fail(j, "%s: %s", abs, strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		rc = walk(j, abs, rel, depth + 1);
	} else if (S_ISREG(st.st_mode)) {
		return add_file(j, abs, rel, (uint64_t)st.st_size);
	} else {
		rc = fail(j, "%s: not a regular file or directory", abs);
	}
	free(abs);
	free(rel);
	return rc;
}

static int
walk(struct job *j, const char *abs, const char *rel, int depth)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (depth > MAKETORRENT_MAX_DEPTH)
		return fail(j, "%s: directories nested too deep (a symlink loop?)", abs);
	if ((d = opendir(abs)) == NULL)
		return fail(j, "%s: %s", abs, strerror(errno));
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				rc = fail(j, "%s: %s", abs, strerror(errno));
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((rc = visit(j, abs, rel, de->d_name, depth)) == -1)
			break;
	}
	closedir(d);
	return rc;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->rel, ((const struct entry *)b)->rel);
}

/* Reads file e into the piece buffer, hashing each piece as it fills. */
static int
hash_file(struct job *j, const struct entry *e, unsigned char *buf,
    size_t *fill, uint64_t *done)
{
	uint64_t left = e->size;
	int fd = open(e->abs, O_RDONLY);

	if (fd == -1)
		return fail(j, "%s: %s", e->abs, strerror(errno));
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	while (left > 0) {
		size_t want = j->piece_length - *fill;
		ssize_t r;

		if (want > left)
			want = (size_t)left;
		if ((r = read(fd, buf + *fill, want)) == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			int saved = errno;

			close(fd);
			return fail(j, "%s: %s", e->abs, r == 0 ?
			    "file shrank while hashing" : strerror(saved));
		}
		*fill += (size_t)r;
		left -= (uint64_t)r;
		*done += (uint64_t)r;
		if (*fill == j->piece_length) {
			sha1(buf, *fill, j->pieces + SHA1_LEN * j->npieces++);
			*fill = 0;
			if (j->progress != NULL)
				j->progress(j->arg, *done, j->total);
		}
	}
	close(fd);
	return 0;
}

static int
hash_all(struct job *j)
{
	uint64_t count = (j->total + j->piece_length - 1) / j->piece_length;
	size_t fill = 0;
	uint64_t done = 0;
	unsigned char *buf;
	int rc = 0;

	if (count > UINT32_MAX)
		return fail(j, "too many pieces: use a larger piece length");
	if ((j->pieces = malloc(count * SHA1_LEN)) == NULL ||
	    (buf = malloc(j->piece_length)) == NULL)
		return fail(j, "out of memory");
	for (size_t i = 0; i < j->count && rc == 0; i++)
		rc = hash_file(j, &j->files[i], buf, &fill, &done);
	if (rc == 0 && fill > 0) {
		sha1(buf, fill, j->pieces + SHA1_LEN * j->npieces++);
		if (j->progress != NULL)
			j->progress(j->arg, done, j->total);
	}
	free(buf);
	return rc;
}

/* A relative path as a bencoded list of its components. */
static void
put_path(struct bencode_buf *b, const char *rel)
{
	const char *slash;

	bencode_begin_list(b);
	while ((slash = strchr(rel, '/')) != NULL) {
		bencode_put_str(b, rel, (size_t)(slash - rel));
		rel = slash + 1;
	}
	bencode_put_cstr(b, rel);
	bencode_end(b);
}

static void
encode(struct job *j, const char *name, int multi, struct bencode_buf *b)
{
	const struct maketorrent_opts *o = j->o;

	bencode_begin_dict(b);
	if (o->announce != NULL) {
		bencode_put_cstr(b, "announce");
		bencode_put_cstr(b, o->announce);
	}
	if (o->comment != NULL) {
		bencode_put_cstr(b, "comment");
		bencode_put_cstr(b, o->comment);
	}
	if (o->created_by != NULL) {
		bencode_put_cstr(b, "created by");
		bencode_put_cstr(b, o->created_by);
	}
	if (o->creation_date != 0) {
		bencode_put_cstr(b, "creation date");
		bencode_put_int(b, o->creation_date);
	}
	bencode_put_cstr(b, "info");
	bencode_begin_dict(b);
	if (multi) {
		bencode_put_cstr(b, "files");
		bencode_begin_list(b);
		for (size_t i = 0; i < j->count; i++) {
			bencode_begin_dict(b);
			bencode_put_cstr(b, "length");
			bencode_put_int(b, (long long)j->files[i].size);
			bencode_put_cstr(b, "path");
			put_path(b, j->files[i].rel);
			bencode_end(b);
		}
		bencode_end(b);
	} else {
		bencode_put_cstr(b, "length");
		bencode_put_int(b, (long long)j->total);
	}
	bencode_put_cstr(b, "name");
	bencode_put_cstr(b, name);
	bencode_put_cstr(b, "piece length");
	bencode_put_int(b, j->piece_length);
	bencode_put_cstr(b, "pieces");
	bencode_put_str(b, j->pieces, j->npieces * SHA1_LEN);
	if (o->private_flag) {
		bencode_put_cstr(b, "private");
		bencode_put_int(b, 1);
	}
	bencode_end(b);
	bencode_end(b);
}

/*
 * The torrent's name: the last component of path as given (as mktorrent
 * does), or of its real path when that is "." or "..".  NULL on failure.
 */
static char *
torrent_name(const char *path)
{
	size_t end = strlen(path), start;
	char *real, *base, *name;

	while (end > 1 && path[end - 1] == '/')
		end--;
	for (start = end; start > 0 && path[start - 1] != '/'; start--)
		;
	if (!metainfo_component_ok(path + start, end - start)) {
		if ((real = realpath(path, NULL)) == NULL)
			return NULL;
		base = strrchr(real, '/');
		name = base != NULL && base[1] != '\0' ? strdup(base + 1) : NULL;
		free(real);
		return name;
	}
	return strndup(path + start, end - start);
}

/* Lists path's files into j; *name gets the torrent's name (caller frees). */
static int
list_files(struct job *j, const char *path, char **name, int *multi)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return fail(j, "%s: %s", path, strerror(errno));
	*name = torrent_name(path);
	if (*name == NULL)
		return fail(j, "%s: cannot name a torrent after this path", path);
	*multi = S_ISDIR(st.st_mode);
	if (S_ISREG(st.st_mode)) {
		char *abs = strdup(path), *rel = strdup("");

		if (abs == NULL || rel == NULL) {
			free(abs);
			free(rel);
			return fail(j, "out of memory");
		}
		return add_file(j, abs, rel, (uint64_t)st.st_size);
	}
	if (!*multi)
		return fail(j, "%s: not a regular file or directory", path);
	if (walk(j, path, "", 0) == -1)
		return -1;
	if (j->count == 0)
		return fail(j, "%s: no files in this directory", path);
	qsort(j->files, j->count, sizeof(*j->files), entry_cmp);
	return 0;
}

int
maketorrent_build(const char *path, const struct maketorrent_opts *o,
    maketorrent_progress_fn *progress, void *arg, struct bencode_buf *out,
    char *errbuf, size_t errlen)
{
	struct job j;
	char *name = NULL;
	int multi = 0, rc = -1;

	memset(&j, 0, sizeof(j));
	j.o = o;
	j.piece_length = o->piece_length ? o->piece_length :
	    MAKETORRENT_DEFAULT_PIECE_LENGTH;
	j.progress = progress;
	j.arg = arg;
	j.errbuf = errbuf;
	j.errlen = errlen;
	if (list_files(&j, path, &name, &multi) == -1)
		goto done;
	if (j.total == 0) {
		fail(&j, "%s: no data to share (every file is empty)", path);
		goto done;
	}
	if (hash_all(&j) == -1)
		goto done;
	encode(&j, name, multi, out);
	if (out->failed) {
		fail(&j, "out of memory");
		goto done;
	}
	rc = 0;
done:
	for (size_t i = 0; i < j.count; i++) {
		free(j.files[i].abs);
		free(j.files[i].rel);
	}
	free(j.files);
	free(j.pieces);
	free(name);
	return rc;
}
