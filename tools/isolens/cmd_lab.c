// SPDX-License-Identifier: GPL-2.0
/*
 * isolens lab run|shell|info: the throwaway kernel where modules, kprobes,
 * fentry, KVM and pure cgroup v2 are available.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/parse.h"
#include "lab/lab.h"
#include "builtin.h"

#define LAB_DEFAULT_TIMEOUT_MS (600 * 1000)
#define LAB_MAX_ENV 64

static void lab_usage(FILE *out)
{
	fprintf(out,
		"usage: isolens lab run [options] -- CMD [ARG...]\n"
		"       isolens lab shell [options] [-- PREPARE-CMD [ARG...]]\n"
		"       isolens lab info [options]\n"
		"\n"
		"options:\n"
		"  --kernel BZIMAGE   guest kernel (default: the running kernel if installed,\n"
		"                     else the newest /boot/vmlinuz-* with modules and headers)\n"
		"  --accel auto|kvm|tcg  accelerator (default auto)\n"
		"  --cpus N           vCPUs (default 2)\n"
		"  --mem SIZE         guest RAM (default 2G)\n"
		"  --timeout DURATION stop the VM after this long (default 600s; 0 = never)\n"
		"  --workdir DIR      shared read-write at the same path; the command runs\n"
		"                     there (default: the current directory)\n"
		"  --no-workdir       share nothing read-write\n"
		"  --cd DIR           run in DIR, relative to the work directory\n"
		"  --env KEY=VALUE    set a variable for the command (repeatable)\n"
		"  --append ARGS      extra kernel command line\n"
		"  --kmsg             kernel messages on the console\n"
		"  -v, --verbose      say which kernel, accelerator and boot path, and the\n"
		"                     time from qemu's start to the command's\n"
		"\n"
		"exit status: the command's own; 124 timeout, 125 lab VM failure,\n"
		"127 command not found in the lab VM.\n");
}

static int lab_parse(int argc, char **argv, struct lab_config *cfg, char **env,
		     bool *verbose)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "accel", required_argument, NULL, 'a' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "no-workdir", no_argument, NULL, 'W' },
		{ "cd", required_argument, NULL, 'C' },
		{ "env", required_argument, NULL, 'e' },
		{ "append", required_argument, NULL, 'A' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "kmsg", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	static char cwd[4096];
	uint64_t v;
	int c;

	if (getcwd(cwd, sizeof(cwd)))
		cfg->workdir = cwd;
	/* "+" stops at the first non-option: the rest is the guest command */
	while ((c = getopt_long(argc, argv, "+v", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			cfg->kernel = optarg;
			break;
		case 'a':
			if (lab_accel_parse(optarg, &cfg->accel)) {
				cli_error(
					"lab",
					"bad --accel '%s': expected auto, kvm or tcg",
					optarg);
				return -EINVAL;
			}
			break;
		case 'c':
			if (parse_uint(optarg, 1, 64, &v)) {
				cli_error("lab",
					  "bad --cpus '%s': expected 1..64",
					  optarg);
				return -EINVAL;
			}
			cfg->cpus = v;
			break;
		case 'm':
			if (parse_size(optarg, &v) || v < (128ULL << 20) ||
			    v > (64ULL << 30)) {
				cli_error(
					"lab",
					"bad --mem '%s': expected a size from 128M to 64G",
					optarg);
				return -EINVAL;
			}
			cfg->mem_bytes = v;
			break;
		case 't':
			if (parse_duration_ms(optarg, &v)) {
				cli_error(
					"lab",
					"bad --timeout '%s': expected seconds, e.g. 90 or 5m",
					optarg);
				return -EINVAL;
			}
			cfg->timeout_ms = v;
			break;
		case 'w':
			if (access(optarg, W_OK) || optarg[0] != '/') {
				cli_error(
					"lab",
					"bad --workdir '%s': expected a writable absolute directory",
					optarg);
				return -EINVAL;
			}
			cfg->workdir = optarg;
			break;
		case 'W':
			cfg->workdir = NULL;
			break;
		case 'C':
			cfg->cd = optarg;
			break;
		case 'e':
			if (cfg->nr_env >= LAB_MAX_ENV ||
			    !strchr(optarg, '=') || optarg[0] == '=') {
				cli_error("lab",
					  "bad --env '%s': expected KEY=VALUE",
					  optarg);
				return -EINVAL;
			}
			env[cfg->nr_env++] = optarg;
			break;
		case 'A':
			cfg->append = optarg;
			break;
		case 'v':
			*verbose = true;
			break;
		case 'K':
			cfg->kmsg = true;
			break;
		case 'h':
			lab_usage(stdout);
			return 1;
		default:
			cli_error("lab",
				  "unknown option (see 'isolens lab --help')");
			return -EINVAL;
		}
	}
	/* sharing "/" read-write would defeat the read-only host root */
	if (cfg->workdir && !strcmp(cfg->workdir, "/"))
		cfg->workdir = NULL;
	cfg->env = env;
	cfg->argv = argv + optind;
	return 0;
}

static int lab_info(const struct lab_config *cfg)
{
	struct lab_result res = {};
	struct lab_kernel k;
	struct lab_accel_choice accel;
	struct errbuf eb = {};
	char initramfs[4096];
	bool rebuilt;

	if (lab_kernel_find(cfg->kernel, &k, &eb) ||
	    lab_accel_choose(cfg->accel, &accel, &eb)) {
		cli_error("lab", "%s", eb.msg);
		return EXIT_RUNTIME;
	}
	printf("kernel      %s (%s)\n", k.image, k.why);
	printf("release     %s\n", k.release);
	printf("modules     %s\n", k.moddir);
	printf("accelerator %s\n", accel.reason);
	if (accel.warning[0])
		printf("warning     %s\n", accel.warning);
	if (lab_initramfs_get(&k, getenv("ISOLENS_BUSYBOX") ?: "/bin/busybox",
			      initramfs, sizeof(initramfs), &rebuilt, &eb)) {
		cli_error("lab", "%s", eb.msg);
		return EXIT_RUNTIME;
	}
	printf("initramfs   %s (%s)\n", initramfs,
	       rebuilt ? "built now" : "cached");
	res.kernel = k;
	lab_boot_image(&res);
	printf("boot        %s%s%s\n", res.boot_image,
	       res.boot_note[0] ? "; " : " (decompressed once, PVH entry)",
	       res.boot_note);
	printf("vcpus       %u, memory %llu MiB\n", cfg->cpus,
	       (unsigned long long)(cfg->mem_bytes >> 20));
	return EXIT_OK;
}

int cmd_lab(int argc, char **argv)
{
	struct lab_config cfg = {
		.accel = LAB_ACCEL_AUTO,
		.cpus = 2,
		.mem_bytes = 2ULL << 30,
		.timeout_ms = LAB_DEFAULT_TIMEOUT_MS,
	};
	static char *env[LAB_MAX_ENV];
	struct lab_result res;
	struct errbuf eb = {};
	const char *verb;
	bool verbose = false;
	int ret;

	if (argc < 2) {
		lab_usage(stderr);
		return EXIT_USAGE;
	}
	verb = argv[1];
	if (!strcmp(verb, "--help") || !strcmp(verb, "-h")) {
		lab_usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(verb, "run") && strcmp(verb, "shell") &&
	    strcmp(verb, "info")) {
		cli_error(
			"lab",
			"unknown subcommand '%s': expected run, shell or info",
			verb);
		return EXIT_USAGE;
	}
	ret = lab_parse(argc - 1, argv + 1, &cfg, env, &verbose);
	if (ret)
		return ret > 0 ? EXIT_OK : EXIT_USAGE;

	if (!strcmp(verb, "info"))
		return lab_info(&cfg);
	if (!strcmp(verb, "shell")) {
		cfg.mode = LAB_SHELL;
		cfg.timeout_ms = 0;
	} else if (!cfg.argv[0]) {
		cli_error(
			"lab",
			"run needs a command: isolens lab run [options] -- CMD");
		return EXIT_USAGE;
	}

	ret = lab_run(&cfg, &res, &eb);
	if (res.accel.warning[0])
		cli_note("lab", "%s", res.accel.warning);
	if (verbose && res.kernel.release[0])
		fprintf(stderr,
			"isolens lab: %s (%s), %s; booted %s%s%s; command started %.2f s after qemu\n",
			res.kernel.release, res.kernel.why, res.accel.reason,
			res.boot_image, res.boot_note[0] ? ": " : "",
			res.boot_note, res.boot_to_cmd_s);
	if (ret) {
		cli_error("lab", "%s", eb.msg);
		if (res.completed)
			return res.status;
		return ret == -ETIMEDOUT ? EXIT_TIMEOUT : EXIT_RUNTIME;
	}
	return res.status;
}
