/*
 * runner.h — grade one submission: copy it, build it, run its tests, each
 * in a worker process of its own.
 *
 * A worker is forked per step (the build, then each test).  It becomes the
 * reaper of everything it starts, moves into a private network namespace
 * (when the system allows), runs the step with its programs under a uid
 * nobody else uses, kills whatever is left, checks that nothing survived,
 * and sends its result back through a pipe.  The grader waits for that with
 * a deadline of its own and, past it, kills the worker and the uid.  So a
 * submission can crash, hang, fork or flood its own test, and no other.
 */
#ifndef RUNNER_H
#define RUNNER_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "labconf.h"
#include "result.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

struct runner {
	const struct labconf *lab;
	char *const *ref_dirs;		/* absolute reference directories */
	const char *tools_dir;		/* where faultproxy is */
	uint64_t seed;
	char work[PATH_MAX];		/* a private temporary directory */
	char sub[PATH_MAX + 64];	/* the submission's copy, in work */
	int private_net;		/* the last worker got a namespace of its own */
	const char *const *hide;	/* absolute paths its programs must not see (NULL-ended) */
};

/*
 * Makes the temporary directory and copies the submission into it (never
 * following symbolic links; .git left out; bounded in size).  What the
 * student should know about the copy goes to notes as sentences for the
 * report.  Returns 0, or -1 with a message in err.
 */
int runner_prepare(struct runner *r, const char *submission, struct strbuf *notes,
    struct strbuf *err);

/* Builds the copy with the lab's build command; res says how it went. */
void runner_build(struct runner *r, struct result *res);

/* Runs one test and waits for it; res receives its verdict and points. */
void runner_test(struct runner *r, const struct labconf_test *t, int index, struct result *res);

/* Tests may also run side by side: start them, then wait for any to end. */
#define RUNNER_MAX_JOBS 16

struct runner_job {
	pid_t pid;		/* the worker; 0 once finished */
	int fd;			/* its result pipe */
	long start_ms, deadline_ms;
	int timeout_s;
	struct strbuf msg;
	struct result *res;
};

/* Starts test t in a worker.  Returns 0, or -1 with an error recorded in res. */
int runner_start_test(struct runner *r, const struct labconf_test *t, int index, struct result *res,
    struct runner_job *job);

/*
 * Waits up to timeout_ms for one of n running jobs to end (or overrun its
 * deadline, and be stopped), and finishes it: its result decoded into its
 * res, everything it left killed.  Returns its index, or -1 if none ended.
 */
int runner_wait(struct runner_job *const *jobs, size_t n, int timeout_ms);

/* Gives a finished test its points: all or nothing. */
void runner_score(const struct labconf_test *t, struct result *res);

/* Removes the temporary directory. */
void runner_finish(struct runner *r);

#endif
