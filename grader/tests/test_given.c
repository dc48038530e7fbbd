/*
 * test_given.c — the files a lab gives: the manifest's section for a lab read
 * right (and a table of bad ones, each rejected with its line), and the
 * overlay on a directory made to look like a submission: what it replaces,
 * adds, removes and names, and that it never writes through a link.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "given.h"
#include "tests/harness.h"

static int
parse(struct given *g, const char *lab, const char *text, struct strbuf *err)
{
	strbuf_init(err);
	return given_parse(g, lab, "manifest.txt", text, strlen(text), err);
}

/* The names of a list of files, space-separated, in buf. */
static const char *
names(const struct given_file *f, size_t n, char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? " " : "", f[i].name);
	return buf;
}

static const char good[] =
    "# a manifest: comments, other labs, several files a line\n"
    "[00-other]\n"
    "copy    other/../escape.c /abs/path.c    # another lab's problem, not ours\n"
    "frobnicate\n"
    "[01-a]   # the lab\n"
    "title   A lab # with a comment\n"
    "progs   a b\n"
    "libs    -lm\n"
    "strip   a/one.c\n"
    "strip   a/two.c   /^(read|write) the [a-z]+$/  \n"
    "copy    a/x.c a/x.h\ta/y.c   # three on a line\n"
    "\n"
    "solved  b/z.c\n"
    "copy    labs/01-a/given/stand-in_1.c\n"
    "[02-b]\n"
    "copy    c/w.c\n"
    "strip   a/x.c\n";

Test(given, reads_its_lab_section_and_nothing_else)
{
	struct given g;
	struct strbuf err;
	char buf[512];

	cr_assert_eq(parse(&g, "01-a", good, &err), 0, "%s", strbuf_str(&err));
	cr_expect(g.found);
	cr_expect_str_eq(names(g.files, g.nfiles, buf, sizeof(buf)),
	    "Makefile x.c x.h y.c z.c stand-in_1.c");
	cr_expect_str_eq(names(g.gaps, g.ngaps, buf, sizeof(buf)), "one.c two.c");
	cr_assert_eq(g.nfiles, 6);
	cr_expect_str_eq(g.files[0].path, "labs/01-a/Makefile");
	cr_expect_eq(g.files[0].line, 0);
	cr_expect_str_eq(g.files[1].path, "a/x.c");
	cr_expect_eq(g.files[1].line, 11);
	cr_expect_str_eq(g.files[3].path, "a/y.c");
	cr_expect_str_eq(g.files[5].path, "labs/01-a/given/stand-in_1.c");
	cr_expect_str_eq(g.gaps[1].path, "a/two.c");
	given_free(&g);
	strbuf_free(&err);
}

Test(given, a_lab_without_a_section_gives_nothing)
{
	struct given g;
	struct strbuf err;

	cr_assert_eq(parse(&g, "09-missing", good, &err), 0, "%s", strbuf_str(&err));
	cr_expect_not(g.found);
	cr_expect_eq(g.nfiles + g.ngaps, 0);
	cr_expect_eq(err.len, 0);
	given_free(&g);
	cr_assert_eq(parse(&g, "../01-a", good, &err), 0);
	cr_expect_not(g.found, "a lab name with a slash names no section");
	given_free(&g);
	strbuf_free(&err);
}

#define SEC "[01-a]\nstrip a/one.c\n"

static const struct {
	const char *text;
	const char *want;	/* in the error message, with its line */
} bad[] = {
	{ SEC "copy ../x.c\n", "manifest.txt:3: '../x.c' has a . or .. component" },
	{ SEC "copy a/../../etc/passwd\n", "manifest.txt:3: 'a/../../etc/passwd' has a . or .." },
	{ SEC "copy a/./x.c\n", "manifest.txt:3: 'a/./x.c' has a . or .. component" },
	{ SEC "copy a/x.c ..\n", "manifest.txt:3: '..' has a . or .. component" },
	{ SEC "copy /etc/passwd\n", "manifest.txt:3: '/etc/passwd' is absolute" },
	{ SEC "solved a/x.c\nstrip /abs.c\n", "manifest.txt:4: '/abs.c' is absolute" },
	{ SEC "copy a/we$ird.c\n", "manifest.txt:3: 'a/we$ird.c' may hold only the characters" },
	{ SEC "copy a/x.c\"\n", "may hold only the characters" },
	{ SEC "copy a/\n", "manifest.txt:3: 'a/' has an empty component" },
	{ SEC "copy a//x.c\n", "manifest.txt:3: 'a//x.c' has an empty component" },
	{ SEC "copy\n", "manifest.txt:3: copy needs a file" },
	{ SEC "solved   # nothing\n", "manifest.txt:3: solved needs a file" },
	{ SEC "strip\n", "manifest.txt:3: strip needs a file" },
	{ SEC "strip a/two.c /unterminated\n", "manifest.txt:3: expected 'strip FILE' or" },
	{ SEC "strip a/two.c extra words\n", "manifest.txt:3: expected 'strip FILE' or" },
	{ SEC "strip a/two.c //\n", "manifest.txt:3: expected 'strip FILE' or" },
	{ SEC "frobnicate a/x.c\n", "manifest.txt:3: unknown keyword 'frobnicate'" },
	{ SEC "copy a/x.c b/x.c\n", "manifest.txt:3: two files named x.c (the other on line 3)" },
	{ SEC "copy b/one.c\n", "manifest.txt:3: two files named one.c (the other on line 2)" },
	{ SEC "copy a/x.c\nstrip b/x.c\n", "manifest.txt:4: two files named x.c (the other on line 3)" },
	{ SEC "copy a/Makefile\n", "manifest.txt:3: a/Makefile: the lab's own Makefile is given" },
	{ SEC "[02-b]\n[01-a]\n", "manifest.txt:4: lab 01-a is listed twice (first on line 1)" },
	{ SEC "[01-a\n", "manifest.txt:3: a section header is '[lab-name]'" },
	{ SEC "[01-a] [02-b]\n", "manifest.txt:3: a section header is '[lab-name]'" },
};

ParameterizedTestParameters(given, rejects_bad_lines_with_their_number)
{
	static int idx[sizeof(bad) / sizeof(bad[0])];

	for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++)
		idx[i] = (int)i;
	return cr_make_param_array(int, idx, sizeof(idx) / sizeof(idx[0]));
}

ParameterizedTest(int *i, given, rejects_bad_lines_with_their_number)
{
	struct given g;
	struct strbuf err;

	cr_expect_eq(parse(&g, "01-a", bad[*i].text, &err), -1, "case %d was accepted", *i);
	cr_expect(strstr(strbuf_str(&err), bad[*i].want) != NULL, "case %d: wanted '%s', got:\n%s",
	    *i, bad[*i].want, strbuf_str(&err));
	given_free(&g);
	strbuf_free(&err);
}

Test(given, reports_every_bad_line_at_once)
{
	struct given g;
	struct strbuf err;
	size_t lines = 0;

	cr_assert_eq(parse(&g, "01-a", SEC "copy /x.c ../y.c\nbogus\n", &err), -1);
	for (const char *p = strbuf_str(&err); *p; p++)
		lines += *p == '\n';
	cr_expect_eq(lines, 3, "%s", strbuf_str(&err));
	given_free(&g);
	strbuf_free(&err);
}

/* ---- the overlay, on scratch directories ---- */

static char *scratch;		/* the kit (kit/) and the submission (sub/) of one test */
static char kit[600], sub[600];

static void
put(const char *dir, const char *name, const char *text)
{
	char path[1300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(path, "w"), "%s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* The contents of dir/name (at most 4 KiB), or "(none)". */
static const char *
get(const char *dir, const char *name)
{
	static char buf[4096];
	char path[1300];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL)
		return "(none)";
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A kit giving lab 01-a a Makefile, x.c and y.h, and an empty submission. */
static void
setup(struct given *g)
{
	struct strbuf err;

	cr_assert_not_null(scratch = harness_tempdir());
	snprintf(kit, sizeof(kit), "%s/kit", scratch);
	snprintf(sub, sizeof(sub), "%s/sub", scratch);
	cr_assert_eq(harness_sh("mkdir -p \"$1/kit/labs/01-a\" \"$1/kit/a\" \"$1/sub\"", scratch), 0);
	put(kit, "labs/01-a/Makefile", "all:\n\tcc -o prog *.c\n");
	put(kit, "a/x.c", "int x(void) { return 1; }\n");
	put(kit, "a/y.h", "int x(void);\n");
	cr_assert_eq(parse(g, "01-a", "[01-a]\nstrip a/one.c\ncopy a/x.c a/y.h\n", &err), 0);
	cr_assert_eq(given_read(g, kit, &err), 0, "%s", strbuf_str(&err));
	strbuf_free(&err);
}

static void
teardown(struct given *g)
{
	given_free(g);
	harness_rmtree(scratch);
	free(scratch);
}

/* Overlays g on sub; returns how many it named, with the names in changed. */
static int
overlay(const struct given *g, char *changed, size_t cap)
{
	struct strbuf names, err;
	int n;

	strbuf_init(&names);
	strbuf_init(&err);
	n = given_overlay(g, sub, &names, &err);
	cr_assert_neq(n, -1, "%s", strbuf_str(&err));
	snprintf(changed, cap, "%s", strbuf_str(&names));
	strbuf_free(&names);
	strbuf_free(&err);
	return n;
}

static mode_t
mode_of(const char *name)
{
	char path[1300];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", sub, name);
	cr_assert_eq(lstat(path, &st), 0, "%s", path);
	return st.st_mode;
}

Test(given, adds_missing_files_without_naming_them)
{
	struct given g;
	char changed[256];

	setup(&g);
	cr_expect_eq(overlay(&g, changed, sizeof(changed)), 0);
	cr_expect_str_eq(changed, "");
	cr_expect_str_eq(get(sub, "x.c"), "int x(void) { return 1; }\n");
	cr_expect_str_eq(get(sub, "Makefile"), "all:\n\tcc -o prog *.c\n");
	cr_expect_eq(mode_of("y.h"), S_IFREG | 0644);
	teardown(&g);
}

Test(given, replaces_a_changed_file_and_names_it_but_not_an_identical_one)
{
	struct given g;
	char changed[256];

	setup(&g);
	put(sub, "x.c", "int x(void) { return 2; }\n");
	put(sub, "y.h", "int x(void);\n");
	put(sub, "Makefile", "all:\n\tcc -o prog hidden/*.c\n");
	put(sub, "one.c", "my work\n");
	cr_expect_eq(overlay(&g, changed, sizeof(changed)), 2);
	cr_expect_str_eq(changed, "Makefile, x.c");
	cr_expect_str_eq(get(sub, "x.c"), "int x(void) { return 1; }\n");
	cr_expect_str_eq(get(sub, "Makefile"), "all:\n\tcc -o prog *.c\n");
	cr_expect_str_eq(get(sub, "one.c"), "my work\n", "the student's own file is theirs");
	teardown(&g);
}

Test(given, a_longer_or_shorter_copy_counts_as_changed)
{
	struct given g;
	char changed[256];

	setup(&g);
	put(sub, "x.c", "int x(void) { return 1; }\n// more\n");
	put(sub, "y.h", "int x(void)");
	cr_expect_eq(overlay(&g, changed, sizeof(changed)), 2);
	cr_expect_str_eq(changed, "x.c, y.h");
	cr_expect_str_eq(get(sub, "y.h"), "int x(void);\n");
	teardown(&g);
}

Test(given, replaces_a_link_and_leaves_its_target_alone)
{
	struct given g;
	char changed[256], outside[700], link[700];

	setup(&g);
	snprintf(outside, sizeof(outside), "%s/outside.c", scratch);
	snprintf(link, sizeof(link), "%s/x.c", sub);
	put(scratch, "outside.c", "precious\n");
	cr_assert_eq(symlink(outside, link), 0);
	snprintf(link, sizeof(link), "%s/y.h", sub);
	cr_assert_eq(symlink("/nonexistent/dangling", link), 0);
	cr_expect_eq(overlay(&g, changed, sizeof(changed)), 2);
	cr_expect_str_eq(changed, "x.c, y.h");
	cr_expect_eq(mode_of("x.c"), S_IFREG | 0644, "x.c is a file of its own now");
	cr_expect_str_eq(get(sub, "x.c"), "int x(void) { return 1; }\n");
	cr_expect_str_eq(get(scratch, "outside.c"), "precious\n");
	cr_expect_str_eq(get(sub, "y.h"), "int x(void);\n");
	teardown(&g);
}

Test(given, replaces_a_directory_at_a_given_name)
{
	struct given g;
	char changed[256];

	setup(&g);
	cr_assert_eq(harness_sh("mkdir -p \"$1/x.c/deep/er\" && echo hi > \"$1/x.c/deep/er/f\" && "
	    "ln -s / \"$1/x.c/root\"", sub), 0);
	cr_expect_eq(overlay(&g, changed, sizeof(changed)), 1);
	cr_expect_str_eq(changed, "x.c");
	cr_expect_eq(mode_of("x.c"), S_IFREG | 0644);
	cr_expect_str_eq(get(sub, "x.c"), "int x(void) { return 1; }\n");
	teardown(&g);
}

Test(given, removes_makefiles_that_make_would_read_first)
{
	struct given g;
	char changed[256];

	setup(&g);
	put(sub, "GNUmakefile", "all:\n\tcp hidden/prog .\n");
	put(sub, "makefile", "all:\n\tcp hidden/prog .\n");
	cr_expect_eq(overlay(&g, changed, sizeof(changed)), 2);
	cr_expect_str_eq(changed, "GNUmakefile, makefile");
	cr_expect_str_eq(get(sub, "GNUmakefile"), "(none)");
	cr_expect_str_eq(get(sub, "makefile"), "(none)");
	teardown(&g);
}

Test(given, a_lab_without_a_section_leaves_the_submission_alone)
{
	struct given g;
	struct strbuf err, changed;

	cr_assert_not_null(scratch = harness_tempdir());
	snprintf(sub, sizeof(sub), "%s", scratch);
	put(sub, "Makefile", "mine\n");
	cr_assert_eq(parse(&g, "07-none", good, &err), 0);
	strbuf_init(&changed);
	cr_expect_eq(given_overlay(&g, sub, &changed, &err), 0);
	cr_expect_str_eq(get(sub, "Makefile"), "mine\n");
	strbuf_free(&changed);
	strbuf_free(&err);
	teardown(&g);
}

Test(given, the_note_names_what_was_replaced_and_what_to_edit)
{
	struct given g;
	struct strbuf err, note;

	cr_assert_eq(parse(&g, "01-a", good, &err), 0);
	strbuf_init(&note);
	given_note(&g, "", &note);
	cr_expect_eq(note.len, 0, "nothing replaced, nothing said");
	given_note(&g, "Makefile, x.c", &note);
	cr_expect_str_eq(strbuf_str(&note), "graded with the lab's own copies of the files you do "
	    "not write: you had changed Makefile, x.c; edit only one.c two.c\n");
	given_free(&g);
	strbuf_free(&note);
	strbuf_free(&err);
}

Test(given, a_file_missing_from_the_kit_is_an_error_with_its_line)
{
	struct given g;
	struct strbuf err;

	setup(&g);
	given_free(&g);
	cr_assert_eq(parse(&g, "01-a", "[01-a]\ncopy a/x.c\ncopy a/gone.c\n", &err), 0);
	cr_expect_eq(given_read(&g, kit, &err), -1);
	cr_expect(strstr(strbuf_str(&err), "a/gone.c: No such file or directory (a given file: "
	    "manifest line 3)") != NULL, "%s", strbuf_str(&err));
	strbuf_free(&err);
	teardown(&g);
}

Test(given, every_lab_of_the_kit_has_its_given_files)
{
	FILE *f = fopen("../labs/manifest.txt", "r");
	char line[1024];
	int labs = 0;

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		struct given g;
		struct strbuf err;
		char lab[128];

		if (sscanf(line, "[%127[^]]]", lab) != 1)
			continue;
		strbuf_init(&err);
		cr_expect_eq(given_load(&g, "..", lab, &err), 0, "%s", strbuf_str(&err));
		cr_expect(g.found && g.nfiles > 1 && g.ngaps > 0, "%s", lab);
		given_free(&g);
		strbuf_free(&err);
		labs++;
	}
	fclose(f);
	cr_expect_geq(labs, 6);
}
