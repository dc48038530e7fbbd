/*
 * test_sandbox.c — the sandbox on its own: limits applied, output capped (or
 * drained), exec failures and endings said in plain words, waits bounded,
 * everything a test starts — daemons that called setsid, fork bombs — gone
 * after cleanup; and the private view of the files a step's worker takes.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "isolate.h"
#include "sandbox.h"
#include "tests/harness.h"

static struct sandbox_limits lim = { .cpu_s = 20, .as_mb = 512, .nofile = 64, .fsize_mb = 1,
	.nproc = 40 };

static struct sandbox_proc *
sh(const char *script, int uid)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	struct sandbox_spec spec = { .name = "sh", .argv = argv, .cwd = "/tmp", .uid = uid,
		.limits = &lim, .out_cap = 4096, .err_cap = 4096 };
	struct sandbox_proc *p = sandbox_spawn(&spec);

	cr_assert_not_null(p, "spawn: %s", strerror(errno));
	return p;
}

Test(sandbox, runs_a_program_and_reads_its_lines, .timeout = 30)
{
	struct sandbox_proc *p = sh("echo one; echo listening on 127.0.0.1:4242; echo two >&2", -1);
	struct strbuf line;

	strbuf_init(&line);
	cr_expect_eq(sandbox_readline(p, &line, 5000), 3);
	cr_expect_str_eq(strbuf_str(&line), "one");
	cr_expect_eq(sandbox_wait_listening(p, 5000), 4242);
	cr_expect_eq(sandbox_wait(p, 5000), 0);
	sandbox_read_all(p, 5000);
	cr_expect_str_eq(strbuf_str(&p->err), "two\n");
	strbuf_free(&line);
	cr_expect_eq(sandbox_cleanup(-1, NULL, 3000, NULL), 0);
}

/*
 * A client that writes its error and exits at once: the exit must not be
 * seen without the message. waitid(WNOWAIT) waits for the exit without
 * reaping or reading, the order that lost the message before.
 */
Test(sandbox, a_wait_keeps_the_last_words_of_a_process, .timeout = 30)
{
	struct sandbox_proc *p = sh("echo out; echo connection refused >&2; exit 1", -1);
	siginfo_t info;

	cr_assert_eq(waitid(P_PID, (id_t)p->pid, &info, WEXITED | WNOWAIT), 0);
	cr_expect_eq(sandbox_wait(p, 5000), 1);
	cr_expect_str_eq(strbuf_str(&p->err), "connection refused\n");
	cr_expect_str_eq(strbuf_str(&p->out), "out\n");
	cr_expect_eq(sandbox_cleanup(-1, NULL, 3000, NULL), 0);
}

Test(sandbox, reports_a_failed_exec_at_once, .timeout = 30)
{
	char *argv[] = { "/nonexistent/prog", NULL };
	struct sandbox_spec spec = { .argv = argv };
	struct sandbox_proc p;

	cr_expect_eq(sandbox_start(&p, &spec), -1);
	cr_expect_eq(errno, ENOENT);
}

Test(sandbox, applies_the_resource_limits, .timeout = 30)
{
	struct sandbox_proc *p = sh("ulimit -n; ulimit -v; ulimit -c; ulimit -f", -1);

	cr_assert_eq(sandbox_read_all(p, 5000), 0);
	cr_expect_str_eq(strbuf_str(&p->out), "64\n524288\n0\n2048\n");
	sandbox_cleanup(-1, NULL, 3000, NULL);
}

Test(sandbox, caps_an_output_flood_and_the_flooder_dies, .timeout = 30)
{
	struct sandbox_proc *p = sh("while :; do echo flood; done", -1);

	cr_expect_eq(sandbox_read_all(p, 10000), 0);
	cr_expect(p->out_capped);
	cr_expect_eq(p->out.len, 4096);
	cr_expect_neq(sandbox_wait(p, 10000), -1, "the flooder should die of SIGPIPE");
	sandbox_cleanup(-1, NULL, 3000, NULL);
}

Test(sandbox, every_wait_ends_at_its_deadline, .timeout = 30)
{
	struct sandbox_proc *p = sh("sleep 30", -1);
	struct strbuf line;
	long t0 = sandbox_now_ms();

	strbuf_init(&line);
	cr_expect_eq(sandbox_readline(p, &line, 300), -1);
	cr_expect_eq(sandbox_wait_listening(p, 300), -1);
	cr_expect_eq(sandbox_wait(p, 300), -1);
	cr_expect_eq(sandbox_read_all(p, 300), -1);
	cr_expect_lt(sandbox_now_ms() - t0, 3000);
	strbuf_free(&line);
	cr_expect_eq(sandbox_cleanup(-1, NULL, 3000, NULL), 0);
}

Test(sandbox, runs_programs_as_their_own_uid_when_root, .timeout = 30)
{
	int uid = isolate_uid_for(getpid());
	struct sandbox_proc *p;
	char want[32];

	if (uid == -1)
		cr_skip_test("not root: programs keep the grader's uid");
	p = sh("id -u; id -G", uid);
	cr_assert_eq(sandbox_read_all(p, 5000), 0);
	snprintf(want, sizeof(want), "%d\n%d\n", uid, uid);
	cr_expect_str_eq(strbuf_str(&p->out), want);
	sandbox_cleanup(uid, NULL, 3000, NULL);
}

Test(sandbox, cleanup_finds_daemons_that_escaped_with_setsid, .timeout = 30)
{
	int uid = isolate_uid_for(getpid());
	struct sandbox_proc *p;
	struct strbuf line;

	isolate_subreaper();
	strbuf_init(&line);
	p = sh("setsid sh -c 'sleep 60 & echo $!' ; sleep 60", uid);
	cr_assert_gt(sandbox_readline(p, &line, 5000), 0);
	pid_t daemon = (pid_t)strtol(strbuf_str(&line), NULL, 10);
	cr_assert_eq(kill(daemon, 0), 0, "the daemon should be running");
	cr_expect_eq(sandbox_cleanup(uid, NULL, 3000, NULL), 0);
	cr_expect_eq(kill(daemon, 0), -1, "the daemon survived");
	strbuf_free(&line);
}

Test(sandbox, a_fork_bomb_is_bounded_and_killed, .timeout = 60)
{
	int uid = isolate_uid_for(getpid());
	long t0;

	if (uid == -1)
		cr_skip_test("not root: the process limit would bind the user's own processes");
	isolate_subreaper();
	sh("b() { b | b & }; b; sleep 60", uid);
	sandbox_idle(1000);
	t0 = sandbox_now_ms();
	cr_expect_eq(sandbox_cleanup(uid, NULL, 5000, NULL), 0);
	cr_expect_lt(sandbox_now_ms() - t0, 5000);
	char desc[256];
	cr_expect_eq(isolate_count_left(uid, -1, NULL, desc, sizeof(desc)), 0, "%s", desc);
}

/* A stream drained past its cap keeps its last bytes and lets the writer finish. */
Test(sandbox, a_drained_flood_runs_to_its_end_and_keeps_its_last_bytes, .timeout = 60)
{
	char *argv[] = { "/bin/sh", "-c", "head -c 50000000 /dev/zero | tr '\\0' x >&2; "
		"echo THE-END >&2", NULL };
	struct sandbox_spec spec = { .argv = argv, .cwd = "/", .uid = -1, .limits = &lim,
		.out_cap = 65536, .err_cap = 65536, .drain = 1 };
	struct sandbox_proc *p = sandbox_spawn(&spec);
	long t0 = sandbox_now_ms();

	cr_assert_not_null(p);
	cr_expect_eq(sandbox_read_all(p, 40000), 0);
	cr_expect_eq(sandbox_wait(p, 5000), 0, "the writer should finish, not die of SIGPIPE");
	cr_expect_eq(p->err_total, 50000000 + 8);
	cr_expect(p->err_capped);
	cr_expect_eq(p->err.len, 65536);
	cr_expect_leq(p->err.cap, 4 * 65536, "memory bounded: %zu", p->err.cap);
	cr_expect_eq(memcmp(p->err.data + p->err.len - 8, "THE-END\n", 8), 0);
	cr_expect_lt(sandbox_now_ms() - t0, 30000);
	sandbox_cleanup(-1, NULL, 3000, NULL);
}

/* More descriptors than the sandbox polls at once on its stack: each gets its own answer. */
Test(sandbox, poll_answers_for_every_descriptor_of_a_long_list, .timeout = 30)
{
	enum { N = 600 };
	static struct pollfd fds[N];
	static int pipes[N][2];
	struct sandbox_proc *p = sh("echo hi; sleep 5", -1);

	for (int i = 0; i < N; i++) {
		cr_assert_eq(pipe(pipes[i]), 0, "pipe: %s", strerror(errno));
		fds[i] = (struct pollfd){ .fd = pipes[i][0], .events = POLLIN, .revents = -1 };
	}
	cr_assert_eq(write(pipes[N - 1][1], "x", 1), 1);
	cr_assert_eq(write(pipes[300][1], "x", 1), 1);
	cr_expect_eq(sandbox_poll(fds, N, 1000), 2);
	for (int i = 0; i < N; i++)
		cr_expect_eq(fds[i].revents, i == N - 1 || i == 300 ? POLLIN : 0, "fd %d: %d", i,
		    fds[i].revents);
	cr_expect_eq(sandbox_read_all(p, 0), -1);	/* still running: output drained meanwhile */
	for (int i = 0; i < N; i++) {
		close(pipes[i][0]);
		close(pipes[i][1]);
	}
	sandbox_cleanup(-1, NULL, 3000, NULL);
}

Test(sandbox, a_limit_that_cannot_be_set_stops_the_program_with_a_reason, .timeout = 30)
{
	struct sandbox_limits huge = { .nofile = 0x7fffffff };
	char *argv[] = { "/bin/sh", "-c", "echo ran", NULL };
	struct sandbox_spec spec = { .argv = argv, .uid = -1, .limits = &huge };
	struct sandbox_proc p;
	struct strbuf why;

	strbuf_init(&why);
	cr_assert_eq(sandbox_start(&p, &spec), -1, "it must not run without its limits");
	sandbox_describe_start(errno, &why);
	cr_expect(strstr(strbuf_str(&why), "could not set its limit on open files") != NULL, "%s",
	    strbuf_str(&why));
	strbuf_free(&why);
}

/* Why a program could not start, for a file made with mode and contents. */
static void
start_failure(const char *contents, mode_t mode, struct strbuf *why)
{
	char path[] = "/tmp/sandbox-exec.XXXXXX";
	int fd = mkstemp(path);
	char *argv[] = { path, NULL };
	struct sandbox_spec spec = { .argv = argv, .uid = -1 };
	struct sandbox_proc p;

	cr_assert_neq(fd, -1);
	cr_assert_eq(write(fd, contents, strlen(contents)), (ssize_t)strlen(contents));
	close(fd);
	chmod(path, mode);
	if (mode == 0)
		unlink(path);
	cr_assert_eq(sandbox_start(&p, &spec), -1);
	sandbox_describe_start(errno, why);
	unlink(path);
}

Test(sandbox, says_in_plain_words_why_a_program_could_not_start, .timeout = 30)
{
	/* The first bytes of a 64-bit Mach-O file (macOS). */
	static const struct { const char *contents; mode_t mode; const char *says; } c[] = {
		{ "\xcf\xfa\xed\xfe\x07\x00\x00\x01", 0755, "not a program for this machine" },
		{ "MZ\x90", 0755, "such as macOS or Windows" },
		{ "#!/bin/sh\n", 0644, "not executable" },
		{ "", 0, "the build did not make it" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct strbuf why;

		strbuf_init(&why);
		start_failure(c[i].contents, c[i].mode, &why);
		cr_expect(strstr(strbuf_str(&why), c[i].says) != NULL, "case %zu: %s", i,
		    strbuf_str(&why));
		strbuf_free(&why);
	}
}

/* How a shell script ended, described. */
static void
ending(const char *script, const struct sandbox_limits *l, struct strbuf *how)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	struct sandbox_spec spec = { .argv = argv, .cwd = "/", .uid = -1, .limits = l,
		.out_cap = 4096, .err_cap = 4096 };
	struct sandbox_proc *p = sandbox_spawn(&spec);

	cr_assert_not_null(p);
	sandbox_read_all(p, 20000);
	cr_assert_neq(sandbox_wait(p, 20000), -1);
	sandbox_describe_exit(p, how);
	sandbox_cleanup(-1, NULL, 3000, NULL);
}

Test(sandbox, says_in_plain_words_how_a_program_ended, .timeout = 60)
{
	static const struct sandbox_limits cpu1 = { .cpu_s = 1 };
	static const struct { const char *script; const struct sandbox_limits *l; const char *says; } c[] = {
		{ "exit 3", NULL, "exited with status 3" },
		{ "kill -s SEGV $$", NULL, "was killed by SIGSEGV (a segmentation fault" },
		{ "kill -s PIPE $$", NULL, "a pipe or connection nobody was reading" },
		{ "kill -s ABRT $$", NULL, "assert" },
		{ "while :; do :; done", &cpu1, "used more CPU time than its limit of 1 s" },
		{ "trap '' XCPU; while :; do :; done", &cpu1, "used more CPU time than its limit of 1 s" },
		{ "while :; do echo flood; done", NULL, "wrote more output than the grader reads" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct strbuf how;

		strbuf_init(&how);
		ending(c[i].script, c[i].l, &how);
		cr_expect(strstr(strbuf_str(&how), c[i].says) != NULL, "%s: %s", c[i].script,
		    strbuf_str(&how));
		strbuf_free(&how);
	}
}

/* What a probe saw of path: its first bytes, or the error's name. */
static void
seen(FILE *out, const char *label, const char *path)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		fprintf(out, "%s=%s\n", label, errno == ENOENT ? "ENOENT" : strerror(errno));
		return;
	}
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
	fclose(f);
	fprintf(out, "%s=[%s]\n", label, buf);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

/*
 * In a child with the private view (hiding d/class, which holds the kept
 * d/class/work, d/out and the file d/single.txt): what it sees, one
 * "label=..." line each, on out.
 */
static void
probe_private_view(const char *d, const char *tmpname, const char *tmpkeep, FILE *out)
{
	char keep[600], p[700], hidden[3][600];
	const char *hide[] = { hidden[0], hidden[1], hidden[2], NULL };
	const char *keeps[] = { keep, tmpkeep, NULL };
	int uid = isolate_uid_for(getpid());
	char *argv[] = { "/bin/sh", "-c", "cat /proc/1/cmdline >/dev/null 2>&1 && echo seen || "
		"echo hidden; exec sleep 30", NULL };
	struct sandbox_spec spec = { .argv = argv, .cwd = "/", .uid = uid };
	struct sandbox_proc *sp;
	struct strbuf line;
	char desc[256];

	snprintf(keep, sizeof(keep), "%s/class/work", d);
	snprintf(hidden[0], sizeof(hidden[0]), "%s/class", d);
	snprintf(hidden[1], sizeof(hidden[1]), "%s/out", d);
	snprintf(hidden[2], sizeof(hidden[2]), "%s/single.txt", d);
	fprintf(out, "rc=%d\n", isolate_private_files(keeps, hide));
	snprintf(p, sizeof(p), "%s/file", tmpkeep);
	seen(out, "tmpkeep", p);
	snprintf(p, sizeof(p), "%s/class/alice/secret", d);
	seen(out, "classmate", p);
	snprintf(p, sizeof(p), "%s/file", keep);
	seen(out, "keep", p);
	snprintf(p, sizeof(p), "%s/out/report.txt", d);
	seen(out, "output", p);
	seen(out, "single", hidden[2]);
	snprintf(p, sizeof(p), "%s/class/new", d);
	fprintf(out, "mkdir=%s\n", mkdir(p, 0755) == 0 ? "made" : strerror(errno));
	seen(out, "tmp", tmpname);
	for (const char *const *w = (const char *const[]){ "/tmp", "/var/tmp", "/dev/shm", NULL }; *w; w++) {
		snprintf(p, sizeof(p), "%s/socklab-private-%d", *w, (int)getppid());
		write_file(p, "left");
	}
	strbuf_init(&line);
	sp = sandbox_spawn(&spec);
	fprintf(out, "proc=%s\n", sp && sandbox_readline(sp, &line, 5000) >= 0 ? strbuf_str(&line) : "?");
	fprintf(out, "counted=%d\n", isolate_count_left(uid, -1, NULL, desc, sizeof(desc)));
	sandbox_cleanup(uid, NULL, 3000, NULL);
	strbuf_free(&line);
}

Test(isolate, a_private_view_hides_paths_keeps_the_work_directory_and_leaves_nothing,
    .timeout = 60)
{
	char d[512], *abs = d, cwd[400], p[700], tmpname[] = "/tmp/socklab-visible.XXXXXX";
	char tmpkeep[] = "/tmp/socklab-kept.XXXXXX";
	char out[4096] = "";
	int fds[2], status, tfd = mkstemp(tmpname), covered = 0;
	pid_t pid;

	if (isolate_uid_for(getpid()) == -1)
		cr_skip_test("not root: no private view (isolate_private_files returns -1)");
	isolate_subreaper();
	cr_assert_neq(tfd, -1);
	close(tfd);
	/* Like a bundle's reference programs, unpacked under /tmp. */
	cr_assert_not_null(mkdtemp(tmpkeep));
	snprintf(p, sizeof(p), "%s/file", tmpkeep);
	write_file(p, "refs");
	/* Best not under /tmp, which the view covers anyway: then the hide list is what
	 * hides (a clone under /tmp checks less). */
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	snprintf(d, sizeof(d), "%s/private-view.XXXXXX", cwd);
	cr_assert_not_null(mkdtemp(d));
	for (const char *const *w = (const char *const[]){ "/tmp/", "/var/tmp/", "/dev/shm/",
	    "/run/lock/", NULL }; *w; w++)
		covered |= strncmp(d, *w, strlen(*w)) == 0;
	cr_assert_eq(harness_sh("mkdir -p \"$1\"/class/alice \"$1\"/class/work \"$1\"/out && "
	    "echo secret >\"$1\"/class/alice/secret && echo kept >\"$1\"/class/work/file && "
	    "echo report >\"$1\"/out/report.txt && echo single >\"$1\"/single.txt", abs), 0);
	cr_assert_eq(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		FILE *f = fdopen(fds[1], "w");

		close(fds[0]);
		probe_private_view(abs, tmpname, tmpkeep, f);
		fclose(f);
		_exit(0);
	}
	close(fds[1]);
	for (ssize_t n = 0, r; (r = read(fds[0], out + n, sizeof(out) - 1 - (size_t)n)) > 0; n += r)
		;
	close(fds[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(strstr(out, "rc=0\n") != NULL, "%s", out);
	cr_expect(strstr(out, "classmate=ENOENT\n") != NULL, "%s", out);
	cr_expect(strstr(out, "keep=[kept\n]\n") != NULL, "%s", out);
	cr_expect(strstr(out, "tmpkeep=[refs]\n") != NULL, "%s", out);
	cr_expect(strstr(out, "output=ENOENT\n") != NULL, "%s", out);
	if (!covered) {
		cr_expect(strstr(out, "single=[]\n") != NULL, "%s", out);
		cr_expect(strstr(out, "mkdir=Read-only file system\n") != NULL, "%s", out);
	} else {
		/* Under /tmp (a clone there): the empty /tmp hides them already. */
		cr_expect(strstr(out, "single=ENOENT\n") != NULL, "%s", out);
	}
	snprintf(p, sizeof(p), "%s/class/new", abs);
	cr_expect_eq(access(p, F_OK), -1, "a directory made in the view reached the real one");
	cr_expect(strstr(out, "tmp=ENOENT\n") != NULL, "%s", out);
	cr_expect(strstr(out, "proc=hidden\n") != NULL, "%s", out);
	cr_expect(strstr(out, "counted=1\n") != NULL, "the worker (root) sees all: %s", out);
	for (const char *const *w = (const char *const[]){ "/tmp", "/var/tmp", "/dev/shm", NULL }; *w; w++) {
		snprintf(p, sizeof(p), "%s/socklab-private-%d", *w, (int)getpid());
		cr_expect_eq(access(p, F_OK), -1, "%s was left behind", p);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/class/alice/secret", abs);
	cr_expect_eq(access(p, F_OK), 0, "the covers must not reach the grader's own view");
	unlink(tmpname);
	harness_rmtree(tmpkeep);
	harness_rmtree(abs);
}

Test(isolate, no_private_view_for_a_relative_work_directory, .timeout = 10)
{
	const char *keep[] = { "relative/work", NULL };

	cr_expect_eq(isolate_private_files(keep, NULL), -1);
	cr_expect_eq(access("/proc/1/status", F_OK), 0);
}

/*
 * A program that spins is runnable; one asleep is not, once it has got there
 * (its state polled, with a deadline).  By uid when root, else by pid.
 */
Test(isolate, tells_a_running_program_from_one_that_waits, .timeout = 30)
{
	int uid = isolate_uid_for(getpid());
	struct sandbox_proc *spin = sh("exec sh -c 'while :; do :; done'", -1);
	struct sandbox_proc *waits = sh("exec sleep 60", uid);
	long until = sandbox_now_ms() + 10000;
	int r;

	cr_assert_eq(isolate_runnable(-1, spin->pid), 1);
	while ((r = isolate_runnable(uid, waits->pid)) != 0 && sandbox_now_ms() < until)
		sandbox_idle(20);
	cr_expect_eq(r, 0, "a sleeping program still counts as running");
	cr_expect_eq(isolate_runnable(-1, spin->pid), 1);
	sandbox_cleanup(uid, NULL, 3000, NULL);
}

/*
 * Seen from the reading end of a loopback connection: the writing end has
 * room until its writes stop being taken (EAGAIN), and then it is full.
 */
Test(isolate, tells_when_the_other_end_cannot_send_more, .timeout = 30)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int lfd = socket(AF_INET, SOCK_STREAM, 0), rd = socket(AF_INET, SOCK_STREAM, 0), wr;
	static char buf[65536];
	long sent = 0;

	cr_assert(lfd != -1 && rd != -1);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(lfd, 1), 0);
	cr_assert_eq(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
	cr_assert_eq(connect(rd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert((wr = accept(lfd, NULL, NULL)) != -1);
	cr_assert_eq(fcntl(wr, F_SETFL, O_NONBLOCK), 0);
	cr_assert_eq(isolate_peer_send_full(rd), 0, "an idle connection counts as full");
	cr_assert_eq(isolate_peer_send_full(wr), 0);
	for (ssize_t n; (n = send(wr, buf, sizeof(buf), MSG_NOSIGNAL)) > 0; sent += n)
		cr_assert_lt(sent, 1L << 30, "a loopback send buffer took 1 GiB");
	cr_assert_eq(errno, EAGAIN);
	cr_expect_eq(isolate_peer_send_full(rd), 1, "after %ld bytes, send() takes no more, "
	    "but the reader's view says the writer has room", sent);
	cr_expect_eq(isolate_peer_send_full(wr), 0, "the reader's side is not full");
	close(wr);
	close(rd);
	close(lfd);
}

Test(isolate, knows_the_largest_tcp_send_buffer, .timeout = 10)
{
	cr_expect_gt(isolate_tcp_wmem_max(-1), 0);
}
