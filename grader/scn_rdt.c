/*
 * scn_rdt.c — see scn_rdt.h.
 *
 * The judge reads what the two hosts print when they are done (the
 * receiver's "received bytes=N seconds=S fnv=H", the sender's "sent bytes=N
 * seconds=S retransmits=R ..."): both lines come from the given mux_rhost.c,
 * but the counters they print are kept by the student's own code, which
 * could count less than it did.  So where a test judges retransmissions the
 * judge also counts them on the wire: the reference router counts, per flow,
 * every segment that reaches its link (before its damage, which comes after
 * the link; a segment its full queue drops is counted without its bytes), and
 * the payload the student's sender put on the up link beyond the file's
 * length was sent again: at most mss bytes a retransmission, so that excess
 * over mss, rounded up, is a lower bound of the retransmissions.
 * The file is made here from the test's seed and its FNV-1a hash computed
 * here too, so a run is repeatable and a damaged byte anywhere shows.  The
 * bound is computed from the link the router is given, never measured from
 * the reference, so a test says how far a transfer is from the textbook.
 */
#include "scn_rdt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prng.h"
#include "strbuf.h"

#define RDT_HEADER	28	/* a version 2 segment's header (mux_demux/rseg.h) */
#define RDT_OUT		"rdt.out"
#define RDT_WIRE_SLACK	1	/* retransmissions the line may miss (a FIN or probe with a byte) */

const struct labconf_param scn_rdt_params[] = {
	{ "prog", LABCONF_STR, "mux_rhost", 0, 0, NULL },
	{ "router_prog", LABCONF_STR, "mux_router", 0, 0, NULL },
	{ "student", LABCONF_ENUM, "sender", 0, 0, "sender|receiver" },
	{ "bytes", LABCONF_INT, "100000", 1, 100000000, NULL },
	{ "mss", LABCONF_INT, "1024", 1, 1388, NULL },
	{ "rate", LABCONF_INT, "200000", 0, 100000000, NULL },
	{ "delay", LABCONF_INT, "20", 0, 10000, NULL },
	{ "queue", LABCONF_INT, "64", 1, 100000, NULL },
	{ "router_args", LABCONF_STR, "", 0, 0, NULL },
	{ "sender_args", LABCONF_STR, "", 0, 0, NULL },
	{ "receiver_args", LABCONF_STR, "", 0, 0, NULL },
	{ "window", LABCONF_INT, "0", 0, 4096, NULL },
	{ "goodput_pct", LABCONF_INT, "0", 0, 100, NULL },
	{ "max_retransmits", LABCONF_INT, "-1", -1, 1000000, NULL },
	{ "max_ms_per_retransmit", LABCONF_INT, "0", 0, 1000000, NULL },
	{ "rounds_min", LABCONF_INT, "0", 0, 100000, NULL },
	{ "rounds_max", LABCONF_INT, "0", 0, 100000, NULL },
	{ "min_fast_retransmits", LABCONF_INT, "0", 0, 1000000, NULL },
	{ "timeouts_restart", LABCONF_INT, "0", 0, 1, NULL },
	{ "min_recovery_sends", LABCONF_INT, "0", 0, 1000000, NULL },
	{ NULL, 0, NULL, 0, 0, NULL },
};

struct rdt_sent {
	unsigned long long bytes;
	double seconds;
	unsigned long retransmits, timeouts, fast, segments;
};

struct rdt {
	struct scenario_env *env;
	const char *srole, *rrole;	/* the sender's and the receiver's roles */
	struct sandbox_proc *send, *recv, *router;
	size_t size;
	uint32_t fnv;
	int student_sends;
};

/* What the router saw of the up link (sender to receiver): segments, their bytes. */
struct rdt_wire {
	unsigned long long segs, bytes, dropped;
};

/* FNV-1a over n bytes, as mux_rhost prints it. */
static uint32_t
rdt_fnv(uint32_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

int
scn_rdt_make_file(struct scenario_env *env, const char *dir, int uid, size_t size,
    uint32_t *fnv)
{
	char path[4200];
	uint8_t block[4096];
	struct prng r;
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "%.4000s/%s", dir, RDT_IN);
	if ((f = fopen(path, "w")) == NULL)
		return result_error(env->res, "%s: %s", path, strerror(errno)), -1;
	prng_seed(&r, env->seed);
	*fnv = 2166136261u;
	for (size_t done = 0; done < size && rc == 0; done += sizeof(block)) {
		size_t n = size - done < sizeof(block) ? size - done : sizeof(block);

		for (size_t i = 0; i < n; i++)
			block[i] = (uint8_t)prng_below(&r, 256);
		*fnv = rdt_fnv(*fnv, block, n);
		if (fwrite(block, 1, n, f) != n)
			rc = -1;
	}
	if (uid != -1 && fchown(fileno(f), (uid_t)uid, (gid_t)uid) == -1)
		rc = -1;
	if (fclose(f) == EOF || rc == -1)
		return result_error(env->res, "%s: %s", path, strerror(errno)), -1;
	return 0;
}

/*
 * Starts the receiver, the router in front of it and the sender, each
 * awaited through its "listening on" line.  0, or -1 (failure recorded).
 */
static int
rdt_start(struct rdt *t)
{
	struct scenario_env *env = t->env;
	const struct labconf_test *c = env->test;
	const char *prog = labconf_str(c, "prog");
	char args[2048], to[64], in[4200];
	int port;

	/* it lingers until the test ends: the sender's FIN may come again, late */
	snprintf(args, sizeof(args), "--mss %ld --linger 60000 %s", labconf_int(c, "mss"),
	    labconf_str(c, "receiver_args"));
	port = scenario_start_server(env, &t->recv, t->rrole, prog, args,
	    (char *[]){ "recv", "--out", RDT_OUT, NULL });
	if (port == -1)
		return -1;
	snprintf(to, sizeof(to), "127.0.0.1:%d", port);
	snprintf(args, sizeof(args), "--to %s --rate %ld --delay %ld --queue %ld %s", to,
	    labconf_int(c, "rate"), labconf_int(c, "delay"), labconf_int(c, "queue"),
	    labconf_str(c, "router_args"));
	/* a host, not a server: its stdin takes "stats" (rdt_wire_count) */
	if ((port = scenario_start_host(env, &t->router, "reference", labconf_str(c, "router_prog"),
	    args, NULL)) == -1)
		return -1;
	snprintf(to, sizeof(to), "127.0.0.1:%d", port);
	snprintf(args, sizeof(args), "--mss %ld %s", labconf_int(c, "mss"),
	    labconf_str(c, "sender_args"));
	if (labconf_int(c, "window") > 1)	/* 1: stop-and-wait's own, by --mode sw */
		snprintf(args + strlen(args), sizeof(args) - strlen(args), " --window %ld",
		    labconf_int(c, "window"));
	snprintf(in, sizeof(in), "%.4000s/%s", scenario_is_student(t->srole) ? env->scratch :
	    env->ref_scratch, RDT_IN);
	return scenario_start_server(env, &t->send, t->srole, prog, args,
	    (char *[]){ "send", in, "--to", to, NULL }) == -1 ? -1 : 0;
}

/*
 * Waits until p prints a line that starts with prefix (kept in line), within
 * the test's time.  0, or -1 with the failure recorded.
 */
static int
rdt_wait_line(struct rdt *t, struct sandbox_proc *p, const char *prefix, struct strbuf *line)
{
	struct strbuf why;

	while (sandbox_readline(p, line, scenario_left(t->env)) != -1)
		if (strncmp(strbuf_str(line), prefix, strlen(prefix)) == 0)
			return 0;
	strbuf_init(&why);
	if (sandbox_exited(p))
		sandbox_describe_exit(p, &why);
	else
		strbuf_puts(&why, "was still running when the test's time was up");
	result_fail(t->env->res, "the transfer did not finish: %s printed no \"%s...\" line "
	    "(%zu bytes to send through a %ld B/s link); %s %s", p->name, prefix, t->size,
	    labconf_int(t->env->test, "rate"), p->name, strbuf_str(&why));
	strbuf_printf(&t->env->res->got, "%s's last output: %s", p->name, strbuf_str(&p->out));
	strbuf_free(&why);
	scenario_note_stderr(t->env, t->send);
	scenario_note_stderr(t->env, t->recv);
	return -1;
}

/* The receiver's line: the whole file, byte-exact.  0, or -1 (failure recorded). */
static int
rdt_judge_file(struct rdt *t, const char *line)
{
	unsigned long long bytes;
	unsigned fnv;

	if (sscanf(line, "received bytes=%llu seconds=%*f fnv=%x", &bytes, &fnv) != 2) {
		result_fail(t->env->res, "%s printed '%s', not 'received bytes=N seconds=S fnv=H'",
		    t->recv->name, line);
		return -1;
	}
	if (bytes == t->size && fnv == t->fnv)
		return 0;
	result_fail(t->env->res, "the file arrived damaged: %llu bytes with FNV-1a hash %08x, "
	    "where %zu bytes hash to %08x (%s)", bytes, fnv, t->size, t->fnv,
	    bytes < t->size ? "bytes are missing" : bytes > t->size ?
	    "bytes were delivered twice or made up" : "some bytes differ or are out of order");
	strbuf_printf(&t->env->res->expected, "received bytes=%zu ... fnv=%08x", t->size, t->fnv);
	strbuf_puts(&t->env->res->got, line);
	return -1;
}

/*
 * Asks the router for its counts ("stats") and adds up its up link's flows:
 * the only client is the sender, so they are all the sender's.  0, or -1
 * (error recorded: the router is ours).
 */
static int
rdt_wire_count(struct rdt *t, struct rdt_wire *w)
{
	int wait = scenario_left(t->env) > 5000 ? scenario_left(t->env) : 5000;
	struct strbuf line;
	int rc = -1;

	memset(w, 0, sizeof(*w));
	strbuf_init(&line);
	if (sandbox_write(t->router, "stats\n", 6, wait) == 0)
		while (sandbox_readline(t->router, &line, wait) != -1) {
			unsigned long long segs, bytes, dropped;

			if (strcmp(strbuf_str(&line), "-- end of stats --") == 0) {
				rc = 0;
				break;
			}
			if (sscanf(strbuf_str(&line), "flow up %*s segs=%llu bytes=%llu dropped=%llu",
			    &segs, &bytes, &dropped) != 3)
				continue;
			w->segs += segs;
			w->bytes += bytes;
			w->dropped += dropped;
		}
	if (rc == -1)
		result_error(t->env->res, "%s did not answer \"stats\" with its counts (last line: "
		    "'%s')", t->router->name, strbuf_str(&line));
	strbuf_free(&line);
	return rc;
}

/*
 * Retransmissions the wire proves: the payload the router saw beyond the
 * file's length (SYN and FIN carry none) was sent again, at most mss bytes
 * at a time.
 */
static unsigned long
rdt_wire_retransmits(const struct rdt *t, const struct rdt_wire *w, unsigned long long *extra)
{
	unsigned long long mss = (unsigned long long)labconf_int(t->env->test, "mss");
	unsigned long long headers = w->segs * RDT_HEADER;
	unsigned long long payload = w->bytes > headers ? w->bytes - headers : 0;

	*extra = payload > t->size ? payload - t->size : 0;
	return (unsigned long)((*extra + mss - 1) / mss);
}

/*
 * Where a test judges retransmissions and the student sends: the line's count
 * must not fall clearly below what the wire shows, and the larger of the two
 * is judged.  0, or -1 (failure or error recorded).
 */
static int
rdt_judge_wire(struct rdt *t, struct rdt_sent *s)
{
	const struct labconf_test *c = t->env->test;
	unsigned long long extra;
	unsigned long seen;
	struct rdt_wire w;

	if (!t->student_sends || (labconf_int(c, "max_retransmits") < 0 &&
	    labconf_int(c, "max_ms_per_retransmit") == 0))
		return 0;
	if (rdt_wire_count(t, &w) == -1)
		return -1;
	seen = rdt_wire_retransmits(t, &w, &extra);
	scenario_log(t->env, "  the router saw %llu segments, %llu bytes (%llu dropped by its queue) "
	    "from your sender: %llu payload bytes beyond the file's %zu, at least %lu retransmissions",
	    w.segs, w.bytes, w.dropped, extra, t->size, seen);
	if (seen > s->retransmits + RDT_WIRE_SLACK) {
		result_fail(t->env->res, "your sender's line says %lu retransmissions; the router saw "
		    "%lu segments' worth of bytes sent again (%llu payload bytes beyond the file's %zu "
		    "at %ld bytes a segment): every segment sent again must be counted "
		    "(stats.retransmits)", s->retransmits, seen, extra, t->size,
		    labconf_int(c, "mss"));
		return -1;
	}
	if (seen > s->retransmits)
		s->retransmits = seen;
	return 0;
}

/*
 * The transfer time the link allows: payload at U R mss / L bytes a second,
 * plus two round trips (handshake, FIN).  Explains the formula in why.
 */
static double
rdt_expected_seconds(const struct rdt *t, struct strbuf *why)
{
	const struct labconf_test *c = t->env->test;
	double mss = (double)labconf_int(c, "mss"), len = mss + RDT_HEADER;
	double rate = (double)labconf_int(c, "rate"), n = (double)labconf_int(c, "window");
	double tx = len / rate, rtt = 2 * (double)labconf_int(c, "delay") / 1000 + RDT_HEADER / rate;
	double u = n * tx / (rtt + tx);

	if (u > 1)
		u = 1;
	strbuf_printf(why, "U = min(1, N (L/R) / (RTT + L/R)) = %.3f with N = %.0f, L = %.0f B, "
	    "R = %.0f B/s, RTT = %.1f ms; goodput U R mss/L = %.0f B/s, plus 2 RTT for the "
	    "handshake and the FIN", u, n, len, rate, rtt * 1000, u * rate * mss / len);
	return (double)t->size / (u * rate * mss / len) + 2 * rtt;
}

/*
 * What each retransmission cost the sender: its time beyond the bound's (the
 * link's without damage), shared among the segments it sent again.  A lost
 * segment goes again once its timer expires, so on a lossy stop-and-wait link
 * this is about the timeout: a few round trips for a timer that has learnt
 * the round trip (EstimatedRTT + 4 DevRTT, backed off only until the next
 * valid sample), seconds for one left at its initial or backed-off value.
 * 0, or -1 (failure recorded).
 */
static int
rdt_judge_loss_cost(struct rdt *t, const struct rdt_sent *s)
{
	const struct labconf_test *c = t->env->test;
	long max = labconf_int(c, "max_ms_per_retransmit");
	struct strbuf why;
	double bound, each;

	if (max == 0 || s->retransmits == 0)
		return 0;
	if (labconf_int(c, "rate") == 0 || labconf_int(c, "window") == 0) {
		result_error(t->env->res, "lab.conf: max_ms_per_retransmit needs a link rate and a "
		    "window (rate = 0 or window = 0: none)");
		return -1;
	}
	strbuf_init(&why);
	bound = rdt_expected_seconds(t, &why);
	each = s->seconds > bound ? (s->seconds - bound) * 1000 / (double)s->retransmits : 0;
	scenario_log(t->env, "  %lu retransmissions cost %.0f ms each (%.3f s beyond the "
	    "bound's %.3f s)", s->retransmits, each, s->seconds - bound, bound);
	if (each > (double)max)
		result_fail(t->env->res, "each of your %lu retransmissions (%lu timeouts) cost %.0f ms "
		    "(%.3f s beyond the %.3f s the link needs without damage), where at most %ld ms "
		    "are expected: the timeout should follow the round trip (EstimatedRTT + 4 "
		    "DevRTT), backed off only until the next valid sample (%s)", s->retransmits,
		    s->timeouts, each, s->seconds - bound, bound, max, strbuf_str(&why));
	strbuf_free(&why);
	return each > (double)max ? -1 : 0;
}

/*
 * The sender's time in round trips (RTT = 2 delay + the time the link takes
 * to send one segment): a window that doubles every round trip sends k
 * segments in about log2(k + 1) of them, one that grows by a segment a round
 * trip in about sqrt(2k), one with no limit in one.  0, or -1 (failure recorded).
 */
static int
rdt_judge_rounds(struct rdt *t, const struct rdt_sent *s)
{
	const struct labconf_test *c = t->env->test;
	long lo = labconf_int(c, "rounds_min"), hi = labconf_int(c, "rounds_max");
	double mss = (double)labconf_int(c, "mss"), rate = (double)labconf_int(c, "rate");
	double rtt, rounds;

	if (hi == 0)
		return 0;
	if (rate == 0) {
		result_error(t->env->res, "lab.conf: rounds_max needs a link rate (rate = 0: none)");
		return -1;
	}
	rtt = 2 * (double)labconf_int(c, "delay") / 1000 + (mss + RDT_HEADER) / rate;
	rounds = s->seconds / rtt;
	scenario_log(t->env, "  %.3f s = %.1f round trips of %.1f ms", s->seconds, rounds, rtt * 1000);
	if (rounds >= (double)lo && rounds <= (double)hi)
		return 0;
	result_fail(t->env->res, "%zu bytes (%.0f segments) took %.1f round trips of %.0f ms "
	    "(%.3f s, handshake and FIN included), where %ld..%ld are expected: %s", t->size,
	    (double)t->size / mss, rounds, rtt * 1000, s->seconds, lo, hi, rounds < (double)lo ?
	    "more went out at once than the window allows (it starts at one segment)" :
	    "the window opened too slowly (it should double every round trip)");
	return -1;
}

/* Losses met by a fast retransmit, not only by timeouts.  0, or -1 (failure recorded). */
static int
rdt_judge_fast(struct rdt *t, const struct rdt_sent *s)
{
	long min = labconf_int(t->env->test, "min_fast_retransmits");

	if (s->fast >= (unsigned long)min)
		return 0;
	result_fail(t->env->res, "%lu fast retransmissions where at least %ld are expected: the "
	    "link dropped segments and your sender met its %lu retransmissions with %lu timeouts; "
	    "three duplicate ACKs must send the missing segment again at once", s->fast, min,
	    s->retransmits, s->timeouts);
	return -1;
}

/*
 * Every timeout left a window of one segment: the given sender counts those
 * (restarts=W on its line) beside its timeouts.  0, or -1 (failure recorded).
 */
static int
rdt_judge_restarts(struct rdt *t, const struct rdt_sent *s, const char *line)
{
	const char *w = strstr(line, " restarts=");
	unsigned long restarts;

	if (labconf_int(t->env->test, "timeouts_restart") == 0)
		return 0;
	if (w == NULL || sscanf(w, " restarts=%lu", &restarts) != 1) {
		result_fail(t->env->res, "%s printed '%s', with no 'restarts=W'", t->send->name, line);
		return -1;
	}
	if (s->timeouts == 0)
		scenario_log(t->env, "  no timeout happened: nothing to judge of them");
	if (restarts >= s->timeouts)
		return 0;
	result_fail(t->env->res, "%lu of your sender's %lu timeouts left the congestion window "
	    "above one segment: after a timeout cwnd goes back to one MSS (and ssthresh to half "
	    "the flight), so slow start begins again", s->timeouts - restarts, s->timeouts);
	return -1;
}

/*
 * New data went out during fast recovery: the given sender counts it
 * (recovery_sends=V on its line), and only a window that every further
 * duplicate ACK inflated lets any out before the recovery ends.  0, or -1
 * (failure recorded).
 */
static int
rdt_judge_recovery(struct rdt *t, const struct rdt_sent *s, const char *line)
{
	long min = labconf_int(t->env->test, "min_recovery_sends");
	const char *v = strstr(line, " recovery_sends=");
	unsigned long sends;

	if (min == 0)
		return 0;
	if (v == NULL || sscanf(v, " recovery_sends=%lu", &sends) != 1) {
		result_fail(t->env->res, "%s printed '%s', with no 'recovery_sends=V'",
		    t->send->name, line);
		return -1;
	}
	if (sends >= (unsigned long)min)
		return 0;
	result_fail(t->env->res, "your sender sent %lu new segments during fast recovery where at "
	    "least %ld are expected (%lu fast retransmissions): after the third duplicate ACK "
	    "cwnd = ssthresh + 3 MSS is below the flight, and only the TODO in cc_on_dupack that "
	    "inflates cwnd by one MSS on each further duplicate ACK (in CC_RECOVERY: a segment "
	    "left the network) lets new data out before the lost segment is acknowledged",
	    sends, min, s->fast);
	return -1;
}

/* The sender's line: goodput near the bound, few retransmissions.  0, or -1. */
static int
rdt_judge_sender(struct rdt *t, const char *line)
{
	const struct labconf_test *c = t->env->test;
	long pct = labconf_int(c, "goodput_pct"), max = labconf_int(c, "max_retransmits");
	struct rdt_sent s;
	struct strbuf why;
	double want, got;

	if (sscanf(line, "sent bytes=%llu seconds=%lf retransmits=%lu timeouts=%lu "
	    "fast_retransmits=%lu segments=%lu", &s.bytes, &s.seconds, &s.retransmits,
	    &s.timeouts, &s.fast, &s.segments) != 6 || s.seconds <= 0) {
		result_fail(t->env->res, "%s printed '%s', not 'sent bytes=N seconds=S "
		    "retransmits=R timeouts=T fast_retransmits=F segments=K ...'", t->send->name, line);
		return -1;
	}
	scenario_log(t->env, "  %s: %s", t->send->name, line);
	if (rdt_judge_wire(t, &s) == -1)
		return -1;
	if (max >= 0 && s.retransmits > (unsigned long)max) {
		result_fail(t->env->res, "%lu retransmissions (%lu timeouts) where at most %ld are "
		    "expected: %s", s.retransmits, s.timeouts, max, line);
		return -1;
	}
	if (rdt_judge_loss_cost(t, &s) == -1 || rdt_judge_rounds(t, &s) == -1 ||
	    rdt_judge_fast(t, &s) == -1 || rdt_judge_restarts(t, &s, line) == -1 ||
	    rdt_judge_recovery(t, &s, line) == -1)
		return -1;
	if (pct == 0 || labconf_int(c, "window") == 0)
		return 0;
	if (labconf_int(c, "rate") == 0) {
		result_error(t->env->res, "lab.conf: goodput_pct needs a link rate (rate = 0: none)");
		return -1;
	}
	strbuf_init(&why);
	want = (double)t->size / rdt_expected_seconds(t, &why);
	got = (double)t->size / s.seconds;
	scenario_log(t->env, "  goodput %.0f B/s, expected %.0f B/s (%s)", got, want,
	    strbuf_str(&why));
	if (got < want * (100 - pct) / 100 || got > want * (100 + pct) / 100)
		result_fail(t->env->res, "goodput %.0f B/s (%zu bytes in %.3f s), expected %.0f B/s "
		    "within %ld%% (%.0f..%.0f): %s", got, t->size, s.seconds, want, pct,
		    want * (100 - pct) / 100, want * (100 + pct) / 100, strbuf_str(&why));
	strbuf_free(&why);
	return t->env->res->status == RESULT_FAIL ? -1 : 0;
}

void
scn_rdt_run(struct scenario_env *env)
{
	int student_sends = strcmp(labconf_str(env->test, "student"), "sender") == 0;
	struct rdt t = { .env = env, .size = (size_t)labconf_int(env->test, "bytes"),
	    .student_sends = student_sends };
	struct strbuf rline, sline;

	t.srole = student_sends ? "student" : "reference";
	t.rrole = student_sends ? "reference" : "student";
	if (scn_rdt_make_file(env, student_sends ? env->scratch : env->ref_scratch,
	    student_sends ? env->uid : env->ref_uid, t.size, &t.fnv) == -1 || rdt_start(&t) == -1)
		return;
	strbuf_init(&rline);
	strbuf_init(&sline);
	if (rdt_wait_line(&t, t.recv, "received ", &rline) == 0 &&
	    rdt_wait_line(&t, t.send, "sent ", &sline) == 0 &&
	    rdt_judge_file(&t, strbuf_str(&rline)) == 0)
		rdt_judge_sender(&t, strbuf_str(&sline));
	strbuf_free(&rline);
	strbuf_free(&sline);
}
