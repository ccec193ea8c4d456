/* SPDX-License-Identifier: BSD-3-Clause */
/* Kernel interface configuration over rtnetlink (RTM_NEWLINK, RTM_NEWADDR, RTM_DELADDR). */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_addr.h>

#include "gw_log.h"
#include "gw_kif.h"

#define KIF_BUF 8192

struct kif_req {
	struct nlmsghdr nh;
	char body[512];
};

static int
nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int
nl_attr(struct kif_req *r, uint16_t type, const void *data, size_t len)
{
	struct rtattr *a;
	size_t at = NLMSG_ALIGN(r->nh.nlmsg_len);

	if (at + RTA_SPACE(len) > sizeof(*r))
		return -EMSGSIZE;
	a = (struct rtattr *)((char *)r + at);
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->nh.nlmsg_len = (uint32_t)(at + RTA_SPACE(len));
	return 0;
}

/* Send one request and read its acknowledgement. */
static int
nl_talk(int fd, struct kif_req *r)
{
	static uint32_t seq;
	char buf[KIF_BUF];
	ssize_t n;

	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = ++seq;
	if (send(fd, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != r->nh.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					return -EBADMSG;
				return e->error;
			}
		}
	}
}

static int
kif_link(int fd, int ifindex, const struct gw_kif_params *kp, bool up)
{
	struct kif_req r = { 0 };
	struct ifinfomsg *ifi = NLMSG_DATA(&r.nh);
	uint32_t mtu;
	int ret = 0;

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	r.nh.nlmsg_type = RTM_NEWLINK;
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	if (kp != NULL && kp->mtu != 0) {
		mtu = kp->mtu;
		ret = nl_attr(&r, IFLA_MTU, &mtu, sizeof(mtu));
	}
	if (ret == 0 && kp != NULL && kp->has_mac)
		ret = nl_attr(&r, IFLA_ADDRESS, &kp->mac, sizeof(kp->mac));
	return ret != 0 ? ret : nl_talk(fd, &r);
}

static int
kif_addr(int fd, int type, int ifindex, uint8_t family, uint8_t plen, const void *addr)
{
	struct kif_req r = { 0 };
	struct ifaddrmsg *ifa = NLMSG_DATA(&r.nh);
	size_t alen = family == AF_INET ? 4 : 16;
	const uint8_t *a = addr;
	int ret;

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(*ifa));
	r.nh.nlmsg_type = (uint16_t)type;
	if (type == RTM_NEWADDR)
		r.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	ifa->ifa_family = family;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_index = (uint32_t)ifindex;
	ifa->ifa_scope = (family == AF_INET6 && a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ?
		RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	/* The appliance owns these addresses: no duplicate address detection delay. */
	ifa->ifa_flags = family == AF_INET6 ? IFA_F_NODAD : 0;
	ret = nl_attr(&r, IFA_LOCAL, addr, alen);
	if (ret == 0)
		ret = nl_attr(&r, IFA_ADDRESS, addr, alen);
	return ret != 0 ? ret : nl_talk(fd, &r);
}

static bool
kif_wants(const struct gw_kif_params *kp, uint8_t family, uint8_t plen, const void *addr)
{
	unsigned int i;

	for (i = 0; i < kp->nb_addrs; i++) {
		const struct gw_prefix *p = &kp->addrs[i];

		if (p->family == family && p->len == plen &&
		    memcmp(&p->v6, addr, family == AF_INET ? 4 : 16) == 0)
			return true;
	}
	return false;
}

struct kif_stale {
	uint8_t family, plen;
	uint8_t addr[16];
};

/* Addresses on ifindex that kp does not have (kernel link-locals excepted). */
static int
kif_stale_addrs(int fd, int ifindex, const struct gw_kif_params *kp,
		struct kif_stale *out, unsigned int max)
{
	struct kif_req r = { 0 };
	struct ifaddrmsg *ifa = NLMSG_DATA(&r.nh);
	unsigned int nb = 0;
	char buf[KIF_BUF];
	ssize_t n;

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(*ifa));
	r.nh.nlmsg_type = RTM_GETADDR;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	r.nh.nlmsg_seq = 0x6b6966;	/* "kif" */
	if (send(fd, &r, r.nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			const struct ifaddrmsg *m = NLMSG_DATA(h);
			const struct rtattr *a;
			int len;

			if (h->nlmsg_type == NLMSG_DONE)
				return (int)nb;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -EIO;
			if (h->nlmsg_type != RTM_NEWADDR ||
			    h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) ||
			    (int)m->ifa_index != ifindex)
				continue;
			len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
			for (a = IFA_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
				size_t alen = m->ifa_family == AF_INET ? 4 : 16;
				const uint8_t *ad = RTA_DATA(a);

				if (a->rta_type != IFA_ADDRESS || RTA_PAYLOAD(a) != alen)
					continue;
				if (kif_wants(kp, m->ifa_family, m->ifa_prefixlen, ad))
					continue;
				if (m->ifa_family == AF_INET6 && ad[0] == 0xfe &&
				    (ad[1] & 0xc0) == 0x80)
					continue;
				if (nb < max) {
					out[nb].family = m->ifa_family;
					out[nb].plen = m->ifa_prefixlen;
					memcpy(out[nb].addr, ad, alen);
					nb++;
				}
			}
		}
	}
}

int
gw_kif_configure(const char *ifname, const struct gw_kif_params *kp)
{
	struct kif_stale stale[32];
	int fd, ifindex, ret, nb, i;
	unsigned int k;

	if (ifname == NULL || kp == NULL || (kp->nb_addrs != 0 && kp->addrs == NULL))
		return -EINVAL;
	ifindex = (int)if_nametoindex(ifname);
	if (ifindex == 0)
		return -ENODEV;
	fd = nl_open();
	if (fd < 0)
		return fd;
	ret = kif_link(fd, ifindex, kp, kp->up);
	if (ret != 0) {
		GW_LOG(general, ERR, "%s: link mtu %u / mac / up: %s", ifname, kp->mtu,
		       strerror(-ret));
		goto out;
	}
	nb = kif_stale_addrs(fd, ifindex, kp, stale, RTE_DIM(stale));
	for (i = 0; i < nb; i++)
		kif_addr(fd, RTM_DELADDR, ifindex, stale[i].family, stale[i].plen, stale[i].addr);
	for (k = 0; k < kp->nb_addrs; k++) {
		const struct gw_prefix *p = &kp->addrs[k];

		ret = kif_addr(fd, RTM_NEWADDR, ifindex, p->family, p->len, &p->v6);
		if (ret != 0) {
			GW_LOG(general, ERR, "%s: address #%u: %s", ifname, k, strerror(-ret));
			goto out;
		}
	}
out:
	close(fd);
	return ret;
}

int
gw_kif_set_up(const char *ifname, bool up)
{
	int fd, ifindex, ret;

	ifindex = ifname != NULL ? (int)if_nametoindex(ifname) : 0;
	if (ifindex == 0)
		return -ENODEV;
	fd = nl_open();
	if (fd < 0)
		return fd;
	ret = kif_link(fd, ifindex, NULL, up);
	close(fd);
	return ret;
}
