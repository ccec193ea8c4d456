/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_L3_H
#define GW_L3_H

/*
 * L2/L3 validation of received frames (fast path, inline).
 *
 * gw_l3_parse() takes an mbuf whose data starts at the Ethernet header and
 * checks it the way a router must before forwarding (RFC 1812 5.2.2 and 5.3.7
 * for IPv4, RFC 8200 and RFC 4291 2.5 for IPv6). It never reads past
 * rte_pktmbuf_data_len(): every header is bounds-checked before it is read.
 * Only single-segment mbufs are handled; a chained mbuf is refused.
 *
 * On success it sets m->l2_len (14, or 18 with one 802.1Q tag), m->l3_len
 * (IPv4: IHL * 4; IPv6: the 40-byte fixed header, extension headers are not
 * walked), gw_meta(m)->l3, and trims Ethernet padding so that the mbuf ends
 * where the IP packet ends.
 */

#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "gw_common.h"
#include "gw_stats.h"

/*
 * Extra result of gw_l3_parse(), outside enum gw_drop: the frame is ARP
 * (l2_len set, meta->l3 = GW_L3_NONE); the caller punts it to the control
 * thread / kernel.
 */
#define GW_L3_ARP ((unsigned int)GW_DROP_MAX)

#define GW_L3_ETH_LEN ((uint16_t)sizeof(struct rte_ether_hdr))
#define GW_L3_VLAN_LEN ((uint16_t)sizeof(struct rte_vlan_hdr))
#define GW_L3_IPV4_MIN_LEN ((uint16_t)sizeof(struct rte_ipv4_hdr))
#define GW_L3_IPV6_LEN ((uint16_t)sizeof(struct rte_ipv6_hdr))
#define GW_L3_IPPROTO_FRAGMENT 44	/* IPv6 Fragment extension header */

/* IPv4 source that must not be forwarded (RFC 1812 5.3.7): 0/8, 127/8, 224/3. */
static inline bool
gw_l3_ipv4_src_bad(rte_be32_t src)
{
	uint8_t a = (uint8_t)(rte_be_to_cpu_32(src) >> 24);

	return a == 0 || a == 127 || a >= 224;
}

/*
 * IPv4 destination that must not be forwarded (RFC 1812 5.3.7): 0/8 (this
 * network), 127/8, and class E 240/4 except the limited broadcast, which is
 * for the appliance (classify punts it with the multicast groups).
 */
static inline bool
gw_l3_ipv4_dst_bad(rte_be32_t dst)
{
	uint8_t a = (uint8_t)(rte_be_to_cpu_32(dst) >> 24);

	return a == 0 || a == 127 || (a >= 240 && dst != RTE_BE32(0xffffffff));
}

/*
 * 224/4 or the limited broadcast (never forwarded, RFC 1812 5.3.5.1): a group,
 * not for a unicast route.
 */
static inline bool
gw_l3_ipv4_dst_is_group(rte_be32_t dst)
{
	/* RTE_IS_IPV4_MCAST shifts a signed int: UB */
	return (dst & RTE_BE32(0xf0000000)) == RTE_BE32(0xe0000000) ||
	       dst == RTE_BE32(0xffffffff);
}

/* Both addresses of an IPv4 header: the check cleartext and inner packets share. */
static inline bool
gw_l3_ipv4_addrs_bad(const struct rte_ipv4_hdr *ip)
{
	return gw_l3_ipv4_src_bad(ip->src_addr) || gw_l3_ipv4_dst_bad(ip->dst_addr);
}

/* 169.254/16 (RFC 3927): valid on its link, never forwarded (RFC 3927 7). */
static inline bool
gw_l3_ipv4_is_link_local(rte_be32_t a)
{
	return (a & RTE_BE32(0xffff0000)) == RTE_BE32(0xa9fe0000);
}

/* Addresses in packets are not 8-byte aligned: load the words with memcpy. */
static inline bool
gw_l3_ipv6_is_unspec(const uint8_t *a)
{
	uint64_t w[2];

	memcpy(w, a, sizeof(w));
	return (w[0] | w[1]) == 0;
}

static inline bool
gw_l3_ipv6_is_loopback(const uint8_t *a)
{
	uint64_t w[2];

	memcpy(w, a, sizeof(w));
	return w[0] == 0 && w[1] == rte_cpu_to_be_64(1);
}

static inline bool
gw_l3_ipv6_is_multicast(const uint8_t *a)
{
	return a[0] == 0xff;
}

/* fe80::/10 (RFC 4291 2.5.6): a router must not forward it, as source or destination. */
static inline bool
gw_l3_ipv6_is_link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/*
 * ::ffff:0:0/96, IPv4-mapped (RFC 4291 2.5.5.2): a host's internal form of an
 * IPv4 address, not forwardable on the wire (RFC 6890 2.2.3).
 */
static inline bool
gw_l3_ipv6_is_v4mapped(const uint8_t *a)
{
	uint64_t w0;
	uint32_t w1;

	memcpy(&w0, a, sizeof(w0));
	memcpy(&w1, a + 8, sizeof(w1));
	return w0 == 0 && w1 == RTE_BE32(0x0000ffff);
}

/*
 * Addresses of an IPv6 header that must not be forwarded, shared by cleartext
 * and inner packets. RFC 4291 2.5.2/2.7: multicast and loopback are never valid
 * sources; the unspecified source only appears in DAD probes, which go to a
 * (solicited-node) multicast destination and are punted, not forwarded.
 * Neither loopback nor unspecified is a valid destination; IPv4-mapped is
 * neither a source nor a destination.
 */
static inline bool
gw_l3_ipv6_addrs_bad(const struct rte_ipv6_hdr *ip)
{
	const uint8_t *src = ip->src_addr, *dst = ip->dst_addr;

	if (gw_l3_ipv6_is_multicast(src) || gw_l3_ipv6_is_loopback(src) ||
	    (gw_l3_ipv6_is_unspec(src) && !gw_l3_ipv6_is_multicast(dst)))
		return true;
	return gw_l3_ipv6_is_unspec(dst) || gw_l3_ipv6_is_loopback(dst) ||
	       gw_l3_ipv6_is_v4mapped(src) || gw_l3_ipv6_is_v4mapped(dst);
}

/* Which addresses of a header are link-local: GW_L3_LL_SRC | GW_L3_LL_DST, or 0. */
#define GW_L3_LL_SRC 1u
#define GW_L3_LL_DST 2u

static inline unsigned int
gw_l3_ipv4_link_local(const struct rte_ipv4_hdr *ip)
{
	return (gw_l3_ipv4_is_link_local(ip->src_addr) ? GW_L3_LL_SRC : 0) |
	       (gw_l3_ipv4_is_link_local(ip->dst_addr) ? GW_L3_LL_DST : 0);
}

static inline unsigned int
gw_l3_ipv6_link_local(const struct rte_ipv6_hdr *ip)
{
	return (gw_l3_ipv6_is_link_local(ip->src_addr) ? GW_L3_LL_SRC : 0) |
	       (gw_l3_ipv6_is_link_local(ip->dst_addr) ? GW_L3_LL_DST : 0);
}

/*
 * l2_len and l3_len in one store of the whole tx_offload word (the other
 * offload fields are 0 on receive). Two bitfield writes are two
 * read-modify-writes of overlapping widths, and the second one's load
 * cannot be forwarded from the first one's store: a stall per packet.
 */
static inline void
gw_l3_set_lens(struct rte_mbuf *m, uint16_t l2, uint16_t l3)
{
	m->tx_offload = rte_mbuf_tx_offload(l2, l3, 0, 0, 0, 0, 0);
}

/*
 * The one's-complement sum over a correct header, checksum field included,
 * is 0xffff. The usual 20-byte header is summed as five 32-bit words in
 * registers (rte_raw_cksum() keeps its running sum in memory: a chain of
 * store-to-load forwards per packet); headers with options take the loop.
 */
static inline bool
gw_l3_ipv4_cksum_ok(const struct rte_ipv4_hdr *ip, uint16_t hlen)
{
	uint32_t w[5];
	uint64_t sum;

	if (hlen != GW_L3_IPV4_MIN_LEN)
		return rte_raw_cksum(ip, hlen) == 0xffff;
	memcpy(w, ip, sizeof(w));
	sum = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static inline unsigned int
gw_l3_parse_ipv4(struct rte_mbuf *m, uint16_t l2)
{
	const struct rte_ipv4_hdr *ip;
	uint16_t dlen = rte_pktmbuf_data_len(m);
	uint16_t hlen, tlen;

	if (dlen < l2 + GW_L3_IPV4_MIN_LEN)
		return GW_DROP_TRUNCATED;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, l2);
	if ((ip->version_ihl >> 4) != 4)
		return GW_DROP_BAD_IP_VERSION;
	hlen = (uint16_t)(ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER;
	if (hlen < GW_L3_IPV4_MIN_LEN)
		return GW_DROP_BAD_IP_HDR;
	if (dlen < l2 + hlen)
		return GW_DROP_TRUNCATED;
	tlen = rte_be_to_cpu_16(ip->total_length);
	if (tlen < hlen || tlen > dlen - l2)
		return GW_DROP_BAD_IP_LEN;
	switch (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) {
	case RTE_MBUF_F_RX_IP_CKSUM_GOOD:
		break;
	case RTE_MBUF_F_RX_IP_CKSUM_BAD:
		return GW_DROP_BAD_IP_CSUM;
	default:
		if (!gw_l3_ipv4_cksum_ok(ip, hlen))
			return GW_DROP_BAD_IP_CSUM;
	}
	if (gw_l3_ipv4_addrs_bad(ip))
		return GW_DROP_BAD_IP_ADDR;
	if (dlen > l2 + tlen)
		rte_pktmbuf_trim(m, (uint16_t)(dlen - l2 - tlen));
	gw_l3_set_lens(m, l2, hlen);
	gw_meta(m)->l3 = GW_L3_IPV4;
	return GW_DROP_NONE;
}

static inline unsigned int
gw_l3_parse_ipv6(struct rte_mbuf *m, uint16_t l2)
{
	const struct rte_ipv6_hdr *ip;
	uint16_t dlen = rte_pktmbuf_data_len(m);
	uint32_t tlen;

	if (dlen < l2 + GW_L3_IPV6_LEN)
		return GW_DROP_TRUNCATED;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, l2);
	if ((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6)
		return GW_DROP_BAD_IP_VERSION;
	tlen = (uint32_t)GW_L3_IPV6_LEN + rte_be_to_cpu_16(ip->payload_len);
	if (tlen > (uint32_t)(dlen - l2))
		return GW_DROP_BAD_IP_LEN;
	if (gw_l3_ipv6_addrs_bad(ip))
		return GW_DROP_BAD_IP_ADDR;
	if (dlen > l2 + tlen)
		rte_pktmbuf_trim(m, (uint16_t)(dlen - l2 - tlen));
	gw_l3_set_lens(m, l2, GW_L3_IPV6_LEN);
	gw_meta(m)->l3 = GW_L3_IPV6;
	return GW_DROP_NONE;
}

/*
 * Validate one received frame. Returns GW_DROP_NONE (IPv4/IPv6, good),
 * GW_L3_ARP (punt), or the enum gw_drop reason to drop it with.
 */
static inline unsigned int
gw_l3_parse(struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth;
	uint16_t dlen = rte_pktmbuf_data_len(m);
	uint16_t l2 = GW_L3_ETH_LEN;
	uint16_t type;

	gw_meta(m)->l3 = GW_L3_NONE;
	/* A chain would need a segment walk for every header: not on this path. */
	if (m->nb_segs != 1 || dlen != rte_pktmbuf_pkt_len(m))
		return GW_DROP_BAD_L2;
	if (dlen < GW_L3_ETH_LEN)
		return GW_DROP_TRUNCATED;
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	type = eth->ether_type;
	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		const struct rte_vlan_hdr *vh;

		if (dlen < GW_L3_ETH_LEN + GW_L3_VLAN_LEN)
			return GW_DROP_TRUNCATED;
		vh = rte_pktmbuf_mtod_offset(m, const struct rte_vlan_hdr *, GW_L3_ETH_LEN);
		m->vlan_tci = rte_be_to_cpu_16(vh->vlan_tci);
		type = vh->eth_proto;
		l2 += GW_L3_VLAN_LEN;
	}
	gw_l3_set_lens(m, l2, 0);
	switch (type) {
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		return gw_l3_parse_ipv4(m, l2);
	case RTE_BE16(RTE_ETHER_TYPE_IPV6):
		return gw_l3_parse_ipv6(m, l2);
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		return GW_L3_ARP;
	case RTE_BE16(RTE_ETHER_TYPE_VLAN):
	case RTE_BE16(RTE_ETHER_TYPE_QINQ):
		return GW_DROP_BAD_L2;	/* more than one tag */
	default:
		return GW_DROP_UNSUPPORTED_ETHERTYPE;
	}
}

/*
 * The header checks of gw_l3_parse(), for the inner packet of ESP after
 * decryption: an authenticated packet is no more forwardable than one that
 * arrived in clear. The caller has checked version, header length and total
 * length. Link-local addresses are refused outright: an inner packet came
 * from another link by definition (RFC 4291 2.5.6, RFC 3927 7). A group
 * destination, which classify hands to the kernel in clear, is dropped: the
 * gateway does not route multicast, and a unicast route would send it to one
 * next hop. The reasons are the INNER_* ones, so a peer holding the key shows
 * under its own names.
 */
static inline enum gw_drop
gw_l3_inner_check_ipv4(const struct rte_ipv4_hdr *ip, uint16_t hlen)
{
	if (!gw_l3_ipv4_cksum_ok(ip, hlen))
		return GW_DROP_INNER_BAD_IP_CSUM;
	if (gw_l3_ipv4_addrs_bad(ip))
		return GW_DROP_INNER_BAD_IP_ADDR;
	if (gw_l3_ipv4_link_local(ip) != 0)
		return GW_DROP_INNER_LINK_LOCAL;
	if (gw_l3_ipv4_dst_is_group(ip->dst_addr))
		return GW_DROP_INNER_MULTICAST;
	return GW_DROP_NONE;
}

static inline enum gw_drop
gw_l3_inner_check_ipv6(const struct rte_ipv6_hdr *ip)
{
	if (gw_l3_ipv6_addrs_bad(ip))
		return GW_DROP_INNER_BAD_IP_ADDR;
	if (gw_l3_ipv6_link_local(ip) != 0)
		return GW_DROP_INNER_LINK_LOCAL;
	if (gw_l3_ipv6_is_multicast(ip->dst_addr))
		return GW_DROP_INNER_MULTICAST;
	return GW_DROP_NONE;
}

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') for one changed 16-bit word,
 * all values in host order.
 */
static inline uint16_t
gw_l3_cksum_adjust(uint16_t hc, uint16_t old_word, uint16_t new_word)
{
	uint32_t sum = (uint32_t)(uint16_t)~hc + (uint16_t)~old_word + new_word;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Decrement the IPv4 TTL (updating the header checksum incrementally) or the
 * IPv6 hop limit of a packet gw_l3_parse() accepted. A packet whose TTL would
 * reach 0 (RFC 1812 5.3.1, RFC 8200 3) is left untouched and TTL_EXPIRED is
 * returned: the caller answers with ICMP time exceeded.
 */
static inline enum gw_drop
gw_l3_ttl_decrement(struct rte_mbuf *m)
{
	if (gw_meta(m)->l3 == GW_L3_IPV4) {
		struct rte_ipv4_hdr *ip =
			rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);
		uint16_t old_word, new_word;

		if (ip->time_to_live <= 1)
			return GW_DROP_TTL_EXPIRED;
		old_word = (uint16_t)(ip->time_to_live << 8 | ip->next_proto_id);
		ip->time_to_live--;
		new_word = (uint16_t)(ip->time_to_live << 8 | ip->next_proto_id);
		ip->hdr_checksum = rte_cpu_to_be_16(gw_l3_cksum_adjust(
			rte_be_to_cpu_16(ip->hdr_checksum), old_word, new_word));
	} else {
		struct rte_ipv6_hdr *ip =
			rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, m->l2_len);

		if (ip->hop_limits <= 1)
			return GW_DROP_TTL_EXPIRED;
		ip->hop_limits--;
	}
	gw_meta(m)->flags |= GW_META_F_TTL_DONE;
	return GW_DROP_NONE;
}

/*
 * True for an IPv4 fragment (MF set or non-zero offset) or an IPv6 packet
 * whose first extension header is a Fragment header. Only valid after
 * gw_l3_parse() accepted the packet.
 */
static inline bool
gw_l3_is_fragment(const struct rte_mbuf *m)
{
	const struct gw_meta *meta = (const struct gw_meta *)(const void *)(m + 1);

	if (meta->l3 == GW_L3_IPV4) {
		const struct rte_ipv4_hdr *ip =
			rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, m->l2_len);

		return (ip->fragment_offset &
			RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0;
	}
	if (meta->l3 == GW_L3_IPV6) {
		const struct rte_ipv6_hdr *ip =
			rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, m->l2_len);

		return ip->proto == GW_L3_IPPROTO_FRAGMENT;
	}
	return false;
}

#endif /* GW_L3_H */
