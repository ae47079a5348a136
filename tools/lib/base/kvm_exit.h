/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM_EXIT_* (struct kvm_run's exit_reason: why KVM_RUN returned to the
 * VMM) by name, the one table: the VMM's statistics and --explain, the
 * tracer's kvm_userspace_exit records and compare all read it.  It lives
 * in base/ because vmm/ is below trace/ and both need it.  Hardware exit
 * reasons (VMX, SVM) are trace/exit_reason.h's.
 */
#ifndef ISOLENS_BASE_KVM_EXIT_H
#define ISOLENS_BASE_KVM_EXIT_H

#include <stdint.h>

/* "IO", "MMIO", "HLT"...: KVM_EXIT_ without its prefix; NULL if unknown. */
const char *kvm_run_exit_name(uint32_t reason);

#endif
