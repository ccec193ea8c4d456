/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals shared by the ike_cert_*.c files. */
#ifndef IKE_CERT_PRIV_H
#define IKE_CERT_PRIV_H

#include <openssl/x509.h>

#include "ike_cert.h"

struct ike_cred {
	EVP_PKEY *key;
	X509 *cert;			/* end entity */
	STACK_OF(X509) *chain;		/* intermediates, sent after it */
};

struct ike_trust {
	X509_STORE *store;
	STACK_OF(X509) *anchors;	/* the same certificates, for CERTREQ */
	time_t when;			/* 0 = now */
	unsigned int refs;		/* ike_trust_ref()s not yet freed */
};

/* Set st (may be NULL) to err with a printf reason; returns -EACCES. */
int ike_cert_fail(struct ike_cert_status *st, enum ike_cert_err err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ike_cert_ok(struct ike_cert_status *st);

/* "C=CH, O=strongSwan, CN=moon" of a certificate's subject, for reasons. */
void ike_cert_subject_text(X509 *cert, char *buf, size_t cap);

/* RSA of 2048 to 8192 bits (RFC 8247 4) or ECDSA on P-256, P-384, P-521; else why. */
bool ike_cert_key_supported(EVP_PKEY *key, char *why, size_t cap);

/* SHA-1 of the certificate's SubjectPublicKeyInfo (RFC 7296 3.7). */
int ike_cert_spki_sha1(X509 *cert, uint8_t out[IKE_CERTREQ_HASH_LEN]);

#endif /* IKE_CERT_PRIV_H */
