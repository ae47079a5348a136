// SPDX-License-Identifier: GPL-2.0
/*
 * Capabilities with raw capget/capset/prctl (no libcap).  The default set is
 * the one runc's libcontainer documents and Docker/containerd apply
 * (CONTAINER_CAPS_DEFAULT, CapEff 00000000a80425fb); docs/containers.md
 * lists it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "base/parse.h"
#include "base/util.h"
#include "ctr.h"

static const char *const cap_names[] = {
	"chown",
	"dac_override",
	"dac_read_search",
	"fowner",
	"fsetid",
	"kill",
	"setgid",
	"setuid",
	"setpcap",
	"linux_immutable",
	"net_bind_service",
	"net_broadcast",
	"net_admin",
	"net_raw",
	"ipc_lock",
	"ipc_owner",
	"sys_module",
	"sys_rawio",
	"sys_chroot",
	"sys_ptrace",
	"sys_pacct",
	"sys_admin",
	"sys_boot",
	"sys_nice",
	"sys_resource",
	"sys_time",
	"sys_tty_config",
	"mknod",
	"lease",
	"audit_write",
	"audit_control",
	"setfcap",
	"mac_override",
	"mac_admin",
	"syslog",
	"wake_alarm",
	"block_suspend",
	"audit_read",
	"perfmon",
	"bpf",
	"checkpoint_restore",
};
#define NCAPS ARRAY_SIZE(cap_names)

const char *ctr_caps_name(unsigned int cap)
{
	return cap < NCAPS ? cap_names[cap] : NULL;
}

static int caps_parse_item(char *tok, void *arg)
{
	uint64_t *m = arg;
	size_t i;

	if (!strcasecmp(tok, "all")) {
		*m |= (1ULL << NCAPS) - 1;
		return 0;
	}
	if (!strncasecmp(tok, "cap_", 4))
		tok += 4;
	for (i = 0; i < NCAPS; i++)
		if (!strcasecmp(tok, cap_names[i]))
			break;
	if (i == NCAPS)
		return -EINVAL;
	*m |= 1ULL << i;
	return 0;
}

/* "CAP_SYS_ADMIN,net_admin" or "ALL" into a mask. */
int container_caps_parse(const char *list, uint64_t *mask)
{
	char buf[512];
	uint64_t m = 0;
	int err = parse_list(list, buf, sizeof(buf), caps_parse_item, &m);

	if (err)
		return err;
	*mask = m;
	return 0;
}

int ctr_caps_last_cap(void)
{
	char buf[16] = "";
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = (int)NCAPS - 1;

	if (f) {
		if (fgets(buf, sizeof(buf), f))
			last = atoi(buf);
		fclose(f);
	}
	return last;
}

/*
 * Bounding set first (dropping needs CAP_SETPCAP, which capset may remove),
 * then effective = permitted = inheritable = keep, ambient cleared.  Root
 * gains bounding | inheritable at execve, and no_new_privs clamps it to the
 * old permitted set: all of them equal keep, so CapEff after exec is keep.
 */
int ctr_caps_apply(uint64_t keep, struct errbuf *eb)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int cap, last = ctr_caps_last_cap();

	for (cap = 0; cap <= last; cap++) {
		if (keep & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
			return errbuf_errno(
				eb, errno,
				"dropping cap %d from the bounding set", cap);
	}
	keep &= (last >= 63) ? ~0ULL : ((1ULL << (last + 1)) - 1);
	/* nobody gains a capability it does not hold (--cap-add ALL under a
	 * runtime that itself lacks some) */
	if (!syscall(SYS_capget, &hdr, data))
		keep &= (uint64_t)data[0].permitted |
			((uint64_t)data[1].permitted << 32);
	data[0].effective = data[0].permitted = data[0].inheritable =
		(uint32_t)keep;
	data[1].effective = data[1].permitted = data[1].inheritable =
		(uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data))
		return errbuf_errno(eb, errno, "capset");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL)
		return errbuf_errno(eb, errno, "clearing ambient capabilities");
	return 0;
}
