/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_ICMP_H
#define GW_ICMP_H

/*
 * ICMP errors a router sends: IPv4 time exceeded and destination unreachable /
 * fragmentation needed (RFC 792, RFC 1191, RFC 1812 4.3), ICMPv6 time exceeded
 * and packet too big (RFC 4443). The error quotes as much of the offending
 * packet as fits in 576 (IPv4, RFC 1812 4.3.2.3) or 1280 (IPv6, RFC 4443
 * 2.4(c)) bytes, and goes back to its sender from the appliance's address on
 * the ingress interface. The Ethernet addresses are the offending frame's,
 * swapped: the reply returns to the neighbour that sent the packet.
 *
 * Used by the TTL expiry and the ESP MTU paths; the caller rate-limits with
 * gw_icmp_rl_take() (one token bucket per lcore, no sharing).
 */

#include <stdbool.h>
#include <stdint.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>

#define GW_ICMP4_MAX_LEN 576
#define GW_ICMP6_MAX_LEN 1280

/*
 * Build into the empty mbuf out an error about orig (data at Ethernet,
 * l2_len and l3_len set as by gw_l3_parse()). src is the address to send
 * from (network order / 16 bytes). Returns 0, -EPERM when no error may be
 * sent for orig (an ICMP error itself, a non-first fragment, a multicast or
 * broadcast destination, an unusable source: RFC 1812 4.3.2.7, RFC 4443
 * 2.4(e)), -EINVAL or -ENOSPC.
 */
int gw_icmp4_time_exceeded(struct rte_mbuf *out, const struct rte_mbuf *orig, rte_be32_t src);
int gw_icmp4_frag_needed(struct rte_mbuf *out, const struct rte_mbuf *orig, rte_be32_t src,
			 uint16_t mtu);
int gw_icmp6_time_exceeded(struct rte_mbuf *out, const struct rte_mbuf *orig,
			   const uint8_t src[16]);
int gw_icmp6_packet_too_big(struct rte_mbuf *out, const struct rte_mbuf *orig,
			    const uint8_t src[16], uint32_t mtu);

/*
 * Token bucket: rate errors per second, up to burst at once (rate 0: never).
 * One per lcore. hz is the TSC frequency (rte_get_tsc_hz()), now the TSC.
 */
struct gw_icmp_rl {
	uint64_t tokens;	/* in TSC cycles: cost per token */
	uint64_t last;		/* TSC of the last refill */
	uint64_t cost;		/* TSC cycles per token: hz / rate */
	uint64_t cap;		/* burst * cost */
} __rte_cache_aligned;

void gw_icmp_rl_init(struct gw_icmp_rl *rl, uint32_t rate, uint32_t burst, uint64_t hz,
		     uint64_t now);

/* True if an error may be sent now (and takes the token). */
static inline bool
gw_icmp_rl_take(struct gw_icmp_rl *rl, uint64_t now)
{
	uint64_t t = rl->tokens + (now - rl->last);

	rl->last = now;
	rl->tokens = t > rl->cap ? rl->cap : t;
	if (rl->tokens < rl->cost || rl->cost == 0)
		return false;
	rl->tokens -= rl->cost;
	return true;
}

#endif /* GW_ICMP_H */
