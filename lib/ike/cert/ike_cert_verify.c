/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The peer's certificate chain, its identity in the certificate (RFC 4945
 * 3.1, 5.1.3) and the whole IKE_AUTH check (RFC 7296 2.15).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <ctype.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ike_cert_priv.h"

/* A CERT payload body of encoding 4 as a certificate; NULL if another encoding. */
static int
cert_from_body(const uint8_t *body, size_t len, X509 **out)
{
	const unsigned char *p;
	X509 *x;

	*out = NULL;
	if (len < 1)
		return -EBADMSG;
	if (body[0] != IKE_CERT_ENC_X509_SIG)
		return -EPROTONOSUPPORT;
	if (len - 1 > LONG_MAX)
		return -EBADMSG;
	p = body + 1;
	x = d2i_X509(NULL, &p, (long)(len - 1));
	if (x == NULL || p != body + len) {	/* one certificate, nothing after it */
		X509_free(x);
		ERR_clear_error();
		return -EBADMSG;
	}
	*out = x;
	return 0;
}

static enum ike_cert_err
map_verify_error(int code)
{
	switch (code) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CRL_HAS_EXPIRED:
		return IKE_CERT_E_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
	case X509_V_ERR_CRL_NOT_YET_VALID:
		return IKE_CERT_E_NOT_YET_VALID;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		return IKE_CERT_E_UNKNOWN_CA;
	default:
		return IKE_CERT_E_BAD_CHAIN;
	}
}

/* keyUsage, if present, must allow signatures (RFC 4945 5.1.3.2). */
static bool
usable_for_signatures(X509 *x)
{
	uint32_t ku = X509_get_key_usage(x);	/* UINT32_MAX when absent */

	return ku == UINT32_MAX || (ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) != 0;
}

int
ike_cert_verify_chain(const struct ike_trust *t, const uint8_t *const *cert,
		      const size_t *cert_len, unsigned int n_certs, X509 **ee,
		      struct ike_cert_status *st)
{
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	char subject[160], why[96] = "no public key";
	X509 *leaf = NULL, *x, *bad;
	unsigned int i;
	int ret = 0, r, code, depth;

	*ee = NULL;
	if (untrusted == NULL || ctx == NULL) {
		ret = ike_cert_fail(st, IKE_CERT_E_INTERNAL, "out of memory");
		goto out;
	}
	for (i = 0; i < n_certs && i < IKE_CERT_CHAIN_MAX && ret == 0; i++) {
		r = cert_from_body(cert[i], cert_len[i], &x);
		if (r == -EPROTONOSUPPORT)
			continue;	/* another encoding: not ours to use */
		if (r < 0) {
			ret = ike_cert_fail(st, IKE_CERT_E_BAD_CERT,
					    "CERT payload %u is not one DER certificate", i + 1);
		} else if (leaf == NULL) {
			leaf = x;
		} else if (sk_X509_push(untrusted, x) <= 0) {
			X509_free(x);
			ret = ike_cert_fail(st, IKE_CERT_E_INTERNAL, "out of memory");
		}
	}
	if (ret < 0)
		goto out;
	if (leaf == NULL) {
		ret = ike_cert_fail(st, IKE_CERT_E_NO_CERT,
				    "no X.509 certificate (encoding 4) among %u CERT payloads",
				    n_certs);
		goto out;
	}
	if (X509_STORE_CTX_init(ctx, t->store, leaf, untrusted) != 1) {
		ret = ike_cert_fail(st, IKE_CERT_E_INTERNAL, "X509_STORE_CTX_init");
		goto out;
	}
	if (t->when != 0)
		X509_STORE_CTX_set_time(ctx, 0, t->when);
	if (X509_verify_cert(ctx) != 1) {
		code = X509_STORE_CTX_get_error(ctx);
		depth = X509_STORE_CTX_get_error_depth(ctx);
		bad = X509_STORE_CTX_get_current_cert(ctx);
		ike_cert_subject_text(bad != NULL ? bad : leaf, subject, sizeof(subject));
		ret = ike_cert_fail(st, map_verify_error(code), "%s (depth %d: %s)", subject,
				    depth, X509_verify_cert_error_string(code));
		ERR_clear_error();
		goto out;
	}
	if (!usable_for_signatures(leaf)) {
		ike_cert_subject_text(leaf, subject, sizeof(subject));
		ret = ike_cert_fail(st, IKE_CERT_E_KEY_USAGE,
				    "%s: keyUsage has neither digitalSignature nor nonRepudiation",
				    subject);
		goto out;
	}
	if (X509_get0_pubkey(leaf) == NULL ||
	    !ike_cert_key_supported(X509_get0_pubkey(leaf), why, sizeof(why))) {
		ike_cert_subject_text(leaf, subject, sizeof(subject));
		ret = ike_cert_fail(st, IKE_CERT_E_KEY, "%s: %s", subject, why);
		goto out;
	}
	*ee = leaf;
	leaf = NULL;
	ike_cert_ok(st);
out:
	X509_free(leaf);
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(untrusted, X509_free);
	return ret;
}

static bool
same_name(const ASN1_STRING *s, const struct ike_id *id)
{
	const unsigned char *p = ASN1_STRING_get0_data(s);
	int n = ASN1_STRING_length(s), i;

	if (n != id->len)
		return false;
	for (i = 0; i < n; i++)
		if (tolower(p[i]) != tolower(id->data[i]))
			return false;
	return true;
}

static bool
san_has(X509 *cert, const struct ike_id *id)
{
	GENERAL_NAMES *sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	const ASN1_OCTET_STRING *ip;
	bool found = false;
	int i;

	for (i = 0; i < sk_GENERAL_NAME_num(sans) && !found; i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);

		switch (id->type) {
		case IKE_IDTYPE_FQDN:
			found = gn->type == GEN_DNS && same_name(gn->d.dNSName, id);
			break;
		case IKE_IDTYPE_RFC822_ADDR:
			found = gn->type == GEN_EMAIL && same_name(gn->d.rfc822Name, id);
			break;
		case IKE_IDTYPE_IPV4_ADDR:
		case IKE_IDTYPE_IPV6_ADDR:
			ip = gn->d.iPAddress;
			found = gn->type == GEN_IPADD && ASN1_STRING_length(ip) == id->len &&
				memcmp(ASN1_STRING_get0_data(ip), id->data, id->len) == 0;
			break;
		default:
			break;
		}
	}
	GENERAL_NAMES_free(sans);
	return found;
}

static bool
subject_is(X509 *cert, const struct ike_id *id)
{
	unsigned char *der = NULL;
	int n = i2d_X509_NAME(X509_get_subject_name(cert), &der);
	bool eq = n > 0 && ike_dn_equal(der, (size_t)n, id->data, id->len);

	OPENSSL_free(der);
	return eq;
}

static bool
key_id_is(X509 *cert, const struct ike_id *id)
{
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(cert);

	return ski != NULL && ASN1_STRING_length(ski) == id->len &&
	       memcmp(ASN1_STRING_get0_data(ski), id->data, id->len) == 0;
}

int
ike_cert_match_id(X509 *cert, const struct ike_id *id, struct ike_cert_status *st)
{
	char text[IKE_ID_TEXT_MAX], subject[160];
	bool found;

	switch (id->type) {
	case IKE_IDTYPE_DER_ASN1_DN:
		found = subject_is(cert, id);
		break;
	case IKE_IDTYPE_KEY_ID:
		found = key_id_is(cert, id);
		break;
	default:
		found = san_has(cert, id);
		break;
	}
	if (found) {
		ike_cert_ok(st);
		return 0;
	}
	ike_id_to_text(id, text, sizeof(text));
	ike_cert_subject_text(cert, subject, sizeof(subject));
	return ike_cert_fail(st, IKE_CERT_E_ID_NOT_IN_CERT, "%s %s is not in the certificate of %s",
			     ike_id_type_name(id->type), text, subject);
}

int
ike_cred_local_id(const struct ike_cred *cred, const struct ike_id *configured,
		  struct ike_id *id, struct ike_cert_status *st)
{
	int ret;

	if (configured != NULL && configured->type != IKE_IDTYPE_ANY) {
		ret = ike_cert_match_id(ike_cred_cert(cred), configured, st);
		if (ret < 0)
			return ret;
		if (configured->type != IKE_IDTYPE_DER_ASN1_DN) {
			*id = *configured;
			return 0;
		}
	}
	if (ike_cred_id(cred, IKE_IDTYPE_DER_ASN1_DN, id) < 0)
		return ike_cert_fail(st, IKE_CERT_E_BAD_CERT, "no subject DN");
	ike_cert_ok(st);
	return 0;
}

int
ike_cert_verify_peer(const struct ike_trust *t, const struct ike_peer_auth *peer,
		     const struct ike_id *expected, struct ike_cert_status *st)
{
	char got[IKE_ID_TEXT_MAX], want[IKE_ID_TEXT_MAX];
	X509 *ee = NULL;
	EVP_PKEY *pub;
	int ret;

	if (expected != NULL && !ike_id_matches(expected, peer->id)) {
		ike_id_to_text(peer->id, got, sizeof(got));
		ike_id_to_text(expected, want, sizeof(want));
		return ike_cert_fail(st, IKE_CERT_E_ID_MISMATCH, "peer is %s %s, configured %s %s",
				     ike_id_type_name(peer->id->type), got,
				     ike_id_type_name(expected->type), want);
	}
	ret = ike_cert_verify_chain(t, peer->cert, peer->cert_len, peer->n_certs, &ee, st);
	if (ret == 0)
		ret = ike_cert_match_id(ee, peer->id, st);
	if (ret == 0) {
		pub = X509_get0_pubkey(ee);
		ret = pub == NULL ? ike_cert_fail(st, IKE_CERT_E_BAD_CERT, "no public key")
				  : ike_auth_verify(pub, peer->method, peer->auth, peer->auth_len,
						    peer->octets, peer->octets_len, st);
	}
	X509_free(ee);
	return ret;
}
