/*
 * test_tracker.c — the real mt-tracker binary on port 0, driven by a scripted
 * HTTP client over real sockets: compact and dictionary answers (decoded with
 * the strict bencode decoder), the subset and self-exclusion, events, expiry
 * on a short interval, scrape, failure reasons, bad, oversized and slow
 * requests, keep-alive and pipelining, limits, /stats.json and the page.
 *
 * Every wait has a deadline: the client's reads poll with a timeout, and the
 * expiry test polls the tracker until the peer is gone rather than sleeping
 * for the expiry time.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bencode.h"
#include "proc.h"

#define HASH_A "%aa%bb%cc%dd%ee%ff%00%11%22%33%44%55%66%77%88%99%aa%bb%cc%dd"
#define HASH_B "BBBBBBBBBBBBBBBBBBBB"
#define HEX_A "aabbccddeeff00112233445566778899aabbccdd"

static struct proc tracker;
static int port;

/* Starts mt-tracker on 127.0.0.1, port 0, with extra arguments. */
static void
start(const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[16] = { (char *)proc_bin("mt-tracker"), "-b", "127.0.0.1", "-p", "0" };
	int n = 5;
	const char *extra[] = { a1, a2, a3, a4 };

	for (int i = 0; i < 4 && extra[i] != NULL; i++)
		argv[n++] = (char *)extra[i];
	argv[n] = NULL;
	cr_assert_eq(proc_start(&tracker, argv), 0);
	port = proc_wait_listening(&tracker, NULL, 0, 10000);
	cr_assert_gt(port, 0, "no listening line; stderr: %s", proc_stderr(&tracker));
}

static void
stop(void)
{
	proc_kill(&tracker);
}

static int
connect_tracker(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert_neq(fd, -1);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0, "connect: %s",
	    strerror(errno));
	return fd;
}

static void
send_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		cr_assert_gt(w, 0, "send: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
}

static void
send_str(int fd, const char *s)
{
	send_all(fd, s, strlen(s));
}

/*
 * Reads into buf (cap bytes) until the peer closes or until a whole response
 * (by Content-Length) is there if one_response.  Returns the length, or -1 on
 * timeout.
 */
static long
recv_until(int fd, char *buf, size_t cap, int one_response, int timeout_ms)
{
	long until = proc_now_ms() + timeout_ms;
	size_t len = 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char *end;
		ssize_t r;

		buf[len] = '\0';
		if (one_response && (end = strstr(buf, "\r\n\r\n")) != NULL) {
			const char *cl = strstr(buf, "Content-Length: ");

			if (cl != NULL && len >= (size_t)(end + 4 - buf) + strtoul(cl + 16, NULL, 10))
				return (long)len;
		}
		if (proc_now_ms() >= until || poll(&pfd, 1, (int)(until - proc_now_ms())) <= 0)
			return -1;
		r = recv(fd, buf + len, cap - 1 - len, 0);
		if (r <= 0)
			return (long)len;
		len += (size_t)r;
	}
}

struct reply {
	int status;
	char raw[65536];
	long len;
	const unsigned char *body;
	size_t body_len;
};

static void
split_reply(struct reply *r)
{
	char *end = strstr(r->raw, "\r\n\r\n");

	cr_assert_not_null(end, "no response head in '%s'", r->raw);
	r->status = (int)strtol(r->raw + 9, NULL, 10);
	r->body = (const unsigned char *)end + 4;
	r->body_len = (size_t)(r->raw + r->len - (end + 4));
}

/* One request on its own connection (HTTP/1.0, so the tracker closes). */
static void
get(const char *target, struct reply *r)
{
	char req[8192];
	int fd = connect_tracker();

	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: x\r\n\r\n", target);
	send_all(fd, req, strlen(req));
	r->len = recv_until(fd, r->raw, sizeof(r->raw), 0, 10000);
	cr_assert_gt(r->len, 0, "no answer to %s", target);
	close(fd);
	split_reply(r);
}

/* The announce of peer number n (id -MT0100-<n>, port 20000 + n). */
static void
announce(const char *hash, int n, long long left, const char *extra, struct reply *r)
{
	char target[1024];

	snprintf(target, sizeof(target), "/announce?info_hash=%s&peer_id=-MT0100-%012d"
	    "&port=%d&uploaded=0&downloaded=0&left=%lld%s", hash, n, 20000 + n, left,
	    extra ? extra : "");
	get(target, r);
	cr_assert_eq(r->status, 200);
}

static struct bencode_value *
decode(const struct reply *r)
{
	struct bencode_value *v = NULL;
	struct bencode_error e = { 0, "" };

	cr_assert_eq(bencode_decode(r->body, r->body_len, &v, &e), 0,
	    "bad bencode (%s at %zu): %.*s", e.msg, e.offset, (int)r->body_len, r->body);
	return v;
}

/* Ports in a compact peer string, into ports; returns how many. */
static size_t
compact_ports(const struct bencode_value *v, int *ports, size_t cap)
{
	const struct bencode_value *peers = bencode_dict_get_str(v, "peers");
	size_t n;

	cr_assert_not_null(peers, "no compact peers");
	cr_assert_eq(peers->str_len % 6, 0);
	n = peers->str_len / 6;
	cr_assert_leq(n, cap);
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = peers->str + 6 * i;

		cr_assert_eq(memcmp(p, "\x7f\x00\x00\x01", 4), 0);
		ports[i] = p[4] << 8 | p[5];
	}
	return n;
}

static const char *
failure_of(const struct bencode_value *v)
{
	static char reason[256];
	const struct bencode_value *f = bencode_dict_get_str(v, "failure reason");

	if (f == NULL)
		return NULL;
	snprintf(reason, sizeof(reason), "%.*s", (int)f->str_len, (const char *)f->str);
	return reason;
}

TestSuite(tracker, .fini = stop, .timeout = 60);

Test(tracker, answers_compact_peers_without_the_asker)
{
	struct reply r;
	struct bencode_value *v;
	int ports[16], seen = 0;
	size_t n;

	start(NULL, NULL, NULL, NULL);
	for (int i = 1; i <= 3; i++)
		announce(HASH_A, i, 100, "&event=started", &r);
	announce(HASH_A, 4, 0, "&event=started", &r);
	v = decode(&r);
	cr_assert_null(failure_of(v));
	n = compact_ports(v, ports, 16);
	cr_assert_eq(n, 3);
	for (size_t i = 0; i < n; i++)
		seen |= 1 << (ports[i] - 20000);
	cr_assert_eq(seen, 2 | 4 | 8, "ports seen: %x", seen);
	cr_assert_eq(bencode_dict_get_int(v, "complete")->i, 1);
	cr_assert_eq(bencode_dict_get_int(v, "incomplete")->i, 3);
	cr_assert_eq(bencode_dict_get_int(v, "interval")->i, 1800);
	cr_assert_not_null(bencode_dict_get_int(v, "min interval"));
	bencode_free(v);
}

Test(tracker, answers_dictionary_peers_when_compact_is_0)
{
	struct reply r;
	struct bencode_value *v;
	const struct bencode_value *list, *id;

	start(NULL, NULL, NULL, NULL);
	announce(HASH_A, 1, 100, NULL, &r);
	announce(HASH_A, 2, 100, "&compact=0", &r);
	v = decode(&r);
	list = bencode_dict_get_list(v, "peers");
	cr_assert_not_null(list);
	cr_assert_eq(list->count, 1);
	cr_assert(bencode_str_eq(bencode_dict_get_str(&list->items[0], "ip"), "127.0.0.1"));
	cr_assert_eq(bencode_dict_get_int(&list->items[0], "port")->i, 20001);
	id = bencode_dict_get_str(&list->items[0], "peer id");
	cr_assert_not_null(id);
	cr_assert_eq(id->str_len, 20);
	cr_assert_eq(memcmp(id->str, "-MT0100-000000000001", 20), 0);
	bencode_free(v);
}

Test(tracker, gives_a_random_subset_of_numwant_peers)
{
	struct reply r;
	struct bencode_value *v;
	int ports[64], hits[21] = { 0 };

	start("--seed", "1", NULL, NULL);	/* a fixed seed: no unlucky draws */
	for (int i = 1; i <= 20; i++)
		announce(HASH_A, i, 100, NULL, &r);
	for (int round = 0; round < 40; round++) {
		size_t n;

		announce(HASH_A, 7, 100, "&numwant=5", &r);
		v = decode(&r);
		n = compact_ports(v, ports, 64);
		cr_assert_eq(n, 5);
		for (size_t i = 0; i < n; i++) {
			cr_assert_neq(ports[i], 20007, "the asker got itself");
			for (size_t j = 0; j < i; j++)
				cr_assert_neq(ports[i], ports[j], "a peer given twice");
			hits[ports[i] - 20000]++;
		}
		bencode_free(v);
	}
	for (int i = 1; i <= 20; i++)
		if (i != 7)
			cr_assert_gt(hits[i], 0, "peer %d never given in 40 rounds", i);
	announce(HASH_A, 7, 100, "&numwant=500", &r);
	v = decode(&r);
	cr_assert_eq(compact_ports(v, ports, 64), 19);
	bencode_free(v);
}

Test(tracker, follows_started_completed_and_stopped)
{
	struct reply r;
	struct bencode_value *v;
	int ports[8];

	start(NULL, NULL, NULL, NULL);
	announce(HASH_A, 1, 100, "&event=started", &r);
	announce(HASH_A, 2, 100, "&event=started", &r);
	announce(HASH_A, 1, 0, "&event=completed", &r);
	v = decode(&r);
	cr_assert_eq(bencode_dict_get_int(v, "complete")->i, 1);
	cr_assert_eq(bencode_dict_get_int(v, "incomplete")->i, 1);
	bencode_free(v);
	announce(HASH_A, 2, 100, "&event=stopped", &r);
	v = decode(&r);
	cr_assert_null(failure_of(v));
	cr_assert_eq(compact_ports(v, ports, 8), 0, "a stopped peer gets no peers");
	bencode_free(v);
	announce(HASH_A, 3, 100, "&event=started", &r);
	v = decode(&r);
	cr_assert_eq(compact_ports(v, ports, 8), 1);
	cr_assert_eq(ports[0], 20001, "the stopped peer is still handed out");
	bencode_free(v);
	get("/scrape?info_hash=" HASH_A, &r);
	v = decode(&r);
	{
		const struct bencode_value *f = bencode_dict_get_dict(v, "files");

		cr_assert_eq(f->count, 1);
		cr_assert_eq(bencode_dict_get_int(&f->items[0], "downloaded")->i, 1);
		cr_assert_eq(bencode_dict_get_int(&f->items[0], "complete")->i, 1);
		cr_assert_eq(bencode_dict_get_int(&f->items[0], "incomplete")->i, 1);
	}
	bencode_free(v);
}

Test(tracker, forgets_peers_after_twice_the_interval)
{
	struct reply r;
	struct bencode_value *v;
	int ports[8];
	long t0, gone_at = -1;

	start("--interval", "1", NULL, NULL);
	t0 = proc_now_ms();
	announce(HASH_A, 1, 100, NULL, &r);
	while (proc_now_ms() - t0 < 15000) {
		size_t n;

		announce(HASH_A, 2, 100, NULL, &r);	/* peer 2 stays alive */
		v = decode(&r);
		cr_assert_eq(bencode_dict_get_int(v, "interval")->i, 1);
		n = compact_ports(v, ports, 8);
		bencode_free(v);
		if (n == 0) {
			gone_at = proc_now_ms() - t0;
			break;
		}
		poll(NULL, 0, 100);
	}
	cr_assert_geq(gone_at, 0, "peer 1 never expired");
	cr_assert_geq(gone_at, 1900, "peer 1 expired after %ld ms, before 2 intervals", gone_at);
}

Test(tracker, scrapes_one_some_or_all_torrents)
{
	struct reply r;
	struct bencode_value *v;
	const struct bencode_value *files, *f;

	start(NULL, NULL, NULL, NULL);
	announce(HASH_A, 1, 0, NULL, &r);
	announce(HASH_A, 2, 5, NULL, &r);
	announce(HASH_B, 3, 5, NULL, &r);
	get("/scrape", &r);
	v = decode(&r);
	cr_assert_eq(bencode_dict_get_dict(v, "files")->count, 2);
	bencode_free(v);
	get("/scrape?info_hash=" HASH_A, &r);
	v = decode(&r);
	files = bencode_dict_get_dict(v, "files");
	cr_assert_eq(files->count, 1);
	f = bencode_dict_getn(files, "\xaa\xbb\xcc\xdd\xee\xff\x00\x11\x22\x33\x44\x55\x66\x77"
	    "\x88\x99\xaa\xbb\xcc\xdd", 20);
	cr_assert_not_null(f);
	cr_assert_eq(bencode_dict_get_int(f, "complete")->i, 1);
	cr_assert_eq(bencode_dict_get_int(f, "incomplete")->i, 1);
	bencode_free(v);
	get("/scrape?info_hash=" HASH_A "&info_hash=" HASH_B "&info_hash=CCCCCCCCCCCCCCCCCCCC", &r);
	v = decode(&r);
	cr_assert_eq(bencode_dict_get_dict(v, "files")->count, 3);
	bencode_free(v);
}

Test(tracker, explains_bad_announces_with_a_failure_reason)
{
	static const struct {
		const char *target, *reason;
	} cases[] = {
		{ "/announce", "missing parameter: info_hash" },
		{ "/announce?info_hash=abc&peer_id=-MT0100-000000000001&port=1&uploaded=0"
		  "&downloaded=0&left=0", "invalid parameter: info_hash" },
		{ "/announce?info_hash=" HASH_B "&peer_id=-MT0100-000000000001&port=99999"
		  "&uploaded=0&downloaded=0&left=0", "invalid parameter: port" },
		{ "/announce?info_hash=" HASH_B "&peer_id=-MT0100-000000000001&port=1"
		  "&uploaded=0&downloaded=0&left=0&event=%x", "bad %-escape in parameter: event" },
		{ "/scrape?info_hash=short", "invalid parameter: info_hash" },
	};

	start(NULL, NULL, NULL, NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct reply r;
		struct bencode_value *v;

		get(cases[i].target, &r);
		cr_assert_eq(r.status, 200);
		v = decode(&r);
		cr_assert_not_null(failure_of(v), "%s", cases[i].target);
		cr_assert_str_eq(failure_of(v), cases[i].reason);
		bencode_free(v);
	}
}

Test(tracker, serves_only_allowed_torrents_with_allow)
{
	char path[] = "/tmp/mt-allow-XXXXXX";
	int fd = mkstemp(path);
	struct reply r;
	struct bencode_value *v;
	const char *list = "# the torrents we serve\n\n  " HEX_A "  \n";

	cr_assert_neq(fd, -1);
	cr_assert_eq(write(fd, list, strlen(list)), (ssize_t)strlen(list));
	close(fd);
	start("--allow", path, NULL, NULL);
	unlink(path);
	announce(HASH_A, 1, 0, NULL, &r);
	v = decode(&r);
	cr_assert_null(failure_of(v));
	bencode_free(v);
	announce(HASH_B, 1, 0, NULL, &r);
	v = decode(&r);
	cr_assert_str_eq(failure_of(v), "torrent not allowed on this tracker");
	bencode_free(v);
	get("/scrape?info_hash=" HASH_B, &r);
	v = decode(&r);
	cr_assert_eq(bencode_dict_get_dict(v, "files")->count, 0);
	bencode_free(v);
}

Test(tracker, refuses_a_malformed_allow_file)
{
	char path[] = "/tmp/mt-allow-XXXXXX";
	int fd = mkstemp(path);
	char *argv[] = { (char *)proc_bin("mt-tracker"), "-p", "0", "--allow", path, NULL };

	cr_assert_neq(fd, -1);
	cr_assert_eq(write(fd, HEX_A "\nnot-a-hash\n", 52), 52);
	close(fd);
	cr_assert_eq(proc_start(&tracker, argv), 0);
	cr_assert_eq(proc_wait(&tracker, 10000), 1);
	unlink(path);
	cr_assert_not_null(strstr(proc_stderr(&tracker), ":2: not an info-hash"),
	    "stderr: %s", proc_stderr(&tracker));
}

Test(tracker, uses_the_ip_parameter_only_when_valid)
{
	struct reply r;
	struct bencode_value *v;
	const struct bencode_value *list;

	start(NULL, NULL, NULL, NULL);
	announce(HASH_A, 1, 0, "&ip=127.0.0.42", &r);
	announce(HASH_A, 2, 0, "&ip=peer.example.org", &r);
	announce(HASH_A, 3, 0, "&compact=0&numwant=10", &r);
	v = decode(&r);
	list = bencode_dict_get_list(v, "peers");
	cr_assert_eq(list->count, 2);
	for (size_t i = 0; i < 2; i++) {
		long long p = bencode_dict_get_int(&list->items[i], "port")->i;
		const struct bencode_value *ip = bencode_dict_get_str(&list->items[i], "ip");

		cr_assert(bencode_str_eq(ip, p == 20001 ? "127.0.0.42" : "127.0.0.1"));
	}
	bencode_free(v);
}

/* Sends raw bytes on a fresh connection; returns the whole answer. */
static void
raw(const void *req, size_t n, struct reply *r)
{
	int fd = connect_tracker();

	send_all(fd, req, n);
	r->len = recv_until(fd, r->raw, sizeof(r->raw), 0, 10000);
	cr_assert_geq(r->len, 0, "the tracker did not close the connection");
	close(fd);
}

static void
raw_str(const char *req, struct reply *r)
{
	raw(req, strlen(req), r);
}

Test(tracker, answers_400_to_what_is_not_http)
{
	struct reply r;
	const char handshake[] = "\x13" "BitTorrent protocol\0\0\0\0\0\0\0\0";

	start(NULL, NULL, NULL, NULL);
	raw(handshake, sizeof(handshake) - 1, &r);
	cr_assert_eq(strncmp(r.raw, "HTTP/1.1 400 ", 13), 0, "got: %s", r.raw);
	raw_str("GET /announce HTTP/3.0\r\n\r\n", &r);
	cr_assert_eq(strncmp(r.raw, "HTTP/1.1 400 ", 13), 0, "got: %s", r.raw);
}

Test(tracker, answers_404_and_405)
{
	struct reply r;

	start(NULL, NULL, NULL, NULL);
	get("/announce/", &r);
	cr_assert_eq(r.status, 404);
	get("/nothing-here?info_hash=x", &r);
	cr_assert_eq(r.status, 404);
	raw_str("POST /announce HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", &r);
	cr_assert_eq(strncmp(r.raw, "HTTP/1.1 405 ", 13), 0, "got: %s", r.raw);
}

Test(tracker, answers_431_to_an_oversized_request)
{
	static char req[20000];
	struct reply r;
	int n = snprintf(req, sizeof(req), "GET /announce?x=");

	start(NULL, NULL, NULL, NULL);
	memset(req + n, 'a', sizeof(req) - (size_t)n);
	raw(req, sizeof(req), &r);
	cr_assert_eq(strncmp(r.raw, "HTTP/1.1 431 ", 13), 0, "got: %.40s", r.raw);
	/* and it still serves others */
	get("/scrape", &r);
	cr_assert_eq(r.status, 200);
}

Test(tracker, drops_a_slow_request_at_the_header_timeout)
{
	struct reply r;
	long t0;
	int fd, idle;

	start("--header-timeout", "500", NULL, NULL);
	t0 = proc_now_ms();	/* before connecting: the tracker's clock starts at accept */
	fd = connect_tracker();
	idle = connect_tracker();
	send_str(fd, "GET /announce?info_hash=");
	r.len = recv_until(fd, r.raw, sizeof(r.raw), 0, 10000);
	cr_assert_geq(r.len, 0, "still open after 10 s");
	cr_assert_geq(proc_now_ms() - t0, 450);
	cr_assert_eq(strncmp(r.raw, "HTTP/1.1 408 ", 13), 0, "got: %s", r.raw);
	r.len = recv_until(idle, r.raw, sizeof(r.raw), 0, 10000);
	cr_assert_eq(r.len, 0, "an idle connection is closed without an answer");
	close(fd);
	close(idle);
}

Test(tracker, keeps_the_connection_alive_for_several_requests)
{
	struct reply r;
	int fd;

	start(NULL, NULL, NULL, NULL);
	fd = connect_tracker();
	for (int i = 1; i <= 5; i++) {
		char req[512];
		struct bencode_value *v;

		snprintf(req, sizeof(req), "GET /announce?info_hash=%s"
		    "&peer_id=-MT0100-%012d&port=%d&uploaded=0&downloaded=0&left=9 HTTP/1.1\r\n"
		    "Host: x\r\n\r\n", HASH_A, i, 20000 + i);
		send_all(fd, req, strlen(req));
		r.len = recv_until(fd, r.raw, sizeof(r.raw), 1, 10000);
		cr_assert_gt(r.len, 0, "no answer to request %d on the same connection", i);
		cr_assert_not_null(strstr(r.raw, "Connection: keep-alive"));
		split_reply(&r);
		v = decode(&r);
		cr_assert_eq(bencode_dict_get_int(v, "incomplete")->i, i);
		bencode_free(v);
	}
	send_str(fd, "GET /scrape HTTP/1.1\r\nConnection: close\r\n\r\n");
	r.len = recv_until(fd, r.raw, sizeof(r.raw), 0, 10000);
	cr_assert_gt(r.len, 0, "no close after Connection: close");
	cr_assert_not_null(strstr(r.raw, "Connection: close"));
	close(fd);
}

Test(tracker, answers_pipelined_requests_in_order)
{
	struct reply r;
	const char *req = "GET /stats.json HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\n"
	    "GET /scrape HTTP/1.1\r\nConnection: close\r\n\r\n";
	char *a, *b, *c;

	start(NULL, NULL, NULL, NULL);
	raw_str(req, &r);
	a = strstr(r.raw, "HTTP/1.1 200");
	b = strstr(r.raw, "HTTP/1.1 404");
	c = a ? strstr(a + 1, "HTTP/1.1 200") : NULL;
	cr_assert(a != NULL && b != NULL && c != NULL && a < b && b < c, "got: %s", r.raw);
}

Test(tracker, answers_a_long_pipeline_in_full)
{
	static char req[8192], answers[4 << 20];
	const char *one = "GET / HTTP/1.1\r\n\r\n", *last = "GET / HTTP/1.1\r\nConnection: close\r\n\r\n";
	size_t n = 0, count = 0, want = 0;
	long len;
	int fd;

	start(NULL, NULL, NULL, NULL);
	while (n + strlen(one) + strlen(last) < sizeof(req)) {
		memcpy(req + n, one, strlen(one));
		n += strlen(one);
		want++;
	}
	memcpy(req + n, last, strlen(last));
	n += strlen(last);
	want++;
	fd = connect_tracker();
	send_all(fd, req, n);	/* far more answer than the tracker buffers at once */
	len = recv_until(fd, answers, sizeof(answers), 0, 30000);
	cr_assert_gt(len, 0);
	for (const char *p = answers; (p = strstr(p, "HTTP/1.1 200 OK\r\n")) != NULL; p++)
		count++;
	cr_assert_eq(count, want, "%zu answers to %zu pipelined requests", count, want);
	close(fd);
}

Test(tracker, answers_a_client_that_half_closes)
{
	struct reply r;
	int fd;

	start(NULL, NULL, NULL, NULL);
	fd = connect_tracker();
	send_str(fd, "GET /scrape HTTP/1.1\r\n\r\n");
	shutdown(fd, SHUT_WR);
	r.len = recv_until(fd, r.raw, sizeof(r.raw), 0, 10000);
	cr_assert_gt(r.len, 0);
	cr_assert_eq(strncmp(r.raw, "HTTP/1.1 200 ", 13), 0, "got: %s", r.raw);
	close(fd);
}

Test(tracker, turns_away_connections_beyond_the_limit)
{
	struct reply r;
	int a, b;

	start("--max-conns", "2", NULL, NULL);
	a = connect_tracker();
	b = connect_tracker();
	/* the tracker has accepted both once one of them is answered */
	send_str(a, "GET /scrape HTTP/1.1\r\n\r\n");
	cr_assert_gt(recv_until(a, r.raw, sizeof(r.raw), 1, 10000), 0);
	raw_str("GET /scrape HTTP/1.1\r\n\r\n", &r);
	cr_assert_eq(strncmp(r.raw, "HTTP/1.1 503 ", 13), 0, "got: %s", r.raw);
	close(a);
	close(b);
}

Test(tracker, refuses_swarms_and_peers_beyond_the_limits)
{
	struct reply r;
	struct bencode_value *v;

	start("--max-swarms", "1", "--max-peers", "2");
	announce(HASH_A, 1, 0, NULL, &r);
	announce(HASH_A, 2, 0, NULL, &r);
	v = decode(&r);
	cr_assert_null(failure_of(v));
	bencode_free(v);
	announce(HASH_A, 3, 0, NULL, &r);
	v = decode(&r);
	cr_assert_str_eq(failure_of(v), "swarm is full (too many peers)");
	bencode_free(v);
	announce(HASH_B, 1, 0, NULL, &r);
	v = decode(&r);
	cr_assert_str_eq(failure_of(v), "tracker is full (too many torrents)");
	bencode_free(v);
	announce(HASH_A, 2, 0, "&event=stopped", &r);	/* a place frees up */
	announce(HASH_A, 3, 0, NULL, &r);
	v = decode(&r);
	cr_assert_null(failure_of(v));
	bencode_free(v);
}

Test(tracker, reports_swarms_in_stats_json)
{
	struct reply r;

	start(NULL, NULL, NULL, NULL);
	announce(HASH_A, 1, 1000, "&event=started", &r);
	announce(HASH_A, 2, 250, NULL, &r);
	announce(HASH_A, 3, 0, NULL, &r);
	get("/stats.json", &r);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr(r.raw, "Content-Type: application/json"));
	cr_assert_not_null(strstr((const char *)r.body, "\"info_hash\":\"" HEX_A "\""));
	cr_assert_not_null(strstr((const char *)r.body, "\"swarm_count\":1,\"peer_count\":3"));
	cr_assert_not_null(strstr((const char *)r.body,
	    "{\"ip\":\"127.0.0.1\",\"port\":20002,\"client\":\"mini_torrent 0.1.0.0\""));
	cr_assert_not_null(strstr((const char *)r.body, "\"left\":250,\"progress\":0.7500,\"seed\":false"));
	cr_assert_not_null(strstr((const char *)r.body, "\"left\":0,\"progress\":1.0000,\"seed\":true"));
	cr_assert_not_null(strstr((const char *)r.body, "\"complete\":1,\"incomplete\":2"));
}

Test(tracker, serves_a_self_contained_page)
{
	struct reply r;

	start(NULL, NULL, NULL, NULL);
	get("/", &r);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr(r.raw, "Content-Type: text/html"));
	cr_assert_not_null(strstr((const char *)r.body, "<!doctype html>"));
	cr_assert_not_null(strstr((const char *)r.body, "fetch('/stats.json'"));
	cr_assert_null(strstr((const char *)r.body, "http://"), "the page loads something");
	cr_assert_null(strstr((const char *)r.body, "https://"), "the page loads something");
	cr_assert_null(strstr((const char *)r.body, " src="), "the page loads something");
	cr_assert_null(strstr((const char *)r.body, "<link"), "the page loads something");
}

Test(tracker, logs_one_line_per_announce_with_v)
{
	struct reply r;

	start("-v", NULL, NULL, NULL);
	announce(HASH_A, 5, 10, "&event=started", &r);
	cr_assert_eq(proc_wait_stderr(&tracker, "announce 127.0.0.1:20005 mini_torrent 0.1.0.0 "
	    "aabbccdd started left=10: 0 peer(s) given\n", 10000), 0, "stderr: %s",
	    proc_stderr(&tracker));
	get("/announce", &r);
	cr_assert_eq(proc_wait_stderr(&tracker, "refused: missing parameter: info_hash", 10000), 0);
}

Test(tracker, usage_help_and_bad_arguments)
{
	static const struct {
		const char *args[4];
		int code;
	} cases[] = {
		{ { "--help" }, 0 },
		{ { "-p", "70000" }, 2 },
		{ { "-b", "not-an-address", "-p", "0" }, 2 },
		{ { "--interval", "0" }, 2 },
		{ { "--bogus" }, 2 },
		{ { "extra" }, 2 },
		{ { "--allow", "/nonexistent/allow-list" }, 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[6] = { (char *)proc_bin("mt-tracker") };

		for (int k = 0; k < 4 && cases[i].args[k]; k++)
			argv[k + 1] = (char *)cases[i].args[k];
		cr_assert_eq(proc_start(&tracker, argv), 0);
		cr_assert_eq(proc_wait(&tracker, 10000), cases[i].code, "case %zu: stderr %s", i,
		    proc_stderr(&tracker));
		proc_kill(&tracker);
		memset(&tracker, 0, sizeof(tracker));
	}
}
