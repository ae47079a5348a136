// SPDX-License-Identifier: GPL-2.0
/*
 * The container's device policy on cgroup v2: runs for every device access
 * of a task in the cgroup it is attached to (devcgroup_check_permission()
 * -> __cgroup_bpf_check_dev_permission()), for mknod of a device node and
 * for the open of one (read/write).  Returns 1 to allow, 0 to deny (the
 * caller then gets EPERM).  The rules are the loader's (ebpf/devices.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "devices.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * struct bpf_cgroup_dev_ctx, read without CO-RE: vmlinux.h marks its
 * structs preserve_access_index, and a single CO-RE relocation makes
 * libbpf parse the kernel's whole BTF (~30 ms) at every container start.
 * The context is UAPI, so its layout never moves.
 */
struct dev_ctx {
	__u32 access_type;
	__u32 major;
	__u32 minor;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DEVICES_RULES_MAX);
	__type(key, __u32);
	__type(value, struct devices_rule);
} rules SEC(".maps");

static __always_inline bool rule_matches(const struct devices_rule *r,
					 __u32 type, __u32 access,
					 const struct dev_ctx *ctx)
{
	if (!(r->type & type))
		return false;
	if (r->major != DEVICES_WILDCARD && r->major != ctx->major)
		return false;
	if (r->minor != DEVICES_WILDCARD && r->minor != ctx->minor)
		return false;
	/*
	 * An allow rule must grant every access asked for (an open for
	 * read and write needs "rw"); a deny rule hits if it names any.
	 */
	if (r->allow)
		return (access & r->access) == access;
	return access & r->access;
}

struct walk {
	const struct dev_ctx *ctx;
	__u32 type;
	__u32 access;
	int allow;
};

/* One rule; bpf_loop() stops at a nonzero return. */
static long walk_rule(__u32 i, struct walk *w)
{
	const struct devices_rule *r;
	__u32 key = i;

	r = bpf_map_lookup_elem(&rules, &key);
	if (!r || !r->type)
		return 1;
	if (rule_matches(r, w->type, w->access, w->ctx))
		w->allow = r->allow ? 1 : 0;
	return 0;
}

/*
 * bpf_loop() rather than a bounded for loop: the verifier checks the
 * callback once instead of every iteration, which keeps the load (paid
 * at every container start) well under a millisecond.
 */
SEC("cgroup/dev")
int devices_check(struct bpf_cgroup_dev_ctx *kctx)
{
	const struct dev_ctx *ctx = (const void *)kctx;
	struct walk w = {
		.ctx = ctx,
		.type = ctx->access_type & 0xffff,
		.access = ctx->access_type >> 16,
		.allow = 0, /* nothing matched: denied */
	};

	bpf_loop(DEVICES_RULES_MAX, walk_rule, &w, 0);
	return w.allow;
}
