/*
 * test_sandbox.c — the sandbox on its own: limits applied, output capped,
 * exec failures reported, waits bounded, and everything a test starts —
 * daemons that called setsid, fork bombs — gone after cleanup.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "isolate.h"
#include "sandbox.h"

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
