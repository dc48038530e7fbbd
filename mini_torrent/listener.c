/*
 * listener.c — mt-peer's listening socket and the addresses it implies.
 * See listener.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "listener.h"
#include "net.h"
#include "peer.h"

static void
set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/* Dial from the -b address too, unless it is the wildcard. */
static void
remember_source(struct listener *l, const char *addr, const struct addrinfo *ai)
{
	if (strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0)
		return;
	memcpy(&l->src, ai->ai_addr, ai->ai_addrlen);
	l->src_len = ai->ai_addrlen;
	set_port(&l->src, 0);
}

/* The address and port the kernel gave us. */
static int
learn_name(struct listener *l)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(l->fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	peer_format_addr((struct sockaddr *)&ss, l->name, sizeof(l->name));
	l->port = ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

enum listener_status
listener_open(struct listener *l, const char *addr, long port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	char portstr[24];
	int one = 1, rc, e;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	snprintf(portstr, sizeof(portstr), "%ld", port);
	if ((rc = getaddrinfo(addr, portstr, &hints, &ai)) != 0) {
		snprintf(l->error, sizeof(l->error), "bad address %s: %s", addr,
		    gai_strerror(rc));
		return LISTENER_BAD_ADDRESS;
	}
	snprintf(l->error, sizeof(l->error), "socket");
	if ((l->fd = socket(ai->ai_family, SOCK_STREAM, 0)) < 0)
		goto error;
	snprintf(l->error, sizeof(l->error), "setsockopt");
	if (setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto error;
	snprintf(l->error, sizeof(l->error), "bind %s:%s", addr, portstr);
	if (bind(l->fd, ai->ai_addr, ai->ai_addrlen) < 0)
		goto error;
	snprintf(l->error, sizeof(l->error), "listen");
	if (listen(l->fd, 128) < 0 || net_set_nonblocking(l->fd) < 0)
		goto error;
	remember_source(l, addr, ai);
	snprintf(l->error, sizeof(l->error), "getsockname");
	if (learn_name(l) < 0)
		goto error;
	freeaddrinfo(ai);
	l->error[0] = '\0';
	return LISTENER_OK;
error:
	e = errno;
	freeaddrinfo(ai);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	errno = e;
	return LISTENER_FAILED;
}

size_t
listener_self(const struct listener *l, struct sockaddr_storage self[2])
{
	struct sockaddr_in *me;
	size_t n = 0;

	if (l->src_len > 0) {
		self[n] = l->src;
		set_port(&self[n++], l->port);
	}
	memset(&self[n], 0, sizeof(self[n]));
	me = (struct sockaddr_in *)&self[n++];
	me->sin_family = AF_INET;
	me->sin_port = htons(l->port);
	me->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return n;
}

int
listener_close(struct listener *l)
{
	int rc = l->fd >= 0 ? close(l->fd) : 0;

	l->fd = -1;
	return rc;
}
