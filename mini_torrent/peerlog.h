/*
 * peerlog.h — mt-peer's own events in its --log file: "start" (who we are,
 * what we serve, the knobs in force) and "exit" (what we moved).
 *
 * session.c logs the protocol's events as they happen; these two frame them,
 * and the grader and the swarm experiments read both (the field names are
 * an interface).  Apart from mt-peer.c so that its loop is not interrupted
 * by field lists.  Both are no-ops when no log is open.
 */
#ifndef PEERLOG_H
#define PEERLOG_H

#include <stdint.h>

#include "jlog.h"
#include "metainfo.h"
#include "session.h"

/* The "start" event, at time 0: s's id and configuration, meta's hash and
 * size, the port we listen on. */
void peerlog_start(struct jlog *log, const struct session *s,
    const struct metainfo *meta, uint16_t port);

/* The "exit" event at now (clock_now_ms()). */
void peerlog_exit(struct jlog *log, const struct session *s, int64_t now);

#endif
