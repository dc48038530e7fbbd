/*
 * faultproxy.c — a relay that puts a bad network between a client and a
 * server, on purpose and reproducibly.
 *
 *   faultproxy udp --to HOST:PORT [options]   datagrams: drop, duplicate,
 *                                              reorder, delay, corrupt
 *   faultproxy tcp --to HOST:PORT [options]   a byte stream in small pieces
 *
 * It prints "listening on ADDR:PORT" like every server of the kit, so a test
 * points the client at the proxy instead of the server.  Every random choice
 * comes from --seed (see fault.h), and --rule pins the fate of one datagram,
 * so a test can stage exactly the late duplicate it wants to see handled.
 * The grader uses it for its lossy and short-I/O tests; any test in the kit
 * may use it too.
 */
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fault.h"
#include "netio.h"
#include "numarg.h"
#include "proxy.h"

static void
usage(FILE *f)
{
	fputs("usage: faultproxy udp|tcp --to HOST:PORT [-b ADDR] [-p PORT] [--seed N] [-v]\n"
	    "  udp: [--drop PCT] [--dup PCT] [--reorder PCT] [--reorder-ms MS]\n"
	    "       [--delay MS] [--jitter MS] [--corrupt PCT] [--max-burst N]\n"
	    "       [--only to-server|to-client] [--rule DIR:N:ACTION[:ARG]]...\n"
	    "  tcp: [--chunk BYTES] [--chunk-delay MS]\n"
	    "Relays between clients and the server at --to, injecting faults.\n"
	    "  -b ADDR, -p PORT  where to listen (default 127.0.0.1, port 0 = any)\n"
	    "  --seed N          every random choice comes from N (default 1)\n"
	    "  --drop/--dup/--reorder/--corrupt PCT  chance per datagram, in percent\n"
	    "  --delay MS, --jitter MS  add MS, plus up to jitter MS, to every datagram\n"
	    "  --reorder-ms MS   how long a reordered datagram is held back (default 100)\n"
	    "  --max-burst N     never drop more than N datagrams in a row\n"
	    "  --only DIR        apply chance to one direction only\n"
	    "  --rule DIR:N:ACTION[:ARG]  the Nth datagram in DIR (to-server or to-client)\n"
	    "                    is passed, dropped (drop), duplicated (dup), corrupted,\n"
	    "                    delayed MS (delay:MS), or held until the Kth datagram\n"
	    "                    the other way arrives and sent just before it (hold:K),\n"
	    "                    whatever chance says\n"
	    "  --chunk BYTES     TCP: write at most BYTES at a time (default 1)\n"
	    "  --chunk-delay MS  TCP: pause MS between pieces (default 1)\n"
	    "  -v                one line on stderr per decision\n"
	    "Prints 'listening on ADDR:PORT' once ready.\n", f);
}

static double
percent(const char *opt, const char *v)
{
	char *end;
	double x = strtod(v, &end);

	if (end == v || *end != '\0' || !(x >= 0 && x <= 100))
		errx(2, "%s: '%s' is not a percentage from 0 to 100 (see --help)", opt, v);
	return x;
}

struct args {
	int tcp;
	const char *to, *bind, *port;
	struct proxy_opts o;
};

/* Handles one option that takes a value.  Returns 0, or -1 if unknown. */
static int
option(struct args *a, const char *opt, const char *v)
{
	struct fault_config *f = &a->o.fault;

	if (strcmp(opt, "--to") == 0) a->to = v;
	else if (strcmp(opt, "-b") == 0) a->bind = v;
	else if (strcmp(opt, "-p") == 0) a->port = v;
	else if (strcmp(opt, "--seed") == 0) f->seed = (uint64_t)numarg_or_exit(opt, v, 0, 0x7fffffffffffffffL);
	else if (strcmp(opt, "--drop") == 0) f->drop = percent(opt, v);
	else if (strcmp(opt, "--dup") == 0) f->dup = percent(opt, v);
	else if (strcmp(opt, "--reorder") == 0) f->reorder = percent(opt, v);
	else if (strcmp(opt, "--corrupt") == 0) f->corrupt = percent(opt, v);
	else if (strcmp(opt, "--reorder-ms") == 0) f->reorder_ms = numarg_or_exit(opt, v, 0, 600000);
	else if (strcmp(opt, "--delay") == 0) f->delay_ms = numarg_or_exit(opt, v, 0, 600000);
	else if (strcmp(opt, "--jitter") == 0) f->jitter_ms = numarg_or_exit(opt, v, 0, 600000);
	else if (strcmp(opt, "--max-burst") == 0) f->max_burst = (int)numarg_or_exit(opt, v, 0, 1000000);
	else if (strcmp(opt, "--chunk") == 0) a->o.chunk = (size_t)numarg_or_exit(opt, v, 1, 65536);
	else if (strcmp(opt, "--chunk-delay") == 0) a->o.chunk_delay_ms = numarg_or_exit(opt, v, 0, 60000);
	else if (strcmp(opt, "--only") == 0) {
		if (fault_parse_dirs(v, &f->dirs) == -1)
			errx(2, "--only: '%s' is not to-server, to-client or both (see --help)", v);
	} else if (strcmp(opt, "--rule") == 0) {
		if (f->nrules == FAULT_MAX_RULES)
			errx(2, "--rule: at most %d rules", FAULT_MAX_RULES);
		if (fault_parse_rule(v, &f->rules[f->nrules++]) == -1)
			errx(2, "--rule: '%s' is not DIR:N:ACTION[:ARG] (see --help)", v);
	} else
		return -1;
	return 0;
}

static void
parse(int argc, char *argv[], struct args *a)
{
	memset(a, 0, sizeof(*a));
	fault_config_init(&a->o.fault);
	a->bind = "127.0.0.1";
	a->port = "0";
	a->o.chunk = 1;
	a->o.chunk_delay_ms = 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			exit(0);
		}
	if (argc < 2 || (strcmp(argv[1], "udp") != 0 && strcmp(argv[1], "tcp") != 0))
		errx(2, "the first argument is udp or tcp (see --help)");
	a->tcp = argv[1][0] == 't';
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			a->o.verbose = 1;
		else if (i + 1 < argc && option(a, argv[i], argv[i + 1]) == 0)
			i++;
		else
			errx(2, "unknown option or missing value: %s (see --help)", argv[i]);
	}
	if (a->to == NULL)
		errx(2, "--to HOST:PORT is required (see --help)");
}

int
main(int argc, char *argv[])
{
	struct args a;
	char host[256], port[32], shown[300];
	const char *why = NULL;
	int lfd, type;

	parse(argc, argv, &a);
	type = a.tcp ? SOCK_STREAM : SOCK_DGRAM;
	if (netio_split_hostport(a.to, host, sizeof(host), port, sizeof(port)) == -1)
		errx(2, "--to: '%s' is not HOST:PORT (see --help)", a.to);
	if (netio_resolve(host, port, type, &a.o.target, &a.o.target_len, &why) == -1)
		errx(1, "resolving %s: %s", a.to, why);
	signal(SIGPIPE, SIG_IGN);
	if ((lfd = netio_bind(a.bind, a.port, type)) == -1)
		err(1, "listening on %s port %s", a.bind, a.port);
	{
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);

		if (getsockname(lfd, (struct sockaddr *)&ss, &len) == -1)
			err(1, "getsockname");
		netio_format((struct sockaddr *)&ss, len, shown, sizeof(shown));
	}
	printf("listening on %s\n", shown);
	if (fflush(stdout) == EOF)
		err(1, "writing stdout");
	if ((a.tcp ? proxy_tcp_run(&a.o, lfd) : proxy_udp_run(&a.o, lfd)) == -1)
		err(1, "relaying");
	return 0;
}
