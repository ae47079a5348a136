// SPDX-License-Identifier: GPL-2.0
/*
 * container_run: the whole life of one container.
 *
 *   parent (runtime)                    child (becomes pid 1)
 *   claim the name (state, O_EXCL)
 *   cgroup leaf + limits, device policy
 *   clone3(CLONE_NEW*, INTO_CGROUP) ──▶ waits on the sync pipe
 *   uid/gid maps, veth, state file
 *   release the sync pipe ───────────▶ v1 devices group, ids, hostname,
 *                                       network, mounts,
 *                                       pivot_root, caps, nnp, seccomp
 *   error pipe: EOF = exec happened ◀── execve(CMD)
 *   waitpid, read cgroup events, teardown
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/sched.h>

#include "base/procfs.h"
#include "ctr.h"
#include "payload.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static volatile pid_t forward_pid;

/* Forward terminal and termination signals to the container's pid 1. */
static void forward_signal(int sig)
{
	if (forward_pid > 0)
		kill(forward_pid, sig);
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct run_ctx {
	struct container_opts *o;
	unsigned long flags; /* CLONE_NEW* of the container */
	char rootfs[PATH_MAX];
	bool rootfs_ro;
	bool rootless;
	int sync_fd; /* child reads */
	struct ctr_devices_policy devices;
	int err_fd; /* child writes, close-on-exec */
	int tty_fd; /* child sends the pty master (--tty), else -1 */
	int parent_fds[3]; /* the runtime's ends: the child closes them */
	struct container_seccomp *seccomp; /* NULL: unconfined */
};

static void child_fail(struct run_ctx *c, const struct errbuf *eb)
{
	ctr_payload_fail(c->err_fd, EXIT_RUNTIME, eb);
}

/* pid 1 of the container, after clone3.  Never returns. */
static void child_main(struct run_ctx *c)
{
	struct container_opts *o = c->o;
	struct errbuf eb = { 0 };
	struct ctr_payload p;
	uint32_t slot; /* the sync message: the veth's /30 number */
	size_t i;
	int err;

	/* If the runtime dies, its container dies with it (set again in
	 * ctr_payload_exec, after the credentials change). */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	for (i = 0; i < 3; i++)
		if (c->parent_fds[i] >= 0)
			close(c->parent_fds[i]);
	if (read(c->sync_fd, &slot, sizeof(slot)) != sizeof(slot))
		_exit(EXIT_RUNTIME); /* the parent failed and said so itself */
	close(c->sync_fd);
	if (ctr_devices_v1_join(&c->devices, &eb))
		child_fail(c, &eb);

	if (c->flags & CLONE_NEWUSER) {
		if (setresgid(0, 0, 0) || setresuid(0, 0, 0)) {
			errbuf_errno(&eb, errno,
				     "becoming root in the user namespace");
			child_fail(c, &eb);
		}
	}
	if ((c->flags & CLONE_NEWUTS) &&
	    sethostname(o->hostname, strlen(o->hostname))) {
		errbuf_errno(&eb, errno, "sethostname");
		child_fail(c, &eb);
	}
	if ((c->flags & CLONE_NEWNET) && o->net != CONTAINER_NET_NONE) {
		err = ctr_netlink_link_up("lo", &eb);
		if (!err && o->net == CONTAINER_NET_VETH) {
			uint32_t host, peer;

			ctr_netlink_slot_addrs(slot, &host, &peer);
			err = ctr_netlink_addr_add("eth0", peer, 30, &eb);
			if (!err)
				err = ctr_netlink_link_up("eth0", &eb);
			if (!err)
				err = ctr_netlink_route_default("eth0", host,
								&eb);
		}
		if (err)
			child_fail(c, &eb);
	}
	if (c->flags & CLONE_NEWNS) {
		err = ctr_mounts_setup(c->rootfs, c->rootfs_ro,
				       c->flags & CLONE_NEWNET,
				       c->flags & CLONE_NEWCGROUP, &eb);
		if (err)
			child_fail(c, &eb);
	}
	p = (struct ctr_payload){
		.argv = o->argv,
		.env = o->env,
		.nenv = o->nenv,
		.hostname = o->hostname,
		.workdir = o->workdir,
		.caps = CONTAINER_CAPS_DEFAULT | o->cap_add,
		.seccomp = c->seccomp,
		.rootless = c->rootless,
		.groups = o->groups,
		.ngroups = o->ngroups,
		.preserve_fds = o->preserve_fds,
		.tty_sock = c->tty_fd,
	};
	ctr_payload_exec(&p, c->err_fd);
}

static pid_t do_clone3(unsigned long flags, int cgroup_fd)
{
	struct clone_args args = {
		.flags = flags,
		.exit_signal = SIGCHLD,
	};

	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

static int claim_name(struct container_opts *o, struct container_state *st,
		      struct errbuf *eb)
{
	struct container_state old;
	struct errbuf ignore;
	int err;

	snprintf(st->name, sizeof(st->name), "%s", o->name);
	st->runtime_pid = getpid();
	err = ctr_state_write(st, true, eb);
	if (err != -EEXIST)
		return err;
	/* Taken: by a live container (error), or by a crashed run's
	 * leftovers, which we clean and then retry once. */
	if (!container_state_read(o->name, &old, &ignore) &&
	    !container_state_stale(&old))
		return errbuf_set(eb, EEXIST,
				  "name '%s' is already taken (pid %d)",
				  o->name,
				  (int)(old.pid ? old.pid : old.runtime_pid));
	if (!container_state_read(o->name, &old, &ignore))
		container_cleanup(&old);
	else
		ctr_state_remove(o->name);
	return ctr_state_write(st, true, eb);
}

int container_run(struct container_opts *o, struct container_result *res,
		  struct errbuf *eb)
{
	struct run_ctx c = { .o = o, .tty_fd = -1, .devices.v1_tasks_fd = -1 };
	struct container_state st = { 0 };
	bool limits = o->memory_max || o->pids_max || o->cpu_quota_us;
	int syncp[2] = { -1, -1 }, errp[2] = { -1, -1 }, cgroup_fd = -1;
	int ttyp[2] = { -1, -1 }, master = -1;
	char cgpath[PATH_MAX] = "", mnt[PATH_MAX];
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	struct sigaction sa = { 0 }, old_sa[4];
	static const int fwd[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	enum container_cgroup_mode mode;
	bool claimed = false;
	int err, status = 0, code = EXIT_RUNTIME;
	unsigned int slot = 0;
	uint32_t msg;
	struct stat sb;
	size_t i;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	res->fail_code = EXIT_RUNTIME;
	if (!o->argv || !o->argv[0])
		return errbuf_set(eb, EINVAL, "no command given");
	if (!o->name[0])
		snprintf(o->name, sizeof(o->name), "isolens-%d", (int)getpid());
	if (!container_name_valid(o->name))
		return errbuf_set(
			eb, EINVAL,
			"invalid name '%s' (letters, digits, '.', '_', '-')",
			o->name);
	if (!o->hostname)
		o->hostname = o->name;
	if (strlen(o->hostname) > 64)
		return errbuf_set(eb, EINVAL, "hostname longer than 64 bytes");

	c.rootless = geteuid() != 0;
	/* without root, only a user namespace can grant the privileges to set up */
	if (c.rootless && !o->userns)
		return errbuf_set(
			eb, EPERM,
			"not root: a rootless container needs --userns (it maps you to root inside)");
	c.flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
		  CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWTIME;
	c.flags &= ~o->share;
	if (o->userns)
		c.flags |= CLONE_NEWUSER;
	if (o->net == CONTAINER_NET_VETH && !(c.flags & CLONE_NEWNET))
		return errbuf_set(
			eb, EINVAL,
			"--net=veth needs a network namespace (drop 'net' from --share)");
	if (o->rootfs && !(c.flags & CLONE_NEWNS))
		return errbuf_set(
			eb, EINVAL,
			"--rootfs needs a mount namespace (drop 'mnt' from --share)");
	if (o->hostname != o->name && !(c.flags & CLONE_NEWUTS))
		return errbuf_set(
			eb, EINVAL,
			"--hostname needs a uts namespace (drop 'uts' from --share)");
	if (o->net == CONTAINER_NET_VETH && c.rootless)
		return errbuf_set(
			eb, EPERM,
			"--net=veth needs root (a veth end lives in the host's network namespace)");
	if (o->ngroups && c.rootless)
		return errbuf_set(
			eb, EPERM,
			"--group-add needs root (a rootless user namespace denies setgroups)");
	if (o->tty && !(c.flags & CLONE_NEWNS))
		return errbuf_set(
			eb, EINVAL,
			"--tty needs a mount namespace (its pty lives in the container's /dev/pts)");

	/* The root filesystem: a directory we can pivot_root into. */
	if (c.flags & CLONE_NEWNS) {
		if (o->rootfs) {
			if (stat(o->rootfs, &sb))
				return errbuf_errno(eb, errno, "rootfs %s",
						    o->rootfs);
			if (!S_ISDIR(sb.st_mode))
				return errbuf_set(
					eb, ENOTDIR,
					"rootfs %s is not a directory",
					o->rootfs);
			if (!realpath(o->rootfs, c.rootfs))
				return errbuf_errno(eb, errno, "rootfs %s",
						    o->rootfs);
		} else {
			/* the shared cache stays pristine: read-only */
			err = container_rootfs_ensure_default(
				c.rootfs, sizeof(c.rootfs), eb);
			if (err)
				return err;
			c.rootfs_ro = true;
		}
		err = ctr_mounts_check_rootfs(c.rootfs, eb);
		if (err)
			return err;
	}

	/* Resource limits need cgroup v2 controllers, and root. */
	mode = container_cgroup_detect(mnt, sizeof(mnt));
	if (limits && mode != CONTAINER_CGROUP_UNIFIED)
		return errbuf_set(
			eb, ENOTSUP,
			"--memory/--pids/--cpus need cgroup v2 controllers; this host's cgroups are %s",
			container_cgroup_mode_name(mode));
	if (limits && c.rootless)
		return errbuf_set(
			eb, EPERM,
			"--memory/--pids/--cpus need root (rootless cgroup delegation is not supported)");

	/* a bad profile fails here, before anything exists */
	if (o->seccomp) {
		err = container_seccomp_prepare(o->seccomp_profile,
						c.flags & CLONE_NEWUSER,
						&c.seccomp, eb);
		if (err)
			return err;
	}
	err = claim_name(o, &st, eb);
	if (err)
		goto fail;
	claimed = true;
	if (o->userns && !c.rootless) {
		err = container_idmap_reserve(&st, eb);
		if (err)
			goto fail;
	}

	if (!c.rootless && mode != CONTAINER_CGROUP_NONE) {
		err = ctr_cgroup_create(o->name, cgpath, sizeof(cgpath), eb);
		if (err && (limits || mode == CONTAINER_CGROUP_UNIFIED))
			goto fail;
		if (err)
			cgpath[0] = '\0'; /* hybrid: grouping only, optional */
	}
	if (cgpath[0] && limits) {
		err = ctr_cgroup_set_limits(cgpath, o, eb);
		if (err)
			goto fail;
	}
	if (cgpath[0]) {
		cgroup_fd = open(cgpath, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cgroup_fd < 0) {
			err = errbuf_errno(eb, errno, "opening %s", cgpath);
			goto fail;
		}
	}
	/* attached before clone3: covers the child from its first instruction */
	if (!c.rootless) {
		err = ctr_devices_apply(o->name, cgroup_fd, &c.devices, eb);
		if (err)
			goto fail;
	}

	if (pipe2(syncp, O_CLOEXEC) || pipe2(errp, O_CLOEXEC)) {
		err = errbuf_errno(eb, errno, "pipe");
		goto fail;
	}
	c.sync_fd = syncp[0];
	c.err_fd = errp[1];
	if (o->tty &&
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ttyp)) {
		err = errbuf_errno(eb, errno, "socketpair");
		goto fail;
	}
	c.tty_fd = ttyp[1];
	c.parent_fds[0] = syncp[1];
	c.parent_fds[1] = errp[0];
	c.parent_fds[2] = ttyp[0];

	pid = do_clone3(c.flags, cgroup_fd);
	if (pid < 0 && errno != ENOSYS && cgroup_fd >= 0) {
		/* e.g. a v2 hierarchy that refuses CLONE_INTO_CGROUP */
		pid = do_clone3(c.flags, -1);
		if (pid > 0 && ctr_cgroup_enter(cgpath, pid, eb)) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			err = -eb->err;
			goto fail;
		}
	}
	if (pid < 0) {
		err = errbuf_errno(eb, errno,
				   errno == ENOSYS ?
					   "clone3 (needs Linux 5.8+)" :
					   "clone3 with new namespaces");
		goto fail;
	}
	if (pid == 0)
		child_main(&c);

	close(syncp[0]);
	close(errp[1]);
	syncp[0] = errp[1] = -1;
	if (ttyp[1] >= 0) {
		close(ttyp[1]);
		ttyp[1] = -1;
	}

	if (c.flags & CLONE_NEWUSER) {
		err = c.rootless ? ctr_ns_write_id_maps(pid, true, geteuid(),
							getegid(), 1, eb) :
				   ctr_ns_write_id_maps(pid, false, st.uid_base,
							st.gid_base,
							st.id_count, eb);
		if (err)
			goto fail_child;
	}
	if (o->net == CONTAINER_NET_VETH) {
		uint32_t host, peer;
		struct in_addr a;

		err = ctr_netlink_veth_create(st.veth_host,
					      sizeof(st.veth_host), "eth0", pid,
					      &slot, eb);
		if (err)
			goto fail_child;
		ctr_netlink_slot_addrs(slot, &host, &peer);
		err = ctr_netlink_addr_add(st.veth_host, host, 30, eb);
		if (!err)
			err = ctr_netlink_link_up(st.veth_host, eb);
		if (err)
			goto fail_child;
		a.s_addr = htonl(peer);
		inet_ntop(AF_INET, &a, st.ip, sizeof(st.ip));
	}

	st.pid = pid;
	st.pid_start = procfs_start_time(pid);
	st.created_ns = now_ns(CLOCK_REALTIME);
	snprintf(st.rootfs, sizeof(st.rootfs), "%s",
		 (c.flags & CLONE_NEWNS) ? c.rootfs : "/");
	snprintf(st.cgroup, sizeof(st.cgroup), "%s", cgpath);
	snprintf(st.hostname, sizeof(st.hostname), "%s",
		 (c.flags & CLONE_NEWUTS) ? o->hostname : "");
	snprintf(st.net, sizeof(st.net), "%s",
		 (c.flags & CLONE_NEWNET) ? container_net_name(o->net) :
					    "host");
	st.userns = c.flags & CLONE_NEWUSER;
	st.ns_new = c.flags;
	for (i = 0; i < CONTAINER_NS_COUNT; i++)
		procfs_ns_inode(pid, container_ns_kinds[i].name, &st.ns_ino[i]);
	err = ctr_state_write(&st, false, eb);
	if (err)
		goto fail_child;

	/* Signals that would stop the runtime are passed to pid 1. */
	forward_pid = pid;
	sa.sa_handler = forward_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 4; i++)
		sigaction(fwd[i], &sa, &old_sa[i]);

	/* Go: the sync message carries what the child cannot know yet. */
	msg = slot;
	if (write(syncp[1], &msg, sizeof(msg)) != sizeof(msg)) {
		err = errbuf_errno(eb, errno, "releasing the container");
		goto fail_child_sig;
	}
	close(syncp[1]);
	syncp[1] = -1;

	if (ttyp[0] >= 0) {
		err = ctr_console_recv(ttyp[0], &master, eb);
		if (err && err != -ENODATA)
			goto fail_child_sig;
	}
	err = ctr_payload_wait_exec(errp[0], &code, eb);
	if (!err && master >= 0)
		ctr_console_attach(master, pid);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	for (i = 0; i < 4; i++)
		sigaction(fwd[i], &old_sa[i], NULL);
	forward_pid = 0;

	res->status = status;
	res->exit_code = exit_code_from_wait(status);
	if (cgpath[0]) {
		res->have_cgroup = true;
		ctr_cgroup_read_events(cgpath, res);
	}
	if (err)
		res->fail_code = code;
	goto teardown;

fail_child_sig:
	for (i = 0; i < 4; i++)
		sigaction(fwd[i], &old_sa[i], NULL);
	forward_pid = 0;
fail_child:
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	goto teardown;
fail:
teardown:
	if (syncp[0] >= 0)
		close(syncp[0]);
	if (syncp[1] >= 0)
		close(syncp[1]);
	if (errp[0] >= 0)
		close(errp[0]);
	if (errp[1] >= 0)
		close(errp[1]);
	if (cgroup_fd >= 0)
		close(cgroup_fd);
	for (i = 0; i < 2; i++)
		if (ttyp[i] >= 0)
			close(ttyp[i]);
	if (master >= 0)
		close(master);
	if (st.veth_host[0] && ctr_netlink_link_exists(st.veth_host))
		ctr_netlink_link_del(st.veth_host, NULL);
	if (cgpath[0])
		ctr_cgroup_remove(cgpath);
	ctr_devices_release(&c.devices);
	if (claimed)
		ctr_state_remove(o->name);
	container_seccomp_free(c.seccomp);
	res->elapsed_ms = (double)(now_ns(CLOCK_MONOTONIC) - t0) / 1e6;
	return err;
}
