// SPDX-License-Identifier: GPL-2.0
/*
 * Attempts each syscall the default container seccomp filter denies, with
 * arguments that make it fail harmlessly when it does reach the kernel
 * (bad magic, bad fd, nonexistent path, invalid flags), and prints one
 * "name ERRNO" line per call.  Under the filter every line says EPERM;
 * unconfined, with all capabilities, the kernel's own errors show instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_open_tree
#define __NR_open_tree 428
#define __NR_move_mount 429
#define __NR_fsopen 430
#define __NR_fsconfig 431
#define __NR_fsmount 432
#define __NR_fspick 433
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif

#define TRY(name, ...)                                                     \
	do {                                                               \
		long _r;                                                   \
		errno = 0;                                                 \
		_r = syscall(__VA_ARGS__);                                 \
		printf("%s %s\n", name,                                    \
		       _r < 0 ? strerrorname_np(errno) : "OK");            \
	} while (0)

int main(void)
{
	const char *nx = "/nonexistent-isolens";

	TRY("init_module", __NR_init_module, NULL, 0UL, "");
	TRY("finit_module", __NR_finit_module, -1, "", 0);
	TRY("delete_module", __NR_delete_module, "isolens_nonexistent",
	    O_NONBLOCK);
	/* invalid KEXEC_ARCH bits: EINVAL after the capability check */
	TRY("kexec_load", __NR_kexec_load, 0UL, 1UL, NULL, 0xffff0000UL);
	TRY("kexec_file_load", __NR_kexec_file_load, -1, -1, 0UL, NULL,
	    0xffffffffUL);
	TRY("bpf", __NR_bpf, 1000, NULL, 0);
	TRY("perf_event_open", __NR_perf_event_open, NULL, 0, -1, -1, 0UL);
	TRY("keyctl", __NR_keyctl, 100000, 0UL, 0UL, 0UL, 0UL);
	TRY("add_key", __NR_add_key, NULL, NULL, NULL, 0UL, 0);
	TRY("request_key", __NR_request_key, NULL, NULL, NULL, 0);
	/* bad magic: EINVAL after the CAP_SYS_BOOT check, never a reboot */
	TRY("reboot", __NR_reboot, 0, 0, 0, NULL);
	TRY("mount", __NR_mount, "none", nx, "tmpfs", 0UL, NULL);
	TRY("umount2", __NR_umount2, nx, 0);
	TRY("pivot_root", __NR_pivot_root, nx, nx);
	TRY("open_tree", __NR_open_tree, AT_FDCWD, nx, 0U);
	TRY("move_mount", __NR_move_mount, -1, "", -1, "", 0U);
	TRY("fsopen", __NR_fsopen, "isolens_nonexistent_fs", 0U);
	TRY("fsconfig", __NR_fsconfig, -1, 0U, NULL, NULL, 0);
	TRY("fsmount", __NR_fsmount, -1, 0U, 0U);
	TRY("fspick", __NR_fspick, AT_FDCWD, nx, 0U);
	TRY("mount_setattr", __NR_mount_setattr, -1, "", 0U, NULL, 0UL);
	return 0;
}
