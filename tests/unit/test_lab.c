// SPDX-License-Identifier: GPL-2.0
/* The lab VM's pure logic: accelerator names (modules: test_base_kmod.c). */
#include <errno.h>

#include "lab/lab.h"
#include "unit.h"

static void test_accel_parse(void)
{
	enum lab_accel a;

	CHECK_EQ(lab_accel_parse("tcg", &a), 0);
	CHECK_EQ(a, LAB_ACCEL_TCG);
	CHECK_EQ(lab_accel_parse("kvm", &a), 0);
	CHECK_EQ(a, LAB_ACCEL_KVM);
	CHECK_EQ(lab_accel_parse("KVM", &a), -EINVAL);
}

int main(void)
{
	RUN(test_accel_parse);
	UNIT_DONE();
}
