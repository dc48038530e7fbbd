/*
 * test_sched.c — the test scheduler on a fake lab: no socket, no process.
 *
 * The fake starts a test by noting it, and ends the one the test chose
 * (oldest first, or newest first) with the verdict the test scripted, so
 * each case checks one rule: prerequisites first, never more than the limit
 * side by side, a failed or skipped prerequisite skips its dependants with
 * the reason, a test that cannot start settles at once.  The fake checks at
 * every start that the test's selected prerequisites have all ended.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "sched.h"

#define MAXT 8

struct fake {
	size_t ntests;
	struct labconf_test tests[MAXT];
	int req[MAXT][MAXT];
	int selected[MAXT];
	struct result results[MAXT];
	struct result build;
	enum result_status verdict[MAXT];	/* what each test ends with */
	int cannot_start[MAXT];
	int newest_first;	/* wait() ends the last started test, not the first */
	int idle_waits;		/* wait() returns -1 this many times first */
	size_t order[MAXT], nstarted;	/* start order */
	size_t ended[MAXT], nended;	/* end order */
	size_t in_flight, most_in_flight;
};

/* Position of test i in the start order, or -1 if it never started. */
static int
started_at(const struct fake *f, size_t i)
{
	for (size_t k = 0; k < f->nstarted; k++)
		if (f->order[k] == i)
			return (int)k;
	return -1;
}

/* Position of test i in the end order, or -1. */
static int
ended_at(const struct fake *f, size_t i)
{
	for (size_t k = 0; k < f->nended; k++)
		if (f->ended[k] == i)
			return (int)k;
	return -1;
}

static int
fake_start(void *ctx, size_t i)
{
	struct fake *f = ctx;

	for (size_t j = 0; j < f->tests[i].nrequires; j++) {
		int p = f->tests[i].requires[j];

		cr_assert(!f->selected[p] || ended_at(f, (size_t)p) != -1,
		    "t%zu started before its prerequisite t%d ended", i, p);
	}
	f->order[f->nstarted++] = i;
	if (f->cannot_start[i]) {
		f->results[i].status = RESULT_ERROR;
		strbuf_puts(&f->results[i].message, "could not start");
		return -1;
	}
	if (++f->in_flight > f->most_in_flight)
		f->most_in_flight = f->in_flight;
	return 0;
}

static int
fake_wait(void *ctx, const size_t *running, size_t n)
{
	struct fake *f = ctx;
	size_t pick = 0;

	cr_assert_gt(n, 0, "wait() with nothing running");
	cr_assert_eq(n, f->in_flight, "the scheduler lost count of what runs");
	if (f->idle_waits > 0) {
		f->idle_waits--;
		return -1;
	}
	for (size_t j = 1; j < n; j++) {
		size_t pos_j = 0, pos_pick = 0;

		for (size_t k = 0; k < f->nstarted; k++) {
			pos_j = f->order[k] == running[j] ? k : pos_j;
			pos_pick = f->order[k] == running[pick] ? k : pos_pick;
		}
		if (f->newest_first ? pos_j > pos_pick : pos_j < pos_pick)
			pick = j;
	}
	f->results[running[pick]].status = f->verdict[running[pick]];
	f->ended[f->nended++] = running[pick];
	f->in_flight--;
	return (int)pick;
}

/* A lab of n tests, all selected, all passing, no prerequisite; the build passed. */
static void
fake_init(struct fake *f, size_t n)
{
	static const char *names[MAXT] = { "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7" };

	memset(f, 0, sizeof(*f));
	f->ntests = n;
	for (size_t i = 0; i < n; i++) {
		f->tests[i].name = (char *)names[i];
		f->tests[i].requires = f->req[i];
		f->selected[i] = 1;
		f->verdict[i] = RESULT_PASS;
		result_init(&f->results[i]);
	}
	result_init(&f->build);
	f->build.status = RESULT_PASS;
}

/* Test i needs test p (an earlier one). */
static void
fake_requires(struct fake *f, size_t i, int p)
{
	f->req[i][f->tests[i].nrequires++] = p;
}

static void
fake_run(struct fake *f, size_t limit)
{
	struct sched s = { .tests = f->tests, .ntests = f->ntests, .selected = f->selected,
		.results = f->results, .build = &f->build, .limit = limit };
	struct sched_ops ops = { .start = fake_start, .wait = fake_wait, .ctx = f };

	cr_assert_eq(sched_init(&s), 0);
	sched_run(&s, &ops);
	for (size_t i = 0; i < f->ntests; i++)
		cr_assert(!f->selected[i] || s.state[i] == SCHED_SETTLED, "t%zu did not settle", i);
	cr_assert_eq(s.nrun, 0);
	sched_free(&s);
	cr_assert_eq(f->in_flight, 0);
}

static void
fake_free(struct fake *f)
{
	for (size_t i = 0; i < f->ntests; i++)
		result_free(&f->results[i]);
	result_free(&f->build);
}

/* Test i was skipped without starting, and its message is why. */
static void
assert_skipped(const struct fake *f, size_t i, const char *why)
{
	cr_assert_eq(started_at(f, i), -1, "t%zu started", i);
	cr_assert_eq(f->results[i].status, RESULT_SKIP, "t%zu was not skipped", i);
	cr_assert_str_eq(strbuf_str(&f->results[i].message), why);
}

Test(sched, runs_a_chain_in_order_even_with_free_slots)
{
	struct fake f;

	fake_init(&f, 4);
	fake_requires(&f, 1, 0);
	fake_requires(&f, 2, 1);
	fake_requires(&f, 3, 2);
	fake_run(&f, 4);
	cr_assert_eq(f.nstarted, 4);
	cr_assert_eq(f.most_in_flight, 1, "a chain cannot run side by side");
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(f.order[i], i);
		cr_assert_eq(f.results[i].status, RESULT_PASS);
	}
	fake_free(&f);
}

Test(sched, runs_independent_tests_side_by_side_up_to_the_limit)
{
	for (size_t limit = 1; limit <= 7; limit++) {
		struct fake f;

		fake_init(&f, 7);
		fake_run(&f, limit);
		cr_assert_eq(f.nstarted, 7);
		cr_assert_eq(f.most_in_flight, limit, "limit %zu: %zu at once", limit,
		    f.most_in_flight);
		fake_free(&f);
	}
}

Test(sched, clamps_the_limit_to_one_slot_at_least)
{
	struct fake f;

	fake_init(&f, 3);
	fake_run(&f, 0);
	cr_assert_eq(f.nstarted, 3);
	cr_assert_eq(f.most_in_flight, 1);
	fake_free(&f);
}

Test(sched, starts_a_dependant_only_after_its_prerequisite_ends)
{
	struct fake f;

	/* t1 needs t0; t2 and t3 need nothing and fill the slots meanwhile. */
	fake_init(&f, 4);
	fake_requires(&f, 1, 0);
	f.newest_first = 1;	/* t0 ends last of the first batch */
	fake_run(&f, 3);
	cr_assert_eq(f.nstarted, 4);
	cr_assert_lt(started_at(&f, 2), started_at(&f, 1), "t2 may pass t1, which waits");
	cr_assert_lt(started_at(&f, 3), started_at(&f, 1), "t3 may pass t1, which waits");
	cr_assert_gt(ended_at(&f, 1), ended_at(&f, 0));
	fake_free(&f);
}

Test(sched, a_failed_prerequisite_skips_its_dependants_with_the_reason)
{
	struct fake f;

	/* t0 fails; t1 needs t0; t2 needs t1; t3 needs nothing. */
	fake_init(&f, 4);
	f.verdict[0] = RESULT_FAIL;
	fake_requires(&f, 1, 0);
	fake_requires(&f, 2, 1);
	fake_run(&f, 2);
	cr_assert_eq(f.results[0].status, RESULT_FAIL);
	assert_skipped(&f, 1, "skipped: it needs t0, which did not pass");
	assert_skipped(&f, 2, "skipped: it needs t1, which was skipped");
	cr_assert_eq(f.results[3].status, RESULT_PASS);
	fake_free(&f);
}

Test(sched, names_the_first_prerequisite_that_did_not_pass)
{
	struct fake f;

	/* t2 needs t0 (passes) and t1 (errors). */
	fake_init(&f, 3);
	f.verdict[1] = RESULT_ERROR;
	fake_requires(&f, 2, 0);
	fake_requires(&f, 2, 1);
	fake_run(&f, 3);
	assert_skipped(&f, 2, "skipped: it needs t1, which did not pass");
	fake_free(&f);
}

Test(sched, a_test_that_cannot_start_settles_and_its_dependants_are_skipped)
{
	struct fake f;

	fake_init(&f, 3);
	f.cannot_start[0] = 1;
	fake_requires(&f, 1, 0);
	fake_run(&f, 2);
	cr_assert_eq(f.results[0].status, RESULT_ERROR);
	cr_assert_str_eq(strbuf_str(&f.results[0].message), "could not start");
	assert_skipped(&f, 1, "skipped: it needs t0, which did not pass");
	cr_assert_eq(f.results[2].status, RESULT_PASS);
	fake_free(&f);
}

Test(sched, a_failed_build_skips_every_test_without_starting_one)
{
	struct fake f;

	fake_init(&f, 3);
	fake_requires(&f, 2, 0);
	f.build.status = RESULT_FAIL;
	fake_run(&f, 2);
	cr_assert_eq(f.nstarted, 0);
	for (size_t i = 0; i < 3; i++)
		assert_skipped(&f, i, "skipped: the build failed");
	fake_free(&f);
}

Test(sched, ignores_tests_not_selected_and_prerequisites_not_selected)
{
	struct fake f;

	/* Only t1 and t2 are asked for (--only, --tests visible); t1 needs t0. */
	fake_init(&f, 3);
	fake_requires(&f, 1, 0);
	f.selected[0] = 0;
	f.verdict[0] = RESULT_FAIL;	/* it would fail, if it ran */
	f.results[0].status = RESULT_SKIP;	/* what a report may say of a test left out */
	fake_run(&f, 1);
	cr_assert_eq(started_at(&f, 0), -1);
	cr_assert_eq(f.results[1].status, RESULT_PASS);
	cr_assert_eq(f.results[2].status, RESULT_PASS);
	cr_assert_eq(f.nstarted, 2);
	fake_free(&f);
}

Test(sched, keeps_waiting_when_no_test_has_ended_yet)
{
	struct fake f;

	fake_init(&f, 2);
	fake_requires(&f, 1, 0);
	f.idle_waits = 5;
	fake_run(&f, 2);
	cr_assert_eq(f.idle_waits, 0);
	cr_assert_eq(f.nstarted, 2);
	cr_assert_eq(f.results[1].status, RESULT_PASS);
	fake_free(&f);
}

Test(sched, a_diamond_waits_for_both_sides)
{
	struct fake f;

	/* t1 and t2 need t0; t3 needs t1 and t2. */
	fake_init(&f, 4);
	fake_requires(&f, 1, 0);
	fake_requires(&f, 2, 0);
	fake_requires(&f, 3, 1);
	fake_requires(&f, 3, 2);
	fake_run(&f, 4);
	cr_assert_eq(f.most_in_flight, 2, "t1 and t2 run side by side");
	cr_assert_eq(f.order[3], 3);
	cr_assert_eq(f.ended[f.nended - 1], 3);
	cr_assert_eq(f.results[3].status, RESULT_PASS);
	fake_free(&f);
}
