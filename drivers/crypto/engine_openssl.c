/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "openssl" engine: OpenSSL 3 EVP, the fallback and the reference the
 * ipsecmb engine is cross-checked against. A session keys one template
 * EVP_CIPHER_CTX and one HMAC EVP_MAC_CTX once; each thread that processes
 * the session gets its own copy of both on first use (a slot per thread,
 * so a group SA can run on every worker without locks), and per op only
 * the IV is set and the HMAC restarted from the stored key.
 *
 * Single DES lives in OpenSSL 3's "legacy" provider: probe loads it next to
 * "default"; without it supports() says no for des-cbc.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include <gw_log.h>

#include "crypto_private.h"

#define OSSL_SLOTS 128		/* threads that may process one session */

struct ossl_slot {
	EVP_CIPHER_CTX *c;
	EVP_MAC_CTX *m;
};

struct ossl_session {
	struct gw_crypto_session base;
	EVP_CIPHER_CTX *tmpl_c;		/* NULL for the NULL cipher */
	EVP_MAC_CTX *tmpl_m;		/* NULL for AEAD */
	bool encrypt;
	bool aead;
	unsigned int icv_len;
	unsigned int block_len;
	uint8_t salt[4];
	struct ossl_slot *slot[OSSL_SLOTS];
};

static pthread_once_t ossl_once = PTHREAD_ONCE_INIT;
static bool ossl_ok;
static bool ossl_legacy;
static EVP_MAC *hmac_alg;
static OSSL_PROVIDER *prov_default, *prov_legacy;
static atomic_uint ossl_next_slot;
static __thread int ossl_tls_slot = -1;

static void ossl_fini(void);

static void
ossl_init(void)
{
	prov_default = OSSL_PROVIDER_load(NULL, "default");
	if (prov_default == NULL) {
		GW_LOG(crypto, ERR, "OpenSSL default provider cannot be loaded");
		return;
	}
	prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");
	ossl_legacy = prov_legacy != NULL;
	if (!ossl_legacy) {
		ERR_clear_error();
		GW_LOG(crypto, WARNING, "OpenSSL legacy provider unavailable: no des-cbc");
	}
	hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
	ossl_ok = hmac_alg != NULL;
	atexit(ossl_fini);
}

/*
 * At exit: give back what the engine took, so leak checkers see only real
 * leaks. Registered with atexit() after OpenSSL registered its own clean-up,
 * so it runs first (LIFO).
 */
static void
ossl_fini(void)
{
	EVP_MAC_free(hmac_alg);
	hmac_alg = NULL;
	if (prov_legacy != NULL)
		OSSL_PROVIDER_unload(prov_legacy);
	if (prov_default != NULL)
		OSSL_PROVIDER_unload(prov_default);
	prov_legacy = prov_default = NULL;
}

static int
ossl_probe(void)
{
	pthread_once(&ossl_once, ossl_init);
	return ossl_ok ? 0 : -ENOTSUP;
}

static int
ossl_thread_slot(void)
{
	if (ossl_tls_slot < 0) {
		unsigned int n = atomic_fetch_add(&ossl_next_slot, 1);

		if (n >= OSSL_SLOTS) {
			GW_LOG(crypto, ERR, "openssl engine: more than %d threads", OSSL_SLOTS);
			return -1;
		}
		ossl_tls_slot = (int)n;
	}
	return ossl_tls_slot;
}

static int
ossl_lcore_init(unsigned int lcore_id)
{
	(void)lcore_id;
	if (ossl_probe() != 0)
		return -ENOTSUP;
	return ossl_thread_slot() >= 0 ? 0 : -ENOSPC;
}

static const char *
ossl_cipher_name(enum gw_cipher cipher, unsigned int key_len)
{
	switch (cipher) {
	case GW_CIPHER_AES_CBC:
		return key_len == 16 ? "AES-128-CBC" : key_len == 24 ? "AES-192-CBC" :
		       "AES-256-CBC";
	case GW_CIPHER_AES_GCM16:
		return key_len == 16 + 4 ? "AES-128-GCM" : "AES-256-GCM";
	case GW_CIPHER_CHACHA20_POLY1305:
		return "ChaCha20-Poly1305";
	case GW_CIPHER_3DES_CBC:
		return "DES-EDE3-CBC";
	case GW_CIPHER_DES_CBC:
		return "DES-CBC";
	default:
		return NULL;
	}
}

static const char *
ossl_digest_name(enum gw_auth auth)
{
	static const char *const names[GW_AUTH_MAX] = {
		[GW_AUTH_HMAC_MD5_96] = "MD5",
		[GW_AUTH_HMAC_SHA1_96] = "SHA1",
		[GW_AUTH_HMAC_SHA256_128] = "SHA256",
		[GW_AUTH_HMAC_SHA384_192] = "SHA384",
		[GW_AUTH_HMAC_SHA512_256] = "SHA512",
	};

	return (unsigned int)auth < GW_AUTH_MAX ? names[auth] : NULL;
}

static bool
ossl_supports(enum gw_cipher cipher, unsigned int key_len, enum gw_auth auth)
{
	if (ossl_probe() != 0 ||
	    !gw_crypto_alg_supported(GW_CRYPTO_OPENSSL, cipher, key_len, auth))
		return false;
	return cipher != GW_CIPHER_DES_CBC || ossl_legacy;
}

static void
ossl_session_destroy(struct gw_crypto_session *base)
{
	struct ossl_session *s = (struct ossl_session *)base;
	unsigned int i;

	if (s == NULL)
		return;
	for (i = 0; i < OSSL_SLOTS; i++) {
		if (s->slot[i] == NULL)
			continue;
		EVP_CIPHER_CTX_free(s->slot[i]->c);	/* cleanses the key schedule */
		EVP_MAC_CTX_free(s->slot[i]->m);
		free(s->slot[i]);
	}
	EVP_CIPHER_CTX_free(s->tmpl_c);
	EVP_MAC_CTX_free(s->tmpl_m);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

static int
ossl_cipher_setup(struct ossl_session *s, const struct gw_crypto_params *p)
{
	unsigned int klen = p->cipher_key_len - gw_cipher_salt_len(p->cipher);
	EVP_CIPHER *c;
	int ok;

	if (p->cipher == GW_CIPHER_NULL)
		return 0;
	c = EVP_CIPHER_fetch(NULL, ossl_cipher_name(p->cipher, p->cipher_key_len), NULL);
	if (c == NULL)
		return -ENOTSUP;
	s->tmpl_c = EVP_CIPHER_CTX_new();
	ok = s->tmpl_c != NULL &&
	     EVP_CipherInit_ex2(s->tmpl_c, c, p->cipher_key, NULL, p->encrypt, NULL) == 1 &&
	     EVP_CIPHER_CTX_set_padding(s->tmpl_c, 0) == 1;
	EVP_CIPHER_free(c);
	if (!ok)
		return -EINVAL;
	if (s->aead)
		memcpy(s->salt, p->cipher_key + klen, 4);
	return 0;
}

static int
ossl_hmac_setup(struct ossl_session *s, const struct gw_crypto_params *p)
{
	OSSL_PARAM params[2];

	if (s->aead)
		return 0;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)ossl_digest_name(p->auth), 0);
	params[1] = OSSL_PARAM_construct_end();
	s->tmpl_m = EVP_MAC_CTX_new(hmac_alg);
	if (s->tmpl_m == NULL ||
	    EVP_MAC_init(s->tmpl_m, p->auth_key, p->auth_key_len, params) != 1)
		return -EINVAL;
	return 0;
}

static struct gw_crypto_session *
ossl_session_create(const struct gw_crypto_params *p)
{
	struct ossl_session *s;
	int rc;

	if (ossl_probe() != 0) {
		errno = ENOTSUP;
		return NULL;
	}
	if (!ossl_supports(p->cipher, p->cipher_key_len, p->auth) ||
	    !gw_crypto_params_valid(p)) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	s->base.engine = &gw_crypto_engine_openssl;
	s->encrypt = p->encrypt;
	s->aead = gw_cipher_is_aead(p->cipher);
	s->icv_len = gw_icv_len(p->cipher, p->auth);
	s->block_len = s->aead || p->cipher == GW_CIPHER_NULL ? 1 : gw_cipher_iv_len(p->cipher);
	rc = ossl_cipher_setup(s, p);
	if (rc == 0)
		rc = ossl_hmac_setup(s, p);
	if (rc != 0) {
		ERR_clear_error();
		ossl_session_destroy(&s->base);
		errno = -rc;
		return NULL;
	}
	return &s->base;
}

/* The calling thread's contexts for this session, made on first use. */
static struct ossl_slot *
ossl_get_slot(struct ossl_session *s)
{
	struct ossl_slot *sl;
	int i = ossl_thread_slot();

	if (i < 0)
		return NULL;
	if (s->slot[i] != NULL)
		return s->slot[i];
	sl = calloc(1, sizeof(*sl));
	if (sl == NULL)
		return NULL;
	if (s->tmpl_c != NULL) {
		sl->c = EVP_CIPHER_CTX_new();
		if (sl->c == NULL || EVP_CIPHER_CTX_copy(sl->c, s->tmpl_c) != 1)
			goto fail;
	}
	if (s->tmpl_m != NULL) {
		sl->m = EVP_MAC_CTX_dup(s->tmpl_m);
		if (sl->m == NULL)
			goto fail;
	}
	s->slot[i] = sl;
	return sl;
fail:
	EVP_CIPHER_CTX_free(sl->c);
	free(sl);
	ERR_clear_error();
	return NULL;
}

/* RFC 4106 / RFC 7634: nonce = salt || IV, AAD = SPI || [ESN-hi ||] SEQ. */
static int
ossl_aead_op(const struct ossl_session *s, EVP_CIPHER_CTX *c, struct gw_crypto_op *op)
{
	uint8_t nonce[12], tag[16];
	uint8_t *p = op->buf + op->cipher_start;
	int outl;

	memcpy(nonce, s->salt, 4);
	memcpy(nonce + 4, op->iv, 8);
	if (EVP_CipherInit_ex(c, NULL, NULL, NULL, nonce, -1) != 1 ||
	    EVP_CipherUpdate(c, NULL, &outl, op->aad, (int)op->aad_len) != 1)
		return -EINVAL;
	if (!s->encrypt) {
		memcpy(tag, op->icv, sizeof(tag));
		if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, tag) != 1)
			return -EINVAL;
	}
	if (EVP_CipherUpdate(c, p, &outl, p, (int)op->cipher_len) != 1)
		return -EINVAL;
	if (EVP_CipherFinal_ex(c, p + outl, &outl) != 1)
		return s->encrypt ? -EINVAL : -EBADMSG;	/* tag checked in constant time */
	if (s->encrypt && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, op->icv) != 1)
		return -EINVAL;
	return 0;
}

/* Truncated HMAC over the authenticated region, then the ESN high bits. */
static int
ossl_mac_icv(EVP_MAC_CTX *m, const struct gw_crypto_op *op, uint8_t *mac)
{
	size_t outl;

	if (EVP_MAC_init(m, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(m, op->buf + op->auth_start, op->auth_len) != 1 ||
	    (op->has_esn && EVP_MAC_update(m, (const uint8_t *)&op->esn_hi, 4) != 1) ||
	    EVP_MAC_final(m, mac, &outl, EVP_MAX_MD_SIZE) != 1)
		return -EINVAL;
	return 0;
}

static int
ossl_cbc(EVP_CIPHER_CTX *c, struct gw_crypto_op *op)
{
	uint8_t *p = op->buf + op->cipher_start;
	int outl;

	if (c == NULL)
		return 0;		/* RFC 2410 */
	if (EVP_CipherInit_ex(c, NULL, NULL, NULL, op->iv, -1) != 1 ||
	    EVP_CipherUpdate(c, p, &outl, p, (int)op->cipher_len) != 1)
		return -EINVAL;
	return 0;
}

static int
ossl_op(const struct ossl_session *s, struct ossl_slot *sl, struct gw_crypto_op *op)
{
	uint8_t mac[EVP_MAX_MD_SIZE];
	int rc;

	if (s->aead)
		return ossl_aead_op(s, sl->c, op);
	/* CBC: whole blocks, at least one (an ESP trailer is never empty). */
	if (op->cipher_len % s->block_len != 0 || (s->block_len > 1 && op->cipher_len == 0))
		return -EINVAL;
	if (s->encrypt) {
		rc = ossl_cbc(sl->c, op);
		if (rc == 0)
			rc = ossl_mac_icv(sl->m, op, mac);
		if (rc == 0)
			memcpy(op->icv, mac, s->icv_len);
		return rc;
	}
	/* Verify first: a forged packet is never decrypted. */
	rc = ossl_mac_icv(sl->m, op, mac);
	if (rc != 0)
		return rc;
	if (CRYPTO_memcmp(mac, op->icv, s->icv_len) != 0)
		return -EBADMSG;
	return ossl_cbc(sl->c, op);
}

static unsigned int
ossl_process(struct gw_crypto_session *base, struct gw_crypto_op *ops, unsigned int n)
{
	struct ossl_session *s = (struct ossl_session *)base;
	struct ossl_slot *sl = NULL;
	unsigned int i, good = 0;

	if (s != NULL && s->base.engine == &gw_crypto_engine_openssl)
		sl = ossl_get_slot(s);
	for (i = 0; i < n; i++) {
		ops[i].status = sl != NULL ? ossl_op(s, sl, &ops[i]) : -EINVAL;
		good += ops[i].status == 0;
	}
	if (good != n)
		ERR_clear_error();
	return good;
}

const struct gw_crypto_engine gw_crypto_engine_openssl = {
	.name = "openssl",
	.probe = ossl_probe,
	.lcore_init = ossl_lcore_init,
	.supports = ossl_supports,
	.session_create = ossl_session_create,
	.session_destroy = ossl_session_destroy,
	.process = ossl_process,
};
