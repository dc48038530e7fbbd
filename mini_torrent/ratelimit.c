/*
 * ratelimit.c — token bucket on an injected clock, and how connections
 * share it (see ratelimit.h).
 */
#include "ratelimit.h"

void
ratelimit_init(struct ratelimit *rl, uint64_t rate, uint64_t burst,
    int64_t now)
{
	rl->rate = rate;
	rl->burst = burst > 0 ? burst : 1;
	rl->milli = 0;	/* empty: from the start, no more than rate bytes per second */
	rl->last_ms = now;
}

uint64_t
ratelimit_default_burst(uint64_t rate)
{
	return rate / 20 > 4096 ? rate / 20 : 4096;
}

static void
refill(struct ratelimit *rl, int64_t now)
{
	uint64_t cap = rl->burst * 1000, dt;

	if (now <= rl->last_ms)
		return;
	dt = (uint64_t)(now - rl->last_ms);
	rl->last_ms = now;
	/* Past the time to fill the bucket from empty, it is simply full
	 * (and rate * dt cannot overflow). */
	if (dt > cap / rl->rate + 1 || rl->milli + rl->rate * dt >= cap)
		rl->milli = cap;
	else
		rl->milli += rl->rate * dt;
}

uint64_t
ratelimit_available(struct ratelimit *rl, int64_t now)
{
	if (rl->rate == 0)
		return UINT64_MAX;
	refill(rl, now);
	return rl->milli / 1000;
}

uint64_t
ratelimit_take(struct ratelimit *rl, int64_t now, uint64_t want)
{
	uint64_t have = ratelimit_available(rl, now);

	if (want > have)
		want = have;
	if (rl->rate != 0)
		rl->milli -= want * 1000;
	return want;
}

int64_t
ratelimit_wait_ms(const struct ratelimit *rl, uint64_t n)
{
	uint64_t need;

	if (rl->rate == 0)
		return 0;
	if (n > rl->burst)
		n = rl->burst;
	if (rl->milli >= n * 1000)
		return 0;
	need = n * 1000 - rl->milli;
	return (int64_t)((need + rl->rate - 1) / rl->rate);
}

int
ratelimit_has_chunk(struct ratelimit *rl, int64_t now, uint64_t chunk)
{
	return ratelimit_available(rl, now) > 0 &&
	    ratelimit_wait_ms(rl, chunk) == 0;
}

int64_t
ratelimit_chunk_deadline(struct ratelimit *rl, int64_t now, uint64_t chunk,
    int64_t deadline)
{
	int64_t wait;

	if (ratelimit_has_chunk(rl, now, chunk))
		return deadline;
	wait = ratelimit_wait_ms(rl, chunk);
	return now + wait < deadline ? now + wait : deadline;
}

uint64_t
ratelimit_fair_share(struct ratelimit *rl, int64_t now, size_t contenders)
{
	uint64_t avail = ratelimit_available(rl, now), share;

	if (rl->rate == 0 || contenders <= 1)
		return avail;
	share = avail / contenders;
	share = share < RATELIMIT_MIN_SHARE ? RATELIMIT_MIN_SHARE : share;
	return share < avail ? share : avail;
}

int
ratelimit_has_turn(const struct ratelimit_turn *t, const struct ratelimit *rl,
    uint64_t id, int64_t now)
{
	return rl->rate == 0 || t->holder == 0 || t->holder == id ||
	    now - t->since_ms >= RATELIMIT_TURN_HOLD_MS;
}

void
ratelimit_turn_keep(struct ratelimit_turn *t, uint64_t id, int64_t now)
{
	t->holder = id;
	t->since_ms = now;
}

void
ratelimit_turn_release(struct ratelimit_turn *t, uint64_t id)
{
	if (t->holder == id)
		t->holder = 0;
}

int64_t
ratelimit_turn_expires(const struct ratelimit_turn *t)
{
	return t->since_ms + RATELIMIT_TURN_HOLD_MS;
}
