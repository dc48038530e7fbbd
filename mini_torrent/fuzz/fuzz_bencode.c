/*
 * fuzz_bencode.c — libFuzzer harness for the bencode decoder.
 *
 * Besides "never crash, never read out of bounds", it checks the property
 * strictness buys: the decoder accepts only canonical encodings, so whatever
 * it accepts must re-encode to exactly the same bytes, and every raw span must
 * lie inside the input.  Prefix decoding must agree with full decoding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bencode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct bencode_value *v, const uint8_t *data, size_t size,
    struct bencode_buf *b)
{
	if (v->raw < data || v->raw_len > size || (size_t)(v->raw - data) > size - v->raw_len)
		abort();
	switch (v->type) {
	case BENCODE_INT:
		bencode_put_int(b, v->i);
		break;
	case BENCODE_STR:
		bencode_put_str(b, v->str, v->str_len);
		break;
	case BENCODE_LIST:
	case BENCODE_DICT:
		if (v->type == BENCODE_LIST)
			bencode_begin_list(b);
		else
			bencode_begin_dict(b);
		for (size_t i = 0; i < v->count; i++) {
			const struct bencode_value *e = &v->items[i];

			if (v->type == BENCODE_DICT) {
				bencode_put_str(b, e->key, e->key_len);
				if (bencode_dict_getn(v, e->key, e->key_len) != e)
					abort();
			}
			check(e, data, size, b);
		}
		bencode_end(b);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bencode_value *v = NULL, *w = NULL;
	struct bencode_error err;
	struct bencode_buf b;
	size_t used = 0;
	int rc = bencode_decode(data, size, &v, &err);
	int prc = bencode_decode_prefix(data, size, &w, &used, NULL);

	if (rc == -1 && (v != NULL || err.offset > size || err.msg == NULL))
		abort();
	if (rc == 0 && (prc != 0 || used != size))
		abort();
	if (prc == 0 && used > size)
		abort();
	if (rc == 0) {
		bencode_buf_init(&b);
		check(v, data, size, &b);
		if (b.failed || b.len != size || memcmp(b.data, data, size) != 0)
			abort();
		bencode_buf_free(&b);
	}
	bencode_free(v);
	bencode_free(w);
	return 0;
}
