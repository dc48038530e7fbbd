/*
 * test_peer_swarm.c — mt-peer in real swarms of real processes on loopback:
 * a seed and eight leechers through mt-tracker, tit-for-tat between
 * rate-capped peers, churn (kill -9 half the swarm and the original seed),
 * and an interrupted download that resumes.  Byte-identical copies are the
 * bar every time; the peers' JSON Lines logs show why things happened.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "mtkit.h"
#include "proc.h"

#define MIB (1024 * 1024)

struct swarm {
	char dir[64];
	char *data;		/* the seed's copy: DIR/seed/data.bin */
	char *torrent;
	uint32_t npieces;
	struct proc tracker;
	int tracker_port;
};

/* A seed directory with a random file and its torrent (through a tracker
 * when with_tracker). */
static void
swarm_init(struct swarm *w, const char *tag, size_t size, uint32_t plen,
    int with_tracker)
{
	char url[64], *seed;

	memset(w, 0, sizeof(*w));
	mtkit_tmpdir(w->dir, sizeof(w->dir), tag);
	seed = mtkit_path(w->dir, "seed");
	cr_assert_eq(mkdir(seed, 0755), 0);
	w->data = mtkit_path(seed, "data.bin");
	w->torrent = mtkit_path(w->dir, "t.torrent");
	mtkit_random_file(w->data, size, 7 + size);
	if (with_tracker) {
		w->tracker_port = mtkit_start_tracker(&w->tracker);
		snprintf(url, sizeof(url), "http://127.0.0.1:%d/announce",
		    w->tracker_port);
	}
	mtkit_make_torrent(w->torrent, w->data, plen,
	    with_tracker ? url : NULL, NULL);
	w->npieces = (uint32_t)((size + plen - 1) / plen);
	free(seed);
}

static void
swarm_free(struct swarm *w)
{
	if (w->tracker_port > 0)
		proc_kill(&w->tracker);
	mtkit_rmdir(w->dir);
	free(w->data);
	free(w->torrent);
}

/*
 * Starts mt-peer on the swarm's torrent in DIR/name (created), logging to
 * DIR/name.log, with extra options (NULL-terminated).  Returns its port.
 */
static int
start_peer(struct swarm *w, struct proc *p, const char *name,
    const char *const *extra)
{
	char *dir = mtkit_path(w->dir, name), logname[80], *log;
	char *argv[48];
	int n = 0, port;

	snprintf(logname, sizeof(logname), "%s.log", name);
	log = mtkit_path(w->dir, logname);
	if (strcmp(name, "seed") != 0)
		cr_assert(mkdir(dir, 0755) == 0 || errno == EEXIST);
	argv[n++] = (char *)proc_bin("mt-peer");
	argv[n++] = "-q";
	argv[n++] = "-b";
	argv[n++] = "127.0.0.1";
	argv[n++] = "-p";
	argv[n++] = "0";
	argv[n++] = "-o";
	argv[n++] = dir;
	argv[n++] = "--log";
	argv[n++] = log;
	for (; extra != NULL && *extra != NULL && n < 46; extra++)
		argv[n++] = (char *)*extra;
	argv[n++] = w->torrent;
	argv[n] = NULL;
	port = mtkit_start(p, argv);
	free(dir);
	free(log);
	return port;
}

static char *
peer_file(struct swarm *w, const char *name)
{
	char rel[80];

	snprintf(rel, sizeof(rel), "%s/data.bin", name);
	return mtkit_path(w->dir, rel);
}

static char *
peer_log(struct swarm *w, const char *name)
{
	char rel[80];

	snprintf(rel, sizeof(rel), "%s.log", name);
	return mtkit_path(w->dir, rel);
}

/* Waits for a leecher to exit 0, checks its copy, and reaps it. */
static void
expect_complete(struct swarm *w, struct proc *p, const char *name,
    int timeout_ms)
{
	char *copy = peer_file(w, name);
	int rc = proc_wait(p, timeout_ms);

	cr_expect_eq(rc, 0, "%s exited %d; stderr: %s", name, rc,
	    proc_stderr(p));
	cr_expect(mtkit_same_file(w->data, copy), "%s's copy differs", name);
	proc_kill(p);
	free(copy);
}

/* Sum of an integer key over the log lines matching needles. */
static long long
log_sum(const char *path, const char *const *needles, const char *key)
{
	FILE *f = fopen(path, "r");
	char line[70000];
	long long sum = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		int all = 1;

		for (const char *const *n = needles; *n != NULL; n++)
			all &= strstr(line, *n) != NULL;
		if (all && mtkit_json_int(line, key) > 0)
			sum += mtkit_json_int(line, key);
	}
	fclose(f);
	return sum;
}

Test(peer_swarm, seed_and_eight_leechers_complete_byte_identical,
    .timeout = 120)
{
	static const char *const seed_opts[] = { "--seed", "--upload-rate",
	    "1M", NULL };
	static const char *const leech_opts[] = { "--seed-for", "3",
	    "--rechoke-interval", "1s", "--optimistic-interval", "2s", NULL };
	struct swarm w;
	struct proc seed, leech[8];
	char name[32];
	long long p2p = 0;

	swarm_init(&w, "swarm8", 4 * MIB, 32768, 1);
	start_peer(&w, &seed, "seed", seed_opts);
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "leech%d", i);
		start_peer(&w, &leech[i], name, leech_opts);
	}
	for (int i = 0; i < 8; i++) {
		char *log;

		snprintf(name, sizeof(name), "leech%d", i);
		expect_complete(&w, &leech[i], name, 90000);
		log = peer_log(&w, name);
		p2p += log_sum(log, (const char *const[]){ "\"ev\":\"exit\"",
		    NULL }, "uploaded");
		free(log);
	}
	/* The seed alone (1 MiB/s) would need 32 s for 8 copies: leechers
	 * must have traded among themselves. */
	cr_expect_gt(p2p, 4 * MIB, "leechers uploaded only %lld bytes", p2p);
	proc_kill(&seed);
	swarm_free(&w);
}

/* Pieces verified in the logs of the listed peers, together. */
static int
union_pieces(struct swarm *w, const char *const *names, uint8_t *have)
{
	int n = 0;

	memset(have, 0, w->npieces);
	for (; *names != NULL; names++) {
		char *log = peer_log(w, *names);

		mtkit_log_pieces(log, have, w->npieces);
		free(log);
	}
	for (uint32_t i = 0; i < w->npieces; i++)
		n += have[i];
	return n;
}

/* Waits until the listed peers' logs show at least want pieces between
 * them.  Returns 0, or -1 at the deadline. */
static int
wait_pieces(struct swarm *w, const char *const *names, int want,
    int timeout_ms)
{
	uint8_t have[4096];
	long end = proc_now_ms() + timeout_ms;
	struct timespec tick = { 0, 50 * 1000000 };

	cr_assert_leq(w->npieces, sizeof(have));
	while (proc_now_ms() < end) {
		if (union_pieces(w, names, have) >= want)
			return 0;
		nanosleep(&tick, NULL);
	}
	return -1;
}

Test(peer_swarm, interrupted_download_resumes_from_disk, .timeout = 90)
{
	static const char *const seed_opts[] = { "--seed", "--upload-rate",
	    "512K", NULL };
	const char *leech_opts[] = { "--leave-when-done", "--peer", NULL, NULL };
	static const char *const me[] = { "leech", NULL };
	struct swarm w;
	struct proc seed, leech;
	char peer[32], *log;
	long long again;

	swarm_init(&w, "resume", 4 * MIB, 32768, 0);
	snprintf(peer, sizeof(peer), "127.0.0.1:%d",
	    start_peer(&w, &seed, "seed", seed_opts));
	leech_opts[2] = peer;
	start_peer(&w, &leech, "leech", leech_opts);
	cr_assert_eq(wait_pieces(&w, me, 40, 30000), 0, "no progress");
	proc_kill(&leech);	/* kill -9, mid-download */

	start_peer(&w, &leech, "leech", leech_opts);
	expect_complete(&w, &leech, "leech", 60000);
	log = peer_log(&w, "leech");
	cr_expect_eq(mtkit_log_count(log, (const char *const[]){
	    "\"ev\":\"start\"", NULL }), 1);
	again = log_sum(log, (const char *const[]){ "\"ev\":\"start\"", NULL },
	    "have");
	cr_expect_geq(again, 40, "resumed with %lld pieces", again);
	again = log_sum(log, (const char *const[]){ "\"ev\":\"exit\"", NULL },
	    "downloaded");
	cr_expect_leq(again, 4 * MIB - 40 * 32768,
	    "downloaded %lld bytes again", again);
	free(log);
	proc_kill(&seed);
	swarm_free(&w);
}

Test(peer_swarm, survivors_complete_after_churn, .timeout = 240)
{
	static const char *const seed_opts[] = { "--seed", "--upload-rate",
	    "300K", NULL };
	static const char *const leech_opts[] = { "--seed-for", "60",
	    "--upload-rate", "150K", "--rechoke-interval", "1s",
	    "--optimistic-interval", "2s", NULL };
	static const char *const all[] = { "leech0", "leech1", "leech2",
	    "leech3", "leech4", "leech5", "leech6", "leech7", NULL };
	const char *const *survivors = all + 4;
	struct swarm w;
	struct proc seed, leech[8];
	uint8_t have[4096];
	long end;

	swarm_init(&w, "churn", 2 * MIB, 16384, 1);
	start_peer(&w, &seed, "seed", seed_opts);
	for (int i = 0; i < 8; i++)
		start_peer(&w, &leech[i], all[i], leech_opts);
	/* A quarter of the file is out: kill -9 half the leechers. */
	cr_assert_eq(wait_pieces(&w, all, (int)w.npieces / 4, 60000), 0);
	for (int i = 0; i < 4; i++)
		proc_kill(&leech[i]);
	/* Once the survivors hold a full copy between them, the seed goes. */
	cr_assert_eq(wait_pieces(&w, survivors, (int)w.npieces, 60000), 0,
	    "the survivors never held a full copy (%d of %u pieces)",
	    union_pieces(&w, survivors, have), w.npieces);
	proc_kill(&seed);
	/* All must finish before any goes: a survivor may hold the only copy
	 * of a piece the others still need. */
	end = proc_now_ms() + 90000;
	for (int i = 4; i < 8; i++) {
		char *log = peer_log(&w, all[i]);
		long left = end - proc_now_ms();

		cr_expect_eq(mtkit_log_wait(log, (const char *const[]){
		    "\"ev\":\"complete\"", NULL }, left > 0 ? (int)left : 0), 0,
		    "%s did not complete: %d of %u pieces", all[i],
		    union_pieces(&w, (const char *const[]){ all[i], NULL }, have),
		    w.npieces);
		free(log);
	}
	for (int i = 4; i < 8; i++) {
		char *copy = peer_file(&w, all[i]);

		cr_expect(mtkit_same_file(w.data, copy), "%s differs", all[i]);
		proc_kill(&leech[i]);
		free(copy);
	}
	swarm_free(&w);
}

/* DIR/name/data.bin holding only pieces [from, to) of the swarm's file. */
static void
partial_peer(struct swarm *w, const char *name, uint32_t plen, uint32_t from,
    uint32_t to)
{
	char *dir = mtkit_path(w->dir, name), *copy = peer_file(w, name);

	cr_assert_eq(mkdir(dir, 0755), 0);
	mtkit_copy_pieces(w->data, copy, plen, from, to);
	free(dir);
	free(copy);
}

/*
 * Tit-for-tat.  A has the first half of the file, B and C the second half,
 * so they trade: A needs what B and C have, and they need what A has.  B
 * uploads fast (400 KiB/s), C slowly (40 KiB/s), and A has one regular
 * unchoke slot: A's rechokes must give it to B, the peer that uploads to A
 * fastest, while C gets at most the optimistic slot.
 */
Test(peer_swarm, regular_unchoke_goes_to_the_fastest_uploader, .timeout = 90)
{
	static const char *const b_opts[] = { "--upload-rate", "400K",
	    "--rechoke-interval", "1s", NULL };
	static const char *const c_opts[] = { "--upload-rate", "40K",
	    "--rechoke-interval", "1s", NULL };
	const char *a_opts[] = { "--upload-rate", "100K", "--unchoke-slots",
	    "1", "--rechoke-interval", "1s", "--optimistic-interval", "3s",
	    "--peer", NULL, "--peer", NULL, "--leave-when-done", NULL };
	struct swarm w;
	struct proc a, b, c;
	char bp[32], cp[32], bname[48], cname[48], *log;
	FILE *f;
	char line[70000];
	int b_regular = 0, c_regular = 0, both = 0;

	swarm_init(&w, "tft", 8 * MIB, 32768, 0);
	partial_peer(&w, "a", 32768, 0, w.npieces / 2);
	partial_peer(&w, "b", 32768, w.npieces / 2, w.npieces);
	partial_peer(&w, "c", 32768, w.npieces / 2, w.npieces);
	snprintf(bp, sizeof(bp), "127.0.0.1:%d", start_peer(&w, &b, "b", b_opts));
	snprintf(cp, sizeof(cp), "127.0.0.1:%d", start_peer(&w, &c, "c", c_opts));
	a_opts[9] = bp;
	a_opts[11] = cp;
	start_peer(&w, &a, "a", a_opts);
	expect_complete(&w, &a, "a", 60000);

	/* A's rechokes, once rates have had two seconds to show. */
	snprintf(bname, sizeof(bname), "\"peer\":\"%s\"", bp);
	snprintf(cname, sizeof(cname), "\"peer\":\"%s\"", cp);
	log = peer_log(&w, "a");
	cr_assert_not_null(f = fopen(log, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		char *pb = strstr(line, bname), *pc = strstr(line, cname);

		if (strstr(line, "\"ev\":\"rechoke\"") == NULL || pb == NULL ||
		    pc == NULL || mtkit_json_int(line, "t") < 2000)
			continue;
		both++;
		cr_expect_gt(mtkit_json_int(pb, "rate_from"),
		    mtkit_json_int(pc, "rate_from"), "%s", line);
		b_regular += mtkit_json_int(pb, "unchoke") == 1 &&
		    mtkit_json_int(pb, "optimistic") == 0;
		c_regular += mtkit_json_int(pc, "unchoke") == 1 &&
		    mtkit_json_int(pc, "optimistic") == 0;
	}
	fclose(f);
	cr_expect_geq(both, 4, "only %d rechokes", both);
	cr_expect_eq(b_regular, both, "B (fast) held A's regular slot in %d "
	    "of %d rechokes", b_regular, both);
	cr_expect_eq(c_regular, 0, "C (slow) held A's regular slot %d times",
	    c_regular);
	free(log);
	proc_kill(&b);
	proc_kill(&c);
	swarm_free(&w);
}

/*
 * A leecher alone in its swarm (no neighbour, nobody left to dial) asks the
 * tracker again as soon as the tracker's min interval allows, not after the
 * regular interval: here 1 s against 600 s.
 */
Test(peer_swarm, lonely_leecher_announces_again_early, .timeout = 60)
{
	char dir[64], url[64], *data, *torrent, *dl, *log;
	char *targv[] = { (char *)proc_bin("mt-tracker"), "-b", "127.0.0.1", "-p", "0",
	    "--interval", "600", "--min-interval", "1", NULL };
	static const char *const first[] = { "\"ev\":\"announce\"", NULL };
	struct proc tracker, leech;
	int tport, n = 0;
	long t0;

	mtkit_tmpdir(dir, sizeof(dir), "lonely");
	data = mtkit_path(dir, "data.bin");
	torrent = mtkit_path(dir, "t.torrent");
	dl = mtkit_path(dir, "dl");
	log = mtkit_path(dir, "leech.log");
	mtkit_random_file(data, 65536, 3);
	tport = mtkit_start(&tracker, targv);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/announce", tport);
	mtkit_make_torrent(torrent, data, 16384, url, NULL);
	{
		char *argv[] = { (char *)proc_bin("mt-peer"), "-q", "-b", "127.0.0.1", "-p", "0",
		    "-o", dl, "--log", log, torrent, NULL };

		mtkit_start(&leech, argv);
	}
	cr_assert_eq(mtkit_log_wait(log, first, 10000), 0, "no first announce");
	t0 = proc_now_ms();
	while (n < 3 && proc_now_ms() - t0 < 10000) {
		struct timespec tick = { 0, 50 * 1000000 };

		nanosleep(&tick, NULL);	/* polling the log file, not waiting for time */
		n = mtkit_log_count(log, first);
	}
	cr_expect_geq(n, 3, "%d announces in 10 s (interval 600 s, min interval 1 s)", n);
	proc_kill(&leech);
	proc_kill(&tracker);
	mtkit_rmdir(dir);
	free(data);
	free(torrent);
	free(dl);
	free(log);
}

/* A multi-file torrent made by mt-mktorrent from a directory: pieces span
 * file boundaries, and an empty file and nested directories come along. */
Test(peer_swarm, multi_file_torrent_arrives_file_by_file, .timeout = 60)
{
	static const struct {
		const char *path;
		size_t size;
	} files[] = {
		{ "album/a.bin", 100000 },
		{ "album/empty", 0 },
		{ "album/sub/b.bin", 70001 },
		{ "album/sub/deeper/c.bin", 300 },
		{ "album/z.bin", 65536 },
	};
	char dir[64], cmd[512], *torrent, peer[32];
	const char *opts[] = { "--peer", peer, "--leave-when-done", NULL };
	struct swarm w;
	struct proc seed, leech, mk;

	memset(&w, 0, sizeof(w));
	mtkit_tmpdir(dir, sizeof(dir), "multi");
	snprintf(w.dir, sizeof(w.dir), "%s", dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/seed/album/sub/deeper'", dir);
	cr_assert_eq(system(cmd), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char rel[80], *p;

		snprintf(rel, sizeof(rel), "seed/%s", files[i].path);
		p = mtkit_path(dir, rel);
		mtkit_random_file(p, files[i].size, i);
		free(p);
	}
	torrent = mtkit_path(dir, "t.torrent");
	{
		char *album = mtkit_path(dir, "seed/album");
		char *argv[] = { (char *)proc_bin("mt-mktorrent"), "-l", "16384",
		    "-o", torrent, album, NULL };

		cr_assert_eq(proc_start(&mk, argv), 0);
		cr_assert_eq(proc_wait(&mk, 20000), 0, "%s", proc_stderr(&mk));
		proc_kill(&mk);
		free(album);
	}
	w.torrent = torrent;
	snprintf(peer, sizeof(peer), "127.0.0.1:%d", start_peer(&w, &seed,
	    "seed", (const char *const[]){ "--seed", NULL }));
	start_peer(&w, &leech, "leech", opts);
	cr_expect_eq(proc_wait(&leech, 30000), 0, "%s", proc_stderr(&leech));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char a[80], b[80], *pa, *pb;

		snprintf(a, sizeof(a), "seed/%s", files[i].path);
		snprintf(b, sizeof(b), "leech/%s", files[i].path);
		pa = mtkit_path(dir, a);
		pb = mtkit_path(dir, b);
		cr_expect(mtkit_same_file(pa, pb), "%s differs", files[i].path);
		free(pa);
		free(pb);
	}
	proc_kill(&leech);
	proc_kill(&seed);
	w.tracker_port = 0;
	swarm_free(&w);
}
