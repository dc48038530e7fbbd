/*
 * test_labconf.c — the lab.conf parser: a good spec read right, and a table
 * of bad specs, each rejected with the right line and words.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labconf.h"

static const struct labconf_param demo_params[] = {
	{ "client", LABCONF_ENUM, NULL, 0, 0, "student|reference" },
	{ "prog", LABCONF_STR, "udp_client", 0, 0, NULL },
	{ "args", LABCONF_WORDS, "", 0, 0, NULL },
	{ "lines", LABCONF_INT, "3", 0, 100, NULL },
	{ "send", LABCONF_LIST, NULL, 0, 0, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

/* The demo scenario's own rule, beyond the types: a program name, not a path. */
static int
demo_check(const struct labconf_test *t, struct strbuf *why)
{
	const struct labconf_value *v = labconf_get(t, "prog");

	if (v == NULL || strchr(v->data, '/') == NULL)
		return 0;
	strbuf_printf(why, "prog = '%s': a name, not a path", v->data);
	return -1;
}

static const struct labconf_scenario demo[] = {
	{ "demo", demo_params, demo_check },
	{ "other", demo_params + 3, NULL },
	{ NULL, NULL, NULL },
};

#define HEAD "[lab]\ntitle = T\nbinaries = a b\nreferences = r\n"

static struct labconf *
parse(const char *text, struct strbuf *err)
{
	strbuf_init(err);
	return labconf_parse("lab.conf", text, strlen(text), demo, err);
}

Test(labconf, reads_a_good_spec_with_defaults_lists_and_quotes)
{
	struct strbuf err;
	struct labconf *lab = parse(HEAD "build = make -j2\nseed = 7\n"
	    "[defaults]\ntimeout = 5\nclient = reference\n\n"
	    "# a comment\n; another\n"
	    "[test first]\npoints = 10\nscenario = demo\nsend = hello\nsend = \"  two\\x01\\n\"\n"
	    "hint = one\nhint = two\n"
	    "[test second]\ntitle = The second\npoints = 5\nvisibility = hidden\nrequires = first\n"
	    "scenario = demo\nclient = student\nlines = 42\ntimeout = 30\n", &err);

	cr_assert_not_null(lab, "%s", strbuf_str(&err));
	cr_expect_str_eq(lab->title, "T");
	cr_expect_str_eq(lab->build, "make -j2");
	cr_expect_eq(lab->seed, 7);
	cr_expect_str_eq(lab->binaries[1], "b");
	cr_assert_eq(lab->ntests, 2);
	cr_expect_str_eq(labconf_str(&lab->tests[0], "client"), "reference");
	cr_expect_str_eq(labconf_str(&lab->tests[0], "prog"), "udp_client");
	cr_expect_eq(labconf_int(&lab->tests[0], "lines"), 3);
	cr_expect_eq(lab->tests[0].timeout_s, 5);
	cr_expect_str_eq(lab->tests[0].hint, "one two");
	cr_expect_str_eq(lab->tests[0].title, "first");
	cr_assert_not_null(labconf_item(&lab->tests[0], "send", 1));
	cr_expect_eq(labconf_item(&lab->tests[0], "send", 1)->len, 7);
	cr_expect(memcmp(labconf_item(&lab->tests[0], "send", 1)->data, "  two\x01\n", 7) == 0);
	cr_expect_null(labconf_item(&lab->tests[0], "send", 2));
	cr_expect_str_eq(labconf_str(&lab->tests[1], "client"), "student");
	cr_expect_eq(labconf_int(&lab->tests[1], "lines"), 42);
	cr_expect_eq(lab->tests[1].visibility, LABCONF_HIDDEN);
	cr_expect_eq(lab->tests[1].timeout_s, 30);
	cr_assert_eq(lab->tests[1].nrequires, 1);
	cr_expect_eq(lab->tests[1].requires[0], 0);
	cr_expect_eq(labconf_points(lab, 0), 15);
	cr_expect_eq(labconf_points(lab, 1), 10);
	cr_expect_not_null(labconf_find(lab, "second"));
	cr_expect_null(labconf_find(lab, "third"));
	labconf_free(lab);
	strbuf_free(&err);
}

static const struct {
	const char *text;
	const char *want;	/* in the error message, with its line */
} bad[] = {
	{ "", "lab.conf:1: no [lab] section" },
	{ HEAD, "no [test NAME] section" },
	{ "title = x\n", "lab.conf:1: 'title' is outside any section" },
	{ HEAD "[tests x]\n", "lab.conf:5: unknown section [tests x]" },
	{ HEAD "[test x\n", "lab.conf:5: a section header is" },
	{ HEAD "[test Bad Name]\n", "lab.conf:5: bad test name 'Bad Name'" },
	{ HEAD "[test x]\npoints = 1\nscenario = demo\nclient = student\n[test x]\n",
	  "lab.conf:9: test 'x' is defined twice (first on line 5)" },
	{ HEAD "[lab]\n", "lab.conf:5: [lab] appears twice (first on line 1)" },
	{ HEAD "oops\n", "lab.conf:5: expected 'key = value'" },
	{ HEAD "Key = 1\n", "lab.conf:5: bad key 'Key'" },
	{ HEAD "colour = red\n[test x]\npoints = 1\nscenario = demo\nclient = student\n",
	  "lab.conf:5: unknown key 'colour' in [lab]" },
	{ HEAD "seed = -3\n[test x]\npoints = 1\nscenario = demo\nclient = student\n",
	  "lab.conf:5: 'seed' must be a whole number" },
	{ "[lab]\nbinaries = a\nreferences = r\n[test x]\npoints = 1\nscenario = demo\nclient = student\n",
	  "lab.conf:1: [lab] needs 'title'" },
	{ HEAD "[test x]\npoints = 1\nclient = student\n", "lab.conf:5: test 'x' needs 'scenario'" },
	{ HEAD "[test x]\npoints = 1\nscenario = nope\n", "lab.conf:7: unknown scenario 'nope' (known: demo, other)" },
	{ HEAD "[test x]\nscenario = demo\nclient = student\n", "lab.conf:5: test 'x' needs 'points'" },
	{ HEAD "[test x]\npoints = ten\nscenario = demo\nclient = student\n",
	  "lab.conf:6: 'points' must be a whole number from 0 to 1000, not 'ten'" },
	{ HEAD "[test x]\npoints = 1001\nscenario = demo\nclient = student\n",
	  "lab.conf:6: 'points' must be a whole number from 0 to 1000" },
	{ HEAD "[test x]\npoints = 1\nscenario = demo\nclient = teacher\n",
	  "lab.conf:8: 'client' must be one of student|reference, not 'teacher'" },
	{ HEAD "[test x]\npoints = 1\nscenario = demo\n", "lab.conf:5: test 'x' needs 'client' (scenario demo)" },
	{ HEAD "[test x]\npointz = 1\nscenario = demo\nclient = student\n",
	  "lab.conf:6: unknown key 'pointz' in this test (did you mean 'points'?)" },
	{ HEAD "[test x]\npoints = 1\npoints = 2\nscenario = demo\nclient = student\n",
	  "lab.conf:7: 'points' is set twice (first on line 6)" },
	{ HEAD "[test x]\npoints = 1\nscenario = demo\nclient = student\nlines = 101\n",
	  "lab.conf:9: 'lines' must be a whole number from 0 to 100" },
	{ HEAD "[test x]\npoints = 1\nscenario = demo\nclient = student\nvisibility = secret\n",
	  "lab.conf:9: 'visibility' must be visible or hidden" },
	{ HEAD "[test x]\npoints = 1\nscenario = demo\nclient = student\ntimeout = 0\n",
	  "lab.conf:9: 'timeout' must be a whole number from 1 to 600" },
	{ HEAD "[test x]\npoints = 1\nscenario = demo\nclient = student\nrequires = y\n",
	  "lab.conf:9: requires 'y', which is not a test defined above this one" },
	{ HEAD "[test x]\npoints = 1\nscenario = demo\nclient = student\nrequires = x\n",
	  "lab.conf:9: requires 'x'" },
	{ HEAD "[test x]\npoints = 1\nscenario = demo\nclient = student\nsend = \"open\n",
	  "lab.conf:9: unterminated quoted string" },
	{ HEAD "[test x]\npoints = 1\nscenario = demo\nclient = student\nsend = \"a\" b\n",
	  "lab.conf:9: text after the closing quote" },
	{ HEAD "[test x]\npoints = 1\nscenario = demo\nclient = student\nsend = \"\\q\"\n",
	  "lab.conf:9: unknown escape" },
	{ HEAD "[test x]\npoints = 1\nscenario = demo\nclient = student\nsend = \"\\x4\"\n",
	  "lab.conf:9: \\x needs two hex digits" },
	{ HEAD "[defaults]\nflavour = 1\n[test x]\npoints = 1\nscenario = demo\nclient = student\n",
	  "lab.conf:6: unknown key 'flavour' in [defaults]" },
	{ HEAD "[defaults]\nrequires = x\n[test x]\npoints = 1\nscenario = demo\nclient = student\n",
	  "lab.conf:6: 'requires' cannot be a default: each test names its own prerequisites" },
	{ HEAD "[test x]\npoints = 1\nscenario = other\nclient = student\n",
	  "lab.conf:8: unknown key 'client' in this test" },
	{ HEAD "[test x]\npoints = 1\nscenario = demo\nclient = student\n[test y]\nscenario = demo\n",
	  "lab.conf:9: test 'y' needs 'points'" },
	{ HEAD "[test x]\npoints = 1\nscenario = demo\nclient = student\nprog = bin/a\n",
	  "lab.conf:5: test 'x': prog = 'bin/a': a name, not a path" },
};

ParameterizedTestParameters(labconf, rejects_bad_specs_with_their_line)
{
	static int idx[sizeof(bad) / sizeof(bad[0])];

	for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++)
		idx[i] = (int)i;
	return cr_make_param_array(int, idx, sizeof(idx) / sizeof(idx[0]));
}

ParameterizedTest(int *i, labconf, rejects_bad_specs_with_their_line)
{
	struct strbuf err;
	struct labconf *lab = parse(bad[*i].text, &err);

	cr_assert_null(lab, "case %d was accepted", *i);
	cr_expect(strstr(strbuf_str(&err), bad[*i].want) != NULL, "case %d: wanted '%s', got:\n%s",
	    *i, bad[*i].want, strbuf_str(&err));
	strbuf_free(&err);
}

Test(labconf, reports_every_error_at_once)
{
	struct strbuf err;
	struct labconf *lab = parse(HEAD "bogus = 1\n[test x]\npoints = no\nscenario = demo\n"
	    "client = nobody\n", &err);
	size_t lines = 0;

	cr_assert_null(lab);
	for (const char *p = strbuf_str(&err); *p; p++)
		lines += *p == '\n';
	cr_expect_eq(lines, 3, "%s", strbuf_str(&err));
	strbuf_free(&err);
}

Test(labconf, a_nul_byte_is_an_error)
{
	struct strbuf err;
	static const char text[] = HEAD "[test x]\npoints = 1\0\n";
	struct labconf *lab;

	strbuf_init(&err);
	lab = labconf_parse("lab.conf", text, sizeof(text) - 1, demo, &err);
	cr_assert_null(lab);
	cr_expect(strstr(strbuf_str(&err), "lab.conf:6: a NUL byte") != NULL, "%s", strbuf_str(&err));
	strbuf_free(&err);
}

Test(labconf, the_kit_lab_specs_parse)
{
	/* Every labs/<lab>/lab.conf of the kit is checked in test_grade.c with the real
	 * scenario table; this one checks the loader's error for a missing file. */
	struct strbuf err;

	strbuf_init(&err);
	cr_expect_null(labconf_load("/nonexistent/lab.conf", demo, &err));
	cr_expect(strstr(strbuf_str(&err), "/nonexistent/lab.conf: No such file") != NULL);
	strbuf_free(&err);
}

/* n lines made by line(i, buf) after HEAD; the caller frees the text. */
static char *
generated(size_t n, void (*line)(size_t, char *, size_t))
{
	struct strbuf sb;
	char buf[64];

	strbuf_init(&sb);
	strbuf_puts(&sb, HEAD);
	for (size_t i = 0; i < n; i++) {
		line(i, buf, sizeof(buf));
		strbuf_puts(&sb, buf);
	}
	return sb.data;
}

static void
distinct_key(size_t i, char *buf, size_t cap)
{
	snprintf(buf, cap, "k%c%c%c%c = 1\n", (char)('a' + i % 26), (char)('a' + i / 26 % 26),
	    (char)('a' + i / 676 % 26), (char)('a' + i / 17576 % 26));
}

static void
test_section(size_t i, char *buf, size_t cap)
{
	snprintf(buf, cap, "[test t%zu]\n", i);
}

/* A spec of n generated lines is refused with the message want. */
static void
refused_with(size_t n, void (*line)(size_t, char *, size_t), const char *want)
{
	char *text = generated(n, line);
	struct strbuf err;

	cr_assert_null(parse(text, &err));
	cr_expect(strstr(strbuf_str(&err), want) != NULL, "%.300s", strbuf_str(&err));
	strbuf_free(&err);
	free(text);
}

/* Keys were compared pairwise: a 1 MiB spec of distinct keys took minutes. */
Test(labconf, a_section_with_thousands_of_keys_is_refused_at_once, .timeout = 10)
{
	refused_with(100000, distinct_key, "lab.conf:4098: more than 4096 keys in one section");
}

/* The same for sections: each header was compared with every earlier one (34 s). */
Test(labconf, thousands_of_sections_are_refused_at_once, .timeout = 10)
{
	refused_with(75000, test_section, "too many sections: a lab has at most 500 tests");
}

Test(labconf, five_hundred_tests_and_defaults_are_fine)
{
	char *text = generated(500, test_section);
	struct strbuf sb, err;
	struct labconf *lab;

	strbuf_init(&sb);
	strbuf_puts(&sb, text);
	strbuf_puts(&sb, "[defaults]\npoints = 1\nscenario = other\n");
	strbuf_init(&err);
	lab = labconf_parse("lab.conf", sb.data, sb.len, demo, &err);
	cr_assert_not_null(lab, "%s", strbuf_str(&err));
	cr_expect_eq(lab->ntests, 500);
	labconf_free(lab);
	strbuf_free(&sb);
	strbuf_free(&err);
	free(text);
}
