/*
 * test_tracker_client.c — the peer's side of an announce: URL splitting,
 * the GET it sends, and every shape of answer a tracker may give (compact,
 * dictionary, failure reason, intervals, garbage).  Also the JSON Lines
 * logger the peer records its decisions with.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jlog.h"
#include "tracker_client.h"

Test(tracker_client, splits_urls)
{
	struct tracker_url u;

	cr_assert_eq(tracker_client_parse_url("http://127.0.0.1:6969/announce",
	    &u), 0);
	cr_expect_str_eq(u.host, "127.0.0.1");
	cr_expect_str_eq(u.port, "6969");
	cr_expect_str_eq(u.path, "/announce");
	cr_assert_eq(tracker_client_parse_url("http://tracker.example/a?k=v",
	    &u), 0);
	cr_expect_str_eq(u.port, "80");
	cr_expect_str_eq(u.path, "/a?k=v");
	cr_expect_eq(tracker_client_parse_url("udp://x:1/announce", &u), -1);
	cr_expect_eq(tracker_client_parse_url("http://:80/", &u), -1);
	cr_expect_eq(tracker_client_parse_url("http://h:8x/", &u), -1);
}

Test(tracker_client, request_escapes_binary_fields)
{
	struct tracker_url u;
	uint8_t ih[20], id[20];
	struct tracker_announce a = { .info_hash = ih, .peer_id = id,
	    .port = 6881, .uploaded = 1, .downloaded = 2, .left = 3,
	    .event = "started", .numwant = 50 };
	char buf[2048];
	long n;

	for (int i = 0; i < 20; i++)
		ih[i] = (uint8_t)(i * 13);
	memcpy(id, "-MT0100-abc~def.ghi_", 20);
	cr_assert_eq(tracker_client_parse_url("http://h:1/announce?x=1", &u), 0);
	n = tracker_client_request(&u, &a, buf, sizeof(buf));
	cr_assert_gt(n, 0);
	buf[n] = '\0';
	cr_expect(strncmp(buf, "GET /announce?x=1&info_hash=%00%0D%1A", 37) == 0,
	    "%s", buf);
	cr_expect(strstr(buf, "&peer_id=-MT0100-abc~def.ghi_&port=6881&"
	    "uploaded=1&downloaded=2&left=3&compact=1&numwant=50&event=started "
	    "HTTP/1.0\r\n") != NULL, "%s", buf);
	cr_expect(strstr(buf, "\r\nHost: h:1\r\n") != NULL);
	cr_expect(strcmp(buf + n - 4, "\r\n\r\n") == 0);
	cr_expect_eq(tracker_client_request(&u, &a, buf, 100), -1);
}

static int
parse(const char *resp, size_t len, struct tracker_reply *r)
{
	char err[128];

	return tracker_client_parse_reply((const uint8_t *)resp, len, r, err,
	    sizeof(err));
}

#define HTTP_OK "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n"

Test(tracker_client, reads_a_compact_answer)
{
	static const char resp[] = HTTP_OK "d8:completei1e10:incompletei2e"
	    "8:intervali1800e12:min intervali900e5:peers12:"
	    "\x7f\0\0\x01\x1a\xe1\x0a\0\0\x02\0\x50" "e";
	struct tracker_reply r;
	const struct sockaddr_in *s;

	cr_assert_eq(parse(resp, sizeof(resp) - 1, &r), 0);
	cr_expect_eq(r.interval, 1800);
	cr_expect_eq(r.min_interval, 900);
	cr_expect_eq(r.complete, 1);
	cr_expect_eq(r.incomplete, 2);
	cr_assert_eq(r.npeers, 2);
	s = (const struct sockaddr_in *)&r.peers[0].addr;
	cr_expect_eq(s->sin_family, AF_INET);
	cr_expect_eq(ntohl(s->sin_addr.s_addr), 0x7f000001);
	cr_expect_eq(ntohs(s->sin_port), 6881);
	s = (const struct sockaddr_in *)&r.peers[1].addr;
	cr_expect_eq(ntohs(s->sin_port), 80);
	tracker_client_reply_free(&r);
}

Test(tracker_client, reads_a_dictionary_answer)
{
	static const char resp[] = HTTP_OK "d8:intervali60e5:peersl"
	    "d2:ip9:127.0.0.27:peer id20:-XX0001-aaaaaaaaaaaa4:porti7000ee"
	    "d2:ip3:::14:porti7001ee"
	    "d2:ip8:a.b.c.d.4:porti7002ee"
	    "d2:ip9:127.0.0.34:porti0ee" "ee";
	struct tracker_reply r;
	const struct sockaddr_in *s;

	cr_assert_eq(parse(resp, sizeof(resp) - 1, &r), 0);
	cr_expect_eq(r.interval, 60);
	cr_expect_eq(r.min_interval, -1);
	cr_assert_eq(r.npeers, 2, "a host name and port 0 are skipped");
	s = (const struct sockaddr_in *)&r.peers[0].addr;
	cr_expect_eq(ntohl(s->sin_addr.s_addr), 0x7f000002);
	cr_expect_eq(ntohs(s->sin_port), 7000);
	cr_expect(r.peers[0].has_id);
	cr_expect(memcmp(r.peers[0].peer_id, "-XX0001-", 8) == 0);
	cr_expect_eq(r.peers[1].addr.ss_family, AF_INET6);
	tracker_client_reply_free(&r);
}

Test(tracker_client, reports_failure_reason)
{
	static const char resp[] = HTTP_OK "d14:failure reason17:torrent not found"
	    "e";
	struct tracker_reply r;

	cr_assert_eq(parse(resp, sizeof(resp) - 1, &r), 0);
	cr_expect_str_eq(r.failure, "torrent not found");
	cr_expect_eq(r.npeers, 0);
	tracker_client_reply_free(&r);
}

Test(tracker_client, refuses_what_is_not_an_answer)
{
	static const char *const bad[] = {
		"",
		"HTTP/1.0 404 Not Found\r\n\r\nd8:intervali5ee",
		"HTTP/1.0 200 OK\r\n\r\nd8:intervali5e",	/* cut */
		"HTTP/1.0 200 OK\r\n\r\nli1ee",			/* not a dict */
		"HTTP/1.0 200 OK\r\nno blank line",
		"SSH-2.0-OpenSSH\r\n\r\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tracker_reply r;

		cr_expect_eq(parse(bad[i], strlen(bad[i]), &r), -1, "case %zu", i);
		tracker_client_reply_free(&r);
	}
}

Test(jlog, writes_one_escaped_object_per_line)
{
	char path[] = "/tmp/mt-jlog-XXXXXX", line[256];
	struct jlog j;
	int fd = mkstemp(path);
	FILE *f;

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(jlog_open(&j, path), 0);
	jlog_begin(&j, 12, "test");
	jlog_str(&j, "s", "a\"b\\c\n\x01");
	jlog_int(&j, "n", -5);
	jlog_array_begin(&j, "xs");
	jlog_object_begin(&j);
	jlog_int(&j, "a", 1);
	jlog_object_end(&j);
	jlog_object_begin(&j);
	jlog_int(&j, "b", 2);
	jlog_object_end(&j);
	jlog_array_end(&j);
	cr_assert_eq(jlog_end(&j), 0);
	cr_assert_eq(jlog_close(&j), 0);
	cr_assert_not_null(f = fopen(path, "r"));
	cr_assert_not_null(fgets(line, sizeof(line), f));
	fclose(f);
	unlink(path);
	cr_expect_str_eq(line, "{\"t\":12,\"ev\":\"test\",\"s\":\"a\\\"b\\\\c"
	    "\\u000a\\u0001\",\"n\":-5,\"xs\":[{\"a\":1},{\"b\":2}]}\n");
}

Test(jlog, does_nothing_when_closed)
{
	struct jlog j = { 0 };

	jlog_begin(&j, 0, "x");
	jlog_str(&j, "k", "v");
	cr_expect_eq(jlog_end(&j), 0);
	cr_expect_not(jlog_enabled(&j));
}
