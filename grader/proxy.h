/*
 * proxy.h — what faultproxy's two relays (proxy_udp.c, proxy_tcp.c) are
 * told: where to forward, which faults to inject, how loudly to say so.
 */
#ifndef PROXY_H
#define PROXY_H

#include <stddef.h>
#include <sys/socket.h>

#include "fault.h"

struct proxy_opts {
	struct sockaddr_storage target;	/* the server behind the proxy */
	socklen_t target_len;
	struct fault_config fault;	/* UDP: what to do to datagrams */
	size_t chunk;			/* TCP: write at most this many bytes at once (0 = any) */
	long chunk_delay_ms;		/* TCP: pause between two writes in a direction */
	int verbose;			/* one stderr line per decision */
};

/* Relays datagrams between clients of lfd and the target.  Returns only on error (-1). */
int proxy_udp_run(const struct proxy_opts *o, int lfd);

/* Relays connections accepted on lfd to the target.  Returns only on error (-1). */
int proxy_tcp_run(const struct proxy_opts *o, int lfd);

#endif
