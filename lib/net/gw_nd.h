/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_ND_H
#define GW_ND_H

/*
 * IPv6 Neighbor Discovery (RFC 4861): parser for Neighbor Solicitation and
 * Advertisement (no EAL needed: fuzzed on plain buffers) and a Neighbor
 * Solicitation builder for the control thread.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#define GW_ND_NS 135
#define GW_ND_NA 136
#define GW_ND_OPT_SLLA 1
#define GW_ND_OPT_TLLA 2
#define GW_ND_NA_F_ROUTER 0x80
#define GW_ND_NA_F_SOLICITED 0x40
#define GW_ND_NA_F_OVERRIDE 0x20

struct gw_nd_info {
	uint8_t type;			/* GW_ND_NS / GW_ND_NA */
	uint8_t flags;			/* NA: GW_ND_NA_F_* */
	bool has_lladdr;		/* NS: source, NA: target link-layer address */
	struct rte_ether_addr lladdr;
	uint8_t target[16];
	uint8_t src[16];		/* IPv6 source */
	uint8_t dst[16];
};

/*
 * Parse an NS or NA starting at the IPv6 header, with the validity checks
 * of RFC 4861 7.1.1 / 7.1.2: no extension headers, hop limit 255, ICMPv6
 * checksum, code 0, length >= 24, target not multicast, options non-zero
 * length and within the packet; NS from :: goes to a solicited-node address
 * and carries no source link-layer option; an NA to a multicast destination
 * has S clear. Returns 0, -EMSGSIZE (short), -EBADMSG (checksum) or -EINVAL.
 */
int gw_nd_parse(const uint8_t *ip6, size_t len, struct gw_nd_info *out);

/* Same from the Ethernet header (one 802.1Q tag allowed). */
int gw_nd_parse_frame(const uint8_t *frame, size_t len, struct gw_nd_info *out);

/* ff02::1:ffXX:XXXX and 33:33:ff:XX:XX:XX for target (RFC 4291 2.7.1, RFC 2464 7). */
void gw_nd_solicited_node(const uint8_t target[16], uint8_t group[16],
			  struct rte_ether_addr *mac);

/*
 * Fill the empty mbuf m with an NS for target from (src_mac, src): to the
 * solicited-node multicast group, or unicast to (dst_mac, target) when
 * dst_mac is not NULL (reachability confirmation, RFC 4861 7.3.3). Carries
 * the source link-layer address option. 0 or -ENOSPC.
 */
int gw_nd_build_ns(struct rte_mbuf *m, const struct rte_ether_addr *src_mac,
		   const uint8_t src[16], const uint8_t target[16],
		   const struct rte_ether_addr *dst_mac);

#endif /* GW_ND_H */
