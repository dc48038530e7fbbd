/*
 * test_storage.c — pieces land at the right offsets of the right files in a
 * multi-file torrent, read back across file boundaries, and a reopened
 * download finds the pieces it already had (resume).
 */
#define _DEFAULT_SOURCE		/* mkdtemp */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rng.h"
#include "sha1.h"
#include "storage.h"

#define PLEN 16384

/* Five files, one empty, pieces straddling every boundary. */
static const struct {
	const char *path;
	uint64_t length;
} layout[] = {
	{ "a.bin", 5000 },
	{ "empty", 0 },
	{ "sub/dir/b.bin", 30000 },
	{ "c.bin", 1 },
	{ "sub/d.bin", 17000 },
};
#define NFILES (sizeof(layout) / sizeof(layout[0]))

struct fixture {
	char dir[64];
	struct metainfo m;
	struct metainfo_file files[NFILES];
	uint8_t *content;
};

static void
make_torrent(struct fixture *f, uint64_t seed)
{
	uint64_t off = 0, rng = seed;

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/mt-storage-XXXXXX");
	cr_assert_not_null(mkdtemp(f->dir));
	for (size_t i = 0; i < NFILES; i++) {
		f->files[i].path = (char *)layout[i].path;
		f->files[i].length = layout[i].length;
		f->files[i].offset = off;
		off += layout[i].length;
	}
	f->m.name = "multi";
	f->m.multi_file = 1;
	f->m.files = f->files;
	f->m.file_count = NFILES;
	f->m.total_length = off;
	f->m.piece_length = PLEN;
	f->m.piece_count = (uint32_t)((off + PLEN - 1) / PLEN);
	f->content = malloc(off);
	f->m.pieces = malloc(f->m.piece_count * SHA1_LEN);
	cr_assert(f->content != NULL && f->m.pieces != NULL);
	for (uint64_t i = 0; i < off; i++)
		f->content[i] = (uint8_t)rng_next(&rng);
	for (uint32_t p = 0; p < f->m.piece_count; p++)
		sha1(f->content + (uint64_t)p * PLEN,
		    metainfo_piece_size(&f->m, p), f->m.pieces + p * SHA1_LEN);
}

static void
drop_torrent(struct fixture *f)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	cr_expect_eq(system(cmd), 0);
	free(f->content);
	free(f->m.pieces);
}

static void
write_piece(struct storage *s, struct fixture *f, uint32_t p)
{
	size_t len = metainfo_piece_size(&f->m, p);

	cr_assert(storage_hash_ok(s, p, f->content + (uint64_t)p * PLEN, len));
	cr_assert_eq(storage_write(s, (uint64_t)p * PLEN,
	    f->content + (uint64_t)p * PLEN, len), 0);
}

Test(storage, writes_pieces_at_their_offsets_across_files)
{
	struct fixture f;
	struct storage s;

	make_torrent(&f, 1);
	cr_assert_eq(storage_open(&s, &f.m, f.dir, 0, NULL), 0);
	/* Out of order, as a swarm delivers them. */
	for (uint32_t k = 0; k < f.m.piece_count; k++)
		write_piece(&s, &f, (k * 3 + 1) % f.m.piece_count);
	cr_assert_eq(storage_close(&s), 0);
	for (size_t i = 0; i < NFILES; i++) {
		char path[256], buf[40000];
		FILE *fp;
		size_t n;

		snprintf(path, sizeof(path), "%s/multi/%s", f.dir, layout[i].path);
		cr_assert_not_null(fp = fopen(path, "rb"), "%s", path);
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		cr_expect_eq(n, layout[i].length, "%s size", layout[i].path);
		cr_expect(memcmp(buf, f.content + f.files[i].offset, n) == 0,
		    "%s content", layout[i].path);
	}
	drop_torrent(&f);
}

Test(storage, reads_spans_across_file_boundaries)
{
	struct fixture f;
	struct storage s;
	uint64_t rng = 9;
	uint8_t buf[PLEN * 2];

	make_torrent(&f, 2);
	cr_assert_eq(storage_open(&s, &f.m, f.dir, 0, NULL), 0);
	cr_assert_eq(storage_write(&s, 0, f.content, f.m.total_length), 0);
	for (int k = 0; k < 200; k++) {
		uint64_t off = rng_below(&rng, f.m.total_length);
		size_t len = (size_t)rng_below(&rng,
		    f.m.total_length - off < sizeof(buf) ?
		    f.m.total_length - off + 1 : sizeof(buf));

		cr_assert_eq(storage_read(&s, off, buf, len), 0);
		cr_expect(memcmp(buf, f.content + off, len) == 0,
		    "span %llu+%zu", (unsigned long long)off, len);
	}
	cr_expect_eq(storage_read(&s, f.m.total_length - 1, buf, 2), -1,
	    "reading past the end is refused");
	storage_close(&s);
	drop_torrent(&f);
}

/* Gathered writes: groups of buffers from 1 to 900 bytes, some inside one
 * file (one pwritev), some across a file boundary (buffer by buffer). */
Test(storage, writev_lays_buffers_end_to_end_inside_and_across_files)
{
	struct fixture f;
	struct storage s;
	uint8_t *back;
	uint64_t off = 0, rng = 3;

	make_torrent(&f, 4);
	cr_assert_eq(storage_open(&s, &f.m, f.dir, 0, NULL), 0);
	while (off < f.m.total_length) {
		struct iovec v[8];
		uint64_t at = off;
		int n = 1 + (int)rng_below(&rng, 8), k = 0;

		for (; k < n && off < f.m.total_length; k++) {
			size_t len = 1 + (size_t)rng_below(&rng, 900);

			if (len > f.m.total_length - off)
				len = (size_t)(f.m.total_length - off);
			v[k] = (struct iovec){ f.content + off, len };
			off += len;
		}
		cr_assert_eq(storage_writev(&s, at, v, k), 0);
	}
	cr_assert_not_null(back = malloc(f.m.total_length));
	cr_assert_eq(storage_read(&s, 0, back, f.m.total_length), 0);
	cr_expect(memcmp(back, f.content, f.m.total_length) == 0);
	free(back);
	cr_assert_eq(storage_close(&s), 0);
	drop_torrent(&f);
}

Test(storage, resumes_by_verifying_what_is_on_disk)
{
	struct fixture f;
	struct storage s;
	struct bitfield have;

	make_torrent(&f, 3);
	cr_assert_eq(storage_open(&s, &f.m, f.dir, 0, NULL), 0);
	write_piece(&s, &f, 0);
	write_piece(&s, &f, 2);
	cr_assert_eq(storage_close(&s), 0);

	cr_assert_eq(storage_open(&s, &f.m, f.dir, 0, NULL), 0);
	cr_assert_eq(bitfield_init(&have, f.m.piece_count), 0);
	cr_expect_eq(storage_verify(&s, &have, NULL, NULL), 2);
	cr_expect(bitfield_get(&have, 0));
	cr_expect_not(bitfield_get(&have, 1));
	cr_expect(bitfield_get(&have, 2));
	cr_expect_not(bitfield_get(&have, 3));
	bitfield_free(&have);
	storage_close(&s);
	drop_torrent(&f);
}

Test(storage, catches_a_corrupted_piece_on_disk)
{
	struct fixture f;
	struct storage s;
	struct bitfield have;
	uint8_t junk = 0x5a, buf[PLEN];

	make_torrent(&f, 4);
	cr_assert_eq(storage_open(&s, &f.m, f.dir, 0, NULL), 0);
	cr_assert_eq(storage_write(&s, 0, f.content, f.m.total_length), 0);
	/* One byte flipped inside file c.bin, which lies in piece 2. */
	junk = (uint8_t)~f.content[f.files[3].offset];
	cr_assert_eq(storage_write(&s, f.files[3].offset, &junk, 1), 0);
	cr_expect_eq(storage_check_piece(&s, 2, buf), 0);
	cr_expect_eq(storage_check_piece(&s, 1, buf), 1);
	cr_assert_eq(storage_close(&s), 0);
	cr_assert_eq(storage_open(&s, &f.m, f.dir, 1, NULL), 0);
	cr_assert_eq(bitfield_init(&have, f.m.piece_count), 0);
	cr_expect_eq(storage_verify(&s, &have, NULL, NULL),
	    (long)f.m.piece_count - 1);
	bitfield_free(&have);
	storage_close(&s);
	drop_torrent(&f);
}

Test(storage, refuses_data_that_does_not_match_the_hash)
{
	struct fixture f;
	struct storage s;

	make_torrent(&f, 5);
	cr_assert_eq(storage_open(&s, &f.m, f.dir, 0, NULL), 0);
	f.content[7] ^= 1;
	cr_expect_not(storage_hash_ok(&s, 0, f.content, PLEN));
	cr_expect_not(storage_hash_ok(&s, 1, f.content + PLEN, 10),
	    "wrong length");
	storage_close(&s);
	drop_torrent(&f);
}

Test(storage, readonly_open_names_the_missing_file)
{
	struct fixture f;
	struct storage s;
	const char *bad = NULL;

	make_torrent(&f, 6);
	cr_expect_eq(storage_open(&s, &f.m, f.dir, 1, &bad), -1);
	cr_assert_not_null(bad);
	cr_expect(strstr(bad, "multi/a.bin") != NULL, "named %s", bad);
	drop_torrent(&f);
}

Test(storage, skips_verifying_files_it_just_created)
{
	struct fixture f;
	struct storage s;
	struct bitfield have;

	make_torrent(&f, 8);
	cr_assert_eq(storage_open(&s, &f.m, f.dir, 0, NULL), 0);
	cr_expect_not(s.had_data);
	cr_assert_eq(bitfield_init(&have, f.m.piece_count), 0);
	cr_expect_eq(storage_verify(&s, &have, NULL, NULL), 0);
	bitfield_free(&have);
	storage_close(&s);
	drop_torrent(&f);
}

Test(storage, single_file_lives_in_dir_slash_name)
{
	struct fixture f;
	struct storage s;
	struct stat st;
	char path[128];

	make_torrent(&f, 7);
	f.m.multi_file = 0;
	f.m.file_count = 1;
	f.files[0].path = "one.bin";
	f.m.total_length = f.files[0].length;
	f.m.piece_count = 1;
	cr_assert_eq(storage_open(&s, &f.m, f.dir, 0, NULL), 0);
	cr_assert_eq(storage_close(&s), 0);
	snprintf(path, sizeof(path), "%s/one.bin", f.dir);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_size, 5000, "created at full size");
	drop_torrent(&f);
}
