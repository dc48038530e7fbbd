/*
 * test_net.c — address formatting and the bounded wait.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "net.h"

Test(net, formats_ipv4_as_addr_colon_port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(12000) };
	char buf[NET_ADDRSTRLEN];

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	cr_assert_eq(net_format_addr((struct sockaddr *)&sin, sizeof(sin), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "127.0.0.1:12000");
}

Test(net, formats_ipv6_in_brackets)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(80) };
	char buf[NET_ADDRSTRLEN];

	inet_pton(AF_INET6, "::1", &sin6.sin6_addr);
	cr_assert_eq(net_format_addr((struct sockaddr *)&sin6, sizeof(sin6), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "[::1]:80");
}

Test(net, formats_a_full_length_ipv6_address)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(65535) };
	char buf[NET_ADDRSTRLEN];

	inet_pton(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", &sin6.sin6_addr);
	cr_assert_eq(net_format_addr((struct sockaddr *)&sin6, sizeof(sin6), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
}

Test(net, refuses_to_truncate_and_non_ip_families)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(12000) };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char buf[NET_ADDRSTRLEN];

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	cr_assert_eq(net_format_addr((struct sockaddr *)&sin, sizeof(sin), buf, 10), -1);
	cr_assert_eq(net_format_addr((struct sockaddr *)&sun, sizeof(sun), buf, sizeof(buf)), -1);
}

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
