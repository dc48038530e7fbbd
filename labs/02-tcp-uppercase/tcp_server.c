/*
 * tcp_server.c — the TCP uppercase server: every byte a client sends comes
 * back upper-cased, in order, for as long as the client keeps the connection.
 *
 * A TCP server owns one welcoming socket (socket, bind, listen) and, for each
 * client, a new connection socket that accept() returns.  How it shares its
 * time between those sockets is the lesson, so --mode offers three answers:
 *
 *   iterative  serve one client until it leaves, then accept the next: the
 *              textbook's first server; everyone else waits in the queue.
 *   fork       one child process per client: concurrent and short, but a
 *              process per connection is costly at thousands of clients.
 *   poll       (the default) one process, non-blocking sockets and one poll()
 *              loop over all of them: thousands of clients at once.
 *
 * The poll server never blocks on one client.  Replies the kernel does not
 * take yet wait in the connection's bounded output queue (outbuf.h); while a
 * queue is full the server stops reading from that client (back-pressure), so
 * a client that never reads, or floods, costs a bounded amount of memory and
 * slows nobody else.  A client that sends FIN (half-close) gets every reply
 * before the server closes; one silent for --idle-timeout is closed.  At
 * --max-clients, or when out of descriptors, the server stops accepting:
 * newcomers wait in the listen queue and are served as soon as a slot frees.
 *
 * What a lab-2 student writes (marked TODO in the lab's copy of this file,
 * between SOLUTION markers in the reference): the welcoming socket,
 * accept(), the blocking serve loop, and the poll server's per-connection
 * read, transform and write with back-pressure.
 */
#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conntab.h"
#include "net.h"
#include "opts.h"
#include "outbuf.h"
#include "upper.h"

struct server {
	int lfd;			/* the welcoming socket */
	const struct opts_server *o;
	struct conntab tab;
	int out_of_fds;			/* accept() hit EMFILE: wait for a close */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: tcp_server [-b ADDR] [-p PORT] [-v] [--max-clients N] [--idle-timeout MS]\n"
	    "                  [--mode iterative|fork|poll]\n"
	    "Upper-cases every byte a TCP client sends and sends it back, in order.\n"
	    "  -b ADDR            listen on ADDR only (default: every IPv4 address; -b :: for IPv6)\n"
	    "  -p PORT            port to listen on (default %s; 0 = any free port)\n"
	    "  -v                 log each connect and disconnect on stderr\n"
	    "  --max-clients N    serve at most N clients at once; more wait in the listen\n"
	    "                     queue until one leaves (default: as many as open files allow)\n"
	    "  --idle-timeout MS  close a client silent for MS milliseconds (default %ld; 0 = never)\n"
	    "  --mode M           poll (default): one process serves every client with poll();\n"
	    "                     fork: one process per client; iterative: one client at a time\n"
	    "Prints \"listening on ADDR:PORT\" once ready.\n",
	    OPTS_DEFAULT_PORT, OPTS_DEFAULT_IDLE_MS);
}

/* The poll server may hold thousands of sockets: lift the soft limit to the hard one. */
static void
raise_fd_limit(int verbose)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		warn("getrlimit");
		return;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			warn("raise the open-file limit");
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (verbose)
		fprintf(stderr, "open-file limit %llu\n", (unsigned long long)rl.rlim_cur);
}

/*
 * Opens the welcoming socket on the first address of addr:port that works.
 * Returns it; exits with a message on failure.
 */
static int
open_listener(const char *addr, const char *port)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, gai, saved = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;	/* addr NULL = every local address */
	if ((gai = getaddrinfo(addr, port, &hints, &res)) != 0)
		errx(1, "%s port %s: %s", addr ? addr : "*", port, gai_strerror(gai));
	for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next) {
		/* TODO: create the welcoming socket for ai: socket(), SO_REUSEADDR
		 * (restart without waiting for old connections), bind(), listen() with a long
		 * queue; on failure close it, leave fd -1 and try the next address */
		saved = ENOSYS;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		errno = saved;
		err(1, "listen on %s port %s", addr ? addr : "*", port);
	}
	return fd;
}

/* Prints the readiness line, with the port the kernel chose for -p 0. */
static void
announce(int lfd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char name[NET_ADDRSTRLEN];

	if (getsockname(lfd, (struct sockaddr *)&ss, &len) == -1)
		err(1, "getsockname");
	if (net_format_addr((struct sockaddr *)&ss, len, name, sizeof(name)) == -1)
		errx(1, "getsockname: not an IP address");
	printf("listening on %s\n", name);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
}

static void
peer_name(const struct sockaddr_storage *ss, socklen_t len, char *buf, size_t cap)
{
	if (net_format_addr((const struct sockaddr *)ss, len, buf, cap) == -1)
		snprintf(buf, cap, "?");
}

/*
 * Serves one client on a blocking socket (iterative and fork modes) until it
 * closes, fails, or stays silent for idle_ms (0 = forever).  Returns why the
 * connection ended, for the log.
 */
static const char *
serve_blocking(int fd, long idle_ms)
{
	struct timeval tv = { .tv_sec = idle_ms / 1000, .tv_usec = idle_ms % 1000 * 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		return strerror(errno);
	/* TODO: loop: recv() what the client sent (0 means it closed), upper_bytes() it,
	 * and send() all of it back (send may take only part of it: loop) */
	return "not written yet";
}

/* --mode iterative: one client at a time; the next waits in the listen queue. */
static void
serve_iterative(int lfd, const struct opts_server *o)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		char name[NET_ADDRSTRLEN];
		const char *why;
		int fd;

		if ((fd = accept(lfd, (struct sockaddr *)&ss, &len)) == -1) {
			if (errno != EINTR && errno != ECONNABORTED)
				warn("accept");
			continue;
		}
		peer_name(&ss, len, name, sizeof(name));
		if (o->verbose)
			fprintf(stderr, "connect %s\n", name);
		why = serve_blocking(fd, o->idle_timeout_ms);
		if (o->verbose)
			fprintf(stderr, "disconnect %s (%s)\n", name, why);
		if (close(fd) == -1)
			warn("close");
	}
}

/* --mode fork: a child process per client, at most --max-clients at once. */
static void
serve_fork(int lfd, const struct opts_server *o)
{
	long live = 0;

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		char name[NET_ADDRSTRLEN];
		pid_t pid;
		int fd;

		while (waitpid(-1, NULL, WNOHANG) > 0)	/* reap children that ended */
			live--;
		if (o->max_clients > 0 && live >= o->max_clients) {
			if (waitpid(-1, NULL, 0) > 0)
				live--;
			continue;
		}
		if ((fd = accept(lfd, (struct sockaddr *)&ss, &len)) == -1) {
			if (errno != EINTR && errno != ECONNABORTED)
				warn("accept");
			continue;
		}
		peer_name(&ss, len, name, sizeof(name));
		if (o->verbose)
			fprintf(stderr, "connect %s\n", name);
		if ((pid = fork()) == 0) {
			const char *why;

			close(lfd);	/* the child serves this one client only */
			why = serve_blocking(fd, o->idle_timeout_ms);
			if (o->verbose)
				fprintf(stderr, "disconnect %s (%s)\n", name, why);
			close(fd);
			_exit(0);
		}
		if (pid == -1)
			warn("fork");
		else
			live++;
		if (close(fd) == -1)	/* the parent's copy; the child keeps its own */
			warn("close");
	}
}

/* ---- poll mode ---- */

/*
 * The events poll() should watch on c.  This is where back-pressure happens:
 * a client whose replies pile up is not read from until they drain.
 */
static short
conn_events(const struct conn *c)
{
	/* TODO: back-pressure: ask for POLLIN only while c->out has room and the client
	 * has not sent FIN (c->peer_done); ask for POLLOUT only while replies are queued */
	return POLLIN;
}

/*
 * Reads what c's client sent (no more than its queue can hold), upper-cases
 * it and sends it back, queuing in c->out whatever send() does not take.
 * End of stream sets c->peer_done.  Returns NULL to keep the connection, or
 * why it must be closed.
 */
static const char *
conn_read(struct conn *c)
{
	/* TODO: recv() at most outbuf_space(&c->out) bytes (0 = the client sent FIN: set
	 * c->peer_done; EAGAIN = nothing after all), upper_bytes() them, send() them back if
	 * nothing is queued, and outbuf_append() what send() did not take */
	return "not written yet";
}

/*
 * Sends as much of c's queue as the kernel takes now.  Returns NULL to keep
 * the connection, or why it must be closed.
 */
static const char *
conn_flush(struct conn *c)
{
	/* TODO: send() the queued replies starting at outbuf_head(&c->out)
	 * (outbuf_pending bytes); outbuf_consume() what was sent; EAGAIN just means "later" */
	return NULL;
}

static void
close_conn(struct server *s, struct conn *c, const char *why)
{
	if (s->o->verbose)
		fprintf(stderr, "disconnect %s (%s; %zu connected)\n", c->name, why,
		    conntab_count(&s->tab) - 1);
	if (close(c->fd) == -1)
		warn("close");
	conntab_remove(&s->tab, c);
	s->out_of_fds = 0;
}

/* Handles what poll() reported for c; may close and remove c. */
static void
serve_conn(struct server *s, struct conn *c, short revents, long now)
{
	const char *why = NULL;

	if (revents & POLLNVAL)
		why = "not an open socket";
	if (why == NULL && outbuf_pending(&c->out) > 0 && (revents & (POLLOUT | POLLERR | POLLHUP)))
		why = conn_flush(c);
	if (why == NULL && !c->peer_done && outbuf_space(&c->out) > 0 &&
	    (revents & (POLLIN | POLLERR | POLLHUP)))
		why = conn_read(c);
	if (why == NULL && c->peer_done && outbuf_pending(&c->out) == 0)
		why = "peer closed";
	if (why != NULL)
		close_conn(s, c, why);
	else
		conntab_touch(&s->tab, c, now);
}

static int
can_accept(const struct server *s)
{
	return !s->out_of_fds &&
	       (s->o->max_clients == 0 || conntab_count(&s->tab) < (size_t)s->o->max_clients);
}

/* Accepts the clients waiting in the listen queue while there is room. */
static void
accept_clients(struct server *s, long now)
{
	while (can_accept(s)) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		struct conn *c;
		int fd = -1;

		/* TODO: accept() the next waiting client: it gets a new socket of its own
		 * (fd), while the welcoming socket keeps welcoming */
		errno = ENOSYS;
		if (fd == -1) {
			if (errno == EBADF || errno == EINVAL || errno == ENOTSOCK || errno == ENOSYS)
				err(1, "accept");	/* can never succeed */
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				s->out_of_fds = conntab_count(&s->tab) > 0;
			else if (!net_again(errno) && errno != ECONNABORTED)
				warn("accept");
			return;
		}
		if (net_set_nonblocking(fd) == -1 || (c = conntab_add(&s->tab, fd, now)) == NULL) {
			warn("accept");
			close(fd);
			return;
		}
		if (s->o->verbose) {
			peer_name(&ss, len, c->name, sizeof(c->name));
			fprintf(stderr, "connect %s (%zu connected)\n", c->name, conntab_count(&s->tab));
		}
	}
}

/* Milliseconds until the least recently active client goes idle; -1 = none. */
static int
poll_timeout(const struct server *s, long now)
{
	long left;

	if (s->o->idle_timeout_ms == 0 || s->tab.oldest == NULL)
		return -1;
	left = s->tab.oldest->last_ms + s->o->idle_timeout_ms - now;
	return left < 0 ? 0 : (int)left;
}

static void
close_idle(struct server *s, long now)
{
	long idle = s->o->idle_timeout_ms;

	while (idle > 0 && s->tab.oldest != NULL && now - s->tab.oldest->last_ms >= idle)
		close_conn(s, s->tab.oldest, "idle timeout");
}

/* --mode poll: every client at once, from one loop. */
static void
serve_poll(int lfd, const struct opts_server *o)
{
	struct server s = { .lfd = lfd, .o = o };

	if (net_set_nonblocking(lfd) == -1)
		err(1, "listening socket");
	if (conntab_init(&s.tab, lfd) == -1)
		err(1, "connection table");
	for (;;) {
		long now;
		int n;

		for (size_t i = 1; i < s.tab.n; i++)
			s.tab.pfds[i].events = conn_events(s.tab.conns[i]);
		s.tab.pfds[0].events = can_accept(&s) ? POLLIN : 0;
		n = poll(s.tab.pfds, (nfds_t)s.tab.n, poll_timeout(&s, net_now_ms()));
		if (n == -1 && errno != EINTR)
			err(1, "poll");
		now = net_now_ms();
		/* From the last slot down: a removal moves the last entry into the hole. */
		for (size_t i = s.tab.n - 1; n > 0 && i >= 1; i--)
			if (s.tab.pfds[i].revents != 0)
				serve_conn(&s, s.tab.conns[i], s.tab.pfds[i].revents, now);
		if (n > 0 && (s.tab.pfds[0].revents & POLLIN))
			accept_clients(&s, now);
		close_idle(&s, now);
	}
}

int
main(int argc, char **argv)
{
	struct opts_server o;
	char why[256];
	int lfd;

	switch (opts_parse_server(argc, argv, &o, why, sizeof(why))) {
	case OPTS_HELP:
		usage(stdout);
		return 0;
	case OPTS_USAGE:
		fprintf(stderr, "tcp_server: %s (see tcp_server --help)\n", why);
		return 2;
	case OPTS_OK:
		break;
	}
	signal(SIGPIPE, SIG_IGN);	/* a vanished client must not kill the server */
	if (o.mode == OPTS_MODE_POLL)
		raise_fd_limit(o.verbose);
	lfd = open_listener(o.bind_addr, o.port);
	announce(lfd);
	if (o.mode == OPTS_MODE_ITERATIVE)
		serve_iterative(lfd, &o);
	else if (o.mode == OPTS_MODE_FORK)
		serve_fork(lfd, &o);
	else
		serve_poll(lfd, &o);
	return 0;
}
