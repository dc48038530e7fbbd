/*
 * sched.h — the order in which one submission's tests run: each test after
 * its prerequisites, up to a limit side by side, and a test whose
 * prerequisite did not pass skipped with the reason why.
 *
 * The scheduler decides; it runs nothing itself.  Starting a test and waiting
 * for one to end are the caller's (grade.c hands them to the runner's worker
 * processes, the unit tests to a fake), so the policy is plain data over the
 * lab's tests and their results, tested without a socket or a process.
 */
#ifndef SCHED_H
#define SCHED_H

#include <stddef.h>

#include "labconf.h"
#include "result.h"

/* Most tests side by side (the runner's RUNNER_MAX_JOBS). */
#define SCHED_MAX_SLOTS 16

/* Where one test is; every selected test goes from the first to the last. */
enum sched_state {
	SCHED_WAITING,		/* not started: a prerequisite has not settled yet */
	SCHED_RUNNING,		/* started, not ended */
	SCHED_SETTLED,		/* ended, skipped or could not start: its result is final */
	SCHED_STATE_COUNT
};

/* What the scheduler asks of its caller. */
struct sched_ops {
	/*
	 * Starts test i.  Returns 0 if it runs now, or -1 if it could not start
	 * (its result then says why; the test counts as settled).
	 */
	int (*start)(void *ctx, size_t i);
	/*
	 * Waits a while for one of the n tests running[0..n) to end and
	 * finishes it (its result final).  Returns its position in running[],
	 * or -1 if none ended yet (the scheduler asks again).
	 */
	int (*wait)(void *ctx, const size_t *running, size_t n);
	void *ctx;
};

/*
 * The caller fills in the fields above the line (designated initialisers)
 * and calls sched_init; the rest is the scheduler's.
 */
struct sched {
	const struct labconf_test *tests;	/* tests[0..ntests): requires[] name earlier ones */
	size_t ntests;
	const int *selected;	/* selected[i]: test i is to run; the others are ignored */
	struct result *results;	/* results[i]: test i's verdict (a skip is written here) */
	const struct result *build;	/* not RESULT_PASS: every selected test is skipped */
	size_t limit;		/* tests side by side: 1..SCHED_MAX_SLOTS (clamped) */
	/* ---- */
	enum sched_state *state;	/* per test */
	size_t running[SCHED_MAX_SLOTS];	/* the tests in flight, in no order */
	size_t nrun;
};

/* Sets every test waiting.  Returns 0, or -1 (ENOMEM). */
int sched_init(struct sched *s);

/*
 * Runs every selected test to the end through ops: in the lab's order as far
 * as prerequisites and the limit allow.  A test whose selected prerequisite
 * did not pass (or was skipped), or whose build failed, is skipped without
 * starting, with a message that names the reason.  Returns when every
 * selected test has settled.
 */
void sched_run(struct sched *s, const struct sched_ops *ops);

void sched_free(struct sched *s);

#endif
