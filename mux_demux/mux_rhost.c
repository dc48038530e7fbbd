/*
 * mux_rhost.c — a host that moves one file over a reliable connection: the
 * receiving side ("recv") listens and writes what arrives to a file, the
 * sending side ("send FILE --to ADDR:PORT") connects, sends the file, and
 * prints what the transfer cost.
 *
 * It is its own program, not a mode of mux_host: mux_host is a given file of
 * lab 3, and lab 3 must neither carry nor link the reliable modules (rconn.c
 * and what it uses) that a later lab's students write.  Every datagram is
 * a version 2 segment (rseg.h) or ignored.
 *
 * One poll loop over the UDP socket; its timeout is the nearest deadline of
 * the connection (retransmission, probe, SYN), of netif (a datagram held back
 * to reorder it) and of the host's own ends (idle, linger), so nothing spins
 * and nothing sleeps.  The sizes: netif holds datagrams of SEGMENT_MAX_LEN
 * bytes, and a version 2 header is 12 bytes longer than version 1's, so the
 * MSS stops at SEGMENT_MAX_LEN - RSEG_HEADER_LEN (1388) and netif, which lab
 * 3 is given, stays as it is.  With --cc-log FILE the sender writes one JSON
 * line (cc_format) whenever cwnd, ssthresh or the phase changes.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "netif.h"
#include "rconn.h"

#define RHOST_MSS_MAX	(SEGMENT_MAX_LEN - RSEG_HEADER_LEN)
#define RHOST_BATCH	256	/* datagrams read per round */
#define RHOST_CHUNK	16384	/* file bytes read at a time */

enum rhost_role { RHOST_RECV, RHOST_SEND };

struct rhost_options {
	enum rhost_role role;
	const char *addr, *file, *out, *cc_log;
	uint16_t port, service;
	struct segment_netaddr to;
	int have_to;
	struct rconn_config cfg;
	struct netif_impair imp;
	long idle_ms, linger_ms;
	int conns;		/* recv: connections to take, then end */
};

/* One connection the receiving side took: where its bytes go. */
struct rhost_in {
	int conn;
	FILE *out;
	uint32_t fnv;
	unsigned long long bytes;
	int eof_seen;
	long start_ms, eof_ms;
};

struct rhost {
	const struct rhost_options *o;
	struct netif nif;
	struct rconn_host *h;
	int lc, conn;
	uint64_t t0_us;		/* netif_clock_us() at the start */
	long now;
	FILE *cc_log, *status;
	struct cc last_cc;
	int cc_logged;
	/* sending */
	int fd;
	uint8_t chunk[RHOST_CHUNK];
	size_t chunk_len, chunk_pos;
	int file_eof, shut;
	long start_ms, sent_ms;
	/* receiving */
	struct rhost_in in[RCONN_MAX];
	int nin;
	/* both */
	unsigned long long bytes;
	long last_rx_ms, done_ms;
	unsigned long ignored;
};

/* Milliseconds since the host started. */
static long
rhost_clock(const struct rhost *r)
{
	return (long)((netif_clock_us() - r->t0_us) / 1000);
}

/* rconn's output: one segment, one datagram (impaired as configured). */
static int
rhost_output(void *ctx, const struct segment_netaddr *dst, const uint8_t *seg, size_t len)
{
	struct rhost *r = ctx;

	if (netif_send(&r->nif, dst, seg, len, r->now) == -1 && errno != ECONNREFUSED)
		warn("sendto");
	return 0;
}

/* One JSON line when the congestion controller's state changed. */
static void
rhost_log_cc(struct rhost *r)
{
	const struct sender *s;
	const struct cc *c;
	char line[512];

	if (r->cc_log == NULL || r->conn == -1 || (s = rconn_sender(r->h, r->conn)) == NULL)
		return;
	c = sender_cc(s);
	if (r->cc_logged && c->cwnd == r->last_cc.cwnd && c->ssthresh == r->last_cc.ssthresh &&
	    c->phase == r->last_cc.phase)
		return;
	r->last_cc = *c;
	r->cc_logged = 1;
	if (cc_format(c, sender_rtt(s), r->now, line, sizeof(line)) == -1)
		return;
	cli_line(r->cc_log, "%s", line);
}

/* Takes in what the socket has: version 2 segments go to the connections. */
static void
rhost_read_net(struct rhost *r)
{
	static uint8_t buf[SEGMENT_MAX_LEN + 1];
	struct segment_netaddr from;
	ssize_t n;

	for (int i = 0; i < RHOST_BATCH; i++) {
		if ((n = netif_recv(&r->nif, buf, sizeof(buf), &from)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNREFUSED)
				warn("recvfrom");
			return;
		}
		r->now = rhost_clock(r);
		if (n > SEGMENT_MAX_LEN || n <= 8 || buf[8] != RSEG_VERSION) {
			r->ignored++;
			continue;
		}
		r->last_rx_ms = r->now;
		rconn_input(r->h, buf, (size_t)n, &from, r->now);
		rhost_log_cc(r);
	}
}

static uint32_t
rhost_fnv(uint32_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* Sending side: queues file bytes while the connection takes them, then the FIN. */
static void
rhost_fill(struct rhost *r)
{
	ssize_t n;

	while (!r->shut && rconn_state(r->h, r->conn) == RCONN_OPEN) {
		if (r->chunk_pos == r->chunk_len && !r->file_eof) {
			if ((n = read(r->fd, r->chunk, sizeof(r->chunk))) == -1)
				err(1, "%s", r->o->file);
			r->file_eof = n == 0;
			r->chunk_len = (size_t)n;
			r->chunk_pos = 0;
		}
		if (r->chunk_pos == r->chunk_len) {
			if (rconn_shutdown(r->h, r->conn, r->now) == -1)
				err(1, "shutdown");
			r->shut = 1;
			break;
		}
		n = rconn_send(r->h, r->conn, r->chunk + r->chunk_pos,
		    r->chunk_len - r->chunk_pos, r->now);
		if (n <= 0)
			break;
		r->bytes += (unsigned long long)n;
		r->chunk_pos += (size_t)n;
	}
}

/*
 * Receiving side: writes what arrived in order on one connection; at the
 * peer's FIN, ours.
 */
static void
rhost_drain(struct rhost *r, struct rhost_in *in)
{
	const char *name = in->out == stdout ? "stdout" : r->o->out;
	uint8_t buf[RHOST_CHUNK];
	char which[24] = "";
	ssize_t n;

	while (rconn_state(r->h, in->conn) == RCONN_OPEN &&
	    (n = rconn_recv(r->h, in->conn, buf, sizeof(buf), r->now)) > 0) {
		if (fwrite(buf, 1, (size_t)n, in->out) != (size_t)n)
			err(1, "%s", name);
		in->fnv = rhost_fnv(in->fnv, buf, (size_t)n);
		in->bytes += (unsigned long long)n;
	}
	if (in->eof_seen || !rconn_eof(r->h, in->conn))
		return;
	if (fflush(in->out) == EOF || (in->out != stdout && fclose(in->out) == EOF))
		err(1, "%s", name);
	in->out = NULL;
	in->eof_seen = 1;
	in->eof_ms = r->now;
	if (r->o->conns > 1)
		snprintf(which, sizeof(which), " conn=%d", (int)(in - r->in) + 1);
	cli_line(r->status, "received bytes=%llu seconds=%.3f fnv=%08x%s", in->bytes,
	    (double)(r->now - in->start_ms) / 1000, in->fnv, which);
	if (rconn_shutdown(r->h, in->conn, r->now) == -1)
		err(1, "shutdown");
}

/* The sending side's summary: what the transfer cost, on this host's clock. */
static void
rhost_summary(struct rhost *r)
{
	const struct sender_stats *st = sender_stats(rconn_sender(r->h, r->conn));
	double secs = (double)(r->sent_ms - r->start_ms) / 1000;

	cli_line(r->status, "sent bytes=%llu seconds=%.3f retransmits=%lu timeouts=%lu "
	    "fast_retransmits=%lu segments=%lu restarts=%lu recovery_sends=%lu "
	    "goodput_bytes_s=%.0f", r->bytes, secs, st->retransmits, st->timeouts,
	    st->fast_retransmits, st->segments, st->restarts, st->recovery_sends,
	    secs > 0 ? (double)r->bytes / secs : 0.0);
}

/* ---- the event loop ------------------------------------------------------ */

/* New connections for the receiving side, once their handshake is through. */
static void
rhost_accept(struct rhost *r)
{
	struct rhost_in *in;
	int c;

	while (r->nin < r->o->conns && (c = rconn_accept(r->h, r->lc, NULL)) != -1) {
		in = &r->in[r->nin++];
		in->conn = c;
		in->fnv = 2166136261u;
		in->start_ms = r->last_rx_ms = r->now;
		if (r->conn == -1)
			r->conn = c;	/* the one whose cc --cc-log follows */
		rhost_log_cc(r);
	}
}

/*
 * The receiving side's files, opened before it listens: --out (default
 * stdout), or --out.1 .. --out.N for --conns N, in the order of accept.
 */
static void
rhost_open_outputs(struct rhost *r)
{
	const struct rhost_options *o = r->o;
	char path[PATH_MAX];

	for (int k = 0; k < o->conns; k++) {
		if (o->out == NULL || strcmp(o->out, "-") == 0) {
			r->in[k].out = stdout;
			continue;
		}
		if (o->conns == 1)
			snprintf(path, sizeof(path), "%s", o->out);
		else if (snprintf(path, sizeof(path), "%s.%d", o->out, k + 1) >= (int)sizeof(path))
			errx(1, "%s: name too long", o->out);
		if ((r->in[k].out = fopen(path, "w")) == NULL)
			err(1, "%s", path);
	}
}

/* Receiving side: 1 once every connection is through (or lingered enough). */
static int
rhost_recv_progress(struct rhost *r)
{
	int finished = r->nin == r->o->conns;

	for (int i = 0; i < r->nin; i++) {
		struct rhost_in *in = &r->in[i];
		enum rconn_state st = rconn_state(r->h, in->conn);

		if (st == RCONN_RESET)
			errx(1, "connection reset by the peer");
		rhost_drain(r, in);
		if (!rconn_done(r->h, in->conn) &&
		    !(in->eof_seen && r->now >= in->eof_ms + r->o->linger_ms))
			finished = 0;
	}
	return finished;
}

/*
 * The sending side on an open connection: more of the file, then the summary
 * once the peer acknowledged everything.  Returns 1 once that is done (from
 * then on the host only lingers), 0 before.
 */
static int
rhost_send_progress(struct rhost *r)
{
	rhost_fill(r);
	if (r->sent_ms == -1 && sender_done(rconn_sender(r->h, r->conn)))
		r->sent_ms = r->now;
	if (r->done_ms == -1 && rconn_done(r->h, r->conn)) {
		r->done_ms = r->now;
		rhost_summary(r);
	}
	return r->done_ms != -1;
}

/*
 * Moves the transfer on after an event and says whether the host is finished
 * (1).  A reset, a connection that timed out or a peer silent for --idle-timeout
 * ends the program with an error.
 */
static int
rhost_progress(struct rhost *r)
{
	enum rconn_state st;

	if (r->o->role == RHOST_RECV) {
		rhost_accept(r);
		if (r->nin > 0 && rhost_recv_progress(r))
			return 1;
		if (r->nin > 0 && r->now - r->last_rx_ms > r->o->idle_ms)
			errx(1, "no segment from the peer for %ld ms", r->o->idle_ms);
		return 0;
	}
	if (r->conn == -1)
		return 0;
	st = rconn_state(r->h, r->conn);
	if (st == RCONN_RESET)
		errx(1, "connection reset by the peer");
	if (st == RCONN_TIMED_OUT)
		errx(1, "connect: no answer to the SYN");
	if (st != RCONN_OPEN)
		return 0;	/* the handshake is not through: SYN_SENT */
	if (rhost_send_progress(r))
		return r->now >= r->done_ms + r->o->linger_ms;
	if (r->now - r->last_rx_ms > r->o->idle_ms)
		errx(1, "no segment from the peer for %ld ms", r->o->idle_ms);
	return 0;
}

static long
rhost_min(long a, long b)
{
	return a == -1 ? b : b == -1 ? a : a < b ? a : b;
}

/* Milliseconds poll may wait: until the nearest deadline, a second at most. */
static int
rhost_timeout(const struct rhost *r)
{
	long next = rhost_min(rconn_next_deadline(r->h), netif_next_deadline(&r->nif));

	if (r->conn != -1 && r->done_ms != -1)
		next = rhost_min(next, r->done_ms + r->o->linger_ms);
	else if (r->conn != -1 || r->nin > 0)
		next = rhost_min(next, r->last_rx_ms + r->o->idle_ms + 1);
	for (int i = 0; i < r->nin; i++)
		if (r->in[i].eof_seen)
			next = rhost_min(next, r->in[i].eof_ms + r->o->linger_ms);
	next = rhost_min(next, r->now + 1000);
	return next <= r->now ? 0 : (int)(next - r->now);
}

static void
rhost_loop(struct rhost *r)
{
	struct pollfd pfd;

	do {
		pfd = (struct pollfd){ .fd = r->nif.fd, .events = POLLIN };
		if (poll(&pfd, 1, rhost_timeout(r)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		r->now = rhost_clock(r);
		if (pfd.revents & (POLLIN | POLLERR))
			rhost_read_net(r);
		r->now = rhost_clock(r);
		rconn_tick(r->h, r->now);
		rhost_log_cc(r);
		if (netif_tick(&r->nif, r->now) == -1 && errno != ECONNREFUSED)
			warn("sendto");
	} while (!rhost_progress(r));
}

/* ---- start-up ------------------------------------------------------------ */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: mux_rhost [options] recv [--out FILE] [--conns N]\n"
	    "       mux_rhost [options] send FILE --to HOST:PORT\n"
	    "options: [-a ADDR] [-p PORT] [-s SERVICE] [--mode sw|gbn|sr] [--window N]\n"
	    "         [--cc none|reno] [--rwnd BYTES] [--mss BYTES] [--cc-log FILE]\n"
	    "         [--rto-min MS] [--rto-initial MS] [--rto-max MS] [--syn-tries N]\n"
	    "         [--idle-timeout MS] [--linger MS] [--isn N]\n"
	    "         [--seed N] [--drop PCT] [--corrupt PCT] [--dup PCT] [--reorder PCT]\n"
	    "  One file over one reliable connection (version 2 segments).  The host\n"
	    "  prints \"listening on ADDR:PORT\" (its network address, default\n"
	    "  127.0.0.1:0).  recv waits for a connection on transport port SERVICE\n"
	    "  (default 7) and writes what arrives to FILE (default stdout: then its\n"
	    "  lines go to stderr), then prints \"received bytes=N seconds=S fnv=H\".\n"
	    "  --conns N takes N connections, one after another or at once, writes\n"
	    "  connection k to FILE.k and adds \" conn=k\" to its line.\n"
	    "  send connects to HOST:PORT/SERVICE (--mode default gbn, --window N\n"
	    "  segments, default 8), sends FILE and prints \"sent bytes=N seconds=S\n"
	    "  retransmits=R timeouts=T fast_retransmits=F segments=K restarts=W\n"
	    "  recovery_sends=V goodput_bytes_s=G\" (W: timeouts after which the window\n"
	    "  was one segment; V: new segments sent during fast recovery).\n"
	    "  --rwnd is the receive buffer (default 65536), --mss 1..%d (default\n"
	    "  1024), --cc-log writes a JSON line whenever cwnd, ssthresh or the phase\n"
	    "  changes.  Timer: --rto-min (default 200), --rto-initial (default 1000),\n"
	    "  --rto-max (default 60000); --syn-tries SYNs before giving up (default 6).\n"
	    "  A peer silent for --idle-timeout ms (default 10000) is an error; after\n"
	    "  the end the host answers late segments for --linger ms (default 500).\n"
	    "  --isn is the sequence number of this host's first byte (default 0; near\n"
	    "  4294967295 the numbers wrap during the transfer).\n",
	    RHOST_MSS_MAX);
}

#define rhost_bad_usage(...)	cli_bad_usage("mux_rhost", __VA_ARGS__)
#define rhost_number(name, min, max)	cli_number("mux_rhost", name, optarg, min, max)

/* The options of the reliable connections (rconn_config): 1 if ch is one. */
static int
rhost_conn_option(int ch, struct rconn_config *c)
{
	switch (ch) {
	case 'm':
		if (sender_mode_parse(optarg, &c->mode) == -1)
			rhost_bad_usage("--mode wants sw, gbn or sr, not '%s'", optarg);
		break;
	case 'w': c->window = (int)rhost_number("--window", 1, SENDER_MAX_WINDOW); break;
	case 'c':
		if (cc_algo_parse(optarg, &c->cc) == -1)
			rhost_bad_usage("--cc wants none or reno, not '%s'", optarg);
		break;
	case 'r': c->rcvbuf = rhost_number("--rwnd", 1, 1u << 24); break;
	case 'M': c->mss = rhost_number("--mss", 1, RHOST_MSS_MAX); break;
	case 'n': c->rtt.min_ms = (long)rhost_number("--rto-min", 1, 60000); break;
	case 'x': c->rtt.max_ms = (long)rhost_number("--rto-max", 1, 600000); break;
	case 'y': c->syn_tries = (int)rhost_number("--syn-tries", 1, 100); break;
	case 'i': c->rtt.initial_ms = (long)rhost_number("--rto-initial", 1, 60000); break;
	case 'Q': c->isn = (uint32_t)rhost_number("--isn", 0, UINT32_MAX); break;
	default: return 0;
	}
	return 1;
}

static void
rhost_option(int ch, struct rhost_options *o)
{
	if (rhost_conn_option(ch, &o->cfg) || cli_impair_option("mux_rhost", ch, optarg, &o->imp))
		return;
	switch (ch) {
	case 'h': usage(stdout); exit(0);
	case 'a': o->addr = optarg; break;
	case 'p': o->port = (uint16_t)rhost_number("-p", 0, 65535); break;
	case 's': o->service = (uint16_t)rhost_number("-s", 1, 65535); break;
	case 'o': o->out = optarg; break;
	case 't':
		if (netif_parse(optarg, &o->to) == -1)
			rhost_bad_usage("--to wants HOST:PORT, not '%s'", optarg);
		o->have_to = 1;
		break;
	case 'l': o->cc_log = optarg; break;
	case 'I': o->idle_ms = (long)rhost_number("--idle-timeout", 1, 3600000); break;
	case 'N': o->conns = (int)rhost_number("--conns", 1, RCONN_MAX - 1); break;
	case 'L': o->linger_ms = (long)rhost_number("--linger", 0, 60000); break;
	default: rhost_bad_usage("unknown option");
	}
}

/* The role and its file: "recv" or "send FILE". */
static void
rhost_operands(int argc, char **argv, struct rhost_options *o)
{
	if (optind >= argc)
		rhost_bad_usage("recv or send FILE expected");
	if (strcmp(argv[optind], "recv") == 0 && argc - optind == 1)
		o->role = RHOST_RECV;
	else if (strcmp(argv[optind], "send") == 0 && argc - optind == 2)
		o->role = RHOST_SEND, o->file = argv[optind + 1];
	else
		rhost_bad_usage("recv or send FILE expected, not '%s'", argv[optind]);
}

/* Options that do not fit the role or each other. */
static void
rhost_check_options(const struct rhost_options *o)
{
	if (o->role == RHOST_SEND && !o->have_to)
		rhost_bad_usage("send wants --to HOST:PORT");
	if (o->role == RHOST_RECV && o->have_to)
		rhost_bad_usage("--to is for send");
	if (o->role == RHOST_SEND && o->conns != 1)
		rhost_bad_usage("--conns is for recv");
	if (o->conns > 1 && (o->out == NULL || strcmp(o->out, "-") == 0))
		rhost_bad_usage("--conns above 1 wants --out FILE (it writes FILE.1 .. FILE.N)");
	if (o->cfg.rtt.min_ms > o->cfg.rtt.max_ms || o->cfg.rtt.initial_ms > o->cfg.rtt.max_ms)
		rhost_bad_usage("--rto-min and --rto-initial must not be above --rto-max (%ld ms)",
		    o->cfg.rtt.max_ms);
}

static void
parse_options(int argc, char **argv, struct rhost_options *o)
{
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' }, { "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' }, { "service", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' }, { "to", required_argument, NULL, 't' },
		{ "mode", required_argument, NULL, 'm' }, { "window", required_argument, NULL, 'w' },
		{ "cc", required_argument, NULL, 'c' }, { "rwnd", required_argument, NULL, 'r' },
		{ "mss", required_argument, NULL, 'M' }, { "cc-log", required_argument, NULL, 'l' },
		{ "rto-min", required_argument, NULL, 'n' },
		{ "rto-initial", required_argument, NULL, 'i' },
		{ "rto-max", required_argument, NULL, 'x' },
		{ "syn-tries", required_argument, NULL, 'y' },
		{ "idle-timeout", required_argument, NULL, 'I' },
		{ "linger", required_argument, NULL, 'L' }, { "conns", required_argument, NULL, 'N' },
		{ "isn", required_argument, NULL, 'Q' }, { "seed", required_argument, NULL, 'S' },
		{ "drop", required_argument, NULL, 'D' }, { "corrupt", required_argument, NULL, 'C' },
		{ "dup", required_argument, NULL, 'U' }, { "reorder", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "ha:p:s:", longs, NULL)) != -1)
		rhost_option(ch, o);
	rhost_operands(argc, argv, o);
	rhost_check_options(o);
}

/* Opens the files, the socket and the connection (send) or listener (recv). */
static void
rhost_start(struct rhost *r, const struct rhost_options *o)
{
	char self[32];
	int to_stdout = o->role == RHOST_RECV && (o->out == NULL || strcmp(o->out, "-") == 0);

	r->t0_us = netif_clock_us();
	r->o = o;
	r->conn = r->lc = r->fd = -1;
	r->sent_ms = r->done_ms = -1;
	r->status = to_stdout ? stderr : stdout;
	if (o->role == RHOST_SEND && (r->fd = open(o->file, O_RDONLY)) == -1)
		err(1, "%s", o->file);
	if (o->role == RHOST_RECV)
		rhost_open_outputs(r);
	if (o->cc_log != NULL && (r->cc_log = fopen(o->cc_log, "w")) == NULL)
		err(1, "%s", o->cc_log);
	if (netif_open(&r->nif, o->addr, o->port, &o->imp) == -1)
		err(1, "UDP socket on %s:%u", o->addr, (unsigned)o->port);
	if ((r->h = rconn_new(&r->nif.self, &o->cfg, rhost_output, r)) == NULL)
		err(1, "reliable connections");
	if (o->role == RHOST_RECV && (r->lc = rconn_listen(r->h, o->service)) == -1)
		err(1, "listen on port %u", (unsigned)o->service);
	cli_line(r->status, "listening on %s", netif_format(&r->nif.self, self, sizeof(self)));
	if (o->role == RHOST_SEND) {
		struct rconn_endpoint server = { .host = o->to, .port = o->service };

		r->start_ms = r->last_rx_ms = r->now = rhost_clock(r);
		if ((r->conn = rconn_connect(r->h, &server, 0, r->now)) == -1)
			err(1, "connect");
	}
}

static void
rhost_stop(struct rhost *r)
{
	rconn_free(r->h);
	netif_close(&r->nif);
	if (r->fd != -1 && close(r->fd) == -1)
		warn("%s", r->o->file);
	if (r->cc_log != NULL && fclose(r->cc_log) == EOF)
		warn("%s", r->o->cc_log);
}

int
main(int argc, char **argv)
{
	static struct rhost r;
	struct rhost_options o = {
		.addr = "127.0.0.1", .service = 7, .idle_ms = 10000, .linger_ms = 500, .conns = 1,
		.imp = { .hold_ms = 20 },
	};

	rconn_config_default(&o.cfg);
	o.cfg.mss = 1024;
	o.cfg.rtt.min_ms = 200;
	parse_options(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);
	rhost_start(&r, &o);
	rhost_loop(&r);
	rhost_stop(&r);
	return 0;
}
