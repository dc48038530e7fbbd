/*
 * test_peer_wire.c — mt-peer against a hand-driven peer that speaks the wire
 * protocol from this test: the handshake order real clients insist on, a
 * hostile or confused neighbour (bad first byte, wrong info-hash, wrong
 * lengths, oversized requests, unknown ids), a neighbour that is really
 * ourselves, and a liar whose blocks fail the SHA-1 check.  Also the
 * command-line face: --help, bad usage, missing or incomplete data.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mtkit.h"
#include "proc.h"

#define PLEN 32768
#define SIZE (1024 * 1024 + 1000)	/* 33 pieces: a short last one */
#define NPIECES 33

struct fixture {
	char dir[64];
	char *data, *torrent, *log;
	uint8_t info_hash[20];
	struct proc peer;
	int port;
};

static void
fixture_init(struct fixture *x, const char *tag, const char *announce)
{
	char *seed;

	memset(x, 0, sizeof(*x));
	mtkit_tmpdir(x->dir, sizeof(x->dir), tag);
	seed = mtkit_path(x->dir, "seed");
	cr_assert_eq(mkdir(seed, 0755), 0);
	x->data = mtkit_path(seed, "data.bin");
	x->torrent = mtkit_path(x->dir, "t.torrent");
	x->log = mtkit_path(x->dir, "peer.log");
	mtkit_random_file(x->data, SIZE, 99);
	mtkit_make_torrent(x->torrent, x->data, PLEN, announce, x->info_hash);
	free(seed);
}

static void
fixture_free(struct fixture *x)
{
	if (x->port > 0)
		proc_kill(&x->peer);
	mtkit_rmdir(x->dir);
	free(x->data);
	free(x->torrent);
	free(x->log);
}

/* Starts mt-peer in DIR/sub with extra options (NULL-terminated). */
static void
start(struct fixture *x, const char *sub, const char *const *extra)
{
	char *dir = mtkit_path(x->dir, sub), *argv[40];
	int n = 0;

	mkdir(dir, 0755);
	argv[n++] = (char *)proc_bin("mt-peer");
	argv[n++] = "-q";
	argv[n++] = "-b";
	argv[n++] = "127.0.0.1";
	argv[n++] = "-p";
	argv[n++] = "0";
	argv[n++] = "-o";
	argv[n++] = dir;
	argv[n++] = "--log";
	argv[n++] = x->log;
	for (; extra != NULL && *extra != NULL && n < 38; extra++)
		argv[n++] = (char *)*extra;
	argv[n++] = x->torrent;
	argv[n] = NULL;
	x->port = mtkit_start(&x->peer, argv);
	free(dir);
}

static void
start_seed(struct fixture *x)
{
	static const char *const opts[] = { "--seed", NULL };

	start(x, "seed", opts);
}

/* Dials the seed as peer_id id, swaps handshakes, reads its bitfield. */
static void
greet_seed_as(struct fixture *x, struct mtkit_fake *f, const char *id)
{
	struct wire_msg m;

	cr_assert_eq(mtkit_dial(f, x->port, NPIECES), 0);
	mtkit_send_handshake(f, x->info_hash, id);
	mtkit_expect(f, &m, WIRE_HANDSHAKE);
	mtkit_expect(f, &m, WIRE_BITFIELD);
}

static void
greet_seed(struct fixture *x, struct mtkit_fake *f)
{
	greet_seed_as(x, f, "-FK0001-aaaaaaaaaaaa");
}

Test(peer_wire, dialled_seed_answers_handshake_then_bitfield, .timeout = 30)
{
	struct fixture x;
	struct mtkit_fake f;
	struct wire_msg m;

	fixture_init(&x, "wire-order", NULL);
	start_seed(&x);
	cr_assert_eq(mtkit_dial(&f, x.port, NPIECES), 0);
	cr_expect_eq(mtkit_anything(&f, 300), 0,
	    "the dialled side spoke before our handshake");
	mtkit_send_handshake(&f, x.info_hash, "-FK0001-aaaaaaaaaaaa");
	mtkit_expect(&f, &m, WIRE_HANDSHAKE);
	cr_expect(memcmp(m.info_hash, x.info_hash, 20) == 0);
	cr_expect(memcmp(m.peer_id, "-MT0100-", 8) == 0, "peer_id prefix");
	for (int i = 0; i < 8; i++)
		cr_expect_eq(m.reserved[i], 0, "reserved byte %d", i);
	mtkit_expect(&f, &m, WIRE_BITFIELD);
	cr_expect_eq(m.data_len, 5);
	cr_expect_eq(m.data[4], 0x80, "33 pieces: one bit in the last byte");
	mtkit_fake_close(&f);
	fixture_free(&x);
}

Test(peer_wire, dialling_side_sends_bitfield_only_after_our_handshake,
    .timeout = 30)
{
	struct fixture x;
	struct mtkit_fake f;
	struct wire_msg m;
	char peer[32];
	const char *opts[] = { "--seed", "--peer", peer, NULL };
	int lport, lfd = mtkit_listen(&lport);

	fixture_init(&x, "wire-dial", NULL);
	snprintf(peer, sizeof(peer), "127.0.0.1:%d", lport);
	start(&x, "seed", opts);
	cr_assert_eq(mtkit_accept(&f, lfd, NPIECES, 5000), 0, "never dialled");
	mtkit_expect(&f, &m, WIRE_HANDSHAKE);
	/* aria2c bans a peer whose bitfield comes with its handshake. */
	cr_expect_eq(mtkit_anything(&f, 500), 0,
	    "bitfield sent before the other side's handshake");
	mtkit_send_handshake(&f, x.info_hash, "-FK0001-bbbbbbbbbbbb");
	mtkit_expect(&f, &m, WIRE_BITFIELD);
	mtkit_fake_close(&f);
	close(lfd);
	fixture_free(&x);
}

/* The bytes that must make mt-peer hang up, each on a fresh connection. */
static const struct {
	const char *what;
	const char *bytes;
	size_t len;
	int after_handshake;
} hostile[] = {
	{ "an HTTP request", "GET / HTTP/1.0\r\n\r\n", 18, 0 },
	{ "a wrong protocol string", "\x13" "BitTorrent protocoX", 20, 0 },
	{ "a have of 9 bytes", "\0\0\0\x09\4\0\0\0\1\0\0\0\0", 13, 1 },
	{ "a 4 GiB message", "\xff\xff\xff\xff\0", 5, 1 },
	{ "a request of 12 bytes", "\0\0\0\x0c\6\0\0\0\1\0\0\0\0\0\0\x40", 16, 1 },
	{ "a have past the last piece", "\0\0\0\5\4\0\0\0\x21", 9, 1 },
	{ "a bitfield of the wrong size", "\0\0\0\7\5\0\0\0\0\0\0", 11, 1 },
	{ "a bitfield with spare bits set", "\0\0\0\6\5\0\0\0\0\x40", 10, 1 },
};

Test(peer_wire, hangs_up_on_hostile_bytes_and_keeps_serving, .timeout = 60)
{
	struct fixture x;
	struct mtkit_fake f;

	fixture_init(&x, "wire-hostile", NULL);
	start_seed(&x);
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		if (hostile[i].after_handshake) {
			greet_seed(&x, &f);
		} else {
			cr_assert_eq(mtkit_dial(&f, x.port, NPIECES), 0);
		}
		mtkit_send_raw(&f, hostile[i].bytes, hostile[i].len);
		mtkit_expect_closed(&f, hostile[i].what);
		mtkit_fake_close(&f);
	}
	/* Still alive and serving. */
	greet_seed(&x, &f);
	mtkit_fake_close(&f);
	cr_expect_eq(proc_wait(&x.peer, 0), -1, "mt-peer exited");
	fixture_free(&x);
}

Test(peer_wire, drops_a_peer_silent_too_long, .timeout = 30)
{
	static const char *const opts[] = { "--seed", "--peer-timeout", "1s",
	    NULL };
	struct fixture x;
	struct mtkit_fake f;
	long t0;

	fixture_init(&x, "wire-silent", NULL);
	start(&x, "seed", opts);
	greet_seed(&x, &f);
	t0 = proc_now_ms();
	mtkit_expect_closed(&f, "a second of silence");
	cr_expect_lt(proc_now_ms() - t0, 4000, "took %ld ms",
	    proc_now_ms() - t0);
	cr_expect_eq(mtkit_log_wait(x.log, (const char *const[]){
	    "\"ev\":\"disconnect\"", "silent too long", NULL }, 5000), 0);
	mtkit_fake_close(&f);
	fixture_free(&x);
}

Test(peer_wire, hangs_up_on_another_torrent, .timeout = 30)
{
	struct fixture x;
	struct mtkit_fake f;
	uint8_t other[20];

	fixture_init(&x, "wire-hash", NULL);
	start_seed(&x);
	memcpy(other, x.info_hash, 20);
	other[0] ^= 1;
	cr_assert_eq(mtkit_dial(&f, x.port, NPIECES), 0);
	mtkit_send_handshake(&f, other, "-FK0001-cccccccccccc");
	mtkit_expect_closed(&f, "a handshake for another torrent");
	mtkit_fake_close(&f);
	fixture_free(&x);
}

/* Handshake, interested, and wait for the unchoke. */
static void
get_unchoked_as(struct fixture *x, struct mtkit_fake *f, const char *id)
{
	static const uint8_t bits[5] = { 0 };
	struct wire_msg m = { .type = WIRE_BITFIELD, .data = bits,
	    .data_len = 5 };

	greet_seed_as(x, f, id);
	cr_assert_eq(mtkit_send(f, &m), 0);
	m = (struct wire_msg){ .type = WIRE_INTERESTED };
	cr_assert_eq(mtkit_send(f, &m), 0);
	mtkit_expect(f, &m, WIRE_UNCHOKE);
}

static void
get_unchoked(struct fixture *x, struct mtkit_fake *f)
{
	get_unchoked_as(x, f, "-FK0001-aaaaaaaaaaaa");
}

/* Sends a request.  Returns 0, or -1 if mt-peer already hung up. */
static int
request(struct mtkit_fake *f, uint32_t piece, uint32_t begin, uint32_t len)
{
	struct wire_msg m = { .type = WIRE_REQUEST, .index = piece,
	    .begin = begin, .length = len };

	return mtkit_send(f, &m);
}

Test(peer_wire, serves_blocks_that_match_the_file, .timeout = 30)
{
	struct fixture x;
	struct mtkit_fake f;
	struct wire_msg m;
	FILE *fp;
	uint8_t want[16384];

	fixture_init(&x, "wire-serve", NULL);
	start_seed(&x);
	get_unchoked(&x, &f);
	/* Redundant and unknown messages are tolerated. */
	cr_assert_eq(mtkit_send_raw(&f, "\0\0\0\1\2" "\0\0\0\0"
	    "\0\0\0\7\x14" "abcdef", 20), 0);
	cr_assert_eq(request(&f, 32, 0, 1000), 0);	/* the short last piece */
	cr_assert_eq(request(&f, 3, 16384, 16384), 0);
	mtkit_expect(&f, &m, WIRE_PIECE);
	cr_expect_eq(m.index, 32);
	cr_expect_eq(m.data_len, 1000);
	cr_assert_not_null(fp = fopen(x.data, "rb"));
	cr_assert_eq(fseek(fp, 32L * PLEN, SEEK_SET), 0);
	cr_assert_eq(fread(want, 1, 1000, fp), 1000);
	cr_expect(memcmp(m.data, want, 1000) == 0, "last piece's bytes");
	mtkit_expect(&f, &m, WIRE_PIECE);
	cr_expect_eq(m.index, 3);
	cr_expect_eq(m.begin, 16384);
	cr_assert_eq(fseek(fp, 3L * PLEN + 16384, SEEK_SET), 0);
	cr_assert_eq(fread(want, 1, 16384, fp), 16384);
	cr_expect(memcmp(m.data, want, 16384) == 0, "block bytes");
	fclose(fp);
	mtkit_fake_close(&f);
	fixture_free(&x);
}

/*
 * Under an upload limit, the seed finishes one block before it starts the
 * next: two neighbours asking for two blocks each get them one after the
 * other, each at the full rate — not all four at a quarter of the rate, the
 * first of them only when half the time has gone.
 */
Test(peer_wire, rate_limited_upload_sends_one_block_at_a_time, .timeout = 30)
{
	static const char *const opts[] = { "--seed", "--upload-rate", "64K", NULL };
	struct fixture x;
	struct mtkit_fake f[2];
	struct wire_msg m;
	long t0, first = 0, last = 0;
	int got = 0;

	fixture_init(&x, "wire-turns", NULL);
	start(&x, "seed", opts);
	get_unchoked_as(&x, &f[0], "-FK0001-firstfirstfi");
	get_unchoked_as(&x, &f[1], "-FK0001-secondsecond");
	t0 = proc_now_ms();
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(request(&f[i], 1 + i, 0, 16384), 0);
		cr_assert_eq(request(&f[i], 1 + i, 16384, 16384), 0);
	}
	while (got < 4 && proc_now_ms() - t0 < 10000) {
		for (int i = 0; i < 2; i++) {
			if (mtkit_recv(&f[i], &m, 5) == 1 && m.type == WIRE_PIECE) {
				last = proc_now_ms() - t0;
				first = got++ == 0 ? last : first;
			}
		}
	}
	cr_assert_eq(got, 4, "%d blocks of 4 arrived", got);
	/* 16 KiB at 64 KiB/s: a block each 1/4 s, the first one after about a
	 * quarter of the whole (interleaved, after a half). */
	cr_expect_lt(first * 100, last * 35, "first block after %ld ms, the last after %ld ms",
	    first, last);
	cr_expect_geq(last, 700, "the limit held: 64 KiB in %ld ms", last);
	mtkit_fake_close(&f[0]);
	mtkit_fake_close(&f[1]);
	fixture_free(&x);
}

/*
 * The upload limit is for the file's bytes: while a slow upload of blocks
 * to one neighbour goes on, another neighbour's handshake, bitfield and
 * unchoke are not kept waiting for tokens.
 */
Test(peer_wire, upload_limit_does_not_hold_back_other_messages, .timeout = 30)
{
	static const char *const opts[] = { "--seed", "--upload-rate", "16K", NULL };
	struct fixture x;
	struct mtkit_fake busy, late;
	long t0, took;

	fixture_init(&x, "wire-control", NULL);
	start(&x, "seed", opts);
	get_unchoked_as(&x, &busy, "-FK0001-busybusybusy");
	for (uint32_t b = 0; b < 4; b++)	/* 64 KiB: four seconds at 16 KiB/s */
		cr_assert_eq(request(&busy, 1 + b / 2, b % 2 * 16384, 16384), 0);
	cr_assert_eq(mtkit_anything(&busy, 3000), 1, "the seed sends nothing");
	t0 = proc_now_ms();
	get_unchoked_as(&x, &late, "-FK0001-latelatelate");
	took = proc_now_ms() - t0;
	cr_expect_lt(took, 500, "handshake to unchoke took %ld ms behind a 16 KiB/s upload", took);
	mtkit_fake_close(&busy);
	mtkit_fake_close(&late);
	fixture_free(&x);
}

Test(peer_wire, ignores_oversized_requests_and_drops_abusers, .timeout = 30)
{
	struct fixture x;
	struct mtkit_fake f;

	fixture_init(&x, "wire-big", NULL);
	start_seed(&x);
	get_unchoked(&x, &f);
	cr_assert_eq(request(&f, 1, 0, 32768), 0);
	cr_expect_eq(mtkit_anything(&f, 500), 0, "answered a 32 KiB request");
	for (int i = 0; i < 40; i++)
		if (request(&f, 1, 0, 32768) < 0)
			break;		/* hung up on already */
	mtkit_expect_closed(&f, "40 oversized requests");
	mtkit_fake_close(&f);
	fixture_free(&x);
}

Test(peer_wire, hangs_up_on_itself, .timeout = 30)
{
	struct fixture x;
	struct mtkit_fake f;
	struct wire_msg m;
	char peer[32];
	const char *opts[] = { "--peer", peer, NULL };
	int lport, lfd = mtkit_listen(&lport);
	uint8_t id[20];

	fixture_init(&x, "wire-self", NULL);
	snprintf(peer, sizeof(peer), "127.0.0.1:%d", lport);
	start(&x, "leech", opts);
	cr_assert_eq(mtkit_accept(&f, lfd, NPIECES, 5000), 0, "never dialled");
	mtkit_expect(&f, &m, WIRE_HANDSHAKE);
	/* Like a tracker listing us to ourselves through another address:
	 * the peer at the other end has our own peer_id. */
	memcpy(id, m.peer_id, 20);
	mtkit_send_handshake(&f, x.info_hash, (const char *)id);
	mtkit_expect_closed(&f, "a handshake with its own peer_id");
	cr_expect_eq(mtkit_log_wait(x.log, (const char *const[]){
	    "\"ev\":\"disconnect\"", "connected to ourselves", NULL }, 5000), 0);
	/* And it does not dial that address again. */
	cr_expect_eq(mtkit_accept(&f, lfd, NPIECES, 7000), -1,
	    "dialled itself again");
	close(lfd);
	fixture_free(&x);
}

/* CPU seconds (user + system) pid has used, from /proc/PID/stat. */
static double
cpu_seconds(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	cr_assert_not_null(f = fopen(path, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields 14 and 15 (utime, stime) follow the ")" of field 2. */
	cr_assert_not_null(p = strrchr(buf, ')'));
	cr_assert_eq(sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
	    &ut, &st), 2);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/*
 * A tracker that accepts the connection and never answers: mt-peer gives up
 * on that announce once --tracker-timeout has passed (an "announce_failed"
 * event), and waits for it without spinning: the event loop used to poll
 * with a 0 ms timeout from the deadline on, a busy loop with no end.
 */
Test(peer_tracker, gives_up_on_a_tracker_that_never_answers, .timeout = 60)
{
	static const char *const opts[] = { "--tracker-timeout", "2s", NULL };
	static const char *const failed[] = { "\"announce_failed\"",
		"no answer within 2000 ms", NULL };
	struct fixture x;
	char url[64];
	int port, lfd = mtkit_listen(&port);
	double cpu;

	cr_assert_geq(lfd, 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/announce", port);
	fixture_init(&x, "stalltracker", url);
	start(&x, "leech", opts);
	cr_assert_eq(mtkit_log_wait(x.log, failed, 30000), 0,
	    "no announce_failed event after the tracker said nothing");
	cpu = cpu_seconds(x.peer.pid);
	cr_expect_lt(cpu, 0.5, "mt-peer used %.2f CPU seconds while it waited on a "
	    "silent tracker: a busy loop", cpu);
	close(lfd);
	fixture_free(&x);
}

/* ---- the command line ---- */

static int
run(char *const argv[], struct proc *p)
{
	cr_assert_eq(proc_start(p, argv), 0);
	return proc_wait(p, 10000);
}

Test(peer_cli, help_prints_usage_and_exits_0, .timeout = 15)
{
	char *argv[] = { (char *)proc_bin("mt-peer"), "--help", NULL };
	struct proc p;
	char line[256];

	cr_assert_eq(proc_start(&p, argv), 0);
	cr_assert_gt(proc_readline(&p, line, sizeof(line), 5000), 0);
	cr_expect(strstr(line, "usage: mt-peer") != NULL, "%s", line);
	cr_expect_eq(proc_wait(&p, 5000), 0);
	proc_kill(&p);
}

Test(peer_cli, bad_usage_exits_2_with_one_line, .timeout = 15)
{
	static const char *const cases[][4] = {
		{ NULL },
		{ "--upload-rate", "12X", "t.torrent", NULL },
		{ "--upload-rate", "+12K", "t.torrent", NULL },	/* args.c: no sign */
		{ "--peer-timeout", "2147483648", "t.torrent", NULL },	/* > an int of ms */
		{ "--rechoke-interval", "0", "t.torrent", NULL },
		{ "-p", "70000", "t.torrent", NULL },
		{ "--peer", "nowhere", "t.torrent", NULL },
		{ "--no-such-option", "t.torrent", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[6] = { (char *)proc_bin("mt-peer") };
		struct proc p;
		const char *err;
		int k = 1;

		for (int j = 0; cases[i][j] != NULL; j++)
			argv[k++] = (char *)cases[i][j];
		argv[k] = NULL;
		cr_expect_eq(run(argv, &p), 2, "case %zu", i);
		err = proc_stderr(&p);
		cr_expect(strchr(err, '\n') == err + strlen(err) - 1 ||
		    strstr(err, "usage") != NULL, "case %zu: %s", i, err);
		proc_kill(&p);
	}
}

Test(peer_cli, missing_torrent_is_a_runtime_error, .timeout = 15)
{
	char *argv[] = { (char *)proc_bin("mt-peer"), "-p", "0",
	    "/nonexistent/x.torrent", NULL };
	struct proc p;

	cr_expect_eq(run(argv, &p), 1);
	cr_expect(strncmp(proc_stderr(&p), "mt-peer: /nonexistent/x.torrent",
	    31) == 0, "%s", proc_stderr(&p));
	proc_kill(&p);
}

Test(peer_cli, seed_refuses_incomplete_data, .timeout = 15)
{
	struct fixture x;
	char *dir, *copy;
	struct proc p;

	fixture_init(&x, "cli-seed", NULL);
	dir = mtkit_path(x.dir, "half");
	cr_assert_eq(mkdir(dir, 0755), 0);
	copy = mtkit_path(dir, "data.bin");
	mtkit_copy_pieces(x.data, copy, PLEN, 0, 10);
	{
		char *argv[] = { (char *)proc_bin("mt-peer"), "-p", "0",
		    "--seed", "-o", dir, x.torrent, NULL };

		cr_expect_eq(run(argv, &p), 1);
	}
	cr_expect(strstr(proc_stderr(&p), "10 of 33 pieces") != NULL, "%s",
	    proc_stderr(&p));
	proc_kill(&p);
	free(dir);
	free(copy);
	fixture_free(&x);
}
