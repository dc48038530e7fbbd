/*
 * link.c — the bottleneck link model (see link.h).
 *
 * The only state a FIFO drop-tail link needs is when its transmitter becomes
 * free and when each waiting segment will start to leave: a ring of at most B
 * start times.  A segment whose start time has passed is on the wire or gone,
 * so it leaves the ring the next time anyone looks.  The time-averaged queue
 * length comes from Little's law turned around: the area under the queue
 * length curve is the sum of the waits of the segments that were in it.
 */
#include "link.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netif.h"

int
link_init(struct link *l, const struct link_config *cfg)
{
	memset(l, 0, sizeof(*l));
	if (cfg->queue > LINK_MAX_QUEUE) {
		errno = EINVAL;
		return -1;
	}
	l->cfg = *cfg;
	/* One slot even for B = 0, so the ring arithmetic never divides by 0. */
	if ((l->starts = calloc(cfg->queue + 1, sizeof(*l->starts))) == NULL)
		return -1;
	return 0;
}

void
link_free(struct link *l)
{
	free(l->starts);
	l->starts = NULL;
}

uint64_t
link_tx_us(const struct link *l, size_t len)
{
	if (l->cfg.rate == 0)
		return 0;
	return ((uint64_t)len * 1000000 + l->cfg.rate - 1) / l->cfg.rate;
}

unsigned
link_queue_len(struct link *l, uint64_t now_us)
{
	unsigned cap = l->cfg.queue + 1;

	while (l->count > 0 && l->starts[l->head] <= now_us) {
		l->head = (l->head + 1) % cap;
		l->count--;
	}
	return l->count;
}

/* The counters of flow key, a new row if there is room, or NULL. */
static struct link_flow *
link_flow_find(struct link *l, const struct link_flow_key *key)
{
	for (int i = 0; i < l->nflows; i++) {
		const struct link_flow_key *k = &l->flows[i].key;

		if (netif_same_addr(&k->src, &key->src) && netif_same_addr(&k->dst, &key->dst) &&
		    k->src_port == key->src_port && k->dst_port == key->dst_port)
			return &l->flows[i];
	}
	if (l->nflows == LINK_MAX_FLOWS)
		return NULL;
	memset(&l->flows[l->nflows], 0, sizeof(l->flows[0]));
	l->flows[l->nflows].key = *key;
	return &l->flows[l->nflows++];
}

/* Adds one segment (len bytes, dropped or not) to its flow's counters. */
static void
link_count_flow(struct link *l, const struct link_flow_key *key, size_t len, int dropped)
{
	struct link_flow *f;

	if (key == NULL)
		return;
	if ((f = link_flow_find(l, key)) == NULL) {
		if (dropped)
			l->st.other_dropped++;
		else {
			l->st.other_segs++;
			l->st.other_bytes += len;
		}
		return;
	}
	if (dropped)
		f->dropped++;
	else {
		f->segs++;
		f->bytes += len;
	}
}

int
link_arrive(struct link *l, uint64_t now_us, size_t len,
    const struct link_flow_key *key, struct link_result *r)
{
	unsigned waiting;

	if (l->st.arrived == 0)
		l->st.first_us = now_us;
	else if (now_us < l->last_us)
		now_us = l->last_us;
	l->last_us = now_us;
	l->st.arrived++;
	memset(r, 0, sizeof(*r));
	r->queue = waiting = link_queue_len(l, now_us);
	/* Busy transmitter and B segments waiting: no room, drop the newcomer. */
	if (l->free_us > now_us && waiting >= l->cfg.queue) {
		r->dropped = 1;
		l->st.dropped++;
		link_count_flow(l, key, len, 1);
		return 1;
	}
	r->start_us = l->free_us > now_us ? l->free_us : now_us;
	r->done_us = r->start_us + link_tx_us(l, len);
	r->exit_us = r->done_us + l->cfg.delay_us;
	l->free_us = r->done_us;
	if (r->start_us > now_us) {
		l->starts[(l->head + l->count) % (l->cfg.queue + 1)] = r->start_us;
		l->count++;
		if (l->count > l->st.queue_max)
			l->st.queue_max = l->count;
		l->st.wait_us += r->start_us - now_us;
	}
	l->st.accepted++;
	l->st.bytes += len;
	link_count_flow(l, key, len, 0);
	return 0;
}

double
link_queue_mean(const struct link *l, uint64_t now_us)
{
	uint64_t end = now_us;

	if (l->st.arrived == 0)
		return 0;
	/* The queue is empty once its last segment starts to leave. */
	if (l->count > 0 && l->starts[(l->head + l->count - 1) % (l->cfg.queue + 1)] > end)
		end = l->starts[(l->head + l->count - 1) % (l->cfg.queue + 1)];
	if (end <= l->st.first_us)
		return 0;
	return (double)l->st.wait_us / (double)(end - l->st.first_us);
}

char *
link_flow_format(const struct link_flow_key *k, char *buf, size_t cap)
{
	char src[32], dst[32];

	snprintf(buf, cap, "%s/%u>%s/%u", netif_format(&k->src, src, sizeof(src)),
	    (unsigned)k->src_port, netif_format(&k->dst, dst, sizeof(dst)),
	    (unsigned)k->dst_port);
	return buf;
}
