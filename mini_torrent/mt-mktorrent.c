/*
 * mt-mktorrent — make a .torrent from a file or a directory.
 *
 *     mt-mktorrent [-a ANNOUNCE_URL] [-l PIECE_LENGTH] [-c COMMENT] [--private]
 *                  [-o OUT] PATH
 *
 * The work is in maketorrent.c; this file parses options, shows hashing
 * progress (a bar on a terminal), checks its own output by parsing it back,
 * and writes it to OUT (default: NAME.torrent in the current directory).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "bencode.h"
#include "maketorrent.h"
#include "metainfo.h"
#include "progress.h"

#define MIN_PIECE (16u * 1024)
#define MAX_PIECE (64u * 1024 * 1024)

static void
usage(FILE *f)
{
	fprintf(f, "usage: mt-mktorrent [-a ANNOUNCE_URL] [-l PIECE_LENGTH] "
	    "[-c COMMENT] [--private] [-o OUT] PATH\n");
}

static void
help(void)
{
	usage(stdout);
	printf("Make a BitTorrent metainfo file (.torrent) for a file or a directory.\n"
	    "  -a URL        tracker announce URL (e.g. http://127.0.0.1:6969/announce)\n"
	    "  -l LENGTH     piece length in bytes, a power of two from 16K to 64M;\n"
	    "                K and M suffixes allowed (default 256K)\n"
	    "  -c COMMENT    a comment stored in the torrent\n"
	    "  --private     set the private flag (BEP 27: peers only from trackers)\n"
	    "  -o OUT        where to write the torrent (default NAME.torrent)\n"
	    "A directory becomes a multi-file torrent of every file below it, in\n"
	    "byte order of their paths.  Prints the info-hash when done.\n");
}

static void
bad_usage(const char *msg)
{
	fprintf(stderr, "mt-mktorrent: %s (try --help)\n", msg);
	exit(2);
}

/* "262144", "256K", "1M" -> bytes; 0 if malformed or not a valid length. */
static uint32_t
parse_piece_length(const char *s)
{
	uint64_t v = 0;

	if (args_size(s, MAX_PIECE, &v) != ARGS_OK)
		return 0;
	if (v < MIN_PIECE || v > MAX_PIECE || (v & (v - 1)) != 0)
		return 0;
	return (uint32_t)v;
}

static void
on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct progress *p = arg;

	p->total = total;
	progress_update(p, done);
}

/* Writes all of b to path (created or truncated). */
static void
write_file(const char *path, const struct bencode_buf *b)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	size_t off = 0;

	if (fd == -1)
		err(1, "cannot create %s", path);
	while (off < b->len) {
		ssize_t w = write(fd, b->data + off, b->len - off);

		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			err(1, "cannot write %s", path);
		off += (size_t)w;
	}
	if (close(fd) == -1)
		err(1, "cannot write %s", path);
}

static void
make(const char *path, const struct maketorrent_opts *o, const char *out)
{
	struct bencode_buf b;
	struct progress prog;
	struct metainfo m;
	char errbuf[512], defout[4096];

	bencode_buf_init(&b);
	progress_init(&prog, stderr, "hashing", 0);
	if (maketorrent_build(path, o, on_progress, &prog, &b, errbuf,
	    sizeof(errbuf)) == -1)
		errx(1, "%s", errbuf);
	progress_finish(&prog);
	/* Parse our own output back: what we write must be what we accept. */
	if (metainfo_parse(b.data, b.len, &m, errbuf, sizeof(errbuf)) == -1)
		errx(1, "made an invalid torrent (a bug): %s", errbuf);
	if (out == NULL) {
		int n = snprintf(defout, sizeof(defout), "%s.torrent", m.name);

		if (n < 0 || (size_t)n >= sizeof(defout))
			errx(1, "torrent name too long for a file name");
		out = defout;
	}
	write_file(out, &b);
	printf("wrote %s: %u piece%s of %u bytes, %llu bytes in %zu file%s, "
	    "info-hash %s\n", out, m.piece_count, m.piece_count == 1 ? "" : "s",
	    m.piece_length,
	    (unsigned long long)m.total_length, m.file_count,
	    m.file_count == 1 ? "" : "s", m.info_hash_hex);
	metainfo_free(&m);
	bencode_buf_free(&b);
}

/* -a, -c, -l and -o take a value. */
static int
takes_value(const char *a)
{
	return strcmp(a, "-a") == 0 || strcmp(a, "-l") == 0 ||
	    strcmp(a, "-o") == 0 || strcmp(a, "-c") == 0;
}

/* Stores v, the value of option a (one of takes_value's); *out for -o. */
static void
set_value(struct maketorrent_opts *o, const char **out, const char *a,
    const char *v)
{
	if (a[1] == 'a')
		o->announce = v;
	else if (a[1] == 'c')
		o->comment = v;
	else if (a[1] == 'o')
		*out = v;
	else if ((o->piece_length = parse_piece_length(v)) == 0)
		bad_usage("-l: piece length must be a power of two from 16K to 64M");
}

int
main(int argc, char **argv)
{
	struct maketorrent_opts o = { 0 };
	const char *out = NULL, *path = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			help();
			return 0;
		} else if (strcmp(a, "--private") == 0) {
			o.private_flag = 1;
		} else if (takes_value(a)) {
			if (i + 1 >= argc)
				bad_usage("option needs a value");
			set_value(&o, &out, a, argv[++i]);
		} else if (strcmp(a, "--") == 0 && i + 1 < argc && path == NULL) {
			path = argv[++i];
		} else if (a[0] == '-' && a[1] != '\0') {
			bad_usage("unknown option");
		} else if (path != NULL) {
			bad_usage("one PATH only");
		} else {
			path = a;
		}
	}
	if (path == NULL)
		bad_usage("missing PATH");
	o.created_by = "mt-mktorrent";
	o.creation_date = (long long)time(NULL);
	make(path, &o, out);
	return 0;
}
