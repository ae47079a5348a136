// SPDX-License-Identifier: GPL-2.0
/*
 * The container's device policy: which device nodes its processes may
 * create (mknod) and open (read, write).  Everything outside the allow-list
 * is denied with EPERM, CAP_MKNOD or not.
 *
 * On cgroup v2 there is no devices controller file: the policy is a
 * BPF_PROG_TYPE_CGROUP_DEVICE program (ebpf/devices.bpf.c) attached to the
 * container's leaf, as runc does.  The program is attached with the legacy
 * bpf_prog_attach(BPF_F_ALLOW_MULTI), not a bpf_link: the attachment holds
 * the program and lives as long as the cgroup, so the runtime closes every
 * fd at once and a killed runtime leaks nothing (rmdir frees both).
 *
 * Where a v1 devices controller is mounted (hybrid hosts), the same rules
 * also go to a v1 group isolens/NAME ("a" in devices.deny, the allow-list
 * in devices.allow): the kernel checks both layers
 * (devcgroup_check_permission()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/magic.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "base/fileio.h"
#include "base/util.h"
#include "ctr.h"
#include "devices.skel.h"

#define DEVICES_V1_MNT "/sys/fs/cgroup/devices"

_Static_assert(DEVICES_DEV_BLOCK == BPF_DEVCG_DEV_BLOCK &&
		       DEVICES_DEV_CHAR == BPF_DEVCG_DEV_CHAR,
	       "ebpf/devices.h disagrees with linux/bpf.h");
_Static_assert(DEVICES_ACC_MKNOD == BPF_DEVCG_ACC_MKNOD &&
		       DEVICES_ACC_READ == BPF_DEVCG_ACC_READ &&
		       DEVICES_ACC_WRITE == BPF_DEVCG_ACC_WRITE,
	       "ebpf/devices.h disagrees with linux/bpf.h");

#define ALLOW_CHAR(maj, min)                                              \
	{                                                                 \
		.type = DEVICES_DEV_CHAR, .major = (maj), .minor = (min), \
		.access = DEVICES_ACC_ALL, .allow = 1                     \
	}

/*
 * runc's default allow-list (libcontainer/specconv AllowedDevices) without
 * its blanket "c *:* m" and "b *:* m": no device node can be created.
 */
const struct devices_rule ctr_devices_default_rules[] = {
	ALLOW_CHAR(1, 3), /* /dev/null */
	ALLOW_CHAR(1, 5), /* /dev/zero */
	ALLOW_CHAR(1, 7), /* /dev/full */
	ALLOW_CHAR(1, 8), /* /dev/random */
	ALLOW_CHAR(1, 9), /* /dev/urandom */
	ALLOW_CHAR(5, 0), /* /dev/tty */
	ALLOW_CHAR(5, 1), /* /dev/console */
	ALLOW_CHAR(5, 2), /* /dev/ptmx */
	/* /dev/pts/N: the Unix98 pty slaves, majors 136-143 */
	ALLOW_CHAR(136, DEVICES_WILDCARD),
	ALLOW_CHAR(137, DEVICES_WILDCARD),
	ALLOW_CHAR(138, DEVICES_WILDCARD),
	ALLOW_CHAR(139, DEVICES_WILDCARD),
	ALLOW_CHAR(140, DEVICES_WILDCARD),
	ALLOW_CHAR(141, DEVICES_WILDCARD),
	ALLOW_CHAR(142, DEVICES_WILDCARD),
	ALLOW_CHAR(143, DEVICES_WILDCARD),
};
const size_t ctr_devices_default_count = ARRAY_SIZE(ctr_devices_default_rules);

/* libbpf would print to stderr; a library does not. */
static int libbpf_silent(enum libbpf_print_level level, const char *fmt,
			 va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int ctr_devices_bpf_attach(int cgroup_fd, const struct devices_rule *rules,
			   size_t n, struct errbuf *eb)
{
	libbpf_print_fn_t old = libbpf_set_print(libbpf_silent);
	const struct devices_rule end = { 0 };
	struct devices_bpf *skel;
	int err = 0;
	__u32 i;

	if (n >= DEVICES_RULES_MAX) {
		libbpf_set_print(old);
		return errbuf_set(eb, E2BIG, "%zu device rules, at most %d", n,
				  DEVICES_RULES_MAX - 1);
	}
	skel = devices_bpf__open_and_load();
	if (!skel) {
		err = errbuf_errno(
			eb, errno,
			"device policy: loading the cgroup_device program");
		goto out;
	}
	for (i = 0; i <= n && !err; i++)
		if (bpf_map__update_elem(skel->maps.rules, &i, sizeof(i),
					 i < n ? &rules[i] : &end, sizeof(end),
					 BPF_ANY))
			err = errbuf_errno(eb, errno,
					   "device policy: writing rule %u", i);
	if (!err &&
	    bpf_prog_attach(bpf_program__fd(skel->progs.devices_check),
			    cgroup_fd, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI))
		err = errbuf_errno(
			eb, errno,
			"device policy: attaching the cgroup_device program");
	/* attached, the cgroup holds the program: no fd needs to stay */
	devices_bpf__destroy(skel);
out:
	libbpf_set_print(old);
	return err;
}

int ctr_devices_v1_path(const char *name, char *path, size_t len)
{
	struct statfs sfs;

	if (statfs(DEVICES_V1_MNT, &sfs) || sfs.f_type != CGROUP_SUPER_MAGIC ||
	    access(DEVICES_V1_MNT "/devices.allow", F_OK))
		return -ENOENT;
	if ((size_t)snprintf(path, len, "%s/isolens/%s", DEVICES_V1_MNT,
			     name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* A rule as a v1 devices.allow/deny line: "c 136:* rwm". */
static void rule_v1(const struct devices_rule *r, char *buf, size_t len)
{
	char major[12] = "*", minor[12] = "*", acc[4];
	char type = r->type == DEVICES_DEV_ALL	 ? 'a' :
		    r->type == DEVICES_DEV_BLOCK ? 'b' :
						   'c';
	int k = 0;

	if (r->major != DEVICES_WILDCARD)
		snprintf(major, sizeof(major), "%u", r->major);
	if (r->minor != DEVICES_WILDCARD)
		snprintf(minor, sizeof(minor), "%u", r->minor);
	if (r->access & DEVICES_ACC_READ)
		acc[k++] = 'r';
	if (r->access & DEVICES_ACC_WRITE)
		acc[k++] = 'w';
	if (r->access & DEVICES_ACC_MKNOD)
		acc[k++] = 'm';
	acc[k] = '\0';
	snprintf(buf, len, "%c %s:%s %s", type, major, minor, acc);
}

int ctr_devices_v1_create(const char *name, const struct devices_rule *rules,
			  size_t n, char *path, size_t len, struct errbuf *eb)
{
	char parent[4096], line[48];
	size_t i;
	int err;

	err = ctr_devices_v1_path(name, path, len);
	if (err == -ENOENT) {
		path[0] = '\0';
		return 0; /* no v1 devices controller: cgroup v2 only */
	}
	if (err)
		return errbuf_errno(eb, -err, "v1 devices cgroup for '%s'",
				    name);
	snprintf(parent, sizeof(parent), "%s/isolens", DEVICES_V1_MNT);
	if (mkdir(parent, 0755) && errno != EEXIST)
		return errbuf_errno(eb, errno, "creating %s", parent);
	/* an empty leftover of a crashed run is reused, as in cgroup.c */
	if (mkdir(path, 0755) &&
	    (errno != EEXIST || rmdir(path) || mkdir(path, 0755)))
		return errbuf_errno(eb, errno, "creating cgroup %s", path);
	err = file_write_str(path, "devices.deny", "a");
	for (i = 0; i < n && !err; i++) {
		rule_v1(&rules[i], line, sizeof(line));
		err = file_write_str(
			path, rules[i].allow ? "devices.allow" : "devices.deny",
			line);
	}
	if (err) {
		err = errbuf_errno(eb, -err, "writing the device rules to %s",
				   path);
		rmdir(path);
		path[0] = '\0';
	}
	return err;
}

int ctr_devices_v1_remove(const char *name)
{
	char path[4096];

	if (ctr_devices_v1_path(name, path, sizeof(path)))
		return 0;
	return ctr_cgroup_remove(path);
}

int ctr_devices_v1_open(const char *name, struct ctr_devices_policy *dp,
			struct errbuf *eb)
{
	char tasks[sizeof(dp->v1path) + 8];

	dp->v1_tasks_fd = -1;
	if (ctr_devices_v1_path(name, dp->v1path, sizeof(dp->v1path)) ||
	    access(dp->v1path, F_OK)) {
		dp->v1path[0] = '\0';
		return 0;
	}
	snprintf(tasks, sizeof(tasks), "%s/tasks", dp->v1path);
	dp->v1_tasks_fd = open(tasks, O_WRONLY | O_CLOEXEC);
	if (dp->v1_tasks_fd < 0)
		return errbuf_errno(eb, errno, "opening %s", tasks);
	return 0;
}

int ctr_devices_apply(const char *name, int cgroup_fd,
		      struct ctr_devices_policy *dp, struct errbuf *eb)
{
	int err;

	dp->v1_tasks_fd = -1;
	err = ctr_devices_v1_create(name, ctr_devices_default_rules,
				    ctr_devices_default_count, dp->v1path,
				    sizeof(dp->v1path), eb);
	if (err)
		return err;
	if (!dp->v1path[0] && cgroup_fd < 0)
		return errbuf_set(
			eb, ENOTSUP,
			"no device policy possible: no cgroup2 leaf and no v1 devices controller");
	if (dp->v1path[0]) {
		err = ctr_devices_v1_open(name, dp, eb);
		if (err)
			goto fail;
	}
	if (cgroup_fd >= 0) {
		err = ctr_devices_bpf_attach(cgroup_fd,
					     ctr_devices_default_rules,
					     ctr_devices_default_count, eb);
		if (err)
			goto fail;
	}
	return 0;
fail:
	ctr_devices_release(dp);
	return err;
}

/*
 * "0" into `tasks` moves the calling thread only, which the kernel does
 * without the global threadgroup lock; the parent writing the child's pid
 * into cgroup.procs would wait for an RCU grace period (~13 ms here).
 * The child is one thread, and the permission check uses the opener's
 * credentials (root), so this works from inside a user namespace too.
 */
int ctr_devices_v1_join(struct ctr_devices_policy *dp, struct errbuf *eb)
{
	if (dp->v1_tasks_fd < 0)
		return 0;
	if (write(dp->v1_tasks_fd, "0", 1) != 1)
		return errbuf_errno(eb, errno, "joining %s", dp->v1path);
	close(dp->v1_tasks_fd);
	dp->v1_tasks_fd = -1;
	return 0;
}

void ctr_devices_release(struct ctr_devices_policy *dp)
{
	if (dp->v1_tasks_fd >= 0)
		close(dp->v1_tasks_fd);
	dp->v1_tasks_fd = -1;
	if (dp->v1path[0])
		ctr_cgroup_remove(dp->v1path);
	dp->v1path[0] = '\0';
}
