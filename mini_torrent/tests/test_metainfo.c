/*
 * test_metainfo.c — the torrent parser on good torrents (single and
 * multi-file) and on one bad torrent per rule it enforces.
 *
 * Torrents are written out as bencode literals so each case shows exactly
 * what is wrong with it.  P20 is a stand-in piece hash (20 bytes).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "metainfo.h"

#define P20 "aaaaaaaaaaaaaaaaaaaa"

/* 10 bytes in pieces of 4: three pieces, the last 2 bytes long. */
static const char single[] =
    "d8:announce30:http://127.0.0.1:6969/announce"
    "13:announce-listll30:http://127.0.0.1:6969/announceel9:udp://a:19:udp://b:2ee"
    "7:comment2:hi10:created by4:test13:creation datei1700000000e"
    "4:infod6:lengthi10e4:name5:x.bin12:piece lengthi4e6:pieces60:" P20 P20 P20
    "7:privatei1eee";

/* files a (3 bytes), b/c (0 bytes), b/d (7 bytes): 10 bytes, pieces of 5. */
static const char multi[] =
    "d4:infod5:filesld6:lengthi3e4:pathl1:aeed6:lengthi0e4:pathl1:b1:ceed"
    "6:lengthi7e4:pathl1:b1:deee4:name3:dir12:piece lengthi5e"
    "6:pieces40:" P20 P20 "ee";

static int
parse(const char *s, struct metainfo *m, char *err, size_t errlen)
{
	return metainfo_parse((const unsigned char *)s, strlen(s), m, err, errlen);
}

Test(metainfo, parses_single_file_torrent)
{
	struct metainfo m;
	char err[256] = "";

	cr_assert_eq(parse(single, &m, err, sizeof(err)), 0, "%s", err);
	cr_expect_str_eq(m.name, "x.bin");
	cr_expect_eq(m.multi_file, 0);
	cr_expect_eq(m.private_flag, 1);
	cr_expect_eq(m.total_length, 10);
	cr_expect_eq(m.piece_length, 4);
	cr_expect_eq(m.piece_count, 3);
	cr_expect_eq(metainfo_piece_size(&m, 0), 4);
	cr_expect_eq(metainfo_piece_size(&m, 2), 2);
	cr_expect_eq(metainfo_piece_size(&m, 3), 0);
	cr_expect(memcmp(metainfo_piece_hash(&m, 2), P20, 20) == 0);
	cr_assert_eq(m.file_count, 1);
	cr_expect_str_eq(m.files[0].path, "x.bin");
	cr_expect_eq(m.files[0].length, 10);
	cr_expect_str_eq(m.announce, "http://127.0.0.1:6969/announce");
	cr_assert_eq(m.tier_count, 2);
	cr_expect_eq(m.tiers[1].count, 2);
	cr_expect_str_eq(m.tiers[1].urls[1], "udp://b:2");
	cr_expect_str_eq(m.comment, "hi");
	cr_expect_str_eq(m.created_by, "test");
	cr_expect_eq(m.creation_date, 1700000000);
	metainfo_free(&m);
}

Test(metainfo, info_hash_is_sha1_of_the_raw_info_bytes)
{
	struct metainfo m;
	const char *start = strstr(single, "4:infod") + 6;
	size_t len = strlen(start) - 1;	/* minus the outer 'e' */
	unsigned char want[SHA1_LEN];
	char hex[SHA1_HEX_LEN];

	sha1(start, len, want);
	sha1_hex(want, hex);
	cr_assert_eq(parse(single, &m, NULL, 0), 0);
	cr_expect(memcmp(m.info_hash, want, SHA1_LEN) == 0);
	cr_expect_str_eq(m.info_hash_hex, hex);
	metainfo_free(&m);
}

Test(metainfo, parses_multi_file_torrent_with_offsets)
{
	struct metainfo m;
	char err[256] = "";

	cr_assert_eq(parse(multi, &m, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(m.multi_file, 1);
	cr_expect_eq(m.private_flag, 0);
	cr_expect_null(m.announce);
	cr_expect_eq(m.tier_count, 0);
	cr_expect_eq(m.total_length, 10);
	cr_expect_eq(m.piece_count, 2);
	cr_expect_eq(metainfo_piece_size(&m, 1), 5, "exact multiple: full last piece");
	cr_assert_eq(m.file_count, 3);
	cr_expect_str_eq(m.files[0].path, "a");
	cr_expect_str_eq(m.files[1].path, "b/c");
	cr_expect_str_eq(m.files[2].path, "b/d");
	cr_expect_eq(m.files[0].offset, 0);
	cr_expect_eq(m.files[1].offset, 3);
	cr_expect_eq(m.files[2].offset, 3);
	cr_expect_eq(m.files[2].length, 7);
	cr_expect_eq(metainfo_file_at(&m, 0), 0);
	cr_expect_eq(metainfo_file_at(&m, 2), 0);
	cr_expect_eq(metainfo_file_at(&m, 3), 2, "skips the empty file");
	cr_expect_eq(metainfo_file_at(&m, 9), 2);
	cr_expect_eq(metainfo_file_at(&m, 10), 3, "past the end");
	metainfo_free(&m);
}

Test(metainfo, loads_from_a_file_and_reports_missing_files)
{
	char path[] = "/tmp/mt-meta-XXXXXX", err[256] = "";
	int fd = mkstemp(path);
	struct metainfo m;

	cr_assert_neq(fd, -1);
	cr_assert_eq(write(fd, multi, strlen(multi)), (ssize_t)strlen(multi));
	close(fd);
	cr_expect_eq(metainfo_load(path, &m, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(m.file_count, 3);
	metainfo_free(&m);
	unlink(path);
	cr_expect_eq(metainfo_load(path, &m, err, sizeof(err)), -1);
	cr_expect_eq(errno, ENOENT);
	cr_expect(strstr(err, "No such file") != NULL, "got \"%s\"", err);
}

/* Wraps an info dictionary's inside into a minimal torrent. */
#define T(info) "d4:infod" info "ee"
/* A valid info body around a files list. */
#define FILES(list) T("5:filesl" list "e4:name1:d12:piece lengthi4e6:pieces20:" P20)
#define F(len, path) "d6:lengthi" #len "e4:pathl" path "ee"

struct bad_case {
	const char *in;
	size_t len;		/* literals may hold NUL bytes */
	const char *msg_part;
};
#define BAD(lit, msg) { lit, sizeof(lit) - 1, msg }

static const struct bad_case bad_cases[] = {
	/* not a torrent at all */
	BAD("d4:info", "bad bencode at byte 7"),
	BAD("i1e", "not a dictionary"),
	BAD("d8:announce1:xe", "no 'info'"),
	BAD("d4:infoi1ee", "'info' is not a dictionary"),
	/* name */
	BAD(T("6:lengthi1e12:piece lengthi4e6:pieces20:" P20), "'name' missing"),
	BAD(T("6:lengthi1e4:namei1e12:piece lengthi4e6:pieces20:" P20), "'name' is not a string"),
	BAD(T("6:lengthi1e4:name2:..12:piece lengthi4e6:pieces20:" P20), "unsafe 'name'"),
	BAD(T("6:lengthi1e4:name1:.12:piece lengthi4e6:pieces20:" P20), "unsafe 'name'"),
	BAD(T("6:lengthi1e4:name0:12:piece lengthi4e6:pieces20:" P20), "unsafe 'name'"),
	BAD(T("6:lengthi1e4:name4:/etc12:piece lengthi4e6:pieces20:" P20), "unsafe 'name'"),
	BAD(T("6:lengthi1e4:name3:a/b12:piece lengthi4e6:pieces20:" P20), "unsafe 'name'"),
	BAD(T("6:lengthi1e4:name3:a\0b12:piece lengthi4e6:pieces20:" P20), "NUL"),
	/* length / files */
	BAD(T("4:name1:x12:piece lengthi4e6:pieces20:" P20), "exactly one of"),
	BAD(T("5:filesl" F(1, "1:a") "e6:lengthi1e4:name1:x12:piece lengthi4e6:pieces20:" P20),
	  "exactly one of"),
	BAD(T("6:lengthi-1e4:name1:x12:piece lengthi4e6:pieces0:"), "out of range"),
	BAD(T("6:length1:14:name1:x12:piece lengthi4e6:pieces20:" P20), "'length' is not an integer"),
	BAD(T("6:lengthi0e4:name1:x12:piece lengthi4e6:pieces0:"), "no data"),
	BAD(T("6:lengthi4611686018427387905e4:name1:x12:piece lengthi4e6:pieces0:"), "out of range"),
	/* piece length */
	BAD(T("6:lengthi1e4:name1:x6:pieces20:" P20), "'piece length' missing"),
	BAD(T("6:lengthi1e4:name1:x12:piece length1:46:pieces20:" P20), "'piece length' missing or not an integer"),
	BAD(T("6:lengthi1e4:name1:x12:piece lengthi0e6:pieces20:" P20), "'piece length' 0 not in"),
	BAD(T("6:lengthi1e4:name1:x12:piece lengthi-4e6:pieces20:" P20), "'piece length' -4 not in"),
	BAD(T("6:lengthi1e4:name1:x12:piece lengthi134217729e6:pieces20:" P20), "not in 1..134217728"),
	/* pieces */
	BAD(T("6:lengthi1e4:name1:x12:piece lengthi4e"), "'pieces' missing"),
	BAD(T("6:lengthi1e4:name1:x12:piece lengthi4e6:piecesi1e"), "'pieces' missing or not a string"),
	BAD(T("6:lengthi1e4:name1:x12:piece lengthi4e6:pieces19:aaaaaaaaaaaaaaaaaaa"), "not a multiple of 20"),
	BAD(T("6:lengthi5e4:name1:x12:piece lengthi4e6:pieces20:" P20), "1 piece hashes, but 5 bytes in pieces of 4 need 2"),
	BAD(T("6:lengthi4e4:name1:x12:piece lengthi4e6:pieces40:" P20 P20), "2 piece hashes"),
	/* files */
	BAD(T("5:filesi1e4:name1:d12:piece lengthi4e6:pieces20:" P20), "'files' is not a list"),
	BAD(FILES(""), "'files' is empty"),
	BAD(FILES("i1e"), "file 0 is not a dictionary"),
	BAD(FILES("d4:pathl1:aee"), "file 0: 'length' missing"),
	BAD(FILES("d6:lengthi1ee"), "file 0: 'path' missing"),
	BAD(FILES("d6:lengthi1e4:path1:ae"), "file 0: 'path' missing or not a list"),
	BAD(FILES(F(1, "")), "file 0: 'path' is empty"),
	BAD(FILES(F(1, "1:a") F(0, "2:..")), "file 1: unsafe path component \"..\""),
	BAD(FILES(F(1, "1:a2:..1:b")), "unsafe path component \"..\""),
	BAD(FILES(F(1, "1:.")), "unsafe path component \".\""),
	BAD(FILES(F(1, "1:a0:")), "unsafe path component \"\""),
	BAD(FILES(F(1, "4:/etc")), "unsafe path component \"/etc\""),
	BAD(FILES(F(1, "3:a/b")), "unsafe path component"),
	BAD(FILES(F(1, "3:a\0b")), "unsafe path component"),
	BAD(FILES(F(1, "i7e")), "path component 0 is not a string"),
	BAD(FILES(F(-1, "1:a")), "file 0: 'length' -1 out of range"),
	BAD(FILES(F(1, "1:a") F(0, "1:a")), "two files named \"a\""),
	BAD(FILES(F(1, "1:a") F(0, "1:b") F(0, "1:a")), "two files named \"a\""),
	BAD(FILES(F(1, "1:a") F(0, "3:a-b") F(0, "1:a1:c")), "\"a\" is both a file and a directory"),
	/* flags and trackers */
	BAD(T("6:lengthi1e4:name1:x12:piece lengthi4e6:pieces20:" P20 "7:private1:1"), "'private' is not an integer"),
	BAD("d8:announcei1e4:infod6:lengthi1e4:name1:x12:piece lengthi4e6:pieces20:" P20 "ee",
	  "'announce' is not a string"),
	BAD("d13:announce-list1:x4:infod6:lengthi1e4:name1:x12:piece lengthi4e6:pieces20:" P20 "ee",
	  "'announce-list' is not a list"),
	BAD("d13:announce-listl1:xe4:infod6:lengthi1e4:name1:x12:piece lengthi4e6:pieces20:" P20 "ee",
	  "tier 0 is not a list"),
	BAD("d13:announce-listlli1eee4:infod6:lengthi1e4:name1:x12:piece lengthi4e6:pieces20:" P20 "ee",
	  "'announce-list' is not a string"),
};

Test(metainfo, rejects_each_invalid_class_with_a_reason)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		size_t n = c->len;
		struct metainfo m;
		char err[256] = "";
		int rc = metainfo_parse((const unsigned char *)c->in, n, &m, err,
		    sizeof(err));

		cr_expect_eq(rc, -1, "case %zu accepted: %s", i, c->in);
		if (rc == 0) {
			metainfo_free(&m);
			continue;
		}
		cr_expect(strstr(err, c->msg_part) != NULL,
		    "case %zu: \"%s\" lacks \"%s\"", i, err, c->msg_part);
		cr_expect_null(m.files, "case %zu: not freed on error", i);
		cr_expect_null(m.name);
	}
}

Test(metainfo, accepts_dotted_names_that_are_not_dot_or_dotdot)
{
	struct metainfo m;
	char err[256] = "";

	cr_assert_eq(parse(FILES(F(1, "3:...") F(0, "2:.a1:b") F(0, "3:..b")),
	    &m, err, sizeof(err)), 0, "%s", err);
	cr_expect_str_eq(m.files[1].path, ".a/b");
	metainfo_free(&m);
}
