/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv1 Diffie-Hellman: MODP groups 1, 2 (RFC 2409 6.1, 6.2), 5, 14 (RFC 3526)
 * and ECP groups 19, 20 (RFC 5903) through OpenSSL EVP_PKEY.
 *
 * The private value is chosen here (or given, for known answers) and the public
 * value computed with constant-time BIGNUM / EC_POINT arithmetic, so one code path
 * serves both; OpenSSL derives the shared secret and checks the peer's value.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "gdoi_crypto.h"

#define DH_PRIV_MAX 256		/* octets: the largest MODP prime (group 14) */
#define DH_PUB_MAX 256

struct dh_group {
	unsigned int id;
	bool ecp;
	size_t len;		/* prime / coordinate octets */
	BIGNUM *(*prime)(BIGNUM *);	/* MODP: the RFC's prime, generator 2 */
	int nid;		/* ECP curve */
	const char *curve;
};

static const struct dh_group groups[] = {
	{ 1, false, 96, BN_get_rfc2409_prime_768, 0, NULL },
	{ 2, false, 128, BN_get_rfc2409_prime_1024, 0, NULL },
	{ 5, false, 192, BN_get_rfc3526_prime_1536, 0, NULL },
	{ 14, false, 256, BN_get_rfc3526_prime_2048, 0, NULL },
	{ 19, true, 32, NULL, NID_X9_62_prime256v1, "P-256" },
	{ 20, true, 48, NULL, NID_secp384r1, "P-384" },
};

struct gdoi_dh {
	const struct dh_group *g;
	size_t priv_len;
	uint8_t priv[DH_PRIV_MAX];	/* big-endian, left-padded to g->len */
	uint8_t pub[DH_PUB_MAX];	/* the KE payload data */
};

static const struct dh_group *
group_get(unsigned int id)
{
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i].id == id)
			return &groups[i];
	return NULL;
}

bool
gdoi_dh_group_known(unsigned int group)
{
	return group_get(group) != NULL;
}

size_t
gdoi_dh_pub_len(unsigned int group)
{
	const struct dh_group *g = group_get(group);

	return g == NULL ? 0 : g->ecp ? 2 * g->len : g->len;
}

size_t
gdoi_dh_secret_len(unsigned int group)
{
	const struct dh_group *g = group_get(group);

	return g == NULL ? 0 : g->len;
}

void
gdoi_dh_free(struct gdoi_dh *dh)
{
	if (dh == NULL)
		return;
	OPENSSL_cleanse(dh, sizeof(*dh));
	free(dh);
}

/* MODP: pub = 2^x mod p, left-padded (RFC 2409 5: the KE data is the prime's length). */
static int
modp_public(struct gdoi_dh *dh, const BIGNUM *x)
{
	BIGNUM *p = dh->g->prime(NULL), *gen = BN_new(), *y = BN_new();
	BN_CTX *bn = BN_CTX_new();
	int ret = -EIO;

	if (p == NULL || gen == NULL || y == NULL || bn == NULL || !BN_set_word(gen, 2))
		goto out;
	if (BN_is_zero(x) || BN_is_one(x) || BN_cmp(x, p) >= 0) {
		ret = -EINVAL;
		goto out;
	}
	if (BN_mod_exp_mont_consttime(y, gen, x, p, bn, NULL) &&
	    BN_bn2binpad(y, dh->pub, (int)dh->g->len) == (int)dh->g->len)
		ret = 0;
out:
	BN_free(p);
	BN_free(gen);
	BN_free(y);
	BN_CTX_free(bn);
	return ret;
}

/* ECP: pub = x | y of d*G, each coordinate left-padded (RFC 5903 7, no 0x04). */
static int
ecp_public(struct gdoi_dh *dh, const BIGNUM *d)
{
	EC_GROUP *grp = EC_GROUP_new_by_curve_name(dh->g->nid);
	uint8_t oct[1 + 2 * 48];
	EC_POINT *pt = NULL;
	BN_CTX *bn = BN_CTX_new();
	size_t n;
	int ret = -EIO;

	if (grp == NULL || bn == NULL)
		goto out;
	if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(grp)) >= 0) {
		ret = -EINVAL;
		goto out;
	}
	pt = EC_POINT_new(grp);
	if (pt == NULL || !EC_POINT_mul(grp, pt, d, NULL, NULL, bn))
		goto out;
	n = EC_POINT_point2oct(grp, pt, POINT_CONVERSION_UNCOMPRESSED, oct, sizeof(oct), bn);
	if (n == 1 + 2 * dh->g->len) {
		memcpy(dh->pub, oct + 1, n - 1);
		ret = 0;
	}
out:
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	BN_CTX_free(bn);
	return ret;
}

static struct gdoi_dh *
dh_make(const struct dh_group *g, BIGNUM *x)
{
	struct gdoi_dh *dh = calloc(1, sizeof(*dh));
	int ret;

	if (dh == NULL)
		return NULL;
	dh->g = g;
	dh->priv_len = g->len;
	ret = g->ecp ? ecp_public(dh, x) : modp_public(dh, x);
	if (ret == 0 && BN_bn2binpad(x, dh->priv, (int)dh->priv_len) != (int)dh->priv_len)
		ret = -EIO;
	if (ret < 0) {
		gdoi_dh_free(dh);
		errno = -ret;
		return NULL;
	}
	return dh;
}

struct gdoi_dh *
gdoi_dh_from_private(unsigned int group, const uint8_t *priv, size_t len)
{
	const struct dh_group *g = group_get(group);
	struct gdoi_dh *dh;
	BIGNUM *x;

	if (g == NULL || len == 0 || len > g->len) {
		errno = EINVAL;
		return NULL;
	}
	x = BN_bin2bn(priv, (int)len, NULL);
	if (x == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	BN_set_flags(x, BN_FLG_CONSTTIME);
	dh = dh_make(g, x);
	BN_clear_free(x);
	return dh;
}

struct gdoi_dh *
gdoi_dh_new(unsigned int group)
{
	const struct dh_group *g = group_get(group);
	BIGNUM *range = NULL, *x = BN_secure_new();
	EC_GROUP *grp = NULL;
	struct gdoi_dh *dh = NULL;
	int ok;

	if (g == NULL) {
		BN_free(x);
		errno = EINVAL;
		return NULL;
	}
	/* x uniform in [2, p-2] (MODP) or [1, n-1] (ECP). */
	if (g->ecp) {
		grp = EC_GROUP_new_by_curve_name(g->nid);
		range = grp ? BN_dup(EC_GROUP_get0_order(grp)) : NULL;
		ok = x && range && BN_sub_word(range, 1) && BN_priv_rand_range(x, range) &&
		     BN_add_word(x, 1);
	} else {
		range = g->prime(NULL);
		ok = x && range && BN_sub_word(range, 3) && BN_priv_rand_range(x, range) &&
		     BN_add_word(x, 2);
	}
	if (ok) {
		BN_set_flags(x, BN_FLG_CONSTTIME);
		dh = dh_make(g, x);
	} else {
		errno = EIO;
	}
	BN_clear_free(x);
	BN_free(range);
	EC_GROUP_free(grp);
	return dh;
}

int
gdoi_dh_public(const struct gdoi_dh *dh, uint8_t *out, size_t len)
{
	size_t n = gdoi_dh_pub_len(dh->g->id);

	if (len != n)
		return -EINVAL;
	memcpy(out, dh->pub, n);
	return 0;
}

/* An EVP_PKEY of the group: a public value (priv == NULL) or a key pair. */
static EVP_PKEY *
pkey_build(const struct dh_group *g, const uint8_t *pub, const uint8_t *priv, size_t priv_len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *p = NULL, *gen = NULL, *y = NULL, *x = NULL;
	uint8_t oct[1 + 2 * 48];
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	int ok;

	if (bld == NULL)
		return NULL;
	if (priv != NULL) {
		x = BN_secure_new();
		ok = x && BN_bin2bn(priv, (int)priv_len, x) &&
		     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, x);
	} else {
		ok = 1;
	}
	if (g->ecp) {
		oct[0] = POINT_CONVERSION_UNCOMPRESSED;
		memcpy(oct + 1, pub, 2 * g->len);
		ok = ok && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
							   g->curve, 0) &&
		     OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, oct,
						      1 + 2 * g->len);
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	} else {
		p = g->prime(NULL);
		gen = BN_new();
		y = BN_bin2bn(pub, (int)g->len, NULL);
		ok = ok && p && gen && y && BN_set_word(gen, 2) &&
		     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) &&
		     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, gen) &&
		     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y);
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	}
	ok = ok && ctx && (params = OSSL_PARAM_BLD_to_param(bld)) != NULL &&
	     EVP_PKEY_fromdata_init(ctx) > 0 &&
	     EVP_PKEY_fromdata(ctx, &pkey, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
			       params) > 0;
	if (!ok) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_free(p);
	BN_free(gen);
	BN_free(y);
	BN_clear_free(x);
	return pkey;
}

/*
 * MODP peer value: 1 < y < p-1 (0, 1 or p-1 force a known secret) and y in the
 * subgroup of order q = (p-1)/2 that g = 2 generates (y^q = 1 mod p): every prime
 * here is a safe prime, so a value outside it is not a g^x (RFC 2409 6, RFC 3526).
 */
static bool
modp_peer_ok(const struct dh_group *g, const uint8_t *peer)
{
	BIGNUM *p = g->prime(NULL), *y = BN_bin2bn(peer, (int)g->len, NULL);
	BIGNUM *q = BN_new(), *r = BN_new();
	BN_CTX *bn = BN_CTX_new();
	bool ok = false;

	if (p && y && q && r && bn && BN_sub_word(p, 1) &&
	    !BN_is_zero(y) && !BN_is_one(y) && BN_cmp(y, p) < 0 &&
	    BN_rshift1(q, p) && BN_add_word(p, 1) && BN_mod_exp(r, y, q, p, bn))
		ok = BN_is_one(r);
	BN_free(p);
	BN_free(y);
	BN_free(q);
	BN_free(r);
	BN_CTX_free(bn);
	return ok;
}

int
gdoi_dh_shared(const struct gdoi_dh *dh, const uint8_t *peer, size_t peer_len,
	       uint8_t *out, size_t len)
{
	const struct dh_group *g = dh->g;
	uint8_t secret[DH_PRIV_MAX];
	EVP_PKEY *own = NULL, *other = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t n = sizeof(secret);
	int ret = -EIO;

	if (len != g->len)
		return -EINVAL;
	if (peer_len != gdoi_dh_pub_len(g->id))
		return -EBADMSG;
	if (!g->ecp && !modp_peer_ok(g, peer))
		return -EBADMSG;
	own = pkey_build(g, dh->pub, dh->priv, dh->priv_len);
	other = pkey_build(g, peer, NULL, 0);
	if (own == NULL)
		goto out;
	if (other == NULL) {
		ret = -EBADMSG;		/* e.g. an ECP point not on the curve */
		goto out;
	}
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, own, NULL);
	if (ctx == NULL || EVP_PKEY_derive_init(ctx) <= 0)
		goto out;
	/* Keep leading zero octets: g^xy is the prime's length (RFC 2409 5). */
	if (!g->ecp && EVP_PKEY_CTX_set_dh_pad(ctx, 1) <= 0)
		goto out;
	if (EVP_PKEY_derive_set_peer_ex(ctx, other, 1) <= 0) {
		ret = -EBADMSG;
		goto out;
	}
	if (EVP_PKEY_derive(ctx, secret, &n) <= 0 || n > len)
		goto out;
	/* ECDH gives the x coordinate (RFC 5903 7), padded to the field size. */
	memset(out, 0, len - n);
	memcpy(out + len - n, secret, n);
	ret = 0;
out:
	OPENSSL_cleanse(secret, sizeof(secret));
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(own);
	EVP_PKEY_free(other);
	return ret;
}
