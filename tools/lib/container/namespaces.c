// SPDX-License-Identifier: GPL-2.0
/* Namespace identities and user-namespace id maps. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/fileio.h"
#include "ctr.h"

/*
 * Rootless: the only id we may map is our own (count 1), onto container
 * root, and setgroups must be denied first (otherwise a process could drop
 * a group that restricts it).  Rootful: container ids 0..count-1 onto the
 * range container_idmap_reserve() chose, so container root is nobody on
 * the host.
 */
int ctr_ns_write_id_maps(pid_t pid, bool rootless, uid_t uid, gid_t gid,
			 uint32_t count, struct errbuf *eb)
{
	char path[64], map[64];
	int err;

	if (rootless) {
		snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
		err = file_write_str(NULL, path, "deny");
		if (err && err != -ENOENT)
			return errbuf_errno(eb, -err, "writing %s", path);
	}
	snprintf(map, sizeof(map), "0 %u %u\n", (unsigned int)gid,
		 (unsigned int)count);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	err = file_write_str(NULL, path, map);
	if (err)
		return errbuf_errno(eb, -err, "writing %s", path);
	snprintf(map, sizeof(map), "0 %u %u\n", (unsigned int)uid,
		 (unsigned int)count);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	err = file_write_str(NULL, path, map);
	if (err)
		return errbuf_errno(eb, -err, "writing %s", path);
	return 0;
}
