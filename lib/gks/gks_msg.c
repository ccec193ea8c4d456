/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the key server sends: the GDOI SA (SA KEK, SA TEKs, GAP; RFC 6407 5.2-5.4),
 * the KD (RFC 6407 5.6), the GROUPKEY-PUSH (RFC 6407 4: SEQ, [DELETE,] SA, KD,
 * SIG, signed then encrypted with the KEK) and the HASH + encryption of the
 * GROUPKEY-PULL replies (RFC 6407 3.2).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "gks_priv.h"

/* An address or subnet selector as an ID (RFC 2407 4.6.2). */
static void
sel_ident(const struct gks_prefix *p, uint8_t proto, uint16_t port, uint8_t *data,
	  struct gdoi_ident *id)
{
	bool v4 = p->family == AF_INET;
	unsigned int alen = v4 ? 4 : 16, full = v4 ? 32 : 128;

	memset(id, 0, sizeof(*id));
	id->proto = proto;
	id->port = port;
	memcpy(data, p->addr, alen);
	id->data.p = data;
	if (p->plen >= full) {
		id->type = v4 ? GDOI_ID_IPV4_ADDR : GDOI_ID_IPV6_ADDR;
		id->data.len = alen;
		return;
	}
	id->type = v4 ? GDOI_ID_IPV4_SUBNET : GDOI_ID_IPV6_SUBNET;
	memset(data + alen, 0, alen);
	for (unsigned int i = 0; i < p->plen; i++)
		data[alen + i / 8] |= (uint8_t)(0x80 >> (i % 8));
	id->data.len = alen * 2;
}

/* The rekey channel: from the server's address to the multicast group, or to
 * the server's address again when rekeys are unicast (lib/gks/README.md). */
static void
put_sak(struct gdoi_bld *b, const struct gks_group *g, const struct gks_kek *kek,
	uint64_t now_ms)
{
	const struct gks_prefix *src = &g->srv->p.listen[0];
	const struct gks_prefix *dst = g->p.comm != GKS_COMM_UNICAST ? &g->p.mcast : src;
	struct gks_prefix any = { .family = AF_INET, .plen = 32 };
	uint8_t sd[32], dd[32];
	struct gdoi_sak sak = { .proto = IPPROTO_UDP, .spi = kek->spi };
	uint32_t life = kek == &g->kek ? gks_kek_remaining(g, now_ms) : g->p.kek.lifetime_s;
	uint16_t port = g->srv->p.port;

	if (g->srv->p.nlisten == 0)
		src = &any;
	if (dst->family == 0)
		dst = src;
	sel_ident(src, 0, port, sd, &sak.src);
	sel_ident(dst, 0, port, dd, &sak.dst);
	sak.src.proto = sak.dst.proto = 0;
	gdoi_bld_sak_begin(b, &sak);
	gdoi_bld_attr_tv(b, GDOI_KEK_ALGORITHM, g->p.kek.alg);
	if (g->p.kek.alg == GDOI_KEK_ALG_AES)
		gdoi_bld_attr_tv(b, GDOI_KEK_KEY_LENGTH, g->p.kek.key_bits);
	gdoi_bld_attr_u32(b, GDOI_KEK_KEY_LIFETIME, life != 0 ? life : 1);
	gdoi_bld_attr_tv(b, GDOI_KEK_SIG_HASH_ALGORITHM, g->p.kek.sig_hash);
	gdoi_bld_attr_tv(b, GDOI_KEK_SIG_ALGORITHM, GDOI_SIG_ALG_RSA);
	gdoi_bld_attr_tv(b, GDOI_KEK_SIG_KEY_LENGTH, (uint16_t)g->sig_bits);
	if (g->p.kek.ack)
		gdoi_bld_attr_tv(b, GDOI_KEK_ACK_REQUESTED, GDOI_ACK_KEK_SHA256);
	gdoi_bld_end(b);
}

static void
put_gap(struct gdoi_bld *b, const struct gks_group *g)
{
	if (g->p.atd_s == 0 && g->p.dtd_s == 0 && g->p.d3p_window_ms == 0)
		return;
	gdoi_bld_begin(b, GDOI_PL_GAP);
	if (g->p.atd_s != 0)
		gdoi_bld_attr_tv(b, GDOI_GAP_ACTIVATION_TIME_DELAY, (uint16_t)g->p.atd_s);
	if (g->p.dtd_s != 0)
		gdoi_bld_attr_tv(b, GDOI_GAP_DEACTIVATION_TIME_DELAY, (uint16_t)g->p.dtd_s);
	if (g->p.d3p_window_ms != 0) {
		/* draft-weis-delay-detection-01 4: the type and its window (ms) */
		gdoi_bld_attr_tv(b, g->p.gap_ids.d3p_type, GDOI_D3P_TYPE_POSIX_TIME);
		gdoi_bld_attr_u32(b, g->p.gap_ids.d3p_window, g->p.d3p_window_ms);
	}
	gdoi_bld_end(b);
}

static void
put_sat(struct gdoi_bld *b, const struct gks_tek_params *tp, const struct gks_tek *t,
	uint32_t life)
{
	uint8_t sd[32], dd[32];
	struct gdoi_sat sat = {
		.proto_id = GDOI_TEK_PROTO_ESP,
		.esp_ah = true,
		.ip_proto = tp->ip_proto,
		.transform_id = tp->transform,
		.spi = t->spi,
	};

	sel_ident(&tp->src, 0, tp->sport, sd, &sat.src);
	sel_ident(&tp->dst, 0, tp->dport, dd, &sat.dst);
	gdoi_bld_sat_begin(b, &sat);
	gdoi_bld_attr_tv(b, GDOI_IPSEC_ENCAPSULATION_MODE, tp->encap);
	if (tp->auth != 0)
		gdoi_bld_attr_tv(b, GDOI_IPSEC_AUTH_ALGORITHM, tp->auth);
	if (tp->transform != GDOI_ESP_3DES)
		gdoi_bld_attr_tv(b, GDOI_IPSEC_KEY_LENGTH, tp->key_bits);
	gdoi_bld_attr_tv(b, GDOI_IPSEC_SA_LIFE_TYPE, GDOI_LIFE_SECONDS);
	gdoi_bld_attr_u32(b, GDOI_IPSEC_SA_LIFE_DURATION, life != 0 ? life : 1);
	if (tp->addr_preservation != 0)
		gdoi_bld_attr_tv(b, GDOI_IPSEC_ADDR_PRESERVATION, tp->addr_preservation);
	if (tp->direction != 0)
		gdoi_bld_attr_tv(b, GDOI_IPSEC_SA_DIRECTION, tp->direction);
	gdoi_bld_end(b);
}

void
gks_put_sa(struct gdoi_bld *b, const struct gks_group *g, const struct gks_kek *kek,
	   const struct gks_tek *teks, uint64_t now_ms)
{
	gdoi_bld_sa_begin(b, GDOI_DOI_GDOI, 0, true);
	if (g->p.has_kek)
		put_sak(b, g, kek, now_ms);
	for (unsigned int i = 0; i < g->p.nteks; i++) {
		uint32_t life = teks == g->teks ? gks_tek_remaining(g, i, now_ms) :
			g->p.teks[i].lifetime_s;

		put_sat(b, &g->p.teks[i], &teks[i], life);
	}
	/*
	 * GAP last: Wireshark stops dissecting the SA at a GAP, so SA TEKs after it
	 * would go unchecked; the GDOI reference reads the nested payloads in any order.
	 */
	put_gap(b, g);
	gdoi_bld_end(b);
}

void
gks_put_kd(struct gdoi_bld *b, const struct gks_group *g, const struct gks_kek *kek,
	   const struct gks_tek *teks)
{
	gdoi_bld_kd_begin(b);
	for (unsigned int i = 0; i < g->p.nteks; i++) {
		uint8_t spi[4] = { teks[i].spi >> 24, teks[i].spi >> 16 & 0xff,
				   teks[i].spi >> 8 & 0xff, teks[i].spi & 0xff };

		gdoi_bld_kp_begin(b, GDOI_KD_TEK, spi, sizeof(spi));
		gdoi_bld_attr_tlv(b, GDOI_KD_TEK_ALGORITHM_KEY, teks[i].enc_key, teks[i].enc_len);
		if (teks[i].int_len != 0)
			gdoi_bld_attr_tlv(b, GDOI_KD_TEK_INTEGRITY_KEY, teks[i].int_key,
					  teks[i].int_len);
		gdoi_bld_end(b);
	}
	if (kek != NULL && g->p.has_kek) {
		const uint8_t *spi = g->p.gdoid_compat ? g->kek.spi : kek->spi;

		gdoi_bld_kp_begin(b, GDOI_KD_KEK, spi, GDOI_KEK_SPI_LEN);
		gdoi_bld_attr_tlv(b, GDOI_KD_KEK_ALGORITHM_KEY, kek->keymat, kek->keymat_len);
		gdoi_bld_attr_tlv(b, GDOI_KD_KEK_SIG_ALGORITHM_KEY, g->pub_der,
				  (uint16_t)g->pub_len);
		gdoi_bld_end(b);
	}
	gdoi_bld_end(b);
}

int
gks_push_draft(const struct gks_group *g, uint32_t seq, const struct gks_tek *teks,
	       const struct gks_kek *new_kek, bool del_all, uint8_t *buf, size_t cap,
	       struct gks_push_draft *dr)
{
	struct gdoi_hdr h = { .exchange = GDOI_EXCH_PUSH, .flags = GDOI_FLAG_ENC };
	static const uint8_t zeros[1024];
	uint8_t spis[GKS_MAX_TEKS * 4];
	size_t sig_len = gdoi_sig_len(g->sig_key), plain_len, sig_off;
	enum gdoi_hash hh;
	struct gdoi_bld b;
	int rc;

	if (!g->p.has_kek || g->sig_key == NULL)
		return -ENOTSUP;
	rc = gdoi_hash_from_sig_hash(g->p.kek.sig_hash, &hh);
	if (rc != 0)
		return rc;
	memcpy(h.icookie, g->kek.spi, GDOI_COOKIE_LEN);
	memcpy(h.rcookie, g->kek.spi + GDOI_COOKIE_LEN, GDOI_COOKIE_LEN);
	gdoi_bld_init(&b, buf, cap, &h);
	gdoi_bld_set_compat(&b, g->p.gdoid_compat ? GDOI_WIRE_SAT_ID_LEN1 : 0);
	gdoi_bld_seq(&b, seq);
	if (del_all) {
		/* RFC 3547 4.6 / RFC 6407 4: TEKs by their protocol, the KEK as protocol 0 */
		for (unsigned int i = 0; i < g->p.nteks; i++) {
			spis[i * 4] = (uint8_t)(g->teks[i].spi >> 24);
			spis[i * 4 + 1] = (uint8_t)(g->teks[i].spi >> 16);
			spis[i * 4 + 2] = (uint8_t)(g->teks[i].spi >> 8);
			spis[i * 4 + 3] = (uint8_t)g->teks[i].spi;
		}
		gdoi_bld_delete(&b, GDOI_DOI_GDOI, GDOI_TEK_PROTO_ESP, 4, spis,
				(uint16_t)g->p.nteks);
		gdoi_bld_delete(&b, GDOI_DOI_GDOI, 0, GDOI_KEK_SPI_LEN, g->kek.spi, 1);
	}
	if (teks != NULL) {
		const struct gks_kek *kek = new_kek != NULL ? new_kek : &g->kek;

		gks_put_sa(&b, g, kek, teks, ctl_now_ms());
		gks_put_kd(&b, g, kek, teks);
	}
	sig_off = b.len;
	/* the SIG's place, filled once the digest of what precedes it is known */
	if (sig_len == 0 || sig_len > sizeof(zeros))
		return -EINVAL;
	gdoi_bld_data(&b, GDOI_PL_SIG, zeros, sig_len);
	rc = gdoi_bld_finish(&b, &plain_len);
	if (rc != 0)
		return rc;
	rc = gdoi_push_digest(hh, buf, sig_off, plain_len, dr->digest);
	if (rc != 0)
		return rc;
	dr->hash = hh;
	dr->fmt = g->p.kek.sig_fmt;
	dr->sig_off = sig_off;
	dr->sig_len = sig_len;
	dr->plain_len = plain_len;
	dr->cap = cap;
	/* sealed under the KEK the members hold now, whenever the signature is made */
	dr->cipher = g->kek.cipher;
	memcpy(dr->keymat, g->kek.keymat, g->kek.keymat_len);
	dr->keymat_len = g->kek.keymat_len;
	return 0;
}

int
gks_push_seal(EVP_PKEY *key, const struct gks_push_draft *dr, uint8_t *buf, size_t *len)
{
	uint8_t iv[GDOI_CIPHER_BLOCK_MAX];
	const uint8_t *kiv, *kkey;
	size_t sig_len = dr->sig_len;
	int rc;

	rc = gdoi_sig_sign(key, dr->hash, dr->fmt, dr->digest, buf + dr->sig_off + 4, sig_len,
			   &sig_len);
	if (rc != 0)
		return rc;
	rc = gdoi_kek_key_split(dr->cipher, dr->keymat, dr->keymat_len, &kiv, &kkey);
	if (rc != 0)
		return rc;
	/* the static IV of KEK_ALGORITHM_KEY for every PUSH (lib/gdoi/README.md) */
	memcpy(iv, kiv, gdoi_cipher_block_len(dr->cipher));
	return gdoi_msg_encrypt(dr->cipher, kkey, iv, buf, dr->plain_len, dr->cap, len);
}

int
gks_build_push(const struct gks_group *g, uint32_t seq, const struct gks_tek *teks,
	       const struct gks_kek *new_kek, bool del_all, uint8_t *buf, size_t cap,
	       size_t *len)
{
	struct gks_push_draft dr;
	int rc = gks_push_draft(g, seq, teks, new_kek, del_all, buf, cap, &dr);

	if (rc == 0)
		rc = gks_push_seal(g->sig_key, &dr, buf, len);
	OPENSSL_cleanse(&dr, sizeof(dr));
	return rc;
}

int
gks_pull_seal(struct gks_p1 *p1, struct gks_pull *pl, uint8_t *buf, size_t len, size_t cap,
	      const uint8_t *ni_b, size_t ni_len, const uint8_t *nr_b, size_t nr_len,
	      size_t *out_len)
{
	size_t hlen = p1->sa.k.prf_len, rest = GDOI_HDR_LEN + 4 + hlen;
	int rc;

	rc = ike1_sa_pull_hash(&p1->sa, pl->mid, ni_b, ni_len, nr_b, nr_len, buf + rest,
			       len - rest, buf + GDOI_HDR_LEN + 4);
	if (rc != 0)
		return rc;
	return ike1_sa_p2_encrypt(&p1->sa, pl->mid, buf, len, cap, out_len);
}
