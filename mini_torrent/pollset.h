/*
 * pollset.h — the array mt-peer hands to poll(), with what each entry
 * stands for beside it.
 *
 * poll() takes a bare array of struct pollfd; the loop needs to know, for
 * each entry, whether it is the listening socket, the tracker or which
 * neighbour.  Parallel arrays, grown by doubling and reused round after
 * round, keep the pollfd array what poll() wants.  Slots are named by an
 * enum, never by position.
 */
#ifndef POLLSET_H
#define POLLSET_H

#include <poll.h>
#include <stddef.h>

#include "peer.h"

enum pollset_slot { POLLSET_LISTEN, POLLSET_TRACKER, POLLSET_PEER };

struct pollset {
	struct pollfd *fds;
	struct peer **peer;		/* for POLLSET_PEER entries, else NULL */
	enum pollset_slot *kind;
	size_t n, cap;
};

/* Empties ps for the next round (keeps its memory). */
void pollset_clear(struct pollset *ps);

/* Appends fd with events, standing for kind (and p).  Returns 0, or -1 when
 * out of memory (ps unchanged). */
int pollset_add(struct pollset *ps, int fd, short events,
    enum pollset_slot kind, struct peer *p);

void pollset_free(struct pollset *ps);

#endif
