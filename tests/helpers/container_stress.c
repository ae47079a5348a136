// SPDX-License-Identifier: GPL-2.0
/*
 * Deterministic loads for the cgroup-limit tests (tests/vm/container.bats):
 *   container_stress forks        fork until fork fails; print the count
 *   container_stress alloc MB     touch MB megabytes, 1 MB at a time
 *   container_stress spin MS      burn CPU for MS milliseconds of wall time
 *   container_stress exits N      N short-lived children, one after another
 *                                 (tests/host/trace.bats: a full --count table)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int forks(void)
{
	pid_t kids[4096];
	int n = 0, err = 0, i;

	while (n < 4096) {
		pid_t p = fork();

		if (p < 0) {
			err = errno;
			break;
		}
		if (p == 0) {
			pause();
			_exit(0);
		}
		kids[n++] = p;
	}
	printf("forked %d, then %s\n", n, err ? strerrorname_np(err) : "stop");
	fflush(stdout);
	for (i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	return 0;
}

static int alloc(long mb)
{
	long i;

	for (i = 0; i < mb; i++) {
		char *p = malloc(1 << 20);

		if (!p) {
			printf("malloc failed at %ld MB\n", i);
			return 1;
		}
		memset(p, 0x5a, 1 << 20);
	}
	printf("touched %ld MB\n", mb);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int spin(long ms)
{
	double end = now() + ms;
	volatile unsigned long x = 0;

	while (now() < end)
		x++;
	printf("spun %ld ms\n", ms);
	return 0;
}

static int exits(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0) {
			perror("fork");
			return 1;
		}
		if (p == 0)
			_exit(0);
		waitpid(p, NULL, 0);
	}
	printf("%ld children exited\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "forks"))
		return forks();
	if (argc == 3 && !strcmp(argv[1], "alloc"))
		return alloc(atol(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "spin"))
		return spin(atol(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "exits"))
		return exits(atol(argv[2]));
	fprintf(stderr,
		"usage: container_stress forks | alloc MB | spin MS | exits N\n");
	return 2;
}
