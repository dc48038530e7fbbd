/*
 * addr.c — see addr.h.
 *
 * Addresses are compared field by field rather than with memcmp: the kernel
 * may fill padding and IPv6 flow information differently in two copies of
 * the same address, and a client that compared whole structs would throw away
 * good replies.
 */
#include "addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

int
addr_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap)
{
	char host[INET6_ADDRSTRLEN];
	unsigned port;
	int n = -1;

	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		struct sockaddr_in sin;

		memcpy(&sin, sa, sizeof(sin));
		if (inet_ntop(AF_INET, &sin.sin_addr, host, sizeof(host)) != NULL) {
			port = ntohs(sin.sin_port);
			n = snprintf(buf, cap, "%s:%u", host, port);
		}
	} else if (sa->sa_family == AF_INET6 &&
	    len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 sin6;

		memcpy(&sin6, sa, sizeof(sin6));
		if (inet_ntop(AF_INET6, &sin6.sin6_addr, host, sizeof(host)) != NULL) {
			port = ntohs(sin6.sin6_port);
			if (sin6.sin6_scope_id != 0)
				n = snprintf(buf, cap, "[%s%%%lu]:%u", host,
				    (unsigned long)sin6.sin6_scope_id, port);
			else
				n = snprintf(buf, cap, "[%s]:%u", host, port);
		}
	}
	if (n < 0 || (size_t)n >= cap) {
		if (cap > 0)
			snprintf(buf, cap, "?");
		return -1;
	}
	return 0;
}

int
addr_equal(const struct sockaddr *a, socklen_t alen,
    const struct sockaddr *b, socklen_t blen)
{
	if (a->sa_family != b->sa_family)
		return 0;
	if (a->sa_family == AF_INET &&
	    alen >= (socklen_t)sizeof(struct sockaddr_in) &&
	    blen >= (socklen_t)sizeof(struct sockaddr_in)) {
		struct sockaddr_in x, y;

		memcpy(&x, a, sizeof(x));
		memcpy(&y, b, sizeof(y));
		return x.sin_port == y.sin_port &&
		    x.sin_addr.s_addr == y.sin_addr.s_addr;
	}
	if (a->sa_family == AF_INET6 &&
	    alen >= (socklen_t)sizeof(struct sockaddr_in6) &&
	    blen >= (socklen_t)sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 x, y;

		memcpy(&x, a, sizeof(x));
		memcpy(&y, b, sizeof(y));
		return x.sin6_port == y.sin6_port &&
		    x.sin6_scope_id == y.sin6_scope_id &&
		    memcmp(&x.sin6_addr, &y.sin6_addr, sizeof(x.sin6_addr)) == 0;
	}
	return 0;
}
