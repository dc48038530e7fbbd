/*
 * outbuf.c — see outbuf.h.  A fixed-capacity buffer with two positions rather
 * than a ring: appending first slides the pending bytes to the front when the
 * tail has no room, which keeps head() one contiguous span for send().
 */
#include "outbuf.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

size_t
outbuf_pending(const struct outbuf *b)
{
	return b->end - b->start;
}

size_t
outbuf_space(const struct outbuf *b)
{
	return OUTBUF_CAP - outbuf_pending(b);
}

const char *
outbuf_head(const struct outbuf *b)
{
	return b->data != NULL ? b->data + b->start : NULL;
}

int
outbuf_append(struct outbuf *b, const void *buf, size_t n)
{
	assert(n <= outbuf_space(b));
	if (n == 0)
		return 0;
	if (b->data == NULL && (b->data = malloc(OUTBUF_CAP)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (b->end + n > OUTBUF_CAP) {
		memmove(b->data, b->data + b->start, outbuf_pending(b));
		b->end -= b->start;
		b->start = 0;
	}
	memcpy(b->data + b->end, buf, n);
	b->end += n;
	return 0;
}

void
outbuf_consume(struct outbuf *b, size_t n)
{
	assert(n <= outbuf_pending(b));
	b->start += n;
	if (b->start == b->end)
		outbuf_free(b);
}

void
outbuf_free(struct outbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->start = b->end = 0;
}
