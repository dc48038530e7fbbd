/*
 * fuzz_metainfo.c — libFuzzer harness for the torrent parser.
 *
 * Whatever it accepts must keep the promises metainfo.h makes, because peers
 * and storage rely on them without checking again: piece sizes add up to the
 * total, files tile the content in order, no path can leave the download
 * directory, and metainfo_file_at finds the file that holds each byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metainfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_path(const char *path)
{
	const char *p = path, *slash;

	if (*p == '\0' || *p == '/')
		abort();
	for (;;) {
		size_t n;

		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (!metainfo_component_ok(p, n))
			abort();
		if (slash == NULL)
			break;
		p = slash + 1;
	}
}

static void
check(const struct metainfo *m)
{
	uint64_t sum = 0, off = 0;

	if (m->piece_count == 0 || m->piece_length == 0 || m->file_count == 0)
		abort();
	for (uint32_t i = 0; i < m->piece_count; i++) {
		size_t s = metainfo_piece_size(m, i);

		if (s == 0 || s > m->piece_length)
			abort();
		sum += s;
	}
	if (sum != m->total_length || metainfo_piece_size(m, m->piece_count) != 0)
		abort();
	for (size_t i = 0; i < m->file_count; i++) {
		const struct metainfo_file *f = &m->files[i];

		if (f->offset != off)
			abort();
		check_path(f->path);
		if (f->length > 0 && (metainfo_file_at(m, off) != i ||
		    metainfo_file_at(m, off + f->length - 1) != i))
			abort();
		off += f->length;
	}
	if (off != m->total_length || metainfo_file_at(m, off) != m->file_count)
		abort();
	check_path(m->name);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct metainfo m;
	char err[256];

	err[0] = '\0';
	if (metainfo_parse(data, size, &m, err, sizeof(err)) == 0) {
		check(&m);
		metainfo_free(&m);
	} else if (err[0] == '\0' || m.files != NULL || m.name != NULL) {
		abort();
	}
	return 0;
}
