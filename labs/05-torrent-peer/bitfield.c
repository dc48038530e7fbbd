/*
 * bitfield.c — see bitfield.h.
 */
#include "bitfield.h"

#include <stdlib.h>
#include <string.h>

size_t
bitfield_bytes(uint32_t nbits)
{
	return ((size_t)nbits + 7) / 8;
}

int
bitfield_init(struct bitfield *b, uint32_t nbits)
{
	b->nbits = nbits;
	b->count = 0;
	/* calloc(0) may return NULL; ask for one byte at least. */
	b->bits = calloc(bitfield_bytes(nbits) + 1, 1);
	return b->bits == NULL ? -1 : 0;
}

void
bitfield_free(struct bitfield *b)
{
	free(b->bits);
	b->bits = NULL;
	b->nbits = b->count = 0;
}

int
bitfield_get(const struct bitfield *b, uint32_t i)
{
	return (b->bits[i / 8] >> (7 - i % 8)) & 1;
}

void
bitfield_set(struct bitfield *b, uint32_t i)
{
	if (!bitfield_get(b, i)) {
		b->bits[i / 8] |= (uint8_t)(0x80u >> (i % 8));
		b->count++;
	}
}

void
bitfield_clear(struct bitfield *b, uint32_t i)
{
	if (bitfield_get(b, i)) {
		b->bits[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
		b->count--;
	}
}

void
bitfield_set_all(struct bitfield *b)
{
	size_t n = bitfield_bytes(b->nbits);

	if (n == 0)
		return;
	memset(b->bits, 0xff, n);
	if (b->nbits % 8 != 0)
		b->bits[n - 1] = (uint8_t)(0xff00u >> (b->nbits % 8));
	b->count = b->nbits;
}

int
bitfield_full(const struct bitfield *b)
{
	return b->count == b->nbits;
}

static uint32_t
popcount8(uint8_t v)
{
	uint32_t c = 0;

	for (; v != 0; v &= (uint8_t)(v - 1))
		c++;
	return c;
}

int
bitfield_load(struct bitfield *b, const uint8_t *data, size_t len)
{
	size_t n = bitfield_bytes(b->nbits);
	uint32_t count = 0;

	if (len != n)
		return -1;
	if (b->nbits % 8 != 0 &&
	    (data[n - 1] & (0xffu >> (b->nbits % 8))) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		count += popcount8(data[i]);
	if (n > 0)
		memcpy(b->bits, data, n);
	b->count = count;
	return 0;
}

int
bitfield_has_missing(const struct bitfield *have, const struct bitfield *want)
{
	size_t n = bitfield_bytes(have->nbits);

	for (size_t i = 0; i < n; i++)
		if (have->bits[i] & ~want->bits[i])
			return 1;
	return 0;
}
