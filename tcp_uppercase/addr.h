/*
 * addr.h — socket addresses as people read them.
 *
 * The server names its listening address in its readiness line and, with -v,
 * every client that connects.  One function serves struct sockaddr of any
 * family, so one program handles IPv4 and IPv6 alike.  It is lab 1's
 * addr_format, with the same contract; a TCP program never has to compare two
 * addresses (a connection socket already belongs to one peer), so there is no
 * addr_equal here.
 */
#ifndef ADDR_H
#define ADDR_H

#include <stddef.h>
#include <sys/socket.h>

/* Room for "[ffff:...:255.255.255.255%scope]:65535" and its NUL. */
#define ADDR_STRLEN 96

/*
 * Writes sa as "192.0.2.1:12000" (IPv4) or "[2001:db8::1]:12000" (IPv6,
 * brackets so the port stays apart from the address's own colons) into buf.
 * Numeric only: it never asks DNS.  Returns 0, or -1 if the family is neither
 * AF_INET nor AF_INET6, len is too short for it, or buf is too small (buf then
 * holds "?").
 */
int addr_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap);

#endif
