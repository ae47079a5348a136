// SPDX-License-Identifier: GPL-2.0
/* The VMX and SVM exit-reason tables and their groups. */
#include "trace/exit_reason.h"
#include "unit.h"

static void test_vmx(void)
{
	char buf[64];

	CHECK_STR(exit_reason_name(ISOLENS_KVM_ISA_VMX, 30), "IO_INSTRUCTION");
	CHECK_STR(exit_reason_name(ISOLENS_KVM_ISA_VMX, 12), "HLT");
	CHECK_STR(exit_reason_name(ISOLENS_KVM_ISA_VMX, 48), "EPT_VIOLATION");
	CHECK_STR(exit_reason_name(ISOLENS_KVM_ISA_VMX, 1),
		  "EXTERNAL_INTERRUPT");
	CHECK(exit_reason_name(ISOLENS_KVM_ISA_VMX, 5) ==
	      NULL); /* unused number */
	/* bit 31 marks a failed VM entry; the basic reason is bits 0..15 */
	exit_reason_format(ISOLENS_KVM_ISA_VMX, 0x80000021, buf, sizeof(buf));
	CHECK_STR(buf, "INVALID_STATE FAILED_VMENTRY");
	CHECK_EQ(exit_reason_group(ISOLENS_KVM_ISA_VMX, 30), EXIT_GROUP_IO);
	CHECK_EQ(exit_reason_group(ISOLENS_KVM_ISA_VMX, 48), EXIT_GROUP_MMIO);
	CHECK_EQ(exit_reason_group(ISOLENS_KVM_ISA_VMX, 12), EXIT_GROUP_HLT);
	CHECK_EQ(exit_reason_group(ISOLENS_KVM_ISA_VMX, 32), EXIT_GROUP_MSR);
}

static void test_svm(void)
{
	char buf[64];

	CHECK_STR(exit_reason_name(ISOLENS_KVM_ISA_SVM, 0x07b), "io");
	CHECK_STR(exit_reason_name(ISOLENS_KVM_ISA_SVM, 0x078), "hlt");
	CHECK_STR(exit_reason_name(ISOLENS_KVM_ISA_SVM, 0x400), "npf");
	CHECK_STR(exit_reason_name(ISOLENS_KVM_ISA_SVM, 0x060), "interrupt");
	CHECK_STR(exit_reason_name(ISOLENS_KVM_ISA_SVM, 0x04e), "PF excp");
	/* SVM_EXIT_ERR is -1 in a 32-bit tracepoint field */
	CHECK_STR(exit_reason_name(ISOLENS_KVM_ISA_SVM, 0xffffffff),
		  "invalid_guest_state");
	/* ~0: the module could not read the reason */
	CHECK(exit_reason_name(ISOLENS_KVM_ISA_SVM, ~0ULL) == NULL);
	CHECK(exit_reason_name(ISOLENS_KVM_ISA_VMX, ~0ULL) == NULL);
	/* the same number means different things per isa */
	CHECK_STR(exit_reason_name(ISOLENS_KVM_ISA_VMX, 0x1e),
		  "IO_INSTRUCTION");
	CHECK(exit_reason_name(ISOLENS_KVM_ISA_SVM, 0x1e) == NULL);
	exit_reason_format(ISOLENS_KVM_ISA_SVM, 0x999, buf, sizeof(buf));
	CHECK_STR(buf, "unknown(0x999)");
	CHECK_EQ(exit_reason_group(ISOLENS_KVM_ISA_SVM, 0x07b), EXIT_GROUP_IO);
	CHECK_EQ(exit_reason_group(ISOLENS_KVM_ISA_SVM, 0x400),
		 EXIT_GROUP_MMIO);
	CHECK_EQ(exit_reason_group(ISOLENS_KVM_ISA_SVM, 0x060),
		 EXIT_GROUP_INTR);
	CHECK_EQ(exit_reason_group(ISOLENS_KVM_ISA_SVM, 0x04e),
		 EXIT_GROUP_EXCEPTION);
}

static void test_misc(void)
{
	CHECK(exit_reason_name(7, 1) == NULL);
	CHECK_STR(exit_isa_name(1), "VMX");
	CHECK_STR(exit_isa_name(2), "SVM");
	CHECK_STR(exit_group_name(EXIT_GROUP_IO), "io");
}

int main(void)
{
	RUN(test_vmx);
	RUN(test_svm);
	RUN(test_misc);
	UNIT_DONE();
}
