/*
 * test_dashboard.c — client names from peer ids (a table of real prefixes
 * and malformed ones), the stats JSON written from a swarm table (progress
 * estimated from left, seeds, bounds), and the page's promise of loading
 * nothing from elsewhere.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dashboard.h"

Test(dashboard, names_clients_from_peer_id_prefixes)
{
	static const struct {
		const char *id, *name;
	} cases[] = {
		{ "-TR3000-abcdefghijkl", "Transmission 3.00" },
		{ "-TR400B-abcdefghijkl", "Transmission 4.00 beta" },
		{ "-LT2080-abcdefghijkl", "libtorrent 2.0.8.0" },
		{ "-lt0D20-abcdefghijkl", "rTorrent 0.13.2.0" },
		{ "-CD0303-abcdefghijkl", "Enhanced CTorrent 3.3" },
		{ "-MT0100-abcdefghijkl", "mini_torrent 0.1.0.0" },
		{ "-qB4250-abcdefghijkl", "qBittorrent 4.2.5.0" },
		{ "A2-1-36-0-abcdefghij", "aria2 1.36.0" },
		{ "A2-1-36-0-0123456789", "aria2 1.36.0" },
		{ "A2-12-345-67-abcdefg", "aria2 12.345.67" },
		{ "-ZZ1234-abcdefghijkl", "unknown (-ZZ1234-)" },
		{ "A2-x-36-0-abcdefghij", "unknown" },
		{ "A2-1-36-0abcdefghijk", "unknown" },
		{ "-TR30 0-abcdefghijkl", "unknown" },
		{ "M4-3-6--abcdefghijkl", "unknown" },
		{ "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", "unknown" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[64];

		dashboard_client((const unsigned char *)cases[i].id, name, sizeof(name));
		cr_assert_str_eq(name, cases[i].name, "case %zu", i);
	}
}

Test(dashboard, client_names_are_safe_to_put_in_json)
{
	unsigned char id[20];
	char name[64];

	for (int c = 0; c < 256; c++) {
		memcpy(id, "-AB1234-abcdefghijkl", 20);
		id[1 + c % 6] = (unsigned char)c;
		dashboard_client(id, name, sizeof(name));
		for (const char *p = name; *p; p++)
			cr_assert(*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\',
			    "byte %d made name '%s'", c, name);
	}
}

static struct swarm_table t;

static void
add(int n, long long left, long long now)
{
	static const unsigned char hash[20] = { 0xab, 0xcd };
	struct swarm_peer p;
	struct swarm *s;
	char id[21];

	memset(&p, 0, sizeof(p));
	snprintf(id, sizeof(id), "-TR3000-%012d", n);
	memcpy(p.id, id, 20);
	memcpy(p.ip, "\x0a\x00\x00\x01", 4);
	p.ip[3] = (unsigned char)n;
	p.port = 6881;
	p.uploaded = 7;
	p.downloaded = 9;
	p.left = left;
	cr_assert_eq(swarm_announce(&t, hash, &p, SWARM_EVENT_NONE, now, &s), SWARM_OK);
}

static char *
stats(long long now)
{
	static char text[1 << 20];
	struct httpd_buf b;

	httpd_buf_init(&b);
	dashboard_put_stats(&b, &t, now, 1800);
	cr_assert_not(b.failed);
	cr_assert_lt(b.len, sizeof(text));
	memcpy(text, b.data, b.len);
	text[b.len] = '\0';
	httpd_buf_free(&b);
	return text;
}

Test(dashboard, writes_every_peer_with_estimated_progress)
{
	struct swarm_limits lim = { 10, 1000, 60000 };
	char *json;

	swarm_table_init(&t, &lim, 1);
	add(1, 800, 0);
	add(2, 200, 0);
	add(3, 0, 0);
	json = stats(5500);
	cr_assert_not_null(strstr(json, "\"interval\":1800,\"swarm_count\":1,\"peer_count\":3,"));
	cr_assert_not_null(strstr(json, "\"info_hash\":\"abcd000000000000000000000000000000000000\""));
	cr_assert_not_null(strstr(json, "\"complete\":1,\"incomplete\":2,\"downloaded\":0,"
	    "\"size_estimate\":800,\"peer_count\":3"));
	cr_assert_not_null(strstr(json, "{\"ip\":\"10.0.0.1\",\"port\":6881,"
	    "\"client\":\"Transmission 3.00\",\"peer_id\":\"2d5452333030302d303030303030303030303031\","
	    "\"uploaded\":7,\"downloaded\":9,\"left\":800,\"progress\":0.0000,\"seed\":false,"
	    "\"last_seen_s\":5}"));
	cr_assert_not_null(strstr(json, "\"left\":200,\"progress\":0.7500,\"seed\":false"));
	cr_assert_not_null(strstr(json, "\"left\":0,\"progress\":1.0000,\"seed\":true"));
	swarm_table_free(&t);
}

Test(dashboard, bounds_the_peers_it_lists)
{
	struct swarm_limits lim = { 10, 1000, 60000 };
	char *json;
	size_t n = 0;

	swarm_table_init(&t, &lim, 1);
	for (int i = 0; i < DASHBOARD_MAX_PEERS + 20; i++)
		add(i, 5, 0);
	json = stats(0);
	for (char *p = json; (p = strstr(p, "\"ip\":")) != NULL; p++)
		n++;
	cr_assert_eq(n, DASHBOARD_MAX_PEERS);
	cr_assert_not_null(strstr(json, "\"peer_count\":220,\"peers\":["));
	swarm_table_free(&t);
}

static void
add_to(int swarm, int n)
{
	unsigned char hash[20] = { 0 };
	struct swarm_peer p;
	struct swarm *s;

	memset(&p, 0, sizeof(p));
	memcpy(p.id, &n, sizeof(n));
	hash[0] = (unsigned char)swarm;
	cr_assert_eq(swarm_announce(&t, hash, &p, SWARM_EVENT_NONE, 0, &s), SWARM_OK);
}

Test(dashboard, bounds_the_peers_it_lists_in_all)
{
	struct swarm_limits lim = { 100, 1000, 60000 };
	char *json;
	size_t n = 0, swarms = 0;

	swarm_table_init(&t, &lim, 1);
	for (int k = 0; k < 12; k++)
		for (int i = 0; i < DASHBOARD_MAX_PEERS; i++)
			add_to(k, i);
	json = stats(0);
	for (char *p = json; (p = strstr(p, "\"ip\":")) != NULL; p++)
		n++;
	for (char *p = json; (p = strstr(p, "\"info_hash\":")) != NULL; p++)
		swarms++;
	cr_assert_eq(n, DASHBOARD_MAX_LISTED);
	cr_assert_eq(swarms, 12, "every swarm is listed, even without its peers");
	swarm_table_free(&t);
}

Test(dashboard, writes_an_empty_table)
{
	struct swarm_limits lim = { 10, 1000, 60000 };

	swarm_table_init(&t, &lim, 1);
	cr_assert_str_eq(stats(0), "{\"interval\":1800,\"swarm_count\":0,\"peer_count\":0,\"swarms\":[]}\n");
	swarm_table_free(&t);
}

Test(dashboard, page_is_self_contained)
{
	struct httpd_buf b;

	httpd_buf_init(&b);
	dashboard_put_page(&b);
	httpd_buf_append(&b, "", 1);
	cr_assert_not(b.failed);
	cr_assert_not_null(strstr(b.data, "<!doctype html>"));
	cr_assert_not_null(strstr(b.data, "fetch('/stats.json'"));
	cr_assert_null(strstr(b.data, "innerHTML"), "peer data must go in as text");
	cr_assert_null(strstr(b.data, "//"), "a URL or a comment that looks like one");
	cr_assert_null(strstr(b.data, " src="));
	cr_assert_null(strstr(b.data, "<link"));
	cr_assert_null(strstr(b.data, "@import"));
	httpd_buf_free(&b);
}
