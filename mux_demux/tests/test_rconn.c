/*
 * test_rconn.c — two hosts' reliable connections wired together in memory, on
 * a fake clock, through a link that delays and (from a fixed seed) drops,
 * duplicates and reorders datagrams: opening, a file each way, closing, and
 * the ways a connection fails.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "rconn.h"

#define QMAX	8192
#define LEN	30000
#define DELAY	10

struct pkt {
	long at;
	int to;
	struct segment_netaddr src;
	size_t len;
	uint8_t data[RSEG_MAX_LEN];
};

static struct rconn_host *host[2];
static const struct segment_netaddr addr[2] = { { 0x7f000001, 40001 }, { 0x7f000001, 40002 } };
static struct pkt q[QMAX];
static int nq, drop_pct, dup_pct, reorder_pct, blackhole;
static int drop_to[2];	/* drop the next this many datagrams to host i */
static long now;
static uint32_t rng = 88172645u;
static uint8_t file[LEN], got[LEN + 1];

static int
chance(int pct)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return pct > 0 && (int)(rng % 100) < pct;
}

static int
output(void *ctx, const struct segment_netaddr *dst, const uint8_t *seg, size_t len)
{
	int from = *(int *)ctx, copies = chance(dup_pct) ? 2 : 1;

	if (blackhole || chance(drop_pct))
		return 0;
	if (drop_to[dst->port == addr[1].port] > 0) {
		drop_to[dst->port == addr[1].port]--;
		return 0;
	}
	for (int k = 0; k < copies; k++) {
		cr_assert_lt(nq, QMAX);
		q[nq].at = now + DELAY + (chance(reorder_pct) ? 3 * DELAY : 0);
		q[nq].to = dst->port == addr[1].port;
		q[nq].src = addr[from];
		q[nq].len = len;
		memcpy(q[nq].data, seg, len);
		nq++;
	}
	return 0;
}

static int ids[2] = { 0, 1 };

static void
setup_hosts_buf(enum sender_mode mode, uint32_t isn, size_t rcvbuf)
{
	struct rconn_config cfg;

	rconn_config_default(&cfg);
	cfg.rcvbuf = rcvbuf;
	cfg.mode = mode;
	cfg.isn = isn;
	cfg.rtt = (struct rtt_config){ .initial_ms = 100, .min_ms = 10, .max_ms = 2000 };
	for (int i = 0; i < 2; i++)
		cr_assert_not_null(host[i] = rconn_new(&addr[i], &cfg, output, &ids[i]));
	for (size_t i = 0; i < LEN; i++)
		file[i] = (uint8_t)(i * 29 + i / 101);
}

static void
setup_hosts(enum sender_mode mode, uint32_t isn)
{
	setup_hosts_buf(mode, isn, 65536);
}

static void
teardown(void)
{
	rconn_free(host[0]);
	rconn_free(host[1]);
	host[0] = host[1] = NULL;
	nq = drop_pct = dup_pct = reorder_pct = blackhole = 0;
	drop_to[0] = drop_to[1] = 0;
	now = 0;
}

TestSuite(rconn, .fini = teardown);

/* Advances to the next event and delivers what is due.  0: nothing left. */
static int
step(void)
{
	long t = -1;
	int keep = 0, n = nq;
	static struct pkt due[QMAX];
	int ndue = 0;

	for (int i = 0; i < 2; i++) {
		long d = rconn_next_deadline(host[i]);

		if (d != -1 && (t == -1 || d < t))
			t = d;
	}
	for (int i = 0; i < nq; i++)
		if (t == -1 || q[i].at < t)
			t = q[i].at;
	if (t == -1)
		return 0;
	if (t > now)
		now = t;
	for (int i = 0; i < n; i++)
		if (q[i].at <= now)
			due[ndue++] = q[i];
		else
			q[keep++] = q[i];
	nq = keep;
	for (int i = 0; i < ndue; i++)
		rconn_input(host[due[i].to], due[i].data, due[i].len, &due[i].src, now);
	for (int i = 0; i < 2; i++)
		rconn_tick(host[i], now);
	return 1;
}

struct xfer {
	int l, c, s;
	size_t sent, rcvd, back;
	int shut_c, shut_s;
};

/* One round of both applications: the client sends the file and closes; the
 * server reads it all, answers "ok" and closes; the client reads the answer. */
static void
apps(struct xfer *x)
{
	ssize_t n;
	uint8_t tmp[4096];

	if (x->s == -1)
		x->s = rconn_accept(host[1], x->l, NULL);
	if (rconn_state(host[0], x->c) == RCONN_OPEN) {
		if (x->sent < LEN && (n = rconn_send(host[0], x->c, file + x->sent,
		    LEN - x->sent, now)) > 0)
			x->sent += (size_t)n;
		if (x->sent == LEN && !x->shut_c)
			x->shut_c = rconn_shutdown(host[0], x->c, now) == 0;
		while ((n = rconn_recv(host[0], x->c, tmp, sizeof(tmp), now)) > 0)
			x->back += (size_t)n;
	}
	if (x->s == -1)
		return;
	while ((n = rconn_recv(host[1], x->s, got + x->rcvd, LEN + 1 - x->rcvd, now)) > 0)
		x->rcvd += (size_t)n;
	if (rconn_eof(host[1], x->s) && !x->shut_s) {
		cr_assert_eq(rconn_send(host[1], x->s, "ok", 2, now), 2);
		x->shut_s = rconn_shutdown(host[1], x->s, now) == 0;
	}
}

/* Runs the exchange to its end; returns the client's connection. */
static int
transfer(void)
{
	struct rconn_endpoint server = { addr[1], 8 };
	struct xfer x = { .s = -1 };
	long steps = 0;

	cr_assert_geq(x.l = rconn_listen(host[1], 8), 0);
	cr_assert_geq(x.c = rconn_connect(host[0], &server, 0, now), 0);
	do {
		apps(&x);
		if (x.s != -1 && rconn_done(host[0], x.c) && rconn_done(host[1], x.s))
			break;
		cr_assert_lt(++steps, 1000000, "runaway");
	} while (step());
	cr_assert_neq(x.s, -1, "never accepted");
	cr_assert(rconn_done(host[0], x.c), "client not done at %ld ms", now);
	cr_assert(rconn_done(host[1], x.s), "server not done at %ld ms", now);
	cr_assert_eq(x.rcvd, LEN);
	cr_assert_eq(memcmp(got, file, LEN), 0, "the copy differs");
	cr_assert_eq(x.back, 2);
	return x.c;
}

Test(rconn, opens_carries_a_file_and_closes_on_a_clean_link)
{
	int c;

	setup_hosts(SENDER_GO_BACK_N, 0);
	c = transfer();
	cr_assert_eq(sender_stats(rconn_sender(host[0], c))->retransmits, 0);
}

Test(rconn, every_mode_survives_loss_duplication_and_reordering)
{
	for (int m = 0; m < SENDER_MODE_COUNT; m++) {
		setup_hosts((enum sender_mode)m, 0xffffff00u);
		drop_pct = 15;
		dup_pct = 10;
		reorder_pct = 10;
		transfer();
		teardown();
	}
}

Test(rconn, a_port_nobody_listens_on_answers_with_reset)
{
	struct rconn_endpoint server = { addr[1], 9 };
	int c;

	setup_hosts(SENDER_GO_BACK_N, 0);
	cr_assert_geq(c = rconn_connect(host[0], &server, 0, now), 0);
	while (step() && rconn_state(host[0], c) == RCONN_SYN_SENT)
		;
	cr_assert_eq(rconn_state(host[0], c), RCONN_RESET);
	errno = 0;
	cr_assert_eq(rconn_send(host[0], c, "x", 1, now), -1);
	cr_assert_eq(errno, ECONNRESET);
}

Test(rconn, a_lost_syn_is_sent_again_with_backoff_then_given_up)
{
	struct rconn_endpoint server = { addr[1], 8 };
	long expect[] = { 100, 300, 700, 1500, 3100, 5100 };
	int c;

	setup_hosts(SENDER_GO_BACK_N, 0);
	blackhole = 1;
	cr_assert_geq(c = rconn_connect(host[0], &server, 0, now), 0);
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		cr_assert_eq(rconn_next_deadline(host[0]), expect[i], "SYN %zu", i + 1);
		cr_assert(step());
	}
	cr_assert_eq(rconn_state(host[0], c), RCONN_TIMED_OUT);
	cr_assert_eq(rconn_next_deadline(host[0]), -1);
}

Test(rconn, refuses_a_second_listener_on_a_port)
{
	setup_hosts(SENDER_GO_BACK_N, 0);
	cr_assert_geq(rconn_listen(host[1], 8), 0);
	errno = 0;
	cr_assert_eq(rconn_listen(host[1], 8), -1);
	cr_assert_eq(errno, EADDRINUSE);
	cr_assert_eq(rconn_listen(host[1], 0), -1);
}

/* Connects host 0 to host 1's port 8; returns the client's connection. */
static int
open_pair(int *l)
{
	struct rconn_endpoint server = { addr[1], 8 };

	cr_assert_geq(*l = rconn_listen(host[1], 8), 0);
	return rconn_connect(host[0], &server, 0, now);
}

Test(rconn, opens_in_one_round_trip_and_a_half)
{
	int l, c, s = -1;

	setup_hosts(SENDER_GO_BACK_N, 0);
	c = open_pair(&l);
	while (s == -1 && now <= 3 * DELAY && step())
		s = rconn_accept(host[1], l, NULL);
	cr_assert_neq(s, -1, "not accepted after SYN, SYN|ACK, ACK");
	cr_assert_eq(now, 3 * DELAY);
	cr_assert_eq(rconn_state(host[0], c), RCONN_OPEN);
}

Test(rconn, a_lost_syn_ack_is_sent_again)
{
	int l, c, s = -1;

	setup_hosts(SENDER_GO_BACK_N, 0);
	drop_to[0] = 1;		/* the SYN|ACK */
	c = open_pair(&l);
	while (s == -1 && now < 1000 && step())
		s = rconn_accept(host[1], l, NULL);
	cr_assert_neq(s, -1);
	cr_assert_eq(rconn_state(host[0], c), RCONN_OPEN);
}

Test(rconn, a_lost_handshake_ack_is_made_good)
{
	int l, c, s = -1;

	setup_hosts(SENDER_GO_BACK_N, 0);
	drop_to[1] = 0;
	c = open_pair(&l);
	cr_assert(step());	/* SYN in */
	drop_to[1] = 1;		/* the client's ACK */
	while (s == -1 && now < 1000 && step())
		s = rconn_accept(host[1], l, NULL);
	cr_assert_neq(s, -1, "the server never opened (it must resend its SYN|ACK)");
	cr_assert_eq(rconn_state(host[0], c), RCONN_OPEN);
}

Test(rconn, data_that_completes_the_handshake_is_kept)
{
	int l, c, s = -1;
	char buf[16];

	setup_hosts(SENDER_GO_BACK_N, 0);
	c = open_pair(&l);
	cr_assert(step());	/* SYN in */
	drop_to[1] = 1;		/* the client's ACK */
	cr_assert(step());	/* SYN|ACK in: the client is open */
	cr_assert_eq(rconn_send(host[0], c, "hello", 5, now), 5);
	while (s == -1 && step())
		s = rconn_accept(host[1], l, NULL);
	cr_assert_eq(rconn_recv(host[1], s, buf, sizeof(buf), now), 5);
	cr_assert_eq(sender_stats(rconn_sender(host[0], c))->retransmits, 0);
}

Test(rconn, a_reader_that_makes_room_says_so_at_once)
{
	int l, c, s = -1;
	static uint8_t buf[2000];

	setup_hosts_buf(SENDER_GO_BACK_N, 0, 512);
	c = open_pair(&l);
	while (s == -1 && step())
		s = rconn_accept(host[1], l, NULL);
	cr_assert_eq(rconn_send(host[0], c, file, 2000, now), 2000);
	while (nq > 0 && step())
		;		/* until the window is full and the link quiet */
	cr_assert_eq(rconn_recv(host[1], s, buf, sizeof(buf), now), 512);
	cr_assert_eq(nq, 1, "no window update after the read");
}

Test(rconn, a_half_open_connection_is_forgotten)
{
	int l;

	setup_hosts(SENDER_GO_BACK_N, 0);
	drop_to[0] = 1000;	/* every SYN|ACK */
	open_pair(&l);
	while (step())
		;
	cr_assert_eq(rconn_next_deadline(host[1]), -1, "the server still holds it");
	cr_assert_eq(rconn_accept(host[1], l, NULL), -1);
	for (int i = 0; i < RCONN_MAX; i++)
		cr_assert(rconn_state(host[1], i) == RCONN_FREE || i == l, "slot %d kept", i);
}

Test(rconn, closing_before_the_end_resets_the_peer)
{
	int l, c, s = -1;

	setup_hosts(SENDER_GO_BACK_N, 0);
	c = open_pair(&l);
	while (s == -1 && step())
		s = rconn_accept(host[1], l, NULL);
	rconn_close(host[0], c);
	cr_assert_eq(rconn_state(host[0], c), RCONN_FREE);
	while (rconn_state(host[1], s) == RCONN_OPEN && step())
		;
	cr_assert_eq(rconn_state(host[1], s), RCONN_RESET);
}
