/*
 * xfer.h — moving a neighbour's output to its socket, file spans included.
 *
 * A seed's output is mostly the torrent's own bytes.  Read into a buffer and
 * sent from it, each byte is copied twice by the CPU; handed to the kernel
 * with sendfile(2), the page cache's pages go to the socket as they are.
 * So a block is queued as a 13-byte piece header in the output buffer and a
 * file span after it (peer_out_file), and this module sends both, in order.
 *
 * sendfile and TCP_CORK are Linux calls: they live here and nowhere else in
 * mini_torrent, each with a portable fallback (pread + send; no cork), which
 * is also what runs where sendfile cannot serve: a file that cannot be
 * spliced, or one shorter than the torrent says (sendfile returns 0 there;
 * the fallback sends zeros, as storage_read reads them).  Tests force the
 * fallback to check that both paths send the same bytes.
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
 * pread + send.  Returns the bytes sent (> 0), or -1 with errno (EAGAIN: the
 * socket is full); *disk is set to 1 when reading the file failed.
 */
ssize_t xfer_file(int sock, struct storage *st, uint64_t off, size_t len,
    int *disk);

/*
 * Sends up to max bytes of p's pending output (buffer bytes and file spans,
 * in order) to p->fd, and takes what was sent off the output.  Several
 * messages go out corked, so headers and blocks share segments.  Returns the
 * bytes sent (>= 0), or -1 with errno if nothing could be sent (EAGAIN: the
 * socket is full); *disk is set to 1 (else 0) when the failure was reading
 * the torrent's files, not the socket.
 */
ssize_t xfer_send(struct peer *p, struct storage *st, size_t max, int *disk);

#endif
