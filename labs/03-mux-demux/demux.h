/*
 * demux.h — the demultiplexing table of one host: which socket gets a segment.
 *
 * Two kinds of entry, as in the textbook:
 *
 *   port entry     local port -> socket.  Connectionless (UDP-like) sockets and
 *                  listening sockets.  A segment is matched by its destination
 *                  port alone, whoever sent it.
 *   4-tuple entry  (local port, remote host, remote port) -> socket.  One per
 *                  connection.  A segment is matched by destination port AND
 *                  its source (network address + port), so many connections
 *                  can share a server's port and still reach different sockets.
 *
 * The local network address is always this host's, so it is not stored.
 * Lookup tries the 4-tuple entries first, then the port entries (that is how
 * a listening socket sees the first segment of a new client).
 *
 * The table is plain data: no sockets, no clock, no I/O.  A "socket" here is
 * just an int chosen by the caller.  Capacity is fixed (DEMUX_MAX entries of
 * each kind) so memory is bounded whatever peers do.
 */
#ifndef DEMUX_H
#define DEMUX_H

#include <stdint.h>

#include "segment.h"

#define DEMUX_MAX		256
#define DEMUX_EPHEMERAL_LO	49152	/* IANA's dynamic range */
#define DEMUX_EPHEMERAL_HI	65535

/* The far end of a connection: a host's network address and a port on it. */
struct demux_remote {
	struct segment_netaddr host;
	uint16_t port;
};

struct demux_port_entry {
	uint16_t port;
	int sock;
};

struct demux_conn_entry {
	uint16_t port;			/* local port */
	struct demux_remote remote;
	int sock;
};

struct demux {
	struct demux_port_entry ports[DEMUX_MAX];
	int nports;
	struct demux_conn_entry conns[DEMUX_MAX];
	int nconns;
	uint16_t next_ephemeral;	/* where the next search starts */
};

void demux_init(struct demux *d);

/* 1 if the two remotes are the same host and port, else 0. */
int demux_remote_equal(const struct demux_remote *a, const struct demux_remote *b);

/*
 * Binds port to sock.  Returns 0, or -1 with errno EINVAL (port 0),
 * EADDRINUSE (some entry, port or 4-tuple, already uses the port) or ENOSPC
 * (table full).
 */
int demux_bind(struct demux *d, uint16_t port, int sock);

/* 1 if a port entry or a 4-tuple entry uses port, else 0. */
int demux_port_in_use(const struct demux *d, uint16_t port);

/*
 * A free port in the ephemeral range, or 0 if none is free.  Searches from
 * just after the last port it handed out, so ports are not reused at once.
 * It does not bind the port.
 */
uint16_t demux_ephemeral(struct demux *d);

/*
 * Adds the 4-tuple entry (port, remote) -> sock.  Returns 0, or -1 with errno
 * EINVAL (port 0 or remote port 0), EADDRINUSE (that 4-tuple exists) or
 * ENOSPC.  The same local port may appear in many 4-tuples (a server's port)
 * and beside one port entry (its listening socket).
 */
int demux_connect(struct demux *d, uint16_t port, const struct demux_remote *remote,
    int sock);

/* The socket bound to port by a port entry, or -1. */
int demux_lookup_port(const struct demux *d, uint16_t port);

/* The socket of the 4-tuple (port, remote), or -1. */
int demux_lookup_conn(const struct demux *d, uint16_t port,
    const struct demux_remote *remote);

/*
 * Demultiplexes a segment that src sent to local port port: the socket of a
 * matching 4-tuple, else of a port entry, else -1.
 */
int demux_lookup(const struct demux *d, uint16_t port, const struct demux_remote *src);

/* Removes the port entry of port (if sock owns it).  Returns 0, or -1 (ENOENT). */
int demux_unbind(struct demux *d, uint16_t port, int sock);

/* Removes the 4-tuple entry (port, remote).  Returns 0, or -1 (ENOENT). */
int demux_disconnect(struct demux *d, uint16_t port, const struct demux_remote *remote);

/* Removes every entry that names sock.  Returns how many it removed. */
int demux_remove_sock(struct demux *d, int sock);

#endif
