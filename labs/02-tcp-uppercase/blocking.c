/*
 * blocking.c — see blocking.h.
 *
 * Each client gets a blocking socket, so the code is the plain sequence the
 * textbook draws: recv, upper-case, send everything back, again.  A blocked
 * call must still end: SO_RCVTIMEO and SO_SNDTIMEO put --idle-timeout on
 * every recv and send, so a silent client or one that stops reading is
 * dropped instead of holding its server (or its process) forever.
 */
#include "blocking.h"

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "addr.h"
#include "net.h"
#include "outbuf.h"
#include "uppercase.h"

/*
 * Serves one client on a blocking socket (iterative and fork modes) until it
 * closes, fails, or stays silent for idle_ms (0 = forever).  Returns why the
 * connection ended, for the log.
 */
static const char *
serve_blocking(int fd, long idle_ms)
{
	struct timeval tv = { .tv_sec = idle_ms / 1000, .tv_usec = idle_ms % 1000 * 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		return strerror(errno);
	/* TODO: loop: recv() what the client sent (0 means it closed), uppercase_ascii() it,
	 * and send() all of it back (send may take only part of it: loop) */
	return "not written yet";
}

/*
 * Waits for the next client on lfd and accepts it; with -v, logs it.  Returns
 * its socket, its name in name (ADDR_STRLEN bytes), or -1 when this try
 * failed and the caller should try again.
 */
static int
accept_one(int lfd, const struct options_server *o, char *name)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd;

	if ((fd = accept(lfd, (struct sockaddr *)&ss, &len)) == -1) {
		if (errno != EINTR && errno != ECONNABORTED)
			warn("accept");
		return -1;
	}
	addr_format((struct sockaddr *)&ss, len, name, ADDR_STRLEN);
	if (o->verbose)
		fprintf(stderr, "connect %s\n", name);
	return fd;
}

/* Serves the client on fd until the connection ends, logs why (-v), closes fd. */
static void
serve_and_close(int fd, const char *name, const struct options_server *o)
{
	const char *why = serve_blocking(fd, o->idle_timeout_ms);

	if (o->verbose)
		fprintf(stderr, "disconnect %s (%s)\n", name, why);
	if (close(fd) == -1)
		warn("close");
}

void
blocking_iterative(int lfd, const struct options_server *o)
{
	for (;;) {
		char name[ADDR_STRLEN];
		int fd;

		if ((fd = accept_one(lfd, o, name)) != -1)
			serve_and_close(fd, name, o);
	}
}

void
blocking_fork(int lfd, const struct options_server *o)
{
	long live = 0;

	for (;;) {
		char name[ADDR_STRLEN];
		pid_t pid;
		int fd;

		while (waitpid(-1, NULL, WNOHANG) > 0)	/* reap children that ended */
			live--;
		if (o->max_clients > 0 && live >= o->max_clients) {
			if (waitpid(-1, NULL, 0) > 0)
				live--;
			continue;
		}
		if ((fd = accept_one(lfd, o, name)) == -1)
			continue;
		if ((pid = fork()) == 0) {
			close(lfd);	/* the child serves this one client only */
			serve_and_close(fd, name, o);
			_exit(0);
		}
		if (pid == -1)
			warn("fork");
		else
			live++;
		if (close(fd) == -1)	/* the parent's copy; the child keeps its own */
			warn("close");
	}
}
