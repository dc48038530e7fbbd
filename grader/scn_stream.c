/*
 * scn_stream.c — see scn_stream.h.  The grader's clients are plain
 * non-blocking sockets moved by one loop (pump_until) that also drains the
 * server's output, so a server that logs a lot never blocks on its pipe.
 */
#include "scn_stream.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "isolate.h"
#include "netio.h"
#include "prng.h"
#include "scn_line.h"

#define ROLE "student|reference"
#define STREAM_MAX_CONNS 1000

const struct labconf_param scn_stream_concurrent_params[] = {
	{ "server", LABCONF_ENUM, NULL, 0, 0, ROLE },
	{ "server_prog", LABCONF_STR, NULL, 0, 0, NULL },
	{ "server_args", LABCONF_WORDS, "-p 0", 0, 0, NULL },
	{ "clients", LABCONF_INT, "20", 1, STREAM_MAX_CONNS / 2, NULL },
	{ "idle", LABCONF_INT, "1", 0, STREAM_MAX_CONNS / 2, NULL },
	{ "rounds", LABCONF_INT, "3", 1, 1000, NULL },
	{ "max_length", LABCONF_INT, "40", 1, 60000, NULL },
	{ "round_ms", LABCONF_INT, "5000", 1, 600000, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

const struct labconf_param scn_stream_bulk_params[] = {
	{ "server", LABCONF_ENUM, NULL, 0, 0, ROLE },
	{ "server_prog", LABCONF_STR, NULL, 0, 0, NULL },
	{ "server_args", LABCONF_WORDS, "-p 0", 0, 0, NULL },
	{ "bytes", LABCONF_INT, "4194304", 1, 1 << 28, NULL },
	{ "stall_ms", LABCONF_INT, "300", 0, 60000, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

const struct labconf_param scn_stream_badinput_params[] = {
	{ "server", LABCONF_ENUM, NULL, 0, 0, ROLE },
	{ "server_prog", LABCONF_STR, NULL, 0, 0, NULL },
	{ "server_args", LABCONF_WORDS, "-p 0", 0, 0, NULL },
	{ "proto", LABCONF_ENUM, NULL, 0, 0, "udp|tcp" },
	{ "check_binary", LABCONF_ENUM, "yes", 0, 0, "yes|no" },
	{ NULL, 0, NULL, 0, 0, NULL },
};

struct conn {
	int fd;
	struct strbuf out;	/* to send, from position sent */
	size_t sent;
	struct strbuf in;	/* received */
	size_t want;		/* reply bytes expected in total */
	int eof, broken;
};

static void
conn_init(struct conn *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	strbuf_init(&c->out);
	strbuf_init(&c->in);
}

static void
conn_free(struct conn *c)
{
	if (c->fd != -1)
		close(c->fd);
	strbuf_free(&c->out);
	strbuf_free(&c->in);
	c->fd = -1;
}

/* Connects c to 127.0.0.1:port within timeout_ms.  Returns 0, or -1 (errno). */
static int
conn_open(struct conn *c, int port, int type, int timeout_ms)
{
	struct sockaddr_storage ss;
	socklen_t len;
	const char *why;
	char ps[16];
	struct pollfd pfd;

	snprintf(ps, sizeof(ps), "%d", port);
	if (netio_resolve("127.0.0.1", ps, type, &ss, &len, &why) == -1)
		return -1;
	if ((c->fd = netio_connect_start(&ss, len, type)) == -1)
		return -1;
	pfd = (struct pollfd){ .fd = c->fd, .events = POLLOUT };
	if (sandbox_poll(&pfd, 1, timeout_ms) == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	return netio_connect_result(c->fd);
}

/* Moves bytes of c as poll said; reading only if `reading`. */
static void
conn_io(struct conn *c, short revents, int reading)
{
	char buf[65536];

	if ((revents & POLLOUT) && c->sent < c->out.len) {
		ssize_t w = send(c->fd, c->out.data + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);

		if (w > 0)
			c->sent += (size_t)w;
		else if (w == -1 && errno != EAGAIN && errno != EINTR)
			c->broken = 1;
	}
	if (reading && (revents & (POLLIN | POLLHUP | POLLERR)) && !c->eof) {
		ssize_t r = recv(c->fd, buf, sizeof(buf), 0);

		if (r > 0)
			strbuf_append(&c->in, buf, (size_t)r);
		else if (r == 0)
			c->eof = 1;
		else if (errno != EAGAIN && errno != EINTR)
			c->eof = c->broken = 1;
	}
}

static int
conn_done(const struct conn *c)
{
	return c->fd == -1 || c->broken || c->eof || (c->sent == c->out.len && c->in.len >= c->want);
}

/*
 * Fills pfd[i] for each of the n connections (at most STREAM_MAX_CONNS) and
 * sets *k to how many.  Returns how many are still busy.
 */
static size_t
fill_pollset(struct conn *cs, size_t n, struct pollfd *pfd, size_t *k, int reading)
{
	size_t busy = 0;

	for (*k = 0; *k < n && *k < STREAM_MAX_CONNS; (*k)++) {
		struct conn *c = &cs[*k];
		short ev = reading && !c->eof ? POLLIN : 0;

		if (c->fd != -1 && c->sent < c->out.len && !c->broken)
			ev |= POLLOUT;
		busy += reading ? !conn_done(c) : (ev & POLLOUT) != 0;
		pfd[*k] = (struct pollfd){ .fd = conn_done(c) && !ev ? -1 : c->fd, .events = ev };
	}
	return busy;
}

/*
 * Moves bytes of every connection until each has sent everything and (if
 * reading) received `want` bytes or ended, or until deadline.  Returns 0 if
 * all finished, -1 at the deadline.
 */
static int
pump_until(struct conn *cs, size_t n, long deadline, int reading)
{
	static struct pollfd pfd[STREAM_MAX_CONNS];

	for (;;) {
		size_t k, busy = fill_pollset(cs, n, pfd, &k, reading);
		long left = deadline - sandbox_now_ms();

		if (busy == 0)
			return 0;
		if (left <= 0)
			return -1;
		sandbox_poll(pfd, k, (int)(left > 100 ? 100 : left));
		for (size_t i = 0; i < k; i++)
			if (pfd[i].fd != -1 && pfd[i].revents)
				conn_io(&cs[i], pfd[i].revents, reading);
	}
}

static void
random_line(struct prng *r, struct strbuf *sb, long max_len)
{
	scn_line_random(r, sb, 1, max_len, 0);
}

/* Connects n clients.  Returns 0, or -1 with the failure recorded. */
static int
open_all(struct scenario_env *env, struct conn *cs, size_t n, int port, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		if (conn_open(&cs[i], port, SOCK_STREAM, scenario_left(env) < 3000 ?
		    scenario_left(env) : 3000) == 0)
			continue;
		result_fail(env->res, "%s %zu of %zu could not connect: %s", what, i + 1, n,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Reports the first client whose reply is short or wrong.  Returns 0 if none. */
static int
check_replies(struct scenario_env *env, struct conn *cs, const struct strbuf *want, size_t n,
    size_t idle, int round_ms)
{
	for (size_t i = 0; i < n; i++) {
		struct conn *c = &cs[i];

		if (c->in.len < want[i].len) {
			result_fail(env->res, "client %zu of %zu got %zu of its %zu reply bytes within %d ms "
			    "(%zu other client(s) connected but silent)%s", i + 1, n, c->in.len,
			    want[i].len, round_ms, idle, c->eof ? "; the server closed the connection" :
			    ": does the server serve one client at a time?");
		} else if (result_compare(env->res, want[i].data, want[i].len, c->in.data,
		    c->in.len) == -1) {
			result_fail(env->res, "client %zu of %zu got a wrong reply (first difference at byte %ld)",
			    i + 1, n, env->res->diff_offset);
		} else {
			continue;
		}
		strbuf_put_escaped(&env->res->sent, c->out.data, c->out.len, 400);
		return -1;
	}
	return 0;
}

/* Runs the rounds of interleaved lines.  Returns 0, or -1 with the failure recorded. */
static int
run_rounds(struct scenario_env *env, struct conn *cs, struct strbuf *want, size_t n, size_t idle)
{
	const struct labconf_test *t = env->test;
	int round_ms = (int)labconf_int(t, "round_ms");
	struct prng r;

	prng_seed(&r, env->seed);
	for (long round = 0; round < labconf_int(t, "rounds"); round++) {
		for (size_t i = 0; i < n; i++) {
			size_t before = cs[i].out.len;

			random_line(&r, &cs[i].out, labconf_int(t, "max_length"));
			strbuf_append(&want[i], cs[i].out.data + before, cs[i].out.len - before);
			scn_line_upper(want[i].data + before, cs[i].out.len - before);
			cs[i].want = want[i].len;
		}
		pump_until(cs, n, sandbox_now_ms() + (round_ms < scenario_left(env) ?
		    round_ms : scenario_left(env)), 1);
		if (check_replies(env, cs, want, n, idle, round_ms) == -1) {
			scenario_log(env, "  round %ld of %ld failed", round + 1, labconf_int(t, "rounds"));
			return -1;
		}
	}
	return 0;
}

/* The silent clients finish their line; each must get it back. */
static void
finish_idle(struct scenario_env *env, struct conn *idle, size_t n)
{
	static const char start[] = "a client that waited ", end[] = "and then finished its line\n";
	struct strbuf *want = calloc(n ? n : 1, sizeof(*want));

	if (want == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		strbuf_puts(&want[i], start);
		strbuf_puts(&want[i], end);
		scn_line_upper(want[i].data, want[i].len);
		strbuf_puts(&idle[i].out, end);
		idle[i].want = want[i].len;
	}
	pump_until(idle, n, sandbox_now_ms() + (scenario_left(env) < 3000 ? scenario_left(env) : 3000), 1);
	for (size_t i = 0; i < n && env->res->status == RESULT_PASS; i++)
		if (idle[i].in.len < want[i].len ||
		    result_compare(env->res, want[i].data, want[i].len, idle[i].in.data, idle[i].in.len))
			result_fail(env->res, "the client that sat silent mid-line did not get its line back "
			    "once it finished it");
	for (size_t i = 0; i < n; i++)
		strbuf_free(&want[i]);
	free(want);
}

void
scn_stream_concurrent(struct scenario_env *env)
{
	const struct labconf_test *t = env->test;
	size_t n = (size_t)labconf_int(t, "clients"), ni = (size_t)labconf_int(t, "idle");
	struct conn *cs = calloc(n + ni, sizeof(*cs));
	struct strbuf *want = calloc(n, sizeof(*want));
	struct sandbox_proc *s;
	int port;

	for (size_t i = 0; cs && i < n + ni; i++)
		conn_init(&cs[i]);
	if (cs == NULL || want == NULL) {
		result_error(env->res, "out of memory");
		goto out;
	}
	port = scenario_start_server(env, &s, labconf_str(t, "server"), labconf_str(t, "server_prog"),
	    labconf_str(t, "server_args"), NULL);
	if (port == -1 || open_all(env, cs + n, ni, port, "silent client") == -1)
		goto out;
	for (size_t i = 0; i < ni; i++)
		strbuf_puts(&cs[n + i].out, "a client that waited ");
	pump_until(cs + n, ni, sandbox_now_ms() + 200, 0);
	scenario_log(env, "  %zu client(s) connected and sent half a line; now %zu more, %ld rounds",
	    ni, n, labconf_int(t, "rounds"));
	if (open_all(env, cs, n, port, "client") == 0 && run_rounds(env, cs, want, n, ni) == 0)
		finish_idle(env, cs + n, ni);
	if (env->res->status != RESULT_PASS)
		scenario_note_stderr(env, s);
out:
	for (size_t i = 0; cs && i < n + ni; i++)
		conn_free(&cs[i]);
	for (size_t i = 0; want && i < n; i++)
		strbuf_free(&want[i]);
	free(cs);
	free(want);
}

#define BULK_RCVBUF 65536	/* our receive buffer in the bulk test */

/*
 * After stall_ms in which the server took nothing: has it stopped reading?
 * A server stops reading for good reason only once send() has stopped
 * taking its replies, so its socket must be full (sock_diag; a server whose
 * socket has room is merely slow or unscheduled).  And our side must be full
 * (not writable: a grader the machine did not schedule may simply not have
 * sent), and none of the student's processes running or waiting for a CPU.
 * Without sock_diag, the last two alone.  Past most of the test's time, yes.
 */
static int
bulk_stalled(struct scenario_env *env, struct conn *c, const struct sandbox_proc *s)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
	long stall = labconf_int(env->test, "stall_ms");

	if (scenario_left(env) < 2 * stall + 5000)
		return 1;
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLOUT))
		return 0;
	if (isolate_peer_send_full(c->fd) == 0)
		return 0;
	return isolate_runnable(env->uid, s->pid) != 1;
}

/*
 * All sent is not all read: the kernel holds megabytes for a server the
 * machine has not scheduled, and the test is lost if we read its replies
 * before its send() ever came up short.  So we keep not reading until its
 * socket is full and it sleeps (both from the kernel), or most of the
 * test's time has gone.  Without sock_diag, at once, as before.
 */
static void
bulk_wait_full(struct scenario_env *env, const struct sandbox_proc *s, int fd)
{
	long stall = labconf_int(env->test, "stall_ms");
	int full;

	while (scenario_left(env) >= 2 * stall + 5000 && (full = isolate_peer_send_full(fd)) != -1) {
		if (full == 1 && isolate_runnable(env->uid, s->pid) != 1)
			return;
		sandbox_idle(20);
	}
}

/*
 * How many bytes to send: the lab's figure, or more if this machine's TCP
 * could hold that many replies for a server that never meets a short send
 * (our receive buffer, its send buffer grown to tcp_wmem's largest, 1 MiB
 * to spare).
 */
static long
bulk_bytes(long want)
{
	long need = isolate_tcp_wmem_max(4L << 20) + 2 * BULK_RCVBUF + (1L << 20);

	if (need > 1L << 28)
		need = 1L << 28;
	return want > need ? want : need;
}

void
scn_stream_bulk(struct scenario_env *env)
{
	const struct labconf_test *t = env->test;
	long bytes = bulk_bytes(labconf_int(t, "bytes")), stall = labconf_int(t, "stall_ms");
	struct sandbox_proc *s;
	struct strbuf want;
	struct conn c;
	struct prng r;
	int port;

	conn_init(&c);
	strbuf_init(&want);
	prng_seed(&r, env->seed);
	while ((long)c.out.len < bytes)
		random_line(&r, &c.out, 100);
	c.out.len = (size_t)bytes;
	strbuf_append(&want, c.out.data, c.out.len);
	scn_line_upper(want.data, want.len);
	c.want = want.len;
	strbuf_printf(&env->res->sent, "%ld bytes of text lines through one connection, not reading "
	    "the replies until all was sent or your server took nothing for %ld ms", bytes, stall);
	port = scenario_start_server(env, &s, labconf_str(t, "server"), labconf_str(t, "server_prog"),
	    labconf_str(t, "server_args"), NULL);
	if (port == -1)
		goto out;
	if (conn_open(&c, port, SOCK_STREAM, 3000) == -1) {
		result_fail(env->res, "could not connect to %s: %s", s->name, strerror(errno));
		goto out;
	}
	/*
	 * The replies must outgrow what the kernel can hold for us, or a server
	 * that drops what send() did not take never meets a short send: a small
	 * receive buffer (autotuning off) leaves only the server's send buffer,
	 * a few MiB at most.  Then we send without reading until everything is
	 * sent or the server has stopped taking bytes (bulk_stalled), so a busy
	 * machine cannot let the replies slip through early.
	 */
	setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &(int){ BULK_RCVBUF }, sizeof(int));
	/* Three quiet rounds in a row: one can be a scheduling accident on a busy machine. */
	for (size_t before, quiet = 0; c.sent < c.out.len && quiet < 3;) {
		before = c.sent;
		pump_until(&c, 1, sandbox_now_ms() + stall, 0);
		quiet = c.sent == before && bulk_stalled(env, &c, s) ? quiet + 1 : 0;
	}
	bulk_wait_full(env, s, c.fd);
	scenario_log(env, "  sent %zu bytes before reading anything", c.sent);
	if (pump_until(&c, 1, env->deadline_ms - 500, 1) == -1 || c.in.len < want.len) {
		result_fail(env->res, "%zu of %ld bytes came back (the rest was lost or is stuck)%s%s",
		    c.in.len, bytes, c.broken ? ": the connection broke" : "",
		    c.eof ? ": the server closed the connection" : "");
	}
	if (result_compare(env->res, want.data, want.len, c.in.data, c.in.len) == -1)
		result_fail(env->res, "the bytes that came back differ from the bytes sent, upper-cased, "
		    "from byte %ld on: are partial sends handled (send may take only part)?",
		    env->res->diff_offset);
	if (env->res->status != RESULT_PASS)
		scenario_note_stderr(env, s);
out:
	conn_free(&c);
	strbuf_free(&want);
}

/* Sends one datagram on fd and waits for the reply (3 tries).  Returns its length or -1. */
static long
udp_ask(int fd, const void *msg, size_t n, char *reply, size_t cap, int wait_ms)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		long until = sandbox_now_ms() + wait_ms;

		if (send(fd, msg, n, 0) == -1 && errno != ECONNREFUSED)
			return -1;
		while (sandbox_now_ms() < until) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			ssize_t r;

			if (sandbox_poll(&pfd, 1, (int)(until - sandbox_now_ms())) == 0)
				continue;
			if ((r = recv(fd, reply, cap, 0)) >= 0)
				return r;
		}
	}
	return -1;
}

/* Datagrams of every odd shape from one socket, then a plain question from another. */
static void
bad_udp(struct scenario_env *env, int port, struct prng *r)
{
	static char big[65507], reply[65536];
	struct conn a, b;
	long n;

	conn_init(&a);
	conn_init(&b);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)prng_below(r, 256);
	if (conn_open(&a, port, SOCK_DGRAM, 1000) == -1 || conn_open(&b, port, SOCK_DGRAM, 1000) == -1) {
		result_error(env->res, "could not make a UDP socket: %s", strerror(errno));
		goto out;
	}
	strbuf_puts(&env->res->sent, "an empty datagram; 65507 random bytes; 200 random datagrams; "
	    "then 'are you still there?' from another socket");
	udp_ask(a.fd, "", 0, reply, sizeof(reply), 500);
	n = udp_ask(a.fd, big, sizeof(big), reply, sizeof(reply), 1000);
	scn_line_upper(big, sizeof(big));
	if (strcmp(labconf_str(env->test, "check_binary"), "yes") == 0 &&
	    (n != (long)sizeof(big) || memcmp(big, reply, sizeof(big)) != 0)) {
		result_fail(env->res, "a 65507-byte datagram of arbitrary bytes came back %s",
		    n < 0 ? "not at all" : "changed: only the bytes a-z may change (use the length "
		    "recvfrom returns, not strlen; a buffer of 65507 bytes or more)");
		if (n >= 0)
			result_compare(env->res, big, sizeof(big), reply, (size_t)n);
	}
	for (int i = 0; i < 200; i++)
		send(a.fd, big, 1 + prng_below(r, 1400), 0);
	n = udp_ask(b.fd, "are you still there?", 20, reply, sizeof(reply), 1000);
	if (n != 20 || memcmp(reply, "ARE YOU STILL THERE?", 20) != 0)
		result_fail(env->res, "after the odd datagrams, 'are you still there?' got %s",
		    n < 0 ? "no answer" : "a wrong answer");
out:
	conn_free(&a);
	conn_free(&b);
}

/* Closes c with a reset instead of a FIN. */
static void
conn_reset(struct conn *c)
{
	struct linger lg = { 1, 0 };

	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	conn_free(c);
}

/* Binary bytes through one connection; returns -1 (failure recorded) if they came back wrong. */
static int
tcp_binary(struct scenario_env *env, int port, struct prng *r)
{
	struct conn c;
	struct strbuf want;
	int rc = 0;

	conn_init(&c);
	strbuf_init(&want);
	for (int i = 0; i < 65536; i++)
		strbuf_putc(&c.out, (char)prng_below(r, 256));
	strbuf_append(&want, c.out.data, c.out.len);
	scn_line_upper(want.data, want.len);
	c.want = want.len;
	if (conn_open(&c, port, SOCK_STREAM, 2000) == -1 ||
	    pump_until(&c, 1, sandbox_now_ms() + 3000, 1) == -1 || c.in.len < want.len) {
		result_fail(env->res, "64 KiB of arbitrary bytes (NULs and newlines included): %zu of "
		    "65536 came back", c.in.len);
		rc = -1;
	} else if (result_compare(env->res, want.data, want.len, c.in.data, c.in.len) == -1) {
		result_fail(env->res, "64 KiB of arbitrary bytes came back changed at byte %ld: only a-z "
		    "may change (count bytes with what recv returns, never strlen)", env->res->diff_offset);
		rc = -1;
	}
	conn_free(&c);
	strbuf_free(&want);
	return rc;
}

/* Clients that misbehave: reset mid-line, vanish at once, flood and leave, half-close. */
static void
tcp_rude(struct scenario_env *env, int port)
{
	struct conn c[4];
	static char flood[262144];

	for (int i = 0; i < 4; i++)
		conn_init(&c[i]);
	memset(flood, 'x', sizeof(flood));
	if (conn_open(&c[0], port, SOCK_STREAM, 2000) == 0) {
		send(c[0].fd, "half a li", 9, MSG_NOSIGNAL);
		conn_reset(&c[0]);
	}
	if (conn_open(&c[1], port, SOCK_STREAM, 2000) == 0)
		conn_free(&c[1]);
	if (conn_open(&c[2], port, SOCK_STREAM, 2000) == 0) {
		strbuf_append(&c[2].out, flood, sizeof(flood));
		pump_until(&c[2], 1, sandbox_now_ms() + 300, 0);
		conn_reset(&c[2]);
	}
	if (conn_open(&c[3], port, SOCK_STREAM, 2000) == 0) {
		strbuf_puts(&c[3].out, "half-closed\n");
		c[3].want = 12;
		pump_until(&c[3], 1, sandbox_now_ms() + 500, 0);
		shutdown(c[3].fd, SHUT_WR);
		pump_until(&c[3], 1, sandbox_now_ms() + 2000, 1);
		if (c[3].in.len < 12 || memcmp(c[3].in.data, "HALF-CLOSED\n", 12) != 0)
			result_fail(env->res, "a client that sent a line and then shut down its sending "
			    "side (half-close) did not get its reply");
	}
	for (int i = 0; i < 4; i++)
		conn_free(&c[i]);
}

static void
bad_tcp(struct scenario_env *env, int port, struct prng *r)
{
	struct conn c;

	strbuf_puts(&env->res->sent, "64 KiB of arbitrary bytes; a client that resets mid-line; one "
	    "that connects and leaves; one that sends 256 KiB and resets without reading; one that "
	    "half-closes; then 'still there?' from a new client");
	if (strcmp(labconf_str(env->test, "check_binary"), "yes") == 0)
		tcp_binary(env, port, r);
	tcp_rude(env, port);
	conn_init(&c);
	strbuf_puts(&c.out, "still there?\n");
	c.want = 13;
	if (conn_open(&c, port, SOCK_STREAM, 2000) == -1 ||
	    pump_until(&c, 1, sandbox_now_ms() + 3000, 1) == -1 || c.in.len < 13 ||
	    memcmp(c.in.data, "STILL THERE?\n", 13) != 0)
		result_fail(env->res, "after the rude clients, a new client's 'still there?' got %s",
		    c.in.len ? "a wrong answer" : "no answer");
	conn_free(&c);
}

void
scn_stream_badinput(struct scenario_env *env)
{
	const struct labconf_test *t = env->test;
	struct sandbox_proc *s;
	struct prng r;
	int port;

	prng_seed(&r, env->seed);
	port = scenario_start_server(env, &s, labconf_str(t, "server"), labconf_str(t, "server_prog"),
	    labconf_str(t, "server_args"), NULL);
	if (port == -1)
		return;
	if (strcmp(labconf_str(t, "proto"), "udp") == 0)
		bad_udp(env, port, &r);
	else
		bad_tcp(env, port, &r);
	if (sandbox_exited(s)) {
		struct strbuf how;

		strbuf_init(&how);
		sandbox_describe_exit(s, &how);
		result_fail(env->res, "%s %s: a server must survive bad input%s", s->name,
		    strbuf_str(&how), WIFSIGNALED(s->status) && WTERMSIG(s->status) == SIGPIPE ?
		    " (SIGPIPE: ignore it, signal(SIGPIPE, SIG_IGN), and handle EPIPE)" : "");
		strbuf_free(&how);
	}
	if (env->res->status != RESULT_PASS)
		scenario_note_stderr(env, s);
}
