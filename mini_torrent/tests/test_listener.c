/*
 * test_listener.c — mt-peer's listening socket on loopback: the port the
 * kernel gives for -p 0, the name printed in "listening on", the address to
 * dial from, our own addresses, and the failures (bad -b, port taken).
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "listener.h"

static uint16_t
port_of(const struct sockaddr_storage *ss)
{
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static uint32_t
ip_of(const struct sockaddr_storage *ss)
{
	return ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr);
}

Test(listener, port_zero_binds_a_port_and_names_it, .timeout = 10)
{
	struct listener l;
	struct sockaddr_in to = { .sin_family = AF_INET };
	char want[80];
	int c;

	cr_assert_eq(listener_open(&l, "127.0.0.1", 0), LISTENER_OK, "%s",
	    l.error);
	cr_expect_neq(l.port, 0);
	snprintf(want, sizeof(want), "127.0.0.1:%u", l.port);
	cr_expect_str_eq(l.name, want);
	cr_expect(fcntl(l.fd, F_GETFL) & O_NONBLOCK);
	to.sin_port = htons(l.port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_geq(c = socket(AF_INET, SOCK_STREAM, 0), 0);
	cr_expect_eq(connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
	close(c);
	cr_expect_eq(listener_close(&l), 0);
	cr_expect_eq(l.fd, -1);
}

Test(listener, a_named_address_is_dialled_from_and_is_us, .timeout = 10)
{
	struct listener l;
	struct sockaddr_storage self[2];

	cr_assert_eq(listener_open(&l, "127.0.0.2", 0), LISTENER_OK, "%s",
	    l.error);
	cr_expect_eq(l.src_len, sizeof(struct sockaddr_in));
	cr_expect_eq(ip_of(&l.src), 0x7f000002);
	cr_expect_eq(port_of(&l.src), 0, "dial from any port");
	cr_assert_eq(listener_self(&l, self), 2);
	cr_expect_eq(ip_of(&self[0]), 0x7f000002);
	cr_expect_eq(port_of(&self[0]), l.port);
	cr_expect_eq(ip_of(&self[1]), INADDR_LOOPBACK);
	cr_expect_eq(port_of(&self[1]), l.port);
	listener_close(&l);
}

Test(listener, the_wildcard_is_never_dialled_from, .timeout = 10)
{
	struct listener l;
	struct sockaddr_storage self[2];

	cr_assert_eq(listener_open(&l, "0.0.0.0", 0), LISTENER_OK, "%s",
	    l.error);
	cr_expect_eq(l.src_len, 0);
	cr_assert_eq(listener_self(&l, self), 1);
	cr_expect_eq(self[0].ss_family, AF_INET);
	cr_expect_eq(ip_of(&self[0]), INADDR_LOOPBACK);
	cr_expect_eq(port_of(&self[0]), l.port);
	listener_close(&l);
}

Test(listener, a_name_is_not_an_address, .timeout = 10)
{
	struct listener l;

	cr_expect_eq(listener_open(&l, "nope", 0), LISTENER_BAD_ADDRESS);
	cr_expect(strncmp(l.error, "bad address nope: ", 18) == 0, "%s",
	    l.error);
	cr_expect_eq(l.fd, -1);
}

Test(listener, a_taken_port_names_the_bind, .timeout = 10)
{
	struct listener a, b;
	char want[80];

	cr_assert_eq(listener_open(&a, "127.0.0.1", 0), LISTENER_OK);
	cr_expect_eq(listener_open(&b, "127.0.0.1", a.port), LISTENER_FAILED);
	cr_expect_eq(errno, EADDRINUSE);
	snprintf(want, sizeof(want), "bind 127.0.0.1:%u", a.port);
	cr_expect_str_eq(b.error, want);
	cr_expect_eq(b.fd, -1);
	listener_close(&a);
}
