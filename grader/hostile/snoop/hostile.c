/*
 * hostile: snoops.  Leaves files in the shared temporary directories, lists
 * /tmp, looks in /proc for the grader's command line and reads what it names
 * (the submission's directory and its siblings: classmates), and reads any
 * file under /tmp that holds a canary.  Prints every finding as a SNOOP- line.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int visited;

static void
leave_files(void)
{
	const char *dirs[] = { "/tmp", "/var/tmp", "/dev/shm", "/run/lock" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char path[256];
		FILE *f;

		snprintf(path, sizeof(path), "%s/socklab-snoop-%d", dirs[i], (int)getpid());
		if ((f = fopen(path, "w")) != NULL && fputs("left behind\n", f) >= 0 && fclose(f) == 0)
			printf("SNOOP-WROTE %s\n", path);
	}
}

static void
list_tmp(void)
{
	DIR *d = opendir("/tmp");
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && n++ < 8)
			printf("SNOOP-TMP-ENTRY %s\n", e->d_name);
	printf("SNOOP-TMP-COUNT %d\n", n);
	if (d != NULL)
		closedir(d);
}

/* Prints every small file under dir (depth levels down) that holds a canary. */
static void
read_secrets(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL && visited++ < 5000) {
		char path[1024], buf[256];
		struct stat st;
		FILE *f;
		size_t n;

		if (e->d_name[0] == '.' || snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(path) || lstat(path, &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode) && depth > 0)
			read_secrets(path, depth - 1);
		if (!S_ISREG(st.st_mode) || st.st_size > 4096 || (f = fopen(path, "r")) == NULL)
			continue;
		buf[n = fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
		fclose(f);
		if (strstr(buf, "CANARY") != NULL)
			printf("SNOOP-READ %s: %s\n", path, buf);
	}
	if (d != NULL)
		closedir(d);
}

/* Looks for the grader's command line; reads around the directory it names. */
static void
find_grader(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		char path[300], args[4096];
		FILE *f;
		size_t n;

		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		if (e->d_name[0] < '0' || e->d_name[0] > '9' || (f = fopen(path, "r")) == NULL)
			continue;
		args[n = fread(args, 1, sizeof(args) - 1, f)] = '\0';
		fclose(f);
		for (char *a = args; a < args + n; a += strlen(a) + 1) {
			char *next = a + strlen(a) + 1, *slash;

			if ((strcmp(a, "--submission") != 0 && strcmp(a, "--class") != 0) || next >= args + n)
				continue;
			printf("SNOOP-CMDLINE pid %s: %s %s\n", e->d_name, a, next);
			if ((slash = strrchr(next, '/')) != NULL && slash != next)
				*slash = '\0';
			read_secrets(next, 2);
		}
	}
	if (d != NULL)
		closedir(d);
}

int
main(int argc, char **argv)
{
	printf("SNOOP-RAN as uid %d (%s)\n", (int)getuid(), argc > 1 ? argv[1] : "a test");
	leave_files();
	list_tmp();
	find_grader();
	read_secrets("/tmp", 4);
	fflush(stdout);
	fprintf(stderr, "snoop: done\n");
	return argc > 1 ? 0 : 1;
}
