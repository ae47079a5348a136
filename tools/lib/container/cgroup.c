// SPDX-License-Identifier: GPL-2.0
/*
 * One cgroup-v2 leaf per container under <cgroup2 mount>/isolens/<name>.
 * Limits need the unified layout (controllers live in v2); on a hybrid host
 * the v2 mount holds no useful controllers, so a leaf there only groups the
 * processes (trace attribution uses its id) and limits are refused.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "base/fileio.h"
#include "ctr.h"

enum container_cgroup_mode container_cgroup_detect(char *mnt, size_t len)
{
	struct statfs sfs;
	struct mntent *me;
	FILE *f;

	if (!statfs("/sys/fs/cgroup", &sfs) &&
	    sfs.f_type == CGROUP2_SUPER_MAGIC) {
		snprintf(mnt, len, "/sys/fs/cgroup");
		return CONTAINER_CGROUP_UNIFIED;
	}
	f = setmntent("/proc/self/mounts", "re");
	if (!f)
		return CONTAINER_CGROUP_NONE;
	while ((me = getmntent(f))) {
		if (!strcmp(me->mnt_type, "cgroup2")) {
			snprintf(mnt, len, "%s", me->mnt_dir);
			endmntent(f);
			return CONTAINER_CGROUP_HYBRID;
		}
	}
	endmntent(f);
	return CONTAINER_CGROUP_NONE;
}

const char *container_cgroup_mode_name(enum container_cgroup_mode mode)
{
	switch (mode) {
	case CONTAINER_CGROUP_UNIFIED:
		return "unified (cgroup v2)";
	case CONTAINER_CGROUP_HYBRID:
		return "hybrid (cgroup v1 controllers, v2 without them)";
	default:
		return "no cgroup2 mount";
	}
}

/* WORD in a space-separated list ("cpu" must not match "cpuset"). */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

/* Enable cpu, memory and pids for children of DIR, where available. */
static void enable_controllers(const char *dir)
{
	static const char *const want[] = { "cpu", "memory", "pids" };
	char avail[512], enabled[512] = "", line[16];
	size_t i;

	if (file_read_str(dir, "cgroup.controllers", avail, sizeof(avail)))
		return;
	file_read_str(dir, "cgroup.subtree_control", enabled, sizeof(enabled));
	for (i = 0; i < 3; i++) {
		if (!has_word(avail, want[i]) || has_word(enabled, want[i]))
			continue;
		snprintf(line, sizeof(line), "+%s", want[i]);
		file_write_str(dir, "cgroup.subtree_control", line);
	}
}

int ctr_cgroup_create(const char *name, char *path, size_t len,
		      struct errbuf *eb)
{
	char mnt[4096], parent[4200];
	enum container_cgroup_mode mode =
		container_cgroup_detect(mnt, sizeof(mnt));

	if (mode == CONTAINER_CGROUP_NONE)
		return errbuf_set(eb, ENOENT, "no cgroup2 mount");
	snprintf(parent, sizeof(parent), "%s/isolens", mnt);
	if (mkdir(parent, 0755) && errno != EEXIST)
		return errbuf_errno(eb, errno, "creating %s", parent);
	if (mode == CONTAINER_CGROUP_UNIFIED) {
		enable_controllers(mnt);
		enable_controllers(parent);
	}
	if ((size_t)snprintf(path, len, "%s/%s", parent, name) >= len)
		return errbuf_set(eb, ENAMETOOLONG, "cgroup path too long");
	if (mkdir(path, 0755)) {
		int err = errno;

		/* A leftover of a crashed run with the same name: reuse it
		 * only if empty (rmdir succeeds only then). */
		if (err != EEXIST || rmdir(path) || mkdir(path, 0755))
			return errbuf_errno(eb, err, "creating cgroup %s",
					    path);
	}
	return 0;
}

int ctr_cgroup_set_limits(const char *path, const struct container_opts *o,
			  struct errbuf *eb)
{
	char buf[64];
	int err;

	if (o->memory_max) {
		snprintf(buf, sizeof(buf), "%llu",
			 (unsigned long long)o->memory_max);
		err = file_write_str(path, "memory.max", buf);
		if (err)
			return errbuf_errno(eb, -err, "writing %s/memory.max",
					    path);
		/* No swap: the limit is the limit, and the OOM killer acts. */
		file_write_str(path, "memory.swap.max", "0");
	}
	if (o->pids_max) {
		snprintf(buf, sizeof(buf), "%llu",
			 (unsigned long long)o->pids_max);
		err = file_write_str(path, "pids.max", buf);
		if (err)
			return errbuf_errno(eb, -err, "writing %s/pids.max",
					    path);
	}
	if (o->cpu_quota_us) {
		snprintf(buf, sizeof(buf), "%llu %llu",
			 (unsigned long long)o->cpu_quota_us,
			 (unsigned long long)o->cpu_period_us);
		err = file_write_str(path, "cpu.max", buf);
		if (err)
			return errbuf_errno(eb, -err, "writing %s/cpu.max",
					    path);
	}
	return 0;
}

/* "key value" lines: returns the value of KEY, 0 when absent. */
static uint64_t keyed(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			return strtoull(p + klen + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

int ctr_cgroup_read_events(const char *path, struct container_result *res)
{
	char buf[1024];

	if (!file_read_str(path, "memory.events", buf, sizeof(buf))) {
		res->oom = keyed(buf, "oom");
		res->oom_kill = keyed(buf, "oom_kill");
	}
	if (!file_read_str(path, "pids.events", buf, sizeof(buf)))
		res->pids_max_hits = keyed(buf, "max");
	if (!file_read_str(path, "cpu.stat", buf, sizeof(buf)))
		res->nr_throttled = keyed(buf, "nr_throttled");
	return 0;
}

/*
 * rmdir succeeds once no task is left.  When pid 1 is reaped its pid
 * namespace is already empty, but a just-exited task can keep the cgroup
 * busy for a moment: retry briefly.
 */
int ctr_cgroup_remove(const char *path)
{
	struct timespec ts = { 0, 1000000 };
	int i;

	if (!path || !*path)
		return 0;
	for (i = 0; i < 200; i++) {
		if (!rmdir(path) || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		/* Kill stragglers (e.g. processes that joined by exec). */
		file_write_str(path, "cgroup.kill", "1");
		nanosleep(&ts, NULL);
	}
	return -EBUSY;
}

int ctr_cgroup_enter(const char *path, pid_t pid, struct errbuf *eb)
{
	char buf[32];
	int err;

	snprintf(buf, sizeof(buf), "%d", pid);
	err = file_write_str(path, "cgroup.procs", buf);
	if (err)
		return errbuf_errno(eb, -err, "joining cgroup %s", path);
	return 0;
}
