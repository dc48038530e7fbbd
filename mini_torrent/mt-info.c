/*
 * mt-info — show what a .torrent holds.
 *
 *     mt-info TORRENT
 *
 * Prints the name, the info-hash (the torrent's identity: the same hex that
 * transmission-show prints as "Hash"), sizes, piece geometry, the private
 * flag, trackers and files.  The torrent is fully validated first
 * (metainfo.c), so a torrent it shows is one our peer would accept.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "metainfo.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: mt-info TORRENT\n");
}

/* "1.5 MiB"-style size into buf. */
static const char *
human(uint64_t n, char *buf, size_t cap)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, cap, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, cap, "%.1f %s", v, units[u]);
	return buf;
}

static void
print_general(const struct metainfo *m)
{
	char h[32];

	printf("Name: %s\n", m->name);
	printf("Hash: %s\n", m->info_hash_hex);
	printf("Private: %s\n", m->private_flag ? "yes" : "no");
	printf("Total Size: %llu bytes (%s)\n", (unsigned long long)m->total_length,
	    human(m->total_length, h, sizeof(h)));
	printf("Piece Size: %u bytes (%s)\n", m->piece_length,
	    human(m->piece_length, h, sizeof(h)));
	printf("Piece Count: %u\n", m->piece_count);
	if (m->created_by != NULL)
		printf("Created by: %s\n", m->created_by);
	if (m->creation_date != 0) {
		time_t t = (time_t)m->creation_date;
		struct tm tm;
		char when[64];

		if (gmtime_r(&t, &tm) != NULL &&
		    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm) > 0)
			printf("Created on: %s\n", when);
	}
	if (m->comment != NULL)
		printf("Comment: %s\n", m->comment);
}

static void
print_trackers(const struct metainfo *m)
{
	printf("Announce: %s\n", m->announce != NULL ? m->announce : "(none)");
	if (m->tier_count == 0)
		return;
	printf("Announce List:\n");
	for (size_t t = 0; t < m->tier_count; t++)
		for (size_t u = 0; u < m->tiers[t].count; u++)
			printf("  Tier %zu: %s\n", t + 1, m->tiers[t].urls[u]);
}

static void
print_files(const struct metainfo *m)
{
	char h[32];

	printf("Files (%zu):\n", m->file_count);
	for (size_t i = 0; i < m->file_count; i++) {
		const struct metainfo_file *f = &m->files[i];

		if (m->multi_file)
			printf("  %s/%s (%s)\n", m->name, f->path,
			    human(f->length, h, sizeof(h)));
		else
			printf("  %s (%s)\n", f->path, human(f->length, h, sizeof(h)));
	}
}

int
main(int argc, char **argv)
{
	struct metainfo m;
	char errbuf[512];

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		printf("Show a torrent's name, info-hash, sizes, pieces, private "
		    "flag, trackers and files.\n");
		return 0;
	}
	if (argc != 2 || (argv[1][0] == '-' && argv[1][1] != '\0')) {
		fprintf(stderr, "mt-info: %s (try --help)\n",
		    argc != 2 ? "expected one TORRENT" : "unknown option");
		return 2;
	}
	if (metainfo_load(argv[1], &m, errbuf, sizeof(errbuf)) == -1)
		errx(1, "%s", errbuf);
	print_general(&m);
	print_trackers(&m);
	print_files(&m);
	metainfo_free(&m);
	return 0;
}
