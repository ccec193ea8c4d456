/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_COMMON_H
#define GW_COMMON_H

#include <stdint.h>
#include <stdbool.h>
#include <rte_common.h>
#include <rte_mbuf.h>

/* Largest burst any stage handles; fast-path arrays are sized by it. */
#define GW_MAX_BURST 32
#define GW_MAX_PORTS 16
#define GW_IFNAME_LEN 32

/* Address family of the packet's (outer, at this stage) L3 header. */
enum gw_l3 {
	GW_L3_NONE = 0,
	GW_L3_IPV4,
	GW_L3_IPV6,
};

/* What classify decided for a packet; later stages branch on it. */
enum gw_action {
	GW_ACT_FORWARD = 0,	/* plain routing */
	GW_ACT_LOCAL,		/* for the appliance: exception path to the kernel */
	GW_ACT_ENCRYPT,		/* outbound SPD protect: meta.sa is the SA */
	GW_ACT_DECRYPT,		/* inbound ESP: meta.sa is the SA */
};

/*
 * Per-packet metadata kept in the mbuf private area (the pool is created
 * with priv_size = sizeof(struct gw_meta) rounded up).
 */
struct gw_meta {
	uint16_t in_port;	/* DPDK port id the packet arrived on */
	uint16_t out_port;	/* set by the route stage */
	uint8_t drop;		/* enum gw_drop, GW_DROP_NONE while good */
	uint8_t l3;		/* enum gw_l3 */
	uint8_t action;		/* enum gw_action */
	uint8_t flags;		/* GW_META_F_* */
	uint32_t flow_hash;	/* RSS or software hash of the inner flow */
	void *sa;		/* struct gw_sa * when action is ENCRYPT/DECRYPT */
	uint32_t sa_slot;	/* ENCRYPT: SPD slot the SA came from (re-read across lcores) */
	union {
		uint32_t nh4;		/* next hop, network order */
		uint8_t nh6[16];
	};
};

#define GW_META_F_TTL_DONE	0x01	/* TTL/hop limit already decremented */
#define GW_META_F_DECRYPTED	0x02	/* came out of an inbound SA */
#define GW_META_F_REROUTE	0x04	/* built by the gateway (ICMP error): route it afresh */
#define GW_META_F_ROUTED_KEEP	0x08	/* header preservation: the route classify found
					 * for the packet holds after encryption or
					 * decryption (same destination) */
#define GW_META_F_OUTER_ROUTED	0x10	/* inbound ESP that classify routed (FORWARD) */
#define GW_META_F_CUT		0x20	/* IPv4, DF clear, over the egress MTU: the TX
					 * stage fragments it (RFC 791, RFC 1812 5.2.6) */

static inline struct gw_meta *
gw_meta(struct rte_mbuf *m)
{
	return (struct gw_meta *)rte_mbuf_to_priv(m);
}

#define GW_META_PRIV_SIZE RTE_ALIGN(sizeof(struct gw_meta), RTE_MBUF_PRIV_ALIGN)

#endif /* GW_COMMON_H */
