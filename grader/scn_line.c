/*
 * scn_line.c — see scn_line.h.  The evidence a student gets for a wrong
 * answer is the input, the expected output and the actual output, cut around
 * the first differing byte, with the line number where they part.
 */
#include "scn_line.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netio.h"
#include "prng.h"

#define ROLE "student|reference"

const struct labconf_param scn_line_exchange_params[] = {
	{ "client", LABCONF_ENUM, NULL, 0, 0, ROLE },
	{ "server", LABCONF_ENUM, NULL, 0, 0, ROLE },
	{ "client_prog", LABCONF_STR, NULL, 0, 0, NULL },
	{ "server_prog", LABCONF_STR, NULL, 0, 0, NULL },
	{ "client_args", LABCONF_WORDS, "", 0, 0, NULL },
	{ "server_args", LABCONF_WORDS, "-p 0", 0, 0, NULL },
	{ "host", LABCONF_STR, "127.0.0.1", 0, 0, NULL },
	{ "send", LABCONF_LIST, NULL, 0, 0, NULL },
	{ "random_lines", LABCONF_INT, "0", 0, 100000, NULL },
	{ "max_length", LABCONF_INT, "60", 1, 1048576, NULL },
	{ "bytes", LABCONF_ENUM, "printable", 0, 0, "printable|binary" },
	{ "transform", LABCONF_ENUM, "upper", 0, 0, "upper|none" },
	{ "expect", LABCONF_LIST, NULL, 0, 0, NULL },
	{ "proxy", LABCONF_ENUM, "none", 0, 0, "none|udp|tcp" },
	{ "proxy_args", LABCONF_WORDS, "", 0, 0, NULL },
	{ "expect_exit", LABCONF_INT, "0", 0, 255, NULL },
	{ "server_survives", LABCONF_ENUM, "yes", 0, 0, "yes|no" },
	{ NULL, 0, NULL, 0, 0, NULL },
};

const struct labconf_param scn_line_noreply_params[] = {
	{ "client", LABCONF_ENUM, NULL, 0, 0, ROLE },
	{ "client_prog", LABCONF_STR, NULL, 0, 0, NULL },
	{ "client_args", LABCONF_WORDS, "", 0, 0, NULL },
	{ "proto", LABCONF_ENUM, "udp", 0, 0, "udp|tcp" },
	{ "target", LABCONF_ENUM, "silent", 0, 0, "silent|closed" },
	{ "send", LABCONF_LIST, NULL, 0, 0, NULL },
	{ "within_ms", LABCONF_INT, NULL, 1, 600000, NULL },
	{ "min_tries", LABCONF_INT, "0", 0, 1000, NULL },
	{ "max_tries", LABCONF_INT, "1000", 0, 1000, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

const struct labconf_param scn_line_usage_params[] = {
	{ "role", LABCONF_ENUM, "student", 0, 0, ROLE },
	{ "prog", LABCONF_STR, NULL, 0, 0, NULL },
	{ "args", LABCONF_WORDS, "", 0, 0, NULL },
	{ "expect_exit", LABCONF_INT, "2", 0, 255, NULL },
	{ "stderr", LABCONF_ENUM, "one_line", 0, 0, "one_line|any" },
	{ "stdout_has", LABCONF_STR, "", 0, 0, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

void
scn_line_upper(char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char)(buf[i] - 'a' + 'A');
}

void
scn_line_random(struct prng *r, struct strbuf *sb, long count, long max_len, int binary)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    " 0123456789 .,;:!?'\"()[]{}<>/\\|-_=+*&^%$#@~`";

	for (long i = 0; i < count; i++) {
		long len = 1 + (long)prng_below(r, (uint64_t)max_len);

		for (long j = 0; j < len; j++) {
			char c;

			if (binary)
				do
					c = (char)prng_below(r, 256);
				while (c == '\n');
			else
				c = alphabet[prng_below(r, sizeof(alphabet) - 1)];
			strbuf_putc(sb, c);
		}
		strbuf_putc(sb, '\n');
	}
}

/* The input lines and the expected output of an exchange test. */
static void
exchange_data(struct scenario_env *env, struct strbuf *in, struct strbuf *want)
{
	const struct labconf_test *t = env->test;
	const struct labconf_value *v;
	struct prng r;

	for (size_t i = 0; (v = labconf_item(t, "send", i)) != NULL; i++) {
		strbuf_append(in, v->data, v->len);
		strbuf_putc(in, '\n');
	}
	prng_seed(&r, env->seed);
	scn_line_random(&r, in, labconf_int(t, "random_lines"), labconf_int(t, "max_length"),
	    strcmp(labconf_str(t, "bytes"), "binary") == 0);
	if (labconf_get(t, "expect") != NULL) {
		for (size_t i = 0; (v = labconf_item(t, "expect", i)) != NULL; i++) {
			strbuf_append(want, v->data, v->len);
			strbuf_putc(want, '\n');
		}
		return;
	}
	strbuf_append(want, strbuf_str(in), in->len);
	if (strcmp(labconf_str(t, "transform"), "upper") == 0)
		scn_line_upper(want->data, want->len);
}

/* The 1-based line of text that holds byte off. */
static long
line_of(const char *text, size_t len, size_t off)
{
	long line = 1;

	for (size_t i = 0; i < off && i < len; i++)
		line += text[i] == '\n';
	return line;
}

static void
record_input(struct scenario_env *env, const struct strbuf *in)
{
	strbuf_put_escaped(&env->res->sent, strbuf_str(in), in->len, 2000);
	scenario_log(env, "  input: %zu bytes, %ld lines", in->len, line_of(in->data, in->len, in->len) - 1);
}

/* Checks the client's output and exit after it ran.  Returns 0 if it passed. */
static int
judge_client(struct scenario_env *env, struct sandbox_proc *c, const struct strbuf *want,
    int finished)
{
	struct result *res = env->res;
	int code = finished ? sandbox_wait(c, scenario_left(env)) : -1;
	struct strbuf how;

	strbuf_init(&how);
	if (!finished || code == -1) {
		result_fail(res, "%s did not finish within the test's %d s: it must not wait forever "
		    "(what came out so far is below)", c->name, env->test->timeout_s);
	} else if (code != labconf_int(env->test, "expect_exit")) {
		sandbox_describe_exit(c, &how);
		result_fail(res, "%s %s (expected status %ld)", c->name, strbuf_str(&how),
		    labconf_int(env->test, "expect_exit"));
	}
	if (c->out_capped)
		result_fail(res, "%s wrote more than %zu bytes: output cut", c->name, c->out_cap);
	if (result_compare(res, strbuf_str(want), want->len, strbuf_str(&c->out), c->out.len) == -1)
		result_fail(res, "%s printed something other than expected: they differ at byte %ld, on line %ld of the output",
		    c->name, res->diff_offset, line_of(want->data, want->len, (size_t)res->diff_offset));
	if (res->status != RESULT_PASS)
		scenario_note_stderr(env, c);
	strbuf_free(&how);
	return res->status == RESULT_PASS ? 0 : -1;
}

/* Starts the server (and the proxy in front of it).  Returns the port clients use. */
static int
exchange_server(struct scenario_env *env, struct sandbox_proc **s)
{
	const struct labconf_test *t = env->test;
	const char *proxy = labconf_str(t, "proxy");
	int port = scenario_start_server(env, s, labconf_str(t, "server"),
	    labconf_str(t, "server_prog"), labconf_str(t, "server_args"), NULL);

	if (port == -1 || strcmp(proxy, "none") == 0)
		return port;
	return scenario_start_proxy(env, proxy, port, labconf_str(t, "proxy_args"));
}

void
scn_line_exchange(struct scenario_env *env)
{
	const struct labconf_test *t = env->test;
	struct sandbox_proc *s, *c;
	struct strbuf in, want;
	char portstr[16];
	char *extra[] = { (char *)labconf_str(t, "host"), portstr, NULL };
	int port, finished;

	strbuf_init(&in);
	strbuf_init(&want);
	exchange_data(env, &in, &want);
	record_input(env, &in);
	if ((port = exchange_server(env, &s)) == -1)
		goto out;
	snprintf(portstr, sizeof(portstr), "%d", port);
	c = scenario_start(env, labconf_str(t, "client"), labconf_str(t, "client_prog"),
	    labconf_str(t, "client_args"), extra, 1);
	if (c == NULL)
		goto out;
	if (sandbox_write(c, strbuf_str(&in), in.len, scenario_left(env)) == -1)
		scenario_log(env, "  %s stopped reading its input early", c->name);
	sandbox_close_stdin(c);
	finished = sandbox_read_all(c, scenario_left(env)) == 0;
	if (judge_client(env, c, &want, finished) == 0 &&
	    strcmp(labconf_str(t, "server_survives"), "yes") == 0 && sandbox_exited(s)) {
		struct strbuf how;

		strbuf_init(&how);
		sandbox_describe_exit(s, &how);
		result_fail(env->res, "%s %s after the exchange: a server keeps serving", s->name,
		    strbuf_str(&how));
		scenario_note_stderr(env, s);
		strbuf_free(&how);
	}
out:
	strbuf_free(&in);
	strbuf_free(&want);
}

/* A port where nothing answers: bound and mute (silent), or free (closed). */
static int
mute_port(struct scenario_env *env, int *fd)
{
	const struct labconf_test *t = env->test;
	int type = strcmp(labconf_str(t, "proto"), "tcp") == 0 ? SOCK_STREAM : SOCK_DGRAM;
	int port;

	if ((*fd = netio_bind("127.0.0.1", "0", type)) == -1 || (port = netio_local_port(*fd)) == -1) {
		result_error(env->res, "could not bind a socket for the test: %s", strerror(errno));
		return -1;
	}
	if (strcmp(labconf_str(t, "target"), "closed") == 0) {
		close(*fd);
		*fd = -1;
		scenario_log(env, "  nothing listens on port %d", port);
	} else {
		scenario_log(env, "  port %d is bound but never answers", port);
	}
	return port;
}

/* With a silent UDP target: checks how often the client sent its line. */
static void
count_tries(struct scenario_env *env, struct sandbox_proc *c, int fd)
{
	long min = labconf_int(env->test, "min_tries"), max = labconf_int(env->test, "max_tries");
	char buf[65536];
	long n = 0;

	if (fd == -1 || strcmp(labconf_str(env->test, "proto"), "udp") != 0)
		return;
	while (recv(fd, buf, sizeof(buf), 0) >= 0)
		n++;
	scenario_log(env, "  the silent port received %ld datagram(s)", n);
	if (n < min)
		result_fail(env->res, "%s sent its line %ld time(s); with its -r it should have tried "
		    "at least %ld times before giving up", c->name, n, min);
	else if (n > max)
		result_fail(env->res, "%s sent its line %ld times; with its -r it should try at most "
		    "%ld times", c->name, n, max);
}

void
scn_line_noreply(struct scenario_env *env)
{
	const struct labconf_test *t = env->test;
	const struct labconf_value *v;
	struct sandbox_proc *c;
	struct strbuf in;
	char portstr[16];
	char *extra[] = { "127.0.0.1", portstr, NULL };
	int fd = -1, port, within = (int)labconf_int(t, "within_ms");

	strbuf_init(&in);
	for (size_t i = 0; (v = labconf_item(t, "send", i)) != NULL; i++) {
		strbuf_append(&in, v->data, v->len);
		strbuf_putc(&in, '\n');
	}
	record_input(env, &in);
	if ((port = mute_port(env, &fd)) == -1)
		goto out;
	snprintf(portstr, sizeof(portstr), "%d", port);
	c = scenario_start(env, labconf_str(t, "client"), labconf_str(t, "client_prog"),
	    labconf_str(t, "client_args"), extra, 1);
	if (c == NULL)
		goto out;
	sandbox_write(c, strbuf_str(&in), in.len, 1000);
	sandbox_close_stdin(c);
	if (within > scenario_left(env))
		within = scenario_left(env);
	if (sandbox_wait(c, within) == -1) {
		result_fail(env->res, "%s was still running %d ms after it started, with no reply ever "
		    "coming: every wait needs a timeout, and retries need a limit", c->name, within);
	} else {
		if (WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0)
			result_fail(env->res, "%s exited with status 0 although no reply came: "
			    "report the failure with a non-zero status", c->name);
		if (c->out.len > 0) {
			result_fail(env->res, "%s printed output although no reply came", c->name);
			strbuf_put_escaped(&env->res->got, c->out.data, c->out.len, 300);
		}
		if (c->err.len == 0)
			result_fail(env->res, "%s said nothing on stderr: tell the user what went wrong",
			    c->name);
		count_tries(env, c, fd);
	}
	if (env->res->status != RESULT_PASS)
		scenario_note_stderr(env, c);
out:
	if (fd != -1)
		close(fd);
	strbuf_free(&in);
}

static size_t
count_lines(const struct strbuf *sb)
{
	size_t n = 0;

	for (size_t i = 0; i < sb->len; i++)
		n += sb->data[i] == '\n';
	if (sb->len > 0 && sb->data[sb->len - 1] != '\n')
		n++;
	return n;
}

void
scn_line_usage(struct scenario_env *env)
{
	const struct labconf_test *t = env->test;
	const char *has = labconf_str(t, "stdout_has");
	struct sandbox_proc *p;
	long want = labconf_int(t, "expect_exit");
	int code;

	p = scenario_start(env, labconf_str(t, "role"), labconf_str(t, "prog"), labconf_str(t, "args"),
	    NULL, 0);
	if (p == NULL)
		return;
	if ((code = sandbox_wait(p, scenario_left(env))) == -1) {
		result_fail(env->res, "%s did not exit: with bad arguments a program says so and stops",
		    p->name);
		return;
	}
	sandbox_read_all(p, 1000);
	if (code != want) {
		struct strbuf how;

		strbuf_init(&how);
		sandbox_describe_exit(p, &how);
		result_fail(env->res, "%s %s; expected status %ld", p->name, strbuf_str(&how), want);
		strbuf_free(&how);
	}
	if (strcmp(labconf_str(t, "stderr"), "one_line") == 0 && count_lines(&p->err) != 1)
		result_fail(env->res, "%s wrote %zu lines on stderr; the convention is exactly one line "
		    "saying what is wrong", p->name, count_lines(&p->err));
	if (*has != '\0' && strstr(strbuf_str(&p->out), has) == NULL)
		result_fail(env->res, "%s did not print '%s' on stdout", p->name, has);
	if (env->res->status != RESULT_PASS) {
		strbuf_put_escaped(&env->res->got, strbuf_str(&p->out), p->out.len, 300);
		scenario_note_stderr(env, p);
	}
}
