/*
 * xfer.h — moving a neighbour's output to its socket, file spans included.
 *
 * A seed's output is mostly the torrent's own bytes.  Read into a buffer and
 * sent from it, each byte is copied twice by the CPU; handed to the kernel
 * with sendfile(2), the page cache's pages go to the socket as they are.
 * sendfile and TCP_CORK are Linux calls: they live here and nowhere else,
 * each with a portable fallback (pread + send; no cork), which is also what
 * runs where sendfile cannot serve (a file shorter than the torrent says).
 * Tests force the fallback to check that both paths send the same bytes.
 */
#ifndef XFER_H
#define XFER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "peer.h"
#include "storage.h"

/* Bytes sent by each path since the start (for tests and curiosity). */
struct xfer_stats {
	uint64_t sendfile_bytes, fallback_bytes, buffer_bytes;
};
extern struct xfer_stats xfer_stats;

/* on != 0: never call sendfile (the pread + send path instead). */
void xfer_use_fallback(int on);

/*
 * Sends up to len bytes of the torrent at stream offset off to socket sock,
 * stopping at the end of a file: with sendfile(2) where it can, else with
 * pread + send (bytes past the end of a short file go out as zeros).
 * Returns the bytes sent (> 0), or -1 with errno (EAGAIN: the socket is full).
 */
ssize_t xfer_file(int sock, struct storage *st, uint64_t off, size_t len);

/*
 * Sends up to max bytes of p's pending output (buffer bytes and file spans,
 * in order) to p->fd, and takes what was sent off the output.  Several
 * pieces go out corked, so headers and blocks share segments.  Returns the
 * bytes sent (>= 0), or -1 with errno if nothing could be sent (EAGAIN:
 * the socket is full).
 */
ssize_t xfer_send(struct peer *p, struct storage *st, size_t max);

#endif
