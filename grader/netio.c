/*
 * netio.c — see netio.h.
 */
#include "netio.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
netio_split_hostport(const char *s, char *host, size_t hcap, char *port, size_t pcap)
{
	const char *colon, *h = s;
	size_t hlen;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return -1;
		h = s + 1;
		hlen = (size_t)(close - h);
		colon = close + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return -1;
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen >= hcap || strlen(colon + 1) == 0 || strlen(colon + 1) >= pcap)
		return -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	snprintf(port, pcap, "%s", colon + 1);
	return 0;
}

int
netio_resolve(const char *host, const char *port, int socktype,
    struct sockaddr_storage *addr, socklen_t *len, const char **why)
{
	struct addrinfo hints, *res;
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = socktype;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		*why = gai_strerror(e);
		return -1;
	}
	memcpy(addr, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

void
netio_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap)
{
	char host[256], serv[32];

	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(buf, cap, "?");
		return;
	}
	snprintf(buf, cap, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, serv);
}

int
netio_local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}

int
netio_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int
netio_bind(const char *host, const char *port, int socktype)
{
	struct sockaddr_storage ss;
	socklen_t len;
	const char *why;
	int fd, one = 1, saved;

	if (netio_resolve(host, port, socktype, &ss, &len, &why) == -1) {
		errno = EINVAL;
		return -1;
	}
	if ((fd = socket(ss.ss_family, socktype, 0)) == -1)
		return -1;
	if (socktype == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    (socktype == SOCK_STREAM && listen(fd, 1024) == -1) || netio_nonblock(fd) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
netio_connect_start(const struct sockaddr_storage *addr, socklen_t len, int socktype)
{
	int fd = socket(addr->ss_family, socktype, 0), saved;

	if (fd == -1)
		return -1;
	if (netio_nonblock(fd) == -1 ||
	    (connect(fd, (const struct sockaddr *)addr, len) == -1 && errno != EINPROGRESS)) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
netio_connect_result(int fd)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		return -1;
	if (soerr != 0) {
		errno = soerr;
		return -1;
	}
	return 0;
}
