/*
 * tree.c — see tree.h.  Recursion is bounded by max_depth (tree_copy) or by
 * a fixed limit, so a maliciously deep tree cannot exhaust the stack.
 */
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TREE_DEPTH_LIMIT 64

struct copy_state {
	const struct tree_limits *lim;
	size_t files, bytes;
	struct strbuf *err;
};

static int
copy_file(struct copy_state *cs, int sdir, int ddir, const char *name, const struct stat *st)
{
	int in = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), out = -1, rc = -1;
	struct timespec times[2] = { st->st_atim, st->st_mtim };
	char buf[65536];
	ssize_t n;

	if (in == -1)
		goto out;
	out = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    (st->st_mode & 0755) | 0644);
	if (out == -1)
		goto out;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if ((cs->bytes += (size_t)n) > cs->lim->max_bytes) {
			strbuf_printf(cs->err, "the submission is larger than %zu MB", cs->lim->max_bytes >> 20);
			goto out;
		}
		if (write(out, buf, (size_t)n) != n)
			goto out;
	}
	if (n == 0 && futimens(out, times) == 0)
		rc = 0;
out:
	if (rc == -1 && cs->err->len == 0)
		strbuf_printf(cs->err, "copying %s: %s", name, strerror(errno));
	if (in != -1)
		close(in);
	if (out != -1)
		close(out);
	return rc;
}

static int copy_dir(struct copy_state *cs, int sdir, int ddir, int depth);

static int
copy_entry(struct copy_state *cs, int sdir, int ddir, const char *name, int depth)
{
	struct stat st;
	char target[4096];
	ssize_t n;
	int s2, d2, rc;

	if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return 0;	/* vanished meanwhile */
	if (++cs->files > cs->lim->max_files) {
		strbuf_printf(cs->err, "the submission has more than %zu files", cs->lim->max_files);
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return copy_file(cs, sdir, ddir, name, &st);
	if (S_ISLNK(st.st_mode)) {
		if ((n = readlinkat(sdir, name, target, sizeof(target) - 1)) < 0)
			return 0;
		target[n] = '\0';
		return symlinkat(target, ddir, name) == 0 || errno == EEXIST ? 0 : -1;
	}
	if (!S_ISDIR(st.st_mode))
		return 0;	/* devices, fifos, sockets: not part of a submission */
	if (depth >= cs->lim->max_depth) {
		strbuf_printf(cs->err, "the submission's directories nest deeper than %d",
		    cs->lim->max_depth);
		return -1;
	}
	if (mkdirat(ddir, name, 0755) == -1)
		return -1;
	s2 = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d2 = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	rc = s2 != -1 && d2 != -1 ? copy_dir(cs, s2, d2, depth + 1) : -1;
	if (s2 != -1)
		close(s2);
	if (d2 != -1)
		close(d2);
	return rc;
}

/* Copies the entries of sdir into ddir; closes neither. */
static int
copy_dir(struct copy_state *cs, int sdir, int ddir, int depth)
{
	int fd = dup(sdir);
	DIR *d = fd == -1 ? NULL : fdopendir(fd);
	struct dirent *e;
	int rc = 0;

	if (d == NULL)
		return -1;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, ".git") == 0)
			continue;
		rc = copy_entry(cs, sdir, ddir, e->d_name, depth);
	}
	closedir(d);
	return rc;
}

int
tree_copy(const char *src, const char *dst, const struct tree_limits *lim, struct strbuf *err)
{
	struct copy_state cs = { .lim = lim, .err = err };
	int s = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC), d = -1, rc = -1;

	if (s == -1) {
		strbuf_printf(err, "%s: %s", src, strerror(errno));
		return -1;
	}
	if (mkdir(dst, 0755) == -1 || (d = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		strbuf_printf(err, "%s: %s", dst, strerror(errno));
	else if ((rc = copy_dir(&cs, s, d, 0)) == -1 && err->len == 0)
		strbuf_printf(err, "copying the submission: %s", strerror(errno));
	close(s);
	if (d != -1)
		close(d);
	return rc;
}

/* Calls fn on each entry of dir (depth-first, children before the directory). */
static int
walk(int dir, int depth, int (*fn)(int dir, const char *name, const struct stat *st, void *arg),
    void *arg)
{
	int fd = dup(dir);
	DIR *d = fd == -1 ? NULL : fdopendir(fd);
	struct dirent *e;
	int rc = 0;

	if (d == NULL || depth > TREE_DEPTH_LIMIT) {
		if (d != NULL)
			closedir(d);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    fstatat(dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dir, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub != -1) {
				rc |= walk(sub, depth + 1, fn, arg);
				close(sub);
			}
		}
		rc |= fn(dir, e->d_name, &st, arg);
	}
	closedir(d);
	return rc;
}

static int
give_one(int dir, const char *name, const struct stat *st, void *arg)
{
	uid_t uid = *(uid_t *)arg;

	(void)st;
	return fchownat(dir, name, uid, (gid_t)uid, AT_SYMLINK_NOFOLLOW);
}

int
tree_give(const char *path, uid_t uid)
{
	int d = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (d == -1)
		return -1;
	rc = walk(d, 0, give_one, &uid);
	rc |= fchown(d, uid, (gid_t)uid);
	close(d);
	return rc;
}

static int
take_one(int dir, const char *name, const struct stat *st, void *arg)
{
	uid_t uid = *(uid_t *)arg;
	mode_t mode = st->st_mode & 0755;

	if (st->st_uid != uid || S_ISLNK(st->st_mode))
		return 0;
	if (!S_ISDIR(st->st_mode) && st->st_nlink != 1)
		return 0;
	mode |= S_ISDIR(st->st_mode) ? 0755 : 0644;
	if (mode & 0100)
		mode |= 0111;
	if (fchownat(dir, name, 0, 0, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	return fchmodat(dir, name, mode, 0);
}

int
tree_take(const char *path, uid_t uid)
{
	int d = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (d == -1)
		return -1;
	rc = walk(d, 0, take_one, &uid);
	rc |= fchown(d, 0, 0);
	rc |= fchmod(d, 0755);
	close(d);
	return rc;
}

static int
remove_one(int dir, const char *name, const struct stat *st, void *arg)
{
	(void)arg;
	return unlinkat(dir, name, S_ISDIR(st->st_mode) ? AT_REMOVEDIR : 0);
}

int
tree_remove(const char *path)
{
	int d = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), rc;

	if (d == -1)
		return errno == ENOENT ? 0 : -1;
	rc = walk(d, 0, remove_one, NULL);
	close(d);
	return rmdir(path) == -1 ? -1 : rc;
}
