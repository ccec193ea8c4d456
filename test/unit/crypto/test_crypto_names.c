/* SPDX-License-Identifier: BSD-3-Clause */
/* Algorithm names and ESP wire sizes (drivers/crypto/crypto_names.c). */
#include <errno.h>

#include "gw_test.h"
#include "gw_crypto.h"

static void
test_cipher_names(void)
{
	static const struct {
		const char *name;
		enum gw_cipher c;
		unsigned int key_len, iv, block, salt, icv;
	} t[] = {
		{ "null", GW_CIPHER_NULL, 0, 0, 4, 0, 12 },
		{ "aes-128-cbc", GW_CIPHER_AES_CBC, 16, 16, 16, 0, 12 },
		{ "aes-192-cbc", GW_CIPHER_AES_CBC, 24, 16, 16, 0, 12 },
		{ "aes-256-cbc", GW_CIPHER_AES_CBC, 32, 16, 16, 0, 12 },
		{ "aes-128-gcm", GW_CIPHER_AES_GCM16, 20, 8, 4, 4, 16 },
		{ "aes-256-gcm", GW_CIPHER_AES_GCM16, 36, 8, 4, 4, 16 },
		{ "chacha20-poly1305", GW_CIPHER_CHACHA20_POLY1305, 36, 8, 4, 4, 16 },
		{ "3des-cbc", GW_CIPHER_3DES_CBC, 24, 8, 8, 0, 12 },
		{ "des-cbc", GW_CIPHER_DES_CBC, 8, 8, 8, 0, 12 },
	};
	enum gw_cipher c;
	unsigned int i, k;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		CHECK_EQ(gw_cipher_parse(t[i].name, &c, &k), 0);
		CHECK_EQ(c, t[i].c);
		CHECK_EQ(k, t[i].key_len);
		CHECK(strcmp(gw_cipher_name(c, k), t[i].name) == 0);
		CHECK_EQ(gw_cipher_iv_len(c), t[i].iv);
		CHECK_EQ(gw_cipher_block_len(c), t[i].block);
		CHECK_EQ(gw_cipher_salt_len(c), t[i].salt);
		CHECK_EQ(gw_cipher_is_aead(c), t[i].salt != 0);
		/* AEAD ICV from the cipher; others here with hmac-sha1-96. */
		CHECK_EQ(gw_icv_len(c, t[i].salt ? GW_AUTH_NONE : GW_AUTH_HMAC_SHA1_96),
			 t[i].icv);
	}
	CHECK_EQ(gw_cipher_parse("aes-512-cbc", &c, &k), -EINVAL);
	CHECK_EQ(gw_cipher_parse("AES-128-CBC", &c, &k), -EINVAL);
	CHECK_EQ(gw_cipher_parse(NULL, &c, &k), -EINVAL);
	CHECK(gw_cipher_name(GW_CIPHER_AES_CBC, 20) == NULL);
	CHECK(gw_cipher_name(GW_CIPHER_MAX, 16) == NULL);
	/* the configuration's choices: every row, in table order */
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(gw_cipher_names[i] != NULL && strcmp(gw_cipher_names[i], t[i].name) == 0);
	CHECK(gw_cipher_names[i] == NULL);
}

static void
test_auth_names(void)
{
	static const struct {
		const char *name;
		enum gw_auth a;
		unsigned int key_len, icv;
	} t[] = {
		{ "none", GW_AUTH_NONE, 0, 0 },
		{ "hmac-md5-96", GW_AUTH_HMAC_MD5_96, 16, 12 },
		{ "hmac-sha1-96", GW_AUTH_HMAC_SHA1_96, 20, 12 },
		{ "hmac-sha-256-128", GW_AUTH_HMAC_SHA256_128, 32, 16 },
		{ "hmac-sha-384-192", GW_AUTH_HMAC_SHA384_192, 48, 24 },
		{ "hmac-sha-512-256", GW_AUTH_HMAC_SHA512_256, 64, 32 },
	};
	enum gw_auth a;
	unsigned int i, k;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		CHECK_EQ(gw_auth_parse(t[i].name, &a, &k), 0);
		CHECK_EQ(a, t[i].a);
		CHECK_EQ(k, t[i].key_len);
		CHECK_EQ(gw_auth_key_len(a), t[i].key_len);
		CHECK(strcmp(gw_auth_name(a), t[i].name) == 0);
		CHECK_EQ(gw_icv_len(GW_CIPHER_AES_CBC, a), t[i].icv);
	}
	CHECK_EQ(gw_auth_parse("hmac-sha256", &a, &k), -EINVAL);
	CHECK(gw_auth_name(GW_AUTH_MAX) == NULL);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(gw_auth_names[i] != NULL && strcmp(gw_auth_names[i], t[i].name) == 0);
	CHECK(gw_auth_names[i] == NULL);
}

static void
test_engines(void)
{
	CHECK(gw_crypto_engine_get("ipsecmb") != NULL);
	CHECK(gw_crypto_engine_get("openssl") != NULL);
	CHECK(gw_crypto_engine_get(NULL) == gw_crypto_engine_get("ipsecmb"));
	CHECK(gw_crypto_engine_get("aesni_mb") == NULL);
	CHECK(strcmp(gw_crypto_engine_get("openssl")->name, "openssl") == 0);
	for (unsigned int e = 0; e < GW_CRYPTO_ENGINE_MAX; e++)
		CHECK(strcmp(gw_crypto_engine_get(gw_crypto_engine_names[e])->name,
			     gw_crypto_engine_names[e]) == 0);
	CHECK(gw_crypto_engine_names[GW_CRYPTO_ENGINE_MAX] == NULL);
	for (unsigned int a = 0; a < GW_CRYPTO_ARCH_MAX; a++)
		CHECK(strcmp(gw_crypto_arch_names[a], gw_crypto_arch_name(a)) == 0);
	CHECK(gw_crypto_arch_names[GW_CRYPTO_ARCH_MAX] == NULL);
}

/* The table's engine columns and the ESP rules behind gw_crypto_alg_supported(). */
static void
test_alg_supported(void)
{
	for (unsigned int e = 0; e < GW_CRYPTO_ENGINE_MAX; e++) {
		CHECK(gw_crypto_alg_supported(e, GW_CIPHER_AES_GCM16, 20, GW_AUTH_NONE));
		CHECK(gw_crypto_alg_supported(e, GW_CIPHER_AES_CBC, 16, GW_AUTH_HMAC_SHA1_96));
		CHECK(gw_crypto_alg_supported(e, GW_CIPHER_NULL, 0, GW_AUTH_HMAC_SHA256_128));
		/* AEAD with an HMAC, CBC without one, NULL+none, a wrong key length */
		CHECK(!gw_crypto_alg_supported(e, GW_CIPHER_AES_GCM16, 20, GW_AUTH_HMAC_SHA1_96));
		CHECK(!gw_crypto_alg_supported(e, GW_CIPHER_AES_CBC, 16, GW_AUTH_NONE));
		CHECK(!gw_crypto_alg_supported(e, GW_CIPHER_NULL, 0, GW_AUTH_NONE));
		CHECK(!gw_crypto_alg_supported(e, GW_CIPHER_AES_CBC, 20, GW_AUTH_HMAC_SHA1_96));
		CHECK(!gw_crypto_alg_supported(e, GW_CIPHER_MAX, 16, GW_AUTH_HMAC_SHA1_96));
	}
	CHECK(!gw_crypto_alg_supported(GW_CRYPTO_ENGINE_MAX, GW_CIPHER_AES_GCM16, 20,
				       GW_AUTH_NONE));
}

int
main(void)
{
	GW_RUN(test_cipher_names);
	GW_RUN(test_auth_names);
	GW_RUN(test_engines);
	GW_RUN(test_alg_supported);
	return gw_test_result();
}
