// SPDX-License-Identifier: GPL-2.0
/* Strict parsers for `isolens container` options: pure logic, unit-tested. */
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "base/util.h"
#include "container.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Order matters: state files and ns_ino[] are indexed by it. */
#define NS_KIND(idx, clone_flag, field)              \
	[CONTAINER_NS_##idx] = { clone_flag, #field, \
				 offsetof(struct isolens_ns_set, field) }

const struct container_ns container_ns_kinds[CONTAINER_NS_COUNT] = {
	NS_KIND(USER, CLONE_NEWUSER, user),
	NS_KIND(MNT, CLONE_NEWNS, mnt),
	NS_KIND(UTS, CLONE_NEWUTS, uts),
	NS_KIND(IPC, CLONE_NEWIPC, ipc),
	NS_KIND(NET, CLONE_NEWNET, net),
	NS_KIND(PID, CLONE_NEWPID, pid),
	NS_KIND(CGROUP, CLONE_NEWCGROUP, cgroup),
	NS_KIND(TIME, CLONE_NEWTIME, time),
};

static int share_parse_item(char *tok, void *arg)
{
	unsigned long *f = arg;
	size_t i;

	/* the user namespace is not shared this way */
	for (i = 0; i < CONTAINER_NS_COUNT; i++)
		if (i != CONTAINER_NS_USER &&
		    !strcmp(tok, container_ns_kinds[i].name))
			break;
	if (i == CONTAINER_NS_COUNT)
		return -EINVAL;
	*f |= container_ns_kinds[i].flag;
	return 0;
}

/* "net,uts": namespaces kept shared with the host ("user" is --userns). */
int container_parse_share(const char *list, unsigned long *flags)
{
	char buf[256];
	unsigned long f = 0;
	int err = parse_list(list, buf, sizeof(buf), share_parse_item, &f);

	if (err)
		return err;
	if (!f)
		return -EINVAL;
	*flags = f;
	return 0;
}

static const char *const net_names[] = {
	[CONTAINER_NET_LOOPBACK] = "loopback",
	[CONTAINER_NET_NONE] = "none",
	[CONTAINER_NET_VETH] = "veth",
};

int container_parse_net(const char *s, enum container_net *net)
{
	unsigned int i;

	for (i = 0; s && i < ARRAY_SIZE(net_names); i++)
		if (!strcmp(s, net_names[i])) {
			*net = i;
			return 0;
		}
	return -EINVAL;
}

const char *container_net_name(enum container_net net)
{
	return (unsigned int)net < 3 ? net_names[net] : "?";
}

/*
 * "0.5" CPUs -> cpu.max "50000 100000".  Like docker --cpus: a fraction of
 * one CPU per 100 ms period, at least 1 ms of quota.
 */
int container_parse_cpus(const char *s, uint64_t *quota_us, uint64_t *period_us)
{
	const uint64_t period = 100000;
	uint64_t whole = 0, frac = 0, scale = 1;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	while (isdigit((unsigned char)*p)) {
		whole = whole * 10 + (*p++ - '0');
		if (whole > 1024)
			return -ERANGE;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		while (isdigit((unsigned char)*p)) {
			if (scale < 1000000) {
				frac = frac * 10 + (*p - '0');
				scale *= 10;
			}
			p++;
		}
	}
	if (*p || p == s)
		return -EINVAL;
	*quota_us = whole * period + frac * period / scale;
	if (*quota_us < 1000)
		return -ERANGE;
	*period_us = period;
	return 0;
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },	  { "QUIT", SIGQUIT },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
	{ "TERM", SIGTERM }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "ALRM", SIGALRM }, { "CHLD", SIGCHLD }, { "WINCH", SIGWINCH },
};

/* "9", "KILL" or "SIGKILL". */
int container_parse_signal(const char *s, int *sig)
{
	uint64_t v;
	size_t i;

	if (!s)
		return -EINVAL;
	if (isdigit((unsigned char)*s)) {
		if (parse_uint(s, 1, 64, &v))
			return -EINVAL;
		*sig = (int)v;
		return 0;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (i = 0; i < ARRAY_SIZE(signals); i++)
		if (!strcasecmp(s, signals[i].name)) {
			*sig = signals[i].sig;
			return 0;
		}
	return -EINVAL;
}

/*
 * --group-add: numeric gids, comma-separated, appended to *n (at most
 * @max in all).  Names are not resolved: the container's /etc/group is
 * not the host's, and the runtime reads nothing of the rootfs.
 */
int container_parse_groups(const char *list, gid_t *groups, int *n, int max)
{
	const char *p = list;
	uint64_t v;
	char tok[16];
	size_t len;

	if (!list || !*list)
		return -EINVAL;
	while (*p) {
		len = strcspn(p, ",");
		if (!len || len >= sizeof(tok))
			return -EINVAL;
		memcpy(tok, p, len);
		tok[len] = '\0';
		/* 65535 and up: not mapped, or the kernel's overflow gid */
		if (parse_uint(tok, 0, 65534, &v))
			return -EINVAL;
		if (*n >= max)
			return -E2BIG;
		groups[(*n)++] = (gid_t)v;
		p += len;
		if (*p == ',' && !*++p)
			return -EINVAL;
	}
	return 0;
}

/* Names become file names and cgroup directories: keep them boring. */
int container_name_valid(const char *name)
{
	size_t i, n = name ? strlen(name) : 0;

	if (!n || n >= CONTAINER_NAME_MAX || name[0] == '.' || name[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			return 0;
	return 1;
}
