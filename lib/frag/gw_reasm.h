/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_REASM_H
#define GW_REASM_H

/*
 * Reassembly of fragmented ESP before decryption, around DPDK's rte_ip_frag
 * with bounded memory.
 *
 * One struct gw_reasm per lcore (it is not thread-safe). Bounds:
 *   - at most max_flows datagrams in progress (rte_ip_frag table entries);
 *   - at most GW_REASM_MAX_FRAGS fragments per datagram (DPDK's
 *     RTE_LIBRTE_IP_FRAG_MAX_FRAG, 8 in Debian's build); more kill the datagram;
 *   - at most max_mbufs fragment mbufs held at once (default max_flows * 4);
 *     fragments beyond are dropped before the table sees them;
 *   - a datagram not completed within timeout_ms is freed (by the next
 *     fragment landing in its bucket, or by gw_reasm_flush_expired()).
 * Every fragment mbuf freed without becoming part of a reassembled packet
 * is counted as GW_DROP_ESP_FRAG_REASSEMBLY on the port it came in on
 * (gw_meta(m)->in_port), and in gw_reasm_stats. The port counters
 * (lib/stats) also hold the fragments kept (reasm_held) and those merged
 * into a packet the first fragment carries on (reasm_consumed), so that
 * every received frame lands in one counter.
 *
 * What goes in (the caller's classify stage decides; gw_reasm_wanted()
 * implements the rule): IPv4 fragments whose protocol is ESP (50) — the
 * protocol field is in every IPv4 fragment — and IPv6 fragments whose
 * Fragment header (directly after the fixed header) says ESP; plus, when
 * the destination is one of the appliance's own addresses, UDP fragments
 * (17), since NAT-T / multipath UDP-encapsulated ESP terminates there and
 * only the first fragment shows the UDP port. Other fragments are
 * forwarded untouched.
 *
 * Packets: single segment, m->l2_len bytes of L2 header (0 if the data
 * starts at the IP header) then the IP header, gw_meta(m) filled in. The
 * reassembled packet keeps the first fragment's L2 header and gw_meta, is a
 * single segment (copied into a fresh mbuf from the configured pool when
 * the first fragment has no tailroom; larger than a pool buffer -> dropped),
 * has l3_len set (IPv4: IHL * 4, IPv6: 40 — the Fragment header is removed,
 * payload_len fixed), a correct IPv4 header checksum, and no RX checksum
 * flags.
 */

#include <stdbool.h>
#include <stdint.h>
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "gw_common.h"

#define GW_REASM_MAX_FRAGS RTE_LIBRTE_IP_FRAG_MAX_FRAG
#define GW_REASM_DEFAULT_TIMEOUT_MS 2000
#define GW_REASM_IPPROTO_ESP 50

struct gw_reasm_conf {
	int socket_id;
	uint32_t max_flows;	/* datagrams in progress, > 0 */
	uint32_t max_mbufs;	/* fragments held at once; 0 = max_flows * 4 */
	uint32_t timeout_ms;	/* 0 = GW_REASM_DEFAULT_TIMEOUT_MS */
	/* Pool for linearized copies; NULL = the first fragment's pool. */
	struct rte_mempool *pool;
	/*
	 * Optional: a pool of larger buffers for a datagram that does not fit
	 * one of pool, taken only when big_ok(datagram) says the caller keeps
	 * such an mbuf apart (e.g. UDP for the appliance's kernel, never sent
	 * on a port whose TX queue frees mbufs to one pool). NULL: dropped.
	 */
	struct rte_mempool *big_pool;
	bool (*big_ok)(const struct rte_mbuf *datagram);
};

struct gw_reasm_stats {
	uint64_t frags_in;	/* fragments given to gw_reasm_input */
	uint64_t reassembled;	/* complete packets returned */
	uint64_t atomic;	/* IPv6 atomic fragments (RFC 6946) passed through */
	uint64_t drop_invalid;	/* malformed fragments refused before the table */
	uint64_t drop_budget;	/* refused: max_mbufs fragments already held */
	uint64_t drop_table;	/* freed by rte_ip_frag: table full, overlap, duplicate,
				 * too many fragments, timeout */
	uint64_t drop_expired;	/* freed by gw_reasm_flush_expired */
	uint64_t drop_linearize;	/* complete but could not be made one segment */
	uint32_t held;		/* fragment mbufs held now */
	uint32_t held_max;	/* high-water mark of held */
};

struct gw_reasm;

/* Returns NULL and sets errno (EINVAL, ENOMEM). */
struct gw_reasm *gw_reasm_create(const struct gw_reasm_conf *conf);
/* Frees the table and every fragment it holds (counted as expired). */
void gw_reasm_free(struct gw_reasm *r);

/*
 * Feed one packet. Returns
 *   - m itself when it is not a fragment (nothing done);
 *   - NULL when m was absorbed (kept until its datagram completes) or
 *     dropped (freed here and counted);
 *   - the reassembled datagram (a different or the same mbuf) when m
 *     completed it; an IPv6 atomic fragment comes back with its Fragment
 *     header removed.
 * tsc: rte_rdtsc() of the burst (one read per burst is enough).
 */
struct rte_mbuf *gw_reasm_input(struct gw_reasm *r, struct rte_mbuf *m, uint64_t tsc);

/*
 * Free the datagrams older than the timeout. Call every few milliseconds
 * from the owning lcore. Returns the number of fragment mbufs freed.
 */
uint32_t gw_reasm_flush_expired(struct gw_reasm *r, uint64_t tsc);

void gw_reasm_get_stats(const struct gw_reasm *r, struct gw_reasm_stats *st);

/*
 * Should the classify stage hand this packet to gw_reasm_input()? True for
 * an ESP fragment, or a UDP fragment when dst_is_local (see above). l2 is
 * the offset of the IP header; the headers must already be validated
 * (gw_l3_parse); false for anything else.
 */
static inline bool
gw_reasm_wanted(const struct rte_mbuf *m, uint16_t l2, bool dst_is_local)
{
	uint16_t dlen = rte_pktmbuf_data_len(m);
	const uint8_t *p;
	uint8_t proto;

	if (dlen < l2 + sizeof(struct rte_ipv4_hdr))
		return false;
	p = rte_pktmbuf_mtod_offset(m, const uint8_t *, l2);
	if ((p[0] >> 4) == 4) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)p;

		if (!rte_ipv4_frag_pkt_is_fragmented(ip))
			return false;
		proto = ip->next_proto_id;
	} else if ((p[0] >> 4) == 6) {
		const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)p;

		if (ip->proto != IPPROTO_FRAGMENT ||
		    dlen < l2 + sizeof(*ip) + sizeof(struct rte_ipv6_fragment_ext))
			return false;
		proto = ((const struct rte_ipv6_fragment_ext *)(ip + 1))->next_header;
	} else {
		return false;
	}
	return proto == GW_REASM_IPPROTO_ESP || (proto == IPPROTO_UDP && dst_is_local);
}

#endif /* GW_REASM_H */
