/*
 * dashboard.h — the tracker's live page: GET / returns one self-contained
 * HTML page (its style and script inline, nothing fetched from elsewhere) that
 * polls GET /stats.json and draws every swarm: each peer's address, client,
 * uploaded, downloaded, progress, seed or leecher, and when it was last seen.
 *
 * The page is static; everything live is in the JSON, which this module writes
 * from the swarm table.  The tracker never learns a torrent's size, so a peer's
 * progress is estimated from left: 100 % when left is 0, else 1 - left / the
 * largest left any peer of the swarm ever announced (a fresh leecher announces
 * the whole size).  The JSON is bounded, since every connection may ask for
 * it: at most DASHBOARD_MAX_SWARMS swarms, DASHBOARD_MAX_PEERS peers of each
 * and DASHBOARD_MAX_LISTED peers in all (about 300 bytes each), with the
 * totals alongside.
 */
#ifndef DASHBOARD_H
#define DASHBOARD_H

#include <stddef.h>

#include "httpd.h"
#include "swarm.h"

#define DASHBOARD_MAX_SWARMS 100
#define DASHBOARD_MAX_PEERS 200
#define DASHBOARD_MAX_LISTED 2000

/*
 * Names the client that made a peer id, from its conventional prefix:
 * Azureus style "-TR3000-" (two letters for the client, four version
 * characters), aria2's "A2-1-36-0-", and ours, "-MT0100-".  Writes a
 * printable ASCII name such as "Transmission 3.00" into out (cap bytes).
 */
void dashboard_client(const unsigned char id[SWARM_ID_LEN], char *out, size_t cap);

/*
 * Appends the stats JSON for table t at time now_ms (interval_s is reported
 * as is).
 */
void dashboard_put_stats(struct httpd_buf *b, const struct swarm_table *t,
    long long now_ms, long long interval_s);

/* Appends the HTML page. */
void dashboard_put_page(struct httpd_buf *b);

#endif
