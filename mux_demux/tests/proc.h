/*
 * proc.h — start a program under test and talk to it, with a deadline on
 * every wait.
 *
 * Integration tests run the real binaries.  This helper starts one with pipes
 * on its stdin, stdout and stderr, in its own process group (so a test can kill
 * it and everything it started), and offers waits that always end: for a line,
 * for the "listening on ADDR:PORT" readiness line, for end of output, for exit.
 * No test sleeps to wait for a server; it waits for the line.
 *
 * The same file is vendored into each program directory's tests/ so that every
 * directory builds alone; `make check-copies` at the top keeps the copies equal.
 */
#ifndef PROC_H
#define PROC_H

#include <stddef.h>
#include <sys/types.h>

struct proc {
	pid_t pid;
	int in_fd;		/* our end of the child's stdin, -1 once closed */
	int out_fd;		/* our end of the child's stdout, -1 at EOF */
	int err_fd;		/* our end of the child's stderr, -1 at EOF */
	char *out;		/* stdout received and not yet consumed */
	size_t out_len, out_cap;
	char *err;		/* all stderr received, NUL-terminated */
	size_t err_len, err_cap;
	int exited, status;	/* status as from waitpid once exited */
};

/* Milliseconds on a monotonic clock. */
long proc_now_ms(void);

/* "$BIN_DIR/name" (BIN_DIR defaults to "."), in a static buffer. */
const char *proc_bin(const char *name);

/* Starts argv[0] with argv.  Returns 0, or -1 with errno set. */
int proc_start(struct proc *p, char *const argv[]);

/* Writes all of buf to the child's stdin.  Returns 0 or -1. */
int proc_write(struct proc *p, const void *buf, size_t n);
int proc_puts(struct proc *p, const char *s);
void proc_close_stdin(struct proc *p);

/*
 * Reads one line of the child's stdout into line (without its newline,
 * NUL-terminated, truncated to cap - 1).  Returns the line's length, or -1 on
 * timeout or end of output.
 */
long proc_readline(struct proc *p, char *line, size_t cap, int timeout_ms);

/*
 * Waits for "listening on ADDR:PORT" on stdout.  Returns the port, or -1.
 * If addr is not NULL it receives ADDR (cap bytes at most).
 */
int proc_wait_listening(struct proc *p, char *addr, size_t cap, int timeout_ms);

/*
 * Reads stdout until end of output.  Returns the number of bytes placed in buf
 * (at most cap; the rest is discarded), or -1 on timeout.
 */
long proc_read_all(struct proc *p, char *buf, size_t cap, int timeout_ms);

/* Waits until stderr contains needle.  Returns 0, or -1 on timeout or EOF. */
int proc_wait_stderr(struct proc *p, const char *needle, int timeout_ms);

/*
 * Waits for the child to exit.  Returns its exit code (128 + signal number if
 * killed), or -1 on timeout (the child is left running).
 */
int proc_wait(struct proc *p, int timeout_ms);

/* Kills the child's process group, reaps it and frees the buffers. */
void proc_kill(struct proc *p);

/* Everything the child wrote to stderr so far. */
const char *proc_stderr(struct proc *p);

#endif
