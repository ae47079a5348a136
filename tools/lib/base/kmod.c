// SPDX-License-Identifier: GPL-2.0
/*
 * Resolve kernel modules and their dependencies from modules.dep, the way
 * modprobe does, so an initramfs can insmod them in order without kmod.
 */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "kmod.h"
#include "util.h"

#define KMOD_INFO_MAX (64 << 20) /* the largest .ko we read for .modinfo */

struct dep_table {
	char **lines; /* "kernel/a.ko: kernel/b.ko kernel/c.ko" */
	size_t nr;
	bool order; /* from modules.order: "kernel/a.ko", deps in the .ko */
};

void kmod_name(const char *path, size_t len, char *name, size_t size)
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

static int dep_read(const char *path, struct dep_table *t)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -errno;
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

static int dep_load(const char *moddir, struct dep_table *t, struct errbuf *eb)
{
	char path[PATH_MAX];
	int ret;

	t->lines = NULL;
	t->nr = 0;
	t->order = false;
	snprintf(path, sizeof(path), "%s/modules.dep", moddir);
	ret = dep_read(path, t);
	if (ret != -ENOENT)
		return ret ? errbuf_errno(eb, -ret, "cannot open %s", path) : 0;
	/* never went through depmod: each module names its own deps */
	t->order = true;
	snprintf(path, sizeof(path), "%s/modules.order", moddir);
	ret = dep_read(path, t);
	if (ret)
		return errbuf_errno(
			eb, -ret,
			"cannot open %s/modules.dep nor modules.order (not a modules directory?)",
			moddir);
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
		size_t len = colon ? (size_t)(colon - t->lines[i]) :
				     strlen(t->lines[i]);

		if (!len || (!colon && !t->order))
			continue;
		kmod_name(t->lines[i], len, cur, sizeof(cur));
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
		kmod_name(line, strcspn(line, "\n"), cur, sizeof(cur));
		found = !strcmp(cur, name);
	}
	fclose(f);
	return found;
}

static bool mods_has(const struct kmod_list *m, const char *name)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (!strcmp(m->name[i], name))
			return true;
	return false;
}

/*
 * The "depends=a,b" string of a module's .modinfo section, copied into
 * @deps ("" when it has none).  Every offset is checked against the file.
 */
static int modinfo_depends(const char *path, char *deps, size_t size,
			   struct errbuf *eb)
{
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh, *strs;
	const char *img, *p, *end;
	void *buf;
	size_t len, i;
	int ret;

	deps[0] = '\0';
	ret = file_read_all(path, KMOD_INFO_MAX, &buf, &len, eb);
	if (ret)
		return ret;
	img = buf;
	eh = buf;
	ret = -ENOEXEC;
	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shentsize != sizeof(*sh) || eh->e_shoff > len ||
	    eh->e_shnum > (len - eh->e_shoff) / sizeof(*sh) ||
	    eh->e_shstrndx >= eh->e_shnum)
		goto out;
	sh = (const Elf64_Shdr *)(img + eh->e_shoff);
	strs = &sh[eh->e_shstrndx];
	if (strs->sh_offset > len || strs->sh_size > len - strs->sh_offset)
		goto out;
	for (i = 0; i < eh->e_shnum; i++) {
		if (strs->sh_size < sizeof(".modinfo") ||
		    sh[i].sh_name > strs->sh_size - sizeof(".modinfo") ||
		    memcmp(img + strs->sh_offset + sh[i].sh_name, ".modinfo",
			   sizeof(".modinfo")))
			continue;
		if (sh[i].sh_offset > len ||
		    sh[i].sh_size > len - sh[i].sh_offset)
			goto out;
		p = img + sh[i].sh_offset;
		end = p + sh[i].sh_size;
		for (; p < end; p += strnlen(p, end - p) + 1) {
			size_t n = strnlen(p, end - p);

			if (n > 8 && !strncmp(p, "depends=", 8)) {
				snprintf(deps, size, "%.*s", (int)(n - 8),
					 p + 8);
				break;
			}
		}
		break;
	}
	ret = 0;
out:
	free(buf);
	if (ret)
		errbuf_set(eb, -ret, "%s: not a 64-bit ELF module", path);
	return ret;
}

static int resolve_one(const char *moddir, const struct dep_table *t,
		       const char *name, struct kmod_list *m, int depth,
		       struct errbuf *eb);

/* Resolve each of @n names in @list, separated by any of @sep. */
static int resolve_list(const char *moddir, const struct dep_table *t,
			const char *list, const char *sep, struct kmod_list *m,
			int depth, struct errbuf *eb)
{
	const char *p = list;
	char dep[64];
	size_t len;
	int ret;

	while (*p) {
		p += strspn(p, sep);
		len = strcspn(p, sep);
		if (!len)
			break;
		kmod_name(p, len, dep, sizeof(dep));
		ret = resolve_one(moddir, t, dep, m, depth + 1, eb);
		if (ret)
			return ret;
		p += len;
	}
	return 0;
}

/* Depth-first: a module's dependencies are added before the module. */
static int resolve_one(const char *moddir, const struct dep_table *t,
		       const char *name, struct kmod_list *m, int depth,
		       struct errbuf *eb)
{
	char path[PATH_MAX], deps[1024];
	const char *line, *colon;
	size_t len;
	int ret;

	if (mods_has(m, name))
		return 0;
	if (depth > 16)
		return errbuf_set(eb, ELOOP, "module dependency loop at %s",
				  name);
	line = dep_find(t, name);
	if (!line) {
		if (depth && t->order && is_builtin(moddir, name))
			return 0; /* .modinfo names builtins too */
		return errbuf_set(eb, ENOENT, "%s/%s has no module %s", moddir,
				  t->order ? "modules.order" : "modules.dep",
				  name);
	}
	colon = strchr(line, ':');
	len = colon ? (size_t)(colon - line) : strlen(line);
	if (len > 3 && strncmp(line + len - 3, ".ko", 3))
		return errbuf_set(
			eb, ENOTSUP,
			"module %s is compressed (%.*s): the initramfs needs uncompressed .ko files",
			name, (int)len, line);
	snprintf(path, sizeof(path), "%s/%.*s", moddir, (int)len, line);
	if (t->order) {
		ret = modinfo_depends(path, deps, sizeof(deps), eb);
		if (ret)
			return ret;
		ret = resolve_list(moddir, t, deps, ",", m, depth, eb);
	} else {
		/*
		 * modules.dep lists the whole closure; walking each entry's
		 * own line orders them, whatever order the list is in.
		 */
		ret = resolve_list(moddir, t, colon + 1, " ", m, depth, eb);
	}
	if (ret)
		return ret;
	if (m->nr >= ARRAY_SIZE(m->name))
		return errbuf_set(eb, E2BIG,
				  "too many modules for the initramfs");
	snprintf(m->name[m->nr], sizeof(m->name[0]), "%s", name);
	snprintf(m->path[m->nr], sizeof(m->path[0]), "%s", path);
	m->nr++;
	return 0;
}

int kmod_resolve(const char *moddir, const char *const *wanted,
		 unsigned int nr_wanted, struct kmod_list *m, struct errbuf *eb)
{
	struct dep_table t;
	unsigned int i;
	char name[64];
	int ret;

	m->nr = 0;
	ret = dep_load(moddir, &t, eb);
	if (ret)
		return ret;
	for (i = 0; i < nr_wanted && !ret; i++) {
		kmod_name(wanted[i], strlen(wanted[i]), name, sizeof(name));
		if (is_builtin(moddir, name))
			continue;
		ret = resolve_one(moddir, &t, name, m, 0, eb);
	}
	dep_free(&t);
	return ret;
}
