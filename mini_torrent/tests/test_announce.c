/*
 * test_announce.c — announce and scrape query parsing (a table of good
 * requests, and one bad request per rule with the parameter the error must
 * name), %-decoding, and the bencoded answers, checked byte for byte and by
 * decoding them back with the strict bencode decoder.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "announce.h"
#include "bencode.h"

#define HASH "%01%02%03%04%05%06%07%08%09%0a%0B%0c%0d%0e%0f%10%11%12%13%14"
#define PEER "-TR3000-abcdefghijkl"
#define GOOD "info_hash=" HASH "&peer_id=" PEER "&port=6881&uploaded=1&downloaded=2&left=3"

static enum announce_error
parse(const char *q, struct announce_request *r, const char **param)
{
	return announce_parse(q, strlen(q), 200, r, param);
}

Test(announce, parses_the_required_parameters)
{
	struct announce_request r;
	const char *param = "x";
	unsigned char hash[20];

	for (int i = 0; i < 20; i++)
		hash[i] = (unsigned char)(i + 1);
	cr_assert_eq(parse(GOOD, &r, &param), ANNOUNCE_OK);
	cr_assert_null(param);
	cr_assert_eq(memcmp(r.info_hash, hash, 20), 0);
	cr_assert_eq(memcmp(r.peer_id, PEER, 20), 0);
	cr_assert_eq(r.port, 6881);
	cr_assert_eq(r.uploaded, 1);
	cr_assert_eq(r.downloaded, 2);
	cr_assert_eq(r.left, 3);
	cr_assert_eq(r.event, SWARM_EVENT_NONE);
	cr_assert_eq(r.compact, 1);
	cr_assert_eq(r.no_peer_id, 0);
	cr_assert_eq(r.numwant, ANNOUNCE_NUMWANT_DEFAULT);
	cr_assert_eq(r.has_ip, 0);
}

Test(announce, takes_parameters_in_any_order_and_ignores_unknown_ones)
{
	struct announce_request r;
	const char *param;
	const char *q = "key=abc&left=3&supportcrypto=1&port=6881&&peer_id=" PEER
	    "&downloaded=2&corrupt=0&uploaded=1&info_hash=" HASH "&trackerid&x=%zz";

	cr_assert_eq(parse(q, &r, &param), ANNOUNCE_OK);
	cr_assert_eq(r.port, 6881);
	cr_assert_eq(r.left, 3);
}

Test(announce, reads_the_optional_parameters)
{
	static const struct {
		const char *extra;
		enum swarm_event event;
		int compact, numwant, no_peer_id;
	} cases[] = {
		{ "&event=started", SWARM_EVENT_STARTED, 1, 50, 0 },
		{ "&event=completed", SWARM_EVENT_COMPLETED, 1, 50, 0 },
		{ "&event=stopped", SWARM_EVENT_STOPPED, 1, 50, 0 },
		{ "&event=", SWARM_EVENT_NONE, 1, 50, 0 },
		{ "&event=paused", SWARM_EVENT_NONE, 1, 50, 0 },
		{ "&compact=0", SWARM_EVENT_NONE, 0, 50, 0 },
		{ "&compact=1", SWARM_EVENT_NONE, 1, 50, 0 },
		{ "&numwant=0", SWARM_EVENT_NONE, 1, 0, 0 },
		{ "&numwant=7", SWARM_EVENT_NONE, 1, 7, 0 },
		{ "&numwant=200", SWARM_EVENT_NONE, 1, 200, 0 },
		{ "&numwant=201", SWARM_EVENT_NONE, 1, 200, 0 },
		{ "&numwant=99999999999999999999", SWARM_EVENT_NONE, 1, 200, 0 },
		/* read as args_number reads it, however many leading zeros */
		{ "&numwant=0000000000000000000000007", SWARM_EVENT_NONE, 1, 7, 0 },
		{ "&no_peer_id=1&compact=0", SWARM_EVENT_NONE, 0, 50, 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char q[512];
		struct announce_request r;
		const char *param;

		snprintf(q, sizeof(q), "%s%s", GOOD, cases[i].extra);
		cr_assert_eq(parse(q, &r, &param), ANNOUNCE_OK, "%s", cases[i].extra);
		cr_assert_eq(r.event, cases[i].event, "%s", cases[i].extra);
		cr_assert_eq(r.compact, cases[i].compact, "%s", cases[i].extra);
		cr_assert_eq(r.numwant, cases[i].numwant, "%s", cases[i].extra);
		cr_assert_eq(r.no_peer_id, cases[i].no_peer_id, "%s", cases[i].extra);
	}
}

Test(announce, numwant_default_respects_a_lower_cap)
{
	struct announce_request r;
	const char *param;

	cr_assert_eq(announce_parse(GOOD, strlen(GOOD), 10, &r, &param), ANNOUNCE_OK);
	cr_assert_eq(r.numwant, 10);
}

Test(announce, honours_ip_only_when_it_is_an_ipv4_address)
{
	static const struct {
		const char *extra;
		int has_ip;
	} cases[] = {
		{ "&ip=127.0.0.9", 1 },
		{ "&ip=10.1.2.3", 1 },
		{ "&ip=example.org", 0 },
		{ "&ip=::1", 0 },
		{ "&ip=1.2.3.256", 0 },
		{ "&ip=", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char q[512];
		struct announce_request r;
		const char *param;

		snprintf(q, sizeof(q), "%s%s", GOOD, cases[i].extra);
		cr_assert_eq(parse(q, &r, &param), ANNOUNCE_OK, "%s", cases[i].extra);
		cr_assert_eq(r.has_ip, cases[i].has_ip, "%s", cases[i].extra);
	}
	{
		struct announce_request r;
		const char *param;

		parse(GOOD "&ip=127.0.0.9", &r, &param);
		cr_assert_eq(memcmp(r.ip, "\x7f\x00\x00\x09", 4), 0);
	}
}

struct bad_case {
	const char *query;
	enum announce_error error;
	const char *param;
};

static const struct bad_case bad_cases[] = {
	/* missing, one per required parameter */
	{ "peer_id=" PEER "&port=1&uploaded=0&downloaded=0&left=0", ANNOUNCE_MISSING, "info_hash" },
	{ "info_hash=" HASH "&port=1&uploaded=0&downloaded=0&left=0", ANNOUNCE_MISSING, "peer_id" },
	{ "info_hash=" HASH "&peer_id=" PEER "&uploaded=0&downloaded=0&left=0", ANNOUNCE_MISSING, "port" },
	{ "info_hash=" HASH "&peer_id=" PEER "&port=1&downloaded=0&left=0", ANNOUNCE_MISSING, "uploaded" },
	{ "info_hash=" HASH "&peer_id=" PEER "&port=1&uploaded=0&left=0", ANNOUNCE_MISSING, "downloaded" },
	{ "info_hash=" HASH "&peer_id=" PEER "&port=1&uploaded=0&downloaded=0", ANNOUNCE_MISSING, "left" },
	{ "", ANNOUNCE_MISSING, "info_hash" },
	/* lengths of the binary ids */
	{ GOOD "&info_hash=x", ANNOUNCE_DUPLICATE, "info_hash" },
	{ "info_hash=%01%02&peer_id=" PEER "&port=1&uploaded=0&downloaded=0&left=0", ANNOUNCE_INVALID, "info_hash" },
	{ "info_hash=" HASH "%15&peer_id=" PEER "&port=1&uploaded=0&downloaded=0&left=0", ANNOUNCE_INVALID, "info_hash" },
	{ "info_hash=&peer_id=" PEER "&port=1&uploaded=0&downloaded=0&left=0", ANNOUNCE_INVALID, "info_hash" },
	{ "info_hash=" HASH "&peer_id=short&port=1&uploaded=0&downloaded=0&left=0", ANNOUNCE_INVALID, "peer_id" },
	{ "info_hash=" HASH "&peer_id=" PEER "X&port=1&uploaded=0&downloaded=0&left=0", ANNOUNCE_INVALID, "peer_id" },
	/* %-escapes */
	{ "info_hash=%0&peer_id=" PEER "&port=1&uploaded=0&downloaded=0&left=0", ANNOUNCE_BAD_ESCAPE, "info_hash" },
	{ "info_hash=%zz%02%03%04%05%06%07%08%09%0a%0B%0c%0d%0e%0f%10%11%12%13%14&peer_id=" PEER
	  "&port=1&uploaded=0&downloaded=0&left=0", ANNOUNCE_BAD_ESCAPE, "info_hash" },
	{ GOOD "&event=%", ANNOUNCE_BAD_ESCAPE, "event" },
	/* numbers */
	{ "info_hash=" HASH "&peer_id=" PEER "&port=0&uploaded=0&downloaded=0&left=0", ANNOUNCE_INVALID, "port" },
	{ "info_hash=" HASH "&peer_id=" PEER "&port=65536&uploaded=0&downloaded=0&left=0", ANNOUNCE_INVALID, "port" },
	{ "info_hash=" HASH "&peer_id=" PEER "&port=-1&uploaded=0&downloaded=0&left=0", ANNOUNCE_INVALID, "port" },
	{ "info_hash=" HASH "&peer_id=" PEER "&port=&uploaded=0&downloaded=0&left=0", ANNOUNCE_INVALID, "port" },
	{ "info_hash=" HASH "&peer_id=" PEER "&port=68a1&uploaded=0&downloaded=0&left=0", ANNOUNCE_INVALID, "port" },
	{ "info_hash=" HASH "&peer_id=" PEER "&port=%206881&uploaded=0&downloaded=0&left=0", ANNOUNCE_INVALID, "port" },
	{ "info_hash=" HASH "&peer_id=" PEER "&port=+6881&uploaded=0&downloaded=0&left=0", ANNOUNCE_INVALID, "port" },
	{ "info_hash=" HASH "&peer_id=" PEER "&port=1&uploaded=-5&downloaded=0&left=0", ANNOUNCE_INVALID, "uploaded" },
	{ "info_hash=" HASH "&peer_id=" PEER "&port=1&uploaded=0&downloaded=1.5&left=0", ANNOUNCE_INVALID, "downloaded" },
	{ "info_hash=" HASH "&peer_id=" PEER "&port=1&uploaded=0&downloaded=0&left=9223372036854775808",
	  ANNOUNCE_INVALID, "left" },
	{ "info_hash=" HASH "&peer_id=" PEER "&port=1&uploaded=0&downloaded=0&left=", ANNOUNCE_INVALID, "left" },
	{ GOOD "&numwant=-1", ANNOUNCE_INVALID, "numwant" },
	{ GOOD "&numwant=lots", ANNOUNCE_INVALID, "numwant" },
	{ GOOD "&numwant=%2B7", ANNOUNCE_INVALID, "numwant" },
	{ GOOD "&numwant=7%00", ANNOUNCE_INVALID, "numwant" },
	{ "info_hash=" HASH "&peer_id=" PEER "&port=6881%00&uploaded=0&downloaded=0&left=0", ANNOUNCE_INVALID, "port" },
	/* words and flags */
	{ GOOD "&event=begun", ANNOUNCE_INVALID, "event" },
	{ GOOD "&event=Started", ANNOUNCE_INVALID, "event" },
	{ GOOD "&compact=2", ANNOUNCE_INVALID, "compact" },
	{ GOOD "&compact=", ANNOUNCE_INVALID, "compact" },
	{ GOOD "&no_peer_id=yes", ANNOUNCE_INVALID, "no_peer_id" },
	/* repeated */
	{ GOOD "&port=6882", ANNOUNCE_DUPLICATE, "port" },
	{ GOOD "&left=3", ANNOUNCE_DUPLICATE, "left" },
	{ GOOD "&event=started&event=started", ANNOUNCE_DUPLICATE, "event" },
	{ GOOD "&ip=1.2.3.4&ip=1.2.3.5", ANNOUNCE_DUPLICATE, "ip" },
	/* a %-encoded key is still that key */
	{ GOOD "&p%6Frt=1", ANNOUNCE_DUPLICATE, "port" },
};

Test(announce, rejects_each_bad_request_naming_the_parameter)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct announce_request r;
		const char *param = NULL;
		enum announce_error e = parse(bad_cases[i].query, &r, &param);

		cr_assert_eq(e, bad_cases[i].error, "case %zu (%s): got %s", i,
		    bad_cases[i].query, announce_error_text(e));
		cr_assert_not_null(param, "case %zu", i);
		cr_assert_str_eq(param, bad_cases[i].param, "case %zu", i);
	}
}

Test(announce, error_classes_have_words)
{
	for (int e = 0; e < ANNOUNCE_ERROR_COUNT; e++)
		cr_assert_not_null(announce_error_text((enum announce_error)e));
	cr_assert_str_eq(announce_error_text(ANNOUNCE_MISSING), "missing parameter");
}

Test(announce, pct_decode_handles_escapes_and_literals)
{
	static const struct {
		const char *in;
		long len;
		const char *out;
	} cases[] = {
		{ "abc", 3, "abc" },
		{ "%41%62", 2, "Ab" },
		{ "%ff%FF", 2, "\xff\xff" },
		{ "a+b", 3, "a+b" },		/* '+' is literal */
		{ "%00x", 2, "\0x" },
		{ "", 0, "" },
		{ "%", -1, NULL },
		{ "%4", -1, NULL },
		{ "x%4", -1, NULL },
		{ "%g1", -1, NULL },
		{ "%1g", -1, NULL },
		{ "123456789", -2, NULL },	/* longer than the 8-byte buffer */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char out[8];
		long n = announce_pct_decode(cases[i].in, strlen(cases[i].in), out, sizeof(out));

		cr_assert_eq(n, cases[i].len, "%s: %ld", cases[i].in, n);
		if (n > 0)
			cr_assert_eq(memcmp(out, cases[i].out, (size_t)n), 0, "%s", cases[i].in);
	}
}

Test(announce, decodes_binary_bytes_of_every_value)
{
	char q[1024];
	unsigned char want[20];
	struct announce_request r;
	const char *param;
	int n = snprintf(q, sizeof(q), "info_hash=");

	for (int i = 0; i < 20; i++) {
		want[i] = (unsigned char)(i * 13 + 200);
		n += snprintf(q + n, sizeof(q) - (size_t)n, "%%%02X", want[i]);
	}
	snprintf(q + n, sizeof(q) - (size_t)n, "&peer_id=%s&port=1&uploaded=0&downloaded=0&left=0",
	    "%00%01%02%03%04%05%06%07%08%09%0a%0b%0c%0d%0e%0f%10%11%12%13");
	cr_assert_eq(parse(q, &r, &param), ANNOUNCE_OK);
	cr_assert_eq(memcmp(r.info_hash, want, 20), 0);
	cr_assert_eq(r.peer_id[0], 0);
	cr_assert_eq(r.peer_id[19], 0x13);
}

Test(announce, parses_scrape_queries)
{
	unsigned char h[4][20];
	size_t n = 99;
	const char *param;

	cr_assert_eq(announce_parse_scrape("", 0, h, 4, &n, &param), ANNOUNCE_OK);
	cr_assert_eq(n, 0);
	cr_assert_eq(announce_parse_scrape("info_hash=" HASH "&x=1&info_hash=aaaaaaaaaaaaaaaaaaaa",
	    strlen("info_hash=" HASH "&x=1&info_hash=aaaaaaaaaaaaaaaaaaaa"), h, 4, &n, &param),
	    ANNOUNCE_OK);
	cr_assert_eq(n, 2);
	cr_assert_eq(h[0][0], 1);
	cr_assert_eq(h[1][0], 'a');
}

Test(announce, rejects_bad_scrape_queries)
{
	static const struct {
		const char *q;
		enum announce_error e;
	} cases[] = {
		{ "info_hash=abc", ANNOUNCE_INVALID },
		{ "info_hash=%zz", ANNOUNCE_BAD_ESCAPE },
		{ "info_hash=" HASH "&info_hash=" HASH "&info_hash=" HASH, ANNOUNCE_TOO_MANY },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char h[2][20];
		size_t n;
		const char *param = NULL;

		cr_assert_eq(announce_parse_scrape(cases[i].q, strlen(cases[i].q), h, 2, &n, &param),
		    cases[i].e, "%s", cases[i].q);
		cr_assert_str_eq(param, "info_hash");
	}
}

Test(announce, parses_hex_hashes)
{
	unsigned char h[20];

	cr_assert_eq(announce_parse_hex_hash("0102030405060708090a0B0c0d0e0f1011121314", 40, h), 0);
	cr_assert_eq(h[0], 1);
	cr_assert_eq(h[10], 0x0b);
	cr_assert_eq(announce_parse_hex_hash("0102030405060708090a0B0c0d0e0f101112131", 39, h), -1);
	cr_assert_eq(announce_parse_hex_hash("0102030405060708090a0B0c0d0e0f10111213xx", 40, h), -1);
}

/* Three peers for the answer tests. */
static struct swarm_peer peers[3];
static const struct swarm_peer *peer_ptrs[3] = { &peers[0], &peers[1], &peers[2] };

static void
setup_peers(void)
{
	memset(peers, 0, sizeof(peers));
	for (int i = 0; i < 3; i++) {
		memcpy(peers[i].id, "-MT0100-000000000000", 20);
		peers[i].id[19] = (unsigned char)('1' + i);
		memcpy(peers[i].ip, "\x7f\x00\x00\x01", 4);
		peers[i].ip[3] = (unsigned char)(2 + i);
		peers[i].port = (uint16_t)(6881 + i * 257);
	}
}

Test(announce, encodes_compact_peers_byte_for_byte, .init = setup_peers)
{
	struct bencode_buf b;
	struct announce_reply r = { .interval = 1800, .min_interval = 900, .complete = 1,
	    .incomplete = 2, .peers = peer_ptrs, .npeers = 2, .compact = 1 };
	const char want[] = "d8:completei1e10:incompletei2e8:intervali1800e"
	    "12:min intervali900e5:peers12:"
	    "\x7f\x00\x00\x02\x1a\xe1" "\x7f\x00\x00\x03\x1b\xe2" "e";

	bencode_buf_init(&b);
	announce_put_reply(&b, &r);
	cr_assert_not(b.failed);
	cr_assert_eq(b.len, sizeof(want) - 1);
	cr_assert_eq(memcmp(b.data, want, b.len), 0);
	bencode_buf_free(&b);
}

Test(announce, encodes_no_peers_as_an_empty_string, .init = setup_peers)
{
	struct bencode_buf b;
	struct announce_reply r = { .interval = 5, .min_interval = 2, .peers = peer_ptrs,
	    .compact = 1 };
	const char want[] = "d8:completei0e10:incompletei0e8:intervali5e"
	    "12:min intervali2e5:peers0:e";

	bencode_buf_init(&b);
	announce_put_reply(&b, &r);
	cr_assert_eq(b.len, strlen(want));
	cr_assert_eq(memcmp(b.data, want, b.len), 0);
	bencode_buf_free(&b);
}

/* Encodes r, decodes it back strictly, and returns its peers list. */
static struct bencode_value *
encode_decode(const struct announce_reply *r, struct bencode_buf *b)
{
	struct bencode_value *v = NULL;
	struct bencode_error e;

	bencode_buf_init(b);
	announce_put_reply(b, r);
	cr_assert_eq(bencode_decode(b->data, b->len, &v, &e), 0, "%s at %zu", e.msg, e.offset);
	return v;
}

Test(announce, encodes_dictionary_peers, .init = setup_peers)
{
	struct bencode_buf b;
	struct announce_reply r = { .interval = 60, .min_interval = 30, .peers = peer_ptrs,
	    .npeers = 3, .compact = 0 };
	struct bencode_value *v = encode_decode(&r, &b);
	const struct bencode_value *list = bencode_dict_get_list(v, "peers");

	cr_assert_not_null(list);
	cr_assert_eq(list->count, 3);
	for (size_t i = 0; i < 3; i++) {
		const struct bencode_value *p = &list->items[i];
		const struct bencode_value *ip = bencode_dict_get_str(p, "ip");
		const struct bencode_value *id = bencode_dict_get_str(p, "peer id");
		const struct bencode_value *port = bencode_dict_get_int(p, "port");
		char want_ip[16];

		snprintf(want_ip, sizeof(want_ip), "127.0.0.%zu", i + 2);
		cr_assert(bencode_str_eq(ip, want_ip));
		cr_assert_not_null(id);
		cr_assert_eq(id->str_len, 20);
		cr_assert_eq(memcmp(id->str, peers[i].id, 20), 0);
		cr_assert_eq(port->i, peers[i].port);
	}
	cr_assert_eq(bencode_dict_get_int(v, "interval")->i, 60);
	cr_assert_eq(bencode_dict_get_int(v, "min interval")->i, 30);
	bencode_free(v);
	bencode_buf_free(&b);
}

Test(announce, leaves_peer_ids_out_when_asked, .init = setup_peers)
{
	struct bencode_buf b;
	struct announce_reply r = { .peers = peer_ptrs, .npeers = 1, .compact = 0,
	    .no_peer_id = 1 };
	struct bencode_value *v = encode_decode(&r, &b);
	const struct bencode_value *list = bencode_dict_get_list(v, "peers");

	cr_assert_null(bencode_dict_get(&list->items[0], "peer id"));
	cr_assert_not_null(bencode_dict_get(&list->items[0], "port"));
	bencode_free(v);
	bencode_buf_free(&b);
}

Test(announce, encodes_a_failure_reason)
{
	struct bencode_buf b;
	const char want[] = "d14:failure reason11:bad requeste";

	bencode_buf_init(&b);
	announce_put_failure(&b, "bad request");
	cr_assert_eq(b.len, strlen(want));
	cr_assert_eq(memcmp(b.data, want, b.len), 0);
	bencode_buf_free(&b);
}

Test(announce, encodes_scrape_sorted_without_repeats)
{
	struct announce_scrape_entry e[3];
	struct bencode_buf b;
	struct bencode_value *v = NULL;
	const struct bencode_value *files, *f;

	memset(e, 0, sizeof(e));
	memset(e[0].info_hash, 'z', 20);
	e[0].complete = 4;
	memset(e[1].info_hash, 'a', 20);
	e[1].downloaded = 7;
	e[1].incomplete = 2;
	memset(e[2].info_hash, 'z', 20);
	e[2].complete = 4;
	bencode_buf_init(&b);
	announce_put_scrape(&b, e, 3);
	cr_assert_eq(bencode_decode(b.data, b.len, &v, NULL), 0);
	files = bencode_dict_get_dict(v, "files");
	cr_assert_eq(files->count, 2);
	f = bencode_dict_getn(files, "aaaaaaaaaaaaaaaaaaaa", 20);
	cr_assert_eq(bencode_dict_get_int(f, "downloaded")->i, 7);
	cr_assert_eq(bencode_dict_get_int(f, "incomplete")->i, 2);
	cr_assert_eq(bencode_dict_get_int(f, "complete")->i, 0);
	f = bencode_dict_getn(files, "zzzzzzzzzzzzzzzzzzzz", 20);
	cr_assert_eq(bencode_dict_get_int(f, "complete")->i, 4);
	bencode_free(v);
	bencode_buf_free(&b);
}
