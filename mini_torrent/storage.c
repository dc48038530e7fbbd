/*
 * storage.c — pread/pwrite across a torrent's files (see storage.h).
 *
 * _DEFAULT_SOURCE for pwritev (BSD and Linux, not POSIX).
 */
#define _DEFAULT_SOURCE
#include "storage.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sha1.h"

static char storage_bad_path[PATH_MAX];

/* Creates every missing directory above the file at path. */
static int
make_parents(char *path)
{
	for (char *p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* DIR/NAME or DIR/NAME/PATH into buf.  Returns 0, or -1 (ENAMETOOLONG). */
static int
file_path(char *buf, size_t cap, const struct metainfo *m, const char *dir,
    size_t i)
{
	int n;

	if (m->multi_file)
		n = snprintf(buf, cap, "%s/%s/%s", dir, m->name, m->files[i].path);
	else
		n = snprintf(buf, cap, "%s/%s", dir, m->files[i].path);
	if (n < 0 || (size_t)n >= cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Opens file i; sets *had_data when it existed with some bytes in it. */
static int
open_one(const struct metainfo *m, const char *dir, size_t i, int readonly,
    int *had_data)
{
	char *path = storage_bad_path;
	struct stat st;
	int fd;

	if (file_path(path, sizeof(storage_bad_path), m, dir, i) < 0)
		return -1;
	if (readonly) {
		*had_data = 1;
		return open(path, O_RDONLY | O_CLOEXEC);
	}
	if (make_parents(path) < 0)
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return -1;
	/* Full size now (sparse), so later pwrites never extend a file. */
	if (fstat(fd, &st) < 0 || ((uint64_t)st.st_size < m->files[i].length &&
	    ftruncate(fd, (off_t)m->files[i].length) < 0)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	if (st.st_size != 0)
		*had_data = 1;
	return fd;
}

int
storage_open(struct storage *s, const struct metainfo *m, const char *dir,
    int readonly, const char **path_out)
{
	memset(s, 0, sizeof(*s));
	s->meta = m;
	s->readonly = readonly;
	if ((s->fds = malloc((m->file_count + 1) * sizeof(*s->fds))) == NULL)
		return -1;
	for (size_t i = 0; i < m->file_count; i++)
		s->fds[i] = -1;
	for (size_t i = 0; i < m->file_count; i++) {
		if ((s->fds[i] = open_one(m, dir, i, readonly,
		    &s->had_data)) < 0) {
			int e = errno;

			if (path_out != NULL)
				*path_out = storage_bad_path;
			storage_close(s);
			errno = e;
			return -1;
		}
	}
	return 0;
}

int
storage_close(struct storage *s)
{
	int rc = 0;

	if (s->fds == NULL)
		return 0;
	for (size_t i = 0; i < s->meta->file_count; i++)
		if (s->fds[i] >= 0 && close(s->fds[i]) < 0)
			rc = -1;
	free(s->fds);
	s->fds = NULL;
	return rc;
}

/* pread or pwrite all of n bytes at off in fd (reads stop early at EOF and
 * zero-fill).  Returns 0 or -1. */
static int
io_all(int fd, int writing, uint8_t *buf, size_t n, uint64_t off)
{
	while (n > 0) {
		ssize_t k = writing ? pwrite(fd, buf, n, (off_t)off) :
		    pread(fd, buf, n, (off_t)off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0) {
			if (writing) {
				errno = EIO;
				return -1;
			}
			memset(buf, 0, n);
			return 0;
		}
		buf += k;
		n -= (size_t)k;
		off += (uint64_t)k;
	}
	return 0;
}

/* The span [off, off + len) of the stream, file by file. */
static int
span_io(struct storage *s, uint64_t off, uint8_t *buf, size_t len,
    int writing)
{
	const struct metainfo *m = s->meta;
	size_t i;

	if (off > m->total_length || len > m->total_length - off) {
		errno = EINVAL;
		return -1;
	}
	for (i = metainfo_file_at(m, off); len > 0 && i < m->file_count; i++) {
		const struct metainfo_file *f = &m->files[i];
		uint64_t within = off - f->offset;
		size_t n;

		if (f->length == 0 || within >= f->length)
			continue;
		n = f->length - within < len ? (size_t)(f->length - within) : len;
		if (io_all(s->fds[i], writing, buf, n, within) < 0)
			return -1;
		buf += n;
		off += n;
		len -= n;
	}
	return 0;
}

int
storage_read(struct storage *s, uint64_t off, void *buf, size_t len)
{
	return span_io(s, off, buf, len, 0);
}

int
storage_write(struct storage *s, uint64_t off, const void *buf, size_t len)
{
	if (s->readonly) {
		errno = EBADF;
		return -1;
	}
	/* span_io only reads from buf when writing. */
	return span_io(s, off, (uint8_t *)(uintptr_t)buf, len, 1);
}

#define WRITEV_MAX 64	/* buffers per pwritev */

int
storage_writev(struct storage *s, uint64_t off, const struct iovec *iov,
    int n)
{
	struct iovec v[WRITEV_MAX];
	size_t len = 0;
	uint64_t within;
	int fd, k = 0;

	for (int i = 0; i < n; i++)
		len += iov[i].iov_len;
	if (s->readonly || n > WRITEV_MAX ||
	    storage_locate(s, off, len, &fd, &within) < len) {
		for (int i = 0; i < n; off += iov[i++].iov_len)	/* across files */
			if (storage_write(s, off, iov[i].iov_base, iov[i].iov_len) < 0)
				return -1;
		return 0;
	}
	memcpy(v, iov, (size_t)n * sizeof(*v));
	while (k < n) {
		ssize_t w = pwritev(fd, v + k, n - k, (off_t)within);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			errno = w == 0 ? EIO : errno;
			return -1;
		}
		within += (uint64_t)w;
		for (; k < n && (size_t)w >= v[k].iov_len; k++)
			w -= (ssize_t)v[k].iov_len;
		if (k < n) {	/* a short write, inside v[k] */
			v[k].iov_base = (uint8_t *)v[k].iov_base + w;
			v[k].iov_len -= (size_t)w;
		}
	}
	return 0;
}

size_t
storage_locate(const struct storage *s, uint64_t off, size_t len, int *fd,
    uint64_t *within)
{
	const struct metainfo *m = s->meta;

	if (off >= m->total_length)
		return 0;
	for (size_t i = metainfo_file_at(m, off); i < m->file_count; i++) {
		const struct metainfo_file *f = &m->files[i];

		if (f->length == 0 || off - f->offset >= f->length)
			continue;
		*fd = s->fds[i];
		*within = off - f->offset;
		return f->length - *within < len ? (size_t)(f->length - *within) :
		    len;
	}
	return 0;
}

int
storage_hash_ok(const struct storage *s, uint32_t piece, const void *data,
    size_t len)
{
	unsigned char md[SHA1_LEN];

	if (piece >= s->meta->piece_count ||
	    len != metainfo_piece_size(s->meta, piece))
		return 0;
	sha1(data, len, md);
	return memcmp(md, metainfo_piece_hash(s->meta, piece), SHA1_LEN) == 0;
}

int
storage_check_piece(struct storage *s, uint32_t piece, void *buf)
{
	size_t len = metainfo_piece_size(s->meta, piece);

	if (storage_read(s, (uint64_t)piece * s->meta->piece_length, buf,
	    len) < 0)
		return -1;
	return storage_hash_ok(s, piece, buf, len);
}

long
storage_verify(struct storage *s, struct bitfield *have,
    void (*progress)(void *ctx, uint32_t done, uint32_t total), void *ctx)
{
	uint32_t n = s->meta->piece_count;
	uint8_t *buf = malloc(s->meta->piece_length);
	long good = 0;

	if (buf == NULL)
		return -1;
	/* Files we just created hold nothing worth hashing. */
	if (!s->had_data)
		n = 0;
	for (uint32_t i = 0; i < n; i++) {
		int r = storage_check_piece(s, i, buf);

		if (r < 0) {
			free(buf);
			return -1;
		}
		if (r == 1) {
			bitfield_set(have, i);
			good++;
		}
		if (progress != NULL)
			progress(ctx, i + 1, n);
	}
	free(buf);
	return good;
}
