/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a key server downloads (RFC 6407 5.2-5.6): the GDOI SA payload (SA KEK,
 * GAP, SA TEKs) and the KD with their keys, decoded into struct gm_policy; and
 * the SA parameters of a TEK for the install interface.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "gdoi_names.h"
#include "gm_priv.h"

#define WHY(...) snprintf(why, n, __VA_ARGS__)

/* A subnet mask as a prefix length; -EBADMSG for a mask with holes. */
static int
mask_len(const uint8_t *mask, unsigned int n, uint8_t *len)
{
	unsigned int bits = 0, i = 0;

	while (i < n && mask[i] == 0xff)
		i++, bits += 8;
	if (i < n) {
		uint8_t m = mask[i++];

		while (m & 0x80)
			m = (uint8_t)(m << 1), bits++;
		if (m != 0)
			return -EBADMSG;
	}
	for (; i < n; i++)
		if (mask[i] != 0)
			return -EBADMSG;
	*len = (uint8_t)bits;
	return 0;
}

/*
 * An SA TEK identity: IPv4 or IPv6 address or subnet (RFC 2407 4.6.2, RFC 6407
 * 5.5.1.1); others refused. Host bits of a subnet are cleared.
 */
static int
ident_prefix(const struct gdoi_ident *id, struct gw_prefix *p)
{
	bool v6 = id->type == GDOI_ID_IPV6_ADDR || id->type == GDOI_ID_IPV6_SUBNET;
	unsigned int alen = v6 ? 16 : 4;
	uint8_t *a = v6 ? p->v6.s6_addr : (uint8_t *)&p->v4;

	memset(p, 0, sizeof(*p));
	p->family = v6 ? AF_INET6 : AF_INET;
	switch (id->type) {
	case GDOI_ID_IPV4_ADDR:
	case GDOI_ID_IPV6_ADDR:
		if (id->data.len != alen)
			return -EBADMSG;
		p->len = (uint8_t)(alen * 8);
		memcpy(a, id->data.p, alen);
		return 0;
	case GDOI_ID_IPV4_SUBNET:
	case GDOI_ID_IPV6_SUBNET:
		if (id->data.len != alen * 2 || mask_len(id->data.p + alen, alen, &p->len) < 0)
			return -EBADMSG;
		for (unsigned int i = 0; i < alen; i++)
			a[i] = id->data.p[i] & id->data.p[alen + i];
		return 0;
	default:
		return -ENOTSUP;
	}
}

#define GM_KEK_ACK_REQUESTED_DRAFT 129

static int
sak_decode(const struct gdoi_sak *sak, struct gm_kek *k, char *why, size_t n)
{
	struct gdoi_perr err;
	struct gdoi_attr a;

	memset(k, 0, sizeof(*k));
	memcpy(k->spi, sak->spi, GDOI_KEK_SPI_LEN);
	if (gdoi_kek_decode(&sak->attrs, &k->pol, &err) < 0) {
		WHY("SA KEK: %s", err.msg);
		return -EBADMSG;
	}
	/* RFC 8263 KEK_ACK_REQUESTED is 9; servers of the draft sent it as 129 */
	if (k->pol.ack == 0 && gdoi_attrs_find(&sak->attrs, GM_KEK_ACK_REQUESTED_DRAFT, &a) == 0 &&
	    a.tv)
		k->pol.ack = a.tv_value;
	if (gdoi_cipher_from_kek(k->pol.alg, k->pol.key_bits, &k->cipher) < 0) {
		WHY("SA KEK: KEK_ALGORITHM %u / %u bits not supported", k->pol.alg,
		    k->pol.key_bits);
		return -ENOTSUP;
	}
	if (k->pol.sig_alg != GDOI_SIG_ALG_RSA) {
		WHY("SA KEK: SIG_ALGORITHM %u not supported (RSA only)", k->pol.sig_alg);
		return -ENOTSUP;
	}
	if (gdoi_hash_from_sig_hash(k->pol.sig_hash, &k->sig_hash) < 0) {
		WHY("SA KEK: SIG_HASH_ALGORITHM %u not supported", k->pol.sig_hash);
		return -ENOTSUP;
	}
	return 0;
}

static int
sat_decode(const struct gdoi_sat *sat, struct gm_tek *t, char *why, size_t n)
{
	struct gdoi_perr err;

	memset(t, 0, sizeof(*t));
	if (!sat->esp_ah || sat->proto_id != GDOI_TEK_PROTO_ESP) {
		WHY("SA TEK: Protocol-ID %u not supported (ESP only)", sat->proto_id);
		return -ENOTSUP;
	}
	t->spi = sat->spi;
	t->transform_id = sat->transform_id;
	t->ip_proto = sat->ip_proto;
	if (ident_prefix(&sat->src, &t->src) < 0 || ident_prefix(&sat->dst, &t->dst) < 0) {
		WHY("SA TEK %08x: selector identity type %u/%u not supported (IPv4/IPv6 address or "
		    "subnet)", t->spi, sat->src.type, sat->dst.type);
		return -ENOTSUP;
	}
	if (gdoi_tek_decode(&sat->attrs, &t->pol, &err) < 0) {
		WHY("SA TEK %08x: %s", t->spi, err.msg);
		return -EBADMSG;
	}
	if (t->pol.encap != 0 && t->pol.encap != GDOI_ENCAP_TUNNEL) {
		WHY("SA TEK %08x: encapsulation mode %u (tunnel only)", t->spi, t->pol.encap);
		return -ENOTSUP;
	}
	return 0;
}

int
gm_policy_from_sa(const struct gdoi_msg *msg, unsigned int sa_idx,
		  const struct gm_decode_opts *o, struct gm_policy *p, char *why, size_t n)
{
	struct gdoi_perr err;
	int ret;

	for (unsigned int i = 0; i < msg->npl; i++) {
		const struct gdoi_pl *pl = &msg->pl[i];

		if (pl->nested != sa_idx + 1)
			continue;
		switch (pl->type) {
		case GDOI_PL_SAK:
			if (p->has_kek) {
				WHY("two SA KEKs");
				return -EBADMSG;
			}
			ret = sak_decode(&pl->u.sak, &p->kek, why, n);
			if (ret < 0)
				return ret;
			p->has_kek = true;
			break;
		case GDOI_PL_SAT:
			if (p->nteks == GM_MAX_TEKS) {
				WHY("more than %d SA TEKs", GM_MAX_TEKS);
				return -E2BIG;
			}
			ret = sat_decode(&pl->u.sat, &p->tek[p->nteks], why, n);
			if (ret < 0)
				return ret;
			p->nteks++;
			break;
		case GDOI_PL_GAP:
			if (gdoi_gap_decode(&pl->u.gap, &o->gap_ids, &p->gap, &err) < 0) {
				WHY("GAP: %s", err.msg);
				return -EBADMSG;
			}
			p->has_gap = true;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* One attribute's value into a fixed buffer. */
static int
attr_copy(const struct gdoi_attr *a, uint8_t *dst, unsigned int cap, unsigned int *len)
{
	if (a->tv || a->val.len > cap)
		return -EBADMSG;
	memcpy(dst, a->val.p, a->val.len);
	*len = a->val.len;
	return 0;
}

static int
kp_tek(const struct gdoi_kp *kp, struct gm_policy *p, char *why, size_t n)
{
	struct gdoi_attr a;
	uint32_t pos = 0, spi;
	struct gm_tek *t = NULL;

	if (kp->spi_size != 4) {
		WHY("KD: TEK key packet with a %u-octet SPI", kp->spi_size);
		return -EBADMSG;
	}
	spi = (uint32_t)kp->spi.p[0] << 24 | (uint32_t)kp->spi.p[1] << 16 |
	      (uint32_t)kp->spi.p[2] << 8 | kp->spi.p[3];
	for (unsigned int i = 0; i < p->nteks; i++)
		if (p->tek[i].spi == spi)
			t = &p->tek[i];
	if (t == NULL) {
		WHY("KD: keys for TEK %08x that no SA TEK announced", spi);
		return -EBADMSG;
	}
	while (gdoi_attrs_next(&kp->attrs, &pos, &a)) {
		int ret = 0;

		if (a.type == GDOI_KD_TEK_ALGORITHM_KEY)
			ret = attr_copy(&a, t->enc_key, sizeof(t->enc_key), &t->enc_len);
		else if (a.type == GDOI_KD_TEK_INTEGRITY_KEY)
			ret = attr_copy(&a, t->auth_key, sizeof(t->auth_key), &t->auth_len);
		if (ret < 0) {
			WHY("KD: TEK %08x key attribute %u malformed or too long", spi, a.type);
			return ret;
		}
	}
	t->have_keys = true;
	return 0;
}

static int
kp_kek(const struct gdoi_kp *kp, struct gm_policy *p, char *why, size_t n)
{
	struct gm_kek *k = &p->kek;
	const uint8_t *iv, *key;
	struct gdoi_attr a;
	uint32_t pos = 0;
	bool have_alg = false;

	/*
	 * The key packet names the KEK its SA KEK announced (RFC 6407 5.6). gdoid's KEK
	 * rekey names the KEK still in use instead, with the new KEK's keys: taken too.
	 */
	if (!p->has_kek || kp->spi_size != GDOI_KEK_SPI_LEN ||
	    (memcmp(kp->spi.p, k->spi, GDOI_KEK_SPI_LEN) != 0 &&
	     !(p->cur_kek_valid && memcmp(kp->spi.p, p->cur_kek_spi, GDOI_KEK_SPI_LEN) == 0))) {
		WHY("KD: KEK key packet for a KEK that no SA KEK announced");
		return -EBADMSG;
	}
	while (gdoi_attrs_next(&kp->attrs, &pos, &a)) {
		if (a.type == GDOI_KD_KEK_ALGORITHM_KEY) {
			if (attr_copy(&a, k->alg_key_raw, sizeof(k->alg_key_raw),
				      &k->alg_key_len) < 0 ||
			    gdoi_kek_key_split(k->cipher, k->alg_key_raw, k->alg_key_len, &iv,
					       &key) < 0) {
				WHY("KD: KEK_ALGORITHM_KEY of %u octets does not fit %s",
				    a.val.len, gdoi_cipher_name(k->cipher));
				return -EBADMSG;
			}
			memcpy(k->iv, iv, gdoi_cipher_block_len(k->cipher));
			memcpy(k->key, key, gdoi_cipher_key_len(k->cipher));
			have_alg = true;
		} else if (a.type == GDOI_KD_KEK_SIG_ALGORITHM_KEY && !a.tv) {
			EVP_PKEY_free(k->pub);
			k->pub = gdoi_rsa_pub_from_der(a.val.p, a.val.len);
			if (k->pub == NULL) {
				WHY("KD: SIG_ALGORITHM_KEY is not an RSA public key");
				return -EBADMSG;
			}
		}
	}
	if (!have_alg || k->pub == NULL) {
		WHY("KD: KEK key packet without %s", have_alg ? "SIG_ALGORITHM_KEY" :
		    "KEK_ALGORITHM_KEY");
		return -EBADMSG;
	}
	k->have_keys = true;
	return 0;
}

int
gm_policy_keys(const struct gdoi_msg *msg, const struct gdoi_pl *kd, struct gm_policy *p,
	       char *why, size_t n)
{
	int ret;

	for (unsigned int i = 0; i < kd->u.kd.nkp; i++) {
		const struct gdoi_kp *kp = &msg->kp[kd->u.kd.first_kp + i];

		switch (kp->type) {
		case GDOI_KD_TEK:
			ret = kp_tek(kp, p, why, n);
			break;
		case GDOI_KD_KEK:
			ret = kp_kek(kp, p, why, n);
			break;
		default:
			ret = 0;	/* LKH, SID: not used by this member */
		}
		if (ret < 0)
			return ret;
	}
	for (unsigned int i = 0; i < p->nteks; i++)
		if (!p->tek[i].have_keys) {
			WHY("KD has no keys for TEK %08x", p->tek[i].spi);
			return -EBADMSG;
		}
	if (p->has_kek && !p->kek.have_keys) {
		WHY("KD has no keys for the KEK");
		return -EBADMSG;
	}
	return 0;
}

void
gm_policy_wipe(struct gm_policy *p)
{
	EVP_PKEY_free(p->kek.pub);
	OPENSSL_cleanse(p, sizeof(*p));
}

int
gm_tek_params(const struct gm_tek *t, enum gw_sa_dir dir, struct gw_sa_params *prm,
	      char *why, size_t n)
{
	struct gw_crypto_params *c = &prm->crypto;
	unsigned int want_enc, want_auth;

	memset(prm, 0, sizeof(*prm));
	prm->spi = t->spi;
	prm->direction = dir;
	prm->group = true;
	switch (t->transform_id) {
	case GDOI_ESP_3DES:
		c->cipher = GW_CIPHER_3DES_CBC;
		want_enc = 24;
		break;
	case GDOI_ESP_AES_CBC:
		c->cipher = GW_CIPHER_AES_CBC;
		want_enc = (t->pol.key_bits != 0 ? t->pol.key_bits : 128) / 8;
		break;
	case GDOI_ESP_AES_GCM_16:
		c->cipher = GW_CIPHER_AES_GCM16;
		want_enc = (t->pol.key_bits != 0 ? t->pol.key_bits : 128) / 8 + 4;
		break;
	default:
		WHY("TEK %08x: ESP transform %u not supported", t->spi, t->transform_id);
		return -ENOTSUP;
	}
	switch (t->pol.auth_alg) {
	case 0:
		c->auth = GW_AUTH_NONE;
		want_auth = 0;
		break;
	case GDOI_AUTH_HMAC_SHA1:
		c->auth = GW_AUTH_HMAC_SHA1_96;
		want_auth = 20;
		break;
	case GDOI_AUTH_HMAC_SHA2_256:
		c->auth = GW_AUTH_HMAC_SHA256_128;
		want_auth = 32;
		break;
	default:
		WHY("TEK %08x: authentication algorithm %u not supported", t->spi,
		    t->pol.auth_alg);
		return -ENOTSUP;
	}
	if ((c->cipher == GW_CIPHER_AES_GCM16) != (c->auth == GW_AUTH_NONE)) {
		WHY("TEK %08x: %s needs %s", t->spi, c->auth == GW_AUTH_NONE ?
		    "a CBC cipher" : "AES-GCM", c->auth == GW_AUTH_NONE ?
		    "an authentication algorithm" : "no authentication algorithm");
		return -ENOTSUP;
	}
	if (t->enc_len != want_enc || t->auth_len != want_auth) {
		WHY("TEK %08x: keys of %u/%u octets, the algorithms need %u/%u", t->spi,
		    t->enc_len, t->auth_len, want_enc, want_auth);
		return -EBADMSG;
	}
	memcpy(c->cipher_key, t->enc_key, t->enc_len);
	c->cipher_key_len = t->enc_len;
	memcpy(c->auth_key, t->auth_key, t->auth_len);
	c->auth_key_len = t->auth_len;
	c->encrypt = dir == GW_SA_OUTBOUND;
	prm->sel_src = t->src;
	prm->sel_dst = t->dst;
	prm->lifetime.hard_seconds = t->pol.life_s;
	return 0;
}

const char *
gm_tek_alg_name(const struct gm_tek *t, char *buf, size_t n)
{
	const char *enc = t->transform_id == GDOI_ESP_3DES ? "3des-cbc" :
			  t->transform_id == GDOI_ESP_AES_CBC ? "aes-cbc" :
			  t->transform_id == GDOI_ESP_AES_GCM_16 ? "aes-gcm-16" : "?";
	const char *auth = t->pol.auth_alg == GDOI_AUTH_HMAC_SHA1 ? "/hmac-sha1-96" :
			   t->pol.auth_alg == GDOI_AUTH_HMAC_SHA2_256 ? "/hmac-sha256-128" : "";
	unsigned int bits = t->transform_id == GDOI_ESP_3DES ? 192 :
			    (t->pol.key_bits != 0 ? t->pol.key_bits : 128);

	snprintf(buf, n, "esp:%s-%u%s", enc, bits, auth);
	return buf;
}
