/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_FRAG_H
#define GW_FRAG_H

/*
 * Path MTU handling on the encrypt path.
 *
 * Before encryption (gw_frag_inner_burst): an inner packet may be at most
 * T - O bytes (T = tunnel MTU of the SA, O = worst-case ESP overhead the
 * caller computed for that SA: outer IP, optional UDP, ESP header, IV, max
 * padding, ICV, optional 12-byte delay-detection header) so that the ESP
 * packet fits in T. A larger packet is
 *   - IPv4, DF clear (or cleared by clear-dont-fragment-bit): fragmented
 *     (RFC 791) into fresh single-segment mbufs that are each encrypted on
 *     their own;
 *   - IPv4, DF set: dropped with GW_DROP_FRAG_NEEDED and answered with an
 *     ICMPv4 destination unreachable / fragmentation needed carrying the
 *     next-hop MTU T - O (RFC 1191);
 *   - IPv6 larger than 1280: dropped with GW_DROP_FRAG_NEEDED and answered
 *     with an ICMPv6 Packet Too Big carrying max(1280, T - O) (RFC 4443,
 *     RFC 8200: routers never fragment). An IPv6 packet of at most 1280
 *     bytes is always tunnelled: when T - O < 1280 the ESP packet is larger
 *     than T and must be fragmented after encryption (gw_frag_outer_burst),
 *     because 1280 is the minimum link MTU IPv6 promises (RFC 8200 section 5);
 *   - passive-mode-tunneling: tunnelled as is, no IP checks, no ICMP; the
 *     ESP packet is then fragmented after encryption (gw_frag_outer_burst).
 * ICMP errors are rate-limited by a token bucket in the (per-lcore) context.
 *
 * After encryption (gw_frag_outer_burst): outer packets larger than the
 * given MTU are fragmented (IPv4 outer with DF clear, with a fresh
 * identification shared by all lcores, and IPv6 outer: the gateway is the
 * source of the outer packet, so RFC 8200 allows it to fragment); an outer
 * IPv4 packet with DF set that does not fit is dropped with
 * GW_DROP_MTU_EXCEEDED (the DF bit on the outer header is the operator's
 * explicit choice: "df-bit set"), except by gw_frag_outer_burst_min6, for
 * ESP packets that carry IPv6 of at most 1280 bytes, which clears DF.
 *
 * Both burst functions consume their input: every input packet ends up
 * exactly once either in out[] as itself, replaced by its fragments (the
 * original mbuf is freed here), or in the tail of out[] with
 * gw_meta(m)->drop set (the caller counts and frees those, as with every
 * stage). Fragments are placed where the original was, in order, and carry
 * a copy of its struct gw_meta.
 *
 * Packets: single-segment mbufs whose data starts with m->l2_len bytes of
 * L2 header (0 in the ESP stage) followed by the IP header. Fragments copy
 * those L2 bytes. MTUs count IP bytes only.
 *
 * A context is used by one lcore at a time (no locking, no atomics).
 */

#include <stdbool.h>
#include <stdint.h>
#include <rte_byteorder.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "gw_common.h"
#include "gw_stats.h"

/* Smallest MTU a fragment may be cut to (RFC 791: 68; lower is refused). */
#define GW_FRAG_MIN_MTU_V4 68
/* IPv6 minimum link MTU (RFC 8200 section 5). */
#define GW_FRAG_MIN_MTU_V6 1280
/* Fragments one packet may be cut into; more are dropped (MTU_EXCEEDED). */
#define GW_FRAG_MAX_PER_PKT 64
/* Suggested size of out[] for a full burst: a few fragments per packet. */
#define GW_FRAG_OUT_MAX (GW_MAX_BURST * 4)

/* ICMPv4 quotes at most this much so that the error fits in 576 bytes. */
#define GW_FRAG_ICMP4_MAX_LEN 576
/* ICMPv6 errors fit in the IPv6 minimum MTU (RFC 4443 2.4 (c)). */
#define GW_FRAG_ICMP6_MAX_LEN 1280

/* Per-SA parameters, computed once at SA install (gw_frag_params_init). */
struct gw_frag_params {
	uint16_t tunnel_mtu;	/* T */
	uint16_t overhead;	/* O */
	uint16_t max_inner;	/* T - O: largest inner packet tunnelled as is */
	uint16_t pmtu_v6;	/* max(1280, T - O): MTU reported in Packet Too Big */
	bool clear_df;		/* clear-dont-fragment-bit */
	bool passive;		/* passive-mode-tunneling */
};

/*
 * Fill p. Returns 0, or -EINVAL when T - O is smaller than 68 (nothing
 * could be tunnelled) and the mode is not passive.
 */
int gw_frag_params_init(struct gw_frag_params *p, uint16_t tunnel_mtu, uint16_t overhead,
			bool clear_df, bool passive);

/* Counters of one context (only its lcore writes them). */
struct gw_frag_stats {
	uint64_t fragmented;	/* inner or outer packets cut */
	uint64_t fragments;	/* fragments produced */
	uint64_t df_cleared;	/* DF cleared by clear-dont-fragment-bit */
	uint64_t icmp_sent;	/* ICMP errors built and handed back */
	uint64_t icmp_ratelimited;	/* not built: token bucket empty */
	uint64_t icmp_suppressed;	/* not built: RFC rules, no source, array full */
	uint64_t icmp_nombuf;	/* not built: pool empty */
	uint64_t df_overridden;	/* outer DF cleared so that IPv6 <= 1280 crosses */
};

struct gw_frag_ctx;

/*
 * Per-lcore context. pool: where fragments and ICMP errors are allocated;
 * its private area must hold a struct gw_meta. icmp_rate: ICMP errors per
 * second (0 disables ICMP), icmp_burst: bucket depth (0 -> 10).
 * Returns NULL and sets errno (EINVAL, ENOMEM).
 */
struct gw_frag_ctx *gw_frag_ctx_create(int socket_id, struct rte_mempool *pool,
				       uint32_t icmp_rate, uint32_t icmp_burst);
void gw_frag_ctx_free(struct gw_frag_ctx *ctx);

/*
 * Source address of the ICMP errors answering packets that came in on
 * port (the appliance's address on that interface). src4 in network order,
 * 0 = none; src6 NULL = none. No source, no ICMP for that family.
 * Returns 0 or -EINVAL (port >= GW_MAX_PORTS).
 */
int gw_frag_ctx_set_src(struct gw_frag_ctx *ctx, uint16_t port, rte_be32_t src4,
			const uint8_t src6[16]);

void gw_frag_ctx_stats(const struct gw_frag_ctx *ctx, struct gw_frag_stats *st);

/*
 * Enforce the tunnel MTU on a burst of inner packets about to be encrypted
 * by the SA described by p.
 *
 * in[0, n): input, consumed (see the contract at the top). out[0, out_max):
 * output, not overlapping in[]; out_max must be >= n. On return out[0, ret) are the packets to
 * encrypt and out[ret, *nb_out) the dropped inputs, meta->drop set:
 *   FRAG_NEEDED   DF set (IPv4) or IPv6 too big; an ICMP error may be queued
 *   NO_MBUF       pool empty while fragmenting
 *   MTU_EXCEEDED  fragments did not fit in out[] or T - O too small
 *   BAD_IP_HDR / BAD_IP_LEN / BAD_IP_VERSION  malformed inner header
 *   FRAGMENT_UNSUPPORTED  oversize multi-segment mbuf
 * icmp[0, icmp_max): ICMP errors (new mbufs, data at the IP header,
 * l2_len 0, l3_len and meta->l3 set, meta copied from the offending packet
 * with action GW_ACT_FORWARD, sa NULL, drop NONE) towards the senders; the
 * caller routes them. *nb_icmp is set to how many were added.
 * Returns the number of good packets, or -EINVAL (out_max < n or NULL
 * arguments; nothing consumed then).
 */
int gw_frag_inner_burst(struct gw_frag_ctx *ctx, const struct gw_frag_params *p,
			struct rte_mbuf **in, uint16_t n,
			struct rte_mbuf **out, uint16_t out_max, uint16_t *nb_out,
			struct rte_mbuf **icmp, uint16_t icmp_max, uint16_t *nb_icmp);

/*
 * Fragment outer (ESP) packets larger than the egress MTU mtu (IP bytes).
 * Same contract and drop reasons as gw_frag_inner_burst, without ICMP;
 * an outer IPv4 packet with DF set that does not fit is dropped with
 * MTU_EXCEEDED. An IPv4 packet that is cut gets a new identification from
 * a counter shared by all lcores (RFC 6864 4.2: unique per source,
 * destination and protocol while fragments are in flight; per-SA counters
 * are not). IPv6 outer packets get a Fragment header (RFC 8200 4.5) after
 * the fixed header; the identification comes from the context.
 * Returns the number of good packets or -EINVAL.
 */
int gw_frag_outer_burst(struct gw_frag_ctx *ctx, uint16_t mtu,
			struct rte_mbuf **in, uint16_t n,
			struct rte_mbuf **out, uint16_t out_max, uint16_t *nb_out);

/*
 * gw_frag_outer_burst for ESP packets that each carry an IPv6 packet of at
 * most 1280 bytes: an outer IPv4 packet with DF set that does not fit has DF
 * cleared (counted in df_overridden) and is fragmented instead of dropped.
 * IPv6 promises 1280 bytes end to end (RFC 8200 5) and the tunnel is a link
 * of the inner path: with DF such a packet could never cross, and RFC 4213
 * 3.2 has IPv6-in-IPv4 encapsulators send it without DF. The caller sorts
 * the packets (the inner family is gone once encrypted).
 */
int gw_frag_outer_burst_min6(struct gw_frag_ctx *ctx, uint16_t mtu,
			     struct rte_mbuf **in, uint16_t n,
			     struct rte_mbuf **out, uint16_t out_max, uint16_t *nb_out);

#endif /* GW_FRAG_H */
