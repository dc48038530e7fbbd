/*
 * mt-tracker — a BitTorrent tracker (BEP 3 announce, BEP 23 compact peer
 * lists, BEP 48 scrape) with a live web page of its swarms.
 *
 *   mt-tracker [-b ADDR] [-p PORT] [--interval S] [--allow FILE] [-v] ...
 *
 * A tracker is the one central piece of BitTorrent: peers of a torrent
 * announce themselves to it over HTTP and get back a random handful of the
 * others, then trade pieces among themselves.  It knows who is in each swarm,
 * never who has what.
 *
 * This file is the server: one non-blocking poll() loop over the listening
 * socket and up to --max-conns connections.  Each connection reads into a
 * fixed buffer until a whole request head is there (httpd.c), hands it to
 * trackerd.c for the answer, and writes the answer back, keeping the
 * connection for the next request when the client asks for keep-alive.  Every
 * connection has a deadline, so a client that sends half a request, or never
 * reads its answers, is dropped instead of holding a slot forever.
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "announce.h"
#include "args.h"
#include "clock.h"
#include "httpd.h"
#include "net.h"
#include "trackerd.h"

#define OUT_HIGH (256 * 1024)	/* stop taking requests while this much is unsent */

struct conn {
	int fd;
	unsigned char ip[4];
	char in[HTTPD_MAX_HEAD];
	size_t in_len;
	struct httpd_buf out;
	size_t out_pos;		/* bytes of out already sent */
	long long deadline_ms;	/* drop the connection if nothing happens by then */
	int closing;		/* close once out is sent */
	int eof;		/* the client sent all it will send */
	int lingering;		/* answered and shut down; discarding input */
};

struct server {
	int listen_fd;
	struct conn *conns;
	size_t nconns, max_conns;
	struct pollfd *pfds;
	long long timeout_ms;	/* header / idle timeout */
	int verbose;
	struct trackerd d;
};

struct options {
	const char *addr, *allow;
	long port, max_conns, timeout_ms;
	unsigned long long seed;
	int verbose, seeded;
	struct trackerd_config cfg;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: mt-tracker [-b ADDR] [-p PORT] [--interval S] [--min-interval S]\n"
	    "                  [--allow FILE] [--header-timeout MS] [--max-conns N]\n"
	    "                  [--max-swarms N] [--max-peers N] [--seed N] [-v]\n"
	    "  -b ADDR              IPv4 address to listen on (default 0.0.0.0)\n"
	    "  -p PORT              TCP port, 0 for any free one (default 6969)\n"
	    "  --interval S         announce interval told to clients (default 1800);\n"
	    "                       peers silent for twice this long are dropped\n"
	    "  --min-interval S     min interval told to clients (default interval/2)\n"
	    "  --allow FILE         serve only the info-hashes in FILE (40 hex digits a line)\n"
	    "  --header-timeout MS  drop a connection idle or mid-request this long (10000)\n"
	    "  --max-conns N        simultaneous connections (default 512)\n"
	    "  --max-swarms N       torrents tracked at once (default 1000)\n"
	    "  --max-peers N        peers per torrent (default 5000)\n"
	    "  --seed N             seed of the random peer selection (default: time)\n"
	    "  -v                   log one line per announce on stderr\n");
}

/* A whole decimal number in [min, max], or exit 2 naming the option. */
static long
number(const char *s, long min, long max, const char *what)
{
	uint64_t v = 0;

	if (args_number(s, NULL, (uint64_t)max, &v) != ARGS_OK || v < (uint64_t)min) {
		fprintf(stderr, "mt-tracker: %s must be a number from %ld to %ld\n", what, min, max);
		exit(2);
	}
	return (long)v;
}

enum { OPT_INTERVAL = 256, OPT_MIN_INTERVAL, OPT_ALLOW, OPT_TIMEOUT, OPT_MAX_CONNS,
	OPT_MAX_SWARMS, OPT_MAX_PEERS, OPT_SEED, OPT_HELP };

static const struct option long_opts[] = {
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "min-interval", required_argument, NULL, OPT_MIN_INTERVAL },
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "header-timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "max-swarms", required_argument, NULL, OPT_MAX_SWARMS },
	{ "max-peers", required_argument, NULL, OPT_MAX_PEERS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* One option c with its argument arg; --min-interval waits in *min_interval. */
static void
set_option(struct options *o, int c, const char *arg, long *min_interval)
{
	switch (c) {
	case 'b': o->addr = arg; break;
	case 'p': o->port = number(arg, 0, 65535, "-p"); break;
	case 'v': o->verbose = 1; break;
	case OPT_INTERVAL: o->cfg.interval_s = number(arg, 1, 86400, "--interval"); break;
	case OPT_MIN_INTERVAL: *min_interval = number(arg, 0, 86400, "--min-interval"); break;
	case OPT_ALLOW: o->allow = arg; break;
	case OPT_TIMEOUT: o->timeout_ms = number(arg, 1, 3600000, "--header-timeout"); break;
	case OPT_MAX_CONNS: o->max_conns = number(arg, 1, 65536, "--max-conns"); break;
	case OPT_MAX_SWARMS:
		o->cfg.limits.max_swarms = (size_t)number(arg, 1, 10000000, "--max-swarms");
		break;
	case OPT_MAX_PEERS:
		o->cfg.limits.max_peers = (size_t)number(arg, 1, 10000000, "--max-peers");
		break;
	case OPT_SEED:
		o->seed = (unsigned long long)number(arg, 0, LONG_MAX, "--seed");
		o->seeded = 1;
		break;
	case OPT_HELP: usage(stdout); exit(0);
	default: fprintf(stderr, "mt-tracker: bad usage (try --help)\n"); exit(2);
	}
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	long min_interval = -1;
	int c;

	memset(o, 0, sizeof(*o));
	o->addr = "0.0.0.0";
	o->port = 6969;
	o->max_conns = 512;
	o->timeout_ms = 10000;
	trackerd_defaults(&o->cfg);
	while ((c = getopt_long(argc, argv, "b:p:v", long_opts, NULL)) != -1)
		set_option(o, c, optarg, &min_interval);
	if (optind != argc) {
		fprintf(stderr, "mt-tracker: unexpected argument '%s' (try --help)\n", argv[optind]);
		exit(2);
	}
	o->cfg.min_interval_s = min_interval >= 0 ? min_interval : o->cfg.interval_s / 2;
	o->cfg.limits.expiry_ms = 2 * o->cfg.interval_s * 1000;
}

/* Reads the allow-list: one 40-hex-digit info-hash a line; '#' comments. */
static void
load_allow(const char *path, struct swarm_table *t)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	ssize_t n;

	if (f == NULL)
		err(1, "%s", path);
	swarm_restrict(t);
	while ((n = getline(&line, &cap, f)) != -1) {
		unsigned char hash[SWARM_HASH_LEN];
		char *s = line;

		lineno++;
		while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
			s[--n] = '\0';
		while (*s == ' ' || *s == '\t')
			s++, n--;
		if (n == 0 || *s == '#')
			continue;
		if (announce_parse_hex_hash(s, (size_t)n, hash) == -1)
			errx(1, "%s:%ld: not an info-hash (40 hex digits)", path, lineno);
		if (swarm_allow(t, hash) == -1)
			err(1, "%s", path);
	}
	if (ferror(f))
		err(1, "%s", path);
	free(line);
	fclose(f);
}

/* socket, bind, listen; prints the readiness line.  Returns the socket. */
static int
open_listener(const char *addr, long port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char shown[INET_ADDRSTRLEN];
	int fd, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "mt-tracker: -b needs an IPv4 address, not '%s'\n", addr);
		exit(2);
	}
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1)
		err(1, "setsockopt SO_REUSEADDR");
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind %s:%ld", addr, port);
	if (listen(fd, SOMAXCONN) == -1)
		err(1, "listen");
	if (net_set_nonblocking(fd) == -1)
		err(1, "fcntl");
	if (getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		err(1, "getsockname");
	inet_ntop(AF_INET, &sin.sin_addr, shown, sizeof(shown));
	printf("listening on %s:%u\n", shown, ntohs(sin.sin_port));
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	return fd;
}

/* Sends what it can of c's output.  Returns 0, or -1 if the connection broke. */
static int
conn_flush(struct server *sv, struct conn *c)
{
	while (c->out_pos < c->out.len) {
		ssize_t n = send(c->fd, c->out.data + c->out_pos, c->out.len - c->out_pos, 0);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n == -1)
			return -1;
		c->out_pos += (size_t)n;
		c->deadline_ms = clock_now_ms() + sv->timeout_ms;
	}
	c->out_pos = c->out.len = 0;
	return 0;
}

static void
conn_close(struct server *sv, size_t i)
{
	struct conn *c = &sv->conns[i];

	if (close(c->fd) == -1)
		warn("close");
	httpd_buf_free(&c->out);
	sv->conns[i] = sv->conns[--sv->nconns];
}

/*
 * Answers every complete request in c's input (pipelining), while the output
 * is not piling up.  A malformed or oversized head is answered with its error
 * and ends the connection.
 */
static void
conn_process(struct server *sv, struct conn *c)
{
	while (!c->closing && c->out.len - c->out_pos < OUT_HIGH) {
		struct httpd_request req;
		char log[256];
		enum httpd_parse st = httpd_parse_head(c->in, c->in_len, sizeof(c->in), &req);

		if (st == HTTPD_INCOMPLETE) {
			if (c->eof)
				c->closing = 1;
			return;
		}
		if (st != HTTPD_OK) {
			trackerd_error(st == HTTPD_TOO_LARGE ? 431 : 400, &c->out);
			c->closing = 1;
			return;
		}
		if (!trackerd_handle(&sv->d, &req, c->ip, clock_now_ms(), &c->out, log, sizeof(log)))
			c->closing = 1;
		if (sv->verbose && log[0] != '\0')
			fprintf(stderr, "%s\n", log);
		memmove(c->in, c->in + req.head_len, c->in_len - req.head_len);
		c->in_len -= req.head_len;
		c->deadline_ms = clock_now_ms() + sv->timeout_ms;
	}
}

/* Reads what is there.  Returns 0, or -1 if the connection broke. */
static int
conn_read(struct conn *c)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		if (n == 0)
			c->eof = 1;
		c->in_len += (size_t)n;
		return 0;
	}
}

/* Accepts every pending connection; beyond max_conns, answers 503 and closes. */
static void
accept_clients(struct server *sv)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";

	for (;;) {
		struct sockaddr_in sin;
		socklen_t len = sizeof(sin);
		int fd = accept(sv->listen_fd, (struct sockaddr *)&sin, &len);
		struct conn *c;

		if (fd == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				warn("accept");
			return;
		}
		if (sv->nconns == sv->max_conns || net_set_nonblocking(fd) == -1) {
			(void)send(fd, busy, sizeof(busy) - 1, 0);
			close(fd);
			continue;
		}
		c = &sv->conns[sv->nconns++];
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		memcpy(c->ip, &sin.sin_addr.s_addr, 4);
		httpd_buf_init(&c->out);
		c->deadline_ms = clock_now_ms() + sv->timeout_ms;
	}
}

/*
 * Closing right after an error answer while the client is still sending
 * would make the kernel reset the connection, and a reset can destroy the
 * answer before the client reads it.  So when input is left over, shut down
 * our side, then read and discard until the client closes (or the timeout),
 * as web servers do.  Returns 0 if lingering, -1 to close now.
 */
static int
conn_linger(struct server *sv, struct conn *c, long long now)
{
	if (c->in_len == 0 || c->eof || shutdown(c->fd, SHUT_WR) == -1)
		return -1;
	c->lingering = 1;
	c->deadline_ms = now + sv->timeout_ms;
	return 0;
}

/* A lingering connection is readable: discard.  0 to go on, -1 to close. */
static int
conn_discard(struct conn *c, long long now)
{
	char sink[4096];
	ssize_t n = recv(c->fd, sink, sizeof(sink), 0);

	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		return -1;
	return now >= c->deadline_ms ? -1 : 0;
}

/* Past c's deadline: a request left half-sent gets a 408.  Returns -1. */
static int
conn_timeout(struct server *sv, struct conn *c)
{
	if (!c->lingering && c->in_len > 0 && c->out.len == 0) {
		trackerd_error(408, &c->out);
		(void)conn_flush(sv, c);
	}
	return -1;
}

/*
 * Answers what c's input holds and sends it, again and again while the
 * output drains at once: requests held back by OUT_HIGH are answered without
 * waiting for an event that may never come.  0, or -1 if the connection broke.
 */
static int
conn_serve(struct server *sv, struct conn *c)
{
	size_t before;

	do {
		before = c->in_len;
		conn_process(sv, c);
		if (conn_flush(sv, c) == -1)
			return -1;
	} while (c->out.len == 0 && c->in_len > 0 && c->in_len < before);
	return 0;
}

/*
 * Handles poll's verdict on connection i.  Returns 0 to keep it, -1 to close.
 */
static int
conn_event(struct server *sv, size_t i, short revents, long long now)
{
	struct conn *c = &sv->conns[i];

	if (revents & (POLLERR | POLLNVAL))
		return -1;
	if (revents == 0)
		return now >= c->deadline_ms ? conn_timeout(sv, c) : 0;
	if (c->lingering)
		return conn_discard(c, now);
	if ((revents & (POLLIN | POLLHUP)) && conn_read(c) == -1)
		return -1;
	if (conn_serve(sv, c) == -1)
		return -1;
	if (c->out.len == 0 && (c->closing || c->eof))
		return conn_linger(sv, c, now);
	return now >= c->deadline_ms ? conn_timeout(sv, c) : 0;
}

/* Fills the pollfd array; returns the poll timeout in ms. */
static int
prepare_poll(struct server *sv, long long now)
{
	long long wait = trackerd_tick(&sv->d, now);

	sv->pfds[0] = (struct pollfd){ .fd = sv->listen_fd, .events = POLLIN };
	for (size_t i = 0; i < sv->nconns; i++) {
		struct conn *c = &sv->conns[i];
		short ev = 0;

		if (c->lingering || (!c->closing && !c->eof && c->in_len < sizeof(c->in) &&
		    c->out.len - c->out_pos < OUT_HIGH))
			ev |= POLLIN;
		if (c->out_pos < c->out.len)
			ev |= POLLOUT;
		sv->pfds[i + 1] = (struct pollfd){ .fd = c->fd, .events = ev };
		if (c->deadline_ms - now < wait)
			wait = c->deadline_ms - now;
	}
	return wait < 0 ? 0 : wait > INT_MAX ? INT_MAX : (int)wait;
}

static void
serve(struct server *sv)
{
	for (;;) {
		long long now = clock_now_ms();
		int timeout = prepare_poll(sv, now);
		size_t n = sv->nconns;

		if (poll(sv->pfds, n + 1, timeout) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		now = clock_now_ms();
		/* Backwards, so that closing i (which moves the last one into i)
		 * never skips a connection. */
		for (size_t i = n; i-- > 0;)
			if (conn_event(sv, i, sv->pfds[i + 1].revents, now) == -1)
				conn_close(sv, i);
		if (sv->pfds[0].revents & POLLIN)
			accept_clients(sv);
	}
}

/* Makes room for max connections plus a few descriptors; may lower max. */
static size_t
fit_fd_limit(size_t max)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return max;
	if (rl.rlim_cur < max + 16 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > max + 16 ?
		    max + 16 : rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < max + 16) {
		warnx("only %llu file descriptors: serving %llu connections at most",
		    (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_cur - 16);
		max = rl.rlim_cur > 32 ? (size_t)rl.rlim_cur - 16 : 16;
	}
	return max;
}

int
main(int argc, char **argv)
{
	static struct server sv;
	struct options o;

	parse_options(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);
	if (!o.seeded)
		o.seed = (unsigned long long)time(NULL) ^ (unsigned long long)getpid() << 32;
	if (trackerd_init(&sv.d, &o.cfg, o.seed) == -1)
		err(1, "trackerd_init");
	if (o.allow != NULL)
		load_allow(o.allow, &sv.d.table);
	sv.max_conns = fit_fd_limit((size_t)o.max_conns);
	sv.timeout_ms = o.timeout_ms;
	sv.verbose = o.verbose;
	sv.conns = calloc(sv.max_conns, sizeof(*sv.conns));
	sv.pfds = calloc(sv.max_conns + 1, sizeof(*sv.pfds));
	if (sv.conns == NULL || sv.pfds == NULL)
		err(1, "calloc");
	sv.listen_fd = open_listener(o.addr, o.port);
	serve(&sv);
	return 0;
}
