/*
 * scn_snub.h — anti-snubbing scenarios for the tit-for-tat lab (mt-peer's
 * choker), with fake neighbours (btfake.h) and short timers:
 *
 *   stops  the fastest of five uploaders holds a regular slot, then stops
 *          sending blocks while still asking for nothing new: the student's
 *          peer must choke it within choke_within_ms (one rechoke after the
 *          snub time), before a rate-only choker would, and give the slot
 *          to the fifth uploader;
 *   quiet  a few uploaders and more neighbours that send nothing (snubbing
 *          once the snub time has passed): every uploader stays unchoked,
 *          and the slots they leave, plus the optimistic one, go to the
 *          silent ones: a snubbing peer loses its claim to a slot, not its
 *          chance at one nobody else wants.
 */
#ifndef SCN_SNUB_H
#define SCN_SNUB_H

#include "scenario.h"

extern const struct labconf_param scn_snub_stops_params[];
extern const struct labconf_param scn_snub_quiet_params[];

void scn_snub_stops(struct scenario_env *env);
void scn_snub_quiet(struct scenario_env *env);

#endif
