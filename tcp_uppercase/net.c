/*
 * net.c — see net.h.
 */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
