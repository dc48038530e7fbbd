/*
 * reroute.h — move a segment to another pair of network addresses without
 * reading its payload, as a NAT does.
 *
 * The checksum covers a pseudo-header with both network addresses (see
 * segment.h).  A router that relays a segment from its own socket changes
 * those addresses, so it must change the checksum too, or every relayed
 * segment fails it.  Recomputing the checksum from scratch would also "repair"
 * a segment damaged on the way in; updating it incrementally (RFC 1624) swaps
 * the old pseudo-header's share of the sum for the new one's and keeps every
 * other error the sum could see.
 */
#ifndef REROUTE_H
#define REROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "segment.h"

/*
 * Rewrites the checksum field of the len-byte segment seg, sent from osrc to
 * odst, so that it is right (or exactly as wrong) for a segment sent from nsrc
 * to ndst.  Returns 0, or -1 if len is shorter than a header (seg untouched).
 */
int reroute_checksum(uint8_t *seg, size_t len,
    const struct segment_netaddr *osrc, const struct segment_netaddr *odst,
    const struct segment_netaddr *nsrc, const struct segment_netaddr *ndst);

#endif
