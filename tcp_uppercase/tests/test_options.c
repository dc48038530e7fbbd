/*
 * test_options.c — both programs' command lines: defaults, every option, and a
 * clear reason for every kind of bad usage.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "options.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static char why[256];

static enum options_status
server(char **argv, int argc, struct options_server *o)
{
	why[0] = '\0';
	return options_parse_server(argc, argv, o, why, sizeof(why));
}

static enum options_status
client(char **argv, int argc, struct options_client *o)
{
	why[0] = '\0';
	return options_parse_client(argc, argv, o, why, sizeof(why));
}

Test(options, server_defaults)
{
	char *argv[] = { "tcp_server", NULL };
	struct options_server o;

	cr_assert_eq(server(argv, ARGC(argv), &o), OPTIONS_OK);
	cr_assert_null(o.bind_addr);
	cr_assert_str_eq(o.port, "12000");
	cr_assert_eq(o.verbose, 0);
	cr_assert_eq(o.max_clients, 0);
	cr_assert_eq(o.idle_timeout_ms, OPTIONS_DEFAULT_IDLE_MS);
	cr_assert_eq(o.mode, OPTIONS_MODE_POLL);
}

Test(options, server_takes_every_option)
{
	char *argv[] = { "tcp_server", "-b", "::1", "-p0", "-v", "--max-clients", "7",
		"--idle-timeout=250", "--mode", "fork", NULL };
	struct options_server o;

	cr_assert_eq(server(argv, ARGC(argv), &o), OPTIONS_OK, "%s", why);
	cr_assert_str_eq(o.bind_addr, "::1");
	cr_assert_str_eq(o.port, "0");
	cr_assert_eq(o.verbose, 1);
	cr_assert_eq(o.max_clients, 7);
	cr_assert_eq(o.idle_timeout_ms, 250);
	cr_assert_eq(o.mode, OPTIONS_MODE_FORK);
}

Test(options, server_knows_every_mode_by_name)
{
	for (int m = 0; m < OPTIONS_MODE_COUNT; m++) {
		char mode[32];
		char *argv[] = { "tcp_server", "--mode", mode, NULL };
		struct options_server o;

		snprintf(mode, sizeof(mode), "%s", options_mode_names[m]);
		cr_assert_eq(server(argv, ARGC(argv), &o), OPTIONS_OK, "%s", why);
		cr_assert_eq((int)o.mode, m);
	}
}

Test(options, server_help_is_not_an_error)
{
	char *argv[] = { "tcp_server", "--help", NULL };
	struct options_server o;

	cr_assert_eq(server(argv, ARGC(argv), &o), OPTIONS_HELP);
}

struct bad_case {
	char *args[4];
	const char *reason;	/* a piece of the expected reason */
};

Test(options, server_rejects_bad_usage_with_a_reason)
{
	static const struct bad_case cases[] = {
		{ { "-p", "65536" }, "-p '65536'" },
		{ { "-p", "-1" }, "-p '-1'" },
		{ { "-p", "12ab" }, "-p '12ab'" },
		{ { "-p", "" }, "-p ''" },
		{ { "-p" }, "'-p' needs a value" },
		{ { "-x" }, "unknown option '-x'" },
		{ { "--bogus" }, "unknown option '--bogus'" },
		{ { "--max-clients", "0" }, "--max-clients '0'" },
		{ { "--max-clients", "99999999999999999999" }, "--max-clients" },
		{ { "--idle-timeout", "-5" }, "--idle-timeout '-5'" },
		{ { "--mode", "threads" }, "--mode 'threads'" },
		{ { "--mode" }, "'--mode' needs a value" },
		{ { "extra" }, "unexpected argument 'extra'" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[6] = { "tcp_server" };
		int argc = 1;
		struct options_server o;

		for (int k = 0; k < 4 && cases[i].args[k] != NULL; k++)
			argv[argc++] = cases[i].args[k];
		argv[argc] = NULL;
		cr_assert_eq(server(argv, argc, &o), OPTIONS_BAD, "case %zu accepted", i);
		cr_assert(strstr(why, cases[i].reason) != NULL, "case %zu: reason '%s' lacks '%s'",
		    i, why, cases[i].reason);
	}
}

Test(options, client_takes_host_port_and_timeout)
{
	char *argv[] = { "tcp_client", "-t", "250", "::1", "5000", NULL };
	struct options_client o;

	cr_assert_eq(client(argv, ARGC(argv), &o), OPTIONS_OK, "%s", why);
	cr_assert_eq(o.timeout_ms, 250);
	cr_assert_str_eq(o.host, "::1");
	cr_assert_str_eq(o.port, "5000");
}

Test(options, client_default_timeout)
{
	char *argv[] = { "tcp_client", "localhost", "1", NULL };
	struct options_client o;

	cr_assert_eq(client(argv, ARGC(argv), &o), OPTIONS_OK, "%s", why);
	cr_assert_eq(o.timeout_ms, OPTIONS_DEFAULT_TIMEOUT_MS);
}

Test(options, client_rejects_bad_usage_with_a_reason)
{
	static const struct bad_case cases[] = {
		{ { "host" }, "want HOST and PORT, got 1 argument" },
		{ { "host", "1", "2" }, "got 3 arguments" },
		{ { "host", "0" }, "PORT '0'" },
		{ { "host", "65536" }, "PORT '65536'" },
		{ { "host", "http" }, "PORT 'http'" },
		{ { "-t", "0", "host", "1" }, "-t '0'" },
		{ { "-t", "soon", "host" }, "-t 'soon'" },
		{ { "-v", "host", "1" }, "unknown option '-v'" },
		{ { "host", "1", "-t" }, "'-t' needs a value" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[6] = { "tcp_client" };
		int argc = 1;
		struct options_client o;

		for (int k = 0; k < 4 && cases[i].args[k] != NULL; k++)
			argv[argc++] = cases[i].args[k];
		argv[argc] = NULL;
		cr_assert_eq(client(argv, argc, &o), OPTIONS_BAD, "case %zu accepted", i);
		cr_assert(strstr(why, cases[i].reason) != NULL, "case %zu: reason '%s' lacks '%s'",
		    i, why, cases[i].reason);
	}
}

Test(options, parse_int_checks_the_whole_string_and_the_range)
{
	long v = 99;

	cr_assert_eq(options_parse_int("42", 0, 100, &v), 0);
	cr_assert_eq(v, 42);
	cr_assert_eq(options_parse_int("101", 0, 100, &v), -1);
	cr_assert_eq(options_parse_int(" 1", 0, 100, &v), -1);
	cr_assert_eq(options_parse_int("+1", 0, 100, &v), -1);
	cr_assert_eq(options_parse_int("\t1", 0, 100, &v), -1);
	cr_assert_eq(options_parse_int("-0", 0, 100, &v), -1);
	cr_assert_eq(options_parse_int("1 ", 0, 100, &v), -1);
	cr_assert_eq(options_parse_int("", 0, 100, &v), -1);
	cr_assert_eq(options_parse_int(NULL, 0, 100, &v), -1);
	cr_assert_eq(v, 42);
}
