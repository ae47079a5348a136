// SPDX-License-Identifier: GPL-2.0
/*
 * KVM when it can run the lab VM's stock kernel, with nested virtualization
 * so /dev/kvm exists inside; TCG with -cpu max otherwise, which emulates SVM
 * and so still gives the guest a working /dev/kvm (slowly).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lab.h"

int lab_accel_parse(const char *s, enum lab_accel *out)
{
	if (!strcmp(s, "auto"))
		*out = LAB_ACCEL_AUTO;
	else if (!strcmp(s, "kvm"))
		*out = LAB_ACCEL_KVM;
	else if (!strcmp(s, "tcg"))
		*out = LAB_ACCEL_TCG;
	else
		return -EINVAL;
	return 0;
}

/* "vmx", "svm" or NULL, from the host CPU's flags. */
static const char *cpu_virt_flag(void)
{
	char line[4096];
	const char *found = NULL;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		if (strstr(line, " vmx"))
			found = "vmx";
		else if (strstr(line, " svm"))
			found = "svm";
		break;
	}
	fclose(f);
	return found;
}

static int kvm_usable(char *why, size_t len)
{
	int fd, api;

	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "%s /dev/kvm (%s)",
			 errno == ENOENT ? "no" : "cannot open",
			 strerror(errno));
		return -errno;
	}
	api = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	if (api != KVM_API_VERSION) {
		snprintf(why, len, "/dev/kvm speaks API %d, not %d", api,
			 KVM_API_VERSION);
		return -ENOTSUP;
	}
	return 0;
}

static bool nested_enabled(const char *flag, char *mod, size_t len)
{
	char path[128], val[8] = "";
	FILE *f;

	snprintf(mod, len, "kvm_%s", !strcmp(flag, "vmx") ? "intel" : "amd");
	snprintf(path, sizeof(path), "/sys/module/%s/parameters/nested", mod);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(val, sizeof(val), f))
		val[0] = '\0';
	fclose(f);
	return val[0] == 'Y' || val[0] == 'y' || val[0] == '1';
}

int lab_accel_choose(enum lab_accel want, struct lab_accel_choice *c,
		     struct errbuf *eb)
{
	char why[192], mod[16];
	const char *flag;

	memset(c, 0, sizeof(*c));
	if (want == LAB_ACCEL_TCG) {
		c->accel = LAB_ACCEL_TCG;
		snprintf(c->reason, sizeof(c->reason),
			 "asked for (--accel tcg)");
		return 0;
	}
	flag = cpu_virt_flag();
	if (kvm_usable(why, sizeof(why)) == 0) {
		/*
		 * A /dev/kvm without VMX/SVM is a paravirtual KVM (PVM and the
		 * like): it runs tiny guests but not a stock kernel.
		 */
		if (!flag)
			snprintf(
				why, sizeof(why),
				"/dev/kvm is not backed by VMX or SVM (no vmx/svm in /proc/cpuinfo), so it cannot run a stock kernel");
		else
			why[0] = '\0';
	}

	if (why[0]) {
		if (want == LAB_ACCEL_KVM)
			return errbuf_set(eb, ENODEV, "--accel kvm: %s", why);
		c->accel = LAB_ACCEL_TCG;
		snprintf(c->reason, sizeof(c->reason), "TCG with -cpu max: %s",
			 why);
		return 0;
	}
	c->accel = LAB_ACCEL_KVM;
	snprintf(c->reason, sizeof(c->reason), "KVM with -cpu host (%s)", flag);
	if (!nested_enabled(flag, mod, sizeof(mod)))
		snprintf(
			c->warning, sizeof(c->warning),
			"nested virtualization is off in %s: /dev/kvm will be missing inside the lab VM, so micro-VMs cannot run there (enable it with 'modprobe -r %s && modprobe %s nested=1', or use --accel tcg)",
			mod, mod, mod);
	return 0;
}
