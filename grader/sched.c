/*
 * sched.c — see sched.h.
 *
 * One pass over the tests, in the lab's order, starts what can start: a
 * selected test still waiting whose selected prerequisites have all settled,
 * while a slot is free.  A test skipped in a pass settles at once, so its own
 * dependants are skipped in the same pass.  Between passes the caller waits
 * for one running test to end.  Prerequisites always come earlier in the
 * lab (labconf.h), so while anything waits, something can start or is
 * running: the loop ends.
 */
#include "sched.h"

#include <errno.h>
#include <stdlib.h>

int
sched_init(struct sched *s)
{
	if (s->limit == 0)
		s->limit = 1;
	if (s->limit > SCHED_MAX_SLOTS)
		s->limit = SCHED_MAX_SLOTS;
	s->nrun = 0;
	/* calloc: every state starts as SCHED_WAITING (0). */
	if ((s->state = calloc(s->ntests + 1, sizeof(*s->state))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
sched_free(struct sched *s)
{
	free(s->state);
	s->state = NULL;
}

/* 1 if a selected prerequisite of test i has not settled yet. */
static int
must_wait(const struct sched *s, size_t i)
{
	const struct labconf_test *t = &s->tests[i];

	for (size_t j = 0; j < t->nrequires; j++) {
		int p = t->requires[j];

		if (s->selected[p] && s->state[p] != SCHED_SETTLED)
			return 1;
	}
	return 0;
}

/*
 * If test i cannot run (the build failed, or a selected prerequisite did
 * not pass), records it as skipped with the reason.  Returns 1 if skipped.
 */
static int
skip_if_hopeless(struct sched *s, size_t i)
{
	const struct labconf_test *t = &s->tests[i];
	struct result *res = &s->results[i];

	if (s->build->status != RESULT_PASS) {
		res->status = RESULT_SKIP;
		strbuf_puts(&res->message, "skipped: the build failed");
		return 1;
	}
	for (size_t j = 0; j < t->nrequires; j++) {
		int p = t->requires[j];

		if (!s->selected[p] || s->results[p].status == RESULT_PASS)
			continue;
		res->status = RESULT_SKIP;
		strbuf_printf(&res->message, "skipped: it needs %s, which %s", s->tests[p].name,
		    s->results[p].status == RESULT_SKIP ? "was skipped" : "did not pass");
		return 1;
	}
	return 0;
}

/* Starts every test that can start, up to the limit; skips the hopeless. */
static void
start_ready(struct sched *s, const struct sched_ops *ops)
{
	for (size_t i = 0; i < s->ntests && s->nrun < s->limit; i++) {
		if (!s->selected[i] || s->state[i] != SCHED_WAITING || must_wait(s, i))
			continue;
		if (skip_if_hopeless(s, i) || ops->start(ops->ctx, i) == -1) {
			s->state[i] = SCHED_SETTLED;
			continue;
		}
		s->state[i] = SCHED_RUNNING;
		s->running[s->nrun++] = i;
	}
}

void
sched_run(struct sched *s, const struct sched_ops *ops)
{
	for (;;) {
		int done;

		start_ready(s, ops);
		if (s->nrun == 0)
			break;
		done = ops->wait(ops->ctx, s->running, s->nrun);
		if (done < 0 || (size_t)done >= s->nrun)
			continue;
		s->state[s->running[done]] = SCHED_SETTLED;
		s->running[done] = s->running[--s->nrun];
	}
}
