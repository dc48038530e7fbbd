/*
 * sandbox.c — see sandbox.h.  The child's side of sandbox_start runs between
 * fork and exec: it may only make system calls, and reports an exec failure
 * through a close-on-exec pipe, so the caller learns it synchronously.
 * Linux-only steps (uid change with the parent-death signal, closing
 * descriptors, the final sweep) are in isolate.c.
 * _DEFAULT_SOURCE: wait4, for the CPU time of one child (not POSIX, but in
 * every BSD and Linux libc).
 */
#define _DEFAULT_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "isolate.h"

#define SANDBOX_DEFAULT_CAP (256 * 1024)

static struct sandbox_proc *live;	/* every started, not yet stopped process */
static struct sandbox_proc *owned;	/* every process record made by sandbox_spawn */

long
sandbox_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the child reports when it cannot exec: where it stopped, and why. */
enum stage { STAGE_SETUP, STAGE_LIMIT, STAGE_EXEC };

struct failure {
	int stage;
	int err;
	int resource;		/* for STAGE_LIMIT: the RLIMIT_ that failed */
};

static struct failure last_failure;	/* of the last sandbox_start */

/* Sets one limit; on failure, says which in f.  Returns 0, or -1. */
static int
set_limit(int resource, rlim_t soft, rlim_t hard, struct failure *f)
{
	struct rlimit rl = { soft, hard };

	if (setrlimit(resource, &rl) == 0)
		return 0;
	*f = (struct failure){ STAGE_LIMIT, errno, resource };
	return -1;
}

/* Returns 0, or -1 with the failure in f (the program must not run then). */
static int
apply_limits(const struct sandbox_limits *l, int own_uid, struct failure *f)
{
	if (set_limit(RLIMIT_CORE, 0, 0, f) == -1 || l == NULL)
		return l == NULL ? 0 : -1;
	/* SIGXCPU at the limit, SIGKILL a second later if it is ignored. */
	if (l->cpu_s > 0 && set_limit(RLIMIT_CPU, (rlim_t)l->cpu_s, (rlim_t)l->cpu_s + 1, f) == -1)
		return -1;
	if (l->as_mb > 0 && set_limit(RLIMIT_AS, (rlim_t)l->as_mb << 20, (rlim_t)l->as_mb << 20,
	    f) == -1)
		return -1;
	if (l->nofile > 0 && set_limit(RLIMIT_NOFILE, (rlim_t)l->nofile, (rlim_t)l->nofile, f) == -1)
		return -1;
	if (l->fsize_mb > 0 && set_limit(RLIMIT_FSIZE, (rlim_t)l->fsize_mb << 20,
	    (rlim_t)l->fsize_mb << 20, f) == -1)
		return -1;
	/* The process limit counts every process of the real uid: with the
	 * invoking user's own uid it would count their shell and editor too. */
	if (l->nproc > 0 && own_uid && set_limit(RLIMIT_NPROC, (rlim_t)l->nproc, (rlim_t)l->nproc,
	    f) == -1)
		return -1;
	return 0;
}

/* The child between fork and exec.  Never returns. */
static void
child(const struct sandbox_spec *s, pid_t parent, int in, int out, int err, int report)
{
	static char home[512], tmp[512];
	char *defenv[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C", home, tmp, NULL };
	struct failure f = { STAGE_SETUP, 0, 0 };
	sigset_t none;

	setpgid(0, 0);
	if (isolate_child_enter(s->uid, parent) == -1)
		goto fail;
	if (s->cwd != NULL && chdir(s->cwd) == -1)
		goto fail;
	snprintf(home, sizeof(home), "HOME=%s", s->cwd ? s->cwd : "/");
	snprintf(tmp, sizeof(tmp), "TMPDIR=%s", s->cwd ? s->cwd : "/tmp");
	if (dup2(in, 0) == -1 || dup2(out, 1) == -1 || dup2(err, 2) == -1)
		goto fail;
	isolate_close_from(3, report);
	if (apply_limits(s->limits, s->uid != -1, &f) == -1)
		goto report;
	umask(022);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(s->argv[0], s->argv, s->env ? s->env : defenv);
	f.stage = STAGE_EXEC;
fail:
	f.err = errno;
report:
	if (write(report, &f, sizeof(f)) < 0)
		_exit(126);
	_exit(127);
}

static int
open_pipes(int p[3][2])
{
	for (int i = 0; i < 3; i++)
		p[i][0] = p[i][1] = -1;
	for (int i = 0; i < 3; i++)
		if (pipe(p[i]) == -1)
			return -1;
	return 0;
}

static void
close_pipes(int p[3][2])
{
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++)
			if (p[i][j] != -1)
				close(p[i][j]);
}

/*
 * Waits for the exec report: 0 if exec succeeded, else -1 with errno and the
 * failure kept for sandbox_describe_start.
 */
static int
exec_result(int report)
{
	struct failure f;
	ssize_t n;

	while ((n = read(report, &f, sizeof(f))) == -1 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(f)) {
		last_failure = f;
		errno = f.err;
		return -1;
	}
	return 0;
}

/* Keeps our ends of the child's pipes (non-blocking, close-on-exec) and lists it. */
static void
adopt(struct sandbox_proc *p, int pp[3][2], int stdin_pipe)
{
	close(pp[0][0]);
	close(pp[1][1]);
	close(pp[2][1]);
	p->in_fd = pp[0][1];
	p->out_fd = pp[1][0];
	p->err_fd = pp[2][0];
	if (!stdin_pipe) {
		close(p->in_fd);
		p->in_fd = -1;
	}
	for (int i = 0; i < 3; i++) {
		int fd = i == 0 ? p->in_fd : i == 1 ? p->out_fd : p->err_fd;

		if (fd != -1) {
			fcntl(fd, F_SETFL, O_NONBLOCK);
			fcntl(fd, F_SETFD, FD_CLOEXEC);
		}
	}
	signal(SIGPIPE, SIG_IGN);
	p->next = live;
	live = p;
}

int
sandbox_start(struct sandbox_proc *p, const struct sandbox_spec *s)
{
	int pp[3][2], rep[2], devnull = -1, saved;
	pid_t parent = getpid();

	memset(p, 0, sizeof(*p));
	last_failure = (struct failure){ STAGE_SETUP, 0, 0 };
	p->in_fd = p->out_fd = p->err_fd = -1;
	p->drain = s->drain;
	p->cpu_limit_s = s->limits ? s->limits->cpu_s : 0;
	snprintf(p->name, sizeof(p->name), "%s", s->name ? s->name : s->argv[0]);
	p->out_cap = s->out_cap ? s->out_cap : SANDBOX_DEFAULT_CAP;
	p->err_cap = s->err_cap ? s->err_cap : SANDBOX_DEFAULT_CAP;
	if (open_pipes(pp) == -1 || pipe(rep) == -1)
		goto error;
	fcntl(rep[1], F_SETFD, FD_CLOEXEC);
	if (!s->stdin_pipe && (devnull = open("/dev/null", O_RDONLY)) == -1)
		goto error_rep;
	if ((p->pid = fork()) == -1)
		goto error_rep;
	if (p->pid == 0) {
		close(rep[0]);
		child(s, parent, s->stdin_pipe ? pp[0][0] : devnull, pp[1][1], pp[2][1], rep[1]);
	}
	setpgid(p->pid, p->pid);
	close(rep[1]);
	if (devnull != -1)
		close(devnull);
	if (exec_result(rep[0]) == -1) {
		saved = errno;
		close(rep[0]);
		waitpid(p->pid, NULL, 0);
		close_pipes(pp);
		errno = saved;
		return -1;
	}
	close(rep[0]);
	adopt(p, pp, s->stdin_pipe);
	return 0;
error_rep:
	saved = errno;
	close(rep[0]);
	close(rep[1]);
	if (devnull != -1)
		close(devnull);
	errno = saved;
error:
	saved = errno;
	close_pipes(pp);
	errno = saved;
	return -1;
}

/*
 * Keeps r more bytes of a drained stream: only the last cap bytes are kept,
 * trimmed once the buffer holds twice that (so the copying stays linear).
 */
static void
keep_last(struct strbuf *sb, const char *buf, size_t r, size_t cap)
{
	strbuf_append(sb, buf, r);
	if (sb->len >= 2 * cap)
		strbuf_consume(sb, sb->len - cap);
}

/* One of a process's two output streams, seen through its fields. */
struct stream {
	int *fd, *capped;
	struct strbuf *sb;
	size_t *total, cap;
};

static struct stream
stream_of(struct sandbox_proc *p, int is_err)
{
	if (is_err)
		return (struct stream){ &p->err_fd, &p->err_capped, &p->err, &p->err_total,
			p->err_cap };
	return (struct stream){ &p->out_fd, &p->out_capped, &p->out, &p->out_total, p->out_cap };
}

/*
 * Stores r bytes read from st: all of them below its cap; past it, the last
 * cap bytes if drained, else what fits.  Returns -1 when the stream must close.
 */
static int
store(const struct stream *st, int drained, const char *buf, size_t r)
{
	if (*st->total + r <= st->cap) {
		strbuf_append(st->sb, buf, r);
		*st->total += r;
		return 0;
	}
	*st->capped = 1;
	if (drained) {
		keep_last(st->sb, buf, r, st->cap);
		*st->total += r;
		return 0;
	}
	strbuf_append(st->sb, buf, st->cap - *st->total);
	*st->total = st->cap;
	return -1;
}

/*
 * Reads what is there on one of p's streams; closes it at EOF, or past its
 * cap unless p is drained (then the oldest bytes are dropped instead).
 */
static void
drain(struct sandbox_proc *p, int is_err)
{
	struct stream st = stream_of(p, is_err);
	int *fd = st.fd;
	struct strbuf *sb = st.sb;
	size_t cap = st.cap;
	char buf[16384];

	for (int rounds = 0; rounds < 8 && *fd != -1; rounds++) {
		ssize_t r = read(*fd, buf, sizeof(buf));

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && errno == EAGAIN)
			return;
		if (r <= 0) {
			close(*fd);
			*fd = -1;
			break;
		}
		if (store(&st, p->drain, buf, (size_t)r) == -1) {
			close(*fd);	/* the writer gets EPIPE or SIGPIPE */
			*fd = -1;
			return;
		}
	}
	if (p->drain && sb->len > cap)
		strbuf_consume(sb, sb->len - cap);
}

#define SANDBOX_MAX_POLL 256

/* How many output streams of live processes are open. */
static size_t
live_streams(void)
{
	size_t k = 0;

	for (struct sandbox_proc *p = live; p != NULL; p = p->next)
		k += (p->out_fd != -1) + (p->err_fd != -1);
	return k;
}

/*
 * Polls the caller's n descriptors and every live output stream, all in pfd
 * (room for n + live_streams()), and drains what is ready.
 */
static int
poll_all(struct pollfd *fds, nfds_t n, int timeout_ms, struct pollfd *pfd,
    struct sandbox_proc **owner)
{
	nfds_t k = 0;
	int ready = 0;

	for (nfds_t i = 0; i < n; i++)
		pfd[k++] = fds[i];
	for (struct sandbox_proc *p = live; p != NULL; p = p->next) {
		for (int s = 0; s < 2; s++) {
			int fd = s ? p->err_fd : p->out_fd;

			if (fd == -1)
				continue;
			owner[k] = p;
			pfd[k++] = (struct pollfd){ .fd = fd, .events = POLLIN };
		}
	}
	if (poll(pfd, k, timeout_ms < 0 ? 0 : timeout_ms) <= 0) {
		for (nfds_t i = 0; i < n; i++)
			fds[i].revents = 0;
		return 0;
	}
	for (nfds_t i = 0; i < n; i++) {
		fds[i].revents = pfd[i].revents;
		ready += pfd[i].revents != 0;
	}
	for (nfds_t i = n; i < k; i++)
		if (pfd[i].revents != 0)
			drain(owner[i], pfd[i].fd == owner[i]->err_fd);
	return ready;
}

int
sandbox_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	struct pollfd spfd[SANDBOX_MAX_POLL], *pfd = spfd;
	struct sandbox_proc *sowner[SANDBOX_MAX_POLL], **owner = sowner;
	size_t need = n + live_streams();
	int ready;

	if (need > SANDBOX_MAX_POLL) {
		pfd = malloc(need * sizeof(*pfd));
		owner = malloc(need * sizeof(*owner));
	}
	if (pfd == NULL || owner == NULL) {
		/* No memory for the whole set: the caller's descriptors alone. */
		if ((ready = poll(fds, n, timeout_ms < 0 ? 0 : timeout_ms)) < 0) {
			for (nfds_t i = 0; i < n; i++)
				fds[i].revents = 0;
			ready = 0;
		}
	} else {
		ready = poll_all(fds, n, timeout_ms, pfd, owner);
	}
	if (pfd != spfd) {
		free(pfd);
		free(owner);
	}
	return ready;
}

void
sandbox_idle(int timeout_ms)
{
	long until = sandbox_now_ms() + timeout_ms;
	long left;

	while ((left = until - sandbox_now_ms()) > 0)
		sandbox_poll(NULL, 0, (int)left);
}

int
sandbox_write(struct sandbox_proc *p, const void *buf, size_t n, int timeout_ms)
{
	const char *b = buf;
	long until = sandbox_now_ms() + timeout_ms;

	while (n > 0) {
		struct pollfd pfd = { .fd = p->in_fd, .events = POLLOUT };
		ssize_t w;

		if (p->in_fd == -1)
			return -1;
		w = write(p->in_fd, b, n);
		if (w > 0) {
			b += w;
			n -= (size_t)w;
			continue;
		}
		if (w == -1 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (sandbox_now_ms() >= until)
			return -1;
		sandbox_poll(&pfd, 1, (int)(until - sandbox_now_ms()));
	}
	return 0;
}

void
sandbox_close_stdin(struct sandbox_proc *p)
{
	if (p->in_fd != -1)
		close(p->in_fd);
	p->in_fd = -1;
}

/* Waits for more stdout from p until `until`.  Returns 0, or -1 if there is none. */
static int
more_output(struct sandbox_proc *p, long until)
{
	size_t before = p->out.len;

	while (p->out.len == before) {
		long left = until - sandbox_now_ms();

		if (p->out_fd == -1 || left <= 0)
			return -1;
		sandbox_poll(NULL, 0, (int)(left > 50 ? 50 : left));
	}
	return 0;
}

long
sandbox_readline(struct sandbox_proc *p, struct strbuf *line, int timeout_ms)
{
	long until = sandbox_now_ms() + timeout_ms;

	for (;;) {
		char *nl = p->out.len ? memchr(p->out.data, '\n', p->out.len) : NULL;

		if (nl != NULL) {
			size_t n = (size_t)(nl - p->out.data);

			strbuf_reset(line);
			strbuf_append(line, p->out.data, n);
			strbuf_consume(&p->out, n + 1);
			return (long)n;
		}
		if (more_output(p, until) == -1)
			return -1;
	}
}

int
sandbox_wait_listening(struct sandbox_proc *p, int timeout_ms)
{
	long until = sandbox_now_ms() + timeout_ms;
	struct strbuf line;
	int port = -1;

	strbuf_init(&line);
	for (;;) {
		long left = until - sandbox_now_ms();
		const char *colon;
		char *end;
		long v;

		if (left <= 0 || sandbox_readline(p, &line, (int)left) < 0)
			break;
		if (strncmp(strbuf_str(&line), "listening on ", 13) != 0)
			continue;
		if ((colon = strrchr(strbuf_str(&line), ':')) == NULL)
			break;
		v = strtol(colon + 1, &end, 10);
		if (end != colon + 1 && (*end == '\0' || *end == '\r') && v > 0 && v < 65536)
			port = (int)v;
		break;
	}
	strbuf_free(&line);
	return port;
}

int
sandbox_read_all(struct sandbox_proc *p, int timeout_ms)
{
	long until = sandbox_now_ms() + timeout_ms;

	while (p->out_fd != -1) {
		long left = until - sandbox_now_ms();

		if (left <= 0)
			return -1;
		sandbox_poll(NULL, 0, (int)(left > 50 ? 50 : left));
	}
	return 0;
}

/*
 * Reads what an exited process left in its pipes. Its exit can be seen
 * before its last words are read (an error message written just before
 * exit(1)); everything it wrote is in the pipe by then, so no waiting.
 */
static void
drain_rest(struct sandbox_proc *p)
{
	size_t before;

	do {
		before = p->out_total + p->err_total;
		drain(p, 0);	/* a closed stream is left alone */
		drain(p, 1);
	} while (p->out_total + p->err_total != before);
}

/* Reaps p (blocking or not); keeps its status and CPU time.  Returns 1 if reaped. */
static int
reap(struct sandbox_proc *p, int options)
{
	struct rusage ru;
	pid_t r;

	while ((r = wait4(p->pid, &p->status, options, &ru)) == -1 && errno == EINTR)
		;
	if (r != p->pid)
		return 0;
	p->exited = 1;
	p->cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000L +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
	return 1;
}

int
sandbox_exited(struct sandbox_proc *p)
{
	if (!p->exited && p->pid > 0 && reap(p, WNOHANG))
		drain_rest(p);
	return p->exited;
}

static int
code_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

int
sandbox_wait(struct sandbox_proc *p, int timeout_ms)
{
	long until = sandbox_now_ms() + timeout_ms;
	int nap = 1;

	while (!sandbox_exited(p)) {
		long left = until - sandbox_now_ms();

		if (left <= 0)
			return -1;
		/* No portable way to poll for exit: short naps, growing, that
		 * also drain every process's output. */
		sandbox_poll(NULL, 0, (int)(left < nap ? left : nap));
		if (nap < 20)
			nap *= 2;
	}
	return code_of(p->status);
}

/* What a signal that ended a program usually means, in plain words; NULL if nothing useful. */
static const char *
signal_meaning(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "a segmentation fault: it used memory it does not own, e.g. through a bad "
		    "or NULL pointer, or past the end of an array";
	case SIGBUS:
		return "a bus error: it used memory it does not own, or a badly aligned address";
	case SIGABRT:
		return "it aborted: a failed assert(), or the C library found memory corrupted "
		    "(e.g. a double free)";
	case SIGFPE:
		return "an arithmetic error, such as an integer division by zero";
	case SIGILL:
		return "an illegal instruction: often a corrupted stack or a function pointer gone bad";
	case SIGPIPE:
		return "it wrote to a pipe or connection nobody was reading any more";
	case SIGXFSZ:
		return "it wrote a file larger than the limit";
	default:
		return NULL;
	}
}

/* The signal's name as in C code ("SIGSEGV"), or NULL. */
static const char *
signal_name(int sig)
{
	static const struct { int sig; const char *name; } names[] = {
		{ SIGSEGV, "SIGSEGV" }, { SIGBUS, "SIGBUS" }, { SIGABRT, "SIGABRT" },
		{ SIGFPE, "SIGFPE" }, { SIGILL, "SIGILL" }, { SIGPIPE, "SIGPIPE" },
		{ SIGKILL, "SIGKILL" }, { SIGTERM, "SIGTERM" }, { SIGXCPU, "SIGXCPU" },
		{ SIGXFSZ, "SIGXFSZ" }, { SIGINT, "SIGINT" }, { SIGHUP, "SIGHUP" },
		{ SIGALRM, "SIGALRM" }, { SIGTRAP, "SIGTRAP" }, { SIGSYS, "SIGSYS" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return names[i].name;
	return NULL;
}

/* Says why p was killed by sig, when the sandbox knows better than the signal's name. */
static int
describe_cause(const struct sandbox_proc *p, int sig, struct strbuf *sb)
{
	int over_cpu = p->cpu_limit_s > 0 && p->cpu_ms >= p->cpu_limit_s * 1000L - 50;

	if (sig == SIGXCPU || (sig == SIGKILL && over_cpu)) {
		strbuf_printf(sb, "used more CPU time than its limit of %d s (an endless loop, or "
		    "busy waiting where it should block in poll, select or recv)", p->cpu_limit_s);
		return 1;
	}
	if (sig == SIGPIPE && (p->out_capped || p->err_capped)) {
		strbuf_printf(sb, "wrote more output than the grader reads (%zu bytes) and was "
		    "stopped by SIGPIPE when the grader stopped reading",
		    p->out_capped ? p->out_cap : p->err_cap);
		return 1;
	}
	return 0;
}

void
sandbox_describe_exit(const struct sandbox_proc *p, struct strbuf *sb)
{
	int sig;
	const char *name, *meaning;

	if (!p->exited) {
		strbuf_puts(sb, "is still running");
		return;
	}
	if (WIFEXITED(p->status)) {
		strbuf_printf(sb, "exited with status %d", WEXITSTATUS(p->status));
		return;
	}
	if (!WIFSIGNALED(p->status)) {
		strbuf_puts(sb, "ended oddly");
		return;
	}
	sig = WTERMSIG(p->status);
	if (describe_cause(p, sig, sb))
		return;
	name = signal_name(sig);
	if (name != NULL)
		strbuf_printf(sb, "was killed by %s", name);
	else
		strbuf_printf(sb, "was killed by signal %d (%s)", sig, strsignal(sig));
	if ((meaning = signal_meaning(sig)) != NULL)
		strbuf_printf(sb, " (%s)", meaning);
}

/* Plain words for an exec failure's errno. */
static const char *
exec_meaning(int e)
{
	switch (e) {
	case ENOEXEC:
		return "it is not a program for this machine (built on another system, such as "
		    "macOS or Windows, or not a compiled program at all): rebuild it here";
	case EACCES:
		return "it is not executable (no x permission, or it is a directory)";
	case ENOENT:
		return "there is no such program: the build did not make it (or it was built "
		    "for another system and needs a loader this machine lacks)";
	case ETXTBSY:
		return "the program file was still open for writing";
	case E2BIG:
		return "its arguments were too long";
	case ENOMEM:
		return "there was not enough memory to load it";
	default:
		return NULL;
	}
}

/* "on memory (RLIMIT_AS)": which limit could not be set. */
static const char *
limit_name(int resource)
{
	static const struct { int resource; const char *name; } names[] = {
		{ RLIMIT_CPU, "on CPU time (RLIMIT_CPU)" }, { RLIMIT_AS, "on memory (RLIMIT_AS)" },
		{ RLIMIT_NOFILE, "on open files (RLIMIT_NOFILE)" },
		{ RLIMIT_FSIZE, "on file size (RLIMIT_FSIZE)" },
		{ RLIMIT_NPROC, "on processes (RLIMIT_NPROC)" },
		{ RLIMIT_CORE, "on core dumps (RLIMIT_CORE)" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].resource == resource)
			return names[i].name;
	return "";
}

void
sandbox_describe_start(int e, struct strbuf *sb)
{
	const struct failure *f = &last_failure;
	const char *meaning = exec_meaning(e);

	if (f->stage == STAGE_LIMIT)
		strbuf_printf(sb, "the grader could not set its limit %s (setrlimit: %s), so it "
		    "was not run", limit_name(f->resource), strerror(e));
	else if (f->stage == STAGE_EXEC && meaning != NULL)
		strbuf_printf(sb, "%s [%s]", meaning, strerror(e));
	else if (f->stage == STAGE_EXEC)
		strbuf_printf(sb, "it could not be run: %s", strerror(e));
	else
		strbuf_printf(sb, "the grader could not prepare its process: %s", strerror(e));
}

static void
unlist(struct sandbox_proc *p)
{
	for (struct sandbox_proc **pp = &live; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	p->next = NULL;
}

static void
close_fds(struct sandbox_proc *p)
{
	sandbox_close_stdin(p);
	if (p->out_fd != -1)
		close(p->out_fd);
	if (p->err_fd != -1)
		close(p->err_fd);
	p->out_fd = p->err_fd = -1;
}

void
sandbox_stop(struct sandbox_proc *p)
{
	if (p->pid <= 0)
		return;
	if (!sandbox_exited(p)) {
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL);
		if (!reap(p, 0))
			p->exited = 1;	/* reaped elsewhere: gone all the same */
	} else {
		kill(-p->pid, SIGKILL);	/* what it left in its group */
	}
	/* Keep what is already in the pipes: it is part of the evidence. */
	drain_rest(p);
	close_fds(p);
	unlist(p);
}

void
sandbox_free(struct sandbox_proc *p)
{
	sandbox_stop(p);
	strbuf_free(&p->out);
	strbuf_free(&p->err);
}

struct sandbox_proc *
sandbox_spawn(const struct sandbox_spec *spec)
{
	struct sandbox_proc *p = malloc(sizeof(*p));

	if (p == NULL)
		return NULL;
	if (sandbox_start(p, spec) == -1) {
		int saved = errno;

		free(p);
		errno = saved;
		return NULL;
	}
	p->owned_next = owned;
	owned = p;
	return p;
}

/*
 * As root with a uid of the test's own and no other child to spare (a test
 * worker), everything of the test is a descendant running as uid or its
 * reference uid: kill(-1) from each uid reaches them all, and waitpid()
 * reporting no child left — the subreaper collects every orphan — proves
 * none survived, without scanning /proc.  Returns 0, or -1 past the deadline.
 */
static int
cleanup_by_uid(int uid, long until)
{
	for (;;) {
		pid_t r;

		isolate_kill_uid(uid);
		isolate_kill_uid(isolate_ref_uid(uid));
		while ((r = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		if (r == -1 && errno == ECHILD)
			return 0;
		if (sandbox_now_ms() >= until)
			return -1;
		poll(NULL, 0, 5);
	}
}

int
sandbox_cleanup(int uid, const struct isolate_spare *spare, int timeout_ms, struct strbuf *desc)
{
	long until = sandbox_now_ms() + timeout_ms;
	char what[512];
	int left;

	while (live != NULL)
		sandbox_stop(live);
	while (owned != NULL) {
		struct sandbox_proc *p = owned;

		owned = p->owned_next;
		sandbox_free(p);
		free(p);
	}
	if (uid != -1 && spare == NULL && cleanup_by_uid(uid, until) == 0)
		return 0;
	for (;;) {
		isolate_kill_uid(uid);
		isolate_kill_uid(isolate_ref_uid(uid));
		isolate_kill_children(spare);
		if ((left = isolate_count_left(uid, isolate_ref_uid(uid), spare, what, sizeof(what))) == 0)
			return 0;
		if (sandbox_now_ms() >= until)
			break;
		poll(NULL, 0, 10);
	}
	if (desc != NULL)
		strbuf_printf(desc, "%d process(es) still running after the test: %s", left, what);
	return left;
}
