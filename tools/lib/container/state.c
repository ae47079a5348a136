// SPDX-License-Identifier: GPL-2.0
/*
 * Container state as one flat JSON object per container, in
 * /run/isolens/containers/NAME.json (root) or
 * $XDG_RUNTIME_DIR/isolens/containers (rootless, else /tmp/isolens-UID).
 * trace, ls and compare read the same files.  The parser reads exactly
 * what state_format writes: a flat object of strings, numbers, booleans.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "container.h"

int state_dir(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0)
		snprintf(buf, len, "/run/isolens/containers");
	else if (xdg && *xdg)
		snprintf(buf, len, "%s/isolens/containers", xdg);
	else
		snprintf(buf, len, "/tmp/isolens-%u/containers",
			 (unsigned int)geteuid());
	return mkdir_p(buf, 0755);
}

int state_path(const char *name, char *buf, size_t len)
{
	char dir[PATH_MAX];
	int err = state_dir(dir, sizeof(dir));

	if (err)
		return err;
	if ((size_t)snprintf(buf, len, "%s/%s.json", dir, name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* JSON string escaping, enough for paths and names. */
static size_t put_str(char *out, size_t len, const char *s)
{
	size_t n = 0;

#define PUT(c) do { if (n + 1 < len) out[n] = (c); n++; } while (0)
	PUT('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			PUT('\\');
			PUT(c);
		} else if (c < 0x20) {
			char u[8];
			int i;

			snprintf(u, sizeof(u), "\\u%04x", c);
			for (i = 0; u[i]; i++)
				PUT(u[i]);
		} else {
			PUT(c);
		}
	}
	PUT('"');
#undef PUT
	if (len)
		out[n < len ? n : len - 1] = '\0';
	return n;
}

int state_format(const struct container_state *st, char *buf, size_t len)
{
	size_t n = 0, i;
	char tmp[PATH_MAX * 2];

#define APPEND(...)                                                        \
	do {                                                               \
		int _w = snprintf(buf + (n < len ? n : len),               \
				  n < len ? len - n : 0, __VA_ARGS__);    \
		n += _w > 0 ? (size_t)_w : 0;                              \
	} while (0)
#define STR(key, val)                                                      \
	do {                                                               \
		put_str(tmp, sizeof(tmp), (val));                          \
		APPEND("  \"%s\": %s,\n", key, tmp);                       \
	} while (0)
	APPEND("{\n");
	STR("name", st->name);
	APPEND("  \"pid\": %d,\n", (int)st->pid);
	APPEND("  \"pid_start\": %llu,\n", (unsigned long long)st->pid_start);
	APPEND("  \"runtime_pid\": %d,\n", (int)st->runtime_pid);
	APPEND("  \"created_ns\": %llu,\n", (unsigned long long)st->created_ns);
	STR("rootfs", st->rootfs);
	STR("cgroup", st->cgroup);
	STR("hostname", st->hostname);
	STR("net", st->net);
	STR("veth_host", st->veth_host);
	STR("ip", st->ip);
	APPEND("  \"userns\": %s,\n", st->userns ? "true" : "false");
	APPEND("  \"ns_new\": %lu,\n", st->ns_new);
	for (i = 0; i < container_ns_count; i++)
		APPEND("  \"ns_%s\": %llu%s\n", container_ns_kinds[i].name,
		       (unsigned long long)st->ns_ino[i],
		       i + 1 < container_ns_count ? "," : "");
	APPEND("}\n");
#undef STR
#undef APPEND
	return n < len ? (int)n : -ENOSPC;
}

/* Parse a JSON string at *p into out; advances *p. */
static int get_str(const char **p, char *out, size_t len)
{
	const char *s = *p;
	size_t n = 0;

	if (*s++ != '"')
		return -EINVAL;
	while (*s && *s != '"') {
		char c = *s++;

		if (c == '\\') {
			c = *s++;
			if (c == 'u') {
				unsigned int v;

				if (sscanf(s, "%4x", &v) != 1)
					return -EINVAL;
				c = (char)v;
				s += 4;
			} else if (c == 'n') {
				c = '\n';
			} else if (c == 't') {
				c = '\t';
			} else if (!c) {
				return -EINVAL;
			}
		}
		if (n + 1 >= len)
			return -ENAMETOOLONG;
		out[n++] = c;
	}
	if (*s != '"')
		return -EINVAL;
	out[n] = '\0';
	*p = s + 1;
	return 0;
}

static void copy_field(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void skip_ws(const char **p)
{
	while (isspace((unsigned char)**p))
		(*p)++;
}

int state_parse(const char *json, struct container_state *st)
{
	const char *p = json;
	char key[64], sval[PATH_MAX];
	size_t i;

	memset(st, 0, sizeof(*st));
	skip_ws(&p);
	if (*p++ != '{')
		return -EINVAL;
	for (;;) {
		unsigned long long num = 0;
		int is_str = 0, is_bool = 0, bval = 0;

		skip_ws(&p);
		if (*p == '}')
			break;
		if (get_str(&p, key, sizeof(key)))
			return -EINVAL;
		skip_ws(&p);
		if (*p++ != ':')
			return -EINVAL;
		skip_ws(&p);
		if (*p == '"') {
			if (get_str(&p, sval, sizeof(sval)))
				return -EINVAL;
			is_str = 1;
		} else if (!strncmp(p, "true", 4) || !strncmp(p, "false", 5)) {
			bval = *p == 't';
			p += bval ? 4 : 5;
			is_bool = 1;
		} else if (isdigit((unsigned char)*p) || *p == '-') {
			char *end;

			num = strtoull(p, &end, 10);
			p = end;
		} else {
			return -EINVAL;
		}
#define S(k, f)                                                            \
	if (!strcmp(key, k) && is_str)                                     \
		copy_field(st->f, sizeof(st->f), sval)
		S("name", name);
		S("rootfs", rootfs);
		S("cgroup", cgroup);
		S("hostname", hostname);
		S("net", net);
		S("veth_host", veth_host);
		S("ip", ip);
#undef S
		if (!strcmp(key, "pid"))
			st->pid = (pid_t)num;
		else if (!strcmp(key, "pid_start"))
			st->pid_start = num;
		else if (!strcmp(key, "runtime_pid"))
			st->runtime_pid = (pid_t)num;
		else if (!strcmp(key, "created_ns"))
			st->created_ns = num;
		else if (!strcmp(key, "ns_new"))
			st->ns_new = (unsigned long)num;
		else if (!strcmp(key, "userns") && is_bool)
			st->userns = bval;
		else if (!strncmp(key, "ns_", 3))
			for (i = 0; i < container_ns_count; i++)
				if (!strcmp(key + 3, container_ns_kinds[i].name))
					st->ns_ino[i] = num;
		skip_ws(&p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '}')
			break;
		return -EINVAL;
	}
	return st->name[0] ? 0 : -EINVAL;
}

/* Write via a temporary file and rename, so readers never see half. */
int state_write(const struct container_state *st, bool exclusive,
		struct errbuf *eb)
{
	char path[PATH_MAX], tmp[PATH_MAX + 16], buf[16384];
	int fd, n, err;

	err = state_path(st->name, path, sizeof(path));
	if (err)
		return errbuf_errno(eb, -err, "state directory");
	n = state_format(st, buf, sizeof(buf));
	if (n < 0)
		return errbuf_set(eb, -n, "state too large");
	if (exclusive) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			return errbuf_errno(eb, errno, "%s", path);
	} else {
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return errbuf_errno(eb, errno, "%s", tmp);
	}
	if (write(fd, buf, n) != n) {
		err = errno ? errno : EIO;
		close(fd);
		return errbuf_errno(eb, err, "writing %s", path);
	}
	close(fd);
	if (!exclusive && rename(tmp, path))
		return errbuf_errno(eb, errno, "renaming %s", tmp);
	return 0;
}

int state_read(const char *name, struct container_state *st,
	       struct errbuf *eb)
{
	char path[PATH_MAX], buf[16384];
	ssize_t n;
	int fd, err;

	err = state_path(name, path, sizeof(path));
	if (err)
		return errbuf_errno(eb, -err, "state directory");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return errbuf_set(eb, ENOENT, "no container named '%s'",
					  name);
		return errbuf_errno(eb, errno, "%s", path);
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return errbuf_errno(eb, errno, "reading %s", path);
	buf[n] = '\0';
	if (state_parse(buf, st))
		return errbuf_set(eb, EINVAL, "%s: malformed state", path);
	return 0;
}

int state_remove(const char *name)
{
	char path[PATH_MAX];
	int err = state_path(name, path, sizeof(path));

	if (err)
		return err;
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

/* Field 22 of /proc/PID/stat, after the parenthesised comm. */
uint64_t proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* after ") " comes field 3 (state) */
	for (field = 3, p += 2; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	if (field == 22)
		start = strtoull(p, NULL, 10);
	return start;
}

int state_alive(const struct container_state *st)
{
	uint64_t start;

	if (st->pid <= 0)
		return 0;
	if (kill(st->pid, 0) && errno == ESRCH)
		return 0;
	start = proc_start_time(st->pid);
	return start && start == st->pid_start;
}

/*
 * Leftovers: not alive, and not a claim still being set up (the state file
 * exists with pid 0 from the O_EXCL claim until clone3 has happened).
 */
int state_stale(const struct container_state *st)
{
	if (state_alive(st))
		return 0;
	if (st->pid == 0 && st->runtime_pid > 0 &&
	    !(kill(st->runtime_pid, 0) && errno == ESRCH))
		return 0;
	return 1;
}
