/*
 * udptest.c — see udptest.h.
 *
 * Peers run on a thread rather than in a forked process so that a test can
 * read what the peer saw (how many datagrams, from where) straight from its
 * struct once the thread is joined.  The thread polls its socket and a pipe;
 * closing the pipe is how the test stops it, so no flag is ever polled with
 * a nap.
 */
#include "udptest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "uppercase.h"

int
udptest_addr(const char *host, int port, struct sockaddr_storage *addr,
    socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)addr;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)addr;

	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)port);
		*len = sizeof(*sin6);
		return 0;
	}
	return -1;
}

int
udptest_port(const struct sockaddr_storage *addr)
{
	if (addr->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)addr)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)addr)->sin6_port);
}

int
udptest_socket(const char *host, struct sockaddr_storage *addr, socklen_t *len)
{
	int fd;

	if (udptest_addr(host, 0, addr, len) == -1)
		return -1;
	if ((fd = socket(addr->ss_family, SOCK_DGRAM, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)addr, *len) == -1 ||
	    getsockname(fd, (struct sockaddr *)addr, len) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

int
udptest_have_ipv6(void)
{
	struct sockaddr_storage a;
	socklen_t len;
	int fd = udptest_socket("::1", &a, &len);

	if (fd == -1)
		return 0;
	close(fd);
	return 1;
}

ssize_t
udptest_ask(int fd, const struct sockaddr_storage *to, socklen_t tolen,
    const void *msg, size_t n, void *reply, size_t cap, int timeout_ms)
{
	long until = proc_now_ms() + timeout_ms;

	if (sendto(fd, msg, n, 0, (const struct sockaddr *)to, tolen) == -1)
		return -1;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof(from);
		long left = until - proc_now_ms();
		ssize_t r;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		r = recvfrom(fd, reply, cap, 0, (struct sockaddr *)&from, &fromlen);
		if (r >= 0 && addr_equal((struct sockaddr *)&from, fromlen,
		    (const struct sockaddr *)to, tolen))
			return r;
	}
}

int
udptest_start_server(struct proc *p, const char *bind, const char *extra[])
{
	char *argv[16];
	int argc = 0, port;

	argv[argc++] = (char *)proc_bin("udp_server");
	argv[argc++] = (char *)"-p";
	argv[argc++] = (char *)"0";
	argv[argc++] = (char *)"-b";
	argv[argc++] = (char *)bind;
	for (int i = 0; extra != NULL && extra[i] != NULL && argc < 15; i++)
		argv[argc++] = (char *)extra[i];
	argv[argc] = NULL;
	if (proc_start(p, argv) == -1)
		return -1;
	if ((port = proc_wait_listening(p, NULL, 0, UDPTEST_WAIT_MS)) == -1)
		proc_kill(p);
	return port;
}

int
udptest_run(struct udptest_run *r, const char *argv[], const void *input,
    size_t n, int timeout_ms)
{
	struct proc p;
	char *args[32];
	long start = proc_now_ms(), left;
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; argv[i] != NULL && i < 31; i++)
		args[i] = (char *)argv[i];
	args[i] = NULL;
	if (strchr(argv[0], '/') == NULL)
		args[0] = strdup(proc_bin(argv[0]));
	if (args[0] == NULL || proc_start(&p, args) == -1)
		return -1;
	if (args[0] != argv[0])
		free(args[0]);
	/*
	 * proc_read_all copies from p.out even when the child printed nothing,
	 * and memcpy from NULL is undefined (UBSan stops the test): give it an
	 * empty buffer.  proc_kill frees it.
	 */
	if (p.out == NULL && (p.out = calloc(1, 1)) != NULL)
		p.out_cap = 1;
	if (n > 0)
		proc_write(&p, input, n);	/* a child that quit early: fine */
	proc_close_stdin(&p);
	r->out = malloc(n + 65536 * 2);
	r->out_len = proc_read_all(&p, r->out, n + 65536 * 2 - 1, timeout_ms);
	r->out[r->out_len > 0 ? r->out_len : 0] = '\0';
	left = start + timeout_ms - proc_now_ms();
	r->code = proc_wait(&p, left > 2000 ? (int)left : 2000);
	r->elapsed_ms = proc_now_ms() - start;
	r->err = strdup(proc_stderr(&p));
	proc_kill(&p);
	return 0;
}

void
udptest_run_free(struct udptest_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

static void *
udptest_peer_main(void *arg)
{
	struct udptest_peer *pe = arg;
	unsigned char *buf = malloc(65536);

	while (buf != NULL) {
		struct pollfd pfd[2] = {
			{ .fd = pe->fd, .events = POLLIN },
			{ .fd = pe->stop[0], .events = POLLIN },
		};
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof(from);
		ssize_t n;

		if ((poll(pfd, 2, -1) == -1 && errno != EINTR) || pfd[1].revents != 0)
			break;
		if (pfd[0].revents == 0)
			continue;
		n = recvfrom(pe->fd, buf, 65536, 0,
		    (struct sockaddr *)&from, &fromlen);
		if (n >= 0)
			pe->on_datagram(pe, ++pe->received, buf, (size_t)n, &from, fromlen);
	}
	free(buf);
	return NULL;
}

int
udptest_peer_start(struct udptest_peer *pe, udptest_handler *h, void *ctx)
{
	struct sockaddr_storage a;
	socklen_t len;

	memset(pe, 0, sizeof(*pe));
	pe->on_datagram = h;
	pe->ctx = ctx;
	if ((pe->fd = udptest_socket("127.0.0.1", &a, &len)) == -1)
		return -1;
	pe->port = udptest_port(&a);
	if (pipe(pe->stop) == -1)
		return -1;
	if (pthread_create(&pe->thread, NULL, udptest_peer_main, pe) != 0)
		return -1;
	return 0;
}

void
udptest_peer_stop(struct udptest_peer *pe)
{
	close(pe->stop[1]);
	pthread_join(pe->thread, NULL);
	close(pe->stop[0]);
	close(pe->fd);
}

void
udptest_answer(struct udptest_peer *pe, unsigned char *buf, size_t n,
    const struct sockaddr_storage *to, socklen_t tolen)
{
	uppercase_ascii(buf, n);
	sendto(pe->fd, buf, n, 0, (const struct sockaddr *)to, tolen);
}
