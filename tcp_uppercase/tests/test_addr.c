/*
 * test_addr.c — addresses as the server prints them: IPv4, IPv6 in brackets,
 * with a scope, and the errors (a foreign family, a short length, a buffer
 * too small, which then holds "?").
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "addr.h"

Test(addr, formats_ipv4_as_addr_colon_port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(12000) };
	char buf[ADDR_STRLEN];

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	cr_assert_eq(addr_format((struct sockaddr *)&sin, sizeof(sin), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "127.0.0.1:12000");
}

Test(addr, formats_ipv6_in_brackets)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(80) };
	char buf[ADDR_STRLEN];

	inet_pton(AF_INET6, "::1", &sin6.sin6_addr);
	cr_assert_eq(addr_format((struct sockaddr *)&sin6, sizeof(sin6), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "[::1]:80");
}

Test(addr, formats_a_full_length_ipv6_address)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(65535) };
	char buf[ADDR_STRLEN];

	inet_pton(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", &sin6.sin6_addr);
	cr_assert_eq(addr_format((struct sockaddr *)&sin6, sizeof(sin6), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
}

Test(addr, refuses_to_truncate_and_non_ip_families)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(12000) };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char buf[ADDR_STRLEN];

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	cr_assert_eq(addr_format((struct sockaddr *)&sin, sizeof(sin), buf, 10), -1);
	cr_assert_str_eq(buf, "?");
	cr_assert_eq(addr_format((struct sockaddr *)&sun, sizeof(sun), buf, sizeof(buf)), -1);
	cr_assert_str_eq(buf, "?");
	cr_assert_eq(addr_format((struct sockaddr *)&sin, sizeof(sin) - 1, buf, sizeof(buf)), -1);
}

Test(addr, formats_an_ipv6_scope_as_a_number)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(12000),
		.sin6_scope_id = 2 };
	char buf[ADDR_STRLEN];

	inet_pton(AF_INET6, "fe80::1", &sin6.sin6_addr);
	cr_assert_eq(addr_format((struct sockaddr *)&sin6, sizeof(sin6), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "[fe80::1%2]:12000");
}
