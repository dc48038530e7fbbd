/*
 * mtkit.c — see mtkit.h.  Test code: failures abort the test through
 * Criterion's assertions rather than returning errors nobody checks.
 */
#define _DEFAULT_SOURCE		/* mkdtemp */
#include "mtkit.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bencode.h"
#include "rng.h"
#include "sha1.h"

void
mtkit_tmpdir(char *buf, size_t cap, const char *tag)
{
	snprintf(buf, cap, "/tmp/mt-%s-XXXXXX", tag);
	cr_assert_not_null(mkdtemp(buf), "mkdtemp: %s", strerror(errno));
}

void
mtkit_rmdir(const char *dir)
{
	char cmd[512];

	if (getenv("MTKIT_KEEP") != NULL) {	/* for a post-mortem */
		cr_log_info("kept %s", dir);
		return;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", dir);
}

char *
mtkit_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	cr_assert_not_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

void
mtkit_random_file(const char *path, size_t size, uint64_t seed)
{
	FILE *f = fopen(path, "wb");
	uint8_t chunk[8192];

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	while (size > 0) {
		size_t n = size < sizeof(chunk) ? size : sizeof(chunk);

		for (size_t i = 0; i < n; i += 8) {
			uint64_t r = rng_next(&seed);

			memcpy(chunk + i, &r, n - i < 8 ? n - i : 8);
		}
		cr_assert_eq(fwrite(chunk, 1, n, f), n);
		size -= n;
	}
	cr_assert_eq(fclose(f), 0);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, k;

	if (f == NULL)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			cr_assert_not_null(buf = realloc(buf, cap + 1));
		}
		k = fread(buf + n, 1, cap - n, f);
		n += k;
	} while (k > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

void
mtkit_make_torrent(const char *torrent_path, const char *data_path,
    uint32_t piece_len, const char *announce, uint8_t info_hash[20])
{
	const char *name = strrchr(data_path, '/');
	struct bencode_buf b, info;
	size_t len, np;
	uint8_t *data = slurp(data_path, &len), *hashes;
	FILE *f;

	cr_assert_not_null(data, "%s", data_path);
	name = name != NULL ? name + 1 : data_path;
	np = (len + piece_len - 1) / piece_len;
	cr_assert_not_null(hashes = malloc(np * 20 + 1));
	for (size_t i = 0; i < np; i++)
		sha1(data + i * piece_len, len - i * piece_len < piece_len ?
		    len - i * piece_len : piece_len, hashes + i * 20);
	bencode_buf_init(&info);
	bencode_begin_dict(&info);
	bencode_put_cstr(&info, "length");
	bencode_put_int(&info, (long long)len);
	bencode_put_cstr(&info, "name");
	bencode_put_cstr(&info, name);
	bencode_put_cstr(&info, "piece length");
	bencode_put_int(&info, piece_len);
	bencode_put_cstr(&info, "pieces");
	bencode_put_str(&info, hashes, np * 20);
	bencode_end(&info);
	bencode_buf_init(&b);
	bencode_begin_dict(&b);
	if (announce != NULL) {
		bencode_put_cstr(&b, "announce");
		bencode_put_cstr(&b, announce);
	}
	bencode_put_cstr(&b, "info");
	bencode_put_raw(&b, info.data, info.len);
	bencode_end(&b);
	cr_assert(!b.failed && !info.failed);
	if (info_hash != NULL)
		sha1(info.data, info.len, info_hash);
	cr_assert_not_null(f = fopen(torrent_path, "wb"));
	cr_assert_eq(fwrite(b.data, 1, b.len, f), b.len);
	cr_assert_eq(fclose(f), 0);
	bencode_buf_free(&b);
	bencode_buf_free(&info);
	free(hashes);
	free(data);
}

int
mtkit_same_file(const char *a, const char *b)
{
	size_t la, lb;
	uint8_t *x = slurp(a, &la), *y = slurp(b, &lb);
	int same = x != NULL && y != NULL && la == lb && memcmp(x, y, la) == 0;

	free(x);
	free(y);
	return same;
}

void
mtkit_copy_pieces(const char *src, const char *dst, uint32_t piece_len,
    uint32_t from, uint32_t to)
{
	size_t len;
	uint8_t *data = slurp(src, &len);
	size_t lo = (size_t)from * piece_len, hi = (size_t)to * piece_len;
	FILE *f;

	cr_assert_not_null(data, "%s", src);
	lo = lo < len ? lo : len;
	hi = hi < len ? hi : len;
	memset(data, 0, lo);
	memset(data + hi, 0, len - hi);
	cr_assert_not_null(f = fopen(dst, "wb"), "%s", dst);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
	free(data);
}

int
mtkit_start(struct proc *p, char *const argv[])
{
	int port;

	cr_assert_eq(proc_start(p, argv), 0, "start %s: %s", argv[0],
	    strerror(errno));
	port = proc_wait_listening(p, NULL, 0, 20000);
	cr_assert_gt(port, 0, "%s never said it was listening; stderr: %s",
	    argv[0], proc_stderr(p));
	return port;
}

int
mtkit_start_tracker(struct proc *p)
{
	char *argv[] = { (char *)proc_bin("mt-tracker"), "-b", "127.0.0.1",
	    "-p", "0", "--interval", "5", NULL };

	return mtkit_start(p, argv);
}

/* Does line contain every needle? */
static int
matches(const char *line, const char *const *needles)
{
	for (; *needles != NULL; needles++)
		if (strstr(line, *needles) == NULL)
			return 0;
	return 1;
}

int
mtkit_log_count(const char *path, const char *const *needles)
{
	size_t len;
	char *buf = (char *)slurp(path, &len), *line, *save = NULL;
	int n = 0;

	if (buf == NULL)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		n += matches(line, needles);
	free(buf);
	return n;
}

int
mtkit_log_wait(const char *path, const char *const *needles, int timeout_ms)
{
	long end = proc_now_ms() + timeout_ms;
	struct timespec tick = { 0, 20 * 1000000 };

	while (proc_now_ms() < end) {
		if (mtkit_log_count(path, needles) > 0)
			return 0;
		nanosleep(&tick, NULL);
	}
	return -1;
}

long long
mtkit_json_int(const char *line, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	if ((p = strstr(line, pat)) == NULL)
		return -1;
	return strtoll(p + strlen(pat), NULL, 10);
}

int
mtkit_log_pieces(const char *path, uint8_t *have, uint32_t npieces)
{
	size_t len;
	char *buf = (char *)slurp(path, &len), *line, *save = NULL;
	int n = 0;

	if (buf == NULL)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		long long piece;

		if (strstr(line, "\"ev\":\"piece\"") == NULL ||
		    strstr(line, "\"ok\":1") == NULL)
			continue;
		piece = mtkit_json_int(line, "piece");
		if (piece >= 0 && (uint64_t)piece < npieces && !have[piece]) {
			have[piece] = 1;
			n++;
		}
	}
	free(buf);
	return n;
}

/* ---- a fake peer ---- */

int
mtkit_listen(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert_geq(fd, 0);
	/* Programs the test starts later must not inherit it. */
	cr_assert_eq(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(fd, 8), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void
fake_init(struct mtkit_fake *f, int fd, uint32_t npieces)
{
	cr_assert_eq(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
	f->fd = fd;
	f->start = f->end = 0;
	wire_parser_init(&f->parser, npieces, 1);
}

int
mtkit_accept(struct mtkit_fake *f, int lfd, uint32_t npieces, int timeout_ms)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	int fd;

	if (poll(&pfd, 1, timeout_ms) != 1 || (fd = accept(lfd, NULL, NULL)) < 0)
		return -1;
	fake_init(f, fd, npieces);
	return 0;
}

int
mtkit_dial(struct mtkit_fake *f, int port, uint32_t npieces)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fake_init(f, fd, npieces);
	return 0;
}

void
mtkit_fake_close(struct mtkit_fake *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

int
mtkit_send_raw(struct mtkit_fake *f, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n > 0) {
		ssize_t k = send(f->fd, p, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
mtkit_send(struct mtkit_fake *f, const struct wire_msg *m)
{
	static uint8_t out[WIRE_HANDSHAKE_LEN + WIRE_PIECE_HDR + (1 << 17)];
	size_t n = wire_encode(m, out, sizeof(out));

	return n == 0 ? -1 : mtkit_send_raw(f, out, n);
}

/* Reads what is there, waiting up to timeout_ms.  Returns bytes read, 0 at
 * the deadline, -1 on close or error. */
static int
fill(struct mtkit_fake *f, int timeout_ms)
{
	struct pollfd pfd = { .fd = f->fd, .events = POLLIN };
	ssize_t n;

	if (f->start > 0) {
		memmove(f->buf, f->buf + f->start, f->end - f->start);
		f->end -= f->start;
		f->start = 0;
	}
	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	n = recv(f->fd, f->buf + f->end, sizeof(f->buf) - f->end, 0);
	if (n <= 0)
		return -1;
	f->end += (size_t)n;
	return (int)n;
}

int
mtkit_recv(struct mtkit_fake *f, struct wire_msg *m, int timeout_ms)
{
	long end = proc_now_ms() + timeout_ms;

	for (;;) {
		size_t used;
		enum wire_status st = wire_parse(&f->parser, f->buf + f->start,
		    f->end - f->start, m, &used);
		long left;

		f->start += used;
		if (st == WIRE_OK)
			return 1;
		if (st != WIRE_NEED_MORE)
			return -1;
		if ((left = end - proc_now_ms()) <= 0)
			return 0;
		if (fill(f, (int)left) < 0)
			return -1;
	}
}

int
mtkit_anything(struct mtkit_fake *f, int timeout_ms)
{
	int r;

	if (f->end > f->start)
		return 1;
	r = fill(f, timeout_ms);
	return r > 0 ? 1 : r;
}

void
mtkit_send_handshake(struct mtkit_fake *f, const uint8_t info_hash[20],
    const char *peer_id)
{
	struct wire_msg hs = { .type = WIRE_HANDSHAKE };

	memcpy(hs.info_hash, info_hash, 20);
	memcpy(hs.peer_id, peer_id, 20);
	cr_assert_eq(mtkit_send(f, &hs), 0);
}

void
mtkit_expect(struct mtkit_fake *f, struct wire_msg *m, enum wire_type want)
{
	int r;

	do
		r = mtkit_recv(f, m, 5000);
	while (r == 1 && (m->type == WIRE_KEEPALIVE || m->type == WIRE_HAVE));
	cr_assert_eq(r, 1, "no %s message (connection %s)",
	    wire_type_name(want), r == 0 ? "silent" : "closed");
	cr_assert_eq(m->type, want, "got %s, expected %s",
	    wire_type_name(m->type), wire_type_name(want));
}

void
mtkit_expect_closed(struct mtkit_fake *f, const char *why)
{
	struct wire_msg m;
	int r;

	while ((r = mtkit_recv(f, &m, 5000)) == 1)
		;
	cr_expect_eq(r, -1, "mt-peer kept the connection after %s", why);
}

/*
 * Criterion 2.4's runner, with --jobs=2, now and then loses 48 bytes of its
 * own bookkeeping when two workers finish close together, and LeakSanitizer
 * then fails the whole binary although every test passed.  The leak is
 * inside criterion_run_all_tests, which our code never calls, so only that
 * stack is suppressed (unwinding slowly, to see through Criterion's frames):
 * a leak in a test or in the code under test still fails.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:criterion_run_all_tests\n";
}

const char *
__lsan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}
