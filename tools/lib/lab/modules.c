// SPDX-License-Identifier: GPL-2.0
/*
 * Resolve kernel modules and their dependencies from modules.dep, the way
 * modprobe does, so the initramfs can insmod them in order without kmod.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "lab.h"

struct dep_table {
	char **lines; /* "kernel/a.ko: kernel/b.ko kernel/c.ko" */
	size_t nr;
};

/* "kernel/fs/9p/9pnet-virtio.ko.xz" -> "9pnet_virtio" */
static void module_name(const char *path, size_t len, char *name, size_t size)
{
	const char *base = path, *p;
	size_t n = 0;

	for (p = path; p < path + len; p++)
		if (*p == '/')
			base = p + 1;
	for (p = base; p < path + len && *p != '.' && n + 1 < size; p++)
		name[n++] = *p == '-' ? '_' : *p;
	name[n] = '\0';
}

static int dep_load(const char *moddir, struct dep_table *t, struct errbuf *eb)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/modules.dep", moddir);
	f = fopen(path, "re");
	if (!f)
		return errbuf_errno(eb, errno, "cannot open %s", path);
	t->lines = NULL;
	t->nr = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		char **grown;

		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		grown = realloc(t->lines, (t->nr + 1) * sizeof(*grown));
		if (!grown)
			break;
		t->lines = grown;
		t->lines[t->nr] = strdup(line);
		if (!t->lines[t->nr])
			break;
		t->nr++;
	}
	free(line);
	fclose(f);
	return 0;
}

static void dep_free(struct dep_table *t)
{
	while (t->nr)
		free(t->lines[--t->nr]);
	free(t->lines);
}

static const char *dep_find(const struct dep_table *t, const char *name)
{
	char cur[64];
	size_t i;

	for (i = 0; i < t->nr; i++) {
		const char *colon = strchr(t->lines[i], ':');

		if (!colon)
			continue;
		module_name(t->lines[i], colon - t->lines[i], cur, sizeof(cur));
		if (!strcmp(cur, name))
			return t->lines[i];
	}
	return NULL;
}

static bool is_builtin(const char *moddir, const char *name)
{
	char path[PATH_MAX], line[PATH_MAX], cur[64];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/modules.builtin", moddir);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		module_name(line, strcspn(line, "\n"), cur, sizeof(cur));
		found = !strcmp(cur, name);
	}
	fclose(f);
	return found;
}

static bool mods_has(const struct lab_modules *m, const char *name)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (!strcmp(m->name[i], name))
			return true;
	return false;
}

/* Depth-first: a module's dependencies are added before the module. */
static int resolve_one(const char *moddir, const struct dep_table *t,
		       const char *name, struct lab_modules *m, int depth,
		       struct errbuf *eb)
{
	const char *line, *colon, *p;
	char dep[64];
	size_t len;

	if (mods_has(m, name))
		return 0;
	if (depth > 16)
		return errbuf_set(eb, ELOOP, "module dependency loop at %s",
				  name);
	line = dep_find(t, name);
	if (!line)
		return errbuf_set(eb, ENOENT, "%s/modules.dep has no module %s",
				  moddir, name);
	colon = strchr(line, ':');
	/*
	 * modules.dep lists the whole closure; walking each entry's own line
	 * orders them, whatever order the list is in.
	 */
	for (p = colon + 1; *p;) {
		int ret;

		p += strspn(p, " ");
		len = strcspn(p, " ");
		if (!len)
			break;
		module_name(p, len, dep, sizeof(dep));
		ret = resolve_one(moddir, t, dep, m, depth + 1, eb);
		if (ret)
			return ret;
		p += len;
	}
	if (m->nr >= ARRAY_SIZE(m->name))
		return errbuf_set(eb, E2BIG,
				  "too many modules for the initramfs");
	len = colon - line;
	if (len > 3 && strncmp(line + len - 3, ".ko", 3))
		return errbuf_set(
			eb, ENOTSUP,
			"module %s is compressed (%.*s): the lab initramfs needs uncompressed .ko files",
			name, (int)len, line);
	snprintf(m->name[m->nr], sizeof(m->name[0]), "%s", name);
	snprintf(m->path[m->nr], sizeof(m->path[0]), "%s/%.*s", moddir,
		 (int)len, line);
	m->nr++;
	return 0;
}

int lab_modules_resolve(const char *moddir, const char *const *wanted,
			unsigned int nr_wanted, struct lab_modules *m,
			struct errbuf *eb)
{
	struct dep_table t;
	unsigned int i;
	int ret;

	m->nr = 0;
	ret = dep_load(moddir, &t, eb);
	if (ret)
		return ret;
	for (i = 0; i < nr_wanted && !ret; i++) {
		if (is_builtin(moddir, wanted[i]))
			continue;
		ret = resolve_one(moddir, &t, wanted[i], m, 0, eb);
	}
	dep_free(&t);
	return ret;
}
