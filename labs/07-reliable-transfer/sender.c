/*
 * sender.c — the sending half of a reliable connection (see sender.h).
 *
 * The bytes not yet acknowledged live in a ring buffer that starts at the
 * oldest unacknowledged byte (una); the segments in flight live in a second
 * ring, oldest first, each with its own send time, transmission count and
 * (Selective Repeat) deadline.  Go-Back-N and stop-and-wait use one timer,
 * for the oldest segment, as RFC 6298 section 5 manages it; Selective Repeat
 * uses the per-segment deadlines.  A segment marked "resend" goes out again
 * before any new data.
 */
#include "sender.h"
#include "seq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct sender_rec {
	uint32_t seq, len;	/* len in sequence space: a FIN counts 1 */
	int fin;
	int sent;		/* transmissions so far */
	int resend;		/* must go out again */
	int sacked;		/* Selective Repeat: the receiver has it */
	long sent_ms, deadline;	/* last transmission; SR timer (-1: none) */
	unsigned long tx;	/* stats.segments at its last transmission */
};

struct sender {
	struct sender_config cfg;
	struct rtt rtt;
	struct cc cc;
	uint8_t *buf;
	size_t head, count;	/* ring: bytes from una on, sent or not */
	uint32_t una, nxt;	/* oldest unacknowledged; next new */
	struct sender_rec *recs;
	int rhead, nrec;
	uint32_t rwnd;
	int dupacks;
	uint32_t recover;	/* nxt when fast recovery began (RFC 6582) */
	unsigned long cut_tx;	/* stats.segments when cwnd was last cut */
	long timer;		/* GBN / stop-and-wait: deadline, -1 off */
	long persist;		/* zero-window probe deadline, -1 off */
	int probe;		/* the probe may go now */
	int closing, fin_sent, fin_acked;
	struct sender_stats stats;
};

static const char *const sender_mode_names[SENDER_MODE_COUNT] = {
	[SENDER_STOP_AND_WAIT] = "sw",
	[SENDER_GO_BACK_N] = "gbn",
	[SENDER_SELECTIVE_REPEAT] = "sr",
};

const char *
sender_mode_name(enum sender_mode m)
{
	return (int)m >= 0 && m < SENDER_MODE_COUNT ? sender_mode_names[m] : "unknown";
}

int
sender_mode_parse(const char *name, enum sender_mode *out)
{
	for (int m = 0; m < SENDER_MODE_COUNT; m++)
		if (strcmp(name, sender_mode_names[m]) == 0) {
			*out = (enum sender_mode)m;
			return 0;
		}
	return -1;
}

void
sender_config_default(struct sender_config *cfg, enum sender_mode mode)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = mode;
	cfg->mss = 256;
	cfg->window = mode == SENDER_STOP_AND_WAIT ? 1 : 8;
	cfg->buf_cap = 65536;
	cfg->isn = 0;
	cfg->peer_window = 65536;
	cfg->cc = CC_NONE;
	rtt_config_default(&cfg->rtt);
}

struct sender *
sender_new(const struct sender_config *cfg)
{
	struct sender *s;

	if ((int)cfg->mode < 0 || cfg->mode >= SENDER_MODE_COUNT || cfg->mss == 0 ||
	    cfg->window < 1 || cfg->window > SENDER_MAX_WINDOW || cfg->buf_cap == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->cfg = *cfg;
	if (cfg->mode == SENDER_STOP_AND_WAIT)
		s->cfg.window = 1;
	if (rtt_init(&s->rtt, &cfg->rtt) == -1 || cc_init(&s->cc, cfg->cc, cfg->mss) == -1)
		goto error;
	s->buf = malloc(cfg->buf_cap);
	s->recs = calloc((size_t)s->cfg.window, sizeof(*s->recs));
	if (s->buf == NULL || s->recs == NULL)
		goto error;
	s->una = s->nxt = s->recover = cfg->isn;
	s->rwnd = cfg->peer_window;
	s->timer = s->persist = -1;
	return s;
error:
	sender_free(s);
	return NULL;
}

void
sender_free(struct sender *s)
{
	if (s == NULL)
		return;
	free(s->buf);
	free(s->recs);
	free(s);
}

ssize_t
sender_write(struct sender *s, const void *data, size_t len)
{
	size_t n = s->cfg.buf_cap - s->count, tail, first;

	if (s->closing) {
		errno = EPIPE;
		return -1;
	}
	if (len < n)
		n = len;
	if (n == 0)
		return 0;
	tail = (s->head + s->count) % s->cfg.buf_cap;
	first = s->cfg.buf_cap - tail < n ? s->cfg.buf_cap - tail : n;
	memcpy(s->buf + tail, data, first);
	memcpy(s->buf, (const uint8_t *)data + first, n - first);
	s->count += n;
	return (ssize_t)n;
}

void
sender_shutdown(struct sender *s)
{
	s->closing = 1;
}

static struct sender_rec *
sender_rec(struct sender *s, int i)
{
	return &s->recs[(s->rhead + i) % s->cfg.window];
}

/* Copies len bytes starting at sequence number seq out of the ring. */
static void
sender_copy(const struct sender *s, uint32_t seq, uint8_t *out, size_t len)
{
	size_t at = (s->head + (size_t)(seq - s->una)) % s->cfg.buf_cap;
	size_t first = s->cfg.buf_cap - at < len ? s->cfg.buf_cap - at : len;

	memcpy(out, s->buf + at, first);
	memcpy(out + first, s->buf, len - first);
}

uint32_t
sender_next_seq(const struct sender *s)
{
	return s->nxt;
}

size_t
sender_flight(const struct sender *s)
{
	return (size_t)(s->nxt - s->una);
}

/* Puts rec on the wire: fills *seg and buf, starts its timer. */
static void
sender_emit(struct sender *s, struct sender_rec *rec, long now,
    struct sender_seg *seg, uint8_t *buf)
{
	seg->seq = rec->seq;
	seg->fin = rec->fin;
	seg->len = rec->fin ? 0 : rec->len;
	seg->retransmit = rec->sent > 0;
	sender_copy(s, rec->seq, buf, seg->len);
	rec->sent++;
	rec->resend = 0;
	rec->sent_ms = now;
	rec->tx = ++s->stats.segments;
	if (seg->retransmit)
		s->stats.retransmits++;
	/* TODO: start a timer (rtt_timeout from now): Selective Repeat gives every segment its own deadline; Go-Back-N and stop-and-wait run one timer, started only if it is not running (s->timer == -1) */
	/*
	 * Only a cwnd inflated by the duplicate ACKs lets new data out before
	 * fast recovery ends: ssthresh + 3 MSS is below the flight.
	 */
	if (!seg->retransmit && !seg->fin && s->cc.phase == CC_RECOVERY)
		s->stats.recovery_sends++;
}

/*
 * Bytes still in the network: sent, neither acknowledged selectively nor
 * given up as lost (marked for resending).
 */
static size_t
sender_pipe(struct sender *s)
{
	size_t pipe = 0;

	for (int i = 0; i < s->nrec; i++) {
		struct sender_rec *rec = sender_rec(s, i);

		if (!rec->sacked && !rec->resend)
			pipe += rec->len;
	}
	return pipe;
}

/*
 * The oldest segment marked for resending that cwnd lets out, or NULL.  cwnd
 * bounds what is in the network (the pipe), not the distance from una: with
 * Selective Repeat most bytes after una may have arrived already, and
 * counting them held a lost segment back until another timer expired.
 */
static struct sender_rec *
sender_pick_resend(struct sender *s)
{
	/* TODO: what goes again: the oldest record in flight marked resend that the receiver does not have (sacked); one after the oldest only while the bytes in the network (sender_pipe) plus its length stay within cwnd */
	(void)sender_pipe;
	return NULL;
}

/* How many new bytes the windows let out now (flow and congestion). */
static size_t
sender_allowance(const struct sender *s)
{
	/* TODO: flow control: new bytes may go while the bytes in flight (sender_flight) stay within both the receiver's window (rwnd) and cwnd (cc_window) */
	return (size_t)-1;
}

/* Makes the next new segment (data, probe or FIN), or returns NULL. */
static struct sender_rec *
sender_new_rec(struct sender *s, long now)
{
	size_t unsent = s->fin_sent ? 0 : s->count - (size_t)(s->nxt - s->una);
	size_t len = unsent < s->cfg.mss ? unsent : s->cfg.mss;
	size_t allow = sender_allowance(s);
	struct sender_rec *rec;

	/* TODO: the window: no new segment while cfg.window segments are in flight (stop-and-wait: 1) */
	if (s->nrec >= 1)
		return NULL;
	if (unsent == 0 && (!s->closing || s->fin_sent))
		return NULL;
	if (unsent > 0 && allow == 0) {
		if (s->rwnd != 0 || s->nrec > 0)
			return NULL;	/* the ACKs in flight will open cwnd */
		if (!s->probe) {
			if (s->persist == -1)
				s->persist = now + rtt_timeout(&s->rtt);
			return NULL;
		}
		s->probe = 0;
		s->stats.probes++;
		allow = 1;
	}
	if (len > allow)
		len = allow;
	rec = &s->recs[(s->rhead + s->nrec++) % s->cfg.window];
	memset(rec, 0, sizeof(*rec));
	rec->seq = s->nxt;
	rec->deadline = -1;
	rec->len = (uint32_t)len;
	if (unsent == 0) {
		rec->fin = 1;
		rec->len = 1;
		s->fin_sent = 1;
	}
	s->nxt += rec->len;
	return rec;
}

int
sender_next(struct sender *s, long now_ms, struct sender_seg *seg,
    uint8_t *buf, size_t cap)
{
	struct sender_rec *rec;

	if (cap < s->cfg.mss)
		return 0;
	if ((rec = sender_pick_resend(s)) == NULL &&
	    (rec = sender_new_rec(s, now_ms)) == NULL)
		return 0;
	sender_emit(s, rec, now_ms, seg, buf);
	return 1;
}

/*
 * Selective Repeat: the receiver has the segment that starts at seq.  Returns
 * 2 if that is news and gave an RTT sample, 1 if news, 0 if known already.
 */
static int
sender_on_sack(struct sender *s, uint32_t seq, long now)
{
	/* TODO: Selective Repeat: mark the record that starts at seq as received (sacked), no longer to resend, its timer off; return 2 after an RTT sample, taken only if it was sent once (Karn), 1 when it was marked without one, 0 when no record newly starts at seq */
	return 0;
}

/*
 * Selective Repeat in fast recovery: a segment sent once that three later
 * segments have overtaken (the receiver has them) is lost as well, and goes
 * out now rather than when its timer expires (RFC 6675's rule, on the
 * selective ACKs).  Without it, a burst of drops from one window was left to
 * the per-segment timers, one timeout after another.
 */
static void
sender_resend_holes(struct sender *s)
{
	int later = 0;

	if (s->cfg.mode != SENDER_SELECTIVE_REPEAT || s->cc.phase != CC_RECOVERY)
		return;
	for (int i = s->nrec - 1; i >= 0; i--) {
		struct sender_rec *rec = sender_rec(s, i);

		if (rec->sacked)
			later++;
		else if (later >= 3 && rec->sent == 1 && !rec->resend) {
			rec->resend = 1;
			s->stats.fast_retransmits++;
		}
	}
}

/* Selective Repeat: some segment after the oldest has arrived. */
static int
sender_overtaken(struct sender *s)
{
	for (int i = 1; i < s->nrec; i++)
		if (sender_rec(s, i)->sacked)
			return 1;
	return 0;
}

/*
 * Tells congestion control that the bytes before ack arrived.  During fast
 * recovery an ACK below the recovery point is partial (RFC 6582, NewReno):
 * another segment of the window was lost, so recovery goes on and the new
 * oldest segment goes out at once, instead of leaving recovery on the first
 * new ACK and waiting for a timeout.  Selective Repeat knows more: the
 * oldest is lost only if a later segment arrived, for a partial ACK also
 * follows a fast retransmit that duplicated segments set off.
 */
static void
sender_cc_ack(struct sender *s, uint32_t ack)
{
	struct sender_rec *oldest;

	if (s->cc.phase != CC_RECOVERY || !seq_lt(ack, s->recover)) {
		cc_on_ack(&s->cc, ack - s->una);
		return;
	}
	cc_on_partial_ack(&s->cc, ack - s->una);
	if (s->nrec == 0)
		return;
	oldest = sender_rec(s, 0);
	if (oldest->sent == 1 && !oldest->sacked && !oldest->resend &&
	    (s->cfg.mode != SENDER_SELECTIVE_REPEAT || sender_overtaken(s))) {
		oldest->resend = 1;
		s->stats.fast_retransmits++;
	}
}

/*
 * Drops the segments that end at or before ack (trimming one that ack cuts),
 * frees their bytes, and takes an RTT sample unless one was taken or any of
 * them was sent twice.
 */
static void
sender_advance(struct sender *s, uint32_t ack, int sampled, long now)
{
	/* TODO: a cumulative ACK: drop the records that end at or before ack (a FIN's is 1 long and holds no byte), trim one that ack cuts; one RTT sample from the newest dropped, unless sampled or any was sent more than once (Karn); free the bytes (head, count), tell congestion control (sender_cc_ack), move una, clear dupacks, restart the timer (off when nothing is in flight) */
	(void)sender_cc_ack;
}

/* A duplicate ACK: Reno may ask for the oldest segment at once. */
static void
sender_on_dupack(struct sender *s)
{
	struct sender_rec *oldest;

	s->dupacks++;
	if (s->cc.phase != CC_RECOVERY && seq_lt(s->una, s->recover))
		return;		/* a loss a timeout answered already (RFC 6582 4.1) */
	if (cc_on_dupack(&s->cc, s->dupacks, sender_flight(s))) {
		oldest = sender_rec(s, 0);
		oldest->resend = 1;
		oldest->sacked = 0;
		s->stats.fast_retransmits++;
		s->recover = s->nxt;
		s->cut_tx = s->stats.segments;
	}
}

void
sender_on_ack(struct sender *s, const struct sender_ack *a, long now_ms)
{
	/* TODO: ignore an ACK below una or above nxt (compare with seq_lt: numbers wrap at 2^32); Selective Repeat reads its SACK first (sender_on_sack: 2 when it took an RTT sample, 1 when it marked a segment arrived); take the ACK's window as rwnd; a new ACK advances (sender_advance), the same ACK while data is in flight is a duplicate (sender_on_dupack) when its window is unchanged or its SACK reported a new segment */
	(void)sender_advance, (void)sender_on_dupack, (void)sender_on_sack;
	sender_resend_holes(s);
}

/* A retransmission timer expired: back off once, tell congestion control. */
static void
sender_expired(struct sender *s)
{
	rtt_backoff(&s->rtt);
	cc_on_timeout(&s->cc, sender_flight(s));
	if (cc_window(&s->cc) <= s->cfg.mss)
		s->stats.restarts++;	/* slow start again, as Reno's timeout must */
	s->dupacks = 0;
	s->stats.timeouts++;
	s->cut_tx = s->stats.segments;
	s->recover = s->nxt;
}

void
sender_tick(struct sender *s, long now_ms)
{
	if (s->persist != -1 && now_ms >= s->persist) {
		s->persist = -1;
		s->probe = 1;
	}
	/* TODO: Go-Back-N and stop-and-wait: once the one timer expires, mark every record in flight to resend, stop the timer (the first resend starts it) and call sender_expired (it backs off) */
	/* TODO: Selective Repeat: every record whose own deadline passed goes again (resend, deadline off); one sender_expired for them all, unless every one of them was sent before cwnd was last cut (rec->tx <= s->cut_tx): then the loss was answered already, count s->stats.timeouts only */
	(void)sender_expired;
}

/* Keeps in *d the earlier of *d and t, where -1 stands for "none". */
static void
sender_keep_earlier(long *d, long t)
{
	if (t != -1 && (*d == -1 || t < *d))
		*d = t;
}

long
sender_next_deadline(const struct sender *s)
{
	long d = s->timer;

	sender_keep_earlier(&d, s->persist);
	if (s->cfg.mode == SENDER_SELECTIVE_REPEAT)
		for (int i = 0; i < s->nrec; i++)
			sender_keep_earlier(&d,
			    s->recs[(s->rhead + i) % s->cfg.window].deadline);
	return d;
}

int
sender_done(const struct sender *s)
{
	return s->fin_acked;
}

const struct rtt *
sender_rtt(const struct sender *s)
{
	return &s->rtt;
}

const struct cc *
sender_cc(const struct sender *s)
{
	return &s->cc;
}

const struct sender_stats *
sender_stats(const struct sender *s)
{
	return &s->stats;
}
