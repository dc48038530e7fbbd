/*
 * tree.h — the directory chores of grading: copy a submission, hand it to
 * the build's uid and take it back, remove it all afterwards.
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
#include <sys/types.h>

#include "strbuf.h"

struct tree_limits {
	size_t max_files;
	size_t max_bytes;
	int max_depth;
};

/*
 * Copies the tree at src to dst (which must not exist), keeping file
 * modification times, leaving out `.git`.  Directories become 0755 and files
 * readable by all.  Returns 0, or -1 with a message in err.
 */
int tree_copy(const char *src, const char *dst, const struct tree_limits *lim,
    struct strbuf *err);

/* Makes uid the owner of everything in dir (and dir).  Returns 0, or -1. */
int tree_give(const char *dir, uid_t uid);

/*
 * Takes back from uid what it owns in dir: owner root, no write for others,
 * no set-id bits, readable (and searchable) by all.  Returns 0, or -1.
 */
int tree_take(const char *dir, uid_t uid);

/* Removes dir and everything in it (not following links).  Returns 0, or -1. */
int tree_remove(const char *dir);

#endif
