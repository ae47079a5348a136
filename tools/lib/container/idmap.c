// SPDX-License-Identifier: GPL-2.0
/*
 * Host id ranges for root-run --userns containers.  Every live container
 * holds its own CONTAINER_IDMAP_COUNT uids and gids, so two containers'
 * roots are different host users and neither is a login user's
 * subordinate range.  The pool is what /etc/subuid and /etc/subgid list
 * for CONTAINER_IDMAP_OWNER (as podman's "containers" user for
 * --userns=auto), else the built-in one.  Which ranges are taken is read
 * from the live containers' state files, under an flock, and the choice is
 * written to the new container's state file before the lock is released.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/fileio.h"
#include "ctr.h"

#define SUBID_FILE_MAX (1 << 20)
#define ID_LIMIT 4294967295ull /* (uid_t)-1: not an id; ranges end below */

/* A decimal id of at most 10 digits, no sign, no blanks. */
static int parse_id(const char *s, size_t len, uint64_t *v)
{
	size_t i;

	if (!len || len > 10)
		return -EINVAL;
	*v = 0;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return *v > UINT32_MAX ? -EINVAL : 0;
}

/* One line, without its newline: 1 and *r if it is a range of owner. */
static int subid_line(const char *s, size_t len, const char *owner,
		      long owner_uid, struct container_idrange *r)
{
	const char *f[3];
	size_t flen[3], k = 0, i;
	uint64_t uid, start, count;

	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len || *s == '#')
		return 0;
	f[0] = s;
	for (i = 0; i < len; i++) {
		if (s[i] != ':')
			continue;
		if (k == 2)
			return 0; /* more than three fields */
		flen[k] = (size_t)(s + i - f[k]);
		f[++k] = s + i + 1;
	}
	if (k != 2)
		return 0;
	flen[2] = (size_t)(s + len - f[2]);
	if (!(flen[0] == strlen(owner) && !memcmp(f[0], owner, flen[0])) &&
	    !(owner_uid >= 0 && !parse_id(f[0], flen[0], &uid) &&
	      uid == (uint64_t)owner_uid))
		return 0;
	if (parse_id(f[1], flen[1], &start) || parse_id(f[2], flen[2], &count))
		return 0;
	/* never host root, never (uid_t)-1 */
	if (!start || !count || start + count > ID_LIMIT)
		return 0;
	r->start = (uint32_t)start;
	r->count = (uint32_t)count;
	return 1;
}

size_t container_subid_parse(const char *text, size_t len, const char *owner,
			     long owner_uid, struct container_idrange *out,
			     size_t max)
{
	const char *p = text, *end = text + len;
	size_t n = 0;

	while (p < end && n < max) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *lend = eol ? eol : end;

		n += subid_line(p, (size_t)(lend - p), owner, owner_uid,
				&out[n]);
		p = eol ? eol + 1 : end;
	}
	return n;
}

int container_idmap_pool(const char *path, struct container_idrange *pool,
			 size_t max, size_t *n, bool *builtin,
			 struct errbuf *eb)
{
	struct passwd *pw = getpwnam(CONTAINER_IDMAP_OWNER);
	void *text = NULL;
	size_t len = 0;
	int err;

	*n = 0;
	err = file_read_all(path, SUBID_FILE_MAX, &text, &len, eb);
	if (err && err != -ENOENT)
		return err;
	if (!err) {
		*n = container_subid_parse(text, len, CONTAINER_IDMAP_OWNER,
					   pw ? (long)pw->pw_uid : -1, pool,
					   max);
		free(text);
	}
	*builtin = !*n;
	if (*builtin && max) {
		pool[0].start = CONTAINER_IDMAP_FALLBACK_START;
		pool[0].count =
			CONTAINER_IDMAP_FALLBACK_RANGES * CONTAINER_IDMAP_COUNT;
		*n = 1;
	}
	return 0;
}

int container_idmap_pick(const struct container_idrange *pool, size_t npool,
			 const struct container_idrange *used, size_t nused,
			 const char *what, uint32_t *base, struct errbuf *eb)
{
	uint64_t total = 0;
	size_t i, j;

	for (i = 0; i < npool; i++) {
		uint64_t x = pool[i].start, end = x + pool[i].count;

		total += pool[i].count;
		while (x + CONTAINER_IDMAP_COUNT <= end) {
			uint64_t next = 0;

			/* past every used range that overlaps [x, x + count) */
			for (j = 0; j < nused; j++) {
				uint64_t us = used[j].start;
				uint64_t ue = us + used[j].count;

				if (x < ue && us < x + CONTAINER_IDMAP_COUNT &&
				    ue > next)
					next = ue;
			}
			if (!next) {
				*base = (uint32_t)x;
				return 0;
			}
			x = next;
		}
	}
	return errbuf_set(
		eb, ENOSPC,
		"no free range of %u ids for a user namespace: all %llu ids of %s are taken by running containers",
		CONTAINER_IDMAP_COUNT, (unsigned long long)total, what);
}

/* Name a pool in messages. */
static const char *pool_name(const char *path, bool builtin, char *buf,
			     size_t len)
{
	if (builtin)
		snprintf(buf, len, "the built-in pool (%s lists no '%s')", path,
			 CONTAINER_IDMAP_OWNER);
	else
		snprintf(buf, len, "the ranges of '%s' in %s",
			 CONTAINER_IDMAP_OWNER, path);
	return buf;
}

int container_idmap_reserve(struct container_state *st, struct errbuf *eb)
{
	struct container_idrange upool[CONTAINER_IDMAP_POOL_MAX];
	struct container_idrange gpool[CONTAINER_IDMAP_POOL_MAX];
	struct container_idrange *uused = NULL, *gused = NULL;
	struct container_state *v = NULL;
	size_t nu, ng, n = 0, nused = 0, i;
	char dir[PATH_MAX], lock[PATH_MAX + 16], what[128];
	uint32_t ubase, gbase;
	bool ubuiltin, gbuiltin;
	int fd, err;

	if (geteuid() != 0)
		return errbuf_set(eb, EPERM,
				  "id ranges are for containers run by root");
	err = container_idmap_pool(CONTAINER_SUBUID_PATH, upool,
				   CONTAINER_IDMAP_POOL_MAX, &nu, &ubuiltin,
				   eb);
	if (!err)
		err = container_idmap_pool(CONTAINER_SUBGID_PATH, gpool,
					   CONTAINER_IDMAP_POOL_MAX, &ng,
					   &gbuiltin, eb);
	if (!err)
		err = ctr_state_dir(dir, sizeof(dir), eb);
	if (err)
		return err;
	snprintf(lock, sizeof(lock), "%s/%s", dir, CONTAINER_IDMAP_LOCK);
	fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errbuf_errno(eb, errno, "%s", lock);
	while ((err = flock(fd, LOCK_EX)) && errno == EINTR)
		;
	if (err) {
		err = errbuf_errno(eb, errno, "locking %s", lock);
		goto out;
	}

	err = container_list(&v, &n, eb);
	if (err)
		goto out;
	uused = calloc(n ? n : 1, sizeof(*uused));
	gused = calloc(n ? n : 1, sizeof(*gused));
	if (!uused || !gused) {
		err = errbuf_errno(eb, ENOMEM, "id ranges");
		goto out;
	}
	/* dead containers' leftovers hold nothing; claims still starting do */
	for (i = 0; i < n; i++) {
		if (!strcmp(v[i].name, st->name) || !v[i].id_count ||
		    container_state_stale(&v[i]))
			continue;
		uused[nused] = (struct container_idrange){ v[i].uid_base,
							   v[i].id_count };
		gused[nused++] = (struct container_idrange){ v[i].gid_base,
							     v[i].id_count };
	}
	err = container_idmap_pick(upool, nu, uused, nused,
				   pool_name(CONTAINER_SUBUID_PATH, ubuiltin,
					     what, sizeof(what)),
				   &ubase, eb);
	if (!err)
		err = container_idmap_pick(gpool, ng, gused, nused,
					   pool_name(CONTAINER_SUBGID_PATH,
						     gbuiltin, what,
						     sizeof(what)),
					   &gbase, eb);
	if (err)
		goto out;
	st->uid_base = ubase;
	st->gid_base = gbase;
	st->id_count = CONTAINER_IDMAP_COUNT;
	err = ctr_state_write(st, false, eb);
	if (err)
		st->id_count = 0;
out:
	free(uused);
	free(gused);
	free(v);
	close(fd); /* releases the lock */
	return err;
}
