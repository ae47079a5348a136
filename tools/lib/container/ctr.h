/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to tools/lib/container: the steps container_run() and
 * container_exec() are made of, named ctr_*.  The CLI and the other
 * libraries use container.h only; tests of these steps include this too.
 */
#ifndef ISOLENS_CONTAINER_CTR_H
#define ISOLENS_CONTAINER_CTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/errbuf.h"
#include "container.h"
#include "devices.h" /* ebpf/: struct devices_rule, shared with the program */

/* caps.c */
const char *ctr_caps_name(unsigned int cap);
int ctr_caps_last_cap(void);
int ctr_caps_apply(uint64_t keep, struct errbuf *eb);

/* namespaces.c */
/* Map container ids 0..count-1 onto host uid.. and gid.. */
int ctr_ns_write_id_maps(pid_t pid, bool rootless, uid_t uid, gid_t gid,
			 uint32_t count, struct errbuf *eb);

/* rootfs.c */
int ctr_rootfs_default_dir(char *buf, size_t len, struct errbuf *eb);

/* mounts.c (runs in the child, inside the new mount namespace) */
/* In the parent, early: refuse a rootfs whose /proc, /dev, /sys, /etc or
 * /tmp is a symlink or not a directory (the child checks again). */
int ctr_mounts_check_rootfs(const char *root, struct errbuf *eb);
int ctr_mounts_setup(const char *rootfs, bool rootfs_ro, bool own_netns,
		     bool cgroup_ns, struct errbuf *eb);
int ctr_mounts_mask_proc(struct errbuf *eb);
/* What ctr_mounts_mask_proc() covers and makes read-only, NULL-terminated. */
extern const char *const ctr_mounts_masked_paths[];
extern const char *const ctr_mounts_readonly_paths[];

/* cgroup.c */
int ctr_cgroup_create(const char *name, char *path, size_t len,
		      struct errbuf *eb);
int ctr_cgroup_set_limits(const char *path, const struct container_opts *o,
			  struct errbuf *eb);
int ctr_cgroup_read_events(const char *path, struct container_result *res);
int ctr_cgroup_remove(const char *path);
int ctr_cgroup_enter(const char *path, pid_t pid, struct errbuf *eb);

/* console.c: --tty */
struct termios;
/* Child, a session leader: open a pty of the container's devpts, send its
 * master over @sock, make the slave the controlling terminal and 0/1/2. */
int ctr_console_setup_child(int sock, struct errbuf *eb);
/* Runtime: the master fd, or -ENODATA when the child failed first. */
int ctr_console_recv(int sock, int *master, struct errbuf *eb);
int ctr_console_raw(int fd, struct termios *saved);
void ctr_console_restore(int fd, const struct termios *saved);
/* stdin → master, master → stdout, window size, until @pidfd exits. */
int ctr_console_relay(int master, int in, int out, int pidfd);
/* ctr_console_relay on the runtime's stdin/stdout, raw while it runs. */
int ctr_console_attach(int master, pid_t pid);

/*
 * devices.c: the device policy (docs/containers.md, step 4).  A
 * cgroup_device BPF program on the cgroup2 leaf, and, where a v1 devices
 * controller is mounted, a v1 group isolens/NAME with the same rules.
 */
extern const struct devices_rule ctr_devices_default_rules[];
extern const size_t ctr_devices_default_count;
/* Load the program with RULES in its map and attach it to CGROUP_FD
 * (BPF_F_ALLOW_MULTI); no fd stays open: the cgroup holds the program. */
int ctr_devices_bpf_attach(int cgroup_fd, const struct devices_rule *rules,
			   size_t n, struct errbuf *eb);
/* PATH of NAME's v1 devices group; -ENOENT without a v1 devices controller. */
int ctr_devices_v1_path(const char *name, char *path, size_t len);
/* Create it with "a" denied, then RULES; path "" when there is no v1
 * devices controller (that is no error). */
int ctr_devices_v1_create(const char *name, const struct devices_rule *rules,
			  size_t n, char *path, size_t len, struct errbuf *eb);
/* Remove NAME's v1 group if it exists (teardown and leftovers). */
int ctr_devices_v1_remove(const char *name);
/* The device policy of one container run. */
struct ctr_devices_policy {
	char v1path[4096]; /* its v1 devices group, "" if none */
	int v1_tasks_fd; /* that group's `tasks`, for the child; -1 if none */
};
/*
 * The default policy for container NAME, before clone3: the v1 group and
 * the BPF program on CGROUP_FD (if >= 0).  Fails if neither layer exists.
 */
int ctr_devices_apply(const char *name, int cgroup_fd,
		      struct ctr_devices_policy *dp, struct errbuf *eb);
/* For `exec`: the running container NAME's v1 group, if there is one
 * (dp->v1_tasks_fd -1 otherwise); the caller closes v1_tasks_fd. */
int ctr_devices_v1_open(const char *name, struct ctr_devices_policy *dp,
			struct errbuf *eb);
/* In the child, before it is released: join the v1 group (if any). */
int ctr_devices_v1_join(struct ctr_devices_policy *dp, struct errbuf *eb);
/* Teardown: close the fd, remove the v1 group. */
void ctr_devices_release(struct ctr_devices_policy *dp);

/* netlink.c */
int ctr_netlink_link_up(const char *ifname, struct errbuf *eb);
int ctr_netlink_veth_create(char *host_if, size_t len, const char *peer_if,
			    pid_t peer_pid, unsigned int *slot,
			    struct errbuf *eb);
int ctr_netlink_addr_add(const char *ifname, uint32_t addr, int prefix,
			 struct errbuf *eb);
int ctr_netlink_route_default(const char *ifname, uint32_t gw,
			      struct errbuf *eb);
int ctr_netlink_link_del(const char *ifname, struct errbuf *eb);
int ctr_netlink_link_exists(const char *ifname);
/* Private /30 number SLOT: host .1, container .2 (host byte order). */
void ctr_netlink_slot_addrs(unsigned int slot, uint32_t *host, uint32_t *peer);

/* state.c */
int ctr_state_dir(char *buf, size_t len, struct errbuf *eb);
int ctr_state_path(const char *name, char *buf, size_t len, struct errbuf *eb);
int ctr_state_parse(const char *json, struct container_state *st);
int ctr_state_write(const struct container_state *st, bool exclusive,
		    struct errbuf *eb);
int ctr_state_remove(const char *name);

#endif
