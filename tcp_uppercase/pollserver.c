/*
 * pollserver.c — see pollserver.h.
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
 * The sockets sit in a table (conntab.h) whose first slot, CONNTAB_LISTENER,
 * is the welcoming socket and whose other slots are one client each: one
 * pass of the loop asks poll() about all of them, serves the clients that are
 * ready, then accepts newcomers.
 */
#include "pollserver.h"

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conntab.h"
#include "net.h"
#include "outbuf.h"
#include "uppercase.h"

struct server {
	int lfd;			/* the welcoming socket */
	const struct options_server *o;
	struct conntab tab;
	int out_of_fds;			/* accept() hit EMFILE: wait for a close */
};

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
 * The events poll() should watch on c.  This is where back-pressure happens:
 * a client whose replies pile up is not read from until they drain.
 */
static short
conn_events(const struct conn *c)
{
	/* SOLUTION BEGIN: back-pressure: ask for POLLIN only while c->out has room and the client
	 * has not sent FIN (c->peer_done); ask for POLLOUT only while replies are queued */
	/* SOLUTION STUB: return POLLIN; */
	short ev = 0;

	if (!c->peer_done && outbuf_space(&c->out) > 0)
		ev |= POLLIN;
	if (outbuf_pending(&c->out) > 0)
		ev |= POLLOUT;
	return ev;
	/* SOLUTION END */
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
	/* SOLUTION BEGIN: recv() at most outbuf_space(&c->out) bytes (0 = the client sent FIN: set
	 * c->peer_done; EAGAIN = nothing after all), uppercase_ascii() them, send() them back if
	 * nothing is queued, and outbuf_append() what send() did not take */
	/* SOLUTION STUB: return "not written yet"; */
	static char buf[OUTBUF_CAP];
	ssize_t n, sent = 0;

	n = recv(c->fd, buf, outbuf_space(&c->out), 0);
	if (n == 0) {
		c->peer_done = 1;	/* half-close: answer what came, then close */
		return NULL;
	}
	if (n == -1)
		return net_again(errno) ? NULL : strerror(errno);
	uppercase_ascii(buf, (size_t)n);
	if (outbuf_pending(&c->out) == 0) {	/* queued bytes must go first */
		sent = send(c->fd, buf, (size_t)n, 0);
		if (sent == -1 && !net_again(errno))
			return strerror(errno);
		if (sent == -1)
			sent = 0;
	}
	if (outbuf_append(&c->out, buf + sent, (size_t)(n - sent)) == -1)
		return "out of memory";
	return NULL;
	/* SOLUTION END */
}

/*
 * Sends as much of c's queue as the kernel takes now.  Returns NULL to keep
 * the connection, or why it must be closed.
 */
static const char *
conn_flush(struct conn *c)
{
	/* SOLUTION BEGIN: send() the queued replies starting at outbuf_head(&c->out)
	 * (outbuf_pending bytes); outbuf_consume() what was sent; EAGAIN just means "later" */
	/* SOLUTION STUB: return NULL; */
	ssize_t n = send(c->fd, outbuf_head(&c->out), outbuf_pending(&c->out), 0);

	if (n == -1)
		return net_again(errno) ? NULL : strerror(errno);
	outbuf_consume(&c->out, (size_t)n);
	return NULL;
	/* SOLUTION END */
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

/*
 * accept() failed with errno: exits if it never can succeed, stops accepting
 * while out of descriptors (if a client's close may free one), else warns
 * unless the queue is just empty or the client already left.
 */
static void
accept_failed(struct server *s)
{
	if (errno == EBADF || errno == EINVAL || errno == ENOTSOCK || errno == ENOSYS)
		err(1, "accept");
	if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
		s->out_of_fds = conntab_count(&s->tab) > 0;
	else if (!net_again(errno) && errno != ECONNABORTED)
		warn("accept");
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

		/* SOLUTION BEGIN: accept() the next waiting client: it gets a new socket of its own
		 * (fd), while the welcoming socket keeps welcoming */
		/* SOLUTION STUB: errno = ENOSYS; */
		fd = accept(s->lfd, (struct sockaddr *)&ss, &len);
		/* SOLUTION END */
		if (fd == -1) {
			accept_failed(s);
			return;
		}
		if (net_set_nonblocking(fd) == -1 || (c = conntab_add(&s->tab, fd, now)) == NULL) {
			warn("accept");
			close(fd);
			return;
		}
		if (s->o->verbose) {
			addr_format((struct sockaddr *)&ss, len, c->name, sizeof(c->name));
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

void
pollserver_run(int lfd, const struct options_server *o)
{
	struct server s = { .lfd = lfd, .o = o };

	raise_fd_limit(o->verbose);
	if (net_set_nonblocking(lfd) == -1)
		err(1, "listening socket");
	if (conntab_init(&s.tab, lfd) == -1)
		err(1, "connection table");
	for (;;) {
		long now;
		int n;

		for (size_t i = CONNTAB_FIRST_CONN; i < s.tab.n; i++)
			s.tab.pfds[i].events = conn_events(s.tab.conns[i]);
		s.tab.pfds[CONNTAB_LISTENER].events = can_accept(&s) ? POLLIN : 0;
		n = poll(s.tab.pfds, (nfds_t)s.tab.n, poll_timeout(&s, net_now_ms()));
		if (n == -1 && errno != EINTR)
			err(1, "poll");
		now = net_now_ms();
		/* From the last slot down: a removal moves the last entry into the hole. */
		for (size_t i = s.tab.n - 1; n > 0 && i >= CONNTAB_FIRST_CONN; i--)
			if (s.tab.pfds[i].revents != 0)
				serve_conn(&s, s.tab.conns[i], s.tab.pfds[i].revents, now);
		if (n > 0 && (s.tab.pfds[CONNTAB_LISTENER].revents & POLLIN))
			accept_clients(&s, now);
		close_idle(&s, now);
	}
}
