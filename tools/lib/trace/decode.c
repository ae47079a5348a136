// SPDX-License-Identifier: GPL-2.0
/* Record decoding: names, descriptions, text lines and JSON Lines. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/kvm_exit.h"
#include "base/util.h"
#include "trace/decode.h"
#include "trace/exit_reason.h"

/* A bounded appender: output is truncated, never overrun. */
struct sbuf {
	char *buf;
	size_t len, pos;
};

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->pos >= sb->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->pos, sb->len - sb->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->pos += n;
	if (sb->pos >= sb->len)
		sb->pos = sb->len - 1;
}

/*
 * Plain appends: a consumer formats a million records a second, and
 * vsnprintf() for a single character was a tenth of its time.
 */
static void sb_put(struct sbuf *sb, const char *s, size_t n)
{
	if (!sb->len)
		return;
	if (n > sb->len - 1 - sb->pos)
		n = sb->len - 1 - sb->pos;
	memcpy(sb->buf + sb->pos, s, n);
	sb->pos += n;
	sb->buf[sb->pos] = '\0';
}

static void sb_putc(struct sbuf *sb, char ch)
{
	sb_put(sb, &ch, 1);
}

static void sb_puts(struct sbuf *sb, const char *s)
{
	sb_put(sb, s, strlen(s));
}

static void sb_u64(struct sbuf *sb, uint64_t v)
{
	char digits[20];
	int n = sizeof(digits);

	do {
		digits[--n] = '0' + v % 10;
		v /= 10;
	} while (v);
	sb_put(sb, digits + n, sizeof(digits) - n);
}

/* ,"key":N: the header's fourteen numbers take this path */
static void sb_field_u64(struct sbuf *sb, const char *key, uint64_t v)
{
	sb_puts(sb, ",\"");
	sb_puts(sb, key);
	sb_puts(sb, "\":");
	sb_u64(sb, v);
}

/* A JSON string of at most @max bytes of @s (base/json.h escapes it). */
static void sb_json_str(struct sbuf *sb, const char *s, size_t max)
{
	size_t room, n;

	sb_putc(sb, '"');
	if (sb->len) {
		room = sb->len - sb->pos; /* sb_put leaves room for the NUL */
		n = json_escape_buf(sb->buf + sb->pos, room, s, max);
		sb->pos += n < room ? n : room - 1;
	}
	sb_putc(sb, '"');
}

/* Names by kind; classes are the uapi header's isolens_kind_class(). */
static const char *const kind_names[ISOLENS_EV_MAX] = {
	[ISOLENS_EV_FORK] = "fork",
	[ISOLENS_EV_EXEC] = "exec",
	[ISOLENS_EV_EXIT] = "exit",
	[ISOLENS_EV_CLONE] = "clone",
	[ISOLENS_EV_UNSHARE] = "unshare",
	[ISOLENS_EV_SETNS] = "setns",
	[ISOLENS_EV_NS_SWITCH] = "ns_switch",
	[ISOLENS_EV_CAP_CHECK] = "cap_check",
	[ISOLENS_EV_CGROUP_MKDIR] = "cgroup_mkdir",
	[ISOLENS_EV_CGROUP_RMDIR] = "cgroup_rmdir",
	[ISOLENS_EV_CGROUP_ATTACH] = "cgroup_attach",
	[ISOLENS_EV_CGROUP_TRANSFER] = "cgroup_transfer",
	[ISOLENS_EV_PIDS_LIMIT] = "pids_limit",
	[ISOLENS_EV_OOM_KILL] = "oom_kill",
	[ISOLENS_EV_KVM_CREATE_VM] = "kvm_create_vm",
	[ISOLENS_EV_KVM_CREATE_VCPU] = "kvm_create_vcpu",
	[ISOLENS_EV_KVM_ENTRY] = "kvm_entry",
	[ISOLENS_EV_KVM_EXIT] = "kvm_exit",
	[ISOLENS_EV_KVM_USERSPACE_EXIT] = "kvm_userspace_exit",
	[ISOLENS_EV_KVM_PIO] = "kvm_pio",
	[ISOLENS_EV_KVM_MMIO] = "kvm_mmio",
	[ISOLENS_EV_KVM_MSR] = "kvm_msr",
	[ISOLENS_EV_KVM_HYPERCALL] = "kvm_hypercall",
};

static const struct {
	unsigned int bit;
	const char *name;
} classes[] = {
	{ ISOLENS_CLASS_PROC, "proc" },	    { ISOLENS_CLASS_NS, "ns" },
	{ ISOLENS_CLASS_CGROUP, "cgroup" }, { ISOLENS_CLASS_KVM, "kvm" },
	{ ISOLENS_CLASS_CAP, "cap" },
};

int event_thread_vcpu(const struct isolens_event *e)
{
	if (isolens_kind_class(e->hdr.kind) != ISOLENS_CLASS_KVM ||
	    e->hdr.kind == ISOLENS_EV_KVM_CREATE_VCPU ||
	    e->kvm.vcpu_id == (uint32_t)-1)
		return -1;
	return (int)e->kvm.vcpu_id;
}

const char *event_kind_name(unsigned int kind)
{
	return kind < ISOLENS_EV_MAX ? kind_names[kind] : NULL;
}

const char *event_class_name(unsigned int class_bit)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(classes); i++)
		if (classes[i].bit == class_bit)
			return classes[i].name;
	return NULL;
}

int event_classes_parse(const char *list, unsigned int *out, struct errbuf *eb)
{
	unsigned int bits = 0;
	const char *p = list;

	if (!list || !*list)
		return errbuf_set(eb, EINVAL, "empty event class list");
	while (*p) {
		size_t n = strcspn(p, ",");
		size_t i;
		int found = 0;

		if (n == 3 && !strncmp(p, "all", 3)) {
			bits |= ISOLENS_CLASS_ALL;
			found = 1;
		}
		for (i = 0; !found && i < ARRAY_SIZE(classes); i++) {
			if (strlen(classes[i].name) == n &&
			    !strncmp(p, classes[i].name, n)) {
				bits |= classes[i].bit;
				found = 1;
			}
		}
		if (!found)
			return errbuf_set(
				eb, EINVAL,
				"unknown event class '%.*s' (known: proc, ns, cgroup, kvm, cap, all)",
				(int)n, p);
		p += n;
		if (*p == ',')
			p++;
	}
	*out = bits;
	return 0;
}

int event_validate(const void *data, size_t size)
{
	const struct isolens_event_hdr *h = data;

	if (size < sizeof(struct isolens_event))
		return -EINVAL;
	if (h->size > size || h->size < sizeof(struct isolens_event))
		return -EINVAL;
	if ((h->flags & ISOLENS_F_STACK) &&
	    h->size <
		    sizeof(struct isolens_event) + sizeof(struct isolens_stack))
		return -EINVAL;
	if (!isolens_kind_class(h->kind))
		return -EPROTO;
	return 0;
}

const struct isolens_stack *event_stack(const struct isolens_event *e,
					size_t size)
{
	const struct isolens_stack *st;

	if (!(e->hdr.flags & ISOLENS_F_STACK) ||
	    size < sizeof(*e) + sizeof(*st))
		return NULL;
	st = (const void *)(e + 1);
	return st->nr <= ISOLENS_MAX_STACK ? st : NULL;
}

static const struct {
	uint64_t bit;
	const char *name;
} clone_bits[] = {
	{ 0x80, "NEWTIME" },
	{ 0x100, "VM" },
	{ 0x200, "FS" },
	{ 0x400, "FILES" },
	{ 0x800, "SIGHAND" },
	{ 0x1000, "PIDFD" },
	{ 0x2000, "PTRACE" },
	{ 0x4000, "VFORK" },
	{ 0x8000, "PARENT" },
	{ 0x10000, "THREAD" },
	{ 0x20000, "NEWNS" },
	{ 0x40000, "SYSVSEM" },
	{ 0x80000, "SETTLS" },
	{ 0x100000, "PARENT_SETTID" },
	{ 0x200000, "CHILD_CLEARTID" },
	{ 0x400000, "DETACHED" },
	{ 0x800000, "UNTRACED" },
	{ 0x1000000, "CHILD_SETTID" },
	{ 0x2000000, "NEWCGROUP" },
	{ 0x4000000, "NEWUTS" },
	{ 0x8000000, "NEWIPC" },
	{ 0x10000000, "NEWUSER" },
	{ 0x20000000, "NEWPID" },
	{ 0x40000000, "NEWNET" },
	{ 0x80000000, "IO" },
	{ 0x100000000ULL, "CLEAR_SIGHAND" },
	{ 0x200000000ULL, "INTO_CGROUP" },
};

int clone_flags_format(uint64_t flags, char *buf, size_t len)
{
	struct sbuf sb = { buf, len, 0 };
	const char *sep = "";
	size_t i;

	if (!len)
		return 0;
	buf[0] = '\0';
	/* the low 7 bits of clone() flags are the exit signal, not flags */
	flags &= ~0x7fULL;
	for (i = 0; i < ARRAY_SIZE(clone_bits); i++) {
		if (flags & clone_bits[i].bit) {
			sb_puts(&sb, sep);
			sb_puts(&sb, clone_bits[i].name);
			sep = "|";
			flags &= ~clone_bits[i].bit;
		}
	}
	if (flags)
		sb_printf(&sb, "%s0x%llx", sep, (unsigned long long)flags);
	else if (!*sep)
		sb_puts(&sb, "0");
	return sb.pos;
}

const char *cap_name(unsigned int cap)
{
	static const char *const names[] = {
		"CAP_CHOWN",
		"CAP_DAC_OVERRIDE",
		"CAP_DAC_READ_SEARCH",
		"CAP_FOWNER",
		"CAP_FSETID",
		"CAP_KILL",
		"CAP_SETGID",
		"CAP_SETUID",
		"CAP_SETPCAP",
		"CAP_LINUX_IMMUTABLE",
		"CAP_NET_BIND_SERVICE",
		"CAP_NET_BROADCAST",
		"CAP_NET_ADMIN",
		"CAP_NET_RAW",
		"CAP_IPC_LOCK",
		"CAP_IPC_OWNER",
		"CAP_SYS_MODULE",
		"CAP_SYS_RAWIO",
		"CAP_SYS_CHROOT",
		"CAP_SYS_PTRACE",
		"CAP_SYS_PACCT",
		"CAP_SYS_ADMIN",
		"CAP_SYS_BOOT",
		"CAP_SYS_NICE",
		"CAP_SYS_RESOURCE",
		"CAP_SYS_TIME",
		"CAP_SYS_TTY_CONFIG",
		"CAP_MKNOD",
		"CAP_LEASE",
		"CAP_AUDIT_WRITE",
		"CAP_AUDIT_CONTROL",
		"CAP_SETFCAP",
		"CAP_MAC_OVERRIDE",
		"CAP_MAC_ADMIN",
		"CAP_SYSLOG",
		"CAP_WAKE_ALARM",
		"CAP_BLOCK_SUSPEND",
		"CAP_AUDIT_READ",
		"CAP_PERFMON",
		"CAP_BPF",
		"CAP_CHECKPOINT_RESTORE",
	};

	return cap < ARRAY_SIZE(names) ? names[cap] : "CAP_?";
}

static void sb_ret(struct sbuf *sb, int64_t ret)
{
	if (ret < 0) {
		const char *name = strerrorname_np((int)-ret);

		sb_printf(sb, " = -1 %s", name ? name : "E?");
	} else {
		sb_printf(sb, " = %lld", (long long)ret);
	}
}

static void describe_exit_code(struct sbuf *sb, int code)
{
	if (code & 0x7f)
		sb_printf(sb, "exit signal %d%s", code & 0x7f,
			  (code & 0x80) ? " (core)" : "");
	else
		sb_printf(sb, "exit status %d", (code >> 8) & 0xff);
}

static void describe_cgroup(struct sbuf *sb, const struct isolens_event *e,
			    const char *verb)
{
	const struct isolens_cgroup *cg = &e->cgroup;
	char hier[48];

	if (cg->value == 0)
		snprintf(hier, sizeof(hier), "v2");
	else
		snprintf(hier, sizeof(hier), "v1 hierarchy %llu",
			 (unsigned long long)cg->value);
	if (cg->target_pid)
		sb_printf(sb, "cgroup %s pid %u -> %.*s (%s)", verb,
			  cg->target_pid, ISOLENS_PATH_LEN, cg->path, hier);
	else
		sb_printf(sb, "cgroup %s %.*s (%s, level %u)", verb,
			  ISOLENS_PATH_LEN, cg->path, hier, cg->level);
}

static const char *vcpu_str(const struct isolens_kvm *k, char *buf, size_t len)
{
	if (k->vcpu_id == (uint32_t)-1)
		snprintf(buf, len, "vcpu?");
	else
		snprintf(buf, len, "vcpu%u", k->vcpu_id);
	return buf;
}

static void describe_ns_switch(struct sbuf *sb, const struct isolens_event *e)
{
	const struct isolens_ns_set *o = &e->ns_switch.old_ns, *n = &e->hdr.ns;
	static const char *const names[] = { "mnt", "pid",  "net",    "uts",
					     "ipc", "user", "cgroup", "time" };
	const uint32_t *ov = &o->mnt, *nv = &n->mnt;
	int i, any = 0;

	sb_puts(sb, "ns switch");
	/* ns.pid is the active pid ns, which switching never changes */
	for (i = 0; i < 8; i++) {
		if (i == 1 || ov[i] == nv[i])
			continue;
		sb_printf(sb, " %s %u->%u", names[i], ov[i], nv[i]);
		any = 1;
	}
	if (!any)
		sb_puts(sb, " (no change)");
}

int event_describe(const struct isolens_event *e, char *buf, size_t len)
{
	struct sbuf sb = { buf, len, 0 };
	const struct isolens_kvm *k = &e->kvm;
	char flags[256], v[16], reason[64];

	if (!len)
		return 0;
	buf[0] = '\0';
	switch (e->hdr.kind) {
	case ISOLENS_EV_FORK:
		sb_printf(&sb, "fork -> pid %u", e->proc.child_pid);
		break;
	case ISOLENS_EV_EXEC:
		sb_printf(&sb, "exec %.*s", ISOLENS_PATH_LEN, e->proc.filename);
		break;
	case ISOLENS_EV_EXIT:
		describe_exit_code(&sb, e->proc.exit_code);
		break;
	case ISOLENS_EV_CLONE:
	case ISOLENS_EV_UNSHARE:
		clone_flags_format(e->ns_op.flags, flags, sizeof(flags));
		sb_printf(&sb, "%s(%s)", event_kind_name(e->hdr.kind), flags);
		sb_ret(&sb, e->ns_op.ret);
		break;
	case ISOLENS_EV_SETNS:
		clone_flags_format(e->ns_op.flags, flags, sizeof(flags));
		sb_printf(&sb, "setns(fd %d, %s)", e->ns_op.fd,
			  e->ns_op.flags ? flags : "any");
		sb_ret(&sb, e->ns_op.ret);
		break;
	case ISOLENS_EV_NS_SWITCH:
		describe_ns_switch(&sb, e);
		break;
	case ISOLENS_EV_CAP_CHECK:
		sb_printf(&sb, "capable(%s) in userns %u = %s",
			  cap_name(e->cap.cap), e->cap.target_userns,
			  e->cap.ret ? "denied" : "granted");
		break;
	case ISOLENS_EV_CGROUP_MKDIR:
		describe_cgroup(&sb, e, "mkdir");
		break;
	case ISOLENS_EV_CGROUP_RMDIR:
		describe_cgroup(&sb, e, "rmdir");
		break;
	case ISOLENS_EV_CGROUP_ATTACH:
		describe_cgroup(&sb, e, "attach");
		break;
	case ISOLENS_EV_CGROUP_TRANSFER:
		describe_cgroup(&sb, e, "transfer");
		break;
	case ISOLENS_EV_PIDS_LIMIT:
		sb_printf(&sb,
			  "pids limit: fork refused in %.*s (pids.max %llu)",
			  ISOLENS_PATH_LEN, e->cgroup.path,
			  (unsigned long long)e->cgroup.value);
		break;
	case ISOLENS_EV_OOM_KILL:
		sb_printf(&sb, "oom kill pid %u (total_vm %llu pages)",
			  e->cgroup.target_pid,
			  (unsigned long long)e->cgroup.value);
		break;
	case ISOLENS_EV_KVM_CREATE_VM:
		sb_printf(&sb, "KVM_CREATE_VM(type %llu)",
			  (unsigned long long)k->info1);
		sb_ret(&sb, (int64_t)k->info2);
		break;
	case ISOLENS_EV_KVM_CREATE_VCPU:
		sb_printf(&sb, "KVM_CREATE_VCPU(%llu)",
			  (unsigned long long)k->info1);
		sb_ret(&sb, (int64_t)k->info2);
		break;
	case ISOLENS_EV_KVM_ENTRY:
		sb_printf(&sb, "%s entry rip 0x%llx", vcpu_str(k, v, sizeof(v)),
			  (unsigned long long)k->info1);
		break;
	case ISOLENS_EV_KVM_EXIT:
		exit_reason_format(k->isa, k->exit_reason, reason,
				   sizeof(reason));
		sb_printf(&sb, "%s exit %s %s info 0x%llx 0x%llx",
			  vcpu_str(k, v, sizeof(v)), exit_isa_name(k->isa),
			  reason, (unsigned long long)k->info1,
			  (unsigned long long)k->info2);
		break;
	case ISOLENS_EV_KVM_USERSPACE_EXIT: {
		const char *n = kvm_run_exit_name(k->exit_reason);

		sb_printf(&sb,
			  "%s exit to userspace: ", vcpu_str(k, v, sizeof(v)));
		if (n)
			sb_printf(&sb, "%s", n);
		else
			sb_printf(&sb, "%llu",
				  (unsigned long long)k->exit_reason);
		if ((int64_t)k->info2)
			sb_ret(&sb, (int64_t)k->info2);
		break;
	}
	case ISOLENS_EV_KVM_PIO:
		sb_printf(&sb, "%s pio %s 0x%llx len %u val 0x%llx",
			  vcpu_str(k, v, sizeof(v)), k->dir ? "out" : "in",
			  (unsigned long long)k->info1, k->len,
			  (unsigned long long)k->info2);
		if (k->count > 1)
			sb_printf(&sb, " x%u", k->count);
		break;
	case ISOLENS_EV_KVM_MMIO:
		sb_printf(&sb, "%s mmio %s 0x%llx len %u val 0x%llx",
			  vcpu_str(k, v, sizeof(v)),
			  k->exit_reason == 2 ? "write" :
			  k->exit_reason == 1 ? "read" :
						"read(unsatisfied)",
			  (unsigned long long)k->info1, k->len,
			  (unsigned long long)k->info2);
		break;
	case ISOLENS_EV_KVM_MSR:
		sb_printf(&sb, "%s msr %s 0x%llx val 0x%llx%s",
			  vcpu_str(k, v, sizeof(v)), k->dir ? "write" : "read",
			  (unsigned long long)k->info1,
			  (unsigned long long)k->info2,
			  k->exit_reason ? " (#GP)" : "");
		break;
	case ISOLENS_EV_KVM_HYPERCALL:
		sb_printf(&sb, "%s hypercall nr %llu a0 0x%llx",
			  vcpu_str(k, v, sizeof(v)),
			  (unsigned long long)k->info1,
			  (unsigned long long)k->info2);
		break;
	default:
		sb_printf(&sb, "kind %u", e->hdr.kind);
	}
	return sb.pos;
}

int event_format_line(const struct isolens_event *e,
		      const struct trace_context *ctx, uint64_t t0_ns,
		      char *buf, size_t len)
{
	char label[128], desc[512];
	uint64_t t = e->hdr.ts_ns >= t0_ns ? e->hdr.ts_ns - t0_ns : 0;

	trace_context_label(ctx, label, sizeof(label));
	event_describe(e, desc, sizeof(desc));
	/* seconds.microseconds in integers: %f was the costliest conversion */
	return snprintf(buf, len, "%3llu.%06llu %-26s %-15.16s %7u  %s",
			(unsigned long long)(t / 1000000000),
			(unsigned long long)(t % 1000000000 / 1000), label,
			e->hdr.comm, e->hdr.pid, desc);
}

static void json_ns(struct sbuf *sb, const char *key,
		    const struct isolens_ns_set *ns)
{
	sb_puts(sb, ",\"");
	sb_puts(sb, key);
	sb_puts(sb, "\":{\"mnt\":");
	sb_u64(sb, ns->mnt);
	sb_field_u64(sb, "pid", ns->pid);
	sb_field_u64(sb, "net", ns->net);
	sb_field_u64(sb, "uts", ns->uts);
	sb_field_u64(sb, "ipc", ns->ipc);
	sb_field_u64(sb, "user", ns->user);
	sb_field_u64(sb, "cgroup", ns->cgroup);
	sb_field_u64(sb, "time", ns->time);
	sb_putc(sb, '}');
}

static void json_flags(struct sbuf *sb, uint64_t flags)
{
	char names[256];
	char *tok, *save = NULL;
	const char *sep = "";

	clone_flags_format(flags, names, sizeof(names));
	sb_printf(sb, ",\"flags\":%llu,\"flag_names\":[",
		  (unsigned long long)flags);
	if (strcmp(names, "0")) {
		for (tok = strtok_r(names, "|", &save); tok;
		     tok = strtok_r(NULL, "|", &save)) {
			sb_puts(sb, sep);
			sb_json_str(sb, tok, strlen(tok));
			sep = ",";
		}
	}
	sb_puts(sb, "]");
}

static void json_kvm(struct sbuf *sb, const struct isolens_event *e)
{
	const struct isolens_kvm *k = &e->kvm;
	char reason[64];

	sb_printf(sb, ",\"vm_pid\":%u", k->vm_pid);
	if (k->vcpu_id != (uint32_t)-1)
		sb_printf(sb, ",\"vcpu\":%u", k->vcpu_id);
	else
		sb_puts(sb, ",\"vcpu\":null");
	switch (e->hdr.kind) {
	case ISOLENS_EV_KVM_CREATE_VM:
	case ISOLENS_EV_KVM_CREATE_VCPU:
		sb_printf(sb, ",\"arg\":%llu,\"ret\":%lld",
			  (unsigned long long)k->info1, (long long)k->info2);
		break;
	case ISOLENS_EV_KVM_ENTRY:
		sb_printf(sb, ",\"rip\":%llu", (unsigned long long)k->info1);
		break;
	case ISOLENS_EV_KVM_EXIT:
		exit_reason_format(k->isa, k->exit_reason, reason,
				   sizeof(reason));
		sb_printf(sb,
			  ",\"isa\":\"%s\",\"exit_reason\":%llu,\"reason\":",
			  exit_isa_name(k->isa),
			  (unsigned long long)k->exit_reason);
		sb_json_str(sb, reason, sizeof(reason));
		sb_printf(sb, ",\"group\":\"%s\",\"info1\":%llu,\"info2\":%llu",
			  exit_group_name(
				  exit_reason_group(k->isa, k->exit_reason)),
			  (unsigned long long)k->info1,
			  (unsigned long long)k->info2);
		break;
	case ISOLENS_EV_KVM_USERSPACE_EXIT: {
		const char *n = kvm_run_exit_name(k->exit_reason);

		sb_printf(sb,
			  ",\"exit_reason\":%llu,\"reason\":\"%s\","
			  "\"errno\":%lld",
			  (unsigned long long)k->exit_reason, n ? n : "?",
			  -(long long)k->info2);
		break;
	}
	case ISOLENS_EV_KVM_PIO:
		sb_printf(sb,
			  ",\"dir\":\"%s\",\"port\":%llu,\"len\":%u,"
			  "\"count\":%u,\"val\":%llu",
			  k->dir ? "out" : "in", (unsigned long long)k->info1,
			  k->len, k->count, (unsigned long long)k->info2);
		break;
	case ISOLENS_EV_KVM_MMIO:
		sb_printf(sb,
			  ",\"dir\":\"%s\",\"gpa\":%llu,\"len\":%u,"
			  "\"val\":%llu",
			  k->dir ? "write" : "read",
			  (unsigned long long)k->info1, k->len,
			  (unsigned long long)k->info2);
		break;
	case ISOLENS_EV_KVM_MSR:
		sb_printf(sb,
			  ",\"dir\":\"%s\",\"msr\":%llu,\"val\":%llu,"
			  "\"exception\":%s",
			  k->dir ? "write" : "read",
			  (unsigned long long)k->info1,
			  (unsigned long long)k->info2,
			  k->exit_reason ? "true" : "false");
		break;
	case ISOLENS_EV_KVM_HYPERCALL:
		sb_printf(sb, ",\"nr\":%llu,\"a0\":%llu",
			  (unsigned long long)k->info1,
			  (unsigned long long)k->info2);
		break;
	}
}

int event_format_json(const struct isolens_event *e,
		      const struct trace_context *ctx, char *buf, size_t len)
{
	struct sbuf sb = { buf, len, 0 };
	const struct isolens_event_hdr *h = &e->hdr;
	const char *kname = event_kind_name(h->kind);
	const char *cname = event_class_name(isolens_kind_class(h->kind));
	char desc[512];

	if (!len)
		return 0;
	buf[0] = '\0';
	sb_puts(&sb, "{\"ts_ns\":");
	sb_u64(&sb, h->ts_ns);
	sb_puts(&sb, ",\"kind\":\"");
	sb_puts(&sb, kname ? kname : "unknown");
	sb_puts(&sb, "\",\"class\":\"");
	sb_puts(&sb, cname ? cname : "unknown");
	sb_putc(&sb, '"');
	sb_field_u64(&sb, "pid", h->pid);
	sb_field_u64(&sb, "tid", h->tid);
	sb_field_u64(&sb, "ns_pid", h->ns_pid);
	sb_field_u64(&sb, "ns_tid", h->ns_tid);
	sb_puts(&sb, ",\"comm\":");
	sb_json_str(&sb, h->comm, sizeof(h->comm));
	sb_field_u64(&sb, "cgroup_id", h->cgroup_id);
	json_ns(&sb, "ns", &h->ns);
	sb_printf(&sb, ",\"ctx\":{\"type\":\"%s\",\"name\":",
		  trace_ctx_type_name(ctx->type));
	sb_json_str(&sb, ctx->name, sizeof(ctx->name));
	sb_puts(&sb, ",\"runtime\":");
	sb_json_str(&sb, ctx->runtime, sizeof(ctx->runtime));
	sb_printf(&sb, ",\"own\":%s", ctx->own ? "true" : "false");
	if (ctx->vcpu >= 0)
		sb_printf(&sb, ",\"vcpu\":%d", ctx->vcpu);
	sb_puts(&sb, "}");

	switch (h->kind) {
	case ISOLENS_EV_FORK:
		sb_printf(&sb, ",\"child_pid\":%u,\"child_tid\":%u",
			  e->proc.child_pid, e->proc.child_tid);
		break;
	case ISOLENS_EV_EXEC:
		sb_puts(&sb, ",\"filename\":");
		sb_json_str(&sb, e->proc.filename, ISOLENS_PATH_LEN);
		break;
	case ISOLENS_EV_EXIT:
		sb_printf(&sb, ",\"exit_code\":%d", e->proc.exit_code);
		break;
	case ISOLENS_EV_CLONE:
	case ISOLENS_EV_UNSHARE:
	case ISOLENS_EV_SETNS:
		json_flags(&sb, e->ns_op.flags);
		sb_printf(&sb, ",\"ret\":%lld", (long long)e->ns_op.ret);
		if (h->kind == ISOLENS_EV_SETNS)
			sb_printf(&sb, ",\"fd\":%d", e->ns_op.fd);
		break;
	case ISOLENS_EV_NS_SWITCH:
		json_ns(&sb, "old_ns", &e->ns_switch.old_ns);
		break;
	case ISOLENS_EV_CAP_CHECK:
		sb_printf(&sb,
			  ",\"cap\":%u,\"cap_name\":\"%s\","
			  "\"target_userns\":%u,\"ret\":%d",
			  e->cap.cap, cap_name(e->cap.cap),
			  e->cap.target_userns, e->cap.ret);
		break;
	case ISOLENS_EV_CGROUP_MKDIR:
	case ISOLENS_EV_CGROUP_RMDIR:
	case ISOLENS_EV_CGROUP_ATTACH:
	case ISOLENS_EV_CGROUP_TRANSFER:
	case ISOLENS_EV_PIDS_LIMIT:
		/* value: the pids.max hit, else the hierarchy id */
		sb_printf(&sb,
			  ",\"cgroup\":{\"id\":%llu,\"level\":%u,"
			  "\"%s\":%llu,\"path\":",
			  (unsigned long long)e->cgroup.id, e->cgroup.level,
			  h->kind == ISOLENS_EV_PIDS_LIMIT ? "limit" :
							     "hierarchy",
			  (unsigned long long)e->cgroup.value);
		sb_json_str(&sb, e->cgroup.path, ISOLENS_PATH_LEN);
		sb_puts(&sb, "}");
		if (e->cgroup.target_pid)
			sb_printf(&sb, ",\"target_pid\":%u",
				  e->cgroup.target_pid);
		break;
	case ISOLENS_EV_OOM_KILL:
		sb_printf(&sb, ",\"target_pid\":%u,\"total_vm_pages\":%llu",
			  e->cgroup.target_pid,
			  (unsigned long long)e->cgroup.value);
		break;
	default:
		if (isolens_kind_class(h->kind) == ISOLENS_CLASS_KVM)
			json_kvm(&sb, e);
	}
	event_describe(e, desc, sizeof(desc));
	sb_puts(&sb, ",\"text\":");
	sb_json_str(&sb, desc, sizeof(desc));
	sb_puts(&sb, "}");
	return sb.pos;
}
