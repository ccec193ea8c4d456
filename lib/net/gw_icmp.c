/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMPv4 / ICMPv6 error messages quoting the offending packet. */

#include <errno.h>
#include <string.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_icmp.h>

#include "gw_icmp.h"
#include "gw_net_wire.h"

#define ICMP_HDR_LEN 8
#define ICMP4_TIME_EXCEEDED 11
#define ICMP4_UNREACH 3
#define ICMP4_UNREACH_NEEDFRAG 4
#define ICMP6_PACKET_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED 3
#define ICMP_TTL 64
#define ICMP4_TOS 0xc0		/* precedence 6, internetwork control (RFC 1812 4.3.2.5) */

static bool
icmp4_is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* Append Ethernet with orig's addresses swapped; returns the header or NULL. */
static struct rte_ether_hdr *
reply_eth(struct rte_mbuf *out, const struct rte_mbuf *orig, uint16_t type)
{
	const struct rte_ether_hdr *oe = rte_pktmbuf_mtod(orig, const struct rte_ether_hdr *);
	struct rte_ether_hdr *eth;

	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(out, sizeof(*eth));
	if (eth == NULL)
		return NULL;
	eth->dst_addr = oe->src_addr;
	eth->src_addr = oe->dst_addr;
	eth->ether_type = rte_cpu_to_be_16(type);
	out->l2_len = sizeof(*eth);
	return eth;
}

/* The offending IP packet: start and length within orig. */
static int
orig_l3(const struct rte_mbuf *orig, size_t min, const uint8_t **ip, size_t *len)
{
	const struct rte_ether_hdr *oe;

	if (orig->l2_len < sizeof(*oe) || rte_pktmbuf_data_len(orig) < orig->l2_len + min)
		return -EINVAL;
	oe = rte_pktmbuf_mtod(orig, const struct rte_ether_hdr *);
	/* No error for a frame sent to a link-layer group (RFC 1812 4.3.2.7). */
	if (!rte_is_unicast_ether_addr(&oe->dst_addr))
		return -EPERM;
	*ip = rte_pktmbuf_mtod_offset(orig, const uint8_t *, orig->l2_len);
	*len = rte_pktmbuf_data_len(orig) - orig->l2_len;
	return 0;
}

static int
icmp4_error(struct rte_mbuf *out, const struct rte_mbuf *orig, rte_be32_t src, uint8_t type,
	    uint8_t code, uint16_t mtu)
{
	struct rte_ipv4_hdr oh, *ip;
	const uint8_t *oip;
	uint8_t *icmp;
	size_t olen, qlen, hl;
	uint16_t ck;
	int ret;

	ret = orig_l3(orig, sizeof(oh), &oip, &olen);
	if (ret != 0)
		return ret;
	memcpy(&oh, oip, sizeof(oh));
	hl = rte_ipv4_hdr_len(&oh);
	if ((oh.version_ihl >> 4) != 4 || hl < sizeof(oh) || hl > olen)
		return -EINVAL;
	if (rte_be_to_cpu_16(oh.fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK)
		return -EPERM;			/* not the first fragment */
	if ((rte_be_to_cpu_32(oh.dst_addr) >> 28) >= 0xe ||
	    (rte_be_to_cpu_32(oh.src_addr) >> 28) >= 0xe ||
	    (rte_be_to_cpu_32(oh.src_addr) >> 24) == 0 ||
	    (rte_be_to_cpu_32(oh.src_addr) >> 24) == 127)
		return -EPERM;			/* group or unusable addresses */
	if (oh.next_proto_id == IPPROTO_ICMP && (olen < hl + 1 || icmp4_is_error(oip[hl])))
		return -EPERM;			/* never an error about an error */
	olen = RTE_MIN(olen, (size_t)rte_be_to_cpu_16(oh.total_length));
	qlen = RTE_MIN(olen, (size_t)GW_ICMP4_MAX_LEN - sizeof(*ip) - ICMP_HDR_LEN);

	if (reply_eth(out, orig, RTE_ETHER_TYPE_IPV4) == NULL)
		return -ENOSPC;
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(out, sizeof(*ip) + ICMP_HDR_LEN + qlen);
	if (ip == NULL)
		return -ENOSPC;
	memset(ip, 0, sizeof(*ip) + ICMP_HDR_LEN);
	ip->version_ihl = 0x45;
	ip->type_of_service = ICMP4_TOS;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + ICMP_HDR_LEN + qlen));
	ip->time_to_live = ICMP_TTL;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = src;
	ip->dst_addr = oh.src_addr;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp = (uint8_t *)(ip + 1);
	icmp[0] = type;
	icmp[1] = code;
	icmp[6] = (uint8_t)(mtu >> 8);	/* RFC 1191: next-hop MTU in the low half */
	icmp[7] = (uint8_t)mtu;
	memcpy(icmp + ICMP_HDR_LEN, oip, qlen);
	/* rte_raw_cksum sums native 16-bit loads: store the result the same way. */
	ck = (uint16_t)~rte_raw_cksum(icmp, ICMP_HDR_LEN + qlen);
	memcpy(icmp + 2, &ck, 2);
	out->l3_len = sizeof(*ip);
	return 0;
}

int
gw_icmp4_time_exceeded(struct rte_mbuf *out, const struct rte_mbuf *orig, rte_be32_t src)
{
	return icmp4_error(out, orig, src, ICMP4_TIME_EXCEEDED, 0, 0);
}

int
gw_icmp4_frag_needed(struct rte_mbuf *out, const struct rte_mbuf *orig, rte_be32_t src,
		     uint16_t mtu)
{
	return icmp4_error(out, orig, src, ICMP4_UNREACH, ICMP4_UNREACH_NEEDFRAG, mtu);
}

static int
icmp6_error(struct rte_mbuf *out, const struct rte_mbuf *orig, const uint8_t src[16],
	    uint8_t type, uint32_t info)
{
	static const uint8_t zero[16];
	struct rte_ipv6_hdr oh, *ip;
	const uint8_t *oip;
	uint8_t *icmp;
	size_t olen, qlen;
	uint16_t ck;
	int ret;

	ret = orig_l3(orig, sizeof(oh), &oip, &olen);
	/* RFC 4443 2.4(e.3): packet too big is sent even for multicast. */
	if (ret == -EPERM && type == ICMP6_PACKET_TOO_BIG) {
		oip = rte_pktmbuf_mtod_offset(orig, const uint8_t *, orig->l2_len);
		olen = rte_pktmbuf_data_len(orig) - orig->l2_len;
		ret = 0;
	}
	if (ret != 0)
		return ret;
	memcpy(&oh, oip, sizeof(oh));
	if ((rte_be_to_cpu_32(oh.vtc_flow) >> 28) != 6)
		return -EINVAL;
	if (oh.src_addr[0] == 0xff || memcmp(oh.src_addr, zero, 16) == 0)
		return -EPERM;			/* 2.4(e.6) */
	if (oh.dst_addr[0] == 0xff && type != ICMP6_PACKET_TOO_BIG)
		return -EPERM;			/* 2.4(e.3) */
	if (oh.proto == IPPROTO_ICMPV6 && (olen < sizeof(oh) + 1 || oip[sizeof(oh)] < 128))
		return -EPERM;			/* 2.4(e.1) */
	olen = RTE_MIN(olen, sizeof(oh) + rte_be_to_cpu_16(oh.payload_len));
	qlen = RTE_MIN(olen, (size_t)GW_ICMP6_MAX_LEN - sizeof(*ip) - ICMP_HDR_LEN);

	if (reply_eth(out, orig, RTE_ETHER_TYPE_IPV6) == NULL)
		return -ENOSPC;
	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_append(out, sizeof(*ip) + ICMP_HDR_LEN + qlen);
	if (ip == NULL)
		return -ENOSPC;
	memset(ip, 0, sizeof(*ip) + ICMP_HDR_LEN);
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)(ICMP_HDR_LEN + qlen));
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = ICMP_TTL;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, oh.src_addr, 16);
	icmp = (uint8_t *)(ip + 1);
	icmp[0] = type;
	icmp[4] = (uint8_t)(info >> 24);
	icmp[5] = (uint8_t)(info >> 16);
	icmp[6] = (uint8_t)(info >> 8);
	icmp[7] = (uint8_t)info;
	memcpy(icmp + ICMP_HDR_LEN, oip, qlen);
	ck = (uint16_t)~gw_net_sum6(ip, icmp, ICMP_HDR_LEN + qlen);
	memcpy(icmp + 2, &ck, 2);
	out->l3_len = sizeof(*ip);
	return 0;
}

int
gw_icmp6_time_exceeded(struct rte_mbuf *out, const struct rte_mbuf *orig, const uint8_t src[16])
{
	return icmp6_error(out, orig, src, ICMP6_TIME_EXCEEDED, 0);
}

int
gw_icmp6_packet_too_big(struct rte_mbuf *out, const struct rte_mbuf *orig, const uint8_t src[16],
			uint32_t mtu)
{
	return icmp6_error(out, orig, src, ICMP6_PACKET_TOO_BIG, mtu);
}

void
gw_icmp_rl_init(struct gw_icmp_rl *rl, uint32_t rate, uint32_t burst, uint64_t hz, uint64_t now)
{
	rl->cost = rate != 0 ? hz / rate : 0;
	rl->cap = rl->cost * (burst != 0 ? burst : 1);
	rl->tokens = rl->cap;
	rl->last = now;
}
