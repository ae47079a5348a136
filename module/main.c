// SPDX-License-Identifier: GPL-2.0
/*
 * isolens.ko: shows, from inside the kernel, the events that make
 * containers and VMs what they are.  See docs/module.md for a guided tour.
 *
 * Load order: /proc views, hooks, then the device, so that everything a
 * reader can reach exists before the first open.  Unload runs in reverse
 * and is described in device.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include "isolens.h"

static int classes_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int ret = kstrtouint(val, 0, &v);

	if (ret)
		return ret;
	if (v & ~ISOLENS_CLASS_ALL)
		return -EINVAL;
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops classes_ops = {
	.set = classes_set,
	.get = param_get_uint,
};

/* Read-only once loaded: hooks are chosen at load time. */
module_param_cb(classes, &classes_ops, &isolens_classes, 0444);
MODULE_PARM_DESC(
	classes,
	"event classes to hook: proc=1 ns=2 cgroup=4 kvm=8 cap=16 (default all)");

static int buffer_kb_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int ret = kstrtouint(val, 0, &v);

	if (ret)
		return ret;
	if (v < 4 || v > 65536)
		return -EINVAL;
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops buffer_kb_ops = {
	.set = buffer_kb_set,
	.get = param_get_uint,
};

module_param_cb(buffer_kb, &buffer_kb_ops, &isolens_buffer_kb, 0444);
MODULE_PARM_DESC(
	buffer_kb,
	"per-reader ring size in KiB, 4..65536, rounded up to a power of two (default 256)");

static int __init isolens_init(void)
{
	int ret;

	ret = isolens_proc_init();
	if (ret)
		return ret;
	ret = isolens_hooks_attach();
	if (ret)
		goto err_proc;
	ret = isolens_kprobes_attach();
	if (ret)
		goto err_hooks;
	ret = isolens_kvm_init();
	if (ret)
		goto err_kprobes;
	ret = isolens_device_init();
	if (ret)
		goto err_kvm;
	pr_info("loaded: /dev/%s, ABI %u, classes 0x%x\n", ISOLENS_DEVICE_NAME,
		ISOLENS_ABI_VERSION, isolens_classes);
	return 0;

err_kvm:
	isolens_kvm_exit();
err_kprobes:
	isolens_kprobes_detach();
err_hooks:
	isolens_hooks_detach();
err_proc:
	isolens_proc_exit();
	return ret;
}

static void __exit isolens_exit(void)
{
	isolens_device_exit();
	isolens_kvm_exit();
	isolens_kprobes_detach();
	isolens_hooks_detach();
	isolens_readers_shutdown();
	isolens_proc_exit();
	pr_info("unloaded\n");
}

module_init(isolens_init);
module_exit(isolens_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("isolens");
MODULE_DESCRIPTION("isolens: namespace, cgroup and KVM events for teaching");
