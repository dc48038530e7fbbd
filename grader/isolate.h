/*
 * isolate.h — the operating-system-specific half of the sandbox.
 *
 * Everything here is a Linux facility with no POSIX equivalent: network,
 * mount and IPC namespaces, the child subreaper, the parent-death signal,
 * /proc.  It lives behind this one interface so the rest of the grader is
 * plain POSIX, and each function has a fallback that degrades safely when the
 * facility is missing (another OS, a container that forbids namespaces, no
 * root): the grader then uses port 0 on the shared loopback, the shared view
 * of the files, and kills what it can name.
 */
#ifndef ISOLATE_H
#define ISOLATE_H

#include <sys/types.h>

/* Makes the caller the reaper of its orphaned descendants.  0, or -1. */
int isolate_subreaper(void);

/*
 * Moves the caller into a new network namespace with only a loopback
 * interface, brought up.  As root only the network is unshared; otherwise a
 * user namespace is created too (mapping the caller's uid).  Returns 0, or -1
 * when the system does not allow it (the caller keeps the shared network).
 */
int isolate_private_net(void);

/*
 * Gives the caller (a step's worker) a private view of the files, for itself
 * and everything it starts, in a new mount and IPC namespace: an empty
 * tmpfs, bounded in size, over each world-writable directory (/tmp,
 * /var/tmp, /dev/shm, /run/lock...), so whatever is left there dies with the
 * namespace; an empty read-only tmpfs over each path of hide (NULL-ended,
 * absolute; may be NULL; paths that do not exist are skipped; a file is
 * covered by /dev/null); and /proc mounted again with hidepid=2, so that a
 * program sees no process of another uid (the caller, root, still sees all).
 * keep (NULL-ended, at most 31 absolute directories: the work directory,
 * the reference and tools directories, any of which may be under /tmp)
 * stays visible at its paths even when a hidden or covered directory holds
 * them.  Returns 0, or -1 when the system does not allow it (not root, no
 * mount namespaces) or keep is wrong: the view is then left as it was.
 */
int isolate_private_files(const char *const *keep, const char *const *hide);

/*
 * The uid that processes of one test run as: a uid no account uses, unique
 * while `owner` (a live pid) lives, so that killing "every process of this
 * uid" can reach nothing else.  -1 when the grader is not root (the process
 * limit then binds the invoking user, and processes keep its uid).
 */
int isolate_uid_for(pid_t owner);

/*
 * The uid for the reference programs of the test whose student programs run
 * as uid: another uid, so a student program's kill(-1) or fork bomb cannot
 * reach or starve them.  -1 if uid is -1.
 */
int isolate_ref_uid(int uid);

/*
 * In a freshly forked child: take uid (if not -1) as real, effective and
 * saved uid and gid with no supplementary groups, then ask for SIGKILL when
 * the parent dies (after the uid change, which would clear it).  Returns 0,
 * or -1 if the uid could not be taken (the child must not run then).
 */
int isolate_child_enter(int uid, pid_t parent);

/* In a child before exec: closes every descriptor >= from except keep. */
void isolate_close_from(int from, int keep);

/* Sends SIGKILL to every process running as uid, from a helper with that uid. */
void isolate_kill_uid(int uid);

/*
 * A set of the caller's children that the two calls below must leave alone
 * (a grader's other running test workers).
 */
struct isolate_spare {
	const pid_t *pids;
	size_t n;
};

/* Sends SIGKILL to every child of the caller but the spared (and to their groups). */
void isolate_kill_children(const struct isolate_spare *spare);

/*
 * Counts processes that belong to a test and are not yet reaped: those
 * running as uid or uid2 (when not -1) and the caller's children, but the spared.
 * Such children that are zombies are reaped, not counted.  Returns the count;
 * writes a short description of the first few ("pid 123 (name)") to desc.
 */
int isolate_count_left(int uid, int uid2, const struct isolate_spare *spare, char *desc,
    size_t cap);

/*
 * True (1) if a thread of a process running as uid (or, when uid is -1, of
 * process pid) is running or waiting for a CPU; 0 if all of them sleep or
 * wait for input; -1 when the system cannot tell (no /proc).  A test that
 * waits for a program to stop reading asks this, so that a program the busy
 * machine did not schedule is not taken for one that stopped.
 */
int isolate_runnable(int uid, pid_t pid);

/*
 * Whether the TCP socket at the other end of fd (ours, connected over
 * loopback) is full: send() there cannot take another byte, because what it
 * has queued (sock_diag's wmem_queued) has reached its send buffer (sndbuf).
 * 1 full, 0 not, -1 when the system cannot say (no sock_diag, not found).
 * The bulk test asks it to know that a server which stopped reading had
 * first met a short send, whatever the machine's load.
 */
int isolate_peer_send_full(int fd);

/* The largest send buffer TCP grows a socket to (tcp_wmem's third field), or fallback. */
long isolate_tcp_wmem_max(long fallback);

/*
 * The absolute path of the running executable (Linux: /proc/self/exe;
 * elsewhere: argv0 made absolute).  Returns 0, or -1.
 */
int isolate_self_path(const char *argv0, char *buf, size_t cap);

#endif
