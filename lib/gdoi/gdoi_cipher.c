/* SPDX-License-Identifier: BSD-3-Clause */
/* CBC encryption of ISAKMP message bodies (RFC 2409 App. B) and cipher numbers. */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "gdoi_crypto.h"
#include "gdoi_crypto_priv.h"

/* IKE ENCRYPTION attribute values (RFC 2409 App. A; AES-CBC 7, RFC 3602). */
#define IKE_ENC_DES_CBC 1
#define IKE_ENC_3DES_CBC 5
#define IKE_ENC_AES_CBC 7
/* SA KEK KEK_ALGORITHM values (RFC 6407 5.3). */
#define KEK_ALG_DES 1
#define KEK_ALG_3DES 2
#define KEK_ALG_AES 3

#define ISAKMP_FLAG_ENC 0x01
#define ISAKMP_FLAGS_OFF 19
#define ISAKMP_LENGTH_OFF 24

size_t
gdoi_cipher_key_len(enum gdoi_cipher c)
{
	switch (c) {
	case GDOI_CIPHER_DES_CBC:
		return 8;
	case GDOI_CIPHER_3DES_CBC:
		return 24;
	case GDOI_CIPHER_AES128_CBC:
		return 16;
	case GDOI_CIPHER_AES192_CBC:
		return 24;
	case GDOI_CIPHER_AES256_CBC:
		return 32;
	}
	return 0;
}

size_t
gdoi_cipher_block_len(enum gdoi_cipher c)
{
	switch (c) {
	case GDOI_CIPHER_DES_CBC:
	case GDOI_CIPHER_3DES_CBC:
		return 8;
	case GDOI_CIPHER_AES128_CBC:
	case GDOI_CIPHER_AES192_CBC:
	case GDOI_CIPHER_AES256_CBC:
		return 16;
	}
	return 0;
}

const char *
gdoi_cipher_name(enum gdoi_cipher c)
{
	switch (c) {
	case GDOI_CIPHER_DES_CBC:
		return "DES-CBC";
	case GDOI_CIPHER_3DES_CBC:
		return "DES-EDE3-CBC";
	case GDOI_CIPHER_AES128_CBC:
		return "AES-128-CBC";
	case GDOI_CIPHER_AES192_CBC:
		return "AES-192-CBC";
	case GDOI_CIPHER_AES256_CBC:
		return "AES-256-CBC";
	}
	return NULL;
}

static int
aes_by_bits(uint16_t key_bits, enum gdoi_cipher *c)
{
	switch (key_bits) {
	case 128:
		*c = GDOI_CIPHER_AES128_CBC;
		return 0;
	case 192:
		*c = GDOI_CIPHER_AES192_CBC;
		return 0;
	case 256:
		*c = GDOI_CIPHER_AES256_CBC;
		return 0;
	}
	return -ENOTSUP;
}

int
gdoi_cipher_from_ike(uint16_t ike_enc, uint16_t key_bits, enum gdoi_cipher *c)
{
	switch (ike_enc) {
	case IKE_ENC_DES_CBC:
		*c = GDOI_CIPHER_DES_CBC;
		return key_bits == 0 || key_bits == 64 ? 0 : -ENOTSUP;
	case IKE_ENC_3DES_CBC:
		*c = GDOI_CIPHER_3DES_CBC;
		return key_bits == 0 || key_bits == 192 ? 0 : -ENOTSUP;
	case IKE_ENC_AES_CBC:
		/* RFC 3602 5: KEY_LENGTH is required for AES. */
		return aes_by_bits(key_bits, c);
	}
	return -ENOTSUP;
}

int
gdoi_cipher_from_kek(uint16_t kek_alg, uint16_t key_bits, enum gdoi_cipher *c)
{
	switch (kek_alg) {
	case KEK_ALG_DES:
		*c = GDOI_CIPHER_DES_CBC;
		return key_bits == 0 || key_bits == 64 ? 0 : -ENOTSUP;
	case KEK_ALG_3DES:
		*c = GDOI_CIPHER_3DES_CBC;
		return key_bits == 0 || key_bits == 192 ? 0 : -ENOTSUP;
	case KEK_ALG_AES:
		/* The GDOI reference sends KEK_KEY_LENGTH with AES; 128 when absent. */
		return aes_by_bits(key_bits ? key_bits : 128, c);
	}
	return -ENOTSUP;
}

/* Single DES lives in OpenSSL 3's legacy provider: load it, with the default
 * provider, into a library context of our own rather than the process default. */
static OSSL_LIB_CTX *legacy_ctx;
static pthread_once_t legacy_once = PTHREAD_ONCE_INIT;

static void
legacy_init(void)
{
	OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();

	if (ctx == NULL)
		return;
	if (OSSL_PROVIDER_load(ctx, "default") == NULL ||
	    OSSL_PROVIDER_load(ctx, "legacy") == NULL) {
		OSSL_LIB_CTX_free(ctx);
		return;
	}
	legacy_ctx = ctx;
}

EVP_CIPHER *
gdoi_evp_cipher(enum gdoi_cipher c)
{
	const char *name = gdoi_cipher_name(c);

	if (name == NULL)
		return NULL;
	if (c != GDOI_CIPHER_DES_CBC)
		return EVP_CIPHER_fetch(NULL, name, NULL);
	pthread_once(&legacy_once, legacy_init);
	return legacy_ctx ? EVP_CIPHER_fetch(legacy_ctx, name, NULL) : NULL;
}

static int
cbc(enum gdoi_cipher c, const uint8_t *key, uint8_t *iv, uint8_t *buf, size_t len, int enc)
{
	size_t bl = gdoi_cipher_block_len(c);
	uint8_t next_iv[GDOI_CIPHER_BLOCK_MAX];
	EVP_CIPHER_CTX *ctx;
	EVP_CIPHER *cipher;
	int out_len, ok;

	if (bl == 0)
		return -EINVAL;
	if (len == 0 || len % bl != 0 || len > INT32_MAX)
		return -EBADMSG;
	cipher = gdoi_evp_cipher(c);
	if (cipher == NULL)
		return -ENOTSUP;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL) {
		EVP_CIPHER_free(cipher);
		return -ENOMEM;
	}
	/* Decrypting in place destroys the last ciphertext block: keep it first. */
	if (!enc)
		memcpy(next_iv, buf + len - bl, bl);
	ok = EVP_CipherInit_ex2(ctx, cipher, key, iv, enc, NULL) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_CipherUpdate(ctx, buf, &out_len, buf, (int)len) &&
	     (size_t)out_len == len;
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(cipher);
	if (!ok)
		return -EIO;
	memcpy(iv, enc ? buf + len - bl : next_iv, bl);
	return 0;
}

int
gdoi_cbc_encrypt(enum gdoi_cipher c, const uint8_t *key, uint8_t *iv, uint8_t *buf, size_t len)
{
	return cbc(c, key, iv, buf, len, 1);
}

int
gdoi_cbc_decrypt(enum gdoi_cipher c, const uint8_t *key, uint8_t *iv, uint8_t *buf, size_t len)
{
	return cbc(c, key, iv, buf, len, 0);
}

int
gdoi_msg_encrypt(enum gdoi_cipher c, const uint8_t *key, uint8_t *iv,
		 uint8_t *msg, size_t len, size_t cap, size_t *out_len)
{
	size_t bl = gdoi_cipher_block_len(c);
	size_t body, padded;
	int ret;

	if (bl == 0)
		return -EINVAL;
	if (len <= GDOI_HDR_LEN)
		return -EINVAL;
	body = len - GDOI_HDR_LEN;
	padded = (body + bl - 1) / bl * bl;
	if (GDOI_HDR_LEN + padded > cap)
		return -ENOSPC;
	if (GDOI_HDR_LEN + padded > UINT32_MAX)
		return -EMSGSIZE;
	/* RFC 2409 App. B: pad with 0x00 to the block; Length includes the pad. */
	memset(msg + len, 0, padded - body);
	ret = gdoi_cbc_encrypt(c, key, iv, msg + GDOI_HDR_LEN, padded);
	if (ret < 0)
		return ret;
	msg[ISAKMP_FLAGS_OFF] |= ISAKMP_FLAG_ENC;
	*out_len = GDOI_HDR_LEN + padded;
	msg[ISAKMP_LENGTH_OFF] = (uint8_t)(*out_len >> 24);
	msg[ISAKMP_LENGTH_OFF + 1] = (uint8_t)(*out_len >> 16);
	msg[ISAKMP_LENGTH_OFF + 2] = (uint8_t)(*out_len >> 8);
	msg[ISAKMP_LENGTH_OFF + 3] = (uint8_t)*out_len;
	return 0;
}

int
gdoi_msg_decrypt(enum gdoi_cipher c, const uint8_t *key, uint8_t *iv, uint8_t *msg, size_t len)
{
	if (gdoi_cipher_block_len(c) == 0)
		return -EINVAL;
	if (len <= GDOI_HDR_LEN)
		return -EBADMSG;
	return gdoi_cbc_decrypt(c, key, iv, msg + GDOI_HDR_LEN, len - GDOI_HDR_LEN);
}
