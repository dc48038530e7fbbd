/*
 * test_transport.c — the transport layer of three hosts wired together in
 * memory.
 *
 * Each transport's output function appends to one queue ("the network"); the
 * test decides when to deliver it, and may reorder, duplicate or corrupt it
 * first.  No sockets, no clock: the time is whatever the test passes.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "transport.h"

#define NET_MAX 10000

struct pkt {
	struct segment_netaddr src, dst;
	size_t len;
	uint8_t data[SEGMENT_MAX_LEN];
};

struct host {
	struct segment_netaddr addr;
	struct transport *t;
};

static struct pkt net[NET_MAX], batch[NET_MAX];
static int nnet;
static struct host A, B, C;
static struct host *hosts[] = { &A, &B, &C };
static uint8_t big[REASM_MAX_MESSAGE + 1], buf[REASM_MAX_MESSAGE + 1];

static int
output(void *ctx, const struct segment_netaddr *dst, const uint8_t *seg, size_t len)
{
	struct host *h = ctx;

	cr_assert_lt(nnet, NET_MAX, "network queue overflow");
	net[nnet].src = h->addr;
	net[nnet].dst = *dst;
	net[nnet].len = len;
	memcpy(net[nnet].data, seg, len);
	nnet++;
	return 0;
}

/* Delivers everything in flight, and what that provokes, in order. */
static void
pump(long now)
{
	for (int round = 0; round < 10 && nnet > 0; round++) {
		int n = nnet;

		memcpy(batch, net, (size_t)n * sizeof(net[0]));
		nnet = 0;
		for (int i = 0; i < n; i++)
			for (size_t k = 0; k < sizeof(hosts) / sizeof(hosts[0]); k++)
				if (hosts[k]->addr.ip == batch[i].dst.ip &&
				    hosts[k]->addr.port == batch[i].dst.port)
					transport_input(hosts[k]->t, batch[i].data, batch[i].len,
					    &batch[i].src, now);
	}
}

static void
setup(void)
{
	struct transport_config cfg;

	transport_config_default(&cfg);
	A.addr = (struct segment_netaddr){ 0x7f000001, 40001 };
	B.addr = (struct segment_netaddr){ 0x7f000001, 40002 };
	C.addr = (struct segment_netaddr){ 0x7f000002, 40001 };	/* other IP, A's UDP port */
	for (size_t k = 0; k < 3; k++)
		cr_assert_not_null(hosts[k]->t = transport_new(&hosts[k]->addr, &cfg, output, hosts[k]));
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 31 + i / 256);
	nnet = 0;
}

static void
teardown(void)
{
	for (size_t k = 0; k < 3; k++)
		transport_free(hosts[k]->t);
}

TestSuite(transport, .init = setup, .fini = teardown);

static struct transport_endpoint
at(const struct host *h, uint16_t port)
{
	return (struct transport_endpoint){ .host = h->addr, .port = port };
}

/* Receives one message on sock and checks its text and source. */
static void
expect_message(struct host *h, int sock, const char *text, const struct transport_endpoint *src)
{
	struct transport_endpoint from;
	ssize_t n = transport_recvfrom(h->t, sock, buf, sizeof(buf), &from);

	cr_assert_eq(n, (ssize_t)strlen(text), "socket %d: got %zd bytes (errno %d)", sock, n, errno);
	cr_assert(memcmp(buf, text, strlen(text)) == 0, "socket %d: wrong text", sock);
	cr_assert_eq(from.host.ip, src->host.ip);
	cr_assert_eq(from.host.port, src->host.port);
	cr_assert_eq(from.port, src->port);
}

static void
expect_nothing(struct host *h, int sock)
{
	cr_assert_eq(transport_recvfrom(h->t, sock, buf, sizeof(buf), NULL), -1);
	cr_assert_eq(errno, EAGAIN, "socket %d: errno %d", sock, errno);
}

Test(transport, delivers_each_message_to_the_socket_bound_to_its_port)
{
	int a = transport_bind(A.t, 5000);
	int b7 = transport_bind(B.t, 7), b8 = transport_bind(B.t, 8);
	struct transport_endpoint to7 = at(&B, 7), to8 = at(&B, 8), froma = at(&A, 5000);

	cr_assert(a >= 0 && b7 >= 0 && b8 >= 0);
	cr_assert_eq(transport_sendto(A.t, a, &to8, "for eight", 9), 0);
	cr_assert_eq(transport_sendto(A.t, a, &to7, "for seven", 9), 0);
	cr_assert_eq(transport_sendto(A.t, a, &to8, "eight again", 11), 0);
	pump(0);
	expect_message(&B, b7, "for seven", &froma);
	expect_nothing(&B, b7);
	expect_message(&B, b8, "for eight", &froma);
	expect_message(&B, b8, "eight again", &froma);
	expect_nothing(&B, b8);
	expect_nothing(&A, a);
}

Test(transport, refuses_an_unbound_port_and_tells_the_sender)
{
	int a = transport_bind(A.t, 0);
	struct transport_endpoint nobody = at(&B, 9), from;
	const struct transport_row *row;

	cr_assert_geq(transport_port(A.t, a), DEMUX_EPHEMERAL_LO, "ephemeral port");
	cr_assert_eq(transport_sendto(A.t, a, &nobody, "hello?", 6), 0);
	pump(0);
	cr_assert_eq(transport_recvfrom(A.t, a, buf, sizeof(buf), &from), -1);
	cr_assert_eq(errno, ECONNREFUSED);
	cr_assert_eq(from.port, 9, "who refused");
	cr_assert_eq(from.host.port, B.addr.port);
	expect_nothing(&A, a);	/* reported once */
	cr_assert_eq(transport_counters(B.t)->refused, 1);
	cr_assert_eq(transport_nrows(B.t), 1);
	row = transport_row(B.t, 0);
	cr_assert_eq(row->port, 9);
	cr_assert_eq(row->refused, 1);
	cr_assert_eq(row->kind, TRANSPORT_NONE);
	cr_assert_eq(transport_counters(A.t)->unreachable_in, 1);
}

Test(transport, refuses_a_second_bind_of_a_port)
{
	cr_assert_geq(transport_bind(B.t, 7), 0);
	cr_assert_eq(transport_bind(B.t, 7), -1);
	cr_assert_eq(errno, EADDRINUSE);
	cr_assert_eq(transport_listen(B.t, 7), -1);
	cr_assert_eq(errno, EADDRINUSE);
}

/* Connects host h from local port to B/80 and returns (client, server) sockets. */
static void
connect_pair(struct host *h, uint16_t local, int lsock, int *client, int *server)
{
	struct transport_endpoint srv = at(&B, 80), peer;

	*client = transport_connect(h->t, &srv, local, 0);
	cr_assert_geq(*client, 0);
	cr_assert_eq(transport_state(h->t, *client), TRANSPORT_CONNECTING);
	pump(0);
	cr_assert_eq(transport_state(h->t, *client), TRANSPORT_CONNECTED);
	*server = transport_accept(B.t, lsock, &peer);
	cr_assert_geq(*server, 0);
	cr_assert_eq(peer.host.ip, h->addr.ip);
	cr_assert_eq(peer.host.port, h->addr.port);
	cr_assert_eq(peer.port, transport_port(h->t, *client));
}

Test(transport, gives_a_server_one_socket_per_client_by_four_tuple)
{
	int l = transport_listen(B.t, 80);
	int a1, s1, a2, s2, c1, s3;
	struct transport_endpoint pa1, pa2, pc1;

	cr_assert_geq(l, 0);
	connect_pair(&A, 5555, l, &a1, &s1);
	connect_pair(&A, 5556, l, &a2, &s2);	/* same host, another port */
	connect_pair(&C, 5555, l, &c1, &s3);	/* another host, the same port */
	cr_assert(s1 != s2 && s2 != s3 && s1 != s3 && s1 != l);
	pa1 = at(&A, 5555);
	pa2 = at(&A, 5556);
	pc1 = at(&C, 5555);
	cr_assert_eq(transport_send(C.t, c1, "from C", 6), 0);
	cr_assert_eq(transport_send(A.t, a2, "from A2", 7), 0);
	cr_assert_eq(transport_send(A.t, a1, "from A1", 7), 0);
	pump(0);
	expect_message(&B, s1, "from A1", &pa1);
	expect_message(&B, s2, "from A2", &pa2);
	expect_message(&B, s3, "from C", &pc1);
	expect_nothing(&B, s1);
	expect_nothing(&B, s2);
	expect_nothing(&B, s3);
	cr_assert_eq(transport_accept(B.t, l, NULL), -1);
	cr_assert_eq(errno, EAGAIN, "nothing more to accept");
	/* And back: each reply reaches only its own client. */
	cr_assert_eq(transport_send(B.t, s3, "to C", 4), 0);
	cr_assert_eq(transport_send(B.t, s1, "to A1", 5), 0);
	pump(0);
	pa1 = at(&B, 80);
	expect_message(&A, a1, "to A1", &pa1);
	expect_message(&C, c1, "to C", &pa1);
	expect_nothing(&A, a2);
}

Test(transport, close_tells_the_peer_and_frees_the_entry)
{
	int l = transport_listen(B.t, 80), a, s;

	connect_pair(&A, 0, l, &a, &s);
	cr_assert_eq(transport_send(A.t, a, "last words", 10), 0);
	cr_assert_eq(transport_close(A.t, a), 0);
	pump(0);
	cr_assert_eq(transport_state(B.t, s), TRANSPORT_PEER_CLOSED);
	cr_assert_eq(transport_recv(B.t, s, buf, sizeof(buf)), 10, "data before the close");
	cr_assert_eq(transport_recv(B.t, s, buf, sizeof(buf)), 0, "then end of stream");
	cr_assert_eq(transport_send(B.t, s, "x", 1), -1);
	cr_assert_eq(errno, EPIPE);
	cr_assert_eq(transport_close(B.t, s), 0);
	cr_assert_eq(transport_recv(B.t, s, buf, sizeof(buf)), -1);
	cr_assert_eq(errno, EBADF);
}

Test(transport, refuses_a_connection_to_a_port_nobody_listens_on)
{
	struct transport_endpoint srv = at(&B, 81);
	int a = transport_connect(A.t, &srv, 0, 0);

	pump(0);
	cr_assert_eq(transport_state(A.t, a), TRANSPORT_REFUSED);
	cr_assert_eq(transport_recv(A.t, a, buf, sizeof(buf)), -1);
	cr_assert_eq(errno, ECONNREFUSED);
	cr_assert_eq(transport_counters(B.t)->refused, 1);
}

Test(transport, resets_a_connection_a_closing_listener_never_accepted)
{
	int l = transport_listen(B.t, 80);
	struct transport_endpoint srv = at(&B, 80);
	int a = transport_connect(A.t, &srv, 0, 0);

	pump(0);
	cr_assert_eq(transport_state(A.t, a), TRANSPORT_CONNECTED);
	cr_assert_eq(transport_close(B.t, l), 0);
	pump(0);
	cr_assert_eq(transport_state(A.t, a), TRANSPORT_RESET);
	cr_assert_eq(transport_send(A.t, a, "x", 1), -1);
	cr_assert_eq(errno, ECONNRESET);
}

Test(transport, retries_connect_then_times_out)
{
	struct transport_endpoint nowhere = { .host = { 0x7f000009, 9 }, .port = 80 };
	int a = transport_connect(A.t, &nowhere, 0, 1000);

	cr_assert_eq(nnet, 1, "one CONNECT");
	cr_assert_eq(transport_next_deadline(A.t), 1500);
	transport_tick(A.t, 1499);
	cr_assert_eq(nnet, 1);
	transport_tick(A.t, 1500);
	cr_assert_eq(nnet, 2, "CONNECT again after the retry interval");
	transport_tick(A.t, 4000);
	cr_assert_eq(transport_state(A.t, a), TRANSPORT_TIMED_OUT);
	cr_assert_eq(transport_recv(A.t, a, buf, sizeof(buf)), -1);
	cr_assert_eq(errno, ETIMEDOUT);
	cr_assert_eq(transport_next_deadline(A.t), -1);
	nnet = 0;
}

Test(transport, answers_a_duplicate_connect_without_a_second_socket)
{
	int l = transport_listen(B.t, 80);
	struct transport_endpoint srv = at(&B, 80);
	int a = transport_connect(A.t, &srv, 0, 0);

	cr_assert_eq(nnet, 1);
	net[1] = net[0];	/* the network duplicates the CONNECT */
	nnet = 2;
	pump(0);
	cr_assert_eq(transport_state(A.t, a), TRANSPORT_CONNECTED);
	cr_assert_geq(transport_accept(B.t, l, NULL), 0);
	cr_assert_eq(transport_accept(B.t, l, NULL), -1, "one connection, not two");
	cr_assert_eq(errno, EAGAIN);
}

/* Sends a len-byte message from A/5000 to B/7; returns how many segments went out. */
static int
send_big(size_t len)
{
	struct transport_endpoint to = at(&B, 7);
	int a = transport_port(A.t, 0) == 5000 ? 0 : transport_bind(A.t, 5000);

	cr_assert_eq(transport_sendto(A.t, a, &to, big, len), 0, "errno %d", errno);
	return nnet;
}

static void
expect_big(int sock, size_t len)
{
	ssize_t n = transport_recvfrom(B.t, sock, buf, sizeof(buf), NULL);

	cr_assert_eq(n, (ssize_t)len, "got %zd of %zu bytes", n, len);
	cr_assert(len == 0 || memcmp(buf, big, len) == 0, "content of %zu bytes", len);
}

Test(transport, cuts_messages_at_the_mss_and_puts_them_back)
{
	int b = transport_bind(B.t, 7);
	const size_t sizes[] = { 0, 1, 255, 256, 257, 512, 513, 65536 };
	const int segs[] = { 1, 1, 1, 1, 2, 2, 3, 256 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		cr_assert_eq(send_big(sizes[i]), segs[i], "%zu bytes", sizes[i]);
		for (int k = 0; k < nnet; k++)
			cr_assert_leq(net[k].len, SEGMENT_HEADER_LEN + 256);
		pump(0);
		expect_big(b, sizes[i]);
	}
	cr_assert_eq(transport_sendto(A.t, 0, &(struct transport_endpoint){ B.addr, 7 }, big,
	    REASM_MAX_MESSAGE + 1), -1);
	cr_assert_eq(errno, EMSGSIZE);
}

Test(transport, reassembles_reordered_and_duplicated_segments)
{
	int b = transport_bind(B.t, 7);
	int n = send_big(3000);

	for (int i = 0; i < n / 2; i++) {
		struct pkt t = net[i];

		net[i] = net[n - 1 - i];
		net[n - 1 - i] = t;
	}
	memcpy(&net[n], &net[0], (size_t)n * sizeof(net[0]));
	nnet = 2 * n;
	pump(0);
	expect_big(b, 3000);
	expect_nothing(&B, b);
	cr_assert_eq(transport_reasm_stats(B.t)->duplicates, (unsigned long)n);
	cr_assert_eq(transport_reasm_stats(B.t)->partials, 0, "no copy started over");
}

Test(transport, drops_and_counts_a_corrupted_segment)
{
	int b = transport_bind(B.t, 7);
	int n = send_big(700);

	cr_assert_eq(n, 3);
	net[1].data[40] ^= 0x20;
	pump(100);
	expect_nothing(&B, b);
	cr_assert_eq(transport_counters(B.t)->bad_checksum, 1);
	cr_assert_eq(transport_reasm_stats(B.t)->partials, 1, "waiting for the lost piece");
	transport_tick(B.t, 100 + 2000);
	cr_assert_eq(transport_reasm_stats(B.t)->timed_out, 1);
	cr_assert_eq(transport_reasm_stats(B.t)->partials, 0);
}

Test(transport, counts_segments_and_messages_per_port)
{
	int b = transport_bind(B.t, 7);
	const struct transport_row *ra, *rb;

	send_big(600);	/* 3 segments */
	send_big(10);	/* 1 segment */
	pump(0);
	ra = transport_row(A.t, 0);
	rb = transport_row(B.t, 0);
	cr_assert_eq(ra->port, 5000);
	cr_assert_eq(ra->seg_out, 4);
	cr_assert_eq(ra->msg_out, 2);
	cr_assert_eq(rb->port, 7);
	cr_assert_eq(rb->seg_in, 4);
	cr_assert_eq(rb->msg_in, 2);
	cr_assert_eq(rb->sock, b);
	cr_assert_eq(transport_close(B.t, b), 0);
	cr_assert_eq(rb->sock, -1, "rows outlive their sockets");
}

Test(transport, rejects_a_bad_configuration)
{
	struct transport_config cfg;

	transport_config_default(&cfg);
	cfg.mss = TRANSPORT_MIN_MSS - 1;
	cr_assert_null(transport_new(&A.addr, &cfg, output, &A));
	cfg.mss = SEGMENT_MAX_PAYLOAD + 1;
	cr_assert_null(transport_new(&A.addr, &cfg, output, &A));
}

Test(transport, wrong_socket_kinds_get_clear_errors)
{
	int d = transport_bind(A.t, 7), l = transport_listen(A.t, 80);
	struct transport_endpoint to = at(&B, 7);

	cr_assert_eq(transport_send(A.t, d, "x", 1), -1);
	cr_assert_eq(errno, EOPNOTSUPP);
	cr_assert_eq(transport_sendto(A.t, l, &to, "x", 1), -1);
	cr_assert_eq(errno, EOPNOTSUPP);
	cr_assert_eq(transport_accept(A.t, d, NULL), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(transport_recv(A.t, 999, buf, 1), -1);
	cr_assert_eq(errno, EBADF);
	cr_assert_eq(transport_close(A.t, -1), -1);
	cr_assert_eq(errno, EBADF);
}

Test(transport, drops_messages_when_a_socket_queue_is_full)
{
	int b = transport_bind(B.t, 7);

	for (int i = 0; i < 20; i++) {	/* 20 x 64 KiB: more than the 1 MiB a socket holds */
		send_big(REASM_MAX_MESSAGE);
		pump(0);
	}
	cr_assert_eq(transport_counters(B.t)->queue_full, 4);
	for (int i = 0; i < 16; i++)
		expect_big(b, REASM_MAX_MESSAGE);
	expect_nothing(&B, b);
}
