/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DP_CLASSIFY4_H
#define DP_CLASSIFY4_H

/*
 * The fused IPv4 classify pass: one visit per packet of the common case
 * (untagged IPv4 without options, not a fragment, unicast to the port's MAC
 * and to a unicast address, no link-local address and no source that may be
 * one of ours) does what classify's separate passes do to it: the L2/L3
 * checks of gw_l3_parse(), the destination gathered for the burst's LPM
 * lookup, the ESP pre-check (and the SPI) and the SPD tuple. Every other
 * packet is refused before anything of it is written and takes classify's
 * general path (lib/dp/dp_stages.c), which checks it from the start: a
 * packet the pass takes is one the general path would have accepted up to
 * the route lookup with the same result, so drop reasons, counters and their
 * order of precedence are the general path's.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "gw_dp.h"
#include "gw_esp.h"
#include "gw_l3.h"
#include "gw_route.h"
#include "gw_spd.h"

/* What the IPsec part of classify will do with a packet the pass took. */
enum dp_fast4_kind {
	DP_FAST4_CLEAR = 0,	/* cannot be ESP: to the SPD with its tuple */
	DP_FAST4_ESP,		/* ESP (protocol 50) with its SPI: to the SAD */
	DP_FAST4_OTHER,		/* UDP to an ESP-capable port, bad ESP: dp_ipsec_classify() */
};

/* The packets of one burst the pass took, in order, and what it gathered. */
struct dp_fast4 {
	uint16_t n;
	uint16_t nb_clear;
	bool ipsec;			/* dp->has_ipsec: gather the ESP and SPD parts */
	uint64_t own_bits;		/* the route table's, read once a burst */
	struct rte_mbuf *pkts[GW_MAX_BURST];
	rte_be32_t dst[GW_MAX_BURST];	/* for the LPM lookup */
	rte_be32_t spi[GW_MAX_BURST];	/* DP_FAST4_ESP */
	uint8_t kind[GW_MAX_BURST];	/* enum dp_fast4_kind */
	uint8_t clear_of[GW_MAX_BURST];	/* DP_FAST4_CLEAR: its tuple's index in t4 */
	struct gw_spd_tuple4 t4[GW_MAX_BURST];
};

static inline void
dp_fast4_begin(const struct gw_dp *dp, struct dp_fast4 *f)
{
	f->n = 0;
	f->nb_clear = 0;
	f->ipsec = dp->has_ipsec;
	f->own_bits = __atomic_load_n(&dp->routes->own_bits, __ATOMIC_RELAXED);
}

/* The ESP pre-check of a taken packet (classify's could_be_esp() and ESP parse). */
static inline uint8_t
dp_fast4_esp_kind(const struct rte_ipv4_hdr *ip, uint16_t tlen, rte_be32_t *spi)
{
	const uint8_t *l4 = (const uint8_t *)(ip + 1);
	uint16_t dport;

	if (ip->next_proto_id == IPPROTO_ESP) {
		/* SPI and sequence number; SPI 0 is reserved (RFC 4303 2.1) */
		if (tlen < sizeof(*ip) + 8)
			return DP_FAST4_OTHER;
		memcpy(spi, l4, 4);
		return *spi != 0 ? DP_FAST4_ESP : DP_FAST4_OTHER;
	}
	if (ip->next_proto_id != IPPROTO_UDP)
		return DP_FAST4_CLEAR;
	if (tlen < sizeof(*ip) + sizeof(struct rte_udp_hdr))
		return DP_FAST4_OTHER;
	memcpy(&dport, l4 + offsetof(struct rte_udp_hdr, dst_port), 2);
	return gw_esp_udp_port_may_carry_esp(rte_be_to_cpu_16(dport)) ? DP_FAST4_OTHER :
		DP_FAST4_CLEAR;
}

/*
 * Take m into the pass if it is of the common case; false (and m untouched)
 * otherwise. Taken: checked, trimmed to its IP length, l2_len/l3_len and
 * meta->l3 set as gw_l3_parse() sets them, its destination, ESP kind and
 * SPD tuple gathered. The checks are gw_l3_parse()'s and classify's, each
 * refusal sending the packet to the general path, which names the reason.
 */
static inline bool
dp_fast4_take(const struct gw_dp *dp, struct dp_fast4 *f, struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	struct gw_meta *meta = gw_meta(m);
	uint16_t dlen = rte_pktmbuf_data_len(m), tlen, i;
	uint64_t csum = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	rte_be32_t src, dst;

	if (m->nb_segs != 1 || dlen != rte_pktmbuf_pkt_len(m) ||
	    dlen < GW_L3_ETH_LEN + GW_L3_IPV4_MIN_LEN ||
	    eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    ip->version_ihl != RTE_IPV4_VHL_DEF)
		return false;
	tlen = rte_be_to_cpu_16(ip->total_length);
	if (tlen < GW_L3_IPV4_MIN_LEN || tlen > dlen - GW_L3_ETH_LEN)
		return false;
	if (csum != RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
	    (csum == RTE_MBUF_F_RX_IP_CKSUM_BAD || !gw_l3_ipv4_cksum_ok(ip, GW_L3_IPV4_MIN_LEN)))
		return false;
	memcpy(&src, &ip->src_addr, 4);
	memcpy(&dst, &ip->dst_addr, 4);
	if (gw_l3_ipv4_src_bad(src) || gw_l3_ipv4_dst_bad(dst) || gw_l3_ipv4_dst_is_group(dst) ||
	    gw_l3_ipv4_is_link_local(src) || gw_l3_ipv4_is_link_local(dst) ||
	    (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		return false;
	if (!rte_is_same_ether_addr(&eth->dst_addr, &dp->ports[meta->in_port].mac) ||
	    (f->own_bits & (UINT64_C(1) << gw_route_own_bit(&src, false))) != 0)
		return false;
	/* Taken: what gw_l3_parse() does to a good IPv4 frame. */
	if (dlen > GW_L3_ETH_LEN + tlen)
		rte_pktmbuf_trim(m, (uint16_t)(dlen - GW_L3_ETH_LEN - tlen));
	gw_l3_set_lens(m, GW_L3_ETH_LEN, GW_L3_IPV4_MIN_LEN);
	meta->l3 = GW_L3_IPV4;
	i = f->n++;
	f->pkts[i] = m;
	f->dst[i] = dst;
	if (f->ipsec) {
		f->kind[i] = dp_fast4_esp_kind(ip, tlen, &f->spi[i]);
		if (f->kind[i] == DP_FAST4_CLEAR) {
			f->clear_of[i] = (uint8_t)f->nb_clear;
			gw_spd_tuple4_fill(&f->t4[f->nb_clear++], (const uint8_t *)ip, tlen);
		}
	}
	return true;
}

/*
 * The rest of classify for the packets the pass took: the route lookup
 * (gw_route_lookup_burst()'s results), then the IPsec decisions
 * (dp_ipsec_classify()'s). Nothing is moved or freed.
 */
void dp_fast4_finish(struct gw_dp *dp, struct dp_fast4 *f);

#endif /* DP_CLASSIFY4_H */
