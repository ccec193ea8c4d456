/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 authentication by X.509 certificates and signatures, for the exchange
 * code (IKE_AUTH, RFC 7296 2.15): our credentials (key + chain from PEM), the
 * trust anchors, CERT / CERTREQ payload bodies (3.6, 3.7), AUTH signatures for
 * methods 1 (RSA PKCS#1 v1.5 SHA-1), 9/10/11 (ECDSA, RFC 4754) and 14 (Digital
 * Signature, RFC 7427), and the peer check: chain, identity in the certificate,
 * configured identity, AUTH. The caller builds the signed octets (2.15) and the
 * payload headers. Plain C11 over OpenSSL 3; no DPDK; thread-safe per object
 * (a credential or trust store may be shared read-only by threads once loaded).
 *
 * Every failure of the peer check is an enum ike_cert_err with a reason text;
 * each maps to the notify AUTHENTICATION_FAILED (RFC 7296 2.21.2).
 */
#ifndef IKE_CERT_H
#define IKE_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/types.h>

#include "ike_id.h"

#define IKE_CERT_ENC_X509_SIG 4			/* Cert Encoding, RFC 7296 3.6 */
#define IKE_NOTIFY_AUTHENTICATION_FAILED 24	/* RFC 7296 3.10.1 */
#define IKE_NOTIFY_SIGNATURE_HASH_ALGORITHMS 16431	/* RFC 7427 4 */
#define IKE_CERTREQ_HASH_LEN 20			/* SHA-1 of a CA's SubjectPublicKeyInfo */
#define IKE_CERT_CHAIN_MAX 8			/* CERT payloads taken from a peer */
/* AUTH data of any key ike_cred_load() accepts (RSA <= 8192 bits + RFC 7427 prefix). */
#define IKE_AUTH_SIG_MAX 1100

/*
 * The signature Auth Methods of RFC 7296 3.8 (IANA "IKEv2 Authentication
 * Method"): the same numbers as lib/ike's auth methods, named apart so that
 * both headers can be included together.
 */
enum ike_sig_method {
	IKE_SIG_RSA_SHA1 = 1,		/* RSA Digital Signature */
	IKE_SIG_ECDSA_P256 = 9,		/* RFC 4754: SHA-256 on P-256 */
	IKE_SIG_ECDSA_P384 = 10,	/* SHA-384 on P-384 */
	IKE_SIG_ECDSA_P521 = 11,	/* SHA-512 on P-521 */
	IKE_SIG_DIGITAL = 14,		/* RFC 7427 Digital Signature */
};

/* Hash Algorithm Identifiers of SIGNATURE_HASH_ALGORITHMS, RFC 7427 7. */
enum ike_hash_alg {
	IKE_HASH_SHA1 = 1,
	IKE_HASH_SHA256 = 2,
	IKE_HASH_SHA384 = 3,
	IKE_HASH_SHA512 = 4,
};

/* Why a peer failed to authenticate (or a credential failed to load). */
enum ike_cert_err {
	IKE_CERT_OK = 0,
	IKE_CERT_E_EXPIRED,		/* "certificate expired" */
	IKE_CERT_E_NOT_YET_VALID,	/* "certificate not yet valid" */
	IKE_CERT_E_UNKNOWN_CA,		/* "unknown CA" */
	IKE_CERT_E_BAD_CHAIN,		/* "invalid certificate chain" */
	IKE_CERT_E_KEY_USAGE,		/* "certificate not valid for signatures" */
	IKE_CERT_E_KEY,			/* "certificate key not accepted" */
	IKE_CERT_E_NO_CERT,		/* "no certificate" */
	IKE_CERT_E_BAD_CERT,		/* "malformed certificate" */
	IKE_CERT_E_ID_NOT_IN_CERT,	/* "identity not in certificate" */
	IKE_CERT_E_ID_MISMATCH,		/* "unexpected identity" */
	IKE_CERT_E_METHOD,		/* "auth method not supported for the key" */
	IKE_CERT_E_BAD_AUTH,		/* "malformed AUTH data" */
	IKE_CERT_E_SIGNATURE,		/* "AUTH signature invalid" */
	IKE_CERT_E_LOAD,		/* "cannot load credentials" */
	IKE_CERT_E_INTERNAL,		/* "internal error" (allocation, OpenSSL) */
};

#define IKE_CERT_REASON_MAX 256

/* Outcome of a check: the code and a sentence for the log ("certificate
 * expired: C=CH, O=strongSwan, CN=moon (depth 0)"). */
struct ike_cert_status {
	enum ike_cert_err err;
	char reason[IKE_CERT_REASON_MAX];
};

const char *ike_cert_err_name(enum ike_cert_err err);
/* Notify to send for err: AUTHENTICATION_FAILED, or 0 for IKE_CERT_OK. */
uint16_t ike_cert_err_notify(enum ike_cert_err err);

/* ---- ike_cert_creds.c: our credentials and the trust anchors ---- */

struct ike_cred;	/* private key + end-entity certificate + intermediates */
struct ike_trust;	/* trust anchors (CA certificates) */

/*
 * Load our credentials: cert_file holds the end-entity certificate (PEM) and
 * may hold intermediates after it; key_file the private key (PEM, PKCS#8 or
 * traditional; RSA >= 2048 bits, ECDSA P-256, P-384, P-521), which must belong
 * to the certificate. NULL on failure with st set (errno EINVAL / ENOENT).
 */
struct ike_cred *ike_cred_load(const char *cert_file, const char *key_file,
			       struct ike_cert_status *st);
/* More intermediates (PEM, one or several) sent after the end-entity one. */
int ike_cred_add_chain(struct ike_cred *cred, const char *file, struct ike_cert_status *st);
void ike_cred_free(struct ike_cred *cred);

EVP_PKEY *ike_cred_key(const struct ike_cred *cred);	/* owned by cred */
X509 *ike_cred_cert(const struct ike_cred *cred);	/* end-entity, owned by cred */
/* Certificates to send: 1 (end entity) + intermediates. */
unsigned int ike_cred_chain_len(const struct ike_cred *cred);
/*
 * Our identity from the certificate: IKE_IDTYPE_DER_ASN1_DN = the subject, or the
 * first subjectAltName of type FQDN / RFC822 / IPV4 / IPV6. -ENOENT if none.
 */
int ike_cred_id(const struct ike_cred *cred, uint8_t type, struct ike_id *id);

/*
 * The identity to send in IDi / IDr: the configured one (NULL or IKE_IDTYPE_ANY =
 * the subject DN, strongSwan's default), which must be in our certificate
 * (ike_cert_match_id; else -EACCES, IKE_CERT_E_ID_NOT_IN_CERT). A configured
 * DN is sent as the certificate's own subject octets, not re-encoded from the
 * text: a peer that compares DNs by their encoding still finds it in the
 * certificate.
 */
int ike_cred_local_id(const struct ike_cred *cred, const struct ike_id *configured,
		      struct ike_id *id, struct ike_cert_status *st);

struct ike_trust *ike_trust_new(void);
/* CA certificates from a PEM file (several allowed) or a DER file. */
int ike_trust_add_file(struct ike_trust *t, const char *path, struct ike_cert_status *st);
/* Every regular file of a directory that holds certificates (like swanctl/x509ca). */
int ike_trust_add_dir(struct ike_trust *t, const char *dir, struct ike_cert_status *st);
unsigned int ike_trust_count(const struct ike_trust *t);
/* Verify at a fixed time instead of now (0 = now); for tests and replay. */
void ike_trust_set_time(struct ike_trust *t, time_t when);
/*
 * One more reference (a job that verifies while a reload may free the trust):
 * ike_trust_free() then drops one. Both on one thread (the control loop's).
 */
struct ike_trust *ike_trust_ref(struct ike_trust *t);
void ike_trust_free(struct ike_trust *t);

/* ---- ike_cert_payload.c: CERT, CERTREQ, SIGNATURE_HASH_ALGORITHMS bodies ---- */

/*
 * CERT payload body number i of our chain (0 = end entity, RFC 7296 3.6: the
 * first CERT carries the key that verifies AUTH): Cert Encoding 4, DER.
 */
int ike_cred_cert_body(const struct ike_cred *cred, unsigned int i, uint8_t *out, size_t cap,
		       size_t *len);
/* CERTREQ body: Cert Encoding 4, then SHA-1 of each anchor's SubjectPublicKeyInfo. */
int ike_certreq_body(const struct ike_trust *t, uint8_t *out, size_t cap, size_t *len);
/*
 * Check a received CERTREQ body: encoding 4, a whole number of 20-octet
 * hashes (then *n_hashes, *hashes point into body). -EPROTONOSUPPORT for
 * another encoding (the caller ignores it), -EBADMSG if malformed.
 */
int ike_certreq_parse(const uint8_t *body, size_t len, const uint8_t **hashes,
		      unsigned int *n_hashes);
/* Does the CERTREQ name the CA (an anchor of t) that issued our chain? */
bool ike_certreq_wants(const uint8_t *hashes, unsigned int n_hashes,
		       const struct ike_cred *cred, const struct ike_trust *t);
/* SIGNATURE_HASH_ALGORITHMS notification data we send: SHA2-256, -384, -512. */
int ike_sig_hash_notify_body(uint8_t *out, size_t cap, size_t *len);
/* Parse the peer's: bit (1 << id) set in *mask for each hash id listed. */
int ike_sig_hash_notify_parse(const uint8_t *data, size_t len, uint32_t *mask);

/* ---- ike_cert_sig.c: AUTH signatures ---- */

/* How to sign: method 1, 9, 10, 11 or 14; for 14, the hash and PSS or not. */
struct ike_sig_choice {
	uint8_t method;
	uint8_t hash;		/* enum ike_hash_alg, method 14 only */
	bool pss;		/* RSASSA-PSS (method 14, RSA keys only) */
};

/*
 * Choose the method for key: with RFC 7427 support (peer_hash_mask != 0, from
 * ike_sig_hash_notify_parse) method 14 with SHA-256 for RSA and P-256 keys,
 * SHA-384 for P-384 and SHA-512 for P-521 if the peer lists it (else another
 * SHA-2 it lists); without it method 1 for RSA, 9/10/11 for ECDSA.
 * -ENOTSUP if the key cannot sign in any way the peer accepts.
 */
int ike_auth_choose(EVP_PKEY *key, uint32_t peer_hash_mask, bool rsa_pss,
		    struct ike_sig_choice *choice);

/*
 * AUTH data (the payload body after Auth Method and RESERVED, RFC 7296 3.8)
 * over the octets of 2.15. Method 14 data = ASN.1 length, AlgorithmIdentifier,
 * signature (RFC 7427 3). ECDSA 9/10/11: r | s, each the curve's size (RFC
 * 4754 7); in method 14 the DER Ecdsa-Sig-Value.
 */
int ike_auth_sign(EVP_PKEY *key, const struct ike_sig_choice *choice, const uint8_t *octets,
		  size_t octets_len, uint8_t *auth, size_t cap, size_t *auth_len);

/*
 * Verify AUTH data made with method over octets with the public key pub.
 * 0, or -EACCES with st: IKE_CERT_E_METHOD (method unknown or not for this
 * key: RSA for 1, the right curve for 9/10/11), IKE_CERT_E_BAD_AUTH (method
 * 14 AlgorithmIdentifier unknown or malformed, r|s of the wrong size),
 * IKE_CERT_E_SIGNATURE.
 */
int ike_auth_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *auth, size_t auth_len,
		    const uint8_t *octets, size_t octets_len, struct ike_cert_status *st);

/* ---- ike_cert_verify.c: the peer ---- */

/* What the peer sent in IKE_AUTH, as views into the decrypted message. */
struct ike_peer_auth {
	const uint8_t *cert[IKE_CERT_CHAIN_MAX];	/* CERT payload bodies, wire order */
	size_t cert_len[IKE_CERT_CHAIN_MAX];
	unsigned int n_certs;
	const struct ike_id *id;			/* IDi / IDr decoded */
	uint8_t method;					/* AUTH payload */
	const uint8_t *auth;
	size_t auth_len;
	const uint8_t *octets;				/* what AUTH signs (2.15) */
	size_t octets_len;
};

/*
 * Verify the peer's end-entity certificate (first CERT of encoding 4) against
 * the anchors of t with the other CERTs as untrusted intermediates, at t's
 * time. On success *ee holds a reference the caller frees with X509_free().
 * Errors: NO_CERT, BAD_CERT, EXPIRED, NOT_YET_VALID, UNKNOWN_CA, BAD_CHAIN,
 * KEY_USAGE (keyUsage present without digitalSignature / nonRepudiation,
 * RFC 4945 5.1.3.2), KEY (not RSA of 2048 to 8192 bits or ECDSA on P-256,
 * P-384, P-521, as for our own key); -EACCES with st.
 */
int ike_cert_verify_chain(const struct ike_trust *t, const uint8_t *const *cert,
			  const size_t *cert_len, unsigned int n_certs, X509 **ee,
			  struct ike_cert_status *st);

/*
 * Is id the certificate's (RFC 4945 3.1)? DN: the subject; FQDN, RFC822,
 * IPV4, IPV6: a subjectAltName dNSName / rfc822Name / iPAddress; KEY_ID: the
 * subjectKeyIdentifier. Names compare case-insensitively. 0 or -EACCES with
 * IKE_CERT_E_ID_NOT_IN_CERT.
 */
int ike_cert_match_id(X509 *cert, const struct ike_id *id, struct ike_cert_status *st);

/*
 * The whole peer check of IKE_AUTH: the received identity satisfies the
 * configured one (expected, NULL = any), the chain verifies, the identity is
 * the certificate's, AUTH verifies with its key. 0 or -EACCES with st.
 */
int ike_cert_verify_peer(const struct ike_trust *t, const struct ike_peer_auth *peer,
			 const struct ike_id *expected, struct ike_cert_status *st);

#endif /* IKE_CERT_H */
