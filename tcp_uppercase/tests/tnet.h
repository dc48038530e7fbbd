/*
 * tnet.h — socket helpers for the integration tests: start our server and
 * wait for its readiness line, connect, and move bytes with a deadline on
 * every wait.  A helper that fails fails the current test (Criterion
 * assertions), so the tests read as a list of steps.
 */
#ifndef TNET_H
#define TNET_H

#include <stddef.h>
#include <sys/types.h>

#include "proc.h"

/* Generous deadline for anything that should happen "at once" on a busy machine. */
#define TNET_SOON_MS 10000

/*
 * Starts "$BIN_DIR/tcp_server -b 127.0.0.1 -p 0" followed by the NULL-ended
 * extra arguments, and waits for its "listening on" line.  Returns the port.
 */
int tnet_server(struct proc *p, ...);

/* Starts argv (argv[0] looked up in PATH when it has no '/'); fails if missing. */
void tnet_start(struct proc *p, const char *const argv[]);

/* A blocking TCP socket connected to host:port (IPv4 or IPv6 literal). */
int tnet_connect_to(const char *host, int port);
int tnet_connect(int port);	/* 127.0.0.1 */

/*
 * A TCP socket bound to 127.0.0.1 on a free port, stored in *port; listening
 * with the given backlog when backlog >= 0, merely bound when backlog < 0
 * (connections to it are refused, and no other program can take the port).
 */
int tnet_listener(int backlog, int *port);

/* Accepts one connection on lfd within TNET_SOON_MS (fails the test otherwise). */
int tnet_accept(int lfd);

/* Sends all of buf, failing the test if that takes longer than TNET_SOON_MS. */
void tnet_send_all(int fd, const void *buf, size_t n);

/*
 * Receives up to n bytes, stopping early at end of stream or when no byte
 * comes for timeout_ms.  Returns the number received.
 */
size_t tnet_recv_upto(int fd, void *buf, size_t n, int timeout_ms);

/* Sends line and checks that exactly its upper-cased copy comes back. */
void tnet_expect_echo(int fd, const char *line);

/* 1 if nothing at all arrives on fd within ms milliseconds (not even EOF). */
int tnet_quiet_for(int fd, int ms);

/*
 * Reads until end of stream.  Returns the bytes read (at most cap kept), or
 * -1 if the stream did not end within timeout_ms.  A reset counts as an end.
 */
long tnet_read_to_eof(int fd, char *buf, size_t cap, int timeout_ms);

/*
 * Sends out[0..n) while reading the replies into in (cap bytes), so neither
 * side can block on a full buffer.  With shut_wr, half-closes after the last
 * byte and reads until end of stream; otherwise reads until n bytes came.
 * Returns the bytes received, or -1 on timeout.
 */
long tnet_transfer(int fd, const char *out, size_t n, char *in, size_t cap, int shut_wr,
    int timeout_ms);

/* The ASCII upper-case of buf[0..n) into dst (written independently of uppercase.c). */
void tnet_upper(char *dst, const char *buf, size_t n);

/* Raises this process's open-file soft limit to at least n (fails if it cannot). */
void tnet_raise_nofile(long n);

/* Closes fd so the peer gets a reset (RST) instead of an orderly FIN. */
void tnet_reset(int fd);

#endif
