/*
 * net.h — three small socket helpers both programs share: making a socket
 * non-blocking, waiting for one socket with a deadline, and printing an
 * address.
 *
 * They are the plumbing around the lesson, not the lesson: the programs call
 * socket, bind, listen, accept, connect, send and recv themselves.
 */
#ifndef NET_H
#define NET_H

#include <stddef.h>
#include <sys/socket.h>

/* Longest string net_format_addr writes: "[" IPv6 "]:" port, plus NUL. */
#define NET_ADDRSTRLEN 80

/*
 * 1 if err (an errno value from a non-blocking send or recv) only means "not
 * now, try again when poll says so": EAGAIN, EWOULDBLOCK or EINTR.
 */
int net_again(int err);

/* Sets O_NONBLOCK on fd.  Returns 0, or -1 with errno set. */
int net_set_nonblocking(int fd);

/*
 * Waits until fd is ready for events (POLLIN, POLLOUT) or timeout_ms passes
 * (-1 = no limit); retries on EINTR, keeping the deadline.  Returns 1 when
 * ready (including error and hang-up conditions, which the next call on fd
 * will report), 0 on timeout, -1 with errno set on failure.
 */
int net_wait(int fd, short events, long timeout_ms);

/*
 * Writes sa as "1.2.3.4:80" or "[::1]:80" into buf (cap bytes, at least
 * NET_ADDRSTRLEN to never truncate).  Returns 0, or -1 if sa is not an IPv4
 * or IPv6 address or the text does not fit.
 */
int net_format_addr(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap);

/* Milliseconds on a monotonic clock (never jumps with the wall clock). */
long net_now_ms(void);

#endif
