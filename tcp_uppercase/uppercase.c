/*
 * uppercase.c — see uppercase.h.
 *
 * We do not call toupper(3): its answer depends on the locale (in a Latin-1
 * locale it would change byte 0xE9), and a network service must give the same
 * bytes back whatever the machine's settings.  Only 'a'..'z' change.
 */
#include "uppercase.h"

void
uppercase_ascii(void *buf, size_t len)
{
	unsigned char *p = buf;

	for (size_t i = 0; i < len; i++) {
		if (p[i] >= 'a' && p[i] <= 'z')
			p[i] = (unsigned char)(p[i] - 'a' + 'A');
	}
}
