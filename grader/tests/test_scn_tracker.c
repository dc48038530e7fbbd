/*
 * test_scn_tracker.c — how the tracker scenario reads a student's tracker:
 * the HTTP answer split into status and body, the answer judged, the peer
 * list read; odd answers refused with a reason (fuzz/fuzz_tracker.c runs the
 * same functions on arbitrary bytes).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "scn_tracker.h"

static int
split(const char *resp, int *status, size_t *body)
{
	*status = -1;
	return scn_tracker_parse_reply(resp, strlen(resp), status, body);
}

Test(scn_tracker, reads_the_status_and_finds_the_body)
{
	static const char a[] = "HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nle\r\n\r\n";
	int status;
	size_t body;

	cr_assert_eq(split(a, &status, &body), 0);
	cr_expect_eq(status, 200);
	cr_expect_str_eq(a + body, "le\r\n\r\n");
	cr_assert_eq(split("HTTP/1.1  400 Bad Request\r\n\r\n", &status, &body), 0);
	cr_expect_eq(status, 400);
}

/*
 * The status was read with sscanf("%d"), which wraps: a tracker answering
 * "HTTP/1.1 4294967496" passed for a 200.
 */
Test(scn_tracker, refuses_a_status_that_is_not_three_digits)
{
	static const char *const bad[] = {
		"HTTP/1.1 4294967496 OK\r\n\r\nd8:intervali5e5:peers0:e",
		"HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 -200 OK\r\n\r\n", "HTTP/1.1 +200 OK\r\n\r\n",
		"HTTP/1.1\r\n200 OK\r\n\r\n", "HTTP/1.1 20\r\n\r\n", "HTTP/1.1 020 OK\r\n\r\n",
		"HTTP/1. 200 OK\r\n\r\n", "HTTP/2 200 OK\r\n\r\n", "HTTP/1.1200 OK\r\n\r\n",
	};
	int status;
	size_t body;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(split(bad[i], &status, &body), -1, "accepted '%s' (status %d)", bad[i],
		    status);
}

Test(scn_tracker, refuses_a_head_without_its_end_or_with_a_nul)
{
	static const char nul[] = "HTTP/1.1 200 OK\r\nX: \0\r\n\r\nle";
	int status;
	size_t body;

	cr_expect_eq(split("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", &status, &body), -1);
	cr_expect_eq(split("HTTP/1.1 200 OK\n\nle", &status, &body), -1);
	cr_expect_eq(scn_tracker_parse_reply(nul, sizeof(nul) - 1, &status, &body), -1);
}

#define R(s) s, sizeof(s) - 1	/* the replies hold NUL bytes */

/* reply, status, compact; then NULL (peers read) or words of the reason. */
static const struct {
	const char *reply;
	size_t len;
	int status, compact;
	const char *why;
} answers[] = {
	{ R("d8:intervali60e5:peers12:\x7f\x00\x00\x01N!\x7f\x00\x00\x01N\"e"), 200, 1, NULL },
	{ R("d8:intervali60e5:peersld2:ip9:127.0.0.14:porti20002eeee"), 200, 0, NULL },
	{ R("d8:intervali60e5:peers0:e"), 200, 1, NULL },
	{ R("d8:intervali60e5:peers0:e"), 404, 1, "expected HTTP 200" },
	{ R("li1ee"), 200, 1, "expected HTTP 200 with a bencoded dictionary" },
	{ R("d14:failure reason3:no!8:intervali60ee"), 200, 1, "a failure reason" },
	{ R("d8:intervali0e5:peers0:e"), 200, 1, "no positive integer 'interval'" },
	{ R("d8:interval2:605:peers0:e"), 200, 1, "no positive integer 'interval'" },
	{ R("d8:intervali60ee"), 200, 1, "no 'peers'" },
	{ R("d8:intervali60e5:peers7:\x7f\x00\x00\x01N!xe"), 200, 1, "not 6 bytes a peer" },
	{ R("d8:intervali60e5:peers6:\x7f\x00\x00\x02N!e"), 200, 1, "a peer that never announced" },
	{ R("d8:intervali60e5:peers6:\x7f\x00\x00\x01\xffze"), 200, 1, "a peer that never announced" },
	{ R("d8:intervali60e5:peers12:\x7f\x00\x00\x01N!\x7f\x00\x00\x01N!e"), 200, 1, "peer 1 listed twice" },
	{ R("d8:intervali60e5:peers0:e"), 200, 0, "a compact peer list although compact=0" },
	{ R("d8:intervali60e5:peerslee"), 200, 1, "a list of dictionaries although compact=1" },
	{ R("d8:intervali60e5:peersld2:ip9:127.0.0.24:porti20002eeee"), 200, 0, "without the right 'ip'" },
	{ R("d8:intervali60e5:peersld2:ip9:127.0.0.14:porti20064eeee"), 200, 0, "without the right 'ip'" },
	{ R("d8:intervali60e5:peersi5ee"), 200, 0, "'peers' is not a list" },
};

Test(scn_tracker, judges_answers_and_reads_peer_lists)
{
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		uint8_t seen[SCN_TRACKER_MAX_PEERS];
		struct benc reply = { NULL, 0 };
		struct strbuf why;
		int rc;

		benc_parse(answers[i].reply, answers[i].len, &reply);
		strbuf_init(&why);
		rc = scn_tracker_answer_ok(answers[i].status, &reply, &why);
		if (rc == 0)
			rc = scn_tracker_peers(&reply, answers[i].compact, seen, &why);
		if (answers[i].why == NULL)
			cr_expect_eq(rc, 0, "case %zu: %s", i, strbuf_str(&why));
		else
			cr_expect(rc == -1 && strstr(strbuf_str(&why), answers[i].why) != NULL,
			    "case %zu: got '%s'", i, strbuf_str(&why));
		if (i < 2)
			cr_expect(seen[2] == 1 && seen[1] == (i == 0) && seen[0] == 0, "case %zu", i);
		strbuf_free(&why);
	}
}

/* compact=0: each dictionary's 'peer id' is the 20 bytes that peer announced (k from its port). */
Test(scn_tracker, checks_the_peer_id_of_each_dictionary)
{
	static const struct {
		const char *reply;
		const char *why;	/* NULL: ids right */
	} cases[] = {
		{ "d8:intervali60e5:peersld2:ip9:127.0.0.17:peer id20:-GR0001-0000000000024:porti20002eed2:"
		  "ip9:127.0.0.17:peer id20:-GR0001-0000000000074:porti20007eeee", NULL },
		{ "d8:intervali60e5:peerslee", NULL },
		{ "d8:intervali60e5:peersld2:ip9:127.0.0.14:porti20002eeee", "no 'peer id' string in the "
		  "dictionary of peer 2" },
		{ "d8:intervali60e5:peersld2:ip9:127.0.0.17:peer idi2e4:porti20002eeee", "no 'peer id'" },
		{ "d8:intervali60e5:peersld2:ip9:127.0.0.17:peer id20:-GR0001-0000000000034:porti20002eeee",
		  "peer 2 (port 20002) listed with a 'peer id' (20 bytes) that is not" },
		{ "d8:intervali60e5:peersld2:ip9:127.0.0.17:peer id19:-GR0001-000000000024:porti20002eeee",
		  "(19 bytes)" },
		{ "d8:intervali60e5:peersld2:ip9:127.0.0.17:peer id21:-GR0001-00000000000214:porti20002eeee",
		  "(21 bytes)" },
		{ "d8:intervali60e5:peers6:abcdefe", "no list of dictionaries" },
		{ "d8:intervali60e5:peersld2:ip9:127.0.0.17:peer id20:-GR0001-0000000000024:porti99eeee",
		  "without the right 'port'" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct benc reply;
		struct strbuf why;
		int rc;

		cr_assert_eq(benc_parse(cases[i].reply, strlen(cases[i].reply), &reply), 0, "case %zu", i);
		strbuf_init(&why);
		rc = scn_tracker_peer_ids(&reply, &why);
		if (cases[i].why == NULL)
			cr_expect_eq(rc, 0, "case %zu: %s", i, strbuf_str(&why));
		else
			cr_expect(rc == -1 && strstr(strbuf_str(&why), cases[i].why) != NULL,
			    "case %zu: got '%s'", i, strbuf_str(&why));
		strbuf_free(&why);
	}
}
