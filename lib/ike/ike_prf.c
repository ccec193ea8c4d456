/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PRF (HMAC, RFC 2104 / RFC 4868), prf+ and the key derivations of RFC 7296
 * 2.13-2.17, shared-key AUTH (2.15), over OpenSSL 3 EVP_MAC.
 */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "ike_crypto.h"

static const char *
prf_digest(uint16_t prf)
{
	switch (prf) {
	case IKE_PRF_HMAC_SHA1:
		return "SHA1";
	case IKE_PRF_HMAC_SHA2_256:
		return "SHA256";
	case IKE_PRF_HMAC_SHA2_384:
		return "SHA384";
	case IKE_PRF_HMAC_SHA2_512:
		return "SHA512";
	default:
		return NULL;
	}
}

unsigned int
ike_prf_len(uint16_t prf)
{
	switch (prf) {
	case IKE_PRF_HMAC_SHA1:
		return 20;
	case IKE_PRF_HMAC_SHA2_256:
		return 32;
	case IKE_PRF_HMAC_SHA2_384:
		return 48;
	case IKE_PRF_HMAC_SHA2_512:
		return 64;
	default:
		return 0;
	}
}

int
ike_integ_sizes(uint16_t integ, unsigned int *key_len, unsigned int *icv_len)
{
	switch (integ) {
	case IKE_INTEG_NONE:
		*key_len = 0, *icv_len = 0;
		return 0;
	case IKE_INTEG_HMAC_SHA1_96:
		*key_len = 20, *icv_len = 12;
		return 0;
	case IKE_INTEG_HMAC_SHA2_256_128:
		*key_len = 32, *icv_len = 16;
		return 0;
	case IKE_INTEG_HMAC_SHA2_384_192:
		*key_len = 48, *icv_len = 24;
		return 0;
	case IKE_INTEG_HMAC_SHA2_512_256:
		*key_len = 64, *icv_len = 32;
		return 0;
	default:
		return -ENOTSUP;
	}
}

/* The integrity algorithm's HMAC digest (same family as the PRFs). */
const char *ike_integ_digest(uint16_t integ);
const char *
ike_integ_digest(uint16_t integ)
{
	switch (integ) {
	case IKE_INTEG_HMAC_SHA1_96:
		return "SHA1";
	case IKE_INTEG_HMAC_SHA2_256_128:
		return "SHA256";
	case IKE_INTEG_HMAC_SHA2_384_192:
		return "SHA384";
	case IKE_INTEG_HMAC_SHA2_512_256:
		return "SHA512";
	default:
		return NULL;
	}
}

bool
ike_encr_is_aead(uint16_t encr)
{
	return encr == IKE_ENCR_AES_GCM_16;
}

int
ike_encr_sizes(uint16_t encr, uint16_t bits, unsigned int *key_len, unsigned int *iv_len,
	       unsigned int *block, unsigned int *aead_icv)
{
	if (bits != 128 && bits != 192 && bits != 256)
		return -ENOTSUP;
	switch (encr) {
	case IKE_ENCR_AES_CBC:
		*key_len = bits / 8u, *iv_len = 16, *block = 16, *aead_icv = 0;
		return 0;
	case IKE_ENCR_AES_GCM_16:	/* RFC 5282 7.1: key || 4-octet salt */
		if (bits == 192)
			return -ENOTSUP;
		*key_len = bits / 8u + 4, *iv_len = 8, *block = 1, *aead_icv = 16;
		return 0;
	default:
		return -ENOTSUP;
	}
}

bool
ike_suite_supported(const struct ike_suite *s)
{
	unsigned int k, iv, blk, icv, ik, ii;

	if (ike_encr_sizes(s->encr, s->encr_bits, &k, &iv, &blk, &icv) != 0 ||
	    ike_prf_len(s->prf) == 0 || ike_integ_sizes(s->integ, &ik, &ii) != 0)
		return false;
	/* RFC 5282 8: an AEAD cipher goes without, every other cipher with integrity */
	if (ike_encr_is_aead(s->encr) != (s->integ == IKE_INTEG_NONE))
		return false;
	return s->dh == IKE_DH_NONE || ike_dh_supported(s->dh);
}

/* HMAC(digest, key, v...) -> out; out_len = digest size. */
int ike_hmac(const char *digest, const uint8_t *key, size_t klen, const struct ike_iov *v,
	     unsigned int n, uint8_t *out, size_t *out_len);
int
ike_hmac(const char *digest, const uint8_t *key, size_t klen, const struct ike_iov *v,
	 unsigned int n, uint8_t *out, size_t *out_len)
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx = NULL;
	EVP_MAC *mac;
	int ok = 0;
	/* HMAC with an empty key is legal (RFC 2104); EVP needs a non-NULL pointer */
	static const uint8_t empty[1];

	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac == NULL)
		return -ENOTSUP;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	ctx = EVP_MAC_CTX_new(mac);
	if (ctx != NULL && EVP_MAC_init(ctx, klen ? key : empty, klen, params) == 1) {
		ok = 1;
		for (unsigned int i = 0; i < n && ok; i++)
			ok = v[i].len == 0 || EVP_MAC_update(ctx, v[i].p, v[i].len) == 1;
		ok = ok && EVP_MAC_final(ctx, out, out_len, IKE_MAX_PRF_LEN) == 1;
	}
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok ? 0 : -EIO;
}

int
ike_prf(uint16_t prf, const uint8_t *key, size_t klen, const struct ike_iov *v, unsigned int n,
	uint8_t *out)
{
	const char *d = prf_digest(prf);
	size_t len;

	if (d == NULL)
		return -ENOTSUP;
	return ike_hmac(d, key, klen, v, n, out, &len);
}

int
ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen, const uint8_t *seed, size_t slen,
	     uint8_t *out, size_t len)
{
	unsigned int hlen = ike_prf_len(prf);
	uint8_t t[IKE_MAX_PRF_LEN];
	size_t done = 0;
	uint8_t ctr = 1;
	int rc = 0;

	if (hlen == 0)
		return -ENOTSUP;
	if (len > 255u * hlen)
		return -EINVAL;
	/* T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n) */
	while (done < len && rc == 0) {
		struct ike_iov v[3] = {
			{ t, ctr == 1 ? 0 : hlen }, { seed, slen }, { &ctr, 1 },
		};
		size_t take = len - done < hlen ? len - done : hlen;

		rc = ike_prf(prf, key, klen, v, 3, t);
		memcpy(out + done, t, take);
		done += take;
		ctr++;
	}
	OPENSSL_cleanse(t, sizeof(t));
	return rc;
}

int
ike_skeyseed(uint16_t prf, const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
	     const uint8_t *gir, size_t glen, uint8_t *out)
{
	uint8_t key[2 * IKE_MAX_NONCE];
	struct ike_iov v = { gir, glen };
	int rc;

	if (nilen > IKE_MAX_NONCE || nrlen > IKE_MAX_NONCE)
		return -EINVAL;
	memcpy(key, ni, nilen);
	memcpy(key + nilen, nr, nrlen);
	rc = ike_prf(prf, key, nilen + nrlen, &v, 1, out);
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int
ike_skeyseed_rekey(uint16_t old_prf, const uint8_t *sk_d, size_t dlen, const uint8_t *gir,
		   size_t glen, const uint8_t *ni, size_t nilen, const uint8_t *nr,
		   size_t nrlen, uint8_t *out)
{
	struct ike_iov v[3] = { { gir, glen }, { ni, nilen }, { nr, nrlen } };

	return ike_prf(old_prf, sk_d, dlen, v, 3, out);
}

int
ike_keys_derive(const struct ike_suite *s, const uint8_t *skeyseed, const uint8_t *ni,
		size_t nilen, const uint8_t *nr, size_t nrlen, uint64_t spi_i, uint64_t spi_r,
		struct ike_keys *k)
{
	uint8_t seed[2 * IKE_MAX_NONCE + 16], km[7 * IKE_MAX_KEY_LEN];
	unsigned int plen = ike_prf_len(s->prf), ik, icv, ek, iv, blk, aicv;
	size_t pos = 0, total;
	int rc;

	if (plen == 0 || ike_integ_sizes(s->integ, &ik, &icv) != 0 ||
	    ike_encr_sizes(s->encr, s->encr_bits, &ek, &iv, &blk, &aicv) != 0)
		return -ENOTSUP;
	if (nilen > IKE_MAX_NONCE || nrlen > IKE_MAX_NONCE)
		return -EINVAL;
	memcpy(seed, ni, nilen);
	memcpy(seed + nilen, nr, nrlen);
	ike_put64(seed + nilen + nrlen, spi_i);
	ike_put64(seed + nilen + nrlen + 8, spi_r);
	total = 3u * plen + 2u * ik + 2u * ek;
	rc = ike_prf_plus(s->prf, skeyseed, plen, seed, nilen + nrlen + 16, km, total);
	if (rc == 0) {
		k->d_len = plen, k->a_len = ik, k->e_len = ek, k->p_len = plen;
		memcpy(k->sk_d, km + pos, plen), pos += plen;
		memcpy(k->sk_ai, km + pos, ik), pos += ik;
		memcpy(k->sk_ar, km + pos, ik), pos += ik;
		memcpy(k->sk_ei, km + pos, ek), pos += ek;
		memcpy(k->sk_er, km + pos, ek), pos += ek;
		memcpy(k->sk_pi, km + pos, plen), pos += plen;
		memcpy(k->sk_pr, km + pos, plen);
	}
	OPENSSL_cleanse(km, sizeof(km));
	return rc;
}

void
ike_keys_wipe(struct ike_keys *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

int
ike_child_keymat(uint16_t prf, const uint8_t *sk_d, size_t dlen, const uint8_t *gir,
		 size_t glen, const uint8_t *ni, size_t nilen, const uint8_t *nr, size_t nrlen,
		 uint8_t *out, size_t len)
{
	uint8_t seed[IKE_MAX_DH_PUB + 2 * IKE_MAX_NONCE];
	size_t slen = 0;
	int rc;

	if (glen > IKE_MAX_DH_PUB || nilen > IKE_MAX_NONCE || nrlen > IKE_MAX_NONCE)
		return -EINVAL;
	if (gir != NULL) {
		memcpy(seed, gir, glen);
		slen = glen;
	}
	memcpy(seed + slen, ni, nilen), slen += nilen;
	memcpy(seed + slen, nr, nrlen), slen += nrlen;
	rc = ike_prf_plus(prf, sk_d, dlen, seed, slen, out, len);
	OPENSSL_cleanse(seed, sizeof(seed));
	return rc;
}

int
ike_psk_auth(uint16_t prf, const uint8_t *psk, size_t psklen, const uint8_t *msg, size_t mlen,
	     const uint8_t *nonce, size_t nlen, const uint8_t *sk_p, size_t plen,
	     const uint8_t *id_body, size_t idlen, uint8_t *out)
{
	static const char pad[] = "Key Pad for IKEv2";	/* 17 octets, no NUL */
	uint8_t macid[IKE_MAX_PRF_LEN], inner[IKE_MAX_PRF_LEN];
	struct ike_iov vid = { id_body, idlen }, vpad = { pad, sizeof(pad) - 1 };
	unsigned int hlen = ike_prf_len(prf);
	int rc;

	rc = ike_prf(prf, sk_p, plen, &vid, 1, macid);
	if (rc == 0)
		rc = ike_prf(prf, psk, psklen, &vpad, 1, inner);
	if (rc == 0) {
		struct ike_iov v[3] = { { msg, mlen }, { nonce, nlen }, { macid, hlen } };

		rc = ike_prf(prf, inner, hlen, v, 3, out);
	}
	OPENSSL_cleanse(inner, sizeof(inner));
	return rc;
}

int
ike_ct_cmp(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) != 0;
}

int
ike_random(void *out, size_t len)
{
	return RAND_bytes(out, (int)len) == 1 ? 0 : -EIO;
}
