/*
 * sha1_speed.c — times mini_torrent's SHA-1, for bench/sha1.sh (which
 * compiles it with bench/benchlib.c against mini_torrent/sha1.c).
 *
 *   sha1_speed mem SIZE SECONDS [portable]
 *       hashes one SIZE-byte message over and over for SECONDS, as
 *       `openssl speed -evp sha1 -bytes SIZE` does; prints "IMPL MB/s".
 *   sha1_speed file PATH [portable]
 *       hashes a file read in 1 MiB chunks, as sha1sum does; prints
 *       "IMPL MB/s DIGEST".
 * MB is 10^6 bytes, as openssl counts.  Time is this process's CPU time, as
 * openssl speed uses by default: on a shared machine, wall time would
 * measure the neighbours.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchlib.h"
#include "sha1.h"

static int
bench_mem(const char *size_s, const char *secs_s)
{
	unsigned char d[SHA1_LEN], *buf;
	unsigned long long done = 0;
	size_t size = (size_t)bench_long(size_s, 1, 1L << 30, "SIZE");
	double secs = bench_decimal(secs_s, 0, 86400, "SECONDS"), t0, t;
	uint32_t x = 12345;

	if ((buf = malloc(size)) == NULL)
		return 1;
	for (size_t i = 0; i < size; i++) {
		x = x * 1103515245 + 12345;
		buf[i] = (unsigned char)(x >> 16);
	}
	sha1(buf, size, d);
	t0 = bench_cpu_s();
	do {
		for (int i = 0; i < 16; i++) {
			sha1(buf, size, d);
			buf[0] ^= d[0];
		}
		done += 16ULL * size;
		t = bench_cpu_s();
	} while (t - t0 < secs);
	printf("%s %.1f\n", sha1_impl_name(), (double)done / (t - t0) / 1e6);
	free(buf);
	return 0;
}

static int
bench_file(const char *path)
{
	static unsigned char buf[1 << 20];
	unsigned char d[SHA1_LEN];
	char hex[SHA1_HEX_LEN];
	unsigned long long done = 0;
	struct sha1_ctx c;
	double t0 = bench_cpu_s();
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd == -1) {
		perror(path);
		return 1;
	}
	sha1_init(&c);
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		sha1_update(&c, buf, (size_t)r);
		done += (unsigned long long)r;
	}
	close(fd);
	if (r == -1) {
		perror(path);
		return 1;
	}
	sha1_final(&c, d);
	sha1_hex(d, hex);
	printf("%s %.1f %s\n", sha1_impl_name(), (double)done / (bench_cpu_s() - t0) / 1e6, hex);
	return 0;
}

int
main(int argc, char **argv)
{
	bench_set_usage("usage: sha1_speed mem SIZE SECONDS [portable] | file PATH [portable]");
	if (argc >= 3 && strcmp(argv[argc - 1], "portable") == 0) {
		sha1_use_portable(1);
		argc--;
	}
	if (argc == 4 && strcmp(argv[1], "mem") == 0)
		return bench_mem(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "file") == 0)
		return bench_file(argv[2]);
	bench_usage();
}
