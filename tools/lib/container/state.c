// SPDX-License-Identifier: GPL-2.0
/*
 * Container state as one flat JSON object per container, in
 * /run/isolens/containers/NAME.json (root) or
 * $XDG_RUNTIME_DIR/isolens/containers (rootless, else /tmp/isolens-UID).
 * trace, ls and compare read the same files.  The parser reads exactly
 * what container_state_format writes: a flat object of strings, numbers, booleans.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/json.h"
#include "base/procfs.h"
#include "base/util.h"
#include "ctr.h"

/*
 * A state directory decides which containers exist, so nobody else may
 * control it: no symlink, owned by the caller (root for /run/isolens), not
 * writable by group or others.  This matters most for /tmp/isolens-UID,
 * which any user could create first.
 */
static int check_dir(const char *path, struct errbuf *eb)
{
	struct stat sb;

	if (lstat(path, &sb))
		return errbuf_errno(eb, errno, "state directory %s", path);
	if (S_ISLNK(sb.st_mode))
		return errbuf_set(
			eb, ELOOP,
			"state directory %s is a symlink; refusing it", path);
	if (!S_ISDIR(sb.st_mode))
		return errbuf_set(eb, ENOTDIR,
				  "state directory %s is not a directory",
				  path);
	if (sb.st_uid != geteuid())
		return errbuf_set(
			eb, EPERM,
			"state directory %s is owned by uid %u, not by uid %u; refusing it",
			path, (unsigned int)sb.st_uid, (unsigned int)geteuid());
	if (sb.st_mode & 022)
		return errbuf_set(
			eb, EPERM,
			"state directory %s is writable by group or others (mode %04o); refusing it",
			path, (unsigned int)(sb.st_mode & 07777));
	return 0;
}

int ctr_state_dir(char *buf, size_t len, struct errbuf *eb)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char top[PATH_MAX];
	mode_t mode = 0755;
	int err;

	if (geteuid() == 0) {
		snprintf(top, sizeof(top), "/run/isolens");
	} else if (xdg && *xdg) {
		if ((size_t)snprintf(top, sizeof(top), "%s/isolens", xdg) >=
		    sizeof(top))
			return errbuf_set(eb, ENAMETOOLONG,
					  "XDG_RUNTIME_DIR is too long");
		mode = 0700;
	} else {
		snprintf(top, sizeof(top), "/tmp/isolens-%u",
			 (unsigned int)geteuid());
		mode = 0700;
	}
	if ((size_t)snprintf(buf, len, "%s/containers", top) >= len)
		return errbuf_set(eb, ENAMETOOLONG, "state directory too long");
	err = mkdir_p(buf, mode);
	if (err)
		return errbuf_errno(eb, -err, "creating state directory %s",
				    buf);
	err = check_dir(top, eb);
	if (!err)
		err = check_dir(buf, eb);
	return err;
}

int ctr_state_path(const char *name, char *buf, size_t len, struct errbuf *eb)
{
	char dir[PATH_MAX];
	int err = ctr_state_dir(dir, sizeof(dir), eb);

	if (err)
		return err;
	if ((size_t)snprintf(buf, len, "%s/%s.json", dir, name) >= len)
		return errbuf_set(eb, ENAMETOOLONG, "state path too long");
	return 0;
}

int container_state_format(const struct container_state *st, char *buf,
			   size_t len)
{
	size_t n = 0, i;

#define APPEND(...)                                                    \
	do {                                                           \
		int _w = snprintf(buf + (n < len ? n : len),           \
				  n < len ? len - n : 0, __VA_ARGS__); \
		n += _w > 0 ? (size_t)_w : 0;                          \
	} while (0)
#define STR(key, val)                                                         \
	do {                                                                  \
		APPEND("  \"%s\": \"", key);                                  \
		n += json_escape_buf(buf + (n < len ? n : len),               \
				     n < len ? len - n : 0, (val), SIZE_MAX); \
		APPEND("\",\n");                                              \
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
	APPEND("  \"uid_base\": %u,\n", (unsigned int)st->uid_base);
	APPEND("  \"gid_base\": %u,\n", (unsigned int)st->gid_base);
	APPEND("  \"id_count\": %u,\n", (unsigned int)st->id_count);
	APPEND("  \"ns_new\": %lu,\n", st->ns_new);
	for (i = 0; i < CONTAINER_NS_COUNT; i++)
		APPEND("  \"ns_%s\": %llu%s\n", container_ns_kinds[i].name,
		       (unsigned long long)st->ns_ino[i],
		       i + 1 < CONTAINER_NS_COUNT ? "," : "");
	APPEND("}\n");
#undef STR
#undef APPEND
	return n < len ? (int)n : -ENOSPC;
}

/* Exactly four hex digits (a NUL is not one, so this stops at the end). */
static int get_hex4(const char *s, unsigned int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isxdigit(c))
			return -EINVAL;
		*v = *v << 4 | (isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return 0;
}

/* A code point below 0x10000 as UTF-8 into u; returns its length. */
static unsigned int utf8_put(unsigned int v, unsigned char *u)
{
	if (v < 0x80) {
		u[0] = (unsigned char)v;
		return 1;
	}
	if (v < 0x800) {
		u[0] = (unsigned char)(0xc0 | v >> 6);
		u[1] = (unsigned char)(0x80 | (v & 0x3f));
		return 2;
	}
	u[0] = (unsigned char)(0xe0 | v >> 12);
	u[1] = (unsigned char)(0x80 | (v >> 6 & 0x3f));
	u[2] = (unsigned char)(0x80 | (v & 0x3f));
	return 3;
}

/*
 * Parse a JSON string at *p into out; advances *p.  \uXXXX takes exactly
 * four hex digits; U+0000 and surrogates are refused, other code points
 * are stored as UTF-8.  Raw control characters and unknown escapes are
 * refused.
 */
static int get_str(const char **p, char *out, size_t len)
{
	/* the one-character escapes and what they stand for */
	static const char esc_from[] = "\"\\/bfnrt";
	static const char esc_to[] = "\"\\/\b\f\n\r\t";
	const char *s = *p;
	size_t n = 0;

	if (*s++ != '"')
		return -EINVAL;
	while (*s != '"') {
		unsigned char c = (unsigned char)*s++;
		unsigned char u[3];
		unsigned int v, nu = 1, i;
		const char *e;

		if (c < 0x20) /* a raw control character, or the end */
			return -EINVAL;
		u[0] = c;
		if (c == '\\') {
			c = (unsigned char)*s++;
			if (c == 'u') {
				if (get_hex4(s, &v) || !v ||
				    (v >= 0xd800 && v <= 0xdfff))
					return -EINVAL;
				s += 4;
				nu = utf8_put(v, u);
			} else if (c && (e = strchr(esc_from, c))) {
				u[0] = (unsigned char)esc_to[e - esc_from];
			} else { /* unknown, or the end of the input */
				return -EINVAL;
			}
		}
		if (n + nu >= len)
			return -ENAMETOOLONG;
		for (i = 0; i < nu; i++)
			out[n++] = (char)u[i];
	}
	out[n] = '\0';
	*p = s + 1;
	return 0;
}

/* A non-negative decimal integer that fits in max. */
static int get_num(const char **p, unsigned long long max,
		   unsigned long long *num)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return -EINVAL;
	errno = 0;
	*num = strtoull(*p, &end, 10);
	if (errno || *num > max)
		return -EINVAL;
	*p = end;
	return 0;
}

static int copy_field(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		return -EINVAL;
	memcpy(dst, src, n + 1);
	return 0;
}

static void skip_ws(const char **p)
{
	while (isspace((unsigned char)**p))
		(*p)++;
}

/* One field of struct container_state, as it appears in the file. */
enum field_type { FIELD_STR, FIELD_NUM, FIELD_BOOL };
struct field {
	const char *key;
	enum field_type type;
	size_t off, size;
	unsigned long long max; /* FIELD_NUM */
};

#define FIELD(k, t, m)                                              \
	{                                                           \
#k, t, offsetof(struct container_state, k),         \
			sizeof(((struct container_state *)0)->k), m \
	}
static const struct field state_fields[] = {
	FIELD(name, FIELD_STR, 0),
	FIELD(pid, FIELD_NUM, INT_MAX),
	FIELD(pid_start, FIELD_NUM, ULLONG_MAX),
	FIELD(runtime_pid, FIELD_NUM, INT_MAX),
	FIELD(created_ns, FIELD_NUM, ULLONG_MAX),
	FIELD(rootfs, FIELD_STR, 0),
	FIELD(cgroup, FIELD_STR, 0),
	FIELD(hostname, FIELD_STR, 0),
	FIELD(net, FIELD_STR, 0),
	FIELD(veth_host, FIELD_STR, 0),
	FIELD(ip, FIELD_STR, 0),
	FIELD(userns, FIELD_BOOL, 0),
	FIELD(uid_base, FIELD_NUM, UINT32_MAX - 1),
	FIELD(gid_base, FIELD_NUM, UINT32_MAX - 1),
	FIELD(id_count, FIELD_NUM, UINT32_MAX - 1),
	FIELD(ns_new, FIELD_NUM, ULONG_MAX),
};
#undef FIELD

/* The field named key (ns_KIND: one of ns_ino[]), or 0 if none is. */
static int find_field(const char *key, struct field *f)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(state_fields); i++)
		if (!strcmp(key, state_fields[i].key)) {
			*f = state_fields[i];
			return 1;
		}
	for (i = 0; i < CONTAINER_NS_COUNT; i++)
		if (!strncmp(key, "ns_", 3) &&
		    !strcmp(key + 3, container_ns_kinds[i].name)) {
			*f = (struct field){ key, FIELD_NUM,
					     offsetof(struct container_state,
						      ns_ino) +
						     i * sizeof(uint64_t),
					     sizeof(uint64_t), ULLONG_MAX };
			return 1;
		}
	return 0;
}

static void set_num(struct container_state *st, const struct field *f,
		    unsigned long long num)
{
	char *dst = (char *)st + f->off;
	uint32_t v32 = (uint32_t)num;
	uint64_t v64 = num;

	if (f->size == sizeof(v32))
		memcpy(dst, &v32, sizeof(v32));
	else
		memcpy(dst, &v64, sizeof(v64));
}

/*
 * Reads what container_state_format writes: one flat object of strings, non-negative
 * integers and booleans, with at least "name" (a valid container name) and
 * "pid".  Anything else (nesting, arrays, null, floats, negative or huge
 * numbers, a known key with a value of the wrong type, trailing text, an id
 * range past 4294967294) is -EINVAL.  Unknown keys are skipped.
 */
int ctr_state_parse(const char *json, struct container_state *st)
{
	const char *p = json;
	char key[64], sval[PATH_MAX];
	bool have_name = false, have_pid = false;

	memset(st, 0, sizeof(*st));
	skip_ws(&p);
	if (*p++ != '{')
		return -EINVAL;
	for (;;) {
		unsigned long long num = 0;
		enum field_type type;
		struct field f;
		bool known, bval = false;

		skip_ws(&p);
		if (get_str(&p, key, sizeof(key)))
			return -EINVAL;
		skip_ws(&p);
		if (*p++ != ':')
			return -EINVAL;
		skip_ws(&p);
		known = find_field(key, &f);
		if (*p == '"') {
			if (get_str(&p, sval, sizeof(sval)))
				return -EINVAL;
			type = FIELD_STR;
		} else if (!strncmp(p, "true", 4) || !strncmp(p, "false", 5)) {
			bval = *p == 't';
			p += bval ? 4 : 5;
			type = FIELD_BOOL;
		} else {
			if (get_num(&p, known ? f.max : ULLONG_MAX, &num))
				return -EINVAL;
			type = FIELD_NUM;
		}
		if (known && type != f.type)
			return -EINVAL;
		if (known && type == FIELD_STR) {
			if (f.off == offsetof(struct container_state, name)) {
				if (!container_name_valid(sval))
					return -EINVAL;
				have_name = true;
			}
			if (copy_field((char *)st + f.off, f.size, sval))
				return -EINVAL;
		} else if (known && type == FIELD_NUM) {
			set_num(st, &f, num);
			have_pid |= f.off ==
				    offsetof(struct container_state, pid);
		} else if (known) {
			*(bool *)((char *)st + f.off) = bval;
		}
		skip_ws(&p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p++ == '}')
			break;
		return -EINVAL;
	}
	skip_ws(&p);
	if (*p || !have_name || !have_pid)
		return -EINVAL;
	if ((uint64_t)st->uid_base + st->id_count > UINT32_MAX ||
	    (uint64_t)st->gid_base + st->id_count > UINT32_MAX)
		return -EINVAL;
	return 0;
}

/* Write via a temporary file and rename, so readers never see half. */
int ctr_state_write(const struct container_state *st, bool exclusive,
		    struct errbuf *eb)
{
	char path[PATH_MAX], tmp[PATH_MAX + 16], buf[16384];
	int fd, n, err;

	err = ctr_state_path(st->name, path, sizeof(path), eb);
	if (err)
		return err;
	n = container_state_format(st, buf, sizeof(buf));
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

int container_state_read(const char *name, struct container_state *st,
			 struct errbuf *eb)
{
	char path[PATH_MAX], buf[16384];
	ssize_t n;
	int fd, err;

	err = ctr_state_path(name, path, sizeof(path), eb);
	if (err)
		return err;
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
	if (memchr(buf, '\0', n) || ctr_state_parse(buf, st))
		return errbuf_set(eb, EINVAL, "%s: malformed state", path);
	return 0;
}

int ctr_state_remove(const char *name)
{
	char path[PATH_MAX];
	int err = ctr_state_path(name, path, sizeof(path), NULL);

	if (err)
		return err;
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

int container_state_alive(const struct container_state *st)
{
	struct procfs_stat ps;

	if (st->pid <= 0)
		return 0;
	if (kill(st->pid, 0) && errno == ESRCH)
		return 0;
	/* a pid 1 that has exited but is not reaped yet runs nothing */
	if (procfs_stat(st->pid, &ps) || ps.state == 'Z' || ps.state == 'X')
		return 0;
	return ps.start_time && ps.start_time == st->pid_start;
}

/*
 * Leftovers: not alive, and no runtime still in charge of it: neither a
 * claim still being set up (the state file exists with pid 0 from the
 * O_EXCL claim until clone3 has happened) nor a pid 1 that has just
 * exited, which its runtime is about to reap and clean up after.
 */
int container_state_stale(const struct container_state *st)
{
	if (container_state_alive(st))
		return 0;
	if (st->runtime_pid > 0 &&
	    !(kill(st->runtime_pid, 0) && errno == ESRCH))
		return 0;
	return 1;
}
