/*
 * dashboard.c — the live page and its JSON; see dashboard.h.
 *
 * The page is kept as a few C string pieces (ISO C only promises string
 * literals of 4095 bytes).  Its script builds the tables with textContent,
 * never innerHTML: client names and addresses come from the network.
 */
#include "dashboard.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* How a client spells its version in the four characters after its code. */
enum version_style {
	V_DOTTED,	/* one character per component: -LT2080- is 2.0.8.0 */
	V_TRANSMISSION,	/* major, two-digit minor, tag: -TR3000- is 3.00 */
	V_PAIRS,	/* two two-digit components: -CD0303- is 3.3 */
};

/* Azureus-style client codes ("-XX1234-"), the common ones. */
static const struct {
	char code[3];
	const char *name;
	enum version_style style;
} clients[] = {
	{ "MT", "mini_torrent", V_DOTTED }, { "TR", "Transmission", V_TRANSMISSION },
	{ "LT", "libtorrent", V_DOTTED }, { "lt", "rTorrent", V_DOTTED },
	{ "qB", "qBittorrent", V_DOTTED }, { "DE", "Deluge", V_DOTTED },
	{ "UT", "uTorrent", V_DOTTED }, { "UM", "uTorrent Mac", V_DOTTED },
	{ "UW", "uTorrent Web", V_DOTTED }, { "AZ", "Vuze", V_DOTTED },
	{ "BI", "BiglyBT", V_DOTTED }, { "BC", "BitComet", V_DOTTED },
	{ "BT", "BitTorrent", V_DOTTED }, { "KT", "KTorrent", V_DOTTED },
	{ "CD", "Enhanced CTorrent", V_PAIRS }, { "CT", "CTorrent", V_DOTTED },
	{ "AR", "Arctic", V_DOTTED }, { "FW", "FrostWire", V_DOTTED },
	{ "WW", "WebTorrent", V_DOTTED }, { "WD", "WebTorrent Desktop", V_DOTTED },
	{ "XL", "Xunlei", V_DOTTED }, { "TX", "Tixati", V_DOTTED },
	{ "PI", "PicoTorrent", V_DOTTED },
};

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* One Azureus version character: digits, then letters for 10 and up. */
static int
version_digit(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return c >= 'a' && c <= 'z' ? c - 'a' + 36 : 0;
}

/* "-XX1234-": the client name and its version. */
static void
azureus_client(const unsigned char *id, char *out, size_t cap)
{
	const unsigned char *v = id + 3;
	size_t i = 0, n = sizeof(clients) / sizeof(clients[0]);

	while (i < n && memcmp(id + 1, clients[i].code, 2) != 0)
		i++;
	if (i == n)
		snprintf(out, cap, "unknown (-%c%c%c%c%c%c-)", id[1], id[2], v[0], v[1], v[2], v[3]);
	else if (clients[i].style == V_TRANSMISSION)
		snprintf(out, cap, "%s %c.%c%c%s", clients[i].name, v[0], v[1], v[2],
		    v[3] == '0' ? "" : v[3] == 'B' ? " beta" : " dev");
	else if (clients[i].style == V_PAIRS)
		snprintf(out, cap, "%s %d.%d", clients[i].name,
		    version_digit(v[0]) * 10 + version_digit(v[1]),
		    version_digit(v[2]) * 10 + version_digit(v[3]));
	else
		snprintf(out, cap, "%s %d.%d.%d.%d", clients[i].name, version_digit(v[0]),
		    version_digit(v[1]), version_digit(v[2]), version_digit(v[3]));
}

/* aria2's "A2-1-36-0-" (then random bytes): three numbers, each ending in '-'. */
static int
aria2_client(const unsigned char *id, char *out, size_t cap)
{
	int num[3];
	size_t pos = 3;

	if (memcmp(id, "A2-", 3) != 0)
		return -1;
	for (int k = 0; k < 3; k++) {
		num[k] = 0;
		if (!is_digit(id[pos]))
			return -1;
		while (pos < 15 && is_digit(id[pos]))
			num[k] = num[k] * 10 + id[pos++] - '0';
		if (id[pos++] != '-')
			return -1;
	}
	snprintf(out, cap, "aria2 %d.%d.%d", num[0], num[1], num[2]);
	return 0;
}

void
dashboard_client(const unsigned char id[SWARM_ID_LEN], char *out, size_t cap)
{
	int azureus = id[0] == '-' && id[7] == '-';

	for (int i = 1; i < 7; i++)
		azureus = azureus && is_alnum(id[i]);
	if (azureus)
		azureus_client(id, out, cap);
	else if (aria2_client(id, out, cap) == -1)
		snprintf(out, cap, "unknown");
}

/* printf into b; output longer than 512 bytes marks b failed. */
static void
put_fmt(struct httpd_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		b->failed = 1;
	else
		httpd_buf_append(b, tmp, (size_t)n);
}

static void
put_hex(struct httpd_buf *b, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		char two[2] = { digits[p[i] >> 4], digits[p[i] & 15] };

		httpd_buf_append(b, two, 2);
	}
}

/* 0 to 1: how much of the torrent the peer has, as far as we can tell. */
static double
progress(const struct swarm *s, const struct swarm_peer *p)
{
	if (p->left == 0)
		return 1.0;
	if (s->max_left <= 0 || p->left >= s->max_left)
		return 0.0;
	return 1.0 - (double)p->left / (double)s->max_left;
}

static void
put_peer(struct httpd_buf *b, const struct swarm *s, const struct swarm_peer *p,
    long long now_ms)
{
	char client[64];

	dashboard_client(p->id, client, sizeof(client));
	put_fmt(b, "{\"ip\":\"%u.%u.%u.%u\",\"port\":%u,\"client\":\"%s\",\"peer_id\":\"",
	    p->ip[0], p->ip[1], p->ip[2], p->ip[3], p->port, client);
	put_hex(b, p->id, SWARM_ID_LEN);
	put_fmt(b, "\",\"uploaded\":%lld,\"downloaded\":%lld,\"left\":%lld,"
	    "\"progress\":%.4f,\"seed\":%s,\"last_seen_s\":%lld}",
	    p->uploaded, p->downloaded, p->left, progress(s, p),
	    p->left == 0 ? "true" : "false", (now_ms - p->last_seen_ms) / 1000);
}

static void
put_swarm(struct httpd_buf *b, const struct swarm *s, long long now_ms, size_t *budget)
{
	size_t shown = s->npeers < DASHBOARD_MAX_PEERS ? s->npeers : DASHBOARD_MAX_PEERS;

	if (shown > *budget)
		shown = *budget;
	*budget -= shown;

	httpd_buf_append(b, "{\"info_hash\":\"", 14);
	put_hex(b, s->info_hash, SWARM_HASH_LEN);
	put_fmt(b, "\",\"complete\":%zu,\"incomplete\":%zu,\"downloaded\":%lld,"
	    "\"size_estimate\":%lld,\"peer_count\":%zu,\"peers\":[",
	    s->seeders, swarm_leechers(s), s->downloaded, s->max_left, s->npeers);
	for (size_t i = 0; i < shown; i++) {
		if (i > 0)
			httpd_buf_append(b, ",", 1);
		put_peer(b, s, &s->peers[i], now_ms);
	}
	httpd_buf_append(b, "]}", 2);
}

void
dashboard_put_stats(struct httpd_buf *b, const struct swarm_table *t,
    long long now_ms, long long interval_s)
{
	size_t shown = t->nswarms < DASHBOARD_MAX_SWARMS ? t->nswarms : DASHBOARD_MAX_SWARMS;
	size_t peers = 0, budget = DASHBOARD_MAX_LISTED;

	for (size_t i = 0; i < t->nswarms; i++)
		peers += t->swarms[i]->npeers;
	put_fmt(b, "{\"interval\":%lld,\"swarm_count\":%zu,\"peer_count\":%zu,\"swarms\":[",
	    interval_s, t->nswarms, peers);
	for (size_t i = 0; i < shown; i++) {
		if (i > 0)
			httpd_buf_append(b, ",", 1);
		put_swarm(b, t->swarms[i], now_ms, &budget);
	}
	httpd_buf_append(b, "]}\n", 3);
}

static const char *const page[] = {
"<!doctype html>\n"
"<html lang=\"en\">\n"
"<head>\n"
"<meta charset=\"utf-8\">\n"
"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
"<title>mt-tracker</title>\n"
"<style>\n"
"body { font: 15px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }\n"
"h1 { font-size: 1.4em; margin: 0 0 .2em; }\n"
"h2 { font-size: 1.05em; margin: 1.4em 0 .4em; font-family: monospace; }\n"
"#status { color: #666; }\n"
"table { border-collapse: collapse; min-width: 60em; }\n"
"th, td { padding: .25em .7em; border-bottom: 1px solid #ddd; text-align: left; }\n"
"th { background: #f3f3f3; }\n"
"td.num { text-align: right; font-variant-numeric: tabular-nums; }\n"
".bar { width: 8em; height: .8em; background: #eee; display: inline-block; }\n"
".bar span { display: block; height: 100%; background: #4a8; }\n"
".seed { color: #275; font-weight: bold; }\n"
".leech { color: #a60; }\n"
".empty { color: #666; font-style: italic; }\n"
"</style>\n"
"</head>\n"
"<body>\n"
"<h1>mt-tracker</h1>\n"
"<p id=\"status\">loading&hellip;</p>\n"
"<div id=\"swarms\"></div>\n",

"<script>\n"
"'use strict';\n"
"const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];\n"
"function size(n) {\n"
"  let u = 0;\n"
"  while (n >= 1024 && u < units.length - 1) { n /= 1024; u++; }\n"
"  return (u ? n.toFixed(1) : String(n)) + ' ' + units[u];\n"
"}\n"
"function cell(row, text, cls) {\n"
"  const td = document.createElement('td');\n"
"  td.textContent = text;\n"
"  if (cls) td.className = cls;\n"
"  row.appendChild(td);\n"
"  return td;\n"
"}\n"
"function bar(row, fraction) {\n"
"  const td = cell(row, '');\n"
"  const outer = document.createElement('span'), inner = document.createElement('span');\n"
"  outer.className = 'bar';\n"
"  inner.style.width = (fraction * 100).toFixed(1) + '%';\n"
"  outer.appendChild(inner);\n"
"  td.appendChild(outer);\n"
"  td.appendChild(document.createTextNode(' ' + (fraction * 100).toFixed(1) + ' %'));\n"
"}\n"
"const columns = ['address', 'client', 'uploaded', 'downloaded', 'progress',\n"
"  'role', 'last seen'];\n",

"function swarmTable(s) {\n"
"  const div = document.createElement('div');\n"
"  const h = document.createElement('h2');\n"
"  h.textContent = s.info_hash;\n"
"  div.appendChild(h);\n"
"  const p = document.createElement('p');\n"
"  p.textContent = s.complete + ' seeds, ' + s.incomplete + ' leechers, ' +\n"
"    s.downloaded + ' completed downloads' +\n"
"    (s.size_estimate ? ', size about ' + size(s.size_estimate) : '');\n"
"  div.appendChild(p);\n"
"  const table = document.createElement('table');\n"
"  const head = table.insertRow();\n"
"  for (const c of columns) {\n"
"    const th = document.createElement('th');\n"
"    th.textContent = c;\n"
"    head.appendChild(th);\n"
"  }\n"
"  const peers = s.peers.slice().sort((a, b) =>\n"
"    a.ip.localeCompare(b.ip, 'en', {numeric: true}) || a.port - b.port);\n"
"  for (const peer of peers) {\n"
"    const row = table.insertRow();\n"
"    row.className = 'peer';\n"
"    row.dataset.peer = peer.ip + ':' + peer.port;\n"
"    cell(row, peer.ip + ':' + peer.port).title = 'peer id ' + peer.peer_id;\n"
"    cell(row, peer.client);\n"
"    cell(row, size(peer.uploaded), 'num');\n"
"    cell(row, size(peer.downloaded), 'num');\n"
"    bar(row, peer.progress);\n"
"    cell(row, peer.seed ? 'seed' : 'leecher', peer.seed ? 'seed' : 'leech');\n"
"    cell(row, peer.last_seen_s + ' s ago', 'num');\n"
"  }\n"
"  div.appendChild(table);\n"
"  if (s.peer_count > s.peers.length)\n"
"    div.appendChild(document.createTextNode('(' + s.peers.length + ' of ' +\n"
"      s.peer_count + ' peers shown)'));\n"
"  return div;\n"
"}\n",

"function render(stats) {\n"
"  const box = document.getElementById('swarms');\n"
"  box.replaceChildren(...stats.swarms.map(swarmTable));\n"
"  if (stats.swarms.length === 0) {\n"
"    const p = document.createElement('p');\n"
"    p.className = 'empty';\n"
"    p.textContent = 'No swarms yet: no peer has announced.';\n"
"    box.appendChild(p);\n"
"  }\n"
"  document.getElementById('status').textContent = stats.swarm_count +\n"
"    ' swarm(s), ' + stats.peer_count + ' peer(s); announce interval ' +\n"
"    stats.interval + ' s; updated ' + new Date().toLocaleTimeString();\n"
"}\n"
"async function refresh() {\n"
"  try {\n"
"    const r = await fetch('/stats.json', {cache: 'no-store'});\n"
"    if (!r.ok) throw new Error('HTTP ' + r.status);\n"
"    render(await r.json());\n"
"  } catch (e) {\n"
"    document.getElementById('status').textContent = 'tracker unreachable: ' + e.message;\n"
"  }\n"
"}\n"
"refresh();\n"
"setInterval(refresh, 2000);\n"
"</script>\n"
"</body>\n"
"</html>\n",
};

void
dashboard_put_page(struct httpd_buf *b)
{
	for (size_t i = 0; i < sizeof(page) / sizeof(page[0]); i++)
		httpd_buf_append(b, page[i], strlen(page[i]));
}
