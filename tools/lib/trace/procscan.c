// SPDX-License-Identifier: GPL-2.0
/* isolens ls: group /proc's processes into isolation contexts. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/procfs.h"
#include "trace/procscan.h"

#define PF_KTHREAD 0x00200000

static void cgroup_v2_path(pid_t pid, char *buf, size_t len)
{
	char path[64], line[512];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, len, "%.255s", line + 3);
			break;
		}
	}
	fclose(f);
}

static int add_pid(struct ctx_group *g, pid_t pid)
{
	pid_t *nv = realloc(g->pids, (g->npids + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	g->pids = nv;
	g->pids[g->npids++] = pid;
	return 0;
}

static int group_cmp(const void *a, const void *b)
{
	const struct ctx_group *x = a, *y = b;

	if ((x->ctx.type == TRACE_CTX_HOST) != (y->ctx.type == TRACE_CTX_HOST))
		return x->ctx.type == TRACE_CTX_HOST ? -1 : 1;
	return x->pids[0] - y->pids[0];
}

static int pid_cmp(const void *a, const void *b)
{
	return *(const pid_t *)a - *(const pid_t *)b;
}

int contexts_scan(struct attrib *a, struct ctx_group **out, size_t *n,
		  struct errbuf *eb)
{
	struct ctx_group *g = NULL, *ng;
	size_t ng_n = 0, i;
	struct dirent *de;
	DIR *d = opendir("/proc");
	int err = 0;

	*out = NULL;
	*n = 0;
	if (!d)
		return errbuf_errno(eb, errno, "/proc");
	while ((de = readdir(d))) {
		pid_t pid = atoi(de->d_name);
		struct isolens_ns_set ns;
		struct procfs_stat ps;
		char cg[256];

		if (pid <= 0 || procfs_stat(pid, &ps) ||
		    (ps.flags & PF_KTHREAD) || ns_set_read(pid, &ns))
			continue;
		cgroup_v2_path(pid, cg, sizeof(cg));
		for (i = 0; i < ng_n; i++)
			if (!memcmp(&g[i].ns, &ns, sizeof(ns)) &&
			    !strcmp(g[i].cgroup, cg))
				break;
		if (i == ng_n) {
			ng = realloc(g, (ng_n + 1) * sizeof(*g));
			if (!ng) {
				err = errbuf_errno(eb, ENOMEM, "ls");
				break;
			}
			g = ng;
			memset(&g[i], 0, sizeof(g[i]));
			g[i].ns = ns;
			snprintf(g[i].cgroup, sizeof(g[i].cgroup), "%s", cg);
			ng_n++;
		}
		if (add_pid(&g[i], pid)) {
			err = errbuf_errno(eb, ENOMEM, "ls");
			break;
		}
	}
	closedir(d);
	if (err) {
		contexts_free(g, ng_n);
		return err;
	}
	for (i = 0; i < ng_n; i++) {
		struct isolens_event e;
		struct procfs_stat ps;

		qsort(g[i].pids, g[i].npids, sizeof(pid_t), pid_cmp);
		/* attribute the group as an event of its first process */
		memset(&e, 0, sizeof(e));
		e.hdr.kind = ISOLENS_EV_EXEC;
		e.hdr.pid = e.hdr.tid = g[i].pids[0];
		e.hdr.ns = g[i].ns;
		attrib_event(a, &e, &g[i].ctx);
		if (!procfs_stat(g[i].pids[0], &ps))
			snprintf(g[i].comm, sizeof(g[i].comm), "%.*s",
				 (int)sizeof(g[i].comm) - 1, ps.comm);
	}
	if (ng_n > 1)
		qsort(g, ng_n, sizeof(*g), group_cmp);
	*out = g;
	*n = ng_n;
	return 0;
}

void contexts_free(struct ctx_group *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(g[i].pids);
	free(g);
}
