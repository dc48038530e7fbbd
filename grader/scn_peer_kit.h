/*
 * scn_peer_kit.h — what the peer scenarios share: scn_peer.c makes the test's
 * torrent, the fake neighbours and the student's peer started among them;
 * scn_snub.c (anti-snubbing) builds its scenarios from the same parts rather
 * than a copy of them.  Internal to the grader's peer scenarios.
 */
#ifndef SCN_PEER_KIT_H
#define SCN_PEER_KIT_H

#include <stddef.h>
#include <stdint.h>

#include "btfake.h"
#include "scenario.h"

/* Parameters every peer scenario has. */
#define PEER_COMMON \
	{ "peer_prog", LABCONF_STR, "mt-peer", 0, 0, NULL }, \
	{ "mktorrent_prog", LABCONF_STR, "mt-mktorrent", 0, 0, NULL }, \
	{ "peer_args", LABCONF_WORDS, "", 0, 0, NULL }

/* The fake neighbours of scn_peer_add_neighbours, and the choke timers. */
#define PEER_NEIGHBOURS(pieces, gaps, silent) \
	{ "pieces", LABCONF_INT, pieces, 16, 65536, NULL }, \
	{ "own", LABCONF_INT, "16", 1, 65536, NULL }, \
	{ "upload_gaps_ms", LABCONF_WORDS, gaps, 0, 0, NULL }, \
	{ "uninterested", LABCONF_WORDS, "", 0, 0, NULL }, \
	{ "take_gaps_ms", LABCONF_WORDS, "", 0, 0, NULL }, \
	{ "silent", LABCONF_INT, silent, 0, 16, NULL }
#define PEER_TIMERS(rechoke, optimistic) \
	{ "rechoke_ms", LABCONF_INT, rechoke, 100, 600000, NULL }, \
	{ "optimistic_ms", LABCONF_INT, optimistic, 100, 600000, NULL }

/* The test's file and torrent. */
struct torrent {
	uint8_t *data;
	size_t len;
	uint32_t piece_len, npieces;
	uint8_t info_hash[20];
	char path[4096];		/* the torrent, in the student's directory */
	char ref_path[4096];		/* the torrent, in the reference directory */
};

#define FAKES_MAX 32

struct fakes {
	struct btfake f[FAKES_MAX];
	struct btfake *all[FAKES_MAX];
	size_t n;
};

/* The test's file (size bytes from the test's seed) and its torrent, with no
 * tracker to reach (the peers are given).  0, or -1 (error recorded). */
int scn_peer_make_torrent(struct scenario_env *env, struct torrent *t, size_t size,
    uint32_t piece_len);

/* Writes the test's file into dir for uid, keeping only pieces [0, keep) (all if keep < 0). */
int scn_peer_place_data(const struct torrent *t, const char *dir, int uid, long keep);

/* Adds a listening fake that has every piece but those flagged in lacks (may be NULL). */
struct btfake *scn_peer_add_fake(struct fakes *fk, const struct torrent *t, const char *name,
    const uint8_t *lacks);
void scn_peer_free_fakes(struct fakes *fk);

/*
 * Adds the neighbours PEER_NEIGHBOURS describes: an uploader "upN" per word
 * of upload_gaps_ms (a 16 KiB piece per gap; not interested, with every
 * piece, if N is in `uninterested`) unless seed, a taker "takeN" per word of
 * take_gaps_ms (asks the student for a piece per gap), then `silent` ones
 * (interested, nothing sent or asked), in that order; each has every piece
 * but those flagged in lacks.  Says so in the result.  0, or -1.
 */
int scn_peer_add_neighbours(struct scenario_env *env, struct fakes *fk, const struct torrent *tor,
    const uint8_t *lacks, int seed);

/*
 * Starts the student's peer (seeding if seed) with the options in extra,
 * dialling every fake (slowest first), and waits for the dials.  0, or -1
 * (the failure recorded).
 */
int scn_peer_start_among(struct scenario_env *env, struct fakes *fk, const struct torrent *tor,
    int seed, const char *extra);

#endif
