/*
 * sha1.c — SHA-1 with a portable block function and an x86 SHA-NI one.
 *
 * The streaming part (sha1_update/final: buffering a partial block, padding,
 * the length) is shared; only the block function differs, and it takes many
 * consecutive blocks at once so the fast path stays in registers.  The SHA-NI
 * version is compiled with a target attribute, so the rest of the program
 * needs no special flags and still runs on CPUs without the extension: the
 * choice is made at run time from CPUID (leaf 7, EBX bit 29 says "SHA";
 * gcc 12's __builtin_cpu_supports has no name for it).
 */
#include "sha1.h"

#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define SHA1_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

typedef void sha1_blocks_fn(uint32_t h[5], const unsigned char *p, size_t n);

static uint32_t
rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static uint32_t
load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* One round: e gets the new value; the caller rotates the names. */
#define R(a, b, c, d, e, f, k, w) do { \
	e += rol(a, 5) + (f) + (k) + (w); \
	b = rol(b, 30); \
} while (0)
#define F0(b, c, d) (((c ^ d) & b) ^ d)
#define F1(b, c, d) (b ^ c ^ d)
#define F2(b, c, d) ((b & c) | ((b | c) & d))

/* The 16-word window of the message schedule, extended in place. */
#define W(t) (w[(t) & 15] = rol(w[((t) + 13) & 15] ^ w[((t) + 8) & 15] ^ \
	w[((t) + 2) & 15] ^ w[(t) & 15], 1))

/* Five rounds with the working variables rotated by name, not by copying. */
#define R5(f, k, t, wexpr) do { \
	R(a, b, c, d, e, f(b, c, d), k, wexpr(t)); \
	R(e, a, b, c, d, f(a, b, c), k, wexpr((t) + 1)); \
	R(d, e, a, b, c, f(e, a, b), k, wexpr((t) + 2)); \
	R(c, d, e, a, b, f(d, e, a), k, wexpr((t) + 3)); \
	R(b, c, d, e, a, f(c, d, e), k, wexpr((t) + 4)); \
} while (0)
#define WIN(t) w[(t)]

static void
blocks_portable(uint32_t h[5], const unsigned char *p, size_t n)
{
	uint32_t w[16];

	for (; n > 0; n--, p += 64) {
		uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

		for (int i = 0; i < 16; i++)
			w[i] = load_be32(p + 4 * i);
		R5(F0, 0x5a827999, 0, WIN);
		R5(F0, 0x5a827999, 5, WIN);
		R5(F0, 0x5a827999, 10, WIN);
		R(a, b, c, d, e, F0(b, c, d), 0x5a827999, w[15]);
		R(e, a, b, c, d, F0(a, b, c), 0x5a827999, W(16));
		R(d, e, a, b, c, F0(e, a, b), 0x5a827999, W(17));
		R(c, d, e, a, b, F0(d, e, a), 0x5a827999, W(18));
		R(b, c, d, e, a, F0(c, d, e), 0x5a827999, W(19));
		R5(F1, 0x6ed9eba1, 20, W);
		R5(F1, 0x6ed9eba1, 25, W);
		R5(F1, 0x6ed9eba1, 30, W);
		R5(F1, 0x6ed9eba1, 35, W);
		R5(F2, 0x8f1bbcdc, 40, W);
		R5(F2, 0x8f1bbcdc, 45, W);
		R5(F2, 0x8f1bbcdc, 50, W);
		R5(F2, 0x8f1bbcdc, 55, W);
		R5(F1, 0xca62c1d6, 60, W);
		R5(F1, 0xca62c1d6, 65, W);
		R5(F1, 0xca62c1d6, 70, W);
		R5(F1, 0xca62c1d6, 75, W);
		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
		h[4] += e;
	}
}

#ifdef SHA1_X86
/*
 * Four rounds with the SHA extensions.  Group g (rounds 4g..4g+3) uses the
 * schedule words in m0 and, in the same step, advances the schedule: it
 * finishes the words of group g+1 (msg2, into m1), adds m0 into the partial
 * words of group g+2 (xor, into m2) and starts those of group g+3 (msg1, into
 * m3) — each only while such a group is still to come.  e_in carries E into
 * these rounds; e_out saves ABCD, whose A becomes E four rounds later.
 */
#define SHANI_QUAD(g, e_in, e_out, m0, m1, m2, m3, f) do { \
	if ((g) == 0) \
		e_in = _mm_add_epi32(e_in, m0); \
	else \
		e_in = _mm_sha1nexte_epu32(e_in, m0); \
	e_out = abcd; \
	if ((g) >= 3 && (g) <= 18) \
		m1 = _mm_sha1msg2_epu32(m1, m0); \
	abcd = _mm_sha1rnds4_epu32(abcd, e_in, f); \
	if ((g) >= 1 && (g) <= 16) \
		m3 = _mm_sha1msg1_epu32(m3, m0); \
	if ((g) >= 2 && (g) <= 17) \
		m2 = _mm_xor_si128(m2, m0); \
} while (0)

__attribute__((target("sha,sse4.1")))
static void
blocks_shani(uint32_t h[5], const unsigned char *p, size_t n)
{
	/* Reverses all 16 bytes: big-endian words, and word 0 in the top lane. */
	const __m128i swap = _mm_set_epi64x(0x0001020304050607LL,
	    0x08090a0b0c0d0e0fLL);
	__m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h), 0x1b);
	__m128i e0 = _mm_set_epi32((int)h[4], 0, 0, 0), e1;

	for (; n > 0; n--, p += 64) {
		__m128i abcd_save = abcd, e_save = e0;
		__m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), swap);
		__m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), swap);
		__m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), swap);
		__m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), swap);

		SHANI_QUAD(0, e0, e1, m0, m1, m2, m3, 0);
		SHANI_QUAD(1, e1, e0, m1, m2, m3, m0, 0);
		SHANI_QUAD(2, e0, e1, m2, m3, m0, m1, 0);
		SHANI_QUAD(3, e1, e0, m3, m0, m1, m2, 0);
		SHANI_QUAD(4, e0, e1, m0, m1, m2, m3, 0);
		SHANI_QUAD(5, e1, e0, m1, m2, m3, m0, 1);
		SHANI_QUAD(6, e0, e1, m2, m3, m0, m1, 1);
		SHANI_QUAD(7, e1, e0, m3, m0, m1, m2, 1);
		SHANI_QUAD(8, e0, e1, m0, m1, m2, m3, 1);
		SHANI_QUAD(9, e1, e0, m1, m2, m3, m0, 1);
		SHANI_QUAD(10, e0, e1, m2, m3, m0, m1, 2);
		SHANI_QUAD(11, e1, e0, m3, m0, m1, m2, 2);
		SHANI_QUAD(12, e0, e1, m0, m1, m2, m3, 2);
		SHANI_QUAD(13, e1, e0, m1, m2, m3, m0, 2);
		SHANI_QUAD(14, e0, e1, m2, m3, m0, m1, 2);
		SHANI_QUAD(15, e1, e0, m3, m0, m1, m2, 3);
		SHANI_QUAD(16, e0, e1, m0, m1, m2, m3, 3);
		SHANI_QUAD(17, e1, e0, m1, m2, m3, m0, 3);
		SHANI_QUAD(18, e0, e1, m2, m3, m0, m1, 3);
		SHANI_QUAD(19, e1, e0, m3, m0, m1, m2, 3);
		e0 = _mm_sha1nexte_epu32(e0, e_save);
		abcd = _mm_add_epi32(abcd, abcd_save);
	}
	_mm_storeu_si128((__m128i *)h, _mm_shuffle_epi32(abcd, 0x1b));
	h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}

static int
cpu_has_shani(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	if (!(c & (1u << 9)) || !(c & (1u << 19)))	/* SSSE3, SSE4.1 */
		return 0;
	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, a, b, c, d);
	return (b >> 29) & 1;
}
#endif

static int detected = -1;	/* -1: not yet asked; else cpu_has_shani() */
static int force_portable;

int
sha1_have_shani(void)
{
#ifdef SHA1_X86
	if (detected == -1)
		detected = cpu_has_shani();
	return detected;
#else
	return 0;
#endif
}

void
sha1_use_portable(int on)
{
	force_portable = on != 0;
}

static sha1_blocks_fn *
blocks_fn(void)
{
#ifdef SHA1_X86
	if (!force_portable && sha1_have_shani())
		return blocks_shani;
#endif
	return blocks_portable;
}

const char *
sha1_impl_name(void)
{
	return blocks_fn() == blocks_portable ? "portable" : "sha-ni";
}

void
sha1_init(struct sha1_ctx *c)
{
	static const uint32_t iv[5] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0
	};

	memcpy(c->h, iv, sizeof(iv));
	c->total = 0;
	c->block_len = 0;
}

void
sha1_update(struct sha1_ctx *c, const void *data, size_t n)
{
	const unsigned char *p = data;
	sha1_blocks_fn *fn = blocks_fn();

	if (n == 0)
		return;
	c->total += n;
	if (c->block_len > 0) {
		size_t take = 64 - c->block_len < n ? 64 - c->block_len : n;

		memcpy(c->block + c->block_len, p, take);
		c->block_len += take;
		p += take;
		n -= take;
		if (c->block_len < 64)
			return;
		fn(c->h, c->block, 1);
		c->block_len = 0;
	}
	if (n >= 64) {
		fn(c->h, p, n / 64);
		p += n / 64 * 64;
		n %= 64;
	}
	memcpy(c->block, p, n);
	c->block_len = n;
}

void
sha1_final(struct sha1_ctx *c, unsigned char out[SHA1_LEN])
{
	uint64_t bits = c->total * 8;
	sha1_blocks_fn *fn = blocks_fn();

	c->block[c->block_len++] = 0x80;
	if (c->block_len > 56) {
		memset(c->block + c->block_len, 0, 64 - c->block_len);
		fn(c->h, c->block, 1);
		c->block_len = 0;
	}
	memset(c->block + c->block_len, 0, 56 - c->block_len);
	for (int i = 0; i < 8; i++)
		c->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	fn(c->h, c->block, 1);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
	memset(c, 0, sizeof(*c));
}

void
sha1(const void *data, size_t n, unsigned char out[SHA1_LEN])
{
	struct sha1_ctx c;

	sha1_init(&c);
	sha1_update(&c, data, n);
	sha1_final(&c, out);
}

void
sha1_hex(const unsigned char digest[SHA1_LEN], char out[SHA1_HEX_LEN])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < SHA1_LEN; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[2 * SHA1_LEN] = '\0';
}
