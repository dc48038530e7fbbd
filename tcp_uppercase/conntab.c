/*
 * conntab.c — see conntab.h.
 */
#include "conntab.h"

#include <errno.h>
#include <stdlib.h>

#define CONNTAB_INITIAL 64

int
conntab_init(struct conntab *t, int listen_fd)
{
	*t = (struct conntab){ 0 };
	t->pfds = calloc(CONNTAB_INITIAL, sizeof(*t->pfds));
	t->conns = calloc(CONNTAB_INITIAL, sizeof(*t->conns));
	if (t->pfds == NULL || t->conns == NULL) {
		conntab_free(t);
		errno = ENOMEM;
		return -1;
	}
	t->cap = CONNTAB_INITIAL;
	t->n = CONNTAB_FIRST_CONN;
	t->pfds[CONNTAB_LISTENER] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
	return 0;
}

/* Doubles both arrays.  Returns 0, or -1 (ENOMEM) leaving the table as it was. */
static int
grow(struct conntab *t)
{
	size_t ncap = t->cap * 2;
	struct pollfd *p;
	struct conn **c;

	if ((p = realloc(t->pfds, ncap * sizeof(*p))) == NULL)
		return -1;
	t->pfds = p;
	if ((c = realloc(t->conns, ncap * sizeof(*c))) == NULL)
		return -1;
	t->conns = c;
	t->cap = ncap;
	return 0;
}

static void
unlink_conn(struct conntab *t, struct conn *c)
{
	if (c->older != NULL)
		c->older->newer = c->newer;
	else
		t->oldest = c->newer;
	if (c->newer != NULL)
		c->newer->older = c->older;
	else
		t->newest = c->older;
	c->older = c->newer = NULL;
}

static void
link_newest(struct conntab *t, struct conn *c)
{
	c->older = t->newest;
	c->newer = NULL;
	if (t->newest != NULL)
		t->newest->newer = c;
	else
		t->oldest = c;
	t->newest = c;
}

struct conn *
conntab_add(struct conntab *t, int fd, long now_ms)
{
	struct conn *c;

	if (t->n == t->cap && grow(t) == -1) {
		errno = ENOMEM;
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	c->fd = fd;
	c->slot = t->n++;
	c->last_ms = now_ms;
	c->out = (struct outbuf)OUTBUF_INIT;
	t->conns[c->slot] = c;
	t->pfds[c->slot] = (struct pollfd){ .fd = fd };
	link_newest(t, c);
	return c;
}

void
conntab_remove(struct conntab *t, struct conn *c)
{
	size_t last = t->n - 1;

	if (c->slot != last) {
		t->conns[c->slot] = t->conns[last];
		t->pfds[c->slot] = t->pfds[last];
		t->conns[c->slot]->slot = c->slot;
	}
	t->n--;
	unlink_conn(t, c);
	outbuf_free(&c->out);
	free(c);
}

void
conntab_touch(struct conntab *t, struct conn *c, long now_ms)
{
	c->last_ms = now_ms;
	if (t->newest != c) {
		unlink_conn(t, c);
		link_newest(t, c);
	}
}

size_t
conntab_count(const struct conntab *t)
{
	return t->n > CONNTAB_FIRST_CONN ? t->n - CONNTAB_FIRST_CONN : 0;
}

void
conntab_free(struct conntab *t)
{
	while (conntab_count(t) > 0)
		conntab_remove(t, t->conns[t->n - 1]);
	free(t->pfds);
	free(t->conns);
	*t = (struct conntab){ 0 };
}
