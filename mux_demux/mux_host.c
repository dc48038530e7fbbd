/*
 * mux_host.c — one host: a UDP socket as its network layer, the transport
 * layer on top, and several applications sharing it.
 *
 * The host prints "listening on ADDR:PORT" (its network address) and then
 * runs a single-threaded poll loop over two descriptors: the UDP socket and
 * standard input.  Every datagram goes up through transport_input; after
 * each round the applications look at their sockets.  Two applications are
 * built in: an upper-case service (connectionless with -u, connection-
 * oriented with -c), and "user" sockets driven by commands on standard input
 * whose events are printed on standard output, so a person or a test can play
 * a client.  The per-port mux/demux table is printed by the command "table",
 * on SIGUSR1, and on exit ("quit", SIGINT, SIGTERM).  End of input does not
 * stop the host: it keeps serving until told to quit.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "netif.h"
#include "transport.h"

#define HOST_LINE_MAX	1024
#define HOST_MAX_PORTS	32	/* -u / -c options */

enum host_role { ROLE_NONE, ROLE_USER, ROLE_UPPER };

struct host {
	struct netif nif;
	struct transport *t;
	enum host_role role[TRANSPORT_MAX_SOCKS];
	enum transport_state shown[TRANSPORT_MAX_SOCKS];	/* user conns: last state printed */
	int verbose;
	int stdin_open;
	char line[HOST_LINE_MAX];
	size_t line_len;
	int line_too_long;
	int quit;
};

struct host_options {
	const char *addr;
	uint16_t port;
	struct transport_config cfg;
	struct netif_impair imp;
	uint16_t upper_udp[HOST_MAX_PORTS], upper_conn[HOST_MAX_PORTS];
	int nudp, nconn;
	int verbose;
};

static volatile sig_atomic_t host_sig_table, host_sig_quit;

static void
host_on_signal(int sig)
{
	if (sig == SIGUSR1)
		host_sig_table = 1;
	else
		host_sig_quit = 1;
}

/* Milliseconds on netif's clock: the unit of the transport's deadlines. */
static long
host_now_ms(void)
{
	return (long)(netif_clock_us() / 1000);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: mux_host [-v] [-a ADDR] [-p PORT] [-m MSS] [-u PORT]... [-c PORT]...\n"
	    "                [--seed N] [--drop PCT] [--corrupt PCT] [--dup PCT] [--reorder PCT]\n"
	    "                [--reasm-timeout MS] [--connect-timeout MS]\n"
	    "  One host: a UDP socket on ADDR:PORT (default 127.0.0.1:0) is its network\n"
	    "  layer; prints \"listening on ADDR:PORT\", then reads commands on stdin.\n"
	    "  -u PORT  upper-case service, connectionless, on PORT\n"
	    "  -c PORT  upper-case service, connection-oriented, listening on PORT\n"
	    "  -m MSS   payload bytes per segment, %d..%d (default %d)\n"
	    "  --drop/--corrupt/--dup/--reorder PCT  damage that share of outgoing\n"
	    "           datagrams (0..100), chosen by a PRNG seeded with --seed\n"
	    "commands (DEST is HOST:UDPPORT/PORT, e.g. 127.0.0.1:40001/7):\n"
	    "  bind PORT | listen PORT | connect DEST [LOCALPORT] | upper-udp PORT\n"
	    "  upper-conn PORT | sendto S DEST TEXT | send S TEXT\n"
	    "  sendto-bytes S DEST N | send-bytes S N | close S | table | quit\n",
	    TRANSPORT_MIN_MSS, SEGMENT_MAX_PAYLOAD, TRANSPORT_DEFAULT_MSS);
}

/* ---- parsing ----------------------------------------------------------- */

/* Parses "A.B.C.D:UDPPORT/PORT".  Returns 0, or -1. */
static int
parse_endpoint(const char *s, struct transport_endpoint *e)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	unsigned long port;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (netif_parse(buf, &e->host) == -1 || cli_parse_number(slash + 1, 1, 65535, &port) == -1)
		return -1;
	e->port = (uint16_t)port;
	return 0;
}

static char *
format_endpoint(const struct transport_endpoint *e, char *buf, size_t cap)
{
	char host[32];

	snprintf(buf, cap, "%s/%u", netif_format(&e->host, host, sizeof(host)),
	    (unsigned)e->port);
	return buf;
}

/* Splits off the next space-separated word of *p, or returns NULL. */
static char *
next_word(char **p)
{
	char *w = *p;

	while (*w == ' ' || *w == '\t')
		w++;
	if (*w == '\0')
		return NULL;
	*p = w + strcspn(w, " \t");
	if (**p != '\0')
		*(*p)++ = '\0';
	return w;
}

/* ---- output ------------------------------------------------------------ */

static void
say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* FNV-1a, 32 bits: a fingerprint of a message that tests can compute too. */
static uint32_t
fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* Prints "recv S from EP len N fnv H: TEXT" (first 64 bytes, '.' for unprintables). */
static void
print_message(int sock, const struct transport_endpoint *from, const uint8_t *msg, size_t n)
{
	char ep[64], text[65];
	size_t k;

	for (k = 0; k < n && k < sizeof(text) - 1; k++)
		text[k] = isprint(msg[k]) ? (char)msg[k] : '.';
	text[k] = '\0';
	say("recv %d from %s len %zu fnv %08x: %s", sock,
	    format_endpoint(from, ep, sizeof(ep)), n, fnv1a(msg, n), text);
}

static void
print_table(struct host *h)
{
	const struct transport_counters *c = transport_counters(h->t);
	const struct reasm_stats *rs = transport_reasm_stats(h->t);
	const struct netif_stats *ns = &h->nif.stats;
	char self[32];

	printf("-- mux/demux table of host %s (mss %zu) --\n",
	    netif_format(transport_self(h->t), self, sizeof(self)), transport_mss(h->t));
	printf(" port  %-24s %-7s %-11s %8s %8s %8s %8s %8s\n", "remote", "kind", "state",
	    "seg_out", "msg_out", "seg_in", "msg_in", "refused");
	for (int i = 0; i < transport_nrows(h->t); i++) {
		const struct transport_row *r = transport_row(h->t, i);
		char remote[64] = "-";

		if (r->has_remote)
			format_endpoint(&r->remote, remote, sizeof(remote));
		printf("%5u  %-24s %-7s %-11s %8lu %8lu %8lu %8lu %8lu\n", (unsigned)r->port,
		    remote, transport_kind_name(r->kind),
		    r->kind == TRANSPORT_NONE ? "-" :
		    transport_state_name(transport_state(h->t, r->sock)),
		    r->seg_out, r->msg_out, r->seg_in, r->msg_in, r->refused);
	}
	printf("dropped: bad_checksum=%lu malformed=%lu refused=%lu queue_full=%lu "
	    "reasm_timeout=%lu reasm_duplicate=%lu reasm_evicted=%lu\n",
	    c->bad_checksum, c->malformed, c->refused, c->queue_full,
	    rs->timed_out, rs->duplicates, rs->evicted);
	printf("network: sent=%lu received=%lu unreachable_in=%lu resets_out=%lu "
	    "impaired_drop=%lu impaired_corrupt=%lu impaired_dup=%lu impaired_reorder=%lu\n",
	    ns->sent, ns->received, c->unreachable_in, c->resets_out,
	    ns->dropped, ns->corrupted, ns->duplicated, ns->reordered);
	printf("-- end of table --\n");
	fflush(stdout);
}

/* ---- commands ------------------------------------------------------------ */

/* A message of n pattern bytes ('!' + i % 89: printable, never periodic in an MSS). */
static uint8_t *
make_pattern(size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	if (p != NULL)
		for (size_t i = 0; i < n; i++)
			p[i] = (uint8_t)('!' + i % 89);
	return p;
}

/* Opens a socket for a command or an option and gives it a role. */
static int
host_open(struct host *h, const char *what, uint16_t port, enum host_role role)
{
	int sock = -1;

	if (strcmp(what, "bind") == 0 || strcmp(what, "upper-udp") == 0)
		sock = transport_bind(h->t, port);
	else
		sock = transport_listen(h->t, port);
	if (sock == -1)
		return -1;
	h->role[sock] = role;
	say("sock %d %s %u", sock, what, (unsigned)transport_port(h->t, sock));
	return sock;
}

static int
cmd_open(struct host *h, const char *what, char *args)
{
	unsigned long port;
	int upper = strncmp(what, "upper", 5) == 0;

	if (cli_parse_number(next_word(&args), upper || strcmp(what, "listen") == 0, 65535,
	    &port) == -1) {
		errno = EINVAL;
		return -1;
	}
	return host_open(h, what, (uint16_t)port, upper ? ROLE_UPPER : ROLE_USER) == -1 ? -1 : 0;
}

static int
cmd_connect(struct host *h, char *args)
{
	struct transport_endpoint server;
	char *dest = next_word(&args), *lp = next_word(&args);
	unsigned long local = 0;
	int sock;

	if (dest == NULL || parse_endpoint(dest, &server) == -1 ||
	    (lp != NULL && cli_parse_number(lp, 1, 65535, &local) == -1)) {
		errno = EINVAL;
		return -1;
	}
	if ((sock = transport_connect(h->t, &server, (uint16_t)local, host_now_ms())) == -1)
		return -1;
	h->role[sock] = ROLE_USER;
	h->shown[sock] = TRANSPORT_CONNECTING;
	say("sock %d connect %u", sock, (unsigned)transport_port(h->t, sock));
	return 0;
}

/* sendto S DEST TEXT | send S TEXT | sendto-bytes S DEST N | send-bytes S N */
static int
cmd_send(struct host *h, const char *what, char *args)
{
	int to = strncmp(what, "sendto", 6) == 0, bytes = strstr(what, "-bytes") != NULL;
	char *s = next_word(&args), *dest = to ? next_word(&args) : NULL;
	struct transport_endpoint dst;
	unsigned long sock, n;
	uint8_t *msg = (uint8_t *)args;
	int r;

	if (cli_parse_number(s, 0, TRANSPORT_MAX_SOCKS - 1, &sock) == -1 ||
	    (to && (dest == NULL || parse_endpoint(dest, &dst) == -1)) ||
	    (bytes && cli_parse_number(next_word(&args), 0, REASM_MAX_MESSAGE, &n) == -1)) {
		errno = EINVAL;
		return -1;
	}
	if (!bytes)
		n = strlen(args);
	else if ((msg = make_pattern(n)) == NULL)
		return -1;
	if (to)
		r = transport_sendto(h->t, (int)sock, &dst, msg, n);
	else
		r = transport_send(h->t, (int)sock, msg, n);
	if (bytes)
		free(msg);
	if (r == 0)
		say("sent %lu %lu", sock, n);
	return r;
}

static int
cmd_close(struct host *h, char *args)
{
	unsigned long sock;

	if (cli_parse_number(next_word(&args), 0, TRANSPORT_MAX_SOCKS - 1, &sock) == -1) {
		errno = EINVAL;
		return -1;
	}
	if (transport_close(h->t, (int)sock) == -1)
		return -1;
	h->role[sock] = ROLE_NONE;
	say("closed %lu", sock);
	return 0;
}

/* Whether word is one of the NULL-terminated list. */
static int
word_in(const char *word, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(word, *list) == 0)
			return 1;
	return 0;
}

/* Runs one command line; a failure is reported as "error: WORD: why". */
static void
host_command(struct host *h, char *line)
{
	static const char *const opens[] = { "bind", "listen", "upper-udp", "upper-conn", NULL };
	static const char *const sends[] = { "sendto", "send", "sendto-bytes", "send-bytes", NULL };
	char *args = line, *word = next_word(&args);
	int r = 0;

	if (word == NULL || *word == '#')
		return;
	errno = 0;
	if (word_in(word, opens))
		r = cmd_open(h, word, args);
	else if (strcmp(word, "connect") == 0)
		r = cmd_connect(h, args);
	else if (word_in(word, sends))
		r = cmd_send(h, word, args);
	else if (strcmp(word, "close") == 0)
		r = cmd_close(h, args);
	else if (strcmp(word, "table") == 0)
		print_table(h);
	else if (strcmp(word, "quit") == 0)
		h->quit = 1;
	else {
		say("error: %s: unknown command", word);
		return;
	}
	if (r == -1)
		say("error: %s: %s", word, errno == EINVAL ? "bad arguments (see --help)" :
		    strerror(errno));
}

/* Reads what stdin has and runs every complete line. */
static void
host_read_stdin(struct host *h)
{
	char buf[4096];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			h->stdin_open = 0;
		return;
	}
	for (ssize_t i = 0; i < n && !h->quit; i++) {
		if (buf[i] == '\n') {
			h->line[h->line_len] = '\0';
			if (h->line_too_long)
				say("error: line too long (%d bytes at most)", HOST_LINE_MAX - 1);
			else
				host_command(h, h->line);
			h->line_len = 0;
			h->line_too_long = 0;
		} else if (h->line_len < HOST_LINE_MAX - 1)
			h->line[h->line_len++] = buf[i] == '\r' ? '\0' : buf[i];
		else
			h->line_too_long = 1;
	}
}

/* ---- applications ------------------------------------------------------- */

/* The upper-case service's welcoming socket: take every new connection. */
static void
serve_listen(struct host *h, int sock, enum host_role role)
{
	struct transport_endpoint from;
	char ep[64];
	int c;

	while ((c = transport_accept(h->t, sock, &from)) != -1) {
		h->role[c] = role;
		h->shown[c] = TRANSPORT_CONNECTED;
		if (role == ROLE_USER)
			say("accept %d %d from %s", sock, c, format_endpoint(&from, ep, sizeof(ep)));
		else if (h->verbose)
			warnx("port %u: connection from %s", (unsigned)transport_port(h->t, sock),
			    format_endpoint(&from, ep, sizeof(ep)));
	}
}

/* The upper-case service on a connectionless socket or a connection. */
static void
serve_upper(struct host *h, int sock, uint8_t *buf, size_t cap)
{
	int dgram = transport_state(h->t, sock) == TRANSPORT_BOUND;
	struct transport_endpoint from;
	char ep[64];
	ssize_t n;

	for (;;) {
		n = transport_recvfrom(h->t, sock, buf, cap, &from);
		if (n == -1 && dgram && errno == ECONNREFUSED)
			continue;	/* a reply went to a client that left */
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			buf[i] = (uint8_t)toupper(buf[i]);
		if (h->verbose)
			warnx("port %u: %zd bytes from %s", (unsigned)transport_port(h->t, sock), n,
			    format_endpoint(&from, ep, sizeof(ep)));
		if ((dgram ? transport_sendto(h->t, sock, &from, buf, (size_t)n) :
		    transport_send(h->t, sock, buf, (size_t)n)) == -1)
			warn("reply to %s", format_endpoint(&from, ep, sizeof(ep)));
	}
	if (!dgram && (n == 0 || errno != EAGAIN)) {
		(void)transport_close(h->t, sock);	/* the client closed, or vanished */
		h->role[sock] = ROLE_NONE;
	}
}

/* A user's connectionless socket: print its messages and refusals. */
static void
user_dgram(struct host *h, int sock, uint8_t *buf, size_t cap)
{
	struct transport_endpoint from;
	char ep[64];
	ssize_t n;

	for (;;) {
		n = transport_recvfrom(h->t, sock, buf, cap, &from);
		if (n >= 0)
			print_message(sock, &from, buf, (size_t)n);
		else if (errno == ECONNREFUSED)
			say("refused %d by %s", sock, format_endpoint(&from, ep, sizeof(ep)));
		else
			break;
	}
}

/* A user's connection: print its messages, then any change of state. */
static void
user_conn(struct host *h, int sock, uint8_t *buf, size_t cap)
{
	enum transport_state st = transport_state(h->t, sock);
	struct transport_endpoint from;
	ssize_t n;

	if (h->shown[sock] == TRANSPORT_CONNECTING && st != TRANSPORT_CONNECTING &&
	    st != TRANSPORT_REFUSED && st != TRANSPORT_TIMED_OUT && st != TRANSPORT_RESET) {
		say("connected %d", sock);
		h->shown[sock] = TRANSPORT_CONNECTED;
	}
	while ((n = transport_recvfrom(h->t, sock, buf, cap, &from)) > 0)
		print_message(sock, &from, buf, (size_t)n);
	if (st == h->shown[sock] || st == TRANSPORT_CONNECTED)
		return;
	h->shown[sock] = st;
	if (st == TRANSPORT_PEER_CLOSED)
		say("eof %d", sock);
	else if (st == TRANSPORT_REFUSED)
		say("refused %d", sock);
	else if (st == TRANSPORT_RESET)
		say("reset %d", sock);
	else if (st == TRANSPORT_TIMED_OUT)
		say("timeout %d", sock);
}

/* Lets every application look at its sockets. */
static void
host_run_apps(struct host *h)
{
	static uint8_t buf[REASM_MAX_MESSAGE];

	for (int sock = 0; sock < TRANSPORT_MAX_SOCKS; sock++) {
		enum transport_state st = transport_state(h->t, sock);

		if (h->role[sock] == ROLE_NONE || st == TRANSPORT_FREE)
			continue;
		if (st == TRANSPORT_LISTENING)
			serve_listen(h, sock, h->role[sock]);
		else if (h->role[sock] == ROLE_UPPER)
			serve_upper(h, sock, buf, sizeof(buf));
		else if (st == TRANSPORT_BOUND)
			user_dgram(h, sock, buf, sizeof(buf));
		else
			user_conn(h, sock, buf, sizeof(buf));
	}
}

/* ---- the event loop -------------------------------------------------------- */

static int
host_output(void *ctx, const struct segment_netaddr *dst, const uint8_t *seg, size_t len)
{
	struct host *h = ctx;

	return netif_send(&h->nif, dst, seg, len, host_now_ms());
}

/* Milliseconds poll may sleep: until the nearest timer, a second at most. */
static int
host_timeout(const struct host *h)
{
	long a = transport_next_deadline(h->t), b = netif_next_deadline(&h->nif);
	long next = a == -1 ? b : (b == -1 || a < b ? a : b);
	long left;

	/*
	 * At most a second: a signal that lands just before poll() is then
	 * handled a second late at worst, never forgotten.
	 */
	if (next == -1)
		return 1000;
	left = next - host_now_ms();
	return left < 0 ? 0 : (left > 1000 ? 1000 : (int)left);
}

/* Takes in up to a batch of waiting datagrams. */
static void
host_read_network(struct host *h)
{
	static uint8_t dgram[65536];
	struct segment_netaddr from;
	ssize_t n;

	for (int i = 0; i < 256; i++) {
		if ((n = netif_recv(&h->nif, dgram, sizeof(dgram), &from)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNREFUSED)
				warn("recvfrom");
			return;
		}
		transport_input(h->t, dgram, (size_t)n, &from, host_now_ms());
	}
}

static void
host_loop(struct host *h)
{
	while (!h->quit && !host_sig_quit) {
		struct pollfd pfd[2] = {
			{ .fd = h->nif.fd, .events = POLLIN },
			{ .fd = h->stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
		};
		long now;

		if (host_sig_table) {
			host_sig_table = 0;
			print_table(h);
		}
		if (poll(pfd, 2, host_timeout(h)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (pfd[0].revents & (POLLIN | POLLERR))
			host_read_network(h);
		now = host_now_ms();
		transport_tick(h->t, now);
		if (netif_tick(&h->nif, now) == -1)
			warn("sendto");
		host_run_apps(h);
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))
			host_read_stdin(h);
		host_run_apps(h);
	}
}

/* ---- start-up -------------------------------------------------------------- */

#define host_bad_usage(...)	cli_bad_usage("mux_host", __VA_ARGS__)
#define host_number(name, min, max)	cli_number("mux_host", name, optarg, min, max)

static void
host_option(int ch, struct host_options *o)
{
	if (cli_impair_option("mux_host", ch, optarg, &o->imp))
		return;
	switch (ch) {
	case 'h': usage(stdout); exit(0);
	case 'a': o->addr = optarg; break;
	case 'p': o->port = (uint16_t)host_number("-p", 0, 65535); break;
	case 'm': o->cfg.mss = host_number("-m", TRANSPORT_MIN_MSS, SEGMENT_MAX_PAYLOAD); break;
	case 'u':
		if (o->nudp == HOST_MAX_PORTS)
			host_bad_usage("too many -u");
		o->upper_udp[o->nudp++] = (uint16_t)host_number("-u", 1, 65535);
		break;
	case 'c':
		if (o->nconn == HOST_MAX_PORTS)
			host_bad_usage("too many -c");
		o->upper_conn[o->nconn++] = (uint16_t)host_number("-c", 1, 65535);
		break;
	case 'v': o->verbose = 1; break;
	case 'T': o->cfg.reasm.timeout_ms = (long)host_number("--reasm-timeout", 1, 3600000); break;
	case 'K': o->cfg.connect_timeout_ms = (long)host_number("--connect-timeout", 1, 3600000); break;
	default: host_bad_usage("unknown option");
	}
}

static void
parse_options(int argc, char **argv, struct host_options *o)
{
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' }, { "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' }, { "mss", required_argument, NULL, 'm' },
		{ "upper-udp", required_argument, NULL, 'u' },
		{ "upper-conn", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' }, { "seed", required_argument, NULL, 'S' },
		{ "drop", required_argument, NULL, 'D' }, { "corrupt", required_argument, NULL, 'C' },
		{ "dup", required_argument, NULL, 'U' }, { "reorder", required_argument, NULL, 'R' },
		{ "reasm-timeout", required_argument, NULL, 'T' },
		{ "connect-timeout", required_argument, NULL, 'K' }, { NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "ha:p:m:u:c:v", longs, NULL)) != -1)
		host_option(ch, o);
	if (optind != argc)
		host_bad_usage("unexpected argument");
}

/* Opens the network interface, the transport and the -u / -c services. */
static void
host_start(struct host *h, const struct host_options *o)
{
	char self[32];

	if (netif_open(&h->nif, o->addr, o->port, &o->imp) == -1)
		err(1, "UDP socket on %s:%u", o->addr, (unsigned)o->port);
	if ((h->t = transport_new(&h->nif.self, &o->cfg, host_output, h)) == NULL)
		err(1, "transport");
	h->verbose = o->verbose;
	h->stdin_open = 1;
	for (int i = 0; i < o->nudp; i++)
		if (host_open(h, "upper-udp", o->upper_udp[i], ROLE_UPPER) == -1)
			err(1, "upper-udp on port %u", (unsigned)o->upper_udp[i]);
	for (int i = 0; i < o->nconn; i++)
		if (host_open(h, "upper-conn", o->upper_conn[i], ROLE_UPPER) == -1)
			err(1, "upper-conn on port %u", (unsigned)o->upper_conn[i]);
	say("listening on %s", netif_format(&h->nif.self, self, sizeof(self)));
}

int
main(int argc, char **argv)
{
	static struct host h;
	struct host_options o = { .addr = "127.0.0.1" };
	struct sigaction sa = { .sa_handler = host_on_signal };

	transport_config_default(&o.cfg);
	o.imp.hold_ms = 20;
	parse_options(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	host_start(&h, &o);
	host_loop(&h);
	print_table(&h);
	for (int sock = 0; sock < TRANSPORT_MAX_SOCKS; sock++)
		if (transport_state(h.t, sock) != TRANSPORT_FREE)
			(void)transport_close(h.t, sock);	/* peers get CLOSE */
	transport_free(h.t);
	netif_close(&h.nif);
	return 0;
}
