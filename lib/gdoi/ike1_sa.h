/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IKE1_SA_H
#define IKE1_SA_H

/*
 * The IKEv1 phase 1 SA that protects GROUPKEY-PULL (RFC 2409 5, RFC 6407 3),
 * role-neutral: the group member initiates Main Mode, the key server
 * responds, both keep the same record. It holds the cookies, the negotiated
 * transform, the Diffie-Hellman pair, the nonces, SKEYID*, the phase 1 IV chain
 * and the per-Message-ID IVs of phase 2 / Informational exchanges (RFC 2409
 * App. B), and encrypts and decrypts messages with them. The Main Mode
 * messages themselves are built and checked by ike1_mm.c (initiator) and the
 * key server's responder. No DPDK, no sockets, no clock: the caller passes
 * time in and sends the octets.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gdoi_build.h"
#include "gdoi_crypto.h"
#include "gdoi_msg.h"

#define IKE1_NONCE_LEN 20	/* what we send; RFC 2409 5: 8..256 octets */
#define IKE1_NONCE_MAX 256
#define IKE1_KE_MAX 256		/* MODP-2048 (group 14); ECP-384 is 96 */
#define IKE1_SA_BODY_MAX 512	/* SAi_b: one proposal of up to IKE1_MAX_XFORMS transforms */
#define IKE1_MAX_XFORMS 16
#define IKE1_P2_SLOTS 4		/* phase 2 exchanges in flight at once */
#define IKE1_ID_MAX 64

/* One phase 1 transform (RFC 2409 App. A numbers). */
struct ike1_xform {
	uint16_t enc;		/* ENCRYPTION_ALGORITHM: 1 DES, 5 3DES, 7 AES-CBC */
	uint16_t key_bits;	/* KEY_LENGTH (AES), 0 otherwise */
	uint16_t hash;		/* HASH_ALGORITHM: 1 MD5, 2 SHA, 4 SHA2-256 */
	uint16_t group;		/* GROUP_DESCRIPTION: 1, 2, 5, 14, 19, 20 */
	uint16_t auth;		/* AUTHENTICATION_METHOD: 1 pre-shared key */
	uint32_t life_s;	/* LIFE_TYPE seconds + LIFE_DURATION, 0 = none */
};

enum ike1_state {
	IKE1_ST_NONE = 0,
	IKE1_ST_MM1,		/* initiator sent 1 / responder got 1 */
	IKE1_ST_MM3,		/* KE and nonce sent */
	IKE1_ST_MM5,		/* ID and HASH sent (initiator) */
	IKE1_ST_ESTABLISHED,
	IKE1_ST_DEAD,
};

struct ike1_p2 {
	uint32_t mid;		/* 0 = free slot */
	uint8_t iv[GDOI_CIPHER_BLOCK_MAX];
};

struct ike1_sa {
	bool initiator;
	enum ike1_state state;
	uint8_t cky_i[GDOI_COOKIE_LEN], cky_r[GDOI_COOKIE_LEN];
	struct ike1_xform xf;			/* the one negotiated */
	enum gdoi_hash hash;
	enum gdoi_cipher cipher;
	struct gdoi_dh *dh;
	uint8_t g_xi[IKE1_KE_MAX], g_xr[IKE1_KE_MAX];
	size_t g_x_len;
	uint8_t ni[IKE1_NONCE_MAX], nr[IKE1_NONCE_MAX];
	size_t ni_len, nr_len;
	uint8_t sai_b[IKE1_SA_BODY_MAX];	/* initiator's SA payload body (HASH_I/R) */
	size_t sai_len;
	struct gdoi_p1_keys k;			/* k.iv: the phase 1 CBC chain */
	bool keyed;				/* k holds derived keys */
	uint8_t p1_last[GDOI_CIPHER_BLOCK_MAX];	/* last CBC block of phase 1 */
	struct ike1_p2 p2[IKE1_P2_SLOTS];
	uint8_t peer_id[IKE1_ID_MAX];		/* the peer's ID payload body (MM5/MM6) */
	size_t peer_id_len;
	char why[256];				/* the last refusal, for the caller's log */
};

/* Fresh SA with our cookie (random); the peer's is zero until it answers. */
int ike1_sa_init(struct ike1_sa *sa, bool initiator);
/* Wipe the keys and free the DH pair. */
void ike1_sa_wipe(struct ike1_sa *sa);
const char *ike1_state_name(enum ike1_state s);

/* The transform's numbers as lib/gdoi crypto enums; -ENOTSUP (why set) if unknown. */
int ike1_xform_check(struct ike1_sa *sa, const struct ike1_xform *xf);
/* A transform's attributes into xf; -EBADMSG on a malformed or duplicated one. */
int ike1_xform_decode(const struct gdoi_attrs *attrs, struct ike1_xform *xf);
bool ike1_xform_equal(const struct ike1_xform *a, const struct ike1_xform *b);

/*
 * The SA payload of Main Mode (DOI GDOI, situation IDENTITY_ONLY; one ISAKMP
 * proposal with KEY_IKE transforms numbered from 1). *body_off: where its body
 * starts in b (to copy SAi_b once the message is finished).
 */
int ike1_sa_payload(struct gdoi_bld *b, const struct ike1_xform *xf, unsigned int n,
		    size_t *body_off);

/* Own DH pair for the negotiated group and own nonce (random). */
int ike1_sa_make_ke_nonce(struct ike1_sa *sa);
/*
 * SKEYID, SKEYID_d/a/e, the cipher key and the phase 1 IV from the pre-shared
 * key, once both KE and nonces are known (RFC 2409 5, App. B). g_xy: NULL to
 * compute it from own DH pair and the peer's KE (tests pass a known one).
 */
int ike1_sa_derive(struct ike1_sa *sa, const uint8_t *psk, size_t psk_len,
		   const uint8_t *g_xy, size_t g_xy_len);

/* HASH_I (initiator = true) or HASH_R over id_b, the ID body of that side. */
int ike1_sa_auth_hash(const struct ike1_sa *sa, bool initiator, const uint8_t *id_b,
		      size_t id_len, uint8_t *out);

/* Encrypt / decrypt a Main Mode 5/6 message on the phase 1 IV chain. */
int ike1_sa_p1_encrypt(struct ike1_sa *sa, uint8_t *msg, size_t len, size_t cap,
		       size_t *out_len);
int ike1_sa_p1_decrypt(struct ike1_sa *sa, uint8_t *msg, size_t len);
/* Phase 1 is done: remember its last CBC block (phase 2 IVs derive from it). */
void ike1_sa_established(struct ike1_sa *sa);

/*
 * Phase 2 / Informational (GROUPKEY-PULL): each Message ID has its own IV chain
 * starting at hash(last phase 1 block | M-ID) (RFC 2409 App. B). The first use
 * of a Message ID opens its slot (-ENOSPC when all are busy); p2_end frees it.
 * Decrypt keeps the IV unchanged when it fails.
 */
int ike1_sa_p2_encrypt(struct ike1_sa *sa, uint32_t mid, uint8_t *msg, size_t len,
		       size_t cap, size_t *out_len);
int ike1_sa_p2_decrypt(struct ike1_sa *sa, uint32_t mid, uint8_t *msg, size_t len);
void ike1_sa_p2_end(struct ike1_sa *sa, uint32_t mid);
/* A fresh random Message ID, non-zero and not in use. */
uint32_t ike1_sa_new_mid(const struct ike1_sa *sa);

/* The GROUPKEY-PULL / Informational HASH with SKEYID_a (gdoi_pull_hash). */
int ike1_sa_pull_hash(const struct ike1_sa *sa, uint32_t mid, const uint8_t *ni_b,
		      size_t ni_len, const uint8_t *nr_b, size_t nr_len,
		      const uint8_t *rest, size_t rest_len, uint8_t *out);

/* A header for a message of this SA (cookies, exchange, flags, M-ID). */
void ike1_sa_hdr(const struct ike1_sa *sa, uint8_t exchange, uint8_t flags, uint32_t mid,
		 struct gdoi_hdr *h);

/* ---- Main Mode initiator (ike1_mm.c), pre-shared keys ---- */

/* Message 1: our transforms (at most IKE1_MAX_XFORMS) in preference order. */
int ike1_mm_i1(struct ike1_sa *sa, const struct ike1_xform *xf, unsigned int n,
	       uint8_t *buf, size_t cap, size_t *len);
/* Message 2: the responder's cookie and the one transform it chose of ours. */
int ike1_mm_i2(struct ike1_sa *sa, const struct ike1_xform *offered, unsigned int n,
	       const uint8_t *buf, size_t len);
/* Message 3: KE, Ni. */
int ike1_mm_i3(struct ike1_sa *sa, uint8_t *buf, size_t cap, size_t *len);
/* Message 4: KE, Nr; derives the keys. */
int ike1_mm_i4(struct ike1_sa *sa, const uint8_t *psk, size_t psk_len,
	       const uint8_t *buf, size_t len);
/* Message 4 without the keys: KE and Nr taken; g^xy made elsewhere, then ike1_sa_derive(). */
int ike1_mm_i4_peer(struct ike1_sa *sa, const uint8_t *buf, size_t len);
/* Message 5: IDii (our IPv4 address, UDP 848), HASH_I, encrypted. */
int ike1_mm_i5(struct ike1_sa *sa, const uint8_t ip4[4], uint8_t *buf, size_t cap,
	       size_t *len);
/* The same with an IPv6 (AF_INET6, 16 octets: ID_IPV6_ADDR) or IPv4 address. */
int ike1_mm_i5_addr(struct ike1_sa *sa, int family, const uint8_t *ip, uint8_t *buf,
		    size_t cap, size_t *len);
/* Message 6: decrypted in place, HASH_R checked; the SA is then established. */
int ike1_mm_i6(struct ike1_sa *sa, uint8_t *buf, size_t len);

#endif /* IKE1_SA_H */
