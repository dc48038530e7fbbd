/*
 * proc.c — see proc.h.  Every wait is a poll() loop over the child's stdout
 * and stderr with a deadline; stderr is always drained so a chatty child can
 * never block on a full pipe while we wait for its stdout.
 */
#define _DEFAULT_SOURCE
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

long
proc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *
proc_bin(const char *name)
{
	static char path[4096];
	const char *dir = getenv("BIN_DIR");

	if (dir == NULL || *dir == '\0')
		dir = ".";
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static int
append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t ncap = *cap ? *cap : 4096;
		char *nbuf;

		while (*len + n + 1 > ncap)
			ncap *= 2;
		if ((nbuf = realloc(*buf, ncap)) == NULL)
			return -1;
		*buf = nbuf;
		*cap = ncap;
	}
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

int
proc_start(struct proc *p, char *const argv[])
{
	int in[2], out[2], err[2];
	pid_t parent = getpid();

	memset(p, 0, sizeof(*p));
	p->in_fd = p->out_fd = p->err_fd = -1;
	if (pipe(in) == -1 || pipe(out) == -1 || pipe(err) == -1)
		return -1;
	switch ((p->pid = fork())) {
	case -1:
		return -1;
	case 0:
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		signal(SIGPIPE, SIG_DFL);
		execv(argv[0], argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(p->pid, p->pid);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	p->in_fd = in[1];
	p->out_fd = out[0];
	p->err_fd = err[0];
	fcntl(p->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(p->err_fd, F_SETFL, O_NONBLOCK);
	signal(SIGPIPE, SIG_IGN);
	append(&p->err, &p->err_len, &p->err_cap, "", 0);
	return 0;
}

int
proc_write(struct proc *p, const void *buf, size_t n)
{
	const char *b = buf;

	while (n > 0) {
		ssize_t w = write(p->in_fd, b, n);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int
proc_puts(struct proc *p, const char *s)
{
	return proc_write(p, s, strlen(s));
}

void
proc_close_stdin(struct proc *p)
{
	if (p->in_fd != -1)
		close(p->in_fd);
	p->in_fd = -1;
}

/*
 * Waits up to until_ms for output and reads what is there.  Returns 1 if
 * something was read or a stream ended, 0 on timeout.
 */
static int
pump(struct proc *p, long until_ms)
{
	struct pollfd pfd[2];
	char buf[65536];
	int n = 0;
	long left = until_ms - proc_now_ms();

	if (p->out_fd == -1 && p->err_fd == -1)
		return 0;
	if (left < 0)
		left = 0;
	pfd[0] = (struct pollfd){ .fd = p->out_fd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = p->err_fd, .events = POLLIN };
	if ((n = poll(pfd, 2, (int)left)) <= 0)
		return 0;
	for (int i = 0; i < 2; i++) {
		int *fd = i == 0 ? &p->out_fd : &p->err_fd;
		ssize_t r;

		if (pfd[i].revents == 0)
			continue;
		r = read(*fd, buf, sizeof(buf));
		if (r > 0 && i == 0)
			append(&p->out, &p->out_len, &p->out_cap, buf, (size_t)r);
		else if (r > 0)
			append(&p->err, &p->err_len, &p->err_cap, buf, (size_t)r);
		else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
			close(*fd);
			*fd = -1;
		}
	}
	return 1;
}

static void
consume(struct proc *p, size_t n)
{
	if (p->out_len == 0)
		return;		/* p->out may still be NULL */
	memmove(p->out, p->out + n, p->out_len - n);
	p->out_len -= n;
}

long
proc_readline(struct proc *p, char *line, size_t cap, int timeout_ms)
{
	long until = proc_now_ms() + timeout_ms;

	for (;;) {
		char *nl = p->out_len ? memchr(p->out, '\n', p->out_len) : NULL;

		if (nl != NULL) {
			size_t n = (size_t)(nl - p->out);
			size_t c = n < cap - 1 ? n : cap - 1;

			memcpy(line, p->out, c);
			line[c] = '\0';
			consume(p, n + 1);
			return (long)n;
		}
		if (p->out_fd == -1 || proc_now_ms() >= until)
			return -1;
		pump(p, until);
	}
}

int
proc_wait_listening(struct proc *p, char *addr, size_t cap, int timeout_ms)
{
	long until = proc_now_ms() + timeout_ms;
	char line[512];

	for (;;) {
		long left = until - proc_now_ms();
		char *colon;
		long port;

		if (left <= 0 || proc_readline(p, line, sizeof(line), (int)left) < 0)
			return -1;
		if (strncmp(line, "listening on ", 13) != 0)
			continue;
		if ((colon = strrchr(line, ':')) == NULL)
			return -1;
		port = strtol(colon + 1, NULL, 10);
		if (addr != NULL) {
			*colon = '\0';
			snprintf(addr, cap, "%s", line + 13);
		}
		return port > 0 && port < 65536 ? (int)port : -1;
	}
}

long
proc_read_all(struct proc *p, char *buf, size_t cap, int timeout_ms)
{
	long until = proc_now_ms() + timeout_ms;
	size_t n;

	while (p->out_fd != -1) {
		if (proc_now_ms() >= until)
			return -1;
		pump(p, until);
	}
	n = p->out_len < cap ? p->out_len : cap;
	if (n > 0)
		memcpy(buf, p->out, n);
	consume(p, p->out_len);
	return (long)n;
}

int
proc_wait_stderr(struct proc *p, const char *needle, int timeout_ms)
{
	long until = proc_now_ms() + timeout_ms;

	while (strstr(p->err, needle) == NULL) {
		if ((p->err_fd == -1 && p->out_fd == -1) || proc_now_ms() >= until)
			return -1;
		pump(p, until);
	}
	return 0;
}

static int
code_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int
proc_wait(struct proc *p, int timeout_ms)
{
	long until = proc_now_ms() + timeout_ms;

	while (!p->exited) {
		pid_t r = waitpid(p->pid, &p->status, WNOHANG);

		if (r == p->pid) {
			p->exited = 1;
			break;
		}
		if (proc_now_ms() >= until)
			return -1;
		/* Drain output meanwhile; fall back to a short nap once both ended. */
		if (!pump(p, proc_now_ms() + 10))
			poll(NULL, 0, 5);
	}
	return code_of(p->status);
}

void
proc_kill(struct proc *p)
{
	if (p->pid > 0)
		kill(-p->pid, SIGKILL);	/* the group: whatever it started too */
	if (p->pid > 0 && !p->exited) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &p->status, 0);
		p->exited = 1;
	}
	proc_close_stdin(p);
	if (p->out_fd != -1)
		close(p->out_fd);
	if (p->err_fd != -1)
		close(p->err_fd);
	p->out_fd = p->err_fd = -1;
	free(p->out);
	free(p->err);
	p->out = p->err = NULL;
	p->out_len = p->err_len = p->out_cap = p->err_cap = 0;
}

const char *
proc_stderr(struct proc *p)
{
	while (pump(p, proc_now_ms()))
		;
	return p->err ? p->err : "";
}
