/*
 * test_peer_scripted.c — mt-peer downloading from neighbours this test
 * plays itself, so that it controls exactly who has what and who answers:
 * a liar whose blocks fail the SHA-1 check, a neighbour that never answers
 * (endgame), and neighbours whose bitfields make one piece the rarest.  What
 * mt-peer asks for, in which order, is read straight off the wire.
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
Test(peer_scripted, bans_a_peer_whose_blocks_fail_the_hash, .timeout = 60)
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


/* Answers a request from the fake peer with the file's real bytes. */
static void
answer(struct mtkit_fake *f, FILE *data, const struct wire_msg *req)
{
	static uint8_t block[16384];
	struct wire_msg piece = { .type = WIRE_PIECE, .index = req->index,
	    .begin = req->begin, .data = block, .data_len = req->length };

	cr_assert_leq(req->length, sizeof(block));
	cr_assert_eq(fseek(data, (long)req->index * 32768 + req->begin,
	    SEEK_SET), 0);
	cr_assert_eq(fread(block, 1, req->length, data), req->length);
	cr_assert_eq(mtkit_send(f, &piece), 0);
}

/*
 * Endgame.  Two fake seeds of a 4-block torrent: the first takes the
 * requests of a first pipeline and never answers.  Then the second one
 * unchokes: mt-peer asks it for the other blocks and, once it is idle, for
 * the first seed's blocks again, and cancels each request at the first seed
 * as the block arrives (after the last one it is complete, and hangs up on
 * the first seed instead: two seeds have nothing to say to each other).
 */
Test(peer_scripted, endgame_duplicates_requests_and_cancels_them, .timeout = 60)
{
	char dir[64], peer1[32], peer2[32], *data, *torrent, *copy, *log;
	const char *argv_opts[] = { "--peer", peer1, "--peer", peer2,
	    "--leave-when-done", NULL };
	static const uint8_t all[1] = { 0xc0 };
	struct wire_msg m, bf = { .type = WIRE_BITFIELD, .data = all,
	    .data_len = 1 }, unchoke = { .type = WIRE_UNCHOKE };
	struct mtkit_fake f[2], *staller = NULL, *helper = NULL;
	uint8_t ih[20];
	int p1, p2, l1 = mtkit_listen(&p1), l2 = mtkit_listen(&p2);
	int asked = 0, cancels = 0;
	struct proc leech;
	FILE *fp;

	mtkit_tmpdir(dir, sizeof(dir), "endgame");
	data = mtkit_path(dir, "small.bin");
	torrent = mtkit_path(dir, "t.torrent");
	copy = mtkit_path(dir, "dl/small.bin");
	log = mtkit_path(dir, "leech.log");
	mtkit_random_file(data, 65536, 5);
	mtkit_make_torrent(torrent, data, 32768, NULL, ih);
	snprintf(peer1, sizeof(peer1), "127.0.0.1:%d", p1);
	snprintf(peer2, sizeof(peer2), "127.0.0.1:%d", p2);
	{
		char *dl = mtkit_path(dir, "dl");
		char *argv[] = { (char *)proc_bin("mt-peer"), "-q", "-b",
		    "127.0.0.1", "-p", "0", "-o", dl, "--log", log,
		    (char *)argv_opts[0], peer1, (char *)argv_opts[2], peer2,
		    "--leave-when-done", torrent, NULL };

		mtkit_start(&leech, argv);
		free(dl);
	}
	cr_assert_eq(mtkit_accept(&f[0], l1, 2, 5000), 0);
	cr_assert_eq(mtkit_accept(&f[1], l2, 2, 5000), 0);
	staller = &f[0];
	helper = &f[1];
	for (int i = 0; i < 2; i++) {
		mtkit_expect(&f[i], &m, WIRE_HANDSHAKE);
		mtkit_send_handshake(&f[i], ih, i == 0 ? "-FK0001-stallerstall" :
		    "-FK0001-helperhelper");
		cr_assert_eq(mtkit_send(&f[i], &bf), 0);
		mtkit_expect(&f[i], &m, WIRE_INTERESTED);
	}
	cr_assert_eq(mtkit_send(staller, &unchoke), 0);
	/* The staller gets a first pipeline of requests (two blocks or more:
	 * its rate is not known yet) and never answers them. */
	mtkit_expect(staller, &m, WIRE_REQUEST);
	asked = 1;
	while (mtkit_recv(staller, &m, 300) == 1)
		asked += m.type == WIRE_REQUEST;
	cr_assert_geq(asked, 2, "only %d requests to the staller", asked);
	cr_assert_eq(mtkit_send(helper, &unchoke), 0);
	cr_assert_not_null(fp = fopen(data, "rb"));
	/* The helper answers everything; the staller collects cancels. */
	while (cancels < asked) {
		int r = mtkit_recv(helper, &m, 100);

		if (r == 1 && m.type == WIRE_REQUEST)
			answer(helper, fp, &m);
		if (r < 0)
			break;
		while ((r = mtkit_recv(staller, &m, 50)) == 1)
			cancels += m.type == WIRE_CANCEL;
		if (r < 0)
			break;
	}
	fclose(fp);
	cr_expect_geq(cancels, asked - 1, "the staller saw %d cancels of %d requests",
	    cancels, asked);
	cr_expect_eq(proc_wait(&leech, 20000), 0, "%s", proc_stderr(&leech));
	cr_expect(mtkit_same_file(data, copy));
	proc_kill(&leech);
	mtkit_fake_close(&f[0]);
	mtkit_fake_close(&f[1]);
	close(l1);
	close(l2);
	mtkit_rmdir(dir);
	free(data);
	free(torrent);
	free(copy);
	free(log);
}

/*
 * Rarest first, seen on the wire.  Three neighbours of an 8-piece torrent:
 * A has every piece, B all but piece 3, C all but pieces 3 and 5, so piece 3
 * is held by one neighbour and piece 5 by two.  Only A unchokes.  With
 * --random-first 0, mt-peer's first request must be for piece 3, its second
 * for piece 5.
 */
Test(peer_scripted, asks_for_the_rarest_piece_first, .timeout = 60)
{
	static const uint8_t has[3] = { 0xff, 0xef, 0xeb };
	char dir[64], peers[3][32], *data, *torrent, *dl;
	struct mtkit_fake f[3];
	struct wire_msg m, unchoke = { .type = WIRE_UNCHOKE };
	int lfd[3], port[3];
	uint8_t ih[20];
	struct proc leech;

	mtkit_tmpdir(dir, sizeof(dir), "rarest");
	data = mtkit_path(dir, "eight.bin");
	torrent = mtkit_path(dir, "t.torrent");
	dl = mtkit_path(dir, "dl");
	mtkit_random_file(data, 8 * 16384, 8);
	mtkit_make_torrent(torrent, data, 16384, NULL, ih);
	for (int i = 0; i < 3; i++) {
		lfd[i] = mtkit_listen(&port[i]);
		snprintf(peers[i], sizeof(peers[i]), "127.0.0.1:%d", port[i]);
	}
	{
		char *argv[] = { (char *)proc_bin("mt-peer"), "-q", "-b",
		    "127.0.0.1", "-p", "0", "-o", dl, "--random-first", "0",
		    "--peer", peers[0], "--peer", peers[1], "--peer", peers[2],
		    torrent, NULL };

		mtkit_start(&leech, argv);
	}
	for (int i = 0; i < 3; i++) {
		struct wire_msg bf = { .type = WIRE_BITFIELD, .data = &has[i],
		    .data_len = 1 };
		char id[21];

		cr_assert_eq(mtkit_accept(&f[i], lfd[i], 8, 5000), 0);
		mtkit_expect(&f[i], &m, WIRE_HANDSHAKE);
		snprintf(id, sizeof(id), "-FK0001-neighbour%03u", (unsigned)i % 1000u);
		mtkit_send_handshake(&f[i], ih, id);
		cr_assert_eq(mtkit_send(&f[i], &bf), 0);
		/* "interested" means it has taken the bitfield in. */
		mtkit_expect(&f[i], &m, WIRE_INTERESTED);
	}
	cr_assert_eq(mtkit_send(&f[0], &unchoke), 0);
	mtkit_expect(&f[0], &m, WIRE_REQUEST);
	cr_expect_eq(m.index, 3, "first request for piece %u", m.index);
	mtkit_expect(&f[0], &m, WIRE_REQUEST);
	cr_expect_eq(m.index, 5, "second request for piece %u", m.index);
	proc_kill(&leech);
	for (int i = 0; i < 3; i++) {
		mtkit_fake_close(&f[i]);
		close(lfd[i]);
	}
	mtkit_rmdir(dir);
	free(data);
	free(torrent);
	free(dl);
}
