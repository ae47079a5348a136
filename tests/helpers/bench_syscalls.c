// SPDX-License-Identifier: GPL-2.0
/*
 * Workload for tests/bench/trace.sh: repeats one cheap operation that hits
 * the tracepoints isolens trace attaches, and prints its cost.
 *
 *   bench_syscalls OP COUNT [RATE]
 *
 * OP is one of
 *   fork     fork(), the child _exit(0)s, waitpid(): sys_{enter,exit}_clone,
 *            sched_process_fork and sched_process_exit (2 isolens events)
 *   unshare  unshare(0): sys_{enter,exit}_unshare (1 isolens event)
 *   setns    setns(-1, 0), fails with EBADF: sys_{enter,exit}_setns (1)
 *   getppid  getppid(): no isolens tracepoint (the untraced-syscall cost)
 * RATE, if given, paces the calls to at most RATE per second (busy-waiting
 * on the monotonic clock, so that the pacing itself makes no syscall).
 *
 * Output, one line: "OP COUNT TOTAL_NS NS_PER_OP OPS_PER_S".
 * The raw syscall() is used so that glibc caches nothing.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	/* vDSO: no syscall, so no tracepoint */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int op_fork(void)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(0);
	return waitpid(pid, &status, 0) == pid ? 0 : -1;
}

static int op_unshare(void)
{
	return syscall(SYS_unshare, 0);
}

static int op_setns(void)
{
	/* EBADF is the expected outcome: the call is recorded anyway */
	return syscall(SYS_setns, -1, 0) < 0 && errno == EBADF ? 0 : -1;
}

static int op_getppid(void)
{
	syscall(SYS_getppid);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
} ops[] = {
	{ "fork", op_fork },
	{ "unshare", op_unshare },
	{ "setns", op_setns },
	{ "getppid", op_getppid },
};

int main(int argc, char **argv)
{
	unsigned long long count, rate = 0, i, t0, t1, gap = 0, next;
	int (*fn)(void) = NULL;
	char *end;
	size_t k;

	if (argc < 3 || argc > 4) {
		fprintf(stderr,
			"usage: bench_syscalls fork|unshare|setns|getppid COUNT [RATE]\n");
		return 2;
	}
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (!strcmp(argv[1], ops[k].name))
			fn = ops[k].fn;
	count = strtoull(argv[2], &end, 10);
	if (!fn || *end || !count) {
		fprintf(stderr, "bench_syscalls: bad operation or count\n");
		return 2;
	}
	if (argc == 4) {
		rate = strtoull(argv[3], &end, 10);
		if (*end || !rate) {
			fprintf(stderr, "bench_syscalls: bad rate '%s'\n",
				argv[3]);
			return 2;
		}
		gap = 1000000000ULL / rate;
	}
	if (fn()) {
		fprintf(stderr, "bench_syscalls: %s fails: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	t0 = now_ns();
	next = t0;
	for (i = 0; i < count; i++) {
		if (gap) {
			while (now_ns() < next)
				;
			next += gap;
		}
		if (fn()) {
			fprintf(stderr, "bench_syscalls: %s fails: %s\n",
				argv[1], strerror(errno));
			return 1;
		}
	}
	t1 = now_ns();
	printf("%s %llu %llu %.1f %.0f\n", argv[1], count, t1 - t0,
	       (double)(t1 - t0) / count, count * 1e9 / (t1 - t0));
	return 0;
}
