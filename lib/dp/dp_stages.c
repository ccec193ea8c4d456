/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stage functions, shared by both layouts. Each takes a burst, returns
 * the number of good packets (kept at the front, in order) and moves the bad
 * ones to the tail with meta->drop set; nothing is freed inside a stage.
 * Packets for the appliance (ARP, ND, local addresses) travel the stages with
 * action LOCAL and leave through the exception ring at the TX stage.
 */
#include <string.h>
#include <netinet/in.h>

#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_prefetch.h>

#include "gw_dp.h"
#include "gw_l3.h"
#include "gw_route.h"
#include "gw_neigh.h"
#include "dp_priv.h"
#include "gw_dp_acquire.h"
#include "dp_ipsec.h"
#include "dp_classify4.h"
#include "gw_reasm.h"
#include "gw_frag.h"

uint16_t
gw_stage_rx(struct gw_dp *dp, struct gw_worker *w, unsigned int rxq_idx,
	    struct rte_mbuf **pkts, uint16_t max)
{
	const struct gw_rxq_ref *q = &w->rxq[rxq_idx];
	struct gw_port_counters *ctr = gw_port_ctr(w->lcore_id, q->port);
	uint64_t bytes = 0;
	uint16_t n;

	n = rte_eth_rx_burst(dp->ports[q->port].port_id, q->queue, pkts,
			     RTE_MIN(max, GW_MAX_BURST));
	/* Start the header and metadata misses of the whole burst before touching any. */
	for (uint16_t i = 0; i < n; i++) {
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
		rte_prefetch0(gw_meta(pkts[i]));
	}
	for (uint16_t i = 0; i < n; i++) {
		struct gw_meta *meta = gw_meta(pkts[i]);

		dp_meta_fresh(meta, q->port);
		meta->flow_hash = pkts[i]->hash.rss;
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	}
	ctr->rx_pkts += n;
	ctr->rx_bytes += bytes;
	return n;
}

/*
 * Only frames sent to the port's own MAC are routed: frames for another
 * station (promiscuous ports) and, per RFC 1812 5.3.4, L2 broadcast or
 * multicast carrying a unicast IP destination are not.
 */
static inline bool
l2_for_us(const struct gw_port *p, const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	return rte_is_same_ether_addr(&eth->dst_addr, &p->mac);
}

static inline bool
l3_multicast(const struct rte_mbuf *m)
{
	if (gw_meta((struct rte_mbuf *)(uintptr_t)m)->l3 == GW_L3_IPV4)
		return gw_l3_ipv4_dst_is_group(rte_pktmbuf_mtod_offset(m,
				const struct rte_ipv4_hdr *, m->l2_len)->dst_addr);
	return gw_l3_ipv6_is_multicast(rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
							       m->l2_len)->dst_addr);
}

/* Which addresses of a parsed packet are link-local (GW_L3_LL_SRC, GW_L3_LL_DST). */
static inline unsigned int
link_local(const struct rte_mbuf *m)
{
	if (gw_meta((struct rte_mbuf *)(uintptr_t)m)->l3 == GW_L3_IPV4)
		return gw_l3_ipv4_link_local(rte_pktmbuf_mtod_offset(m,
				const struct rte_ipv4_hdr *, m->l2_len));
	return gw_l3_ipv6_link_local(rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
							    m->l2_len));
}

/*
 * A link-local destination on a frame sent to our MAC can only be the
 * gateway itself (a router never forwards it, RFC 4291 2.5.6, RFC 3927 7):
 * the kernel behind the TAP owns those addresses, the one it formed from the
 * MAC included, and answers or discards. Without a TAP: dropped.
 */
static inline void
link_local_dst(const struct gw_dp *dp, struct gw_meta *meta)
{
	if (dp->ports[meta->in_port].tap_port_id != UINT16_MAX)
		meta->action = GW_ACT_LOCAL;
	else
		meta->drop = GW_DROP_LINK_LOCAL;
}

/*
 * After the route lookup, for a packet whose source is link-local or may be
 * one of our addresses: fine to the gateway (ND probes, ping from fe80::, the
 * kernel's business), never forwarded. An own source on a packet from the
 * wire is spoofed: dropped rather than letting a host pass its traffic off as
 * the gateway's.
 */
static void
judge_source(const struct gw_dp *dp, struct rte_mbuf *m)
{
	struct gw_meta *meta = gw_meta(m);

	if (meta->action == GW_ACT_LOCAL)
		return;
	if (link_local(m) & GW_L3_LL_SRC)
		meta->drop = GW_DROP_LINK_LOCAL;
	else if (gw_route_src_is_own(dp->routes, m))
		meta->drop = GW_DROP_OWN_SRC_ADDR;
}

/* Is the packet's destination one of our addresses? (slow path: fragments only) */
static bool
dst_is_local(struct gw_dp *dp, struct rte_mbuf *m)
{
	struct gw_route_result res;
	struct gw_ipaddr dst = { 0 };

	if (gw_meta(m)->l3 == GW_L3_IPV4) {
		dst.family = AF_INET;
		dst.v4.s_addr = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
							m->l2_len)->dst_addr;
	} else {
		dst.family = AF_INET6;
		memcpy(&dst.v6, rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *,
							m->l2_len)->dst_addr, 16);
	}
	return gw_route_lookup(dp->routes, &dst, &res) == GW_ROUTE_LOCAL;
}

/* ESP fragments wait for the rest of their datagram; NULL when one was kept. */
static struct rte_mbuf *
reassemble(struct gw_dp *dp, struct rte_mbuf *m)
{
	struct gw_worker *w = gw_dp_self();

	if (w == NULL || !gw_reasm_wanted(m, m->l2_len, dst_is_local(dp, m)))
		return m;
	return gw_reasm_input(w->reasm, m, rte_rdtsc());
}

/* Drop the NULL holes a stage left where it took packets out of the burst. */
static inline uint16_t
compact(struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t k = 0;

	for (uint16_t i = 0; i < n; i++)
		if (pkts[i] != NULL)
			pkts[k++] = pkts[i];
	return k;
}

uint16_t
gw_stage_classify(struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t *n)
{
	struct rte_mbuf *ip_pkts[GW_MAX_BURST], *suspect[GW_MAX_BURST];
	uint16_t nb_ip = 0, nb_suspect = 0;
	struct dp_fast4 fast;
	bool holes = false;

	dp_fast4_begin(dp, &fast);
	for (uint16_t i = 0; i < *n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct gw_meta *meta;
		unsigned int r, ll;

		/* the common case in one visit (dp_classify4.h); the rest from here on */
		if (dp_fast4_take(dp, &fast, m))
			continue;
		meta = gw_meta(m);
		r = gw_l3_parse(m);
		if (r == GW_L3_ARP) {
			meta->action = GW_ACT_LOCAL;
			continue;
		}
		if (r != GW_DROP_NONE) {
			meta->drop = (uint8_t)r;
			continue;
		}
		/* Multicast and broadcast (ND, DHCP, routing protocols) are for the kernel. */
		if (l3_multicast(m)) {
			meta->action = GW_ACT_LOCAL;
			continue;
		}
		if (!l2_for_us(&dp->ports[meta->in_port], m)) {
			meta->drop = GW_DROP_L2_NOT_FOR_US;
			continue;
		}
		ll = link_local(m);
		if (unlikely(ll & GW_L3_LL_DST)) {
			link_local_dst(dp, meta);
			continue;
		}
		if (unlikely(dp->has_ipsec && gw_l3_is_fragment(m))) {
			m = reassemble(dp, m);
			pkts[i] = m;
			if (m == NULL) {
				holes = true;
				continue;
			}
		}
		if (unlikely(ll != 0 || gw_route_src_may_be_own(dp->routes, m)))
			suspect[nb_suspect++] = m;
		ip_pkts[nb_ip++] = m;
	}
	if (holes)
		*n = compact(pkts, *n);
	if (fast.n != 0)
		dp_fast4_finish(dp, &fast);
	if (nb_ip != 0) {
		gw_route_lookup_burst(dp->routes, ip_pkts, nb_ip);
		for (uint16_t i = 0; i < nb_suspect; i++)
			judge_source(dp, suspect[i]);
		dp_ipsec_classify(dp, ip_pkts, nb_ip);
	}
	return gw_partition_drops(pkts, *n);
}

uint16_t
gw_stage_crypto(struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t *n)
{
	bool drops;

	if (dp_ipsec_process(dp, pkts, *n, &drops))
		*n = compact(pkts, *n);
	/* The input is all good (classify's drops are gone): a pass saved */
	return drops ? gw_partition_drops(pkts, *n) : *n;
}

/* Ethernet header in front of the IP header: the neighbour lookup fills the addresses. */
static inline int
l2_prepare(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth;

	if (m->l2_len == 0) {
		eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
		if (eth == NULL)
			return -ENOSPC;
	} else {
		if (m->l2_len > sizeof(*eth))	/* drop the VLAN tag: ports are untagged */
			rte_pktmbuf_adj(m, m->l2_len - sizeof(*eth));
		eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	}
	m->l2_len = sizeof(*eth);
	eth->ether_type = gw_meta(m)->l3 == GW_L3_IPV4 ? RTE_BE16(RTE_ETHER_TYPE_IPV4) :
						      RTE_BE16(RTE_ETHER_TYPE_IPV6);
	return 0;
}

static inline uint32_t
l3_length(const struct rte_mbuf *m)
{
	return rte_pktmbuf_pkt_len(m) - m->l2_len;
}

static inline void
neigh_key(struct gw_neigh_key *k, const struct gw_meta *meta)
{
	memset(k, 0, sizeof(*k));
	k->port = meta->out_port;
	if (meta->l3 == GW_L3_IPV4) {
		k->family = AF_INET;
		memcpy(k->ip, &meta->nh4, 4);
	} else {
		k->family = AF_INET6;
		memcpy(k->ip, meta->nh6, 16);
	}
}

/*
 * The port and family are the caller's, loaded before the packet's meta was
 * written: compilers merge the two compares into one 8-byte load of the
 * meta, which cannot be forwarded from the narrow stores (action, flags)
 * just made to it and waits for them to retire.
 */
static inline bool
same_next_hop(const struct gw_meta *a, uint16_t a_port, uint8_t a_l3,
	      const struct gw_meta *b, uint16_t b_port, uint8_t b_l3)
{
	if (a_port != b_port || a_l3 != b_l3)
		return false;
	return a_l3 == GW_L3_IPV4 ? a->nh4 == b->nh4 : memcmp(a->nh6, b->nh6, 16) == 0;
}

/*
 * Next-hop keys of the routed packets, for resolve_l2(). A burst mostly goes
 * to one or a few next hops: each distinct next hop is looked up once.
 */
struct l2_keys {
	struct gw_neigh_key kb[GW_MAX_BURST];
	const struct gw_neigh_key *keys[GW_MAX_BURST];
	uint8_t key_of[GW_MAX_BURST];
	const struct gw_meta *prev;
	uint16_t prev_port;
	uint8_t prev_l3;
	unsigned int nb_keys;
};

static inline void
l2_key_add(struct l2_keys *k, uint16_t i, const struct gw_meta *meta, uint16_t port, uint8_t l3)
{
	if (k->prev == NULL || !same_next_hop(k->prev, k->prev_port, k->prev_l3, meta, port, l3)) {
		neigh_key(&k->kb[k->nb_keys], meta);
		k->keys[k->nb_keys] = &k->kb[k->nb_keys];
		k->nb_keys++;
		k->prev = meta;
		k->prev_port = port;
		k->prev_l3 = l3;
	}
	k->key_of[i] = (uint8_t)(k->nb_keys - 1);
}

/*
 * A router fragments an IPv4 packet without DF that does not fit the egress
 * link (RFC 791, RFC 1812 5.2.6 / 4.2.2.7); with DF, and IPv6 (RFC 8200 5),
 * the sender is told the MTU instead.
 */
static inline bool
may_cut(const struct rte_mbuf *m, uint8_t l3)
{
	const struct rte_ipv4_hdr *ip;

	if (l3 != GW_L3_IPV4)
		return false;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, m->l2_len);
	return !(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG));
}

/*
 * The checks and the L2 header of a routed packet going out of out_port; its
 * key when it is still good. out_port and l3 are the caller's, loaded before
 * any store to meta (see same_next_hop()).
 */
static inline void
route_one_to(struct gw_dp *dp, struct rte_mbuf *m, uint16_t i, struct l2_keys *k,
	     uint8_t action, uint16_t out_port, uint8_t l3)
{
	struct gw_meta *meta = gw_meta(m);
	const struct gw_port *out;
	enum gw_drop r;

	/*
	 * action is the caller's: reloading it right after its store (with drop
	 * in one wider load, as compilers like to) stalls store forwarding.
	 */
	if (action != GW_ACT_FORWARD || meta->drop != GW_DROP_NONE)
		return;
	out = &dp->ports[out_port];
	if (!out->up) {
		meta->drop = GW_DROP_PORT_DOWN;
		return;
	}
	if (!(meta->flags & GW_META_F_TTL_DONE)) {
		r = gw_l3_ttl_decrement(m);
		if (r != GW_DROP_NONE) {
			meta->drop = r;
			dp_icmp_error(dp, m, r);
			return;
		}
	}
	if (unlikely(l3_length(m) > out->mtu)) {
		if (!may_cut(m, l3)) {
			meta->drop = GW_DROP_MTU_EXCEEDED;
			dp_icmp_error(dp, m, GW_DROP_MTU_EXCEEDED);
			return;
		}
		meta->flags |= GW_META_F_CUT;	/* routed and framed whole, cut at TX */
	}
	if (l2_prepare(m) != 0) {
		meta->drop = GW_DROP_NO_MBUF;
		return;
	}
	l2_key_add(k, i, meta, out_port, l3);
}

static inline void
route_one(struct gw_dp *dp, struct rte_mbuf *m, uint16_t i, struct l2_keys *k, uint8_t action)
{
	const struct gw_meta *meta = gw_meta(m);

	route_one_to(dp, m, i, k, action, meta->out_port, meta->l3);
}

/*
 * The route of the last ESP packet the route stage looked up, for the ones
 * after it in the burst: the packets of a tunnel SA all go to its remote
 * endpoint, so a burst of them costs one lookup, not one per packet. It
 * lives for one burst only, so it is never staler than the table a lookup
 * would have read (nothing to invalidate when routes change), and it keys on
 * the destination itself, not on the SA, whose pointer the pipeline's route
 * stage may not dereference (lib/sa/README.md, multi-core notes).
 */
struct outer_memo {
	uint8_t l3;		/* GW_L3_NONE: empty */
	uint16_t port;
	union {
		rte_be32_t dst4;
		uint8_t dst6[16];
	};
	union {
		rte_be32_t nh4;
		uint8_t nh6[16];
	};
};

/*
 * An encrypted packet's route: from the memo when its destination is the
 * last one looked up, else by a lookup of its own that refills the memo.
 * False when the route is not a plain FORWARD (local, discard, none): the
 * caller takes the general path, which handles every kind.
 */
static inline bool
route_outer(const struct gw_dp *dp, struct rte_mbuf *m, uint8_t l3, struct outer_memo *memo)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len);
	struct gw_meta *meta = gw_meta(m);
	struct gw_route_result r;
	uint8_t d6[1][16];
	rte_be32_t d4;

	if (l3 == GW_L3_IPV4) {
		memcpy(&d4, ip + offsetof(struct rte_ipv4_hdr, dst_addr), 4);
		if (memo->l3 != GW_L3_IPV4 || memo->dst4 != d4) {
			gw_route_lookup4_bulk(dp->routes, &d4, &r, 1);
			if (r.kind != GW_ROUTE_FORWARD)
				return false;
			memo->l3 = GW_L3_IPV4;
			memo->dst4 = d4;
			memo->port = r.port;
			memo->nh4 = r.nh4;
		}
		meta->nh4 = memo->nh4;
	} else if (l3 == GW_L3_IPV6) {
		memcpy(d6[0], ip + offsetof(struct rte_ipv6_hdr, dst_addr), 16);
		if (memo->l3 != GW_L3_IPV6 || memcmp(memo->dst6, d6[0], 16) != 0) {
			gw_route_lookup6_bulk(dp->routes, d6, &r, 1);
			if (r.kind != GW_ROUTE_FORWARD)
				return false;
			memo->l3 = GW_L3_IPV6;
			memcpy(memo->dst6, d6[0], 16);
			memo->port = r.port;
			memcpy(memo->nh6, r.nh6, 16);
		}
		memcpy(meta->nh6, memo->nh6, 16);
	} else {
		return false;
	}
	meta->out_port = memo->port;
	return true;
}

/*
 * A rerouted packet for the appliance itself (decrypted, or an ICMP error
 * built here) starts at its IP header; the kernel reads Ethernet frames
 * from the TAP, which has the port's MAC: frame it as if the port had
 * received it.
 */
static void
local_frame(struct gw_dp *dp, struct rte_mbuf *m)
{
	struct gw_meta *meta = gw_meta(m);
	struct rte_ether_hdr *eth;

	if (m->l2_len != 0)
		return;		/* as received */
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (eth == NULL) {
		meta->drop = GW_DROP_NO_MBUF;
		return;
	}
	m->l2_len = sizeof(*eth);
	eth->dst_addr = dp->port_macs[meta->in_port];
	eth->src_addr = dp->port_macs[meta->in_port];
	eth->ether_type = meta->l3 == GW_L3_IPV4 ? RTE_BE16(RTE_ETHER_TYPE_IPV4) :
						   RTE_BE16(RTE_ETHER_TYPE_IPV6);
}

/*
 * Stages are passes over the burst, each paying a miss per packet on mbuf
 * and meta: the route stage does its work in two, the second of which also
 * writes the Ethernet addresses and moves the drops to the tail.
 */
uint16_t
gw_stage_route(struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *lookup[GW_MAX_BURST], *bad[GW_MAX_BURST];
	uint16_t lookup_idx[GW_MAX_BURST];
	struct rte_ether_addr macs[GW_MAX_BURST];
	struct l2_keys k;
	struct outer_memo memo = { .l3 = GW_L3_NONE };
	uint16_t nb_lookup = 0, good = 0, nb_bad = 0;
	uint64_t ok = 0;

	k.prev = NULL;
	k.nb_keys = 0;
	for (uint16_t i = 0; i < n; i++) {
		struct gw_meta *meta = gw_meta(pkts[i]);
		uint8_t action = meta->action, flags = meta->flags, l3 = meta->l3;

		/* Encrypted and decrypted packets have a new destination: route again. */
		if (action == GW_ACT_ENCRYPT || action == GW_ACT_DECRYPT ||
		    (flags & GW_META_F_REROUTE)) {
			/*
			 * Header preservation keeps the destination: a group SA's
			 * ESP packet goes where classify routed the inner one, and
			 * its inner packet where classify routed the ESP one.
			 */
			bool same_dst = (flags & GW_META_F_ROUTED_KEEP) &&
					action != GW_ACT_FORWARD;

			if (!same_dst && action == GW_ACT_ENCRYPT && meta->drop == GW_DROP_NONE &&
			    route_outer(dp, pkts[i], l3, &memo)) {
				route_one_to(dp, pkts[i], i, &k, GW_ACT_FORWARD, memo.port, l3);
				meta->action = GW_ACT_FORWARD;	/* after: see same_next_hop() */
				continue;
			}
			action = GW_ACT_FORWARD;
			if (!same_dst) {
				meta->action = action;
				lookup_idx[nb_lookup] = i;
				lookup[nb_lookup++] = pkts[i];
				continue;
			}
			route_one(dp, pkts[i], i, &k, action);
			meta->action = action;	/* after: see same_next_hop() */
			continue;
		}
		route_one(dp, pkts[i], i, &k, action);
	}
	if (nb_lookup != 0) {
		gw_route_lookup_burst(dp->routes, lookup, nb_lookup);
		for (uint16_t j = 0; j < nb_lookup; j++) {
			struct gw_meta *meta = gw_meta(lookup[j]);

			if (meta->action == GW_ACT_LOCAL)
				local_frame(dp, lookup[j]);
			else
				route_one(dp, lookup[j], lookup_idx[j], &k, meta->action);
		}
	}
	if (k.nb_keys != 0)
		ok = gw_neigh_lookup_bulk(dp->neigh, k.keys, k.nb_keys, macs);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct gw_meta *meta = gw_meta(m);
		struct rte_ether_hdr *eth;

		if (meta->drop == GW_DROP_NONE && meta->action == GW_ACT_FORWARD) {
			if (!(ok & (UINT64_C(1) << k.key_of[i]))) {
				meta->drop = GW_DROP_NEIGH_UNRESOLVED;
			} else {
				eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
				eth->dst_addr = macs[k.key_of[i]];
				eth->src_addr = dp->port_macs[meta->out_port];
			}
		}
		/* gw_partition_drops(), folded in */
		if (meta->drop == GW_DROP_NONE)
			pkts[good++] = m;
		else
			bad[nb_bad++] = m;
	}
	for (uint16_t i = 0; i < nb_bad; i++)
		pkts[good + i] = bad[i];
	return good;
}

/* Send n packets of bytes bytes out of port p; what the queue refuses is dropped. */
static void
tx_send(struct gw_dp *dp, struct gw_worker *w, uint16_t p, struct rte_mbuf **pkts, uint16_t n,
	uint64_t bytes)
{
	struct gw_port *port = &dp->ports[p];

	dp_port_tx_counted(port, (uint16_t)(w->tx_slot % port->nb_txq), gw_port_ctr(w->lcore_id, p),
			   pkts, n, bytes);
}

/*
 * After a packet was cut into frags[0, nb): count the fragments beyond the one
 * packet as originated (the frame ledger), drop the tail frags[good, nb) the
 * cut refused; returns how many fragments to send.
 */
static int
cut_settle(struct rte_mbuf **frags, int good, uint16_t nb, uint16_t in_port)
{
	if (good < 0)
		good = 0;
	if (good > 1)
		gw_my_port_ctr(in_port)->originated += (uint64_t)(good - 1);
	gw_drop_burst(frags + good, (uint16_t)(nb - good));
	return good;
}

/*
 * Fragment a forwarded IPv4 packet (DF clear) to its egress port's MTU and
 * send the fragments: each carries the original's Ethernet header, already
 * written by the route stage, and keeps its identification (RFC 791).
 */
static void
tx_cut(struct gw_dp *dp, struct gw_worker *w, struct rte_mbuf *m)
{
	struct rte_mbuf *frags[GW_FRAG_MAX_PER_PKT], *icmp[1];
	uint16_t p = gw_meta(m)->out_port, in_port = gw_meta(m)->in_port, nb = 0, nb_icmp = 0;
	struct gw_frag_params fp;
	uint64_t bytes = 0;
	int good;

	/* T - O = the port MTU (>= 68, the configuration's floor) */
	if (gw_frag_params_init(&fp, dp->ports[p].mtu, 0, false, false) != 0) {
		gw_meta(m)->drop = GW_DROP_MTU_EXCEEDED;
		gw_drop_burst(&m, 1);
		return;
	}
	good = gw_frag_inner_burst(w->frag, &fp, &m, 1, frags, RTE_DIM(frags), &nb,
				   icmp, RTE_DIM(icmp), &nb_icmp);
	rte_pktmbuf_free_bulk(icmp, nb_icmp);	/* none: DF is clear */
	good = cut_settle(frags, good, nb, in_port);
	for (int i = 0; i < good; i++)
		bytes += rte_pktmbuf_pkt_len(frags[i]);
	tx_send(dp, w, p, frags, (uint16_t)good, bytes);
}

/*
 * A packet for the appliance goes to the kernel through its interface's TAP,
 * and net_tap refuses a frame larger than the TAP's MTU. A datagram
 * reassembled here (UDP to one of our addresses is reassembled in case it is
 * ESP in UDP; a GROUPKEY-PUSH with many TEKs is not) can be larger: it is cut
 * again to the TAP's MTU (IPv4 with a fresh identification, IPv6 with a
 * Fragment header) and the kernel reassembles it.
 */
static void
tx_local(struct gw_dp *dp, struct gw_worker *w, struct rte_mbuf *m)
{
	const struct gw_port *p = &dp->ports[gw_meta(m)->in_port];
	struct rte_mbuf *frags[GW_FRAG_MAX_PER_PKT];
	uint16_t in_port = gw_meta(m)->in_port, nb = 0;
	int good;

	if (p->tap_port_id == UINT16_MAX || w == NULL ||
	    rte_pktmbuf_pkt_len(m) <= (uint32_t)m->l2_len + p->tap_mtu) {
		dp_to_kernel(dp, m);
		return;
	}
	good = gw_frag_outer_burst(w->frag, p->tap_mtu, &m, 1, frags, RTE_DIM(frags), &nb);
	good = cut_settle(frags, good, nb, in_port);
	for (int i = 0; i < good; i++)
		dp_to_kernel(dp, frags[i]);
}

void
gw_stage_tx(struct gw_dp *dp, struct gw_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *per_port[GW_MAX_PORTS][GW_MAX_BURST];
	uint16_t cnt[GW_MAX_PORTS] = { 0 };
	uint64_t bytes_of[GW_MAX_PORTS];
	uint64_t used = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct gw_meta *meta = gw_meta(pkts[i]);
		uint16_t p = meta->out_port;

		if (meta->action == GW_ACT_LOCAL) {
			tx_local(dp, w, pkts[i]);
			continue;
		}
		if (!(used & (1ULL << p))) {
			used |= 1ULL << p;
			bytes_of[p] = 0;
		}
		if (unlikely(meta->flags & GW_META_F_CUT)) {
			/* what came before it first: no reordering on the port */
			if (cnt[p] != 0)
				tx_send(dp, w, p, per_port[p], cnt[p], bytes_of[p]);
			cnt[p] = 0;
			bytes_of[p] = 0;
			tx_cut(dp, w, pkts[i]);
			continue;
		}
		/* bytes here, while the mbuf is ours and warm: the PMD may free it */
		bytes_of[p] += rte_pktmbuf_pkt_len(pkts[i]);
		per_port[p][cnt[p]++] = pkts[i];
	}
	while (used != 0) {
		unsigned int p = __builtin_ctzll(used);

		used &= used - 1;
		if (cnt[p] != 0)
			tx_send(dp, w, (uint16_t)p, per_port[p], cnt[p], bytes_of[p]);
	}
}

void
gw_drop_burst(struct rte_mbuf **pkts, uint16_t n)
{
	unsigned int lcore = rte_lcore_id();

	if (lcore == LCORE_ID_ANY)
		lcore = 0;
	for (uint16_t i = 0; i < n; i++) {
		const struct gw_meta *meta = gw_meta(pkts[i]);

		/* on-traffic: held until its SA is up (dp_acquire.c), not dropped yet */
		if (unlikely(meta->drop == GW_DROP_ACQUIRE_NO_SA) && dp_acquire_hold(pkts[i])) {
			pkts[i] = NULL;
			continue;
		}
		gw_counters[lcore].port[meta->in_port].drops[meta->drop]++;
	}
	rte_pktmbuf_free_bulk(pkts, n);
}
