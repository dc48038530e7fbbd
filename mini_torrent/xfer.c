/*
 * xfer.c — output to a socket, file spans by sendfile(2) (see xfer.h).
 *
 * _DEFAULT_SOURCE for TCP_CORK and <sys/sendfile.h> on Linux.
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
file_by_copy(int sock, struct storage *st, uint64_t off, size_t len)
{
	static uint8_t bounce[BOUNCE_LEN];
	ssize_t n;

	if (len > sizeof(bounce))
		len = sizeof(bounce);
	if (storage_read(st, off, bounce, len) < 0)
		return -1;
	n = send(sock, bounce, len, MSG_NOSIGNAL);
	if (n > 0)
		xfer_stats.fallback_bytes += (uint64_t)n;
	return n;
}

ssize_t
xfer_file(int sock, struct storage *st, uint64_t off, size_t len)
{
#ifdef __linux__
	int fd;
	uint64_t within;
	size_t n;
	off_t o;
	ssize_t k;

	if (use_fallback ||
	    (n = storage_locate(st, off, len, &fd, &within)) == 0)
		return file_by_copy(sock, st, off, len);
	o = (off_t)within;
	k = sendfile(sock, fd, &o, n);
	if (k > 0) {
		xfer_stats.sendfile_bytes += (uint64_t)k;
		return k;
	}
	/* 0: the file is shorter than it should be; EINVAL/ENOSYS: this
	 * file or socket cannot be spliced.  The copy path can. */
	if (k == 0 || errno == EINVAL || errno == ENOSYS)
		return file_by_copy(sock, st, off, n);
	return -1;
#else
	return file_by_copy(sock, st, off, len);
#endif
}

ssize_t
xfer_send(struct peer *p, struct storage *st, size_t max)
{
	size_t total = 0;
	int corked = 0;

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
		if (data != NULL) {
			k = send(p->fd, data, n, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
			if (k > 0)
				xfer_stats.buffer_bytes += (uint64_t)k;
		} else {
			k = xfer_file(p->fd, st, off, n);
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		peer_out_consumed(p, (size_t)k);
		total += (size_t)k;
		if ((size_t)k < n)
			break;	/* the socket is full */
	}
	int e = errno;

	if (corked)
		cork(p->fd, 0);
	errno = e;
	if (total == 0 && max > 0 && peer_out_pending(p) > 0)
		return -1;	/* errno from the failed call */
	return (ssize_t)total;
}
