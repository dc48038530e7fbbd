/*
 * test_session_rx.c — blocks received in place (session_recv_plan/done),
 * with no socket: the test plays the network, writing the bytes a neighbour
 * sends into the iovecs the session planned, as recvmsg() would, as many at
 * a time as it chooses (all at once, or one byte per read).  The session
 * downloads a real torrent into a real directory, so every case ends with
 * the same question: is the copy byte-identical, and did no piece fail?
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mtkit.h"
#include "session.h"

#define PLEN 32768
#define SIZE (2 * PLEN + 20000)	/* 3 pieces; the last block 3616 bytes */
#define NPIECES 3

struct fixture {
	char dir[64];
	char *data, *copy;
	uint8_t *content;	/* the file's bytes */
	struct metainfo meta;
	struct storage store;
	struct bitfield have;
	struct jlog log;	/* closed */
	struct session s;
	struct peer *p;
	int64_t now;
};

static uint8_t junk[16384];	/* what a liar sends */

/* The stream a neighbour sends, built by the test. */
struct stream {
	uint8_t b[1 << 18];
	size_t len;
};

static void
put(struct stream *w, const void *b, size_t n)
{
	cr_assert_leq(w->len + n, sizeof(w->b));
	memcpy(w->b + w->len, b, n);
	w->len += n;
}

/* A piece message for (piece, begin) carrying n bytes of data. */
static void
put_piece(struct stream *w, uint32_t piece, uint32_t begin,
    const uint8_t *data, uint32_t n)
{
	uint8_t h[WIRE_PIECE_HDR];

	wire_piece_header(h, piece, begin, n);
	put(w, h, sizeof(h));
	put(w, data, n);
}

/* The real answers to the requests outstanding from the first-th on, in the
 * order asked. */
static void
put_answers_from(struct fixture *f, struct stream *w, size_t first)
{
	for (size_t i = first; i < peer_list_len(&f->p->reqs); i++) {
		const struct peer_req *r = peer_list_at(&f->p->reqs, i);

		put_piece(w, r->piece, r->begin, f->content +
		    (uint64_t)r->piece * PLEN + r->begin, r->length);
	}
}

static void
put_answers(struct fixture *f, struct stream *w)
{
	put_answers_from(f, w, 0);
}

/* Hands the session the stream, at most step bytes per read, each read
 * into the iovecs it planned.  Returns how many reads went to slots. */
static int
deliver(struct fixture *f, const struct stream *w, size_t step)
{
	size_t pos = 0;
	int in_place = 0;

	while (pos < w->len && f->p->state == PEER_ACTIVE) {
		struct peer_rx rx;
		size_t want = session_recv_plan(&f->s, f->p, SIZE_MAX, &rx);
		size_t n = w->len - pos, k = 0;

		n = n < step ? n : step;
		n = n < want ? n : want;
		cr_assert_gt(n, 0, "the session offered no room");
		for (int i = 0; i < rx.niov && k < n; i++) {
			size_t c = n - k < rx.iov[i].iov_len ? n - k :
			    rx.iov[i].iov_len;

			memcpy(rx.iov[i].iov_base, w->b + pos + k, c);
			k += c;
		}
		in_place += rx.nslots > 0;
		session_recv_done(&f->s, f->p, &rx, n, ++f->now);
		pos += n;
	}
	return in_place;
}

/* Sends a message that is not a block straight through p->in. */
static void
feed(struct fixture *f, const struct wire_msg *m)
{
	size_t room, n;
	uint8_t *in = peer_in_space(f->p, &room);

	cr_assert_gt(n = wire_encode(m, in, room), 0);
	session_received(&f->s, f->p, n, ++f->now);
}

static void
start(struct fixture *f)
{
	struct session_config cfg = { .max_peers = 8, .peer_timeout_ms = 600000,
	    .random_first = 0, .rng_seed = 1 };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(6881),
	    .sin_addr.s_addr = htonl(0x0a000002) };
	char *torrent, *leech, err[128];
	uint8_t id[20];
	FILE *fp;

	memset(f, 0, sizeof(*f));
	memset(junk, 0x5a, sizeof(junk));
	mtkit_tmpdir(f->dir, sizeof(f->dir), "session-rx");
	f->data = mtkit_path(f->dir, "d.bin");
	torrent = mtkit_path(f->dir, "t.torrent");
	leech = mtkit_path(f->dir, "leech");
	f->copy = mtkit_path(leech, "d.bin");
	cr_assert_eq(mkdir(leech, 0755), 0);
	mtkit_random_file(f->data, SIZE, 7);
	mtkit_make_torrent(torrent, f->data, PLEN, NULL, NULL);
	cr_assert_not_null(f->content = malloc(SIZE));
	cr_assert_not_null(fp = fopen(f->data, "rb"));
	cr_assert_eq(fread(f->content, 1, SIZE, fp), SIZE);
	fclose(fp);
	cr_assert_eq(metainfo_load(torrent, &f->meta, err, sizeof(err)), 0,
	    "%s", err);
	cr_assert_eq(storage_open(&f->store, &f->meta, leech, 0, NULL), 0);
	cr_assert_eq(bitfield_init(&f->have, NPIECES), 0);
	choker_config_default(&cfg.choke);
	memset(id, 'U', sizeof(id));
	cr_assert_eq(session_init(&f->s, &cfg, &f->meta, &f->store, &f->have,
	    &f->log, id, 0), 0);
	f->p = session_add_peer(&f->s, -1, (struct sockaddr *)&a, sizeof(a), 0, 1);
	cr_assert_not_null(f->p);
	free(torrent);
	free(leech);
}

/* The neighbour's handshake, then: it has everything, and unchokes us. */
static void
handshake(struct fixture *f)
{
	struct wire_msg m = { .type = WIRE_HANDSHAKE };
	static const uint8_t all[1] = { 0xe0 };

	memcpy(m.info_hash, f->meta.info_hash, 20);
	memset(m.peer_id, 'S', 20);
	feed(f, &m);
	cr_assert_eq(f->p->state, PEER_ACTIVE);
	feed(f, &(struct wire_msg){ .type = WIRE_BITFIELD, .data = all,
	    .data_len = 1 });
	feed(f, &(struct wire_msg){ .type = WIRE_UNCHOKE });
	cr_assert_gt(peer_list_len(&f->p->reqs), 0, "no request after unchoke");
}

static void
stop(struct fixture *f)
{
	session_free(&f->s);
	storage_close(&f->store);
	metainfo_free(&f->meta);
	bitfield_free(&f->have);
	mtkit_rmdir(f->dir);
	free(f->data);
	free(f->copy);
	free(f->content);
}

/* Answers every request, step bytes per read, until the copy is complete. */
static int
download(struct fixture *f, size_t step)
{
	static struct stream w;
	int in_place = 0;

	for (int round = 0; round < 64 && !session_complete(&f->s); round++) {
		w.len = 0;
		put_answers(f, &w);
		cr_assert_gt(w.len, 0, "nothing asked, not complete");
		in_place += deliver(f, &w, step);
	}
	cr_assert(session_complete(&f->s), "not complete");
	cr_expect(mtkit_same_file(f->data, f->copy), "the copy differs");
	cr_expect_eq(f->s.hash_fails, 0);
	return in_place;
}

Test(session_rx, blocks_asked_for_land_in_their_pieces_without_the_input_buffer)
{
	struct fixture f;
	struct peer_rx rx;
	static struct stream w;
	const struct peer_req *r;
	uint64_t msgs;
	unsigned n;

	start(&f);
	handshake(&f);
	msgs = f.p->parser.nmsgs;
	cr_assert_gt(session_recv_plan(&f.s, f.p, SIZE_MAX, &rx), 0);
	n = rx.nslots;
	cr_assert_gt(n, 0, "no block planned in place");
	r = peer_list_at(&f.p->reqs, 0);
	cr_expect_eq(rx.iov[0].iov_base, partial_block(&f.s.parts, r->piece,
	    r->begin) - WIRE_PIECE_HDR, "the first block is not read in place");
	put_answers(&f, &w);
	cr_assert_eq(deliver(&f, &w, w.len), 1, "not one read");
	cr_expect_eq(f.p->in.end, 0, "block bytes went through the input buffer");
	cr_expect_eq(f.p->parser.nmsgs, msgs + n, "the parser did not judge "
	    "every block");
	cr_expect_eq(f.s.wasted, 0);
	download(&f, SIZE_MAX);
	stop(&f);
}

Test(session_rx, a_block_in_many_small_reads_is_kept_whole)
{
	struct fixture f;

	start(&f);
	handshake(&f);
	download(&f, 1);
	cr_expect_eq(f.s.wasted, 0);
	stop(&f);
	start(&f);	/* and in reads that end anywhere */
	handshake(&f);
	download(&f, 7919);
	stop(&f);
}

/* A leecher unchoked by a seed; returns its first request. */
static struct peer_req
leeching(struct fixture *f)
{
	start(f);
	handshake(f);
	return *peer_list_at(&f->p->reqs, 0);
}

static void
put_real(struct fixture *f, struct stream *w, const struct peer_req *r)
{
	put_piece(w, r->piece, r->begin, f->content + (uint64_t)r->piece *
	    PLEN + r->begin, r->length);
}

/* Delivers w with a choke at its end, checks that the choke was seen,
 * then downloads the rest (the copy checked). */
static void
choke_then_finish(struct fixture *f, struct stream *w)
{
	put(w, (const uint8_t[]){ 0, 0, 0, 1, WIRE_CHOKE }, 5);
	deliver(f, w, w->len);
	cr_expect_eq(f->p->state, PEER_ACTIVE);
	cr_expect(f->p->peer_choking, "the message after the blocks was lost");
	feed(f, &(struct wire_msg){ .type = WIRE_UNCHOKE });
	download(f, SIZE_MAX);
}

Test(session_rx, a_block_not_asked_for_changes_no_kept_data)
{
	struct fixture f;
	static struct stream w;
	struct peer_req r = leeching(&f);

	/* The first block, then junk for that same block again, where the
	 * session expects the second one, then the other blocks asked for:
	 * they arrive after the place planned for them. */
	put_real(&f, &w, &r);
	put_piece(&w, r.piece, r.begin, junk, r.length);
	put_answers_from(&f, &w, 1);
	choke_then_finish(&f, &w);
	cr_expect_eq(f.s.wasted, sizeof(junk), "the junk was not dropped");
	stop(&f);
}

Test(session_rx, a_block_whose_length_disagrees_is_dropped)
{
	struct fixture f;
	static struct stream w;
	struct peer_req r = leeching(&f);

	/* Shorter than asked, then longer than the last block can be. */
	put_piece(&w, r.piece, r.begin, junk, 100);
	put_piece(&w, NPIECES - 1, PLEN / 2, junk, sizeof(junk));
	choke_then_finish(&f, &w);
	cr_expect_eq(f.s.wasted, 100 + sizeof(junk));
	stop(&f);
}

Test(session_rx, a_message_between_blocks_shifts_the_rest_into_order)
{
	struct fixture f;
	static struct stream w;
	struct peer_req r = leeching(&f);

	/* A have where the second block's header was planned: that block
	 * spills past its place, into p->in, and must come out whole. */
	put_real(&f, &w, &r);
	put(&w, (const uint8_t[]){ 0, 0, 0, 5, WIRE_HAVE, 0, 0, 0, 1 }, 9);
	put_answers_from(&f, &w, 1);
	choke_then_finish(&f, &w);
	cr_expect_eq(f.s.wasted, 0);
	stop(&f);
}
