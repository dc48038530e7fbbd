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
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isolate.h"
#include "sandbox.h"

#define TREE_DEPTH_LIMIT 64

struct copy_state {
	const struct tree_limits *lim;
	size_t files, bytes;
	struct strbuf *err;
	char rel[4096];		/* the entry's path in the submission, for messages */
};

/* Megabytes, rounded up: a file just over the limit never reads as the limit. */
static size_t
mb(size_t bytes)
{
	return (bytes >> 20) + ((bytes & 0xfffff) != 0);
}

mode_t
tree_private_mode(const struct stat *st)
{
	mode_t others = geteuid() == 0 ? 0011 : 0;

	if (S_ISDIR(st->st_mode))
		return 0700 | others;
	if (st->st_mode & 0111)
		return 0700 | others;
	return 0600;
}

/* Appends name to cs->rel; returns the length to restore. */
static size_t
rel_push(struct copy_state *cs, const char *name)
{
	size_t len = strlen(cs->rel);

	snprintf(cs->rel + len, sizeof(cs->rel) - len, "%s%s", len ? "/" : "", name);
	return len;
}

static int
too_big(struct copy_state *cs, size_t size)
{
	if (size > cs->lim->max_bytes)
		strbuf_printf(cs->err, "%s is %zu MB; a submission may hold at most %zu MB in all: "
		    "leave out data files", cs->rel, mb(size), mb(cs->lim->max_bytes));
	else if (cs->bytes + size > cs->lim->max_bytes)
		strbuf_printf(cs->err, "with %s (%zu MB) the submission holds more than %zu MB, "
		    "the most it may hold: leave out data files", cs->rel, mb(size),
		    mb(cs->lim->max_bytes));
	else
		return 0;
	return 1;
}

static int
copy_file(struct copy_state *cs, int sdir, int ddir, const char *name, const struct stat *st)
{
	int in = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), out = -1, rc = -1;
	struct timespec times[2] = { st->st_atim, st->st_mtim };
	char buf[65536];
	size_t size = 0;
	ssize_t n;

	if (too_big(cs, (size_t)st->st_size) || in == -1)
		goto out;
	out = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, tree_private_mode(st));
	if (out == -1)
		goto out;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (too_big(cs, size += (size_t)n))	/* it grew while we copied */
			goto out;
		if (write(out, buf, (size_t)n) != n)
			goto out;
	}
	cs->bytes += size;
	if (n == 0 && fchmod(out, tree_private_mode(st)) == 0 && futimens(out, times) == 0)
		rc = 0;
out:
	if (rc == -1 && cs->err->len == 0)
		strbuf_printf(cs->err, "copying %s: %s", cs->rel, strerror(errno));
	if (in != -1)
		close(in);
	if (out != -1)
		close(out);
	return rc;
}

static int copy_dir(struct copy_state *cs, int sdir, int ddir, int depth);

/* Copies the directory name of sdir into ddir (made here). */
static int
copy_subdir(struct copy_state *cs, int sdir, int ddir, const char *name, const struct stat *st,
    int depth)
{
	int s2, d2, rc;

	if (depth >= cs->lim->max_depth) {
		strbuf_printf(cs->err, "%s is %d folders deep; a submission may nest at most %d",
		    cs->rel, depth + 1, cs->lim->max_depth);
		return -1;
	}
	if (mkdirat(ddir, name, 0700) == -1)
		return -1;
	s2 = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d2 = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	rc = s2 != -1 && d2 != -1 ? copy_dir(cs, s2, d2, depth + 1) : -1;
	if (rc == 0 && fchmod(d2, tree_private_mode(st)) == -1)
		rc = -1;
	if (s2 != -1)
		close(s2);
	if (d2 != -1)
		close(d2);
	return rc;
}

static int
copy_entry(struct copy_state *cs, int sdir, int ddir, const char *name, int depth)
{
	struct stat st;
	char target[4096];
	ssize_t n;

	if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return 0;	/* vanished meanwhile */
	if (++cs->files > cs->lim->max_files) {
		strbuf_printf(cs->err, "the submission has more than %zu files (%s is one too many): "
		    "leave out generated and data files", cs->lim->max_files, cs->rel);
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
	return copy_subdir(cs, sdir, ddir, name, &st, depth);
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
		size_t len;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, ".git") == 0)
			continue;
		len = rel_push(cs, e->d_name);
		rc = copy_entry(cs, sdir, ddir, e->d_name, depth);
		if (rc == 0)
			cs->rel[len] = '\0';
	}
	closedir(d);
	return rc;
}

int
tree_copy(const char *src, const char *dst, const struct tree_limits *lim, struct strbuf *err)
{
	struct copy_state cs = { .lim = lim, .err = err };
	int s = open(src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), d = -1, rc = -1;
	struct stat st;

	if (s == -1) {
		int e = errno;

		strbuf_printf(err, "%s: %s", src, lstat(src, &st) == 0 && S_ISLNK(st.st_mode) ?
		    "is a symbolic link: not followed" : strerror(e));
		return -1;
	}
	if (mkdir(dst, 0700) == -1 || (d = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		strbuf_printf(err, "%s: %s", dst, strerror(errno));
	else if ((rc = copy_dir(&cs, s, d, 0)) == -1 && err->len == 0)
		strbuf_printf(err, "copying the submission: %s", strerror(errno));
	if (rc == 0 && (fstat(d, &st) == -1 || fchmod(d, tree_private_mode(&st)) == -1))
		rc = -1;
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

	if (st->st_uid != uid || S_ISLNK(st->st_mode))
		return 0;
	if (!S_ISDIR(st->st_mode) && st->st_nlink != 1)
		return 0;
	if (fchownat(dir, name, 0, 0, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	return fchmodat(dir, name, tree_private_mode(st), 0);
}

int
tree_take(const char *path, uid_t uid)
{
	int d = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;
	struct stat st;

	if (d == -1)
		return -1;
	rc = walk(d, 0, take_one, &uid);
	rc |= fchown(d, 0, 0);
	rc |= fstat(d, &st) == -1 || fchmod(d, tree_private_mode(&st)) == -1 ? -1 : 0;
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

/* ---- build products ---- */

struct prune_state {
	char *const *products;
	struct strbuf *removed;
	int n;
	char rel[4096];
};

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* True if the file starts like compiled code: ELF, Mach-O (thin or universal), PE, ar. */
static int
compiled(int dir, const char *name)
{
	static const unsigned char magic[][8] = {
		{ 0x7f, 'E', 'L', 'F' }, { 0xfe, 0xed, 0xfa, 0xce }, { 0xce, 0xfa, 0xed, 0xfe },
		{ 0xfe, 0xed, 0xfa, 0xcf }, { 0xcf, 0xfa, 0xed, 0xfe },
		{ 0xca, 0xfe, 0xba, 0xbe },	/* universal Mach-O, and Java classes: compiled too */
		{ 0xca, 0xfe, 0xba, 0xbf }, { 'M', 'Z' }, { '!', '<', 'a', 'r', 'c', 'h', '>', '\n' },
	};
	static const size_t len[] = { 4, 4, 4, 4, 4, 4, 4, 2, 8 };
	unsigned char head[8] = { 0 };
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	ssize_t n = fd == -1 ? -1 : read(fd, head, sizeof(head));

	if (fd != -1)
		close(fd);
	for (size_t i = 0; n > 0 && i < sizeof(len) / sizeof(len[0]); i++)
		if ((size_t)n >= len[i] && memcmp(head, magic[i], len[i]) == 0)
			return 1;
	return 0;
}

static int
is_product(struct prune_state *ps, int dir, const char *name, const struct stat *st)
{
	static const char *const suffixes[] = { ".o", ".obj", ".a", ".so", ".dylib", ".exe" };

	if (S_ISDIR(st->st_mode))
		return ends_with(name, ".dSYM");
	if (!S_ISREG(st->st_mode))
		return 0;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (ends_with(name, suffixes[i]))
			return 1;
	for (char *const *p = ps->products; p && *p; p++)
		if (strcmp(ps->rel, *p) == 0)
			return 1;
	return compiled(dir, name);
}

static int
remove_at(int dir, const char *name, const struct stat *st)
{
	int sub, rc;

	if (!S_ISDIR(st->st_mode))
		return unlinkat(dir, name, 0);
	if ((sub = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	rc = walk(sub, 0, remove_one, NULL);
	close(sub);
	return unlinkat(dir, name, AT_REMOVEDIR) == -1 ? -1 : rc;
}

static int
prune_dir(struct prune_state *ps, int dir, int depth)
{
	int fd = dup(dir), rc = 0;
	DIR *d = fd == -1 ? NULL : fdopendir(fd);
	struct dirent *e;

	if (d == NULL || depth > TREE_DEPTH_LIMIT) {
		if (d != NULL)
			closedir(d);
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		size_t len = strlen(ps->rel);
		struct stat st;
		int sub;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    fstatat(dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		snprintf(ps->rel + len, sizeof(ps->rel) - len, "%s%s", len ? "/" : "", e->d_name);
		if (is_product(ps, dir, e->d_name, &st)) {
			strbuf_printf(ps->removed, "%s%s\n", ps->rel, S_ISDIR(st.st_mode) ? "/" : "");
			ps->n++;
			rc = remove_at(dir, e->d_name, &st);
		} else if (S_ISDIR(st.st_mode) && (sub = openat(dir, e->d_name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) != -1) {
			rc = prune_dir(ps, sub, depth + 1);
			close(sub);
		}
		ps->rel[len] = '\0';
	}
	closedir(d);
	return rc;
}

int
tree_prune(const char *path, char *const *products, struct strbuf *removed)
{
	struct prune_state ps = { .products = products, .removed = removed };
	int d = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), rc;

	if (d == -1)
		return -1;
	rc = prune_dir(&ps, d, 0);
	close(d);
	return rc == -1 ? -1 : ps.n;
}

/* ---- folders inside folders ---- */

#define TREE_UNWRAP_TMP ".socklab-unwrap"

static int
junk(const char *name)
{
	return name[0] == '.' || strcmp(name, "__MACOSX") == 0 || strcmp(name, "Thumbs.db") == 0 ||
	    strcmp(name, "desktop.ini") == 0;
}

/*
 * Looks at dir's top: 1 and the one directory's name in only if there is no
 * makefile, no .c file, and exactly one directory besides junk; else 0.
 */
static int
wrapped(int dir, char *only, size_t cap)
{
	int fd = dup(dir), n = 0, found = 0;
	DIR *d = fd == -1 ? NULL : fdopendir(fd);
	struct dirent *e;
	struct stat st;

	if (d == NULL)
		return 0;
	rewinddir(d);	/* the descriptor's offset is shared with dir's, read before */
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, "Makefile") == 0 || strcmp(e->d_name, "makefile") == 0 ||
		    strcmp(e->d_name, "GNUmakefile") == 0 || ends_with(e->d_name, ".c")) {
			found = 0;
			break;
		}
		if (junk(e->d_name))
			continue;
		if (++n == 1 && fstatat(dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode)) {
			snprintf(only, cap, "%s", e->d_name);
			found = 1;
		} else
			found = 0;
	}
	closedir(d);
	return found;
}

/* Removes the junk at dir's top (not the folder being unwrapped).  0 when all went. */
static int
remove_junk(int dir)
{
	int fd = dup(dir), rc = 0;
	DIR *d = fd == -1 ? NULL : fdopendir(fd);
	struct dirent *e;
	struct stat st;

	if (d == NULL)
		return -1;
	rewinddir(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    strcmp(e->d_name, TREE_UNWRAP_TMP) != 0 && junk(e->d_name) &&
		    fstatat(dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			rc |= remove_at(dir, e->d_name, &st);
	closedir(d);
	return rc;
}

/* Removes the junk at dir's top, then moves the entries of dir/from there. */
static int
move_up(int dir, int from)
{
	int fd, moved = 1, rc = remove_junk(dir);
	DIR *d;
	struct dirent *e;

	/* Renaming entries away while reading the directory may hide others: read it again. */
	while (rc == 0 && moved) {
		if ((fd = dup(from)) == -1 || (d = fdopendir(fd)) == NULL)
			return -1;
		moved = 0;
		rewinddir(d);
		while (rc == 0 && (e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			rc = renameat(from, e->d_name, dir, e->d_name);
			moved = 1;
		}
		closedir(d);
	}
	return rc;
}

int
tree_unwrap(const char *path, int levels, struct strbuf *from, struct strbuf *err)
{
	int d = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), n = 0, rc = 0;
	char only[256];

	if (d == -1) {
		strbuf_printf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (; rc == 0 && n < levels && wrapped(d, only, sizeof(only)); n++) {
		int sub = -1;

		if (renameat(d, only, d, TREE_UNWRAP_TMP) == -1 ||
		    (sub = openat(d, TREE_UNWRAP_TMP, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC)) == -1 || move_up(d, sub) == -1 ||
		    unlinkat(d, TREE_UNWRAP_TMP, AT_REMOVEDIR) == -1) {
			strbuf_printf(err, "moving the files of the folder %s up: %s", only,
			    strerror(errno));
			rc = -1;
		} else
			strbuf_printf(from, "%s/", only);
		if (sub != -1)
			close(sub);
	}
	close(d);
	return rc == -1 ? -1 : n;
}

/* ---- archives ---- */

#define TREE_UNPACK_MS 120000	/* the wall-clock deadline of one unpacking */

static const struct archive_kind {
	const char *suffix, *tool, *filter, *package;
} kinds[] = {
	{ ".zip", "unzip", NULL, "unzip" },
	{ ".tar", "tar", NULL, "tar" },
	{ ".tar.gz", "tar", "gzip", "gzip" }, { ".tgz", "tar", "gzip", "gzip" },
	{ ".tar.bz2", "tar", "bzip2", "bzip2" }, { ".tbz2", "tar", "bzip2", "bzip2" },
	{ ".tar.xz", "tar", "xz", "xz-utils" }, { ".txz", "tar", "xz", "xz-utils" },
};

static const struct archive_kind *
kind_of(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t m = strlen(kinds[i].suffix);

		if (n > m && strcasecmp(name + n - m, kinds[i].suffix) == 0)
			return &kinds[i];
	}
	return NULL;
}

int
tree_is_archive(const char *name)
{
	return kind_of(name) != NULL;
}

int
tree_lone_archive(const char *path, char *name, size_t cap)
{
	DIR *d = opendir(path);
	struct dirent *e;
	struct stat st;
	int dir, n = 0, found = 0;

	if (d == NULL)
		return 0;
	dir = dirfd(d);
	while ((e = readdir(d)) != NULL) {
		if (junk(e->d_name))
			continue;
		found = ++n == 1 && tree_is_archive(e->d_name) &&
		    fstatat(dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    strlen(e->d_name) < cap;
		if (found)
			snprintf(name, cap, "%s", e->d_name);
	}
	closedir(d);
	return found;
}

/* Finds tool where the sandbox's PATH looks; its path in buf.  Returns 0, or -1. */
static int
find_tool(const char *tool, char *buf, size_t cap)
{
	static const char *const dirs[] = { "/usr/local/bin", "/usr/bin", "/bin" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, cap, "%s/%s", dirs[i], tool);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	return -1;
}

/* Copies in to out, at most max bytes, or says in err why it stopped.  0 or -1. */
static int
copy_capped(int in, int out, size_t max, const char *name, struct strbuf *err)
{
	char buf[65536];
	size_t total = 0;
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) > 0 && (total += (size_t)n) <= max &&
	    write(out, buf, (size_t)n) == n)
		;
	if (n != 0)
		strbuf_printf(err, "copying %s: %s", name, n > 0 ? "it grew past the limit" :
		    strerror(errno));
	return n == 0 ? 0 : -1;
}

/* Copies the archive at path (not through a link) to dst, readable by uid only. */
static int
bring_archive(const char *path, const char *name, const char *dst, int uid,
    const struct tree_limits *lim, struct strbuf *err)
{
	int in = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), out = -1, rc = -1;
	struct stat st;

	if (in == -1 || fstat(in, &st) == -1 || !S_ISREG(st.st_mode))
		strbuf_printf(err, "%s: %s", path, in == -1 ? strerror(errno) : "not a regular file");
	else if ((size_t)st.st_size > lim->max_bytes)
		strbuf_printf(err, "%s is %zu MB; a submission may hold at most %zu MB in all: "
		    "leave out data files", name, mb((size_t)st.st_size), mb(lim->max_bytes));
	else if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1 ||
	    (uid != -1 && fchown(out, (uid_t)uid, (gid_t)uid) == -1))
		strbuf_printf(err, "%s: %s", dst, strerror(errno));
	else
		rc = copy_capped(in, out, lim->max_bytes, name, err);
	if (in != -1)
		close(in);
	if (out != -1)
		close(out);
	return rc;
}

struct measure {
	size_t files, bytes;
};

static int
measure_one(int dir, const char *name, const struct stat *st, void *arg)
{
	struct measure *m = arg;
	size_t blocks = (size_t)st->st_blocks * 512;

	(void)dir;
	(void)name;
	m->files++;
	m->bytes += (size_t)st->st_size > blocks ? (size_t)st->st_size : blocks;
	return 0;
}

/* True (with a message in err) if box holds more than the limits allow. */
static int
overflowing(const char *box, const char *name, const struct tree_limits *lim, struct strbuf *err)
{
	struct measure m = { 0, 0 };
	int d = open(box, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (d == -1)
		return 0;
	walk(d, 0, measure_one, &m);
	close(d);
	if (m.bytes > lim->max_bytes)
		strbuf_printf(err, "%s unpacks to more than %zu MB; a submission may hold at most "
		    "%zu MB in all: leave out data files", name, mb(lim->max_bytes), mb(lim->max_bytes));
	else if (m.files > lim->max_files)
		strbuf_printf(err, "%s unpacks to more than %zu files, the most a submission may hold: "
		    "leave out generated and data files", name, lim->max_files);
	return m.bytes > lim->max_bytes || m.files > lim->max_files;
}

/* Appends the tool's message on one line: its lines joined by "; ", spaces squeezed. */
static void
one_line(struct strbuf *sb, const char *s, size_t n)
{
	int space = 0;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			strbuf_puts(sb, ";");
		if (s[i] == '\n' || s[i] == ' ' || s[i] == '\t')
			space = 1;
		else {
			if (space)
				strbuf_putc(sb, ' ');
			strbuf_putc(sb, s[i]);
			space = 0;
		}
	}
}

/* Runs the unpacker as uid in box, watching box fill.  Returns 0, or -1 with err. */
static int
run_unpacker(const struct archive_kind *k, char *tool, char *archive, const char *box,
    const char *name, int uid, const struct tree_limits *lim, struct strbuf *err)
{
	struct sandbox_limits sl = { .cpu_s = TREE_UNPACK_MS / 1000, .as_mb = 1024, .nofile = 64,
		.fsize_mb = (long)mb(lim->max_bytes) + 1, .nproc = 16 };
	char *tar[] = { tool, "-x", "--no-same-owner", "--no-same-permissions", "-f", archive, NULL };
	char *unzip[] = { tool, "-qq", "-o", archive, NULL };
	struct sandbox_spec spec = { .name = k->tool, .argv = strcmp(k->tool, "tar") == 0 ? tar : unzip,
		.cwd = box, .uid = uid, .limits = &sl, .out_cap = 4096, .err_cap = 4096 };
	long until = sandbox_now_ms() + TREE_UNPACK_MS;
	struct sandbox_proc p;
	int code;

	if (sandbox_start(&p, &spec) == -1) {
		strbuf_printf(err, "could not run %s to unpack %s: %s", tool, name, strerror(errno));
		return -1;
	}
	while ((code = sandbox_wait(&p, 100)) == -1 && sandbox_now_ms() < until &&
	    !overflowing(box, name, lim, err))
		;
	sandbox_stop(&p);
	if (uid != -1)
		isolate_kill_uid(uid);
	if (err->len == 0 && code == -1)
		strbuf_printf(err, "unpacking %s took longer than %d s: not graded", name,
		    TREE_UNPACK_MS / 1000);
	else if (err->len == 0 && !overflowing(box, name, lim, err) && code != 0) {
		const struct strbuf *e = p.err.len ? &p.err : &p.out;

		strbuf_printf(err, "%s could not unpack %s (it exited with status %d): ", k->tool,
		    name, code);
		one_line(err, e->data, e->len > 600 ? 600 : e->len);
	}
	sandbox_free(&p);
	return err->len == 0 ? 0 : -1;
}

/*
 * The unpacker's uid is fresh, so it could write nothing outside box but in
 * the directories open to all: finds (and removes) what it left at their top.
 */
static int
strays(int uid, const char *name, struct strbuf *err)
{
	static const char *const open_dirs[] = { "/tmp", "/var/tmp", "/dev/shm" };

	for (size_t i = 0; uid != -1 && i < sizeof(open_dirs) / sizeof(open_dirs[0]); i++) {
		int d = open(open_dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;
		DIR *dir = d == -1 || (fd = dup(d)) == -1 ? NULL : fdopendir(fd);
		struct dirent *e;
		struct stat st;

		while (dir != NULL && (e = readdir(dir)) != NULL)
			if (fstatat(d, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    st.st_uid == (uid_t)uid && strcmp(e->d_name, "..") != 0) {
				if (err->len == 0)
					strbuf_printf(err, "%s wrote outside its folder (%s/%s): not graded",
					    name, open_dirs[i], e->d_name);
				remove_at(d, e->d_name, &st);
			}
		if (dir != NULL)
			closedir(dir);
		if (d != -1)
			close(d);
	}
	return err->len == 0 ? 0 : -1;
}

int
tree_unpack(const char *path, const char *work, const char *dst, int uid,
    const struct tree_limits *lim, struct strbuf *err)
{
	const struct archive_kind *k = kind_of(path);
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char tool[64], filter[64], archive[4200], box[4200];
	int rc = -1;

	if (k == NULL) {
		strbuf_printf(err, "%s is not an archive grading knows", name);
		return -1;
	}
	if (find_tool(k->tool, tool, sizeof(tool)) == -1 ||
	    (k->filter && find_tool(k->filter, filter, sizeof(filter)) == -1)) {
		strbuf_printf(err, "unpacking %s needs %s, which is not installed on the grading "
		    "machine (apt-get install %s)", name, k->filter ? k->filter : k->tool, k->package);
		return -1;
	}
	snprintf(archive, sizeof(archive), "%s/archive%s", work, k->suffix);
	snprintf(box, sizeof(box), "%s/unpacked", work);
	if (bring_archive(path, name, archive, uid, lim, err) == -1)
		return -1;
	if (mkdir(box, 0700) == -1 || (uid != -1 && chown(box, (uid_t)uid, (gid_t)uid) == -1))
		strbuf_printf(err, "%s: %s", box, strerror(errno));
	else if (run_unpacker(k, tool, archive, box, name, uid, lim, err) == 0 &&
	    strays(uid, name, err) == 0)
		rc = tree_copy(box, dst, lim, err);
	unlink(archive);
	tree_remove(box);
	return rc;
}
