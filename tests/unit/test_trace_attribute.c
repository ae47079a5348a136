// SPDX-License-Identifier: GPL-2.0
/*
 * Attribution's pure parts (cgroup path patterns, vCPU names, ns diffs),
 * and trace --count's cache of attributions by (process, thread, vCPU).
 */
#include <string.h>
#include <unistd.h>

#include "trace/attribute.h"
#include "trace/counts.h"
#include "unit.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void expect(const char *path, const char *rt, const char *id)
{
	char r[32] = "", i[128] = "";
	int ok = cgroup_path_container(path, r, sizeof(r), i, sizeof(i));

	if (!rt) {
		CHECK_EQ(ok, 0);
		return;
	}
	CHECK_EQ(ok, 1);
	CHECK_STR(r, rt);
	CHECK_STR(i, id);
}

static void test_cgroup_patterns(void)
{
	expect("/system.slice/docker-" ID64 ".scope", "docker", ID64);
	expect("/docker/" ID64, "docker", ID64);
	expect("/machine.slice/libpod-" ID64 ".scope", "podman", ID64);
	expect("/machine.slice/libpod-" ID64 ".scope/container", "podman",
	       ID64);
	expect("/libpod_parent/libpod-" ID64, "podman", ID64);
	expect("/kubepods.slice/kubepods-pod1.slice/cri-containerd-" ID64
	       ".scope",
	       "containerd", ID64);
	expect("/kubepods/crio-" ID64 ".scope", "cri-o", ID64);
	expect("/machine.slice/machine-web\\x2d1.scope", "systemd-nspawn",
	       "web-1");
	expect("/system.slice/runc-mybox.scope", "runc", "mybox");
	expect("/lxc/c1", "lxc", "c1");
	expect("/lxc.payload.c1", "lxc", "c1");
	/* not containers */
	expect("/", NULL, NULL);
	expect("/user.slice/user-0.slice/session-1.scope", NULL, NULL);
	expect("/system.slice/docker.service", NULL, NULL);
	expect("/system.slice/docker-short.scope", NULL, NULL);
	expect("/docker", NULL, NULL);
}

static void test_vcpu_names(void)
{
	CHECK_EQ(vcpu_index_from_comm("CPU 0/KVM"), 0);
	CHECK_EQ(vcpu_index_from_comm("CPU 12/KVM"), 12);
	CHECK_EQ(vcpu_index_from_comm("fc_vcpu 1"), 1);
	CHECK_EQ(vcpu_index_from_comm("vcpu3"), 3);
	CHECK_EQ(vcpu_index_from_comm("qemu-system-x86"), -1);
	CHECK_EQ(vcpu_index_from_comm("fc_vmm"), -1);
}

static void test_ns_diff(void)
{
	struct isolens_ns_set host = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct isolens_ns_set ns = host;
	char buf[64];

	CHECK_EQ(ns_set_diff(&ns, &host, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "");
	ns.net = 30;
	ns.uts = 40;
	CHECK_EQ(ns_set_diff(&ns, &host, buf, sizeof(buf)), 2);
	CHECK_STR(buf, "net,uts");
	/* 0 means unknown (a kernel without time namespaces): no difference */
	ns.time = 0;
	CHECK_EQ(ns_set_diff(&ns, &host, buf, sizeof(buf)), 2);
}

static void test_ns_read_self(void)
{
	struct isolens_ns_set a, b;

	/* reading our own namespaces twice gives the same, nonzero set */
	CHECK_EQ(ns_set_read(getpid(), &a), 0);
	CHECK_EQ(ns_set_read(getpid(), &b), 0);
	CHECK(a.mnt && a.pid && a.net && a.uts && a.ipc && a.user);
	CHECK_EQ(ns_set_diff(&a, &b, NULL, 0), 0);
	CHECK(ns_set_read(-5, &a) < 0);
}

/* attribute a counted aggregate as cmd_trace does: once per cache slot */
static int count_vcpu(struct count_cache *cc, struct attrib *a,
		      unsigned int kind, uint32_t vcpu)
{
	struct isolens_event e;
	struct trace_context *tc;
	bool fresh;

	memset(&e, 0, sizeof(e));
	e.hdr.kind = kind;
	e.hdr.pid = e.hdr.tid = e.kvm.vm_pid = getpid();
	memcpy(e.hdr.comm, "unit-vmm", 9);
	e.kvm.vcpu_id = vcpu;
	tc = count_cache_get(cc, &e, &fresh);
	if (!tc)
		return -2;
	if (fresh)
		attrib_event(a, &e, tc);
	else if (tc->type == TRACE_CTX_VM && tc->vcpu < 0)
		tc->vcpu = attrib_vcpu(a, &e);
	return tc->vcpu;
}

/*
 * KVM_CREATE_VCPU names the vCPU it creates, not its caller's: seen first
 * (the kernel's map is walked in hash order) it must not hand its empty
 * vCPU attribution to the same thread's exits.
 */
static void test_count_create_vcpu_first(void)
{
	struct count_cache *cc = count_cache_new();
	struct attrib *a = NULL;
	struct errbuf eb;

	CHECK(cc != NULL);
	CHECK_EQ(attrib_open(&a, &eb), 0);
	if (!cc || !a)
		goto out;
	CHECK_EQ(count_vcpu(cc, a, ISOLENS_EV_KVM_CREATE_VCPU, 0), -1);
	CHECK_EQ(count_vcpu(cc, a, ISOLENS_EV_KVM_USERSPACE_EXIT, 0), 0);
	CHECK_EQ(count_vcpu(cc, a, ISOLENS_EV_KVM_EXIT, 0), 0);
	/* a record that lost its vCPU still gets the thread's */
	CHECK_EQ(count_vcpu(cc, a, ISOLENS_EV_KVM_PIO, (uint32_t)-1), 0);
out:
	if (a)
		attrib_close(a);
	count_cache_free(cc);
}

int main(void)
{
	RUN(test_cgroup_patterns);
	RUN(test_vcpu_names);
	RUN(test_ns_diff);
	RUN(test_ns_read_self);
	RUN(test_count_create_vcpu_first);
	UNIT_DONE();
}
