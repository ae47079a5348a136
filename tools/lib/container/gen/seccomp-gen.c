// SPDX-License-Identifier: GPL-2.0
/*
 * Build-time generator: the default seccomp profile (seccomp.c), compiled
 * by libseccomp to classic BPF, in the layout seccomp_builtin.S embeds:
 * a struct ctr_seccomp_blob, then the instructions of its programs.
 *
 *   seccomp-gen 0 > seccomp-default.bin     (no user namespace)
 *   seccomp-gen 1 > seccomp-userns.bin      (the container owns one)
 *
 * It links seccomp.o without seccomp_builtin.o, so the blobs it sees are
 * the empty ones below, and the filter is generated, never copied.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "container/container.h"
#include "container/seccomp_internal.h"

const unsigned char ctr_seccomp_builtin_default[1];
const unsigned char ctr_seccomp_builtin_default_end[1];
const unsigned char ctr_seccomp_builtin_userns[1];
const unsigned char ctr_seccomp_builtin_userns_end[1];

int main(int argc, char **argv)
{
	struct ctr_seccomp_blob blob = { 0 };
	struct container_seccomp *f;
	struct errbuf eb = { 0 };
	int i;

	if (argc != 2 || (strcmp(argv[1], "0") && strcmp(argv[1], "1"))) {
		fprintf(stderr, "usage: seccomp-gen 0|1 > FILE\n");
		return 2;
	}
	if (container_seccomp_new(NULL, argv[1][0] == '1', &f, &eb) ||
	    ctr_seccomp_compile(f, &eb)) {
		fprintf(stderr, "seccomp-gen: %s\n", eb.msg);
		return 1;
	}
	blob.magic = CTR_SECCOMP_BLOB_MAGIC;
	blob.nprog = (uint32_t)f->nbpf;
	for (i = 0; i < f->nbpf; i++)
		blob.len[i] = f->bpf[i].len;
	if (fwrite(&blob, sizeof(blob), 1, stdout) != 1)
		return 1;
	for (i = 0; i < f->nbpf; i++)
		if (fwrite(f->bpf[i].filter, sizeof(struct sock_filter),
			   f->bpf[i].len, stdout) != f->bpf[i].len)
			return 1;
	container_seccomp_free(f);
	return fflush(stdout) ? 1 : 0;
}
