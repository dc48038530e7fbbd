/*
 * demux.c — the demultiplexing table (see demux.h for the two kinds of entry).
 *
 * Entries live in two small fixed arrays searched linearly: a host has a
 * handful of sockets, the search is easy to read, and the bound on memory is
 * obvious.  Removal moves the last entry into the hole, so order is not kept
 * and nothing may depend on it.
 */
#include "demux.h"

#include <errno.h>

void
demux_init(struct demux *d)
{
	d->nports = 0;
	d->nconns = 0;
	d->next_ephemeral = DEMUX_EPHEMERAL_LO;
}

int
demux_remote_equal(const struct demux_remote *a, const struct demux_remote *b)
{
	return a->host.ip == b->host.ip && a->host.port == b->host.port &&
	    a->port == b->port;
}

int
demux_port_in_use(const struct demux *d, uint16_t port)
{
	for (int i = 0; i < d->nports; i++)
		if (d->ports[i].port == port)
			return 1;
	for (int i = 0; i < d->nconns; i++)
		if (d->conns[i].port == port)
			return 1;
	return 0;
}

int
demux_bind(struct demux *d, uint16_t port, int sock)
{
	if (port == 0) {
		errno = EINVAL;
		return -1;
	}
	if (demux_port_in_use(d, port)) {
		errno = EADDRINUSE;
		return -1;
	}
	if (d->nports == DEMUX_MAX) {
		errno = ENOSPC;
		return -1;
	}
	d->ports[d->nports++] = (struct demux_port_entry){ .port = port, .sock = sock };
	return 0;
}

uint16_t
demux_ephemeral(struct demux *d)
{
	uint32_t span = DEMUX_EPHEMERAL_HI - DEMUX_EPHEMERAL_LO + 1;

	for (uint32_t tries = 0; tries < span; tries++) {
		uint16_t port = d->next_ephemeral;

		d->next_ephemeral = port == DEMUX_EPHEMERAL_HI ?
		    DEMUX_EPHEMERAL_LO : (uint16_t)(port + 1);
		if (!demux_port_in_use(d, port))
			return port;
	}
	return 0;
}

int
demux_connect(struct demux *d, uint16_t port, const struct demux_remote *remote,
    int sock)
{
	if (port == 0 || remote->port == 0) {
		errno = EINVAL;
		return -1;
	}
	if (demux_lookup_conn(d, port, remote) != -1) {
		errno = EADDRINUSE;
		return -1;
	}
	if (d->nconns == DEMUX_MAX) {
		errno = ENOSPC;
		return -1;
	}
	d->conns[d->nconns++] = (struct demux_conn_entry){
		.port = port, .remote = *remote, .sock = sock
	};
	return 0;
}

int
demux_lookup_port(const struct demux *d, uint16_t port)
{
	/* TODO: UDP-style demultiplexing: find the socket by destination port alone */
	return -1;
}

int
demux_lookup_conn(const struct demux *d, uint16_t port,
    const struct demux_remote *remote)
{
	/* TODO: TCP-style demultiplexing: match the whole 4-tuple */
	return -1;
}

int
demux_lookup(const struct demux *d, uint16_t port, const struct demux_remote *src)
{
	int sock = demux_lookup_conn(d, port, src);

	return sock != -1 ? sock : demux_lookup_port(d, port);
}

int
demux_unbind(struct demux *d, uint16_t port, int sock)
{
	for (int i = 0; i < d->nports; i++) {
		if (d->ports[i].port == port && d->ports[i].sock == sock) {
			d->ports[i] = d->ports[--d->nports];
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

int
demux_disconnect(struct demux *d, uint16_t port, const struct demux_remote *remote)
{
	for (int i = 0; i < d->nconns; i++) {
		if (d->conns[i].port == port &&
		    demux_remote_equal(&d->conns[i].remote, remote)) {
			d->conns[i] = d->conns[--d->nconns];
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

int
demux_remove_sock(struct demux *d, int sock)
{
	int removed = 0;

	for (int i = 0; i < d->nports;) {
		if (d->ports[i].sock == sock) {
			d->ports[i] = d->ports[--d->nports];
			removed++;
		} else
			i++;
	}
	for (int i = 0; i < d->nconns;) {
		if (d->conns[i].sock == sock) {
			d->conns[i] = d->conns[--d->nconns];
			removed++;
		} else
			i++;
	}
	return removed;
}
