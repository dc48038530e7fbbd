/*
 * sandbox.h — start the programs of one test and talk to them, safely.
 *
 * Every process a test needs (student binary, reference binary, faultproxy)
 * is started here: in its own process group, as the test's unprivileged uid,
 * with resource limits, a minimal environment, stdin from a pipe or
 * /dev/null, no inherited descriptors, and SIGKILL if the grader dies.  Its
 * stdout and stderr are captured through pipes with a cap: a process that
 * writes more than the cap loses the pipe (and dies of SIGPIPE), so an output
 * flood costs the grader nothing.  A build, whose compiler may rightly print
 * megabytes of warnings, is drained instead: read to its end, its last bytes
 * kept.
 *
 * All started processes are kept in one list, and every wait drains all of
 * them, so a chatty server can never block on a full pipe while the grader
 * waits for its client.  Every wait has a deadline.  sandbox_cleanup() kills
 * everything a test started — including what escaped with setsid, found
 * through the subreaper and the test's uid — and reports what it could not.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>

#include "isolate.h"
#include "strbuf.h"

struct sandbox_limits {
	int cpu_s;		/* RLIMIT_CPU seconds; 0 = unlimited */
	long as_mb;		/* RLIMIT_AS; 0 = unlimited */
	int nofile;		/* RLIMIT_NOFILE; 0 = unchanged */
	long fsize_mb;		/* RLIMIT_FSIZE; 0 = unlimited */
	int nproc;		/* RLIMIT_NPROC (only with a uid of its own); 0 = unchanged */
};

struct sandbox_spec {
	const char *name;	/* for messages, e.g. "your udp_server" */
	char *const *argv;	/* argv[0] is the path to execute */
	const char *cwd;	/* NULL: unchanged */
	int uid;		/* -1: keep the grader's */
	int stdin_pipe;		/* 1: a pipe we write; 0: /dev/null */
	const struct sandbox_limits *limits;	/* NULL: none (our own tools) */
	size_t out_cap;		/* bytes of stdout kept; 0: a default */
	size_t err_cap;		/* bytes of stderr kept; 0: a default */
	char *const *env;	/* NULL: PATH, LANG=C, HOME and TMPDIR = cwd */
	int drain;		/* 1: past a cap, read on and keep the last cap bytes */
};

struct sandbox_proc {
	char name[64];
	pid_t pid;
	int in_fd, out_fd, err_fd;	/* -1 once closed */
	struct strbuf out;		/* stdout received and not yet consumed */
	struct strbuf err;		/* all stderr received (up to the cap) */
	size_t out_total, err_total;	/* bytes received so far (past the cap if drained) */
	size_t out_cap, err_cap;
	int out_capped, err_capped;	/* the stream passed its cap */
	int drain;			/* as in its spec */
	int cpu_limit_s;		/* its RLIMIT_CPU, 0 if none */
	int exited, status;		/* status as from waitpid once exited */
	long cpu_ms;			/* CPU time it used, once exited */
	struct sandbox_proc *next;	/* the list of live processes */
	struct sandbox_proc *owned_next;	/* made by sandbox_spawn: freed by cleanup */
};

/* Milliseconds on a monotonic clock. */
long sandbox_now_ms(void);

/*
 * Starts a process.  Returns 0, or -1 with errno (exec failures included; a
 * resource limit that could not be set stops it before exec, too).
 */
int sandbox_start(struct sandbox_proc *p, const struct sandbox_spec *spec);

/*
 * Says in words a student understands why the last sandbox_start or
 * sandbox_spawn failed with errno e: "it is not a program for this machine
 * (...)".  Appends to sb.
 */
void sandbox_describe_start(int e, struct strbuf *sb);

/*
 * Like sandbox_start, but the process record is allocated here and freed by
 * the next sandbox_cleanup(), so a caller may simply forget it.  Returns it,
 * or NULL with errno.
 */
struct sandbox_proc *sandbox_spawn(const struct sandbox_spec *spec);

/*
 * Writes all of buf to the process's stdin within timeout_ms.  Returns 0, or
 * -1 (timeout, or the process closed its stdin).
 */
int sandbox_write(struct sandbox_proc *p, const void *buf, size_t n, int timeout_ms);
void sandbox_close_stdin(struct sandbox_proc *p);

/*
 * Reads one stdout line (without its newline) into line, replacing its
 * contents.  Returns the line's length, or -1 on timeout or end of output.
 */
long sandbox_readline(struct sandbox_proc *p, struct strbuf *line, int timeout_ms);

/*
 * Waits for "listening on ADDR:PORT" on stdout, skipping other lines.
 * Returns the port, or -1 (timeout, end of output, malformed line).
 */
int sandbox_wait_listening(struct sandbox_proc *p, int timeout_ms);

/* Waits until stdout ends.  Returns 0 (output in p->out), or -1 on timeout. */
int sandbox_read_all(struct sandbox_proc *p, int timeout_ms);

/*
 * Waits for the process to exit.  Returns its exit code (128 + signal if
 * killed), or -1 on timeout (it keeps running).
 */
int sandbox_wait(struct sandbox_proc *p, int timeout_ms);

/* True if the process has exited (reaps it if so). */
int sandbox_exited(struct sandbox_proc *p);

/*
 * Describes how it ended, to follow its name: "exited with status 1", "was
 * killed by SIGSEGV (a segmentation fault: ...)", with what the signal
 * usually means (SIGPIPE: wrote to a pipe or connection nobody was reading;
 * SIGXCPU, or SIGKILL past its CPU limit: used more CPU than allowed).
 */
void sandbox_describe_exit(const struct sandbox_proc *p, struct strbuf *sb);

/* Kills its process group and reaps it; its buffers stay readable. */
void sandbox_stop(struct sandbox_proc *p);

/* Stops it if needed and frees its buffers. */
void sandbox_free(struct sandbox_proc *p);

/*
 * poll() on the caller's descriptors while draining every live process's
 * output.  Returns the number of ready descriptors in fds, 0 on timeout.
 */
int sandbox_poll(struct pollfd *fds, nfds_t n, int timeout_ms);

/* Sleeps timeout_ms while draining output (never to wait for an event). */
void sandbox_idle(int timeout_ms);

/*
 * Kills every process started since the last cleanup (and frees those made
 * by sandbox_spawn), then every process running as uid or as its reference
 * uid (isolate_ref_uid; if uid is not -1) and every
 * child of the caller but the spared (may be NULL), until none is left or
 * timeout_ms passes.  Returns how many were left (0 = clean) and describes
 * them in desc (may be NULL).
 */
int sandbox_cleanup(int uid, const struct isolate_spare *spare, int timeout_ms,
    struct strbuf *desc);

#endif
