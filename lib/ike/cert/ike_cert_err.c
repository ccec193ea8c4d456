/* SPDX-License-Identifier: BSD-3-Clause */
/* Error names and status helpers of lib/ike/cert. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ike_cert_priv.h"

static const char *const err_names[] = {
	[IKE_CERT_OK] = "ok",
	[IKE_CERT_E_EXPIRED] = "certificate expired",
	[IKE_CERT_E_NOT_YET_VALID] = "certificate not yet valid",
	[IKE_CERT_E_UNKNOWN_CA] = "unknown CA",
	[IKE_CERT_E_BAD_CHAIN] = "invalid certificate chain",
	[IKE_CERT_E_KEY_USAGE] = "certificate not valid for signatures",
	[IKE_CERT_E_KEY] = "certificate key not accepted",
	[IKE_CERT_E_NO_CERT] = "no certificate",
	[IKE_CERT_E_BAD_CERT] = "malformed certificate",
	[IKE_CERT_E_ID_NOT_IN_CERT] = "identity not in certificate",
	[IKE_CERT_E_ID_MISMATCH] = "unexpected identity",
	[IKE_CERT_E_METHOD] = "auth method not supported for the key",
	[IKE_CERT_E_BAD_AUTH] = "malformed AUTH data",
	[IKE_CERT_E_SIGNATURE] = "AUTH signature invalid",
	[IKE_CERT_E_LOAD] = "cannot load credentials",
	[IKE_CERT_E_INTERNAL] = "internal error",
};

const char *
ike_cert_err_name(enum ike_cert_err err)
{
	if ((unsigned int)err >= sizeof(err_names) / sizeof(err_names[0]))
		return "unknown error";
	return err_names[err];
}

uint16_t
ike_cert_err_notify(enum ike_cert_err err)
{
	return err == IKE_CERT_OK ? 0 : IKE_NOTIFY_AUTHENTICATION_FAILED;
}

int
ike_cert_fail(struct ike_cert_status *st, enum ike_cert_err err, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (st == NULL)
		return -EACCES;
	st->err = err;
	n = snprintf(st->reason, sizeof(st->reason), "%s", ike_cert_err_name(err));
	if (fmt != NULL && n > 0 && (size_t)n + 2 < sizeof(st->reason)) {
		memcpy(st->reason + n, ": ", 3);
		va_start(ap, fmt);
		vsnprintf(st->reason + n + 2, sizeof(st->reason) - (size_t)n - 2, fmt, ap);
		va_end(ap);
	}
	return -EACCES;
}

void
ike_cert_ok(struct ike_cert_status *st)
{
	if (st != NULL) {
		st->err = IKE_CERT_OK;
		st->reason[0] = '\0';
	}
}

void
ike_cert_subject_text(X509 *cert, char *buf, size_t cap)
{
	const X509_NAME *name = X509_get_subject_name(cert);
	unsigned char *der = NULL;
	int n = name != NULL ? i2d_X509_NAME(name, &der) : -1;

	if (n <= 0 || ike_dn_to_text(der, (size_t)n, buf, cap) < 0) {
		/* Truncated text still names it; only an unprintable name says so. */
		if (n <= 0 && cap > 0)
			snprintf(buf, cap, "(no subject)");
	}
	OPENSSL_free(der);
}

int
ike_cert_spki_sha1(X509 *cert, uint8_t out[IKE_CERTREQ_HASH_LEN])
{
	unsigned char *der = NULL;
	unsigned int md_len = 0;
	int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	int ok = n > 0 && EVP_Digest(der, (size_t)n, out, &md_len, EVP_sha1(), NULL) == 1 &&
		 md_len == IKE_CERTREQ_HASH_LEN;

	OPENSSL_free(der);
	return ok ? 0 : -EINVAL;
}
