/*
 * scn_script.c — see scn_script.h.  Lines are matched in place in each
 * process's unread stdout (sandbox_proc.out), so nothing is copied twice and
 * a line nobody asked for stays visible as evidence when a wait fails.
 */
#include "scn_script.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define SCRIPT_MAX_HOSTS 8
#define SCRIPT_NAME 16

const struct labconf_param scn_script_params[] = {
	{ "prog", LABCONF_STR, NULL, 0, 0, NULL },
	{ "host", LABCONF_LIST, NULL, 0, 0, NULL },
	{ "step", LABCONF_LIST, NULL, 0, 0, NULL },
	{ "step_ms", LABCONF_INT, "5000", 1, 600000, NULL },
	{ "settle_ms", LABCONF_INT, "300", 0, 60000, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

struct host {
	char name[SCRIPT_NAME];
	char addr[128];		/* from its "listening on" line */
	int student;
	struct sandbox_proc *p;
};

struct script {
	struct scenario_env *env;
	struct host hosts[SCRIPT_MAX_HOSTS];
	int nhosts;
};

static struct host *
host_named(struct script *sc, const char *name, size_t len)
{
	for (int i = 0; i < sc->nhosts; i++)
		if (strlen(sc->hosts[i].name) == len && strncmp(sc->hosts[i].name, name, len) == 0)
			return &sc->hosts[i];
	return NULL;
}

/* Replaces each {NAME} in text by NAME's address (regex-escaped if escape). */
static int
expand(struct script *sc, const char *text, int escape, struct strbuf *out)
{
	strbuf_reset(out);
	for (const char *p = text; *p; p++) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		struct host *h = close ? host_named(sc, p + 1, (size_t)(close - p - 1)) : NULL;

		if (h == NULL) {
			strbuf_putc(out, *p);
			continue;
		}
		for (const char *a = h->addr; *a; a++) {
			if (escape && strchr(".[]()*+?^$|\\{}", *a))
				strbuf_putc(out, '\\');
			strbuf_putc(out, *a);
		}
		p = close;
	}
	return 0;
}

/* Starts host line "NAME ROLE [ARGS...]".  Returns 0, or -1 with the failure recorded. */
static int
start_host(struct script *sc, const char *line)
{
	struct scenario_env *env = sc->env;
	struct host *h = &sc->hosts[sc->nhosts];
	char role[16];
	int n = 0, port;
	struct strbuf args;

	if (sc->nhosts == SCRIPT_MAX_HOSTS || sscanf(line, "%15s %15s %n", h->name, role, &n) != 2 ||
	    (strcmp(role, "student") != 0 && strcmp(role, "reference") != 0)) {
		result_error(env->res, "lab.conf: a host is 'NAME student|reference [ARGS...]', not '%s'",
		    line);
		return -1;
	}
	strbuf_init(&args);
	expand(sc, line + n, 0, &args);
	port = scenario_start_host(env, &h->p, role, labconf_str(env->test, "prog"),
	    strbuf_str(&args), NULL);
	strbuf_free(&args);
	if (port == -1)
		return -1;
	snprintf(h->addr, sizeof(h->addr), "127.0.0.1:%d", port);
	h->student = scenario_is_student(role);
	scenario_log(env, "  host %s is %s at %s", h->name, h->p->name, h->addr);
	sc->nhosts++;
	return 0;
}

/* Finds and removes the first complete unread line of h matching re.  1 if found. */
static int
take_line(struct host *h, const regex_t *re)
{
	struct strbuf *o = &h->p->out;
	size_t start = 0;

	while (start < o->len) {
		char *nl = memchr(o->data + start, '\n', o->len - start);
		size_t end;
		int match;

		if (nl == NULL)
			return 0;
		end = (size_t)(nl - o->data);
		*nl = '\0';
		match = regexec(re, o->data + start, 0, NULL, 0) == 0;
		*nl = '\n';
		if (match) {
			memmove(o->data + start, nl + 1, o->len - end - 1);
			o->len -= end + 1 - start;
			o->data[o->len] = '\0';
			return 1;
		}
		start = end + 1;
	}
	return 0;
}

/* Compiles pattern ({NAME}s expanded, anchored to the whole line).  0, or -1 (error recorded). */
static int
compile(struct script *sc, const char *pattern, regex_t *re, struct strbuf *shown)
{
	struct strbuf full;
	int rc;

	expand(sc, pattern, 1, shown);
	strbuf_init(&full);
	strbuf_printf(&full, "^(%s)$", strbuf_str(shown));
	rc = regcomp(re, strbuf_str(&full), REG_EXTENDED | REG_NOSUB);
	strbuf_free(&full);
	if (rc != 0)
		result_error(sc->env->res, "lab.conf: '%s' is not an extended regular expression",
		    pattern);
	return rc == 0 ? 0 : -1;
}

/* Types a line into h. */
static void
type_line(struct script *sc, struct host *h, const char *text)
{
	struct strbuf line;

	strbuf_init(&line);
	expand(sc, text, 0, &line);
	strbuf_putc(&line, '\n');
	if (sandbox_write(h->p, line.data, line.len, 1000) == -1)
		scenario_log(sc->env, "  %s stopped reading its input", h->name);
	strbuf_free(&line);
}

/*
 * Waits up to ms for a line of h matching re, typing `again` (if not NULL)
 * every 500 ms meanwhile.  Returns 0, or -1.
 */
static int
wait_line(struct script *sc, struct host *h, const regex_t *re, const char *again, int ms)
{
	long until = sandbox_now_ms() + ms, next = 0;

	for (;;) {
		long now = sandbox_now_ms();

		if (take_line(h, re))
			return 0;
		if (now >= until || (h->p->out_fd == -1 && sandbox_exited(h->p)))
			return -1;
		if (again != NULL && now >= next) {
			type_line(sc, h, again);
			next = now + 500;
		}
		sandbox_poll(NULL, 0, 50);
	}
}

static void
step_failed(struct script *sc, size_t index, struct host *h, const char *why)
{
	struct result *res = sc->env->res;
	const struct labconf_value *v;
	struct strbuf *o = &h->p->out;
	size_t from = o->len > 1500 ? o->len - 1500 : 0;

	result_fail(res, "step %zu, %s: %s", index + 1, labconf_item(sc->env->test, "step", index)->data,
	    why);
	for (size_t i = 0; i <= index && (v = labconf_item(sc->env->test, "step", i)) != NULL; i++)
		strbuf_printf(&res->sent, "%s%s", i ? "\n" : "", v->data);
	strbuf_printf(&res->got, "%s's unread output: ", h->name);
	strbuf_put_escaped(&res->got, o->data ? o->data + from : "", o->len - from, 1500);
	if (o->len == 0)
		strbuf_puts(&res->got, "(nothing)");
	for (int i = 0; i < sc->nhosts; i++)
		if (sc->hosts[i].student)
			scenario_note_stderr(sc->env, sc->hosts[i].p);
}

/* An expectation step (<, ~, !): 0 if it held, -1 (failure recorded) if not. */
static int
expect_step(struct script *sc, size_t index, struct host *h, char op, const char *rest)
{
	const char *arrow = op == '~' ? strstr(rest, " => ") : NULL;
	char *again = arrow ? strndup(rest, (size_t)(arrow - rest)) : NULL;
	int ms = (int)labconf_int(sc->env->test, "step_ms"), rc = 0;
	struct strbuf shown, why;
	regex_t re;

	strbuf_init(&shown);
	strbuf_init(&why);
	if (op == '~' && arrow == NULL) {
		result_error(sc->env->res, "lab.conf: step '%s' needs 'COMMAND => REGEX'", rest);
		rc = -1;
	} else if (compile(sc, arrow ? arrow + 4 : rest, &re, &shown) == -1) {
		rc = -1;
	} else {
		if (op == '!') {
			sandbox_idle((int)labconf_int(sc->env->test, "settle_ms"));
			if (take_line(h, &re))
				strbuf_printf(&why, "%s printed a line matching %s, and should not have",
				    h->p->name, strbuf_str(&shown));
		} else if (wait_line(sc, h, &re, again, ms < scenario_left(sc->env) ? ms :
		    scenario_left(sc->env)) == -1) {
			strbuf_printf(&why, "%s printed no line matching %s within %d ms%s", h->p->name,
			    strbuf_str(&shown), ms, sandbox_exited(h->p) ? " (it has ended)" : "");
		}
		regfree(&re);
		if (why.len > 0) {
			strbuf_printf(&sc->env->res->expected, "a line of %s matching %s",
			    h->name, strbuf_str(&shown));
			step_failed(sc, index, h, strbuf_str(&why));
			rc = -1;
		}
	}
	free(again);
	strbuf_free(&shown);
	strbuf_free(&why);
	return rc;
}

/* Runs step index.  Returns 0, or -1 (failure recorded). */
static int
run_step(struct script *sc, size_t index, const char *step)
{
	size_t nlen = strcspn(step, "><!~$");
	struct host *h = host_named(sc, step, nlen);
	char op = step[nlen];
	const char *rest = step + nlen + (op != '\0');
	char *end;
	long want;
	int code;

	while (*rest == ' ')
		rest++;
	scenario_log(sc->env, "  step %zu: %s", index + 1, step);
	if (h == NULL || op == '\0') {
		result_error(sc->env->res, "lab.conf: step '%s' is not NAME> text, NAME< regex, "
		    "NAME~ text => regex, NAME! regex or NAME$ status", step);
		return -1;
	}
	if (op == '>') {
		type_line(sc, h, rest);
		return 0;
	}
	if (op != '$')
		return expect_step(sc, index, h, op, rest);
	want = strtol(rest, &end, 10);
	if (end == rest || *end != '\0') {
		result_error(sc->env->res, "lab.conf: step '%s' needs an exit status after $", step);
		return -1;
	}
	code = sandbox_wait(h->p, (int)labconf_int(sc->env->test, "step_ms"));
	if (code == want && code != -1)
		return 0;
	step_failed(sc, index, h, code == -1 ? "it did not exit" : "it exited with another status");
	return -1;
}

void
scn_script_run(struct scenario_env *env)
{
	struct script sc = { .env = env };
	const struct labconf_value *v;

	for (size_t i = 0; (v = labconf_item(env->test, "host", i)) != NULL; i++)
		if (start_host(&sc, v->data) == -1)
			return;
	for (size_t i = 0; (v = labconf_item(env->test, "step", i)) != NULL; i++)
		if (run_step(&sc, i, v->data) == -1)
			return;
}
