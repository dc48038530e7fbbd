/*
 * test_peeropts.c — mt-peer's command line: the defaults, what each option
 * stores, and the one line a bad value earns: mt-peer prints it as
 * "mt-peer: LINE (see mt-peer --help)" and exits 2.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <string.h>

#include "peeropts.h"

#define MAXARGS 40

/* Parses the words of line (space separated) after "mt-peer". */
static enum peeropts_status
parse(struct peeropts *o, const char *line)
{
	static char buf[512];
	static char *argv[MAXARGS + 1];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	argv[argc++] = "mt-peer";
	for (char *w = strtok(buf, " "); w != NULL && argc < MAXARGS;
	    w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	optind = 0;	/* glibc: start afresh */
	opterr = 0;
	return peeropts_parse(o, argc, argv);
}

Test(peeropts, defaults_are_the_textbook_values)
{
	struct peeropts o;

	cr_assert_eq(parse(&o, "a.torrent"), PEEROPTS_OK);
	cr_expect_str_eq(o.torrent, "a.torrent");
	cr_expect_str_eq(o.dir, ".");
	cr_expect_str_eq(o.bind, "0.0.0.0");
	cr_expect_eq(o.port, 6881);
	cr_expect_eq(o.numwant, 50);
	cr_expect_eq(o.cfg.max_peers, 50);
	cr_expect_eq(o.cfg.choke.slots, 4);
	cr_expect_eq(o.cfg.choke.rechoke_ms, 10000);
	cr_expect_eq(o.cfg.choke.optimistic_ms, 30000);
	cr_expect_eq(o.cfg.peer_timeout_ms, 180000);
	cr_expect_eq(o.seed_for_ms, -1);
	cr_expect_eq(o.tracker_timeout_ms, 0);
	cr_expect_eq(o.cfg.upload_rate, 0);
	cr_expect_eq(o.npeers, 0);
	peeropts_free(&o);
}

Test(peeropts, stores_each_value_in_its_unit)
{
	struct peeropts o;

	cr_assert_eq(parse(&o, "-p 0 -o d -b 127.0.0.2 -q --seed --upload-rate 64K "
	    "--download-rate 2M --rechoke-interval 2s --snub-time 500ms "
	    "--seed-for 3 --tracker-timeout 1500 --peer 1.2.3.4:5 --peer [::1]:6 t"),
	    PEEROPTS_OK, "%s", o.error);
	cr_expect_eq(o.port, 0);
	cr_expect_str_eq(o.dir, "d");
	cr_expect_str_eq(o.bind, "127.0.0.2");
	cr_expect(o.quiet && o.seed);
	cr_expect_eq(o.cfg.upload_rate, 65536);
	cr_expect_eq(o.cfg.download_rate, 2097152);
	cr_expect_eq(o.cfg.choke.rechoke_ms, 2000);
	cr_expect_eq(o.cfg.choke.snub_ms, 500);
	cr_expect_eq(o.seed_for_ms, 3000);
	cr_expect_eq(o.tracker_timeout_ms, 1500);
	cr_assert_eq(o.npeers, 2);
	cr_expect_str_eq(o.peers[0], "1.2.3.4:5");
	cr_expect_str_eq(o.peers[1], "[::1]:6");
	cr_expect_str_eq(o.torrent, "t");
	peeropts_free(&o);
}

Test(peeropts, bad_values_get_one_line_naming_the_option)
{
	static const struct { const char *args, *error; } c[] = {
		{ "-p 65536 t", "port is too large" },
		{ "-p x t", "bad port" },
		{ "-p +5 t", "bad port" },
		{ "--max-peers 10001 t", "--max-peers is too large" },
		{ "--upload-rate 5Q t", "bad --upload-rate" },
		{ "--rechoke-interval 0 t", "--rechoke-interval must be more than 0" },
		{ "--snub-time 5h t", "bad --snub-time" },
		{ "--peer-timeout 0s t", "--peer-timeout must be more than 0" },
		{ "--seed-for 2147483649 t", "--seed-for is too large" },
		{ "--random-first -1 t", "bad --random-first" },
		{ "", "expected one TORRENT" },
		{ "a b", "expected one TORRENT" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct peeropts o;

		cr_expect_eq(parse(&o, c[i].args), PEEROPTS_BAD, "%s", c[i].args);
		cr_expect_str_eq(o.error, c[i].error, "%s", c[i].args);
		peeropts_free(&o);
	}
}

Test(peeropts, help_and_unknown_options_are_told_apart)
{
	struct peeropts o;

	cr_expect_eq(parse(&o, "--help"), PEEROPTS_HELP);
	peeropts_free(&o);
	cr_expect_eq(parse(&o, "--bogus t"), PEEROPTS_USAGE);
	peeropts_free(&o);
	cr_expect_eq(parse(&o, "-p"), PEEROPTS_USAGE);	/* value missing */
	peeropts_free(&o);
}

static uint16_t
port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET ?
	    ((const struct sockaddr_in *)ss)->sin_port :
	    ((const struct sockaddr_in6 *)ss)->sin6_port);
}

Test(peeropts, peer_addresses_take_the_port_after_the_last_colon)
{
	struct peeropts o;
	struct sockaddr_storage ss;
	socklen_t len;

	memset(&o, 0, sizeof(o));
	cr_assert_eq(peeropts_peer_addr(&o, "127.0.0.1:6881", &ss, &len), 0);
	cr_expect_eq(ss.ss_family, AF_INET);
	cr_expect_eq(port_of(&ss), 6881);
	cr_expect_eq(len, sizeof(struct sockaddr_in));
	cr_assert_eq(peeropts_peer_addr(&o, "[::1]:7000", &ss, &len), 0);
	cr_expect_eq(ss.ss_family, AF_INET6);
	cr_expect_eq(port_of(&ss), 7000);
	cr_assert_eq(peeropts_peer_addr(&o, "::1:7001", &ss, &len), 0);
	cr_expect_eq(port_of(&ss), 7001);
}

Test(peeropts, bad_peer_addresses_are_named)
{
	static const struct { const char *spec, *error; } c[] = {
		{ "nocolon", "bad --peer nocolon (want ADDR:PORT)" },
		{ ":80", "bad --peer :80 (want ADDR:PORT)" },
		{ "127.0.0.1:http", "cannot resolve --peer 127.0.0.1:http" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct peeropts o;
		struct sockaddr_storage ss;
		socklen_t len;

		memset(&o, 0, sizeof(o));
		cr_expect_eq(peeropts_peer_addr(&o, c[i].spec, &ss, &len), -1,
		    "%s", c[i].spec);
		cr_expect_str_eq(o.error, c[i].error);
	}
}
