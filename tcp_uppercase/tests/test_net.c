/*
 * test_net.c — the bounded wait, the clock and "try again".
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

Test(net, wait_reports_ready_and_times_out, .timeout = 10)
{
	int sv[2];
	long t0;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	t0 = net_now_ms();
	cr_assert_eq(net_wait(sv[0], POLLIN, 50), 0);
	cr_assert_geq(net_now_ms() - t0, 45);
	cr_assert_eq(write(sv[1], "x", 1), 1);
	cr_assert_eq(net_wait(sv[0], POLLIN, 5000), 1);
	cr_assert_eq(net_wait(sv[0], POLLOUT, 0), 1);
	close(sv[0]);
	close(sv[1]);
}

Test(net, again_means_only_try_later)
{
	cr_assert(net_again(EAGAIN));
	cr_assert(net_again(EWOULDBLOCK));
	cr_assert(net_again(EINTR));
	cr_assert_not(net_again(ECONNRESET));
	cr_assert_not(net_again(EPIPE));
	cr_assert_not(net_again(0));
}
