/*
 * metainfo.h — a .torrent file (BEP 3), parsed and checked.
 *
 * A torrent describes content as one byte stream cut into pieces of
 * piece_length bytes (the last one shorter), each named by its SHA-1.  For a
 * multi-file torrent the stream is the files concatenated in their listed
 * order, so each file here carries its offset in that stream.  The torrent
 * itself is named by its info-hash: the SHA-1 of the exact bytes of the "info"
 * dictionary as they appear in the file, never re-encoded.
 *
 * Everything a peer later trusts is checked here once: the piece count matches
 * the total length, every path is relative and cannot climb out of the
 * download directory, no two files claim the same path, there is at least
 * one byte of content.  The struct owns
 * copies of everything, so it outlives the bytes it was parsed from.
 */
#ifndef METAINFO_H
#define METAINFO_H

#include <stddef.h>
#include <stdint.h>

#include "sha1.h"

#define METAINFO_MAX_PIECE_LENGTH (1u << 27)	/* 128 MiB */
#define METAINFO_MAX_FILE_SIZE (64u << 20)	/* largest .torrent metainfo_load reads */

struct metainfo_file {
	char *path;		/* relative, components joined by '/' (a single-file
				 * torrent's one file is just its name) */
	uint64_t length;
	uint64_t offset;	/* where it starts in the concatenated content */
};

struct metainfo_tier {		/* one tier of announce-list (BEP 12) */
	char **urls;
	size_t count;
};

struct metainfo {
	unsigned char info_hash[SHA1_LEN];
	char info_hash_hex[SHA1_HEX_LEN];
	char *name;
	int multi_file;		/* 1 if "files" (content lives in dir name/) */
	int private_flag;	/* "private" is 1 (BEP 27) */
	uint32_t piece_length;
	uint32_t piece_count;
	uint64_t total_length;
	unsigned char *pieces;	/* piece_count * SHA1_LEN bytes */
	struct metainfo_file *files;
	size_t file_count;
	char *announce;		/* NULL if absent */
	struct metainfo_tier *tiers;	/* announce-list, NULL if absent */
	size_t tier_count;
	char *comment;		/* NULL if absent */
	char *created_by;	/* NULL if absent */
	long long creation_date;	/* seconds since the epoch, 0 if absent */
};

/*
 * Parses and validates a torrent in buf[0..len).  Returns 0 and fills *out
 * (free it with metainfo_free), or -1 with a one-line reason in errbuf (if
 * errbuf is not NULL) and *out zeroed.
 */
int metainfo_parse(const unsigned char *buf, size_t len, struct metainfo *out,
    char *errbuf, size_t errlen);

/*
 * Reads the file at path and parses it: as metainfo_parse, with the reason
 * starting "PATH: ", and errno kept on I/O errors (0 for a bad torrent).
 */
int metainfo_load(const char *path, struct metainfo *out, char *errbuf,
    size_t errlen);

void metainfo_free(struct metainfo *m);

/* Bytes in piece index (the last is shorter), 0 if index is out of range. */
size_t metainfo_piece_size(const struct metainfo *m, uint32_t index);

/* The SHA1_LEN-byte hash of piece index (index < piece_count). */
const unsigned char *metainfo_piece_hash(const struct metainfo *m, uint32_t index);

/*
 * The index of the file that holds content byte offset (< total_length),
 * skipping empty files; file_count if offset is past the end.
 */
size_t metainfo_file_at(const struct metainfo *m, uint64_t offset);

/*
 * 1 if s (n bytes) is acceptable as one path component: not empty, not "."
 * or "..", no '/' and no NUL.
 */
int metainfo_component_ok(const void *s, size_t n);

#endif
