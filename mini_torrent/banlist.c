/*
 * banlist.c — banned peers (see banlist.h): a linear scan of a small fixed
 * array, since a check runs once per connection, not per message.
 */
#include "banlist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

int
banlist_init(struct banlist *b)
{
	b->n = 0;
	if ((b->v = calloc(BANLIST_MAX, sizeof(*b->v))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
banlist_free(struct banlist *b)
{
	free(b->v);
	b->v = NULL;
	b->n = 0;
}

void
banlist_add(struct banlist *b, const struct sockaddr *addr, socklen_t len,
    const uint8_t *id)
{
	struct banlist_entry *e;

	if (b->n == BANLIST_MAX)
		return;
	e = &b->v[b->n++];
	memset(e, 0, sizeof(*e));
	memcpy(&e->addr, addr, len < sizeof(e->addr) ? len : sizeof(e->addr));
	if (id != NULL) {
		memcpy(e->peer_id, id, 20);
		e->has_id = 1;
	}
}

int
banlist_has_addr(const struct banlist *b, const struct sockaddr *addr)
{
	for (size_t i = 0; i < b->n; i++)
		if (net_addr_equal((struct sockaddr *)&b->v[i].addr, addr))
			return 1;
	return 0;
}

int
banlist_has_id(const struct banlist *b, const uint8_t id[20])
{
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].has_id && memcmp(b->v[i].peer_id, id, 20) == 0)
			return 1;
	return 0;
}
