/*
 * test_addr.c — addresses as printed (IPv4, IPv6 in brackets, scope, v4-mapped,
 * errors) and as compared (family, address, port, scope; not flow info).
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "addr.h"

static struct sockaddr_in
v4(const char *host, int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	cr_assert_eq(inet_pton(AF_INET, host, &a.sin_addr), 1);
	return a;
}

static struct sockaddr_in6
v6(const char *host, int port)
{
	struct sockaddr_in6 a;

	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons((unsigned short)port);
	cr_assert_eq(inet_pton(AF_INET6, host, &a.sin6_addr), 1);
	return a;
}

#define SA(x) ((struct sockaddr *)&(x))

Test(addr, formats_ipv4_as_address_colon_port)
{
	struct sockaddr_in a = v4("127.0.0.1", 12000), b = v4("0.0.0.0", 0);
	char buf[ADDR_STRLEN];

	cr_assert_eq(addr_format(SA(a), sizeof(a), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "127.0.0.1:12000");
	cr_assert_eq(addr_format(SA(b), sizeof(b), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "0.0.0.0:0");
}

Test(addr, formats_ipv6_in_brackets)
{
	struct sockaddr_in6 a = v6("::1", 65535), b = v6("2001:db8::1:0:0:1", 80);
	struct sockaddr_in6 c = v6("::ffff:127.0.0.1", 7), d = v6("::", 1);
	char buf[ADDR_STRLEN];

	cr_assert_eq(addr_format(SA(a), sizeof(a), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "[::1]:65535");
	cr_assert_eq(addr_format(SA(b), sizeof(b), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "[2001:db8::1:0:0:1]:80");
	cr_assert_eq(addr_format(SA(c), sizeof(c), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "[::ffff:127.0.0.1]:7");
	cr_assert_eq(addr_format(SA(d), sizeof(d), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "[::]:1");
}

Test(addr, formats_ipv6_scope)
{
	struct sockaddr_in6 a = v6("fe80::1", 9);
	char buf[ADDR_STRLEN];

	a.sin6_scope_id = 2;
	cr_assert_eq(addr_format(SA(a), sizeof(a), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "[fe80::1%2]:9");
}

Test(addr, fits_the_longest_address)
{
	struct sockaddr_in6 a = v6("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 65535);
	char buf[ADDR_STRLEN];

	a.sin6_scope_id = 4294967295u;
	cr_assert_eq(addr_format(SA(a), sizeof(a), buf, sizeof(buf)), 0, "%s", buf);
}

Test(addr, refuses_what_it_cannot_format)
{
	struct sockaddr_in a = v4("10.1.2.3", 5);
	struct sockaddr_storage un;
	char buf[ADDR_STRLEN], small[8];

	memset(&un, 0, sizeof(un));
	un.ss_family = AF_UNIX;
	cr_assert_eq(addr_format(SA(un), sizeof(un), buf, sizeof(buf)), -1);
	cr_assert_str_eq(buf, "?");
	cr_assert_eq(addr_format(SA(a), sizeof(a) - 1, buf, sizeof(buf)), -1, "length too short");
	cr_assert_eq(addr_format(SA(a), sizeof(a), small, sizeof(small)), -1, "buffer too small");
	cr_assert_str_eq(small, "?");
}

Test(addr, equal_means_same_family_address_and_port)
{
	struct sockaddr_in a = v4("127.0.0.1", 1000), b = v4("127.0.0.1", 1000);
	struct sockaddr_in c = v4("127.0.0.1", 1001), d = v4("127.0.0.2", 1000);
	struct sockaddr_in6 e = v6("::ffff:127.0.0.1", 1000);

	memset(b.sin_zero, 0xAA, sizeof(b.sin_zero));	/* padding does not count */
	cr_assert_eq(addr_equal(SA(a), sizeof(a), SA(b), sizeof(b)), 1);
	cr_assert_eq(addr_equal(SA(a), sizeof(a), SA(c), sizeof(c)), 0, "other port");
	cr_assert_eq(addr_equal(SA(a), sizeof(a), SA(d), sizeof(d)), 0, "other address");
	cr_assert_eq(addr_equal(SA(a), sizeof(a), SA(e), sizeof(e)), 0, "other family");
	cr_assert_eq(addr_equal(SA(a), sizeof(a) - 1, SA(b), sizeof(b)), 0, "short length");
}

Test(addr, equal_for_ipv6_ignores_flow_info_but_not_scope)
{
	struct sockaddr_in6 a = v6("fe80::1", 53), b = v6("fe80::1", 53);
	struct sockaddr_in6 c = v6("fe80::2", 53);

	b.sin6_flowinfo = htonl(12345);
	cr_assert_eq(addr_equal(SA(a), sizeof(a), SA(b), sizeof(b)), 1);
	cr_assert_eq(addr_equal(SA(a), sizeof(a), SA(c), sizeof(c)), 0);
	b.sin6_scope_id = 3;
	cr_assert_eq(addr_equal(SA(a), sizeof(a), SA(b), sizeof(b)), 0, "other scope");
}
