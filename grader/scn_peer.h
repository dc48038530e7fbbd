/*
 * scn_peer.h — scenarios for the BitTorrent labs (mini_torrent's mt-peer).
 *
 *   swarm      a reference tracker, reference seeds and leechers, and the
 *              student's peer as a leecher (it must end with a byte-identical
 *              copy) or as the seed (every reference leecher must); with
 *              churn, the seeds are killed once the swarm holds a full copy;
 *   rarest     the student's peer among fake neighbours (btfake.h) whose
 *              bitfields make some pieces rare: once its first random pieces
 *              are in, the pieces it starts must be the rarest;
 *   titfortat  fake neighbours upload to the student's peer at known,
 *              distinct rates, or ask it for data at known rates (when it
 *              seeds, or to tempt a choker that ranks by the wrong
 *              direction), some of them not interested: after each rechoke
 *              it must unchoke the fastest four (uploaders; takers when it
 *              seeds), never an uninterested one, plus one optimistic
 *              unchoke that rotates — judged from the chokes and unchokes
 *              the neighbours receive;
 *   liar       a fake neighbour sends wrong bytes: the student's copy must
 *              still end byte-identical (pieces checked with SHA-1);
 *   malformed  fake neighbours send one malformed message each (a length
 *              wrong for its type, an index past the last piece): the
 *              student's peer must drop each, keep a well-formed control,
 *              finish its copy from an honest one, and not end;
 *   ties       one neighbour holds every piece (all equally rare): after the
 *              random start, the pieces started must not keep being the
 *              lowest- (or highest-) numbered left.
 *
 * The test's file is random bytes from the test's seed; the torrent is made
 * by the reference mt-mktorrent (run as a black box).
 */
#ifndef SCN_PEER_H
#define SCN_PEER_H

#include "btfake.h"
#include "scenario.h"

extern const struct labconf_param scn_peer_swarm_params[];
extern const struct labconf_param scn_peer_rarest_params[];
extern const struct labconf_param scn_peer_titfortat_params[];
extern const struct labconf_param scn_peer_liar_params[];
extern const struct labconf_param scn_peer_malformed_params[];
extern const struct labconf_param scn_peer_ties_params[];

void scn_peer_swarm(struct scenario_env *env);
void scn_peer_rarest(struct scenario_env *env);
void scn_peer_titfortat(struct scenario_env *env);
void scn_peer_liar(struct scenario_env *env);
void scn_peer_malformed(struct scenario_env *env);
void scn_peer_ties(struct scenario_env *env);

/* ---- shared with the other fake-neighbour scenarios (scn_blocks.c, scn_snub.c) ---- */

/* Parameters every scenario of an mt-peer has. */
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
 * tracker.  0, or -1 (error recorded). */
int scn_peer_make_torrent(struct scenario_env *env, struct torrent *t, size_t size,
    uint32_t piece_len);
/* Writes the test's file into dir for uid, keeping only pieces [0, keep) (all if keep < 0). */
int scn_peer_place_data(const struct torrent *t, const char *dir, int uid, long keep);
/* A fake that has every piece but those flagged in lacks (may be NULL), listening; or NULL. */
struct btfake *scn_peer_add_fake(struct fakes *fk, const struct torrent *t, const char *name,
    const uint8_t *lacks);
void scn_peer_free_fakes(struct fakes *fk);
/* Starts the student's peer as a leecher that dials every fake, with extra arguments. */
struct sandbox_proc *scn_peer_start_student(struct scenario_env *env, const struct torrent *t,
    struct fakes *fk, const char *extra);
/* Runs the fakes until every one has been dialled (or 10 s).  Returns how many were. */
size_t scn_peer_await_dials(struct scenario_env *env, struct fakes *fk);
/* Appends the file at path to sb.  0, or -1. */
int scn_peer_read_file(const char *path, struct strbuf *sb);
/* Pieces of the test's file in dir that are right. */
uint32_t scn_peer_pieces_right(const struct torrent *t, const char *dir);

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
