/* SPDX-License-Identifier: BSD-3-Clause */
/* The RSA signature of GROUPKEY-PUSH (RFC 6407 4, SIG_ALGORITHM RSA of 5.3). */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "gdoi_crypto.h"
#include "gdoi_crypto_priv.h"

#define ISAKMP_FLAG_ENC 0x01
#define ISAKMP_FLAGS_OFF 19
#define ISAKMP_LENGTH_OFF 24

int
gdoi_push_digest(enum gdoi_hash h, const uint8_t *msg, size_t sig_off, size_t msg_len,
		 uint8_t *digest)
{
	uint8_t hdr[GDOI_HDR_LEN];
	struct gdoi_seg seg[3];

	if (sig_off < GDOI_HDR_LEN || sig_off > msg_len || msg_len > UINT32_MAX)
		return -EINVAL;
	memcpy(hdr, msg, GDOI_HDR_LEN);
	hdr[ISAKMP_FLAGS_OFF] |= ISAKMP_FLAG_ENC;
	hdr[ISAKMP_LENGTH_OFF] = (uint8_t)(msg_len >> 24);
	hdr[ISAKMP_LENGTH_OFF + 1] = (uint8_t)(msg_len >> 16);
	hdr[ISAKMP_LENGTH_OFF + 2] = (uint8_t)(msg_len >> 8);
	hdr[ISAKMP_LENGTH_OFF + 3] = (uint8_t)msg_len;
	seg[0] = (struct gdoi_seg){ GDOI_REKEY_PREFIX, strlen(GDOI_REKEY_PREFIX) };
	seg[1] = (struct gdoi_seg){ hdr, GDOI_HDR_LEN };
	seg[2] = (struct gdoi_seg){ msg + GDOI_HDR_LEN, sig_off - GDOI_HDR_LEN };
	return gdoi_hash(h, seg, 3, digest);
}

EVP_PKEY *
gdoi_rsa_load_pem(const char *path)
{
	BIO *bio = BIO_new_file(path, "r");
	EVP_PKEY *key;

	if (bio == NULL) {
		errno = ENOENT;
		return NULL;
	}
	key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (key == NULL || !EVP_PKEY_is_a(key, "RSA")) {
		EVP_PKEY_free(key);
		errno = EINVAL;
		return NULL;
	}
	return key;
}

EVP_PKEY *
gdoi_rsa_pub_from_der(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	EVP_PKEY *key;

	if (len == 0 || len > LONG_MAX) {
		errno = EINVAL;
		return NULL;
	}
	key = d2i_PUBKEY(NULL, &p, (long)len);
	/* The whole attribute must be the key: no trailing octets. */
	if (key == NULL || p != der + len || !EVP_PKEY_is_a(key, "RSA")) {
		EVP_PKEY_free(key);
		errno = EBADMSG;
		return NULL;
	}
	return key;
}

int
gdoi_rsa_pub_to_der(EVP_PKEY *key, uint8_t *out, size_t cap, size_t *len)
{
	unsigned char *p = out;
	int n = i2d_PUBKEY(key, NULL);

	if (n <= 0)
		return -EINVAL;
	if ((size_t)n > cap)
		return -ENOSPC;
	if (i2d_PUBKEY(key, &p) != n)
		return -EIO;
	*len = (size_t)n;
	return 0;
}

unsigned int
gdoi_rsa_bits(EVP_PKEY *key)
{
	return key && EVP_PKEY_is_a(key, "RSA") ? (unsigned int)EVP_PKEY_get_bits(key) : 0;
}

size_t
gdoi_sig_len(EVP_PKEY *key)
{
	return key && EVP_PKEY_is_a(key, "RSA") ? (size_t)EVP_PKEY_get_size(key) : 0;
}

/* A sign or verify context: PKCS#1 v1.5, with DigestInfo only in that format. */
static EVP_PKEY_CTX *
sig_ctx(EVP_PKEY *key, enum gdoi_hash h, enum gdoi_sig_fmt fmt, bool sign)
{
	EVP_PKEY_CTX *ctx;
	int ok;

	if (gdoi_md(h) == NULL || gdoi_sig_len(key) == 0 ||
	    (fmt != GDOI_SIG_PKCS1_DIGESTINFO && fmt != GDOI_SIG_PKCS1_RAW))
		return NULL;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	if (ctx == NULL)
		return NULL;
	ok = (sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) > 0 &&
	     EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0;
	if (ok && fmt == GDOI_SIG_PKCS1_DIGESTINFO)
		ok = EVP_PKEY_CTX_set_signature_md(ctx, gdoi_md(h)) > 0;
	if (!ok) {
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

int
gdoi_sig_sign(EVP_PKEY *priv, enum gdoi_hash h, enum gdoi_sig_fmt fmt,
	      const uint8_t *digest, uint8_t *sig, size_t cap, size_t *sig_len)
{
	EVP_PKEY_CTX *ctx;
	size_t n = cap;
	int ok;

	if (cap < gdoi_sig_len(priv))
		return -ENOSPC;
	ctx = sig_ctx(priv, h, fmt, true);
	if (ctx == NULL)
		return -EINVAL;
	ok = EVP_PKEY_sign(ctx, sig, &n, digest, gdoi_hash_len(h)) > 0;
	EVP_PKEY_CTX_free(ctx);
	if (!ok)
		return -EIO;
	*sig_len = n;
	return 0;
}

int
gdoi_sig_verify(EVP_PKEY *pub, enum gdoi_hash h, enum gdoi_sig_fmt fmt,
		const uint8_t *digest, const uint8_t *sig, size_t sig_len)
{
	EVP_PKEY_CTX *ctx;
	int ok;

	/* RFC 8017 8.2.2: the signature is exactly the modulus length. */
	if (sig_len != gdoi_sig_len(pub))
		return -EBADMSG;
	ctx = sig_ctx(pub, h, fmt, false);
	if (ctx == NULL)
		return -EINVAL;
	ok = EVP_PKEY_verify(ctx, sig, sig_len, digest, gdoi_hash_len(h)) == 1;
	EVP_PKEY_CTX_free(ctx);
	return ok ? 0 : -EBADMSG;
}
