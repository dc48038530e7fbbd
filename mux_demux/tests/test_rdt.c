/*
 * test_rdt.c — a sender and a receiver talking through a simulated network
 * on a fake clock: every segment goes through the wire format (rseg), then a
 * link that delays it and, from a seeded generator, drops, duplicates,
 * reorders or corrupts it.  The test advances time to the next event (a
 * delivery, a timer, the reader waking up), so a run is exact and repeatable
 * and a 30% lossy transfer takes milliseconds of CPU.
 *
 * Each case checks the file arrives byte-exact, both ends finish, and what
 * the case is about (no spurious retransmission, a window never overrun...).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "receiver.h"
#include "rseg.h"
#include "sender.h"
#include "seq.h"

#define QMAX		8192
#define FILE_LEN	40000
#define DELAY_MS	10
#define TIME_LIMIT_MS	100000000L

struct link_cfg {
	int drop, dup, reorder, corrupt;	/* percent */
	int tx_ms, queue;	/* towards the receiver: a bottleneck, if tx_ms > 0 */
};

struct pkt {
	long at;
	int to_receiver;
	size_t len;
	uint8_t data[RSEG_MAX_LEN];
};

struct sim {
	struct sender *s;
	struct receiver *r;
	struct link_cfg link;
	uint32_t rng;
	struct pkt q[QMAX];
	int nq;
	long now;
	size_t sent_in, got;
	long reader_every;	/* 0: the application reads at once */
	size_t reader_chunk;
	long reader_at;
	unsigned long overruns;	/* data past the advertised right edge */
	uint32_t right_edge;	/* the largest ack + window advertised */
	int edge_known;
	long busy_until;	/* the bottleneck sends its last segment until then */
	unsigned long neck_drops;
};

static const struct segment_netaddr HA = { 0x7f000001, 1 }, HB = { 0x7f000001, 2 };
static uint8_t src[FILE_LEN], dst[FILE_LEN + 1];
static struct sim sim;
static long rto_min_ms;		/* above 10: the timer's floor for a case */

static uint32_t
rnd(struct sim *m)
{
	m->rng ^= m->rng << 13;
	m->rng ^= m->rng >> 17;
	m->rng ^= m->rng << 5;
	return m->rng;
}

static int
chance(struct sim *m, int pct)
{
	return pct > 0 && (int)(rnd(m) % 100) < pct;
}

/*
 * The bottleneck towards the receiver: tx_ms per segment, and a drop-tail
 * queue of `queue` segments waiting behind the one being sent.  Returns when
 * the segment has been sent, or -1 if the queue drops it.
 */
static long
bottleneck(struct sim *m)
{
	long start = m->busy_until > m->now ? m->busy_until : m->now;

	if ((start - m->now) / m->link.tx_ms > m->link.queue) {
		m->neck_drops++;
		return -1;
	}
	m->busy_until = start + m->link.tx_ms;
	return m->busy_until;
}

/* Puts one datagram on the link, as the link's damage decides. */
static void
link_send(struct sim *m, int to_receiver, const struct rseg *seg)
{
	int copies = chance(m, m->link.dup) ? 2 : 1;
	long sent = m->now;

	if (chance(m, m->link.drop))
		return;
	if (to_receiver && m->link.tx_ms > 0 && (sent = bottleneck(m)) == -1)
		return;
	for (int c = 0; c < copies; c++) {
		struct pkt *p = &m->q[m->nq];

		cr_assert_lt(m->nq, QMAX, "link queue overflow");
		p->len = rseg_encode(seg, to_receiver ? &HA : &HB, to_receiver ? &HB : &HA,
		    p->data, sizeof(p->data));
		cr_assert_gt(p->len, 0);
		p->to_receiver = to_receiver;
		p->at = sent + DELAY_MS + (chance(m, m->link.reorder) ? 3 * DELAY_MS : 0);
		if (chance(m, m->link.corrupt)) {
			uint32_t bit = rnd(m) % (uint32_t)(p->len * 8);

			p->data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		m->nq++;
	}
}

static void
send_ack(struct sim *m, const struct receiver_ack *a)
{
	struct rseg seg = { .src_port = 2, .dst_port = 1, .flags = RSEG_ACK,
		.mode = RSEG_GO_BACK_N, .ack = a->ack, .window = a->window,
		.sack = a->sack };

	if (a->has_sack)
		seg.flags |= RSEG_SACK;
	if (!m->edge_known || seq_lt(m->right_edge, a->ack + a->window))
		m->right_edge = a->ack + a->window;
	m->edge_known = 1;
	link_send(m, 0, &seg);
}

static void
deliver_to_receiver(struct sim *m, const struct rseg *seg)
{
	struct receiver_ack a;
	uint32_t end = seg->seq + (uint32_t)seg->payload_len;

	if (seg->payload_len > 1 && m->edge_known && seq_lt(m->right_edge, end))
		m->overruns++;	/* a 1-byte probe of a zero window is allowed */
	receiver_input(m->r, seg->seq, seg->payload, seg->payload_len,
	    (seg->flags & RSEG_FIN) != 0, &a);
	send_ack(m, &a);
}

static void
deliver(struct sim *m, struct pkt *p)
{
	struct rseg seg;
	struct sender_ack a;

	if (rseg_decode(p->data, p->len, p->to_receiver ? &HA : &HB,
	    p->to_receiver ? &HB : &HA, &seg) != RSEG_OK)
		return;		/* corrupted: the checksum caught it */
	if (p->to_receiver) {
		deliver_to_receiver(m, &seg);
		return;
	}
	a.ack = seg.ack;
	a.window = seg.window;
	a.has_sack = (seg.flags & RSEG_SACK) != 0;
	a.sack = seg.sack;
	sender_on_ack(m->s, &a, m->now);
}

/* The application reads (when its turn comes) and the receiver may update. */
static void
app_read(struct sim *m)
{
	struct receiver_ack a;
	size_t cap = sizeof(dst) - m->got, n;

	if (m->reader_every > 0) {
		if (m->now < m->reader_at)
			return;
		m->reader_at = m->now + m->reader_every;
		if (cap > m->reader_chunk)
			cap = m->reader_chunk;
	}
	n = receiver_read(m->r, dst + m->got, cap);
	m->got += n;
	if (receiver_take_update(m->r, &a))
		send_ack(m, &a);
}

/* Feeds the file to the sender and puts out whatever it may send. */
static void
app_write_and_send(struct sim *m)
{
	static uint8_t payload[SEGMENT_MAX_PAYLOAD];
	struct sender_seg sg;
	ssize_t n;

	if (m->sent_in < FILE_LEN) {
		n = sender_write(m->s, src + m->sent_in, FILE_LEN - m->sent_in);
		cr_assert_geq(n, 0);
		m->sent_in += (size_t)n;
		if (m->sent_in == FILE_LEN)
			sender_shutdown(m->s);
	}
	while (sender_next(m->s, m->now, &sg, payload, sizeof(payload))) {
		struct rseg seg = { .src_port = 1, .dst_port = 2, .mode = RSEG_GO_BACK_N,
			.seq = sg.seq, .payload = payload, .payload_len = sg.len };

		if (sg.fin)
			seg.flags |= RSEG_FIN;
		link_send(m, 1, &seg);
	}
}

static long
next_event(const struct sim *m)
{
	long t = sender_next_deadline(m->s);

	for (int i = 0; i < m->nq; i++)
		if (t == -1 || m->q[i].at < t)
			t = m->q[i].at;
	if (m->reader_every > 0 && !receiver_eof(m->r) && (t == -1 || m->reader_at < t))
		t = m->reader_at;
	return t;
}

/* Delivers, in the order they were sent, the datagrams due by now. */
static void
deliver_due(struct sim *m)
{
	static struct pkt due[QMAX];
	int ndue = 0, keep = 0;

	for (int i = 0; i < m->nq; i++) {
		if (m->q[i].at <= m->now)
			due[ndue++] = m->q[i];
		else
			m->q[keep++] = m->q[i];
	}
	m->nq = keep;
	for (int i = 0; i < ndue; i++)
		deliver(m, &due[i]);
}

/* Runs until both ends are done; fails on a stall or a runaway. */
static void
run(struct sim *m)
{
	long steps = 0, t;

	while (!(sender_done(m->s) && receiver_eof(m->r))) {
		app_write_and_send(m);
		t = next_event(m);
		cr_assert_neq(t, -1, "stalled at %ld ms: no timer, nothing in flight", m->now);
		cr_assert_lt(t, TIME_LIMIT_MS, "no end in sight");
		cr_assert_lt(++steps, 2000000, "busy: events without progress");
		if (t > m->now)
			m->now = t;
		deliver_due(m);
		sender_tick(m->s, m->now);
		app_read(m);
	}
	cr_assert_eq(m->got, FILE_LEN, "got %zu bytes", m->got);
	cr_assert_eq(memcmp(src, dst, FILE_LEN), 0, "the copy differs");
}

static void
start(enum sender_mode mode, int window, enum cc_algo cc, struct link_cfg link,
    size_t rcv_cap, uint32_t isn)
{
	struct sender_config sc;
	struct receiver_config rc = { .selective = mode == SENDER_SELECTIVE_REPEAT,
		.buf_cap = rcv_cap, .isn = isn };

	memset(&sim, 0, sizeof(sim));
	sender_config_default(&sc, mode);
	sc.window = window;
	sc.cc = cc;
	sc.isn = isn;
	sc.peer_window = (uint32_t)rcv_cap;
	sc.rtt = (struct rtt_config){ .initial_ms = 100, .min_ms = 10, .max_ms = 2000 };
	if (rto_min_ms > sc.rtt.min_ms)
		sc.rtt.min_ms = sc.rtt.initial_ms = rto_min_ms;
	cr_assert_not_null(sim.s = sender_new(&sc));
	cr_assert_not_null(sim.r = receiver_new(&rc));
	sim.link = link;
	sim.rng = 2463534242u;
	for (size_t i = 0; i < FILE_LEN; i++)
		src[i] = (uint8_t)(i * 131 + i / 997);
}

static void
finish(void)
{
	sender_free(sim.s);
	receiver_free(sim.r);
}

TestSuite(rdt, .fini = finish);

static const struct link_cfg CLEAN = { 0, 0, 0, 0, 0, 0 };
static const struct link_cfg NASTY[] = {
	{ 30, 0, 0, 0, 0, 0 }, { 0, 30, 0, 0, 0, 0 }, { 0, 0, 30, 0, 0, 0 }, { 0, 0, 0, 30, 0, 0 },
	{ 10, 10, 10, 10, 0, 0 },
};
#define NNASTY	(sizeof(NASTY) / sizeof(NASTY[0]))
#define NEAR_TOP	0xffffff00u	/* wraps after 256 bytes */

static void
across_every_link(enum sender_mode mode, int window, enum cc_algo cc)
{
	for (size_t i = 0; i < NNASTY; i++) {
		start(mode, window, cc, NASTY[i], 65536, NEAR_TOP);
		run(&sim);
		finish();
	}
	memset(&sim, 0, sizeof(sim));
}

Test(rdt, stop_and_wait_survives_loss_duplication_reordering_and_corruption)
{
	across_every_link(SENDER_STOP_AND_WAIT, 1, CC_NONE);
}

Test(rdt, go_back_n_survives_loss_duplication_reordering_and_corruption)
{
	across_every_link(SENDER_GO_BACK_N, 8, CC_NONE);
}

Test(rdt, selective_repeat_survives_loss_duplication_reordering_and_corruption)
{
	across_every_link(SENDER_SELECTIVE_REPEAT, 8, CC_NONE);
}

Test(rdt, reno_survives_a_bad_link_with_either_pipeline)
{
	across_every_link(SENDER_GO_BACK_N, 32, CC_RENO);
	across_every_link(SENDER_SELECTIVE_REPEAT, 32, CC_RENO);
}

Test(rdt, a_clean_link_sees_no_retransmission)
{
	for (int mode = 0; mode < SENDER_MODE_COUNT; mode++) {
		start((enum sender_mode)mode, 16, CC_RENO, CLEAN, 65536, NEAR_TOP);
		run(&sim);
		cr_assert_eq(sender_stats(sim.s)->retransmits, 0, "%s retransmitted",
		    sender_mode_name((enum sender_mode)mode));
		finish();
	}
	memset(&sim, 0, sizeof(sim));
}

Test(rdt, a_slow_reader_with_a_small_buffer_is_never_overrun)
{
	start(SENDER_SELECTIVE_REPEAT, 16, CC_NONE, CLEAN, 1000, NEAR_TOP);
	sim.reader_every = 50;
	sim.reader_chunk = 300;
	run(&sim);
	cr_assert_eq(sim.overruns, 0);
	/* what the receiver had no room for can only have been a probe or its copy */
	cr_assert_leq(receiver_stats(sim.r)->discarded,
	    sender_stats(sim.s)->probes + sender_stats(sim.s)->retransmits);
	cr_assert_gt(sender_stats(sim.s)->probes, 0, "the window never closed: a weak test");
}

Test(rdt, stop_and_wait_takes_one_round_trip_per_segment)
{
	start(SENDER_STOP_AND_WAIT, 1, CC_NONE, CLEAN, 65536, 0);
	run(&sim);
	/* 157 segments of 256 bytes and a FIN, 20 ms each */
	cr_assert_eq(sim.now, (long)((FILE_LEN + 255) / 256 + 1) * 2 * DELAY_MS);
}

/*
 * Slow start overflows a queue of 8 behind a 1 ms-per-segment link and loses
 * about 20 segments of one window: Reno must resend them as the ACKs reveal
 * them, not one per timeout (a 200 ms timer floor, as mux_rhost's).
 */
Test(rdt, reno_over_a_small_drop_tail_queue_recovers_by_fast_retransmit)
{
	struct link_cfg neck = { .tx_ms = 1, .queue = 8 };
	const struct sender_stats *st;

	rto_min_ms = 200;
	start(SENDER_SELECTIVE_REPEAT, 64, CC_RENO, neck, 65536, NEAR_TOP);
	run(&sim);
	st = sender_stats(sim.s);
	cr_assert_geq(sim.neck_drops, 10, "no burst of drops: a weak test");
	cr_assert_leq(4 * st->timeouts, st->fast_retransmits, "%lu timeouts, %lu fast retransmits",
	    st->timeouts, st->fast_retransmits);
	cr_assert_leq(st->retransmits, sim.neck_drops + 2, "resent what had arrived");
}
