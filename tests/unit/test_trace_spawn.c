// SPDX-License-Identifier: GPL-2.0
/*
 * tools/lib/trace/spawn.c: a child held until released, its exec failure
 * reported to the parent, and fds above stdio closed on request.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/exit.h"
#include "trace/spawn.h"
#include "unit.h"

static int reap(struct spawn *sp)
{
	int status;

	if (waitpid(sp->pid, &status, 0) != sp->pid)
		return -1;
	sp->pid = 0;
	return exit_code_from_wait(status);
}

static ssize_t read_all(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	return got;
}

/* Nothing runs before the release; then the command and its status. */
static void test_held(void)
{
	char *const argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3",
			       NULL };
	struct errbuf eb = { 0 };
	struct spawn sp;
	char buf[64];
	int status;

	spawn_init(&sp);
	CHECK_EQ(spawn_held(&sp, "sh", argv,
			    SPAWN_STDIN_NULL | SPAWN_CAPTURE_OUT |
				    SPAWN_CAPTURE_ERR,
			    &eb),
		 0);
	CHECK(sp.pid > 0);
	usleep(20000);
	CHECK_EQ(waitpid(sp.pid, &status, WNOHANG), 0); /* still held */
	CHECK_EQ(spawn_release(&sp, &eb), 0);
	CHECK(!sp.exec_failed);
	CHECK_EQ(sp.release_fd, -1);
	CHECK_EQ(sp.exec_fd, -1);
	read_all(sp.out_fd, buf, sizeof(buf));
	CHECK_STR(buf, "out\n");
	read_all(sp.err_fd, buf, sizeof(buf));
	CHECK_STR(buf, "err\n");
	CHECK_EQ(reap(&sp), 3);
	close(sp.out_fd);
	close(sp.err_fd);
	spawn_close(&sp);
}

/* A missing command: the parent hears why, the child exits 127. */
static void test_exec_fails(void)
{
	char *const argv[] = { "/nonexistent/cmd", NULL };
	struct errbuf eb = { 0 };
	struct spawn sp;

	spawn_init(&sp);
	CHECK_EQ(spawn_held(&sp, argv[0], argv, 0, &eb), 0);
	CHECK_EQ(spawn_release(&sp, &eb), -ENOENT);
	CHECK(sp.exec_failed);
	CHECK(strstr(eb.msg, "cannot run '/nonexistent/cmd'") == eb.msg);
	CHECK_EQ(reap(&sp), EXIT_NOT_FOUND);
	spawn_close(&sp);

	/* a directory: found, but it cannot be executed */
	spawn_init(&sp);
	CHECK_EQ(spawn_held(&sp, "/", argv, 0, &eb), 0);
	CHECK_EQ(spawn_release(&sp, &eb), -EACCES);
	CHECK_EQ(reap(&sp), EXIT_CANNOT_EXEC);
	spawn_close(&sp);
}

/* Never released: the child exits on its own once the pipe closes. */
static void test_never_released(void)
{
	char *const argv[] = { "true", NULL };
	struct errbuf eb = { 0 };
	struct spawn sp;

	spawn_init(&sp);
	CHECK_EQ(spawn_held(&sp, "true", argv, 0, &eb), 0);
	spawn_close(&sp);
	CHECK_EQ(sp.pid, 0);
	CHECK_EQ(sp.release_fd, -1);
}

/* SPAWN_CLOSE_FDS: an fd of ours above stdio does not reach the child. */
static void test_close_fds(void)
{
	char *const argv[] = { "sh", "-c", "ls /proc/self/fd", NULL };
	struct errbuf eb = { 0 };
	int fd = dup2(STDIN_FILENO, 40); /* not close-on-exec */
	char buf[256], want[16];
	struct spawn sp;
	unsigned int i;

	CHECK_EQ(fd, 40);
	snprintf(want, sizeof(want), "\n%d\n", fd);
	for (i = 0; i < 2; i++) {
		spawn_init(&sp);
		CHECK_EQ(spawn_held(&sp, "sh", argv,
				    SPAWN_CAPTURE_OUT |
					    (i ? SPAWN_CLOSE_FDS : 0),
				    &eb),
			 0);
		CHECK_EQ(spawn_release(&sp, &eb), 0);
		read_all(sp.out_fd, buf, sizeof(buf));
		CHECK_EQ(reap(&sp), 0);
		/* 0, 1, 2, ls's directory fd (the lowest free), and 40 without */
		CHECK_EQ(strstr(buf, want) != NULL, !i);
		close(sp.out_fd);
		spawn_close(&sp);
	}
	close(fd);
}

int main(void)
{
	RUN(test_held);
	RUN(test_exec_fails);
	RUN(test_never_released);
	RUN(test_close_fds);
	UNIT_DONE();
}
