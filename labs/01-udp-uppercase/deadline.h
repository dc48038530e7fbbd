/*
 * deadline.h — "wait at most N ms" over several system calls.
 *
 * A client that waits for its reply must not wait forever, and it must not
 * restart its timer each time an unrelated datagram wakes it up, or a stranger
 * sending junk could keep it waiting for ever.  So a wait is a deadline on a
 * monotonic clock (immune to the wall clock being set), and each poll() gets
 * only the time that is left.
 */
#ifndef DEADLINE_H
#define DEADLINE_H

/* The monotonic time ms milliseconds from now, in milliseconds. */
long deadline_after(int ms);

/* Milliseconds until deadline, 0 if it has passed: a poll() timeout. */
int deadline_left(long deadline);

#endif
