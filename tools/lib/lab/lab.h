/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lab VM: a throwaway QEMU guest running a stock distribution kernel,
 * with the host's root shared read-only over 9p, where modules, kprobes,
 * fentry, KVM and pure cgroup v2 are all available.
 */
#ifndef ISOLENS_LAB_H
#define ISOLENS_LAB_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/errbuf.h"

struct lab_kernel {
	char image[PATH_MAX]; /* bzImage */
	char release[128]; /* uname -r inside the guest */
	char moddir[PATH_MAX]; /* /lib/modules/<release> */
	const char *why; /* how it was chosen, for "lab info" */
};

/*
 * Pick the guest kernel: @override when given, else the running kernel when
 * its image and modules are installed, else the newest /boot/vmlinuz-* that
 * has modules and headers.
 */
int lab_kernel_find(const char *override, struct lab_kernel *k,
		    struct errbuf *eb);

enum lab_accel {
	LAB_ACCEL_AUTO,
	LAB_ACCEL_KVM,
	LAB_ACCEL_TCG,
};

struct lab_accel_choice {
	enum lab_accel accel; /* KVM or TCG */
	char reason[256]; /* why this accelerator */
	char warning[320]; /* non-empty: tell the user (e.g. nested off) */
};

int lab_accel_parse(const char *s, enum lab_accel *out);
int lab_accel_choose(enum lab_accel want, struct lab_accel_choice *c,
		     struct errbuf *eb);

/* Build (or reuse from the cache) the lab initramfs for kernel @k. */
int lab_initramfs_get(const struct lab_kernel *k, const char *busybox,
		      char *path, size_t len, bool *rebuilt, struct errbuf *eb);

/*
 * The kernel decompressed once into a cached ELF vmlinux that QEMU boots
 * through its PVH entry; -ENOTSUP when the kernel cannot be booted so.
 */
int lab_vmlinux_get(const struct lab_kernel *k, char *path, size_t len,
		    bool *rebuilt, struct errbuf *eb);

enum lab_mode {
	LAB_RUN,
	LAB_SHELL,
};

struct lab_config {
	enum lab_mode mode;
	const char *kernel; /* NULL: choose */
	enum lab_accel accel;
	unsigned int cpus;
	uint64_t mem_bytes;
	uint64_t timeout_ms; /* 0: none */
	const char *workdir; /* shared read-write at the same path; NULL: none */
	const char *cd; /* where the command runs, relative to workdir */
	char **argv; /* LAB_RUN: the command; LAB_SHELL: run before the shell */
	char **env; /* extra KEY=VALUE for the command */
	unsigned int nr_env;
	const char *append; /* extra kernel command line */
	bool kmsg; /* kernel messages on the console */
};

/* What happened, for the CLI to report. */
struct lab_result {
	int status; /* the command's exit status when completed */
	bool completed; /* the command ran to an exit status */
	bool timed_out;
	bool panicked;
	char panic[256]; /* the "Kernel panic" line */
	double boot_to_cmd_s; /* from qemu start to the command's start */
	char boot_image[PATH_MAX]; /* what qemu booted: vmlinux or bzImage */
	char boot_note[600]; /* why not the vmlinux, when not */
	struct lab_kernel kernel;
	struct lab_accel_choice accel;
};

/* Fill res->boot_image (and boot_note) for res->kernel. */
void lab_boot_image(struct lab_result *res);

int lab_run(const struct lab_config *cfg, struct lab_result *res,
	    struct errbuf *eb);

#endif
