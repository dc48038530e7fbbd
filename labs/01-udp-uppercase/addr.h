/*
 * addr.h — socket addresses as people read them, and as a client compares
 * them.
 *
 * A UDP program meets addresses twice per datagram: recvfrom() tells who sent
 * it, and the client must check that a reply really comes from the server it
 * asked.  Both work on struct sockaddr of any family, so one program handles
 * IPv4 and IPv6 alike.  The socket calls themselves stay in the programs.
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

/*
 * Returns 1 if a and b are the same family, address and port (and, for IPv6,
 * scope), else 0.  Other fields (IPv6 flow info, padding) are ignored.
 */
int addr_equal(const struct sockaddr *a, socklen_t alen,
    const struct sockaddr *b, socklen_t blen);

#endif
