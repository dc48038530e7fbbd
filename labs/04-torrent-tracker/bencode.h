/*
 * bencode.h — BitTorrent's serialisation format (BEP 3), both directions.
 *
 * Four types: integers "i42e", byte strings "4:spam", lists "l...e" and
 * dictionaries "d...e" whose keys are byte strings in sorted order.
 *
 * The decoder is strict, because the info-hash that names a torrent is the
 * SHA-1 of the exact bytes of its "info" dictionary: two decoders that accepted
 * different spellings of the same value would disagree on which torrent it is.
 * So it refuses leading zeros, "i-0e", unsorted or repeated keys and trailing
 * bytes, and every value keeps a pointer to its raw span in the input, which a
 * caller hashes instead of re-encoding.  Input is hostile: depth and node count
 * are bounded, string lengths are checked against what is left, integers are
 * checked for overflow, and every error says at which byte offset it stopped.
 * Every value takes at least two input bytes, so a decoded tree needs at most
 * len / 2 + 1 nodes: memory grows with the input, never beyond it by more
 * than that factor.
 *
 * The encoder appends to a growable buffer.  After an allocation failure the
 * buffer is marked failed and later calls do nothing, so a caller builds a
 * whole message and checks once at the end.
 */
#ifndef BENCODE_H
#define BENCODE_H

#include <stddef.h>

#define BENCODE_MAX_DEPTH 64		/* nesting of lists and dictionaries */
#define BENCODE_MAX_NODES (1u << 20)	/* values in one document */

/* ---- encoder ---- */

struct bencode_buf {
	unsigned char *data;
	size_t len, cap;
	int failed;		/* an allocation failed; data is incomplete */
};

void bencode_buf_init(struct bencode_buf *b);
void bencode_buf_free(struct bencode_buf *b);
void bencode_put_int(struct bencode_buf *b, long long v);
void bencode_put_str(struct bencode_buf *b, const void *s, size_t n);
void bencode_put_cstr(struct bencode_buf *b, const char *s);
/* Appends n bytes as they are (an already encoded value, e.g. a raw span). */
void bencode_put_raw(struct bencode_buf *b, const void *s, size_t n);
void bencode_begin_list(struct bencode_buf *b);
/* The caller writes keys (bencode_put_str) in strictly ascending byte order. */
void bencode_begin_dict(struct bencode_buf *b);
void bencode_end(struct bencode_buf *b);

/* ---- decoder ---- */

enum bencode_type { BENCODE_INT, BENCODE_STR, BENCODE_LIST, BENCODE_DICT };

/*
 * One decoded value.  All pointers point into the decoded input buffer (which
 * must outlive the tree) or into the tree itself.
 */
struct bencode_value {
	enum bencode_type type;
	const unsigned char *raw;	/* the value's exact bytes in the input */
	size_t raw_len;
	long long i;			/* BENCODE_INT */
	const unsigned char *str;	/* BENCODE_STR: the bytes (not NUL-terminated) */
	size_t str_len;
	struct bencode_value *items;	/* LIST: elements; DICT: values, in key order */
	size_t count;			/* number of items */
	const unsigned char *key;	/* set on the values of a dictionary: their key */
	size_t key_len;
};

struct bencode_error {
	size_t offset;		/* byte offset in the input where decoding stopped */
	const char *msg;	/* static string, e.g. "leading zero in integer" */
};

/*
 * Decodes buf[0..len) as exactly one value (trailing bytes are an error).
 * Returns 0 and sets *out to a tree the caller frees with bencode_free, or
 * returns -1 and fills *err (err may be NULL); *out is then NULL.
 */
int bencode_decode(const unsigned char *buf, size_t len,
    struct bencode_value **out, struct bencode_error *err);

/*
 * Like bencode_decode, but decodes one value at the start of buf and stores in
 * *used how many bytes it took; the bytes after it are left alone (for
 * messages where raw data follows a dictionary).
 */
int bencode_decode_prefix(const unsigned char *buf, size_t len,
    struct bencode_value **out, size_t *used, struct bencode_error *err);

void bencode_free(struct bencode_value *v);

/* The value under key in dict, or NULL (also when dict is not a dictionary). */
const struct bencode_value *bencode_dict_get(const struct bencode_value *dict,
    const char *key);
const struct bencode_value *bencode_dict_getn(const struct bencode_value *dict,
    const void *key, size_t key_len);

/* Typed lookups: the value under key if it has that type, else NULL. */
const struct bencode_value *bencode_dict_get_int(const struct bencode_value *dict,
    const char *key);
const struct bencode_value *bencode_dict_get_str(const struct bencode_value *dict,
    const char *key);
const struct bencode_value *bencode_dict_get_list(const struct bencode_value *dict,
    const char *key);
const struct bencode_value *bencode_dict_get_dict(const struct bencode_value *dict,
    const char *key);

/* 1 if v is a string equal to the C string s, else 0. */
int bencode_str_eq(const struct bencode_value *v, const char *s);

#endif
