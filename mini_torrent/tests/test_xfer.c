/*
 * test_xfer.c — a seed's output through a real loopback TCP connection:
 * messages in the buffer and blocks as file spans, interleaved, arrive in
 * order and byte for byte the same whether the spans go by sendfile(2) or
 * by the pread + send fallback, across the files of a multi-file torrent,
 * and with zeros where a file on disk is shorter than the torrent says.
 */
#define _DEFAULT_SOURCE		/* mkdtemp */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "peer.h"
#include "rng.h"
#include "storage.h"
#include "wire.h"
#include "xfer.h"

#define BLK WIRE_BLOCK_LEN
#define PLEN (2 * BLK)

/* Three files; blocks straddle both boundaries. */
static const struct {
	const char *path;
	uint64_t length;
} layout[] = {
	{ "a.bin", 20000 },
	{ "b.bin", 5 },
	{ "c.bin", 60000 },
};
#define NFILES (sizeof(layout) / sizeof(layout[0]))

struct fixture {
	char dir[64];
	struct metainfo m;
	struct metainfo_file files[NFILES];
	uint8_t *content;
	struct storage store;
	int tx, rx;		/* the two ends of a loopback connection */
};

static void
write_file(const char *dir, const char *name, const uint8_t *b, size_t n)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/multi/%s", dir, name);
	cr_assert_not_null(fp = fopen(path, "wb"), "%s", path);
	cr_assert_eq(fwrite(b, 1, n, fp), n);
	cr_assert_eq(fclose(fp), 0);
}

static void
connect_pair(struct fixture *f)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_geq(l, 0);
	cr_assert_eq(bind(l, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(listen(l, 1), 0);
	cr_assert_eq(getsockname(l, (struct sockaddr *)&sin, &len), 0);
	cr_assert_geq(f->tx = socket(AF_INET, SOCK_STREAM, 0), 0);
	cr_assert_eq(connect(f->tx, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_geq(f->rx = accept(l, NULL, NULL), 0);
	close(l);
}

/* The torrent's files on disk (the last one cut short by `short_by`), a
 * read-only storage over them, and a connection. */
static void
fixture_init(struct fixture *f, size_t short_by)
{
	uint64_t off = 0, rng = 3;
	char path[128];

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/mt-xfer-XXXXXX");
	cr_assert_not_null(mkdtemp(f->dir));
	snprintf(path, sizeof(path), "%s/multi", f->dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	for (size_t i = 0; i < NFILES; i++) {
		f->files[i] = (struct metainfo_file){ .path = (char *)layout[i].path,
		    .length = layout[i].length, .offset = off };
		off += layout[i].length;
	}
	f->content = malloc(off);
	cr_assert_not_null(f->content);
	for (uint64_t i = 0; i < off; i++)
		f->content[i] = (uint8_t)rng_next(&rng);
	for (size_t i = 0; i < NFILES; i++)
		write_file(f->dir, layout[i].path, f->content + f->files[i].offset,
		    layout[i].length - (i == NFILES - 1 ? short_by : 0));
	memset(f->content + off - short_by, 0, short_by);
	f->m = (struct metainfo){ .name = "multi", .multi_file = 1,
	    .files = f->files, .file_count = NFILES, .total_length = off,
	    .piece_length = PLEN, .piece_count = (uint32_t)((off + PLEN - 1) / PLEN) };
	cr_assert_eq(storage_open(&f->store, &f->m, f->dir, 1, NULL), 0);
	connect_pair(f);
}

static void
fixture_free(struct fixture *f)
{
	char cmd[128];

	close(f->tx);
	close(f->rx);
	storage_close(&f->store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	cr_expect_eq(system(cmd), 0);
	free(f->content);
	xfer_use_fallback(0);
}

/*
 * Queues on p: a have, then for each block a piece header and the block as
 * a span, then a keep-alive; writes the bytes that must arrive into want.
 * Returns their count.
 */
static size_t
queue_blocks(struct fixture *f, struct peer *p, uint8_t *want)
{
	struct wire_msg have = { .type = WIRE_HAVE, .index = 1 };
	struct wire_msg ka = { .type = WIRE_KEEPALIVE };
	size_t n = 0;

	cr_assert_eq(peer_send(p, &have), 0);
	n += wire_encode(&have, want + n, 64);
	for (uint64_t off = 0; off < f->m.total_length; off += BLK) {
		uint32_t len = f->m.total_length - off < BLK ?
		    (uint32_t)(f->m.total_length - off) : BLK;
		uint8_t *h = peer_out_reserve(p, WIRE_PIECE_HDR);

		cr_assert_not_null(h);
		wire_piece_header(h, (uint32_t)(off / PLEN), off % PLEN, len);
		peer_out_commit(p, WIRE_PIECE_HDR);
		cr_assert_eq(peer_out_file(p, off, len), 0);
		wire_piece_header(want + n, (uint32_t)(off / PLEN), off % PLEN, len);
		memcpy(want + n + WIRE_PIECE_HDR, f->content + off, len);
		n += WIRE_PIECE_HDR + len;
	}
	cr_assert_eq(peer_send(p, &ka), 0);
	n += wire_encode(&ka, want + n, 64);
	cr_assert_eq(peer_out_pending(p), n);
	return n;
}

/* Sends all of p's output, at most chunk bytes per xfer_send (as an upload
 * limit hands them out), and reads it at the other end. */
static void
send_and_receive(struct fixture *f, struct peer *p, uint8_t *got, size_t n,
    size_t chunk)
{
	size_t sent = 0, recvd = 0;

	while (recvd < n) {
		if (sent < n) {
			int disk;
			size_t max = n - sent < chunk ? n - sent : chunk;
			size_t before = peer_out_pending(p);
			ssize_t k = xfer_send(p, &f->store, max, &disk);

			cr_assert(k >= 0 || errno == EAGAIN, "xfer_send: %s",
			    strerror(errno));
			cr_assert_eq(disk, 0);
			cr_assert_leq(k, (ssize_t)max, "sent more than allowed");
			cr_assert_eq(peer_out_pending(p), before - (k > 0 ? (size_t)k : 0));
			sent += k > 0 ? (size_t)k : 0;
		}
		ssize_t r = recv(f->rx, got + recvd, n - recvd,
		    sent < n ? MSG_DONTWAIT : 0);

		cr_assert(r > 0 || (r < 0 && errno == EAGAIN), "recv: %s",
		    r == 0 ? "closed" : strerror(errno));
		recvd += r > 0 ? (size_t)r : 0;
	}
	cr_expect_eq(peer_out_pending(p), 0);
}

/* Both paths, one after the other, over the same fixture. */
static void
check_both_paths(struct fixture *f, size_t chunk)
{
	for (int fallback = 0; fallback < 2; fallback++) {
		struct sockaddr_in sin = { .sin_family = AF_INET };
		struct peer *p = peer_new(f->tx, (struct sockaddr *)&sin,
		    sizeof(sin), 0, f->m.piece_count, 0, 1000);
		size_t cap = f->m.total_length + 4096;
		uint8_t *want = malloc(cap), *got = malloc(cap);
		struct xfer_stats before = xfer_stats;
		size_t n;

		cr_assert(p != NULL && want != NULL && got != NULL);
		xfer_use_fallback(fallback);
		n = queue_blocks(f, p, want);
		send_and_receive(f, p, got, n, chunk);
		cr_expect(memcmp(got, want, n) == 0, "%s: the bytes differ",
		    fallback ? "pread + send" : "sendfile");
		if (fallback)
			cr_expect_eq(xfer_stats.sendfile_bytes, before.sendfile_bytes);
		else
			cr_expect_gt(xfer_stats.sendfile_bytes, before.sendfile_bytes,
			    "sendfile was not used");
		peer_free(p);
		free(want);
		free(got);
	}
}

Test(xfer, blocks_by_sendfile_and_by_copy_arrive_the_same, .timeout = 20)
{
	struct fixture f;

	fixture_init(&f, 0);
	check_both_paths(&f, SIZE_MAX);
	cr_expect_eq(xfer_stats.fallback_bytes, f.m.total_length,
	    "the fallback sent %llu bytes", (unsigned long long)xfer_stats.fallback_bytes);
	fixture_free(&f);
}

Test(xfer, file_shorter_than_the_torrent_sends_zeros, .timeout = 20)
{
	struct fixture f;

	fixture_init(&f, 3000);
	check_both_paths(&f, SIZE_MAX);
	fixture_free(&f);
}

Test(xfer, sends_no_more_than_the_budget_and_resumes_mid_block, .timeout = 20)
{
	struct fixture f;

	fixture_init(&f, 0);
	check_both_paths(&f, 1000);	/* cuts headers and spans anywhere */
	fixture_free(&f);
}

Test(xfer, unreadable_file_is_a_disk_failure_not_a_socket_one, .timeout = 20)
{
	for (int fallback = 0; fallback < 2; fallback++) {
		struct sockaddr_in sin = { .sin_family = AF_INET };
		struct fixture f;
		struct peer *p;
		int disk = 0;

		fixture_init(&f, 0);
		xfer_use_fallback(fallback);
		p = peer_new(f.tx, (struct sockaddr *)&sin, sizeof(sin), 0,
		    f.m.piece_count, 0, 1000);
		cr_assert_not_null(p);
		cr_assert_eq(close(f.store.fds[0]), 0);
		f.store.fds[0] = -1;
		cr_assert_eq(peer_out_file(p, 0, BLK), 0);
		errno = 0;
		cr_expect_eq(xfer_send(p, &f.store, SIZE_MAX, &disk), -1);
		cr_expect_eq(disk, 1, "%s: a file that cannot be read was "
		    "reported as a socket failure (%s)",
		    fallback ? "pread + send" : "sendfile", strerror(errno));
		cr_expect_eq(peer_out_pending(p), BLK, "nothing was sent");
		peer_free(p);
		fixture_free(&f);
	}
}

Test(storage_locate, stops_at_the_end_of_a_file)
{
	struct fixture f;
	uint64_t within;
	int fd;

	fixture_init(&f, 0);
	cr_expect_eq(storage_locate(&f.store, 19000, BLK, &fd, &within), 1000);
	cr_expect_eq(fd, f.store.fds[0]);
	cr_expect_eq(within, 19000);
	cr_expect_eq(storage_locate(&f.store, 20001, BLK, &fd, &within), 4);
	cr_expect_eq(fd, f.store.fds[1]);
	cr_expect_eq(within, 1);
	cr_expect_eq(storage_locate(&f.store, 20005, 10, &fd, &within), 10);
	cr_expect_eq(fd, f.store.fds[2]);
	cr_expect_eq(within, 0);
	cr_expect_eq(storage_locate(&f.store, f.m.total_length, 1, &fd, &within), 0);
	fixture_free(&f);
}
