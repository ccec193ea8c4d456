/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP tunnel-mode decapsulation (RFC 4303 section 3.4). Order per packet:
 * outer header and UDP encapsulation, lengths, SPI, replay check (unicast),
 * decrypt + ICV (one engine call per burst), replay update, padding, D3P
 * (group), next header, inner header (the checks of classify: gw_l3.h), inbound
 * selectors, strip.
 * Instantiated per (replay / no replay / group / group+D3P, UDP).
 */

#include <string.h>
#include <netinet/in.h>

#include "esp_priv.h"
#include "gw_l3.h"

enum esp_in_kind {
	ESP_IN_REPLAY,		/* unicast with a window or ESN: lock + window */
	ESP_IN_PLAIN,		/* unicast, no-anti-replay, 32-bit sequence numbers */
	ESP_IN_GROUP,		/* group SA: sequence numbers not checked */
	ESP_IN_GROUP_TBAR,	/* group SA with the D3P time check */
};

static inline bool
esp_prefix_match(const struct gw_prefix *p, uint8_t family, const uint8_t *addr)
{
	const uint8_t *net;
	unsigned int full, rem;

	if (p->family == 0)
		return true;
	if (p->family != family)
		return false;
	net = family == AF_INET ? (const uint8_t *)&p->v4 : (const uint8_t *)&p->v6;
	full = p->len / 8;
	rem = p->len % 8;
	if (memcmp(net, addr, full) != 0)
		return false;
	return rem == 0 || ((net[full] ^ addr[full]) & (uint8_t)(0xff << (8 - rem))) == 0;
}

/*
 * Outer IP and UDP headers: returns the offset of the ESP header and sets
 * *len to the end of the IP packet, or a drop reason via *drop.
 */
static __rte_always_inline uint32_t
esp_in_outer(const struct gw_sa *sa, const uint8_t *p, uint32_t *len, uint8_t *drop,
	     const bool udp)
{
	uint32_t l3, end, proto;

	if (*len >= sizeof(struct rte_ipv4_hdr) && (p[0] >> 4) == 4) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)p;

		l3 = (p[0] & 0x0f) * 4u;
		end = rte_be_to_cpu_16(ip->total_length);
		if (l3 < sizeof(*ip) || end < l3 || end > *len) {
			*drop = GW_DROP_BAD_IP_LEN;
			return 0;
		}
		if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) {
			*drop = GW_DROP_FRAGMENT_UNSUPPORTED;
			return 0;
		}
		proto = ip->next_proto_id;
	} else if (*len >= sizeof(struct rte_ipv6_hdr) && (p[0] >> 4) == 6) {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)p;

		l3 = sizeof(*ip6);
		end = l3 + rte_be_to_cpu_16(ip6->payload_len);
		if (end > *len) {
			*drop = GW_DROP_BAD_IP_LEN;
			return 0;
		}
		proto = ip6->proto;	/* extension headers are not supported */
	} else {
		*drop = GW_DROP_BAD_IP_VERSION;
		return 0;
	}
	*len = end;		/* drop Ethernet padding */
	if (udp) {
		const struct rte_udp_hdr *uh = (const struct rte_udp_hdr *)(p + l3);

		if (proto != IPPROTO_UDP) {
			*drop = GW_DROP_UDP_ENCAP_MISMATCH;
			return 0;
		}
		if (end - l3 < sizeof(*uh)) {
			*drop = GW_DROP_ESP_TRUNCATED;
			return 0;
		}
		if (uh->dst_port != sa->udp_dport_be) {
			*drop = GW_DROP_UDP_ENCAP_MISMATCH;
			return 0;
		}
		if (rte_be_to_cpu_16(uh->dgram_len) != end - l3) {
			*drop = GW_DROP_BAD_IP_LEN;
			return 0;
		}
		l3 += sizeof(*uh);
		/* RFC 3948 2.2: a zero "SPI" is the non-ESP marker (IKE) */
		if (end - l3 >= 4 && p[l3] == 0 && p[l3 + 1] == 0 && p[l3 + 2] == 0 &&
		    p[l3 + 3] == 0) {
			*drop = GW_DROP_UDP_ENCAP_MISMATCH;
			return 0;
		}
	} else if (proto != IPPROTO_ESP) {
		*drop = GW_DROP_UDP_ENCAP_MISMATCH;
		return 0;
	}
	return l3;
}

/* Inner packet after the trailer is checked: returns its length or 0 with *drop. */
static inline uint32_t
esp_in_inner(const struct gw_sa *sa, const uint8_t *in, uint32_t avail, uint8_t nh,
	     uint8_t *drop, uint16_t *l3_len)
{
	uint32_t len;
	uint8_t proto;

	if (nh == IPPROTO_IPIP) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)in;

		if (avail < sizeof(*ip) || (in[0] >> 4) != 4) {
			*drop = GW_DROP_BAD_IP_VERSION;
			return 0;
		}
		len = rte_be_to_cpu_16(ip->total_length);
		*l3_len = (in[0] & 0x0f) * 4u;
		if (*l3_len < sizeof(*ip) || len < *l3_len || len > avail) {
			*drop = GW_DROP_BAD_IP_LEN;
			return 0;
		}
		*drop = (uint8_t)gw_l3_inner_check_ipv4(ip, *l3_len);
		if (*drop != GW_DROP_NONE)
			return 0;
		proto = ip->next_proto_id;
		if (!esp_prefix_match(&sa->sel_src, AF_INET, in + 12) ||
		    !esp_prefix_match(&sa->sel_dst, AF_INET, in + 16))
			goto mismatch;
	} else if (nh == IPPROTO_IPV6) {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)in;

		if (avail < sizeof(*ip6) || (in[0] >> 4) != 6) {
			*drop = GW_DROP_BAD_IP_VERSION;
			return 0;
		}
		len = sizeof(*ip6) + rte_be_to_cpu_16(ip6->payload_len);
		*l3_len = sizeof(*ip6);
		if (len > avail) {
			*drop = GW_DROP_BAD_IP_LEN;
			return 0;
		}
		*drop = (uint8_t)gw_l3_inner_check_ipv6(ip6);
		if (*drop != GW_DROP_NONE)
			return 0;
		proto = ip6->proto;
		if (!esp_prefix_match(&sa->sel_src, AF_INET6, in + 8) ||
		    !esp_prefix_match(&sa->sel_dst, AF_INET6, in + 24))
			goto mismatch;
	} else {
		/* includes 59 (dummy, RFC 4303 2.6) and an unexpected D3P header */
		*drop = GW_DROP_ESP_BAD_NEXT_HDR;
		return 0;
	}
	if (sa->sel_proto != 0 && sa->sel_proto != proto)
		goto mismatch;
	return len;
mismatch:
	*drop = GW_DROP_POLICY_INBOUND_MISMATCH;
	return 0;
}

/*
 * Header preservation (group SAs): when the inner destination is the outer
 * one, the route classify found for the ESP packet is the inner packet's.
 */
static __rte_always_inline bool
esp_in_same_dst(const uint8_t *outer, const uint8_t *inner, uint8_t nh)
{
	if (nh == IPPROTO_IPIP)
		return (outer[0] >> 4) == 4 &&
		       memcmp(outer + offsetof(struct rte_ipv4_hdr, dst_addr),
			      inner + offsetof(struct rte_ipv4_hdr, dst_addr), 4) == 0;
	return (outer[0] >> 4) == 6 &&
	       memcmp(outer + offsetof(struct rte_ipv6_hdr, dst_addr),
		      inner + offsetof(struct rte_ipv6_hdr, dst_addr), 16) == 0;
}

static __rte_always_inline uint16_t
esp_in_burst(struct gw_sa *sa, struct rte_mbuf **pkts, uint16_t n,
	     const struct gw_esp_clock *now, const enum esp_in_kind kind, const bool udp)
{
	struct gw_crypto_op ops[GW_MAX_BURST];
	uint8_t aad[GW_MAX_BURST][12];
	uint8_t drop[GW_MAX_BURST];
	uint16_t idx[GW_MAX_BURST];
	uint32_t esp_off[GW_MAX_BURST], ct_len[GW_MAX_BURST];
	uint64_t seq[GW_MAX_BURST];
	struct esp_lcore *lc = esp_lcore(sa);
	const uint32_t min_esp = sizeof(struct rte_esp_hdr) + sa->iv_len + sa->icv_len;
	uint16_t i, j, nb_ops = 0, good;
	uint64_t bytes = 0;

	memset(drop, GW_DROP_NONE, n);
	if (unlikely(atomic_load_explicit(&sa->dead, memory_order_relaxed))) {
		memset(drop, GW_DROP_SA_EXPIRED, n);
		return esp_partition(lc, pkts, n, drop);
	}

	/* 1. headers and lengths */
	for (i = 0; i < n; i++) {
		const uint8_t *p = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
		uint32_t len = rte_pktmbuf_data_len(pkts[i]);
		uint32_t off, esp_len;

		off = esp_in_outer(sa, p, &len, &drop[i], udp);
		if (drop[i] != GW_DROP_NONE)
			continue;
		esp_len = len - off;
		if (esp_len < min_esp + 4) {	/* at least a 4-byte aligned trailer */
			drop[i] = GW_DROP_ESP_TRUNCATED;
			continue;
		}
		ct_len[i] = esp_len - min_esp;
		if ((ct_len[i] & (sa->pad_align - 1u)) != 0) {	/* a power of two (gw_sa.c) */
			drop[i] = GW_DROP_ESP_BAD_BLOCK;
			continue;
		}
		if (memcmp(p + off, &sa->spi_be, 4) != 0) {
			drop[i] = GW_DROP_ESP_UNKNOWN_SPI;
			continue;
		}
		esp_off[i] = off;
		{
			uint32_t seq_be;	/* the ESP header need not be 4-byte aligned */

			memcpy(&seq_be, p + off + 4, sizeof(seq_be));
			seq[i] = rte_be_to_cpu_32(seq_be);
		}
		/* trim Ethernet padding so the trailer is where we expect it */
		rte_pktmbuf_trim(pkts[i], (uint16_t)(rte_pktmbuf_data_len(pkts[i]) - len));
	}

	/* 2. replay check before crypto (RFC 4303 3.4.3) */
	if (kind == ESP_IN_REPLAY) {
		rte_spinlock_lock(&sa->replay_lock);
		for (i = 0; i < n; i++)
			if (drop[i] == GW_DROP_NONE &&
			    gw_replay_check(&sa->replay, (uint32_t)seq[i], &seq[i]) < 0)
				drop[i] = GW_DROP_ESP_REPLAY;
		rte_spinlock_unlock(&sa->replay_lock);
	}

	/* 3. decrypt and verify, one engine call */
	for (i = 0; i < n; i++) {
		struct gw_crypto_op *op = &ops[nb_ops];
		uint8_t *esp;

		if (drop[i] != GW_DROP_NONE)
			continue;
		esp = rte_pktmbuf_mtod_offset(pkts[i], uint8_t *, esp_off[i]);
		op->buf = esp;
		op->cipher_start = 8 + sa->iv_len;
		op->cipher_len = ct_len[i];
		op->auth_start = 0;
		op->auth_len = 8 + sa->iv_len + ct_len[i];
		op->iv = esp + 8;
		esp_op_seq(op, esp, aad[nb_ops], seq[i], kind == ESP_IN_REPLAY && sa->esn);
		op->icv = esp + op->auth_len;
		op->status = 0;
		idx[nb_ops++] = i;
	}
	if (nb_ops != 0)
		sa->engine->process(sa->sess, ops, nb_ops);
	for (j = 0; j < nb_ops; j++)
		if (ops[j].status != 0)
			drop[idx[j]] = ops[j].status == -EBADMSG ?
				GW_DROP_ESP_ICV : GW_DROP_CRYPTO_ERROR;

	/* 4. window update only for authenticated packets (re-checks) */
	if (kind == ESP_IN_REPLAY) {
		rte_spinlock_lock(&sa->replay_lock);
		for (j = 0; j < nb_ops; j++)
			if (drop[idx[j]] == GW_DROP_NONE &&
			    gw_replay_update(&sa->replay, seq[idx[j]]) < 0)
				drop[idx[j]] = GW_DROP_ESP_REPLAY;
		rte_spinlock_unlock(&sa->replay_lock);
	}

	/* 5. trailer, D3P, next header, inner header, selectors, strip */
	for (j = 0; j < nb_ops; j++) {
		struct rte_mbuf *m;
		uint8_t *pt, nh, pad_len;
		uint32_t ct, plen, k, inner_len, hdr;
		uint16_t l3_len = 0;

		i = idx[j];
		if (drop[i] != GW_DROP_NONE)
			continue;
		m = pkts[i];
		ct = ct_len[i];
		pt = ops[j].buf + 8 + sa->iv_len;
		pad_len = pt[ct - 2];
		nh = pt[ct - 1];
		if ((uint32_t)pad_len + 2 > ct) {
			drop[i] = GW_DROP_ESP_BAD_PAD;
			continue;
		}
		plen = ct - 2 - pad_len;
		/* RFC 4303 2.4: default padding is 1, 2, 3, ... */
		for (k = 0; k < pad_len; k++)
			if (pt[plen + k] != (uint8_t)(k + 1))
				break;
		if (k != pad_len) {
			drop[i] = GW_DROP_ESP_BAD_PAD;
			continue;
		}
		hdr = esp_off[i] + 8 + sa->iv_len;
		if (kind == ESP_IN_GROUP_TBAR) {
			uint8_t r;

			if (nh != sa->d3p_proto) {
				drop[i] = GW_DROP_TBAR_MISSING;
				continue;
			}
			r = (uint8_t)gw_tbar_check(pt, plen, (uint32_t)now->sec, now->usec,
						   sa->tbar_half_ms, &nh);
			if (r != GW_DROP_NONE) {
				drop[i] = r;
				continue;
			}
			pt += GW_TBAR_HDR_LEN;
			plen -= GW_TBAR_HDR_LEN;
			hdr += GW_TBAR_HDR_LEN;
		}
		inner_len = esp_in_inner(sa, pt, plen, nh, &drop[i], &l3_len);
		if (drop[i] != GW_DROP_NONE)
			continue;
		if ((kind == ESP_IN_GROUP || kind == ESP_IN_GROUP_TBAR) &&
		    (gw_meta(m)->flags & GW_META_F_OUTER_ROUTED) &&
		    esp_in_same_dst(rte_pktmbuf_mtod(m, const uint8_t *), pt, nh))
			gw_meta(m)->flags |= GW_META_F_ROUTED_KEEP;
		rte_pktmbuf_adj(m, (uint16_t)hdr);
		rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_data_len(m) - inner_len));
		m->l3_len = l3_len;
		gw_meta(m)->l3 = nh == IPPROTO_IPIP ? GW_L3_IPV4 : GW_L3_IPV6;
		gw_meta(m)->flags |= GW_META_F_DECRYPTED;
		bytes += inner_len;
	}
	good = esp_partition(lc, pkts, n, drop);
	lc->stats.packets += good;
	lc->stats.bytes += bytes;
	return good;
}

#define ESP_IN_FN(name, kind, udp) \
static uint16_t \
name(struct gw_sa *sa, struct rte_mbuf **pkts, uint16_t n, const struct gw_esp_clock *now) \
{ \
	return esp_in_burst(sa, pkts, n, now, kind, udp); \
}

ESP_IN_FN(esp_in_replay, ESP_IN_REPLAY, false)
ESP_IN_FN(esp_in_replay_udp, ESP_IN_REPLAY, true)
ESP_IN_FN(esp_in_plain, ESP_IN_PLAIN, false)
ESP_IN_FN(esp_in_plain_udp, ESP_IN_PLAIN, true)
ESP_IN_FN(esp_in_group, ESP_IN_GROUP, false)
ESP_IN_FN(esp_in_group_udp, ESP_IN_GROUP, true)
ESP_IN_FN(esp_in_group_tbar, ESP_IN_GROUP_TBAR, false)
ESP_IN_FN(esp_in_group_tbar_udp, ESP_IN_GROUP_TBAR, true)

esp_burst_fn
esp_inbound_select(const struct gw_sa *sa)
{
	bool udp = sa->udp_dport_be != 0;

	if (sa->group) {
		if (sa->tbar)
			return udp ? esp_in_group_tbar_udp : esp_in_group_tbar;
		return udp ? esp_in_group_udp : esp_in_group;
	}
	if (gw_replay_window(&sa->replay) != 0 || sa->esn)
		return udp ? esp_in_replay_udp : esp_in_replay;
	return udp ? esp_in_plain_udp : esp_in_plain;
}
