/*
 * conntab.h — the poll server's table of connections.
 *
 * poll() wants one array of struct pollfd; the server wants, for each entry,
 * the state of that connection.  The table keeps both side by side:
 * pfds[CONNTAB_LISTENER] is the welcoming (listening) socket and pfds[i]
 * belongs to conns[i] for i >= CONNTAB_FIRST_CONN.  Both arrays grow by
 * doubling, so the table holds as many connections as the process has
 * descriptors (tens of thousands), and a removal moves the last entry into
 * the hole, so they stay dense and poll() never scans dead slots.
 *
 * The table also keeps the connections in order of last activity (a doubly
 * linked list, least recently active first).  With one idle timeout for all,
 * the connection that expires next is always the oldest one, so finding the
 * next deadline and expiring connections cost O(1) each, whatever the number
 * of connections.
 *
 * No socket calls here: the table is plain data, tested without a network.
 */
#ifndef CONNTAB_H
#define CONNTAB_H

#include <poll.h>
#include <stddef.h>

#include "addr.h"
#include "outbuf.h"

/* The slots of pfds[] and conns[]: the welcoming socket, then one per client. */
enum conntab_slot {
	CONNTAB_LISTENER = 0,		/* pfds[] only: conns[CONNTAB_LISTENER] is unused */
	CONNTAB_FIRST_CONN = 1,		/* the first client's slot */
};

struct conn {
	int fd;
	size_t slot;		/* index in pfds[] and conns[] */
	int peer_done;		/* the client sent FIN: flush the queue, then close */
	long last_ms;		/* last time bytes moved, for the idle timeout */
	struct outbuf out;	/* replies the kernel has not taken yet */
	struct conn *older, *newer;	/* activity order */
	char name[ADDR_STRLEN];	/* the peer's address, for logs */
};

struct conntab {
	struct pollfd *pfds;	/* pfds[CONNTAB_LISTENER]: the listening socket */
	struct conn **conns;	/* from CONNTAB_FIRST_CONN */
	size_t n;		/* entries in use, the listener's included */
	size_t cap;		/* entries allocated */
	struct conn *oldest, *newest;	/* activity order, oldest first */
};

/* Sets up an empty table around listen_fd.  Returns 0, or -1 (ENOMEM). */
int conntab_init(struct conntab *t, int listen_fd);

/*
 * Adds a connection on fd, active at now_ms.  Returns it (owned by the
 * table), or NULL (ENOMEM; fd is left to the caller).
 */
struct conn *conntab_add(struct conntab *t, int fd, long now_ms);

/*
 * Removes c and frees it and its buffer; the caller has closed c->fd.  The
 * last connection moves into c's slot, so a caller walking the table must go
 * from the last slot down to CONNTAB_FIRST_CONN.
 */
void conntab_remove(struct conntab *t, struct conn *c);

/* Records activity on c at now_ms (moves it to the newest end). */
void conntab_touch(struct conntab *t, struct conn *c, long now_ms);

/* Number of connections (the listening socket not counted). */
size_t conntab_count(const struct conntab *t);

/* Removes every connection (without closing them) and frees the table. */
void conntab_free(struct conntab *t);

#endif
