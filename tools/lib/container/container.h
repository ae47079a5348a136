/* SPDX-License-Identifier: GPL-2.0 */
/*
 * isolens container: a small runtime on namespaces, pivot_root, cgroup v2,
 * capabilities and seccomp.  docs/containers.md walks through the steps in
 * the order container_run() performs them.
 */
#ifndef ISOLENS_CONTAINER_H
#define ISOLENS_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/capability.h>
#include <linux/isolens.h>
#include <linux/types.h>

#include "base/errbuf.h"
#include "base/exit.h"

#define CONTAINER_NAME_MAX 48
#define CONTAINER_MAX_ENV 64
#define CONTAINER_MAX_GROUPS 32

enum container_net {
	CONTAINER_NET_LOOPBACK = 0, /* new netns, lo up (the default) */
	CONTAINER_NET_NONE, /* new netns, nothing configured */
	CONTAINER_NET_VETH, /* lo + a veth pair on a private /30 */
};

/* The namespace kinds, in the order of container_ns_kinds and ns_ino[] */
enum container_ns_index {
	CONTAINER_NS_USER,
	CONTAINER_NS_MNT,
	CONTAINER_NS_UTS,
	CONTAINER_NS_IPC,
	CONTAINER_NS_NET,
	CONTAINER_NS_PID,
	CONTAINER_NS_CGROUP,
	CONTAINER_NS_TIME,
	CONTAINER_NS_COUNT
};

/*
 * One namespace kind: its clone flag, its /proc/PID/ns name, and where a
 * record's struct isolens_ns_set holds its inode.
 */
struct container_ns {
	unsigned long flag;
	const char *name;
	size_t set_off;
};

extern const struct container_ns container_ns_kinds[CONTAINER_NS_COUNT];

/* The inode of namespace kind k in a record's namespace set */
static inline uint32_t container_ns_in_set(const struct isolens_ns_set *set,
					   enum container_ns_index k)
{
	return *(const uint32_t *)((const char *)set +
				   container_ns_kinds[k].set_off);
}

struct container_opts {
	char name[CONTAINER_NAME_MAX];
	const char *rootfs; /* NULL: the cached busybox rootfs */
	const char *hostname; /* NULL: the container's name */
	const char *env[CONTAINER_MAX_ENV];
	int nenv;
	const char *workdir;
	unsigned long share; /* CLONE_NEW* flags NOT to unshare */
	bool userns;
	enum container_net net;
	uint64_t memory_max; /* bytes, 0 = no limit */
	uint64_t pids_max; /* 0 = no limit */
	uint64_t cpu_quota_us; /* 0 = no limit; period is cpu_period_us */
	uint64_t cpu_period_us;
	bool seccomp; /* false: unconfined */
	const char *seccomp_profile; /* NULL: the default profile */
	uint64_t cap_add; /* added to the default set */
	gid_t groups[CONTAINER_MAX_GROUPS]; /* --group-add; none by default */
	int ngroups;
	int preserve_fds; /* the caller's fds 3..3+N-1 reach the payload */
	bool tty; /* a pty of the container's, relayed by the runtime */
	char *const *argv;
};

/* What `container exec` runs, and how. */
struct container_exec_opts {
	char *const *argv;
	bool seccomp; /* false: unconfined */
	const char *seccomp_profile; /* NULL: the default profile */
	uint64_t cap_add;
	gid_t groups[CONTAINER_MAX_GROUPS];
	int ngroups;
	int preserve_fds;
	bool tty;
};

/* What a finished container leaves behind. */
struct container_result {
	int status; /* wait status of the container's pid 1 */
	int exit_code; /* status mapped for the shell: code, or 128+signal */
	bool have_cgroup;
	uint64_t oom; /* memory.events "oom" */
	uint64_t oom_kill; /* memory.events "oom_kill" */
	uint64_t pids_max_hits; /* pids.events "max" */
	uint64_t nr_throttled; /* cpu.stat "nr_throttled" */
	double elapsed_ms;
	int fail_code; /* EXIT_RUNTIME/_CANNOT_EXEC/_NOT_FOUND on failure */
};

/* Persistent state of one container (/run/isolens/containers/NAME.json). */
struct container_state {
	char name[CONTAINER_NAME_MAX];
	pid_t pid; /* pid 1 of the container, in the host pid ns */
	uint64_t pid_start; /* /proc/PID/stat starttime: detects pid reuse */
	pid_t runtime_pid; /* the `isolens container run` process */
	uint64_t created_ns; /* CLOCK_REALTIME */
	char rootfs[4096];
	char cgroup[4096]; /* directory of the leaf, "" if none */
	char hostname[65];
	char net[16];
	char veth_host[16];
	char ip[20]; /* container address, "" without veth */
	bool userns;
	/* host ids behind container ids 0..id_count-1; 0 count: none held */
	uint32_t uid_base;
	uint32_t gid_base;
	uint32_t id_count;
	unsigned long ns_new; /* CLONE_NEW* flags that are the container's own */
	uint64_t ns_ino[CONTAINER_NS_COUNT]; /* enum container_ns_index */
};

/* options.c: strict parsers for the CLI, pure logic. */
int container_parse_share(const char *list, unsigned long *flags);
int container_parse_net(const char *s, enum container_net *net);
const char *container_net_name(enum container_net net);
int container_parse_cpus(const char *s, uint64_t *quota_us,
			 uint64_t *period_us);
int container_parse_signal(const char *s, int *sig);
int container_parse_groups(const char *list, gid_t *groups, int *n, int max);
int container_name_valid(const char *name);

/* caps.c */
#define CONTAINER_CAP(cap) (1ULL << (cap))
/* runc's and Docker's default set (CapEff 00000000a80425fb) */
#define CONTAINER_CAPS_DEFAULT                                              \
	(CONTAINER_CAP(CAP_CHOWN) | CONTAINER_CAP(CAP_DAC_OVERRIDE) |       \
	 CONTAINER_CAP(CAP_FOWNER) | CONTAINER_CAP(CAP_FSETID) |            \
	 CONTAINER_CAP(CAP_KILL) | CONTAINER_CAP(CAP_SETGID) |              \
	 CONTAINER_CAP(CAP_SETUID) | CONTAINER_CAP(CAP_SETPCAP) |           \
	 CONTAINER_CAP(CAP_NET_BIND_SERVICE) | CONTAINER_CAP(CAP_NET_RAW) | \
	 CONTAINER_CAP(CAP_SYS_CHROOT) | CONTAINER_CAP(CAP_MKNOD) |         \
	 CONTAINER_CAP(CAP_AUDIT_WRITE) | CONTAINER_CAP(CAP_SETFCAP))
int container_caps_parse(const char *list, uint64_t *mask);

/*
 * seccomp.c, seccomp_profile.c: a libseccomp filter, built in the parent
 * (a bad profile fails before anything is created) and loaded in the
 * child after fork.
 */
struct container_seccomp;
/* The default profile: moby's allow-list, capability-independent; the
 * mount calls are allowed only when the container owns a user ns. */
int container_seccomp_default(bool userns, struct container_seccomp **out,
			      struct errbuf *eb);
/* An OCI linux.seccomp / Docker profile (JSON, at most 4 MiB). */
int container_seccomp_from_file(const char *path,
				struct container_seccomp **out,
				struct errbuf *eb);
/* PROFILE, or NULL: the default profile for USERNS. */
/* run and exec: like _new, but the default comes compiled at build time
 * (seccomp_builtin.S); export needs _new, which keeps libseccomp's ctx. */
int container_seccomp_prepare(const char *profile, bool userns,
			      struct container_seccomp **out,
			      struct errbuf *eb);
int container_seccomp_new(const char *profile, bool userns,
			  struct container_seccomp **out, struct errbuf *eb);
/* Child: after no_new_privs, the last step before execve. */
int container_seccomp_load(const struct container_seccomp *f,
			   struct errbuf *eb);
/* libseccomp's PFC text, or the raw BPF programs in load order. */
int container_seccomp_export(const struct container_seccomp *f, int fd,
			     bool pfc, struct errbuf *eb);
/* Syscall names libseccomp does not know, skipped; *first: one of them. */
unsigned int container_seccomp_unknown(const struct container_seccomp *f,
				       const char **first);
void container_seccomp_free(struct container_seccomp *f);

/*
 * idmap.c: host id ranges for root-run --userns containers, one disjoint
 * range of CONTAINER_IDMAP_COUNT ids per live container, taken from the
 * ranges /etc/subuid and /etc/subgid list for CONTAINER_IDMAP_OWNER, else
 * from a built-in pool (docs/containers.md, step 6).
 */
#define CONTAINER_IDMAP_OWNER "isolens"
#define CONTAINER_IDMAP_COUNT 65536u
#define CONTAINER_SUBUID_PATH "/etc/subuid"
#define CONTAINER_SUBGID_PATH "/etc/subgid"
#define CONTAINER_IDMAP_LOCK "idmap.lock" /* in the state directory */
/* 0x70000000: above useradd's subordinate ids and systemd-nspawn's */
#define CONTAINER_IDMAP_FALLBACK_START 1879048192u
#define CONTAINER_IDMAP_FALLBACK_RANGES 1024u
#define CONTAINER_IDMAP_POOL_MAX 64 /* ranges read per file */

struct container_idrange {
	uint32_t start;
	uint32_t count;
};

/*
 * Parse subuid/subgid text (name_or_uid:start:count lines): the ranges of
 * owner, or of owner_uid when that is >= 0.  Comments, blank and malformed
 * lines, ranges with id 0 or past 4294967294 are skipped.  Returns the
 * number of ranges stored (at most max).
 */
size_t container_subid_parse(const char *text, size_t len, const char *owner,
			     long owner_uid, struct container_idrange *out,
			     size_t max);
/* The pool from path, or the built-in one if path lists no owner range. */
int container_idmap_pool(const char *path, struct container_idrange *pool,
			 size_t max, size_t *n, bool *builtin,
			 struct errbuf *eb);
/* First CONTAINER_IDMAP_COUNT ids of pool that overlap nothing in used;
 * -ENOSPC (what names the pool in the message) when none is free. */
int container_idmap_pick(const struct container_idrange *pool, size_t npool,
			 const struct container_idrange *used, size_t nused,
			 const char *what, uint32_t *base, struct errbuf *eb);
/*
 * Root only: under an flock of the lock file, choose a uid and a gid range
 * free of every live container's and write them to st's state file.  The
 * range is free again once that state file is gone or its container dead.
 */
int container_idmap_reserve(struct container_state *st, struct errbuf *eb);

/* rootfs.c */
int container_rootfs_build(const char *dir, struct errbuf *eb);
int container_rootfs_ensure_default(char *buf, size_t len, struct errbuf *eb);

/* cgroup.c: which cgroup hierarchy the host has */
enum container_cgroup_mode {
	CONTAINER_CGROUP_NONE, /* no cgroup2 mount found */
	CONTAINER_CGROUP_HYBRID, /* cgroup2 mounted beside v1 controllers */
	CONTAINER_CGROUP_UNIFIED, /* pure cgroup v2 at /sys/fs/cgroup */
};
enum container_cgroup_mode container_cgroup_detect(char *mnt, size_t len);
const char *container_cgroup_mode_name(enum container_cgroup_mode mode);

/* state.c */
int container_state_format(const struct container_state *st, char *buf,
			   size_t len);
int container_state_read(const char *name, struct container_state *st,
			 struct errbuf *eb);
/*
 * 1 if the container's pid 1 still runs: same pid, same start time, and
 * not a zombie (exited, not reaped yet).
 */
int container_state_alive(const struct container_state *st);
/* 1 for leftovers of a crashed runtime (a claim still starting is not). */
int container_state_stale(const struct container_state *st);

/*
 * run.c: run to completion.  Returns 0 and fills res, or -errno with eb set
 * and res->fail_code set to EXIT_RUNTIME (125), EXIT_CANNOT_EXEC (126) or
 * EXIT_NOT_FOUND (127), from base/exit.h.
 */
int container_run(struct container_opts *o, struct container_result *res,
		  struct errbuf *eb);

/* lifecycle.c */
/* Like container_run: 0 with *status the wait status, or -errno with
 * *fail_code EXIT_RUNTIME, EXIT_CANNOT_EXEC or EXIT_NOT_FOUND. */
int container_exec(const char *name, const struct container_exec_opts *x,
		   int *status, int *fail_code, struct errbuf *eb);
int container_kill(const char *name, int sig, struct errbuf *eb);
int container_rm(const char *name, bool force, struct errbuf *eb);
/* All state files, sorted by name; free(*out) after use.  A malformed file
 * yields an entry with only its name set (pid 0: treated as dead). */
int container_list(struct container_state **out, size_t *count,
		   struct errbuf *eb);
/* Remove everything a dead container left (cgroup, veth, state). */
int container_cleanup(const struct container_state *st);

#endif