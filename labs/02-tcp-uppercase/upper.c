/*
 * upper.c — see upper.h.  Deliberately not toupper(3): toupper follows the
 * locale (in some locales it maps bytes >= 0x80 too) and is undefined for a
 * negative char.  The protocol says "ASCII letters", so the test is spelled
 * out.
 */
#include "upper.h"

void
upper_bytes(char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char)(buf[i] - 'a' + 'A');
}
