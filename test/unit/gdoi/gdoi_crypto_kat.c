/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gdoi_crypto_kat: prints what lib/gdoi's crypto layer derives from fixed inputs,
 * one "name hex" line per value, inputs ("in.*") included, so that
 * test/pkt/test_gdoi_crypto.py recomputes every output ("out.*") with Python's
 * `cryptography` and hashlib/hmac and compares.
 *
 * Usage: gdoi_crypto_kat KEK.pem   (an RSA private key, PEM)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "gdoi_crypto.h"

static int failed;

static void
put(const char *pfx, const char *name, const uint8_t *p, size_t n)
{
	printf("%s%s ", pfx, name);
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

static void
fill(uint8_t *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 3));
}

#define TRY(expr) do { \
	int _r = (expr); \
	if (_r != 0) { \
		fprintf(stderr, "%s:%d: %s = %d\n", __FILE__, __LINE__, #expr, _r); \
		failed = 1; \
	} \
} while (0)

static void
kat_prf(void)
{
	static const enum gdoi_hash hs[] = { GDOI_HASH_MD5, GDOI_HASH_SHA1, GDOI_HASH_SHA256 };
	uint8_t key[100], data[300], out[GDOI_HASH_MAX];
	char name[64];

	fill(key, sizeof(key), 1);
	fill(data, sizeof(data), 2);
	put("in.", "prf.key", key, sizeof(key));
	put("in.", "prf.data", data, sizeof(data));
	for (size_t i = 0; i < 3; i++) {
		/* A short key and a key longer than the HMAC block (hashed first). */
		struct gdoi_seg seg[2] = { { data, 100 }, { data + 100, 200 } };

		TRY(gdoi_prf(hs[i], key, 16, seg, 2, out));
		snprintf(name, sizeof(name), "prf.%s.short", gdoi_hash_name(hs[i]));
		put("out.", name, out, gdoi_hash_len(hs[i]));
		TRY(gdoi_prf(hs[i], key, sizeof(key), seg, 2, out));
		snprintf(name, sizeof(name), "prf.%s.long", gdoi_hash_name(hs[i]));
		put("out.", name, out, gdoi_hash_len(hs[i]));
	}
}

/* Phase 1 with a pre-shared key, the PULL HASHes and message encryption. */
static void
kat_phase1(enum gdoi_hash h, enum gdoi_cipher c)
{
	uint8_t psk[14], ni[16], nr[20], gxi[128], gxr[128], gxy[128], ci[8], cr[8];
	uint8_t sai[52], idi[12], idr[12], mid[4], rest[61], out[GDOI_HASH_MAX];
	uint8_t msg[28 + 61 + 16], iv[GDOI_CIPHER_BLOCK_MAX], p2iv[GDOI_CIPHER_BLOCK_MAX];
	struct gdoi_p1_keys k;
	char pfx[64];
	size_t len;

	memcpy(psk, "mekmitasdigoat", sizeof(psk));
	fill(ni, sizeof(ni), 3);
	fill(nr, sizeof(nr), 4);
	fill(gxi, sizeof(gxi), 5);
	fill(gxr, sizeof(gxr), 6);
	fill(gxy, sizeof(gxy), 7);
	gxy[0] = 0;	/* a leading zero octet stays part of g^xy */
	fill(ci, sizeof(ci), 8);
	fill(cr, sizeof(cr), 9);
	fill(sai, sizeof(sai), 10);
	fill(idi, sizeof(idi), 11);
	fill(idr, sizeof(idr), 12);
	fill(mid, sizeof(mid), 13);
	fill(rest, sizeof(rest), 14);

	put("in.", "p1.psk", psk, sizeof(psk));
	put("in.", "p1.ni", ni, sizeof(ni));
	put("in.", "p1.nr", nr, sizeof(nr));
	put("in.", "p1.gxi", gxi, sizeof(gxi));
	put("in.", "p1.gxr", gxr, sizeof(gxr));
	put("in.", "p1.gxy", gxy, sizeof(gxy));
	put("in.", "p1.cky_i", ci, sizeof(ci));
	put("in.", "p1.cky_r", cr, sizeof(cr));
	put("in.", "p1.sai", sai, sizeof(sai));
	put("in.", "p1.idi", idi, sizeof(idi));
	put("in.", "p1.idr", idr, sizeof(idr));
	put("in.", "p1.mid", mid, sizeof(mid));
	put("in.", "p1.rest", rest, sizeof(rest));

	struct gdoi_p1_in in = {
		.hash = h, .cipher = c, .psk = psk, .psk_len = sizeof(psk),
		.ni_b = ni, .ni_len = sizeof(ni), .nr_b = nr, .nr_len = sizeof(nr),
		.g_xi = gxi, .g_xr = gxr, .g_x_len = sizeof(gxi),
		.g_xy = gxy, .g_xy_len = sizeof(gxy), .cky_i = ci, .cky_r = cr,
	};
	snprintf(pfx, sizeof(pfx), "out.p1.%s.%s.", gdoi_hash_name(h), gdoi_cipher_name(c));
	TRY(gdoi_p1_psk_keys(&in, &k));
	size_t n = k.prf_len, bl = gdoi_cipher_block_len(c);

	put(pfx, "skeyid", k.skeyid, n);
	put(pfx, "skeyid_d", k.skeyid_d, n);
	put(pfx, "skeyid_a", k.skeyid_a, n);
	put(pfx, "skeyid_e", k.skeyid_e, n);
	put(pfx, "enc_key", k.enc_key, gdoi_cipher_key_len(c));
	put(pfx, "iv", k.iv, bl);
	TRY(gdoi_p1_auth_hash(&k, &in, true, sai, sizeof(sai), idi, sizeof(idi), out));
	put(pfx, "hash_i", out, n);
	TRY(gdoi_p1_auth_hash(&k, &in, false, sai, sizeof(sai), idr, sizeof(idr), out));
	put(pfx, "hash_r", out, n);
	TRY(gdoi_pull_hash(&k, mid, NULL, 0, NULL, 0, rest, sizeof(rest), out));
	put(pfx, "pull_hash1", out, n);
	TRY(gdoi_pull_hash(&k, mid, ni, sizeof(ni), NULL, 0, rest, sizeof(rest), out));
	put(pfx, "pull_hash2", out, n);
	TRY(gdoi_pull_hash(&k, mid, ni, sizeof(ni), nr, sizeof(nr), rest, sizeof(rest), out));
	put(pfx, "pull_hash34", out, n);

	/* Message 5 encrypted with the phase 1 IV; then a phase 2 IV from its last block. */
	fill(msg, 28 + sizeof(rest), 15);
	put("in.", "p1.msg5", msg, 28 + sizeof(rest));
	memcpy(iv, k.iv, bl);
	TRY(gdoi_msg_encrypt(c, k.enc_key, iv, msg, 28 + sizeof(rest), sizeof(msg), &len));
	put(pfx, "msg5", msg, len);
	put(pfx, "iv_after", iv, bl);
	TRY(gdoi_p2_iv(h, c, iv, mid, p2iv));
	put(pfx, "p2iv", p2iv, bl);
	gdoi_p1_keys_wipe(&k);
}

static void
kat_dh(unsigned int group)
{
	uint8_t xi[256], xr[256], pub[256], sec[256];
	size_t pl = gdoi_dh_pub_len(group), sl = gdoi_dh_secret_len(group);
	struct gdoi_dh *di, *dr;
	char name[64];

	/* Private values below the prime / order: a zero top octet. */
	fill(xi, sl, group);
	fill(xr, sl, group + 100);
	xi[0] = 0;
	xr[0] = 0;
	snprintf(name, sizeof(name), "dh.%u.xi", group);
	put("in.", name, xi, sl);
	snprintf(name, sizeof(name), "dh.%u.xr", group);
	put("in.", name, xr, sl);
	di = gdoi_dh_from_private(group, xi, sl);
	dr = gdoi_dh_from_private(group, xr, sl);
	if (di == NULL || dr == NULL) {
		fprintf(stderr, "gdoi_dh_from_private(%u) failed\n", group);
		failed = 1;
		return;
	}
	TRY(gdoi_dh_public(di, pub, pl));
	snprintf(name, sizeof(name), "dh.%u.gxi", group);
	put("out.", name, pub, pl);
	TRY(gdoi_dh_public(dr, pub, pl));
	snprintf(name, sizeof(name), "dh.%u.gxr", group);
	put("out.", name, pub, pl);
	TRY(gdoi_dh_shared(di, pub, pl, sec, sl));
	snprintf(name, sizeof(name), "dh.%u.gxy", group);
	put("out.", name, sec, sl);
	gdoi_dh_free(di);
	gdoi_dh_free(dr);
}

static void
kat_cbc(enum gdoi_cipher c)
{
	uint8_t key[32], iv[16], buf[64];
	char name[64];

	fill(key, sizeof(key), 20 + c);
	fill(iv, sizeof(iv), 30 + c);
	fill(buf, sizeof(buf), 40 + c);
	snprintf(name, sizeof(name), "cbc.%s.key", gdoi_cipher_name(c));
	put("in.", name, key, gdoi_cipher_key_len(c));
	snprintf(name, sizeof(name), "cbc.%s.iv", gdoi_cipher_name(c));
	put("in.", name, iv, gdoi_cipher_block_len(c));
	snprintf(name, sizeof(name), "cbc.%s.plain", gdoi_cipher_name(c));
	put("in.", name, buf, sizeof(buf));
	TRY(gdoi_cbc_encrypt(c, key, iv, buf, sizeof(buf)));
	snprintf(name, sizeof(name), "cbc.%s.ct", gdoi_cipher_name(c));
	put("out.", name, buf, sizeof(buf));
	snprintf(name, sizeof(name), "cbc.%s.next_iv", gdoi_cipher_name(c));
	put("out.", name, iv, gdoi_cipher_block_len(c));
}

static void
kat_sig(const char *pem)
{
	static const enum gdoi_hash hs[] = { GDOI_HASH_SHA1, GDOI_HASH_SHA256 };
	uint8_t msg[28 + 40 + 4 + 512], digest[GDOI_HASH_MAX], sig[512], der[1024];
	EVP_PKEY *key = gdoi_rsa_load_pem(pem), *pub;
	size_t sig_off = 28 + 40, sig_len, der_len;
	char name[64];

	if (key == NULL) {
		fprintf(stderr, "gdoi_rsa_load_pem(%s) failed\n", pem);
		failed = 1;
		return;
	}
	/* A plaintext PUSH: header (E flag clear, Length 0 here), 40 octets, SIG. */
	fill(msg, sig_off, 50);
	msg[19] = 0;
	memset(msg + 24, 0, 4);
	put("in.", "sig.msg", msg, sig_off);
	printf("in.sig.msg_len %zu\n", sig_off + 4 + gdoi_sig_len(key));
	TRY(gdoi_rsa_pub_to_der(key, der, sizeof(der), &der_len));
	put("out.", "sig.pub_der", der, der_len);
	pub = gdoi_rsa_pub_from_der(der, der_len);
	printf("out.sig.bits %u\n", gdoi_rsa_bits(key));
	for (size_t i = 0; i < 2; i++) {
		TRY(gdoi_push_digest(hs[i], msg, sig_off, sig_off + 4 + gdoi_sig_len(key),
				     digest));
		snprintf(name, sizeof(name), "sig.%s.digest", gdoi_hash_name(hs[i]));
		put("out.", name, digest, gdoi_hash_len(hs[i]));
		TRY(gdoi_sig_sign(key, hs[i], GDOI_SIG_PKCS1_DIGESTINFO, digest, sig,
				  sizeof(sig), &sig_len));
		TRY(gdoi_sig_verify(pub, hs[i], GDOI_SIG_PKCS1_DIGESTINFO, digest, sig, sig_len));
		snprintf(name, sizeof(name), "sig.%s.digestinfo", gdoi_hash_name(hs[i]));
		put("out.", name, sig, sig_len);
		TRY(gdoi_sig_sign(key, hs[i], GDOI_SIG_PKCS1_RAW, digest, sig, sizeof(sig),
				  &sig_len));
		TRY(gdoi_sig_verify(pub, hs[i], GDOI_SIG_PKCS1_RAW, digest, sig, sig_len));
		snprintf(name, sizeof(name), "sig.%s.raw", gdoi_hash_name(hs[i]));
		put("out.", name, sig, sig_len);
	}
	EVP_PKEY_free(pub);
	EVP_PKEY_free(key);
}

int
main(int argc, char **argv)
{
	static const struct {
		enum gdoi_hash h;
		enum gdoi_cipher c;
	} p1[] = {
		{ GDOI_HASH_MD5, GDOI_CIPHER_3DES_CBC },	/* 16 < 24: App. B expansion */
		{ GDOI_HASH_SHA1, GDOI_CIPHER_3DES_CBC },	/* 20 < 24 */
		{ GDOI_HASH_SHA1, GDOI_CIPHER_AES128_CBC },
		{ GDOI_HASH_SHA1, GDOI_CIPHER_AES256_CBC },	/* 20 < 32 */
		{ GDOI_HASH_SHA1, GDOI_CIPHER_DES_CBC },
		{ GDOI_HASH_MD5, GDOI_CIPHER_AES192_CBC },
		{ GDOI_HASH_SHA256, GDOI_CIPHER_AES256_CBC },
		{ GDOI_HASH_SHA256, GDOI_CIPHER_AES128_CBC },
	};
	static const unsigned int dh[] = { 1, 2, 5, 14, 19, 20 };

	if (argc != 2) {
		fprintf(stderr, "usage: %s KEK.pem\n", argv[0]);
		return 2;
	}
	kat_prf();
	for (size_t i = 0; i < sizeof(p1) / sizeof(p1[0]); i++)
		kat_phase1(p1[i].h, p1[i].c);
	for (enum gdoi_cipher c = GDOI_CIPHER_DES_CBC; c <= GDOI_CIPHER_AES256_CBC; c++)
		kat_cbc(c);
	for (size_t i = 0; i < sizeof(dh) / sizeof(dh[0]); i++)
		kat_dh(dh[i]);
	kat_sig(argv[1]);
	return failed;
}
