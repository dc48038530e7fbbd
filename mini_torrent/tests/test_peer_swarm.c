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

/* Waits for a leecher to exit 0 and checks its copy. */
static void
expect_complete(struct swarm *w, struct proc *p, const char *name,
    int timeout_ms)
{
	char *copy = peer_file(w, name);
	int rc = proc_wait(p, timeout_ms);

	cr_expect_eq(rc, 0, "%s exited %d; stderr: %s", name, rc,
	    proc_stderr(p));
	cr_expect(mtkit_same_file(w->data, copy), "%s's copy differs", name);
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
	char name[16];
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
