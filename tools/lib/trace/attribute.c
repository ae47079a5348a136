// SPDX-License-Identifier: GPL-2.0
/* Attribution of events to containers and VMs; see attribute.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "base/clock.h"
#include "base/procfs.h"
#include "base/util.h"
#include "container/container.h"
#include "trace/attribute.h"
#include "trace/decode.h"

#define PID_CACHE 4096 /* power of two */
#define NS_CACHE 256

struct pid_slot {
	pid_t pid;
	struct isolens_ns_set ns; /* the context changes with any of them */
	struct trace_context ctx;
};

struct ns_slot {
	uint32_t pidns;
	struct trace_context ctx;
};

/* Processes of one container share their namespace set. */
struct nsset_slot {
	struct isolens_ns_set ns;
	struct trace_context ctx;
};
#define NSSET_CACHE 256

struct tid_vcpu {
	pid_t tid;
	int vcpu;
};

struct attrib {
	struct isolens_ns_set host;
	struct container_state *ctrs;
	size_t nctrs;
	struct attrib_vm *vms;
	size_t nvms;
	struct pid_slot pids[PID_CACHE];
	struct ns_slot nss[NS_CACHE];
	size_t nnss;
	struct nsset_slot sets[NSSET_CACHE];
	size_t nsets, next_set;
	struct tid_vcpu tv[1024];
	size_t ntv;
	char self_exe[PATH_MAX];
	uint64_t last_vm_scan_ms;
	uint64_t last_ctr_scan_ms;
};

static const char *const ns_names[8] = { "mnt", "pid",	"net",	  "uts",
					 "ipc", "user", "cgroup", "time" };

static uint64_t now_ms(void)
{
	return mono_ns() / 1000000;
}

int ns_set_read(pid_t pid, struct isolens_ns_set *ns)
{
	uint32_t *v = &ns->mnt;
	uint64_t ino;
	int i, ok = 0;

	for (i = 0; i < 8; i++) {
		v[i] = 0;
		/* pid 0 is no process here, not procfs' "this process" */
		if (pid > 0 && !procfs_ns_inode(pid, ns_names[i], &ino)) {
			v[i] = ino;
			ok++;
		}
	}
	return ok ? 0 : -ENOENT;
}

int ns_set_diff(const struct isolens_ns_set *ns,
		const struct isolens_ns_set *host, char *buf, size_t len)
{
	const uint32_t *a = &ns->mnt, *b = &host->mnt;
	size_t pos = 0;
	int i, n = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < 8; i++) {
		/* 0: unknown on this kernel (e.g. no time namespaces) */
		if (!a[i] || !b[i] || a[i] == b[i])
			continue;
		if (pos < len)
			pos += snprintf(buf + pos, len - pos, "%s%s",
					n ? "," : "", ns_names[i]);
		n++;
	}
	return n;
}

static bool is_hex_id(const char *s, size_t n)
{
	size_t i;

	if (n < 12)
		return false;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* "<prefix><id><suffix>" with a hex id: copy the id. */
static bool match_wrapped(const char *comp, size_t clen, const char *prefix,
			  const char *suffix, bool hex, char *id, size_t idlen)
{
	size_t pl = strlen(prefix), sl = strlen(suffix), n;

	if (clen <= pl + sl || strncmp(comp, prefix, pl) ||
	    strncmp(comp + clen - sl, suffix, sl))
		return false;
	n = clen - pl - sl;
	if (hex && !is_hex_id(comp + pl, n))
		return false;
	snprintf(id, idlen, "%.*s", (int)n, comp + pl);
	return true;
}

static void unescape_systemd(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		unsigned int ch;

		if (r[0] == '\\' && r[1] == 'x' &&
		    sscanf(r + 2, "%2x", &ch) == 1) {
			*w++ = ch;
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

int cgroup_path_container(const char *path, char *runtime, size_t rlen,
			  char *id, size_t idlen)
{
	static const struct {
		const char *prefix, *suffix, *runtime;
		bool hex;
	} wrapped[] = {
		{ "docker-", ".scope", "docker", true },
		{ "libpod-conmon-", ".scope", "podman", true },
		{ "libpod-", ".scope", "podman", true },
		{ "libpod-", "", "podman", true },
		{ "cri-containerd-", ".scope", "containerd", true },
		{ "crio-conmon-", ".scope", "cri-o", true },
		{ "crio-", ".scope", "cri-o", true },
		{ "runc-", ".scope", "runc", false },
		{ "libcrun-", ".scope", "crun", false },
		{ "crun-", ".scope", "crun", false },
		{ "machine-", ".scope", "systemd-nspawn", false },
		{ "lxc.payload.", "", "lxc", false },
	};
	const char *comp[64];
	size_t clen[64], nc = 0, i, k;
	const char *p = path;

	/* split into components, deepest last */
	while (*p && nc < 64) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		comp[nc] = p;
		clen[nc] = strcspn(p, "/");
		p += clen[nc];
		nc++;
	}
	for (i = nc; i-- > 0;) {
		for (k = 0; k < ARRAY_SIZE(wrapped); k++) {
			if (!match_wrapped(comp[i], clen[i], wrapped[k].prefix,
					   wrapped[k].suffix, wrapped[k].hex,
					   id, idlen))
				continue;
			snprintf(runtime, rlen, "%s", wrapped[k].runtime);
			if (!strcmp(wrapped[k].runtime, "systemd-nspawn"))
				unescape_systemd(id);
			return 1;
		}
		/* cgroupfs drivers: /docker/<id>, /lxc/<name> */
		if (i > 0 && is_hex_id(comp[i], clen[i]) && clen[i - 1] == 6 &&
		    !strncmp(comp[i - 1], "docker", 6)) {
			snprintf(runtime, rlen, "docker");
			snprintf(id, idlen, "%.*s", (int)clen[i], comp[i]);
			return 1;
		}
		if (i > 0 && clen[i - 1] == 3 &&
		    !strncmp(comp[i - 1], "lxc", 3)) {
			snprintf(runtime, rlen, "lxc");
			snprintf(id, idlen, "%.*s", (int)clen[i], comp[i]);
			return 1;
		}
	}
	return 0;
}

int vcpu_index_from_comm(const char *comm)
{
	int idx;

	if (sscanf(comm, "CPU %d/KVM", &idx) == 1) /* QEMU */
		return idx;
	if (sscanf(comm, "fc_vcpu %d", &idx) == 1) /* Firecracker */
		return idx;
	if (sscanf(comm, "vcpu%d", &idx) == 1 || /* isolens, kvmtool */
	    sscanf(comm, "vcpu %d", &idx) == 1)
		return idx;
	return -1;
}

static int read_small(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n;
}

/* Name a VMM: isolens' own "--name X", else comm-pid. */
static void vm_identify(struct attrib *a, struct attrib_vm *vm)
{
	char path[64], exe[PATH_MAX], cmd[4096];
	ssize_t n;
	int len, i;

	procfs_comm(vm->pid, vm->pid, vm->comm, sizeof(vm->comm));
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)vm->pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	vm->own = a->self_exe[0] && !strcmp(exe, a->self_exe);
	if (vm->own)
		snprintf(vm->runtime, sizeof(vm->runtime), "isolens");
	else if (strstr(exe, "qemu"))
		snprintf(vm->runtime, sizeof(vm->runtime), "qemu");
	else if (strstr(exe, "firecracker"))
		snprintf(vm->runtime, sizeof(vm->runtime), "firecracker");
	else
		snprintf(vm->runtime, sizeof(vm->runtime), "kvm");
	snprintf(vm->name, sizeof(vm->name), "%s-%d", vm->comm, (int)vm->pid);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)vm->pid);
	len = read_small(path, cmd, sizeof(cmd));
	for (i = 0; len > 0 && i < len; i += strlen(cmd + i) + 1) {
		const char *arg = cmd + i, *next = cmd + i + strlen(arg) + 1;

		/* isolens vm run --name X, qemu -name X[,opts] */
		if ((!strcmp(arg, "--name") || !strcmp(arg, "-name")) &&
		    next < cmd + len) {
			snprintf(vm->name, sizeof(vm->name), "%.*s",
				 (int)strcspn(next, ","), next);
			break;
		}
	}
}

/*
 * A thread blocked in ioctl(vcpu_fd, KVM_RUN) shows it in
 * /proc/PID/task/TID/syscall ("16 0x<fd> 0xae80 ..."); the fd's link
 * "anon_inode:kvm-vcpu:N" gives the index.  For VMMs that leave their
 * threads unnamed (QEMU without debug-threads=on).
 */
static int vcpu_index_from_syscall(pid_t pid, pid_t tid)
{
	char path[96], buf[256], link[64];
	unsigned long nr, fd, cmd;
	ssize_t n;
	int idx;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)pid,
		 (int)tid);
	if (read_small(path, buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "%lu 0x%lx 0x%lx", &nr, &fd, &cmd) != 3 ||
	    nr != SYS_ioctl || cmd != KVM_RUN)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/fd/%lu", (int)pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return -1;
	link[n] = '\0';
	if (sscanf(link, "anon_inode:kvm-vcpu:%d", &idx) != 1)
		return -1;
	return idx;
}

/* vCPU threads: by their names, else by the KVM_RUN they sleep in. */
static void vm_threads(struct attrib_vm *vm)
{
	char path[64], comm[32];
	struct dirent *de;
	DIR *d;

	vm->nvcpu = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)vm->pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) && vm->nvcpu < ATTRIB_VCPU_MAX) {
		pid_t tid = atoi(de->d_name);
		int idx;

		if (tid <= 0)
			continue;
		procfs_comm(vm->pid, tid, comm, sizeof(comm));
		idx = vcpu_index_from_comm(comm);
		if (idx < 0)
			idx = vcpu_index_from_syscall(vm->pid, tid);
		if (idx < 0)
			continue;
		vm->vcpu_tid[vm->nvcpu] = tid;
		vm->vcpu_idx[vm->nvcpu] = idx;
		vm->nvcpu++;
	}
	closedir(d);
}

/* Does PID hold a kvm-vm fd?  Counts its kvm-vcpu fds too. */
static bool holds_kvm_vm(pid_t pid, int *nvcpu_fds)
{
	char path[64], link[64];
	struct dirent *de;
	bool vm = false;
	DIR *d;

	*nvcpu_fds = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return false;
	while ((de = readdir(d))) {
		char fdpath[600];
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(fdpath, sizeof(fdpath), "%s/%s", path, de->d_name);
		n = readlink(fdpath, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (!strcmp(link, "anon_inode:kvm-vm"))
			vm = true;
		else if (!strncmp(link, "anon_inode:kvm-vcpu", 19))
			(*nvcpu_fds)++;
	}
	closedir(d);
	return vm;
}

static void vms_scan(struct attrib *a)
{
	struct attrib_vm *v = NULL, *nv;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir("/proc");

	a->last_vm_scan_ms = now_ms();
	if (!d)
		return;
	while ((de = readdir(d))) {
		pid_t pid = atoi(de->d_name);
		int nfds;

		if (pid <= 0 || !holds_kvm_vm(pid, &nfds))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		memset(&v[n], 0, sizeof(v[n]));
		v[n].pid = pid;
		v[n].nvcpu_fds = nfds;
		vm_identify(a, &v[n]);
		vm_threads(&v[n]);
		n++;
	}
	closedir(d);
	free(a->vms);
	a->vms = v;
	a->nvms = n;
}

static void ctrs_load(struct attrib *a)
{
	struct errbuf eb;

	a->last_ctr_scan_ms = now_ms();
	free(a->ctrs);
	a->ctrs = NULL;
	a->nctrs = 0;
	if (container_list(&a->ctrs, &a->nctrs, &eb)) {
		a->ctrs = NULL;
		a->nctrs = 0;
	}
}

void attrib_refresh(struct attrib *a)
{
	ctrs_load(a);
	vms_scan(a);
}

int attrib_open(struct attrib **out, struct errbuf *eb)
{
	struct attrib *a = calloc(1, sizeof(*a));
	ssize_t n;

	*out = NULL;
	if (!a)
		return errbuf_errno(eb, ENOMEM, "attribution");
	/*
	 * "The host" is pid 1's namespaces; where pid 1 is out of reach (a
	 * sandbox), the tracer's own, which is where it normally runs.
	 */
	if (ns_set_read(1, &a->host) && ns_set_read(getpid(), &a->host)) {
		free(a);
		return errbuf_set(
			eb, EPERM,
			"cannot read /proc/1/ns or /proc/self/ns: the host's namespaces are needed to attribute events");
	}
	n = readlink("/proc/self/exe", a->self_exe, sizeof(a->self_exe) - 1);
	a->self_exe[n > 0 ? n : 0] = '\0';
	attrib_refresh(a);
	*out = a;
	return 0;
}

void attrib_close(struct attrib *a)
{
	if (!a)
		return;
	free(a->ctrs);
	free(a->vms);
	free(a);
}

const struct isolens_ns_set *attrib_host_ns(struct attrib *a)
{
	return &a->host;
}

size_t attrib_vms(struct attrib *a, const struct attrib_vm **vms)
{
	*vms = a->vms;
	return a->nvms;
}

static struct attrib_vm *vm_by_pid(struct attrib *a, pid_t pid)
{
	size_t i;

	for (i = 0; i < a->nvms; i++)
		if (a->vms[i].pid == pid)
			return &a->vms[i];
	return NULL;
}

const struct attrib_vm *attrib_find_vm(struct attrib *a, const char *name)
{
	char *end;
	long pid = strtol(name, &end, 10);
	size_t i;

	for (i = 0; i < a->nvms; i++)
		if (!strcmp(a->vms[i].name, name) ||
		    (!*end && a->vms[i].pid == pid))
			return &a->vms[i];
	return NULL;
}

/* An isolens container owns the event if every namespace it made matches. */
static const struct container_state *ctr_by_ns(struct attrib *a,
					       const struct isolens_ns_set *ns)
{
	size_t i;
	int k;

	for (i = 0; i < a->nctrs; i++) {
		const struct container_state *c = &a->ctrs[i];
		int checked = 0, ok = 1;

		if (c->pid <= 0)
			continue;
		for (k = 0; k < CONTAINER_NS_COUNT; k++) {
			if (!(c->ns_new & container_ns_kinds[k].flag) ||
			    !c->ns_ino[k])
				continue;
			checked++;
			if (c->ns_ino[k] != container_ns_in_set(ns, k))
				ok = 0;
		}
		if (checked && ok)
			return c;
	}
	return NULL;
}

/* runc and crun keep one state directory per container id. */
static bool runtime_state_pid(const char *dir, const char *file,
			      const char *key, pid_t pid, char *id,
			      size_t idlen)
{
	char path[PATH_MAX], buf[16384];
	struct dirent *de;
	bool found = false;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", dir, de->d_name, file);
		if (read_small(path, buf, sizeof(buf)) <= 0)
			continue;
		p = strstr(buf, key);
		if (p && atoi(p + strlen(key)) == pid) {
			snprintf(id, idlen, "%.100s", de->d_name);
			found = true;
		}
	}
	closedir(d);
	return found;
}

/* Foreign containers: runtime state of the process, else its cgroups. */
static bool foreign_container(pid_t pid, struct trace_context *ctx)
{
	char path[64], buf[8192], id[128], rt[24];
	char *line, *save = NULL;
	pid_t p = pid;
	int depth;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return false;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *cg = strchr(line, ':');

		cg = cg ? strchr(cg + 1, ':') : NULL;
		if (cg && cgroup_path_container(cg + 1, rt, sizeof(rt), id,
						sizeof(id))) {
			ctx->type = TRACE_CTX_CONTAINER;
			snprintf(ctx->runtime, sizeof(ctx->runtime), "%s", rt);
			snprintf(ctx->name, sizeof(ctx->name), "%s:%.12s", rt,
				 id);
			return true;
		}
	}
	/* a runc/crun container's init, or one of its descendants */
	for (depth = 0; depth < 16 && p > 1; depth++) {
		struct procfs_stat ps;

		bool runc = runtime_state_pid("/run/runc", "state.json",
					      "\"init_process_pid\":", p, id,
					      sizeof(id));

		if (runc || runtime_state_pid("/run/crun", "status",
					      "\"pid\": ", p, id, sizeof(id))) {
			ctx->type = TRACE_CTX_CONTAINER;
			snprintf(ctx->runtime, sizeof(ctx->runtime), "%s",
				 runc ? "runc" : "crun");
			snprintf(ctx->name, sizeof(ctx->name), "%.20s:%.64s",
				 ctx->runtime, id);
			return true;
		}
		if (procfs_stat(p, &ps))
			break;
		p = ps.ppid;
	}
	return false;
}

static int vcpu_of_tid(struct attrib *a, struct attrib_vm *vm, pid_t tid)
{
	size_t i;
	int k;

	for (i = 0; i < a->ntv; i++)
		if (a->tv[i].tid == tid)
			return a->tv[i].vcpu;
	for (k = 0; vm && k < vm->nvcpu; k++)
		if (vm->vcpu_tid[k] == tid)
			return vm->vcpu_idx[k];
	return -1;
}

static void learn_vcpu(struct attrib *a, pid_t tid, int vcpu)
{
	size_t i;

	for (i = 0; i < a->ntv; i++) {
		if (a->tv[i].tid == tid) {
			a->tv[i].vcpu = vcpu;
			return;
		}
	}
	if (a->ntv < ARRAY_SIZE(a->tv)) {
		a->tv[a->ntv].tid = tid;
		a->tv[a->ntv].vcpu = vcpu;
		a->ntv++;
	}
}

int attrib_vcpu(struct attrib *a, const struct isolens_event *e)
{
	int vcpu = event_thread_vcpu(e);

	if (vcpu >= 0)
		learn_vcpu(a, e->hdr.tid, vcpu);
	return vcpu_of_tid(a, vm_by_pid(a, e->hdr.pid), e->hdr.tid);
}

static bool attrib_vm_event(struct attrib *a, const struct isolens_event *e,
			    struct trace_context *out)
{
	bool kvm = isolens_kind_class(e->hdr.kind) == ISOLENS_CLASS_KVM;
	struct attrib_vm *vm = vm_by_pid(a, e->hdr.pid);

	if (!vm && kvm && now_ms() - a->last_vm_scan_ms > 200) {
		vms_scan(a);
		vm = vm_by_pid(a, e->hdr.pid);
	}
	if (!vm && !kvm)
		return false;
	out->type = TRACE_CTX_VM;
	out->vcpu = attrib_vcpu(a, e);
	if (vm) {
		out->own = vm->own;
		snprintf(out->name, sizeof(out->name), "%s", vm->name);
		snprintf(out->runtime, sizeof(out->runtime), "%s", vm->runtime);
	} else {
		/* a VMM gone from /proc already: remember it from the record */
		struct attrib_vm *nv =
			realloc(a->vms, (a->nvms + 1) * sizeof(*nv));

		snprintf(out->name, sizeof(out->name), "%.16s-%u", e->hdr.comm,
			 e->hdr.pid);
		snprintf(out->runtime, sizeof(out->runtime), "kvm");
		if (nv) {
			a->vms = nv;
			vm = &a->vms[a->nvms++];
			memset(vm, 0, sizeof(*vm));
			vm->pid = e->hdr.pid;
			snprintf(vm->name, sizeof(vm->name), "%.63s",
				 out->name);
			snprintf(vm->runtime, sizeof(vm->runtime), "kvm");
			snprintf(vm->comm, sizeof(vm->comm), "%.15s",
				 e->hdr.comm);
		}
	}
	return true;
}

static bool nsset_lookup(struct attrib *a, const struct isolens_ns_set *ns,
			 struct trace_context *out)
{
	size_t i;

	for (i = 0; i < a->nsets; i++) {
		if (!memcmp(&a->sets[i].ns, ns, sizeof(*ns))) {
			*out = a->sets[i].ctx;
			return true;
		}
	}
	return false;
}

static void nsset_store(struct attrib *a, const struct isolens_ns_set *ns,
			const struct trace_context *ctx)
{
	struct nsset_slot *s = &a->sets[a->next_set];

	s->ns = *ns;
	s->ctx = *ctx;
	a->next_set = (a->next_set + 1) % NSSET_CACHE;
	if (a->nsets < NSSET_CACHE)
		a->nsets++;
}

/* Not a VM, not cached: work out the context from state and /proc. */
static void attrib_lookup(struct attrib *a, const struct isolens_event_hdr *h,
			  struct trace_context *out)
{
	const struct container_state *c;
	size_t i;

	/* all of the host's namespaces: the host, whatever its cgroup says */
	if (!ns_set_diff(&h->ns, &a->host, NULL, 0)) {
		out->type = TRACE_CTX_HOST;
		return;
	}
	c = ctr_by_ns(a, &h->ns);
	if (!c && now_ms() - a->last_ctr_scan_ms > 100) {
		/* a container newer than our last look at the state files */
		ctrs_load(a);
		c = ctr_by_ns(a, &h->ns);
	}
	if (c) {
		out->type = TRACE_CTX_CONTAINER;
		out->own = true;
		snprintf(out->name, sizeof(out->name), "%s", c->name);
		snprintf(out->runtime, sizeof(out->runtime), "isolens");
		return;
	}
	if (nsset_lookup(a, &h->ns, out))
		return;
	if (foreign_container(h->pid, out)) {
		/* remember the pid namespace for processes that exit first */
		if (h->ns.pid != a->host.pid && a->nnss < NS_CACHE) {
			a->nss[a->nnss].pidns = h->ns.pid;
			a->nss[a->nnss].ctx = *out;
			a->nnss++;
		}
		nsset_store(a, &h->ns, out);
		return;
	}
	for (i = 0; i < a->nnss; i++) {
		if (a->nss[i].pidns == h->ns.pid) {
			*out = a->nss[i].ctx;
			return;
		}
	}
	out->type = TRACE_CTX_ISOLATED;
	ns_set_diff(&h->ns, &a->host, out->name, sizeof(out->name));
	/*
	 * Not cached by namespace set: the process may yet turn out to be a
	 * container's (runc writes its state after the first unshare).
	 */
}

void attrib_event(struct attrib *a, const struct isolens_event *e,
		  struct trace_context *out)
{
	const struct isolens_event_hdr *h = &e->hdr;
	struct pid_slot *ps = &a->pids[h->pid & (PID_CACHE - 1)];

	memset(out, 0, sizeof(*out));
	out->vcpu = -1;
	if (attrib_vm_event(a, e, out))
		return;
	if (ps->pid == (pid_t)h->pid &&
	    !memcmp(&ps->ns, &h->ns, sizeof(h->ns))) {
		*out = ps->ctx;
		return;
	}
	attrib_lookup(a, h, out);
	ps->pid = h->pid;
	ps->ns = h->ns;
	ps->ctx = *out;
}

int attrib_find_container(struct attrib *a, const char *name, pid_t *pid,
			  uint32_t *pidns, char *cgroup, size_t cglen,
			  struct errbuf *eb)
{
	char path[PATH_MAX], buf[16384], *p;
	size_t i;

	cgroup[0] = '\0';
	*pidns = 0;
	for (i = 0; i < a->nctrs; i++) {
		const struct container_state *c = &a->ctrs[i];

		if (strcmp(c->name, name))
			continue;
		if (c->pid <= 0 || container_state_alive(c) != 1)
			return errbuf_set(eb, ESRCH,
					  "container '%s' is not running",
					  name);
		*pid = c->pid;
		if (c->ns_new & CLONE_NEWPID)
			*pidns = c->ns_ino[CONTAINER_NS_PID];
		snprintf(cgroup, cglen, "%s", c->cgroup);
		return 0;
	}
	snprintf(path, sizeof(path), "/run/runc/%s/state.json", name);
	if (read_small(path, buf, sizeof(buf)) > 0 &&
	    (p = strstr(buf, "\"init_process_pid\":"))) {
		struct isolens_ns_set ns;

		*pid = atoi(p + strlen("\"init_process_pid\":"));
		if (*pid > 0 && !ns_set_read(*pid, &ns) &&
		    ns.pid != a->host.pid)
			*pidns = ns.pid;
		return *pid > 0 ? 0 :
				  errbuf_set(eb, ESRCH,
					     "container '%s' has no process",
					     name);
	}
	return errbuf_set(eb, ENOENT,
			  "no container named '%s' (isolens state, /run/runc)",
			  name);
}
