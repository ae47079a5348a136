// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * The kvm class: a VM's vCPUs entering the guest and exiting from it,
 * exits to the VMM in userland, port and MMIO accesses.
 *
 * kvm's tracepoints live in kvm.ko, which may be loaded after isolens or
 * unloaded before it.  for_each_kernel_tracepoint() only sees the core
 * kernel's, so kvm's are found through the tracepoint module notifier:
 * register_tracepoint_module_notifier() calls us with MODULE_STATE_COMING
 * for every module with tracepoints already loaded, and again whenever one
 * loads; with MODULE_STATE_GOING before one unloads, early enough to
 * unregister our probes (the kernel checks afterwards that none is left).
 * Unregistering the notifier at our own unload replays GOING for every
 * module, which detaches us from a kvm that is still loaded.
 *
 * The exit reason is not an argument of the kvm_exit tracepoint: kvm's own
 * trace event asks the vendor module (kvm_amd, kvm_intel) through
 * kvm_x86_ops.get_exit_info().  kvm_x86_ops is not exported, so the module
 * looks it up in kallsyms: the one place it leans on a non-exported symbol.
 * Without it, exit_reason is ISOLENS_KVM_REASON_UNKNOWN.
 */
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/tracepoint.h>
#include <trace/events/kvm.h>
#include "isolens.h"

#define KVM_MAX_VMS 16
#define KVM_MAX_REASONS 24

/* One VM, as its vCPUs show it: identity is the struct kvm and the VMM. */
struct isolens_vm {
	const void *kvm; /* compared, never dereferenced */
	pid_t pid; /* the VMM process */
	u32 vcpus; /* highest vcpu_id seen + 1 */
	u32 isa;
	u64 entries;
	u64 exits;
	u64 userspace_exits;
	u64 last_seen; /* ns, for evicting the oldest */
	u32 nr_reasons;
	struct {
		u64 reason;
		u64 count;
	} reasons[KVM_MAX_REASONS];
};

static DEFINE_SPINLOCK(vms_lock); /* taken in kvm_exit: irqsave */
static struct isolens_vm vms[KVM_MAX_VMS];

static DEFINE_MUTEX(kvm_hooks_lock); /* attach/detach and the notifier */
static struct kvm_x86_ops *kvm_ops; /* kvm.ko's, while it is loaded */

/* Find or make the slot of the VM that @vcpu belongs to.  vms_lock held. */
static struct isolens_vm *vm_slot(const void *kvm, u64 now)
{
	struct isolens_vm *vm, *oldest = &vms[0];
	pid_t pid = current->tgid;

	for (vm = vms; vm < vms + KVM_MAX_VMS; vm++) {
		if (vm->kvm == kvm && vm->pid == pid)
			return vm;
		if (vm->last_seen < oldest->last_seen)
			oldest = vm;
	}
	memset(oldest, 0, sizeof(*oldest));
	oldest->kvm = kvm;
	oldest->pid = pid;
	return oldest;
}

static void count_exit(struct kvm_vcpu *vcpu, u32 isa, u64 reason)
{
	struct isolens_vm *vm;
	unsigned long flags;
	u64 now = ktime_get_ns();
	u32 i;

	spin_lock_irqsave(&vms_lock, flags);
	vm = vm_slot(vcpu->kvm, now);
	vm->last_seen = now;
	vm->isa = isa;
	vm->vcpus = max_t(u32, vm->vcpus, vcpu->vcpu_id + 1);
	vm->exits++;
	for (i = 0; i < vm->nr_reasons; i++)
		if (vm->reasons[i].reason == reason)
			break;
	if (i == vm->nr_reasons && i < KVM_MAX_REASONS)
		vm->reasons[vm->nr_reasons++].reason = reason;
	if (i < KVM_MAX_REASONS)
		vm->reasons[i].count++;
	spin_unlock_irqrestore(&vms_lock, flags);
}

static void count_entry(struct kvm_vcpu *vcpu)
{
	struct isolens_vm *vm;
	unsigned long flags;
	u64 now = ktime_get_ns();

	spin_lock_irqsave(&vms_lock, flags);
	vm = vm_slot(vcpu->kvm, now);
	vm->last_seen = now;
	vm->vcpus = max_t(u32, vm->vcpus, vcpu->vcpu_id + 1);
	vm->entries++;
	spin_unlock_irqrestore(&vms_lock, flags);
}

/* kvm_userspace_exit has no vcpu argument: find the VM by its VMM. */
static void count_userspace_exit(void)
{
	struct isolens_vm *vm;
	unsigned long flags;

	spin_lock_irqsave(&vms_lock, flags);
	for (vm = vms; vm < vms + KVM_MAX_VMS; vm++) {
		if (vm->kvm && vm->pid == current->tgid) {
			vm->userspace_exits++;
			break;
		}
	}
	spin_unlock_irqrestore(&vms_lock, flags);
}

static void kvm_event_init(struct isolens_event *ev, u16 kind,
			   struct kvm_vcpu *vcpu)
{
	isolens_event_init(ev, kind);
	ev->kvm.vm_pid = current->tgid;
	ev->kvm.vcpu_id = vcpu ? vcpu->vcpu_id : 0;
}

/* Runs just before VMRUN/VMLAUNCH, interrupts off. */
static void probe_entry(void *data, struct kvm_vcpu *vcpu)
{
	struct isolens_event ev;

	isolens_hook_hit(data);
	count_entry(vcpu);
	if (!isolens_wanted(ISOLENS_CLASS_KVM))
		return;
	kvm_event_init(&ev, ISOLENS_EV_KVM_ENTRY, vcpu);
	isolens_emit(&ev);
}

static void emit_exit(struct kvm_vcpu *vcpu, u32 isa, u64 reason, u64 info1,
		      u64 info2)
{
	struct isolens_event ev;

	count_exit(vcpu, isa, reason);
	if (!isolens_wanted(ISOLENS_CLASS_KVM))
		return;
	kvm_event_init(&ev, ISOLENS_EV_KVM_EXIT, vcpu);
	ev.kvm.isa = isa;
	ev.kvm.exit_reason = reason;
	ev.kvm.info1 = info1;
	ev.kvm.info2 = info2;
	isolens_emit(&ev);
}

/*
 * Since 5.16, kvm_exit(vcpu, isa) and the reason comes from
 * kvm_x86_ops.get_exit_info(vcpu, &reason, ...).  Runs right after the
 * guest exited to kvm, interrupts still off.
 */
static void probe_exit(void *data, struct kvm_vcpu *vcpu, u32 isa)
{
	/* clang-format would read the unknown u32 * as a multiplication */
	/* clang-format off */
	void (*get_exit_info)(struct kvm_vcpu *vcpu, u32 *reason, u64 *info1,
			      u64 *info2, u32 *intr_info, u32 *error_code);
	/* clang-format on */
	u64 reason = ISOLENS_KVM_REASON_UNKNOWN, info1 = 0, info2 = 0;
	struct kvm_x86_ops *ops = READ_ONCE(kvm_ops);
	u32 r = 0, intr_info = 0, error_code = 0;

	isolens_hook_hit(data);
	/* Through void *: on older headers the member has another type,
	 * and then this probe is never chosen (see kvm_hooks[]).
	 */
	get_exit_info = ops ? (void *)READ_ONCE(ops->get_exit_info) : NULL;
	if (get_exit_info) {
		get_exit_info(vcpu, &r, &info1, &info2, &intr_info,
			      &error_code);
		reason = r;
	}
	emit_exit(vcpu, isa, reason, info1, info2);
}

/* Up to 5.15: kvm_exit(exit_reason, vcpu, isa). */
static void probe_exit_old(void *data, unsigned int exit_reason,
			   struct kvm_vcpu *vcpu, u32 isa)
{
	isolens_hook_hit(data);
	emit_exit(vcpu, isa, exit_reason, 0, 0);
}

/* The headers' get_exit_info() tells which kvm_exit prototype we face. */
#define KVM_EXIT_INFO_HAS_REASON                                        \
	__builtin_types_compatible_p(                                   \
		typeof(((struct kvm_x86_ops *)0)->get_exit_info),       \
		void (*)(struct kvm_vcpu *, u32 *, u64 *, u64 *, u32 *, \
			 u32 *))

/* KVM_RUN returns to the VMM: reason is KVM_EXIT_* (kvm_run->exit_reason). */
static void probe_userspace_exit(void *data, __u32 reason, int errno)
{
	struct isolens_event ev;

	isolens_hook_hit(data);
	count_userspace_exit();
	if (!isolens_wanted(ISOLENS_CLASS_KVM))
		return;
	kvm_event_init(&ev, ISOLENS_EV_KVM_USERSPACE_EXIT, NULL);
	ev.kvm.exit_reason = reason;
	ev.kvm.info1 = (u64)(s64)errno;
	isolens_emit(&ev);
}

static u64 small_value(const void *val, unsigned int len)
{
	u64 v = 0;

	if (val)
		memcpy(&v, val, min_t(unsigned int, len, sizeof(v)));
	return v;
}

/* rw: 0 in, 1 out; @val holds count * size bytes. */
static void probe_pio(void *data, unsigned int rw, unsigned int port,
		      unsigned int size, unsigned int count, const void *val)
{
	struct isolens_event ev;

	isolens_hook_hit(data);
	if (!isolens_wanted(ISOLENS_CLASS_KVM))
		return;
	kvm_event_init(&ev, ISOLENS_EV_KVM_PIO, NULL);
	ev.kvm.dir = rw;
	ev.kvm.info1 = port;
	ev.kvm.info2 = small_value(val, size);
	ev.kvm.len = size;
	ev.kvm.count = count;
	isolens_emit(&ev);
}

/* type: KVM_TRACE_MMIO_READ_UNSATISFIED (val NULL), _READ, _WRITE. */
static void probe_mmio(void *data, int type, int len, u64 gpa, void *val)
{
	struct isolens_event ev;

	isolens_hook_hit(data);
	if (!isolens_wanted(ISOLENS_CLASS_KVM))
		return;
	kvm_event_init(&ev, ISOLENS_EV_KVM_MMIO, NULL);
	ev.kvm.dir = type == KVM_TRACE_MMIO_WRITE;
	ev.kvm.info1 = gpa;
	ev.kvm.info2 = small_value(val, len);
	ev.kvm.len = len;
	ev.kvm.count = 1;
	isolens_emit(&ev);
}

/*
 * The prototypes follow arch/x86/kvm/trace.h and include/trace/events/kvm.h
 * of 5.15..6.1; arch/x86/kvm/trace.h is not in the headers package, so
 * ISOLENS_PROBE_FOR cannot check them (kvm_exit is chosen through
 * kvm_x86_ops instead, whose change came with it).  Newer kernels that
 * append an argument still call these correctly on x86-64 (the extra
 * register is ignored), unless built with kCFI.
 */
static struct isolens_hook kvm_hooks[] = {
	{ .name = "kvm_entry",
	  .probe = probe_entry,
	  .class = ISOLENS_CLASS_KVM },
	{ .name = "kvm_exit",
	  .probe = __builtin_choose_expr(KVM_EXIT_INFO_HAS_REASON,
					 (void *)probe_exit,
					 (void *)probe_exit_old),
	  .class = ISOLENS_CLASS_KVM },
	{ .name = "kvm_userspace_exit",
	  .probe = probe_userspace_exit,
	  .class = ISOLENS_CLASS_KVM },
	{ .name = "kvm_pio", .probe = probe_pio, .class = ISOLENS_CLASS_KVM },
	{ .name = "kvm_mmio", .probe = probe_mmio, .class = ISOLENS_CLASS_KVM },
};

/*
 * kallsyms_lookup_name() is not exported since 5.7; registering a kprobe
 * on it is the usual way to learn its address.  Used once per kvm load.
 */
static void *lookup_symbol(const char *name)
{
	unsigned long (*lookup)(const char *name);
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };

	if (register_kprobe(&kp))
		return NULL;
	lookup = (void *)kp.addr;
	unregister_kprobe(&kp);
	return lookup ? (void *)lookup(name) : NULL;
}

/* kvm_hooks_lock held. */
static void kvm_attach(struct module *mod)
{
	struct isolens_hook *hook;
	unsigned int i;

	for (i = 0; i < mod->num_tracepoints; i++) {
		struct tracepoint *tp =
			tracepoint_ptr_deref(mod->tracepoints_ptrs + i);

		for (hook = kvm_hooks; hook < kvm_hooks + ARRAY_SIZE(kvm_hooks);
		     hook++)
			if (!hook->tp && !strcmp(tp->name, hook->name))
				hook->tp = tp;
	}
	WRITE_ONCE(kvm_ops, lookup_symbol("kvm_x86_ops"));
	for (hook = kvm_hooks; hook < kvm_hooks + ARRAY_SIZE(kvm_hooks);
	     hook++) {
		if (!hook->tp)
			continue;
		if (tracepoint_probe_register(hook->tp, hook->probe, hook)) {
			pr_warn("cannot attach to %s\n", hook->name);
			continue;
		}
		hook->attached = true;
	}
	pr_info("attached to kvm%s\n",
		kvm_ops ? "" : " (exit reasons unknown: no kvm_x86_ops)");
}

/* kvm_hooks_lock held. */
static void kvm_detach(void)
{
	struct isolens_hook *hook;
	bool any = false;

	for (hook = kvm_hooks; hook < kvm_hooks + ARRAY_SIZE(kvm_hooks);
	     hook++) {
		if (hook->attached) {
			WARN_ON(tracepoint_probe_unregister(hook->tp,
							    hook->probe, hook));
			hook->attached = false;
			any = true;
		}
		hook->tp = NULL;
	}
	/* No probe may still run when kvm's memory (and ops) goes away. */
	tracepoint_synchronize_unregister();
	WRITE_ONCE(kvm_ops, NULL);
	if (any)
		pr_info("detached from kvm\n");
}

static int kvm_module_notify(struct notifier_block *nb, unsigned long val,
			     void *data)
{
	struct tp_module *tp_mod = data;

	if (strcmp(tp_mod->mod->name, "kvm"))
		return NOTIFY_OK;
	mutex_lock(&kvm_hooks_lock);
	if (val == MODULE_STATE_COMING)
		kvm_attach(tp_mod->mod);
	else if (val == MODULE_STATE_GOING)
		kvm_detach();
	mutex_unlock(&kvm_hooks_lock);
	return NOTIFY_OK;
}

static struct notifier_block kvm_nb = {
	.notifier_call = kvm_module_notify,
};
static bool kvm_nb_registered;

int isolens_kvm_init(void)
{
	int ret;

	if (!(isolens_classes & ISOLENS_CLASS_KVM))
		return 0;
	ret = register_tracepoint_module_notifier(&kvm_nb);
	if (ret)
		return ret;
	kvm_nb_registered = true;
	return 0;
}

void isolens_kvm_exit(void)
{
	if (kvm_nb_registered)
		unregister_tracepoint_module_notifier(&kvm_nb);
	kvm_nb_registered = false;
}

void isolens_kvm_show_hooks(struct seq_file *m)
{
	struct isolens_hook *hook;

	mutex_lock(&kvm_hooks_lock);
	for (hook = kvm_hooks; hook < kvm_hooks + ARRAY_SIZE(kvm_hooks); hook++)
		seq_printf(m, "hook %s %s hits %lld\n", hook->name,
			   hook->attached ? "attached" : "off",
			   (long long)atomic64_read(&hook->hits));
	mutex_unlock(&kvm_hooks_lock);
}

/* /proc/isolens/kvm: a snapshot, so printing does not hold the spinlock. */
int isolens_kvm_show(struct seq_file *m, void *v)
{
	struct isolens_vm *snap;
	unsigned long flags;
	u32 i, j;

	snap = kmalloc_array(KVM_MAX_VMS, sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	spin_lock_irqsave(&vms_lock, flags);
	memcpy(snap, vms, sizeof(vms));
	spin_unlock_irqrestore(&vms_lock, flags);

	for (i = 0; i < KVM_MAX_VMS; i++) {
		struct isolens_vm *vm = &snap[i];

		if (!vm->kvm)
			continue;
		seq_printf(
			m,
			"vm pid %d vcpus %u isa %s entries %llu exits %llu userspace_exits %llu\n",
			vm->pid, vm->vcpus,
			vm->isa == ISOLENS_KVM_ISA_VMX ? "vmx" :
			vm->isa == ISOLENS_KVM_ISA_SVM ? "svm" :
							 "-",
			vm->entries, vm->exits, vm->userspace_exits);
		for (j = 0; j < vm->nr_reasons; j++)
			seq_printf(m, "  exit reason 0x%llx count %llu\n",
				   vm->reasons[j].reason, vm->reasons[j].count);
	}
	kfree(snap);
	return 0;
}
