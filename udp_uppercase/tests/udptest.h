/*
 * udptest.h — what the UDP integration tests share: loopback sockets of the
 * test's own, a started udp_server, a udp_client run to its end, and "peers",
 * small scripted UDP servers on a thread that misbehave on purpose (drop,
 * answer late, answer twice, let a stranger answer first).
 *
 * Every wait has a deadline; nothing sleeps.  Functions return -1 on failure
 * rather than asserting, so a test says what it expected in its own words.
 */
#ifndef UDPTEST_H
#define UDPTEST_H

#include <pthread.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "proc.h"

#define UDPTEST_WAIT_MS 10000	/* generous: the machine is shared */

/* A UDP socket bound to host (numeric) port 0.  Fills *addr.  Returns fd or -1. */
int udptest_socket(const char *host, struct sockaddr_storage *addr, socklen_t *len);

/* The port of a bound address. */
int udptest_port(const struct sockaddr_storage *addr);

/* Fills *addr with host (numeric) and port.  Returns 0 or -1. */
int udptest_addr(const char *host, int port, struct sockaddr_storage *addr,
    socklen_t *len);

/* 1 if this machine can bind ::1 (IPv6 loopback), else 0. */
int udptest_have_ipv6(void);

/*
 * Sends msg to (to, tolen) from fd and waits up to timeout_ms for a datagram
 * from that address.  Returns its length (placed in reply), or -1.
 */
ssize_t udptest_ask(int fd, const struct sockaddr_storage *to, socklen_t tolen,
    const void *msg, size_t n, void *reply, size_t cap, int timeout_ms);

/*
 * Starts udp_server with extra arguments (NULL-terminated list after
 * -p 0 -b bind) and waits for its readiness line.  Returns the port, or -1
 * (the process, if started, is killed).
 */
int udptest_start_server(struct proc *p, const char *bind, const char *extra[]);

struct udptest_run {
	int code;		/* exit code, -1 if it did not exit in time */
	long out_len;		/* bytes of stdout, -1 on timeout */
	char *out;		/* stdout (malloc'd, NUL-terminated) */
	char *err;		/* stderr (malloc'd, NUL-terminated) */
	long elapsed_ms;	/* from start to exit */
};

/*
 * Runs a program (argv[0] is looked up with proc_bin unless it contains a
 * '/'), writes input (n bytes) to its stdin, closes it, and collects its
 * output and exit code within timeout_ms.  Returns 0, or -1 if it could not
 * be started.  Free with udptest_run_free.
 */
int udptest_run(struct udptest_run *r, const char *argv[], const void *input,
    size_t n, int timeout_ms);
void udptest_run_free(struct udptest_run *r);

/*
 * A scripted UDP server on its own thread.  Each datagram it receives is
 * handed to on_datagram, with its number (1 for the first); the handler
 * answers (or not) through pe->fd.  udptest_peer_stop wakes the thread and
 * joins it.
 */
struct udptest_peer;
typedef void udptest_handler(struct udptest_peer *pe, unsigned long nth,
    unsigned char *buf, size_t n, const struct sockaddr_storage *from,
    socklen_t fromlen);

struct udptest_peer {
	int fd;				/* bound to 127.0.0.1:port */
	int port;
	int stop[2];			/* a pipe: closing stop[1] ends the thread */
	pthread_t thread;
	udptest_handler *on_datagram;
	void *ctx;			/* for the handler */
	unsigned long received;		/* datagrams seen; read after stop */
};

int udptest_peer_start(struct udptest_peer *pe, udptest_handler *h, void *ctx);
void udptest_peer_stop(struct udptest_peer *pe);

/* A handler that answers like the real server. */
void udptest_answer(struct udptest_peer *pe, unsigned char *buf, size_t n,
    const struct sockaddr_storage *to, socklen_t tolen);

#endif
