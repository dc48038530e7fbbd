/*
 * net.h — two socket helpers every program here needs: a non-blocking
 * descriptor, and whether two socket addresses name the same endpoint.
 *
 * Comparing addresses with memcmp over a whole sockaddr is wrong: padding
 * (sin_zero) and IPv6's flow info and scope may differ between two copies of
 * the same endpoint.  net_addr_equal compares what names an endpoint: the
 * family, the address and the port.
 */
#ifndef NET_H
#define NET_H

#include <sys/socket.h>

/* Adds O_NONBLOCK to fd's status flags.  Returns 0, or -1 (errno). */
int net_set_nonblocking(int fd);

/* 1 when a and b are the same AF_INET or AF_INET6 endpoint (family,
 * address, port), else 0 (other families are never equal). */
int net_addr_equal(const struct sockaddr *a, const struct sockaddr *b);

#endif
