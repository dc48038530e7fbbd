/*
 * xfer_floor.c — what one file costs to move through one loopback TCP
 * connection at the least, for bench/xfer_floor.sh: the floor under
 * bench/torrent_bulk.sh's CPU-seconds per GiB.
 *
 *   xfer_floor SEND RECV FILE [OUT]
 *
 * One process forks: the child receives, the parent sends FILE, and each
 * prints its own CPU seconds (getrusage: user + system) once the last byte
 * has moved.  SEND is what a seed does at the least:
 *   blocks  per 16 KiB block, its 13-byte BitTorrent piece header with
 *           send(MSG_MORE), then sendfile(2) of the block (what a seed that
 *           answers requests one block at a time cannot do without);
 *   corked  the same inside one TCP_CORK for the whole file, so headers and
 *           blocks fill 64 KiB segments instead of one push per block;
 *   mmap    the file mapped, and each piece's 16 blocks with their headers
 *           sent by one sendmsg(2) over 32 slots: one copy, 1/32 the calls;
 *   big     sendfile(2) of the whole file, no headers (the bare pipe);
 *   copy    read(2) + send(2) in 128 KiB pieces (socat -b 131072's way).
 * RECV is what a leecher does at the least:
 *   discard recv(2) into one 256 KiB buffer, thrown away;
 *   sha1    each 256 KiB piece received in place (headers apart: one
 *           recvmsg(2) over header and block slots) and hashed;
 *   store   the same, then one pwrite(2) of each piece into OUT;
 *   sha1x2, store2  sha1 and store on two threads: the receiving thread
 *           fills a ring of RING pieces in place and a second thread
 *           hashes (and writes) each, so the copy out of the socket and
 *           SHA-1 run on both cores at once (does a second thread pay for
 *           itself on 2 cores?  The CPU seconds are both threads', and
 *           the second thread's own follow in brackets).
 * The file's length must be a multiple of 16 KiB; the sender's headers say
 * nothing useful (the receiver knows the layout).  Linux only (sendfile).
 */
#define _DEFAULT_SOURCE		/* MSG_MORE, TCP_CORK */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchlib.h"
#include "sha1.h"

#define BLOCK (16u * 1024)
#define PIECE (256u * 1024)
#define HDR 13u
#define SLOTS (PIECE / BLOCK)

enum send_mode { SEND_BLOCKS, SEND_CORKED, SEND_MMAP, SEND_BIG, SEND_COPY, SEND_COUNT };
enum recv_mode { RECV_DISCARD, RECV_SHA1, RECV_STORE, RECV_SHA1X2, RECV_STORE2, RECV_COUNT };
static const char *send_names[SEND_COUNT] = { "blocks", "corked", "mmap", "big", "copy" };
static const char *recv_names[RECV_COUNT] = { "discard", "sha1", "store", "sha1x2", "store2" };

/* The index of name in names[0..n), or -1. */
static int
mode_of(const char *name, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

/* This process's user + system CPU seconds. */
static double
cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		err(1, "getrusage");
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* sendfile all of [off, off + n) of fd to s (a blocking socket). */
static void
sendfile_all(int s, int fd, off_t off, size_t n)
{
	while (n > 0) {
		ssize_t k = sendfile(s, fd, &off, n);

		if (k <= 0)
			err(1, "sendfile");
		n -= (size_t)k;
	}
}

static void
send_all(int s, const void *buf, size_t n, int flags)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t k = send(s, p, n, flags | MSG_NOSIGNAL);

		if (k <= 0)
			err(1, "send");
		p += k;
		n -= (size_t)k;
	}
}

/* Sends the mapped file a piece per sendmsg, each block after its header. */
static void
send_mapped(int s, int fd, size_t size)
{
	static unsigned char hdr[HDR] = { 0, 0, 0x40, 9, 7 };
	struct iovec iov[2 * SLOTS];
	unsigned char *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);

	if (map == MAP_FAILED)
		err(1, "mmap");
	for (size_t off = 0; off < size; off += PIECE) {
		size_t k = 0;

		for (size_t b = off; b < size && b < off + PIECE; b += BLOCK) {
			iov[k++] = (struct iovec){ hdr, HDR };
			iov[k++] = (struct iovec){ map + b, BLOCK };
		}
		for (size_t first = 0; first < k;) {
			struct msghdr mh = { .msg_iov = iov + first,
			    .msg_iovlen = k - first };
			ssize_t n = sendmsg(s, &mh, MSG_NOSIGNAL);

			if (n <= 0)
				err(1, "sendmsg");
			for (; first < k && (size_t)n >= iov[first].iov_len; first++)
				n -= (ssize_t)iov[first].iov_len;
			if (first < k) {	/* cut inside this slot */
				iov[first].iov_base = (char *)iov[first].iov_base + n;
				iov[first].iov_len -= (size_t)n;
			}
		}
	}
	munmap(map, size);
}

static void
send_file(enum send_mode m, int s, int fd, size_t size)
{
	static char buf[128 * 1024];
	unsigned char hdr[HDR] = { 0, 0, 0x40, 9, 7 };
	int on = 1;

	if (m == SEND_BIG || m == SEND_MMAP) {
		if (m == SEND_BIG)
			sendfile_all(s, fd, 0, size);
		else
			send_mapped(s, fd, size);
		return;
	}
	if (m == SEND_CORKED &&
	    setsockopt(s, IPPROTO_TCP, TCP_CORK, &on, sizeof(on)) == -1)
		err(1, "TCP_CORK");
	for (size_t off = 0; off < size;) {
		if (m == SEND_COPY) {
			ssize_t k = read(fd, buf, sizeof(buf));

			if (k <= 0)
				err(1, "read");
			send_all(s, buf, (size_t)k, 0);
			off += (size_t)k;
			continue;
		}
		send_all(s, hdr, sizeof(hdr), MSG_MORE);
		sendfile_all(s, fd, (off_t)off, BLOCK);
		off += BLOCK;
	}
	on = 0;
	if (m == SEND_CORKED &&
	    setsockopt(s, IPPROTO_TCP, TCP_CORK, &on, sizeof(on)) == -1)
		err(1, "TCP_CORK");
}

/*
 * Receives one piece of n bytes into piece[], each block after its header
 * when the stream has headers: one recvmsg over the slots still empty.
 */
static void
recv_piece(int s, unsigned char *piece, size_t n, int headers)
{
	static unsigned char hdrs[SLOTS][HDR];
	struct iovec iov[2 * SLOTS];
	size_t got = 0, stride = headers ? HDR + BLOCK : BLOCK;
	size_t total = headers ? n / BLOCK * stride : n;

	while (got < total) {
		struct msghdr mh = { .msg_iov = iov };
		size_t at = got, k = 0;
		ssize_t r;

		for (size_t b = at / stride; b < n / BLOCK; b++) {
			size_t in = b == at / stride ? at % stride : 0;

			if (headers && in < HDR)
				iov[k++] = (struct iovec){ hdrs[b] + in, HDR - in };
			in = headers ? (in > HDR ? in - HDR : 0) : in;
			iov[k++] = (struct iovec){ piece + b * BLOCK + in, BLOCK - in };
		}
		mh.msg_iovlen = k;
		if ((r = recvmsg(s, &mh, MSG_WAITALL)) <= 0)
			err(1, "recvmsg");
		got += (size_t)r;
	}
}

/* The bytes of piece i of a file of size bytes. */
static size_t
piece_len(size_t size, size_t i)
{
	return size - i * PIECE < PIECE ? size - i * PIECE : PIECE;
}

/*
 * The ring between the two threads of sha1x2 and store2.  Piece i lives in
 * buf[i % RING]; filled and done count the pieces received and hashed, so
 * the receiver waits while filled - done == RING and the hasher while
 * done == filled.  A few pieces are enough to ride out either thread's
 * hiccups; more only spill the caches.
 */
#ifndef RING
#define RING 4		/* cc -DRING=8 to try another */
#endif
struct ring {
	unsigned char buf[RING][PIECE];
	size_t size;		/* of the file */
	int out;		/* -1: hash only */
	size_t filled, done;	/* under mu */
	double hasher_s;	/* the hasher's CPU seconds, once joined */
	pthread_mutex_t mu;
	pthread_cond_t more;	/* filled grew */
	pthread_cond_t room;	/* done grew */
};

/* Exits with what failed when e, a pthread call's result, is an error. */
static void
pt_check(int e, const char *what)
{
	if (e != 0) {
		errno = e;
		err(1, "%s", what);
	}
}

/* Sets *count to n under the lock and wakes whoever waits on c. */
static void
ring_publish(struct ring *r, size_t *count, size_t n, pthread_cond_t *c)
{
	pt_check(pthread_mutex_lock(&r->mu), "pthread_mutex_lock");
	*count = n;
	pt_check(pthread_cond_signal(c), "pthread_cond_signal");
	pt_check(pthread_mutex_unlock(&r->mu), "pthread_mutex_unlock");
}

/* Waits on c until *count != busy (both under the lock). */
static void
ring_await(struct ring *r, const size_t *count, size_t busy, pthread_cond_t *c)
{
	pt_check(pthread_mutex_lock(&r->mu), "pthread_mutex_lock");
	while (*count == busy)
		pt_check(pthread_cond_wait(c, &r->mu), "pthread_cond_wait");
	pt_check(pthread_mutex_unlock(&r->mu), "pthread_mutex_unlock");
}

/* The second thread: hashes, then writes unless out is -1, each piece in turn. */
static void *
ring_hasher(void *arg)
{
	struct ring *r = arg;
	unsigned char digest[SHA1_LEN];
	struct timespec ts;

	for (size_t i = 0; i * PIECE < r->size; i++) {
		unsigned char *p = r->buf[i % RING];
		size_t n = piece_len(r->size, i);

		ring_await(r, &r->filled, i, &r->more);
		sha1(p, n, digest);
		if (r->out != -1 && pwrite(r->out, p, n, (off_t)(i * PIECE)) != (ssize_t)n)
			err(1, "pwrite");
		ring_publish(r, &r->done, i + 1, &r->room);
	}
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == -1)
		err(1, "clock_gettime");
	r->hasher_s = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	return NULL;
}

/*
 * Receives the file into the ring while ring_hasher empties it.  Returns
 * the hasher's CPU seconds.
 */
static double
recv_ring(int s, int out, size_t size, int headers)
{
	static struct ring r = { .mu = PTHREAD_MUTEX_INITIALIZER,
	    .more = PTHREAD_COND_INITIALIZER, .room = PTHREAD_COND_INITIALIZER };
	pthread_t t;

	r.size = size;
	r.out = out;
	pt_check(pthread_create(&t, NULL, ring_hasher, &r), "pthread_create");
	for (size_t i = 0; i * PIECE < size; i++) {
		if (i >= RING)
			ring_await(&r, &r.done, i - RING, &r.room);
		recv_piece(s, r.buf[i % RING], piece_len(size, i), headers);
		ring_publish(&r, &r.filled, i + 1, &r.more);
	}
	pt_check(pthread_join(t, NULL), "pthread_join");
	return r.hasher_s;
}

/* Receives the file as m says; returns a second thread's CPU seconds, or 0. */
static double
recv_file(enum recv_mode m, int s, int out, size_t size, int headers)
{
	static unsigned char piece[PIECE];
	unsigned char digest[SHA1_LEN];

	if (m == RECV_DISCARD) {
		size_t want = headers ? size / BLOCK * (HDR + BLOCK) : size;

		for (ssize_t k; want > 0; want -= (size_t)k)
			if ((k = recv(s, piece, sizeof(piece), 0)) <= 0)
				err(1, "recv");
		return 0;
	}
	if (m == RECV_SHA1X2 || m == RECV_STORE2)
		return recv_ring(s, m == RECV_STORE2 ? out : -1, size, headers);
	for (size_t off = 0; off < size; off += PIECE) {
		size_t n = piece_len(size, off / PIECE);

		recv_piece(s, piece, n, headers);
		sha1(piece, n, digest);
		if (m == RECV_STORE && pwrite(out, piece, n, (off_t)off) != (ssize_t)n)
			err(1, "pwrite");
	}
	return 0;
}

/* A connected pair over 127.0.0.1: *tx the connecting end, *rx accepted. */
static void
loopback_pair(int *tx, int *rx)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l == -1 || bind(l, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(l, 1) == -1 || getsockname(l, (struct sockaddr *)&a, &al) == -1)
		err(1, "listen on 127.0.0.1");
	if ((*tx = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(*tx, (struct sockaddr *)&a, sizeof(a)) == -1)
		err(1, "connect");
	if ((*rx = accept(l, NULL, NULL)) == -1)
		err(1, "accept");
	close(l);
}

int
main(int argc, char **argv)
{
	int sm, rm, fd, out = -1, tx, rx, status;
	struct stat st;
	double t0, cpu0, second;
	pid_t kid;

	bench_set_usage("usage: xfer_floor blocks|corked|mmap|big|copy discard|sha1|store|sha1x2|store2 FILE [OUT]");
	if (argc < 4 || (sm = mode_of(argv[1], send_names, SEND_COUNT)) < 0 ||
	    (rm = mode_of(argv[2], recv_names, RECV_COUNT)) < 0 ||
	    (rm == RECV_STORE || rm == RECV_STORE2) != (argc == 5) || argc > 5)
		bench_usage();
	if ((fd = open(argv[3], O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		err(1, "%s", argv[3]);
	if (st.st_size % BLOCK != 0)
		errx(1, "%s: the length must be a multiple of %u", argv[3], BLOCK);
	if (argc == 5 && (out = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		err(1, "%s", argv[4]);
	loopback_pair(&tx, &rx);
	t0 = bench_now_s();
	if ((kid = fork()) == -1)
		err(1, "fork");
	if (kid == 0) {
		close(tx);
		cpu0 = cpu_s();
		second = recv_file(rm, rx, out, (size_t)st.st_size,
		    sm != SEND_BIG && sm != SEND_COPY);
		printf("recv %-7s %.3f cpu-s/GiB", recv_names[rm],
		    (cpu_s() - cpu0) * (1 << 30) / (double)st.st_size);
		if (second > 0)
			printf(" (hasher %.3f)", second * (1 << 30) / (double)st.st_size);
		printf("\n");
		return 0;
	}
	close(rx);
	cpu0 = cpu_s();
	send_file(sm, tx, fd, (size_t)st.st_size);
	if (shutdown(tx, SHUT_WR) == -1 || waitpid(kid, &status, 0) == -1)
		err(1, "shutdown/waitpid");
	printf("send %-7s %.3f cpu-s/GiB  %.0f MB/s\n", send_names[sm],
	    (cpu_s() - cpu0) * (1 << 30) / (double)st.st_size,
	    (double)st.st_size / (bench_now_s() - t0) / 1e6);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
