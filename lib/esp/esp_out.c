/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP tunnel-mode encapsulation (RFC 4303 section 3.3). One always-inline
 * body, instantiated per (outer family or header preservation, UDP
 * encapsulation, D3P header) so that no configuration is tested per packet;
 * gw_sa_create picks the instance.
 */

#include <string.h>
#include <netinet/in.h>

#include "esp_priv.h"

enum esp_outer {
	ESP_OUT_V4,	/* unicast, IPv4 tunnel endpoints */
	ESP_OUT_V6,	/* unicast, IPv6 tunnel endpoints */
	ESP_OUT_GROUP,	/* header preservation: outer family and addresses from the inner */
};

#define ESP_MULTIPATH_SPORT_BASE 49152
#define ESP_MULTIPATH_SPORT_MASK 0x3fff

/* Sequence numbers for the burst; drop[] marks exhausted ones. */
static __rte_always_inline void
esp_out_seq(struct gw_sa *sa, struct esp_lcore *lc, uint16_t n, uint64_t *seq, uint8_t *drop,
	    const enum esp_outer outer)
{
	uint64_t first, c;
	uint16_t i;

	if (outer == ESP_OUT_GROUP) {
		/*
		 * Group SA: per-lcore space, nobody checks it (DESIGN 1). The
		 * wire carries the low 32 bits (never 0); the IV uses the
		 * counter, so it stays unique after the wire number wraps.
		 */
		for (i = 0; i < n; i++) {
			c = ++lc->group_ctr;
			if ((uint32_t)c == 0)
				c = ++lc->group_ctr;
			seq[i] = c;
		}
		return;
	}
	/* Unicast: one shared counter, one atomic per burst. */
	first = atomic_fetch_add_explicit(&sa->seq_out, n, memory_order_relaxed) + 1;
	for (i = 0; i < n; i++) {
		seq[i] = first + i;
		/* RFC 4303 3.3.3: never cycle; the SA must be rekeyed */
		if (seq[i] > sa->seq_max || seq[i] < first || seq[i] == 0) {
			drop[i] = GW_DROP_SEQ_EXHAUSTED;
			if (atomic_exchange(&sa->seq_event, 1) == 0)
				esp_sa_event(sa, GW_SA_EV_SEQ_EXHAUSTED, sa->seq_max);
		}
	}
}

/*
 * The IV field. Counter IVs (GCM, ChaCha20-Poly1305: RFC 4106 3.1, RFC 7634
 * 2) are the unique per-key value itself. CBC IVs must be unpredictable (RFC
 * 3602 2.3): the field gets the same unique value as a nonce block, which the
 * engine encrypts under the SA's key as the first block of the CBC chain from
 * a zero IV (esp_out_burst), so the wire carries E_K(nonce) — the "forward
 * cipher applied to a nonce" IV of NIST SP 800-38A appendix C — and the rest
 * of the chain is CBC under that IV. One block more per packet instead of
 * two rte_rand() calls.
 */
static __rte_always_inline void
esp_out_iv(const struct gw_sa *sa, uint8_t *iv, uint64_t seq, unsigned int slot,
	   const enum esp_outer outer)
{
	uint64_t v;

	if (sa->iv_kind == ESP_IV_NONE)
		return;
	/* unique per key: the sequence number, or a group SA's tag | slot | counter */
	if (outer == ESP_OUT_GROUP)
		v = sa->group_tag | ((uint64_t)slot << ESP_GROUP_SLOT_SHIFT) |
			(seq & ((UINT64_C(1) << ESP_GROUP_CTR_BITS) - 1));
	else
		v = seq;
	v = rte_cpu_to_be_64(v);
	memcpy(iv, &v, sizeof(v));
	if (sa->iv_kind == ESP_IV_CBC && sa->iv_len > sizeof(v))
		memset(iv + sizeof(v), 0, sa->iv_len - sizeof(v));
}

/* The CBC chain's IV when the nonce block in the IV field is its first block. */
static const uint8_t esp_zero_iv[GW_CRYPTO_MAX_IV];

/* The IPv4 header checksum as rte_ipv4_cksum() computes it (20-byte header). */
static __rte_always_inline rte_be16_t
esp_ip4_cksum(uint8_t vhl, uint8_t tos, rte_be16_t len, rte_be16_t id, rte_be16_t frag,
	      uint8_t ttl, uint8_t proto, rte_be32_t src, rte_be32_t dst)
{
	uint8_t b[4] = { vhl, tos, ttl, proto };
	uint16_t w0, w4;
	uint32_t sum;

	/* 16-bit words as rte_raw_cksum() loads them: memory order, host loads */
	memcpy(&w0, b, 2);
	memcpy(&w4, b + 2, 2);
	sum = (uint32_t)w0 + len + id + frag + w4 + (src & 0xffff) + (src >> 16) +
		(dst & 0xffff) + (dst >> 16);
	sum = (sum >> 16) + (sum & 0xffff);
	sum = (sum >> 16) + (sum & 0xffff);
	return (rte_be16_t)~sum;
}

static __rte_always_inline uint16_t
esp_out_burst(struct gw_sa *sa, struct rte_mbuf **pkts, uint16_t n,
	      const struct gw_esp_clock *now, const enum esp_outer outer, const bool udp,
	      const bool tbar)
{
	struct gw_crypto_op ops[GW_MAX_BURST];
	uint8_t aad[GW_MAX_BURST][12];
	uint8_t drop[GW_MAX_BURST];
	uint16_t idx[GW_MAX_BURST];
	uint64_t seq[GW_MAX_BURST];
	struct esp_lcore *lc = esp_lcore(sa);
	unsigned int slot = esp_slot(sa);
	const uint32_t tb = tbar ? GW_TBAR_HDR_LEN : 0;
	const uint32_t udp_len = udp ? sizeof(struct rte_udp_hdr) : 0;
	uint16_t i, nb_ops = 0, good;
	uint64_t bytes = 0;

	memset(drop, GW_DROP_NONE, n);
	if (unlikely(atomic_load_explicit(&sa->dead, memory_order_relaxed))) {
		memset(drop, GW_DROP_SA_EXPIRED, n);
		return esp_partition(lc, pkts, n, drop);
	}
	esp_out_seq(sa, lc, n, seq, drop, outer);

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *in = rte_pktmbuf_mtod(m, const uint8_t *);
		uint32_t in_len = rte_pktmbuf_data_len(m);
		uint32_t ip_len, plain, padded, pad, hdr, tail, total, k;
		uint8_t nh, tos, ver, *p, *esp, *t;
		bool v6, df_in;
		struct gw_crypto_op *op;

		if (drop[i] != GW_DROP_NONE)
			continue;
		ver = in_len ? in[0] >> 4 : 0;
		if (ver == 4 && in_len >= sizeof(struct rte_ipv4_hdr)) {
			nh = IPPROTO_IPIP;
			tos = in[1];
			df_in = (in[6] & 0x40) != 0;
		} else if (ver == 6 && in_len >= sizeof(struct rte_ipv6_hdr)) {
			nh = IPPROTO_IPV6;
			tos = (uint8_t)(((in[0] & 0x0f) << 4) | (in[1] >> 4));
			df_in = true;	/* IPv6 is never fragmented on the path */
		} else {
			drop[i] = GW_DROP_BAD_IP_VERSION;
			continue;
		}
		v6 = outer == ESP_OUT_V6 || (outer == ESP_OUT_GROUP && ver == 6);
		ip_len = v6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr);
		plain = in_len + tb;
		padded = RTE_ALIGN_CEIL(plain + 2, sa->pad_align);
		pad = padded - plain - 2;	/* RFC 4303 2.4: 1, 2, 3, ... */
		hdr = ip_len + udp_len + sizeof(struct rte_esp_hdr) + sa->iv_len + tb;
		tail = pad + 2 + sa->icv_len;
		total = hdr + in_len + tail;
		if (total > UINT16_MAX + (v6 ? ip_len : 0)) {
			drop[i] = GW_DROP_MTU_EXCEEDED;
			continue;
		}
		if (rte_pktmbuf_headroom(m) < hdr || rte_pktmbuf_tailroom(m) < tail) {
			drop[i] = GW_DROP_NO_MBUF;
			continue;
		}
		p = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)hdr);
		rte_pktmbuf_append(m, (uint16_t)tail);
		in = p + hdr;

		if (!v6) {
			struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
			rte_be16_t len_be = rte_cpu_to_be_16((uint16_t)total);
			rte_be16_t id_be = rte_cpu_to_be_16(lc->ip_id++);
			rte_be16_t frag_be;
			rte_be32_t src, dst;
			uint8_t vhl, ttl, proto;
			bool df;

			if (outer == ESP_OUT_GROUP) {
				vhl = RTE_IPV4_VHL_DEF;
				ttl = 64;
				proto = udp ? IPPROTO_UDP : IPPROTO_ESP;
				memcpy(&src, in + 12, 4);
				memcpy(&dst, in + 16, 4);
				memset(ip, 0, sizeof(*ip));
				ip->version_ihl = vhl;
				ip->time_to_live = ttl;
				ip->next_proto_id = proto;
				ip->src_addr = src;
				ip->dst_addr = dst;
			} else {
				vhl = sa->outer.v4.version_ihl;
				ttl = sa->outer.v4.time_to_live;
				proto = sa->outer.v4.next_proto_id;
				src = sa->outer.v4.src_addr;
				dst = sa->outer.v4.dst_addr;
				*ip = sa->outer.v4;
			}
			df = sa->df_mode == GW_DF_SET || (sa->df_mode == GW_DF_COPY && df_in);
			frag_be = df ? RTE_BE16(RTE_IPV4_HDR_DF_FLAG) : 0;
			ip->type_of_service = tos;
			ip->total_length = len_be;
			ip->packet_id = id_be;
			ip->fragment_offset = frag_be;
			/*
			 * rte_ipv4_cksum() from the values, not the header: reading
			 * back the just-written narrow stores stalls on forwarding.
			 */
			ip->hdr_checksum = esp_ip4_cksum(vhl, tos, len_be, id_be, frag_be, ttl,
							 proto, src, dst);
		} else {
			struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)p;

			if (outer == ESP_OUT_GROUP) {
				ip6->proto = udp ? IPPROTO_UDP : IPPROTO_ESP;
				ip6->hop_limits = 64;
				memcpy(ip6->src_addr, in + 8, 32);	/* src, dst */
			} else {
				*ip6 = sa->outer.v6;
			}
			/* RFC 6438: the flow label carries the inner flow hash */
			ip6->vtc_flow = rte_cpu_to_be_32((6u << 28) | ((uint32_t)tos << 20) |
							 (gw_meta(m)->flow_hash & 0xfffff));
			ip6->payload_len = rte_cpu_to_be_16((uint16_t)(total - ip_len));
		}
		if (udp) {
			struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(p + ip_len);

			uh->src_port = sa->udp_sport_be ? sa->udp_sport_be :
				rte_cpu_to_be_16(ESP_MULTIPATH_SPORT_BASE +
						 (gw_meta(m)->flow_hash & ESP_MULTIPATH_SPORT_MASK));
			uh->dst_port = sa->udp_dport_be;
			uh->dgram_len = rte_cpu_to_be_16((uint16_t)(total - ip_len));
			uh->dgram_cksum = 0;	/* RFC 3948 2.1 (IPv4); IPv6 after crypto */
		}
		esp = p + ip_len + udp_len;
		memcpy(esp, &sa->spi_be, 4);
		{
			uint32_t seq_be = rte_cpu_to_be_32((uint32_t)seq[i]);

			memcpy(esp + 4, &seq_be, sizeof(seq_be));	/* may be unaligned */
		}
		esp_out_iv(sa, esp + 8, seq[i], slot, outer);
		if (tbar)
			gw_tbar_write(esp + 8 + sa->iv_len, nh, (uint32_t)now->sec, now->usec);
		t = esp + 8 + sa->iv_len + plain;
		for (k = 0; k < pad; k++)
			t[k] = (uint8_t)(k + 1);
		t[pad] = (uint8_t)pad;
		t[pad + 1] = tbar ? sa->d3p_proto : nh;

		op = &ops[nb_ops];
		op->buf = esp;
		if (sa->iv_kind == ESP_IV_CBC) {
			/* from the nonce block in the IV field (esp_out_iv) */
			op->cipher_start = 8;
			op->cipher_len = sa->iv_len + padded;
			op->iv = esp_zero_iv;
		} else {
			op->cipher_start = 8 + sa->iv_len;
			op->cipher_len = padded;
			op->iv = esp + 8;
		}
		op->auth_start = 0;
		op->auth_len = 8 + sa->iv_len + padded;
		esp_op_seq(op, esp, aad[nb_ops], seq[i], sa->esn);
		op->icv = esp + op->auth_len;
		op->status = 0;
		idx[nb_ops++] = i;
		bytes += in_len;

		m->l3_len = (uint16_t)ip_len;
		gw_meta(m)->l3 = v6 ? GW_L3_IPV6 : GW_L3_IPV4;
	}

	if (nb_ops != 0)
		sa->engine->process(sa->sess, ops, nb_ops);
	for (i = 0; i < nb_ops; i++) {
		if (ops[i].status != 0) {
			drop[idx[i]] = GW_DROP_CRYPTO_ERROR;
			continue;
		}
		if (udp && gw_meta(pkts[idx[i]])->l3 == GW_L3_IPV6) {
			/* IPv6 UDP needs a checksum (RFC 8200 8.1) */
			struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod(pkts[idx[i]],
								    struct rte_ipv6_hdr *);
			struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(ip6 + 1);

			uh->dgram_cksum = rte_ipv6_udptcp_cksum(ip6, uh);
		}
	}
	good = esp_partition(lc, pkts, n, drop);
	lc->stats.packets += good;
	lc->stats.bytes += bytes;	/* includes crypto failures: rare, engine bug */
	return good;
}

#define ESP_OUT_FN(name, outer, udp, tbar) \
static uint16_t \
name(struct gw_sa *sa, struct rte_mbuf **pkts, uint16_t n, const struct gw_esp_clock *now) \
{ \
	return esp_out_burst(sa, pkts, n, now, outer, udp, tbar); \
}

ESP_OUT_FN(esp_out_v4, ESP_OUT_V4, false, false)
ESP_OUT_FN(esp_out_v4_udp, ESP_OUT_V4, true, false)
ESP_OUT_FN(esp_out_v6, ESP_OUT_V6, false, false)
ESP_OUT_FN(esp_out_v6_udp, ESP_OUT_V6, true, false)
ESP_OUT_FN(esp_out_group, ESP_OUT_GROUP, false, false)
ESP_OUT_FN(esp_out_group_udp, ESP_OUT_GROUP, true, false)
ESP_OUT_FN(esp_out_group_tbar, ESP_OUT_GROUP, false, true)
ESP_OUT_FN(esp_out_group_tbar_udp, ESP_OUT_GROUP, true, true)

esp_burst_fn
esp_outbound_select(const struct gw_sa *sa)
{
	bool udp = sa->udp_dport_be != 0;

	if (sa->group) {
		if (sa->tbar)
			return udp ? esp_out_group_tbar_udp : esp_out_group_tbar;
		return udp ? esp_out_group_udp : esp_out_group;
	}
	if (sa->outer_v6)
		return udp ? esp_out_v6_udp : esp_out_v6;
	return udp ? esp_out_v4_udp : esp_out_v4;
}
