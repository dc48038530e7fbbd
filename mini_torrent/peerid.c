/*
 * peerid.c — our peer_id.  See peerid.h.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "peerid.h"
#include "rng.h"

void
peerid_make(uint8_t id[20], uint64_t seed)
{
	static const char alnum[] = "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	struct timespec ts;
	uint64_t r;

	clock_gettime(CLOCK_REALTIME, &ts);
	r = seed ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 20) ^
	    ((uint64_t)ts.tv_sec << 40);
	memcpy(id, PEERID_PREFIX, 8);
	for (int i = 8; i < 20; i++)
		id[i] = (uint8_t)alnum[rng_below(&r, sizeof(alnum) - 1)];
}
