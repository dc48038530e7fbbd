/*
 * mtkit.h — helpers for the peer's integration tests: scratch directories,
 * random files and their torrents, starting trackers and peers, reading
 * their JSON Lines logs, and a hand-driven fake peer for speaking the wire
 * protocol at mt-peer (to lie to it, or to watch what it sends and when).
 *
 * Every wait has a deadline.  Log files are read as they grow: waiting for
 * an event in a log is waiting for the event, not sleeping.
 */
#ifndef MTKIT_H
#define MTKIT_H

#include <stddef.h>
#include <stdint.h>

#include "proc.h"
#include "wire.h"

/* A fresh directory under /tmp (removed by mtkit_rmdir, unless MTKIT_KEEP
 * is set in the environment). */
void mtkit_tmpdir(char *buf, size_t cap, const char *tag);
void mtkit_rmdir(const char *dir);
/* dir/name, in a new malloc'd string the caller frees. */
char *mtkit_path(const char *dir, const char *name);

/* Writes size pseudo-random bytes (from seed) to path. */
void mtkit_random_file(const char *path, size_t size, uint64_t seed);
/*
 * Writes a single-file torrent for the file at data_path (named after its
 * last path component) to torrent_path.  announce may be NULL.  Fills
 * info_hash when not NULL.
 */
void mtkit_make_torrent(const char *torrent_path, const char *data_path,
    uint32_t piece_len, const char *announce, uint8_t info_hash[20]);
int mtkit_same_file(const char *a, const char *b);
/* Copies src to dst with every byte outside pieces [from, to) zeroed: a
 * peer that has only those pieces. */
void mtkit_copy_pieces(const char *src, const char *dst, uint32_t piece_len,
    uint32_t from, uint32_t to);

/* Starts argv (NULL-terminated) and waits for "listening on".  Returns the
 * port. */
int mtkit_start(struct proc *p, char *const argv[]);
/* Starts mt-tracker on 127.0.0.1; returns its port. */
int mtkit_start_tracker(struct proc *p);

/* Lines of the file at path containing every one of the needles
 * (NULL-terminated list). */
int mtkit_log_count(const char *path, const char *const *needles);
/* Waits until such a line exists.  Returns 0, or -1 at the deadline. */
int mtkit_log_wait(const char *path, const char *const *needles,
    int timeout_ms);
/* Pieces verified so far, from a peer's log ("ev":"piece",...,"ok":1). */
int mtkit_log_pieces(const char *path, uint8_t *have, uint32_t npieces);
/* The integer after "key": in line, or -1. */
long long mtkit_json_int(const char *line, const char *key);

/* ---- a fake peer ---- */

struct mtkit_fake {
	int fd;
	struct wire_parser parser;
	uint8_t buf[1 << 18];
	size_t start, end;
};

/* A listening socket on 127.0.0.1, port 0.  Returns fd, port in *port. */
int mtkit_listen(int *port);
/* Accepts one connection within timeout_ms.  Returns 0 or -1. */
int mtkit_accept(struct mtkit_fake *f, int lfd, uint32_t npieces,
    int timeout_ms);
int mtkit_dial(struct mtkit_fake *f, int port, uint32_t npieces);
void mtkit_fake_close(struct mtkit_fake *f);
/* Sends a message.  Returns 0 or -1. */
int mtkit_send(struct mtkit_fake *f, const struct wire_msg *m);
int mtkit_send_raw(struct mtkit_fake *f, const void *buf, size_t n);
/*
 * Next message within timeout_ms.  Returns 1 (message in *m; valid until the
 * next call), 0 at the deadline, or -1 when the connection closed or sent
 * something unparseable.
 */
int mtkit_recv(struct mtkit_fake *f, struct wire_msg *m, int timeout_ms);
/* 1 if any byte arrives within timeout_ms, 0 if none, -1 on close. */
int mtkit_anything(struct mtkit_fake *f, int timeout_ms);
/* Sends a handshake for info_hash from peer_id (20 bytes). */
void mtkit_send_handshake(struct mtkit_fake *f, const uint8_t info_hash[20],
    const char *peer_id);
/* The next message that is not a keep-alive or have must be of type want
 * (within 5 s), or the test fails. */
void mtkit_expect(struct mtkit_fake *f, struct wire_msg *m,
    enum wire_type want);
/* Reads until mt-peer closes the connection; fails the test if it does not
 * within 5 s of silence. */
void mtkit_expect_closed(struct mtkit_fake *f, const char *why);

#endif
