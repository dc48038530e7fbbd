/*
 * test_scn_share.c — how the sharing scenario (lab 8) reads lab.conf's
 * `flows`: the bottlenecks it asks for, and every value it refuses, with the
 * value named (fuzz/fuzz_flows.c runs the same function on arbitrary bytes).
 * The parser was a sscanf loop, which let through "+3", "2++1", " 2", "02", a
 * NUL's tail, a newline between counts, and counts that overflowed when
 * added.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "labconf.h"
#include "scenario.h"
#include "scn_share.h"

/* Parses s (n bytes); the message, if any, in why (which the caller frees). */
static int
parse_n(const char *s, size_t n, struct scn_share_group *g, struct strbuf *why)
{
	strbuf_init(why);
	return scn_share_parse_flows(s, n, g, why);
}

static int
refused(const char *s, size_t n)
{
	struct scn_share_group g[SCN_SHARE_GROUPS];
	struct strbuf why;
	int rc = parse_n(s, n, g, &why);

	cr_expect(rc != -1 || why.len > 0, "'%s' refused without a word", s);
	strbuf_free(&why);
	return rc == -1;
}

Test(scn_share, reads_each_bottleneck_and_its_reference_senders)
{
	struct scn_share_group g[SCN_SHARE_GROUPS];
	struct strbuf why;

	cr_assert_eq(parse_n("2 4 1+1", 7, g, &why), 3, "%s", strbuf_str(&why));
	cr_expect_eq(why.len, 0, "a message on success: %s", strbuf_str(&why));
	cr_expect(g[0].student == 2 && g[0].reference == 0);
	cr_expect(g[1].student == 4 && g[1].reference == 0);
	cr_expect(g[2].student == 1 && g[2].reference == 1);
	strbuf_free(&why);
	cr_assert_eq(parse_n("8\t1  7+1 3+5", 12, g, &why), 4, "%s", strbuf_str(&why));
	cr_expect(g[0].student == 8 && g[1].student == 1 && g[2].student == 7 &&
	    g[2].reference == 1 && g[3].student == 3 && g[3].reference == 5);
	strbuf_free(&why);
}

Test(scn_share, reads_only_the_bytes_it_is_given)
{
	struct scn_share_group g[SCN_SHARE_GROUPS];
	struct strbuf why;

	cr_expect_eq(parse_n("2 4x", 1, g, &why), 1);
	cr_expect_eq(g[0].student, 2);
	strbuf_free(&why);
	cr_expect(refused("2\0 4", 4), "a NUL and what follows it taken");
	cr_expect(refused("2\0", 2), "a NUL at the end taken");
}

Test(scn_share, refuses_what_sscanf_let_through)
{
	static const char *const bad[] = {
		"+3", "2++1", " 2", "2 ", "1+0", "1+1+1", "2 +1", "1\n2", "02", "1+01",
		"9223372036854775807+9223372036854775807", "1+9223372036854775807",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect(refused(bad[i], strlen(bad[i])), "'%s' taken", bad[i]);
}

Test(scn_share, refuses_what_is_not_a_list_of_counts)
{
	static const char *const bad[] = {
		"", " ", "2\t", "2x", "1+", "+", "x", "2,4", "1 + 1", "-1", "2+-1", "0x2", "2.0",
		"99999999999999999999", "2 99999999999999999999999999999999999999",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect(refused(bad[i], strlen(bad[i])), "'%s' taken", bad[i]);
}

Test(scn_share, refuses_zero_flows_and_more_than_a_bottleneck_holds)
{
	static const char *const bad[] = { "0", "0+1", "2 0", "9", "5+4", "1+8", "4+4 0+8" };
	struct scn_share_group g[SCN_SHARE_GROUPS];
	struct strbuf why;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect(refused(bad[i], strlen(bad[i])), "'%s' taken", bad[i]);
	cr_expect_eq(parse_n("4+4", 3, g, &why), 1, "%s", strbuf_str(&why));
	strbuf_free(&why);
}

Test(scn_share, refuses_more_than_four_bottlenecks)
{
	struct scn_share_group g[SCN_SHARE_GROUPS];
	struct strbuf why;

	cr_expect_eq(parse_n("1 1 1 1", 7, g, &why), 4, "%s", strbuf_str(&why));
	strbuf_free(&why);
	cr_expect(refused("1 1 1 1 1", 9));
	cr_expect(refused("1 1 1 1 2x", 10));
}

Test(scn_share, names_the_value_and_the_entry_at_fault)
{
	struct scn_share_group g[SCN_SHARE_GROUPS];
	struct strbuf why;

	cr_assert_eq(parse_n("2 4x 1", 6, g, &why), -1);
	cr_expect_not_null(strstr(strbuf_str(&why), "'2 4x 1'"), "%s", strbuf_str(&why));
	cr_expect_not_null(strstr(strbuf_str(&why), "'4x'"), "%s", strbuf_str(&why));
	strbuf_free(&why);
	cr_assert_eq(parse_n("1\n2", 3, g, &why), -1);
	cr_expect_not_null(strstr(strbuf_str(&why), "'1\\n2'"), "not escaped: %s",
	    strbuf_str(&why));
	strbuf_free(&why);
	cr_assert_eq(parse_n("", 0, g, &why), -1);
	cr_expect_not_null(strstr(strbuf_str(&why), "''"), "%s", strbuf_str(&why));
	strbuf_free(&why);
}

Test(scn_share, every_sharing_test_of_the_kit_reads_its_flows)
{
	struct strbuf err;
	struct labconf *lab;
	int n = 0;

	strbuf_init(&err);
	lab = labconf_load("../labs/08-congestion-control/lab.conf", scenario_table, &err);
	cr_assert_not_null(lab, "%s", strbuf_str(&err));
	for (size_t i = 0; i < lab->ntests; i++) {
		const struct labconf_value *v = labconf_get(&lab->tests[i], "flows");
		struct scn_share_group g[SCN_SHARE_GROUPS];

		if (strcmp(lab->tests[i].scenario->name, "share") != 0)
			continue;
		cr_expect_gt(scn_share_parse_flows(v->data, v->len, g, &err), 0, "%s: %s",
		    lab->tests[i].name, strbuf_str(&err));
		n++;
	}
	cr_expect_geq(n, 1, "no test of lab 8 shares a link");
	labconf_free(lab);
	strbuf_free(&err);
}

Test(scn_share, a_bad_flows_is_refused_when_lab_conf_is_read)
{
	static const char text[] = "[lab]\ntitle = T\nbinaries = mux_rhost\n"
	    "references = mux_demux\n[test share]\npoints = 1\nscenario = share\n"
	    "flows = 2 4++1\n";
	struct strbuf err;

	strbuf_init(&err);
	cr_assert_null(labconf_parse("lab.conf", text, sizeof(text) - 1, scenario_table, &err),
	    "a lab.conf whose flows cannot be read was accepted");
	cr_expect_not_null(strstr(strbuf_str(&err),
	    "lab.conf:5: test 'share': flows = '2 4++1': '4++1' is not N or N+M"), "%s",
	    strbuf_str(&err));
	strbuf_free(&err);
}
