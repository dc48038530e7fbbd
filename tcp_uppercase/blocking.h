/*
 * blocking.h — the two servers that give each client a blocking socket:
 * --mode iterative and --mode fork.
 *
 * They are the textbook's first answers to "how does one server share its
 * time between clients", and they share one loop, serve_blocking, which reads
 * a client's bytes, upper-cases them and writes them back until the client
 * leaves.  They live apart from the poll server (pollserver.h) so that each
 * design reads on its own.
 */
#ifndef BLOCKING_H
#define BLOCKING_H

#include "options.h"

/*
 * --mode iterative: accepts one client on the welcoming socket lfd and serves
 * it until it leaves; the next waits in the listen queue.  Never returns.
 */
void blocking_iterative(int lfd, const struct options_server *o);

/*
 * --mode fork: accepts each client on lfd and serves it in a child process of
 * its own, at most o->max_clients at once (0 = no limit).  Never returns.
 */
void blocking_fork(int lfd, const struct options_server *o);

#endif
