/*
 * test_peer_liar.c — a neighbour that lies: it claims every piece, unchokes
 * at once, and answers every request instantly with junk, while the honest
 * seed is slow.  mt-peer must catch the junk with SHA-1, ban the liar, and
 * still finish with a perfect copy.
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

/*
 * A liar: it claims every piece, unchokes at once, and answers every
 * request instantly with junk.  The honest seed is slow.  mt-peer must catch
 * the junk with SHA-1, ban the liar, and still finish with a perfect copy.
 */
Test(peer_liar, bans_a_peer_whose_blocks_fail_the_hash, .timeout = 60)
{
	struct fixture x;
	struct proc seed;
	struct mtkit_fake f;
	struct wire_msg m;
	static uint8_t junk[16384];
	static const uint8_t all[5] = { 0xff, 0xff, 0xff, 0xff, 0x80 };
	char seedp[32], liarp[32], *seed_dir, *copy, needle[48];
	const char *opts[] = { "--peer", seedp, "--peer", liarp,
	    "--leave-when-done", NULL };
	int lport, lfd = mtkit_listen(&lport), served = 0, r;

	fixture_init(&x, "wire-liar", NULL);
	seed_dir = mtkit_path(x.dir, "seed");
	{
		char *argv[] = { (char *)proc_bin("mt-peer"), "-q", "--seed",
		    "-o", seed_dir, "-b", "127.0.0.1", "-p", "0",
		    "--upload-rate", "256K", x.torrent, NULL };

		snprintf(seedp, sizeof(seedp), "127.0.0.1:%d",
		    mtkit_start(&seed, argv));
	}
	snprintf(liarp, sizeof(liarp), "127.0.0.1:%d", lport);
	start(&x, "leech", opts);

	cr_assert_eq(mtkit_accept(&f, lfd, NPIECES, 5000), 0, "never dialled");
	mtkit_expect(&f, &m, WIRE_HANDSHAKE);
	mtkit_send_handshake(&f, x.info_hash, "-LI0001-liarliarliar");
	m = (struct wire_msg){ .type = WIRE_BITFIELD, .data = all,
	    .data_len = 5 };
	cr_assert_eq(mtkit_send(&f, &m), 0);
	m = (struct wire_msg){ .type = WIRE_UNCHOKE };
	cr_assert_eq(mtkit_send(&f, &m), 0);
	memset(junk, 0x5a, sizeof(junk));
	while ((r = mtkit_recv(&f, &m, 10000)) == 1) {
		struct wire_msg piece = { .type = WIRE_PIECE, .index = m.index,
		    .begin = m.begin, .data = junk, .data_len = m.length };

		if (m.type != WIRE_REQUEST)
			continue;
		if (mtkit_send(&f, &piece) < 0) {
			r = -1;		/* hung up on while we lied */
			break;
		}
		served++;
	}
	cr_expect_eq(r, -1, "the liar was never hung up on");
	cr_expect_gt(served, 0, "the liar was never asked for anything");
	mtkit_fake_close(&f);
	cr_expect_eq(proc_wait(&x.peer, 30000), 0, "leecher: %s",
	    proc_stderr(&x.peer));
	copy = mtkit_path(x.dir, "leech/data.bin");
	cr_expect(mtkit_same_file(x.data, copy), "the copy differs");
	snprintf(needle, sizeof(needle), "\"peer\":\"%s\"", liarp);
	cr_expect_eq(mtkit_log_count(x.log, (const char *const[]){
	    "\"ev\":\"ban\"", needle, NULL }), 1, "no ban of the liar");
	cr_expect_gt(mtkit_log_count(x.log, (const char *const[]){
	    "\"ev\":\"piece\"", "\"ok\":0", NULL }), 0, "no failed piece");
	cr_expect_eq(mtkit_accept(&f, lfd, NPIECES, 0), -1,
	    "the banned liar was dialled again");
	free(copy);
	free(seed_dir);
	proc_kill(&seed);
	close(lfd);
	fixture_free(&x);
}

