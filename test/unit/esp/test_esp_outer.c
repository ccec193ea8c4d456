/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What esp_out writes, byte for byte, against a reference built here field by
 * field (rte_ipv4_cksum for the IPv4 header checksum): the outer IPv4 / IPv6
 * header (TOS or traffic class copied, length, identification across its wrap,
 * DF by mode, TTL 64, addresses from the template or the inner packet), the UDP
 * header (NAT-T, multipath port), SPI, sequence number, counter IV, and with
 * the NULL cipher the padding, pad length and next header (RFC 4303 2.4, 2.6),
 * for every outbound instance of lib/esp/esp_out.c. Bursts mix inner lengths
 * over the whole padding cycle, inner families, TOS values and DF bits. A CBC
 * IV must be the SA's key applied to the packet's unique nonce (esp_out_iv):
 * decrypted here with AES-ECB (OpenSSL), it gives the nonce block back.
 */

#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <rte_eal.h>

#include "gw_test.h"
#include "esp_test_eal.h"
#include "esp_priv.h"

#define NB 40

static struct rte_mempool *mp;

struct ocase {
	const char *name;
	const char *cipher, *auth;
	bool group, v6, tbar, esn;
	enum gw_udp_encap udp;
	enum gw_df_mode df;
	bool clear_df;
};

static const struct ocase cases[] = {
	{ "v4 gcm", "aes-128-gcm", NULL, false, false, false, false, GW_UDP_ENCAP_NONE,
	  GW_DF_CLEAR, false },
	{ "v4 gcm df-set", "aes-128-gcm", NULL, false, false, false, false, GW_UDP_ENCAP_NONE,
	  GW_DF_SET, false },
	{ "v4 cbc df-copy", "aes-128-cbc", "hmac-sha1-96", false, false, false, false,
	  GW_UDP_ENCAP_NONE, GW_DF_COPY, false },
	{ "v4 cbc df-set cleared", "aes-128-cbc", "hmac-sha1-96", false, false, false, false,
	  GW_UDP_ENCAP_NONE, GW_DF_SET, true },
	{ "v4 null esn df-copy", "null", "hmac-sha-256-128", false, false, false, true,
	  GW_UDP_ENCAP_NONE, GW_DF_COPY, false },
	{ "v4 gcm esn nat-t", "aes-128-gcm", NULL, false, false, false, true,
	  GW_UDP_ENCAP_NAT_T, GW_DF_COPY, false },
	{ "v4 null port", "null", "hmac-sha-256-128", false, false, false, false,
	  GW_UDP_ENCAP_PORT, GW_DF_SET, false },
	{ "v6 gcm", "aes-128-gcm", NULL, false, true, false, false, GW_UDP_ENCAP_NONE,
	  GW_DF_CLEAR, false },
	{ "v6 null nat-t", "null", "hmac-sha-256-128", false, true, false, false,
	  GW_UDP_ENCAP_NAT_T, GW_DF_CLEAR, false },
	{ "group gcm", "aes-128-gcm", NULL, true, false, false, false, GW_UDP_ENCAP_NONE,
	  GW_DF_CLEAR, false },
	{ "group cbc df-copy", "aes-128-cbc", "hmac-sha1-96", true, false, false, false,
	  GW_UDP_ENCAP_NONE, GW_DF_COPY, false },
	{ "group null d3p df-set", "null", "hmac-sha-256-128", true, false, true, false,
	  GW_UDP_ENCAP_NONE, GW_DF_SET, false },
	{ "group gcm d3p port", "aes-128-gcm", NULL, true, false, true, false,
	  GW_UDP_ENCAP_PORT, GW_DF_COPY, false },
	{ "group null nat-t", "null", "hmac-sha-256-128", true, false, false, false,
	  GW_UDP_ENCAP_NAT_T, GW_DF_CLEAR, false },
	{ "group v6 gcm", "aes-128-gcm", NULL, true, true, false, false, GW_UDP_ENCAP_NONE,
	  GW_DF_SET, false },
	{ "group v6 null d3p nat-t", "null", "hmac-sha-256-128", true, true, true, false,
	  GW_UDP_ENCAP_NAT_T, GW_DF_CLEAR, false },
};

static void
sa_conf(struct gw_sa_params *c, const struct ocase *k)
{
	unsigned int i, len;

	memset(c, 0, sizeof(*c));
	strcpy(c->label, "outer");
	c->spi = 0x8a0b0c0d;
	c->direction = GW_SA_OUTBOUND;
	c->group = k->group;
	c->esn = k->esn;
	c->udp_encap = k->udp;
	c->udp_port = k->udp == GW_UDP_ENCAP_PORT ? 4789 : 0;
	c->df = k->df;
	c->clear_df = k->clear_df;
	c->tunnel_mtu = 9000;
	c->tbar_window_ms = k->tbar ? 2000 : 0;
	gw_cipher_parse(k->cipher, &c->crypto.cipher, &len);
	c->crypto.cipher_key_len = len;
	for (i = 0; i < len; i++)
		c->crypto.cipher_key[i] = (uint8_t)(0x13 * i + 5);
	if (k->auth != NULL) {
		gw_auth_parse(k->auth, &c->crypto.auth, &len);
		c->crypto.auth_key_len = len;
		for (i = 0; i < len; i++)
			c->crypto.auth_key[i] = (uint8_t)(0x33 ^ i);
	}
	if (k->group)
		return;
	c->tunnel_local.family = c->tunnel_remote.family = k->v6 ? AF_INET6 : AF_INET;
	if (k->v6) {
		inet_pton(AF_INET6, "2001:db8:f::1", &c->tunnel_local.v6);
		inet_pton(AF_INET6, "2001:db8:e::2", &c->tunnel_remote.v6);
	} else {
		inet_pton(AF_INET, "198.51.100.1", &c->tunnel_local.v4);
		inet_pton(AF_INET, "203.0.113.77", &c->tunnel_remote.v4);
	}
}

/* Inner packet i: family, length, TOS / traffic class and DF vary with i. */
static struct rte_mbuf *
mk_pkt(unsigned int i, bool v6)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	unsigned int hl = v6 ? 40 : 20, tot = hl + 8 + (i * 7) % 37, j;
	uint8_t tos = (uint8_t)(i * 0x1d + 3), *p;

	if (m == NULL || rte_pktmbuf_append(m, (uint16_t)tot) == NULL)
		return m;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	for (j = 0; j < tot; j++)
		p[j] = (uint8_t)(j * 5 + i);
	gw_meta(m)->drop = GW_DROP_NONE;
	gw_meta(m)->flags = 0;
	gw_meta(m)->flow_hash = 0x9e3779b9u * (i + 1);
	if (v6) {
		p[0] = (uint8_t)(0x60 | (tos >> 4));
		p[1] = (uint8_t)(tos << 4) | (p[1] & 0x0f);
		p[4] = (uint8_t)((tot - 40) >> 8);
		p[5] = (uint8_t)(tot - 40);
		p[6] = IPPROTO_UDP;
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;

		ip->version_ihl = 0x45;
		ip->type_of_service = tos;
		ip->total_length = rte_cpu_to_be_16((uint16_t)tot);
		ip->fragment_offset = i % 3 == 0 ? RTE_BE16(RTE_IPV4_HDR_DF_FLAG) : 0;
		ip->next_proto_id = IPPROTO_UDP;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	return m;
}

/* The outer IPv4 header lib/esp/README.md describes, field by field. */
static void
ref_ipv4(uint8_t *h, uint8_t tos, uint16_t total, uint16_t id, bool df, uint8_t proto,
	 const void *src, const void *dst)
{
	struct rte_ipv4_hdr ip;

	memset(&ip, 0, sizeof(ip));
	ip.version_ihl = 0x45;
	ip.type_of_service = tos;
	ip.total_length = rte_cpu_to_be_16(total);
	ip.packet_id = rte_cpu_to_be_16(id);
	ip.fragment_offset = df ? RTE_BE16(RTE_IPV4_HDR_DF_FLAG) : 0;
	ip.time_to_live = 64;
	ip.next_proto_id = proto;
	memcpy(&ip.src_addr, src, 4);
	memcpy(&ip.dst_addr, dst, 4);
	ip.hdr_checksum = rte_ipv4_cksum(&ip);
	memcpy(h, &ip, sizeof(ip));
}

static void
ref_ipv6(uint8_t *h, uint8_t tc, uint32_t flow_hash, uint16_t payload, uint8_t proto,
	 const void *src, const void *dst)
{
	struct rte_ipv6_hdr ip;

	memset(&ip, 0, sizeof(ip));
	ip.vtc_flow = rte_cpu_to_be_32((6u << 28) | ((uint32_t)tc << 20) | (flow_hash & 0xfffff));
	ip.payload_len = rte_cpu_to_be_16(payload);
	ip.proto = proto;
	ip.hop_limits = 64;
	memcpy(ip.src_addr, src, 16);
	memcpy(ip.dst_addr, dst, 16);
	memcpy(h, &ip, sizeof(ip));
}

static unsigned int
sizes_of(const char *cipher, unsigned int *iv, unsigned int *icv)
{
	if (strcmp(cipher, "aes-128-gcm") == 0) {
		*iv = 8;
		*icv = 16;
		return 4;
	}
	if (strcmp(cipher, "aes-128-cbc") == 0) {
		*iv = 16;
		*icv = 12;
		return 16;
	}
	*iv = 0;	/* null + hmac-sha-256-128 */
	*icv = 16;
	return 4;
}

/* A CBC IV: AES-128-ECB decryption under the SA's key gives nonce || 0^64. */
static bool
cbc_iv_ok(const struct gw_sa_params *c, const uint8_t *iv, uint64_t nonce)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	uint8_t want[16] = { 0 }, got[32];
	int n = 0, n2 = 0;
	bool ok;

	nonce = rte_cpu_to_be_64(nonce);
	memcpy(want, &nonce, 8);
	ok = x != NULL &&
	     EVP_DecryptInit_ex(x, EVP_aes_128_ecb(), NULL, c->crypto.cipher_key, NULL) == 1 &&
	     EVP_CIPHER_CTX_set_padding(x, 0) == 1 &&
	     EVP_DecryptUpdate(x, got, &n, iv, 16) == 1 &&
	     EVP_DecryptFinal_ex(x, got + n, &n2) == 1 && n + n2 == 16 &&
	     memcmp(got, want, 16) == 0;
	EVP_CIPHER_CTX_free(x);
	return ok;
}

/* Checks one output packet against the reference; returns the failures. */
static unsigned int
check_pkt(const struct ocase *k, struct gw_sa *sa, struct rte_mbuf *m, const uint8_t *in,
	  unsigned int in_len, uint32_t flow_hash, uint16_t id, uint64_t seq, uint64_t ctr,
	  const struct gw_sa_params *c)
{
	bool iv6 = (in[0] >> 4) == 6, ov6 = k->group ? iv6 : k->v6;
	unsigned int bad = 0, ivl, icvl, block = sizes_of(k->cipher, &ivl, &icvl);
	unsigned int ipl = ov6 ? 40 : 20, udpl = k->udp != GW_UDP_ENCAP_NONE ? 8 : 0;
	unsigned int tb = k->tbar ? GW_TBAR_HDR_LEN : 0, plain = in_len + tb;
	unsigned int padded = RTE_ALIGN_CEIL(plain + 2, block), pad = padded - plain - 2;
	unsigned int total = ipl + udpl + 8 + ivl + padded + icvl, j;
	uint8_t tos = iv6 ? (uint8_t)(((in[0] & 0x0f) << 4) | (in[1] >> 4)) : in[1];
	uint8_t proto = udpl ? IPPROTO_UDP : IPPROTO_ESP, ref[64];
	const uint8_t *o = rte_pktmbuf_mtod(m, const uint8_t *), *esp, *t;
	bool df;

	if (rte_pktmbuf_data_len(m) != total || rte_pktmbuf_pkt_len(m) != total ||
	    m->l3_len != ipl || gw_meta(m)->l3 != (ov6 ? GW_L3_IPV6 : GW_L3_IPV4)) {
		fprintf(stderr, "%s: length %u/%u (want %u), l3_len %u\n", k->name,
			rte_pktmbuf_data_len(m), rte_pktmbuf_pkt_len(m), total, m->l3_len);
		return 1;
	}
	if (ov6) {
		if (k->group)
			ref_ipv6(ref, tos, flow_hash, (uint16_t)(total - 40), proto, in + 8,
				 in + 24);
		else
			ref_ipv6(ref, tos, flow_hash, (uint16_t)(total - 40), proto,
				 &c->tunnel_local.v6, &c->tunnel_remote.v6);
	} else {
		df = !k->clear_df && (k->df == GW_DF_SET ||
				      (k->df == GW_DF_COPY && (iv6 || (in[6] & 0x40))));
		if (k->group)
			ref_ipv4(ref, tos, (uint16_t)total, id, df, proto, in + 12, in + 16);
		else
			ref_ipv4(ref, tos, (uint16_t)total, id, df, proto, &c->tunnel_local.v4,
				 &c->tunnel_remote.v4);
	}
	if (memcmp(o, ref, ipl) != 0) {
		fprintf(stderr, "%s: outer header differs (id %u):\n", k->name, id);
		for (j = 0; j < ipl; j++)
			fprintf(stderr, "  %2u: %02x want %02x\n", j, o[j], ref[j]);
		bad++;
	}
	if (udpl) {
		uint16_t sport = k->udp == GW_UDP_ENCAP_NAT_T ? 4500 :
				 (uint16_t)(49152 + (flow_hash & 0x3fff));
		uint16_t dport = k->udp == GW_UDP_ENCAP_NAT_T ? 4500 : 4789;
		const struct rte_udp_hdr *uh = (const struct rte_udp_hdr *)(o + ipl);

		if (rte_be_to_cpu_16(uh->src_port) != sport ||
		    rte_be_to_cpu_16(uh->dst_port) != dport ||
		    rte_be_to_cpu_16(uh->dgram_len) != total - ipl ||
		    (ov6 ? rte_ipv6_udptcp_cksum_verify((const struct rte_ipv6_hdr *)o, uh) != 0 :
			   uh->dgram_cksum != 0)) {
			fprintf(stderr, "%s: UDP header differs\n", k->name);
			bad++;
		}
	}
	esp = o + ipl + udpl;
	{
		uint32_t spi = rte_cpu_to_be_32(c->spi), sq = rte_cpu_to_be_32((uint32_t)seq);
		uint64_t iv;

		if (memcmp(esp, &spi, 4) != 0 || memcmp(esp + 4, &sq, 4) != 0) {
			fprintf(stderr, "%s: SPI or sequence number differs\n", k->name);
			bad++;
		}
		if (ivl == 8) {	/* counter IV (RFC 4106 3.1), group form lib/esp/README.md */
			iv = k->group ? sa->group_tag |
				((uint64_t)esp_slot(sa) << ESP_GROUP_SLOT_SHIFT) |
				(ctr & ((UINT64_C(1) << ESP_GROUP_CTR_BITS) - 1)) : seq;
			iv = rte_cpu_to_be_64(iv);
			if (memcmp(esp + 8, &iv, 8) != 0) {
				fprintf(stderr, "%s: IV differs\n", k->name);
				bad++;
			}
		}
	}
	if (ivl == 16 && !cbc_iv_ok(c, esp + 8, k->group ? sa->group_tag |
			((uint64_t)esp_slot(sa) << ESP_GROUP_SLOT_SHIFT) |
			(ctr & ((UINT64_C(1) << ESP_GROUP_CTR_BITS) - 1)) : seq)) {
		fprintf(stderr, "%s: CBC IV is not E_K(nonce)\n", k->name);
		bad++;
	}
	if (ivl != 0)
		return bad;	/* the rest is ciphertext: the round trips check it */
	t = esp + 8 + tb;
	if (memcmp(t, in, in_len) != 0) {
		fprintf(stderr, "%s: payload differs\n", k->name);
		bad++;
	}
	t += in_len;
	for (j = 0; j < pad; j++)
		if (t[j] != j + 1)
			bad++;
	if (t[pad] != pad || t[pad + 1] != (k->tbar ? 253 : iv6 ? 41 : 4)) {
		fprintf(stderr, "%s: trailer differs: pad %u nh %u (want %u)\n", k->name,
			t[pad], t[pad + 1], pad);
		bad++;
	}
	return bad;
}

static void
run_case(const struct ocase *k)
{
	struct rte_mbuf *m[NB];
	uint8_t ref[NB][128];
	unsigned int len[NB], i, bad = 0;
	uint32_t fh[NB];
	struct gw_sa_params c;
	struct gw_esp_clock now;
	struct esp_lcore *lc;
	struct gw_sa *sa;
	uint64_t seq0 = k->esn ? UINT64_C(0x1fffffff0) : 0x7ffffff0, ctr0;
	uint16_t id0 = 0xfff0;

	sa_conf(&c, k);
	sa = gw_sa_create(&c, gw_crypto_engine_get("ipsecmb"), SOCKET_ID_ANY);
	if (sa == NULL) {
		fprintf(stderr, "%s: SA not created (%d)\n", k->name, errno);
		CHECK(sa != NULL);
		return;
	}
	lc = esp_lcore(sa);
	lc->ip_id = id0;	/* wraps within the burst */
	lc->group_ctr = UINT64_C(0xfffffff0);	/* low 32 bits skip 0 within the burst */
	ctr0 = lc->group_ctr;
	esp_sa_set_seq(sa, seq0);
	gw_esp_clock_read(&now);
	for (i = 0; i < NB; i++) {
		/* unicast: families mixed; group: the outer family follows the inner */
		m[i] = mk_pkt(i, k->group ? k->v6 : i % 4 == 1);
		len[i] = rte_pktmbuf_data_len(m[i]);
		fh[i] = gw_meta(m[i])->flow_hash;
		memcpy(ref[i], rte_pktmbuf_mtod(m[i], void *), len[i]);
	}
	CHECK_EQ(gw_esp_outbound(sa, m, NB, &now), NB);
	for (i = 0; i < NB; i++) {
		uint64_t ctr = ctr0 + 1 + i;

		if (ctr >= UINT64_C(0x100000000))
			ctr++;		/* a group SA skips wire number 0 */
		bad += check_pkt(k, sa, m[i], ref[i], len[i], fh[i], (uint16_t)(id0 + i),
				 k->group ? ctr : seq0 + i, ctr, &c);
	}
	if (bad != 0)
		fprintf(stderr, "%s: %u differences\n", k->name, bad);
	CHECK_EQ(bad, 0);
	rte_pktmbuf_free_bulk(m, NB);
	gw_sa_destroy(sa);
}

static void
test_outer_headers(void)
{
	for (unsigned int i = 0; i < RTE_DIM(cases); i++)
		run_case(&cases[i]);
}

/* Encrypted by esp_out, decrypted by the inbound SA: the trailer under the cipher. */
static void
test_round_trip(void)
{
	struct gw_sa_params co, ci;
	struct gw_esp_clock now;
	struct rte_mbuf *m[NB];
	uint8_t ref[NB][128];
	unsigned int len[NB], i, k;
	struct gw_sa *out, *in;

	gw_esp_clock_read(&now);
	for (k = 0; k < RTE_DIM(cases); k++) {
		if (cases[k].esn)
			continue;
		sa_conf(&co, &cases[k]);
		ci = co;
		ci.direction = GW_SA_INBOUND;
		ci.anti_replay = 0;
		ci.tunnel_local = co.tunnel_remote;
		ci.tunnel_remote = co.tunnel_local;
		out = gw_sa_create(&co, gw_crypto_engine_get("ipsecmb"), SOCKET_ID_ANY);
		in = gw_sa_create(&ci, gw_crypto_engine_get("openssl"), SOCKET_ID_ANY);
		CHECK(out != NULL && in != NULL);
		if (out == NULL || in == NULL) {
			gw_sa_destroy(out);
			gw_sa_destroy(in);
			continue;
		}
		for (i = 0; i < NB; i++) {
			m[i] = mk_pkt(i, cases[k].group ? cases[k].v6 : i % 4 == 1);
			len[i] = rte_pktmbuf_data_len(m[i]);
			memcpy(ref[i], rte_pktmbuf_mtod(m[i], void *), len[i]);
		}
		CHECK_EQ(gw_esp_outbound(out, m, NB, &now), NB);
		CHECK_EQ(gw_esp_inbound(in, m, NB, &now), NB);
		for (i = 0; i < NB; i++)
			CHECK(rte_pktmbuf_data_len(m[i]) == len[i] &&
			      memcmp(rte_pktmbuf_mtod(m[i], void *), ref[i], len[i]) == 0);
		rte_pktmbuf_free_bulk(m, NB);
		gw_sa_destroy(out);
		gw_sa_destroy(in);
	}
}

int
main(int argc, char **argv)
{
	RTE_SET_USED(argc);
	mp = esp_test_eal_init(argv[0], "esp-outer", 511);
	if (mp == NULL)
		return 1;
	GW_RUN(test_outer_headers);
	GW_RUN(test_round_trip);
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return gw_test_result();
}
