/*
 * test_net.c — endpoint comparison looks at family, address and port only;
 * net_set_nonblocking adds the flag and keeps the others.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

/* An endpoint of family af (AF_INET or AF_INET6), zeroed around it. */
static struct sockaddr_storage
endpoint(int af, const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *b = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)af;
	if (af == AF_INET)
		a->sin_port = htons(port);
	else
		b->sin6_port = htons(port);
	cr_assert_eq(inet_pton(af, ip, af == AF_INET ? (void *)&a->sin_addr :
	    (void *)&b->sin6_addr), 1);
	return ss;
}

#define SA(x) ((const struct sockaddr *)&(x))

/* Two copies of one endpoint that differ only in what names no endpoint:
 * IPv4's padding, IPv6's flow label and scope. */
static void
add_noise(struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		memset(((struct sockaddr_in *)ss)->sin_zero, 0xaa, 8);
	} else {
		((struct sockaddr_in6 *)ss)->sin6_flowinfo = htonl(0x12345);
		((struct sockaddr_in6 *)ss)->sin6_scope_id = 3;
	}
}

Test(net, endpoints_equal_by_family_address_and_port_only)
{
	static const struct { int af; const char *ip, *other; } c[] = {
		{ AF_INET, "10.0.0.1", "10.0.0.2" },
		{ AF_INET6, "2001:db8::1", "2001:db8::2" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct sockaddr_storage a = endpoint(c[i].af, c[i].ip, 6881);
		struct sockaddr_storage b = a;

		add_noise(&b);
		cr_expect(net_addr_equal(SA(a), SA(b)), "%s: noise counted", c[i].ip);
		b = endpoint(c[i].af, c[i].ip, 6882);
		cr_expect(!net_addr_equal(SA(a), SA(b)), "%s: another port", c[i].ip);
		b = endpoint(c[i].af, c[i].other, 6881);
		cr_expect(!net_addr_equal(SA(a), SA(b)), "%s: another address",
		    c[i].ip);
	}
}

Test(net, families_never_mix)
{
	struct sockaddr_storage a = endpoint(AF_INET, "127.0.0.1", 6881);
	struct sockaddr_storage b = endpoint(AF_INET6, "::ffff:127.0.0.1", 6881);
	struct sockaddr_storage u, w;

	cr_expect(!net_addr_equal(SA(a), SA(b)));
	memset(&u, 0, sizeof(u));
	memset(&w, 0, sizeof(w));
	u.ss_family = w.ss_family = AF_UNIX;
	cr_expect(!net_addr_equal(SA(u), SA(w)), "only inet families compare");
}

Test(net, set_nonblocking_adds_the_flag_and_keeps_others)
{
	int fds[2];

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(fcntl(fds[1], F_SETFL, O_APPEND), 0);
	cr_expect_eq(net_set_nonblocking(fds[1]), 0);
	cr_expect(fcntl(fds[1], F_GETFL) & O_NONBLOCK);
	cr_expect(fcntl(fds[1], F_GETFL) & O_APPEND);
	close(fds[0]);
	close(fds[1]);
	cr_expect_eq(net_set_nonblocking(fds[0]), -1, "a closed descriptor");
}
