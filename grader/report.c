/*
 * report.c — see report.h.  Each format is a walk over the same results;
 * the wording of a failure (feedback()) is shared by text, Gradescope and
 * TAP so a student reads the same explanation wherever they look.
 */
#include "report.h"

#include <string.h>

void
report_score(const struct report *rep, int *score, int *max)
{
	*score = *max = 0;
	for (size_t i = 0; i < rep->lab->ntests; i++) {
		if (!rep->ran[i])
			continue;
		*score += rep->results[i].points;
		*max += rep->lab->tests[i].points;
	}
}

/* Appends s as one word of a POSIX sh command line: as it is if no character
 * of it is special to sh, else in single quotes (each ' written '\''). */
static void
shell_word(struct strbuf *sb, const char *s)
{
	static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_@%+:,./-";

	if (*s != '\0' && s[strspn(s, plain)] == '\0') {
		strbuf_puts(sb, s);
		return;
	}
	strbuf_putc(sb, '\'');
	for (; *s != '\0'; s++)
		if (*s == '\'')
			strbuf_puts(sb, "'\\''");
		else
			strbuf_putc(sb, *s);
	strbuf_putc(sb, '\'');
}

void
report_replay(const struct report *rep, const struct labconf_test *t, struct strbuf *sb)
{
	shell_word(sb, rep->grade_cmd);
	strbuf_putc(sb, ' ');
	shell_word(sb, rep->lab_name);
	if (strcmp(rep->submission, ".") != 0) {
		strbuf_puts(sb, " --submission ");
		shell_word(sb, rep->submission);
	}
	strbuf_puts(sb, " --only ");
	shell_word(sb, t->name);
	if (rep->seed != rep->lab->seed)
		strbuf_printf(sb, " --seed %llu", (unsigned long long)rep->seed);
	strbuf_puts(sb, " -v");
}

/* Appends `label` and text, indenting continuation lines under the text. */
static void
field(struct strbuf *sb, const char *indent, const char *label, const char *text)
{
	size_t pad = strlen(label), len = strlen(text);

	while (len > 0 && text[len - 1] == '\n')
		len--;
	strbuf_printf(sb, "%s%s", indent, label);
	for (size_t i = 0; i < len; i++) {
		strbuf_putc(sb, text[i]);
		if (text[i] == '\n')
			strbuf_printf(sb, "%s%*s", indent, (int)pad, "");
	}
	strbuf_putc(sb, '\n');
}

/* The explanation of a test's outcome, for a person. */
static void
feedback(const struct report *rep, size_t i, const char *indent, struct strbuf *sb)
{
	const struct labconf_test *t = &rep->lab->tests[i];
	const struct result *r = &rep->results[i];
	struct strbuf replay;

	if (r->message.len > 0)
		field(sb, indent, "", strbuf_str(&r->message));
	if (r->status == RESULT_PASS || r->status == RESULT_SKIP)
		return;
	if (r->sent.len > 0)
		field(sb, indent, "sent:     ", strbuf_str(&r->sent));
	if (r->expected.len > 0 || r->got.len > 0) {
		field(sb, indent, "expected: ", strbuf_str(&r->expected));
		field(sb, indent, "got:      ", strbuf_str(&r->got));
	}
	if (r->diff_offset >= 0)
		strbuf_printf(sb, "%sfirst difference at byte %ld\n", indent, r->diff_offset);
	if (t->hint[0] != '\0')
		field(sb, indent, "hint:     ", t->hint);
	strbuf_init(&replay);
	report_replay(rep, t, &replay);
	field(sb, indent, "replay:   ", strbuf_str(&replay));
	strbuf_free(&replay);
}

static const char *
tag(enum result_status s)
{
	static const char *const tags[] = { "PASS", "FAIL", "SKIP", "ERROR" };

	return s <= RESULT_ERROR ? tags[s] : "?";
}

void
report_text(const struct report *rep, FILE *f)
{
	struct strbuf sb;
	int score, max;

	strbuf_init(&sb);
	strbuf_printf(&sb, "%s — %s\nsubmission: %s   seed: %llu\n", rep->lab_name, rep->lab->title,
	    rep->submission, (unsigned long long)rep->seed);
	if (rep->notes.len > 0)
		field(&sb, "", "note: ", strbuf_str(&rep->notes));
	strbuf_putc(&sb, '\n');
	strbuf_printf(&sb, "[%s] build (%.1f s)\n", tag(rep->build.status),
	    (double)rep->build.duration_ms / 1000);
	if (rep->build.message.len > 0)
		field(&sb, "    ", "", strbuf_str(&rep->build.message));
	if ((rep->build.status != RESULT_PASS && rep->build.got.len > 0) || rep->verbose)
		field(&sb, "    ", "output: ", strbuf_str(&rep->build.got));
	for (size_t i = 0; i < rep->lab->ntests; i++) {
		const struct labconf_test *t = &rep->lab->tests[i];
		const struct result *r = &rep->results[i];

		if (!rep->ran[i])
			continue;
		strbuf_printf(&sb, "[%s] %3d/%-3d %s%s — %s (%.1f s)\n", tag(r->status), r->points,
		    t->points, t->name, t->visibility == LABCONF_HIDDEN ? " (hidden)" : "", t->title,
		    (double)r->duration_ms / 1000);
		feedback(rep, i, "    ", &sb);
		if (rep->verbose && r->log.len > 0)
			field(&sb, "    ", "trace:    ", strbuf_str(&r->log));
	}
	report_score(rep, &score, &max);
	strbuf_printf(&sb, "\nscore: %d/%d\n", score, max);
	fputs(strbuf_str(&sb), f);
	strbuf_free(&sb);
}

/* How many bytes the UTF-8 character that lead byte b starts has (2 to 4),
 * or 0 if b starts none of two bytes or more. */
static size_t
utf8_lead(unsigned char b)
{
	if (b >= 0xc2 && b < 0xe0)
		return 2;
	if (b >= 0xe0 && b < 0xf0)
		return 3;
	if (b >= 0xf0 && b <= 0xf4)
		return 4;
	return 0;
}

/* Whether b1 may follow lead b0: no overlong forms, surrogates, or code
 * points past U+10FFFF. */
static int
utf8_second_ok(unsigned char b0, unsigned char b1)
{
	switch (b0) {
	case 0xe0: return b1 >= 0xa0;
	case 0xed: return b1 < 0xa0;
	case 0xf0: return b1 >= 0x90;
	case 0xf4: return b1 < 0x90;
	default: return 1;
	}
}

/* The length of the UTF-8 character at p, of at most avail bytes (2 to 4), or 0 if none is. */
static size_t
utf8_len(const unsigned char *p, size_t avail)
{
	size_t n = utf8_lead(p[0]);

	if (n == 0 || n > avail || !utf8_second_ok(p[0], p[1]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * Writes key and the n bytes at s as a JSON string: UTF-8 characters as they
 * are, any other byte as the character of that number (\u00XX), so text in
 * any language reads right and binary output still shows every byte.
 */
void
report_put_json(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0, len; i < n; i += len) {
		if ((len = utf8_len(p + i, n - i)) > 0)
			strbuf_append(sb, p + i, len);
		else
			strbuf_put_json(sb, p + i, len = 1);
	}
}

static void
json_str(FILE *f, const char *key, const char *s, size_t n, int comma)
{
	struct strbuf sb;

	strbuf_init(&sb);
	report_put_json(&sb, s, n);
	fprintf(f, "\"%s\": \"%s\"%s", key, strbuf_str(&sb), comma ? ", " : "");
	strbuf_free(&sb);
}

#define JSON_SB(f, key, sbuf, comma) json_str(f, key, strbuf_str(sbuf), (sbuf)->len, comma)
#define JSON_S(f, key, s, comma) json_str(f, key, s, strlen(s), comma)

static void
json_test(const struct report *rep, size_t i, FILE *f)
{
	const struct labconf_test *t = &rep->lab->tests[i];
	const struct result *r = &rep->results[i];
	struct strbuf replay;

	strbuf_init(&replay);
	report_replay(rep, t, &replay);
	fputs("    {", f);
	JSON_S(f, "name", t->name, 1);
	JSON_S(f, "title", t->title, 1);
	JSON_S(f, "status", result_status_name(r->status), 1);
	fprintf(f, "\"points\": %d, \"max_points\": %d, \"duration_ms\": %ld, \"diff_offset\": %ld, ",
	    r->points, t->points, r->duration_ms, r->diff_offset);
	JSON_S(f, "visibility", t->visibility == LABCONF_HIDDEN ? "hidden" : "visible", 1);
	JSON_SB(f, "message", &r->message, 1);
	JSON_SB(f, "sent", &r->sent, 1);
	JSON_SB(f, "expected", &r->expected, 1);
	JSON_SB(f, "got", &r->got, 1);
	JSON_S(f, "hint", t->hint, 1);
	JSON_SB(f, "replay", &replay, rep->verbose);
	if (rep->verbose)
		JSON_SB(f, "trace", &r->log, 0);
	fputs("}", f);
	strbuf_free(&replay);
}

void
report_json(const struct report *rep, FILE *f)
{
	int score, max, first = 1;

	report_score(rep, &score, &max);
	fputs("{", f);
	JSON_S(f, "lab", rep->lab_name, 1);
	JSON_S(f, "title", rep->lab->title, 1);
	JSON_S(f, "submission", rep->submission, 1);
	JSON_SB(f, "notes", &rep->notes, 1);
	fprintf(f, "\"seed\": %llu, \"score\": %d, \"max_score\": %d, \"duration_ms\": %ld,\n",
	    (unsigned long long)rep->seed, score, max, rep->duration_ms);
	fputs("  \"build\": {", f);
	JSON_S(f, "status", result_status_name(rep->build.status), 1);
	JSON_SB(f, "message", &rep->build.message, 1);
	JSON_SB(f, "output", &rep->build.got, 0);
	fputs("},\n  \"tests\": [\n", f);
	for (size_t i = 0; i < rep->lab->ntests; i++) {
		if (!rep->ran[i])
			continue;
		fputs(first ? "" : ",\n", f);
		first = 0;
		json_test(rep, i, f);
	}
	fputs("\n  ]\n}\n", f);
}

void
report_gradescope(const struct report *rep, FILE *f)
{
	int score, max, first = 1;
	struct strbuf out;

	report_score(rep, &score, &max);
	strbuf_init(&out);
	strbuf_puts(&out, strbuf_str(&rep->notes));
	strbuf_printf(&out, "seed %llu; build %s", (unsigned long long)rep->seed,
	    result_status_name(rep->build.status));
	if (rep->build.status != RESULT_PASS)
		strbuf_printf(&out, "\n%s\n%s", strbuf_str(&rep->build.message),
		    strbuf_str(&rep->build.got));
	fprintf(f, "{\"score\": %d, \"execution_time\": %ld, ", score, (rep->duration_ms + 999) / 1000);
	JSON_SB(f, "output", &out, 1);
	fputs("\"visibility\": \"visible\", \"stdout_visibility\": \"hidden\",\n \"tests\": [\n", f);
	for (size_t i = 0; i < rep->lab->ntests; i++) {
		const struct labconf_test *t = &rep->lab->tests[i];
		const struct result *r = &rep->results[i];
		struct strbuf fb;

		if (!rep->ran[i])
			continue;
		strbuf_init(&fb);
		feedback(rep, i, "", &fb);
		fprintf(f, "%s  {\"score\": %d, \"max_score\": %d, ", first ? "" : ",\n", r->points,
		    t->points);
		first = 0;
		strbuf_reset(&out);
		strbuf_printf(&out, "%s: %s", t->name, t->title);
		JSON_SB(f, "name", &out, 1);
		JSON_S(f, "status", r->status == RESULT_PASS ? "passed" : "failed", 1);
		/* Hidden tests count now; students see them once grades are published. */
		JSON_S(f, "visibility", t->visibility == LABCONF_HIDDEN ? "after_published" : "visible", 1);
		JSON_SB(f, "output", &fb, 0);
		fputs("}", f);
		strbuf_free(&fb);
	}
	fputs("\n ]\n}\n", f);
	strbuf_free(&out);
}

void
report_tap(const struct report *rep, FILE *f)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < rep->lab->ntests; i++)
		n += (size_t)rep->ran[i];
	fprintf(f, "TAP version 13\n1..%zu\n", n);
	for (size_t i = 0; i < rep->lab->ntests; i++) {
		const struct labconf_test *t = &rep->lab->tests[i];
		const struct result *r = &rep->results[i];
		struct strbuf fb;

		if (!rep->ran[i])
			continue;
		fprintf(f, "%s %zu - %s", r->status == RESULT_PASS || r->status == RESULT_SKIP ? "ok" :
		    "not ok", ++k, t->name);
		if (r->status == RESULT_SKIP)
			fprintf(f, " # SKIP %s\n", strbuf_str(&r->message));
		else
			fprintf(f, " # %d/%d points\n", r->points, t->points);
		if (r->status == RESULT_PASS || r->status == RESULT_SKIP)
			continue;
		strbuf_init(&fb);
		feedback(rep, i, "  # ", &fb);
		fputs(strbuf_str(&fb), f);
		strbuf_free(&fb);
	}
	for (const char *p = strbuf_str(&rep->notes); *p != '\0';) {
		size_t len = strcspn(p, "\n");

		fprintf(f, "# note: %.*s\n", (int)len, p);
		p += len + (p[len] == '\n');
	}
}

void
report_autolab(const struct report *rep, FILE *f)
{
	int first = 1;

	report_text(rep, f);
	fputs("{\"scores\": {", f);
	for (size_t i = 0; i < rep->lab->ntests; i++) {
		if (!rep->ran[i])
			continue;
		fprintf(f, "%s\"%s\": %d", first ? "" : ", ", rep->lab->tests[i].name,
		    rep->results[i].points);
		first = 0;
	}
	fputs("}}\n", f);
}

/* Writes s as one CSV field (RFC 4180): in double quotes, each " doubled. */
static void
csv_field(const char *s, FILE *f)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void
report_csv_header(const struct labconf *lab, FILE *f)
{
	fputs("submission,build,reason", f);
	for (size_t i = 0; i < lab->ntests; i++)
		fprintf(f, ",%s", lab->tests[i].name);
	fputs(",total,max\n", f);
}

void
report_csv_row(const struct report *rep, const char *name, FILE *f)
{
	static const char *const build[] = { "ok", "failed", "failed", "error" };
	int score, max;

	report_score(rep, &score, &max);
	csv_field(name, f);
	fprintf(f, ",%s,", build[rep->build.status <= RESULT_ERROR ? rep->build.status : 1]);
	if (rep->build.status == RESULT_ERROR)
		csv_field(strbuf_str(&rep->build.message), f);
	for (size_t i = 0; i < rep->lab->ntests; i++)
		if (rep->ran[i])
			fprintf(f, ",%d", rep->results[i].points);
		else
			fputs(",", f);
	fprintf(f, ",%d,%d\n", score, max);
}

void
report_file_name(const char *name, const char *ext, struct strbuf *out)
{
	const unsigned char *p = (const unsigned char *)name;
	uint64_t h = 14695981039346656037u;	/* FNV-1a of the whole name */
	size_t start = out->len;

	for (const unsigned char *q = p; *q != '\0'; q++)
		h = (h ^ *q) * 1099511628211u;
	for (size_t i = 0; p[i] != '\0' && out->len - start < 200; i++) {
		size_t n = utf8_len(p + i, strlen(name) - i);

		if (n > 0) {
			strbuf_append(out, p + i, n);
			i += n - 1;
		} else if (p[i] < 0x20 || p[i] >= 0x7f || strchr("%/\\", p[i]) != NULL ||
		    (i == 0 && (p[i] == '.' || p[i] == '-'))) {
			strbuf_printf(out, "%%%02X", p[i]);
		} else {
			strbuf_putc(out, (char)p[i]);
		}
	}
	if (out->len - start >= 200)
		strbuf_printf(out, "~%016llx", (unsigned long long)h);
	strbuf_printf(out, ".%s", ext);
}
