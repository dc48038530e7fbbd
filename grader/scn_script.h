/*
 * scn_script.h — a scenario written in lab.conf: start a few programs
 * ("hosts"), type commands into them and wait for the lines they print.
 *
 *     scenario = script
 *     prog = mux_host
 *     host = R reference -u 7           NAME ROLE [ARGS...], started in order
 *     host = S student
 *     step = S> bind 5000               type a line into S
 *     step = S> sendto 0 {R}/7 hello    {R} is R's "ADDR:PORT" from its listening line
 *     step = S< recv 0 from {R}/7 .*: HELLO      wait for a line of S matching this
 *                                                extended regular expression (whole line)
 *     step = S~ table => dropped: bad_checksum=[1-9].*   type it again every 500 ms
 *                                                until such a line comes
 *     step = R! recv .*                 after settle_ms, no unread line of R matches
 *     step = S> quit
 *     step = S$ 0                       S exits with status 0
 *
 * A wait looks at every line not yet matched, in order, and takes the first
 * that matches, so events of different origins may come in any order.  This
 * suits any program that reads commands and prints events (the mux/demux
 * lab's mux_host); an instructor writes new tests without C.
 */
#ifndef SCN_SCRIPT_H
#define SCN_SCRIPT_H

#include "scenario.h"

extern const struct labconf_param scn_script_params[];

void scn_script_run(struct scenario_env *env);

#endif
