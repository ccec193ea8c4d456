/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Algorithm names of the configuration. drivers/crypto has its own
 * gw_cipher_parse()/gw_auth_parse() with the same names, but it is built after
 * lib/conf, so the loader keeps this small table.
 */

#include <assert.h>
#include <errno.h>
#include <string.h>

#include "conf_priv.h"

/* ENUM choices of the schema; the tables below are indexed the same way. */
const char *const conf_cipher_names[] = {
	"null", "aes-128-cbc", "aes-192-cbc", "aes-256-cbc", "aes-128-gcm", "aes-256-gcm",
	"chacha20-poly1305", "3des-cbc", "des-cbc", NULL
};
const char *const conf_auth_names[] = {
	"none", "hmac-md5-96", "hmac-sha1-96", "hmac-sha-256-128", "hmac-sha-384-192",
	"hmac-sha-512-256", NULL
};

static const struct {
	enum gw_cipher cipher;
	unsigned int key_len;	/* incl. the 4-byte salt of GCM / ChaCha20-Poly1305 */
} ciphers[] = {
	{ GW_CIPHER_NULL, 0 },
	{ GW_CIPHER_AES_CBC, 16 },
	{ GW_CIPHER_AES_CBC, 24 },
	{ GW_CIPHER_AES_CBC, 32 },
	{ GW_CIPHER_AES_GCM16, 16 + 4 },
	{ GW_CIPHER_AES_GCM16, 32 + 4 },
	{ GW_CIPHER_CHACHA20_POLY1305, 32 + 4 },
	{ GW_CIPHER_3DES_CBC, 24 },
	{ GW_CIPHER_DES_CBC, 8 },
};

static const struct {
	enum gw_auth auth;
	unsigned int key_len;
} auths[] = {
	{ GW_AUTH_NONE, 0 },
	{ GW_AUTH_HMAC_MD5_96, 16 },
	{ GW_AUTH_HMAC_SHA1_96, 20 },
	{ GW_AUTH_HMAC_SHA256_128, 32 },
	{ GW_AUTH_HMAC_SHA384_192, 48 },
	{ GW_AUTH_HMAC_SHA512_256, 64 },
};

static_assert(RTE_DIM(ciphers) + 1 == RTE_DIM(conf_cipher_names), "cipher tables");
static_assert(RTE_DIM(auths) + 1 == RTE_DIM(conf_auth_names), "auth tables");

int
conf_cipher_parse(const char *name, enum gw_cipher *cipher, unsigned int *key_len)
{
	for (size_t i = 0; i < RTE_DIM(ciphers); i++) {
		if (strcmp(name, conf_cipher_names[i]) == 0) {
			*cipher = ciphers[i].cipher;
			*key_len = ciphers[i].key_len;
			return 0;
		}
	}
	return -EINVAL;
}

int
conf_auth_parse(const char *name, enum gw_auth *auth, unsigned int *key_len)
{
	for (size_t i = 0; i < RTE_DIM(auths); i++) {
		if (strcmp(name, conf_auth_names[i]) == 0) {
			*auth = auths[i].auth;
			*key_len = auths[i].key_len;
			return 0;
		}
	}
	return -EINVAL;
}

bool
conf_cipher_is_aead(enum gw_cipher cipher)
{
	return cipher == GW_CIPHER_AES_GCM16 || cipher == GW_CIPHER_CHACHA20_POLY1305;
}

const char *
conf_cipher_name(enum gw_cipher cipher, unsigned int key_len)
{
	for (size_t i = 0; i < RTE_DIM(ciphers); i++)
		if (ciphers[i].cipher == cipher && ciphers[i].key_len == key_len)
			return conf_cipher_names[i];
	return NULL;
}

const char *
conf_auth_name(enum gw_auth auth)
{
	for (size_t i = 0; i < RTE_DIM(auths); i++)
		if (auths[i].auth == auth)
			return conf_auth_names[i];
	return NULL;
}
