/*
 * swarmrun.h — one measured swarm on loopback, from start to tear-down.
 *
 * The distribution-time experiment needs the real thing: real peers (mt-peer)
 * finding each other through a real tracker (mt-tracker), with their upload
 * rates capped, and a clock on each leecher.  swarmrun builds that swarm in a
 * work directory: pseudo-random data of F bytes, its torrent, a tracker on
 * 127.0.0.1, N leechers on 127.0.0.3, .4, ... (so every peer has its own
 * address, as on a real network), and, once every leecher listens, the seed
 * on 127.0.0.2.  The clock starts when the seed is started; a leecher's time
 * is when it says "download complete".  Then it stops everything, checks
 * every copy against the seed's data, and removes what it made.
 *
 * In client-server mode the leechers ask the tracker for no peers, so they
 * never meet one another and only the seed uploads.  In P2P mode everyone
 * may connect to everyone (a full mesh, unless max_peers says otherwise).
 *
 * The module is a harness: each child runs with pipes on its stdout and
 * stderr, one poll() loop reads them all, every wait has a deadline, and the
 * children stay in the caller's process group.  It never prints and never
 * exits: it reports through a progress callback and a reason string.
 */
#ifndef SWARMRUN_H
#define SWARMRUN_H

#include <stdint.h>

#define SWARMRUN_MAX_N 200	/* leechers: the tracker lists 200 peers at most */

enum swarmrun_mode { SWARMRUN_CS, SWARMRUN_P2P, SWARMRUN_MODE_COUNT };

/* Called once when the seed starts (elapsed_s = 0), then every few
 * seconds: done of n leechers complete, elapsed_s since the seed started. */
typedef void swarmrun_progress_fn(void *arg, unsigned done, unsigned n,
    double elapsed_s);

struct swarmrun_config {
	enum swarmrun_mode mode;
	unsigned n;			/* leechers, 1..SWARMRUN_MAX_N */
	uint64_t file;			/* F, bytes */
	uint32_t piece_len;		/* a power of two, 16 KiB or more */
	uint64_t us;			/* the seed's upload cap, bytes/s (> 0) */
	uint64_t ui, dmin;		/* each leecher's caps; 0: none */
	unsigned slots;			/* leechers' regular unchoke slots */
	unsigned seed_slots;		/* the seed's; 0: n (everyone) */
	unsigned max_peers;		/* a leecher's neighbours; 0: all */
	int64_t rechoke_ms, optimistic_ms;
	double timeout_s;		/* for the leechers, from the seed's start */
	const char *bin_dir;		/* holds mt-tracker and mt-peer */
	const char *keep_dir;		/* NULL: a temporary directory, removed;
					 * else data, torrent and JSON logs are
					 * kept in keep_dir/MODE-N/ */
	swarmrun_progress_fn *progress;	/* may be NULL */
	void *progress_arg;
};

/* "cs" or "p2p". */
const char *swarmrun_mode_name(enum swarmrun_mode m);

/*
 * Runs the swarm c describes.  Returns 0 and fills complete[0..n) with each
 * leecher's time in seconds, or returns -1 with a one-line (or, when a child
 * failed, a few lines) reason in why.  Either way every process it started
 * has been stopped and reaped when it returns.
 */
int swarmrun_once(const struct swarmrun_config *c, double *complete,
    char *why, size_t whylen);

/* Async-signal-safe: makes the run in progress stop and fail. */
void swarmrun_interrupt(void);

/* Kills and reaps whatever the run in progress started, removes its
 * temporary directory (for atexit, when the caller exits mid-run). */
void swarmrun_kill_all(void);

#endif
