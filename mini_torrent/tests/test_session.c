/*
 * test_session.c — the leecher's side of a bulk transfer, driven by hand:
 * a session with neighbours that have no socket (fd -1), fed bytes the way
 * mt-peer's recvmsg() would, through session_recv_space.  Block payloads
 * land in their piece buffers without a copy, pieces are hashed as their
 * blocks complete in order and written once, and a block another neighbour
 * delivers first while one is arriving in place does not spoil the piece.
 */
#define _DEFAULT_SOURCE		/* mkdtemp */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "rng.h"
#include "session.h"
#include "sha1.h"
#include "storage.h"
#include "wire.h"

#define BLK WIRE_BLOCK_LEN
#define PLEN (4 * BLK)
#define NPIECES 3
#define SIZE (NPIECES * PLEN)

struct fixture {
	char dir[64];
	struct metainfo m;
	struct metainfo_file file;
	uint8_t *content;
	struct storage store;
	struct jlog log;	/* closed: no events */
	struct session s;
};

static void
fixture_init(struct fixture *f)
{
	struct session_config cfg = { .max_peers = 50, .peer_timeout_ms = 180000,
	    .rng_seed = 7 };
	struct bitfield none;
	uint64_t rng = 42;
	uint8_t id[20] = "-TS0001-leecherleech";

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/mt-session-XXXXXX");
	cr_assert_not_null(mkdtemp(f->dir));
	f->content = malloc(SIZE);
	f->m.pieces = malloc(NPIECES * SHA1_LEN);
	cr_assert(f->content != NULL && f->m.pieces != NULL);
	for (size_t i = 0; i < SIZE; i++)
		f->content[i] = (uint8_t)rng_next(&rng);
	for (uint32_t p = 0; p < NPIECES; p++)
		sha1(f->content + p * PLEN, PLEN, f->m.pieces + p * SHA1_LEN);
	f->file = (struct metainfo_file){ .path = "data.bin", .length = SIZE };
	f->m.name = "data.bin";
	f->m.files = &f->file;
	f->m.file_count = 1;
	f->m.total_length = SIZE;
	f->m.piece_length = PLEN;
	f->m.piece_count = NPIECES;
	memset(f->m.info_hash, 0xab, 20);
	cr_assert_eq(storage_open(&f->store, &f->m, f->dir, 0, NULL), 0);
	choker_config_default(&cfg.choke);
	cr_assert_eq(bitfield_init(&none, NPIECES), 0);
	cr_assert_eq(session_init(&f->s, &cfg, &f->m, &f->store, &none, &f->log,
	    id, 0), 0);
	bitfield_free(&none);
}

static void
fixture_free(struct fixture *f)
{
	char cmd[128];

	session_free(&f->s);
	cr_expect_eq(storage_close(&f->store), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	cr_expect_eq(system(cmd), 0);
	free(f->content);
	free(f->m.pieces);
}

/* Hands bytes to the session as recvmsg() would: into the places
 * session_recv_space names, as many calls as it takes. */
static void
feed(struct session *s, struct peer *p, const void *bytes, size_t len)
{
	const uint8_t *b = bytes;

	while (len > 0 && p->state != PEER_DEAD) {
		struct iovec iov[SESSION_IOV_MAX];
		int n = session_recv_space(s, p, iov, len);
		size_t got = 0;

		cr_assert_gt(n, 0, "no room for %zu bytes", len);
		for (int i = 0; i < n; i++) {
			memcpy(iov[i].iov_base, b + got, iov[i].iov_len);
			got += iov[i].iov_len;
		}
		session_received(s, p, got, 1);
		b += got;
		len -= got;
	}
}

/* Hands a whole message to the session in its input buffer, as a recv()
 * that asked for more than session_recv_space offered would. */
static void
feed_whole(struct session *s, struct peer *p, const void *bytes, size_t len)
{
	size_t room;
	uint8_t *in = peer_in_space(p, &room);

	cr_assert_eq(p->sink.got, p->sink.len, "a block is arriving in place");
	cr_assert_geq(room, len);
	memcpy(in, bytes, len);
	session_received(s, p, len, 1);
}

static void
feed_msg(struct session *s, struct peer *p, const struct wire_msg *m)
{
	uint8_t buf[64 + BLK];
	size_t n = wire_encode(m, buf, sizeof(buf));

	cr_assert_gt(n, 0);
	feed(s, p, buf, n);
}

/* A neighbour that has every piece and has unchoked us. */
static struct peer *
add_seed(struct fixture *f, uint8_t tag)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(tag) };
	struct wire_msg hs = { .type = WIRE_HANDSHAKE };
	uint8_t bits[1] = { 0xe0 };
	struct wire_msg bf = { .type = WIRE_BITFIELD, .data = bits, .data_len = 1 };
	struct wire_msg un = { .type = WIRE_UNCHOKE };
	struct peer *p = session_add_peer(&f->s, -1,
	    (const struct sockaddr *)&sin, sizeof(sin), 0, 0);

	cr_assert_not_null(p);
	memcpy(hs.info_hash, f->m.info_hash, 20);
	memset(hs.peer_id, tag, 20);
	feed_msg(&f->s, p, &hs);
	feed_msg(&f->s, p, &bf);
	feed_msg(&f->s, p, &un);
	cr_assert_eq(p->state, PEER_ACTIVE);
	return p;
}

/* The piece message for (piece, block b) with its real bytes. */
static size_t
block_msg(const struct fixture *f, uint32_t piece, uint32_t b, uint8_t *out)
{
	wire_piece_header(out, piece, b * BLK, BLK);
	memcpy(out + WIRE_PIECE_HDR, f->content + piece * PLEN + b * BLK, BLK);
	return WIRE_PIECE_HDR + BLK;
}

static void
expect_file(const struct fixture *f)
{
	char path[128];
	uint8_t *got = malloc(SIZE);
	FILE *fp;

	snprintf(path, sizeof(path), "%s/data.bin", f->dir);
	cr_assert_not_null(got);
	cr_assert_not_null(fp = fopen(path, "rb"));
	cr_assert_eq(fread(got, 1, SIZE, fp), SIZE);
	fclose(fp);
	cr_expect(memcmp(got, f->content, SIZE) == 0, "the file on disk differs");
	free(got);
}

Test(session, receives_blocks_in_place_hashes_in_order_writes_once, .timeout = 10)
{
	static const uint32_t order[] = { 1, 0, 3, 2 };	/* of each piece */
	struct fixture f;
	struct peer *p;
	uint8_t msg[WIRE_PIECE_HDR + BLK];

	fixture_init(&f);
	p = add_seed(&f, 1);
	cr_assert_gt(peer_list_len(&p->reqs), 0, "no requests after an unchoke");
	for (uint32_t done = 0; done < NPIECES; done++) {
		/* The piece it asked for first (it picks at random). */
		uint32_t piece = peer_list_at(&p->reqs, 0)->piece;
		const struct session_piece *sp = &f.s.pieces[piece];
		static const uint32_t hashed_after[] = { 0, 2, 2, 4 };

		for (size_t i = 0; i < 4; i++) {
			size_t n = block_msg(&f, piece, order[i], msg);

			cr_assert_not_null(sp->data, "piece %u not started", piece);
			/* Header and a few bytes, then the rest, as TCP may. */
			feed(&f.s, p, msg, WIRE_PIECE_HDR + 100);
			cr_assert_eq(p->sink.dst, sp->data + order[i] * BLK,
			    "block %u of piece %u is not received in place",
			    order[i], piece);
			feed(&f.s, p, msg + WIRE_PIECE_HDR + 100,
			    n - WIRE_PIECE_HDR - 100);
			if (i < 3)
				cr_expect_eq(sp->hashed, hashed_after[i] * BLK,
				    "piece %u: %u bytes hashed after %zu blocks",
				    piece, sp->hashed, i + 1);
		}
		cr_expect_eq(f.store.writes, done + 1, "%llu writes after %u pieces",
		    (unsigned long long)f.store.writes, done + 1);
	}
	cr_expect(session_complete(&f.s));
	cr_expect_eq(f.s.hash_fails, 0);
	/* Offered no more than a header at a time, the input buffer never
	 * held block bytes: none was copied. */
	cr_expect_eq(f.s.copied, 0, "%llu bytes copied",
	    (unsigned long long)f.s.copied);
	expect_file(&f);
	fixture_free(&f);
}

/*
 * Endgame: while neighbour A's block arrives in place, neighbour B delivers
 * the same block whole (in one read, through its input buffer).  B's copy counts; the rest of A's goes to scratch,
 * not over B's bytes, so the piece still verifies.
 */
Test(session, block_delivered_twice_keeps_the_first_one_done, .timeout = 10)
{
	struct fixture f;
	struct peer *a, *b;
	uint8_t msg[WIRE_PIECE_HDR + BLK], junk[BLK];
	uint32_t piece;
	size_t n;

	fixture_init(&f);
	a = add_seed(&f, 1);
	b = add_seed(&f, 2);
	piece = peer_list_at(&a->reqs, 0)->piece;
	cr_assert_not_null(f.s.pieces[piece].data);
	n = block_msg(&f, piece, 0, msg);
	feed(&f.s, a, msg, WIRE_PIECE_HDR + 10);
	cr_assert_eq(a->sink.dst, f.s.pieces[piece].data);
	feed_whole(&f.s, b, msg, n);
	cr_expect(a->sink.discard, "A's block still lands in the piece");
	/* A's remaining bytes are garbage: they must not reach the piece. */
	memset(junk, 0x5a, sizeof(junk));
	feed(&f.s, a, junk, n - WIRE_PIECE_HDR - 10);
	for (uint32_t blk = 1; blk < 4; blk++) {
		block_msg(&f, piece, blk, msg);
		feed(&f.s, b, msg, n);
	}
	cr_expect_eq(f.s.hash_fails, 0, "the piece failed its hash");
	cr_expect_eq(f.store.writes, 1);
	cr_expect_eq(a->strikes + b->strikes, 0);
	fixture_free(&f);
}

/* Every block of each piece in one feed, in the order given (of four). */
static void
feed_pieces_at_once(struct fixture *f, struct peer *p, const uint32_t order[4])
{
	static uint8_t msgs[4 * (WIRE_PIECE_HDR + BLK)];

	while (!session_complete(&f->s)) {
		uint32_t piece = peer_list_at(&p->reqs, 0)->piece;
		size_t n = 0;

		for (size_t i = 0; i < 4; i++)
			n += block_msg(f, piece, order[i], msgs + n);
		feed(&f->s, p, msgs, n);
		cr_assert(bitfield_get(&f->s.picker.have, piece),
		    "piece %u is not in", piece);
	}
}

/*
 * Blocks that come in the order asked for go straight to their pieces, many
 * per read: the read is laid out as header, block, header, block.
 */
Test(session, blocks_in_the_order_asked_land_in_place_many_per_read, .timeout = 10)
{
	static const uint32_t order[] = { 0, 1, 2, 3 };
	struct fixture f;
	struct peer *p;
	struct iovec iov[SESSION_IOV_MAX];

	fixture_init(&f);
	p = add_seed(&f, 1);
	cr_assert_geq(session_recv_space(&f.s, p, iov, SIZE), 4,
	    "not the two blocks asked for planned in place");
	cr_expect_eq(iov[1].iov_base, f.s.pieces[peer_list_at(&p->reqs, 0)->piece].data);
	feed_pieces_at_once(&f, p, order);
	cr_expect_eq(f.s.copied, 0, "%llu bytes copied", (unsigned long long)f.s.copied);
	cr_expect_eq(f.s.hash_fails, 0);
	cr_expect_eq(f.store.writes, NPIECES);
	expect_file(&f);
	fixture_free(&f);
}

/*
 * Blocks in another order than asked: what landed in the wrong places is
 * taken back through the input buffer (a copy), and the pieces are right.
 */
Test(session, blocks_out_of_order_are_taken_apart_and_still_right, .timeout = 10)
{
	static const uint32_t order[] = { 2, 0, 1, 3 };
	struct fixture f;
	struct peer *p;

	fixture_init(&f);
	p = add_seed(&f, 1);
	feed_pieces_at_once(&f, p, order);
	cr_expect_gt(f.s.copied, 0, "nothing was copied back");
	cr_expect_eq(f.s.hash_fails, 0);
	cr_expect_eq(f.store.writes, NPIECES);
	expect_file(&f);
	fixture_free(&f);
}
