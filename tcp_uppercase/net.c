/*
 * net.c — see net.h.
 */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <time.h>

int
net_again(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == EINTR;
}

int
net_set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return -1;
	return 0;
}

long
net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
net_wait(int fd, short events, long timeout_ms)
{
	long until = net_now_ms() + timeout_ms;
	struct pollfd pfd = { .fd = fd, .events = events };

	for (;;) {
		long left = timeout_ms < 0 ? -1 : until - net_now_ms();
		int n;

		if (timeout_ms >= 0 && left < 0)
			left = 0;
		n = poll(&pfd, 1, (int)left);
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

int
net_format_addr(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap)
{
	char host[INET6_ADDRSTRLEN + 16], serv[8];	/* + room for a "%scope" */
	int n;

	if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
		return -1;
	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
		NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return -1;
	if (sa->sa_family == AF_INET6)
		n = snprintf(buf, cap, "[%s]:%s", host, serv);
	else
		n = snprintf(buf, cap, "%s:%s", host, serv);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}
