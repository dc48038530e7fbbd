/*
 * upper.h — the service itself: upper-case the ASCII letters of a buffer.
 *
 * It is the whole "application" of the uppercase server, kept apart from the
 * sockets so that it can be tested alone and so that the server's code shows
 * only what moves bytes.
 */
#ifndef UPPER_H
#define UPPER_H

#include <stddef.h>

/*
 * Upper-cases the ASCII letters a-z of buf[0..n) in place.  Every other byte,
 * including bytes >= 0x80 and NUL, is left unchanged: the transform is
 * binary-safe and independent of the locale.
 */
void upper_bytes(char *buf, size_t n);

#endif
