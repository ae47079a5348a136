/* SPDX-License-Identifier: GPL-2.0 */
/* One record per exec, shared by cgexec.bpf.c and cgexec.c. */
#ifndef CGEXEC_H
#define CGEXEC_H

#define CGEXEC_COMM_LEN 16

struct cgexec_event {
	__u64 cgroup_id; /* the cgroup v2 id: the directory's inode */
	__u32 pid; /* tgid, as userspace calls it */
	__u32 pad;
	char comm[CGEXEC_COMM_LEN];
};

#endif
