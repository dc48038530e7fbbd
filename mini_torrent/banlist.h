/*
 * banlist.h — peers we will not talk to again, by address and by peer_id.
 *
 * A peer that sent data failing the hash check too often is banned: its
 * address is refused when it dials us and never dialled, and its peer_id is
 * refused at the handshake (it may come back from another port).  Our own
 * addresses go in too, without an id, so we never dial ourselves twice.
 * Plain data, no sockets: the session asks, the list answers.
 */
#ifndef BANLIST_H
#define BANLIST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define BANLIST_MAX 1024	/* entries; more bans are not remembered */

struct banlist_entry {
	struct sockaddr_storage addr;
	uint8_t peer_id[20];
	int has_id;
};

struct banlist {
	struct banlist_entry *v;
	size_t n;
};

/* An empty list.  Returns 0 or -1 (ENOMEM). */
int banlist_init(struct banlist *b);
void banlist_free(struct banlist *b);

/* Adds addr (len bytes of it) and, if id is not NULL, that peer_id.  Does
 * nothing once the list is full. */
void banlist_add(struct banlist *b, const struct sockaddr *addr, socklen_t len,
    const uint8_t *id);
/* 1 if addr (family, address, port) or the peer_id id is on the list. */
int banlist_has_addr(const struct banlist *b, const struct sockaddr *addr);
int banlist_has_id(const struct banlist *b, const uint8_t id[20]);

#endif
