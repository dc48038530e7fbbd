/*
 * swarmrun.c — one measured swarm on loopback (see swarmrun.h).
 *
 * Read it in the order a run happens: the work directory (data, torrent),
 * the children (start with pipes, read lines, reap, stop), then the run
 * itself: tracker, leechers, seed and clock, tear-down.  All waiting is
 * wait_for(): pump the children's output until a predicate holds, with a
 * deadline, failing early if a child dies or we are interrupted.  The only
 * things read from the children are two lines: "listening on ADDR:PORT" on
 * stdout (readiness, as every socklab server prints it) and mt-peer's
 * "download complete" on stderr, timestamped when it arrives.  (The JSON
 * logs would say the same, but a log written to a pipe can block a peer if
 * we fall behind; stderr carries a handful of lines per peer.)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bencode.h"
#include "clock.h"
#include "maketorrent.h"
#include "net.h"
#include "rng.h"
#include "swarmrun.h"

#define DATA_NAME "swarm.data"
#define LINE_MAX_LEN 512
#define TAIL_MAX 1024
#define STOP_GRACE_MS 5000
#define PROGRESS_MS 5000

enum role { ROLE_TRACKER, ROLE_SEED, ROLE_LEECHER };

/* A program we started, and what we have read from it. */
struct child {
	enum role role;
	unsigned index;			/* leechers: 1..N */
	pid_t pid;			/* 0: not started or reaped */
	int out_fd, err_fd;		/* -1: closed */
	int exited, status;
	char addr[16];			/* the 127.0.0.X it binds */
	char listen[64];		/* ADDR:PORT once it is listening */
	double complete;		/* seconds since t0, or -1 */
	int announced;			/* leechers: the tracker has them */
	char out_part[LINE_MAX_LEN], err_part[LINE_MAX_LEN];
	size_t out_len, err_len;
	char tail[TAIL_MAX];		/* last lines of its stderr */
};

/* One swarm being built, run and torn down. */
struct run {
	const struct swarmrun_config *c;
	enum swarmrun_mode mode;
	unsigned n;
	char dir[PATH_MAX];		/* work directory */
	int own_dir;			/* we made it: remove it afterwards */
	char torrent[PATH_MAX];
	struct child *kids;		/* [0] tracker, [1] seed, [2..] leechers */
	size_t nkids;
	int64_t t0_ms;			/* when the seed was started */
	int64_t next_progress_ms;
	char why[1536];			/* why the run failed */
};

static volatile sig_atomic_t interrupted;
static struct run *current;		/* for swarmrun_kill_all */

const char *
swarmrun_mode_name(enum swarmrun_mode m)
{
	return m == SWARMRUN_CS ? "cs" : m == SWARMRUN_P2P ? "p2p" : "?";
}

/* Records why the run failed (the first reason wins). */
static void
fail(struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->why[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

/* ---- the work directory: data, torrent ---- */

static int
path_in(const struct run *r, char *buf, size_t cap, const char *fmt, ...)
{
	char rel[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return -1;
	n = snprintf(buf, cap, "%s/%s", r->dir, rel);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Makes the work directory: --keep DIR (created if missing), or a fresh
 * one under $TMPDIR.  Returns 0 or -1. */
static int
make_workdir(struct run *r)
{
	const char *tmp = getenv("TMPDIR");
	int n;

	if (r->c->keep_dir != NULL) {
		n = snprintf(r->dir, sizeof(r->dir), "%s/%s-%u", r->c->keep_dir,
		    swarmrun_mode_name(r->mode), r->n);
		if (n < 0 || (size_t)n >= sizeof(r->dir))
			return -1;
		if ((mkdir(r->c->keep_dir, 0777) < 0 && errno != EEXIST) ||
		    (mkdir(r->dir, 0777) < 0 && errno != EEXIST))
			return -1;
		return 0;
	}
	n = snprintf(r->dir, sizeof(r->dir), "%s/mt-swarm.XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (n < 0 || (size_t)n >= sizeof(r->dir) || mkdtemp(r->dir) == NULL)
		return -1;
	r->own_dir = 1;
	return 0;
}

/* Writes F pseudo-random bytes (the same for every run of the experiment)
 * to seed/swarm.data.  Returns 0 or -1. */
static int
make_data(struct run *r)
{
	char path[PATH_MAX];
	uint8_t buf[65536];
	uint64_t left = r->c->file, rng = 0x6d742d737761726dULL;
	FILE *f;

	if (path_in(r, path, sizeof(path), "seed") < 0 ||
	    (mkdir(path, 0777) < 0 && errno != EEXIST) ||
	    path_in(r, path, sizeof(path), "seed/%s", DATA_NAME) < 0 ||
	    (f = fopen(path, "wb")) == NULL)
		return -1;
	while (left > 0) {
		size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);

		for (size_t i = 0; i < n; i += 8) {
			uint64_t v = rng_next(&rng);

			memcpy(buf + i, &v, n - i < 8 ? n - i : 8);
		}
		if (fwrite(buf, 1, n, f) != n)
			break;
		left -= n;
	}
	if (fclose(f) != 0 || left > 0)
		return -1;
	return 0;
}

/* Makes swarm.torrent for the data, announcing to the tracker at
 * tracker ("ADDR:PORT").  Returns 0 or -1 (reason in r->why). */
static int
make_torrent(struct run *r, const char *tracker)
{
	struct maketorrent_opts o = { .piece_length = (uint32_t)r->c->piece_len };
	struct bencode_buf b;
	char url[128], data[PATH_MAX], errbuf[256];
	FILE *f;
	int rc = -1;

	snprintf(url, sizeof(url), "http://%s/announce", tracker);
	o.announce = url;
	if (path_in(r, data, sizeof(data), "seed/%s", DATA_NAME) < 0 ||
	    path_in(r, r->torrent, sizeof(r->torrent), "swarm.torrent") < 0) {
		fail(r, "path too long");
		return -1;
	}
	bencode_buf_init(&b);
	if (maketorrent_build(data, &o, NULL, NULL, &b, errbuf, sizeof(errbuf)) < 0)
		fail(r, "making the torrent: %s", errbuf);
	else if ((f = fopen(r->torrent, "wb")) == NULL)
		fail(r, "%s: %s", r->torrent, strerror(errno));
	else if (fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0)
		fail(r, "writing %s: %s", r->torrent, strerror(errno));
	else
		rc = 0;
	bencode_buf_free(&b);
	return rc;
}

/* Compares every leecher's copy with the seed's data.  Returns the number
 * of copies that differ (or cannot be read). */
static unsigned
check_copies(struct run *r)
{
	char a[PATH_MAX], b[PATH_MAX];
	unsigned bad = 0;

	if (path_in(r, a, sizeof(a), "seed/%s", DATA_NAME) < 0)
		return r->n;
	for (unsigned i = 1; i <= r->n; i++) {
		static uint8_t x[65536], y[65536];
		FILE *fa = fopen(a, "rb"), *fb = NULL;
		size_t na, nb;
		int same = fa != NULL;

		if (path_in(r, b, sizeof(b), "leech-%u/%s", i, DATA_NAME) < 0 ||
		    (fb = fopen(b, "rb")) == NULL)
			same = 0;
		while (same) {
			na = fread(x, 1, sizeof(x), fa);
			nb = fread(y, 1, sizeof(y), fb);
			same = na == nb && memcmp(x, y, na) == 0;
			if (na == 0)
				break;
		}
		bad += !same;
		if (fa != NULL)
			fclose(fa);
		if (fb != NULL)
			fclose(fb);
	}
	return bad;
}

/* Removes what we put in the work directory (nothing else), then it.
 * Returns 0, or -1 if something else was left there. */
static int
remove_workdir(struct run *r)
{
	char p[PATH_MAX];
	int rc = 0;

	if (!r->own_dir)
		return 0;
	for (unsigned i = 1; i <= r->n; i++) {
		if (path_in(r, p, sizeof(p), "leech-%u/%s", i, DATA_NAME) == 0)
			unlink(p);
		if (path_in(r, p, sizeof(p), "leech-%u", i) == 0)
			rmdir(p);
	}
	if (path_in(r, p, sizeof(p), "seed/%s", DATA_NAME) == 0)
		unlink(p);
	if (path_in(r, p, sizeof(p), "seed") == 0)
		rmdir(p);
	if (path_in(r, p, sizeof(p), "swarm.torrent") == 0)
		unlink(p);
	if (rmdir(r->dir) < 0)
		rc = -1;
	r->own_dir = 0;
	return rc;
}

/* ---- children ---- */

/* An argument vector built from formatted strings, all in one struct. */
struct args {
	char *v[40];
	size_t n;
	char store[4096];
	size_t used;
	int overflow;		/* an argument did not fit: do not run it */
};

static void
arg(struct args *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(a->store + a->used, sizeof(a->store) - a->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(a->store) - a->used ||
	    a->n + 1 >= sizeof(a->v) / sizeof(a->v[0])) {
		a->overflow = 1;
		return;
	}
	a->v[a->n++] = a->store + a->used;
	a->v[a->n] = NULL;
	a->used += (size_t)n + 1;
}

static int
cloexec_pipe(int fds[2])
{
	if (pipe(fds) < 0)
		return -1;
	if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(fds[1], F_SETFD, FD_CLOEXEC) < 0 ||
	    net_set_nonblocking(fds[0]) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	return 0;
}

/* In the child: stdin from /dev/null, stdout and stderr to the pipes. */
static void
exec_child(char *const argv[], int out_w, int err_w)
{
	int null = open("/dev/null", O_RDONLY);

	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(out_w, STDOUT_FILENO) < 0 || dup2(err_w, STDERR_FILENO) < 0)
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	execv(argv[0], argv);
	dprintf(STDERR_FILENO, "mt-swarm: cannot run %s: %s\n", argv[0],
	    strerror(errno));
	_exit(127);
}

/* Starts a's program as child c.  Returns 0 or -1 (errno). */
static int
spawn(struct child *c, struct args *a)
{
	char *const *argv = a->v;
	int out[2], errp[2];
	pid_t pid;

	if (a->overflow) {
		errno = E2BIG;
		return -1;
	}
	if (cloexec_pipe(out) < 0)
		return -1;
	if (cloexec_pipe(errp) < 0) {
		close(out[0]);
		close(out[1]);
		return -1;
	}
	if ((pid = fork()) < 0) {
		close(out[0]);
		close(out[1]);
		close(errp[0]);
		close(errp[1]);
		return -1;
	}
	if (pid == 0)
		exec_child(argv, out[1], errp[1]);
	close(out[1]);
	close(errp[1]);
	c->pid = pid;
	c->out_fd = out[0];
	c->err_fd = errp[0];
	return 0;
}

static const char *
child_name(const struct child *c, char *buf, size_t cap)
{
	if (c->role == ROLE_TRACKER)
		snprintf(buf, cap, "the tracker");
	else if (c->role == ROLE_SEED)
		snprintf(buf, cap, "the seed (%s)", c->addr);
	else
		snprintf(buf, cap, "leecher %u (%s)", c->index, c->addr);
	return buf;
}

/* Keeps the last lines of a child's stderr, for when it fails. */
static void
remember_line(struct child *c, const char *line)
{
	size_t have = strlen(c->tail), len = strlen(line);

	if (len + 2 > sizeof(c->tail))
		len = sizeof(c->tail) - 2;
	if (have + len + 2 > sizeof(c->tail)) {
		size_t drop = have + len + 2 - sizeof(c->tail);

		memmove(c->tail, c->tail + drop, have - drop + 1);
		have -= drop;
	}
	memcpy(c->tail + have, line, len);
	c->tail[have + len] = '\n';
	c->tail[have + len + 1] = '\0';
}

/*
 * The tracker's log line of an announce it accepted ("announce
 * 127.0.0.3:41234 ... left=65536: 0 peer(s) given") says that peer is now in the peer
 * lists the tracker hands out.  Returns 1 for such a line, else 0.  The seed must not announce before every
 * leecher is in: in cs mode a leecher asks for no peers, so one the seed's
 * list misses would never be served (until the seed's next announce, many
 * minutes away).
 */
static int
tracker_line(struct run *r, const char *line)
{
	static const char announce[] = "announce ";
	static const char given[] = " peer(s) given";
	size_t n = strlen(line), ng = sizeof(given) - 1;
	const char *ip = line + sizeof(announce) - 1, *colon;

	if (strncmp(line, announce, sizeof(announce) - 1) != 0 || n < ng ||
	    strcmp(line + n - ng, given) != 0 || (colon = strchr(ip, ':')) == NULL)
		return 0;
	for (size_t i = 2; i < r->nkids; i++) {
		struct child *c = &r->kids[i];

		if (strlen(c->addr) == (size_t)(colon - ip) &&
		    strncmp(c->addr, ip, (size_t)(colon - ip)) == 0)
			c->announced = 1;
	}
	return 1;
}

/* One whole line from a child: the readiness line on stdout, the
 * completion line on stderr; the tracker's log of announces. */
static void
on_line(struct run *r, struct child *c, int is_err, const char *line,
    int64_t now)
{
	static const char listening[] = "listening on ";

	if (c->role == ROLE_TRACKER && is_err && tracker_line(r, line))
		return;
	if (!is_err) {
		if (c->listen[0] == '\0' &&
		    strncmp(line, listening, sizeof(listening) - 1) == 0)
			snprintf(c->listen, sizeof(c->listen), "%s",
			    line + sizeof(listening) - 1);
		return;
	}
	if (c->role == ROLE_LEECHER && c->complete < 0 &&
	    strstr(line, "download complete") != NULL && r->t0_ms > 0)
		c->complete = (double)(now - r->t0_ms) / 1000;
	if (strstr(line, "%  ") == NULL && strstr(line, "pieces, down") == NULL)
		remember_line(c, line);
}

/* Reads what fd has, splitting it into lines.  Returns 0, or -1 at EOF. */
static int
drain(struct run *r, struct child *c, int is_err, int64_t now)
{
	int fd = is_err ? c->err_fd : c->out_fd;
	char *part = is_err ? c->err_part : c->out_part;
	size_t *len = is_err ? &c->err_len : &c->out_len;
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n' && *len + 1 < LINE_MAX_LEN) {
				part[(*len)++] = buf[i];
				continue;
			}
			if (buf[i] != '\n')
				continue;	/* an overlong line: truncated */
			part[*len] = '\0';
			on_line(r, c, is_err, part, now);
			*len = 0;
		}
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	close(fd);
	return -1;
}

/* Reaps every child that has exited. */
static void
reap(struct run *r)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (size_t i = 0; i < r->nkids; i++) {
			if (r->kids[i].pid == pid) {
				r->kids[i].exited = 1;
				r->kids[i].status = st;
				r->kids[i].pid = 0;
			}
		}
	}
}

/* Waits up to timeout_ms for output from any child and handles it. */
static void
pump(struct run *r, int timeout_ms)
{
	struct pollfd fds[2 * (SWARMRUN_MAX_N + 2)];
	struct child *who[2 * (SWARMRUN_MAX_N + 2)];
	nfds_t n = 0;

	for (size_t i = 0; i < r->nkids; i++) {
		struct child *c = &r->kids[i];

		if (c->out_fd >= 0) {
			fds[n] = (struct pollfd){ .fd = c->out_fd, .events = POLLIN };
			who[n++] = c;
		}
		if (c->err_fd >= 0) {
			fds[n] = (struct pollfd){ .fd = c->err_fd, .events = POLLIN };
			who[n++] = c;
		}
	}
	if (poll(fds, n, timeout_ms) < 0 && errno != EINTR) {
		fail(r, "poll: %s", strerror(errno));
		return;
	}
	for (nfds_t i = 0; i < n; i++) {
		struct child *c = who[i];
		int is_err = fds[i].fd == c->err_fd;

		if (fds[i].revents == 0)
			continue;
		if (drain(r, c, is_err, clock_now_ms()) < 0) {
			if (is_err)
				c->err_fd = -1;
			else
				c->out_fd = -1;
		}
	}
	reap(r);
}

/* A child exited before we asked: the run is broken.  Returns 1 if so. */
static int
someone_died(struct run *r)
{
	char name[64];

	for (size_t i = 0; i < r->nkids; i++) {
		struct child *c = &r->kids[i];

		if (!c->exited)
			continue;
		fail(r, "%s exited (status %d) before the run was over%s%s",
		    child_name(c, name, sizeof(name)),
		    WIFEXITED(c->status) ? WEXITSTATUS(c->status) :
		    128 + WTERMSIG(c->status), c->tail[0] ? "; it said:\n" : "",
		    c->tail);
		return 1;
	}
	return 0;
}

/* Every few seconds of a measurement, a line on how far it is. */
static void
progress(struct run *r)
{
	int64_t now = clock_now_ms();
	unsigned done = 0;

	if (r->c->progress == NULL || r->t0_ms == 0 || now < r->next_progress_ms)
		return;
	r->next_progress_ms = now + PROGRESS_MS;
	for (size_t i = 2; i < r->nkids; i++)
		done += r->kids[i].complete >= 0;
	r->c->progress(r->c->progress_arg, done, r->n,
	    (double)(now - r->t0_ms) / 1000);
}

/* Pumps until done(r) holds.  Returns 0, or -1 (r->why set) when the
 * deadline passes, a child dies, or we are interrupted. */
static int
wait_for(struct run *r, int (*done)(const struct run *), int64_t deadline,
    const char *what)
{
	int64_t now;

	while (!done(r)) {
		if (interrupted || r->why[0] != '\0') {
			fail(r, "interrupted");	/* unless pump failed first */
			return -1;
		}
		if (someone_died(r))
			return -1;
		if ((now = clock_now_ms()) >= deadline) {
			fail(r, "timed out waiting for %s", what);
			return -1;
		}
		pump(r, (int)(deadline - now < 1000 ? deadline - now : 1000));
		progress(r);
	}
	return 0;
}

/* Sends sig to children [from, to) and pumps until they are gone or the
 * deadline passes.  Returns how many are still alive. */
static int
signal_and_wait(struct run *r, size_t from, size_t to, int sig,
    int64_t deadline)
{
	int alive;

	for (size_t i = from; i < to; i++)
		if (r->kids[i].pid > 0)
			kill(r->kids[i].pid, sig);
	for (;;) {
		alive = 0;
		for (size_t i = from; i < to; i++)
			alive += r->kids[i].pid > 0;
		if (alive == 0 || clock_now_ms() >= deadline)
			return alive;
		pump(r, 50);
	}
}

/* Asks the peers, then the tracker, to stop (SIGTERM: they say goodbye to
 * the tracker), waits a little, then kills whatever is left. */
static void
stop_all(struct run *r)
{
	int64_t deadline = clock_now_ms() + STOP_GRACE_MS;

	signal_and_wait(r, 1, r->nkids, SIGTERM, deadline);
	signal_and_wait(r, 0, 1, SIGTERM, deadline);
	for (size_t i = 0; i < r->nkids; i++) {
		struct child *c = &r->kids[i];

		if (c->pid > 0) {
			kill(c->pid, SIGKILL);
			if (waitpid(c->pid, &c->status, 0) == c->pid)
				c->pid = 0;
		}
		if (c->out_fd >= 0)
			close(c->out_fd);
		if (c->err_fd >= 0)
			close(c->err_fd);
		c->out_fd = c->err_fd = -1;
	}
}

/* For atexit: no child outlives the program, whatever way it leaves. */
void
swarmrun_kill_all(void)
{
	if (current == NULL)
		return;
	for (size_t i = 0; i < current->nkids; i++)
		if (current->kids[i].pid > 0) {
			kill(current->kids[i].pid, SIGKILL);
			waitpid(current->kids[i].pid, NULL, 0);
			current->kids[i].pid = 0;
		}
	remove_workdir(current);
}

void
swarmrun_interrupt(void)
{
	interrupted = 1;
}

/* ---- one run ---- */

static int
tracker_ready(const struct run *r)
{
	return r->kids[0].listen[0] != '\0';
}

static int
leechers_ready(const struct run *r)
{
	for (size_t i = 2; i < r->nkids; i++)
		if (r->kids[i].listen[0] == '\0')
			return 0;
	return 1;
}

static int
leechers_announced(const struct run *r)
{
	for (size_t i = 2; i < r->nkids; i++)
		if (!r->kids[i].announced)
			return 0;
	return 1;
}

static int
leechers_complete(const struct run *r)
{
	for (size_t i = 2; i < r->nkids; i++)
		if (r->kids[i].complete < 0)
			return 0;
	return 1;
}

static void
init_child(struct child *c, enum role role, unsigned index)
{
	memset(c, 0, sizeof(*c));
	c->role = role;
	c->index = index;
	c->out_fd = c->err_fd = -1;
	c->complete = -1;
	/* tracker 127.0.0.1, seed .2, leecher i at .(2+i): up to 200. */
	snprintf(c->addr, sizeof(c->addr), "127.0.0.%u",
	    role == ROLE_TRACKER ? 1 : role == ROLE_SEED ? 2 : 2 + index);
}

/* The options every peer gets: address, timers, log. */
static void
peer_common(struct run *r, struct args *a, const struct child *c)
{
	char log[PATH_MAX];

	arg(a, "%s/mt-peer", r->c->bin_dir);
	arg(a, "-b");
	arg(a, "%s", c->addr);
	arg(a, "-p");
	arg(a, "0");
	arg(a, "--rechoke-interval");
	arg(a, "%lldms", (long long)r->c->rechoke_ms);
	arg(a, "--optimistic-interval");
	arg(a, "%lldms", (long long)r->c->optimistic_ms);
	arg(a, "--seed-rng");
	arg(a, "%u", 1000 + c->index);
	if (r->c->keep_dir != NULL && (c->role == ROLE_SEED ?
	    path_in(r, log, sizeof(log), "seed.jsonl") :
	    path_in(r, log, sizeof(log), "leech-%u.jsonl", c->index)) == 0) {
		arg(a, "--log");
		arg(a, "%s", log);
	}
}

static int
start_leecher(struct run *r, struct child *c)
{
	unsigned mesh = r->n + 1 < SWARMRUN_MAX_N ? r->n + 1 : SWARMRUN_MAX_N;
	char dir[PATH_MAX];
	struct args a = { .n = 0 };

	if (r->c->max_peers > 0 && r->c->max_peers < mesh)
		mesh = r->c->max_peers;
	if (path_in(r, dir, sizeof(dir), "leech-%u", c->index) < 0 ||
	    (mkdir(dir, 0777) < 0 && errno != EEXIST))
		return -1;
	peer_common(r, &a, c);
	arg(&a, "-o");
	arg(&a, "%s", dir);
	/* cs: no peers from the tracker, so only the seed ever meets us. */
	arg(&a, "--numwant");
	arg(&a, "%u", r->mode == SWARMRUN_CS ? 0 : mesh);
	arg(&a, "--max-peers");
	arg(&a, "%u", mesh + 1);
	arg(&a, "--unchoke-slots");
	arg(&a, "%u", r->c->slots);
	if (r->c->ui > 0) {
		arg(&a, "--upload-rate");
		arg(&a, "%llu", (unsigned long long)r->c->ui);
	}
	if (r->c->dmin > 0) {
		arg(&a, "--download-rate");
		arg(&a, "%llu", (unsigned long long)r->c->dmin);
	}
	arg(&a, "%s", r->torrent);
	return spawn(c, &a);
}

static int
start_seed(struct run *r, struct child *c)
{
	unsigned mesh = r->n + 1 < SWARMRUN_MAX_N ? r->n + 1 : SWARMRUN_MAX_N;
	/* The seed serves every leecher at once, as the server of the
	 * textbook's schemes does (in P2P it sends each a different part). */
	unsigned slots = r->c->seed_slots > 0 ? r->c->seed_slots : r->n;
	char dir[PATH_MAX];
	struct args a = { .n = 0 };

	if (path_in(r, dir, sizeof(dir), "seed") < 0)
		return -1;
	peer_common(r, &a, c);
	arg(&a, "--seed");
	arg(&a, "-o");
	arg(&a, "%s", dir);
	arg(&a, "--numwant");
	arg(&a, "%u", mesh);
	arg(&a, "--max-peers");
	arg(&a, "%u", mesh + 1);
	arg(&a, "--unchoke-slots");
	arg(&a, "%u", slots);
	arg(&a, "--upload-rate");
	arg(&a, "%llu", (unsigned long long)r->c->us);
	arg(&a, "%s", r->torrent);
	return spawn(c, &a);
}

static int
start_tracker(struct run *r, struct child *c)
{
	struct args a = { .n = 0 };

	arg(&a, "%s/mt-tracker", r->c->bin_dir);
	arg(&a, "-v");	/* a line per announce: see tracker_line() */
	arg(&a, "-b");
	arg(&a, "%s", c->addr);
	arg(&a, "-p");
	arg(&a, "0");
	return spawn(c, &a);
}

/* Tracker, torrent, leechers: everything but the seed, ready. */
static int
set_up(struct run *r)
{
	int64_t deadline = clock_now_ms() + 15000;

	if (make_workdir(r) < 0 || make_data(r) < 0) {
		fail(r, "preparing %s: %s", r->dir, strerror(errno));
		return -1;
	}
	if (start_tracker(r, &r->kids[0]) < 0) {
		fail(r, "starting mt-tracker: %s", strerror(errno));
		return -1;
	}
	if (wait_for(r, tracker_ready, deadline, "the tracker") < 0 ||
	    make_torrent(r, r->kids[0].listen) < 0)
		return -1;
	for (size_t i = 2; i < r->nkids; i++)
		if (start_leecher(r, &r->kids[i]) < 0) {
			fail(r, "starting leecher %zu: %s", i - 1, strerror(errno));
			return -1;
		}
	/* A loaded machine starts a process in tens of ms: be generous. */
	deadline = clock_now_ms() + 15000 + 250 * (int64_t)r->n;
	if (wait_for(r, leechers_ready, deadline, "the leechers to listen") < 0)
		return -1;
	return wait_for(r, leechers_announced, deadline,
	    "the leechers to announce to the tracker");
}

/* The seed, and the measurement. */
static int
measure(struct run *r)
{
	r->t0_ms = clock_now_ms();
	r->next_progress_ms = r->t0_ms + PROGRESS_MS;
	if (start_seed(r, &r->kids[1]) < 0) {
		fail(r, "starting the seed: %s", strerror(errno));
		return -1;
	}
	if (r->c->progress != NULL)
		r->c->progress(r->c->progress_arg, 0, r->n, 0);
	return wait_for(r, leechers_complete,
	    r->t0_ms + (int64_t)(r->c->timeout_s * 1000),
	    "the leechers to complete");
}

/* Stops everything, checks the copies, cleans up.  Returns rc, or -1 if
 * the copies or the clean-up say the run went wrong after all. */
static int
tear_down(struct run *r, int rc)
{
	unsigned bad;

	stop_all(r);
	if (rc == 0 && (bad = check_copies(r)) > 0) {
		fail(r, "%u of %u copies differ from the seed's data", bad, r->n);
		rc = -1;
	}
	if (remove_workdir(r) < 0 && rc == 0) {
		fail(r, "removing %s: %s", r->dir, strerror(errno));
		rc = -1;
	}
	return rc;
}

int
swarmrun_once(const struct swarmrun_config *c, double *complete,
    char *why, size_t whylen)
{
	struct run r = { .c = c, .mode = c->mode, .n = c->n, .nkids = c->n + 2 };
	int rc;

	if (c->n == 0 || c->n > SWARMRUN_MAX_N || c->us == 0 || c->file == 0) {
		snprintf(why, whylen, "bad configuration");
		return -1;
	}
	if ((r.kids = calloc(r.nkids, sizeof(*r.kids))) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	init_child(&r.kids[0], ROLE_TRACKER, 0);
	init_child(&r.kids[1], ROLE_SEED, 0);
	for (unsigned i = 1; i <= c->n; i++)
		init_child(&r.kids[1 + i], ROLE_LEECHER, i);
	current = &r;
	rc = set_up(&r) == 0 && measure(&r) == 0 ? 0 : -1;
	rc = tear_down(&r, rc);
	for (unsigned i = 0; rc == 0 && i < c->n; i++)
		complete[i] = r.kids[2 + i].complete;
	snprintf(why, whylen, "%s", rc == 0 ? "" : r.why);
	current = NULL;
	free(r.kids);
	return rc;
}
