/*
 * tnet.c — see tnet.h.  Blocking sockets with poll() in front of every
 * receive, so a missing reply fails a test after a deadline instead of
 * hanging it.
 */
#include "tnet.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int
tnet_server(struct proc *p, ...)
{
	const char *argv[32] = { proc_bin("tcp_server"), "-b", "127.0.0.1", "-p", "0" };
	int argc = 5, port;
	va_list ap;

	va_start(ap, p);
	while (argc < 31 && (argv[argc] = va_arg(ap, const char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	cr_assert_eq(proc_start(p, (char *const *)argv), 0, "start tcp_server: %s",
	    strerror(errno));
	port = proc_wait_listening(p, NULL, 0, TNET_SOON_MS);
	cr_assert_gt(port, 0, "tcp_server never said 'listening on'; stderr: %s", proc_stderr(p));
	return port;
}

void
tnet_start(struct proc *p, const char *const argv[])
{
	const char *argv2[32];
	static char path[4096];
	int i;

	for (i = 0; i < 31 && argv[i] != NULL; i++)
		argv2[i] = argv[i];
	argv2[i] = NULL;
	if (strchr(argv[0], '/') == NULL) {
		const char *dirs[] = { "/usr/local/bin", "/usr/bin", "/bin" };

		path[0] = '\0';
		for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
			snprintf(path, sizeof(path), "%s/%s", dirs[d], argv[0]);
			if (access(path, X_OK) == 0)
				break;
			path[0] = '\0';
		}
		cr_assert(path[0] != '\0', "%s is not installed (apt-get install %s)", argv[0],
		    strcmp(argv[0], "nc") == 0 ? "netcat-openbsd" : argv[0]);
		argv2[0] = path;
	}
	cr_assert_eq(proc_start(p, (char *const *)argv2), 0, "start %s: %s", argv[0],
	    strerror(errno));
}

int
tnet_connect_to(const char *host, int port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct timeval tv = { .tv_sec = TNET_SOON_MS / 1000 };
	socklen_t len;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		len = sizeof(*sin);
	} else {
		cr_assert_eq(inet_pton(AF_INET6, host, &sin6->sin6_addr), 1, "bad host %s", host);
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)port);
		len = sizeof(*sin6);
	}
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	cr_assert_neq(fd, -1, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));	/* bounds connect too */
	cr_assert_eq(connect(fd, (struct sockaddr *)&ss, len), 0, "connect to %s:%d: %s", host,
	    port, strerror(errno));
	return fd;
}

int
tnet_connect(int port)
{
	return tnet_connect_to("127.0.0.1", port);
}

int
tnet_listener(int backlog, int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert_neq(fd, -1, "socket: %s", strerror(errno));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0, "bind: %s", strerror(errno));
	if (backlog >= 0)
		cr_assert_eq(listen(fd, backlog), 0, "listen: %s", strerror(errno));
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

int
tnet_accept(int lfd)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	int fd;

	cr_assert_eq(poll(&pfd, 1, TNET_SOON_MS), 1, "nobody connected");
	fd = accept(lfd, NULL, NULL);
	cr_assert_neq(fd, -1, "accept: %s", strerror(errno));
	return fd;
}

void
tnet_send_all(int fd, const void *buf, size_t n)
{
	const char *b = buf;

	while (n > 0) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);

		if (w == -1 && errno == EINTR)
			continue;
		cr_assert_gt(w, 0, "send: %s", strerror(errno));
		b += w;
		n -= (size_t)w;
	}
}

size_t
tnet_recv_upto(int fd, void *buf, size_t n, int timeout_ms)
{
	char *b = buf;
	size_t got = 0;

	while (got < n) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&pfd, 1, timeout_ms) <= 0)
			break;
		r = recv(fd, b + got, n - got, 0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

void
tnet_expect_echo(int fd, const char *line)
{
	size_t n = strlen(line);
	char *want = malloc(n + 1), *got = malloc(n + 1);
	size_t k;

	cr_assert(want != NULL && got != NULL);
	tnet_upper(want, line, n);
	tnet_send_all(fd, line, n);
	k = tnet_recv_upto(fd, got, n, TNET_SOON_MS);
	cr_assert_eq(k, n, "sent %zu bytes, got %zu back", n, k);
	cr_assert_eq(memcmp(got, want, n), 0, "reply differs from the upper-cased line");
	free(want);
	free(got);
}

int
tnet_quiet_for(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 0;
}

long
tnet_read_to_eof(int fd, char *buf, size_t cap, int timeout_ms)
{
	long until = proc_now_ms() + timeout_ms;
	size_t got = 0;
	char sink[65536];

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long left = until - proc_now_ms();
		char *dst = got < cap ? buf + got : sink;
		size_t room = got < cap ? cap - got : sizeof(sink);
		ssize_t r;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		r = recv(fd, dst, room, 0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return (long)(got < cap ? got : cap);
		got += (size_t)r;
	}
}

long
tnet_transfer(int fd, const char *out, size_t n, char *in, size_t cap, int shut_wr,
    int timeout_ms)
{
	long until = proc_now_ms() + timeout_ms;
	size_t sent = 0, got = 0;
	int flags = fcntl(fd, F_GETFL), shut = 0;

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	while (shut_wr ? 1 : got < n) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN | (sent < n ? POLLOUT : 0) };
		long left = until - proc_now_ms();

		if (sent == n && shut_wr && !shut) {
			cr_assert_eq(shutdown(fd, SHUT_WR), 0);
			shut = 1;
		}
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		if (pfd.revents & POLLOUT) {
			ssize_t w = send(fd, out + sent, n - sent, MSG_NOSIGNAL);

			cr_assert(w > 0 || errno == EAGAIN, "send: %s", strerror(errno));
			sent += w > 0 ? (size_t)w : 0;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r = recv(fd, in + got, cap - got, 0);

			if (r == 0 || (r == -1 && errno != EAGAIN))
				break;
			got += r > 0 ? (size_t)r : 0;
			if (got == cap)
				break;
		}
	}
	fcntl(fd, F_SETFL, flags);
	return (long)got;
}

void
tnet_upper(char *dst, const char *buf, size_t n)
{
	static const char lower[] = "abcdefghijklmnopqrstuvwxyz";
	static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

	for (size_t i = 0; i < n; i++) {
		const char *hit = buf[i] != '\0' ? strchr(lower, buf[i]) : NULL;

		dst[i] = hit != NULL ? upper[hit - lower] : buf[i];
	}
}

void
tnet_raise_nofile(long n)
{
	struct rlimit rl;

	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur >= (rlim_t)n)
		return;
	cr_assert_geq(rl.rlim_max, (rlim_t)n, "open-file hard limit %llu < %ld",
	    (unsigned long long)rl.rlim_max, n);
	rl.rlim_cur = (rlim_t)n;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

void
tnet_reset(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	close(fd);
}
