/*
 * ratelimit.c — token bucket on an injected clock (see ratelimit.h).
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
