// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/isolens: a misc character device.  Every open file is a reader with
 * its own ring; read() hands out whole records, poll() says when there are
 * some, and three ioctls set a filter, fetch counters and tell the ABI
 * version.
 *
 * Lifetime (docs/module.md, "What happens on unload", has the long story).
 * Open files do NOT pin the module (.owner is NULL), so rmmod is allowed
 * while readers are blocked in read() or poll().  isolens_exit() then:
 *   1. deregisters the device: misc_open() runs our open() under misc_mtx,
 *      so after misc_deregister() no open is running or can start;
 *   2. detaches every hook: no producer touches a ring any more;
 *   3. sets isolens_shutdown and wakes every reader: read() returns what is
 *      left, then -ENODEV; poll() reports EPOLLERR | EPOLLHUP;
 *   4. waits until every file is closed (release() is the last call the VFS
 *      makes into a file's operations), printing who it waits for;
 *   5. waits for an RCU-tasks grace period, because the closing task still
 *      runs the last instructions of our release() and __fput() then reads
 *      .owner from our file_operations: every task must have left that code
 *      before the module's memory is freed.
 * So an unload never frees code that a file can still reach; the price is
 * that rmmod waits for programs that keep the device open after -ENODEV.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "isolens.h"

/* Per-reader ring size in KiB (module parameter, see main.c). */
unsigned int isolens_buffer_kb = 256;

DEFINE_MUTEX(isolens_readers_lock); /* writers of isolens_readers */
LIST_HEAD(isolens_readers); /* producers walk it under RCU */
atomic64_t isolens_total_events = ATOMIC64_INIT(0);

static unsigned int nr_files; /* open files, under the mutex */
static bool isolens_shutdown; /* set once, by module exit */
static DECLARE_WAIT_QUEUE_HEAD(files_closed);

static void reader_wakeup(struct irq_work *work)
{
	struct isolens_reader *r =
		container_of(work, struct isolens_reader, wakeup);

	wake_up_interruptible_poll(&r->wait, EPOLLIN | EPOLLRDNORM);
}

static int isolens_open(struct inode *inode, struct file *file)
{
	struct isolens_reader *r;
	int ret;

	/* The mode (0600) is the first gate; this holds even if an admin
	 * chmods the node: events show every task on the machine.
	 */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	ret = isolens_ring_init(&r->ring, (size_t)isolens_buffer_kb * 1024);
	if (ret)
		goto err_free;
	spin_lock_init(&r->lock);
	init_waitqueue_head(&r->wait);
	init_irq_work(&r->wakeup, reader_wakeup);
	mutex_init(&r->read_mutex);
	r->owner_pid = task_tgid_nr(current);
	strscpy(r->owner_comm, current->comm, sizeof(r->owner_comm));

	mutex_lock(&isolens_readers_lock);
	if (isolens_shutdown) {
		mutex_unlock(&isolens_readers_lock);
		ret = -ENODEV;
		goto err_ring;
	}
	list_add_tail_rcu(&r->node, &isolens_readers);
	nr_files++;
	mutex_unlock(&isolens_readers_lock);

	file->private_data = r;
	return stream_open(inode, file);

err_ring:
	isolens_ring_free(&r->ring);
err_free:
	kfree(r);
	return ret;
}

static int isolens_release(struct inode *inode, struct file *file)
{
	struct isolens_reader *r = file->private_data;
	bool last;

	mutex_lock(&isolens_readers_lock);
	list_del_rcu(&r->node);
	mutex_unlock(&isolens_readers_lock);
	/* Producers that found @r before list_del_rcu() may still be
	 * pushing into it; after a grace period none is, and a queued
	 * wake-up may still be pending until irq_work_sync().
	 */
	synchronize_rcu();
	irq_work_sync(&r->wakeup);
	isolens_ring_free(&r->ring);
	kfree(r);

	mutex_lock(&isolens_readers_lock);
	last = --nr_files == 0;
	mutex_unlock(&isolens_readers_lock);
	if (last)
		wake_up_all(&files_closed);
	return 0;
}

static bool reader_ready(struct isolens_reader *r)
{
	return isolens_ring_used(&r->ring) || READ_ONCE(isolens_shutdown);
}

static ssize_t isolens_read(struct file *file, char __user *buf, size_t count,
			    loff_t *ppos)
{
	struct isolens_reader *r = file->private_data;
	ssize_t copied = 0;
	u32 len;
	int ret;

	/* Whole records only: a buffer that cannot hold one is a bug. */
	if (count < sizeof(struct isolens_event))
		return -EINVAL;
	if (mutex_lock_interruptible(&r->read_mutex))
		return -ERESTARTSYS;

	while (count - copied >= sizeof(struct isolens_event_hdr)) {
		spin_lock_irq(&r->lock);
		len = isolens_ring_peek(&r->ring, r->bounce,
					min_t(size_t, count - copied,
					      sizeof(r->bounce)));
		spin_unlock_irq(&r->lock);

		if (len == 0) {
			if (copied)
				break;
			if (READ_ONCE(isolens_shutdown)) {
				ret = -ENODEV;
				goto out;
			}
			if (file->f_flags & O_NONBLOCK) {
				ret = -EAGAIN;
				goto out;
			}
			ret = wait_event_interruptible(r->wait,
						       reader_ready(r));
			if (ret)
				goto out;
			continue;
		}
		if (len > count - copied) {
			/* The next record does not fit in what is left. */
			if (copied)
				break;
			ret = -EINVAL;
			goto out;
		}
		/* Copy before consuming: on a fault the record stays queued. */
		if (copy_to_user(buf + copied, r->bounce, len)) {
			if (copied)
				break;
			ret = -EFAULT;
			goto out;
		}
		/* Only this reader moves tail (read_mutex); producers do
		 * not, so the record peeked above is the one consumed.
		 */
		spin_lock_irq(&r->lock);
		isolens_ring_consume(&r->ring, len);
		spin_unlock_irq(&r->lock);
		copied += len;
	}
	ret = copied;
out:
	mutex_unlock(&r->read_mutex);
	return ret;
}

static __poll_t isolens_poll(struct file *file, poll_table *wait)
{
	struct isolens_reader *r = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &r->wait, wait);
	if (isolens_ring_used(&r->ring))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(isolens_shutdown))
		mask |= EPOLLERR | EPOLLHUP;
	return mask;
}

static void reader_stats(struct isolens_reader *r, struct isolens_stats *st)
{
	memset(st, 0, sizeof(*st));
	spin_lock_irq(&r->lock);
	st->events = r->events;
	st->drops = r->drops;
	spin_unlock_irq(&r->lock);
	st->total_events = atomic64_read(&isolens_total_events);
	st->readers = READ_ONCE(nr_files);
}

/*
 * -ENOTTY: not an isolens ioctl at all (foreign magic or unknown number).
 * -EINVAL: one of ours with the wrong size/direction, or a bad value.
 * -EFAULT: the argument pointer cannot be read or written.
 */
static long isolens_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct isolens_reader *r = file->private_data;
	void __user *uarg = (void __user *)arg;
	struct isolens_filter filter;
	struct isolens_stats stats;
	unsigned int expected;

	if (_IOC_TYPE(cmd) != ISOLENS_IOC_MAGIC)
		return -ENOTTY;
	switch (_IOC_NR(cmd)) {
	case _IOC_NR(ISOLENS_IOC_ABI_VERSION):
		expected = ISOLENS_IOC_ABI_VERSION;
		break;
	case _IOC_NR(ISOLENS_IOC_SET_FILTER):
		expected = ISOLENS_IOC_SET_FILTER;
		break;
	case _IOC_NR(ISOLENS_IOC_GET_STATS):
		expected = ISOLENS_IOC_GET_STATS;
		break;
	default:
		return -ENOTTY;
	}
	if (cmd != expected)
		return -EINVAL;

	switch (cmd) {
	case ISOLENS_IOC_ABI_VERSION:
		return put_user((__u32)ISOLENS_ABI_VERSION,
				(__u32 __user *)uarg);
	case ISOLENS_IOC_SET_FILTER:
		if (copy_from_user(&filter, uarg, sizeof(filter)))
			return -EFAULT;
		if (filter.classes & ~ISOLENS_CLASS_ALL)
			return -EINVAL;
		spin_lock_irq(&r->lock);
		r->filter = filter;
		spin_unlock_irq(&r->lock);
		return 0;
	case ISOLENS_IOC_GET_STATS:
		reader_stats(r, &stats);
		if (copy_to_user(uarg, &stats, sizeof(stats)))
			return -EFAULT;
		return 0;
	}
	return -ENOTTY;
}

/* No .owner: open files must not pin the module (see the top comment). */
static const struct file_operations isolens_fops = {
	.open = isolens_open,
	.release = isolens_release,
	.read = isolens_read,
	.poll = isolens_poll,
	.unlocked_ioctl = isolens_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice isolens_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = ISOLENS_DEVICE_NAME,
	.fops = &isolens_fops,
	.mode = 0600,
};

int isolens_device_init(void)
{
	return misc_register(&isolens_misc);
}

void isolens_device_exit(void)
{
	misc_deregister(&isolens_misc);
}

/* Steps 3-5 of the unload (top of this file).  Hooks are detached. */
void isolens_readers_shutdown(void)
{
	struct isolens_reader *r;
	unsigned int left;

	mutex_lock(&isolens_readers_lock);
	WRITE_ONCE(isolens_shutdown, true);
	list_for_each_entry(r, &isolens_readers, node)
		wake_up_interruptible_poll(&r->wait, EPOLLERR | EPOLLHUP);
	mutex_unlock(&isolens_readers_lock);

	for (;;) {
		mutex_lock(&isolens_readers_lock);
		left = nr_files;
		mutex_unlock(&isolens_readers_lock);
		if (!left)
			break;
		pr_info("unload waits for %u open /dev/%s file(s) to close\n",
			left, ISOLENS_DEVICE_NAME);
		/* A timeout, not an uninterruptible sleep without end, so
		 * the hung-task detector stays quiet and we keep reporting.
		 */
		wait_event_timeout(files_closed, !READ_ONCE(nr_files), 10 * HZ);
	}
	synchronize_rcu_tasks();
}
