/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/gdoi crypto layer against published vectors (RFC 2202, RFC 4231 HMAC;
 * RFC 5903 8 ECP; the RFC 3526 group 14 prime) and its refusals: bad DH peer
 * values, bad lengths, tampered signatures. The derivations themselves are
 * recomputed independently by test/pkt/test_gdoi_crypto.py.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "gdoi_crypto.h"
#include "gw_test.h"

static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned int v;

	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		if (n == cap || sscanf(s, "%2x", &v) != 1)
			abort();
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* RFC 2202 2, 3 and RFC 4231 4: test cases 1, 2, 3 and 6 (key longer than a block). */
static void
test_hmac_vectors(void)
{
	static const char hi[] = "Hi There", jefe_d[] = "what do ya want for nothing?";
	static const char big[] = "Test Using Larger Than Block-Size Key - Hash Key First";
	static const struct {
		enum gdoi_hash h;
		const char *expect[4];
	} v[] = {
		{ GDOI_HASH_MD5, { "9294727a3638bb1c13f48ef8158bfc9d",
				   "750c783e6ab0b503eaa86e310a5db738",
				   "56be34521d144c88dbb8c733f0e8b3f6",
				   "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd" } },
		{ GDOI_HASH_SHA1, { "b617318655057264e28bc0b6fb378c8ef146be00",
				    "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
				    "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
				    "aa4ae5e15272d00e95705637ce8a3b55ed402112" } },
		{ GDOI_HASH_SHA256, { "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
				      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
				      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
				      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" } },
	};
	uint8_t k0b[20], kaa[131], ddd[50], out[GDOI_HASH_MAX], want[GDOI_HASH_MAX];

	memset(k0b, 0x0b, sizeof(k0b));
	memset(kaa, 0xaa, sizeof(kaa));
	memset(ddd, 0xdd, sizeof(ddd));
	for (size_t i = 0; i < 3; i++) {
		enum gdoi_hash h = v[i].h;
		size_t n = gdoi_hash_len(h);
		/* RFC 2202 keys are 16 (MD5) / 20 (SHA1) octets, 80 for case 6. */
		size_t k1 = h == GDOI_HASH_MD5 ? 16 : 20, k6 = h == GDOI_HASH_SHA256 ? 131 : 80;
		struct gdoi_seg s1 = { hi, 8 }, s2 = { jefe_d, 28 }, s3 = { ddd, 50 };
		struct gdoi_seg s6 = { big, strlen(big) };
		/* The same input split in two segments gives the same PRF. */
		struct gdoi_seg s2split[2] = { { jefe_d, 10 }, { jefe_d + 10, 18 } };

		CHECK_EQ(gdoi_prf(h, k0b, k1, &s1, 1, out), 0);
		CHECK_MEM(out, want, unhex(v[i].expect[0], want, sizeof(want)));
		CHECK_EQ(gdoi_prf(h, "Jefe", 4, &s2, 1, out), 0);
		CHECK_MEM(out, want, unhex(v[i].expect[1], want, sizeof(want)));
		CHECK_EQ(gdoi_prf(h, "Jefe", 4, s2split, 2, out), 0);
		CHECK_MEM(out, want, n);
		CHECK_EQ(gdoi_prf(h, kaa, k1, &s3, 1, out), 0);
		CHECK_MEM(out, want, unhex(v[i].expect[2], want, sizeof(want)));
		CHECK_EQ(gdoi_prf(h, kaa, k6, &s6, 1, out), 0);
		CHECK_MEM(out, want, unhex(v[i].expect[3], want, sizeof(want)));
	}
	CHECK_EQ(gdoi_prf((enum gdoi_hash)99, "k", 1, NULL, 0, out), -EINVAL);
}

/* RFC 5903 8.1 (group 19) and 8.2 (group 20): KE data = gix | giy, g^xy = girx. */
static void
test_ecp_vectors(void)
{
	static const struct {
		unsigned int group;
		const char *i, *gix, *giy, *r, *grx, *gry, *girx;
	} v[] = {
		{ 19,
		  "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433",
		  "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180",
		  "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
		  "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53",
		  "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63",
		  "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
		  "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE" },
		{ 20,
		  "099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655"
		  "E35B5380 41E649EE 3FAEF896 783AB194",
		  "667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 1634FE72 B4C55EE6"
		  "DE3AC808 ACB4BDB4 C88732AE E95F41AA",
		  "9482ED1F C0EEB9CA FC498462 5CCFC23F 65032149 E0E144AD A0241815 35A0F38E"
		  "EB9FCFF3 C2C947DA E69B4C63 4573A81C",
		  "41CB0779 B4BDB85D 47846725 FBEC3C94 30FAB46C C8DC5060 855CC9BD A0AA2942"
		  "E0308312 916B8ED2 960E4BD5 5A7448FC",
		  "E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D"
		  "0D1AC43A 0336DEF9 6FDA41D0 774A3571",
		  "DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF"
		  "F83FA401 42209DFF 5EAAD96D B9E6386C",
		  "11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4"
		  "D6031355 69B9E9D0 9CF5D4A2 70F59746" },
	};
	uint8_t priv[48], gi[96], gr[96], gir[48], out[96];

	for (size_t t = 0; t < 2; t++) {
		unsigned int g = v[t].group;
		size_t cl = unhex(v[t].i, priv, sizeof(priv));
		struct gdoi_dh *di, *dr;

		CHECK_EQ(gdoi_dh_pub_len(g), 2 * cl);
		CHECK_EQ(gdoi_dh_secret_len(g), cl);
		unhex(v[t].gix, gi, sizeof(gi));
		unhex(v[t].giy, gi + cl, sizeof(gi) - cl);
		unhex(v[t].grx, gr, sizeof(gr));
		unhex(v[t].gry, gr + cl, sizeof(gr) - cl);
		unhex(v[t].girx, gir, sizeof(gir));
		di = gdoi_dh_from_private(g, priv, cl);
		CHECK(di != NULL);
		if (di == NULL)
			continue;
		CHECK_EQ(gdoi_dh_public(di, out, 2 * cl), 0);
		CHECK_MEM(out, gi, 2 * cl);
		CHECK_EQ(gdoi_dh_shared(di, gr, 2 * cl, out, cl), 0);
		CHECK_MEM(out, gir, cl);
		unhex(v[t].r, priv, sizeof(priv));
		dr = gdoi_dh_from_private(g, priv, cl);
		CHECK(dr != NULL);
		if (dr != NULL) {
			CHECK_EQ(gdoi_dh_public(dr, out, 2 * cl), 0);
			CHECK_MEM(out, gr, 2 * cl);
			CHECK_EQ(gdoi_dh_shared(dr, gi, 2 * cl, out, cl), 0);
			CHECK_MEM(out, gir, cl);
		}
		/* Not on the curve; SEC 1 form (0x04 | x | y) is not the KE encoding. */
		gr[2 * cl - 1] ^= 1;
		CHECK_EQ(gdoi_dh_shared(di, gr, 2 * cl, out, cl), -EBADMSG);
		CHECK_EQ(gdoi_dh_shared(di, gr, 2 * cl + 1, out, cl), -EBADMSG);
		CHECK_EQ(gdoi_dh_shared(di, gr, 2 * cl, out, cl + 1), -EINVAL);
		gdoi_dh_free(di);
		gdoi_dh_free(dr);
	}
}

/* RFC 3526 3: the 2048-bit MODP group (IKE group 14), as the RFC prints it. */
static const char rfc3526_p2048[] =
	"FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
	"29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
	"EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
	"E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
	"EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
	"C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
	"83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
	"670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
	"E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
	"DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
	"15728E5A 8AACAA68 FFFFFFFF FFFFFFFF";

/*
 * The group 14 prime is the RFC's: OpenSSL's own named group "modp_2048" (a
 * separate table) agrees with the RFC text, and the KE value of a private x is
 * 2^x mod (the RFC text's prime). Peer values 0, 1, p-1 and >= p are refused;
 * so is p-2, outside the prime-order subgroup.
 */
static void
test_modp_group14_prime(void)
{
	uint8_t p[256], peer[256], out[256], x[32];
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	BIGNUM *bp = NULL, *bx, *bg, *by;
	OSSL_PARAM params[2];
	BN_CTX *bn = BN_CTX_new();
	EVP_PKEY *pk = NULL;
	struct gdoi_dh *dh;

	CHECK_EQ(unhex(rfc3526_p2048, p, sizeof(p)), 256);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     (char *)"modp_2048", 0);
	params[1] = OSSL_PARAM_construct_end();
	CHECK(ctx != NULL && EVP_PKEY_paramgen_init(ctx) > 0);
	CHECK(EVP_PKEY_CTX_set_params(ctx, params) > 0);
	CHECK(EVP_PKEY_paramgen(ctx, &pk) > 0);
	CHECK(pk && EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_FFC_P, &bp) > 0);
	CHECK(bp && BN_bn2binpad(bp, out, 256) == 256);
	CHECK_MEM(out, p, 256);
	BN_free(bp);
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(ctx);

	memset(x, 0x5a, sizeof(x));
	dh = gdoi_dh_from_private(14, x, sizeof(x));
	CHECK(dh != NULL);
	if (dh == NULL)
		return;
	bp = BN_bin2bn(p, 256, NULL);
	bx = BN_bin2bn(x, sizeof(x), NULL);
	bg = BN_new();
	by = BN_new();
	CHECK(bp && bx && bg && by && bn && BN_set_word(bg, 2) &&
	      BN_mod_exp(by, bg, bx, bp, bn) && BN_bn2binpad(by, peer, 256) == 256);
	CHECK_EQ(gdoi_dh_public(dh, out, 256), 0);
	CHECK_MEM(out, peer, 256);
	BN_free(bp);
	BN_free(bx);
	BN_free(bg);
	BN_free(by);
	BN_CTX_free(bn);

	CHECK_EQ(gdoi_dh_shared(dh, peer, 256, out, 256), 0);
	memcpy(peer, p, 256);
	peer[255] -= 1;			/* p - 1 */
	CHECK_EQ(gdoi_dh_shared(dh, peer, 256, out, 256), -EBADMSG);
	peer[255] -= 1;			/* p - 2 */
	CHECK_EQ(gdoi_dh_shared(dh, peer, 256, out, 256), -EBADMSG);
	memset(peer, 0, 256);
	CHECK_EQ(gdoi_dh_shared(dh, peer, 256, out, 256), -EBADMSG);	/* 0 */
	peer[255] = 1;
	CHECK_EQ(gdoi_dh_shared(dh, peer, 256, out, 256), -EBADMSG);	/* 1 */
	memset(peer, 0xff, 256);
	CHECK_EQ(gdoi_dh_shared(dh, peer, 256, out, 256), -EBADMSG);	/* > p */
	CHECK_EQ(gdoi_dh_shared(dh, peer, 255, out, 256), -EBADMSG);	/* not fixed length */
	gdoi_dh_free(dh);
	/* Private values 0, 1 and >= p are refused. */
	memset(x, 0, sizeof(x));
	CHECK(gdoi_dh_from_private(14, x, sizeof(x)) == NULL);
	x[31] = 1;
	CHECK(gdoi_dh_from_private(14, x, sizeof(x)) == NULL);
	memset(peer, 0xff, 256);
	CHECK(gdoi_dh_from_private(14, peer, 256) == NULL);
	CHECK(gdoi_dh_new(3) == NULL);		/* EC2N: not supported */
}

/* Fresh key pairs of every group agree, the values have the fixed lengths, and a
 * MODP value outside the prime-order subgroup is refused in every group. */
static void
test_dh_random_pairs(void)
{
	static const unsigned int groups[] = { 1, 2, 5, 14, 19, 20 };
	static const size_t pub_len[] = { 96, 128, 192, 256, 64, 96 };
	uint8_t pi[256], pr[256], si[256], sr[256];

	for (size_t i = 0; i < 6; i++) {
		unsigned int g = groups[i];
		size_t pl = gdoi_dh_pub_len(g), sl = gdoi_dh_secret_len(g);
		struct gdoi_dh *a = gdoi_dh_new(g), *b = gdoi_dh_new(g);

		CHECK_EQ(pl, pub_len[i]);
		CHECK(a != NULL && b != NULL);
		if (a == NULL || b == NULL)
			continue;
		CHECK_EQ(gdoi_dh_public(a, pi, pl), 0);
		CHECK_EQ(gdoi_dh_public(b, pr, pl), 0);
		CHECK_EQ(gdoi_dh_public(a, pi, pl - 1), -EINVAL);
		CHECK_EQ(gdoi_dh_shared(a, pr, pl, si, sl), 0);
		CHECK_EQ(gdoi_dh_shared(b, pi, pl, sr, sl), 0);
		CHECK_MEM(si, sr, sl);
		CHECK(memcmp(pi, pr, pl) != 0);
		if (g < 19) {
			/* p - 2 = -2 mod p: in range, outside the subgroup of g = 2. */
			memset(pr, 0xff, pl);
			pr[pl - 1] = 0xfd;	/* every prime here ends in 64 one bits */
			CHECK_EQ(gdoi_dh_shared(a, pr, pl, si, sl), -EBADMSG);
		}
		gdoi_dh_free(a);
		gdoi_dh_free(b);
	}
}

/* CBC: the IV carried forward equals one pass; message padding and Length. */
static void
test_cbc_chaining_and_padding(void)
{
	uint8_t key[32], iv0[16], iv[16], a[96], b[96], msg[28 + 64 + 16];
	size_t len;

	for (enum gdoi_cipher c = GDOI_CIPHER_DES_CBC; c <= GDOI_CIPHER_AES256_CBC; c++) {
		size_t bl = gdoi_cipher_block_len(c);

		memset(key, 0x11 * c, sizeof(key));
		memset(iv0, 0x22, sizeof(iv0));
		for (size_t i = 0; i < sizeof(a); i++)
			a[i] = (uint8_t)i;
		memcpy(b, a, sizeof(a));
		memcpy(iv, iv0, bl);
		CHECK_EQ(gdoi_cbc_encrypt(c, key, iv, a, sizeof(a)), 0);
		CHECK_MEM(iv, a + sizeof(a) - bl, bl);
		memcpy(iv, iv0, bl);
		CHECK_EQ(gdoi_cbc_encrypt(c, key, iv, b, 48), 0);
		CHECK_EQ(gdoi_cbc_encrypt(c, key, iv, b + 48, 48), 0);
		CHECK_MEM(a, b, sizeof(a));
		/* Decryption returns the last ciphertext block as the next IV. */
		memcpy(iv, iv0, bl);
		CHECK_EQ(gdoi_cbc_decrypt(c, key, iv, b, sizeof(b)), 0);
		CHECK_MEM(iv, a + sizeof(a) - bl, bl);
		CHECK_EQ(b[95], 95);
		CHECK_EQ(gdoi_cbc_encrypt(c, key, iv, b, bl + 1), -EBADMSG);
		CHECK_EQ(gdoi_cbc_encrypt(c, key, iv, b, 0), -EBADMSG);

		/* 61 octets of payloads: zero padding to the block, E flag, Length. */
		memset(msg, 0xcc, sizeof(msg));
		memset(msg, 0, 28);
		memcpy(iv, iv0, bl);
		CHECK_EQ(gdoi_msg_encrypt(c, key, iv, msg, 28 + 61, 28 + 61, &len), -ENOSPC);
		CHECK_EQ(gdoi_msg_encrypt(c, key, iv, msg, 28 + 61, sizeof(msg), &len), 0);
		CHECK_EQ(len, 28 + 64);
		CHECK_EQ(msg[19], 1);
		CHECK_EQ(((size_t)msg[26] << 8) | msg[27], 28 + 64);
		memcpy(iv, iv0, bl);
		CHECK_EQ(gdoi_msg_decrypt(c, key, iv, msg, len), 0);
		CHECK_EQ(msg[28], 0xcc);
		CHECK_EQ(msg[28 + 60], 0xcc);
		CHECK_EQ(msg[28 + 61], 0);
		CHECK_EQ(msg[28 + 63], 0);
		CHECK_EQ(gdoi_msg_decrypt(c, key, iv, msg, len - 1), -EBADMSG);
		CHECK_EQ(gdoi_msg_decrypt(c, key, iv, msg, 28), -EBADMSG);
	}
}

/* Key length and cipher / hash numbers of IKE (RFC 2409 App. A) and the SA KEK. */
static void
test_numbers_and_key_expansion(void)
{
	uint8_t e[GDOI_HASH_MAX], key[GDOI_CIPHER_KEY_MAX], k1[GDOI_HASH_MAX];
	const uint8_t *ivp, *kp;
	enum gdoi_cipher c;
	enum gdoi_hash h;
	uint8_t zero = 0, keymat[40];

	CHECK(gdoi_cipher_from_ike(5, 0, &c) == 0 && c == GDOI_CIPHER_3DES_CBC);
	CHECK(gdoi_cipher_from_ike(7, 256, &c) == 0 && c == GDOI_CIPHER_AES256_CBC);
	CHECK_EQ(gdoi_cipher_from_ike(7, 0, &c), -ENOTSUP);
	CHECK_EQ(gdoi_cipher_from_ike(7, 100, &c), -ENOTSUP);
	CHECK_EQ(gdoi_cipher_from_ike(3, 0, &c), -ENOTSUP);	/* Blowfish */
	CHECK(gdoi_cipher_from_kek(3, 0, &c) == 0 && c == GDOI_CIPHER_AES128_CBC);
	CHECK(gdoi_cipher_from_kek(2, 0, &c) == 0 && c == GDOI_CIPHER_3DES_CBC);
	CHECK(gdoi_hash_from_ike(4, &h) == 0 && h == GDOI_HASH_SHA256);
	CHECK_EQ(gdoi_hash_from_ike(3, &h), -ENOTSUP);		/* Tiger */
	CHECK(gdoi_hash_from_sig_hash(3, &h) == 0 && h == GDOI_HASH_SHA256);

	/* SKEYID_e long enough: its first octets; too short: K1 | K2 (App. B). */
	memset(e, 0x42, sizeof(e));
	CHECK_EQ(gdoi_enc_key(GDOI_HASH_SHA256, e, GDOI_CIPHER_AES256_CBC, key), 0);
	CHECK_MEM(key, e, 32);
	CHECK_EQ(gdoi_enc_key(GDOI_HASH_SHA1, e, GDOI_CIPHER_AES128_CBC, key), 0);
	CHECK_MEM(key, e, 16);
	CHECK_EQ(gdoi_enc_key(GDOI_HASH_SHA1, e, GDOI_CIPHER_AES256_CBC, key), 0);
	CHECK_EQ(gdoi_prf(GDOI_HASH_SHA1, e, 20, &(struct gdoi_seg){ &zero, 1 }, 1, k1), 0);
	CHECK_MEM(key, k1, 20);
	CHECK(memcmp(key, e, 20) != 0);

	/* KD KEK_ALGORITHM_KEY = IV | key. */
	CHECK_EQ(gdoi_kek_key_split(GDOI_CIPHER_3DES_CBC, keymat, 32, &ivp, &kp), 0);
	CHECK(ivp == keymat && kp == keymat + 8);
	CHECK_EQ(gdoi_kek_key_split(GDOI_CIPHER_AES128_CBC, keymat, 32, &ivp, &kp), 0);
	CHECK(kp == keymat + 16);
	CHECK_EQ(gdoi_kek_key_split(GDOI_CIPHER_3DES_CBC, keymat, 24, &ivp, &kp), -EINVAL);

	CHECK(gdoi_hash_equal("abcd", "abcd", 4));
	CHECK(!gdoi_hash_equal("abcd", "abce", 4));
}

/* PUSH signature: both formats verify, refuse the other format, a flipped bit, a
 * wrong length; the digest covers the header with E set and the given Length. */
static void
test_push_signature(void)
{
	char path[] = "/tmp/test_gdoi_crypto_XXXXXX";
	uint8_t msg[28 + 20], d1[32], d2[32], sig[256], der[512];
	EVP_PKEY *gen = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024), *key, *pub;
	size_t sl, dl;
	FILE *f;
	int fd;

	CHECK(gen != NULL);
	fd = mkstemp(path);
	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	CHECK(f && PEM_write_PrivateKey(f, gen, NULL, NULL, 0, NULL, NULL));
	fclose(f);
	key = gdoi_rsa_load_pem(path);
	unlink(path);
	EVP_PKEY_free(gen);
	CHECK(key != NULL);
	if (key == NULL)
		return;
	CHECK(gdoi_rsa_load_pem("/nonexistent/kek.pem") == NULL);
	CHECK_EQ(gdoi_rsa_bits(key), 1024);
	CHECK_EQ(gdoi_sig_len(key), 128);
	CHECK_EQ(gdoi_rsa_pub_to_der(key, der, 10, &dl), -ENOSPC);
	CHECK_EQ(gdoi_rsa_pub_to_der(key, der, sizeof(der), &dl), 0);
	pub = gdoi_rsa_pub_from_der(der, dl);
	CHECK(pub != NULL);
	CHECK(gdoi_rsa_pub_from_der(der, dl - 1) == NULL);
	CHECK(gdoi_rsa_pub_from_der(der, dl + 1) == NULL);	/* trailing octet */

	memset(msg, 0x33, sizeof(msg));
	msg[19] = 0;
	CHECK_EQ(gdoi_push_digest(GDOI_HASH_SHA256, msg, 28 + 20, 28 + 20 + 132, d1), 0);
	msg[19] = 1;				/* E flag already set: same digest */
	msg[24] = 0x7f;				/* Length field replaced */
	CHECK_EQ(gdoi_push_digest(GDOI_HASH_SHA256, msg, 28 + 20, 28 + 20 + 132, d2), 0);
	CHECK_MEM(d1, d2, 32);
	CHECK_EQ(gdoi_push_digest(GDOI_HASH_SHA256, msg, 28 + 20, 28 + 20 + 136, d2), 0);
	CHECK(memcmp(d1, d2, 32) != 0);
	CHECK_EQ(gdoi_push_digest(GDOI_HASH_SHA256, msg, 20, 100, d2), -EINVAL);

	for (int fmt = GDOI_SIG_PKCS1_DIGESTINFO; fmt <= GDOI_SIG_PKCS1_RAW; fmt++) {
		int other = fmt == GDOI_SIG_PKCS1_RAW ? GDOI_SIG_PKCS1_DIGESTINFO
						      : GDOI_SIG_PKCS1_RAW;

		CHECK_EQ(gdoi_sig_sign(key, GDOI_HASH_SHA256, fmt, d1, sig, 127, &sl), -ENOSPC);
		CHECK_EQ(gdoi_sig_sign(key, GDOI_HASH_SHA256, fmt, d1, sig, sizeof(sig), &sl), 0);
		CHECK_EQ(sl, 128);
		CHECK_EQ(gdoi_sig_verify(pub, GDOI_HASH_SHA256, fmt, d1, sig, sl), 0);
		CHECK_EQ(gdoi_sig_verify(pub, GDOI_HASH_SHA256, other, d1, sig, sl), -EBADMSG);
		CHECK_EQ(gdoi_sig_verify(pub, GDOI_HASH_SHA256, fmt, d1, sig, sl - 1), -EBADMSG);
		d1[0] ^= 1;
		CHECK_EQ(gdoi_sig_verify(pub, GDOI_HASH_SHA256, fmt, d1, sig, sl), -EBADMSG);
		d1[0] ^= 1;
		sig[100] ^= 1;
		CHECK_EQ(gdoi_sig_verify(pub, GDOI_HASH_SHA256, fmt, d1, sig, sl), -EBADMSG);
	}
	EVP_PKEY_free(pub);
	EVP_PKEY_free(key);
}

int
main(void)
{
	GW_RUN(test_hmac_vectors);
	GW_RUN(test_ecp_vectors);
	GW_RUN(test_modp_group14_prime);
	GW_RUN(test_dh_random_pairs);
	GW_RUN(test_cbc_chaining_and_padding);
	GW_RUN(test_numbers_and_key_expansion);
	GW_RUN(test_push_signature);
	return gw_test_result();
}
