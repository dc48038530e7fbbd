/*
 * swarm.h — what a tracker knows: for each torrent (named by its info-hash),
 * who is in the swarm.  Not who has which piece: that the peers learn from each
 * other.
 *
 * It is plain data, with no sockets and no clock of its own: every call that
 * needs the time takes "now" in milliseconds, so tests drive expiry with a fake
 * clock, and randomness comes from a seeded generator, so a test or a grader can
 * replay which peers were handed out.  Input comes from the network, so the
 * table is bounded: a most number of swarms, of peers per swarm, and an
 * optional allow-list of info-hashes.
 *
 * Shape: swarms are kept in an array of pointers sorted by info-hash, peers in
 * an array sorted by peer id, both found by binary search.  A tracker's load is
 * many updates of peers it already knows, which this makes O(log n) with no
 * hashing to attack; joins and leaves move memory, which is cheap at the sizes
 * the limits allow.  A random subset is drawn by marking picked peers with a
 * stamp, so it costs O(numwant), not O(swarm).
 */
#ifndef SWARM_H
#define SWARM_H

#include <stddef.h>
#include <stdint.h>

#define SWARM_HASH_LEN 20
#define SWARM_ID_LEN 20

enum swarm_event {
	SWARM_EVENT_NONE,	/* a regular update */
	SWARM_EVENT_STARTED,
	SWARM_EVENT_COMPLETED,
	SWARM_EVENT_STOPPED,
	SWARM_EVENT_COUNT
};

enum swarm_status {
	SWARM_OK,
	SWARM_NOT_ALLOWED,	/* info-hash not in the allow-list */
	SWARM_TOO_MANY_SWARMS,
	SWARM_TOO_MANY_PEERS,
	SWARM_NO_MEMORY,
	SWARM_STATUS_COUNT
};

struct swarm_peer {
	unsigned char id[SWARM_ID_LEN];
	unsigned char ip[4];	/* IPv4 address, network byte order */
	uint16_t port;		/* host byte order */
	long long uploaded, downloaded, left;	/* as last announced */
	long long first_seen_ms, last_seen_ms;
	int counted;		/* its completion is in the swarm's downloaded */
	unsigned stamp;		/* see swarm_select */
};

struct swarm {
	unsigned char info_hash[SWARM_HASH_LEN];
	struct swarm_peer *peers;	/* sorted by id */
	size_t npeers, cap;
	size_t seeders;			/* peers with left == 0 */
	long long downloaded;		/* completions seen (scrape "downloaded") */
	long long max_left;		/* largest left ever announced: the size, best guess */
};

struct swarm_limits {
	size_t max_swarms;
	size_t max_peers;		/* per swarm */
	long long expiry_ms;		/* a peer silent this long is gone */
};

struct swarm_table {
	struct swarm **swarms;		/* sorted by info-hash */
	size_t nswarms, cap;
	struct swarm_limits limits;
	uint64_t rng;
	unsigned stamp;
	int restricted;				/* only hashes in allow are served */
	unsigned char (*allow)[SWARM_HASH_LEN];	/* sorted */
	size_t nallow;
};

/* A short English description of a status, for a failure reason. */
const char *swarm_status_text(enum swarm_status s);

/* Initialises an empty table; the seed drives swarm_select. */
void swarm_table_init(struct swarm_table *t, const struct swarm_limits *limits,
    uint64_t seed);
void swarm_table_free(struct swarm_table *t);

/* Turns the allow-list on: from now on only the hashes in it are served. */
void swarm_restrict(struct swarm_table *t);
/*
 * Adds hash to the allow-list (turning it on if it was off).  Returns 0, or -1
 * if out of memory.
 */
int swarm_allow(struct swarm_table *t, const unsigned char hash[SWARM_HASH_LEN]);
/* 1 if the table accepts this info-hash. */
int swarm_allowed(const struct swarm_table *t, const unsigned char hash[SWARM_HASH_LEN]);

/* The swarm of hash, or NULL. */
struct swarm *swarm_find(const struct swarm_table *t,
    const unsigned char hash[SWARM_HASH_LEN]);

/* The peer with id in s, or NULL. */
struct swarm_peer *swarm_find_peer(const struct swarm *s,
    const unsigned char id[SWARM_ID_LEN]);

/*
 * Records an announce by peer p (its id, address, counters; the rest of p is
 * ignored) for hash at time now_ms.  started, completed and regular updates
 * add or refresh the peer; stopped removes it and never creates anything.
 * completed counts once per peer in the swarm's downloaded total.
 * On SWARM_OK, *out is the swarm (NULL after a stopped for an unknown swarm);
 * the pointer stays valid until the next call that changes the table.
 */
enum swarm_status swarm_announce(struct swarm_table *t,
    const unsigned char hash[SWARM_HASH_LEN], const struct swarm_peer *p,
    enum swarm_event ev, long long now_ms, struct swarm **out);

/*
 * Chooses up to want peers of s at random, never the asker (a peer with the
 * asker's id, or with its address and port), and stores pointers to them in
 * out (room for want).  Returns how many: min(want, the others).
 */
size_t swarm_select(struct swarm_table *t, struct swarm *s,
    const struct swarm_peer *asker, size_t want, const struct swarm_peer **out);

/*
 * Removes every peer last seen expiry_ms or longer before now_ms, and every
 * swarm left empty.  Returns the number of peers removed.
 */
size_t swarm_expire(struct swarm_table *t, long long now_ms);

/* Peers in s that are not seeds. */
size_t swarm_leechers(const struct swarm *s);

#endif
