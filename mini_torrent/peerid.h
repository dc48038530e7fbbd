/*
 * peerid.h — the 20-byte peer_id mt-peer sends in its handshake and
 * announces to the tracker.
 *
 * Azureus style (BEP 20): "-MT0100-" names the client and version, so real
 * clients and Wireshark show who we are; twelve random letters and digits
 * follow.  The random part mixes in the clock and the pid even when
 * --seed-rng fixes every other random choice: two peers started at once
 * with the same seed must still have different ids, or each would take the
 * other for itself.
 */
#ifndef PEERID_H
#define PEERID_H

#include <stdint.h>

#define PEERID_PREFIX "-MT0100-"

/* Fills id with PEERID_PREFIX and 12 characters from [0-9a-zA-Z]. */
void peerid_make(uint8_t id[20], uint64_t seed);

#endif
