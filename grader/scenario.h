/*
 * scenario.h — what a test does, as a C function the lab spec names.
 *
 * A scenario is parameterised by its [test] section (labconf.h) and runs
 * inside a test worker (runner.c), which has already made the network
 * private, picked the uid and made a scratch directory.  It starts programs
 * through the helpers below — which find the student's or the reference's
 * binary for a role, start it sandboxed, log the exact command line for the
 * replay trace, and wait for its "listening on" line — and records its
 * verdict and evidence in env->res.  It never has to clean up: the worker
 * kills everything the test started when the scenario returns.
 *
 * Adding a scenario: write `void scn_x_run(struct scenario_env *)` and its
 * parameter table in a scn_*.c module, and add one line to the table in
 * scenario.c.
 */
#ifndef SCENARIO_H
#define SCENARIO_H

#include <stdint.h>

#include "labconf.h"
#include "result.h"
#include "sandbox.h"

struct scenario_env {
	const struct labconf *lab;
	const struct labconf_test *test;
	const char *student_dir;	/* the built submission */
	char *const *ref_dirs;		/* where reference binaries are, in order */
	const char *tools_dir;		/* where faultproxy is */
	const char *scratch;		/* the student programs' working directory */
	const char *ref_scratch;	/* the reference programs' working directory */
	int uid;			/* the student programs' uid, or -1 */
	int ref_uid;			/* the reference programs' uid, or -1 */
	struct sandbox_limits limits;	/* for student and reference programs */
	size_t output_cap;		/* bytes of output kept per program */
	uint64_t seed;			/* this test's seed (from --seed and its name) */
	int private_net;		/* 1: a network namespace of its own */
	long deadline_ms;		/* when the test's time is up (monotonic) */
	struct result *res;
};

typedef void (*scenario_fn)(struct scenario_env *env);

/* Every scenario, for the lab.conf parser; ends with a NULL name. */
extern const struct labconf_scenario scenario_table[];

/* The function of a scenario, or NULL. */
scenario_fn scenario_lookup(const char *name);

/* Milliseconds left before the test's deadline (never below 0). */
int scenario_left(const struct scenario_env *env);

/* Appends a line to the trace shown with -v. */
void scenario_log(struct scenario_env *env, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * The path of program prog for role ("student" or "reference") in path, and
 * a name for messages ("your udp_server", "the reference udp_server") in
 * who.  Returns 0, or -1 (a test error recorded) when the binary is missing.
 */
int scenario_program(struct scenario_env *env, const char *role, const char *prog, char *path,
    size_t pcap, char *who, size_t wcap);

/*
 * Starts prog for role with the words of args (a space-separated string, may
 * be NULL) and then the extra arguments (a NULL-terminated list, may be NULL).
 * stdin is a pipe if stdin_pipe, else /dev/null.  Returns the process (freed
 * by the worker after the test), or NULL with the failure recorded.
 */
struct sandbox_proc *scenario_start(struct scenario_env *env, const char *role, const char *prog,
    const char *args, char *const *extra, int stdin_pipe);

/*
 * Starts a server as above and waits for its "listening on ADDR:PORT" line.
 * Returns the port (and the process in *pp), or -1 with the failure recorded.
 */
int scenario_start_server(struct scenario_env *env, struct sandbox_proc **pp, const char *role,
    const char *prog, const char *args, char *const *extra);

/* The same, with stdin a pipe the scenario writes (programs that read commands). */
int scenario_start_host(struct scenario_env *env, struct sandbox_proc **pp, const char *role,
    const char *prog, const char *args, char *const *extra);

/*
 * Starts our faultproxy (`udp` or `tcp`) in front of 127.0.0.1:port with the
 * words of opts.  Returns the proxy's port, or -1 with an error recorded.
 */
int scenario_start_proxy(struct scenario_env *env, const char *kind, int port, const char *opts);

/* Appends the end of p's stderr (if any) to the result's message. */
void scenario_note_stderr(struct scenario_env *env, const struct sandbox_proc *p);

/* True if the role is the student's. */
int scenario_is_student(const char *role);

#endif
