// SPDX-License-Identifier: GPL-2.0
/* isolens container: run, exec, kill, rm, ls, rootfs.  See docs/containers.md. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/parse.h"
#include "base/util.h"
#include "container/container.h"
#include "builtin.h"

#define CMD "container"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: isolens container run [options] [--] CMD [ARG...]\n"
		"       isolens container exec [exec options] NAME [--] CMD [ARG...]\n"
		"       isolens container kill NAME [SIGNAL]      (default KILL)\n"
		"       isolens container rm [--force] NAME...\n"
		"       isolens container ls [--json]\n"
		"       isolens container rootfs [DIR]           (build a busybox rootfs)\n"
		"       isolens container seccomp --export [--pfc] [--userns] [--seccomp-profile FILE]\n"
		"                                     (the filter the kernel will run: raw BPF, or\n"
		"                                      libseccomp's PFC text with --pfc)\n"
		"\n"
		"run options:\n"
		"  --rootfs DIR        root filesystem (default: cached busybox tree, read-only)\n"
		"  --name NAME         name for exec/kill/rm and the state file\n"
		"  --hostname H        hostname (default: the name)\n"
		"  --env K=V           environment variable (repeatable)\n"
		"  --workdir DIR       working directory inside the container\n"
		"  --share LIST        namespaces kept from the host: mnt,uts,ipc,net,pid,cgroup,time\n"
		"  --userns            new user namespace (required when not root)\n"
		"  --net MODE          none | loopback (default) | veth\n"
		"  --memory SIZE       memory.max, e.g. 64M (cgroup v2)\n"
		"  --pids N            pids.max (cgroup v2)\n"
		"  --cpus X            cpu.max as a number of CPUs, e.g. 0.5 (cgroup v2)\n"
		"  --seccomp MODE      default | unconfined\n"
		"  --seccomp-profile FILE  an OCI/Docker seccomp profile (JSON) instead of the default\n"
		"  --cap-add CAPS      capabilities added to the default set (or ALL)\n"
		"  --group-add GIDS    supplementary groups, comma-separated (default: none)\n"
		"  --preserve-fds N    pass the caller's fds 3..3+N-1 (all others are closed)\n"
		"  -t, --tty           give CMD a pty of its own, relayed to this terminal\n"
		"  --json              print a JSON summary on stdout after exit\n"
		"\n"
		"exec options: --seccomp, --seccomp-profile, --cap-add, --group-add, --preserve-fds,\n"
		"  --tty, as for run\n"
		"\n"
		"exit status: the command's (128+N if killed by signal N); 125 runtime error,\n"
		"126 command cannot be executed, 127 command not found, 2 usage; a bad\n"
		"seccomp profile is a runtime error (125).\n");
}

/* "--opt 'arg': what" of a value that @opt does not take; EXIT_USAGE. */
static int bad_value(const char *opt, const char *arg, const char *what)
{
	cli_error(CMD, "%s '%s': %s", opt, arg, what);
	return EXIT_USAGE;
}

static int parse_seccomp(const char *s, bool *on)
{
	if (!strcmp(s, "default"))
		*on = true;
	else if (!strcmp(s, "unconfined"))
		*on = false;
	else
		return -EINVAL;
	return 0;
}

/* --group-add, --preserve-fds: shared by run and exec. */
static int parse_group_add(const char *arg, gid_t *groups, int *n)
{
	int err = container_parse_groups(arg, groups, n, CONTAINER_MAX_GROUPS);

	if (err == -E2BIG)
		cli_error(CMD, "--group-add: at most %d groups",
			  CONTAINER_MAX_GROUPS);
	else if (err)
		cli_error(
			CMD,
			"--group-add '%s': expected numeric gids from 0 to 65534, comma-separated",
			arg);
	return err;
}

static int parse_preserve_fds(const char *arg, int *n)
{
	uint64_t v;

	if (parse_uint(arg, 0, 1024, &v)) {
		bad_value("--preserve-fds", arg,
			  "expected a number from 0 to 1024");
		return -EINVAL;
	}
	*n = (int)v;
	return 0;
}

/* The option values of run and exec; the short ones are their own. */
enum {
	O_ROOTFS = 256,
	O_HOST,
	O_ENV,
	O_WORKDIR,
	O_NAME,
	O_SHARE,
	O_USERNS,
	O_NET,
	O_MEM,
	O_PIDS,
	O_CPUS,
	O_SECCOMP,
	O_PROFILE,
	O_CAPADD,
	O_GROUPADD,
	O_PRESERVE,
	O_JSON,
	O_HELP
};

/* The options exec takes, which run takes too. */
/* clang-format off */
#define EXEC_OPTIONS							\
	{ "seccomp", required_argument, NULL, O_SECCOMP },		\
	{ "seccomp-profile", required_argument, NULL, O_PROFILE },	\
	{ "cap-add", required_argument, NULL, O_CAPADD },		\
	{ "group-add", required_argument, NULL, O_GROUPADD },		\
	{ "preserve-fds", required_argument, NULL, O_PRESERVE },	\
	{ "tty", no_argument, NULL, 't' },				\
	{ "help", no_argument, NULL, O_HELP }
/* clang-format on */

/*
 * One of EXEC_OPTIONS but --help into @x: 0 taken, 1 not one of them,
 * -1 a usage error (reported).
 */
static int parse_exec_opt(int c, const char *arg, struct container_exec_opts *x)
{
	uint64_t mask;

	switch (c) {
	case O_SECCOMP:
		if (parse_seccomp(arg, &x->seccomp)) {
			bad_value("--seccomp", arg,
				  "expected default or unconfined");
			return -1;
		}
		return 0;
	case O_PROFILE:
		x->seccomp_profile = arg;
		return 0;
	case O_CAPADD:
		if (container_caps_parse(arg, &mask)) {
			bad_value("--cap-add", arg, "unknown capability");
			return -1;
		}
		x->cap_add |= mask;
		return 0;
	case O_GROUPADD:
		return parse_group_add(arg, x->groups, &x->ngroups) ? -1 : 0;
	case O_PRESERVE:
		return parse_preserve_fds(arg, &x->preserve_fds) ? -1 : 0;
	case 't':
		x->tty = true;
		return 0;
	}
	return 1;
}

/* After the options of run or exec (@sub): 0, or EXIT_USAGE (reported). */
static int check_exec_opts(const char *sub, const struct container_exec_opts *x)
{
	if (!x->seccomp && x->seccomp_profile) {
		cli_error(
			CMD,
			"%s: --seccomp-profile contradicts --seccomp=unconfined",
			sub);
		return EXIT_USAGE;
	}
	return 0;
}

/* The default: of a subcommand's getopt loop; EXIT_USAGE. */
static int bad_option(const char *sub, char **argv)
{
	cli_error(CMD, "%s: unknown or incomplete option '%s'", sub,
		  argv[optind - 1]);
	return EXIT_USAGE;
}

static void print_json(const struct container_opts *o,
		       const struct container_result *r)
{
	printf("{\"name\": \"%s\", \"exit_code\": %d, \"signal\": %d, "
	       "\"elapsed_ms\": %.3f, \"cgroup\": %s, \"oom\": %" PRIu64
	       ", \"oom_kill\": %" PRIu64 ", \"pids_max\": %" PRIu64
	       ", \"nr_throttled\": %" PRIu64 "}\n",
	       o->name, r->exit_code,
	       WIFSIGNALED(r->status) ? WTERMSIG(r->status) : 0, r->elapsed_ms,
	       r->have_cgroup ? "true" : "false", r->oom, r->oom_kill,
	       r->pids_max_hits, r->nr_throttled);
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rootfs", required_argument, NULL, O_ROOTFS },
		{ "hostname", required_argument, NULL, O_HOST },
		{ "env", required_argument, NULL, O_ENV },
		{ "workdir", required_argument, NULL, O_WORKDIR },
		{ "name", required_argument, NULL, O_NAME },
		{ "share", required_argument, NULL, O_SHARE },
		{ "userns", no_argument, NULL, O_USERNS },
		{ "net", required_argument, NULL, O_NET },
		{ "memory", required_argument, NULL, O_MEM },
		{ "pids", required_argument, NULL, O_PIDS },
		{ "cpus", required_argument, NULL, O_CPUS },
		{ "json", no_argument, NULL, O_JSON },
		EXEC_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct container_opts o = { 0 };
	struct container_exec_opts x = { .seccomp = true };
	struct container_result res;
	struct errbuf eb = { 0 };
	bool json = false, limits;
	int c, err;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+t", opts, NULL)) != -1) {
		err = parse_exec_opt(c, optarg, &x);
		if (err < 0)
			return EXIT_USAGE;
		if (!err)
			continue;
		switch (c) {
		case O_ROOTFS:
			o.rootfs = optarg;
			break;
		case O_HOST:
			if (!*optarg || strlen(optarg) > 64) {
				cli_error(CMD,
					  "--hostname must be 1 to 64 bytes");
				return EXIT_USAGE;
			}
			o.hostname = optarg;
			break;
		case O_ENV:
			if (!strchr(optarg, '=') || *optarg == '=')
				return bad_value("--env", optarg,
						 "expected KEY=VALUE");
			if (o.nenv >= CONTAINER_MAX_ENV - 1) {
				cli_error(CMD, "too many --env (at most %d)",
					  CONTAINER_MAX_ENV - 1);
				return EXIT_USAGE;
			}
			o.env[o.nenv++] = optarg;
			break;
		case O_WORKDIR:
			if (*optarg != '/')
				return bad_value("--workdir", optarg,
						 "must be an absolute path");
			o.workdir = optarg;
			break;
		case O_NAME:
			if (!container_name_valid(optarg)) {
				cli_error(
					CMD,
					"--name '%s': use up to %d letters, digits, '.', '_', '-'",
					optarg, CONTAINER_NAME_MAX - 1);
				return EXIT_USAGE;
			}
			snprintf(o.name, sizeof(o.name), "%s", optarg);
			break;
		case O_SHARE:
			if (container_parse_share(optarg, &o.share))
				return bad_value(
					"--share", optarg,
					"expected a list of mnt,uts,ipc,net,pid,cgroup,time");
			break;
		case O_USERNS:
			o.userns = true;
			break;
		case O_NET:
			if (container_parse_net(optarg, &o.net))
				return bad_value(
					"--net", optarg,
					"expected none, loopback or veth");
			break;
		case O_MEM:
			if (parse_size(optarg, &o.memory_max) ||
			    o.memory_max < 4096)
				return bad_value(
					"--memory", optarg,
					"expected a size of at least 4K, e.g. 64M");
			break;
		case O_PIDS:
			if (parse_uint(optarg, 1, 4194304, &o.pids_max))
				return bad_value(
					"--pids", optarg,
					"expected a number from 1 to 4194304");
			break;
		case O_CPUS:
			if (container_parse_cpus(optarg, &o.cpu_quota_us,
						 &o.cpu_period_us))
				return bad_value(
					"--cpus", optarg,
					"expected a number of CPUs from 0.01, e.g. 0.5");
			break;
		case O_JSON:
			json = true;
			break;
		case O_HELP:
			usage(stdout);
			return EXIT_OK;
		default:
			return bad_option("run", argv);
		}
	}
	if (optind >= argc) {
		cli_error(
			CMD,
			"run: no command given (isolens container run [options] -- CMD)");
		return EXIT_USAGE;
	}
	if (check_exec_opts("run", &x))
		return EXIT_USAGE;
	o.seccomp = x.seccomp;
	o.seccomp_profile = x.seccomp_profile;
	o.cap_add = x.cap_add;
	memcpy(o.groups, x.groups, sizeof(o.groups));
	o.ngroups = x.ngroups;
	o.preserve_fds = x.preserve_fds;
	o.tty = x.tty;
	o.argv = argv + optind;
	limits = o.memory_max || o.pids_max || o.cpu_quota_us;

	err = container_run(&o, &res, &eb);
	if (err) {
		cli_error(CMD, "%s", eb.msg);
		res.exit_code = res.fail_code;
		if (json)
			print_json(&o, &res);
		return res.fail_code;
	}
	if (limits || res.oom_kill || res.pids_max_hits)
		cli_note(CMD,
			 "cgroup events: oom_kill=%" PRIu64 " oom=%" PRIu64
			 " pids.max=%" PRIu64 " cpu.nr_throttled=%" PRIu64,
			 res.oom_kill, res.oom, res.pids_max_hits,
			 res.nr_throttled);
	if (json)
		print_json(&o, &res);
	return res.exit_code;
}

static int cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		EXEC_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct container_exec_opts x = { .seccomp = true };
	struct errbuf eb = { 0 };
	const char *name;
	int c, err, status = 0, code;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+t", opts, NULL)) != -1) {
		err = parse_exec_opt(c, optarg, &x);
		if (err < 0)
			return EXIT_USAGE;
		if (err && c == O_HELP) {
			usage(stdout);
			return EXIT_OK;
		}
		if (err)
			return bad_option("exec", argv);
	}
	if (check_exec_opts("exec", &x))
		return EXIT_USAGE;
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (argc - optind < 1) {
		cli_error(CMD, "exec: expected NAME -- CMD");
		return EXIT_USAGE;
	}
	name = argv[optind++];
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind >= argc) {
		cli_error(CMD, "exec: no command given");
		return EXIT_USAGE;
	}
	x.argv = argv + optind;
	if (container_exec(name, &x, &status, &code, &eb)) {
		cli_error(CMD, "%s", eb.msg);
		return code;
	}
	return exit_code_from_wait(status);
}

static int cmd_kill(int argc, char **argv)
{
	struct errbuf eb = { 0 };
	int sig = 9;

	if (argc < 2 || argc > 3) {
		cli_error(CMD, "kill: expected NAME [SIGNAL]");
		return EXIT_USAGE;
	}
	if (argc == 3 && container_parse_signal(argv[2], &sig)) {
		cli_error(CMD, "kill: unknown signal '%s'", argv[2]);
		return EXIT_USAGE;
	}
	if (container_kill(argv[1], sig, &eb)) {
		cli_error(CMD, "%s", eb.msg);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

static int cmd_rm(int argc, char **argv)
{
	struct errbuf eb = { 0 };
	bool force = false;
	int i, ret = EXIT_OK;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force")) {
			force = true;
		} else {
			cli_error(CMD, "rm: unknown option '%s'", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		cli_error(CMD, "rm: expected NAME...");
		return EXIT_USAGE;
	}
	for (; i < argc; i++) {
		if (!container_name_valid(argv[i])) {
			cli_error(CMD, "rm: invalid name '%s'", argv[i]);
			ret = EXIT_USAGE;
			continue;
		}
		if (container_rm(argv[i], force, &eb)) {
			cli_error(CMD, "%s", eb.msg);
			ret = EXIT_RUNTIME;
		}
	}
	return ret;
}

static int cmd_ls(int argc, char **argv)
{
	struct container_state *v = NULL;
	struct errbuf eb = { 0 };
	bool json = argc == 2 && !strcmp(argv[1], "--json");
	size_t n = 0, i, shown = 0;
	char buf[16384], ids[24];

	if (argc > 2 || (argc == 2 && !json)) {
		cli_error(CMD, "ls: expected no argument or --json");
		return EXIT_USAGE;
	}
	if (container_list(&v, &n, &eb)) {
		cli_error(CMD, "%s", eb.msg);
		return EXIT_RUNTIME;
	}
	if (json)
		printf("[");
	else
		printf("%-20s %-8s %-10s %-16s %-17s %s\n", "NAME", "PID",
		       "UPTIME", "NET", "HOST-UIDS", "ROOTFS");
	for (i = 0; i < n; i++) {
		struct timespec now;
		uint64_t up;

		if (container_state_stale(&v[i])) {
			/* leftovers of a runtime that crashed */
			container_cleanup(&v[i]);
			cli_note(CMD,
				 "removed leftovers of '%s' (pid %d is gone)",
				 v[i].name, (int)v[i].pid);
			continue;
		}
		if (!container_state_alive(&v[i]))
			continue; /* still starting */
		if (json) {
			if (container_state_format(&v[i], buf, sizeof(buf)) > 0)
				printf("%s%s", shown ? "," : "", buf);
			shown++;
			continue;
		}
		clock_gettime(CLOCK_REALTIME, &now);
		up = ((uint64_t)now.tv_sec * 1000000000ull + now.tv_nsec -
		      v[i].created_ns) /
		     1000000000ull;
		/* the first host uid and how many: uid_base+id_count */
		if (v[i].id_count)
			snprintf(ids, sizeof(ids), "%u+%u",
				 (unsigned int)v[i].uid_base,
				 (unsigned int)v[i].id_count);
		else
			snprintf(ids, sizeof(ids), "-");
		printf("%-20s %-8d %-10" PRIu64 " %-16s %-17s %s\n", v[i].name,
		       (int)v[i].pid, up, v[i].ip[0] ? v[i].ip : v[i].net, ids,
		       v[i].rootfs);
		shown++;
	}
	if (json)
		printf("]\n");
	free(v);
	return EXIT_OK;
}

static int cmd_rootfs(int argc, char **argv)
{
	struct errbuf eb = { 0 };
	char dir[4096];

	if (argc > 2) {
		cli_error(CMD, "rootfs: expected at most one DIR");
		return EXIT_USAGE;
	}
	if (argc == 2) {
		if (container_rootfs_build(argv[1], &eb)) {
			cli_error(CMD, "%s", eb.msg);
			return EXIT_RUNTIME;
		}
		printf("%s\n", argv[1]);
		return EXIT_OK;
	}
	if (container_rootfs_ensure_default(dir, sizeof(dir), &eb)) {
		cli_error(CMD, "%s", eb.msg);
		return EXIT_RUNTIME;
	}
	printf("%s\n", dir);
	return EXIT_OK;
}

/* Print the filter the kernel would run for `container run`. */
static int cmd_seccomp(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "export", no_argument, NULL, 'e' },
		{ "pfc", no_argument, NULL, 'f' },
		{ "userns", no_argument, NULL, 'u' },
		{ "seccomp-profile", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct container_seccomp *f;
	struct errbuf eb = { 0 };
	bool export = false, pfc = false, userns = false;
	const char *profile = NULL, *first;
	unsigned int unknown;
	int c, err;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			export = true;
			break;
		case 'f':
			pfc = true;
			break;
		case 'u':
			userns = true;
			break;
		case 'p':
			profile = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return bad_option("seccomp", argv);
		}
	}
	if (!export || optind < argc) {
		cli_error(
			CMD,
			"seccomp: expected --export [--pfc] [--userns] [--seccomp-profile FILE]");
		return EXIT_USAGE;
	}
	if (userns && profile) {
		cli_error(
			CMD,
			"seccomp: --userns selects a variant of the default profile, not of --seccomp-profile");
		return EXIT_USAGE;
	}
	if (!pfc && isatty(STDOUT_FILENO)) {
		cli_error(
			CMD,
			"seccomp: not writing binary BPF to a terminal (redirect stdout, or use --pfc)");
		return EXIT_USAGE;
	}
	if (container_seccomp_new(profile, userns, &f, &eb)) {
		cli_error(CMD, "%s", eb.msg);
		return EXIT_RUNTIME;
	}
	unknown = container_seccomp_unknown(f, &first);
	if (unknown)
		cli_note(
			CMD,
			"seccomp profile %s: %u syscall name%s unknown to libseccomp, skipped (e.g. \"%s\")",
			profile, unknown, unknown == 1 ? "" : "s", first);
	fflush(stdout);
	err = container_seccomp_export(f, STDOUT_FILENO, pfc, &eb);
	container_seccomp_free(f);
	if (err) {
		cli_error(CMD, "%s", eb.msg);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

int cmd_container(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} subs[] = {
		{ "run", cmd_run },	    { "exec", cmd_exec },
		{ "kill", cmd_kill },	    { "rm", cmd_rm },
		{ "ls", cmd_ls },	    { "rootfs", cmd_rootfs },
		{ "seccomp", cmd_seccomp },
	};
	size_t i;
	int ret;

	ret = cli_usage_or_help(argc, argv, usage);
	if (ret >= 0)
		return ret;
	for (i = 0; i < ARRAY_SIZE(subs); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].fn(argc - 1, argv + 1);
	cli_error(
		CMD,
		"unknown subcommand '%s' (run, exec, kill, rm, ls, rootfs, seccomp)",
		argv[1]);
	return EXIT_USAGE;
}
