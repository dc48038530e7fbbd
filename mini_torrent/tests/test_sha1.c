/*
 * test_sha1.c — SHA-1 against the FIPS 180 vectors, the two block functions
 * against each other, and our digest against sha1sum and openssl on random
 * files.
 *
 * Every vector runs with both block functions.  The comparison of the SHA-NI
 * path with the portable one covers every length from 0 to 300 bytes (all
 * padding cases) and streams split at random places.  On a CPU without SHA-NI
 * those tests say so and compare the portable path with itself only.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sha1.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t
next_rand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static void
fill_random(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)next_rand();
}

static void
hex_of(const void *data, size_t n, char out[SHA1_HEX_LEN])
{
	unsigned char d[SHA1_LEN];

	sha1(data, n, d);
	sha1_hex(d, out);
}

struct vector {
	const char *msg;
	const char *digest;
};

static const struct vector vectors[] = {
	{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "a49b2446a02c645bf419f995b67091253a04a259" },
	{ "The quick brown fox jumps over the lazy dog",
	  "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12" },
};

static void
check_vectors(void)
{
	char hex[SHA1_HEX_LEN];

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		hex_of(vectors[i].msg, strlen(vectors[i].msg), hex);
		cr_expect_str_eq(hex, vectors[i].digest, "%s: \"%s\"",
		    sha1_impl_name(), vectors[i].msg);
	}
}

/* One million 'a', fed in pieces of 1000 through the streaming interface. */
static void
check_million_a(void)
{
	unsigned char chunk[1000], d[SHA1_LEN];
	char hex[SHA1_HEX_LEN];
	struct sha1_ctx c;

	memset(chunk, 'a', sizeof(chunk));
	sha1_init(&c);
	for (int i = 0; i < 1000; i++)
		sha1_update(&c, chunk, sizeof(chunk));
	sha1_final(&c, d);
	sha1_hex(d, hex);
	cr_expect_str_eq(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
	    "%s: one million 'a'", sha1_impl_name());
}

Test(sha1, portable_matches_fips_vectors)
{
	sha1_use_portable(1);
	cr_expect_str_eq(sha1_impl_name(), "portable");
	check_vectors();
	check_million_a();
	sha1_use_portable(0);
}

Test(sha1, shani_matches_fips_vectors)
{
	if (!sha1_have_shani()) {
		cr_log_warn("this CPU has no SHA extensions: SHA-NI path not tested");
		cr_skip_test("no SHA-NI on this CPU");
	}
	sha1_use_portable(0);
	cr_expect_str_eq(sha1_impl_name(), "sha-ni");
	check_vectors();
	check_million_a();
}

Test(sha1, shani_equals_portable_on_every_short_length)
{
	unsigned char buf[300], a[SHA1_LEN], b[SHA1_LEN];

	if (!sha1_have_shani())
		cr_skip_test("no SHA-NI on this CPU");
	fill_random(buf, sizeof(buf));
	for (size_t n = 0; n <= sizeof(buf); n++) {
		sha1_use_portable(1);
		sha1(buf, n, a);
		sha1_use_portable(0);
		sha1(buf, n, b);
		cr_assert(memcmp(a, b, SHA1_LEN) == 0, "length %zu differs", n);
	}
}

/* Hashes data in random-sized pieces; the result must not depend on them. */
static void
hash_in_pieces(const unsigned char *data, size_t n, unsigned char out[SHA1_LEN])
{
	struct sha1_ctx c;
	size_t pos = 0;

	sha1_init(&c);
	while (pos < n) {
		size_t take = next_rand() % 200;

		if (next_rand() % 8 == 0)
			take = next_rand() % 5000;
		if (take > n - pos)
			take = n - pos;
		sha1_update(&c, data + pos, take);
		pos += take;
	}
	sha1_final(&c, out);
}

Test(sha1, streaming_in_random_pieces_equals_one_shot)
{
	size_t n = 1 << 20;
	unsigned char *buf = malloc(n), whole[SHA1_LEN], parts[SHA1_LEN], port[SHA1_LEN];

	cr_assert_not_null(buf);
	fill_random(buf, n);
	for (int round = 0; round < 20; round++) {
		size_t len = next_rand() % n;

		sha1_use_portable(0);
		sha1(buf, len, whole);
		hash_in_pieces(buf, len, parts);
		cr_assert(memcmp(whole, parts, SHA1_LEN) == 0, "length %zu", len);
		sha1_use_portable(1);
		hash_in_pieces(buf, len, port);
		sha1_use_portable(0);
		cr_assert(memcmp(whole, port, SHA1_LEN) == 0,
		    "portable differs at length %zu", len);
	}
	free(buf);
}

/* Runs "cmd < path" and returns the first 40 characters of its output. */
static void
tool_digest(const char *cmd, const char *path, char out[SHA1_HEX_LEN])
{
	char line[256], full[512];
	FILE *f;
	char *p;

	snprintf(full, sizeof(full), "%s < '%s' 2>&1", cmd, path);
	f = popen(full, "r");
	cr_assert_not_null(f, "cannot run %s", cmd);
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	cr_assert_eq(pclose(f), 0, "'%s' failed (is it installed? .ci/setup "
	    "installs it): %s", cmd, line);
	/* sha1sum prints "HEX  -"; openssl prints "SHA1(stdin)= HEX". */
	p = strstr(line, "= ");
	p = p != NULL ? p + 2 : line;
	cr_assert(strlen(p) >= 40, "'%s' printed \"%s\"", cmd, line);
	memcpy(out, p, 40);
	out[40] = '\0';
}

Test(sha1, agrees_with_sha1sum_and_openssl_on_random_files, .timeout = 60)
{
	static const size_t sizes[] = { 0, 1, 55, 56, 63, 64, 65, 1000, 65536,
	    262144 + 17, 3 << 20 };
	char path[] = "/tmp/mt-sha1-XXXXXX", ours[SHA1_HEX_LEN], theirs[SHA1_HEX_LEN];
	int fd = mkstemp(path);
	unsigned char *buf = malloc(3 << 20);

	cr_assert(fd != -1 && buf != NULL);
	close(fd);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		FILE *f = fopen(path, "wb");

		cr_assert_not_null(f);
		fill_random(buf, sizes[i]);
		cr_assert_eq(fwrite(buf, 1, sizes[i], f), sizes[i]);
		cr_assert_eq(fclose(f), 0);
		for (int portable = 0; portable <= 1; portable++) {
			sha1_use_portable(portable);
			hex_of(buf, sizes[i], ours);
			tool_digest("sha1sum", path, theirs);
			cr_expect_str_eq(ours, theirs, "sha1sum, %zu bytes (%s)",
			    sizes[i], sha1_impl_name());
			tool_digest("openssl sha1", path, theirs);
			cr_expect_str_eq(ours, theirs, "openssl, %zu bytes (%s)",
			    sizes[i], sha1_impl_name());
		}
	}
	sha1_use_portable(0);
	unlink(path);
	free(buf);
}
