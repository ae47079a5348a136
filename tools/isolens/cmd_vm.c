// SPDX-License-Identifier: GPL-2.0
/*
 * isolens vm run: a micro-VM on the raw KVM API (tools/lib/vmm).
 *
 *   isolens vm run --guest hello-real|hello-long|exits|hostile [--explain]
 *   isolens vm run [--kernel BZIMAGE] [--initrd FILE] [--cmdline ...]
 *                  [--append ...] [--mem 256M] [--cpus N]
 *                  [--rootfs DIR|default] [--disk FILE[,ro][,direct]]...
 *                  [--modules DIR] [--no-eventfd] [--bzimage] [-- CMD...]
 *   isolens vm guests
 *
 * Exit status: the guest command's status (Linux), 0 when a teaching guest
 * halts; 2 for bad options; 124 when --timeout ran out; 125 when the
 * --kernel/--initrd, a --disk or --rootfs, or the kernel's modules are
 * unusable, KVM is unavailable or the VM failed.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "base/kvm_exit.h"
#include "base/parse.h"
#include "builtin.h"
#include "container/container.h"
#include "vmm/boot.h"
#include "vmm/bzimage.h"
#include "vmm/initramfs.h"
#include "vmm/modules.h"
#include "vmm/rootfs.h"
#include "vmm/stats.h"
#include "vmm/vmm.h"

static void usage(FILE *out)
{
	unsigned int i;

	fprintf(out,
		"usage: isolens vm run --guest NAME [--explain] [--stats[=json]]\n"
		"       isolens vm run [--kernel BZIMAGE] [--initrd FILE] [--cmdline STR]\n"
		"                      [--append STR] [--mem SIZE] [--cpus N] [--timeout DUR]\n"
		"                      [--explain] [--stats[=json]] [--no-seccomp]\n"
		"                      [--rootfs DIR|default] [--disk FILE[,ro][,direct]]...\n"
		"                      [--modules DIR] [--no-eventfd] [--bzimage]\n"
		"                      [-- CMD...]\n"
		"       isolens vm guests\n"
		"       isolens vm initramfs [--kernel BZIMAGE] [--modules DIR] [--root DEV]\n"
		"                            OUT [-- CMD...]\n"
		"       isolens vm image DIR|default   (print the cached ext4 image of DIR)\n\n"
		"Runs a micro-VM on /dev/kvm: a built-in teaching guest, or a Linux\n"
		"bzImage (default: the newest /boot/vmlinuz-*) with a busybox initramfs\n"
		"that runs CMD (default: a shell) and returns its exit status.\n\n"
		"  --explain     print every VM exit the VMM handles, and who handled it\n"
		"  --stats       print exit counters and the time to the init marker\n"
		"  --stats=json  the same as one JSON line (docs/microvm.md)\n"
		"  --mem SIZE    guest RAM (default 256M, 16M..3G)\n"
		"  --cpus N      vCPUs, one thread each (default 1, max %d)\n"
		"  --timeout DUR stop the VM after DUR (exit 124)\n"
		"  --rootfs DIR  run CMD on an ext4 copy of DIR (/dev/vda); 'default':\n"
		"                the busybox rootfs the containers use\n"
		"  --disk FILE[,ro][,direct]\n"
		"                a raw image as the next /dev/vdX (up to %d disks)\n"
		"  --modules DIR the kernel's modules (default /lib/modules/REL, or\n"
		"                ../lib/modules/REL beside the kernel)\n"
		"  --no-eventfd  doorbells and interrupts through userspace exits\n"
		"  --bzimage     boot the bzImage as it is: the guest decompresses it\n"
		"                (default: its vmlinux, decompressed once into the cache)\n\n"
		"teaching guests:\n",
		VMM_MAX_CPUS, VMM_MAX_DISKS);
	for (i = 0; i < vmm_nr_guests; i++)
		fprintf(out, "  %-11s %s\n", vmm_guests[i].name,
			vmm_guests[i].summary);
	fprintf(out,
		"\nexit status: the guest command's; 0 when a teaching guest halts;\n"
		"2 bad usage; 124 timeout; 125 unusable kernel/initrd, no KVM or VM failure.\n");
}

/* --- --explain output -------------------------------------------------- */

struct explain {
	FILE *out;
	char line[160]; /* guest console text, shown a line at a time */
	size_t len;
};

static void explain_flush_console(struct explain *x)
{
	if (!x->len)
		return;
	fprintf(x->out, "       console| %.*s\n", (int)x->len, x->line);
	x->len = 0;
}

static void explain_console(void *ctx, uint8_t byte)
{
	struct explain *x = ctx;

	if (byte == '\n' || x->len == sizeof(x->line)) {
		explain_flush_console(x);
		if (byte == '\n')
			return;
	}
	x->line[x->len++] = (byte >= 0x20 && byte < 0x7f) ? byte : '.';
}

static void explain_exit(void *ctx, const struct vmm_exit *e)
{
	struct explain *x = ctx;
	char what[160] = "";
	uint32_t i, n;

	/* console text is shown a whole line at a time, when '\n' comes */
	if (e->kernel_exits > 0)
		fprintf(x->out,
			"       ... %lld exit%s handled inside KVM (kernel), never seen here\n",
			(long long)e->kernel_exits,
			e->kernel_exits == 1 ? "" : "s");
	switch (e->reason) {
	case 2: /* KVM_EXIT_IO */
		n = snprintf(what, sizeof(what), "%s port 0x%04llx size %u",
			     e->is_write ? "out" : "in ",
			     (unsigned long long)e->addr, e->size);
		if (e->count > 1 && e->bytes) {
			n += snprintf(what + n, sizeof(what) - n,
				      " x%u (string I/O) \"", e->count);
			for (i = 0; i < e->count * e->size && n < 120; i++) {
				uint8_t c = e->bytes[i];

				n += snprintf(what + n, sizeof(what) - n, "%s",
					      c == '\n' ? "\\n" : "");
				if (c != '\n')
					what[n++] = (c >= 0x20 && c < 0x7f) ?
							    c :
							    '.';
				what[n] = '\0';
			}
			snprintf(what + n, sizeof(what) - n, "\"");
		} else if (e->count == 1) {
			n += snprintf(what + n, sizeof(what) - n,
				      " data 0x%llx",
				      (unsigned long long)e->data);
			if (e->size == 1 && e->data >= 0x20 && e->data < 0x7f)
				snprintf(what + n, sizeof(what) - n, " '%c'",
					 (int)e->data);
		}
		break;
	case 6: /* KVM_EXIT_MMIO */
		snprintf(what, sizeof(what), "%s 0x%llx size %u data 0x%llx",
			 e->is_write ? "write" : "read ",
			 (unsigned long long)e->addr, e->size,
			 (unsigned long long)e->data);
		break;
	case 29: /* KVM_EXIT_X86_RDMSR */
	case 30:
		snprintf(what, sizeof(what), "msr 0x%llx data 0x%llx",
			 (unsigned long long)e->addr,
			 (unsigned long long)e->data);
		break;
	default:
		if (e->data)
			snprintf(what, sizeof(what), "data 0x%llx",
				 (unsigned long long)e->data);
		break;
	}
	fprintf(x->out, "  #%-4llu vcpu%u %-9s %-52s -> %s\n",
		(unsigned long long)e->seq, e->vcpu,
		kvm_run_exit_name(e->reason) ?: "?", what,
		e->handler ? e->handler : "VMM");
	if (e->note)
		fprintf(x->out, "       %s\n", e->note);
	fflush(x->out);
}

static void print_stats(FILE *out, const struct vmm_result *res)
{
	unsigned int i;

	fprintf(out, "isolens vm: %s after %.1f ms on %u vCPU%s\n",
		vmm_stop_name(res->stop), res->run_ns / 1e6, res->cpus,
		res->cpus == 1 ? "" : "s");
	if (res->marker_ns)
		fprintf(out, "isolens vm: init marker reached after %.1f ms\n",
			res->marker_ns / 1e6);
	if (res->vmlinux)
		fprintf(out, "isolens vm: kernel: the vmlinux %s %s\n",
			res->vmlinux_built ? "decompressed now into" : "from",
			res->kernel_note);
	else if (res->kernel_note[0])
		fprintf(out, "isolens vm: kernel: the bzImage (%s)\n",
			res->kernel_note);
	fprintf(out, "isolens vm: exits handled by the VMM (userspace):");
	for (i = 0; i < VMM_NR_REASONS; i++)
		if (res->exits[i])
			fprintf(out, " %s=%llu", kvm_run_exit_name(i) ?: "?",
				(unsigned long long)res->exits[i]);
	fprintf(out, " (total %llu)\n",
		(unsigned long long)vmm_result_user_exits(res));
	if (res->kernel_exits >= 0)
		fprintf(out,
			"isolens vm: exits handled inside KVM (kernel): %lld\n",
			(long long)res->kernel_exits);
	else
		fprintf(out,
			"isolens vm: exits handled inside KVM (kernel): unknown (no KVM_GET_STATS_FD)\n");
	fprintf(out,
		"isolens vm: ignored guest accesses: unknown ports %llu, unknown MMIO %llu, unknown MSRs %llu, malformed %llu\n",
		(unsigned long long)res->port_unknown,
		(unsigned long long)res->mmio_unknown,
		(unsigned long long)res->msr_unknown,
		(unsigned long long)res->invalid);
	if (res->console_dropped)
		fprintf(out,
			"isolens vm: console output dropped: %llu bytes (nobody read it in time)\n",
			(unsigned long long)res->console_dropped);
	for (i = 0; i < res->nr_disks && i < VMM_MAX_DISKS; i++) {
		const struct vmm_disk_stats *d = &res->disks[i];

		fprintf(out,
			"isolens vm: disk vd%c: %llu requests, %llu bytes read, %llu written, %llu flushes, %llu errors; %llu doorbells, %llu interrupts%s\n",
			'a' + i, (unsigned long long)d->requests,
			(unsigned long long)d->read_bytes,
			(unsigned long long)d->written_bytes,
			(unsigned long long)d->flushes,
			(unsigned long long)d->errors,
			(unsigned long long)d->notifies,
			(unsigned long long)d->irqs,
			d->needs_reset ? "; needs reset (bad queue)" : "");
	}
	fprintf(out, "isolens vm: seccomp filter: %s\n",
		res->seccomp ? "installed" : "off");
}

static void print_stats_json(FILE *out, const struct vmm_result *res)
{
	char buf[VMM_STATS_JSON_MAX];

	if (vmm_stats_format_json(res, buf, sizeof(buf)) > 0)
		fputs(buf, out);
}

/* --- run ------------------------------------------------------------- */

static struct termios saved_tty;
static bool tty_raw;

static void tty_restore(void)
{
	if (tty_raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	tty_raw = false;
}

static void tty_make_raw(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty))
		return;
	t = saved_tty;
	cfmakeraw(&t);
	t.c_oflag |= OPOST | ONLCR; /* keep our own messages readable */
	if (!tcsetattr(STDIN_FILENO, TCSAFLUSH, &t)) {
		tty_raw = true;
		atexit(tty_restore);
	}
}

static int vm_status(const struct vmm_result *res, bool teaching)
{
	switch (res->stop) {
	case VMM_STOP_HLT:
		if (teaching)
			return EXIT_OK;
		cli_error(
			"vm",
			"the guest halted (power off or halt) before reporting a status");
		return EXIT_RUNTIME;
	case VMM_STOP_POWEROFF:
		cli_error("vm",
			  "the guest powered off before reporting a status");
		return EXIT_RUNTIME;
	case VMM_STOP_STATUS:
		return res->status;
	case VMM_STOP_TIMEOUT:
		cli_error("vm", "timeout: the VM was stopped");
		return EXIT_TIMEOUT;
	case VMM_STOP_RESET:
		cli_error(
			"vm",
			"the guest rebooted before reporting a status (panic? see the console)");
		return EXIT_RUNTIME;
	case VMM_STOP_SHUTDOWN:
		cli_error("vm", "the guest triple-faulted (KVM_EXIT_SHUTDOWN)");
		return EXIT_RUNTIME;
	case VMM_STOP_SIGNAL:
		return exit_code_from_signal(res->status);
	case VMM_STOP_CONSOLE:
		return EXIT_RUNTIME;
	default:
		cli_error("vm", "%s", vmm_stop_name(res->stop));
		return EXIT_RUNTIME;
	}
}

/* --- disks ------------------------------------------------------------ */

static void vm_log(void *ctx, const char *msg)
{
	(void)ctx;
	cli_error("vm", "%s", msg);
}

/* FILE[,ro][,direct]: @d->path points into *@owned, a copy of @arg. */
static int parse_disk(const char *arg, struct vmm_disk *d, char **owned)
{
	char *copy, *flag, *next;

	*d = (struct vmm_disk){ .fd = -1 };
	copy = strdup(arg);
	if (!copy) {
		cli_error("vm", "out of memory");
		return EXIT_RUNTIME;
	}
	next = strchr(copy, ',');
	if (next)
		*next++ = '\0';
	if (!*copy) {
		cli_error(
			"vm",
			"bad --disk '%s': no file (expected FILE[,ro][,direct])",
			arg);
		goto bad;
	}
	while ((flag = next)) {
		next = strchr(flag, ',');
		if (next)
			*next++ = '\0';
		if (!strcmp(flag, "ro")) {
			d->read_only = true;
		} else if (!strcmp(flag, "direct")) {
			d->direct = true;
		} else {
			cli_error(
				"vm",
				"bad --disk '%s': unknown flag '%s' (expected ro, direct)",
				arg, flag);
			goto bad;
		}
	}
	d->path = copy;
	*owned = copy;
	return 0;
bad:
	free(copy);
	return EXIT_USAGE;
}

/* Refuse, before booting, an image the VMM could not open. */
static int check_disk(const struct vmm_disk *d)
{
	struct stat st;

	if (stat(d->path, &st)) {
		cli_error("vm", "bad --disk '%s': %s", d->path,
			  strerror(errno));
		return EXIT_RUNTIME;
	}
	if (!S_ISREG(st.st_mode)) {
		cli_error("vm", "bad --disk '%s': not a regular file", d->path);
		return EXIT_RUNTIME;
	}
	if (access(d->path, d->read_only ? R_OK : R_OK | W_OK)) {
		cli_error("vm", "bad --disk '%s': %s%s", d->path,
			  strerror(errno),
			  d->read_only ? "" : " (add ,ro to only read it)");
		return EXIT_RUNTIME;
	}
	return 0;
}

/* --rootfs DIR|default: the tree, checked before anything boots. */
static int rootfs_dir(const char *arg, char *dir, size_t len)
{
	struct errbuf eb = { 0 };
	char sh[4200];
	struct stat st;

	if (!strcmp(arg, "default")) {
		if (container_rootfs_ensure_default(dir, len, &eb)) {
			cli_error("vm", "--rootfs default: %s", eb.msg);
			return EXIT_RUNTIME;
		}
	} else {
		snprintf(dir, len, "%s", arg);
	}
	if (stat(dir, &st)) {
		cli_error("vm", "bad --rootfs '%s': %s", arg, strerror(errno));
		return EXIT_RUNTIME;
	}
	if (!S_ISDIR(st.st_mode)) {
		cli_error("vm", "bad --rootfs '%s': not a directory", arg);
		return EXIT_RUNTIME;
	}
	/* the command runs as chroot DIR /bin/sh -c CMD */
	snprintf(sh, sizeof(sh), "%s/bin/sh", dir);
	if (lstat(sh, &st)) {
		cli_error("vm", "bad --rootfs '%s': no /bin/sh in it", arg);
		return EXIT_RUNTIME;
	}
	return 0;
}

/* Disk 0: a private copy of the tree's cached image. */
static int rootfs_disk(const char *arg, const char *dir, struct vmm_disk *d,
		       char *image, size_t len)
{
	struct errbuf eb = { 0 };
	int fd;

	if (vmm_rootfs_image(dir, image, len, &eb) ||
	    vmm_rootfs_private(image, &fd, &eb)) {
		cli_error("vm", "--rootfs '%s': %s", arg, eb.msg);
		return EXIT_RUNTIME;
	}
	*d = (struct vmm_disk){ .path = image, .fd = fd };
	return 0;
}

static int vm_run_cmd(int argc, char **argv)
{
	enum {
		OPT_NO_SECCOMP = 256,
		OPT_APPEND,
		OPT_STATS,
		OPT_TIMEOUT,
		OPT_DISK,
		OPT_ROOTFS,
		OPT_MODULES,
		OPT_NO_EVENTFD,
		OPT_BZIMAGE,
	};
	static const struct option opts[] = {
		{ "guest", required_argument, NULL, 'g' },
		{ "explain", no_argument, NULL, 'e' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "append", required_argument, NULL, OPT_APPEND },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "stats", optional_argument, NULL, OPT_STATS },
		{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
		{ "disk", required_argument, NULL, OPT_DISK },
		{ "rootfs", required_argument, NULL, OPT_ROOTFS },
		{ "modules", required_argument, NULL, OPT_MODULES },
		{ "no-eventfd", no_argument, NULL, OPT_NO_EVENTFD },
		{ "bzimage", no_argument, NULL, OPT_BZIMAGE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vmm_config cfg = {
		.mem = VMM_DEFAULT_MEM,
		.cpus = 1,
		.console_in = -1,
		.console_out = STDOUT_FILENO,
		.seccomp = true,
		.log = vm_log,
	};
	struct explain x = { .out = stdout };
	struct vmm_disk disks[VMM_MAX_DISKS];
	char *disk_paths[VMM_MAX_DISKS] = { NULL }, image[4096], root[4096];
	const char *rootfs = NULL, *moddir = NULL;
	unsigned int nr_disks = 0, i;
	struct kmod_list mods;
	struct vmm_userland userland = { .busybox = VMM_BUSYBOX };
	char kernel[4096], initrd[4096], cmdline[4096];
	const char *append = NULL, *user_cmdline = NULL;
	void *initrd_buf = NULL;
	enum { STATS_NONE, STATS_TEXT, STATS_JSON } stats = STATS_NONE;
	bool mem_set = false;
	struct vmm_result res;
	struct errbuf eb = { 0 };
	uint64_t v;
	int c, err, ret = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+g:ek:i:c:m:n:h", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'g':
			cfg.guest = optarg;
			break;
		case 'e':
			cfg.explain = explain_exit;
			cfg.explain_ctx = &x;
			break;
		case 'k':
			cfg.kernel = optarg;
			break;
		case 'i':
			cfg.initrd = optarg;
			break;
		case 'c':
			user_cmdline = optarg;
			break;
		case OPT_APPEND:
			append = optarg;
			break;
		case 'm':
			if (parse_size(optarg, &v) || v < (16ULL << 20) ||
			    v > (3ULL << 30) || (v & 0xfff)) {
				cli_error(
					"vm",
					"bad --mem '%s': expected a size from 16M to 3G",
					optarg);
				ret = EXIT_USAGE;
				goto out;
			}
			cfg.mem = v;
			mem_set = true;
			break;
		case 'n':
			if (parse_uint(optarg, 1, VMM_MAX_CPUS, &v)) {
				cli_error("vm",
					  "bad --cpus '%s': expected 1..%d",
					  optarg, VMM_MAX_CPUS);
				ret = EXIT_USAGE;
				goto out;
			}
			cfg.cpus = v;
			break;
		case OPT_TIMEOUT:
			if (parse_duration_ms(optarg, &v) || !v) {
				cli_error(
					"vm",
					"bad --timeout '%s': expected e.g. 30 or 2m",
					optarg);
				ret = EXIT_USAGE;
				goto out;
			}
			cfg.timeout_ms = v;
			break;
		case OPT_STATS:
			if (!optarg || !strcmp(optarg, "text")) {
				stats = STATS_TEXT;
			} else if (!strcmp(optarg, "json")) {
				stats = STATS_JSON;
			} else {
				cli_error(
					"vm",
					"bad --stats=%s: expected text or json",
					optarg);
				ret = EXIT_USAGE;
				goto out;
			}
			break;
		case OPT_NO_SECCOMP:
			cfg.seccomp = false;
			break;
		case OPT_DISK:
			if (nr_disks == VMM_MAX_DISKS) {
				cli_error("vm",
					  "bad --disk '%s': at most %d disks",
					  optarg, VMM_MAX_DISKS);
				ret = EXIT_USAGE;
				goto out;
			}
			ret = parse_disk(optarg, &disks[nr_disks],
					 &disk_paths[nr_disks]);
			if (ret)
				goto out;
			nr_disks++;
			break;
		case OPT_ROOTFS:
			if (!*optarg) {
				cli_error(
					"vm",
					"bad --rootfs '': expected a directory or 'default'");
				ret = EXIT_USAGE;
				goto out;
			}
			rootfs = optarg;
			break;
		case OPT_MODULES:
			moddir = optarg;
			break;
		case OPT_NO_EVENTFD:
			cfg.no_eventfd = true;
			break;
		case OPT_BZIMAGE:
			cfg.bzimage = true;
			break;
		case 'h':
			usage(stdout);
			goto out;
		default:
			cli_error("vm",
				  "unknown option (see 'isolens vm --help')");
			ret = EXIT_USAGE;
			goto out;
		}
	}
	argc -= optind;
	argv += optind;

	if (nr_disks + !!rootfs > VMM_MAX_DISKS) {
		cli_error(
			"vm",
			"too many disks: --rootfs and %u --disk, at most %d in all",
			nr_disks, VMM_MAX_DISKS);
		ret = EXIT_USAGE;
		goto out;
	}
	/* teaching guests take disks too (virtio-hostile drives them) */
	for (i = 0; i < nr_disks; i++) {
		ret = check_disk(&disks[i]);
		if (ret)
			goto out;
	}
	if (cfg.guest) {
		if (cfg.kernel || cfg.initrd || user_cmdline || append ||
		    mem_set || cfg.cpus != 1 || argc || rootfs || moddir ||
		    cfg.bzimage) {
			cli_error(
				"vm",
				"--guest runs a built-in guest: no --kernel, --initrd, --cmdline, --append, --mem, --cpus, --rootfs, --modules, --bzimage or command");
			ret = EXIT_USAGE;
			goto out;
		}
		if (!vmm_guest_known(cfg.guest)) {
			cli_error(
				"vm",
				"unknown guest '%s' (see 'isolens vm guests')",
				cfg.guest);
			ret = EXIT_USAGE;
			goto out;
		}
		for (i = 0; i < nr_disks; i++)
			cfg.disks[cfg.nr_disks++] = disks[i];
	} else {
		char rel[128];

		if (cfg.initrd && (rootfs || moddir)) {
			cli_error(
				"vm",
				"--rootfs and --modules need the default initramfs (drop --initrd)");
			ret = EXIT_USAGE;
			goto out;
		}
		if (rootfs) {
			ret = rootfs_dir(rootfs, root, sizeof(root));
			if (ret)
				goto out;
		}
		if (!cfg.kernel) {
			if (bzimage_find_default(kernel, sizeof(kernel), &eb)) {
				cli_error("vm", "%s", eb.msg);
				ret = EXIT_RUNTIME;
				goto out;
			}
			cfg.kernel = kernel;
		}
		/* refuse a bad kernel before touching KVM: one clear line */
		err = bzimage_kernel_release(cfg.kernel, rel, sizeof(rel), &eb);
		if (err && err != -ENODATA) {
			cli_error("vm", "bad --kernel: %s", eb.msg);
			ret = EXIT_RUNTIME;
			goto out;
		}
		if (cfg.initrd && access(cfg.initrd, R_OK)) {
			cli_error("vm", "bad --initrd '%s': %s", cfg.initrd,
				  strerror(errno));
			ret = EXIT_RUNTIME;
			goto out;
		}
		/* a VM with disks needs this kernel's virtio and ext4 */
		if (!cfg.initrd && (nr_disks || rootfs || moddir)) {
			if (vmm_modules_for_disks(cfg.kernel, moddir, &mods,
						  &eb)) {
				cli_error("vm", "%s", eb.msg);
				ret = EXIT_RUNTIME;
				goto out;
			}
			userland.mods = &mods;
		}
		if (rootfs) {
			ret = rootfs_disk(rootfs, root, &cfg.disks[0], image,
					  sizeof(image));
			if (ret)
				goto out;
			cfg.nr_disks = 1;
			userland.root = "/dev/vda";
		}
		for (i = 0; i < nr_disks; i++)
			cfg.disks[cfg.nr_disks++] = disks[i];
		snprintf(cmdline, sizeof(cmdline), "%s%s%s",
			 user_cmdline ? user_cmdline : vmm_default_cmdline,
			 append ? " " : "", append ? append : "");
		cfg.cmdline = cmdline;
		if (!cfg.initrd) {
			size_t len;

			/* the default userland: busybox, our init, the command */
			if (vmm_initramfs_for_cmd(&userland, argc, argv, initrd,
						  sizeof(initrd), &initrd_buf,
						  &len, &eb)) {
				cli_error("vm",
					  "cannot build the initramfs: %s",
					  eb.msg);
				ret = EXIT_RUNTIME;
				goto out;
			}
			if (initrd[0])
				cfg.initrd = initrd;
			cfg.initrd_append = initrd_buf;
			cfg.initrd_append_len = len;
			cfg.input_after_marker = true;
		} else if (argc) {
			cli_error(
				"vm",
				"a command needs the default initramfs (drop --initrd)");
			ret = EXIT_USAGE;
			goto out;
		}
		cfg.console_in = STDIN_FILENO;
		cfg.console_eof_ctrl_d = !isatty(STDIN_FILENO);
		cfg.console_escape = isatty(STDIN_FILENO);
	}

	if (vmm_kvm_available(NULL, &eb)) {
		cli_error("vm", "%s (KVM is not available here)", eb.msg);
		ret = EXIT_RUNTIME;
		goto out;
	}
	if (cfg.explain) {
		cfg.console_write = explain_console;
		cfg.console_ctx = &x;
		fprintf(x.out,
			"isolens vm: --explain: each exit KVM hands to userspace, as the VMM handles it\n");
	}
	if (cfg.console_escape) {
		tty_make_raw();
		cli_note("vm", "console attached; Ctrl-A x quits");
	}
	err = vmm_run(&cfg, &res, &eb);
	tty_restore();
	if (cfg.explain)
		explain_flush_console(&x);
	if (err) {
		cli_error("vm", "%s", eb.msg);
		/*
		 * An option value the kernel cannot work with (--mem too
		 * small, --cmdline too long) is a usage error; a kernel or
		 * initrd that is missing or corrupt is isolens failing to
		 * start the payload, 125 as for every payload command.
		 */
		ret = err == -ENOMEM || err == -E2BIG || err == -EFBIG ?
			      EXIT_USAGE :
			      EXIT_RUNTIME;
		goto out;
	}
	if (cfg.explain)
		print_stats(stdout, &res);
	else if (stats == STATS_TEXT)
		print_stats(stderr, &res);
	if (stats == STATS_JSON)
		print_stats_json(stderr, &res);
	ret = vm_status(&res, cfg.guest != NULL);
out:
	free(initrd_buf);
	if (rootfs && cfg.nr_disks && cfg.disks[0].fd >= 0)
		close(cfg.disks[0].fd);
	for (i = 0; i < VMM_MAX_DISKS; i++)
		free(disk_paths[i]);
	return ret;
}

/*
 * Write the default initramfs (+ CMD) to a file, e.g. to boot it in QEMU.
 * With --root or --modules it carries the kernel's disk modules too, and
 * --root names the block device the init mounts as the command's root.
 */
static int vm_initramfs_cmd(int argc, char **argv)
{
	enum { O_KERNEL = 256, O_MODULES, O_ROOT };
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, O_KERNEL },
		{ "modules", required_argument, NULL, O_MODULES },
		{ "root", required_argument, NULL, O_ROOT },
		{ NULL, 0, NULL, 0 },
	};
	struct vmm_userland userland = { .busybox = VMM_BUSYBOX };
	const char *kernel = NULL, *moddir = NULL, *out;
	char kernel_buf[4096];
	struct kmod_list mods;
	struct errbuf eb = { 0 };
	int ret = EXIT_OK, c;
	void *buf = NULL;
	size_t len;
	FILE *f;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case O_KERNEL:
			kernel = optarg;
			break;
		case O_MODULES:
			moddir = optarg;
			break;
		case O_ROOT:
			userland.root = optarg;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || (argc > 1 && strcmp(argv[1], "--")))
		goto usage;
	out = argv[0];
	argc -= argc > 1 ? 2 : 1;
	argv += 2;
	if (userland.root || moddir) {
		if (!kernel) {
			if (bzimage_find_default(kernel_buf, sizeof(kernel_buf),
						 &eb)) {
				cli_error("vm", "%s", eb.msg);
				return EXIT_RUNTIME;
			}
			kernel = kernel_buf;
		}
		if (vmm_modules_for_disks(kernel, moddir, &mods, &eb)) {
			cli_error("vm", "%s", eb.msg);
			return EXIT_RUNTIME;
		}
		userland.mods = &mods;
	}
	if (vmm_initramfs_for_cmd(&userland, argc, argv, NULL, 0, &buf, &len,
				  &eb)) {
		cli_error("vm", "cannot build the initramfs: %s", eb.msg);
		return EXIT_RUNTIME;
	}
	f = fopen(out, "we");
	if (!f || fwrite(buf, 1, len, f) != len) {
		cli_error("vm", "cannot write %s: %s", out, strerror(errno));
		ret = EXIT_RUNTIME;
	}
	if (f && fclose(f) && ret == EXIT_OK) {
		cli_error("vm", "cannot write %s: %s", out, strerror(errno));
		ret = EXIT_RUNTIME;
	}
	free(buf);
	return ret;
usage:
	cli_error(
		"vm",
		"usage: isolens vm initramfs [--kernel BZIMAGE] [--modules DIR] [--root DEV] OUT [-- CMD...]");
	return EXIT_USAGE;
}

/* Print the cached ext4 image of a tree (--rootfs's), building it if need be. */
static int vm_image_cmd(int argc, char **argv)
{
	char dir[4096], image[4096];
	struct errbuf eb = { 0 };
	int ret;

	if (argc != 2) {
		cli_error("vm", "usage: isolens vm image DIR|default");
		return EXIT_USAGE;
	}
	ret = rootfs_dir(argv[1], dir, sizeof(dir));
	if (ret)
		return ret;
	if (vmm_rootfs_image(dir, image, sizeof(image), &eb)) {
		cli_error("vm", "image of '%s': %s", argv[1], eb.msg);
		return EXIT_RUNTIME;
	}
	printf("%s\n", image);
	return EXIT_OK;
}

int cmd_vm(int argc, char **argv)
{
	unsigned int i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (!strcmp(argv[1], "run"))
		return vm_run_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "initramfs"))
		return vm_initramfs_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "image"))
		return vm_image_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "guests")) {
		for (i = 0; i < vmm_nr_guests; i++)
			printf("%-11s %s\n", vmm_guests[i].name,
			       vmm_guests[i].summary);
		return EXIT_OK;
	}
	cli_error(
		"vm",
		"unknown subcommand '%s': expected run, guests, initramfs or image",
		argv[1]);
	return EXIT_USAGE;
}
