/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the wire input lib/ike/cert reads besides identities:
 * AUTH data (ike_auth_verify with the method of the first octet, against an
 * RSA and an ECDSA P-256 key: RFC 7427 AlgorithmIdentifier, RSASSA-PSS
 * parameters, r|s), a CERT body (ike_cert_verify_chain, empty trust store),
 * a CERTREQ body and SIGNATURE_HASH_ALGORITHMS data. Every refusal must give
 * a reason. No EAL; the keys are made once per process.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ike_cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *rsa, *ec;
static struct ike_trust *trust;

static void
setup(void)
{
	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	trust = ike_trust_new();
	if (rsa == NULL || ec == NULL || trust == NULL)
		abort();
}

static void
verify(EVP_PKEY *key, uint8_t method, const uint8_t *auth, size_t len)
{
	static const uint8_t octets[] = { 'a', 'b', 'c' };
	struct ike_cert_status st;

	/* random data never verifies; a refusal names its reason */
	if (ike_auth_verify(key, method, auth, len, octets, sizeof(octets), &st) != -EACCES ||
	    st.err == IKE_CERT_OK || st.reason[0] == '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t methods[] = { 1, 9, 10, 11, 14, 14, 14, 2 };
	const uint8_t *body = data + 1, *hashes;
	struct ike_cert_status st;
	unsigned int n;
	uint32_t mask;
	X509 *ee = NULL;

	if (rsa == NULL)
		setup();
	if (size < 1)
		return 0;
	verify(rsa, methods[data[0] & 7], body, size - 1);
	verify(ec, methods[data[0] & 7], body, size - 1);
	size--;
	if (ike_cert_verify_chain(trust, &body, &size, 1, &ee, &st) != -EACCES || ee != NULL ||
	    st.reason[0] == '\0')
		abort();
	if (ike_certreq_parse(body, size, &hashes, &n) == 0 &&
	    (hashes != body + 1 || 1 + (size_t)n * IKE_CERTREQ_HASH_LEN != size))
		abort();
	if (ike_sig_hash_notify_parse(body, size, &mask) == 0 && size % 2 != 0)
		abort();
	return 0;
}
