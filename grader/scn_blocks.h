/*
 * scn_blocks.h — lab 5's scenarios on blocks: what a student's peer asks its
 * fake neighbours (btfake.h) for, block by block, and what it refuses.
 *
 *   pipeline   one neighbour has every piece.  judge = strict: each piece
 *              started has all its blocks asked for before another piece
 *              is started (finish started pieces first); judge = depth: the
 *              neighbour answers nothing at first, and the peer must have
 *              `depth` requests out at once (a pipeline, not stop-and-wait);
 *   endgame    a silent neighbour has one piece and never answers; a helper
 *              with every piece unchokes once the silent one has been asked.
 *              judge = asks: when every other block is in, the peer must ask
 *              the helper for a block the silent one holds; judge = cancels:
 *              once that block arrives from the helper, the silent one must
 *              get a cancel for it (the helper answers no second duplicate,
 *              so the piece stays unfinished: only a cancel sent on receipt
 *              passes);
 *   sparebits  a neighbour's bitfield has a spare bit set: the peer's
 *              decoder must refuse it (read from the peer's --log: the given
 *              bitfield code refuses it too, later, with another reason), and
 *              the copy must end complete from an honest neighbour.
 */
#ifndef SCN_BLOCKS_H
#define SCN_BLOCKS_H

#include "scenario.h"

extern const struct labconf_param scn_blocks_pipeline_params[];
extern const struct labconf_param scn_blocks_endgame_params[];
extern const struct labconf_param scn_blocks_sparebits_params[];

void scn_blocks_pipeline(struct scenario_env *env);
void scn_blocks_endgame(struct scenario_env *env);
void scn_blocks_sparebits(struct scenario_env *env);

#endif
