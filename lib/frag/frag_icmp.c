/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv4 "fragmentation needed" (RFC 792, RFC 1191) and ICMPv6 "Packet Too
 * Big" (RFC 4443 3.2) errors quoting the offending packet.
 */

#include <string.h>
#include <netinet/in.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "frag_priv.h"

#define ICMP4_HDR_LEN 8		/* type, code, checksum, unused(2), next-hop MTU(2) */
#define ICMP6_HDR_LEN 8		/* type, code, checksum, MTU(4) */
#define ICMP6_PROTO 58
#define ICMP6_TYPE_PTB 2
#define ICMP4_TYPE_UNREACH 3
#define ICMP4_CODE_FRAG_NEEDED 4
#define ERR_TTL 64

void
frag_copy_md(struct rte_mbuf *dst, const struct rte_mbuf *orig)
{
	*gw_meta(dst) = *gw_meta((struct rte_mbuf *)(uintptr_t)orig);
	dst->port = orig->port;
	dst->hash = orig->hash;
	dst->packet_type = orig->packet_type;
	dst->vlan_tci = orig->vlan_tci;
	dst->l2_len = orig->l2_len;
	dst->l3_len = orig->l3_len;
	dst->ol_flags = orig->ol_flags &
		~(RTE_MBUF_F_RX_IP_CKSUM_MASK | RTE_MBUF_F_RX_L4_CKSUM_MASK);
}

/* Meta of an error: answers orig, goes through routing, not through an SA. */
static void
icmp_md(struct rte_mbuf *e, const struct rte_mbuf *orig, enum gw_l3 l3, uint16_t l3_len)
{
	struct gw_meta *md;

	frag_copy_md(e, orig);
	md = gw_meta(e);
	md->drop = GW_DROP_NONE;
	md->l3 = (uint8_t)l3;
	md->action = GW_ACT_FORWARD;
	md->flags = GW_META_F_TTL_DONE;	/* originated here: no TTL decrement */
	md->sa = NULL;
	e->l2_len = 0;
	e->l3_len = l3_len;
	e->ol_flags = 0;
}

/* IPv4 source that an error may be sent to (RFC 1812 4.3.2.7). */
static bool
v4_unicast(rte_be32_t a)
{
	uint32_t h = rte_be_to_cpu_32(a);
	uint8_t top = (uint8_t)(h >> 24);

	return top != 0 && top != 127 && top < 224;
}

bool
frag_icmp4_allowed(const struct rte_mbuf *orig, uint16_t l2)
{
	const struct rte_ipv4_hdr *ip;
	uint16_t dlen = rte_pktmbuf_data_len(orig);
	uint16_t hlen;

	if (dlen < l2 + sizeof(*ip))
		return false;
	ip = rte_pktmbuf_mtod_offset(orig, const struct rte_ipv4_hdr *, l2);
	hlen = (uint16_t)((ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER);
	/* Only about the first fragment (or a whole datagram). */
	if (rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK)
		return false;
	if (!v4_unicast(ip->src_addr) || ip->src_addr == RTE_BE32(0xffffffff))
		return false;
	/* Not about a packet sent to a multicast/broadcast address. */
	if ((rte_be_to_cpu_32(ip->dst_addr) >> 28) >= 0xe)
		return false;
	/* Never about an ICMP error (queries and replies are fine). */
	if (ip->next_proto_id == IPPROTO_ICMP) {
		uint8_t type;

		if (dlen < l2 + hlen + 1)
			return false;
		type = *rte_pktmbuf_mtod_offset(orig, const uint8_t *, l2 + hlen);
		if (type != 0 && type != 8 && type != 13 && type != 14 &&
		    type != 15 && type != 16 && type != 17 && type != 18)
			return false;
	}
	return true;
}

bool
frag_icmp6_allowed(const struct rte_mbuf *orig, uint16_t l2)
{
	const struct rte_ipv6_hdr *ip;
	uint16_t dlen = rte_pktmbuf_data_len(orig);
	static const uint8_t zero[16];

	if (dlen < l2 + sizeof(*ip))
		return false;
	ip = rte_pktmbuf_mtod_offset(orig, const struct rte_ipv6_hdr *, l2);
	/* RFC 4443 2.4 (e.6): not to an unspecified or multicast source. */
	if (ip->src_addr[0] == 0xff || memcmp(ip->src_addr, zero, sizeof(zero)) == 0)
		return false;
	/* (e.1): never about an error message (types 0-127). PTB is allowed
	 * for multicast destinations (e.3 exception), so no check there.
	 */
	if (ip->proto == ICMP6_PROTO) {
		if (dlen < l2 + sizeof(*ip) + 1)
			return false;
		if (*rte_pktmbuf_mtod_offset(orig, const uint8_t *, l2 + sizeof(*ip)) < 128)
			return false;
	}
	return true;
}

struct rte_mbuf *
frag_icmp4_frag_needed(struct rte_mempool *pool, struct rte_mbuf *orig, uint16_t l2,
		       rte_be32_t src, uint16_t mtu, uint16_t id)
{
	const struct rte_ipv4_hdr *oip;
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *e;
	uint8_t *icmp;
	uint16_t olen, q, tot;

	oip = rte_pktmbuf_mtod_offset(orig, const struct rte_ipv4_hdr *, l2);
	olen = RTE_MIN(rte_be_to_cpu_16(oip->total_length),
		       (uint16_t)(rte_pktmbuf_data_len(orig) - l2));
	/* RFC 1812 4.3.2.3: as much as fits in 576 bytes. */
	q = RTE_MIN(olen, (uint16_t)(GW_FRAG_ICMP4_MAX_LEN - sizeof(*ip) - ICMP4_HDR_LEN));
	tot = (uint16_t)(sizeof(*ip) + ICMP4_HDR_LEN + q);

	e = rte_pktmbuf_alloc(pool);
	if (e == NULL)
		return NULL;
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(e, tot);
	if (ip == NULL) {
		rte_pktmbuf_free(e);
		return NULL;
	}
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0xc0;	/* internetwork control, as routers do */
	ip->total_length = rte_cpu_to_be_16(tot);
	ip->packet_id = rte_cpu_to_be_16(id);
	ip->time_to_live = ERR_TTL;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = src;
	ip->dst_addr = oip->src_addr;
	ip->hdr_checksum = rte_ipv4_cksum(ip);

	icmp = (uint8_t *)(ip + 1);
	icmp[0] = ICMP4_TYPE_UNREACH;
	icmp[1] = ICMP4_CODE_FRAG_NEEDED;
	memset(icmp + 2, 0, 4);		/* checksum, unused */
	icmp[6] = (uint8_t)(mtu >> 8);	/* next-hop MTU (RFC 1191 section 4) */
	icmp[7] = (uint8_t)mtu;
	memcpy(icmp + ICMP4_HDR_LEN, oip, q);
	{
		uint16_t ck = (uint16_t)~rte_raw_cksum(icmp, (size_t)ICMP4_HDR_LEN + q);

		memcpy(icmp + 2, &ck, sizeof(ck));	/* already in network order */
	}
	icmp_md(e, orig, GW_L3_IPV4, sizeof(*ip));
	return e;
}

struct rte_mbuf *
frag_icmp6_ptb(struct rte_mempool *pool, struct rte_mbuf *orig, uint16_t l2,
	       const uint8_t src[16], uint32_t mtu)
{
	const struct rte_ipv6_hdr *oip;
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *e;
	uint8_t *icmp;
	uint32_t olen;
	uint16_t q, tot;
	uint16_t ck;

	oip = rte_pktmbuf_mtod_offset(orig, const struct rte_ipv6_hdr *, l2);
	olen = RTE_MIN((uint32_t)sizeof(*oip) + rte_be_to_cpu_16(oip->payload_len),
		       (uint32_t)(rte_pktmbuf_data_len(orig) - l2));
	/* RFC 4443 2.4 (c): as much as fits in the minimum IPv6 MTU. */
	q = (uint16_t)RTE_MIN(olen, (uint32_t)(GW_FRAG_ICMP6_MAX_LEN - sizeof(*ip) -
					       ICMP6_HDR_LEN));
	tot = (uint16_t)(sizeof(*ip) + ICMP6_HDR_LEN + q);

	e = rte_pktmbuf_alloc(pool);
	if (e == NULL)
		return NULL;
	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_append(e, tot);
	if (ip == NULL) {
		rte_pktmbuf_free(e);
		return NULL;
	}
	memset(ip, 0, sizeof(*ip));
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)(ICMP6_HDR_LEN + q));
	ip->proto = ICMP6_PROTO;
	ip->hop_limits = ERR_TTL;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, oip->src_addr, 16);

	icmp = (uint8_t *)(ip + 1);
	icmp[0] = ICMP6_TYPE_PTB;
	icmp[1] = 0;
	icmp[2] = 0;
	icmp[3] = 0;
	icmp[4] = (uint8_t)(mtu >> 24);
	icmp[5] = (uint8_t)(mtu >> 16);
	icmp[6] = (uint8_t)(mtu >> 8);
	icmp[7] = (uint8_t)mtu;
	memcpy(icmp + ICMP6_HDR_LEN, oip, q);
	/* Pseudo-header (RFC 8200 8.1) + message; a zero sum is sent as 0xffff. */
	ck = (uint16_t)~__rte_ipv6_udptcp_cksum(ip, icmp);
	if (ck == 0)
		ck = 0xffff;
	memcpy(icmp + 2, &ck, sizeof(ck));
	icmp_md(e, orig, GW_L3_IPV6, sizeof(*ip));
	return e;
}
