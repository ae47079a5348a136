/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hardware VM-exit reasons, the one place isolens decodes them: trace, the
 * VMM's --explain and compare all use these tables.  The isa numbers are
 * the kvm_exit tracepoint's (ISOLENS_KVM_ISA_VMX, ISOLENS_KVM_ISA_SVM in
 * the uapi header); names are the kernel's own, as the tracepoint prints
 * them.
 */
#ifndef ISOLENS_EXIT_REASON_H
#define ISOLENS_EXIT_REASON_H

#include <stddef.h>
#include <stdint.h>

#include <linux/isolens.h>

/* Coarse groups, the same for VMX and SVM, for histograms and compare. */
enum exit_group {
	EXIT_GROUP_OTHER = 0,
	EXIT_GROUP_IO, /* port I/O */
	EXIT_GROUP_MMIO, /* EPT violation/misconfig, nested page fault */
	EXIT_GROUP_HLT,
	EXIT_GROUP_INTR, /* external interrupt, NMI, interrupt window */
	EXIT_GROUP_MSR,
	EXIT_GROUP_CPUID,
	EXIT_GROUP_HYPERCALL,
	EXIT_GROUP_EXCEPTION,
	EXIT_GROUP_SHUTDOWN, /* triple fault / shutdown */
	EXIT_GROUP_MAX
};

/* The kernel's name of a hardware exit reason, or NULL if unknown. */
const char *exit_reason_name(unsigned int isa, uint64_t reason);

/* Name, or "unknown(0x..)"; VMX entry failures get " FAILED_VMENTRY". */
int exit_reason_format(unsigned int isa, uint64_t reason, char *buf,
		       size_t len);

enum exit_group exit_reason_group(unsigned int isa, uint64_t reason);
const char *exit_group_name(enum exit_group g);

/* "VMX", "SVM" or "isa?" */
const char *exit_isa_name(unsigned int isa);

#endif
