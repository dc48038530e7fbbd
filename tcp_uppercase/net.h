/*
 * net.h — the small socket helpers both programs share: telling "try
 * again" from a failure, making a socket non-blocking, waiting for one socket
 * with a deadline, and a monotonic clock.  Printing an address is addr.h's.
 *
 * They are the plumbing around the lesson, not the lesson: the programs call
 * socket, bind, listen, accept, connect, send and recv themselves.
 */
#ifndef NET_H
#define NET_H

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

/* Milliseconds on a monotonic clock (never jumps with the wall clock). */
long net_now_ms(void);

#endif
