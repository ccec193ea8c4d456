/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_NET_WIRE_H
#define GW_NET_WIRE_H

/* Bounded helpers shared by the lib/net wire parsers (internal). */

#include <stddef.h>
#include <stdint.h>
#include <rte_ether.h>
#include <rte_ip.h>

/* Skip Ethernet and at most one 802.1Q tag: *off = payload offset, *type host order. */
static inline int
gw_net_eth_skip(const uint8_t *f, size_t len, size_t *off, uint16_t *type)
{
	size_t o = sizeof(struct rte_ether_hdr);

	if (f == NULL || len < o)
		return -1;
	*type = (uint16_t)(f[12] << 8 | f[13]);
	if (*type == RTE_ETHER_TYPE_VLAN) {
		if (len < o + sizeof(struct rte_vlan_hdr))
			return -1;
		*type = (uint16_t)(f[16] << 8 | f[17]);
		o += sizeof(struct rte_vlan_hdr);
	}
	*off = o;
	return 0;
}

/*
 * One's-complement sum over the IPv6 pseudo-header (RFC 8200 8.1, using
 * ip->payload_len and ip->proto) and len bytes of upper-layer data.
 * Returns the folded sum of native 16-bit loads (like rte_raw_cksum): 0xffff
 * over a packet with a correct checksum; store ~sum with memcpy, not byte-swapped.
 */
static inline uint16_t
gw_net_sum6(const struct rte_ipv6_hdr *ip, const void *l4, size_t len)
{
	uint32_t s = (uint32_t)rte_ipv6_phdr_cksum(ip, 0) + rte_raw_cksum(l4, len);

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

#endif /* GW_NET_WIRE_H */
