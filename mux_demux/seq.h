/*
 * seq.h — comparing sequence numbers that wrap at 2^32.
 *
 * After 0xffffffff comes 0, so "a < b" on the raw values is wrong near the top
 * of the space.  As long as the two numbers are less than 2^31 apart (any
 * window is far smaller), the sign of their 32-bit difference says which one
 * comes first: RFC 1982's serial number arithmetic, as TCP uses it.
 */
#ifndef SEQ_H
#define SEQ_H

#include <stdint.h>

/* a comes before b. */
static inline int
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* a comes before b or is b. */
static inline int
seq_le(uint32_t a, uint32_t b)
{
	return a == b || seq_lt(a, b);
}

#endif
