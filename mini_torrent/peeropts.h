/*
 * peeropts.h — mt-peer's command line: the options, their defaults, their
 * checks, and the usage text.
 *
 * Kept apart from mt-peer.c so that the program reads as its event loop, and
 * so that every option's check can be tested without starting a peer.  The
 * parser only answers (a status and, for bad usage, one line in
 * o->error); mt-peer decides what to print and how to exit.
 */
#ifndef PEEROPTS_H
#define PEEROPTS_H

#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "session.h"

struct peeropts {
	const char *torrent, *dir, *bind, *log;
	long port;
	int seed, leave_when_done, quiet;
	long long seed_for_ms;		/* -1: stay forever */
	unsigned numwant;
	int64_t tracker_timeout_ms;	/* 0: the announcer's default */
	struct session_config cfg;
	char **peers;			/* --peer ADDR:PORT, into argv */
	size_t npeers;
	char error[160];		/* PEEROPTS_BAD: what was wrong */
};

enum peeropts_status {
	PEEROPTS_OK,
	PEEROPTS_HELP,		/* --help: print the usage on stdout */
	PEEROPTS_USAGE,		/* getopt has complained: usage on stderr */
	PEEROPTS_BAD,		/* o->error says what is wrong */
	PEEROPTS_NOMEM
};

/*
 * Parses argv (getopt_long, from optind) into o, after setting every
 * default.  On PEEROPTS_OK, o->torrent is set; o->peers is allocated (free
 * it with peeropts_free) and its strings point into argv.
 */
enum peeropts_status peeropts_parse(struct peeropts *o, int argc,
    char **argv);
void peeropts_free(struct peeropts *o);

/* The usage text, on f. */
void peeropts_usage(FILE *f);

/*
 * A --peer value, ADDR:PORT (the port after the last colon; [v6]:port works
 * too), resolved into *ss and *len.  Returns 0, or -1 with one line in
 * o->error.
 */
int peeropts_peer_addr(struct peeropts *o, const char *spec,
    struct sockaddr_storage *ss, socklen_t *len);

#endif
