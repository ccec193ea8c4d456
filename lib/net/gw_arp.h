/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_ARP_H
#define GW_ARP_H

/*
 * ARP (RFC 826) for Ethernet/IPv4: a wire parser that needs no EAL (it is
 * fuzzed on plain buffers) and a request builder for the control thread.
 */

#include <stddef.h>
#include <stdint.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#define GW_ARP_LEN 28		/* Ethernet/IPv4 ARP body */
#define GW_ETH_MIN_FRAME 60	/* without FCS */

struct gw_arp_info {
	uint16_t op;			/* RTE_ARP_OP_REQUEST / RTE_ARP_OP_REPLY */
	struct rte_ether_addr sha;	/* sender hardware address */
	struct rte_ether_addr tha;
	rte_be32_t spa;			/* sender IP, 0 in an ARP probe (RFC 5227) */
	rte_be32_t tpa;
};

/*
 * Parse the ARP body (after the Ethernet header). Accepts request and reply
 * for Ethernet/IPv4 only; the sender MAC must be unicast and non-zero.
 * Returns 0, or -EINVAL (malformed / unsupported) or -EMSGSIZE (short).
 */
int gw_arp_parse(const uint8_t *p, size_t len, struct gw_arp_info *out);

/* Same from the Ethernet header (one 802.1Q tag allowed). */
int gw_arp_parse_frame(const uint8_t *frame, size_t len, struct gw_arp_info *out);

/*
 * Fill the empty mbuf m with an ARP request for tip from (src_mac, sip):
 * broadcast, or unicast to dst_mac when it is not NULL (refresh of a known
 * entry). Padded to the 60-byte minimum frame. 0 or -ENOSPC.
 */
int gw_arp_build_request(struct rte_mbuf *m, const struct rte_ether_addr *src_mac,
			 rte_be32_t sip, rte_be32_t tip, const struct rte_ether_addr *dst_mac);

#endif /* GW_ARP_H */
