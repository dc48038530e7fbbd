/*
 * clock.h — the one clock every program here reads: milliseconds on
 * CLOCK_MONOTONIC.
 *
 * Timers (rechoke, announce, timeouts, progress redraws) measure intervals,
 * so they must not jump when someone sets the date.  The modules that decide
 * (choker, ratelimit, swarm, ...) never read a clock: the programs read this
 * one and pass the time in, so tests can pass a fake one.
 */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

/* Milliseconds since an arbitrary point in the past (boot, on Linux). */
int64_t clock_now_ms(void);

#endif
