/*
 * hostctl.c — see hostctl.h.
 */
#include "hostctl.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
hostctl_start(struct hostctl *h, const char *const *args)
{
	char *argv[32];
	int n = 0, port;

	memset(h, 0, sizeof(*h));
	argv[n++] = (char *)proc_bin("mux_host");
	while (args != NULL && *args != NULL && n < 31)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	if (proc_start(&h->p, argv) == -1)
		return -1;
	if ((port = proc_wait_listening(&h->p, h->addr, sizeof(h->addr), HOSTCTL_WAIT_MS)) == -1)
		return -1;
	snprintf(h->addr + strlen(h->addr), sizeof(h->addr) - strlen(h->addr), ":%d", port);
	return 0;
}

void
hostctl_stop(struct hostctl *h)
{
	if (h->p.pid > 0)
		proc_kill(&h->p);
	h->p.pid = 0;
	for (int i = 0; i < h->nskipped; i++)
		free(h->skipped[i]);
	h->nskipped = 0;
}

/* Removes skipped line i into line. */
static void
hostctl_take(struct hostctl *h, int i, char *line, size_t cap)
{
	snprintf(line, cap, "%s", h->skipped[i]);
	free(h->skipped[i]);
	memmove(&h->skipped[i], &h->skipped[i + 1], (size_t)(h->nskipped - i - 1) * sizeof(char *));
	h->nskipped--;
}

static int
hostctl_vcmd(struct hostctl *h, const char *fmt, va_list ap)
{
	char line[2048];
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);

	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		return -1;
	line[n] = '\n';
	return proc_write(&h->p, line, (size_t)n + 1);
}

int
hostctl_cmd(struct hostctl *h, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = hostctl_vcmd(h, fmt, ap);
	va_end(ap);
	return r;
}

int
hostctl_expect(struct hostctl *h, const char *prefix, char *line, size_t cap)
{
	long until = proc_now_ms() + HOSTCTL_WAIT_MS;
	size_t plen = strlen(prefix);

	for (int i = 0; i < h->nskipped; i++) {
		if (strncmp(h->skipped[i], prefix, plen) == 0) {
			hostctl_take(h, i, line, cap);
			h->cursor = i;
			return 0;
		}
	}
	for (;;) {
		long left = until - proc_now_ms();

		if (left <= 0 || proc_readline(&h->p, line, cap, (int)left) < 0)
			return -1;
		if (strncmp(line, prefix, plen) == 0) {
			h->cursor = h->nskipped;
			return 0;
		}
		if (h->nskipped == HOSTCTL_BACKLOG || (h->skipped[h->nskipped] = strdup(line)) == NULL)
			return -1;
		h->nskipped++;
	}
}

int
hostctl_next(struct hostctl *h, char *line, size_t cap)
{
	if (h->cursor < h->nskipped) {
		hostctl_take(h, h->cursor, line, cap);
		return 0;
	}
	h->cursor = h->nskipped;
	return proc_readline(&h->p, line, cap, HOSTCTL_WAIT_MS) < 0 ? -1 : 0;
}

int
hostctl_sock(struct hostctl *h, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int r, sock;

	va_start(ap, fmt);
	r = hostctl_vcmd(h, fmt, ap);
	va_end(ap);
	if (r == -1 || hostctl_expect(h, "sock ", line, sizeof(line)) == -1 ||
	    sscanf(line, "sock %d", &sock) != 1)
		return -1;
	return sock;
}

static int
hostctl_parse_counts(const char *line, struct hostctl_table *t)
{
	if (sscanf(line, "dropped: bad_checksum=%lu malformed=%lu refused=%lu queue_full=%lu "
	    "reasm_timeout=%lu reasm_duplicate=%lu", &t->bad_checksum, &t->malformed,
	    &t->refused, &t->queue_full, &t->reasm_timeout, &t->reasm_duplicate) == 6)
		return 0;
	if (sscanf(line, "network: sent=%lu received=%lu unreachable_in=%*u resets_out=%*u "
	    "impaired_drop=%lu impaired_corrupt=%lu impaired_dup=%lu impaired_reorder=%lu",
	    &t->sent, &t->received, &t->impaired_drop, &t->impaired_corrupt,
	    &t->impaired_dup, &t->impaired_reorder) == 6)
		return 0;
	return -1;
}

int
hostctl_table(struct hostctl *h, struct hostctl_table *t)
{
	char line[512];

	memset(t, 0, sizeof(*t));
	if (hostctl_cmd(h, "table") == -1 ||
	    hostctl_expect(h, "-- mux/demux table", line, sizeof(line)) == -1 ||
	    hostctl_next(h, line, sizeof(line)) == -1 || strncmp(line, " port", 5) != 0)
		return -1;
	for (;;) {
		struct hostctl_row *r = &t->rows[t->nrows];

		if (hostctl_next(h, line, sizeof(line)) == -1)
			return -1;
		if (strcmp(line, "-- end of table --") == 0)
			return 0;
		if (hostctl_parse_counts(line, t) == 0)
			continue;
		if (t->nrows == HOSTCTL_MAX_ROWS ||
		    sscanf(line, "%u %63s %15s %15s %lu %lu %lu %lu %lu", &r->port, r->remote,
		    r->kind, r->state, &r->seg_out, &r->msg_out, &r->seg_in, &r->msg_in,
		    &r->refused) != 9)
			return -1;
		t->nrows++;
	}
}

const struct hostctl_row *
hostctl_row(const struct hostctl_table *t, unsigned port, const char *remote)
{
	for (int i = 0; i < t->nrows; i++)
		if (t->rows[i].port == port && strcmp(t->rows[i].remote, remote) == 0)
			return &t->rows[i];
	return NULL;
}

uint32_t
hostctl_fnv(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

uint32_t
hostctl_pattern_fnv(size_t n, int upper)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		int c = '!' + (int)(i % 89);

		h = (h ^ (uint8_t)(upper ? toupper(c) : c)) * 16777619u;
	}
	return h;
}
