/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPUID a guest sees is whatever the VMM sets with KVM_SET_CPUID2; we
 * start from what KVM and the host CPU support (KVM_GET_SUPPORTED_CPUID)
 * and give each vCPU its own APIC ID.  KVM then answers the guest's
 * CPUID instructions in the kernel, without coming back to us.
 */
#ifndef ISOLENS_VMM_CPUID_H
#define ISOLENS_VMM_CPUID_H

#include <linux/kvm.h>

#include "base/errbuf.h"
#include "vmm/kvm.h"

/* malloc'd table of supported leaves; free() it. */
int cpuid_get_supported(struct kvm *kvm, struct kvm_cpuid2 **out,
			struct errbuf *eb);

/* Patch a copy for vCPU @id of @nr and set it on the vCPU. */
int cpuid_set_vcpu(int vcpu_fd, const struct kvm_cpuid2 *supported,
		   unsigned int id, unsigned int nr, struct errbuf *eb);

#endif
