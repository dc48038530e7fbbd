/*
 * sandbox.c — see sandbox.h.  The child's side of sandbox_start runs between
 * fork and exec: it may only make system calls, and reports an exec failure
 * through a close-on-exec pipe, so the caller learns it synchronously.
 * Linux-only steps (uid change with the parent-death signal, closing
 * descriptors, the final sweep) are in isolate.c.
 */
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

static void
set_limit(int resource, rlim_t value)
{
	struct rlimit rl = { value, value };

	setrlimit(resource, &rl);
}

static void
apply_limits(const struct sandbox_limits *l, int own_uid)
{
	set_limit(RLIMIT_CORE, 0);
	if (l == NULL)
		return;
	if (l->cpu_s > 0)
		set_limit(RLIMIT_CPU, (rlim_t)l->cpu_s);
	if (l->as_mb > 0)
		set_limit(RLIMIT_AS, (rlim_t)l->as_mb << 20);
	if (l->nofile > 0)
		set_limit(RLIMIT_NOFILE, (rlim_t)l->nofile);
	if (l->fsize_mb > 0)
		set_limit(RLIMIT_FSIZE, (rlim_t)l->fsize_mb << 20);
	/* The process limit counts every process of the real uid: with the
	 * invoking user's own uid it would count their shell and editor too. */
	if (l->nproc > 0 && own_uid)
		set_limit(RLIMIT_NPROC, (rlim_t)l->nproc);
}

/* The child between fork and exec.  Never returns. */
static void
child(const struct sandbox_spec *s, pid_t parent, int in, int out, int err, int report)
{
	static char home[512], tmp[512];
	char *defenv[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C", home, tmp, NULL };
	sigset_t none;
	int e;

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
	apply_limits(s->limits, s->uid != -1);
	umask(022);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(s->argv[0], s->argv, s->env ? s->env : defenv);
fail:
	e = errno;
	if (write(report, &e, sizeof(e)) < 0)
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

/* Waits for the exec report: 0 if exec succeeded, else -1 with errno. */
static int
exec_result(int report)
{
	int e;
	ssize_t n;

	while ((n = read(report, &e, sizeof(e))) == -1 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(e)) {
		errno = e;
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
	p->in_fd = p->out_fd = p->err_fd = -1;
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

/* Reads what is there on one of p's streams; closes it at EOF or past its cap. */
static void
drain(struct sandbox_proc *p, int is_err)
{
	int *fd = is_err ? &p->err_fd : &p->out_fd;
	struct strbuf *sb = is_err ? &p->err : &p->out;
	size_t *total = is_err ? &p->err_total : &p->out_total;
	size_t cap = is_err ? p->err_cap : p->out_cap;
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
			return;
		}
		if (*total + (size_t)r > cap) {
			strbuf_append(sb, buf, cap - *total);
			*total = cap;
			*(is_err ? &p->err_capped : &p->out_capped) = 1;
			close(*fd);	/* the writer gets EPIPE or SIGPIPE */
			*fd = -1;
			return;
		}
		strbuf_append(sb, buf, (size_t)r);
		*total += (size_t)r;
	}
}

#define SANDBOX_MAX_POLL 256

int
sandbox_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	struct pollfd pfd[SANDBOX_MAX_POLL];
	struct sandbox_proc *owner[SANDBOX_MAX_POLL];
	nfds_t k = 0;
	int ready = 0, r;

	for (nfds_t i = 0; i < n && k < SANDBOX_MAX_POLL; i++)
		pfd[k++] = fds[i];
	for (struct sandbox_proc *p = live; p != NULL; p = p->next) {
		for (int s = 0; s < 2 && k < SANDBOX_MAX_POLL; s++) {
			int fd = s ? p->err_fd : p->out_fd;

			if (fd == -1)
				continue;
			owner[k] = p;
			pfd[k++] = (struct pollfd){ .fd = fd, .events = POLLIN };
		}
	}
	if (timeout_ms < 0)
		timeout_ms = 0;
	if ((r = poll(pfd, k, timeout_ms)) <= 0) {
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

int
sandbox_exited(struct sandbox_proc *p)
{
	if (!p->exited && p->pid > 0 && waitpid(p->pid, &p->status, WNOHANG) == p->pid) {
		p->exited = 1;
		drain_rest(p);
	}
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

void
sandbox_describe_exit(const struct sandbox_proc *p, struct strbuf *sb)
{
	if (!p->exited)
		strbuf_puts(sb, "still running");
	else if (WIFEXITED(p->status))
		strbuf_printf(sb, "exited with status %d", WEXITSTATUS(p->status));
	else if (WIFSIGNALED(p->status))
		strbuf_printf(sb, "killed by signal %d (%s)", WTERMSIG(p->status),
		    strsignal(WTERMSIG(p->status)));
	else
		strbuf_puts(sb, "ended oddly");
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
		while (waitpid(p->pid, &p->status, 0) == -1 && errno == EINTR)
			;
		p->exited = 1;
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
