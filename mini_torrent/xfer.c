/*
 * xfer.c — output to a socket, file spans by sendfile(2) (see xfer.h).
 *
 * _DEFAULT_SOURCE for TCP_CORK and MSG_MORE; <sys/sendfile.h> on Linux.
 */
#define _DEFAULT_SOURCE
#include "xfer.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/sendfile.h>
#endif

#ifndef MSG_MORE
#define MSG_MORE 0
#endif

#define BOUNCE_LEN (64u * 1024)	/* the fallback's read buffer */

struct xfer_stats xfer_stats;
static int use_fallback;

void
xfer_use_fallback(int on)
{
	use_fallback = on;
}

/* TCP_CORK on or off (Linux); elsewhere, and on sockets that are not TCP,
 * nothing: corking only saves segments. */
static void
cork(int sock, int on)
{
#if defined(__linux__) && defined(TCP_CORK)
	(void)setsockopt(sock, IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
#else
	(void)sock;
	(void)on;
#endif
}

/* pread + send: the portable path.  Bytes the file lacks go out as zeros. */
static ssize_t
file_by_copy(int sock, struct storage *st, uint64_t off, size_t len, int *disk)
{
	static uint8_t bounce[BOUNCE_LEN];
	ssize_t n;

	if (len > sizeof(bounce))
		len = sizeof(bounce);
	if (storage_read(st, off, bounce, len) < 0) {
		*disk = 1;
		return -1;
	}
	n = send(sock, bounce, len, MSG_NOSIGNAL);
	if (n > 0)
		xfer_stats.fallback_bytes += (uint64_t)n;
	return n;
}

ssize_t
xfer_file(int sock, struct storage *st, uint64_t off, size_t len, int *disk)
{
#ifdef __linux__
	int fd;
	uint64_t within;
	size_t n;
	off_t o;
	ssize_t k;

	if (use_fallback ||
	    (n = storage_locate(st, off, len, &fd, &within)) == 0)
		return file_by_copy(sock, st, off, len, disk);
	o = (off_t)within;
	k = sendfile(sock, fd, &o, n);
	if (k > 0) {
		xfer_stats.sendfile_bytes += (uint64_t)k;
		return k;
	}
	if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return -1;
	/* 0: the file is shorter than it should be; EINVAL/ENOSYS: this file
	 * or socket cannot be spliced.  The copy path can, and for any other
	 * failure it tells which end failed, the file or the socket. */
	return file_by_copy(sock, st, off, n, disk);
#else
	return file_by_copy(sock, st, off, len, disk);
#endif
}

/* Sends one run of output (n bytes: buffer bytes, or a file span at off). */
static ssize_t
send_run(struct peer *p, struct storage *st, const uint8_t *data,
    uint64_t off, size_t n, int more, int *disk)
{
	ssize_t k;

	if (data == NULL)
		return xfer_file(p->fd, st, off, n, disk);
	k = send(p->fd, data, n, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
	if (k > 0)
		xfer_stats.buffer_bytes += (uint64_t)k;
	return k;
}

ssize_t
xfer_send(struct peer *p, struct storage *st, size_t max, int *disk)
{
	size_t total = 0;
	int corked = 0, e = 0;

	*disk = 0;
	while (total < max) {
		const uint8_t *data;
		uint64_t off;
		int more;
		size_t n = peer_out_next(p, &data, &off, &more);
		ssize_t k;

		if (n == 0)
			break;
		if (n > max - total) {
			n = max - total;
			more = 0;
		}
		if (more && !corked) {
			cork(p->fd, 1);
			corked = 1;
		}
		k = send_run(p, st, data, off, n, more, disk);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			e = k < 0 ? errno : EAGAIN;
			break;
		}
		peer_out_consumed(p, (size_t)k);
		total += (size_t)k;
		if ((size_t)k < n)
			break;	/* the socket is full */
	}
	if (corked)
		cork(p->fd, 0);
	if (total == 0 && max > 0 && peer_out_pending(p) > 0) {
		errno = e ? e : EAGAIN;
		return -1;
	}
	return (ssize_t)total;
}
