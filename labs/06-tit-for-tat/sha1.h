/*
 * sha1.h — SHA-1 (FIPS 180-4), the hash BitTorrent names pieces and torrents
 * with.
 *
 * SHA-1 is broken for collision resistance, but BEP 3 fixes it, so a client
 * must speak it.  Hashing is on the hot path twice (making a torrent, and
 * checking every piece a peer sends), so on x86 CPUs with the SHA extensions
 * the block function uses them, chosen once at run time; the portable C block
 * function is always there, and a test can force it to compare the two.
 */
#ifndef SHA1_H
#define SHA1_H

#include <stddef.h>
#include <stdint.h>

#define SHA1_LEN 20		/* digest bytes */
#define SHA1_HEX_LEN 41		/* 40 hex digits + NUL */

struct sha1_ctx {
	uint32_t h[5];
	uint64_t total;			/* bytes hashed so far */
	unsigned char block[64];	/* partial block */
	size_t block_len;
};

void sha1_init(struct sha1_ctx *c);
void sha1_update(struct sha1_ctx *c, const void *data, size_t n);
/* Writes the digest and leaves c unusable until sha1_init. */
void sha1_final(struct sha1_ctx *c, unsigned char out[SHA1_LEN]);
/* One-shot: the digest of data[0..n). */
void sha1(const void *data, size_t n, unsigned char out[SHA1_LEN]);

/* Lower-case hex of a digest, NUL-terminated. */
void sha1_hex(const unsigned char digest[SHA1_LEN], char out[SHA1_HEX_LEN]);

/* 1 if this CPU (and this build) can use the SHA extensions. */
int sha1_have_shani(void);
/*
 * on != 0 forces the portable block function; 0 goes back to the fastest one
 * available.  Affects contexts from then on (also ones already started).
 */
void sha1_use_portable(int on);
/* "sha-ni" or "portable": the block function now in use. */
const char *sha1_impl_name(void);

#endif
