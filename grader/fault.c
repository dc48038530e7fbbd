/*
 * fault.c — see fault.h.
 */
#include "fault.h"

#include <stdlib.h>
#include <string.h>

#include "numarg.h"

void
fault_config_init(struct fault_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->reorder_ms = 100;
	cfg->dirs = (1u << FAULT_TO_SERVER) | (1u << FAULT_TO_CLIENT);
	cfg->seed = 1;
}

void
fault_init(struct fault_state *st, const struct fault_config *cfg)
{
	memset(st, 0, sizeof(*st));
	st->cfg = cfg;
	prng_seed(&st->rng[FAULT_TO_SERVER], prng_derive(cfg->seed, "to-server"));
	prng_seed(&st->rng[FAULT_TO_CLIENT], prng_derive(cfg->seed, "to-client"));
}

const char *
fault_dir_name(enum fault_dir dir)
{
	return dir == FAULT_TO_SERVER ? "to-server" : "to-client";
}

static const struct fault_rule *
rule_for(const struct fault_config *cfg, enum fault_dir dir, unsigned long index)
{
	for (size_t i = 0; i < cfg->nrules; i++)
		if (cfg->rules[i].dir == dir && cfg->rules[i].index == index)
			return &cfg->rules[i];
	return NULL;
}

static void
apply_rule(const struct fault_rule *r, struct fault_decision *d)
{
	switch (r->kind) {
	case FAULT_DROP:
		d->copies = 0;
		d->what = "dropped (rule)";
		break;
	case FAULT_DUP:
		d->copies = 2;
		d->delay_ms[1] = d->delay_ms[0];
		d->what = "duplicated (rule)";
		break;
	case FAULT_DELAY:
		d->delay_ms[0] = r->delay_ms;
		d->what = "delayed (rule)";
		break;
	case FAULT_CORRUPT:
		d->corrupt = 1;
		d->what = "corrupted (rule)";
		break;
	case FAULT_HOLD:
		d->until = r->until;
		d->what = "held (rule)";
		break;
	case FAULT_PASS:
		d->what = "passed (rule)";
		break;
	}
}

/* The datagram's chance faults, those its draws came up for (no rule, not
 * dropped): held back, duplicated, corrupted; the last one names it. */
static void
apply_chances(const struct fault_config *c, int reorder, int dup, int corrupt,
    struct fault_decision *d)
{
	if (reorder) {
		d->delay_ms[0] += c->reorder_ms;
		d->what = "held back (reorder)";
	}
	if (dup) {
		/* The copy leaves right behind the original, before the reply
		 * to anything the receiver sends next: a client that takes the
		 * next datagram as its answer meets it every time, however the
		 * machine schedules us. */
		d->copies = 2;
		d->delay_ms[1] = d->delay_ms[0];
		d->what = "duplicated";
	}
	if (corrupt) {
		d->corrupt = 1;
		d->what = "corrupted";
	}
}

void
fault_decide(struct fault_state *st, enum fault_dir dir, size_t len, struct fault_decision *d)
{
	const struct fault_config *c = st->cfg;
	struct prng *r = &st->rng[dir];
	/* The same draws for every datagram, used or not: see fault.h. */
	int drop = prng_chance(r, c->drop), dup = prng_chance(r, c->dup);
	int reorder = prng_chance(r, c->reorder), corrupt = prng_chance(r, c->corrupt);
	long jitter = c->jitter_ms > 0 ? (long)prng_below(r, (uint64_t)c->jitter_ms + 1) : 0;
	uint64_t pos = prng_next(r), flip = prng_next(r);
	const struct fault_rule *rule = rule_for(c, dir, ++st->count[dir]);
	int chance = (c->dirs >> dir) & 1;

	memset(d, 0, sizeof(*d));
	d->copies = 1;
	d->what = "passed";
	d->corrupt_at = len > 0 ? (size_t)(pos % len) : 0;
	d->corrupt_xor = (unsigned char)(1 + flip % 255);
	if (chance)
		d->delay_ms[0] = c->delay_ms + jitter;
	if (rule != NULL) {
		apply_rule(rule, d);
	} else if (chance && drop && (c->max_burst == 0 || st->burst[dir] < c->max_burst)) {
		d->copies = 0;
		d->what = "dropped";
	} else if (chance) {
		apply_chances(c, reorder, dup, corrupt && len > 0, d);
	}
	if (d->corrupt && len == 0)
		d->corrupt = 0;
	st->burst[dir] = d->copies == 0 ? st->burst[dir] + 1 : 0;
}

int
fault_parse_dirs(const char *text, unsigned *dirs)
{
	if (strcmp(text, "to-server") == 0)
		*dirs = 1u << FAULT_TO_SERVER;
	else if (strcmp(text, "to-client") == 0)
		*dirs = 1u << FAULT_TO_CLIENT;
	else if (strcmp(text, "both") == 0)
		*dirs = (1u << FAULT_TO_SERVER) | (1u << FAULT_TO_CLIENT);
	else
		return -1;
	return 0;
}

/* "to-server" or "to-client", the n bytes at s, into *dir.  0, or -1. */
static int
parse_dir(const char *s, size_t n, enum fault_dir *dir)
{
	if (n == 9 && strncmp(s, "to-server", 9) == 0)
		*dir = FAULT_TO_SERVER;
	else if (n == 9 && strncmp(s, "to-client", 9) == 0)
		*dir = FAULT_TO_CLIENT;
	else
		return -1;
	return 0;
}

/* A rule's kind, the n bytes at s, into *kind.  0, or -1. */
static int
parse_kind(const char *s, size_t n, enum fault_kind *kind)
{
	static const char *const kinds[] = { "pass", "drop", "dup", "delay", "corrupt", "hold" };

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if (strlen(kinds[k]) == n && strncmp(s, kinds[k], n) == 0) {
			*kind = (enum fault_kind)k;
			return 0;
		}
	}
	return -1;
}

/* The value after a delay (ms) or hold (a datagram index) rule; arg is NULL
 * when the rule has none, and only those two kinds must have one.  0, or -1. */
static int
parse_value(struct fault_rule *r, const char *arg)
{
	long v;

	if ((r->kind == FAULT_DELAY || r->kind == FAULT_HOLD) != (arg != NULL))
		return -1;
	if (r->kind == FAULT_DELAY) {
		if (numarg_parse_n(arg, strlen(arg), 0, 600000, &v) == -1)
			return -1;
		r->delay_ms = (long)v;
	} else if (r->kind == FAULT_HOLD) {
		if (numarg_parse_n(arg, strlen(arg), 0, 1000000000L, &v) == -1 || v == 0)
			return -1;
		r->until = v;
	}
	return 0;
}

int
fault_parse_rule(const char *text, struct fault_rule *r)
{
	const char *c1 = strchr(text, ':'), *c2, *c3;
	long v;
	size_t klen;

	memset(r, 0, sizeof(*r));
	if (c1 == NULL || (c2 = strchr(c1 + 1, ':')) == NULL)
		return -1;
	if (parse_dir(text, (size_t)(c1 - text), &r->dir) == -1)
		return -1;
	if (numarg_parse_n(c1 + 1, (size_t)(c2 - c1 - 1), 0, 1000000000L, &v) == -1 || v == 0)
		return -1;
	r->index = v;
	c3 = strchr(c2 + 1, ':');
	klen = c3 ? (size_t)(c3 - c2 - 1) : strlen(c2 + 1);
	if (parse_kind(c2 + 1, klen, &r->kind) == -1)
		return -1;
	return parse_value(r, c3 ? c3 + 1 : NULL);
}
