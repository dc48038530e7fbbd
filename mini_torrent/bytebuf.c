/*
 * bytebuf.c — the growth of a byte buffer (see bytebuf.h).
 */
#include "bytebuf.h"

#include <stdint.h>
#include <stdlib.h>

void *
bytebuf_grow(void *data, size_t *cap, size_t used, size_t n, size_t first)
{
	size_t ncap = *cap ? *cap : first;
	void *nd;

	if (n <= *cap - used)
		return data;
	while (ncap - used < n) {
		if (ncap > SIZE_MAX / 2)
			return NULL;
		ncap *= 2;
	}
	if ((nd = realloc(data, ncap)) == NULL)
		return NULL;
	*cap = ncap;
	return nd;
}
