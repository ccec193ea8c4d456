/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv6 Neighbor Discovery: NS/NA parser, NS builder (RFC 4861). */

#include <errno.h>
#include <string.h>
#include <rte_ip.h>

#include "gw_nd.h"
#include "gw_net_wire.h"

#define ND_HDR_LEN 24		/* type, code, checksum, 4 reserved/flags, target */
#define ND_OPT_LL_LEN 8		/* link-layer address option for Ethernet */
#define ND_HOP_LIMIT 255

static bool
is_unspec(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

static bool
is_solicited_node(const uint8_t *a)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };

	return memcmp(a, pfx, sizeof(pfx)) == 0;
}

/* Walk the options: every one has a non-zero length and fits. */
static int
nd_options(const uint8_t *opt, size_t len, uint8_t want, struct gw_nd_info *out)
{
	while (len > 0) {
		size_t olen;

		if (len < 2)
			return -EINVAL;
		olen = (size_t)opt[1] * 8;
		if (olen == 0 || olen > len)
			return -EINVAL;
		if (opt[0] == want && olen == ND_OPT_LL_LEN) {
			memcpy(&out->lladdr, opt + 2, RTE_ETHER_ADDR_LEN);
			out->has_lladdr = true;
		}
		opt += olen;
		len -= olen;
	}
	return 0;
}

int
gw_nd_parse(const uint8_t *ip6, size_t len, struct gw_nd_info *out)
{
	struct rte_ipv6_hdr ip;
	const uint8_t *icmp;
	size_t plen;
	int ret;

	if (ip6 == NULL || out == NULL)
		return -EINVAL;
	if (len < sizeof(ip))
		return -EMSGSIZE;
	memcpy(&ip, ip6, sizeof(ip));
	if ((rte_be_to_cpu_32(ip.vtc_flow) >> 28) != 6 || ip.proto != IPPROTO_ICMPV6)
		return -EINVAL;
	plen = rte_be_to_cpu_16(ip.payload_len);
	if (plen > len - sizeof(ip) || plen < ND_HDR_LEN)
		return -EMSGSIZE;
	icmp = ip6 + sizeof(ip);
	if ((icmp[0] != GW_ND_NS && icmp[0] != GW_ND_NA) || icmp[1] != 0 ||
	    ip.hop_limits != ND_HOP_LIMIT)
		return -EINVAL;
	if (gw_net_sum6(&ip, icmp, plen) != 0xffff)
		return -EBADMSG;
	memset(out, 0, sizeof(*out));
	out->type = icmp[0];
	out->flags = icmp[0] == GW_ND_NA ? (uint8_t)(icmp[4] & 0xe0) : 0;
	memcpy(out->target, icmp + 8, 16);
	memcpy(out->src, ip.src_addr, 16);
	memcpy(out->dst, ip.dst_addr, 16);
	if (out->target[0] == 0xff)
		return -EINVAL;
	ret = nd_options(icmp + ND_HDR_LEN, plen - ND_HDR_LEN,
			 out->type == GW_ND_NS ? GW_ND_OPT_SLLA : GW_ND_OPT_TLLA, out);
	if (ret != 0)
		return ret;
	if (out->type == GW_ND_NS && is_unspec(out->src) &&
	    (!is_solicited_node(out->dst) || out->has_lladdr))
		return -EINVAL;
	if (out->type == GW_ND_NA && out->dst[0] == 0xff && (out->flags & GW_ND_NA_F_SOLICITED))
		return -EINVAL;
	if (out->has_lladdr && !rte_is_valid_assigned_ether_addr(&out->lladdr))
		return -EINVAL;
	return 0;
}

int
gw_nd_parse_frame(const uint8_t *frame, size_t len, struct gw_nd_info *out)
{
	size_t off;
	uint16_t type;

	if (gw_net_eth_skip(frame, len, &off, &type) != 0)
		return -EMSGSIZE;
	if (type != RTE_ETHER_TYPE_IPV6)
		return -EINVAL;
	return gw_nd_parse(frame + off, len - off, out);
}

void
gw_nd_solicited_node(const uint8_t target[16], uint8_t group[16], struct rte_ether_addr *mac)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };

	memcpy(group, pfx, sizeof(pfx));
	memcpy(group + 13, target + 13, 3);
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	memcpy(&mac->addr_bytes[2], group + 12, 4);
}

int
gw_nd_build_ns(struct rte_mbuf *m, const struct rte_ether_addr *src_mac, const uint8_t src[16],
	       const uint8_t target[16], const struct rte_ether_addr *dst_mac)
{
	const size_t plen = ND_HDR_LEN + ND_OPT_LL_LEN;
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip;
	uint8_t *icmp;
	uint16_t ck;
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*ip) + plen);

	if (p == NULL)
		return -ENOSPC;
	memset(p, 0, sizeof(*eth) + sizeof(*ip) + plen);
	eth = (struct rte_ether_hdr *)p;
	ip = (struct rte_ipv6_hdr *)(eth + 1);
	icmp = (uint8_t *)(ip + 1);
	if (dst_mac != NULL) {
		eth->dst_addr = *dst_mac;
		memcpy(ip->dst_addr, target, 16);
	} else {
		gw_nd_solicited_node(target, ip->dst_addr, &eth->dst_addr);
	}
	eth->src_addr = *src_mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)plen);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = ND_HOP_LIMIT;
	memcpy(ip->src_addr, src, 16);
	icmp[0] = GW_ND_NS;
	memcpy(icmp + 8, target, 16);
	icmp[ND_HDR_LEN] = GW_ND_OPT_SLLA;
	icmp[ND_HDR_LEN + 1] = 1;
	memcpy(icmp + ND_HDR_LEN + 2, src_mac, RTE_ETHER_ADDR_LEN);
	ck = (uint16_t)~gw_net_sum6(ip, icmp, plen);	/* native order, as summed */
	memcpy(icmp + 2, &ck, 2);
	m->l2_len = sizeof(*eth);
	m->l3_len = sizeof(*ip);
	return 0;
}
