/*
 * bytebuf.h — how every growable byte buffer here grows.
 *
 * Three buffers hold bytes of unknown length: bencode output
 * (bencode_buf), HTTP input and output (httpd_buf) and a neighbour's wire
 * output (peer_buf).  Each keeps the fields its users read (a peer's buffer
 * has a read position, the others do not), but they grow one way, written
 * once here: double the capacity until the bytes fit, refuse a size that
 * would overflow, and leave the buffer as it was when memory runs out.
 */
#ifndef BYTEBUF_H
#define BYTEBUF_H

#include <stddef.h>

/*
 * data holds *cap bytes (data may be NULL when *cap is 0), of which the
 * first used are in use.  Makes room for n more after them: returns the data
 * (moved, perhaps) and updates *cap; an empty buffer starts at first bytes
 * (first > 0).  Returns NULL, with data and *cap untouched, when memory runs
 * out or the size would overflow.
 */
void *bytebuf_grow(void *data, size_t *cap, size_t used, size_t n,
    size_t first);

#endif
