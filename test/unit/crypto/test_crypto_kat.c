/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Known-answer tests (test/vectors/crypto_kat.h) on both engines, plus ICV
 * mismatch, ESN and burst behaviour on an ESP-shaped buffer.
 */
#include <errno.h>
#include <stdio.h>

#include "gw_test.h"
#include "gw_crypto.h"
#include "crypto_kat.h"
#include "crypto_test_util.h"

static const char *const engines[] = { "ipsecmb", "openssl" };

/* ICV of the last cipher-only vector per engine, compared across engines. */
static uint8_t kat_icv[2][sizeof(crypto_kats) / sizeof(crypto_kats[0])][GW_CRYPTO_MAX_ICV];

static void
kat_one(unsigned int ei, unsigned int vi)
{
	const struct gw_crypto_engine *e = gw_crypto_engine_get(engines[ei]);
	const struct crypto_kat *k = &crypto_kats[vi];
	struct gw_crypto_params p;
	uint8_t pt[256], ct[256], buf[256], iv[16], aad[32], icv[GW_CRYPTO_MAX_ICV];
	uint8_t want_icv[GW_CRYPTO_MAX_ICV];
	struct gw_crypto_op op;
	int n, ivl, aadl, icvl;

	CHECK_EQ(ct_params(&p, k->cipher, k->auth, k->key, k->auth_key, true), 0);
	if (!e->supports(p.cipher, p.cipher_key_len, p.auth)) {
		printf("  %s: %s not supported, skipped\n", e->name, k->name);
		return;
	}
	n = ct_hex(k->pt, pt, sizeof(pt));
	CHECK_EQ(ct_hex(k->ct, ct, sizeof(ct)), n);
	ivl = ct_hex(k->iv, iv, sizeof(iv));
	CHECK_EQ(ivl, (int)gw_cipher_iv_len(p.cipher));
	aadl = ct_hex(k->aad, aad, sizeof(aad));
	icvl = (int)gw_icv_len(p.cipher, p.auth);
	if (k->icv != NULL)
		CHECK_EQ(ct_hex(k->icv, want_icv, sizeof(want_icv)), icvl);

	/* Encrypt. */
	memcpy(buf, pt, n);
	memset(&op, 0, sizeof(op));
	op.buf = buf;
	op.cipher_len = n;
	op.auth_len = n;
	op.iv = iv;
	op.aad = aad;
	op.aad_len = aadl;
	op.icv = icv;
	CHECK_EQ(ct_run(e, &p, &op), 0);
	if (memcmp(buf, ct, n) != 0)
		fprintf(stderr, "  %s: %s ciphertext differs\n", e->name, k->name);
	CHECK_MEM(buf, ct, n);
	if (k->icv != NULL)
		CHECK_MEM(icv, want_icv, icvl);
	else
		memcpy(want_icv, icv, icvl);
	memcpy(kat_icv[ei][vi], icv, icvl);

	/* Decrypt. */
	p.encrypt = false;
	memcpy(icv, want_icv, icvl);
	op.status = 1;
	CHECK_EQ(ct_run(e, &p, &op), 0);
	CHECK_MEM(buf, pt, n);

	/* A flipped ICV bit is refused. */
	memcpy(buf, ct, n);
	icv[icvl - 1] ^= 0x01;
	CHECK_EQ(ct_run(e, &p, &op), -EBADMSG);
	/* So is a flipped ciphertext bit. */
	icv[icvl - 1] ^= 0x01;
	memcpy(buf, ct, n);
	buf[0] ^= 0x80;
	CHECK_EQ(ct_run(e, &p, &op), -EBADMSG);
}

static void
test_kat_ipsecmb(void)
{
	for (unsigned int i = 0; i < sizeof(crypto_kats) / sizeof(crypto_kats[0]); i++)
		kat_one(0, i);
}

static void
test_kat_openssl(void)
{
	for (unsigned int i = 0; i < sizeof(crypto_kats) / sizeof(crypto_kats[0]); i++)
		kat_one(1, i);
}

/* Cipher-only vectors: the HMAC over the ciphertext must agree. */
static void
test_kat_icv_engines_agree(void)
{
	for (unsigned int i = 0; i < sizeof(crypto_kats) / sizeof(crypto_kats[0]); i++)
		CHECK_MEM(kat_icv[0][i], kat_icv[1][i], GW_CRYPTO_MAX_ICV);
}

/*
 * ESP layout (RFC 4303): SPI|SEQ (8) | IV | payload | ICV. With ESN the ICV
 * covers the region followed by the high 32 bits (section 2.2.1), which are
 * not sent. Reference: a NULL-cipher op over region||esn_hi without ESN.
 */
static void
esn_one(const char *engine, const char *auth, const char *akey)
{
	const struct gw_crypto_engine *e = gw_crypto_engine_get(engine);
	struct gw_crypto_params p;
	uint8_t pkt[8 + 64 + GW_CRYPTO_MAX_ICV], ref[8 + 64 + 4 + GW_CRYPTO_MAX_ICV];
	uint8_t icv_plain[GW_CRYPTO_MAX_ICV];
	struct gw_crypto_op op;
	uint32_t esn_hi = __builtin_bswap32(0x00000001);
	unsigned int icvl;

	CHECK_EQ(ct_params(&p, "null", auth, "", akey, true), 0);
	icvl = gw_icv_len(p.cipher, p.auth);
	ct_random(pkt, 72);

	memset(&op, 0, sizeof(op));
	op.buf = pkt;
	op.cipher_start = 8;
	op.cipher_len = 64;
	op.auth_len = 72;
	op.icv = pkt + 72;
	CHECK_EQ(ct_run(e, &p, &op), 0);
	memcpy(icv_plain, pkt + 72, icvl);

	op.has_esn = true;
	op.esn_hi = esn_hi;
	CHECK_EQ(ct_run(e, &p, &op), 0);
	CHECK(memcmp(icv_plain, pkt + 72, icvl) != 0);

	memcpy(ref, pkt, 72);
	memcpy(ref + 72, &esn_hi, 4);
	memset(&op, 0, sizeof(op));
	op.buf = ref;
	op.auth_len = 76;
	op.icv = ref + 76;
	CHECK_EQ(ct_run(e, &p, &op), 0);
	CHECK_MEM(ref + 76, pkt + 72, icvl);

	/* Decrypt with ESN: verifies, leaves the received ICV in place. */
	p.encrypt = false;
	memset(&op, 0, sizeof(op));
	op.buf = pkt;
	op.cipher_start = 8;
	op.cipher_len = 64;
	op.auth_len = 72;
	op.icv = pkt + 72;
	op.has_esn = true;
	op.esn_hi = esn_hi;
	CHECK_EQ(ct_run(e, &p, &op), 0);
	CHECK_MEM(ref + 76, pkt + 72, icvl);
	/* Wrong high bits (a replayed packet from another ESN epoch): refused. */
	op.esn_hi = __builtin_bswap32(2);
	CHECK_EQ(ct_run(e, &p, &op), -EBADMSG);
	CHECK_MEM(ref + 76, pkt + 72, icvl);
}

static void
test_esn(void)
{
	for (unsigned int i = 0; i < 2; i++) {
		esn_one(engines[i], "hmac-sha1-96", KAT_SHA1_KEY);
		esn_one(engines[i], "hmac-sha-512-256",
			"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
			"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
	}
}

/* A burst larger than the engine's internal round, one forged op in it. */
static void
burst_one(const char *engine)
{
	const struct gw_crypto_engine *e = gw_crypto_engine_get(engine);
	struct gw_crypto_params p;
	struct gw_crypto_session *enc, *dec;
	static uint8_t pkts[100][8 + 8 + 64 + 16];
	struct gw_crypto_op ops[100];
	uint8_t iv[100][8];
	unsigned int i;

	CHECK_EQ(ct_params(&p, "aes-256-gcm", "none",
			   KAT_GCM_K KAT_GCM_K "cafebabe", NULL, true), 0);
	enc = e->session_create(&p);
	p.encrypt = false;
	dec = e->session_create(&p);
	CHECK(enc != NULL && dec != NULL);
	if (enc == NULL || dec == NULL)
		return;
	memset(ops, 0, sizeof(ops));
	for (i = 0; i < 100; i++) {
		ct_random(pkts[i], 80);
		ct_random(iv[i], 8);
		ops[i].buf = pkts[i];
		ops[i].aad = pkts[i];
		ops[i].aad_len = 8;
		ops[i].iv = iv[i];
		ops[i].cipher_start = 16;
		ops[i].cipher_len = 64 - (i % 13);
		ops[i].icv = pkts[i] + 80;
	}
	CHECK_EQ(e->process(enc, ops, 100), 100);
	pkts[57][20] ^= 1;
	CHECK_EQ(e->process(dec, ops, 100), 99);
	for (i = 0; i < 100; i++)
		CHECK_EQ(ops[i].status, i == 57 ? -EBADMSG : 0);
	e->session_destroy(enc);
	e->session_destroy(dec);
}

static void
test_burst(void)
{
	burst_one("ipsecmb");
	burst_one("openssl");
}

/* CBC input that is not whole blocks, or empty: -EINVAL, not a crash. */
static void
cbc_len_one(const struct gw_crypto_engine *e)
{
	struct gw_crypto_params p;
	uint8_t buf[64] = { 0 }, iv[16] = { 0 };
	struct gw_crypto_op op = {
		.buf = buf, .iv = iv, .cipher_len = 0, .auth_len = 32, .icv = buf + 32,
	};

	CHECK_EQ(ct_params(&p, "aes-128-cbc", "hmac-sha1-96", KAT_GCM_K, KAT_SHA1_KEY,
			   true), 0);
	CHECK_EQ(ct_run(e, &p, &op), -EINVAL);
	op.cipher_len = 17;
	CHECK_EQ(ct_run(e, &p, &op), -EINVAL);
	p.encrypt = false;
	CHECK_EQ(ct_run(e, &p, &op), -EINVAL);
}

/* Invalid parameters: NULL + errno, never a half-made session. */
static void
test_bad_params(void)
{
	for (unsigned int i = 0; i < 2; i++) {
		const struct gw_crypto_engine *e = gw_crypto_engine_get(engines[i]);
		struct gw_crypto_params p;

		CHECK_EQ(ct_params(&p, "aes-128-gcm", "hmac-sha1-96",
				   KAT_GCM_K "cafebabe", KAT_SHA1_KEY, true), 0);
		errno = 0;
		CHECK(e->session_create(&p) == NULL);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(ct_params(&p, "aes-128-cbc", "none", KAT_GCM_K, NULL, true), 0);
		CHECK(e->session_create(&p) == NULL);
		CHECK(!e->supports(GW_CIPHER_NULL, 0, GW_AUTH_NONE));
		cbc_len_one(e);
		CHECK(!e->supports(GW_CIPHER_AES_CBC, 17, GW_AUTH_HMAC_SHA1_96));
		CHECK(e->supports(GW_CIPHER_AES_CBC, 24, GW_AUTH_HMAC_SHA256_128));
	}
}

int
main(int argc, char **argv)
{
	int rc = ct_arch_args(argc, argv);

	if (rc != 0)
		return rc;
	CHECK_EQ(gw_crypto_engine_get("ipsecmb")->probe(), 0);
	CHECK_EQ(gw_crypto_engine_get("openssl")->probe(), 0);
	srand(4303);
	GW_RUN(test_kat_ipsecmb);
	GW_RUN(test_kat_openssl);
	GW_RUN(test_kat_icv_engines_agree);
	GW_RUN(test_esn);
	GW_RUN(test_burst);
	GW_RUN(test_bad_params);
	return gw_test_result();
}
