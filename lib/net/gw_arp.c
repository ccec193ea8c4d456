/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP wire parser and request builder. */

#include <errno.h>
#include <string.h>
#include <rte_arp.h>

#include "gw_arp.h"
#include "gw_net_wire.h"

int
gw_arp_parse(const uint8_t *p, size_t len, struct gw_arp_info *out)
{
	struct rte_arp_hdr h;

	if (p == NULL || out == NULL)
		return -EINVAL;
	if (len < GW_ARP_LEN)
		return -EMSGSIZE;
	memcpy(&h, p, GW_ARP_LEN);
	if (h.arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    h.arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    h.arp_hlen != RTE_ETHER_ADDR_LEN || h.arp_plen != 4)
		return -EINVAL;
	out->op = rte_be_to_cpu_16(h.arp_opcode);
	if (out->op != RTE_ARP_OP_REQUEST && out->op != RTE_ARP_OP_REPLY)
		return -EINVAL;
	out->sha = h.arp_data.arp_sha;
	out->tha = h.arp_data.arp_tha;
	out->spa = h.arp_data.arp_sip;
	out->tpa = h.arp_data.arp_tip;
	if (!rte_is_valid_assigned_ether_addr(&out->sha))
		return -EINVAL;
	return 0;
}

int
gw_arp_parse_frame(const uint8_t *frame, size_t len, struct gw_arp_info *out)
{
	size_t off;
	uint16_t type;

	if (gw_net_eth_skip(frame, len, &off, &type) != 0)
		return -EMSGSIZE;
	if (type != RTE_ETHER_TYPE_ARP)
		return -EINVAL;
	return gw_arp_parse(frame + off, len - off, out);
}

int
gw_arp_build_request(struct rte_mbuf *m, const struct rte_ether_addr *src_mac,
		     rte_be32_t sip, rte_be32_t tip, const struct rte_ether_addr *dst_mac)
{
	static const struct rte_ether_addr bcast = {{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }};
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, GW_ETH_MIN_FRAME);

	if (p == NULL)
		return -ENOSPC;
	memset(p, 0, GW_ETH_MIN_FRAME);
	eth = (struct rte_ether_hdr *)p;
	eth->dst_addr = dst_mac != NULL ? *dst_mac : bcast;
	eth->src_addr = *src_mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	arp = (struct rte_arp_hdr *)(eth + 1);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = *src_mac;
	arp->arp_data.arp_sip = sip;
	arp->arp_data.arp_tip = tip;	/* tha stays zero */
	m->l2_len = sizeof(*eth);
	return 0;
}
