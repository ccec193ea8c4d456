/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Payload bodies: CERT (RFC 7296 3.6), CERTREQ (3.7) and the data of the
 * SIGNATURE_HASH_ALGORITHMS notification (RFC 7427 4). The caller writes the
 * generic payload headers.
 */
#include <errno.h>
#include <string.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ike_cert_priv.h"

int
ike_cred_cert_body(const struct ike_cred *cred, unsigned int i, uint8_t *out, size_t cap,
		   size_t *len)
{
	X509 *x = i == 0 ? cred->cert
		  : i < ike_cred_chain_len(cred) ? sk_X509_value(cred->chain, (int)i - 1) : NULL;
	unsigned char *p = out + 1;
	int n;

	if (x == NULL)
		return -ENOENT;
	n = i2d_X509(x, NULL);
	if (n <= 0)
		return -EINVAL;
	if (cap < 1 + (size_t)n)
		return -ENOSPC;
	out[0] = IKE_CERT_ENC_X509_SIG;
	if (i2d_X509(x, &p) != n)
		return -EIO;
	*len = 1 + (size_t)n;
	return 0;
}

int
ike_certreq_body(const struct ike_trust *t, uint8_t *out, size_t cap, size_t *len)
{
	unsigned int i, n = ike_trust_count(t);

	if (n == 0)
		return -ENOENT;
	if (cap < 1 + (size_t)n * IKE_CERTREQ_HASH_LEN)
		return -ENOSPC;
	out[0] = IKE_CERT_ENC_X509_SIG;
	for (i = 0; i < n; i++)
		if (ike_cert_spki_sha1(sk_X509_value(t->anchors, (int)i),
				       out + 1 + i * IKE_CERTREQ_HASH_LEN) < 0)
			return -EIO;
	*len = 1 + (size_t)n * IKE_CERTREQ_HASH_LEN;
	return 0;
}

int
ike_certreq_parse(const uint8_t *body, size_t len, const uint8_t **hashes,
		  unsigned int *n_hashes)
{
	if (len < 1)
		return -EBADMSG;
	if (body[0] != IKE_CERT_ENC_X509_SIG)
		return -EPROTONOSUPPORT;
	/* RFC 7296 3.7: a concatenated list of SHA-1 hashes (none allowed: "any CA"). */
	if ((len - 1) % IKE_CERTREQ_HASH_LEN != 0)
		return -EBADMSG;
	*hashes = body + 1;
	*n_hashes = (unsigned int)((len - 1) / IKE_CERTREQ_HASH_LEN);
	return 0;
}

/* Is cert's issuer the anchor a? */
static bool
issued_by(X509 *cert, X509 *a)
{
	return X509_check_issued(a, cert) == X509_V_OK;
}

bool
ike_certreq_wants(const uint8_t *hashes, unsigned int n_hashes, const struct ike_cred *cred,
		  const struct ike_trust *t)
{
	unsigned int n = ike_cred_chain_len(cred), i, k;
	X509 *top = n > 1 ? sk_X509_value(cred->chain, (int)n - 2) : cred->cert;
	uint8_t h[IKE_CERTREQ_HASH_LEN];

	/* The anchor that issued the last certificate of our chain. */
	for (i = 0; i < ike_trust_count(t); i++) {
		X509 *a = sk_X509_value(t->anchors, (int)i);

		if (!issued_by(top, a) || ike_cert_spki_sha1(a, h) < 0)
			continue;
		for (k = 0; k < n_hashes; k++)
			if (memcmp(hashes + k * IKE_CERTREQ_HASH_LEN, h, sizeof(h)) == 0)
				return true;
	}
	return false;
}

int
ike_sig_hash_notify_body(uint8_t *out, size_t cap, size_t *len)
{
	static const uint8_t ours[] = { 0, IKE_HASH_SHA256, 0, IKE_HASH_SHA384,
					0, IKE_HASH_SHA512 };

	if (cap < sizeof(ours))
		return -ENOSPC;
	memcpy(out, ours, sizeof(ours));
	*len = sizeof(ours);
	return 0;
}

int
ike_sig_hash_notify_parse(const uint8_t *data, size_t len, uint32_t *mask)
{
	size_t i;

	/* RFC 7427 4: a list of 16-bit Hash Algorithm Identifiers. */
	if (len == 0 || len % 2 != 0)
		return -EBADMSG;
	*mask = 0;
	for (i = 0; i < len; i += 2) {
		unsigned int id = (unsigned int)(data[i] << 8 | data[i + 1]);

		if (id < 32)	/* unknown ids beyond ours are skipped */
			*mask |= 1u << id;
	}
	return 0;
}
