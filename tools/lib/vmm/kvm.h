/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The three file descriptors of the KVM API: /dev/kvm (the system), a VM
 * (memory slots, irqchip, PIT) and, in vcpu.h, one per vCPU.
 */
#ifndef ISOLENS_VMM_KVM_H
#define ISOLENS_VMM_KVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/errbuf.h"

#define KVM_DEVICE "/dev/kvm"

struct kvm {
	int sys_fd; /* /dev/kvm */
	int vm_fd; /* KVM_CREATE_VM */
	size_t run_size; /* KVM_GET_VCPU_MMAP_SIZE: the shared kvm_run page(s) */
	bool irqchip; /* in-kernel PIC + IOAPIC + LAPIC created */
	bool user_msr; /* unknown MSRs exit to userspace */
};

/* Open /dev/kvm, check the API version and create an empty VM. */
int kvm_open(struct kvm *kvm, const char *dev, struct errbuf *eb);
void kvm_close(struct kvm *kvm);

/* KVM_CHECK_EXTENSION on the system fd: > 0 when present. */
int kvm_check_extension(struct kvm *kvm, unsigned int cap);

/* Map [hva, hva+size) at guest-physical gpa as slot @slot. */
int kvm_set_memory(struct kvm *kvm, unsigned int slot, uint64_t gpa, void *hva,
		   uint64_t size, struct errbuf *eb);

/* In-kernel PIC/IOAPIC/LAPIC and PIT, as a PC has them. */
int kvm_create_irqchip(struct kvm *kvm, struct errbuf *eb);

/* Raise or lower an interrupt line of the in-kernel irqchip. */
int kvm_irq_line(struct kvm *kvm, unsigned int irq, int level);

/* Send unknown MSR accesses to userspace (KVM_EXIT_X86_RDMSR/WRMSR). */
int kvm_enable_user_msr(struct kvm *kvm, struct errbuf *eb);

#endif
