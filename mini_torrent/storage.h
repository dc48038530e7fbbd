/*
 * storage.h — a torrent's bytes on disk.
 *
 * A torrent is one byte stream cut into pieces, but on disk it is one file or
 * many (a multi-file torrent is its files concatenated in order), so a piece
 * can start in one file and end in the next.  storage maps stream offsets to
 * (file, offset) and reads and writes with pread/pwrite, crossing file
 * boundaries as needed.  It also checks pieces against their SHA-1: a peer
 * writes a piece only after it verified (so no bad data ever lands on disk),
 * and at start-up it verifies what is already there, which is how an
 * interrupted download resumes.
 *
 * Files are created at their full size (sparse), in DIR/NAME for a
 * single-file torrent and DIR/NAME/PATH for a multi-file one, with parent
 * directories as needed; existing data is never truncated.
 */
#ifndef STORAGE_H
#define STORAGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "bitfield.h"
#include "metainfo.h"

struct storage {
	const struct metainfo *meta;	/* not owned; outlives the storage */
	int *fds;			/* one per meta->files[i] */
	int readonly;
	int had_data;			/* some file existed and was not empty */
};

/*
 * Opens (readonly: must exist) or creates the torrent's files under dir.
 * Returns 0, or -1 with errno set; on failure *path_out (if not NULL) names
 * the file at fault, in a static buffer.
 */
int storage_open(struct storage *s, const struct metainfo *m, const char *dir,
    int readonly, const char **path_out);
/* Closes the files.  Returns 0, or -1 if a close failed (data may be lost). */
int storage_close(struct storage *s);

/* Reads/writes len bytes at stream offset off.  Returns 0 or -1 (errno).
 * Bytes past the end of a short file read as zeros. */
int storage_read(struct storage *s, uint64_t off, void *buf, size_t len);
int storage_write(struct storage *s, uint64_t off, const void *buf,
    size_t len);
/* Writes the n buffers of iov one after the other from stream offset off:
 * one pwritev(2) when they land in one file.  Returns 0 or -1 (errno). */
int storage_writev(struct storage *s, uint64_t off, const struct iovec *iov,
    int n);

/*
 * Where stream offset off lives on disk: sets *fd and *within (the offset in
 * that file) and returns how many of the len bytes from there are in that
 * file (0 if off is not in the torrent).  For sendfile(2) (see xfer.h).
 */
size_t storage_locate(const struct storage *s, uint64_t off, size_t len,
    int *fd, uint64_t *within);

/* 1 if data (the whole piece) has the piece's SHA-1, else 0. */
int storage_hash_ok(const struct storage *s, uint32_t piece, const void *data,
    size_t len);

/*
 * Reads piece from disk into buf (metainfo piece_length bytes) and checks its
 * hash.  Returns 1 (good), 0 (bad or missing) or -1 (I/O error).
 */
int storage_check_piece(struct storage *s, uint32_t piece, void *buf);

/*
 * Verifies every piece on disk and sets its bit in have when it is good.
 * progress (may be NULL) is called after each piece.  Returns the number of
 * good pieces, or -1 on an I/O error.
 */
long storage_verify(struct storage *s, struct bitfield *have,
    void (*progress)(void *ctx, uint32_t done, uint32_t total), void *ctx);

#endif
