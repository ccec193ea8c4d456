/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Algorithm names (as in the configuration) and ESP wire sizes.
 * One table per kind, so the parser, the printer and the size helpers
 * cannot drift apart.
 */
#include <errno.h>
#include <string.h>

#include <gw_log.h>

#include "crypto_private.h"

static const struct {
	const char *name;
	enum gw_cipher cipher;
	unsigned int key_len;	/* incl. the 4-byte salt for AEAD */
} cipher_names[] = {
	{ "null", GW_CIPHER_NULL, 0 },
	{ "aes-128-cbc", GW_CIPHER_AES_CBC, 16 },
	{ "aes-192-cbc", GW_CIPHER_AES_CBC, 24 },
	{ "aes-256-cbc", GW_CIPHER_AES_CBC, 32 },
	{ "aes-128-gcm", GW_CIPHER_AES_GCM16, 16 + 4 },
	{ "aes-256-gcm", GW_CIPHER_AES_GCM16, 32 + 4 },
	{ "chacha20-poly1305", GW_CIPHER_CHACHA20_POLY1305, 32 + 4 },
	{ "3des-cbc", GW_CIPHER_3DES_CBC, 24 },
	{ "des-cbc", GW_CIPHER_DES_CBC, 8 },
};

static const struct {
	const char *name;
	unsigned int key_len;
	unsigned int icv_len;	/* truncated as the RFC says */
} auth_names[GW_AUTH_MAX] = {
	[GW_AUTH_NONE] = { "none", 0, 0 },
	[GW_AUTH_HMAC_MD5_96] = { "hmac-md5-96", 16, 12 },		/* RFC 2403 */
	[GW_AUTH_HMAC_SHA1_96] = { "hmac-sha1-96", 20, 12 },		/* RFC 2404 */
	[GW_AUTH_HMAC_SHA256_128] = { "hmac-sha-256-128", 32, 16 },	/* RFC 4868 */
	[GW_AUTH_HMAC_SHA384_192] = { "hmac-sha-384-192", 48, 24 },
	[GW_AUTH_HMAC_SHA512_256] = { "hmac-sha-512-256", 64, 32 },
};

/* Per cipher: IV on the wire, padding alignment, salt, AEAD ICV. */
static const struct {
	unsigned int iv_len;
	unsigned int block_len;
	unsigned int salt_len;
	unsigned int icv_len;	/* AEAD only */
} cipher_sizes[GW_CIPHER_MAX] = {
	[GW_CIPHER_NULL] = { 0, 4, 0, 0 },		/* RFC 2410 */
	[GW_CIPHER_AES_CBC] = { 16, 16, 0, 0 },		/* RFC 3602 */
	[GW_CIPHER_AES_GCM16] = { 8, 4, 4, 16 },	/* RFC 4106 */
	[GW_CIPHER_CHACHA20_POLY1305] = { 8, 4, 4, 16 },	/* RFC 7634 */
	[GW_CIPHER_3DES_CBC] = { 8, 8, 0, 0 },		/* RFC 2451 */
	[GW_CIPHER_DES_CBC] = { 8, 8, 0, 0 },		/* RFC 2405 */
};

int
gw_cipher_parse(const char *name, enum gw_cipher *cipher, unsigned int *key_len)
{
	unsigned int i;

	if (name == NULL)
		return -EINVAL;
	for (i = 0; i < sizeof(cipher_names) / sizeof(cipher_names[0]); i++) {
		if (strcmp(name, cipher_names[i].name) != 0)
			continue;
		if (cipher != NULL)
			*cipher = cipher_names[i].cipher;
		if (key_len != NULL)
			*key_len = cipher_names[i].key_len;
		return 0;
	}
	return -EINVAL;
}

const char *
gw_cipher_name(enum gw_cipher cipher, unsigned int key_len)
{
	unsigned int i;

	for (i = 0; i < sizeof(cipher_names) / sizeof(cipher_names[0]); i++) {
		if (cipher_names[i].cipher != cipher)
			continue;
		/* NULL has one name whatever the key length says. */
		if (cipher == GW_CIPHER_NULL || cipher_names[i].key_len == key_len)
			return cipher_names[i].name;
	}
	return NULL;
}

int
gw_auth_parse(const char *name, enum gw_auth *auth, unsigned int *key_len)
{
	unsigned int i;

	if (name == NULL)
		return -EINVAL;
	for (i = 0; i < GW_AUTH_MAX; i++) {
		if (strcmp(name, auth_names[i].name) != 0)
			continue;
		if (auth != NULL)
			*auth = (enum gw_auth)i;
		if (key_len != NULL)
			*key_len = auth_names[i].key_len;
		return 0;
	}
	return -EINVAL;
}

const char *
gw_auth_name(enum gw_auth auth)
{
	if ((unsigned int)auth >= GW_AUTH_MAX)
		return NULL;
	return auth_names[auth].name;
}

unsigned int
gw_auth_key_len(enum gw_auth auth)
{
	if ((unsigned int)auth >= GW_AUTH_MAX)
		return 0;
	return auth_names[auth].key_len;
}

unsigned int
gw_cipher_iv_len(enum gw_cipher cipher)
{
	return (unsigned int)cipher < GW_CIPHER_MAX ? cipher_sizes[cipher].iv_len : 0;
}

unsigned int
gw_cipher_block_len(enum gw_cipher cipher)
{
	return (unsigned int)cipher < GW_CIPHER_MAX ? cipher_sizes[cipher].block_len : 4;
}

unsigned int
gw_cipher_salt_len(enum gw_cipher cipher)
{
	return (unsigned int)cipher < GW_CIPHER_MAX ? cipher_sizes[cipher].salt_len : 0;
}

bool
gw_cipher_is_aead(enum gw_cipher cipher)
{
	return gw_cipher_salt_len(cipher) != 0;
}

unsigned int
gw_icv_len(enum gw_cipher cipher, enum gw_auth auth)
{
	if ((unsigned int)cipher >= GW_CIPHER_MAX || (unsigned int)auth >= GW_AUTH_MAX)
		return 0;
	if (gw_cipher_is_aead(cipher))
		return cipher_sizes[cipher].icv_len;
	return auth_names[auth].icv_len;
}

bool
gw_crypto_params_valid(const struct gw_crypto_params *p)
{
	if (p == NULL || (unsigned int)p->cipher >= GW_CIPHER_MAX ||
	    (unsigned int)p->auth >= GW_AUTH_MAX)
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
	return p->auth_key_len == auth_names[p->auth].key_len;
}

bool
gw_crypto_combo_valid(enum gw_cipher cipher, unsigned int key_len, enum gw_auth auth)
{
	struct gw_crypto_params p = {
		.cipher = cipher,
		.auth = auth,
		.cipher_key_len = key_len,
		.auth_key_len = gw_auth_key_len(auth),
	};

	return gw_crypto_params_valid(&p);
}

const struct gw_crypto_engine *
gw_crypto_engine_get(const char *name)
{
	if (name == NULL || strcmp(name, "ipsecmb") == 0)
		return &gw_crypto_engine_ipsecmb;
	if (strcmp(name, "openssl") == 0)
		return &gw_crypto_engine_openssl;
	return NULL;
}

static const char *const arch_names[GW_CRYPTO_ARCH_MAX] = {
	[GW_CRYPTO_ARCH_AUTO] = "auto",
	[GW_CRYPTO_ARCH_AVX512] = "avx512",
	[GW_CRYPTO_ARCH_AVX2] = "avx2",
	[GW_CRYPTO_ARCH_AVX] = "avx",
	[GW_CRYPTO_ARCH_SSE] = "sse",
};

const char *
gw_crypto_arch_name(enum gw_crypto_arch arch)
{
	return (unsigned int)arch < GW_CRYPTO_ARCH_MAX ? arch_names[arch] : NULL;
}

int
gw_crypto_arch_parse(const char *name, enum gw_crypto_arch *arch)
{
	for (unsigned int a = 0; name != NULL && a < GW_CRYPTO_ARCH_MAX; a++)
		if (strcmp(name, arch_names[a]) == 0) {
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
