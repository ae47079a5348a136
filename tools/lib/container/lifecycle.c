// SPDX-License-Identifier: GPL-2.0
/* exec, kill, rm and leftover cleanup, all driven by the state files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "ctr.h"
#include "payload.h"

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int open_live(const char *name, struct container_state *st,
		     struct errbuf *eb)
{
	int err = container_state_read(name, st, eb), fd;

	if (err)
		return err;
	if (!container_state_alive(st))
		return errbuf_set(eb, ESRCH, "container '%s' is not running",
				  name);
	fd = pidfd_open_(st->pid);
	if (fd < 0)
		return errbuf_errno(eb, errno, "pidfd_open(%d)", (int)st->pid);
	/* the pid could have been reused between the check and the open */
	if (!container_state_alive(st)) {
		close(fd);
		return errbuf_set(eb, ESRCH, "container '%s' is not running",
				  name);
	}
	return fd;
}

/*
 * setns(pidfd, flags) enters all of the container's namespaces at once
 * (Linux 5.8+), user namespace first, atomically.  The pid namespace
 * applies to children only, so the payload is a child created with
 * clone3(CLONE_INTO_CGROUP) straight into the container's cgroup; the
 * cgroup directory is opened before setns changes our mount namespace.
 * The cgroup namespace is entered by the child, once it is in the leaf:
 * on an nsdelegate hierarchy (the lab VM's, systemd's) a task may move
 * only between cgroups its namespace can see (cgroup_procs_write_permission),
 * and from inside the container's namespace the runtime's own cgroup is
 * invisible, so clone3 would fail with ENOENT.  There is no fallback
 * outside the cgroup: at the --pids limit clone3 fails, and so does the
 * exec, rather than run a process beyond every limit.
 */
int container_exec(const char *name, const struct container_exec_opts *x,
		   int *status, int *fail_code, struct errbuf *eb)
{
	struct container_seccomp *filter = NULL;
	struct ctr_devices_policy dp = { .v1_tasks_fd = -1 };
	struct container_state st;
	int pidfd, cgfd = -1, errp[2] = { -1, -1 }, ttyp[2] = { -1, -1 };
	int master = -1, err, code = EXIT_RUNTIME;
	struct clone_args args = { .exit_signal = SIGCHLD };
	pid_t pid;

	*fail_code = EXIT_RUNTIME;
	pidfd = open_live(name, &st, eb);
	if (pidfd < 0)
		return pidfd;
	if (x->ngroups && geteuid() != 0) {
		err = errbuf_set(
			eb, EPERM,
			"--group-add needs root (a rootless user namespace denies setgroups)");
		goto out;
	}
	if (x->seccomp) {
		err = container_seccomp_prepare(x->seccomp_profile, st.userns,
						&filter, eb);
		if (err)
			goto out;
	}
	if (st.cgroup[0]) {
		cgfd = open(st.cgroup, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cgfd < 0) {
			err = errbuf_errno(eb, errno,
					   "opening the container's cgroup %s",
					   st.cgroup);
			goto out;
		}
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgfd;
	}
	/* the v1 devices group, opened before setns (host mount ns) */
	err = ctr_devices_v1_open(name, &dp, eb);
	if (err)
		goto out;
	if (pipe2(errp, O_CLOEXEC) ||
	    (x->tty &&
	     socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ttyp))) {
		err = errbuf_errno(eb, errno, "pipe");
		goto out;
	}
	/* the cgroup namespace last, in the child: see above */
	if (setns(pidfd, (int)(st.ns_new & ~(unsigned long)CLONE_NEWCGROUP))) {
		err = errbuf_errno(eb, errno, "setns into '%s'", name);
		goto out;
	}
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0) {
		if (errno == EAGAIN && cgfd >= 0)
			err = errbuf_set(
				eb, EAGAIN,
				"cannot start a process in '%s': its cgroup is at the pids limit (pids.max)",
				name);
		else
			err = errbuf_errno(eb, errno, "clone3 into '%s'", name);
		goto out;
	}
	if (pid == 0) {
		struct ctr_payload p = {
			.argv = x->argv,
			.hostname = st.hostname[0] ? st.hostname : NULL,
			.caps = CONTAINER_CAPS_DEFAULT | x->cap_add,
			.seccomp = filter,
			.rootless = geteuid() != 0,
			.groups = x->groups,
			.ngroups = x->ngroups,
			.preserve_fds = x->preserve_fds,
			.tty_sock = ttyp[1],
		};
		struct errbuf ceb = { 0 };

		close(errp[0]);
		if (ttyp[0] >= 0)
			close(ttyp[0]);
		if ((st.ns_new & CLONE_NEWCGROUP) &&
		    setns(pidfd, CLONE_NEWCGROUP)) {
			errbuf_errno(&ceb, errno,
				     "entering the cgroup namespace of '%s'",
				     name);
			ctr_payload_fail(errp[1], EXIT_RUNTIME, &ceb);
		}
		close(pidfd);
		if (ctr_devices_v1_join(&dp, &ceb))
			ctr_payload_fail(errp[1], EXIT_RUNTIME, &ceb);
		if (st.userns && (setresgid(0, 0, 0) || setresuid(0, 0, 0))) {
			errbuf_errno(&ceb, errno,
				     "becoming root in the user namespace");
			ctr_payload_fail(errp[1], EXIT_RUNTIME, &ceb);
		}
		ctr_payload_exec(&p, errp[1]);
	}
	close(errp[1]);
	errp[1] = -1;
	if (ttyp[1] >= 0) {
		close(ttyp[1]);
		ttyp[1] = -1;
		err = ctr_console_recv(ttyp[0], &master, eb);
		if (err && err != -ENODATA) {
			kill(pid, SIGKILL);
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			goto out;
		}
	}
	err = ctr_payload_wait_exec(errp[0], &code, eb);
	if (!err && master >= 0)
		ctr_console_attach(master, pid);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	if (err)
		*fail_code = code;
out:
	if (errp[0] >= 0)
		close(errp[0]);
	if (errp[1] >= 0)
		close(errp[1]);
	if (ttyp[0] >= 0)
		close(ttyp[0]);
	if (ttyp[1] >= 0)
		close(ttyp[1]);
	if (master >= 0)
		close(master);
	if (cgfd >= 0)
		close(cgfd);
	if (dp.v1_tasks_fd >= 0)
		close(dp.v1_tasks_fd);
	close(pidfd);
	container_seccomp_free(filter);
	return err;
}

int container_kill(const char *name, int sig, struct errbuf *eb)
{
	struct container_state st;
	int pidfd = open_live(name, &st, eb), err = 0;

	if (pidfd < 0)
		return pidfd;
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0))
		err = errbuf_errno(eb, errno, "signal %d to '%s'", sig, name);
	close(pidfd);
	return err;
}

int container_cleanup(const struct container_state *st)
{
	if (st->veth_host[0] && ctr_netlink_link_exists(st->veth_host))
		ctr_netlink_link_del(st->veth_host, NULL);
	if (st->cgroup[0])
		ctr_cgroup_remove(st->cgroup);
	ctr_devices_v1_remove(st->name);
	return ctr_state_remove(st->name);
}

int container_rm(const char *name, bool force, struct errbuf *eb)
{
	struct container_state st;
	struct pollfd pfd;
	int err, fd;

	err = container_state_read(name, &st, eb);
	if (err == -EINVAL) /* unreadable leftovers go too */
		return ctr_state_remove(name);
	if (err)
		return err;
	if (!container_state_alive(&st) && !container_state_stale(&st))
		return errbuf_set(
			eb, EBUSY,
			"container '%s' is starting or stopping: its runtime (pid %d) is at work",
			name, (int)st.runtime_pid);
	if (container_state_alive(&st)) {
		if (!force)
			return errbuf_set(
				eb, EBUSY,
				"container '%s' is running (kill it first, or rm --force)",
				name);
		fd = pidfd_open_(st.pid);
		if (fd >= 0) {
			/* a pidfd polls readable once the process exited */
			syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
			pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
			poll(&pfd, 1, 5000);
			close(fd);
		}
	}
	container_cleanup(&st);
	return 0;
}

static int cmp_state(const void *a, const void *b)
{
	return strcmp(((const struct container_state *)a)->name,
		      ((const struct container_state *)b)->name);
}

int container_list(struct container_state **out, size_t *count,
		   struct errbuf *eb)
{
	struct container_state *v = NULL, *nv;
	size_t n = 0, cap = 0;
	char dir[PATH_MAX], name[CONTAINER_NAME_MAX];
	struct dirent *de;
	DIR *d;
	int err = ctr_state_dir(dir, sizeof(dir), eb);

	if (err)
		return err;
	d = opendir(dir);
	if (!d)
		return errbuf_errno(eb, errno, "%s", dir);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct errbuf ignore;

		if (len <= 5 || strcmp(de->d_name + len - 5, ".json") ||
		    len - 5 >= sizeof(name))
			continue;
		memcpy(name, de->d_name, len - 5);
		name[len - 5] = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				err = errbuf_errno(eb, ENOMEM, "listing");
				break;
			}
			v = nv;
		}
		if (container_state_read(name, &v[n], &ignore)) {
			memset(&v[n], 0, sizeof(v[n]));
			snprintf(v[n].name, sizeof(v[n].name), "%s", name);
		}
		n++;
	}
	closedir(d);
	if (err) {
		free(v);
		return err;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_state);
	*out = v;
	*count = n;
	return 0;
}
