/*
 * test_tree.c — the submission's copy: private (another uid reads nothing of
 * it), never through a link at its root, refused past its limits with the
 * file and the limit named; the build products left out whatever their
 * names; folders inside folders unwrapped, and only those; archives
 * unpacked, and a hostile one (paths outside, a link to pass through, a
 * bomb) refused without a byte written outside.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "tree.h"
#include "tests/harness.h"

#define OTHER_UID 54321	/* no one's: stands for another user of the machine */

static const struct tree_limits lim = { .max_files = 100, .max_bytes = 8u << 20, .max_depth = 8 };

static char *
path_in(const char *dir, const char *name)
{
	static char buf[4][700];
	static int next;
	char *p = buf[next++ % 4], joined[800];

	snprintf(joined, sizeof(joined), "%s/%s", dir, name);	/* dir may be an earlier result */
	cr_assert_lt(strlen(joined), sizeof(buf[0]));
	memcpy(p, joined, strlen(joined) + 1);
	return p;
}

static void
sh(const char *script, const char *dir)
{
	cr_assert_eq(harness_sh(script, dir), 0, "failed: %s", script);
}

static int
exists(const char *dir, const char *name)
{
	struct stat st;

	return lstat(path_in(dir, name), &st) == 0;
}

/* True if a process of another uid can open path for reading. */
static int
readable_by_other(const char *path)
{
	pid_t pid = fork();
	int status;

	cr_assert_neq(pid, -1);
	if (pid == 0) {
		if (setgid(OTHER_UID) == -1 || setuid(OTHER_UID) == -1)
			_exit(2);
		_exit(open(path, O_RDONLY) == -1 ? 1 : 0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 2, "could not become uid %d", OTHER_UID);
	return WEXITSTATUS(status) == 0;
}

static mode_t
mode_of(const char *dir, const char *name)
{
	struct stat st;

	cr_assert_eq(lstat(path_in(dir, name), &st), 0, "%s", name);
	return st.st_mode & 07777;
}

Test(tree, copy_is_private_and_stays_so_after_the_build)
{
	char *d = harness_tempdir(), src[700], dst[700];
	struct strbuf err;

	cr_assert_not_null(d);
	snprintf(src, sizeof(src), "%s/src", d);
	snprintf(dst, sizeof(dst), "%s/dst", d);
	if (geteuid() != 0)
		cr_skip_test("needs root: another uid must be tried");
	strbuf_init(&err);
	sh("mkdir -p \"$1/src/dir\" && echo root only >\"$1/src/secret\" && chmod 600 \"$1/src/secret\""
	    " && echo hi >\"$1/src/dir/notes\" && chmod 666 \"$1/src/dir/notes\" && cp /bin/true "
	    "\"$1/src/prog\" && chmod 4755 \"$1/src/prog\" && chmod 777 \"$1/src/dir\"", d);
	cr_assert_eq(tree_copy(src, dst, &lim, &err), 0, "%s", strbuf_str(&err));
	cr_expect_eq(mode_of(dst, "secret"), 0600);
	cr_expect_eq(mode_of(dst, "dir/notes"), 0600);
	cr_expect_eq(mode_of(dst, "prog"), 0711, "executables: run, never read, by others");
	cr_expect_eq(mode_of(dst, "dir"), 0711);
	cr_expect(!readable_by_other(path_in(dst, "secret")));
	cr_expect(!readable_by_other(path_in(dst, "dir/notes")));
	/* The build's uid owns everything for a while, then gives it back private. */
	cr_assert_eq(tree_give(dst, OTHER_UID + 1), 0);
	sh("chmod 666 \"$1/dst/secret\" && chmod 777 \"$1/dst/dir\" && chmod 755 \"$1/dst/prog\"", d);
	cr_assert_eq(tree_take(dst, OTHER_UID + 1), 0);
	cr_expect_eq(mode_of(dst, "secret"), 0600);
	cr_expect_eq(mode_of(dst, "dir"), 0711);
	cr_expect_eq(mode_of(dst, "prog"), 0711);
	cr_expect(!readable_by_other(path_in(dst, "secret")));
	harness_rmtree(d);
	free(d);
	strbuf_free(&err);
}

Test(tree, copy_refuses_a_link_as_its_source)
{
	char *d = harness_tempdir(), *link = path_in(d, "link");
	struct strbuf err;

	cr_assert_not_null(d);
	strbuf_init(&err);
	cr_assert_eq(symlink("/etc", link), 0);
	cr_expect_eq(tree_copy(link, path_in(d, "dst"), &lim, &err), -1);
	cr_expect(strstr(strbuf_str(&err), "is a symbolic link: not followed") != NULL, "%s",
	    strbuf_str(&err));
	cr_expect(!exists(d, "dst/passwd"));
	harness_rmtree(d);
	free(d);
	strbuf_free(&err);
}

/* Copies d/src to d/dst with lim; the error message, or "" if it copied. */
static const char *
copy_error(const char *d, const struct tree_limits *l, struct strbuf *err)
{
	strbuf_reset(err);
	sh("rm -rf \"$1/dst\"", d);
	if (tree_copy(path_in(d, "src"), path_in(d, "dst"), l, err) == 0)
		strbuf_reset(err);
	return strbuf_str(err);
}

Test(tree, limits_name_the_file_and_the_limit)
{
	char *d = harness_tempdir();
	struct tree_limits few = { .max_files = 3, .max_bytes = 8u << 20, .max_depth = 2 };
	struct strbuf err;

	cr_assert_not_null(d);
	strbuf_init(&err);
	sh("mkdir -p \"$1/src/sub\" && truncate -s 9M \"$1/src/sub/big.bin\"", d);
	cr_expect_str_eq(copy_error(d, &few, &err), "sub/big.bin is 9 MB; a submission may hold at "
	    "most 8 MB in all: leave out data files");
	sh("truncate -s 5M \"$1/src/sub/big.bin\" && truncate -s 4M \"$1/src/sub/more.bin\"", d);
	cr_expect(strstr(copy_error(d, &few, &err), "the submission holds more than 8 MB, the most "
	    "it may hold: leave out data files") != NULL, "%s", strbuf_str(&err));
	sh("rm \"$1/src/sub/more.bin\" && touch \"$1/src/a\" \"$1/src/b\"", d);
	cr_expect(strstr(copy_error(d, &few, &err), "the submission has more than 3 files (") !=
	    NULL, "%s", strbuf_str(&err));
	sh("rm \"$1/src/a\" \"$1/src/b\" && mkdir -p \"$1/src/x/y/z\"", d);
	few.max_files = 10;
	cr_expect_str_eq(copy_error(d, &few, &err), "x/y/z is 3 folders deep; a submission may "
	    "nest at most 2");
	sh("rmdir \"$1/src/x/y/z\"", d);
	cr_expect_str_eq(copy_error(d, &few, &err), "");
	harness_rmtree(d);
	free(d);
	strbuf_free(&err);
}

Test(tree, prune_leaves_out_compiled_code_whatever_its_name)
{
	char *d = harness_tempdir(), *products[] = { "udp_server", "sub/tool", NULL };
	struct strbuf removed;
	static const char *const gone[] = { "elf", "macho32", "macho32le", "macho64", "macho64le",
		"fat", "pe", "archive", "x.o", "x.obj", "lib.a", "x.so", "x.dylib", "x.exe",
		"x.dSYM", "udp_server", "sub/tool", "sub/deep.o" };
	static const char *const kept[] = { "a.c", "Makefile", "README", "sub/b.c", "sub/tool.c",
		"other_server" };

	cr_assert_not_null(d);
	strbuf_init(&removed);
	sh("set -e; cd \"$1\"; mkdir -p t/sub t/x.dSYM/Contents; cd t; cp /bin/true elf;"
	    " printf '\\376\\355\\372\\316rest' >macho32; printf '\\316\\372\\355\\376rest' >macho32le;"
	    " printf '\\376\\355\\372\\317rest' >macho64; printf '\\317\\372\\355\\376rest' >macho64le;"
	    " printf '\\312\\376\\272\\276\\0\\0\\0\\2' >fat; printf 'MZ\\220\\0' >pe;"
	    " printf '!<arch>\\nx' >archive; for f in x.o x.obj lib.a x.so x.dylib x.exe sub/deep.o;"
	    " do echo text >$f; done; echo dwarf >x.dSYM/Contents/Info.plist;"
	    " echo '#!/bin/sh' >udp_server; echo text >sub/tool; echo 'int x;' >a.c; echo all: >Makefile;"
	    " echo 'ELF, MZ and !<arch> inside' >README; echo 'int y;' >sub/b.c;"
	    " echo 'int z;' >sub/tool.c;"
	    " echo '#!/bin/sh' >other_server", d);
	cr_expect_eq(tree_prune(path_in(d, "t"), products, &removed), 18, "removed:\n%s",
	    strbuf_str(&removed));
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		cr_expect(!exists(path_in(d, "t"), gone[i]), "%s was kept", gone[i]);
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		cr_expect(exists(path_in(d, "t"), kept[i]), "%s was removed", kept[i]);
	cr_expect(strstr(strbuf_str(&removed), "\nsub/deep.o\n") != NULL ||
	    strncmp(strbuf_str(&removed), "sub/deep.o\n", 11) == 0, "%s", strbuf_str(&removed));
	cr_expect(strstr(strbuf_str(&removed), "x.dSYM/\n") != NULL, "%s", strbuf_str(&removed));
	harness_rmtree(d);
	free(d);
	strbuf_free(&removed);
}

/* Makes d/t from a script run in it, unwraps it; the folders unwrapped (or "-1"). */
static const char *
unwrap(const char *d, const char *script, struct strbuf *from)
{
	struct strbuf err;
	char full[1024];
	int n;

	strbuf_init(&err);
	strbuf_reset(from);
	snprintf(full, sizeof(full), "set -e; rm -rf \"$1/t\"; mkdir \"$1/t\"; cd \"$1/t\"; %s", script);
	sh(full, d);
	n = tree_unwrap(path_in(d, "t"), 3, from, &err);
	cr_expect_eq(n == -1, err.len > 0, "%s", strbuf_str(&err));
	if (n == -1)
		strbuf_puts(from, "-1");
	strbuf_free(&err);
	return strbuf_str(from);
}

Test(tree, unwrap_moves_up_a_lone_folder_and_only_that)
{
	char *d = harness_tempdir();
	struct strbuf from;

	cr_assert_not_null(d);
	strbuf_init(&from);
	cr_expect_str_eq(unwrap(d, "mkdir -p a/b __MACOSX/a; touch .DS_Store Thumbs.db desktop.ini "
	    "a/.DS_Store a/b/Makefile a/b/x.c a/b/.hidden; mkdir a/b/a", &from), "a/b/");
	cr_expect(exists(d, "t/Makefile") && exists(d, "t/x.c") && exists(d, "t/.hidden") &&
	    exists(d, "t/a"), "the files of a/b/ are at the top");
	cr_expect(!exists(d, "t/__MACOSX") && !exists(d, "t/Thumbs.db") && !exists(d, "t/b"));
	cr_expect_str_eq(unwrap(d, "mkdir -p a/b/c/d; touch a/b/c/d/x.c", &from), "a/b/c/",
	    "three levels at most");
	cr_expect(exists(d, "t/d/x.c"));
	cr_expect_str_eq(unwrap(d, "mkdir a; touch Makefile a/x.c", &from), "");
	cr_expect_str_eq(unwrap(d, "mkdir a; touch x.c a/y.c", &from), "");
	cr_expect_str_eq(unwrap(d, "mkdir a b; touch a/x.c", &from), "");
	cr_expect_str_eq(unwrap(d, "mkdir a; touch README a/x.c", &from), "");
	cr_expect_str_eq(unwrap(d, "mkdir a; ln -s a link; touch a/x.c", &from), "");
	cr_expect_str_eq(unwrap(d, "mkdir /tmp/socklab-test-unwrap-$$; ln -s /tmp/socklab-test-unwrap-$$ "
	    "a; rmdir /tmp/socklab-test-unwrap-$$", &from), "", "a link is never a folder to unwrap");
	harness_rmtree(d);
	free(d);
	strbuf_free(&from);
}

/* Makes d/t from a script run in it; the lone archive tree_lone_archive names, or "-". */
static const char *
lone(const char *d, const char *script, char *name, size_t cap)
{
	char full[1024];

	snprintf(full, sizeof(full), "set -e; rm -rf \"$1/t\"; mkdir \"$1/t\"; cd \"$1/t\"; %s", script);
	sh(full, d);
	if (!tree_lone_archive(path_in(d, "t"), name, cap))
		snprintf(name, cap, "-");
	return name;
}

Test(tree, a_folder_holding_only_an_archive_names_it)
{
	char *d = harness_tempdir(), name[256];

	cr_assert_not_null(d);
	cr_expect_str_eq(lone(d, "touch lab1.zip", name, sizeof(name)), "lab1.zip");
	cr_expect_str_eq(lone(d, "touch .DS_Store s.TAR.GZ; mkdir __MACOSX", name, sizeof(name)),
	    "s.TAR.GZ", "junk beside it does not count");
	cr_expect_str_eq(lone(d, "touch a.zip b.zip", name, sizeof(name)), "-", "two archives");
	cr_expect_str_eq(lone(d, "touch a.zip x.c", name, sizeof(name)), "-", "sources beside it");
	cr_expect_str_eq(lone(d, "touch notes.pdf", name, sizeof(name)), "-", "not an archive");
	cr_expect_str_eq(lone(d, "mkdir a.zip", name, sizeof(name)), "-", "a folder named .zip");
	cr_expect_str_eq(lone(d, "touch ../real.zip; ln -s ../real.zip a.zip", name, sizeof(name)),
	    "-", "a link is never followed");
	cr_expect_str_eq(lone(d, "true", name, sizeof(name)), "-", "an empty folder");
	cr_expect_str_eq(lone(d, "touch lab1.zip", name, 4), "-", "a name longer than cap");
	harness_rmtree(d);
	free(d);
}

/* Unpacks d/NAME into d/dst (through d/work); the error message, or "" if it unpacked. */
static const char *
unpack(const char *d, const char *name, const struct tree_limits *l, struct strbuf *err)
{
	int uid = geteuid() == 0 ? OTHER_UID + 2 : -1;	/* 54323 */

	strbuf_reset(err);
	sh("rm -rf \"$1/dst\" \"$1/work\" && mkdir \"$1/work\" && chmod 711 \"$1/work\"", d);
	if (tree_unpack(path_in(d, name), path_in(d, "work"), path_in(d, "dst"), uid, l, err) == 0)
		strbuf_reset(err);
	else
		cr_expect_gt(err->len, 0);
	return strbuf_str(err);
}

Test(tree, unpacks_zip_and_tar_archives)
{
	static const char *const names[] = { "s.zip", "s.tar", "s.tar.gz", "s.tgz", "s.tar.bz2",
		"s.tar.xz", "S.ZIP" };
	char *d = harness_tempdir();
	struct strbuf err;

	cr_assert_not_null(d);
	strbuf_init(&err);
	sh("set -e; cd \"$1\"; mkdir -p s/sub; echo 'int main(void) { return 0; }' >s/x.c;"
	    " echo all: >s/Makefile; echo deep >s/sub/y.txt; zip -qr s.zip s; cp s.zip S.ZIP;"
	    " tar -cf s.tar s; tar -czf s.tar.gz s; cp s.tar.gz s.tgz; tar -cjf s.tar.bz2 s;"
	    " tar -cJf s.tar.xz s", d);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cr_expect(tree_is_archive(names[i]), "%s", names[i]);
		cr_expect_str_eq(unpack(d, names[i], &lim, &err), "", "%s", names[i]);
		cr_expect_eq(harness_sh("diff -r \"$1/s\" \"$1/dst/s\"", d), 0, "%s", names[i]);
		cr_expect_eq(mode_of(d, "dst/s/x.c"), 0600);
		cr_expect(!exists(d, "work/unpacked") && !exists(d, "work/archive.zip"),
		    "%s: the unpacking's leftovers were removed", names[i]);
	}
	cr_expect(!tree_is_archive("hello.c") && !tree_is_archive("zip") && !tree_is_archive(".tar.gz.c"));
	harness_rmtree(d);
	free(d);
	strbuf_free(&err);
}

Test(tree, a_hostile_archive_writes_nothing_outside, .timeout = 60)
{
	char *d = harness_tempdir(), script[2048];
	struct strbuf err;
	char mark[64];

	cr_assert_not_null(d);
	strbuf_init(&err);
	snprintf(mark, sizeof(mark), "socklab-test-abs-%d", (int)getpid());
	/* Members at ../ and /tmp/..., and a link to an open directory written through. */
	snprintf(script, sizeof(script), "set -e; cd \"$1\"; mkdir -p open w/in; chmod 777 open;"
	    " python3 - \"$1\" %s <<'EOF'\n"
	    "import io, stat, sys, tarfile, zipfile\n"
	    "d, mark = sys.argv[1], sys.argv[2]\n"
	    "t = tarfile.open(d + '/evil.tar', 'w')\n"
	    "z = zipfile.ZipFile(d + '/evil.zip', 'w')\n"
	    "i = tarfile.TarInfo('link')\n"
	    "i.type, i.linkname = tarfile.SYMTYPE, d + '/open'\n"
	    "t.addfile(i)\n"
	    "zi = zipfile.ZipInfo('link')\n"
	    "zi.create_system, zi.external_attr = 3, (stat.S_IFLNK | 0o777) << 16\n"
	    "z.writestr(zi, d + '/open')\n"
	    "for n in ['link/through', '../../dotdot', '/tmp/' + mark, 'in/ok.c']:\n"
	    "    i = tarfile.TarInfo(n)\n"
	    "    i.size = 2\n"
	    "    t.addfile(i, io.BytesIO(b'x\\n'))\n"
	    "    z.writestr(n, 'x\\n')\n"
	    "t.close(); z.close()\n"
	    "EOF", mark);
	sh(script, d);
	cr_expect_neq(strstr(unpack(d, "evil.tar", &lim, &err), "tar could not unpack evil.tar"), NULL,
	    "%s", strbuf_str(&err));
	cr_expect_neq(strstr(unpack(d, "evil.zip", &lim, &err), "unzip could not unpack evil.zip"),
	    NULL, "%s", strbuf_str(&err));
	cr_expect(!exists(d, "open/through") && !exists(d, "dotdot") && !exists(d, "work/dotdot"));
	cr_expect(!exists("/tmp", mark), "/tmp/%s was written", mark);
	cr_expect(!exists(d, "dst") && !exists(d, "work/unpacked"));
	unlink(path_in("/tmp", mark));
	/* What a tool's bug might leave where all may write is found, named and removed. */
	if (geteuid() == 0) {
		sh("cd \"$1\" && mkdir ok && touch ok/x.c && tar -cf ok.tar ok", d);
		snprintf(mark, sizeof(mark), "socklab-test-stray-%d", (int)getpid());
		sh("touch \"/tmp/$1\" && chown 54323 \"/tmp/$1\"", mark);
		cr_expect(strstr(unpack(d, "ok.tar", &lim, &err), "ok.tar wrote outside its folder "
		    "(/tmp/socklab-test-stray-") != NULL, "%s", strbuf_str(&err));
		cr_expect(!exists("/tmp", mark));
		unlink(path_in("/tmp", mark));
	}
	harness_rmtree(d);
	free(d);
	strbuf_free(&err);
}

Test(tree, an_archive_bomb_ends_quickly_with_an_error, .timeout = 60)
{
	char *d = harness_tempdir();
	struct strbuf err;
	long start;

	cr_assert_not_null(d);
	strbuf_init(&err);
	/* A tar of one 1 GB file of zeros, gzipped: the 1 MB member repeated (gzip allows that). */
	sh("set -e; cd \"$1\"; truncate -s 1G zeros; { tar -cf - zeros 2>/dev/null || true; } |"
	    " head -c 512 | gzip >bomb.tar.gz; head -c 1M /dev/zero | gzip >m.gz;"
	    " for i in $(seq 1024); do cat m.gz; done >>bomb.tar.gz; rm zeros m.gz;"
	    " mkdir many; cd many; for i in $(seq 200); do touch f$i; done; zip -q ../many.zip *", d);
	start = sandbox_now_ms();
	cr_expect_str_eq(unpack(d, "bomb.tar.gz", &lim, &err), "bomb.tar.gz unpacks to more than "
	    "8 MB; a submission may hold at most 8 MB in all: leave out data files");
	cr_expect_lt(sandbox_now_ms() - start, 20000);
	cr_expect_str_eq(unpack(d, "many.zip", &lim, &err), "many.zip unpacks to more than 100 "
	    "files, the most a submission may hold: leave out generated and data files");
	cr_expect(!exists(d, "work/unpacked") && !exists(d, "dst"));
	harness_rmtree(d);
	free(d);
	strbuf_free(&err);
}
