// SPDX-License-Identifier: GPL-2.0
/*
 * cgexec [CGROUP_DIR]: print "PID CGROUP_ID COMM" for every exec (only those
 * of tasks in CGROUP_DIR, a cgroup v2 directory, when given), until SIGINT
 * or SIGTERM.  "ready" on stderr once the program is attached.
 * Exit status: 0 stopped by a signal; 1 load/attach failure; 2 usage.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/libbpf.h>
#include "cgexec.h"
#include "cgexec.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct cgexec_event *e = data;

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	printf("%u %llu %.*s\n", e->pid, (unsigned long long)e->cgroup_id,
	       CGEXEC_COMM_LEN, e->comm);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct cgexec_bpf *skel;
	struct statfs sfs;
	struct stat st;
	int err = 1;

	if (argc > 2) {
		fprintf(stderr, "usage: cgexec [CGROUP_DIR]\n");
		return 2;
	}
	skel = cgexec_bpf__open();
	if (!skel) {
		fprintf(stderr, "cgexec: open: %s\n", strerror(errno));
		return 1;
	}
	if (argc == 2) {
		/* A cgroup v2 id is the inode number of its directory. */
		if (statfs(argv[1], &sfs) ||
		    sfs.f_type != CGROUP2_SUPER_MAGIC || stat(argv[1], &st)) {
			fprintf(stderr,
				"cgexec: %s is not a cgroup v2 directory\n",
				argv[1]);
			err = 2;
			goto out;
		}
		skel->rodata->target_cgid = st.st_ino;
	}
	if (cgexec_bpf__load(skel) || cgexec_bpf__attach(skel)) {
		fprintf(stderr, "cgexec: load/attach: %s\n", strerror(errno));
		goto out;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL,
			      NULL);
	if (!rb) {
		fprintf(stderr, "cgexec: ring buffer: %s\n", strerror(errno));
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "ready\n");
	while (!stop) {
		int n = ring_buffer__poll(rb, 100);

		if (n < 0 && n != -EINTR) {
			fprintf(stderr, "cgexec: poll: %s\n", strerror(-n));
			goto out;
		}
	}
	/* what was submitted before the signal, so that nothing is lost */
	ring_buffer__consume(rb);
	err = 0;
out:
	ring_buffer__free(rb);
	cgexec_bpf__destroy(skel);
	return err;
}
