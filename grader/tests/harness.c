/*
 * harness.c — see harness.h.
 */
#define _DEFAULT_SOURCE
#include "tests/harness.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *
harness_tempdir(void)
{
	const char *t = getenv("TMPDIR");
	char tmpl[512], *d;

	snprintf(tmpl, sizeof(tmpl), "%s/grader-test.XXXXXX", t && *t ? t : "/tmp");
	if ((d = mkdtemp(tmpl)) == NULL)
		return NULL;
	/* The programs the grader starts run as other users: let them pass through. */
	chmod(d, 0711);
	return strdup(d);
}

static int
run(char *const argv[], int timeout_ms)
{
	struct proc p;
	int rc;

	if (proc_start(&p, argv) == -1)
		return -1;
	proc_close_stdin(&p);
	rc = proc_wait(&p, timeout_ms);
	if (rc != 0)
		fprintf(stderr, "%s: %s", argv[0], proc_stderr(&p));
	proc_kill(&p);
	return rc;
}

int
harness_sh(const char *script, const char *arg)
{
	char *argv[] = { "/bin/bash", "-c", (char *)script, "sh", (char *)arg, NULL };

	return run(argv, 300000);
}

void
harness_rmtree(const char *dir)
{
	char *argv[] = { "/bin/rm", "-rf", (char *)dir, NULL };

	run(argv, 60000);
}

int
harness_mksub(const char *ref, const char *progs, const char *dest, const char *mutant,
    const char *template)
{
	char *argv[] = { "/bin/bash", "tests/mksub.sh", (char *)ref, (char *)progs, (char *)dest,
		(char *)(mutant ? mutant : ""), (char *)template, NULL };

	return run(argv, 300000) == 0 ? 0 : -1;
}

int
harness_grade_start(struct proc *p, char *const args[], const char *tmpdir)
{
	char *argv[32] = { (char *)proc_bin("grade") };
	int n = 1;

	for (int i = 0; args[i] != NULL && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (tmpdir != NULL)
		setenv("TMPDIR", tmpdir, 1);
	n = proc_start(p, argv);
	if (tmpdir != NULL)
		unsetenv("TMPDIR");
	if (n == 0)
		proc_close_stdin(p);
	return n;
}

int
harness_grade(char *const args[], const char *tmpdir, char *out, size_t cap, int timeout_ms)
{
	struct proc p;
	long n;
	int rc;

	if (harness_grade_start(&p, args, tmpdir) == -1)
		return -1;
	n = proc_read_all(&p, out, cap - 1, timeout_ms);
	out[n < 0 ? 0 : n] = '\0';
	rc = n < 0 ? -1 : proc_wait(&p, 5000);
	if (rc != 0)
		fprintf(stderr, "grade: exit %d: %s\n", rc, proc_stderr(&p));
	proc_kill(&p);
	return rc;
}

int
harness_tap_parse(const char *text, struct harness_tap *tap)
{
	const char *line = text;

	memset(tap, 0, sizeof(*tap));
	if (strncmp(text, "TAP version 13\n", 15) != 0)
		return -1;
	for (; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		int ok = strncmp(line, "ok ", 3) == 0, num;
		char name[64];

		if (!ok && strncmp(line, "not ok ", 7) != 0)
			continue;
		if (tap->n == HARNESS_MAX_TESTS ||
		    sscanf(line + (ok ? 3 : 7), "%d - %63s", &num, name) != 2)
			return -1;
		snprintf(tap->t[tap->n].name, sizeof(tap->t[tap->n].name), "%s", name);
		tap->t[tap->n].ok = ok;
		tap->t[tap->n].skipped = strstr(line, "# SKIP") != NULL &&
		    strstr(line, "# SKIP") < strchr(line, '\n');
		if (!tap->t[tap->n].skipped) {
			const char *hash = strstr(line, " # ");

			if (hash == NULL || sscanf(hash, " # %d/%d points", &tap->t[tap->n].points,
			    &tap->t[tap->n].max) != 2)
				return -1;
			tap->score += tap->t[tap->n].points;
			tap->max += tap->t[tap->n].max;
		}
		tap->n++;
	}
	return 0;
}

int
harness_tap_find(const struct harness_tap *tap, const char *name)
{
	for (size_t i = 0; i < tap->n; i++)
		if (strcmp(tap->t[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
under(const char *link, const char *prefix)
{
	char target[4096];
	ssize_t n = readlink(link, target, sizeof(target) - 1);

	if (n <= 0)
		return 0;
	target[n] = '\0';
	return strncmp(target, prefix, strlen(prefix)) == 0;
}

int
harness_left_under(const char *prefix)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char cwd[300], exe[300];

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(cwd, sizeof(cwd), "/proc/%s/cwd", e->d_name);
		snprintf(exe, sizeof(exe), "/proc/%s/exe", e->d_name);
		n += under(cwd, prefix) || under(exe, prefix);
	}
	closedir(d);
	return n;
}
