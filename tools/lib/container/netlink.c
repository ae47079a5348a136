// SPDX-License-Identifier: GPL-2.0
/*
 * Just enough rtnetlink to bring a link up, create a veth pair with its
 * peer in another network namespace, add an IPv4 address and a default
 * route, and delete a link: the requests `ip link`/`ip addr` would send,
 * built by hand (no shelling out, no libmnl).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "ctr.h"

struct nlreq {
	struct nlmsghdr *h;
	size_t cap;
};

static void *nl_tail(struct nlreq *r)
{
	return (char *)r->h + NLMSG_ALIGN(r->h->nlmsg_len);
}

static struct rtattr *nl_attr(struct nlreq *r, unsigned short type,
			      const void *data, size_t len)
{
	struct rtattr *a = nl_tail(r);
	size_t need = NLMSG_ALIGN(r->h->nlmsg_len) + RTA_SPACE(len);

	if (need > r->cap)
		return NULL;
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->h->nlmsg_len = (uint32_t)need;
	return a;
}

static void nl_nest_end(struct nlreq *r, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)nl_tail(r) - (char *)nest);
}

/* Send one request and wait for its ACK; returns 0 or -errno. */
static int nl_talk(struct nlmsghdr *h)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[4096];
	int fd, err = -EIO;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = 1;
	if (sendto(fd, h, h->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) <
	    0) {
		err = -errno;
		goto out;
	}
	for (;;) {
		struct nlmsghdr *m;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out;
		}
		for (m = (struct nlmsghdr *)buf; NLMSG_OK(m, (size_t)n);
		     m = NLMSG_NEXT(m, n)) {
			if (m->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(m);

				err = e->error;
				goto out;
			}
		}
	}
out:
	close(fd);
	return err;
}

/* IFNAME's index, or -errno with @eb set if there is no such interface */
static int nl_ifindex(const char *ifname, struct errbuf *eb)
{
	unsigned int idx = if_nametoindex(ifname);

	if (!idx)
		return errbuf_errno(eb, errno, "no interface %s", ifname);
	return (int)idx;
}

#define REQ(name, type, flags, hdrtype)                                   \
	union {                                                           \
		struct nlmsghdr h;                                        \
		char buf[1024];                                           \
	} name##_u = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(hdrtype)), \
			      .nlmsg_type = (type),                       \
			      .nlmsg_flags = (flags) } };                 \
	struct nlreq name = { &name##_u.h, sizeof(name##_u) }

int ctr_netlink_link_up(const char *ifname, struct errbuf *eb)
{
	REQ(r, RTM_NEWLINK, 0, struct ifinfomsg);
	struct ifinfomsg *ifi = NLMSG_DATA(r.h);
	int idx = nl_ifindex(ifname, eb), err;

	if (idx < 0)
		return idx;
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = idx;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	err = nl_talk(r.h);
	if (err)
		return errbuf_errno(eb, -err, "bringing %s up", ifname);
	return 0;
}

int ctr_netlink_link_exists(const char *ifname)
{
	return if_nametoindex(ifname) != 0;
}

/*
 * RTM_NEWLINK kind "veth" with VETH_INFO_PEER carrying the peer's name and
 * IFLA_NET_NS_PID: the peer is born in the container's network namespace.
 * The host name "islN" doubles as the allocator of /30 number N:
 * NLM_F_EXCL makes a taken name fail with EEXIST, and we try the next.
 */
int ctr_netlink_veth_create(char *host_if, size_t len, const char *peer_if,
			    pid_t peer_pid, unsigned int *slot,
			    struct errbuf *eb)
{
	unsigned int s;
	int err = -EEXIST;

	for (s = 0; s < 16384 && err == -EEXIST; s++) {
		REQ(r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
		    struct ifinfomsg);
		struct rtattr *li, *data, *peer;
		struct ifinfomsg *pifi;
		uint32_t nspid = (uint32_t)peer_pid;

		snprintf(host_if, len, "isl%u", s);
		((struct ifinfomsg *)NLMSG_DATA(r.h))->ifi_family = AF_UNSPEC;
		nl_attr(&r, IFLA_IFNAME, host_if, strlen(host_if) + 1);
		li = nl_attr(&r, IFLA_LINKINFO, NULL, 0);
		nl_attr(&r, IFLA_INFO_KIND, "veth", 4);
		data = nl_attr(&r, IFLA_INFO_DATA, NULL, 0);
		peer = nl_attr(&r, VETH_INFO_PEER, NULL, 0);
		/* the peer attribute starts with its own ifinfomsg */
		pifi = nl_tail(&r);
		memset(pifi, 0, sizeof(*pifi));
		pifi->ifi_family = AF_UNSPEC;
		r.h->nlmsg_len += NLMSG_ALIGN(sizeof(*pifi));
		nl_attr(&r, IFLA_IFNAME, peer_if, strlen(peer_if) + 1);
		if (!nl_attr(&r, IFLA_NET_NS_PID, &nspid, sizeof(nspid)))
			return errbuf_set(eb, ENOSPC,
					  "netlink request too long");
		nl_nest_end(&r, peer);
		nl_nest_end(&r, data);
		nl_nest_end(&r, li);
		err = nl_talk(r.h);
		*slot = s;
	}
	if (err)
		return errbuf_errno(eb, -err, "creating veth pair %s", host_if);
	return 0;
}

void ctr_netlink_slot_addrs(unsigned int slot, uint32_t *host, uint32_t *peer)
{
	/* 10.201.0.0/16 cut into 16384 /30s */
	uint32_t net = (10u << 24) | (201u << 16) | ((slot & 16383) << 2);

	*host = net | 1;
	*peer = net | 2;
}

int ctr_netlink_addr_add(const char *ifname, uint32_t addr, int prefix,
			 struct errbuf *eb)
{
	REQ(r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, struct ifaddrmsg);
	struct ifaddrmsg *ifa = NLMSG_DATA(r.h);
	uint32_t be = htonl(addr);
	int idx = nl_ifindex(ifname, eb), err;

	if (idx < 0)
		return idx;
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = (unsigned int)idx;
	nl_attr(&r, IFA_LOCAL, &be, 4);
	nl_attr(&r, IFA_ADDRESS, &be, 4);
	err = nl_talk(r.h);
	if (err)
		return errbuf_errno(eb, -err, "adding an address to %s",
				    ifname);
	return 0;
}

int ctr_netlink_route_default(const char *ifname, uint32_t gw,
			      struct errbuf *eb)
{
	REQ(r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, struct rtmsg);
	struct rtmsg *rt = NLMSG_DATA(r.h);
	uint32_t be = htonl(gw), oif;
	int idx = nl_ifindex(ifname, eb), err;

	if (idx < 0)
		return idx;
	oif = (uint32_t)idx;
	rt->rtm_family = AF_INET;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	nl_attr(&r, RTA_GATEWAY, &be, 4);
	nl_attr(&r, RTA_OIF, &oif, 4);
	err = nl_talk(r.h);
	if (err)
		return errbuf_errno(eb, -err, "adding a default route");
	return 0;
}

/* Deleting one end of a veth pair deletes both. */
int ctr_netlink_link_del(const char *ifname, struct errbuf *eb)
{
	REQ(r, RTM_DELLINK, 0, struct ifinfomsg);
	int err;

	((struct ifinfomsg *)NLMSG_DATA(r.h))->ifi_family = AF_UNSPEC;
	nl_attr(&r, IFLA_IFNAME, ifname, strlen(ifname) + 1);
	err = nl_talk(r.h);
	if (err)
		return errbuf_errno(eb, -err, "deleting %s", ifname);
	return 0;
}
