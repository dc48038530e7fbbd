/*
 * pollserver.h — the concurrent server of --mode poll (the default): one
 * process, non-blocking sockets and one poll() loop over all of them.
 *
 * It serves thousands of clients at once without a process or a thread per
 * client, and never blocks on one of them: a client that stops reading or
 * floods costs a bounded amount of memory and slows nobody else.
 */
#ifndef POLLSERVER_H
#define POLLSERVER_H

#include "options.h"

/*
 * Serves every client that connects to the welcoming socket lfd, as o says
 * (--max-clients, --idle-timeout, -v).  Raises the open-file limit first.
 * Never returns; exits with a message if the loop itself cannot go on.
 */
void pollserver_run(int lfd, const struct options_server *o);

#endif
