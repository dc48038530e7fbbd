/*
 * mux_router.c — a router with one bottleneck link between client hosts and a
 * server host, so that flows must share it.
 *
 * Clients send their segments to the router's address (as if it were the
 * server); the router sends them on to the server from a socket of its own for
 * each client, and the server's answers come back the same way.  That is what
 * a NAT with one forwarded port does, and it is needed here for the reason
 * netif.h gives: the checksum covers both network addresses, so a relay must
 * rewrite it (reroute.c), and the server must see each client as a different
 * network address, or two clients that use the same transport port would look
 * like one.
 *
 * Each direction ("up": clients to server, "down": back) goes through its own
 * link (link.c): rate R, propagation delay D, a drop-tail queue of B segments.
 * The router holds a segment until the link model says it reaches the far
 * end, then sends it through netif, whose seeded impairments (drop, corrupt,
 * duplicate, reorder) apply on top: socket k draws from seed + k, so a run is
 * repeatable.  Times are the router's own monotonic clock in microseconds
 * since start, so a test can check the schedule the router computed however
 * busy the machine is.  Counts are printed on "stats", SIGUSR1 and exit;
 * --log FILE adds JSON lines per segment (arrival, sending) and periodic ones
 * per link and flow.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "link.h"
#include "netif.h"
#include "reroute.h"

#define ROUTER_MAX_CLIENTS	32
#define ROUTER_MAX_PENDING	65536	/* segments held in one direction */
#define ROUTER_BATCH		256	/* datagrams read from a socket per round */
#define ROUTER_LINE_MAX		256

/* A segment on its way through a link: sent through out to dst at exit_us. */
struct router_pkt {
	struct router_pkt *next;
	uint64_t exit_us;
	struct netif *out;
	struct segment_netaddr dst;
	size_t len;
	uint8_t data[];
};

struct router_dir {
	const char *name;
	struct link link;
	struct router_pkt *head, *tail;
	unsigned long pending;
	unsigned long overflow;		/* dropped: ROUTER_MAX_PENDING held */
};

/* A client host, and the router's socket that speaks for it to the server. */
struct router_client {
	struct segment_netaddr addr;
	struct netif nif;
};

struct router {
	struct netif front;		/* clients send here */
	struct segment_netaddr server;
	struct router_client clients[ROUTER_MAX_CLIENTS];
	int nclients;
	struct router_dir up, down;
	struct netif_impair imp;
	const char *addr;
	FILE *log;
	uint64_t report_us, next_report_us;
	uint64_t t0_us;		/* netif_clock_us() at the start */
	unsigned long malformed, strays, no_room;
	char line[ROUTER_LINE_MAX];
	size_t line_len;
	int skip_line;		/* in a line already refused as too long */
	int stdin_open, quit;
};

static volatile sig_atomic_t router_sig_stats, router_sig_quit;

static void
router_on_signal(int sig)
{
	*(sig == SIGUSR1 ? &router_sig_stats : &router_sig_quit) = 1;
}

/* SIGUSR1 asks for the counts; SIGINT and SIGTERM stop the router cleanly. */
static void
router_catch_signals(void)
{
	const int sigs[] = { SIGUSR1, SIGINT, SIGTERM };
	struct sigaction sa = { .sa_handler = router_on_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) == -1)
			err(1, "sigaction");
	signal(SIGPIPE, SIG_IGN);
}

/* Microseconds since the router started. */
static uint64_t
router_now_us(const struct router *r)
{
	return netif_clock_us() - r->t0_us;
}

/* ---- reports ------------------------------------------------------------ */

/* Sums the impairment counters of every socket the router sends from. */
static struct netif_stats
router_impaired(const struct router *r)
{
	struct netif_stats s = r->front.stats;

	for (int i = 0; i < r->nclients; i++) {
		s.dropped += r->clients[i].nif.stats.dropped;
		s.corrupted += r->clients[i].nif.stats.corrupted;
		s.duplicated += r->clients[i].nif.stats.duplicated;
		s.reordered += r->clients[i].nif.stats.reordered;
	}
	return s;
}

static void
router_print_dir(struct router_dir *d, uint64_t now)
{
	const struct link_stats *st = &d->link.st;
	char flow[128];

	cli_line(stdout, "link %s: rate=%" PRIu64 " delay_us=%" PRIu64 " queue=%u arrived=%lu "
	    "accepted=%lu dropped=%lu bytes=%lu qlen=%u qmax=%u qmean=%.3f overflow=%lu",
	    d->name, d->link.cfg.rate, d->link.cfg.delay_us, d->link.cfg.queue, st->arrived,
	    st->accepted, st->dropped, st->bytes, link_queue_len(&d->link, now), st->queue_max,
	    link_queue_mean(&d->link, now), d->overflow);
	for (int i = 0; i < d->link.nflows; i++) {
		const struct link_flow *f = &d->link.flows[i];

		cli_line(stdout, "flow %s %s: segs=%lu bytes=%lu dropped=%lu", d->name,
		    link_flow_format(&f->key, flow, sizeof(flow)), f->segs, f->bytes, f->dropped);
	}
}

/* The counts, ending with the one-line summary and "-- end of stats --". */
static void
router_print_stats(struct router *r)
{
	uint64_t now = router_now_us(r);
	struct netif_stats imp = router_impaired(r);

	router_print_dir(&r->up, now);
	router_print_dir(&r->down, now);
	cli_line(stdout, "router: t_us=%" PRIu64 " clients=%d malformed=%lu strays=%lu no_room=%lu "
	    "dropped=%lu impaired_drop=%lu impaired_corrupt=%lu impaired_dup=%lu "
	    "impaired_reorder=%lu", now, r->nclients, r->malformed, r->strays, r->no_room,
	    r->up.link.st.dropped + r->down.link.st.dropped, imp.dropped, imp.corrupted,
	    imp.duplicated, imp.reordered);
	cli_line(stdout, "-- end of stats --");
}

static void
router_log_dir(struct router *r, struct router_dir *d, uint64_t now)
{
	const struct link_stats *st = &d->link.st;
	char flow[128];

	cli_line(r->log, "{\"ev\":\"link\",\"link\":\"%s\",\"t_us\":%" PRIu64 ",\"arrived\":%lu,"
	    "\"accepted\":%lu,\"dropped\":%lu,\"bytes\":%lu,\"qlen\":%u,\"qmax\":%u,"
	    "\"qmean\":%.3f}", d->name, now, st->arrived, st->accepted, st->dropped, st->bytes,
	    link_queue_len(&d->link, now), st->queue_max, link_queue_mean(&d->link, now));
	for (int i = 0; i < d->link.nflows; i++) {
		const struct link_flow *f = &d->link.flows[i];

		cli_line(r->log, "{\"ev\":\"flow\",\"link\":\"%s\",\"t_us\":%" PRIu64 ","
		    "\"flow\":\"%s\",\"segs\":%lu,\"bytes\":%lu,\"dropped\":%lu}", d->name, now,
		    link_flow_format(&f->key, flow, sizeof(flow)), f->segs, f->bytes, f->dropped);
	}
}

/* One JSON line per arriving segment: what the link decided for it. */
static void
router_log_seg(struct router *r, const struct router_dir *d, uint64_t now,
    const struct link_flow_key *key, size_t len, const struct link_result *res)
{
	char flow[128];

	if (r->log == NULL)
		return;
	cli_line(r->log, "{\"ev\":\"seg\",\"link\":\"%s\",\"t_us\":%" PRIu64 ",\"flow\":\"%s\","
	    "\"len\":%zu,\"queue\":%u,\"verdict\":\"%s\",\"start_us\":%" PRIu64 ",\"exit_us\":%"
	    PRIu64 "}", d->name, now, link_flow_format(key, flow, sizeof(flow)), len,
	    res->queue, res->dropped ? "dropped" : "queued", res->start_us, res->exit_us);
}

/* ---- forwarding --------------------------------------------------------- */

/* Offers a segment to link d; if it is kept, it leaves through out to dst. */
static void
router_enter(struct router *r, struct router_dir *d, const uint8_t *seg, size_t len,
    const struct link_flow_key *key, struct netif *out, const struct segment_netaddr *dst)
{
	struct link_result res;
	struct router_pkt *p;
	uint64_t now = router_now_us(r);
	int dropped;

	if (d->pending >= ROUTER_MAX_PENDING) {
		d->overflow++;
		return;
	}
	dropped = link_arrive(&d->link, now, len, key, &res);
	router_log_seg(r, d, now, key, len, &res);
	if (dropped)
		return;
	if ((p = malloc(sizeof(*p) + len)) == NULL) {
		d->overflow++;
		return;
	}
	p->next = NULL;
	p->exit_us = res.exit_us;
	p->out = out;
	p->dst = *dst;
	p->len = len;
	memcpy(p->data, seg, len);
	if (d->tail != NULL)
		d->tail->next = p;
	else
		d->head = p;
	d->tail = p;
	d->pending++;
}

/*
 * Sends what has reached the far end of link d by now (FIFO: exits in order),
 * and logs when it really went (never before exit_us; later on a busy machine).
 */
static void
router_release(struct router *r, struct router_dir *d, uint64_t now)
{
	while (d->head != NULL && d->head->exit_us <= now) {
		struct router_pkt *p = d->head;

		if (netif_send(p->out, &p->dst, p->data, p->len, (long)(now / 1000)) == -1)
			warn("sendto");
		if (r->log != NULL)
			cli_line(r->log, "{\"ev\":\"sent\",\"link\":\"%s\",\"t_us\":%" PRIu64
			    ",\"len\":%zu,\"exit_us\":%" PRIu64 "}", d->name, now, p->len, p->exit_us);
		if ((d->head = p->next) == NULL)
			d->tail = NULL;
		d->pending--;
		free(p);
	}
}

/* The client at addr, a new one if there is room, or NULL. */
static struct router_client *
router_client(struct router *r, const struct segment_netaddr *addr)
{
	struct router_client *c;
	struct netif_impair imp = r->imp;

	for (int i = 0; i < r->nclients; i++)
		if (netif_same_addr(&r->clients[i].addr, addr))
			return &r->clients[i];
	if (r->nclients == ROUTER_MAX_CLIENTS)
		return NULL;
	c = &r->clients[r->nclients];
	imp.seed = r->imp.seed + (uint64_t)r->nclients + 1;
	if (netif_open(&c->nif, r->addr, 0, &imp) == -1) {
		warn("UDP socket for client");
		return NULL;
	}
	c->addr = *addr;
	r->nclients++;
	return c;
}

/* A segment from a client: on to the server, from that client's socket. */
static void
router_from_client(struct router *r, uint8_t *seg, size_t len,
    const struct segment_netaddr *from)
{
	struct router_client *c;
	struct link_flow_key key;

	if (netif_same_addr(from, &r->server)) {
		r->strays++;
		return;
	}
	if ((c = router_client(r, from)) == NULL) {
		r->no_room++;
		return;
	}
	(void)reroute_checksum(seg, len, from, &r->front.self, &c->nif.self, &r->server);
	key = (struct link_flow_key){ .src = *from, .dst = r->server,
	    .src_port = segment_get16(seg), .dst_port = segment_get16(seg + 2) };
	router_enter(r, &r->up, seg, len, &key, &c->nif, &r->server);
}

/* A segment from the server to client c: back through the front socket. */
static void
router_from_server(struct router *r, struct router_client *c, uint8_t *seg, size_t len,
    const struct segment_netaddr *from)
{
	struct link_flow_key key;

	if (!netif_same_addr(from, &r->server)) {
		r->strays++;
		return;
	}
	(void)reroute_checksum(seg, len, from, &c->nif.self, &r->front.self, &c->addr);
	key = (struct link_flow_key){ .src = r->server, .dst = c->addr,
	    .src_port = segment_get16(seg), .dst_port = segment_get16(seg + 2) };
	router_enter(r, &r->down, seg, len, &key, &r->front, &c->addr);
}

/* Takes in what socket in has (c: the client it speaks for, NULL: front). */
static void
router_read(struct router *r, struct netif *in, struct router_client *c)
{
	static uint8_t buf[SEGMENT_MAX_LEN + 1];
	struct segment_netaddr from;
	ssize_t n;

	for (int i = 0; i < ROUTER_BATCH; i++) {
		if ((n = netif_recv(in, buf, sizeof(buf), &from)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNREFUSED)
				warn("recvfrom");
			return;
		}
		/* Too short for the ports we count by, or cut short by buf. */
		if (n < SEGMENT_HEADER_LEN || n > SEGMENT_MAX_LEN)
			r->malformed++;
		else if (c == NULL)
			router_from_client(r, buf, (size_t)n, &from);
		else
			router_from_server(r, c, buf, (size_t)n, &from);
	}
}

/* ---- the event loop ------------------------------------------------------ */

static void
router_command(struct router *r, const char *line)
{
	if (strcmp(line, "stats") == 0)
		router_print_stats(r);
	else if (strcmp(line, "quit") == 0)
		r->quit = 1;
	else if (line[0] != '\0')
		cli_line(stdout, "error: unknown command '%.64s' (stats, quit)", line);
}

/*
 * Appends what stdin has to the line buffer and runs each complete line.  A
 * line that fills the buffer without a newline is refused and skipped.
 */
static void
router_read_stdin(struct router *r)
{
	ssize_t n = read(STDIN_FILENO, r->line + r->line_len, sizeof(r->line) - r->line_len);
	char *nl;

	if (n == 0 || (n == -1 && errno != EINTR && errno != EAGAIN)) {
		r->stdin_open = 0;
		return;
	}
	r->line_len += n > 0 ? (size_t)n : 0;
	while ((nl = memchr(r->line, '\n', r->line_len)) != NULL) {
		size_t used = (size_t)(nl - r->line) + 1;

		*nl = '\0';
		if (r->skip_line)
			r->skip_line = 0;
		else
			router_command(r, r->line);
		memmove(r->line, nl + 1, r->line_len - used);
		r->line_len -= used;
	}
	if (r->line_len == sizeof(r->line)) {
		if (!r->skip_line)
			cli_line(stdout, "error: line too long (%zu bytes at most)",
			    sizeof(r->line) - 1);
		r->line_len = 0;
		r->skip_line = 1;
	}
}

static uint64_t
router_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * Milliseconds poll may sleep: until the next exit from a link, held datagram
 * or report, rounded up, a second at most (so a signal is never forgotten).
 */
static int
router_timeout(const struct router *r, uint64_t now)
{
	uint64_t next = now + 1000000;
	long held = netif_next_deadline(&r->front);

	if (r->up.head != NULL)
		next = router_min(next, r->up.head->exit_us);
	if (r->down.head != NULL)
		next = router_min(next, r->down.head->exit_us);
	if (r->log != NULL)
		next = router_min(next, r->next_report_us);
	if (held != -1)
		next = router_min(next, (uint64_t)held * 1000);
	for (int i = 0; i < r->nclients; i++)
		if ((held = netif_next_deadline(&r->clients[i].nif)) != -1)
			next = router_min(next, (uint64_t)held * 1000);
	return next <= now ? 0 : (int)((next - now + 999) / 1000);
}

/* Everything that is due at now: exits, held datagrams, the periodic log. */
static void
router_tick(struct router *r)
{
	uint64_t now = router_now_us(r);

	router_release(r, &r->up, now);
	router_release(r, &r->down, now);
	if (netif_tick(&r->front, (long)(now / 1000)) == -1)
		warn("sendto");
	for (int i = 0; i < r->nclients; i++)
		if (netif_tick(&r->clients[i].nif, (long)(now / 1000)) == -1)
			warn("sendto");
	if (r->log != NULL && now >= r->next_report_us) {
		router_log_dir(r, &r->up, now);
		router_log_dir(r, &r->down, now);
		r->next_report_us = now + r->report_us;
	}
}

static void
router_loop(struct router *r)
{
	struct pollfd pfd[2 + ROUTER_MAX_CLIENTS];

	while (!r->quit && !router_sig_quit) {
		int n = r->nclients;

		if (router_sig_stats) {
			router_sig_stats = 0;
			router_print_stats(r);
		}
		pfd[0] = (struct pollfd){ .fd = r->stdin_open ? STDIN_FILENO : -1, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = r->front.fd, .events = POLLIN };
		for (int i = 0; i < n; i++)
			pfd[2 + i] = (struct pollfd){ .fd = r->clients[i].nif.fd, .events = POLLIN };
		if (poll(pfd, (nfds_t)(2 + n), router_timeout(r, router_now_us(r))) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (pfd[1].revents & (POLLIN | POLLERR))
			router_read(r, &r->front, NULL);
		for (int i = 0; i < n; i++)
			if (pfd[2 + i].revents & (POLLIN | POLLERR))
				router_read(r, &r->clients[i].nif, &r->clients[i]);
		router_tick(r);
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			router_read_stdin(r);
	}
}

/* ---- start-up ------------------------------------------------------------ */

struct router_options {
	const char *addr, *log;
	uint16_t port;
	int have_server;
	struct segment_netaddr server;
	struct link_config link;
	struct netif_impair imp;
	unsigned long report_ms;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: mux_router --to HOST:PORT [-a ADDR] [-p PORT] [--rate BYTES] [--delay MS]\n"
	    "                  [--queue SEGS] [--seed N] [--drop PCT] [--corrupt PCT]\n"
	    "                  [--dup PCT] [--reorder PCT] [--log FILE] [--report MS]\n"
	    "  A router between client hosts and the server host at --to: clients send\n"
	    "  to ADDR:PORT (default 127.0.0.1:0), which it prints as \"listening on\n"
	    "  ADDR:PORT\".  Each direction crosses a link of --rate bytes/s (default\n"
	    "  1000000, 0: no limit), --delay ms (default 0) and a drop-tail queue of\n"
	    "  --queue segments (default 64), then --drop/--corrupt/--dup/--reorder\n"
	    "  damage (0..100 %%, PRNG seeded with --seed).  --log FILE ('-': stdout)\n"
	    "  writes JSON Lines: per segment when it arrives and when it is sent on,\n"
	    "  and per link and flow every --report ms (default 1000).  Commands on\n"
	    "  stdin: stats, quit.\n");
}

#define router_bad_usage(...)	cli_bad_usage("mux_router", __VA_ARGS__)
#define router_number(name, min, max)	cli_number("mux_router", name, optarg, min, max)

static void
router_option(int ch, struct router_options *o)
{
	if (cli_impair_option("mux_router", ch, optarg, &o->imp))
		return;
	switch (ch) {
	case 'h': usage(stdout); exit(0);
	case 'a': o->addr = optarg; break;
	case 'p': o->port = (uint16_t)router_number("-p", 0, 65535); break;
	case 't':
		if (netif_parse(optarg, &o->server) == -1)
			router_bad_usage("--to wants HOST:PORT, not '%s'", optarg);
		o->have_server = 1;
		break;
	case 'r': o->link.rate = router_number("--rate", 0, 1000000000); break;
	case 'd': o->link.delay_us = router_number("--delay", 0, 60000) * 1000; break;
	case 'q': o->link.queue = (unsigned)router_number("--queue", 0, LINK_MAX_QUEUE); break;
	case 'l': o->log = optarg; break;
	case 'P': o->report_ms = router_number("--report", 1, 3600000); break;
	default: router_bad_usage("unknown option");
	}
}

static void
parse_options(int argc, char **argv, struct router_options *o)
{
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' }, { "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' }, { "to", required_argument, NULL, 't' },
		{ "rate", required_argument, NULL, 'r' }, { "delay", required_argument, NULL, 'd' },
		{ "queue", required_argument, NULL, 'q' }, { "seed", required_argument, NULL, 'S' },
		{ "drop", required_argument, NULL, 'D' }, { "corrupt", required_argument, NULL, 'C' },
		{ "dup", required_argument, NULL, 'U' }, { "reorder", required_argument, NULL, 'R' },
		{ "log", required_argument, NULL, 'l' }, { "report", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "ha:p:", longs, NULL)) != -1)
		router_option(ch, o);
	if (optind != argc)
		router_bad_usage("unexpected argument '%s'", argv[optind]);
	if (!o->have_server)
		router_bad_usage("--to HOST:PORT is required");
}

static void
router_start(struct router *r, const struct router_options *o)
{
	char self[32];

	r->t0_us = netif_clock_us();
	r->addr = o->addr;
	r->server = o->server;
	r->imp = o->imp;
	r->report_us = (uint64_t)o->report_ms * 1000;
	r->stdin_open = 1;
	r->up.name = "up";
	r->down.name = "down";
	if (link_init(&r->up.link, &o->link) == -1 || link_init(&r->down.link, &o->link) == -1)
		err(1, "link");
	if (o->log != NULL && strcmp(o->log, "-") == 0)
		r->log = stdout;
	else if (o->log != NULL && (r->log = fopen(o->log, "w")) == NULL)
		err(1, "%s", o->log);
	if (netif_open(&r->front, o->addr, o->port, &o->imp) == -1)
		err(1, "UDP socket on %s:%u", o->addr, (unsigned)o->port);
	cli_line(stdout, "listening on %s", netif_format(&r->front.self, self, sizeof(self)));
}

static void
router_stop(struct router *r)
{
	struct router_dir *dirs[2] = { &r->up, &r->down };

	for (int i = 0; i < 2; i++) {
		while (dirs[i]->head != NULL) {
			struct router_pkt *p = dirs[i]->head;

			dirs[i]->head = p->next;
			free(p);
		}
		link_free(&dirs[i]->link);
	}
	for (int i = 0; i < r->nclients; i++)
		netif_close(&r->clients[i].nif);
	netif_close(&r->front);
	if (r->log != NULL && r->log != stdout && fclose(r->log) == EOF)
		warn("log");
}

int
main(int argc, char **argv)
{
	static struct router r;
	struct router_options o = {
		.addr = "127.0.0.1", .report_ms = 1000,
		.link = { .rate = 1000000, .delay_us = 0, .queue = 64 },
		.imp = { .hold_ms = 20 },
	};

	parse_options(argc, argv, &o);
	router_catch_signals();
	router_start(&r, &o);
	router_loop(&r);
	router_print_stats(&r);
	router_stop(&r);
	return 0;
}
