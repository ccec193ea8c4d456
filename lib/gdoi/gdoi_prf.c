/* SPDX-License-Identifier: BSD-3-Clause */
/* Hashes and the IKEv1 PRF (HMAC with the negotiated hash, RFC 2409 5). */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "gdoi_crypto.h"
#include "gdoi_crypto_priv.h"

/* IKE HASH attribute values, RFC 2409 App. A; SHA2-256 = 4 as assigned with RFC 4868. */
#define IKE_HASH_MD5 1
#define IKE_HASH_SHA 2
#define IKE_HASH_SHA2_256 4
/* SA KEK SIG_HASH_ALGORITHM values, RFC 6407 5.3. */
#define SIG_HASH_MD5 1
#define SIG_HASH_SHA1 2
#define SIG_HASH_SHA256 3

size_t
gdoi_hash_len(enum gdoi_hash h)
{
	switch (h) {
	case GDOI_HASH_MD5:
		return 16;
	case GDOI_HASH_SHA1:
		return 20;
	case GDOI_HASH_SHA256:
		return 32;
	}
	return 0;
}

const char *
gdoi_hash_name(enum gdoi_hash h)
{
	switch (h) {
	case GDOI_HASH_MD5:
		return "MD5";
	case GDOI_HASH_SHA1:
		return "SHA1";
	case GDOI_HASH_SHA256:
		return "SHA256";
	}
	return NULL;
}

int
gdoi_hash_from_ike(uint16_t ike_hash, enum gdoi_hash *h)
{
	switch (ike_hash) {
	case IKE_HASH_MD5:
		*h = GDOI_HASH_MD5;
		return 0;
	case IKE_HASH_SHA:
		*h = GDOI_HASH_SHA1;
		return 0;
	case IKE_HASH_SHA2_256:
		*h = GDOI_HASH_SHA256;
		return 0;
	}
	return -ENOTSUP;
}

int
gdoi_hash_from_sig_hash(uint16_t sig_hash, enum gdoi_hash *h)
{
	switch (sig_hash) {
	case SIG_HASH_MD5:
		*h = GDOI_HASH_MD5;
		return 0;
	case SIG_HASH_SHA1:
		*h = GDOI_HASH_SHA1;
		return 0;
	case SIG_HASH_SHA256:
		*h = GDOI_HASH_SHA256;
		return 0;
	}
	return -ENOTSUP;
}

int
gdoi_hash(enum gdoi_hash h, const struct gdoi_seg *seg, unsigned int n, uint8_t *out)
{
	const char *name = gdoi_hash_name(h);
	EVP_MD_CTX *ctx;
	unsigned int len;
	int ok;

	if (name == NULL)
		return -EINVAL;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return -ENOMEM;
	ok = EVP_DigestInit_ex2(ctx, gdoi_md(h), NULL);
	for (unsigned int i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, seg[i].p, seg[i].len);
	ok = ok && EVP_DigestFinal_ex(ctx, out, &len);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

int
gdoi_prf(enum gdoi_hash h, const void *key, size_t key_len,
	 const struct gdoi_seg *seg, unsigned int n, uint8_t *out)
{
	const char *name = gdoi_hash_name(h);
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	EVP_MAC *mac;
	size_t len;
	int ok;

	if (name == NULL)
		return -EINVAL;
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac == NULL)
		return -ENOTSUP;
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (ctx == NULL)
		return -ENOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)name, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* An empty key is legal HMAC; EVP wants a non-NULL pointer for it. */
	ok = EVP_MAC_init(ctx, key_len ? key : (const void *)"", key_len, params);
	for (unsigned int i = 0; ok && i < n; i++)
		ok = EVP_MAC_update(ctx, seg[i].p, seg[i].len);
	ok = ok && EVP_MAC_final(ctx, out, &len, gdoi_hash_len(h));
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

bool
gdoi_hash_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

const EVP_MD *
gdoi_md(enum gdoi_hash h)
{
	switch (h) {
	case GDOI_HASH_MD5:
		return EVP_md5();
	case GDOI_HASH_SHA1:
		return EVP_sha1();
	case GDOI_HASH_SHA256:
		return EVP_sha256();
	}
	return NULL;
}
