/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/gdoi's crypto layer against a real GDOI reference implementation (gdoid)
 * exchange: test/vectors/gdoi-crypto/gdoid-*.txt hold the UDP payloads as
 * captured on the wire (encrypted), the pre-shared key, g^xy and the phase 1 keys
 * gdoid logged. From the captured Main Mode 1-4 and g^xy, lib/gdoi must derive
 * gdoid's SKEYID, SKEYID_d/a/e and cipher key (with SHA-1 and 3DES the RFC 2409
 * App. B expansion: 20 octets, 3DES needs 24), decrypt Main Mode 5/6 and verify their HASH_I /
 * HASH_R, decrypt GROUPKEY-PULL 1-4 with the phase 2 IV and verify HASH(1)-(4),
 * then take the KEK and its RSA public key from PULL 4's KD, decrypt the
 * GROUPKEY-PUSH and verify its signature (gdoid's bare-digest PKCS#1 format; the
 * DigestInfo format must fail on it). Every decrypted message must parse.
 *
 * Usage: test_gdoi_gdoid_crypto gdoid-3des-sha1.txt
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "gdoi_crypto.h"
#include "gdoi_msg.h"
#include "gdoi_names.h"
#include "gw_test.h"

#include "gdoid_vec.h"

static struct vec v;
static struct gdoi_msg m;
static uint8_t buf[MAX_LEN];
static struct gdoi_perr err;

/* Parse message i (decrypted into buf when encrypted) as `kind`. */
static int
parse(unsigned int i, enum gdoi_msg_kind kind, bool decrypted)
{
	const uint8_t *p = decrypted ? buf : v.msg[i];
	int ret = gdoi_msg_parse(p, v.len[i], kind,
				 (decrypted ? GDOI_PARSE_DECRYPTED : 0) | GDOI_WIRE_SAT_ID_LEN1,
				 &m, &err);

	if (ret < 0)
		fprintf(stderr, "message %u: %s: %s\n", i, gdoi_perr_name(err.code), err.msg);
	return ret;
}

static const struct gdoi_span *
data_of(uint8_t type)
{
	unsigned int pos = 0;
	const struct gdoi_pl *pl = gdoi_msg_find(&m, type, &pos);

	return pl ? &pl->u.data : NULL;
}

/* Phase 1 parameters chosen in Main Mode 2's transform. */
static void
chosen(enum gdoi_hash *h, enum gdoi_cipher *c, unsigned int *group)
{
	const struct gdoi_xform *xf = &m.xf[m.prop[m.pl[0].u.sa.first_prop].first_xf];
	uint64_t enc = 0, hash = 0, grp = 0, bits = 0;
	struct gdoi_attr a;

	if (gdoi_attrs_find(&xf->attrs, GDOI_IKE_ENCRYPTION_ALG, &a) == 0)
		gdoi_attr_uint(&a, &enc);
	if (gdoi_attrs_find(&xf->attrs, GDOI_IKE_HASH_ALG, &a) == 0)
		gdoi_attr_uint(&a, &hash);
	if (gdoi_attrs_find(&xf->attrs, GDOI_IKE_GROUP_DESCRIPTION, &a) == 0)
		gdoi_attr_uint(&a, &grp);
	if (gdoi_attrs_find(&xf->attrs, GDOI_IKE_KEY_LENGTH, &a) == 0)
		gdoi_attr_uint(&a, &bits);
	CHECK_EQ(gdoi_cipher_from_ike((uint16_t)enc, (uint16_t)bits, c), 0);
	CHECK_EQ(gdoi_hash_from_ike((uint16_t)hash, h), 0);
	*group = (unsigned int)grp;
	printf("phase 1: %s, %s, group %u\n", gdoi_hash_name(*h), gdoi_cipher_name(*c), *group);
}

/* HASH(n) of a decrypted PULL message (RFC 6407 3.2): HASH first, rest after it. */
static void
check_pull_hash(const struct gdoi_p1_keys *k, unsigned int n, const uint8_t *mid,
		const struct gdoi_span *ni, const struct gdoi_span *nr)
{
	uint8_t out[GDOI_HASH_MAX];
	uint32_t rest = m.pl[1].off, end = m.len - m.pad_len;

	CHECK_EQ(m.pl[0].type, GDOI_PL_HASH);
	CHECK_EQ(gdoi_pull_hash(k, mid, ni ? ni->p : NULL, ni ? ni->len : 0,
				nr ? nr->p : NULL, nr ? nr->len : 0, buf + rest, end - rest,
				out), 0);
	CHECK_EQ(m.pl[0].u.data.len, k->prf_len);
	CHECK(gdoi_hash_equal(out, m.pl[0].u.data.p, k->prf_len));
	printf("PULL %u: HASH(%u) verified (%u octets of padding)\n", n, n, m.pad_len);
}

/* The group's KEK: policy from an SA KEK, keys from a KD KEK key packet. */
struct kek_state {
	struct gdoi_kek_policy pol;
	uint8_t spi[GDOI_KEK_SPI_LEN], mat[64], pub_der[1024];
	size_t len, pub_len;
	unsigned int updates;
};

static void
kek_take(struct kek_state *ks)
{
	struct gdoi_attr a;

	for (unsigned int j = 0; j < m.npl; j++)
		if (m.pl[j].type == GDOI_PL_SAK) {
			CHECK_EQ(gdoi_kek_decode(&m.pl[j].u.sak.attrs, &ks->pol, &err), 0);
			memcpy(ks->spi, m.pl[j].u.sak.spi, GDOI_KEK_SPI_LEN);
		}
	for (unsigned int j = 0; j < m.nkp; j++) {
		if (m.kp[j].type != GDOI_KD_KEK)
			continue;
		if (gdoi_attrs_find(&m.kp[j].attrs, GDOI_KD_KEK_ALGORITHM_KEY, &a) == 0 &&
		    a.val.len <= sizeof(ks->mat)) {
			ks->len = a.val.len;
			memcpy(ks->mat, a.val.p, ks->len);
			ks->updates++;
		}
		if (gdoi_attrs_find(&m.kp[j].attrs, GDOI_KD_KEK_SIG_ALGORITHM_KEY, &a) == 0 &&
		    a.val.len <= sizeof(ks->pub_der)) {
			ks->pub_len = a.val.len;
			memcpy(ks->pub_der, a.val.p, ks->pub_len);
		}
	}
}

static void
test_gdoid_exchange(void)
{
	uint8_t gxi[256], gxr[256], ni[256], nr[256], sai[1024], cki[8], ckr[8], mid[4];
	size_t gx_len, ni_len, nr_len, sai_len;
	uint8_t out[GDOI_HASH_MAX], p1_last[GDOI_CIPHER_BLOCK_MAX], iv[GDOI_CIPHER_BLOCK_MAX];
	uint8_t kek_iv[GDOI_CIPHER_BLOCK_MAX], digest[GDOI_HASH_MAX];
	static struct kek_state kek;
	struct gdoi_span ni_s, nr_s;
	size_t bl;
	enum gdoi_hash h = 0, sig_h;
	enum gdoi_cipher c = 0, kc;
	const uint8_t *kiv, *kkey;
	struct gdoi_p1_keys k;
	unsigned int group = 0, pushes = 0, padded = 0;
	EVP_PKEY *pub = NULL;

	CHECK(v.n >= 11);
	if (v.n < 11)
		return;
	/* Main Mode 1-4 are clear text. */
	CHECK_EQ(parse(0, GDOI_MSG_MM1, false), 0);
	sai_len = m.pl[0].body.len;
	memcpy(sai, m.pl[0].body.p, sai_len);
	CHECK_EQ(parse(1, GDOI_MSG_MM2, false), 0);
	chosen(&h, &c, &group);
	CHECK_EQ(parse(2, GDOI_MSG_MM3, false), 0);
	gx_len = data_of(GDOI_PL_KE)->len;
	memcpy(gxi, data_of(GDOI_PL_KE)->p, gx_len);
	ni_len = data_of(GDOI_PL_NONCE)->len;
	memcpy(ni, data_of(GDOI_PL_NONCE)->p, ni_len);
	memcpy(cki, m.hdr.icookie, 8);
	memcpy(ckr, m.hdr.rcookie, 8);
	CHECK_EQ(parse(3, GDOI_MSG_MM4, false), 0);
	CHECK_EQ(data_of(GDOI_PL_KE)->len, gx_len);
	memcpy(gxr, data_of(GDOI_PL_KE)->p, gx_len);
	nr_len = data_of(GDOI_PL_NONCE)->len;
	memcpy(nr, data_of(GDOI_PL_NONCE)->p, nr_len);
	CHECK_EQ(gx_len, gdoi_dh_pub_len(group));
	CHECK_EQ(v.gxy_len, gdoi_dh_secret_len(group));

	struct gdoi_p1_in in = {
		.hash = h, .cipher = c, .psk = v.psk, .psk_len = v.psk_len,
		.ni_b = ni, .ni_len = ni_len, .nr_b = nr, .nr_len = nr_len,
		.g_xi = gxi, .g_xr = gxr, .g_x_len = gx_len, .g_xy = v.gxy,
		.g_xy_len = v.gxy_len, .cky_i = cki, .cky_r = ckr,
	};
	CHECK_EQ(gdoi_p1_psk_keys(&in, &k), 0);
	bl = gdoi_cipher_block_len(c);
	/* The keys gdoid logged. */
	CHECK_EQ(v.skeyid_len, k.prf_len);
	CHECK_MEM(k.skeyid, v.skeyid[0], k.prf_len);
	CHECK_MEM(k.skeyid_d, v.skeyid[1], k.prf_len);
	CHECK_MEM(k.skeyid_a, v.skeyid[2], k.prf_len);
	CHECK_MEM(k.skeyid_e, v.skeyid[3], k.prf_len);
	CHECK_EQ(v.enc_key_len, gdoi_cipher_key_len(c));
	CHECK_MEM(k.enc_key, v.enc_key, v.enc_key_len);
	printf("phase 1 keys: SKEYID, SKEYID_d/a/e, %zu-octet key equal to gdoid's\n",
	       v.enc_key_len);

	/* Main Mode 5, 6: encrypted, IV carried from one to the next. */
	memcpy(iv, k.iv, bl);
	for (unsigned int i = 4; i <= 5; i++) {
		memcpy(buf, v.msg[i], v.len[i]);
		CHECK_EQ(gdoi_msg_decrypt(c, k.enc_key, iv, buf, v.len[i]), 0);
		CHECK_EQ(parse(i, i == 4 ? GDOI_MSG_MM5 : GDOI_MSG_MM6, true), 0);
		unsigned int pos = 0;
		const struct gdoi_pl *id = gdoi_msg_find(&m, GDOI_PL_ID, &pos);

		CHECK(id != NULL && data_of(GDOI_PL_HASH) != NULL);
		if (id == NULL || data_of(GDOI_PL_HASH) == NULL)
			return;
		CHECK_EQ(gdoi_p1_auth_hash(&k, &in, i == 4, sai, sai_len, id->body.p,
					   id->body.len, out), 0);
		CHECK(gdoi_hash_equal(out, data_of(GDOI_PL_HASH)->p, k.prf_len));
		printf("Main Mode %u: decrypted, %s verified\n", i + 1, i == 4 ? "HASH_I" : "HASH_R");
	}
	memcpy(p1_last, iv, bl);

	/* GROUPKEY-PULL 1-4: IV = hash(last phase 1 block | M-ID), then chained. */
	memcpy(mid, v.msg[6] + 20, 4);
	CHECK_EQ(gdoi_p2_iv(h, c, p1_last, mid, iv), 0);
	for (unsigned int i = 6; i <= 9; i++) {
		unsigned int n = i - 5;

		CHECK_MEM(v.msg[i] + 20, mid, 4);
		memcpy(buf, v.msg[i], v.len[i]);
		CHECK_EQ(gdoi_msg_decrypt(c, k.enc_key, iv, buf, v.len[i]), 0);
		CHECK_EQ(parse(i, GDOI_MSG_PULL1 + (i - 6), true), 0);
		if (n == 1) {
			ni_s = *data_of(GDOI_PL_NONCE);
			check_pull_hash(&k, n, mid, NULL, NULL);
			memcpy(ni, ni_s.p, ni_s.len);
			ni_s.p = ni;
		} else if (n == 2) {
			nr_s = *data_of(GDOI_PL_NONCE);
			check_pull_hash(&k, n, mid, &ni_s, NULL);
			memcpy(nr, nr_s.p, nr_s.len);
			nr_s.p = nr;
			kek_take(&kek);
		} else {
			check_pull_hash(&k, n, mid, &ni_s, &nr_s);
		}
		if (n == 4)
			kek_take(&kek);
	}
	gdoi_p1_keys_wipe(&k);

	/*
	 * GROUPKEY-PUSH: the KEK's static IV, then the signature over "rekey" | HDR |
	 * payloads before the SIG. A PUSH that carries a new KEK (KEK rekey) is still
	 * protected by the old one; the new one protects the PUSHes after it.
	 */
	for (unsigned int i = 10; i < v.n; i++) {
		unsigned int pos = 0;
		const struct gdoi_pl *sig;

		if (v.msg[i][18] != GDOI_EXCH_PUSH)
			continue;
		/* The PUSH header's cookies are the SPI of the KEK that protects it. */
		CHECK_MEM(v.msg[i], kek.spi, GDOI_KEK_SPI_LEN);
		CHECK_EQ(gdoi_cipher_from_kek(kek.pol.alg, kek.pol.key_bits, &kc), 0);
		CHECK_EQ(gdoi_hash_from_sig_hash(kek.pol.sig_hash, &sig_h), 0);
		CHECK_EQ(gdoi_kek_key_split(kc, kek.mat, kek.len, &kiv, &kkey), 0);
		EVP_PKEY_free(pub);
		pub = gdoi_rsa_pub_from_der(kek.pub_der, kek.pub_len);
		CHECK(pub != NULL);
		if (pub == NULL)
			return;
		CHECK_EQ(gdoi_rsa_bits(pub), kek.pol.sig_key_bits);
		memcpy(buf, v.msg[i], v.len[i]);
		memcpy(kek_iv, kiv, gdoi_cipher_block_len(kc));
		CHECK_EQ(gdoi_msg_decrypt(kc, kkey, kek_iv, buf, v.len[i]), 0);
		CHECK_EQ(parse(i, GDOI_MSG_PUSH, true), 0);
		sig = gdoi_msg_find(&m, GDOI_PL_SIG, &pos);
		CHECK(sig != NULL);
		if (sig == NULL)
			break;
		CHECK_EQ(gdoi_push_digest(sig_h, buf, sig->off, m.len - m.pad_len, digest), 0);
		CHECK_EQ(gdoi_sig_verify(pub, sig_h, GDOI_SIG_PKCS1_RAW, digest, sig->u.data.p,
					 sig->u.data.len), 0);
		CHECK_EQ(gdoi_sig_verify(pub, sig_h, GDOI_SIG_PKCS1_DIGESTINFO, digest,
					 sig->u.data.p, sig->u.data.len), -EBADMSG);
		/* The signed Length excludes the padding: with it counted, no match. */
		if (m.pad_len) {
			padded++;
			CHECK_EQ(gdoi_push_digest(sig_h, buf, sig->off, m.len, digest), 0);
			CHECK_EQ(gdoi_sig_verify(pub, sig_h, GDOI_SIG_PKCS1_RAW, digest,
						 sig->u.data.p, sig->u.data.len), -EBADMSG);
		}
		printf("PUSH (message %u): decrypted with the KEK, %s %u-bit RSA signature "
		       "verified (%u octets of padding)\n", i + 1, gdoi_hash_name(sig_h),
		       gdoi_rsa_bits(pub), m.pad_len);
		pushes++;
		kek_take(&kek);
	}
	printf("%u PUSHes, %u of them padded, %u KEK key downloads\n", pushes, padded,
	       kek.updates);
	CHECK(pushes >= 1);
	EVP_PKEY_free(pub);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s VECTOR.txt\n", argv[0]);
		return 2;
	}
	vec_load(argv[1], &v);
	GW_RUN(test_gdoid_exchange);
	return gw_test_result();
}
