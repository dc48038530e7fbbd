/*
 * scn_line.h — scenarios that drive a line-oriented client program:
 *
 *   exchange  lines into a client, its output checked against the expected
 *             lines, with a server of either role, optionally through
 *             faultproxy (lossy UDP, 1-byte TCP pieces);
 *   noreply   a client facing a server that never answers (or a closed port)
 *             must give up in time with a message, not hang or invent a reply;
 *   usage     a program run with bad arguments must exit with status 2 and
 *             one line on stderr (the kit's convention).
 */
#ifndef SCN_LINE_H
#define SCN_LINE_H

#include "prng.h"
#include "scenario.h"

extern const struct labconf_param scn_line_exchange_params[];
extern const struct labconf_param scn_line_noreply_params[];
extern const struct labconf_param scn_line_usage_params[];

void scn_line_exchange(struct scenario_env *env);
void scn_line_noreply(struct scenario_env *env);
void scn_line_usage(struct scenario_env *env);

/* ASCII a-z to A-Z, every other byte unchanged: the labs' service. */
void scn_line_upper(char *buf, size_t n);

/*
 * Appends `count` random lines (each with its newline) of 1..max_len bytes to
 * sb: printable ASCII, or (binary) any byte but '\n'.
 */
void scn_line_random(struct prng *r, struct strbuf *sb, long count, long max_len, int binary);

#endif
