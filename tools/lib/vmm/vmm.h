/* SPDX-License-Identifier: GPL-2.0 */
/*
 * isolens vm: a micro-VM monitor on the raw KVM API.  vmm_run() builds a VM
 * (a teaching guest or a Linux bzImage), runs one thread per vCPU until the
 * guest stops, and reports why it stopped.  Libraries never print: the
 * guest console goes to the fds given in the config, and every exit can be
 * reported to an optional callback (isolens vm run --explain).
 */
#ifndef ISOLENS_VMM_H
#define ISOLENS_VMM_H

#include <stdbool.h>
#include <stdint.h>

#include "base/errbuf.h"

#define VMM_MAX_CPUS 32
#define VMM_DEFAULT_MEM (256ULL << 20)
#define VMM_MAX_DISKS 4 /* virtio-blk devices, in virtio-mmio slots 0.. */

/* Ports isolens guests use to talk to the VMM (see docs/microvm.md). */
#define VMM_PORT_MARKER 0x0600 /* any byte: "init is running" */
#define VMM_PORT_STATUS 0x0601 /* one byte: the guest command's status */

/* One exit, as the VMM handled it. */
struct vmm_exit {
	uint64_t seq; /* 1, 2, ... across all vCPUs */
	unsigned int vcpu;
	uint32_t reason; /* KVM_EXIT_* */
	/* exits KVM handled in the kernel since this vCPU's previous
	 * userspace exit (from KVM's binary stats), or -1 if unknown */
	int64_t kernel_exits;
	uint64_t addr; /* port, guest-physical address or MSR index */
	bool is_write;
	uint32_t size; /* bytes per element */
	uint32_t count; /* elements (string I/O) */
	uint64_t data; /* first element: written, or returned to the guest */
	const uint8_t *bytes; /* all size * count bytes (valid in the callback) */
	const char *handler; /* device or VMM part that handled it */
	const char *note; /* what happens next, e.g. "stop: guest halted" */
};

typedef void vmm_explain_fn(void *ctx, const struct vmm_exit *exit);

enum vmm_stop {
	VMM_STOP_NONE,
	VMM_STOP_HLT, /* halted for good: HLT, or every vCPU halted, IF off */
	VMM_STOP_STATUS, /* guest reported a status on VMM_PORT_STATUS */
	VMM_STOP_RESET, /* i8042 reset (reboot) or KVM system event */
	VMM_STOP_SHUTDOWN, /* triple fault */
	VMM_STOP_ERROR, /* KVM or the VMM failed */
	VMM_STOP_SIGNAL, /* the user interrupted us */
	VMM_STOP_CONSOLE, /* the console escape (Ctrl-A x) */
	VMM_STOP_TIMEOUT, /* cfg->timeout_ms ran out */
	VMM_STOP_POWEROFF, /* ACPI power-off (the FADT sleep register) */
};

/* A virtio-blk disk backed by a raw image file (--disk FILE[,ro]). */
struct vmm_disk {
	const char *path; /* for messages; opened unless fd >= 0 */
	int fd; /* >= 0: an open image (a private copy of a rootfs) */
	bool read_only; /* the guest sees VIRTIO_BLK_F_RO; writes fail */
	bool direct; /* open with O_DIRECT */
};

/* A line worth telling the user about, e.g. a device reset by a bad queue. */
typedef void vmm_log_fn(void *ctx, const char *msg);

struct vmm_config {
	const char *guest; /* teaching guest name, or NULL to boot Linux */
	const char *kernel; /* bzImage */
	/* boot the bzImage as it is, not its cached vmlinux (vmm/kernel_elf.h):
	 * the guest decompresses itself and may randomize its base (KASLR) */
	bool bzimage;
	const char *initrd; /* may be NULL */
	const void *initrd_append; /* extra cpio appended to the initrd */
	size_t initrd_append_len;
	const char *cmdline; /* full kernel command line */
	uint64_t mem; /* bytes */
	unsigned int cpus;
	int console_in; /* -1: no input */
	int console_out;
	/* if set, guest console output goes here instead of console_out */
	void (*console_write)(void *ctx, uint8_t byte);
	void *console_ctx;
	uint64_t timeout_ms; /* 0: none */
	bool console_escape; /* Ctrl-A x quits (interactive terminals) */
	bool console_eof_ctrl_d; /* EOF on console_in sends ^D (pipes) */
	bool input_after_marker; /* hold input until init is running */
	bool seccomp; /* confine the VMM after setup */
	const char *kvm_dev; /* NULL: /dev/kvm */
	vmm_explain_fn *explain; /* NULL: no per-exit reports */
	void *explain_ctx;
	struct vmm_disk disks[VMM_MAX_DISKS]; /* /dev/vda, /dev/vdb, ... */
	unsigned int nr_disks;
	/* queue doorbells as MMIO exits handled in the vCPU thread and
	 * interrupts by KVM_IRQ_LINE, instead of KVM_IOEVENTFD/KVM_IRQFD */
	bool no_eventfd;
	vmm_log_fn *log; /* NULL: VMM messages are dropped */
	void *log_ctx;
};

#define VMM_NR_REASONS 40

/* What one virtio-blk disk did (vmm_result.disks[i] is cfg->disks[i]). */
struct vmm_disk_stats {
	uint64_t requests; /* chains taken from the request queue */
	uint64_t read_bytes, written_bytes, flushes;
	uint64_t errors; /* requests answered IOERR or UNSUPP */
	uint64_t notifies; /* doorbells: MMIO exits or ioeventfd wakeups */
	uint64_t irqs; /* interrupts injected (irqfd or KVM_IRQ_LINE) */
	bool needs_reset; /* a bad queue put it in DEVICE_NEEDS_RESET */
};

struct vmm_result {
	enum vmm_stop stop;
	int status; /* VMM_STOP_STATUS: the guest command's status */
	uint64_t marker_ns; /* start → marker; 0 if never reached */
	uint64_t run_ns; /* start → stop */
	uint64_t exits[VMM_NR_REASONS]; /* userspace exits by KVM_EXIT_* */
	int64_t kernel_exits; /* handled inside KVM; -1 if unknown */
	uint64_t port_unknown, mmio_unknown, msr_unknown, invalid;
	uint64_t console_dropped; /* guest output nobody took */
	unsigned int cpus;
	bool seccomp; /* the filter was installed */
	/* a Linux guest: its vmlinux booted (built into the cache this run),
	 * with the cache entry in kernel_note; else why the bzImage was */
	bool vmlinux, vmlinux_built;
	char kernel_note[1024];
	unsigned int nr_disks;
	struct vmm_disk_stats disks[VMM_MAX_DISKS];
	/* VMM_STOP_ERROR: KVM_RUN's errno, or the exit and its detail */
	int error_errno;
	uint32_t error_exit;
	uint64_t error_data;
};

/* The built-in teaching guests: name, one-line description. */
struct vmm_guest_desc {
	const char *name;
	const char *summary;
};
extern const struct vmm_guest_desc vmm_guests[];
extern const unsigned int vmm_nr_guests;

bool vmm_guest_known(const char *name);
const char *vmm_stop_name(enum vmm_stop stop);

/* Whether /dev/kvm (or dev) can be opened; -errno otherwise. */
int vmm_kvm_available(const char *dev, struct errbuf *eb);

/*
 * Run a VM to completion.  Returns 0 when the guest ran and stopped (see
 * res->stop), or -errno when the VM could not be built or KVM failed.
 */
int vmm_run(const struct vmm_config *cfg, struct vmm_result *res,
	    struct errbuf *eb);

#endif
