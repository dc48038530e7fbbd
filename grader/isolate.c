/*
 * isolate.c — see isolate.h.  Linux: unshare(2), mount(2), prctl(2), /proc.
 * _GNU_SOURCE: unshare, CLONE_NEW*, setresuid and struct ifreq are not POSIX.
 */
#define _GNU_SOURCE
#include "isolate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __linux__
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#endif

/* Far above ordinary accounts and the usual subordinate-uid ranges. */
#define ISOLATE_UID_BASE 1000000
#define ISOLATE_REF_OFFSET 8000000	/* above ISOLATE_UID_BASE + any pid */

int
isolate_subreaper(void)
{
#ifdef __linux__
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#else
	return -1;
#endif
}

#ifdef __linux__
static int
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd == -1)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int
enter_user_ns(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == -1)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_file("/proc/self/uid_map", map) == -1)
		return -1;
	write_file("/proc/self/setgroups", "deny\n");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	return write_file("/proc/self/gid_map", map);
}

static int
loopback_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = -1;

	if (s == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return rc;
}
#endif

int
isolate_private_net(void)
{
#ifdef __linux__
	if (geteuid() == 0) {
		if (unshare(CLONE_NEWNET) == -1)
			return -1;
	} else if (enter_user_ns() == -1) {
		return -1;
	}
	return loopback_up();
#else
	return -1;
#endif
}

#ifdef __linux__
/*
 * Where a uid with no account could leave files for others (or for later):
 * the world-writable directories of a usual Linux system.  Symbolic links
 * (/var/lock -> /run/lock) and missing ones are skipped.
 */
static const char *const shared_dirs[] = {
	"/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock", "/run/shm", NULL
};

/* Memory, not disk, and not charged to the program's limits: kept small (a
 * build's compiler writes in TMPDIR, the submission's directory). */
#define ISOLATE_TMPFS "mode=1777,size=16m,nr_inodes=4096"
#define ISOLATE_HIDDEN "mode=0755,size=64k,nr_inodes=256"
#define ISOLATE_MAX_MOUNTS 64
#define ISOLATE_MAX_KEEP 32

enum cover { SHARED, HIDE_DIR, HIDE_FILE };

/* The mounts made so far, to make read-only at the end or undo on failure. */
struct mountlog {
	const char *path[ISOLATE_MAX_MOUNTS];
	enum cover hide[ISOLATE_MAX_MOUNTS];
	size_t n;
};

static int
logged(struct mountlog *m, const char *path, enum cover hide)
{
	if (m->n == ISOLATE_MAX_MOUNTS) {
		umount2(path, MNT_DETACH);
		errno = ENOSPC;
		return -1;
	}
	m->path[m->n] = path;
	m->hide[m->n++] = hide;
	return 0;
}

static void
undo(struct mountlog *m)
{
	while (m->n > 0)
		umount2(m->path[--m->n], MNT_DETACH);
}

/* An empty tmpfs over each existing shared directory.  Returns 0, or -1. */
static int
cover_shared(struct mountlog *m)
{
	for (const char *const *d = shared_dirs; *d != NULL; d++) {
		struct stat st;

		if (lstat(*d, &st) == -1 || !S_ISDIR(st.st_mode))
			continue;
		if (mount("tmpfs", *d, "tmpfs", MS_NOSUID | MS_NODEV, ISOLATE_TMPFS) == -1 ||
		    logged(m, *d, SHARED) == -1)
			return -1;
	}
	return 0;
}

/* True if path is dir or lies under it. */
static int
is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* True if path is one of keep (equal == 1), or lies under one (equal == 0). */
static int
kept(const char *path, const char *const *keep, int equal)
{
	for (const char *const *k = keep; *k != NULL; k++)
		if (is_under(path, *k) && (!equal || is_under(*k, path)))
			return 1;
	return 0;
}

/*
 * Covers the hide paths that are (inside == 1) or are not (0) under a keep
 * directory, never a keep directory itself: a directory by an empty tmpfs,
 * anything else by /dev/null.  Both are made read-only later.  Returns 0,
 * or -1.
 */
static int
cover_hidden(struct mountlog *m, const char *const *hide, const char *const *keep, int inside)
{
	for (const char *const *h = hide; h != NULL && *h != NULL; h++) {
		struct stat st;
		int rc;

		if ((*h)[0] != '/' || kept(*h, keep, 1) || kept(*h, keep, 0) != inside ||
		    stat(*h, &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = mount("tmpfs", *h, "tmpfs", MS_NOSUID | MS_NODEV, ISOLATE_HIDDEN);
		else
			rc = mount("/dev/null", *h, NULL, MS_BIND, NULL);
		if (rc == -1 || logged(m, *h, S_ISDIR(st.st_mode) ? HIDE_DIR : HIDE_FILE) == -1)
			return -1;
	}
	return 0;
}

/* mkdir -p for keep's path, as root, leaving it searchable.  Returns 0, or -1. */
static int
make_path(const char *keep)
{
	char p[4096];

	if (snprintf(p, sizeof(p), "%s", keep) >= (int)sizeof(p))
		return errno = ENAMETOOLONG, -1;
	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0711) == -1 && errno != EEXIST)
			return -1;
		if ((*s = c) == '\0')
			return 0;
	}
}

/* True if path names the directory open as fd. */
static int
same_dir(const char *path, int fd)
{
	struct stat a, b;

	return stat(path, &a) == 0 && fstat(fd, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino;
}

/* Puts each keep directory (open as kfd[i]) back at its path if a cover hid it.  0, or -1. */
static int
restore_keep(struct mountlog *m, const char *const *keep, const int *kfd)
{
	for (size_t i = 0; keep[i] != NULL; i++) {
		char src[64];

		if (same_dir(keep[i], kfd[i]))
			continue;
		snprintf(src, sizeof(src), "/proc/self/fd/%d", kfd[i]);
		if (make_path(keep[i]) == -1 ||
		    mount(src, keep[i], NULL, MS_BIND | MS_REC, NULL) == -1 ||
		    logged(m, keep[i], SHARED) == -1 || !same_dir(keep[i], kfd[i]))
			return -1;
	}
	return 0;
}

/* Opens each keep directory into kfd (-1 where not opened).  Returns 0, or -1. */
static int
open_keep(const char *const *keep, int *kfd)
{
	for (size_t i = 0; keep[i] != NULL; i++)
		if ((kfd[i] = open(keep[i], O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
			return -1;
	return 0;
}

/* The hidden covers become read-only (/dev/null stays a device).  Returns 0, or -1. */
static int
seal_hidden(struct mountlog *m)
{
	for (size_t i = 0; i < m->n; i++) {
		unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;

		if (m->hide[i] == HIDE_DIR)
			flags |= MS_NOSUID | MS_NODEV;
		if (m->hide[i] != SHARED && mount(NULL, m->path[i], NULL, flags, NULL) == -1)
			return -1;
	}
	return 0;
}

/* A fresh /proc that hides other uids' processes; a fresh mqueue if mounted. */
static int
private_proc(struct mountlog *m)
{
	struct stat st;

	if (lstat("/dev/mqueue", &st) == 0 && S_ISDIR(st.st_mode) &&
	    mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0 &&
	    logged(m, "/dev/mqueue", SHARED) == -1)
		return -1;
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2") == -1)
		return -1;
	return logged(m, "/proc", SHARED);
}

/* Counts keep's absolute paths into *nk: 0, or -1 with EINVAL (a relative path, too many). */
static int
count_keep(const char *const *keep, size_t *nk)
{
	for (*nk = 0; keep != NULL && keep[*nk] != NULL; (*nk)++)
		if (*nk == ISOLATE_MAX_KEEP - 1 || keep[*nk][0] != '/')
			return errno = EINVAL, -1;
	return 0;
}

/* The covers in order, each logged in m: 0, or -1 at the first that fails. */
static int
build_view(struct mountlog *m, const char *const *keep, const char *const *hide, int *kfd)
{
	if (open_keep(keep, kfd) == 0 && cover_shared(m) == 0 &&
	    cover_hidden(m, hide, keep, 0) == 0 && restore_keep(m, keep, kfd) == 0 &&
	    cover_hidden(m, hide, keep, 1) == 0 && seal_hidden(m) == 0 && private_proc(m) == 0)
		return 0;
	return -1;
}
#endif

int
isolate_private_files(const char *const *keep, const char *const *hide)
{
#ifdef __linux__
	struct mountlog m = { .n = 0 };
	int kfd[ISOLATE_MAX_KEEP], rc, saved;
	size_t nk;

	if (count_keep(keep, &nk) == -1)
		return -1;
	if (keep == NULL || geteuid() != 0)
		return errno = EPERM, -1;
	for (size_t i = 0; i < nk; i++)
		kfd[i] = -1;
	/* Private first: with shared propagation the covers would reach the host.
	 * keep is opened in the new namespace: a bind takes no mount of another. */
	if (unshare(CLONE_NEWNS | CLONE_NEWIPC) == -1 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		return -1;
	rc = build_view(&m, keep, hide, kfd);
	saved = errno;
	if (rc == -1)
		undo(&m);
	for (size_t i = 0; i < nk; i++)
		if (kfd[i] != -1)
			close(kfd[i]);
	errno = saved;
	return rc;
#else
	(void)keep;
	(void)hide;
	errno = ENOSYS;
	return -1;
#endif
}

int
isolate_uid_for(pid_t owner)
{
	if (geteuid() != 0)
		return -1;
	return ISOLATE_UID_BASE + (int)owner;
}

int
isolate_ref_uid(int uid)
{
	return uid == -1 ? -1 : uid + ISOLATE_REF_OFFSET;
}

int
isolate_child_enter(int uid, pid_t parent)
{
	if (uid != -1) {
		if (setgroups(0, NULL) == -1 || setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) == -1 ||
		    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) == -1)
			return -1;
	}
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
#endif
	if (getppid() != parent)
		return -1;	/* the parent died before the signal was armed */
	return 0;
}

static void
close_range_fallback(int lo, int hi)
{
	struct rlimit rl;
	int max = 4096;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < 1048576)
		max = (int)rl.rlim_cur;
	for (int fd = lo; fd < max && fd <= hi; fd++)
		close(fd);
}

static void
close_span(int lo, int hi)
{
	if (lo > hi)
		return;
#if defined(__linux__) && defined(SYS_close_range)
	if (syscall(SYS_close_range, (unsigned)lo, (unsigned)hi, 0) == 0)
		return;
#endif
	close_range_fallback(lo, hi);
}

void
isolate_close_from(int from, int keep)
{
	if (keep < from) {
		close_span(from, 0x7fffffff);
		return;
	}
	close_span(from, keep - 1);
	close_span(keep + 1, 0x7fffffff);
}

void
isolate_kill_uid(int uid)
{
	pid_t pid;

	if (uid == -1)
		return;
	/* kill(-1) from a process with that uid reaches all of them at once:
	 * the kernel walks the process list under a lock fork() must take, so a
	 * fork bomb cannot outrun it.  The helper itself is spared by kill(-1). */
	if ((pid = fork()) == 0) {
		if (setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) == 0 &&
		    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) == 0)
			kill(-1, SIGKILL);
		_exit(0);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
}

/*
 * Reads a process's name, state, parent and real uid from /proc/PID/status.
 * Returns 0, or -1 if the process is gone.
 */
struct pinfo {
	char name[32];
	char state;
	long ppid, uid;
};

static int
proc_info(pid_t pid, struct pinfo *pi)
{
	char path[64], line[256];
	FILE *f;
	int got = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	memset(pi, 0, sizeof(*pi));
	pi->ppid = pi->uid = -1;
	while (fgets(line, sizeof(line), f) != NULL && got < 4) {
		if (strncmp(line, "Name:", 5) == 0 && ++got)
			sscanf(line + 5, " %31s", pi->name);
		else if (strncmp(line, "State:", 6) == 0 && ++got)
			sscanf(line + 6, " %c", &pi->state);
		else if (strncmp(line, "PPid:", 5) == 0 && ++got)
			pi->ppid = strtol(line + 5, NULL, 10);
		else if (strncmp(line, "Uid:", 4) == 0 && ++got)
			pi->uid = strtol(line + 4, NULL, 10);
	}
	fclose(f);
	return got == 4 ? 0 : -1;
}

/* Calls fn for every process in /proc; stops early when fn returns nonzero. */
static void
each_process(int (*fn)(pid_t pid, void *arg), void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end != '\0' || pid <= 0)
			continue;
		if (fn((pid_t)pid, arg))
			break;
	}
	closedir(d);
}

static int
spared(const struct isolate_spare *spare, pid_t pid)
{
	for (size_t i = 0; spare != NULL && i < spare->n; i++)
		if (spare->pids[i] == pid)
			return 1;
	return 0;
}

struct sweep {
	int uid, uid2, count, kill;
	const struct isolate_spare *spare;
	char *desc;
	size_t cap;
};

/* Does pi belong to the test: our child, or running as one of its uids? */
static int
is_tests(const struct sweep *sw, const struct pinfo *pi, int child)
{
	return child || (sw->uid != -1 && pi->uid == sw->uid) ||
	    (sw->uid2 != -1 && pi->uid == sw->uid2);
}

/* Appends "pid N (name, state S)" to sw->desc for the first four left behind. */
static void
describe_left(struct sweep *sw, pid_t pid, const struct pinfo *pi)
{
	size_t used;

	if (sw->count >= 4 || sw->cap == 0)
		return;
	used = strlen(sw->desc);
	snprintf(sw->desc + used, sw->cap - used, "%spid %d (%s, state %c)",
	    used ? ", " : "", (int)pid, pi->name, pi->state);
}

/* One process of the scan: kill, reap or count it if it is the test's. */
static int
sweep_one(pid_t pid, void *arg)
{
	struct sweep *sw = arg;
	struct pinfo pi;
	int child;

	if (pid == getpid() || spared(sw->spare, pid) || proc_info(pid, &pi) == -1)
		return 0;
	child = pi.ppid == (long)getpid();
	if (!is_tests(sw, &pi, child))
		return 0;
	if (sw->kill) {
		if (child)
			kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		return 0;
	}
	if (child && pi.state == 'Z' && waitpid(pid, NULL, WNOHANG) == pid)
		return 0;
	describe_left(sw, pid, &pi);
	sw->count++;
	return 0;
}

void
isolate_kill_children(const struct isolate_spare *spare)
{
	struct sweep sw = { .uid = -1, .uid2 = -1, .kill = 1, .spare = spare };

	each_process(sweep_one, &sw);
}

int
isolate_count_left(int uid, int uid2, const struct isolate_spare *spare, char *desc, size_t cap)
{
	struct sweep sw = { .uid = uid, .uid2 = uid2, .spare = spare, .desc = desc, .cap = cap };

	if (cap > 0)
		desc[0] = '\0';
	each_process(sweep_one, &sw);
	return sw.count;
}

/* True if a thread of process pid is in state R (from /proc/PID/task/TID/stat). */
static int
threads_runnable(pid_t pid)
{
	char path[64];
	DIR *d;
	struct dirent *e;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL) {
		char stat[96], line[512], *paren;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(stat, sizeof(stat), "%s/%.20s/stat", path, e->d_name);
		if ((f = fopen(stat, "re")) == NULL)
			continue;
		/* "TID (name) S ...": the name may hold spaces and parentheses. */
		if (fgets(line, sizeof(line), f) != NULL && (paren = strrchr(line, ')')) != NULL)
			found = paren[1] == ' ' && paren[2] == 'R';
		fclose(f);
	}
	closedir(d);
	return found;
}

struct busy {
	int uid, found;
	pid_t pid;
};

static int
busy_one(pid_t pid, void *arg)
{
	struct busy *b = arg;
	struct pinfo pi;

	if (b->uid == -1 ? pid != b->pid : proc_info(pid, &pi) == -1 || pi.uid != b->uid)
		return 0;
	return b->found = threads_runnable(pid);
}

int
isolate_runnable(int uid, pid_t pid)
{
	struct busy b = { .uid = uid, .pid = pid };
	struct stat st;

	if (stat("/proc/self/task", &st) == -1)
		return -1;
	each_process(busy_one, &b);
	return b.found;
}

#ifdef __linux__
/* Asks sock_diag for the socket whose local end is `local` and remote end `remote`. */
static int
diag_ask(int nl, const struct sockaddr_storage *local, const struct sockaddr_storage *remote)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 r;
	} q;
	const struct sockaddr_in *l4 = (const void *)local, *r4 = (const void *)remote;
	const struct sockaddr_in6 *l6 = (const void *)local, *r6 = (const void *)remote;

	memset(&q, 0, sizeof(q));
	q.nh.nlmsg_len = sizeof(q);
	q.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	q.nh.nlmsg_flags = NLM_F_REQUEST;
	q.r.sdiag_family = (unsigned char)local->ss_family;
	q.r.sdiag_protocol = IPPROTO_TCP;
	q.r.idiag_ext = 1 << (INET_DIAG_SKMEMINFO - 1);
	q.r.idiag_states = ~0u;
	q.r.id.idiag_cookie[0] = q.r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (local->ss_family == AF_INET) {
		q.r.id.idiag_sport = l4->sin_port;
		q.r.id.idiag_dport = r4->sin_port;
		memcpy(q.r.id.idiag_src, &l4->sin_addr, 4);
		memcpy(q.r.id.idiag_dst, &r4->sin_addr, 4);
	} else {
		q.r.id.idiag_sport = l6->sin6_port;
		q.r.id.idiag_dport = r6->sin6_port;
		memcpy(q.r.id.idiag_src, &l6->sin6_addr, 16);
		memcpy(q.r.id.idiag_dst, &r6->sin6_addr, 16);
	}
	return send(nl, &q, sizeof(q), 0) == (ssize_t)sizeof(q) ? 0 : -1;
}

/*
 * Whether a send queue of `queued` bytes (skb overhead included) counts as
 * full against a send buffer of sndbuf.  send() can refuse a little short of
 * the figure (a new buffer would not fit: 8 KiB short seen with 4 MiB), so
 * within an eighth, or 64 KiB, is full.
 */
static int
diag_nearly(unsigned queued, unsigned sndbuf)
{
	unsigned slack = sndbuf / 8 > 65536 ? sndbuf / 8 : 65536;

	return queued >= sndbuf || sndbuf - queued <= slack;
}

/* The answer to diag_ask: 1 full, 0 not, -1 no answer. */
static int
diag_full(int nl)
{
	static char buf[8192];
	ssize_t n = recv(nl, buf, sizeof(buf), 0);

	for (struct nlmsghdr *h = (void *)buf; n > 0 && NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
		struct inet_diag_msg *m = NLMSG_DATA(h);
		struct rtattr *a = (struct rtattr *)(m + 1);
		int len = (int)h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));

		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
			return -1;	/* NLMSG_ERROR: no such socket, or not allowed */
		for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
			const unsigned *mem = RTA_DATA(a);

			if (a->rta_type == INET_DIAG_SKMEMINFO &&
			    RTA_PAYLOAD(a) > SK_MEMINFO_WMEM_QUEUED * sizeof(*mem))
				return diag_nearly(mem[SK_MEMINFO_WMEM_QUEUED], mem[SK_MEMINFO_SNDBUF]);
		}
	}
	return -1;
}
#endif

int
isolate_peer_send_full(int fd)
{
#ifdef __linux__
	struct sockaddr_storage ours, theirs;
	socklen_t a = sizeof(ours), b = sizeof(theirs);
	int nl, full = -1;

	if (getsockname(fd, (struct sockaddr *)&ours, &a) == -1 ||
	    getpeername(fd, (struct sockaddr *)&theirs, &b) == -1 ||
	    (ours.ss_family != AF_INET && ours.ss_family != AF_INET6))
		return -1;
	if ((nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)) == -1)
		return -1;
	setsockopt(nl, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ 1, 0 }, sizeof(struct timeval));
	if (diag_ask(nl, &theirs, &ours) == 0)	/* their socket: local end theirs */
		full = diag_full(nl);
	close(nl);
	return full;
#else
	(void)fd;
	return -1;
#endif
}

long
isolate_tcp_wmem_max(long fallback)
{
	long lo, mid, hi;
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_wmem", "re");
	int ok = f != NULL && fscanf(f, "%ld %ld %ld", &lo, &mid, &hi) == 3 && hi > 0;

	if (f != NULL)
		fclose(f);
	return ok ? hi : fallback;
}

int
isolate_self_path(const char *argv0, char *buf, size_t cap)
{
	char *real;
#ifdef __linux__
	ssize_t n = readlink("/proc/self/exe", buf, cap - 1);

	if (n > 0) {
		buf[n] = '\0';
		return 0;
	}
#endif
	if ((real = realpath(argv0, NULL)) == NULL)
		return -1;
	snprintf(buf, cap, "%s", real);
	free(real);
	return 0;
}
