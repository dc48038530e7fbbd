/*
 * test_mktorrent.c — mt-mktorrent and mt-info as programs, checked against
 * the real tools: the info-hash mt-info prints must be the one
 * transmission-show prints, and mt-mktorrent must make the same info
 * dictionary as mktorrent for the same content (so the same info-hash).
 *
 * The real tools are installed by .ci/setup; a test that needs a missing one
 * fails and says so (it must not pass without having compared anything).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metainfo.h"
#include "proc.h"

#define DEADLINE_MS 30000

static char dir[] = "/tmp/mt-mktorrent-XXXXXX";
static char *paths[256];	/* handed out by in_dir, freed by teardown */
static size_t npaths;

static void
setup(void)
{
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

static void
teardown(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", dir);
	while (npaths > 0)
		free(paths[--npaths]);
}

TestSuite(mktorrent, .init = setup, .fini = teardown, .timeout = 60);

/* proc_bin(name) in memory that lasts until the end of the test (proc_bin
 * itself returns a buffer the next call overwrites). */
static char *
bin(const char *name)
{
	char *p = strdup(proc_bin(name));

	cr_assert(p != NULL && npaths < sizeof(paths) / sizeof(paths[0]));
	paths[npaths++] = p;
	return p;
}

/* The full path of a program found on PATH; fails the test if missing. */
static const char *
tool(const char *name)
{
	static char path[8][PATH_MAX];
	static int next;
	const char *env = getenv("PATH");
	char dirs[4096], *save = NULL, *d;

	snprintf(dirs, sizeof(dirs), "%s", env != NULL ? env : "/usr/bin:/bin");
	for (d = strtok_r(dirs, ":", &save); d != NULL; d = strtok_r(NULL, ":", &save)) {
		char *p = path[next++ % 8];

		snprintf(p, PATH_MAX, "%s/%s", d, name);
		if (access(p, X_OK) == 0)
			return p;
	}
	cr_assert_fail("%s is not installed: this test compares with it; "
	    "run 'sudo bash .ci/setup' (Debian packages mktorrent, "
	    "transmission-cli)", name);
	return NULL;
}

/*
 * Runs argv to completion; stdout into out (NUL-terminated), stderr into err
 * when not NULL.  Returns the exit code.
 */
static int
run(char *const argv[], char *out, size_t cap, char *err, size_t errcap)
{
	struct proc p;
	size_t n;
	int code;

	cr_assert_eq(proc_start(&p, argv), 0, "cannot start %s", argv[0]);
	proc_close_stdin(&p);
	code = proc_wait(&p, DEADLINE_MS);	/* drains stdout and stderr meanwhile */
	cr_assert_geq(code, 0, "%s did not exit within the deadline", argv[0]);
	if (err != NULL)
		snprintf(err, errcap, "%s", proc_stderr(&p));
	else
		proc_stderr(&p);	/* reads what is left on both pipes */
	/* p.out is NULL when nothing came: proc_read_all would memcpy from it. */
	n = p.out_len < cap - 1 ? p.out_len : cap - 1;
	if (n > 0)
		memcpy(out, p.out, n);
	out[n] = '\0';
	proc_kill(&p);
	return code;
}

/* The 40 hex digits after "Hash: " in a program's output. */
static void
hash_line(const char *out, char hex[SHA1_HEX_LEN], const char *who)
{
	const char *h = strstr(out, "Hash: ");

	cr_assert_not_null(h, "%s printed no \"Hash:\" line:\n%s", who, out);
	cr_assert(strlen(h + 6) >= 40, "%s: short hash", who);
	memcpy(hex, h + 6, 40);
	hex[40] = '\0';
}

static void
mt_info_hash(const char *torrent, char hex[SHA1_HEX_LEN])
{
	char out[65536], err[4096];
	char *argv[] = { bin("mt-info"), (char *)torrent, NULL };

	cr_assert_eq(run(argv, out, sizeof(out), err, sizeof(err)), 0,
	    "mt-info %s failed: %s", torrent, err);
	hash_line(out, hex, "mt-info");
}

static void
transmission_hash(const char *torrent, char hex[SHA1_HEX_LEN])
{
	char out[65536];
	char *argv[] = { (char *)tool("transmission-show"), (char *)torrent, NULL };

	cr_assert_eq(run(argv, out, sizeof(out), NULL, 0), 0,
	    "transmission-show rejected %s:\n%s", torrent, out);
	hash_line(out, hex, "transmission-show");
}

static uint64_t rng = 0x243f6a8885a308d3ULL;

static void
write_random(const char *path, size_t n)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	for (size_t i = 0; i < n; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		cr_assert_neq(fputc((int)(rng & 0xff), f), EOF);
	}
	cr_assert_eq(fclose(f), 0);
}

/* dir/rel in memory that lasts until the end of the test. */
static char *
in_dir(const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *p = malloc(n);

	cr_assert(p != NULL && npaths < sizeof(paths) / sizeof(paths[0]));
	snprintf(p, n, "%s/%s", dir, rel);
	paths[npaths++] = p;
	return p;
}

/* mt-mktorrent with extra arguments; returns its stdout in out. */
static void
mt_mktorrent(char *const args[], char *out, size_t cap)
{
	char *argv[16], err[4096];
	int n = 0;

	argv[n++] = bin("mt-mktorrent");
	while (*args != NULL && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	cr_assert_eq(run(argv, out, cap, err, sizeof(err)), 0,
	    "mt-mktorrent failed: %s", err);
	cr_expect_str_empty(err, "stderr not a terminal and short work: "
	    "expected no progress lines, got \"%s\"", err);
}

/* A small tree with nesting, an empty file, a hidden file, and names whose
 * byte order differs from per-component order ("a-b" < "a.txt" < "a/"). */
static void
make_tree(void)
{
	static const char *const dirs[] = { "tree", "tree/a", "tree/a-b",
	    "tree/a/deep", "tree/a/deep/er" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		cr_assert_eq(mkdir(in_dir(dirs[i]), 0755), 0);
	write_random(in_dir("tree/a/x"), 70000);
	write_random(in_dir("tree/a-b/y"), 1);
	write_random(in_dir("tree/a.txt"), 16384);
	write_random(in_dir("tree/a/deep/er/z"), 100000);
	write_random(in_dir("tree/.hidden"), 333);
	write_random(in_dir("tree/empty"), 0);
}

Test(mktorrent, single_file_hash_matches_transmission_show)
{
	char out[4096], ours[SHA1_HEX_LEN], theirs[SHA1_HEX_LEN];
	char *args[] = { "-a", "http://127.0.0.1:6969/announce", "-l", "16K",
	    "-o", in_dir("one.torrent"), in_dir("one.bin"), NULL };
	struct metainfo m;
	char errbuf[256];

	write_random(in_dir("one.bin"), 1000003);
	mt_mktorrent(args, out, sizeof(out));
	cr_expect(strstr(out, "info-hash ") != NULL, "stdout: %s", out);
	mt_info_hash(in_dir("one.torrent"), ours);
	transmission_hash(in_dir("one.torrent"), theirs);
	cr_expect_str_eq(ours, theirs);
	cr_assert_eq(metainfo_load(in_dir("one.torrent"), &m, errbuf,
	    sizeof(errbuf)), 0, "%s", errbuf);
	cr_expect_str_eq(m.name, "one.bin");
	cr_expect_eq(m.piece_length, 16384);
	cr_expect_eq(m.piece_count, (1000003 + 16383) / 16384);
	cr_expect_str_eq(m.announce, "http://127.0.0.1:6969/announce");
	cr_expect(strstr(out, m.info_hash_hex) != NULL);
	metainfo_free(&m);
}

/* mktorrent's -l is log2 of the piece length. */
static void
real_mktorrent(const char *log2_len, int private_flag, const char *path,
    const char *torrent)
{
	char out[8192], err[4096];
	char *argv[] = { (char *)tool("mktorrent"), "-l", (char *)log2_len, "-a",
	    "http://127.0.0.1:6969/announce", "-o", (char *)torrent,
	    (char *)path, private_flag ? "-p" : NULL, NULL };

	cr_assert_eq(run(argv, out, sizeof(out), err, sizeof(err)), 0,
	    "mktorrent failed: %s%s", out, err);
}

Test(mktorrent, multi_file_torrent_is_identical_to_mktorrent)
{
	char out[4096], ours[SHA1_HEX_LEN], theirs[SHA1_HEX_LEN], tr[SHA1_HEX_LEN];
	char *args[] = { "-l", "32K", "-o", in_dir("ours.torrent"), in_dir("tree"),
	    NULL };

	make_tree();
	mt_mktorrent(args, out, sizeof(out));
	real_mktorrent("15", 0, in_dir("tree"), in_dir("theirs.torrent"));
	mt_info_hash(in_dir("ours.torrent"), ours);
	mt_info_hash(in_dir("theirs.torrent"), theirs);
	transmission_hash(in_dir("ours.torrent"), tr);
	cr_expect_str_eq(ours, theirs, "same tree, same piece length: the info "
	    "dictionaries differ (file order or keys)");
	cr_expect_str_eq(ours, tr, "mt-info and transmission-show disagree");
}

Test(mktorrent, private_flag_matches_mktorrent_p)
{
	char out[4096], ours[SHA1_HEX_LEN], theirs[SHA1_HEX_LEN], pub[SHA1_HEX_LEN];
	char *args[] = { "--private", "-o", in_dir("p.torrent"), in_dir("f"), NULL };
	char *args_pub[] = { "-o", in_dir("pub.torrent"), in_dir("f"), NULL };
	char info[4096];
	char *argv[] = { bin("mt-info"), in_dir("p.torrent"), NULL };

	write_random(in_dir("f"), 300000);
	mt_mktorrent(args, out, sizeof(out));
	mt_mktorrent(args_pub, out, sizeof(out));
	real_mktorrent("18", 1, in_dir("f"), in_dir("theirs.torrent"));
	mt_info_hash(in_dir("p.torrent"), ours);
	mt_info_hash(in_dir("theirs.torrent"), theirs);
	mt_info_hash(in_dir("pub.torrent"), pub);
	cr_expect_str_eq(ours, theirs);
	cr_expect_str_neq(ours, pub, "the private flag must change the info-hash");
	cr_assert_eq(run(argv, info, sizeof(info), NULL, 0), 0);
	cr_expect(strstr(info, "Private: yes") != NULL, "%s", info);
}

Test(mktorrent, piece_hashes_are_sha1_of_each_piece)
{
	char out[4096], errbuf[256];
	char *args[] = { "-l", "16K", "-o", in_dir("t.torrent"), in_dir("tree"), NULL };
	struct metainfo m;
	unsigned char *all, d[SHA1_LEN];
	size_t pos = 0;

	make_tree();
	mt_mktorrent(args, out, sizeof(out));
	cr_assert_eq(metainfo_load(in_dir("t.torrent"), &m, errbuf, sizeof(errbuf)),
	    0, "%s", errbuf);
	all = malloc(m.total_length);
	cr_assert_not_null(all);
	for (size_t i = 0; i < m.file_count; i++) {
		char rel[1024];
		FILE *f;
		int n = snprintf(rel, sizeof(rel), "tree/%s", m.files[i].path);

		cr_assert(n > 0 && (size_t)n < sizeof(rel));
		cr_assert_not_null(f = fopen(in_dir(rel), "rb"), "%s", rel);
		cr_assert_eq(fread(all + pos, 1, m.files[i].length, f), m.files[i].length);
		fclose(f);
		cr_expect_eq(m.files[i].offset, pos);
		pos += m.files[i].length;
	}
	cr_expect_str_eq(m.files[0].path, ".hidden");
	cr_expect_str_eq(m.files[1].path, "a-b/y");
	cr_expect_str_eq(m.files[2].path, "a.txt");
	cr_expect_str_eq(m.files[3].path, "a/deep/er/z");
	for (uint32_t i = 0; i < m.piece_count; i++) {
		sha1(all + (size_t)i * m.piece_length, metainfo_piece_size(&m, i), d);
		cr_expect(memcmp(d, metainfo_piece_hash(&m, i), SHA1_LEN) == 0,
		    "piece %u", i);
	}
	free(all);
	metainfo_free(&m);
}

Test(mktorrent, mt_info_shows_every_field)
{
	char out[4096], info[8192];
	char *args[] = { "-a", "http://127.0.0.1:1/announce", "-c", "hello",
	    "-l", "32K", "-o", in_dir("t.torrent"), in_dir("tree"), NULL };
	char *argv[] = { bin("mt-info"), in_dir("t.torrent"), NULL };
	static const char *const want[] = { "Name: tree\n", "Private: no\n",
	    "Total Size: 186718 bytes", "Piece Size: 32768 bytes", "Piece Count: 6\n",
	    "Comment: hello\n", "Created by: mt-mktorrent\n", "Created on: ",
	    "Announce: http://127.0.0.1:1/announce\n", "Files (6):\n",
	    "  tree/a/deep/er/z (97.7 KiB)\n", "  tree/empty (0 B)\n" };

	make_tree();
	mt_mktorrent(args, out, sizeof(out));
	cr_assert_eq(run(argv, info, sizeof(info), NULL, 0), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_expect(strstr(info, want[i]) != NULL, "missing \"%s\" in:\n%s",
		    want[i], info);
}

/* Runs a program expected to fail; checks exit code and a one-line reason. */
static void
expect_failure(char *const argv[], int code, const char *needle)
{
	char out[4096], err[4096];
	int rc = run(argv, out, sizeof(out), err, sizeof(err));

	cr_expect_eq(rc, code, "%s: exit %d, want %d (stderr: %s)", argv[0], rc,
	    code, err);
	cr_expect(strstr(err, needle) != NULL, "%s: stderr \"%s\" lacks \"%s\"",
	    argv[0], err, needle);
	cr_expect(strchr(err, '\n') == err + strlen(err) - 1,
	    "want exactly one line on stderr: \"%s\"", err);
}

Test(mktorrent, bad_usage_exits_2_and_runtime_errors_exit_1)
{
	char *mk = bin("mt-mktorrent"), *info = bin("mt-info");

	mkdir(in_dir("emptydir"), 0755);
	write_random(in_dir("garbage.torrent"), 100);
	{
		char *a[] = { mk, NULL };
		expect_failure(a, 2, "missing PATH");
	}
	{
		char *a[] = { mk, "-l", "1000", in_dir("x"), NULL };
		expect_failure(a, 2, "power of two");
	}
	{
		char *a[] = { mk, "-q", in_dir("x"), NULL };
		expect_failure(a, 2, "unknown option");
	}
	{
		char *a[] = { mk, in_dir("nonexistent"), NULL };
		expect_failure(a, 1, "No such file or directory");
	}
	{
		char *a[] = { mk, "-o", in_dir("e.torrent"), in_dir("emptydir"), NULL };
		expect_failure(a, 1, "no files");
	}
	{
		char *a[] = { info, NULL };
		expect_failure(a, 2, "expected one TORRENT");
	}
	{
		char *a[] = { info, in_dir("garbage.torrent"), NULL };
		expect_failure(a, 1, "garbage.torrent: bad bencode at byte");
	}
	{
		char *a[] = { info, in_dir("nonexistent"), NULL };
		expect_failure(a, 1, "No such file");
	}
}

Test(mktorrent, refuses_special_files_and_symlink_loops)
{
	char *mk = bin("mt-mktorrent");

	cr_assert_eq(mkdir(in_dir("fifo"), 0755), 0);
	write_random(in_dir("fifo/ok"), 10);
	cr_assert_eq(mkfifo(in_dir("fifo/pipe"), 0644), 0);
	cr_assert_eq(mkdir(in_dir("loop"), 0755), 0);
	write_random(in_dir("loop/ok"), 10);
	cr_assert_eq(symlink(".", in_dir("loop/again")), 0);
	{
		char *a[] = { mk, "-o", in_dir("f.torrent"), in_dir("fifo"), NULL };
		expect_failure(a, 1, "pipe: not a regular file or directory");
	}
	{
		char *a[] = { mk, "-o", in_dir("l.torrent"), in_dir("loop"), NULL };
		/* the kernel (ELOOP) or our depth limit stops it; both name the path */
		expect_failure(a, 1, "loop/again/again/again");
	}
}

Test(mktorrent, help_exits_0_with_usage)
{
	char out[4096];
	char *a[] = { bin("mt-mktorrent"), "--help", NULL };
	char *b[] = { bin("mt-info"), "--help", NULL };

	cr_expect_eq(run(a, out, sizeof(out), NULL, 0), 0);
	cr_expect(strncmp(out, "usage: mt-mktorrent", 19) == 0, "%s", out);
	cr_expect_eq(run(b, out, sizeof(out), NULL, 0), 0);
	cr_expect(strncmp(out, "usage: mt-info", 14) == 0, "%s", out);
}
