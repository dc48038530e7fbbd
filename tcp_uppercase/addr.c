/*
 * addr.c — see addr.h.
 *
 * The address is copied out of sa with memcpy rather than read through a
 * cast pointer: sa may point into a sockaddr_storage or a plain byte buffer.
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
