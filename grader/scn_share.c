/*
 * scn_share.c — see scn_share.h.
 *
 * Each entry of `flows` is a bottleneck of its own (a receiver, a router and
 * its senders), all running at once.  The senders run for the whole test; the judge takes two samples of the
 * receiver's files and of the router's counts, warm_ms and warm_ms +
 * measure_ms after the last sender started, and judges the difference.  The
 * time between the samples is the router's (its "router: t_us=" line), the
 * clock its link's rate is kept by.  Waiting for the window to pass is the
 * measurement itself, not a guess that something has happened; meanwhile the
 * judge watches that no sender ends (a crash fails the test at once).
 */
#include "scn_share.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "numarg.h"
#include "scn_rdt.h"
#include "strbuf.h"

#define SHARE_HEADER	28	/* a version 2 segment's header (mux_demux/rseg.h) */

const struct labconf_param scn_share_params[] = {
	{ "prog", LABCONF_STR, "mux_rhost", 0, 0, NULL },
	{ "router_prog", LABCONF_STR, "mux_router", 0, 0, NULL },
	{ "flows", LABCONF_STR, "2", 0, 0, NULL },
	{ "bytes", LABCONF_INT, "4000000", 1, 1000000000, NULL },
	{ "mss", LABCONF_INT, "1024", 1, 1388, NULL },
	{ "rate", LABCONF_INT, "100000", 1000, 100000000, NULL },
	{ "delay", LABCONF_INT, "20", 0, 10000, NULL },
	{ "queue", LABCONF_INT, "8", 1, 100000, NULL },
	{ "window", LABCONF_INT, "64", 1, 4096, NULL },
	{ "sender_args", LABCONF_STR, "--mode sr --cc reno", 0, 0, NULL },
	{ "router_args", LABCONF_STR, "", 0, 0, NULL },
	{ "warm_ms", LABCONF_INT, "5000", 0, 600000, NULL },
	{ "measure_ms", LABCONF_INT, "10000", 1000, 600000, NULL },
	{ "min_util_pct", LABCONF_INT, "80", 0, 100, NULL },
	{ "min_jain_pct", LABCONF_INT, "90", 0, 100, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

struct share_flow {
	struct sandbox_proc *p;
	int port;				/* its network address's port */
	unsigned long long link[2], dropped[2];	/* router's counts at each sample */
};

/* One bottleneck: its receiver (writing g<k>.out.<conn>), router and senders. */
struct share {
	struct scenario_env *env;
	struct sandbox_proc *recv, *router;
	struct share_flow flow[SCN_SHARE_FLOWS];
	int group, nflows, nstudent;
	double rate;				/* its link's bytes/s */
	unsigned long long got[2][SCN_SHARE_FLOWS];	/* its files' sizes at each sample */
	unsigned long long t_us[2];		/* the router's clock at each sample */
};

/*
 * Starts bottleneck t: the receiver, the router (rate and queue are the
 * test's per flow, times its flows) and every sender.  0, or -1 (failure recorded).
 */
static int
share_start(struct share *t)
{
	struct scenario_env *env = t->env;
	const struct labconf_test *c = env->test;
	const char *prog = labconf_str(c, "prog");
	char args[2048], to[64], in[4200], out[32];
	int port;

	snprintf(args, sizeof(args), "--mss %ld --conns %d --idle-timeout 60000 --linger 60000",
	    labconf_int(c, "mss"), t->nflows);
	snprintf(out, sizeof(out), "g%d.out", t->group);
	if ((port = scenario_start_server(env, &t->recv, "reference", prog, args,
	    (char *[]){ "recv", "--out", out, NULL })) == -1)
		return -1;
	snprintf(to, sizeof(to), "127.0.0.1:%d", port);
	snprintf(args, sizeof(args), "--to %s --rate %.0f --delay %ld --queue %ld %s", to, t->rate,
	    labconf_int(c, "delay"), labconf_int(c, "queue") * t->nflows,
	    labconf_str(c, "router_args"));
	if ((port = scenario_start_host(env, &t->router, "reference",
	    labconf_str(c, "router_prog"), args, NULL)) == -1)
		return -1;
	snprintf(to, sizeof(to), "127.0.0.1:%d", port);
	for (int i = 0; i < t->nflows; i++) {
		int student = i < t->nstudent;

		snprintf(args, sizeof(args), "--mss %ld --window %ld --idle-timeout 60000 %s%s",
		    labconf_int(c, "mss"), labconf_int(c, "window"), labconf_str(c, "sender_args"),
		    student ? "" : " --cc reno");
		snprintf(in, sizeof(in), "%.4000s/%s", student ? env->scratch : env->ref_scratch,
		    RDT_IN);
		t->flow[i].port = scenario_start_server(env, &t->flow[i].p,
		    student ? "student" : "reference", prog, args,
		    (char *[]){ "send", in, "--to", to, NULL });
		if (t->flow[i].port == -1)
			return -1;
	}
	return 0;
}

/* Fails the test if a sender of any bottleneck has ended.  0, or -1. */
static int
share_check_senders(struct share *g, int ng)
{
	for (int k = 0; k < ng; k++)
		for (int i = 0; i < g[k].nflows; i++) {
			struct sandbox_proc *p = g[k].flow[i].p;
			struct strbuf why;

			if (!sandbox_exited(p))
				continue;
			strbuf_init(&why);
			sandbox_describe_exit(p, &why);
			if (p->status == 0)
				result_error(g[k].env->res, "lab.conf: %s sent its whole file (%ld "
				    "bytes) before the measurement ended: make bytes larger", p->name,
				    labconf_int(g[k].env->test, "bytes"));
			else
				result_fail(g[k].env->res, "%s ended while the flows were sharing the "
				    "link: %s", p->name, strbuf_str(&why));
			strbuf_free(&why);
			scenario_note_stderr(g[k].env, p);
			return -1;
		}
	return 0;
}

/* Lets ms pass, watching the senders.  0, or -1 (failure recorded). */
static int
share_pause(struct share *g, int ng, long ms)
{
	long until = sandbox_now_ms() + ms;

	for (long left = ms; left > 0; left = until - sandbox_now_ms()) {
		if (share_check_senders(g, ng) == -1)
			return -1;
		sandbox_poll(NULL, 0, (int)(left > 100 ? 100 : left));
	}
	return share_check_senders(g, ng);
}

/* The flow whose sender's network address has this port, or NULL. */
static struct share_flow *
share_flow_at(struct share *t, int port)
{
	for (int i = 0; i < t->nflows; i++)
		if (t->flow[i].port == port)
			return &t->flow[i];
	return NULL;
}

/*
 * Sample k of bottleneck t: the router's clock and per-flow counts of its up
 * link ("stats"), and the size of each of the receiver's files.  0, or -1
 * (error recorded).
 */
static int
share_sample(struct share *t, int k)
{
	int wait = scenario_left(t->env) > 5000 ? scenario_left(t->env) : 5000;
	struct strbuf line;
	int rc = -1;

	strbuf_init(&line);
	if (sandbox_write(t->router, "stats\n", 6, wait) == 0)
		while (sandbox_readline(t->router, &line, wait) != -1) {
			const char *s = strbuf_str(&line);
			unsigned long long bytes, dropped;
			struct share_flow *f;
			int port;

			if (strcmp(s, "-- end of stats --") == 0) {
				rc = 0;
				break;
			}
			if (sscanf(s, "router: t_us=%llu", &t->t_us[k]) == 1)
				continue;
			if (sscanf(s, "flow up %*[^:]:%d/%*s segs=%*u bytes=%llu dropped=%llu", &port,
			    &bytes, &dropped) == 3 && (f = share_flow_at(t, port)) != NULL) {
				f->link[k] = bytes;
				f->dropped[k] = dropped;
			}
		}
	if (rc == -1)
		result_error(t->env->res, "%s did not answer \"stats\" with its counts (last line: "
		    "'%s')", t->router->name, strbuf_str(&line));
	strbuf_free(&line);
	for (int i = 0; i < t->nflows && rc == 0; i++) {
		char path[4200];
		struct stat st;

		snprintf(path, sizeof(path), "%.4000s/g%d.out.%d", t->env->ref_scratch, t->group,
		    i + 1);
		t->got[k][i] = stat(path, &st) == 0 ? (unsigned long long)st.st_size : 0;
	}
	return rc;
}

/* Samples every bottleneck.  0, or -1 (error recorded). */
static int
share_sample_all(struct share *g, int ng, int k)
{
	for (int i = 0; i < ng; i++)
		if (share_sample(&g[i], k) == -1)
			return -1;
	return 0;
}

/* Appends each sender's share of the link, as the router counted it, to sb. */
static void
share_describe_link(const struct share *t, double secs, struct strbuf *sb)
{
	for (int i = 0; i < t->nflows; i++) {
		const struct share_flow *f = &t->flow[i];

		strbuf_printf(sb, "%s%s put %.0f B/s onto the link (its queue dropped %llu segments)",
		    i > 0 ? "; " : "", f->p->name, (double)(f->link[1] - f->link[0]) / secs,
		    f->dropped[1] - f->dropped[0]);
	}
}

/* Bottleneck t's goodputs: utilization and Jain's index.  0, or -1 (verdict recorded). */
static int
share_judge(struct share *t)
{
	const struct labconf_test *c = t->env->test;
	double mss = (double)labconf_int(c, "mss");
	double secs = (double)(t->t_us[1] - t->t_us[0]) / 1e6, cap = t->rate * mss / (mss + SHARE_HEADER);
	double x[SCN_SHARE_FLOWS], sum = 0, sq = 0, util, jain;
	long min_util = labconf_int(c, "min_util_pct"), min_jain = labconf_int(c, "min_jain_pct");
	struct strbuf each, link;

	if (secs <= 0) {
		result_error(t->env->res, "the router's clock did not move between the samples");
		return -1;
	}
	strbuf_init(&each);
	strbuf_init(&link);
	for (int i = 0; i < t->nflows; i++) {
		x[i] = (double)(t->got[1][i] - t->got[0][i]) / secs;
		sum += x[i];
		sq += x[i] * x[i];
		strbuf_printf(&each, "%s%.0f", i > 0 ? ", " : "", x[i]);
	}
	util = sum / cap;
	jain = sq > 0 ? sum * sum / (t->nflows * sq) : 0;
	share_describe_link(t, secs, &link);
	scenario_log(t->env, "  %d flows, a %.0f B/s link, over %.2f s: goodput per connection "
	    "%s B/s; utilization %.3f, Jain's index %.3f; %s", t->nflows, t->rate, secs,
	    strbuf_str(&each), util, jain, strbuf_str(&link));
	if (util * 100 < (double)min_util)
		result_fail(t->env->res, "%d flows through a %.0f B/s link delivered %.0f B/s "
		    "together (%s B/s each), %.0f%% of the %.0f B/s of payload the link carries; at "
		    "least %ld%% expected once the flows have settled (%s)", t->nflows, t->rate, sum,
		    strbuf_str(&each), util * 100, cap, min_util, strbuf_str(&link));
	else if (jain * 100 < (double)min_jain)
		result_fail(t->env->res, "%d flows did not share a %.0f B/s link fairly: Jain's "
		    "index %.3f (%s B/s each; 1 is an equal share, %.2f one flow taking everything), "
		    "at least 0.%02ld expected (%s)", t->nflows, t->rate, jain, strbuf_str(&each),
		    1.0 / t->nflows, min_jain, strbuf_str(&link));
	strbuf_free(&each);
	strbuf_free(&link);
	return t->env->res->status == RESULT_FAIL ? -1 : 0;
}

static int
share_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A count of `flows`, n bytes at p, into *out: 1..SCN_SHARE_FLOWS, no sign, no leading 0.
 * 0, or -1. */
static int
share_count(const char *p, size_t n, long *out)
{
	return n > 0 && p[0] != '0' && numarg_parse_n(p, n, 1, SCN_SHARE_FLOWS, out) == 0 ? 0 : -1;
}

/* One entry of `flows`, n bytes at e ("4", "1+1") into *g.  0, or -1 (why appended). */
static int
share_parse_entry(const char *e, size_t n, struct scn_share_group *g, struct strbuf *why)
{
	const char *plus = memchr(e, '+', n);
	size_t nlen = plus != NULL ? (size_t)(plus - e) : n;
	long student, reference = 0;

	if (share_count(e, nlen, &student) == -1 ||
	    (plus != NULL && share_count(plus + 1, n - nlen - 1, &reference) == -1) ||
	    student + reference > SCN_SHARE_FLOWS) {
		strbuf_puts(why, "'");
		strbuf_put_escaped(why, e, n, 40);
		strbuf_printf(why, "' is not N or N+M, N of the student's senders and M of the "
		    "reference's, N >= 1, M >= 1 if given, %d in all at most", SCN_SHARE_FLOWS);
		return -1;
	}
	g->student = (int)student;
	g->reference = (int)reference;
	return 0;
}

/* scn_share_parse_flows without the value in the message: what is wrong goes to why. */
static int
share_parse_list(const char *s, size_t len, struct scn_share_group *g, struct strbuf *why)
{
	size_t at = 0;
	int ng = 0;

	if (len == 0 || share_blank(s[0]) || share_blank(s[len - 1])) {
		strbuf_puts(why, len == 0 ? "no bottleneck (one count or more, such as \"2 4 1+1\")" :
		    "a space or tab before the first count or after the last");
		return -1;
	}
	while (at < len) {
		size_t n = 0;

		while (at + n < len && !share_blank(s[at + n]))
			n++;
		if (ng == SCN_SHARE_GROUPS) {
			strbuf_printf(why, "more than %d bottlenecks", SCN_SHARE_GROUPS);
			return -1;
		}
		if (share_parse_entry(s + at, n, &g[ng], why) == -1)
			return -1;
		ng++;
		for (at += n; at < len && share_blank(s[at]); at++)
			;
	}
	return ng;
}

int
scn_share_parse_flows(const char *s, size_t len, struct scn_share_group g[SCN_SHARE_GROUPS],
    struct strbuf *why)
{
	struct strbuf what;
	int ng;

	strbuf_init(&what);
	if ((ng = share_parse_list(s, len, g, &what)) == -1) {
		strbuf_puts(why, "'");
		strbuf_put_escaped(why, s, len, 200);
		strbuf_printf(why, "': %s", strbuf_str(&what));
	}
	strbuf_free(&what);
	return ng;
}

int
scn_share_check(const struct labconf_test *t, struct strbuf *why)
{
	const struct labconf_value *v = labconf_get(t, "flows");
	struct scn_share_group g[SCN_SHARE_GROUPS];
	struct strbuf what;
	int rc = 0;

	strbuf_init(&what);
	if (v != NULL && scn_share_parse_flows(v->data, v->len, g, &what) == -1) {
		strbuf_printf(why, "flows = %s", strbuf_str(&what));
		rc = -1;
	}
	strbuf_free(&what);
	return rc;
}

/*
 * The bottlenecks `flows` asks for ("2 4 1+1": one of two of the student's
 * flows, one of four, one of the student's beside a reference Reno flow).
 * Their count, or -1 (error recorded).
 */
static int
share_groups(struct scenario_env *env, struct share *g)
{
	const struct labconf_value *v = labconf_get(env->test, "flows");
	struct scn_share_group parsed[SCN_SHARE_GROUPS];
	struct strbuf why;
	int ng;

	strbuf_init(&why);
	if ((ng = scn_share_parse_flows(v->data, v->len, parsed, &why)) == -1)
		result_error(env->res, "lab.conf: flows = %s", strbuf_str(&why));
	for (int i = 0; i < ng; i++) {
		int all = parsed[i].student + parsed[i].reference;

		g[i] = (struct share){ .env = env, .group = i + 1, .nflows = all,
		    .nstudent = parsed[i].student,
		    .rate = (double)labconf_int(env->test, "rate") * all };
	}
	strbuf_free(&why);
	return ng;
}

void
scn_share_run(struct scenario_env *env)
{
	const struct labconf_test *c = env->test;
	struct share g[SCN_SHARE_GROUPS];
	size_t size = (size_t)labconf_int(c, "bytes");
	int ng, failed = 0;
	uint32_t fnv;

	if ((ng = share_groups(env, g)) == -1 ||
	    scn_rdt_make_file(env, env->scratch, env->uid, size, &fnv) == -1 ||
	    scn_rdt_make_file(env, env->ref_scratch, env->ref_uid, size, &fnv) == -1)
		return;
	for (int i = 0; i < ng; i++)
		if (share_start(&g[i]) == -1)
			return;
	if (share_pause(g, ng, labconf_int(c, "warm_ms")) == -1 || share_sample_all(g, ng, 0) == -1 ||
	    share_pause(g, ng, labconf_int(c, "measure_ms")) == -1 || share_sample_all(g, ng, 1) == -1)
		return;
	for (int i = 0; i < ng && !failed; i++)
		failed = share_judge(&g[i]) == -1;
}
