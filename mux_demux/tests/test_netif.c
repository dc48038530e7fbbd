/*
 * test_netif.c — the helpers every program of this directory shares through
 * netif: the clock, address comparison and parsing.  (The socket and its impairments
 * are tested through the hosts, in test_hosts.c.)
 */
#include <criterion/criterion.h>
#include <time.h>

#include "netif.h"

static uint64_t
monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

Test(netif, clock_counts_microseconds_of_the_monotonic_clock)
{
	for (int i = 0; i < 1000; i++) {
		uint64_t before = monotonic_us();
		uint64_t now = netif_clock_us();
		uint64_t after = monotonic_us();

		cr_assert(before <= now && now <= after,
		    "netif_clock_us %llu outside [%llu, %llu]", (unsigned long long)now,
		    (unsigned long long)before, (unsigned long long)after);
	}
}

Test(netif, same_addr_wants_the_address_and_the_port)
{
	struct segment_netaddr a = { .ip = 0x7f000001, .port = 4000 };
	struct segment_netaddr same = a, other_ip = a, other_port = a;

	other_ip.ip = 0x7f000002;
	other_port.port = 4001;
	cr_assert(netif_same_addr(&a, &same));
	cr_assert(!netif_same_addr(&a, &other_ip));
	cr_assert(!netif_same_addr(&a, &other_port));
	cr_assert(!netif_same_addr(&other_ip, &other_port));
}

Test(netif, parse_reads_an_address_and_a_port)
{
	struct segment_netaddr a;

	cr_assert_eq(netif_parse("127.0.0.1:4000", &a), 0);
	cr_assert_eq(a.ip, 0x7f000001u);
	cr_assert_eq(a.port, 4000);
	cr_assert_eq(netif_parse("10.1.2.3:65535", &a), 0);
	cr_assert_eq(a.ip, 0x0a010203u);
	cr_assert_eq(a.port, 65535);
}

/* The port is read as every number of this directory is (cli_parse_number):
 * strtoul alone would take "+4000" and " 4000". */
Test(netif, parse_refuses_a_bad_address_or_port)
{
	static const char *const bad[] = {
		"127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
		"127.0.0.1:4000x", "127.0.0.1:+4000", "127.0.0.1: 4000",
		"127.0.0.1:-1", "127.0.0.1:99999999999999999999999",
		"localhost:4000", "127.0.0:4000", ":4000",
	};
	struct segment_netaddr a = { .ip = 1, .port = 2 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(netif_parse(bad[i], &a), -1, "%s", bad[i]);
}
