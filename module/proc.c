// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/isolens/: read-only seq_file views of the module's state.
 *
 * Root only (0400, like /dev/isolens): they list every namespace inode,
 * cgroup path and VMM pid on the host.  Containers see the directory
 * masked (tools/lib/container/mounts.c).
 *
 * procfs, unlike a character device, revokes open files itself: when
 * proc_remove() runs at unload it waits for reads in progress and makes
 * later ones fail, so these files need no lifetime care of their own.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include "isolens.h"

static struct proc_dir_entry *isolens_proc_dir;

static int stats_show(struct seq_file *m, void *v)
{
	struct isolens_reader *r;
	u64 used, events, drops;
	struct isolens_filter f;

	seq_printf(m, "abi_version %u\n", ISOLENS_ABI_VERSION);
	seq_printf(m, "classes 0x%x\n", isolens_classes);
	seq_printf(m, "buffer_kb %u\n", isolens_buffer_kb);
	seq_printf(m, "total_events %lld\n",
		   (long long)atomic64_read(&isolens_total_events));
	isolens_hooks_show(m);
	isolens_kprobes_show(m);
	isolens_kvm_show_hooks(m);

	/* The mutex keeps readers from being freed while we print them. */
	mutex_lock(&isolens_readers_lock);
	list_for_each_entry(r, &isolens_readers, node) {
		spin_lock_irq(&r->lock);
		used = r->ring.head - r->ring.tail;
		events = r->events;
		drops = r->drops;
		f = r->filter;
		spin_unlock_irq(&r->lock);
		seq_printf(
			m,
			"reader pid %d comm %s events %llu drops %llu buffered %llu filter classes 0x%x pidns %u cgroup %llu\n",
			r->owner_pid, r->owner_comm, events, drops, used,
			f.classes, f.pidns_inum,
			(unsigned long long)f.cgroup_id);
	}
	mutex_unlock(&isolens_readers_lock);
	return 0;
}

int isolens_proc_init(void)
{
	isolens_proc_dir = proc_mkdir(ISOLENS_NAME, NULL);
	if (!isolens_proc_dir)
		return -ENOMEM;
	if (!proc_create_single("stats", 0400, isolens_proc_dir, stats_show))
		goto err;
	if (!proc_create_single("kvm", 0400, isolens_proc_dir,
				isolens_kvm_show))
		goto err;
	if (!proc_create_single("namespaces", 0400, isolens_proc_dir,
				isolens_namespaces_show))
		goto err;
	if (!proc_create_single("cgroups", 0400, isolens_proc_dir,
				isolens_cgroups_show))
		goto err;
	return 0;
err:
	proc_remove(isolens_proc_dir);
	return -ENOMEM;
}

void isolens_proc_exit(void)
{
	proc_remove(isolens_proc_dir);
}
