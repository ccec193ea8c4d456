/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv1 phase 1 keys with pre-shared keys, IVs (RFC 2409 5, App. B), the
 * GROUPKEY-PULL HASHes (RFC 6407 3.2) and the KEK key material layout.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "gdoi_crypto.h"

#define SEG(ptr, n) ((struct gdoi_seg){ .p = (ptr), .len = (n) })

int
gdoi_skeyid_psk(enum gdoi_hash h, const uint8_t *psk, size_t psk_len,
		const uint8_t *ni_b, size_t ni_len, const uint8_t *nr_b, size_t nr_len,
		uint8_t *skeyid)
{
	struct gdoi_seg seg[] = { SEG(ni_b, ni_len), SEG(nr_b, nr_len) };

	return gdoi_prf(h, psk, psk_len, seg, 2, skeyid);
}

int
gdoi_skeyid_dae(enum gdoi_hash h, const uint8_t *skeyid, const uint8_t *g_xy,
		size_t g_xy_len, const uint8_t *cky_i, const uint8_t *cky_r,
		uint8_t *skeyid_d, uint8_t *skeyid_a, uint8_t *skeyid_e)
{
	size_t n = gdoi_hash_len(h);
	static const uint8_t idx[3] = { 0, 1, 2 };
	uint8_t *out[3] = { skeyid_d, skeyid_a, skeyid_e };
	int ret;

	if (n == 0)
		return -EINVAL;
	/*
	 * SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
	 * SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
	 * SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
	 */
	for (unsigned int i = 0; i < 3; i++) {
		struct gdoi_seg seg[] = {
			SEG(i ? out[i - 1] : NULL, i ? n : 0), SEG(g_xy, g_xy_len),
			SEG(cky_i, GDOI_COOKIE_LEN), SEG(cky_r, GDOI_COOKIE_LEN),
			SEG(&idx[i], 1),
		};

		ret = gdoi_prf(h, skeyid, n, seg, 5, out[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
gdoi_enc_key(enum gdoi_hash h, const uint8_t *skeyid_e, enum gdoi_cipher c, uint8_t *key)
{
	size_t n = gdoi_hash_len(h), klen = gdoi_cipher_key_len(c);
	uint8_t k[GDOI_CIPHER_KEY_MAX + GDOI_HASH_MAX];
	static const uint8_t zero;
	size_t have;
	int ret;

	if (n == 0 || klen == 0)
		return -EINVAL;
	if (n >= klen) {
		memcpy(key, skeyid_e, klen);
		return 0;
	}
	/* RFC 2409 App. B: K1 = prf(SKEYID_e, 0), K2 = prf(SKEYID_e, K1), ... */
	ret = gdoi_prf(h, skeyid_e, n, &SEG(&zero, 1), 1, k);
	for (have = n; ret == 0 && have < klen; have += n)
		ret = gdoi_prf(h, skeyid_e, n, &SEG(k + have - n, n), 1, k + have);
	if (ret == 0)
		memcpy(key, k, klen);
	OPENSSL_cleanse(k, sizeof(k));
	return ret;
}

/* An IV: a hash of segs truncated to the cipher's block (RFC 2409 App. B). */
static int
iv_from_hash(enum gdoi_hash h, enum gdoi_cipher c, const struct gdoi_seg *seg, uint8_t *iv)
{
	size_t bl = gdoi_cipher_block_len(c);
	uint8_t d[GDOI_HASH_MAX];
	int ret;

	if (bl == 0 || gdoi_hash_len(h) < bl)
		return -EINVAL;
	ret = gdoi_hash(h, seg, 2, d);
	if (ret == 0)
		memcpy(iv, d, bl);
	return ret;
}

int
gdoi_p1_iv(enum gdoi_hash h, enum gdoi_cipher c, const uint8_t *g_xi,
	   const uint8_t *g_xr, size_t g_x_len, uint8_t *iv)
{
	struct gdoi_seg seg[] = { SEG(g_xi, g_x_len), SEG(g_xr, g_x_len) };

	return iv_from_hash(h, c, seg, iv);
}

int
gdoi_p2_iv(enum gdoi_hash h, enum gdoi_cipher c, const uint8_t *p1_last_block,
	   const uint8_t *mid, uint8_t *iv)
{
	struct gdoi_seg seg[] = {
		SEG(p1_last_block, gdoi_cipher_block_len(c)), SEG(mid, GDOI_MID_LEN),
	};

	return iv_from_hash(h, c, seg, iv);
}

void
gdoi_p1_keys_wipe(struct gdoi_p1_keys *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

int
gdoi_p1_psk_keys(const struct gdoi_p1_in *in, struct gdoi_p1_keys *k)
{
	int ret;

	memset(k, 0, sizeof(*k));
	k->hash = in->hash;
	k->cipher = in->cipher;
	k->prf_len = gdoi_hash_len(in->hash);
	if (k->prf_len == 0 || gdoi_cipher_key_len(in->cipher) == 0)
		return -EINVAL;
	ret = gdoi_skeyid_psk(in->hash, in->psk, in->psk_len, in->ni_b, in->ni_len,
			      in->nr_b, in->nr_len, k->skeyid);
	if (ret == 0)
		ret = gdoi_skeyid_dae(in->hash, k->skeyid, in->g_xy, in->g_xy_len,
				      in->cky_i, in->cky_r, k->skeyid_d, k->skeyid_a,
				      k->skeyid_e);
	if (ret == 0)
		ret = gdoi_enc_key(in->hash, k->skeyid_e, in->cipher, k->enc_key);
	if (ret == 0)
		ret = gdoi_p1_iv(in->hash, in->cipher, in->g_xi, in->g_xr, in->g_x_len, k->iv);
	if (ret < 0)
		gdoi_p1_keys_wipe(k);
	return ret;
}

int
gdoi_p1_auth_hash(const struct gdoi_p1_keys *k, const struct gdoi_p1_in *in,
		  bool initiator, const uint8_t *sai_b, size_t sai_len,
		  const uint8_t *id_b, size_t id_len, uint8_t *out)
{
	const uint8_t *gx_own = initiator ? in->g_xi : in->g_xr;
	const uint8_t *gx_peer = initiator ? in->g_xr : in->g_xi;
	const uint8_t *cky_own = initiator ? in->cky_i : in->cky_r;
	const uint8_t *cky_peer = initiator ? in->cky_r : in->cky_i;
	struct gdoi_seg seg[] = {
		SEG(gx_own, in->g_x_len), SEG(gx_peer, in->g_x_len),
		SEG(cky_own, GDOI_COOKIE_LEN), SEG(cky_peer, GDOI_COOKIE_LEN),
		SEG(sai_b, sai_len), SEG(id_b, id_len),
	};

	return gdoi_prf(k->hash, k->skeyid, k->prf_len, seg, 6, out);
}

int
gdoi_pull_hash(const struct gdoi_p1_keys *k, const uint8_t *mid,
	       const uint8_t *ni_b, size_t ni_len, const uint8_t *nr_b, size_t nr_len,
	       const uint8_t *rest, size_t rest_len, uint8_t *out)
{
	struct gdoi_seg seg[] = {
		SEG(mid, GDOI_MID_LEN),
		SEG(ni_b, ni_b ? ni_len : 0), SEG(nr_b, nr_b ? nr_len : 0),
		SEG(rest, rest_len),
	};

	if (nr_b != NULL && ni_b == NULL)
		return -EINVAL;
	return gdoi_prf(k->hash, k->skeyid_a, k->prf_len, seg, 4, out);
}

int
gdoi_kek_key_split(enum gdoi_cipher c, const uint8_t *keymat, size_t len,
		   const uint8_t **iv, const uint8_t **key)
{
	size_t bl = gdoi_cipher_block_len(c), kl = gdoi_cipher_key_len(c);

	if (bl == 0 || len != bl + kl)
		return -EINVAL;
	*iv = keymat;
	*key = keymat + bl;
	return 0;
}
