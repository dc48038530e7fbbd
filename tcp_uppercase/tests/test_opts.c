/*
 * test_opts.c — both programs' command lines: defaults, every option, and a
 * clear reason for every kind of bad usage.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "opts.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static char why[256];

static enum opts_status
server(char **argv, int argc, struct opts_server *o)
{
	why[0] = '\0';
	return opts_parse_server(argc, argv, o, why, sizeof(why));
}

static enum opts_status
client(char **argv, int argc, struct opts_client *o)
{
	why[0] = '\0';
	return opts_parse_client(argc, argv, o, why, sizeof(why));
}

Test(opts, server_defaults)
{
	char *argv[] = { "tcp_server", NULL };
	struct opts_server o;

	cr_assert_eq(server(argv, ARGC(argv), &o), OPTS_OK);
	cr_assert_null(o.bind_addr);
	cr_assert_str_eq(o.port, "12000");
	cr_assert_eq(o.verbose, 0);
	cr_assert_eq(o.max_clients, 0);
	cr_assert_eq(o.idle_timeout_ms, OPTS_DEFAULT_IDLE_MS);
	cr_assert_eq(o.mode, OPTS_MODE_POLL);
}

Test(opts, server_takes_every_option)
{
	char *argv[] = { "tcp_server", "-b", "::1", "-p0", "-v", "--max-clients", "7",
		"--idle-timeout=250", "--mode", "fork", NULL };
	struct opts_server o;

	cr_assert_eq(server(argv, ARGC(argv), &o), OPTS_OK, "%s", why);
	cr_assert_str_eq(o.bind_addr, "::1");
	cr_assert_str_eq(o.port, "0");
	cr_assert_eq(o.verbose, 1);
	cr_assert_eq(o.max_clients, 7);
	cr_assert_eq(o.idle_timeout_ms, 250);
	cr_assert_eq(o.mode, OPTS_MODE_FORK);
}

Test(opts, server_knows_every_mode_by_name)
{
	for (int m = 0; m < OPTS_MODE_COUNT; m++) {
		char mode[32];
		char *argv[] = { "tcp_server", "--mode", mode, NULL };
		struct opts_server o;

		snprintf(mode, sizeof(mode), "%s", opts_mode_names[m]);
		cr_assert_eq(server(argv, ARGC(argv), &o), OPTS_OK, "%s", why);
		cr_assert_eq((int)o.mode, m);
	}
}

Test(opts, server_help_is_not_an_error)
{
	char *argv[] = { "tcp_server", "--help", NULL };
	struct opts_server o;

	cr_assert_eq(server(argv, ARGC(argv), &o), OPTS_HELP);
}

struct bad_case {
	char *args[4];
	const char *reason;	/* a piece of the expected reason */
};

Test(opts, server_rejects_bad_usage_with_a_reason)
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
		struct opts_server o;

		for (int k = 0; k < 4 && cases[i].args[k] != NULL; k++)
			argv[argc++] = cases[i].args[k];
		argv[argc] = NULL;
		cr_assert_eq(server(argv, argc, &o), OPTS_USAGE, "case %zu accepted", i);
		cr_assert(strstr(why, cases[i].reason) != NULL, "case %zu: reason '%s' lacks '%s'",
		    i, why, cases[i].reason);
	}
}

Test(opts, client_takes_host_port_and_timeout)
{
	char *argv[] = { "tcp_client", "-t", "250", "::1", "5000", NULL };
	struct opts_client o;

	cr_assert_eq(client(argv, ARGC(argv), &o), OPTS_OK, "%s", why);
	cr_assert_eq(o.timeout_ms, 250);
	cr_assert_str_eq(o.host, "::1");
	cr_assert_str_eq(o.port, "5000");
}

Test(opts, client_default_timeout)
{
	char *argv[] = { "tcp_client", "localhost", "1", NULL };
	struct opts_client o;

	cr_assert_eq(client(argv, ARGC(argv), &o), OPTS_OK, "%s", why);
	cr_assert_eq(o.timeout_ms, OPTS_DEFAULT_TIMEOUT_MS);
}

Test(opts, client_rejects_bad_usage_with_a_reason)
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
		struct opts_client o;

		for (int k = 0; k < 4 && cases[i].args[k] != NULL; k++)
			argv[argc++] = cases[i].args[k];
		argv[argc] = NULL;
		cr_assert_eq(client(argv, argc, &o), OPTS_USAGE, "case %zu accepted", i);
		cr_assert(strstr(why, cases[i].reason) != NULL, "case %zu: reason '%s' lacks '%s'",
		    i, why, cases[i].reason);
	}
}

Test(opts, parse_long_checks_the_whole_string_and_the_range)
{
	long v = 99;

	cr_assert_eq(opts_parse_long("42", 0, 100, &v), 0);
	cr_assert_eq(v, 42);
	cr_assert_eq(opts_parse_long("101", 0, 100, &v), -1);
	cr_assert_eq(opts_parse_long(" 1", 0, 100, &v), -1);
	cr_assert_eq(opts_parse_long("+1", 0, 100, &v), -1);
	cr_assert_eq(opts_parse_long("1 ", 0, 100, &v), -1);
	cr_assert_eq(opts_parse_long("", 0, 100, &v), -1);
	cr_assert_eq(opts_parse_long(NULL, 0, 100, &v), -1);
	cr_assert_eq(v, 42);
}
