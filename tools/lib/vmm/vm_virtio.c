// SPDX-License-Identifier: GPL-2.0
/*
 * The VM's virtio-mmio slots (platform.h): every slot answers on the MMIO
 * bus, the first cfg->nr_disks with a virtio-blk device, the others empty
 * (DeviceID 0).  Each device gets one I/O thread, "isolens-blkN".
 *
 * Two ways a doorbell and an interrupt can travel:
 *  - eventfds (the default): a KVM_IOEVENTFD per queue catches the
 *    guest's QueueNotify write inside KVM, which only signals an eventfd:
 *    the exit never reaches userspace.  The I/O thread wakes, serves the
 *    queue, and writes a KVM_IRQFD eventfd, which KVM turns into an edge
 *    on the device's IOAPIC pin without any ioctl from us.
 *  - --no-eventfd: the QueueNotify write is a KVM_EXIT_MMIO handled in
 *    the vCPU thread that made it (the request is served before the guest
 *    runs again) and the interrupt is a KVM_IRQ_LINE ioctl.  Same data,
 *    more userspace exits: lab 07 counts the difference.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <linux/virtio_mmio.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm/platform.h"
#include "vmm/vm.h"

static void vm_vdev_irq_fd(void *ctx)
{
	struct vm_vdev *v = ctx;
	uint64_t one = 1;

	if (write(v->irq_fd, &one, sizeof(one)) < 0) {
		/* the counter is saturated: an interrupt is pending anyway */
	}
}

static void vm_vdev_irq_line(void *ctx)
{
	struct vm_vdev *v = ctx;

	/* an edge: the pin is edge-triggered (the DSDT says so) */
	kvm_irq_line(&v->vm->kvm, VIRTIO_MMIO_GSI_BASE + v->slot, 1);
	kvm_irq_line(&v->vm->kvm, VIRTIO_MMIO_GSI_BASE + v->slot, 0);
}

/* "virtio-blk: queue 0: ..." from the device becomes "virtio-blk1: ..." */
static void vm_vdev_log(void *ctx, const char *msg)
{
	struct vm_vdev *v = ctx;
	const struct vmm_config *cfg = v->vm->cfg;
	const char *rest = strchr(msg, ':');
	char line[256];

	if (!cfg->log)
		return;
	snprintf(line, sizeof(line), "%s%s%s", v->name, rest ? "" : ": ",
		 rest ? rest : msg);
	cfg->log(cfg->log_ctx, line);
}

static uint64_t vm_vdev_base(unsigned int slot)
{
	return VIRTIO_MMIO_BASE + (uint64_t)slot * VIRTIO_MMIO_STRIDE;
}

/* Catch QueueNotify writes of queue q in KVM: a 4-byte write of q. */
static int vm_vdev_ioeventfd(struct vm_vdev *v, unsigned int q,
			     struct errbuf *eb)
{
	struct kvm_ioeventfd io = {
		.datamatch = q,
		.addr = vm_vdev_base(v->slot) + VIRTIO_MMIO_QUEUE_NOTIFY,
		.len = 4,
		.fd = v->kick_fd[q],
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	if (ioctl(v->vm->kvm.vm_fd, KVM_IOEVENTFD, &io) < 0)
		return errbuf_errno(eb, errno, "KVM_IOEVENTFD for %s queue %u",
				    v->name, q);
	return 0;
}

static int vm_vdev_eventfds(struct vm_vdev *v, struct errbuf *eb)
{
	struct kvm_irqfd irqfd = { .gsi = VIRTIO_MMIO_GSI_BASE + v->slot };
	unsigned int q;
	int err;

	for (q = 0; q < v->nr_queues; q++) {
		v->kick_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (v->kick_fd[q] < 0)
			return errbuf_errno(eb, errno, "eventfd");
		err = vm_vdev_ioeventfd(v, q, eb);
		if (err)
			return err;
	}
	v->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (v->irq_fd < 0)
		return errbuf_errno(eb, errno, "eventfd");
	irqfd.fd = v->irq_fd;
	if (ioctl(v->vm->kvm.vm_fd, KVM_IRQFD, &irqfd) < 0)
		return errbuf_errno(eb, errno, "KVM_IRQFD for %s", v->name);
	v->dev->irq = vm_vdev_irq_fd;
	return 0;
}

int vm_virtio_setup(struct vm *vm, struct errbuf *eb)
{
	const struct vmm_config *cfg = vm->cfg;
	/* teaching guests have no irqchip, so no irqfd: MMIO exits only */
	bool use_eventfd = !cfg->no_eventfd && vm->kvm.irqchip;
	unsigned int i, q;
	int err;

	if (cfg->nr_disks > VMM_MAX_DISKS || VMM_MAX_DISKS > VIRTIO_MMIO_SLOTS)
		return errbuf_set(eb, EINVAL, "%u disks: at most %d",
				  cfg->nr_disks, VMM_MAX_DISKS);
	if (cfg->nr_disks && use_eventfd &&
	    (kvm_check_extension(&vm->kvm, KVM_CAP_IOEVENTFD) <= 0 ||
	     kvm_check_extension(&vm->kvm, KVM_CAP_IRQFD) <= 0))
		return errbuf_set(
			eb, ENOTSUP,
			"KVM lacks KVM_CAP_IOEVENTFD or KVM_CAP_IRQFD (try --no-eventfd)");
	vm->io_stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->io_stop_fd < 0)
		return errbuf_errno(eb, errno, "eventfd");
	vm->res->nr_disks = cfg->nr_disks;
	for (i = 0; i < VIRTIO_MMIO_SLOTS; i++) {
		struct vm_vdev *v = &vm->vdevs[i];

		v->vm = vm;
		v->slot = i;
		v->irq_fd = -1;
		for (q = 0; q < VM_VDEV_MAX_QUEUES; q++)
			v->kick_fd[q] = -1;
		if (i < cfg->nr_disks) {
			snprintf(v->name, sizeof(v->name), "virtio-blk%u", i);
			err = virtio_blk_open(&v->blk, &cfg->disks[i], i,
					      &vm->mem, eb);
			if (err)
				return err;
			v->blk.stats = &vm->res->disks[i];
			v->dev = &v->blk.dev;
			v->nr_queues = v->dev->ops->nr_queues;
		} else {
			snprintf(v->name, sizeof(v->name), "virtio-mmio%u", i);
			virtio_dev_init(&v->empty, NULL, NULL, &vm->mem);
			v->dev = &v->empty;
		}
		v->initialized = true;
		v->dev->ctx = v;
		v->dev->log = vm_vdev_log;
		v->dev->irq = vm_vdev_irq_line;
		if (v->nr_queues > VM_VDEV_MAX_QUEUES)
			return errbuf_set(eb, EINVAL, "%s: %u queues", v->name,
					  v->nr_queues);
		if (v->nr_queues && use_eventfd) {
			err = vm_vdev_eventfds(v, eb);
			if (err)
				return err;
		}
		err = bus_register(&vm->mmio, vm_vdev_base(i), VIRTIO_MMIO_SIZE,
				   v->name, virtio_mmio_access, v->dev, eb);
		if (err)
			return err;
	}
	return 0;
}

/* One device's doorbells, served until the VM stops. */
static void *vm_vdev_thread(void *arg)
{
	struct vm_vdev *v = arg;
	struct pollfd pfd[VM_VDEV_MAX_QUEUES + 1];
	unsigned int q, n = v->nr_queues;

	for (q = 0; q < n; q++)
		pfd[q] = (struct pollfd){ .fd = v->kick_fd[q],
					  .events = POLLIN };
	pfd[n] = (struct pollfd){ .fd = v->vm->io_stop_fd, .events = POLLIN };
	for (;;) {
		if (poll(pfd, n + 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[n].revents)
			break;
		for (q = 0; q < n; q++) {
			uint64_t count;

			if (!(pfd[q].revents & POLLIN))
				continue;
			if (read(v->kick_fd[q], &count, sizeof(count)) < 0)
				continue;
			virtio_dev_kick(v->dev, q);
		}
	}
	return NULL;
}

int vm_virtio_start(struct vm *vm, struct errbuf *eb)
{
	unsigned int i;
	int err;

	for (i = 0; i < VIRTIO_MMIO_SLOTS; i++) {
		struct vm_vdev *v = &vm->vdevs[i];
		char comm[16];

		if (!v->nr_queues || v->kick_fd[0] < 0)
			continue; /* empty, or served in the vCPU threads */
		err = pthread_create(&v->thread, NULL, vm_vdev_thread, v);
		if (err)
			return errbuf_errno(eb, err,
					    "cannot start the I/O thread of %s",
					    v->name);
		v->started = true;
		snprintf(comm, sizeof(comm), "isolens-blk%u", i);
		pthread_setname_np(v->thread, comm);
	}
	return 0;
}

/*
 * The VM is stopping: a kick in progress (I/O thread, or a vCPU thread
 * with --no-eventfd) returns after its chain, and the I/O threads end.
 * Call it before joining the vCPUs: a guest that keeps a queue busy would
 * otherwise hold a vCPU thread in its kick.
 */
void vm_virtio_stop(struct vm *vm)
{
	uint64_t one = 1;
	unsigned int i;

	if (vm->io_stop_fd < 0)
		return;
	for (i = 0; i < VIRTIO_MMIO_SLOTS; i++)
		if (vm->vdevs[i].initialized)
			virtio_dev_stop(vm->vdevs[i].dev);
	if (write(vm->io_stop_fd, &one, sizeof(one)) < 0) {
		/* cannot fail on a fresh eventfd */
	}
	for (i = 0; i < VIRTIO_MMIO_SLOTS; i++) {
		struct vm_vdev *v = &vm->vdevs[i];

		if (v->started)
			pthread_join(v->thread, NULL);
		v->started = false;
	}
}

void vm_virtio_collect(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->cfg->nr_disks && i < VIRTIO_MMIO_SLOTS; i++) {
		struct vm_vdev *v = &vm->vdevs[i];
		struct vmm_disk_stats *st = &vm->res->disks[i];

		if (!v->initialized || v->dev != &v->blk.dev)
			continue;
		pthread_mutex_lock(&v->dev->lock);
		st->notifies = v->dev->notifies;
		st->irqs = v->dev->irqs;
		pthread_mutex_unlock(&v->dev->lock);
		st->needs_reset = virtio_dev_needs_reset(v->dev);
	}
}

void vm_virtio_destroy(struct vm *vm)
{
	unsigned int i, q;

	for (i = 0; i < VIRTIO_MMIO_SLOTS; i++) {
		struct vm_vdev *v = &vm->vdevs[i];

		if (!v->initialized)
			continue;
		/*
		 * No KVM_IOEVENTFD deassign: the seccomp filter forbids that
		 * ioctl, and closing the VM fd (kvm_close) drops every
		 * ioeventfd and irqfd.
		 */
		for (q = 0; q < VM_VDEV_MAX_QUEUES; q++)
			if (v->kick_fd[q] >= 0)
				close(v->kick_fd[q]);
		if (v->irq_fd >= 0)
			close(v->irq_fd); /* KVM drops the irqfd on close */
		if (v->dev == &v->blk.dev)
			virtio_blk_close(&v->blk);
		else
			virtio_dev_destroy(&v->empty);
		v->initialized = false;
	}
	if (vm->io_stop_fd >= 0)
		close(vm->io_stop_fd);
	vm->io_stop_fd = -1;
}
