/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IKE_CRYPTO_H
#define IKE_CRYPTO_H

/*
 * IKEv2 crypto as pure functions over OpenSSL 3 EVP (RFC 7296 2.13-2.17,
 * 2.15, 3.14; RFC 5282 for AES-GCM in the SK payload; RFC 5903 / RFC 8031
 * for the elliptic groups). No state, no DPDK; the exchange code owns the
 * keys and wipes them (ike_keys_wipe) when the SA dies.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_msg.h"

#define IKE_MAX_PRF_LEN 64
#define IKE_MAX_KEY_LEN 64
#define IKE_MAX_ICV 32
#define IKE_MAX_DH_PUB 384		/* MODP-3072 */

/* The negotiated IKE SA transforms. encr_bits: the key length in bits. */
struct ike_suite {
	uint16_t encr, encr_bits, prf, integ, dh;
};

/* The seven keys of RFC 7296 2.14. AEAD: sk_a* empty, sk_e* = key || 4-octet salt. */
struct ike_keys {
	uint8_t sk_d[IKE_MAX_PRF_LEN], sk_ai[IKE_MAX_KEY_LEN], sk_ar[IKE_MAX_KEY_LEN];
	uint8_t sk_ei[IKE_MAX_KEY_LEN], sk_er[IKE_MAX_KEY_LEN];
	uint8_t sk_pi[IKE_MAX_PRF_LEN], sk_pr[IKE_MAX_PRF_LEN];
	uint32_t d_len, a_len, e_len, p_len;
};

struct ike_iov {
	const void *p;
	size_t len;
};

/* Output length of a PRF (= its preferred key length), 0 if unsupported. */
unsigned int ike_prf_len(uint16_t prf);
/* Integrity key and ICV length, -ENOTSUP if unsupported. NONE: 0, 0. */
int ike_integ_sizes(uint16_t integ, unsigned int *key_len, unsigned int *icv_len);
/*
 * Cipher sizes for the SK payload: key (with the salt for GCM), IV on the
 * wire, block (padding alignment), ICV of an AEAD (0 for CBC). -ENOTSUP.
 */
int ike_encr_sizes(uint16_t encr, uint16_t bits, unsigned int *key_len, unsigned int *iv_len,
		   unsigned int *block, unsigned int *aead_icv);
bool ike_encr_is_aead(uint16_t encr);
/* Is the suite implemented (every transform, including the group)? */
bool ike_suite_supported(const struct ike_suite *s);

/* prf(key, v[0] | v[1] | ...) -> out (ike_prf_len octets). 0 or -errno. */
int ike_prf(uint16_t prf, const uint8_t *key, size_t klen, const struct ike_iov *v,
	    unsigned int n, uint8_t *out);
/* prf+ (RFC 7296 2.13): len octets of T1 | T2 | ... into out (len <= 255 * prf_len). */
int ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen, const uint8_t *seed,
		 size_t slen, uint8_t *out, size_t len);

/* SKEYSEED = prf(Ni | Nr, g^ir) (RFC 7296 2.14). out: ike_prf_len octets. */
int ike_skeyseed(uint16_t prf, const uint8_t *ni, size_t nilen, const uint8_t *nr,
		 size_t nrlen, const uint8_t *gir, size_t glen, uint8_t *out);
/* SKEYSEED of a rekeyed IKE SA = prf(SK_d (old), g^ir (new) | Ni | Nr) (RFC 7296 2.18). */
int ike_skeyseed_rekey(uint16_t old_prf, const uint8_t *sk_d, size_t dlen,
		       const uint8_t *gir, size_t glen, const uint8_t *ni, size_t nilen,
		       const uint8_t *nr, size_t nrlen, uint8_t *out);
/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) */
int ike_keys_derive(const struct ike_suite *s, const uint8_t *skeyseed, const uint8_t *ni,
		    size_t nilen, const uint8_t *nr, size_t nrlen, uint64_t spi_i,
		    uint64_t spi_r, struct ike_keys *k);
void ike_keys_wipe(struct ike_keys *k);

/* KEYMAT = prf+(SK_d, [g^ir (new)] | Ni | Nr) (RFC 7296 2.17); gir may be NULL. */
int ike_child_keymat(uint16_t prf, const uint8_t *sk_d, size_t dlen, const uint8_t *gir,
		     size_t glen, const uint8_t *ni, size_t nilen, const uint8_t *nr,
		     size_t nrlen, uint8_t *out, size_t len);

/*
 * Shared-key AUTH (RFC 7296 2.15): prf(prf(psk, "Key Pad for IKEv2"),
 * <message> | <peer's nonce> | prf(SK_p, RestOfIDPayload)). out: ike_prf_len.
 */
int ike_psk_auth(uint16_t prf, const uint8_t *psk, size_t psklen, const uint8_t *msg,
		 size_t mlen, const uint8_t *nonce, size_t nlen, const uint8_t *sk_p,
		 size_t plen, const uint8_t *id_body, size_t idlen, uint8_t *out);

/*
 * SK payload (RFC 7296 3.14, RFC 5282). Seal: writes the header (length set),
 * then an SK payload holding iv | E(plain | pad | pad length) | ICV into out.
 * `iv` has iv_len octets (random in production, fixed in tests). The keys are
 * SK_ei/SK_ai when the initiator sends, SK_er/SK_ar otherwise.
 */
int ike_sk_seal(const struct ike_suite *s, const uint8_t *ekey, const uint8_t *akey,
		const struct ike_hdr *hdr, uint8_t first_inner, const uint8_t *plain,
		uint32_t plen, const uint8_t *iv, uint8_t *out, uint32_t cap, uint32_t *out_len);
/*
 * The same as one SKF fragment (RFC 7383 2.5): Fragment Number `num` of
 * `total`, first_inner only in number 1.
 */
int ike_skf_seal(const struct ike_suite *s, const uint8_t *ekey, const uint8_t *akey,
		 const struct ike_hdr *hdr, uint8_t first_inner, uint16_t num, uint16_t total,
		 const uint8_t *plain, uint32_t plen, const uint8_t *iv, uint8_t *out,
		 uint32_t cap, uint32_t *out_len);
/*
 * Open the SK (or one SKF) payload of a parsed message (msg->sk_index >= 0) of buf: verify
 * the ICV in constant time, decrypt into plain (cap >= SK body), strip the
 * padding. 0, -EBADMSG (ICV or padding wrong), -EINVAL (sizes), -errno.
 */
int ike_sk_open(const struct ike_suite *s, const uint8_t *ekey, const uint8_t *akey,
		const uint8_t *buf, const struct ike_msg *msg, uint8_t *plain, uint32_t cap,
		uint32_t *plen);

/* ---- Diffie-Hellman (ike_dh.c) ---- */
struct ike_dh;
bool ike_dh_supported(uint16_t group);
/* Public value length on the wire (RFC 7296 3.4, RFC 5903 7, RFC 8031), 0 if unsupported. */
unsigned int ike_dh_pub_len(uint16_t group);
/* A fresh key pair. NULL + errno. */
struct ike_dh *ike_dh_new(uint16_t group);
void ike_dh_free(struct ike_dh *dh);
uint16_t ike_dh_group(const struct ike_dh *dh);
/* Our public value as on the wire. 0 or -errno; *len set. */
int ike_dh_pub(const struct ike_dh *dh, uint8_t *out, size_t cap, size_t *len);
/* g^ir from the peer's public value (validated). 0, -EINVAL (bad value), -errno. */
int ike_dh_derive(const struct ike_dh *dh, const uint8_t *peer, size_t plen, uint8_t *out,
		  size_t cap, size_t *len);

/* Constant-time comparison: 0 if equal. */
int ike_ct_cmp(const void *a, const void *b, size_t len);
/* Random octets (RAND_bytes). 0 or -EIO. */
int ike_random(void *out, size_t len);

#endif /* IKE_CRYPTO_H */
