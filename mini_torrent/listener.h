/*
 * listener.h — the socket mt-peer listens on (-b ADDR, -p PORT), and the
 * addresses that follow from it: the one to dial from, and our own, which
 * the peer must never dial.
 *
 * Apart from mt-peer.c because it is set-up, done once before the event
 * loop, and because "which addresses are we" is easy to get wrong (the
 * wildcard is never dialled from; a peer on 0.0.0.0 is still reachable as
 * 127.0.0.1) and is tested here on its own.  Nothing here prints or exits.
 */
#ifndef LISTENER_H
#define LISTENER_H

#include <stdint.h>
#include <sys/socket.h>

struct listener {
	int fd;				/* listening, non-blocking; -1 */
	uint16_t port;			/* the port bound (-p 0: the kernel's) */
	char name[80];			/* "ADDR:PORT" as bound */
	struct sockaddr_storage src;	/* -b address for dialling, port 0 */
	socklen_t src_len;		/* 0: the wildcard, the kernel chooses */
	char error[160];		/* on failure: what failed */
};

enum listener_status {
	LISTENER_OK,
	LISTENER_BAD_ADDRESS,	/* -b is not a numeric address (error says) */
	LISTENER_FAILED		/* a socket call failed: error names it, errno */
};

/* Binds and listens on addr:port (port 0: any). */
enum listener_status listener_open(struct listener *l, const char *addr,
    long port);

/* Our own addresses, as a neighbour would dial them: the -b address (when
 * not the wildcard) and 127.0.0.1, both with our port.  Returns how many it
 * wrote into self (at most 2). */
size_t listener_self(const struct listener *l, struct sockaddr_storage self[2]);

/* Closes the socket.  Returns 0, or -1 (errno). */
int listener_close(struct listener *l);

#endif
