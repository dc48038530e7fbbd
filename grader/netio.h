/*
 * netio.h — the few socket chores the grader and faultproxy share:
 * "HOST:PORT" parsing, resolving, formatting, non-blocking sockets.
 *
 * These are the grader's tools, not lessons: the reference programs spell
 * their socket calls out, and nothing here is used by them.
 */
#ifndef NETIO_H
#define NETIO_H

#include <stddef.h>
#include <sys/socket.h>

/* Splits "HOST:PORT" or "[V6]:PORT".  Returns 0, or -1. */
int netio_split_hostport(const char *s, char *host, size_t hcap, char *port, size_t pcap);

/*
 * Resolves host and port (numeric or names) for socktype into addr.
 * Returns 0, or -1 (a message in why, from gai_strerror).
 */
int netio_resolve(const char *host, const char *port, int socktype,
    struct sockaddr_storage *addr, socklen_t *len, const char **why);

/* Writes "ADDR:PORT" ("[ADDR]:PORT" for IPv6) into buf. */
void netio_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap);

/* The port of a bound socket, or -1. */
int netio_local_port(int fd);

int netio_nonblock(int fd);

/*
 * A socket of socktype bound to host:port (listening, for SOCK_STREAM),
 * non-blocking and close-on-exec.  Returns it, or -1 with errno.
 */
int netio_bind(const char *host, const char *port, int socktype);

/*
 * Starts a non-blocking connect of a new socket to addr.  Returns the socket
 * (the connection may still be in progress: wait for POLLOUT, then
 * netio_connect_result), or -1 with errno.
 */
int netio_connect_start(const struct sockaddr_storage *addr, socklen_t len, int socktype);

/* The outcome of a finished non-blocking connect: 0, or -1 with errno. */
int netio_connect_result(int fd);

#endif
