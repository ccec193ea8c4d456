/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv1 phase 1 and GDOI cryptography (RFC 2409, RFC 6407) as pure functions
 * over OpenSSL 3 EVP: PRF, key derivation, IVs, CBC, Diffie-Hellman, the HASHes
 * of GROUPKEY-PULL and the signature of GROUPKEY-PUSH. No state machine, no DPDK,
 * no allocation except inside OpenSSL (DH and RSA keys). lib/gdoi/README.md
 * ("Crypto layer") says what each function computes and where the RFC says it.
 */
#ifndef GDOI_CRYPTO_H
#define GDOI_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

/* Negotiated hash; the PRF is HMAC with it (RFC 2409 5, RFC 4868 for SHA2-256). */
enum gdoi_hash {
	GDOI_HASH_MD5 = 1,
	GDOI_HASH_SHA1,
	GDOI_HASH_SHA256,
};
#define GDOI_HASH_MAX 32	/* octets of the longest digest */

enum gdoi_cipher {
	GDOI_CIPHER_DES_CBC = 1,
	GDOI_CIPHER_3DES_CBC,
	GDOI_CIPHER_AES128_CBC,
	GDOI_CIPHER_AES192_CBC,
	GDOI_CIPHER_AES256_CBC,
};
#define GDOI_CIPHER_KEY_MAX 32
#define GDOI_CIPHER_BLOCK_MAX 16

#define GDOI_COOKIE_LEN 8
#define GDOI_MID_LEN 4
#define GDOI_HDR_LEN 28		/* ISAKMP header, RFC 2408 3.1 */

/* One piece of the input of a hash or PRF: the pieces are concatenated. */
struct gdoi_seg {
	const void *p;
	size_t len;
};

/* ---- gdoi_prf.c: hashes, PRF, algorithm numbers ---- */

size_t gdoi_hash_len(enum gdoi_hash h);		/* 0 if unknown */
const char *gdoi_hash_name(enum gdoi_hash h);
/* IKE phase 1 HASH attribute (RFC 2409 App. A; 4 = SHA2-256, RFC 4868). */
int gdoi_hash_from_ike(uint16_t ike_hash, enum gdoi_hash *h);
/* SA KEK SIG_HASH_ALGORITHM (RFC 6407 5.3: 1 MD5, 2 SHA1, 3 SHA256). */
int gdoi_hash_from_sig_hash(uint16_t sig_hash, enum gdoi_hash *h);

/* out = hash(seg[0] | ... | seg[n-1]); gdoi_hash_len(h) octets. */
int gdoi_hash(enum gdoi_hash h, const struct gdoi_seg *seg, unsigned int n, uint8_t *out);
/* out = prf(key, seg[0] | ... ) = HMAC-h; gdoi_hash_len(h) octets. */
int gdoi_prf(enum gdoi_hash h, const void *key, size_t key_len,
	     const struct gdoi_seg *seg, unsigned int n, uint8_t *out);
/* Constant-time comparison of a received HASH with the computed one. */
bool gdoi_hash_equal(const void *a, const void *b, size_t len);

/* ---- gdoi_cipher.c: CBC and ISAKMP message encryption ---- */

size_t gdoi_cipher_key_len(enum gdoi_cipher c);		/* 0 if unknown */
size_t gdoi_cipher_block_len(enum gdoi_cipher c);
const char *gdoi_cipher_name(enum gdoi_cipher c);
/* IKE ENCRYPTION attribute with KEY_LENGTH in bits (0 = absent; RFC 2409 App. A,
 * RFC 3602 for AES 7). */
int gdoi_cipher_from_ike(uint16_t ike_enc, uint16_t key_bits, enum gdoi_cipher *c);
/* SA KEK KEK_ALGORITHM with KEK_KEY_LENGTH in bits (RFC 6407 5.3). */
int gdoi_cipher_from_kek(uint16_t kek_alg, uint16_t key_bits, enum gdoi_cipher *c);

/*
 * CBC over len octets in place (len a non-zero multiple of the block).
 * iv: in, the IV; out, the last ciphertext block: the IV of the next message of
 * the exchange (RFC 2409 App. B).
 */
int gdoi_cbc_encrypt(enum gdoi_cipher c, const uint8_t *key, uint8_t *iv,
		     uint8_t *buf, size_t len);
int gdoi_cbc_decrypt(enum gdoi_cipher c, const uint8_t *key, uint8_t *iv,
		     uint8_t *buf, size_t len);

/*
 * Encrypt an ISAKMP message in place: msg holds the header and the plaintext
 * payloads (len octets, header Length = len). The body is padded with zeros to
 * the block size (RFC 2409 App. B), the E flag set, the header Length set to the
 * padded length (*out_len). -ENOSPC if the padding does not fit in cap.
 */
int gdoi_msg_encrypt(enum gdoi_cipher c, const uint8_t *key, uint8_t *iv,
		     uint8_t *msg, size_t len, size_t cap, size_t *out_len);
/* Decrypt the body of an ISAKMP message in place (header untouched);
 * -EBADMSG if the body is empty or not whole blocks. */
int gdoi_msg_decrypt(enum gdoi_cipher c, const uint8_t *key, uint8_t *iv,
		     uint8_t *msg, size_t len);

/* ---- gdoi_keys.c: phase 1 keys, IVs, HASHes (RFC 2409 5, App. B; RFC 6407) ---- */

#define GDOI_SKEYID_MAX GDOI_HASH_MAX

struct gdoi_p1_keys {
	enum gdoi_hash hash;
	enum gdoi_cipher cipher;
	size_t prf_len;				/* octets of each SKEYID* */
	uint8_t skeyid[GDOI_SKEYID_MAX];
	uint8_t skeyid_d[GDOI_SKEYID_MAX];
	uint8_t skeyid_a[GDOI_SKEYID_MAX];
	uint8_t skeyid_e[GDOI_SKEYID_MAX];
	uint8_t enc_key[GDOI_CIPHER_KEY_MAX];	/* gdoi_cipher_key_len(cipher) */
	uint8_t iv[GDOI_CIPHER_BLOCK_MAX];	/* phase 1 IV, then the last block */
};

/* What phase 1 with pre-shared keys derives its keys from. */
struct gdoi_p1_in {
	enum gdoi_hash hash;
	enum gdoi_cipher cipher;
	const uint8_t *psk;
	size_t psk_len;
	const uint8_t *ni_b, *nr_b;		/* nonce payload bodies */
	size_t ni_len, nr_len;
	const uint8_t *g_xi, *g_xr;		/* KE payload bodies */
	size_t g_x_len;
	const uint8_t *g_xy;			/* gdoi_dh_shared() */
	size_t g_xy_len;
	const uint8_t *cky_i, *cky_r;		/* GDOI_COOKIE_LEN each */
};

/* SKEYID = prf(pre-shared-key, Ni_b | Nr_b)  (RFC 2409 5) */
int gdoi_skeyid_psk(enum gdoi_hash h, const uint8_t *psk, size_t psk_len,
		    const uint8_t *ni_b, size_t ni_len, const uint8_t *nr_b, size_t nr_len,
		    uint8_t *skeyid);
/* SKEYID_d, _a, _e from SKEYID, g^xy and the cookies (RFC 2409 5). */
int gdoi_skeyid_dae(enum gdoi_hash h, const uint8_t *skeyid, const uint8_t *g_xy,
		    size_t g_xy_len, const uint8_t *cky_i, const uint8_t *cky_r,
		    uint8_t *skeyid_d, uint8_t *skeyid_a, uint8_t *skeyid_e);
/* The cipher key: the first key-length octets of SKEYID_e, or of K1 | K2 | ...
 * with K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1) when SKEYID_e is
 * shorter (RFC 2409 App. B). */
int gdoi_enc_key(enum gdoi_hash h, const uint8_t *skeyid_e, enum gdoi_cipher c,
		 uint8_t *key);
/* Phase 1 IV = hash(g^xi | g^xr) truncated to the block (RFC 2409 App. B). */
int gdoi_p1_iv(enum gdoi_hash h, enum gdoi_cipher c, const uint8_t *g_xi,
	       const uint8_t *g_xr, size_t g_x_len, uint8_t *iv);
/* IV of a phase 2 / informational exchange = hash(last phase 1 CBC block | M-ID)
 * truncated to the block (RFC 2409 App. B). mid: the 4 header octets. */
int gdoi_p2_iv(enum gdoi_hash h, enum gdoi_cipher c, const uint8_t *p1_last_block,
	       const uint8_t *mid, uint8_t *iv);
/* All of the above for a pre-shared-key phase 1; k->iv = phase 1 IV. */
int gdoi_p1_psk_keys(const struct gdoi_p1_in *in, struct gdoi_p1_keys *k);
void gdoi_p1_keys_wipe(struct gdoi_p1_keys *k);

/*
 * HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
 * HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)   (RFC 2409 5)
 * sai_b: the initiator's SA payload body; id_b: the ID payload body of the side.
 */
int gdoi_p1_auth_hash(const struct gdoi_p1_keys *k, const struct gdoi_p1_in *in,
		      bool initiator, const uint8_t *sai_b, size_t sai_len,
		      const uint8_t *id_b, size_t id_len, uint8_t *out);

/*
 * GROUPKEY-PULL HASH(n) = prf(SKEYID_a, M-ID | [Ni_b] | [Nr_b] | rest)  (RFC 6407 3.2)
 *   HASH(1): no nonce bodies       (rest = Ni, ID payloads)
 *   HASH(2): Ni_b                  (rest = Nr, SA)
 *   HASH(3), HASH(4): Ni_b, Nr_b   (rest = [GAP] / [SEQ,] KD)
 * rest: every payload after the HASH payload, generic headers included, no
 * padding. With ni_b = nr_b = NULL this is also the Informational HASH(1) of
 * RFC 2409 5.7, prf(SKEYID_a, M-ID | N/D).
 */
int gdoi_pull_hash(const struct gdoi_p1_keys *k, const uint8_t *mid,
		   const uint8_t *ni_b, size_t ni_len, const uint8_t *nr_b, size_t nr_len,
		   const uint8_t *rest, size_t rest_len, uint8_t *out);

/* KD KEK_ALGORITHM_KEY = IV | key for CBC KEKs (RFC 6407 5.6, as the GDOI reference sends it):
 * points iv and key into keymat; -EINVAL if the length is not block + key. */
int gdoi_kek_key_split(enum gdoi_cipher c, const uint8_t *keymat, size_t len,
		       const uint8_t **iv, const uint8_t **key);

/* ---- gdoi_dh.c: Diffie-Hellman (RFC 2409 6, RFC 3526, RFC 5903) ---- */

struct gdoi_dh;

/* IKE group numbers: MODP 1, 2, 5, 14; ECP 19 (P-256), 20 (P-384). */
bool gdoi_dh_group_known(unsigned int group);
/* KE payload data length: the prime's length (MODP), 2 x coordinate (ECP). */
size_t gdoi_dh_pub_len(unsigned int group);
/* g^xy length: the prime's length (MODP), one coordinate (ECP). */
size_t gdoi_dh_secret_len(unsigned int group);
/* A fresh key pair; NULL with errno set on failure. */
struct gdoi_dh *gdoi_dh_new(unsigned int group);
/* A key pair from a given private value (big-endian): for known-answer tests. */
struct gdoi_dh *gdoi_dh_from_private(unsigned int group, const uint8_t *priv, size_t len);
void gdoi_dh_free(struct gdoi_dh *dh);
/* The KE payload data: left-padded to gdoi_dh_pub_len() (RFC 2409 5, RFC 5903 7). */
int gdoi_dh_public(const struct gdoi_dh *dh, uint8_t *out, size_t len);
/* g^xy from the peer's KE data; left-padded to gdoi_dh_secret_len(). The peer's
 * value is checked: exact length, 1 < y < p-1 (MODP), on the curve (ECP). */
int gdoi_dh_shared(const struct gdoi_dh *dh, const uint8_t *peer, size_t peer_len,
		   uint8_t *out, size_t len);

/* ---- gdoi_sig.c: GROUPKEY-PUSH signature (RFC 6407 4, 5.3) ---- */

/*
 * How the digest goes into RSA PKCS#1 v1.5 (type 1) padding: wrapped in a
 * DigestInfo (RSASSA-PKCS1-v1_5, RFC 8017 8.2), or the bare digest, as the GDOI
 * reference implementation signs (RSA_private_encrypt of the hash). Chosen per
 * group by configuration, never guessed.
 */
enum gdoi_sig_fmt {
	GDOI_SIG_PKCS1_DIGESTINFO,
	GDOI_SIG_PKCS1_RAW,
};

#define GDOI_REKEY_PREFIX "rekey"

/*
 * The digest a PUSH SIG signs: hash("rekey" | HDR | payloads before the SIG).
 * msg: the plaintext message (header first); sig_off: offset of the SIG payload;
 * msg_len: the message length without encryption padding. The header is hashed
 * with the E flag set and Length = msg_len, whatever msg holds (the header is
 * signed before it is encrypted and padded, as the GDOI reference does).
 */
int gdoi_push_digest(enum gdoi_hash h, const uint8_t *msg, size_t sig_off, size_t msg_len,
		     uint8_t *digest);

/* The key server's KEK signing key from a PEM file (PKCS#1 or PKCS#8, RSA). */
EVP_PKEY *gdoi_rsa_load_pem(const char *path);
/* The KD SIG_ALGORITHM_KEY: the public key as DER SubjectPublicKeyInfo. */
EVP_PKEY *gdoi_rsa_pub_from_der(const uint8_t *der, size_t len);
int gdoi_rsa_pub_to_der(EVP_PKEY *key, uint8_t *out, size_t cap, size_t *len);
/* Modulus bits (SIG_KEY_LENGTH) and signature octets; 0 if not RSA. */
unsigned int gdoi_rsa_bits(EVP_PKEY *key);
size_t gdoi_sig_len(EVP_PKEY *key);

int gdoi_sig_sign(EVP_PKEY *priv, enum gdoi_hash h, enum gdoi_sig_fmt fmt,
		  const uint8_t *digest, uint8_t *sig, size_t cap, size_t *sig_len);
/* 0 if valid, -EBADMSG if not (wrong length, padding, digest). */
int gdoi_sig_verify(EVP_PKEY *pub, enum gdoi_hash h, enum gdoi_sig_fmt fmt,
		    const uint8_t *digest, const uint8_t *sig, size_t sig_len);

#endif /* GDOI_CRYPTO_H */
