/*
 * scn_stream.h — scenarios in which the grader itself is the client, talking
 * to a server program over sockets of its own:
 *
 *   concurrent  many TCP clients interleaved while others sit idle
 *               mid-line: a server that serves one client at a time stalls;
 *   bulk        megabytes through one connection whose reader pauses first:
 *               a server that ignores partial writes loses bytes;
 *   badinput    binary, oversized, truncated and reset input, then a normal
 *               request: the server must still answer, and still be running.
 */
#ifndef SCN_STREAM_H
#define SCN_STREAM_H

#include "scenario.h"

extern const struct labconf_param scn_stream_concurrent_params[];
extern const struct labconf_param scn_stream_bulk_params[];
extern const struct labconf_param scn_stream_badinput_params[];

void scn_stream_concurrent(struct scenario_env *env);
void scn_stream_bulk(struct scenario_env *env);
void scn_stream_badinput(struct scenario_env *env);

#endif
