/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Diffie-Hellman for IKEv2 over OpenSSL 3 EVP_PKEY: MODP 2048 / 3072 (RFC 3526,
 * groups 14, 15), ECP 256 / 384 (RFC 5903, groups 19, 20: the public value is
 * x | y without the 0x04 prefix, the shared secret is x) and Curve25519
 * (RFC 8031, group 31). Peer values are validated by OpenSSL (point on the
 * curve, 1 < y < p - 1) before use; an all-zero X25519 result is refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "ike_crypto.h"

struct ike_dh {
	uint16_t group;
	EVP_PKEY *key;
};

struct group_info {
	uint16_t group;
	const char *alg;	/* EVP_PKEY algorithm */
	const char *name;	/* group name, NULL for X25519 */
	unsigned int pub_len;
};

static const struct group_info groups[] = {
	{ IKE_DH_MODP2048, "DH", "modp_2048", 256 },
	{ IKE_DH_MODP3072, "DH", "modp_3072", 384 },
	{ IKE_DH_ECP256, "EC", "P-256", 64 },
	{ IKE_DH_ECP384, "EC", "P-384", 96 },
	{ IKE_DH_CURVE25519, "X25519", NULL, 32 },
};

static const struct group_info *
group_info(uint16_t group)
{
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i].group == group)
			return &groups[i];
	return NULL;
}

bool
ike_dh_supported(uint16_t group)
{
	return group_info(group) != NULL;
}

unsigned int
ike_dh_pub_len(uint16_t group)
{
	const struct group_info *g = group_info(group);

	return g != NULL ? g->pub_len : 0;
}

uint16_t
ike_dh_group(const struct ike_dh *dh)
{
	return dh->group;
}

struct ike_dh *
ike_dh_new(uint16_t group)
{
	const struct group_info *g = group_info(group);
	EVP_PKEY_CTX *ctx;
	struct ike_dh *dh;
	OSSL_PARAM params[2];

	if (g == NULL) {
		errno = ENOTSUP;
		return NULL;
	}
	dh = calloc(1, sizeof(*dh));
	if (dh == NULL)
		return NULL;
	dh->group = group;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, g->alg, NULL);
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1)
		goto fail;
	if (g->name != NULL) {
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
							     (char *)g->name, 0);
		params[1] = OSSL_PARAM_construct_end();
		if (EVP_PKEY_CTX_set_params(ctx, params) != 1)
			goto fail;
	}
	if (EVP_PKEY_generate(ctx, &dh->key) != 1)
		goto fail;
	EVP_PKEY_CTX_free(ctx);
	return dh;
fail:
	EVP_PKEY_CTX_free(ctx);
	free(dh);
	errno = EIO;
	return NULL;
}

void
ike_dh_free(struct ike_dh *dh)
{
	if (dh == NULL)
		return;
	EVP_PKEY_free(dh->key);	/* OpenSSL clears the private key */
	free(dh);
}

int
ike_dh_pub(const struct ike_dh *dh, uint8_t *out, size_t cap, size_t *len)
{
	const struct group_info *g = group_info(dh->group);
	unsigned char *enc = NULL;
	size_t n;

	n = EVP_PKEY_get1_encoded_public_key(dh->key, &enc);
	if (n == 0)
		return -EIO;
	if (dh->group == IKE_DH_ECP256 || dh->group == IKE_DH_ECP384) {
		/* uncompressed point 0x04 | x | y -> x | y */
		if (n != g->pub_len + 1 || enc[0] != 0x04 || cap < g->pub_len) {
			OPENSSL_free(enc);
			return -EIO;
		}
		memcpy(out, enc + 1, g->pub_len);
	} else {
		/* MODP: big-endian, left-padded to the prime's length (RFC 7296 3.4) */
		if (n > g->pub_len || cap < g->pub_len) {
			OPENSSL_free(enc);
			return -EIO;
		}
		memset(out, 0, g->pub_len - n);
		memcpy(out + g->pub_len - n, enc, n);
	}
	OPENSSL_free(enc);
	*len = g->pub_len;
	return 0;
}

int
ike_dh_derive(const struct ike_dh *dh, const uint8_t *peer, size_t plen, uint8_t *out,
	      size_t cap, size_t *len)
{
	const struct group_info *g = group_info(dh->group);
	uint8_t enc[IKE_MAX_DH_PUB + 1];
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t elen = plen, olen = cap;
	const uint8_t *src = peer;
	int rc = -EINVAL;

	if (g == NULL || plen != g->pub_len)
		return -EINVAL;
	if (dh->group == IKE_DH_ECP256 || dh->group == IKE_DH_ECP384) {
		enc[0] = 0x04;
		memcpy(enc + 1, peer, plen);
		src = enc;
		elen = plen + 1;
	}
	if (dh->group == IKE_DH_CURVE25519) {
		pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, plen);
	} else {
		pk = EVP_PKEY_new();
		if (pk != NULL && (EVP_PKEY_copy_parameters(pk, dh->key) != 1 ||
				   EVP_PKEY_set1_encoded_public_key(pk, src, elen) != 1)) {
			EVP_PKEY_free(pk);
			pk = NULL;
		}
	}
	if (pk == NULL)
		return -EINVAL;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
	if (ctx == NULL || EVP_PKEY_derive_init(ctx) != 1)
		goto out;
	if (dh->group == IKE_DH_MODP2048 || dh->group == IKE_DH_MODP3072)
		EVP_PKEY_CTX_set_dh_pad(ctx, 1);	/* g^ir as long as the prime */
	/* EVP_PKEY_derive_set_peer_ex validates the peer value (range, curve) */
	if (EVP_PKEY_derive_set_peer_ex(ctx, pk, 1) != 1)
		goto out;
	if (EVP_PKEY_derive(ctx, out, &olen) != 1)
		goto out;
	if (dh->group == IKE_DH_CURVE25519) {
		uint8_t zero[32] = { 0 };

		if (olen != 32 || CRYPTO_memcmp(out, zero, 32) == 0)	/* RFC 8031 2.3 */
			goto out;
	}
	*len = olen;
	rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return rc;
}
