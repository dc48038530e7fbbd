/*
 * fuzz_given.c — libFuzzer harness for the manifest parser (given.c).
 *
 * The parser decides which paths the grader writes into a submission, so
 * besides "never crash, never read out of bounds" it checks what the overlay
 * relies on: whatever it accepts names only relative paths with plain
 * components and no "..", each file lands under a unique plain name, the
 * lab's Makefile comes first; and what it rejects comes with a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "given.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
plain(const char *s)
{
	if (*s == '\0' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return 0;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && *s != '.' && *s != '_' && *s != '-')
			return 0;
	return 1;
}

/* Aborts unless path is relative, made of plain components, and name is its last. */
static void
check_path(const struct given_file *f)
{
	char *copy = strdup(f->path), *save = NULL, *last = NULL;

	if (copy == NULL)
		return;
	if (f->path[0] == '/' || strstr(f->path, "//") != NULL ||
	    f->path[strlen(f->path) - 1] == '/')
		abort();
	for (char *c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
		if (!plain(c))
			abort();
		last = c;
	}
	if (last == NULL || strcmp(last, f->name) != 0)
		abort();
	free(copy);
}

static void
check(const struct given *g)
{
	const struct given_file *all[2] = { g->files, g->gaps };
	const size_t count[2] = { g->nfiles, g->ngaps };

	if (g->found != (g->nfiles > 0) || (!g->found && g->ngaps > 0))
		abort();
	if (g->found && strcmp(g->files[0].path, "labs/01-udp-uppercase/Makefile") != 0)
		abort();
	for (int a = 0; a < 2; a++)
		for (size_t i = 0; i < count[a]; i++) {
			check_path(&all[a][i]);
			for (int b = 0; b < 2; b++)
				for (size_t j = 0; j < count[b]; j++)
					if ((a != b || i != j) && strcmp(all[a][i].name, all[b][j].name) == 0)
						abort();
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct given g;
	struct strbuf err, note;
	int rc;

	strbuf_init(&err);
	rc = given_parse(&g, "01-udp-uppercase", "manifest.txt", (const char *)data, size, &err);
	if (rc == -1 && err.len == 0)
		abort();
	if (rc == 0) {
		check(&g);
		strbuf_init(&note);
		given_note(&g, "Makefile", &note);
		strbuf_free(&note);
	}
	given_free(&g);
	strbuf_free(&err);
	return 0;
}
