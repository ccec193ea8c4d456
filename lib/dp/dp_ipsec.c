/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPsec in the stages. Classify (after the route lookup): inbound ESP whose
 * SPI (+ destination) names an SA becomes DECRYPT; cleartext arriving on an
 * interface with an input policy is matched against it (protect -> ENCRYPT,
 * discard -> drop, bypass/fail-open -> forward); cleartext matching a protect
 * rule of an output (inbound-check) policy is dropped, since it should have
 * arrived encrypted. The crypto stage runs ESP on runs of packets of one SA.
 */
#include <assert.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_udp.h>

#include "dp_ipsec.h"
#include "dp_priv.h"
#include "gw_dp_acquire.h"
#include "gw_esp.h"
#include "gw_icmp.h"
#include "gw_l3.h"
#include "gw_route.h"
#include "gw_samgr.h"
#include "gw_frag.h"

/*
 * The inbound ESP packets' SAs, by their SAD keys (SPI + destination; a miss
 * is retried by SPI only). first: classify's own lookup, whose action says
 * whether the ESP packet was routed (the pipeline's second lookup has
 * overwritten it).
 */
static void
esp_decide(struct gw_dp *dp, struct rte_mbuf **pkts, const struct gw_sad_key *kb, uint16_t n,
	   bool first)
{
	const struct gw_sad_key *keys[GW_MAX_BURST];
	struct gw_sa *sas[GW_MAX_BURST];

	for (uint16_t i = 0; i < n; i++)
		keys[i] = &kb[i];
	gw_sad_lookup_inbound_bulk(dp->sad, keys, n, sas);
	/*
	 * With many SAs each packet's SA is a cache miss of its own (lib/sa/README.md,
	 * "SAD at scale"): start them all now, the crypto stage reads them later.
	 */
	for (uint16_t i = 0; i < n; i++)
		if (sas[i] != NULL)
			gw_sa_prefetch(sas[i]);
	for (uint16_t i = 0; i < n; i++) {
		struct gw_meta *meta = gw_meta(pkts[i]);

		if (sas[i] != NULL) {
			/* A group SA's inner packet may keep this route (lib/esp) */
			if (first && meta->action == GW_ACT_FORWARD)
				meta->flags |= GW_META_F_OUTER_ROUTED;
			meta->action = GW_ACT_DECRYPT;
			meta->sa = sas[i];
		} else if (meta->action == GW_ACT_LOCAL || dp->spd_check[meta->in_port] != NULL) {
			/* For us, or on an interface that expects ESP only for its SAs. */
			meta->drop = GW_DROP_ESP_UNKNOWN_SPI;
		}
		/* else: transit ESP of somebody else's tunnel, routed as it is */
	}
}

/* esp_decide() with the keys built from each packet's destination. */
static void
classify_esp(struct gw_dp *dp, struct rte_mbuf **pkts, const rte_be32_t *spis, uint16_t n,
	     bool first)
{
	struct gw_sad_key kb[GW_MAX_BURST];

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (gw_meta(m)->l3 == GW_L3_IPV4)
			gw_sad_key_unicast(&kb[i], spis[i], AF_INET,
				&rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
							 m->l2_len)->dst_addr);
		else
			gw_sad_key_unicast(&kb[i], spis[i], AF_INET6,
				rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *,
							m->l2_len)->dst_addr);
	}
	esp_decide(dp, pkts, kb, n, first);
}

void
dp_ipsec_esp_keys(struct gw_dp *dp, struct rte_mbuf **pkts, const struct gw_sad_key *kb,
		  uint16_t n)
{
	esp_decide(dp, pkts, kb, n, true);
}

/*
 * The inbound check's verdicts (the ingress interface's match-direction
 * output policy). A protect term matched: inbound SAs live in the SAD and are
 * never bound to an SPD slot, so here such a term decides as fail-closed
 * (POLICY_NO_SA, or SA_DISABLED): what matters is that the traffic should
 * have arrived encrypted.
 */
static void
cleartext_check_apply(struct rte_mbuf **pkts, uint16_t n, const struct gw_spd_result *res)
{
	for (uint16_t i = 0; i < n; i++) {
		if (res[i].action == GW_SPD_PROTECT ||
		    (res[i].action == GW_SPD_DROP &&
		     (res[i].drop == GW_DROP_POLICY_NO_SA ||
		      res[i].drop == GW_DROP_ACQUIRE_NO_SA ||
		      res[i].drop == GW_DROP_SA_DISABLED)))
			gw_meta(pkts[i])->drop = GW_DROP_POLICY_CLEARTEXT_PROTECTED;
		else if (res[i].action == GW_SPD_DROP)
			gw_meta(pkts[i])->drop = res[i].drop;
	}
}

/* The input policy's verdicts: protect -> ENCRYPT, discard and no SA -> drop. */
static void
cleartext_out_apply(struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t n,
		    const struct gw_spd_result *res)
{
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct gw_meta *meta = gw_meta(m);
		enum gw_drop r;

		if (meta->drop != GW_DROP_NONE)
			continue;
		if (res[i].action == GW_SPD_DROP) {
			meta->drop = res[i].drop;
			if (res[i].drop == GW_DROP_ACQUIRE_NO_SA) {
				meta->sa_slot = res[i].slot;	/* for the hold queue */
				dp_acquire_post(dp, res[i].slot);
			}
		} else if (res[i].action == GW_SPD_PROTECT) {
			/* The gateway routes the inner packet: its TTL goes down once. */
			r = gw_l3_ttl_decrement(m);
			if (r != GW_DROP_NONE) {
				meta->drop = r;
				dp_icmp_error(dp, m, r);
				continue;
			}
			meta->action = GW_ACT_ENCRYPT;
			meta->sa = res[i].sa;
			meta->sa_slot = res[i].slot;
		}
	}
}

/* The SPD's answers for n packets, or for their tuples when t4 is not NULL. */
static inline void
spd_classify(struct gw_spd *spd, struct rte_mbuf **pkts, const struct gw_spd_tuple4 *t4,
	     uint16_t n, struct gw_spd_result *res)
{
	if (t4 != NULL)
		gw_spd_classify4_bulk(spd, t4, n, res);
	else
		gw_spd_classify_bulk(spd, pkts, n, res);
}

/*
 * Outbound policy of the ingress interface, and the inbound check; the
 * tuples from the packets, or t4 (the fused IPv4 pass's) when not NULL.
 */
static void
classify_cleartext(struct gw_dp *dp, struct rte_mbuf **pkts, const struct gw_spd_tuple4 *t4,
		   uint16_t n)
{
	struct gw_spd_result res[GW_MAX_BURST];
	uint16_t port = gw_meta(pkts[0])->in_port;
	struct gw_spd *spd;

	spd = dp->spd_check[port];
	if (spd != NULL) {
		spd_classify(spd, pkts, t4, n, res);
		cleartext_check_apply(pkts, n, res);
	}
	spd = dp->spd_out[port];
	if (spd == NULL)
		return;
	spd_classify(spd, pkts, t4, n, res);
	cleartext_out_apply(dp, pkts, n, res);
}

void
dp_ipsec_cleartext4(struct gw_dp *dp, struct rte_mbuf **pkts, const struct gw_spd_tuple4 *t4,
		    uint16_t n)
{
	classify_cleartext(dp, pkts, t4, n);
}

/* The IP header's protocol (IPv6: the first next header) of a parsed packet. */
static inline uint8_t
l3_proto(const struct rte_mbuf *m)
{
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len);

	return gw_meta((struct rte_mbuf *)(uintptr_t)m)->l3 == GW_L3_IPV4 ?
		l3[offsetof(struct rte_ipv4_hdr, next_proto_id)] :
		l3[offsetof(struct rte_ipv6_hdr, proto)];
}

/*
 * Only ESP and UDP (NAT-T, multipath port) can carry ESP: the rest, fragments
 * of other protocols included, goes to the policy without the ESP parse. So
 * does UDP to another port when the datagram is whole (a fragment's port
 * bytes may be payload: those take the full parse, which names them).
 */
static inline bool
could_be_esp(const struct rte_mbuf *m)
{
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len);
	uint32_t room = rte_pktmbuf_data_len(m) - m->l2_len, l4;
	uint16_t frag, dport;
	uint8_t proto;

	if (gw_meta((struct rte_mbuf *)(uintptr_t)m)->l3 == GW_L3_IPV4) {
		proto = l3[offsetof(struct rte_ipv4_hdr, next_proto_id)];
		memcpy(&frag, l3 + offsetof(struct rte_ipv4_hdr, fragment_offset), 2);
		if (proto != IPPROTO_UDP ||
		    (frag & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0)
			return proto == IPPROTO_ESP || proto == IPPROTO_UDP;
		l4 = m->l3_len;
	} else {
		proto = l3[offsetof(struct rte_ipv6_hdr, proto)];
		if (proto != IPPROTO_UDP)
			return proto == IPPROTO_ESP;
		l4 = sizeof(struct rte_ipv6_hdr);
	}
	if (room < l4 + sizeof(struct rte_udp_hdr))
		return true;	/* the parse names what is wrong */
	memcpy(&dport, l3 + l4 + offsetof(struct rte_udp_hdr, dst_port), 2);
	return gw_esp_udp_port_may_carry_esp(rte_be_to_cpu_16(dport));
}

bool
dp_reasm_big_ok(const struct rte_mbuf *m)
{
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len);
	uint32_t room = rte_pktmbuf_data_len(m) - m->l2_len, l4;
	uint16_t dport;
	uint8_t proto;

	if (room < sizeof(struct rte_ipv6_hdr) + 8 + sizeof(struct rte_udp_hdr))
		return false;
	if (l3[0] >> 4 == 4) {
		proto = l3[offsetof(struct rte_ipv4_hdr, next_proto_id)];
		l4 = (uint32_t)(l3[0] & 0xf) * 4;
	} else {
		proto = l3[offsetof(struct rte_ipv6_hdr, proto)];
		l4 = sizeof(struct rte_ipv6_hdr);
		if (proto == IPPROTO_FRAGMENT) {	/* if still there */
			proto = l3[l4];
			l4 += 8;
		}
	}
	if (proto != IPPROTO_UDP || room < l4 + sizeof(struct rte_udp_hdr))
		return false;
	memcpy(&dport, l3 + l4 + offsetof(struct rte_udp_hdr, dst_port), 2);
	return !gw_esp_udp_port_may_carry_esp(rte_be_to_cpu_16(dport));
}

void
dp_ipsec_classify(struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *esp[GW_MAX_BURST], *clear[GW_MAX_BURST];
	rte_be32_t spis[GW_MAX_BURST];
	uint16_t nb_esp = 0, nb_clear = 0;

	if (!dp->has_ipsec)
		return;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct gw_meta *meta = gw_meta(m);
		uint32_t spi;
		bool udp;
		uint16_t uport;
		int cls;

		if (meta->drop != GW_DROP_NONE)
			continue;
		cls = could_be_esp(m) ?
			gw_esp_parse_spi_buf(rte_pktmbuf_mtod_offset(m, uint8_t *, m->l2_len),
					     rte_pktmbuf_data_len(m) - m->l2_len, &spi, &udp,
					     &uport) :
			GW_ESP_CLASS_NOT_ESP;
		switch (cls) {
		case GW_ESP_CLASS_ESP:
			spis[nb_esp] = rte_cpu_to_be_32(spi);
			esp[nb_esp++] = m;
			break;
		case GW_ESP_CLASS_FRAGMENT:
			/* Fragments to us that reassembly did not take: not ours to handle. */
			if (meta->action == GW_ACT_LOCAL) {
				meta->drop = GW_DROP_FRAGMENT_UNSUPPORTED;
				break;
			}
			/* Transit ESP fragments pass as whole transit ESP does, the rest
			 * (UDP) is cleartext to the policy like any packet. */
			if (l3_proto(m) == IPPROTO_ESP)
				break;
			/* fall through */
		case GW_ESP_CLASS_NOT_ESP:
			if (meta->action != GW_ACT_LOCAL) {
				/* consecutive packets of one port are classified together */
				if (nb_clear != 0 && gw_meta(clear[0])->in_port != meta->in_port) {
					classify_cleartext(dp, clear, NULL, nb_clear);
					nb_clear = 0;
				}
				clear[nb_clear++] = m;
			}
			break;
		default:	/* IKE on 4500, NAT keepalive: the kernel's if for us */
			break;
		}
	}
	if (nb_esp != 0)
		classify_esp(dp, esp, spis, nb_esp, true);
	if (nb_clear != 0)
		classify_cleartext(dp, clear, NULL, nb_clear);
}

/*
 * Pipeline: an SA pointer that classify found on another lcore is protected
 * only by that lcore's RCU reports, not by ours, so look the SAs up again here
 * (outbound through the stable slot, inbound in the SAD). Run-to-completion
 * keeps the classify result: same lcore, same poll iteration.
 */
static void
refresh_sas(struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *esp[GW_MAX_BURST];
	rte_be32_t spis[GW_MAX_BURST];
	uint16_t nb_esp = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct gw_meta *meta = gw_meta(m);
		uint32_t spi;
		uint16_t uport;
		bool udp;

		if (meta->action == GW_ACT_ENCRYPT) {
			meta->sa = gw_spd_slot_sa(dp->slots, meta->sa_slot);
			if (meta->sa == NULL)
				meta->drop = GW_DROP_POLICY_NO_SA;
		} else if (meta->action == GW_ACT_DECRYPT) {
			gw_esp_parse_spi_buf(rte_pktmbuf_mtod_offset(m, uint8_t *, m->l2_len),
					     rte_pktmbuf_data_len(m) - m->l2_len, &spi, &udp,
					     &uport);
			spis[nb_esp] = rte_cpu_to_be_32(spi);
			esp[nb_esp++] = m;
			meta->action = GW_ACT_FORWARD;
		}
	}
	if (nb_esp != 0)
		classify_esp(dp, esp, spis, nb_esp, false);	/* OUTER_ROUTED as classify set it */
	for (uint16_t i = 0; i < nb_esp; i++)
		if (gw_meta(esp[i])->action != GW_ACT_DECRYPT &&
		    gw_meta(esp[i])->drop == GW_DROP_NONE)
			gw_meta(esp[i])->drop = GW_DROP_ESP_UNKNOWN_SPI;	/* deleted meanwhile */
}

/*
 * Decrypted packets whose source is one of the gateway's addresses: a tunnel
 * does not bring the gateway's own packets back (lib/esp checks the rest of
 * the inner header; this needs the route table). True if any was dropped.
 */
static bool
inner_own_src(const struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t n)
{
	bool any = false;

	for (uint16_t i = 0; i < n; i++)
		if (unlikely(gw_route_src_is_own(dp->routes, pkts[i]))) {
			gw_meta(pkts[i])->drop = GW_DROP_INNER_OWN_SRC_ADDR;
			any = true;
		}
	return any;
}

/* Largest overhead ESP adds to any packet: padding varies with the length. */
#define ESP_OVERHEAD_BOUND 160

/* Does the inner packet fit the SA's tunnel MTU once encrypted? */
static inline bool
fits_tunnel(const struct gw_sa *sa, const struct rte_mbuf *m, uint16_t mtu)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);

	return len + ESP_OVERHEAD_BOUND <= mtu ||
	       len + gw_sa_overhead(sa, len, gw_meta((struct rte_mbuf *)(uintptr_t)m)->l3 ==
				    GW_L3_IPV6) <= mtu;
}

/*
 * The largest ESP packet the SA may send now: its tunnel MTU T, or the MTU
 * of the port the ESP packet will leave by when smaller (a tunnel-mtu above
 * the port MTU). The gateway is the ESP packet's source, so the inner
 * packets are held to this limit before encryption and the inner hosts get
 * the ICMP errors (or fragments) they would for a link of that MTU. A
 * group SA's ESP packet goes where classify routed the inner one (header
 * preservation); a tunnel's to its remote endpoint. The lookup is skipped
 * while T fits every port.
 */
static uint16_t
egress_mtu(const struct gw_dp *dp, const struct gw_sa *sa, struct rte_mbuf *m0)
{
	uint16_t t = gw_sa_tunnel_mtu(sa), port;
	struct gw_route_result r;
	bool fits_all = true;

	for (unsigned int p = 0; p < dp->nb_ports; p++)
		fits_all &= t <= dp->ports[p].mtu;
	if (likely(fits_all))
		return t;
	if (gw_sa_is_group(sa)) {
		port = gw_meta(m0)->out_port;
	} else {
		if (gw_route_lookup(dp->routes, &gw_sa_params(sa)->tunnel_remote, &r) !=
		    GW_ROUTE_FORWARD)
			return t;	/* no route: the route stage drops it */
		port = r.port;
	}
	return port < dp->nb_ports ? RTE_MIN(t, dp->ports[port].mtu) : t;
}

/*
 * Packets of the same SA and action as pkts[first], from first on, in one
 * pass over the burst (each pass costs a miss per packet on mbuf and meta):
 * the Ethernet header is stripped, and for ENCRYPT the packets too large for
 * the tunnel leave the burst (their slot becomes NULL) into big[]; a group
 * SA's packets keep the inner packet's route.
 */
static uint16_t
gather_run(const struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t n, uint16_t first,
	   bool *done, struct rte_mbuf **run, struct rte_mbuf **big, uint16_t *nb_big,
	   uint16_t *run_mtu)
{
	const struct gw_meta *m0 = gw_meta(pkts[first]);
	const struct gw_sa *sa = m0->sa;
	const uint8_t action = m0->action;
	const bool enc = action == GW_ACT_ENCRYPT;
	uint16_t mtu = 0, nb = 0, nbb = 0, port = m0->out_port;
	uint8_t keep = 0;

	if (enc) {
		mtu = egress_mtu(dp, sa, pkts[first]);
		keep = gw_sa_is_group(sa) ? GW_META_F_ROUTED_KEEP : 0;
	}
	*run_mtu = mtu;
	for (uint16_t i = first; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct gw_meta *meta;

		if (done[i] || m == NULL)
			continue;
		meta = gw_meta(m);
		if (meta->sa != sa || meta->action != action || meta->drop != GW_DROP_NONE)
			continue;
		/* a group SA's run is one egress port: one MTU (egress_mtu) */
		if (keep != 0 && meta->out_port != port)
			continue;
		done[i] = true;
		rte_pktmbuf_adj(m, m->l2_len);
		m->l2_len = 0;
		if (!enc) {
			run[nb++] = m;
		} else if (likely(fits_tunnel(sa, m, mtu))) {
			meta->flags |= keep;
			run[nb++] = m;
		} else {
			/* for the fragment path */
			pkts[i] = NULL;
			big[nbb++] = m;
		}
	}
	*nb_big = nbb;
	return nb;
}

static_assert(GW_SIDE_QUEUE >= GW_MAX_BURST * (GW_FRAG_MAX_PER_PKT + 1),
	      "the side queue holds what one burst can make");

/*
 * The side queue is empty when a burst starts (lib/dp/dp_layout.c) and holds
 * what one burst can make, so nothing is refused here; should a change break
 * that bound, the excess is counted as side-queue-full.
 */
static void
side_push(struct gw_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t k;

	if (w->side.head != 0) {
		memmove(w->side.pkts, w->side.pkts + w->side.head,
			w->side.n * sizeof(pkts[0]));
		w->side.head = 0;
	}
	k = RTE_MIN(n, (uint16_t)(GW_SIDE_QUEUE - w->side.n));
	memcpy(w->side.pkts + w->side.n, pkts, k * sizeof(pkts[0]));
	w->side.n += k;
	for (uint16_t i = k; i < n; i++)
		gw_meta(pkts[i])->drop = GW_DROP_SIDE_QUEUE_FULL;
	gw_drop_burst(pkts + k, n - k);
}

/* Every packet of pkts dropped for reason (counted and freed). */
static void
drop_as(struct rte_mbuf **pkts, uint16_t n, enum gw_drop reason)
{
	for (uint16_t i = 0; i < n; i++)
		gw_meta(pkts[i])->drop = reason;
	gw_drop_burst(pkts, n);
}

/* An IPv6 packet of at most 1280 bytes: IPv6 promises it every link (RFC 8200 5). */
static inline bool
ipv6_within_min_mtu(const struct rte_mbuf *m)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);

	return rte_pktmbuf_data_len(m) >= sizeof(*ip) &&
	       (*rte_pktmbuf_mtod(m, const uint8_t *) >> 4) == 6 &&
	       sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len) <= GW_FRAG_MIN_MTU_V6;
}

/*
 * Frames a fragment path made beyond its input, counted as originated on
 * the port each came in on: every output counts one, every input (whose
 * ports the caller saved, as the originals may be freed) takes one back.
 */
static void
count_made(const uint16_t *in_ports, uint16_t nb_in, struct rte_mbuf **out, uint16_t nb_out)
{
	int32_t made[GW_MAX_PORTS] = { 0 };

	for (uint16_t i = 0; i < nb_out; i++)
		made[gw_meta(out[i])->in_port % GW_MAX_PORTS]++;
	for (uint16_t i = 0; i < nb_in; i++)
		made[in_ports[i] % GW_MAX_PORTS]--;
	for (unsigned int p = 0; p < GW_MAX_PORTS; p++)
		if (made[p] > 0)
			gw_my_port_ctr(p)->originated += (uint64_t)made[p];
}

static void
save_ports(uint16_t *ports, struct rte_mbuf **pkts, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++)
		ports[i] = gw_meta(pkts[i])->in_port;
}

/*
 * Encrypt pkts and cut the ESP packets that exceed the tunnel MTU (the
 * gateway is their source, so it may fragment them: RFC 791, RFC 8200 4.5);
 * everything produced goes to the side queue. min6: each carries an IPv6
 * packet of at most 1280 bytes, which must cross even where the SA's df-bit
 * puts DF on an outer IPv4 header (gw_frag_outer_burst_min6, RFC 4213 3.2).
 */
static void
seal_and_cut(struct gw_worker *w, struct gw_sa *sa, struct rte_mbuf **pkts, uint16_t n,
	     uint16_t mtu, bool min6, const struct gw_esp_clock *now)
{
	for (uint16_t i = 0; i < n; i += GW_MAX_BURST) {
		struct rte_mbuf *frags[GW_FRAG_OUT_MAX];
		uint16_t chunk = RTE_MIN(GW_MAX_BURST, n - i), nb_frags = 0;
		uint16_t in_ports[GW_MAX_BURST];
		uint16_t ok = gw_esp_outbound(sa, pkts + i, chunk, now);
		int f;

		gw_drop_burst(pkts + i + ok, chunk - ok);
		save_ports(in_ports, pkts + i, ok);
		f = min6 ? gw_frag_outer_burst_min6(w->frag, mtu, pkts + i, ok, frags,
						    RTE_DIM(frags), &nb_frags) :
			gw_frag_outer_burst(w->frag, mtu, pkts + i, ok, frags, RTE_DIM(frags),
					    &nb_frags);
		if (f < 0) {	/* nothing consumed (cannot happen: frags holds a burst) */
			drop_as(pkts + i, ok, GW_DROP_MTU_EXCEEDED);
			continue;
		}
		count_made(in_ports, nb_frags != 0 ? ok : 0, frags, nb_frags);
		gw_drop_burst(frags + f, nb_frags - f);
		side_push(w, frags, (uint16_t)f);
	}
}

/*
 * The slow path for inner packets of one family larger than the tunnel MTU
 * (RFC 4459 3.4: fragment before encryption where the inner packet allows
 * it): IPv4 without DF is cut and each fragment is encrypted; IPv4 with DF
 * and IPv6 over 1280 are answered with ICMP; IPv6 of at most 1280 bytes and,
 * in passive mode, everything is tunnelled whole and the ESP packet is
 * fragmented instead. v6: the family, which for a group SA is also the outer
 * one and so decides the overhead.
 */
static void
oversize_family(struct gw_worker *w, struct gw_sa *sa, struct rte_mbuf **pkts, uint16_t nb,
		bool v6, uint16_t mtu, const struct gw_esp_clock *now)
{
	struct rte_mbuf *out[GW_FRAG_OUT_MAX], *icmp[GW_MAX_BURST], *min6[GW_MAX_BURST];
	uint16_t nb_out = 0, nb_icmp = 0, nb_min6 = 0, nb_rest = 0;
	uint16_t overhead = 0;
	uint16_t in_ports[GW_FRAG_OUT_MAX];
	struct gw_frag_params fp;
	int good;

	/* worst case over the padding cycle, for where to cut */
	for (uint16_t len = mtu - 32; len <= mtu; len++)
		overhead = RTE_MAX(overhead, (uint16_t)gw_sa_overhead(sa, len, v6));
	/* refused only below T - O = 68, out of reach with tunnel-mtu >= 256 */
	if (gw_frag_params_init(&fp, mtu, overhead, gw_sa_clear_df(sa), gw_sa_passive(sa)) != 0) {
		drop_as(pkts, nb, GW_DROP_MTU_EXCEEDED);
		return;
	}
	save_ports(in_ports, pkts, nb);
	good = gw_frag_inner_burst(w->frag, &fp, pkts, nb, out, RTE_DIM(out), &nb_out,
				   icmp, RTE_DIM(icmp), &nb_icmp);
	if (good < 0)
		good = 0;
	count_made(in_ports, nb_out != 0 ? nb : 0, out, nb_out);
	count_made(NULL, 0, icmp, nb_icmp);
	gw_drop_burst(out + good, nb_out - good);
	for (uint16_t i = 0; i < nb_icmp; i++)
		gw_meta(icmp[i])->flags |= GW_META_F_REROUTE;
	side_push(w, icmp, nb_icmp);
	/* IPv6 is never cut before encryption: at most one slot per input */
	for (int i = 0; i < good; i++) {
		if (v6 && nb_min6 < RTE_DIM(min6) && ipv6_within_min_mtu(out[i]))
			min6[nb_min6++] = out[i];
		else
			out[nb_rest++] = out[i];
	}
	seal_and_cut(w, sa, out, nb_rest, mtu, false, now);
	seal_and_cut(w, sa, min6, nb_min6, mtu, true, now);
}

/*
 * Inner packets over the tunnel MTU, one family at a time. mtu: the SA's
 * tunnel MTU, or the egress port's when smaller (egress_mtu).
 */
static void
encrypt_oversize(struct gw_worker *w, struct gw_sa *sa, struct rte_mbuf **big, uint16_t nb,
		 uint16_t mtu, const struct gw_esp_clock *now)
{
	struct rte_mbuf *v6[GW_MAX_BURST];
	uint16_t nb4 = 0, nb6 = 0;

	for (uint16_t i = 0; i < nb; i++) {
		if (gw_meta(big[i])->l3 == GW_L3_IPV6)
			v6[nb6++] = big[i];
		else
			big[nb4++] = big[i];
	}
	if (nb4 != 0)
		oversize_family(w, sa, big, nb4, false, mtu, now);
	if (nb6 != 0)
		oversize_family(w, sa, v6, nb6, true, mtu, now);
}

bool
dp_ipsec_process(struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t n, bool *drops)
{
	struct rte_mbuf *run[GW_MAX_BURST], *big[GW_MAX_BURST];
	bool done[GW_MAX_BURST] = { false };
	struct gw_esp_clock now;
	bool have_clock = false, holes = false;

	*drops = false;
	if (!dp->has_ipsec)
		return false;
	if (dp->layout == GW_LAYOUT_PIPELINE) {
		refresh_sas(dp, pkts, n);
		*drops = true;
	}
	for (uint16_t i = 0; i < n; i++) {
		struct gw_meta *meta;
		struct gw_sa *sa;
		uint16_t nb, nb_big, mtu;

		/* done[] first: the packets of earlier runs need no meta load */
		if (done[i] || pkts[i] == NULL)	/* NULL: left for the fragment path */
			continue;
		meta = gw_meta(pkts[i]);
		sa = meta->sa;
		if (meta->drop != GW_DROP_NONE || (meta->action != GW_ACT_ENCRYPT &&
				meta->action != GW_ACT_DECRYPT)) {
			continue;
		}
		if (!have_clock) {
			gw_esp_clock_read(&now);	/* one clock read per burst */
			have_clock = true;
		}
		nb = gather_run(dp, pkts, n, i, done, run, big, &nb_big, &mtu);
		if (meta->action == GW_ACT_DECRYPT) {
			uint16_t ok = gw_esp_inbound(sa, run, nb, &now);
			bool spoofed = inner_own_src(dp, run, ok);	/* always runs */

			if (spoofed || ok != nb)
				*drops = true;
			continue;
		}
		if (nb != 0 && gw_esp_outbound(sa, run, nb, &now) != nb)
			*drops = true;
		if (nb_big != 0) {
			struct gw_worker *w = gw_dp_self();

			holes = true;
			if (w != NULL) {
				encrypt_oversize(w, sa, big, nb_big, mtu, &now);
			} else {
				for (uint16_t j = 0; j < nb_big; j++)
					gw_meta(big[j])->drop = GW_DROP_MTU_EXCEEDED;
				gw_drop_burst(big, nb_big);
			}
		}
	}
	return holes;
}

/* The port address of the packet's family, to answer from. */
static bool
icmp_source(const struct gw_port *p, uint8_t l3)
{
	return l3 == GW_L3_IPV4 ? p->ip4 != 0 : p->has_ip6;
}

void
dp_icmp_error(struct gw_dp *dp, struct rte_mbuf *m, enum gw_drop reason)
{
	static RTE_DEFINE_PER_LCORE(struct gw_icmp_rl, rl);
	static RTE_DEFINE_PER_LCORE(bool, rl_ready);
	struct gw_meta *meta = gw_meta(m);
	const struct gw_port *in = &dp->ports[meta->in_port];
	uint64_t tsc = rte_rdtsc();
	struct rte_mbuf *err;
	int rc;

	/* Only for packets as received (Ethernet in front). */
	if (m->l2_len == 0 || !icmp_source(in, meta->l3))
		return;
	if (!RTE_PER_LCORE(rl_ready)) {
		gw_icmp_rl_init(&RTE_PER_LCORE(rl), 100, 10, rte_get_tsc_hz(), tsc);
		RTE_PER_LCORE(rl_ready) = true;
	}
	if (!gw_icmp_rl_take(&RTE_PER_LCORE(rl), tsc))
		return;
	err = rte_pktmbuf_alloc(dp->pool);
	if (err == NULL)
		return;
	if (reason == GW_DROP_TTL_EXPIRED)
		rc = meta->l3 == GW_L3_IPV4 ? gw_icmp4_time_exceeded(err, m, in->ip4) :
			gw_icmp6_time_exceeded(err, m, in->ip6);
	else
		rc = meta->l3 == GW_L3_IPV4 ?
			gw_icmp4_frag_needed(err, m, in->ip4, dp->ports[meta->out_port].mtu) :
			gw_icmp6_packet_too_big(err, m, in->ip6, dp->ports[meta->out_port].mtu);
	if (rc != 0) {
		rte_pktmbuf_free(err);
		return;
	}
	/* Framed back to the sender's MAC: out of the ingress port, via the control queue. */
	*gw_meta(err) = (struct gw_meta){ .in_port = meta->in_port, .l3 = meta->l3 };
	gw_my_port_ctr(meta->in_port)->originated++;
	dp_to_port(dp, err, meta->in_port);
}
