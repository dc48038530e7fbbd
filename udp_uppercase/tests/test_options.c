/*
 * test_options.c — command lines, good and bad, table-driven: ports, numbers
 * in range, hosts with and without brackets, and the structs both programs
 * get.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "options.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

Test(options, accepts_ports_in_range)
{
	static const struct { const char *s; int min; unsigned want; } ok[] = {
		{ "0", 0, 0 }, { "1", 1, 1 }, { "12000", 1, 12000 },
		{ "65535", 0, 65535 }, { "080", 1, 80 },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		unsigned port = 99;

		cr_assert_eq(options_parse_port(ok[i].s, ok[i].min, &port), 0, "'%s'", ok[i].s);
		cr_assert_eq(port, ok[i].want, "'%s' gave %u", ok[i].s, port);
	}
}

Test(options, rejects_bad_ports)
{
	static const char *bad[] = {
		"", "-1", "+1", " 1", "1 ", "65536", "70000", "0x10", "1e3",
		"abc", "12a", "99999999999999999999999", "4294967297",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned port = 7;

		cr_assert_eq(options_parse_port(bad[i], 0, &port), -1, "'%s' accepted", bad[i]);
		cr_assert_eq(port, 7, "'%s' changed the port", bad[i]);
	}
	cr_assert_eq(options_parse_port("0", 1, &(unsigned){ 0 }), -1, "port 0 where 1 is the least");
}

Test(options, checks_number_ranges)
{
	long v;

	cr_assert_eq(options_parse_int("1", 1, 10, &v), 0);
	cr_assert_eq(v, 1);
	cr_assert_eq(options_parse_int("10", 1, 10, &v), 0);
	cr_assert_eq(v, 10);
	cr_assert_eq(options_parse_int("0", 1, 10, &v), -1);
	cr_assert_eq(options_parse_int("11", 1, 10, &v), -1);
	cr_assert_eq(options_parse_int("5s", 1, 10, &v), -1);
	cr_assert_eq(options_parse_int("-3", -5, 10, &v), -1, "signs are not digits");
}

Test(options, strips_brackets_from_hosts)
{
	char out[OPTIONS_HOST_MAX];

	cr_assert_eq(options_parse_host("[::1]", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "::1");
	cr_assert_eq(options_parse_host("::1", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "::1");
	cr_assert_eq(options_parse_host("example.org", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "example.org");
	cr_assert_eq(options_parse_host("127.0.0.1", out, 10), 0);
	cr_assert_eq(options_parse_host("127.0.0.1", out, 9), -1, "too long");
	cr_assert_eq(options_parse_host("", out, sizeof(out)), -1);
	cr_assert_eq(options_parse_host("[]", out, sizeof(out)), -1);
	cr_assert_eq(options_parse_host("[::1", out, sizeof(out)), -1);
	cr_assert_eq(options_parse_host("::1]", out, sizeof(out)), -1);
	cr_assert_eq(options_parse_host("[[::1]]", out, sizeof(out)), -1);
}

Test(options, server_defaults_to_port_12000_on_ipv4)
{
	char *argv[] = { "udp_server", NULL };
	struct options_server o;
	char msg[128];

	cr_assert_eq(options_parse_server(ARGC(argv), argv, &o, msg, sizeof(msg)), OPTIONS_OK);
	cr_assert_str_eq(o.bind_host, "0.0.0.0");
	cr_assert_str_eq(o.port, "12000");
	cr_assert_eq(o.verbose, 0);
}

Test(options, server_takes_address_port_and_verbose)
{
	char *argv[] = { "udp_server", "-b", "[::1]", "-p", "0", "-v", NULL };
	struct options_server o;
	char msg[128];

	cr_assert_eq(options_parse_server(ARGC(argv), argv, &o, msg, sizeof(msg)), OPTIONS_OK);
	cr_assert_str_eq(o.bind_host, "::1");
	cr_assert_str_eq(o.port, "0");
	cr_assert_eq(o.verbose, 1);
}

Test(options, server_rejects_bad_command_lines)
{
	static const struct { char *argv[5]; const char *says; } bad[] = {
		{ { "udp_server", "-p", "70000" }, "bad port '70000'" },
		{ { "udp_server", "-p", "-1" }, "bad port '-1'" },
		{ { "udp_server", "-p" }, "-p needs a value" },
		{ { "udp_server", "-x" }, "unknown option -x" },
		{ { "udp_server", "--bogus" }, "unknown option --bogus" },
		{ { "udp_server", "extra" }, "unexpected argument 'extra'" },
		{ { "udp_server", "-b", "" }, "bad address" },
		{ { "udp_server", "-b", "[::1" }, "bad address" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[5];
		int argc = 0;
		struct options_server o;
		char msg[128] = "";

		while (bad[i].argv[argc] != NULL)
			argc++;
		memcpy(argv, bad[i].argv, sizeof(argv));
		cr_assert_eq(options_parse_server(argc, argv, &o, msg, sizeof(msg)), OPTIONS_BAD, "case %zu", i);
		cr_assert(strstr(msg, bad[i].says) != NULL, "case %zu: '%s' lacks '%s'", i, msg, bad[i].says);
	}
}

Test(options, help_is_not_an_error)
{
	char *a1[] = { "udp_server", "--help", NULL };
	char *a2[] = { "udp_client", "-h", NULL };
	struct options_server so;
	struct options_client co;
	char msg[128];

	cr_assert_eq(options_parse_server(ARGC(a1), a1, &so, msg, sizeof(msg)), OPTIONS_HELP);
	cr_assert_eq(options_parse_client(ARGC(a2), a2, &co, msg, sizeof(msg)), OPTIONS_HELP);
}

Test(options, client_defaults_and_values)
{
	char *a1[] = { "udp_client", "localhost", "12000", NULL };
	char *a2[] = { "udp_client", "-t", "250", "-r", "0", "[::1]", "9", NULL };
	struct options_client o;
	char msg[128];

	cr_assert_eq(options_parse_client(ARGC(a1), a1, &o, msg, sizeof(msg)), OPTIONS_OK);
	cr_assert_str_eq(o.host, "localhost");
	cr_assert_str_eq(o.port, "12000");
	cr_assert_eq(o.timeout_ms, OPTIONS_DEFAULT_TIMEOUT_MS);
	cr_assert_eq(o.retries, OPTIONS_DEFAULT_RETRIES);
	cr_assert_eq(options_parse_client(ARGC(a2), a2, &o, msg, sizeof(msg)), OPTIONS_OK);
	cr_assert_str_eq(o.host, "::1");
	cr_assert_str_eq(o.port, "9");
	cr_assert_eq(o.timeout_ms, 250);
	cr_assert_eq(o.retries, 0);
}

Test(options, client_rejects_bad_command_lines)
{
	static const struct { char *argv[7]; const char *says; } bad[] = {
		{ { "udp_client" }, "missing HOST and PORT" },
		{ { "udp_client", "localhost" }, "missing PORT" },
		{ { "udp_client", "h", "1", "2" }, "unexpected argument '2'" },
		{ { "udp_client", "h", "0" }, "bad port '0'" },
		{ { "udp_client", "h", "65536" }, "bad port '65536'" },
		{ { "udp_client", "", "1" }, "bad host" },
		{ { "udp_client", "-t", "0", "h", "1" }, "bad timeout '0'" },
		{ { "udp_client", "-t", "3600001", "h", "1" }, "bad timeout" },
		{ { "udp_client", "-t", "5s", "h", "1" }, "bad timeout '5s'" },
		{ { "udp_client", "-r", "-1", "h", "1" }, "bad retry count '-1'" },
		{ { "udp_client", "-r", "1001", "h", "1" }, "bad retry count" },
		{ { "udp_client", "-xv", "h", "1" }, "unknown option -x" },
		{ { "udp_client", "-t" }, "-t needs a value" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[7];
		int argc = 0;
		struct options_client o;
		char msg[128] = "";

		while (bad[i].argv[argc] != NULL)
			argc++;
		memcpy(argv, bad[i].argv, sizeof(argv));
		cr_assert_eq(options_parse_client(argc, argv, &o, msg, sizeof(msg)), OPTIONS_BAD, "case %zu", i);
		cr_assert(strstr(msg, bad[i].says) != NULL, "case %zu: '%s' lacks '%s'", i, msg, bad[i].says);
	}
}

Test(options, parses_again_after_a_half_read_cluster)
{
	char *a1[] = { "udp_client", "-xt", "5", "h", "1", NULL };
	char *a2[] = { "udp_client", "-t", "5", "h", "1", NULL };
	struct options_client o;
	char msg[128];

	cr_assert_eq(options_parse_client(ARGC(a1), a1, &o, msg, sizeof(msg)), OPTIONS_BAD);
	cr_assert_eq(options_parse_client(ARGC(a2), a2, &o, msg, sizeof(msg)), OPTIONS_OK, "%s", msg);
	cr_assert_eq(o.timeout_ms, 5);
}
