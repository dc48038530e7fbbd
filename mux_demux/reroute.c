/*
 * reroute.c — the incremental checksum update of RFC 1624 (see reroute.h).
 *
 * In one's-complement arithmetic the checksum is HC = ~(sum of all words).
 * Replacing the pseudo-header words m by m' gives, by RFC 1624 eqn. 3,
 * HC' = ~(~HC + ~m + m').  segment_checksum over zero segment bytes is
 * exactly ~m for a pair of addresses, so no pseudo-header is built here.
 */
#include "reroute.h"

#define REROUTE_CHECKSUM_AT	6	/* offset of the checksum field */

int
reroute_checksum(uint8_t *seg, size_t len,
    const struct segment_netaddr *osrc, const struct segment_netaddr *odst,
    const struct segment_netaddr *nsrc, const struct segment_netaddr *ndst)
{
	uint16_t hc, not_m, m_new;
	uint32_t sum;

	if (len < SEGMENT_HEADER_LEN)
		return -1;
	hc = segment_get16(seg + REROUTE_CHECKSUM_AT);
	not_m = segment_checksum(osrc, odst, seg, 0);
	m_new = (uint16_t)~segment_checksum(nsrc, ndst, seg, 0);
	sum = (uint32_t)(uint16_t)~hc + not_m + m_new;
	segment_put16(seg + REROUTE_CHECKSUM_AT, segment_fold(sum));
	return 0;
}
