/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Encrypted payload (RFC 7296 3.14): AES-CBC with HMAC integrity over the
 * message from the IKE header to the end of the ciphertext, and AES-GCM-16
 * (RFC 5282: nonce = salt | IV, AAD = IKE header | SK payload header, no
 * separate integrity). ICVs are checked in constant time (CRYPTO_memcmp for
 * HMAC; EVP verifies the GCM tag).
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ike_crypto.h"

const char *ike_integ_digest(uint16_t integ);
int ike_hmac(const char *digest, const uint8_t *key, size_t klen, const struct ike_iov *v,
	     unsigned int n, uint8_t *out, size_t *out_len);

static const EVP_CIPHER *
cipher_of(uint16_t encr, uint16_t bits)
{
	if (encr == IKE_ENCR_AES_CBC)
		return bits == 128 ? EVP_aes_128_cbc() : bits == 192 ? EVP_aes_192_cbc() :
		       EVP_aes_256_cbc();
	return bits == 128 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
}

/* One EVP pass: in -> out (same length, no padding), GCM with aad/tag. */
static int
run_cipher(const struct ike_suite *s, bool enc, const uint8_t *key, const uint8_t *iv,
	   unsigned int iv_len, const uint8_t *aad, size_t aad_len, const uint8_t *in,
	   size_t len, uint8_t *out, uint8_t *tag)
{
	bool gcm = ike_encr_is_aead(s->encr);
	unsigned int klen = s->encr_bits / 8u;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t nonce[12];
	int ok, n = 0, fin = 0;

	if (ctx == NULL)
		return -ENOMEM;
	if (gcm) {	/* RFC 5282 4: salt (last 4 octets of the key) | IV */
		memcpy(nonce, key + klen, 4);
		memcpy(nonce + 4, iv, iv_len);
	}
	ok = EVP_CipherInit_ex(ctx, cipher_of(s->encr, s->encr_bits), NULL, NULL, NULL, enc);
	ok = ok && EVP_CIPHER_CTX_set_padding(ctx, 0);
	if (gcm)
		ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL);
	ok = ok && EVP_CipherInit_ex(ctx, NULL, NULL, key, gcm ? nonce : iv, enc);
	if (gcm && !enc)
		ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag);
	if (gcm)
		ok = ok && EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len);
	ok = ok && (len == 0 || EVP_CipherUpdate(ctx, out, &n, in, (int)len));
	if (ok && EVP_CipherFinal_ex(ctx, out + (len ? n : 0), &fin) != 1)
		ok = 0;
	if (ok && gcm && enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag);
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(nonce, sizeof(nonce));
	if (!ok)
		return gcm && !enc ? -EBADMSG : -EIO;
	return 0;
}

/*
 * A message of one encrypted payload: SK (RFC 7296 3.14) or SKF (RFC 7383
 * 2.5, whose `extra` are Fragment Number and Total Fragments, covered by the
 * ICV and, with GCM, the AAD like the payload header).
 */
static int
seal_payload(const struct ike_suite *s, const uint8_t *ekey, const uint8_t *akey,
	     const struct ike_hdr *hdr, uint8_t pl_type, uint8_t first_inner,
	     const uint8_t *extra, uint32_t extra_len, const uint8_t *plain, uint32_t plen,
	     const uint8_t *iv, uint8_t *out, uint32_t cap, uint32_t *out_len)
{
	unsigned int klen, iv_len, block, aicv, ik, icv;
	uint32_t padded, pad, sk_len, total, ct_off;
	uint8_t *ct;
	int rc;

	rc = ike_encr_sizes(s->encr, s->encr_bits, &klen, &iv_len, &block, &aicv);
	if (rc == 0)
		rc = ike_integ_sizes(s->integ, &ik, &icv);
	if (rc != 0)
		return rc;
	if (aicv != 0)
		icv = aicv;
	/* RFC 7296 3.14: plaintext | padding | pad length, a multiple of the block */
	padded = (plen + 1 + block - 1) / block * block;
	pad = padded - plen - 1;
	sk_len = IKE_PL_HDR_LEN + extra_len + iv_len + padded + icv;
	total = IKE_HDR_LEN + sk_len;
	if (total > cap || sk_len > UINT16_MAX)
		return -ENOSPC;
	/* header */
	memset(out, 0, IKE_HDR_LEN);
	ike_put64(out, hdr->spi_i);
	ike_put64(out + 8, hdr->spi_r);
	out[16] = pl_type;
	out[17] = IKE_VERSION;
	out[18] = hdr->exch;
	out[19] = hdr->flags;
	ike_put32(out + 20, hdr->msgid);
	ike_put32(out + 24, total);
	/* SK payload header */
	out[IKE_HDR_LEN] = first_inner;
	out[IKE_HDR_LEN + 1] = 0;
	ike_put16(out + IKE_HDR_LEN + 2, (uint16_t)sk_len);
	if (extra_len != 0)
		memcpy(out + IKE_HDR_LEN + IKE_PL_HDR_LEN, extra, extra_len);
	memcpy(out + IKE_HDR_LEN + IKE_PL_HDR_LEN + extra_len, iv, iv_len);
	ct_off = IKE_HDR_LEN + IKE_PL_HDR_LEN + extra_len + iv_len;
	ct = out + ct_off;
	memmove(ct, plain, plen);
	memset(ct + plen, 0, pad);
	ct[padded - 1] = (uint8_t)pad;
	if (aicv != 0)
		return (rc = run_cipher(s, true, ekey, iv, iv_len, out, ct_off - iv_len, ct,
					padded, ct, ct + padded)) == 0 ?
		       (*out_len = total, 0) : rc;
	rc = run_cipher(s, true, ekey, iv, iv_len, NULL, 0, ct, padded, ct, NULL);
	if (rc == 0) {
		uint8_t mac[IKE_MAX_PRF_LEN];
		struct ike_iov v = { out, ct_off + padded };
		size_t mlen;

		rc = ike_hmac(ike_integ_digest(s->integ), akey, ik, &v, 1, mac, &mlen);
		memcpy(ct + padded, mac, icv);
	}
	if (rc == 0)
		*out_len = total;
	return rc;
}

int
ike_sk_seal(const struct ike_suite *s, const uint8_t *ekey, const uint8_t *akey,
	    const struct ike_hdr *hdr, uint8_t first_inner, const uint8_t *plain, uint32_t plen,
	    const uint8_t *iv, uint8_t *out, uint32_t cap, uint32_t *out_len)
{
	return seal_payload(s, ekey, akey, hdr, IKE_PL_SK, first_inner, NULL, 0, plain, plen, iv,
			    out, cap, out_len);
}

int
ike_skf_seal(const struct ike_suite *s, const uint8_t *ekey, const uint8_t *akey,
	     const struct ike_hdr *hdr, uint8_t first_inner, uint16_t num, uint16_t total,
	     const uint8_t *plain, uint32_t plen, const uint8_t *iv, uint8_t *out, uint32_t cap,
	     uint32_t *out_len)
{
	uint8_t nums[4];

	ike_put16(nums, num);
	ike_put16(nums + 2, total);
	/* RFC 7383 2.5: only the first fragment names the first inner payload */
	return seal_payload(s, ekey, akey, hdr, IKE_PL_SKF, num == 1 ? first_inner : 0, nums,
			    sizeof(nums), plain, plen, iv, out, cap, out_len);
}

int
ike_sk_open(const struct ike_suite *s, const uint8_t *ekey, const uint8_t *akey,
	    const uint8_t *buf, const struct ike_msg *msg, uint8_t *plain, uint32_t cap,
	    uint32_t *plen)
{
	unsigned int klen, iv_len, block, aicv, ik, icv;
	const struct ike_pl *sk;
	uint32_t ct_len, ct_off;
	const uint8_t *iv;
	uint8_t pad;
	int rc;

	if (msg->sk_index < 0)
		return -EINVAL;
	sk = &msg->pl[msg->sk_index];
	rc = ike_encr_sizes(s->encr, s->encr_bits, &klen, &iv_len, &block, &aicv);
	if (rc == 0)
		rc = ike_integ_sizes(s->integ, &ik, &icv);
	if (rc != 0)
		return rc;
	if (aicv != 0)
		icv = aicv;
	/* SK: the body; SKF: after Fragment Number and Total Fragments */
	if (sk->u.sk.data.len < iv_len + icv + 1)
		return -EINVAL;
	ct_len = sk->u.sk.data.len - iv_len - icv;
	if (ct_len % block != 0 || ct_len > cap)
		return -EINVAL;
	iv = sk->u.sk.data.p;
	ct_off = sk->u.sk.data.off + iv_len;
	if (aicv != 0) {
		uint8_t tag[16];

		memcpy(tag, buf + ct_off + ct_len, 16);
		rc = run_cipher(s, false, ekey, iv, iv_len, buf, sk->u.sk.data.off,
				buf + ct_off, ct_len, plain, tag);
		if (rc != 0)
			return rc;
	} else {
		uint8_t mac[IKE_MAX_PRF_LEN];
		struct ike_iov v = { buf, ct_off + ct_len };
		size_t mlen;

		rc = ike_hmac(ike_integ_digest(s->integ), akey, ik, &v, 1, mac, &mlen);
		if (rc != 0)
			return rc;
		if (CRYPTO_memcmp(mac, buf + ct_off + ct_len, icv) != 0)
			return -EBADMSG;
		rc = run_cipher(s, false, ekey, iv, iv_len, NULL, 0, buf + ct_off, ct_len, plain,
				NULL);
		if (rc != 0)
			return rc;
	}
	pad = plain[ct_len - 1];
	if ((uint32_t)pad + 1 > ct_len)
		return -EBADMSG;
	*plen = ct_len - pad - 1;
	return 0;
}
