/*
 * test_result.c — results: the first differing byte, the printable window
 * around it, and the encoding that carries a result out of its worker.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "result.h"

Test(result, finds_the_first_differing_byte)
{
	struct result r;

	result_init(&r);
	cr_expect_eq(result_compare(&r, "HELLO\n", 6, "HELLO\n", 6), 0);
	cr_expect_eq(r.diff_offset, -1);
	cr_expect_eq(result_compare(&r, "HELLO\nWORLD\n", 12, "HELLO\nWORLd\n", 12), -1);
	cr_expect_eq(r.diff_offset, 10);
	cr_expect_eq(result_compare(&r, "AB", 2, "ABC", 3), -1);
	cr_expect_eq(r.diff_offset, 2, "a longer answer differs where the expected one ends");
	cr_expect_eq(result_compare(&r, "ABC", 3, "", 0), -1);
	cr_expect_eq(r.diff_offset, 0);
	cr_expect_str_eq(strbuf_str(&r.got), "(nothing)");
	result_free(&r);
}

Test(result, shows_odd_bytes_escaped_and_cuts_long_text_near_the_difference)
{
	struct result r;
	char want[5000], got[5000];

	result_init(&r);
	result_compare(&r, "a\x01\tb\n", 5, "a\x02\tb\n", 5);
	cr_expect_str_eq(strbuf_str(&r.expected), "a\\x01\\tb\\n");
	memset(want, 'x', sizeof(want));
	memcpy(got, want, sizeof(got));
	got[4000] = 'y';
	result_compare(&r, want, sizeof(want), got, sizeof(got));
	cr_expect_eq(r.diff_offset, 4000);
	cr_expect(strncmp(strbuf_str(&r.got), "[3920 bytes before] ", 20) == 0, "%s", strbuf_str(&r.got));
	cr_expect(strstr(strbuf_str(&r.got), "y") != NULL);
	cr_expect_lt(r.got.len, 300);
	result_free(&r);
}

Test(result, the_first_failure_sets_the_status_and_messages_accumulate)
{
	struct result r;

	result_init(&r);
	result_fail(&r, "one %d", 1);
	result_error(&r, "two");
	cr_expect_eq(r.status, RESULT_FAIL);
	cr_expect_str_eq(strbuf_str(&r.message), "one 1\ntwo");
	result_free(&r);
}

Test(result, survives_encoding_and_decoding)
{
	struct result a, b;
	struct strbuf enc;

	result_init(&a);
	result_init(&b);
	strbuf_init(&enc);
	result_fail(&a, "wrong \n answer");
	strbuf_append(&a.sent, "with\0nul", 8);
	strbuf_puts(&a.log, "$ ./udp_server -p 0\n");
	a.points = 3;
	a.max_points = 10;
	a.diff_offset = 17;
	a.duration_ms = 1234;
	a.leftovers = 2;
	result_encode(&a, &enc);
	cr_assert_eq(result_decode(&b, enc.data, enc.len), 0);
	cr_expect_eq(b.status, RESULT_FAIL);
	cr_expect_eq(b.points, 3);
	cr_expect_eq(b.max_points, 10);
	cr_expect_eq(b.diff_offset, 17);
	cr_expect_eq(b.leftovers, 2);
	cr_expect_eq(b.sent.len, 8);
	cr_expect(memcmp(b.sent.data, "with\0nul", 8) == 0);
	cr_expect_str_eq(strbuf_str(&b.message), "wrong \n answer");
	cr_expect_str_eq(strbuf_str(&b.log), "$ ./udp_server -p 0\n");
	for (size_t cut = 0; cut < enc.len; cut += 7)
		cr_expect_eq(result_decode(&b, enc.data, cut), -1, "a message cut at %zu was accepted", cut);
	result_free(&a);
	result_free(&b);
	strbuf_free(&enc);
}

Test(strbuf, grows_formats_and_consumes)
{
	struct strbuf sb;

	strbuf_init(&sb);
	cr_expect_str_eq(strbuf_str(&sb), "");
	for (int i = 0; i < 1000; i++)
		strbuf_printf(&sb, "%d,", i);
	cr_expect_eq(sb.len, 3890);
	strbuf_consume(&sb, 3882);
	cr_expect_str_eq(strbuf_str(&sb), "998,999,");
	strbuf_reset(&sb);
	strbuf_put_json(&sb, "a\"b\\c\n\x01", 7);
	cr_expect_str_eq(strbuf_str(&sb), "a\\\"b\\\\c\\n\\u0001");
	strbuf_free(&sb);
}
