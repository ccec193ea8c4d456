/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The algorithm table: every cipher and integrity algorithm the gateway
 * offers, one row each, as the configuration names it, with its key length,
 * its ESP wire sizes and the engines that implement it. The parser, the
 * printer, the size helpers, the engines' supports() and the configuration's
 * list of choices (gw_cipher_names[], gw_auth_names[], read by lib/conf) all
 * come from these rows, so they cannot drift apart.
 */
#include <errno.h>
#include <string.h>

#include <gw_log.h>

#include "crypto_private.h"

#define BOTH (GW_CRYPTO_ENGINE_BIT(GW_CRYPTO_IPSECMB) | GW_CRYPTO_ENGINE_BIT(GW_CRYPTO_OPENSSL))

/*
 * name, cipher, key length (the 4-byte salt included for AEAD), IV on the
 * wire, padding alignment, salt, AEAD ICV, engines.
 */
#define CIPHER_ROWS(ROW) \
	/* RFC 2410 */ \
	ROW("null", GW_CIPHER_NULL, 0, 0, 4, 0, 0, BOTH) \
	/* RFC 3602 */ \
	ROW("aes-128-cbc", GW_CIPHER_AES_CBC, 16, 16, 16, 0, 0, BOTH) \
	ROW("aes-192-cbc", GW_CIPHER_AES_CBC, 24, 16, 16, 0, 0, BOTH) \
	ROW("aes-256-cbc", GW_CIPHER_AES_CBC, 32, 16, 16, 0, 0, BOTH) \
	/* RFC 4106 */ \
	ROW("aes-128-gcm", GW_CIPHER_AES_GCM16, 16 + 4, 8, 4, 4, 16, BOTH) \
	ROW("aes-256-gcm", GW_CIPHER_AES_GCM16, 32 + 4, 8, 4, 4, 16, BOTH) \
	/* RFC 7634 */ \
	ROW("chacha20-poly1305", GW_CIPHER_CHACHA20_POLY1305, 32 + 4, 8, 4, 4, 16, BOTH) \
	/* RFC 2451 */ \
	ROW("3des-cbc", GW_CIPHER_3DES_CBC, 24, 8, 8, 0, 0, BOTH) \
	/* RFC 2405 */ \
	ROW("des-cbc", GW_CIPHER_DES_CBC, 8, 8, 8, 0, 0, BOTH)

/* name, auth, key length, ICV (truncated as the RFC says), engines. */
#define AUTH_ROWS(ROW) \
	ROW("none", GW_AUTH_NONE, 0, 0, BOTH) \
	/* RFC 2403, RFC 2404, RFC 4868 */ \
	ROW("hmac-md5-96", GW_AUTH_HMAC_MD5_96, 16, 12, BOTH) \
	ROW("hmac-sha1-96", GW_AUTH_HMAC_SHA1_96, 20, 12, BOTH) \
	ROW("hmac-sha-256-128", GW_AUTH_HMAC_SHA256_128, 32, 16, BOTH) \
	ROW("hmac-sha-384-192", GW_AUTH_HMAC_SHA384_192, 48, 24, BOTH) \
	ROW("hmac-sha-512-256", GW_AUTH_HMAC_SHA512_256, 64, 32, BOTH)

static const struct cipher_row {
	const char *name;
	enum gw_cipher cipher;
	unsigned int key_len, iv_len, block_len, salt_len, icv_len;
	unsigned int engines;		/* GW_CRYPTO_ENGINE_BIT() mask */
} ciphers[] = {
#define CIPHER_ROW(n, c, key, iv, blk, salt, icv, eng) { n, c, key, iv, blk, salt, icv, eng },
	CIPHER_ROWS(CIPHER_ROW)
#undef CIPHER_ROW
};

static const struct auth_row {
	const char *name;
	enum gw_auth auth;
	unsigned int key_len, icv_len;
	unsigned int engines;
} auths[] = {
#define AUTH_ROW(n, a, key, icv, eng) { n, a, key, icv, eng },
	AUTH_ROWS(AUTH_ROW)
#undef AUTH_ROW
};

#define ROW_NAME(n, ...) n,
const char *const gw_cipher_names[] = { CIPHER_ROWS(ROW_NAME) NULL };
const char *const gw_auth_names[] = { AUTH_ROWS(ROW_NAME) NULL };
#undef ROW_NAME

const char *const gw_crypto_engine_names[] = {
	[GW_CRYPTO_IPSECMB] = "ipsecmb",
	[GW_CRYPTO_OPENSSL] = "openssl",
	[GW_CRYPTO_ENGINE_MAX] = NULL,
};

/* The first row of a cipher: the sizes are the same for every key length. */
static const struct cipher_row *
cipher_row(enum gw_cipher cipher)
{
	for (unsigned int i = 0; i < RTE_DIM(ciphers); i++)
		if (ciphers[i].cipher == cipher)
			return &ciphers[i];
	return NULL;
}

/* The row of a cipher and key length; NULL has one row whatever the length says. */
static const struct cipher_row *
cipher_row_keyed(enum gw_cipher cipher, unsigned int key_len)
{
	for (unsigned int i = 0; i < RTE_DIM(ciphers); i++)
		if (ciphers[i].cipher == cipher &&
		    (cipher == GW_CIPHER_NULL || ciphers[i].key_len == key_len))
			return &ciphers[i];
	return NULL;
}

static const struct auth_row *
auth_row(enum gw_auth auth)
{
	for (unsigned int i = 0; i < RTE_DIM(auths); i++)
		if (auths[i].auth == auth)
			return &auths[i];
	return NULL;
}

int
gw_cipher_parse(const char *name, enum gw_cipher *cipher, unsigned int *key_len)
{
	if (name == NULL)
		return -EINVAL;
	for (unsigned int i = 0; i < RTE_DIM(ciphers); i++) {
		if (strcmp(name, ciphers[i].name) != 0)
			continue;
		if (cipher != NULL)
			*cipher = ciphers[i].cipher;
		if (key_len != NULL)
			*key_len = ciphers[i].key_len;
		return 0;
	}
	return -EINVAL;
}

const char *
gw_cipher_name(enum gw_cipher cipher, unsigned int key_len)
{
	const struct cipher_row *r = cipher_row_keyed(cipher, key_len);

	return r != NULL ? r->name : NULL;
}

int
gw_auth_parse(const char *name, enum gw_auth *auth, unsigned int *key_len)
{
	if (name == NULL)
		return -EINVAL;
	for (unsigned int i = 0; i < RTE_DIM(auths); i++) {
		if (strcmp(name, auths[i].name) != 0)
			continue;
		if (auth != NULL)
			*auth = auths[i].auth;
		if (key_len != NULL)
			*key_len = auths[i].key_len;
		return 0;
	}
	return -EINVAL;
}

const char *
gw_auth_name(enum gw_auth auth)
{
	const struct auth_row *r = auth_row(auth);

	return r != NULL ? r->name : NULL;
}

unsigned int
gw_auth_key_len(enum gw_auth auth)
{
	const struct auth_row *r = auth_row(auth);

	return r != NULL ? r->key_len : 0;
}

unsigned int
gw_cipher_iv_len(enum gw_cipher cipher)
{
	const struct cipher_row *r = cipher_row(cipher);

	return r != NULL ? r->iv_len : 0;
}

unsigned int
gw_cipher_block_len(enum gw_cipher cipher)
{
	const struct cipher_row *r = cipher_row(cipher);

	return r != NULL ? r->block_len : 4;
}

unsigned int
gw_cipher_salt_len(enum gw_cipher cipher)
{
	const struct cipher_row *r = cipher_row(cipher);

	return r != NULL ? r->salt_len : 0;
}

bool
gw_cipher_is_aead(enum gw_cipher cipher)
{
	return gw_cipher_salt_len(cipher) != 0;
}

unsigned int
gw_icv_len(enum gw_cipher cipher, enum gw_auth auth)
{
	const struct cipher_row *c = cipher_row(cipher);
	const struct auth_row *a = auth_row(auth);

	if (c == NULL || a == NULL)
		return 0;
	return gw_cipher_is_aead(cipher) ? c->icv_len : a->icv_len;
}

bool
gw_crypto_params_valid(const struct gw_crypto_params *p)
{
	if (p == NULL || auth_row(p->auth) == NULL)
		return false;
	if (gw_cipher_name(p->cipher, p->cipher_key_len) == NULL)
		return false;
	if (p->cipher == GW_CIPHER_NULL && p->cipher_key_len != 0)
		return false;
	if (gw_cipher_is_aead(p->cipher))
		return p->auth == GW_AUTH_NONE;
	/* ESP without integrity is not offered (RFC 4303 section 3.2 allows it). */
	if (p->auth == GW_AUTH_NONE)
		return false;
	return p->auth_key_len == gw_auth_key_len(p->auth);
}

bool
gw_crypto_alg_supported(enum gw_crypto_engine_id engine, enum gw_cipher cipher,
			unsigned int key_len, enum gw_auth auth)
{
	struct gw_crypto_params p = {
		.cipher = cipher,
		.auth = auth,
		.cipher_key_len = key_len,
		.auth_key_len = gw_auth_key_len(auth),
	};
	unsigned int bit = GW_CRYPTO_ENGINE_BIT(engine);

	if ((unsigned int)engine >= GW_CRYPTO_ENGINE_MAX || !gw_crypto_params_valid(&p))
		return false;
	return (cipher_row_keyed(cipher, key_len)->engines & auth_row(auth)->engines & bit) != 0;
}

const struct gw_crypto_engine *
gw_crypto_engine_get(const char *name)
{
	if (name == NULL || strcmp(name, gw_crypto_engine_names[GW_CRYPTO_IPSECMB]) == 0)
		return &gw_crypto_engine_ipsecmb;
	if (strcmp(name, gw_crypto_engine_names[GW_CRYPTO_OPENSSL]) == 0)
		return &gw_crypto_engine_openssl;
	return NULL;
}

const char *const gw_crypto_arch_names[] = {
	[GW_CRYPTO_ARCH_AUTO] = "auto",
	[GW_CRYPTO_ARCH_AVX512] = "avx512",
	[GW_CRYPTO_ARCH_AVX2] = "avx2",
	[GW_CRYPTO_ARCH_AVX] = "avx",
	[GW_CRYPTO_ARCH_SSE] = "sse",
	[GW_CRYPTO_ARCH_MAX] = NULL,
};

const char *
gw_crypto_arch_name(enum gw_crypto_arch arch)
{
	return (unsigned int)arch < GW_CRYPTO_ARCH_MAX ? gw_crypto_arch_names[arch] : NULL;
}

int
gw_crypto_arch_parse(const char *name, enum gw_crypto_arch *arch)
{
	for (unsigned int a = 0; name != NULL && a < GW_CRYPTO_ARCH_MAX; a++)
		if (strcmp(name, gw_crypto_arch_names[a]) == 0) {
			*arch = (enum gw_crypto_arch)a;
			return 0;
		}
	return -EINVAL;
}

int
gw_crypto_engine_init(const struct gw_crypto_engine *e, enum gw_crypto_arch arch)
{
	int rc;

	if (e->set_arch != NULL) {
		rc = e->set_arch(arch);
		if (rc != 0)
			return rc;
	} else if (arch != GW_CRYPTO_ARCH_AUTO) {
		GW_LOG(crypto, ERR, "crypto engine '%s' has no code path to choose (crypto-arch %s)",
		       e->name, gw_crypto_arch_name(arch));
		return -EINVAL;
	}
	if (e->probe != NULL && e->probe() != 0)
		return -ENOTSUP;
	return 0;
}
