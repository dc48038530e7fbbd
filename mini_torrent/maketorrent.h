/*
 * maketorrent.h — make a .torrent from a file or a directory.
 *
 * A directory becomes a multi-file torrent named after it, holding every
 * regular file below it (hidden and empty ones too), ordered by relative path
 * in plain byte order — the order mktorrent uses, so that the same content,
 * piece length and flags give the same info-hash with either tool.  The info
 * dictionary holds only the BEP 3 keys (plus "private" when asked), for the
 * same reason.  Files are read once, in order, straight into a piece buffer
 * that is hashed whenever it fills.
 */
#ifndef MAKETORRENT_H
#define MAKETORRENT_H

#include <stdint.h>

#include "bencode.h"

#define MAKETORRENT_DEFAULT_PIECE_LENGTH (256u * 1024)
#define MAKETORRENT_MAX_DEPTH 64	/* directory nesting we follow */

struct maketorrent_opts {
	const char *announce;		/* NULL: no "announce" */
	uint32_t piece_length;		/* 0: the default */
	int private_flag;		/* write "private": 1 in info */
	const char *comment;		/* NULL: none */
	const char *created_by;		/* NULL: none */
	long long creation_date;	/* 0: none */
};

/* Called after each piece: done of total content bytes are hashed. */
typedef void maketorrent_progress_fn(void *arg, uint64_t done, uint64_t total);

/*
 * Makes a torrent of path and appends it to out (an initialised buffer).
 * progress may be NULL.  Returns 0, or -1 with a one-line reason in errbuf.
 */
int maketorrent_build(const char *path, const struct maketorrent_opts *o,
    maketorrent_progress_fn *progress, void *arg, struct bencode_buf *out,
    char *errbuf, size_t errlen);

#endif
