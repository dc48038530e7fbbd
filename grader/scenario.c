/*
 * scenario.c — the table of scenarios, and the helpers every scenario uses
 * to find, start and describe programs (see scenario.h).
 */
#include "scenario.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scn_blocks.h"
#include "scn_line.h"
#include "scn_peer.h"
#include "scn_rdt.h"
#include "scn_share.h"
#include "scn_snub.h"
#include "scn_script.h"
#include "scn_stream.h"
#include "scn_tracker.h"

#define SCENARIO_MAX_ARGS 64

static const struct {
	const char *name;
	const struct labconf_param *params;
	scenario_fn run;
} scenarios[] = {
	{ "exchange", scn_line_exchange_params, scn_line_exchange },
	{ "noreply", scn_line_noreply_params, scn_line_noreply },
	{ "usage", scn_line_usage_params, scn_line_usage },
	{ "concurrent", scn_stream_concurrent_params, scn_stream_concurrent },
	{ "bulk", scn_stream_bulk_params, scn_stream_bulk },
	{ "badinput", scn_stream_badinput_params, scn_stream_badinput },
	{ "script", scn_script_params, scn_script_run },
	{ "swarm", scn_peer_swarm_params, scn_peer_swarm },
	{ "rarest", scn_peer_rarest_params, scn_peer_rarest },
	{ "titfortat", scn_peer_titfortat_params, scn_peer_titfortat },
	{ "liar", scn_peer_liar_params, scn_peer_liar },
	{ "malformed", scn_peer_malformed_params, scn_peer_malformed },
	{ "ties", scn_peer_ties_params, scn_peer_ties },
	{ "pipeline", scn_blocks_pipeline_params, scn_blocks_pipeline },
	{ "endgame", scn_blocks_endgame_params, scn_blocks_endgame },
	{ "sparebits", scn_blocks_sparebits_params, scn_blocks_sparebits },
	{ "snub_stops", scn_snub_stops_params, scn_snub_stops },
	{ "snub_quiet", scn_snub_quiet_params, scn_snub_quiet },
	{ "tracker", scn_tracker_params, scn_tracker_run },
	{ "rdt", scn_rdt_params, scn_rdt_run },
	{ "share", scn_share_params, scn_share_run },
};

#define NSCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

const struct labconf_scenario scenario_table[] = {
	{ "exchange", scn_line_exchange_params, NULL },
	{ "noreply", scn_line_noreply_params, NULL },
	{ "usage", scn_line_usage_params, NULL },
	{ "concurrent", scn_stream_concurrent_params, NULL },
	{ "bulk", scn_stream_bulk_params, NULL },
	{ "badinput", scn_stream_badinput_params, NULL },
	{ "script", scn_script_params, NULL },
	{ "swarm", scn_peer_swarm_params, NULL },
	{ "rarest", scn_peer_rarest_params, NULL },
	{ "titfortat", scn_peer_titfortat_params, NULL },
	{ "liar", scn_peer_liar_params, NULL },
	{ "malformed", scn_peer_malformed_params, NULL },
	{ "ties", scn_peer_ties_params, NULL },
	{ "pipeline", scn_blocks_pipeline_params, NULL },
	{ "endgame", scn_blocks_endgame_params, NULL },
	{ "sparebits", scn_blocks_sparebits_params, NULL },
	{ "snub_stops", scn_snub_stops_params, NULL },
	{ "snub_quiet", scn_snub_quiet_params, NULL },
	{ "tracker", scn_tracker_params, NULL },
	{ "rdt", scn_rdt_params, NULL },
	{ "share", scn_share_params, scn_share_check },
	{ NULL, NULL, NULL },
};

scenario_fn
scenario_lookup(const char *name)
{
	for (size_t i = 0; i < NSCENARIOS; i++)
		if (strcmp(scenarios[i].name, name) == 0)
			return scenarios[i].run;
	return NULL;
}

int
scenario_left(const struct scenario_env *env)
{
	long left = env->deadline_ms - sandbox_now_ms();

	return left > 0 ? (int)left : 0;
}

void
scenario_log(struct scenario_env *env, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&env->res->log, fmt, ap);
	va_end(ap);
	strbuf_putc(&env->res->log, '\n');
}

int
scenario_is_student(const char *role)
{
	return strcmp(role, "student") == 0;
}

static int
executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

int
scenario_program(struct scenario_env *env, const char *role, const char *prog, char *path,
    size_t pcap, char *who, size_t wcap)
{
	if (scenario_is_student(role)) {
		snprintf(path, pcap, "%s/%s", env->student_dir, prog);
		snprintf(who, wcap, "your %s", prog);
		if (executable(path))
			return 0;
		result_fail(env->res, "your submission has no %s: did `%s` build it at the top of your directory?",
		    prog, env->lab->build);
		return -1;
	}
	snprintf(who, wcap, "the reference %s", prog);
	for (size_t i = 0; env->ref_dirs[i] != NULL; i++) {
		snprintf(path, pcap, "%s/%s", env->ref_dirs[i], prog);
		if (executable(path))
			return 0;
	}
	result_error(env->res, "the reference %s is missing (build the kit with `make` at its top)",
	    prog);
	return -1;
}

/* Splits words into argv after argv[0]..argv[*n-1]; returns the new count. */
static int
add_words(char *copy, char **argv, int n)
{
	for (char *w = strtok(copy, " \t"); w != NULL && n < SCENARIO_MAX_ARGS - 1;
	    w = strtok(NULL, " \t"))
		argv[n++] = w;
	return n;
}

static void
log_command(struct scenario_env *env, char *const *argv, const char *shown0, int student)
{
	struct strbuf cmd;

	strbuf_init(&cmd);
	strbuf_printf(&cmd, "$ %s", shown0);
	for (int i = 1; argv[i] != NULL; i++)
		strbuf_printf(&cmd, " %s", argv[i]);
	scenario_log(env, "%s%s", strbuf_str(&cmd), student ? "    (in your submission directory)" : "");
	strbuf_free(&cmd);
}

static struct sandbox_proc *
start_path(struct scenario_env *env, const char *path, const char *who, const char *args,
    char *const *extra, int stdin_pipe, int student, int trusted)
{
	char *argv[SCENARIO_MAX_ARGS], *copy = strdup(args ? args : ""), shown[256];
	struct sandbox_spec spec = {
		.name = who, .argv = argv, .cwd = student ? env->scratch : env->ref_scratch,
		.uid = student ? env->uid : env->ref_uid,
		.stdin_pipe = stdin_pipe, .limits = trusted ? NULL : &env->limits,
		.out_cap = env->output_cap, .err_cap = env->output_cap,
	};
	struct sandbox_proc *p;
	int n = 1;

	if (copy == NULL)
		return NULL;
	argv[0] = (char *)path;
	n = add_words(copy, argv, n);
	for (int i = 0; extra && extra[i] && n < SCENARIO_MAX_ARGS - 1; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	snprintf(shown, sizeof(shown), "%s%s", student ? "./" : "",
	    student ? strrchr(path, '/') + 1 : path);
	log_command(env, argv, shown, student);
	if ((p = sandbox_spawn(&spec)) == NULL) {
		struct strbuf why;

		strbuf_init(&why);
		sandbox_describe_start(errno, &why);
		if (student)
			result_fail(env->res, "%s could not be started: %s", who, strbuf_str(&why));
		else
			result_error(env->res, "%s could not be started: %s", who, strbuf_str(&why));
		strbuf_free(&why);
	}
	free(copy);
	return p;
}

struct sandbox_proc *
scenario_start(struct scenario_env *env, const char *role, const char *prog, const char *args,
    char *const *extra, int stdin_pipe)
{
	char path[4096], who[128];

	if (scenario_program(env, role, prog, path, sizeof(path), who, sizeof(who)) == -1)
		return NULL;
	return start_path(env, path, who, args, extra, stdin_pipe, scenario_is_student(role), 0);
}

/*
 * Records why p gave no usable "listening on" line, in the words a student
 * needs: it ended (how, and after how long since started), closed its
 * stdout, printed the line without a port, or is still running silent after
 * waiting wait ms (waited: how long the wait really took).
 */
static void
fail_not_listening(struct scenario_env *env, struct sandbox_proc *p, long started, int wait,
    long waited)
{
	double ran = (double)(sandbox_now_ms() - started) / 1000;
	struct strbuf how;

	strbuf_init(&how);
	sandbox_describe_exit(p, &how);
	if (p->exited)
		result_fail(env->res, "%s %s after %.1f s, before it printed 'listening on ADDR:PORT'%s%s",
		    p->name, strbuf_str(&how), ran,
		    p->out_capped ? " (its output passed the cap the grader keeps)" : "",
		    p->err.len ? "" : "; it wrote nothing on stderr");
	else if (p->out_fd == -1)
		result_fail(env->res, "%s closed its standard output after %.1f s without printing "
		    "'listening on ADDR:PORT'", p->name, ran);
	else if (waited < wait)
		result_fail(env->res, "%s printed a 'listening on' line with no port the grader could "
		    "read: it must end in :PORT, e.g. 'listening on 0.0.0.0:4321'", p->name);
	else
		result_fail(env->res, "%s did not print 'listening on ADDR:PORT' within %d ms "
		    "(print it, then fflush(stdout))", p->name, wait);
	strbuf_free(&how);
}

/*
 * Waits for p's "listening on" line; started is when p was started.  Returns
 * the port, or -1 with the failure recorded (an error if p is our own tool).
 */
static int
await_listening(struct scenario_env *env, struct sandbox_proc *p, int tool, long started)
{
	int wait = scenario_left(env) < 5000 ? scenario_left(env) : 5000;
	long begun = sandbox_now_ms();
	int port = sandbox_wait_listening(p, wait);
	long waited = sandbox_now_ms() - begun;

	if (port > 0) {
		scenario_log(env, "  %s is listening on port %d", p->name, port);
		return port;
	}
	/* Its stdout ended: it is exiting, give that a moment to be reaped. */
	if (p->out_fd == -1)
		sandbox_wait(p, scenario_left(env) < 1000 ? scenario_left(env) : 1000);
	else
		sandbox_exited(p);
	if (tool) {
		struct strbuf how;

		strbuf_init(&how);
		sandbox_describe_exit(p, &how);
		result_error(env->res, "%s did not start (%s)", p->name, strbuf_str(&how));
		strbuf_free(&how);
	} else {
		fail_not_listening(env, p, started, wait, waited);
	}
	scenario_note_stderr(env, p);
	return -1;
}

int
scenario_start_server(struct scenario_env *env, struct sandbox_proc **pp, const char *role,
    const char *prog, const char *args, char *const *extra)
{
	long started = sandbox_now_ms();

	if ((*pp = scenario_start(env, role, prog, args, extra, 0)) == NULL)
		return -1;
	return await_listening(env, *pp, 0, started);
}

int
scenario_start_host(struct scenario_env *env, struct sandbox_proc **pp, const char *role,
    const char *prog, const char *args, char *const *extra)
{
	long started = sandbox_now_ms();

	if ((*pp = scenario_start(env, role, prog, args, extra, 1)) == NULL)
		return -1;
	return await_listening(env, *pp, 0, started);
}

int
scenario_start_proxy(struct scenario_env *env, const char *kind, int port, const char *opts)
{
	struct sandbox_proc *p;
	char path[4096], to[64], seed[32];
	char *extra[] = { "--to", to, "--seed", seed, NULL };
	struct strbuf args;

	snprintf(path, sizeof(path), "%s/faultproxy", env->tools_dir);
	snprintf(to, sizeof(to), "127.0.0.1:%d", port);
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)(env->seed % 1000000007ULL));
	strbuf_init(&args);
	strbuf_printf(&args, "%s %s", kind, opts ? opts : "");
	p = start_path(env, path, "the fault-injection proxy", strbuf_str(&args), extra, 0, 0, 1);
	strbuf_free(&args);
	return p == NULL ? -1 : await_listening(env, p, 1, sandbox_now_ms());
}

void
scenario_note_stderr(struct scenario_env *env, const struct sandbox_proc *p)
{
	const struct strbuf *e = &p->err;
	size_t start = e->len > 600 ? e->len - 600 : 0;

	if (e->len == 0)
		return;
	strbuf_printf(&env->res->message, "\n%s wrote on stderr: ", p->name);
	strbuf_put_escaped(&env->res->message, e->data + start, e->len - start, 600);
}
