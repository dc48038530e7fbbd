/*
 * runner.c — see runner.h.  The worker's life: become subreaper, take a
 * private network and a private view of the files, make the step's scratch
 * directory, run the step, kill and count what is left, write the result,
 * exit.  The grader's side: read the result with a deadline, then kill the
 * worker's uid and any orphan the subreaper collected, and check that
 * nothing survived.
 */
#include "runner.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "isolate.h"
#include "prng.h"
#include "sandbox.h"
#include "scenario.h"
#include "tree.h"

#define RUNNER_GRACE_MS 10000	/* beyond a step's own timeout */
#define RUNNER_BUILD_OUTPUT (64 * 1024)

/* True if every directory from / down to path may be passed through by anyone. */
static int
searchable(const char *path)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s", path);
	for (;;) {
		char *slash = strrchr(p, '/');

		if (stat(p[0] ? p : "/", &st) == -1 || !(st.st_mode & S_IXOTH))
			return 0;
		if (slash == NULL || p[0] == '\0')
			return 1;
		*slash = '\0';
	}
}

/* The names shown in a note before "and N more". */
#define RUNNER_NOTE_NAMES 4

/* What a submission may hold, copied or unpacked. */
static const struct tree_limits runner_limits = {
	.max_files = 20000, .max_bytes = 200u << 20, .max_depth = 32
};

/*
 * Copies (or unpacks) the submission at path into r->sub, never through a
 * link at path itself.  Returns 0, or -1 with a message in err.
 */
static int
bring_in(struct runner *r, const char *path, struct strbuf *err)
{
	struct tree_limits lim = runner_limits;
	char p[PATH_MAX];
	const char *name;
	size_t n = strlen(path);
	struct stat st;

	/* "link/" would follow the link: look at the name itself. */
	while (n > 1 && path[n - 1] == '/')
		n--;
	snprintf(p, sizeof(p), "%.*s", (int)n, path);
	name = strrchr(p, '/') && p[1] ? strrchr(p, '/') + 1 : p;
	if (lstat(p, &st) == -1) {
		strbuf_printf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		strbuf_printf(err, "%s is a symbolic link: not followed (hand in the folder itself)",
		    name);
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return tree_copy(p, r->sub, &lim, err);
	if (S_ISREG(st.st_mode) && tree_is_archive(name))
		return tree_unpack(p, r->work, r->sub, isolate_uid_for(getpid()), &lim, err);
	strbuf_printf(err, "%s is %s, not a folder or an archive (.zip, .tar, .tar.gz, .tgz, "
	    ".tar.bz2, .tar.xz): hand in the folder that holds your Makefile and sources", name,
	    S_ISREG(st.st_mode) ? "a file" : "a special file");
	return -1;
}

/* Says which build products were left out (one path a line in removed). */
static void
note_products(int n, const char *removed, struct strbuf *notes)
{
	strbuf_printf(notes, "left out %d file%s your build makes (", n, n == 1 ? "" : "s");
	for (int i = 0; i < n && i < RUNNER_NOTE_NAMES; i++) {
		size_t len = strcspn(removed, "\n");

		strbuf_printf(notes, "%s%.*s", i == 0 ? "" : i + 1 == n ? " and " : ", ", (int)len,
		    removed);
		removed += len + (removed[len] == '\n');
	}
	if (n > RUNNER_NOTE_NAMES)
		strbuf_printf(notes, " and %d more", n - RUNNER_NOTE_NAMES);
	strbuf_puts(notes, "): graded what your sources build\n");
}

/*
 * A folder that holds nothing but one archive (an upload a learning
 * platform exported into a folder of its own, a tarball handed to
 * Gradescope): the archive is the submission, unpacked in the folder's
 * place.  Once: an archive inside that archive stays as it is.  Returns 1 if
 * it unpacked one (a note says which), 0 if there was none, -1 (err).
 */
static int
open_lone_archive(struct runner *r, struct strbuf *notes, struct strbuf *err)
{
	char name[256], outer[PATH_MAX + 16], archive[2 * PATH_MAX];
	int rc;

	if (!tree_lone_archive(r->sub, name, sizeof(name)))
		return 0;
	snprintf(outer, sizeof(outer), "%s/handed-in", r->work);
	snprintf(archive, sizeof(archive), "%s/%s", outer, name);
	if (rename(r->sub, outer) == -1) {
		strbuf_printf(err, "moving %s aside: %s", r->sub, strerror(errno));
		return -1;
	}
	rc = tree_unpack(archive, r->work, r->sub, isolate_uid_for(getpid()), &runner_limits, err);
	tree_remove(outer);
	if (rc == -1)
		return -1;
	strbuf_printf(notes, "your folder held only the archive %s: graded what it holds\n", name);
	return 1;
}

/* Unwraps the folders the copy came in and removes build products, with notes. */
static int
tidy(struct runner *r, struct strbuf *notes, struct strbuf *err)
{
	struct strbuf from, removed;
	int n, rc = 0;

	strbuf_init(&from);
	strbuf_init(&removed);
	if ((n = tree_unwrap(r->sub, 3, &from, err)) > 0)
		strbuf_printf(notes, "your files were in the folder %s: graded from there\n",
		    strbuf_str(&from));
	if (n >= 0 && (n = open_lone_archive(r, notes, err)) == 1) {
		strbuf_reset(&from);
		if ((n = tree_unwrap(r->sub, 3, &from, err)) > 0)
			strbuf_printf(notes, "in it, your files were in the folder %s: graded from "
			    "there\n", strbuf_str(&from));
	}
	if (n == -1 || (n = tree_prune(r->sub, r->lab->binaries, &removed)) == -1) {
		if (err->len == 0)
			strbuf_printf(err, "removing what a build made: %s", strerror(errno));
		rc = -1;
	} else if (n > 0)
		note_products(n, strbuf_str(&removed), notes);
	strbuf_free(&from);
	strbuf_free(&removed);
	return rc;
}

int
runner_prepare(struct runner *r, const char *submission, struct strbuf *notes, struct strbuf *err)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(r->work, sizeof(r->work), "%s/socklab-grade.XXXXXX",
	    tmp && *tmp && strlen(tmp) < 200 ? tmp : "/tmp");
	if (mkdtemp(r->work) == NULL) {
		strbuf_printf(err, "making a temporary directory in %s: %s", tmp ? tmp : "/tmp",
		    strerror(errno));
		r->work[0] = '\0';
		return -1;
	}
	/* Others may pass through to their own scratch directories, not list. */
	chmod(r->work, 0711);
	if (isolate_uid_for(getpid()) != -1 && !searchable(r->work)) {
		strbuf_printf(err, "%s is not reachable by other users (a directory above it lacks "
		    "o+x), so the programs, which run as a user of their own, could not reach it: "
		    "set TMPDIR to a directory such as /tmp", r->work);
		return -1;
	}
	snprintf(r->sub, sizeof(r->sub), "%s/submission", r->work);
	if (bring_in(r, submission, err) == -1)
		return -1;
	return tidy(r, notes, err);
}

/* Removes the temporary directory, with whatever a failed copy or unpacking left in it. */
void
runner_finish(struct runner *r)
{
	if (r->work[0] != '\0')
		tree_remove(r->work);
	r->work[0] = '\0';
}

#define RUNNER_MAX_KEEP 31

/*
 * Where allowed: the worker's own /tmp and the like, no sight of r->hide or
 * of other uids' processes; what the step needs (the work, reference and
 * tools directories) stays where it is, even under /tmp.  Else the step runs
 * in the shared view, its programs' TMPDIR their own scratch directory.
 */
static void
private_files(const struct runner *r)
{
	const char *keep[RUNNER_MAX_KEEP + 1];
	size_t n = 0;

	keep[n++] = r->work;
	if (r->tools_dir != NULL)
		keep[n++] = r->tools_dir;
	for (size_t i = 0; r->ref_dirs != NULL && r->ref_dirs[i] != NULL; i++)
		if (n < RUNNER_MAX_KEEP)
			keep[n++] = r->ref_dirs[i];
		else
			return;		/* more than the view can keep: the shared view */
	keep[n] = NULL;
	isolate_private_files(keep, r->hide);
}

typedef void (*step_fn)(struct runner *r, const void *arg, int uid, struct result *res);

/* In the worker: runs the step, cleans up, writes the result to fd, exits. */
static void
worker(struct runner *r, step_fn step, const void *arg, int fd)
{
	int uid = isolate_uid_for(getpid());
	struct result res;
	struct strbuf out, left;
	size_t off = 0;

	signal(SIGPIPE, SIG_IGN);
	isolate_subreaper();
	r->private_net = isolate_private_net() == 0;
	private_files(r);
	result_init(&res);
	strbuf_init(&out);
	strbuf_init(&left);
	step(r, arg, uid, &res);
	if ((res.leftovers = sandbox_cleanup(uid, NULL, 3000, &left)) > 0)
		result_error(&res, "%s", strbuf_str(&left));
	result_encode(&res, &out);
	while (off < out.len) {
		ssize_t w = write(fd, out.data + off, out.len - off);

		if (w <= 0 && errno != EINTR)
			break;
		off += w > 0 ? (size_t)w : 0;
	}
	_exit(0);
}

/* Starts step in a worker.  Returns 0, or -1 with an error recorded in res. */
static int
start_worker(struct runner *r, step_fn step, const void *arg, int timeout_s, struct result *res,
    struct runner_job *job)
{
	int p[2];

	memset(job, 0, sizeof(*job));
	job->res = res;
	job->fd = -1;
	job->timeout_s = timeout_s;
	job->start_ms = sandbox_now_ms();
	job->deadline_ms = job->start_ms + timeout_s * 1000L + RUNNER_GRACE_MS;
	strbuf_init(&job->msg);
	if (pipe(p) == -1 || (job->pid = fork()) == -1) {
		result_error(res, "could not start a test worker: %s", strerror(errno));
		return -1;
	}
	if (job->pid == 0) {
		close(p[0]);
		worker(r, step, arg, p[1]);
	}
	close(p[1]);
	job->fd = p[0];
	return 0;
}

/* The worker has ended (or overran): collect it, kill what it left, decode. */
static void
finish(struct runner_job *job, const struct isolate_spare *spare, int timed_out)
{
	struct result *res = job->res;
	struct strbuf left;
	int status = 0;

	strbuf_init(&left);
	if (timed_out)
		kill(job->pid, SIGKILL);
	close(job->fd);
	job->fd = -1;
	waitpid(job->pid, &status, 0);
	if (timed_out)
		result_error(res, "the test did not end within its %d s (and the grader's %d s of grace): "
		    "it was stopped", job->timeout_s, RUNNER_GRACE_MS / 1000);
	else if (result_decode(res, job->msg.data ? job->msg.data : "", job->msg.len) == -1)
		result_error(res, "the test worker died (status %d) before reporting", status);
	/* The worker is gone.  If it did not report a clean end, whatever it could
	 * not kill is ours to find and kill now; if it did, its uids are killed
	 * once more anyway (cheap), without searching /proc again. */
	if (timed_out || res->status == RESULT_ERROR || res->leftovers > 0) {
		if (sandbox_cleanup(isolate_uid_for(job->pid), spare, 3000, &left) > 0) {
			result_error(res, "%s", strbuf_str(&left));
			res->leftovers++;
		}
	} else {
		isolate_kill_uid(isolate_uid_for(job->pid));
		isolate_kill_uid(isolate_ref_uid(isolate_uid_for(job->pid)));
	}
	res->duration_ms = sandbox_now_ms() - job->start_ms;
	job->pid = 0;
	strbuf_free(&job->msg);
	strbuf_free(&left);
}

/* Reads what job's worker wrote.  Returns 1 at end of message, else 0. */
static int
take(struct runner_job *job)
{
	char buf[65536];
	ssize_t n = read(job->fd, buf, sizeof(buf));

	if (n > 0 && job->msg.len < (16u << 20))
		strbuf_append(&job->msg, buf, (size_t)n);
	return n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN);
}

int
runner_wait(struct runner_job *const *jobs, size_t n, int timeout_ms)
{
	struct pollfd pfd[RUNNER_MAX_JOBS];
	pid_t others[RUNNER_MAX_JOBS];
	long now = sandbox_now_ms(), wait = timeout_ms;

	for (size_t i = 0; i < n && i < RUNNER_MAX_JOBS; i++) {
		pfd[i] = (struct pollfd){ .fd = jobs[i]->fd, .events = POLLIN };
		if (jobs[i]->deadline_ms - now < wait)
			wait = jobs[i]->deadline_ms - now;
	}
	poll(pfd, n, wait > 0 ? (int)wait : 0);
	now = sandbox_now_ms();
	for (size_t i = 0; i < n && i < RUNNER_MAX_JOBS; i++) {
		int ended = pfd[i].revents && take(jobs[i]), late = !ended && now >= jobs[i]->deadline_ms;
		struct isolate_spare spare = { others, 0 };

		if (!ended && !late)
			continue;
		for (size_t j = 0; j < n; j++)
			if (j != i)
				others[spare.n++] = jobs[j]->pid;
		finish(jobs[i], &spare, late);
		return (int)i;
	}
	return -1;
}

/* Runs step in a worker and waits for it. */
static void
in_worker(struct runner *r, step_fn step, const void *arg, int timeout_s, struct result *res)
{
	struct runner_job job, *jobs[1] = { &job };

	if (start_worker(r, step, arg, timeout_s, res, &job) == -1)
		return;
	while (runner_wait(jobs, 1, 1000) == -1)
		;
}

/*
 * Keeps the end of the build's output (the errors are at the end): the
 * sandbox kept the last RUNNER_BUILD_OUTPUT bytes of each stream, of which the
 * report shows the last 3000.
 */
static void
build_output(struct result *res, const struct sandbox_proc *p)
{
	const struct strbuf *o[2] = { &p->out, &p->err };
	const size_t total[2] = { p->out_total, p->err_total };

	for (int i = 0; i < 2; i++) {
		size_t start = o[i]->len > 3000 ? o[i]->len - 3000 : 0;
		size_t before = total[i] - (o[i]->len - start);

		if (o[i]->len == 0)
			continue;
		if (res->got.len > 0)
			strbuf_putc(&res->got, '\n');
		if (before > 0)
			strbuf_printf(&res->got, "[%zu bytes before]\n", before);
		strbuf_append(&res->got, o[i]->data + start, o[i]->len - start);
	}
}

static void
check_binaries(struct runner *r, struct result *res)
{
	for (char **b = r->lab->binaries; b && *b; b++) {
		char path[PATH_MAX + 256];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", r->sub, *b);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			continue;
		strbuf_printf(&res->message, "%sthe build did not make %s (tests that need it will fail)",
		    res->message.len ? "\n" : "", *b);
	}
}

static void
build_step(struct runner *r, const void *arg, int uid, struct result *res)
{
	const struct labconf *lab = r->lab;
	struct sandbox_limits lim = { .cpu_s = lab->build_timeout_s, .nofile = 1024,
		.fsize_mb = 256, .nproc = lab->max_procs > 256 ? lab->max_procs : 256,
		.as_mb = lab->memory_mb > 4096 ? lab->memory_mb : 4096 };
	char *argv[] = { "/bin/sh", "-c", lab->build, NULL };
	/* Drained: a compiler that prints megabytes of warnings must not die of SIGPIPE. */
	struct sandbox_spec spec = { .name = "the build", .argv = argv, .cwd = r->sub, .uid = uid,
		.limits = &lim, .out_cap = RUNNER_BUILD_OUTPUT, .err_cap = RUNNER_BUILD_OUTPUT,
		.drain = 1 };
	struct sandbox_proc p;
	struct strbuf how;
	int code;

	(void)arg;
	strbuf_init(&how);
	strbuf_printf(&res->sent, "$ %s", lab->build);
	strbuf_printf(&res->log, "$ %s    (in your submission directory)\n", lab->build);
	if (uid != -1 && tree_give(r->sub, (uid_t)uid) == -1) {
		result_error(res, "could not hand the submission to the build's user: %s", strerror(errno));
		return;
	}
	if (sandbox_start(&p, &spec) == -1) {
		sandbox_describe_start(errno, &how);
		result_error(res, "could not run the build: %s", strbuf_str(&how));
		strbuf_free(&how);
		return;
	}
	sandbox_read_all(&p, lab->build_timeout_s * 1000);
	code = sandbox_wait(&p, 1000);
	sandbox_stop(&p);
	if (code == -1)
		result_fail(res, "`%s` did not finish within %d s", lab->build, lab->build_timeout_s);
	else if (code != 0) {
		sandbox_describe_exit(&p, &how);
		result_fail(res, "`%s` failed: it %s", lab->build, strbuf_str(&how));
	}
	build_output(res, &p);
	sandbox_free(&p);
	strbuf_free(&how);
	sandbox_cleanup(uid, NULL, 3000, NULL);
	if (uid != -1 && tree_take(r->sub, (uid_t)uid) == -1)
		result_error(res, "could not take the built submission back: %s", strerror(errno));
	if (res->status == RESULT_PASS)
		check_binaries(r, res);
}

/* A private working directory owned by uid (if not -1).  Returns 0, or -1. */
static int
make_scratch(const char *path, int uid)
{
	if (mkdir(path, 0700) == -1)
		return -1;
	return uid == -1 ? 0 : chown(path, (uid_t)uid, (gid_t)uid);
}

struct test_arg {
	const struct labconf_test *t;
	int index;
};

static void
test_step(struct runner *r, const void *arg, int uid, struct result *res)
{
	const struct test_arg *ta = arg;
	const struct labconf_test *t = ta->t;
	const struct labconf *lab = r->lab;
	char scratch[PATH_MAX + 32], ref_scratch[PATH_MAX + 32];
	struct scenario_env env = {
		.lab = lab, .test = t, .student_dir = r->sub, .ref_dirs = r->ref_dirs,
		.tools_dir = r->tools_dir, .scratch = scratch, .ref_scratch = ref_scratch, .uid = uid,
		.ref_uid = isolate_ref_uid(uid),
		.limits = { .cpu_s = t->timeout_s + 2, .as_mb = lab->memory_mb,
			.nofile = lab->max_files, .fsize_mb = 64, .nproc = lab->max_procs },
		.output_cap = (size_t)lab->output_kb * 1024,
		.seed = prng_derive(r->seed, t->name), .private_net = r->private_net,
		.deadline_ms = sandbox_now_ms() + t->timeout_s * 1000L, .res = res,
	};
	scenario_fn fn = scenario_lookup(t->scenario->name);

	snprintf(scratch, sizeof(scratch), "%s/test-%d", r->work, ta->index);
	snprintf(ref_scratch, sizeof(ref_scratch), "%s/test-%d-reference", r->work, ta->index);
	if (make_scratch(scratch, uid) == -1 || make_scratch(ref_scratch, env.ref_uid) == -1) {
		result_error(res, "could not make the test's directories: %s", strerror(errno));
		return;
	}
	scenario_log(&env, "# network: %s; programs run as %s", r->private_net ?
	    "a private namespace" : "the shared loopback (ports chosen by the kernel)",
	    uid == -1 ? "the grader's user" : "a user of their own");
	if (fn == NULL)
		result_error(res, "no scenario called %s", t->scenario->name);
	else
		fn(&env);
}

void
runner_build(struct runner *r, struct result *res)
{
	in_worker(r, build_step, NULL, r->lab->build_timeout_s, res);
}

int
runner_start_test(struct runner *r, const struct labconf_test *t, int index, struct result *res,
    struct runner_job *job)
{
	/* The worker gets its own copy of the address space: ta may be on our stack. */
	struct test_arg ta = { t, index };

	res->max_points = t->points;
	return start_worker(r, test_step, &ta, t->timeout_s, res, job);
}

void
runner_score(const struct labconf_test *t, struct result *res)
{
	res->max_points = t->points;
	res->points = res->status == RESULT_PASS ? t->points : 0;
}

void
runner_test(struct runner *r, const struct labconf_test *t, int index, struct result *res)
{
	struct test_arg ta = { t, index };

	in_worker(r, test_step, &ta, t->timeout_s, res);
	runner_score(t, res);
}
