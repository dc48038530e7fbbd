/*
 * tree.h — the directory chores of grading: copy a submission (or unpack
 * it), unwrap the folders it came in, leave out what a build makes, hand it
 * to the build's uid and take it back, remove it all afterwards.
 *
 * A submission is hostile input too: these walk with *at() calls relative to
 * directory descriptors and never follow a symbolic link, so a link to
 * /etc/shadow is copied as a link (which the unprivileged build cannot read
 * through), and taking the tree back touches only files the build's uid
 * owns with a single link, so a hard link to a foreign file cannot trick the
 * grader into changing that file's owner or mode.
 */
#ifndef TREE_H
#define TREE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "strbuf.h"

struct tree_limits {
	size_t max_files;
	size_t max_bytes;
	int max_depth;
};

/*
 * Copies the tree at src to dst (which must not exist), keeping file
 * modification times, leaving out `.git`.  src itself must not be a link
 * (ELOOP).  The copy is private: owned by the caller, nothing for others but
 * what running the programs needs (tree_private_mode).  Returns 0, or -1
 * with a message in err naming the file and the limit it passed.
 */
int tree_copy(const char *src, const char *dst, const struct tree_limits *lim,
    struct strbuf *err);

/*
 * The mode the grader's copies get: for the owner everything the original
 * had (rwx for directories); for others, only when running as root (the
 * programs then run as uids of their own, one per test), search on
 * directories and execute on executables, never read or write.
 */
mode_t tree_private_mode(const struct stat *st);

/*
 * Removes the build products in dir: files of compiled code whatever their
 * names (ELF, Mach-O and universal, PE, ar archives), files named *.o, *.obj,
 * *.a, *.so, *.dylib, *.exe, directories named *.dSYM, and the files named
 * in products (paths relative to dir; may be NULL) whatever they hold.  Their
 * paths, relative to dir, go to removed one a line.  Returns how many, or -1.
 */
int tree_prune(const char *dir, char *const *products, struct strbuf *removed);

/*
 * A submission handed in as a folder inside a folder: while dir holds no
 * makefile and no .c file, and one directory besides junk (dot files,
 * __MACOSX, Thumbs.db, desktop.ini), moves that directory's contents up, at
 * most levels times; the junk there is removed.  The folders unwrapped go to
 * from ("a/b/").  Returns how many levels, or -1 with a message in err.
 */
int tree_unwrap(const char *dir, int levels, struct strbuf *from, struct strbuf *err);

/* True if name ends like an archive tree_unpack takes (.zip, .tar, .tar.gz...). */
int tree_is_archive(const char *name);

/*
 * 1 if the folder at path holds one archive tree_unpack takes (a regular
 * file, not a link) and nothing else but junk, its name then in name (cap
 * bytes); else 0.  An upload a learning platform exported into a folder of
 * its own, or a tarball handed to Gradescope, looks so.
 */
int tree_lone_archive(const char *path, char *name, size_t cap);

/*
 * Unpacks the archive at path into dst (which must not exist) through
 * work, a private directory of the caller: tar or unzip runs as uid (-1: the
 * caller's) under limits and a deadline, in a directory of its own that is
 * measured as it fills, then what it made is copied to dst as by tree_copy.
 * Returns 0, or -1 with a message in err.
 */
int tree_unpack(const char *path, const char *work, const char *dst, int uid,
    const struct tree_limits *lim, struct strbuf *err);

/* Makes uid the owner of everything in dir (and dir).  Returns 0, or -1. */
int tree_give(const char *dir, uid_t uid);

/*
 * Takes back from uid what it owns in dir: owner root, no set-id bits, the
 * modes of tree_private_mode.  Returns 0, or -1.
 */
int tree_take(const char *dir, uid_t uid);

/* Removes dir and everything in it (not following links).  Returns 0, or -1. */
int tree_remove(const char *dir);

#endif
