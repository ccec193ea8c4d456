/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FRAG_PRIV_H
#define FRAG_PRIV_H

/* Internals of lib/frag shared by its .c files; not installed, not exported. */

#include <stdint.h>
#include <rte_byteorder.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "gw_common.h"
#include "gw_frag.h"

struct frag_src {
	rte_be32_t v4;		/* 0: none */
	uint8_t v6[16];
	bool has_v6;
};

struct gw_frag_ctx {
	struct rte_mempool *pool;
	uint16_t ip_id;		/* identification of the ICMPv4 errors */
	uint32_t ip6_id;	/* identification of outer IPv6 fragments */
	/* ICMP token bucket, in TSC cycles: one token costs tb_cost cycles. */
	uint64_t tb_cost;
	uint64_t tb_max;
	uint64_t tb_credit;
	uint64_t tb_last;
	struct gw_frag_stats st;
	struct frag_src src[GW_MAX_PORTS];
} __rte_cache_aligned;

/*
 * Minimal ICMP error builders (lib/net's builders were not available when
 * lib/frag was written; these can be replaced by them without changing the
 * gw_frag API). orig: the offending packet, IP header at offset l2. Return a
 * new mbuf from pool whose data starts at the IP header, or NULL (no mbuf).
 */
struct rte_mbuf *frag_icmp4_frag_needed(struct rte_mempool *pool, struct rte_mbuf *orig,
					uint16_t l2, rte_be32_t src, uint16_t mtu, uint16_t id);
struct rte_mbuf *frag_icmp6_ptb(struct rte_mempool *pool, struct rte_mbuf *orig, uint16_t l2,
				const uint8_t src[16], uint32_t mtu);

/* RFC 1812 4.3.2.7 / RFC 4443 2.4 (e): may an error be sent about this packet? */
bool frag_icmp4_allowed(const struct rte_mbuf *orig, uint16_t l2);
bool frag_icmp6_allowed(const struct rte_mbuf *orig, uint16_t l2);

/* Copy what a packet derived from orig must inherit (meta, port, hash, ...). */
void frag_copy_md(struct rte_mbuf *dst, const struct rte_mbuf *orig);

#endif /* FRAG_PRIV_H */
