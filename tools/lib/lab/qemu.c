// SPDX-License-Identifier: GPL-2.0
/*
 * Boot the lab VM with qemu-system-x86_64 and run one command (or a shell)
 * in it.  QEMU's microvm machine with virtio-mmio skips the firmware, PCI
 * and most ACPI probing that cost seconds under TCG.
 *
 * The host and the guest talk through a private 9p share (the "control
 * directory"): the host writes env and cmd, the guest writes started,
 * status and error.  qemu's own exit status carries nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/exit.h"
#include "base/fileio.h"
#include "base/shquote.h"
#include "lab.h"

#define MAX_QEMU_ARGS 64

struct qemu_argv {
	char *argv[MAX_QEMU_ARGS + 1];
	unsigned int argc;
	int err;
};

static void qa_add(struct qemu_argv *qa, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void qa_add(struct qemu_argv *qa, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (qa->argc >= MAX_QEMU_ARGS) {
		qa->err = E2BIG;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		qa->err = ENOMEM;
		s = NULL;
	}
	va_end(ap);
	if (s)
		qa->argv[qa->argc++] = s;
}

static void qa_free(struct qemu_argv *qa)
{
	while (qa->argc)
		free(qa->argv[--qa->argc]);
}

/* qemu option values escape a comma by doubling it. */
static const char *qemu_escape(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s && n + 2 < len; s++) {
		buf[n++] = *s;
		if (*s == ',')
			buf[n++] = ',';
	}
	buf[n] = '\0';
	return buf;
}

static int find_qemu(char *path, size_t len, struct errbuf *eb)
{
	const char *env = getenv("ISOLENS_QEMU");
	const char *p = getenv("PATH");
	char dirs[4096], *dir, *save;

	if (env && *env) {
		snprintf(path, len, "%s", env);
		return access(path, X_OK) ?
			       errbuf_errno(eb, errno, "ISOLENS_QEMU=%s", env) :
			       0;
	}
	snprintf(dirs, sizeof(dirs), "%s:/usr/bin:/usr/local/bin", p ? p : "");
	for (dir = strtok_r(dirs, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(path, len, "%s/qemu-system-x86_64", dir);
		if (!access(path, X_OK))
			return 0;
	}
	return errbuf_set(
		eb, ENOENT,
		"qemu-system-x86_64 not found (install qemu-system-x86, e.g. with 'sudo make deps')");
}

/* A one-line answer from the guest, without its newline. */
static int read_ctl(const char *ctl, const char *name, char *buf, size_t len)
{
	int ret = file_read_str(ctl, name, buf, len);

	if (!ret)
		buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

/* KEY of a KEY=VALUE must be a shell name: it lands in "export KEY=...". */
static bool env_key_valid(const char *kv, size_t len)
{
	size_t i;

	if (!len || (kv[0] >= '0' && kv[0] <= '9'))
		return false;
	for (i = 0; i < len; i++)
		if (!(kv[i] == '_' || (kv[i] >= 'a' && kv[i] <= 'z') ||
		      (kv[i] >= 'A' && kv[i] <= 'Z') ||
		      (kv[i] >= '0' && kv[i] <= '9')))
			return false;
	return true;
}

static FILE *ctl_open(const char *ctl, const char *name)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/%s", ctl, name);
	return fopen(path, "we");
}

static int ctl_close(FILE *f)
{
	int err = ferror(f) ? EIO : 0;

	if (fclose(f) && !err)
		err = errno;
	return -err;
}

/*
 * env: settings the guest init sources.  cmd: the command as a shell
 * script, every word single-quoted so nothing is expanded twice.
 */
static int write_control(const char *ctl, const struct lab_config *cfg,
			 const char *end_marker, struct errbuf *eb)
{
	const char *term = getenv("TERM");
	FILE *env, *cmd;
	unsigned int i;
	int ret;

	for (i = 0; i < cfg->nr_env; i++) {
		const char *eq = strchr(cfg->env[i], '=');

		if (!eq || !env_key_valid(cfg->env[i], eq - cfg->env[i]))
			return errbuf_set(
				eb, EINVAL,
				"bad --env '%s': expected NAME=VALUE with a shell variable name",
				cfg->env[i]);
	}

	env = ctl_open(ctl, "env");
	if (!env)
		return errbuf_errno(eb, errno, "cannot write to %s", ctl);
	fprintf(env, "ISOLENS_MODE=%s\nISOLENS_WORK=",
		cfg->mode == LAB_SHELL ? "shell" : "run");
	shell_quote_fput(env, cfg->workdir ? cfg->workdir : "");
	fputs("\nISOLENS_CD=", env);
	shell_quote_fput(env, cfg->cd ? cfg->cd : "");
	fputs("\nISOLENS_END=", env);
	shell_quote_fput(env, end_marker);
	if (term && *term) {
		fputs("\nexport TERM=", env);
		shell_quote_fput(env, term);
	}
	fputc('\n', env);
	ret = ctl_close(env);
	if (ret)
		return errbuf_errno(eb, -ret, "cannot write to %s", ctl);

	cmd = ctl_open(ctl, "cmd");
	if (!cmd)
		return errbuf_errno(eb, errno, "cannot write to %s", ctl);
	for (i = 0; i < cfg->nr_env; i++) {
		const char *eq = strchr(cfg->env[i], '=');

		fprintf(cmd, "export %.*s=", (int)(eq - cfg->env[i]),
			cfg->env[i]);
		shell_quote_fput(cmd, eq + 1);
		fputc('\n', cmd);
	}
	if (cfg->mode == LAB_SHELL && cfg->argv && cfg->argv[0]) {
		/* preparation before the interactive shell: no exec */
		for (i = 0; cfg->argv[i]; i++) {
			shell_quote_fput(cmd, cfg->argv[i]);
			fputc(' ', cmd);
		}
		fputc('\n', cmd);
	} else if (cfg->mode == LAB_RUN) {
		/* "not found" is told to the host, which names it on stderr */
		fputs("if ! command -v ", cmd);
		shell_quote_fput(cmd, cfg->argv[0]);
		fputs(" >/dev/null 2>&1; then\n\techo \"command not found in the lab VM: \"",
		      cmd);
		shell_quote_fput(cmd, cfg->argv[0]);
		fputs(" > /run/isolens/ctl/error\n\texit 127\nfi\nexec", cmd);
		for (i = 0; cfg->argv[i]; i++) {
			fputc(' ', cmd);
			shell_quote_fput(cmd, cfg->argv[i]);
		}
		fputc('\n', cmd);
	}
	ret = ctl_close(cmd);
	if (ret)
		return errbuf_errno(eb, -ret, "cannot write to %s", ctl);
	return 0;
}

/*
 * Under TCG the guest's TSC is the host's, read directly.  The guest
 * kernel calibrates it against the emulated PIT, which fails when the host
 * is busy ("Unable to calibrate against PIT"), and microvm has no HPET or
 * ACPI PM timer to fall back to: the boot then hangs.  Measure the host's
 * TSC rate here and hand it to the kernel instead.
 */
static unsigned long host_tsc_khz(void)
{
#if defined(__x86_64__)
	struct timespec t0, t1;
	unsigned long long c0, c1;
	double ns;

	clock_gettime(CLOCK_MONOTONIC_RAW, &t0);
	c0 = __builtin_ia32_rdtsc();
	do {
		clock_gettime(CLOCK_MONOTONIC_RAW, &t1);
		ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
	} while (ns < 20e6);
	c1 = __builtin_ia32_rdtsc();
	return (unsigned long)((c1 - c0) / (ns / 1e6) + 0.5);
#else
	return 0;
#endif
}

static int build_argv(struct qemu_argv *qa, const char *qemu,
		      const struct lab_config *cfg,
		      const struct lab_result *res, const char *initramfs,
		      const char *ctl)
{
	char e1[PATH_MAX * 2], e2[PATH_MAX * 2], clock[64] = "";
	bool kvm = res->accel.accel == LAB_ACCEL_KVM;
	const char *monitor = getenv("ISOLENS_LAB_MONITOR");
	const char *tcg_thread = getenv("ISOLENS_LAB_TCG_THREAD");
	unsigned long tsc_khz;

	qa_add(qa, "%s", qemu);
	qa_add(qa, "-M");
	qa_add(qa, "microvm");
	qa_add(qa, "-accel");
	/*
	 * ISOLENS_LAB_TCG_THREAD=single: one host thread runs every vCPU.
	 * Slower, but immune to multi-threaded TCG running a stale
	 * translation of code the guest kernel live-patches (module loads,
	 * kprobes, static keys): docs/troubleshooting.md.
	 */
	if (!kvm && tcg_thread && !strcmp(tcg_thread, "single"))
		qa_add(qa, "tcg,thread=single");
	else
		qa_add(qa, "%s", kvm ? "kvm" : "tcg");
	qa_add(qa, "-cpu");
	qa_add(qa, "%s", kvm ? "host" : "max");
	qa_add(qa, "-smp");
	qa_add(qa, "%u", cfg->cpus);
	qa_add(qa, "-m");
	qa_add(qa, "%lluM", (unsigned long long)(cfg->mem_bytes >> 20));
	qa_add(qa, "-nodefaults");
	qa_add(qa, "-no-user-config");
	qa_add(qa, "-no-reboot");
	qa_add(qa, "-display");
	qa_add(qa, "none");
	qa_add(qa, "-serial");
	/* a shell gets qemu's monitor too: Ctrl-A x quits, Ctrl-C reaches the guest */
	qa_add(qa, "%s", cfg->mode == LAB_SHELL ? "mon:stdio" : "stdio");
	qa_add(qa, "-kernel");
	qa_add(qa, "%s", res->boot_image);
	qa_add(qa, "-initrd");
	qa_add(qa, "%s", initramfs);
	qa_add(qa, "-append");
	if (!kvm && (tsc_khz = host_tsc_khz()))
		snprintf(clock, sizeof(clock),
			 " tsc_early_khz=%lu tsc=reliable", tsc_khz);
	/*
	 * Under TCG the guest boots on one CPU and its init brings up the
	 * others after the module loads and the first KVM VM, whose live
	 * patching multi-threaded TCG can get wrong while another CPU runs
	 * the patched code (kvm-hold.c, docs/troubleshooting.md).
	 */
	qa_add(qa, "console=ttyS0 %s panic=-1 rdinit=/init%s%s%s%s",
	       cfg->kmsg ? "loglevel=7" : "loglevel=1", clock,
	       !kvm && cfg->cpus > 1 ? " maxcpus=1" : "",
	       cfg->append ? " " : "", cfg->append ? cfg->append : "");
	qa_add(qa, "-fsdev");
	qa_add(qa,
	       "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap");
	qa_add(qa, "-device");
	qa_add(qa, "virtio-9p-device,fsdev=hostroot,mount_tag=hostroot");
	qa_add(qa, "-fsdev");
	qa_add(qa, "local,id=isolensctl,path=%s,security_model=none",
	       qemu_escape(ctl, e1, sizeof(e1)));
	qa_add(qa, "-device");
	qa_add(qa, "virtio-9p-device,fsdev=isolensctl,mount_tag=isolensctl");
	if (cfg->workdir) {
		qa_add(qa, "-fsdev");
		qa_add(qa,
		       "local,id=isolenswork,path=%s,security_model=none,multidevs=remap",
		       qemu_escape(cfg->workdir, e2, sizeof(e2)));
		qa_add(qa, "-device");
		qa_add(qa,
		       "virtio-9p-device,fsdev=isolenswork,mount_tag=isolenswork");
	}
	/* qemu's monitor on a socket: "info registers -a" on a hung lab VM */
	if (monitor && *monitor) {
		qa_add(qa, "-monitor");
		qa_add(qa, "unix:%s,server=on,wait=off",
		       qemu_escape(monitor, e1, sizeof(e1)));
	}
	qa->argv[qa->argc] = NULL;
	return -qa->err;
}

static volatile sig_atomic_t lab_signalled;

static void lab_on_signal(int sig)
{
	lab_signalled = sig;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Keep the tail of the current console line to spot "Kernel panic". */
static void scan_console(struct lab_result *res, char *line, size_t *fill,
			 const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || buf[i] == '\r' || *fill >= 255) {
			line[*fill] = '\0';
			if (!res->panicked && strstr(line, "Kernel panic")) {
				res->panicked = true;
				snprintf(res->panic, sizeof(res->panic), "%s",
					 strstr(line, "Kernel panic"));
			}
			*fill = 0;
			continue;
		}
		line[(*fill)++] = buf[i];
	}
}

static void stop_qemu(pid_t pid)
{
	int i;

	kill(pid, SIGTERM);
	for (i = 0; i < 40; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		usleep(50 * 1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/*
 * The console carries the command's output, then the end marker the guest
 * prints once the command exits, then shutdown noise.  Relay only what comes
 * before the marker; hold back a tail that could be the marker's start.
 */
struct relay {
	char marker[64];
	size_t marker_len;
	char pending[64 + 4096];
	size_t fill;
	bool done;
};

static void relay_out(const char *buf, size_t n);

static void relay_feed(struct relay *r, const char *buf, size_t n)
{
	size_t keep;
	char *hit;

	while (n && !r->done) {
		size_t take = sizeof(r->pending) - r->fill;

		if (take > n)
			take = n;
		memcpy(r->pending + r->fill, buf, take);
		r->fill += take;
		buf += take;
		n -= take;
		hit = memmem(r->pending, r->fill, r->marker, r->marker_len);
		if (hit) {
			relay_out(r->pending, hit - r->pending);
			r->done = true;
			break;
		}
		keep = r->fill < r->marker_len - 1 ? r->fill :
						     r->marker_len - 1;
		relay_out(r->pending, r->fill - keep);
		memmove(r->pending, r->pending + r->fill - keep, keep);
		r->fill = keep;
	}
}

static void relay_flush(struct relay *r)
{
	if (!r->done)
		relay_out(r->pending, r->fill);
	r->fill = 0;
}

/* A closed or full stdout must not stop the VM: drop what cannot be written. */
static void relay_out(const char *buf, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(STDOUT_FILENO, buf, n);
		if (w <= 0 && errno != EINTR)
			return;
		if (w > 0) {
			buf += w;
			n -= w;
		}
	}
}

/* Relay the console, watch the control directory, enforce the timeout. */
static int supervise(pid_t pid, int console, const char *ctl,
		     const struct lab_config *cfg, struct lab_result *res,
		     struct relay *relay, double t0)
{
	char buf[4096], line[256], evbuf[4096], started[PATH_MAX + 16];
	size_t fill = 0;
	int ino, wstatus, status = -1;
	bool console_open = console >= 0;

	snprintf(started, sizeof(started), "%s/started", ctl);
	ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (ino >= 0 && inotify_add_watch(ino, ctl, IN_CLOSE_WRITE) < 0) {
		close(ino);
		ino = -1;
	}
	for (;;) {
		struct pollfd pfd[2] = { { console_open ? console : -1, POLLIN,
					   0 },
					 { ino, POLLIN, 0 } };
		double left = cfg->timeout_ms ?
				      t0 + cfg->timeout_ms / 1000.0 - now_s() :
				      1.0;
		ssize_t n;

		if (lab_signalled || left <= 0) {
			res->timed_out = !lab_signalled;
			stop_qemu(pid);
			break;
		}
		if (poll(pfd, 2, left > 0.2 ? 200 : (int)(left * 1000) + 1) <
			    0 &&
		    errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN) {
			while (read(ino, evbuf, sizeof(evbuf)) > 0)
				;
			if (!res->boot_to_cmd_s && !access(started, F_OK))
				res->boot_to_cmd_s = now_s() - t0;
		}
		if (console_open && pfd[0].revents & (POLLIN | POLLHUP)) {
			n = read(console, buf, sizeof(buf));
			if (n > 0) {
				scan_console(res, line, &fill, buf, n);
				relay_feed(relay, buf, n);
			} else if (n == 0 || errno != EINTR) {
				console_open = false;
			}
		}
		if (waitpid(pid, &wstatus, WNOHANG) == pid) {
			status = wstatus;
			break;
		}
	}
	relay_flush(relay);
	if (ino >= 0)
		close(ino);
	return status;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Prefer the cached PVH vmlinux; a bzImage always works, just slower. */
void lab_boot_image(struct lab_result *res)
{
	struct errbuf eb = {};
	bool rebuilt;

	if (lab_vmlinux_get(&res->kernel, res->boot_image,
			    sizeof(res->boot_image), &rebuilt, &eb)) {
		snprintf(res->boot_image, sizeof(res->boot_image), "%s",
			 res->kernel.image);
		snprintf(res->boot_note, sizeof(res->boot_note),
			 "booting the bzImage: %s", eb.msg);
	}
}

int lab_run(const struct lab_config *cfg, struct lab_result *res,
	    struct errbuf *eb)
{
	char qemu[PATH_MAX], initramfs[PATH_MAX], ctl[PATH_MAX], val[512];
	const char *busybox = getenv("ISOLENS_BUSYBOX");
	const char *tmpdir = getenv("TMPDIR");
	struct sigaction sa = { .sa_handler = lab_on_signal }, old[3];
	struct qemu_argv qa = { .argc = 0 };
	struct relay relay = {};
	int pipefd[2] = { -1, -1 }, ret, wstatus;
	bool rebuilt;
	double t0;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	ret = lab_kernel_find(cfg->kernel, &res->kernel, eb);
	if (!ret)
		ret = lab_accel_choose(cfg->accel, &res->accel, eb);
	if (!ret)
		ret = find_qemu(qemu, sizeof(qemu), eb);
	if (!ret)
		ret = lab_initramfs_get(
			&res->kernel,
			busybox && *busybox ? busybox : "/bin/busybox",
			initramfs, sizeof(initramfs), &rebuilt, eb);
	if (ret)
		return ret;
	lab_boot_image(res);

	snprintf(ctl, sizeof(ctl), "%s/isolens-lab.XXXXXX",
		 tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(ctl))
		return errbuf_errno(eb, errno, "cannot create %s", ctl);
	srandom(now_s() * 1e6 + getpid());
	snprintf(relay.marker, sizeof(relay.marker), "<isolens-end-%08lx%08lx>",
		 random(), random());
	relay.marker_len = strlen(relay.marker);
	ret = write_control(ctl, cfg, relay.marker, eb);
	if (!ret && build_argv(&qa, qemu, cfg, res, initramfs, ctl))
		ret = errbuf_set(eb, E2BIG, "qemu command line too long");
	if (!ret && cfg->mode == LAB_RUN && pipe2(pipefd, O_CLOEXEC))
		ret = errbuf_errno(eb, errno, "pipe");
	if (ret)
		goto out;

	lab_signalled = 0;
	sigaction(SIGINT, &sa, &old[0]);
	sigaction(SIGTERM, &sa, &old[1]);
	sigaction(SIGHUP, &sa, &old[2]);
	t0 = now_s();
	pid = fork();
	if (pid < 0) {
		ret = errbuf_errno(eb, errno, "fork");
		goto out_signals;
	}
	if (pid == 0) {
		/* qemu must never outlive isolens */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGINT, cfg->mode == LAB_SHELL ? SIG_IGN : SIG_DFL);
		if (cfg->mode == LAB_RUN) {
			int null = open("/dev/null", O_RDONLY);

			dup2(null, STDIN_FILENO);
			dup2(pipefd[1], STDOUT_FILENO);
		}
		execv(qa.argv[0], qa.argv);
		fprintf(stderr, "isolens lab: cannot execute %s: %s\n",
			qa.argv[0], strerror(errno));
		_exit(EXIT_NOT_FOUND);
	}
	if (pipefd[1] >= 0) {
		close(pipefd[1]);
		pipefd[1] = -1;
	}
	if (cfg->mode == LAB_SHELL)
		signal(SIGINT, SIG_IGN);
	wstatus = supervise(pid, pipefd[0], ctl, cfg, res, &relay, t0);

	if (!read_ctl(ctl, "error", val, sizeof(val))) {
		if (strstr(val, "command not found")) {
			res->completed = true;
			res->status = EXIT_NOT_FOUND;
		}
		ret = errbuf_set(eb, strstr(val, "not found") ? ENOENT : EIO,
				 "%s", val);
	} else if (!read_ctl(ctl, "status", val, sizeof(val))) {
		res->completed = true;
		res->status = atoi(val);
	} else if (lab_signalled) {
		ret = errbuf_set(eb, EINTR,
				 "interrupted by signal %d; lab VM stopped",
				 (int)lab_signalled);
	} else if (res->timed_out) {
		ret = errbuf_set(
			eb, ETIMEDOUT,
			"command did not finish within %.0f s; lab VM stopped",
			cfg->timeout_ms / 1000.0);
	} else if (res->panicked) {
		ret = errbuf_set(eb, EIO, "the guest kernel panicked: %s",
				 res->panic);
	} else {
		ret = errbuf_set(
			eb, EIO,
			"the lab VM stopped before the command finished (qemu %s %d)",
			wstatus >= 0 && WIFSIGNALED(wstatus) ?
				"killed by signal" :
				"exit status",
			wstatus >= 0 && WIFSIGNALED(wstatus) ?
				WTERMSIG(wstatus) :
			wstatus >= 0 ? WEXITSTATUS(wstatus) :
				       -1);
	}
out_signals:
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	sigaction(SIGHUP, &old[2], NULL);
out:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	qa_free(&qa);
	nftw(ctl, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return ret;
}
