/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to tools/lib/container: seccomp.c and seccomp_profile.c. */
#ifndef ISOLENS_CONTAINER_SECCOMP_INTERNAL_H
#define ISOLENS_CONTAINER_SECCOMP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <seccomp.h>
#include <linux/filter.h>

#include "container.h"

/* ctr_seccomp_resolve(): no number for this name here */
#define CTR_SECCOMP_SKIP (-1)
#define CTR_SECCOMP_ARCH_MAX 16

struct container_seccomp {
	scmp_filter_ctx main; /* the profile */
	scmp_filter_ctx except; /* NULL, or default-action exceptions */
	uint32_t def_action;
	uint32_t arches[CTR_SECCOMP_ARCH_MAX]; /* added besides the native one */
	size_t narches;
	unsigned int unknown; /* names libseccomp does not know */
	char first_unknown[64];
	/* main and except as classic BPF, generated in the parent */
	struct sock_fprog bpf[2];
	int nbpf;
	bool builtin; /* bpf points into seccomp_builtin.S: not ours to free */
};

/*
 * The default profile compiled at build time (gen/seccomp-gen writes it,
 * seccomp_builtin.S embeds it): this header, then the instructions of
 * nprog programs, len[i] each, in load order.
 */
#define CTR_SECCOMP_BLOB_MAGIC 0x69736331 /* "isc1" */
struct ctr_seccomp_blob {
	uint32_t magic;
	uint32_t nprog;
	uint32_t len[2];
};

/* Generate bpf[] from main and except (prepare, and gen/seccomp-gen). */
int ctr_seccomp_compile(struct container_seccomp *f, struct errbuf *eb);

extern const unsigned char ctr_seccomp_builtin_default[];
extern const unsigned char ctr_seccomp_builtin_default_end[];
extern const unsigned char ctr_seccomp_builtin_userns[];
extern const unsigned char ctr_seccomp_builtin_userns_end[];

/* An empty filter with @def_action (container_seccomp_new: a profile's). */
int ctr_seccomp_alloc(uint32_t def_action, struct container_seccomp **out,
		      struct errbuf *eb);
/* 0, or -errno (-ENOSPC past CTR_SECCOMP_ARCH_MAX) */
int ctr_seccomp_arch_add(struct container_seccomp *f, uint32_t arch);
/* The native number, or CTR_SECCOMP_SKIP (unknown names are counted). */
int ctr_seccomp_resolve(struct container_seccomp *f, const char *name);
/* Add a rule to the right filter; 0 or a libseccomp -errno. */
int ctr_seccomp_rule(struct container_seccomp *f, uint32_t action, int nr,
		     unsigned int ncmp, const struct scmp_arg_cmp *cmp);

#endif
