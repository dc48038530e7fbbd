/*
 * deadline.c — see deadline.h.  CLOCK_MONOTONIC, in milliseconds, fits a long
 * for hundreds of millions of years of uptime.
 */
#include "deadline.h"

#include <limits.h>
#include <time.h>

static long
deadline_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* cannot fail for this clock */
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long
deadline_after(int ms)
{
	return deadline_now() + (ms > 0 ? ms : 0);
}

int
deadline_left(long deadline)
{
	long left = deadline - deadline_now();

	if (left <= 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}
