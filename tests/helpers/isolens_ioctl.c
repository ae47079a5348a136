// SPDX-License-Identifier: GPL-2.0
/*
 * isolens_ioctl: a small static test driver for /dev/isolens, run inside
 * the lab VM by tests/vm/module.bats.  Each subcommand prints one line per
 * result as key=value so the tests can match them; errno values print by
 * name (EPERM, ENOTTY, ...).
 *
 *   isolens_ioctl abi                  ABI version via ioctl
 *   isolens_ioctl open-as UID          drop to UID, then open: errno name
 *   isolens_ioctl open-nocap           stay uid 0 but drop CAP_SYS_ADMIN
 *   isolens_ioctl ioctls               wrong number, bad pointer, bad size,
 *                                      bad value, good calls
 *   isolens_ioctl read [-n] [-q] [-s SIZE]
 *                                      one read(): bytes or errno; -q sets
 *                                      a filter nothing matches
 *   isolens_ioctl drops N              run N short commands without reading,
 *                                      then print stats and check records
 *   isolens_ioctl block                block in read() until it fails, print
 *                                      the errno (for the unload test)
 *   isolens_ioctl pollwait             block in poll() and print revents
 *   isolens_ioctl trace CMD [ARG...]   run CMD, print the fork/exec/exit
 *                                      records of its process tree, and
 *                                      whether the header's
 *                                      namespaces match /proc/self/ns
 *   isolens_ioctl events CLASSES CMD   same, with more classes (a number);
 *                                      ns/cap/cgroup records print their
 *                                      payload
 *   isolens_ioctl fuzz N               N random ioctls and read sizes
 *   isolens_ioctl clone-ns             clone(CLONE_NEWUTS) a child, print it
 *   isolens_ioctl stats                GET_STATS fields
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <linux/isolens.h>

#define DEV "/dev/" ISOLENS_DEVICE_NAME

static const char *errname(int e)
{
	switch (e) {
	case 0:
		return "OK";
	case EPERM:
		return "EPERM";
	case EACCES:
		return "EACCES";
	case ENOENT:
		return "ENOENT";
	case ENODEV:
		return "ENODEV";
	case ENXIO:
		return "ENXIO";
	case ENOTTY:
		return "ENOTTY";
	case EFAULT:
		return "EFAULT";
	case EINVAL:
		return "EINVAL";
	case EAGAIN:
		return "EAGAIN";
	case EINTR:
		return "EINTR";
	case EBUSY:
		return "EBUSY";
	default:
		return "EOTHER";
	}
}

static int open_dev(int flags)
{
	int fd = open(DEV, O_RDONLY | O_CLOEXEC | flags);

	if (fd < 0) {
		printf("open=%s\n", errname(errno));
		exit(1);
	}
	return fd;
}

static void report(const char *what, int ret)
{
	printf("%s=%s\n", what, ret < 0 ? errname(errno) : "OK");
}

static int cmd_abi(void)
{
	int fd = open_dev(0);
	__u32 v = 0;

	if (ioctl(fd, ISOLENS_IOC_ABI_VERSION, &v) < 0) {
		report("abi", -1);
		return 1;
	}
	printf("abi=%u\n", v);
	return 0;
}

static int cmd_open_as(const char *uid_s)
{
	uid_t uid = (uid_t)strtoul(uid_s, NULL, 10);
	int fd;

	if (setgroups(0, NULL) || setgid(uid) || setuid(uid)) {
		perror("drop privileges");
		return 2;
	}
	fd = open(DEV, O_RDONLY);
	printf("open=%s\n", fd < 0 ? errname(errno) : "OK");
	return fd < 0 ? 1 : 0;
}

static int cmd_open_nocap(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];
	int fd;

	if (syscall(SYS_capget, &h, d))
		return 2;
	d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &h, d)) {
		perror("capset");
		return 2;
	}
	fd = open(DEV, O_RDONLY);
	printf("open=%s\n", fd < 0 ? errname(errno) : "OK");
	return fd < 0 ? 1 : 0;
}

static int cmd_ioctls(void)
{
	struct isolens_filter f = { 0 };
	struct isolens_stats st;
	int fd = open_dev(0);
	__u32 v;

	report("wrong_nr", ioctl(fd, _IOR(ISOLENS_IOC_MAGIC, 99, __u32), &v));
	report("wrong_magic", ioctl(fd, _IOR('x', 1, __u32), &v));
	report("bad_ptr_abi", ioctl(fd, ISOLENS_IOC_ABI_VERSION, (void *)8));
	report("bad_ptr_filter", ioctl(fd, ISOLENS_IOC_SET_FILTER, (void *)8));
	report("bad_ptr_stats", ioctl(fd, ISOLENS_IOC_GET_STATS, (void *)8));
	report("bad_size", ioctl(fd, _IOR(ISOLENS_IOC_MAGIC, 1, __u64), &v));
	report("bad_dir",
	       ioctl(fd, _IOW(ISOLENS_IOC_MAGIC, 3, struct isolens_stats),
		     &st));
	f.classes = 1U << 31;
	report("bad_classes", ioctl(fd, ISOLENS_IOC_SET_FILTER, &f));
	f.classes = ISOLENS_CLASS_PROC;
	report("good_filter", ioctl(fd, ISOLENS_IOC_SET_FILTER, &f));
	report("good_stats", ioctl(fd, ISOLENS_IOC_GET_STATS, &st));
	report("good_abi", ioctl(fd, ISOLENS_IOC_ABI_VERSION, &v));
	return 0;
}

static int cmd_read(int argc, char **argv)
{
	size_t size = sizeof(struct isolens_event) * 16;
	struct isolens_filter none = { .cgroup_id = ~0ULL };
	int flags = 0, opt, quiet = 0;
	ssize_t n;
	char *buf;
	int fd;

	while ((opt = getopt(argc, argv, "nqs:")) != -1) {
		if (opt == 'n')
			flags |= O_NONBLOCK;
		else if (opt == 'q')
			quiet = 1;
		else if (opt == 's')
			size = strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	fd = open_dev(flags);
	if (quiet && ioctl(fd, ISOLENS_IOC_SET_FILTER, &none))
		return 1;
	buf = malloc(size + 1);
	n = read(fd, buf, size);
	if (n < 0)
		printf("read=%s\n", errname(errno));
	else
		printf("read=%zd\n", n);
	return n < 0;
}

static int cmd_block(void)
{
	char buf[4096];
	ssize_t n;
	int fd = open_dev(0);

	printf("blocking\n");
	fflush(stdout);
	/* Drain whatever arrives; the unload makes read() fail. */
	do
		n = read(fd, buf, sizeof(buf));
	while (n > 0);
	printf("read=%s\n", n < 0 ? errname(errno) : "EOF");
	return 0;
}

static int cmd_pollwait(void)
{
	char buf[4096];
	struct pollfd p;
	int fd = open_dev(O_NONBLOCK);

	printf("polling\n");
	fflush(stdout);
	for (;;) {
		p.fd = fd;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, -1) < 0) {
			printf("poll=%s\n", errname(errno));
			return 1;
		}
		if (p.revents & (POLLERR | POLLHUP))
			break;
		while (read(fd, buf, sizeof(buf)) > 0)
			;
	}
	printf("revents=%s%s\n", p.revents & POLLERR ? "ERR" : "",
	       p.revents & POLLHUP ? "HUP" : "");
	return 0;
}

static __u32 ns_ino(const char *name)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	return stat(path, &st) ? 0 : (__u32)st.st_ino;
}

static const char *kind_name(unsigned int kind)
{
	switch (kind) {
	case ISOLENS_EV_FORK:
		return "fork";
	case ISOLENS_EV_EXEC:
		return "exec";
	case ISOLENS_EV_EXIT:
		return "exit";
	case ISOLENS_EV_CLONE:
		return "clone";
	case ISOLENS_EV_UNSHARE:
		return "unshare";
	case ISOLENS_EV_SETNS:
		return "setns";
	case ISOLENS_EV_NS_SWITCH:
		return "ns_switch";
	case ISOLENS_EV_CAP_CHECK:
		return "cap_check";
	case ISOLENS_EV_CGROUP_MKDIR:
		return "cgroup_mkdir";
	case ISOLENS_EV_CGROUP_RMDIR:
		return "cgroup_rmdir";
	case ISOLENS_EV_CGROUP_ATTACH:
		return "cgroup_attach";
	case ISOLENS_EV_CGROUP_TRANSFER:
		return "cgroup_transfer";
	case ISOLENS_EV_OOM_KILL:
		return "oom_kill";
	case ISOLENS_EV_KVM_ENTRY:
		return "kvm_entry";
	case ISOLENS_EV_KVM_EXIT:
		return "kvm_exit";
	case ISOLENS_EV_KVM_USERSPACE_EXIT:
		return "kvm_userspace_exit";
	case ISOLENS_EV_KVM_PIO:
		return "kvm_pio";
	case ISOLENS_EV_KVM_MMIO:
		return "kvm_mmio";
	default:
		return "other";
	}
}

/* The command's process tree, as fork records reveal it. */
static __u32 tree[256];
static unsigned int tree_len;

static void track(__u32 pid)
{
	if (tree_len < sizeof(tree) / sizeof(tree[0]))
		tree[tree_len++] = pid;
}

static int traced(__u32 pid)
{
	for (unsigned int i = 0; i < tree_len; i++)
		if (tree[i] == pid)
			return 1;
	return 0;
}

/* Which namespaces differ between two sets, as a list of names. */
static const char *ns_diff(const struct isolens_ns_set *a,
			   const struct isolens_ns_set *b)
{
	static char out[64];

	out[0] = 0;
#define NS_DIFF(f)        \
	if (a->f != b->f) \
	strcat(strcat(out, out[0] ? "," : ""), #f)
	NS_DIFF(mnt);
	NS_DIFF(pid);
	NS_DIFF(net);
	NS_DIFF(uts);
	NS_DIFF(ipc);
	NS_DIFF(user);
	NS_DIFF(cgroup);
	NS_DIFF(time);
#undef NS_DIFF
	return out[0] ? out : "none";
}

static void print_other(const struct isolens_event *ev,
			const struct isolens_ns_set *self)
{
	printf("event=%s pid=%u comm=%.16s ", kind_name(ev->hdr.kind),
	       ev->hdr.pid, ev->hdr.comm);
	switch (ev->hdr.kind) {
	case ISOLENS_EV_CLONE:
	case ISOLENS_EV_UNSHARE:
	case ISOLENS_EV_SETNS:
		printf("flags=0x%llx ret=%lld fd=%d ns_changed=%s\n",
		       (unsigned long long)ev->ns_op.flags,
		       (long long)ev->ns_op.ret, ev->ns_op.fd,
		       ns_diff(&ev->hdr.ns, self));
		break;
	case ISOLENS_EV_NS_SWITCH:
		printf("switched=%s\n",
		       ns_diff(&ev->hdr.ns, &ev->ns_switch.old_ns));
		break;
	case ISOLENS_EV_CAP_CHECK:
		printf("cap=%u userns_is_own=%d ret=%d\n", ev->cap.cap,
		       ev->cap.target_userns == ev->hdr.ns.user, ev->cap.ret);
		break;
	case ISOLENS_EV_KVM_ENTRY:
	case ISOLENS_EV_KVM_EXIT:
	case ISOLENS_EV_KVM_USERSPACE_EXIT:
	case ISOLENS_EV_KVM_PIO:
	case ISOLENS_EV_KVM_MMIO:
		printf("vm_pid=%u vcpu=%u isa=%u reason=0x%llx dir=%u info1=0x%llx info2=0x%llx len=%u count=%u\n",
		       ev->kvm.vm_pid, ev->kvm.vcpu_id, ev->kvm.isa,
		       (unsigned long long)ev->kvm.exit_reason, ev->kvm.dir,
		       (unsigned long long)ev->kvm.info1,
		       (unsigned long long)ev->kvm.info2, ev->kvm.len,
		       ev->kvm.count);
		break;
	default:
		printf("cgroup_id=%llu level=%u target=%u path=%s\n",
		       (unsigned long long)ev->cgroup.id, ev->cgroup.level,
		       ev->cgroup.target_pid, ev->cgroup.path);
		break;
	}
}

static int cmd_trace(__u32 classes, char **cmd)
{
	struct isolens_filter f = { .classes = classes };
	struct isolens_ns_set self = {
		.mnt = ns_ino("mnt"),
		.pid = ns_ino("pid"),
		.net = ns_ino("net"),
		.uts = ns_ino("uts"),
		.ipc = ns_ino("ipc"),
		.user = ns_ino("user"),
		.cgroup = ns_ino("cgroup"),
		.time = ns_ino("time"),
	};
	static char buf[1 << 16];
	int fd = open_dev(O_NONBLOCK);
	int status, go[2];
	pid_t child;
	ssize_t n;

	if (ioctl(fd, ISOLENS_IOC_SET_FILTER, &f) || pipe(go))
		return 1;
	track(getpid()); /* our fork record names the child */
	child = fork();
	if (child == 0) {
		char c;

		close(go[1]);
		/* Start only once the parent knows our pid. */
		if (read(go[0], &c, 1) != 1)
			_exit(126);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(go[0]);
	printf("child=%d\n", child);
	track(child);
	if (write(go[1], "x", 1) != 1)
		return 1;
	waitpid(child, &status, 0);
	printf("status=%d\n", WEXITSTATUS(status));

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct isolens_event *ev = (void *)(buf + off);

			if (ev->hdr.size < sizeof(ev->hdr) ||
			    off + ev->hdr.size > n) {
				printf("bad_record_size=%u\n", ev->hdr.size);
				return 1;
			}
			off += ev->hdr.size;
			if (!traced(ev->hdr.pid))
				continue;
			if (ev->hdr.kind == ISOLENS_EV_FORK)
				track(ev->proc.child_pid);
			if (ev->hdr.kind > ISOLENS_EV_EXIT) {
				print_other(ev, &self);
				continue;
			}
			printf("event=%s pid=%u ns_pid=%u comm=%.16s child=%u code=%d file=%s ns_match=%d cgroup=%llu\n",
			       kind_name(ev->hdr.kind), ev->hdr.pid,
			       ev->hdr.ns_pid, ev->hdr.comm, ev->proc.child_pid,
			       ev->proc.exit_code,
			       ev->hdr.kind == ISOLENS_EV_EXEC ?
				       ev->proc.filename :
				       "-",
			       !memcmp(&ev->hdr.ns, &self, sizeof(self)),
			       (unsigned long long)ev->hdr.cgroup_id);
		}
	}
	if (n < 0 && errno != EAGAIN)
		printf("read=%s\n", errname(errno));
	return 0;
}

/* Fill the ring without reading it, then check the counters and records. */
static int cmd_drops(unsigned long n)
{
	struct isolens_filter f = { .classes = ISOLENS_CLASS_PROC };
	static char buf[1 << 20];
	unsigned long i, records = 0, bad = 0;
	struct isolens_stats st;
	int fd = open_dev(O_NONBLOCK);
	ssize_t got;

	if (ioctl(fd, ISOLENS_IOC_SET_FILTER, &f))
		return 1;
	for (i = 0; i < n; i++) {
		pid_t p = fork();

		if (p == 0)
			_exit(0);
		waitpid(p, NULL, 0);
	}
	if (ioctl(fd, ISOLENS_IOC_GET_STATS, &st))
		return 1;
	while ((got = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < got;) {
			struct isolens_event *ev = (void *)(buf + off);

			if (ev->hdr.size != sizeof(*ev) ||
			    ev->hdr.kind < ISOLENS_EV_FORK ||
			    ev->hdr.kind > ISOLENS_EV_EXIT)
				bad++;
			if (!ev->hdr.size)
				break;
			off += ev->hdr.size;
			records++;
		}
	}
	printf("events=%llu drops=%llu records=%lu bad=%lu\n",
	       (unsigned long long)st.events, (unsigned long long)st.drops,
	       records, bad);
	return 0;
}

/* clone(CLONE_NEWUTS): a namespace made by clone, not by unshare. */
static int cmd_clone_ns(void)
{
	long pid = syscall(SYS_clone, CLONE_NEWUTS | SIGCHLD, NULL, NULL, NULL,
			   NULL);

	if (pid < 0) {
		printf("clone=%s\n", errname(errno));
		return 1;
	}
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	printf("clone_child=%ld\n", pid);
	return 0;
}

static int cmd_stats(void)
{
	struct isolens_stats st;
	int fd = open_dev(0);

	if (ioctl(fd, ISOLENS_IOC_GET_STATS, &st) < 0) {
		report("stats", -1);
		return 1;
	}
	printf("events=%llu drops=%llu total=%llu readers=%u\n",
	       (unsigned long long)st.events, (unsigned long long)st.drops,
	       (unsigned long long)st.total_events, st.readers);
	return 0;
}

/* Random commands, pointers and read sizes: the kernel must survive. */
static int cmd_fuzz(unsigned long rounds)
{
	static char buf[8192];
	int fd = open_dev(O_NONBLOCK);
	unsigned long i, bad = 0;

	srand(getpid());
	for (i = 0; i < rounds; i++) {
		unsigned int nr = rand() % 8;
		unsigned int size = rand() % 64;
		unsigned int dir = rand() % 4;
		unsigned long cmd = _IOC(dir, ISOLENS_IOC_MAGIC, nr, size);
		/* Our buffer, an unmapped low page, or a kernel address:
		 * never a random user address that could hit our own data.
		 */
		void *arg = (rand() & 1) ? (void *)buf :
			    (rand() & 1) ? (void *)(uintptr_t)(rand() % 4096) :
					   (void *)(0xffff800000000000UL +
						    (unsigned)rand());

		if (rand() & 1)
			memset(buf, rand(), 64);
		if (ioctl(fd, cmd, arg) == 0 &&
		    cmd != ISOLENS_IOC_ABI_VERSION &&
		    cmd != ISOLENS_IOC_SET_FILTER &&
		    cmd != ISOLENS_IOC_GET_STATS)
			bad++;
		if (read(fd, buf, rand() % sizeof(buf)) > 0 &&
		    ((struct isolens_event *)buf)->hdr.size == 0)
			bad++;
	}
	printf("fuzz_rounds=%lu unexpected=%lu\n", rounds, bad);
	return bad != 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		goto usage;
	if (!strcmp(argv[1], "abi"))
		return cmd_abi();
	if (!strcmp(argv[1], "open-as") && argc == 3)
		return cmd_open_as(argv[2]);
	if (!strcmp(argv[1], "open-nocap"))
		return cmd_open_nocap();
	if (!strcmp(argv[1], "drops") && argc == 3)
		return cmd_drops(strtoul(argv[2], NULL, 0));
	if (!strcmp(argv[1], "ioctls"))
		return cmd_ioctls();
	if (!strcmp(argv[1], "read"))
		return cmd_read(argc - 1, argv + 1);
	if (!strcmp(argv[1], "block"))
		return cmd_block();
	if (!strcmp(argv[1], "pollwait"))
		return cmd_pollwait();
	if (!strcmp(argv[1], "trace") && argc > 2)
		return cmd_trace(ISOLENS_CLASS_PROC, argv + 2);
	if (!strcmp(argv[1], "events") && argc > 3)
		return cmd_trace(ISOLENS_CLASS_PROC | strtoul(argv[2], NULL, 0),
				 argv + 3);
	if (!strcmp(argv[1], "stats"))
		return cmd_stats();
	if (!strcmp(argv[1], "clone-ns"))
		return cmd_clone_ns();
	if (!strcmp(argv[1], "fuzz") && argc == 3)
		return cmd_fuzz(strtoul(argv[2], NULL, 0));
usage:
	fprintf(stderr,
		"usage: isolens_ioctl abi|open-as UID|open-nocap|ioctls|read [-n] [-q] [-s SIZE]|drops N|block|pollwait|trace CMD...|events CLASSES CMD...|stats|clone-ns|fuzz N\n");
	return 2;
}
