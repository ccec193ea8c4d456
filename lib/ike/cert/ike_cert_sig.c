/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AUTH signatures (RFC 7296 2.15, 3.8): method 1 (RSASSA-PKCS1-v1_5 with
 * SHA-1), 9/10/11 (ECDSA with SHA-256/384/512 on P-256/384/521, r | s, RFC
 * 4754 7) and 14 (Digital Signature, RFC 7427 3: ASN.1 length,
 * AlgorithmIdentifier, signature). The signing and verifying are OpenSSL's;
 * this file chooses the algorithm, builds and checks the encodings.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "ike_cert_priv.h"

enum key_kind { KEY_NONE, KEY_RSA, KEY_EC };

/* What one AUTH signature needs: the digest and, for RSA, the padding. */
struct sig_alg {
	enum key_kind kind;
	const char *md;		/* OpenSSL digest name */
	bool pss;
	const char *mgf1_md;	/* PSS only */
	int salt_len;		/* PSS only */
	size_t raw_len;		/* ECDSA r|s field size for 9/10/11, 0 for DER */
};

#define ALGID_MAX 80

/* The AlgorithmIdentifiers we send (RFC 7427 A.1, A.3; hash id 2, 3, 4 = index 0..2). */
static const uint8_t algid_rsa_pkcs1[3][15] = {
	{ 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b,
	  0x05, 0x00 },
	{ 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c,
	  0x05, 0x00 },
	{ 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d,
	  0x05, 0x00 },
};
static const uint8_t algid_ecdsa[3][12] = {
	{ 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 },
	{ 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03 },
	{ 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04 },
};

static const char *const md_names[3] = { "SHA256", "SHA384", "SHA512" };
static const uint8_t md_sizes[3] = { 32, 48, 64 };

/*
 * id-RSASSA-PSS with RSASSA-PSS-params {hash, MGF1 with the same hash, salt =
 * hash length, trailer default} (RFC 4055 3.1; the hash parameters NULL as in
 * RFC 4055 2.1): the SHA-256 form is RFC 7427 A.4.3's. Returns its length.
 */
static size_t
algid_rsa_pss(unsigned int h, uint8_t *out)
{
	static const uint8_t head[] = { 0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
					0x0d, 0x01, 0x01, 0x0a, 0x30, 0x34 };
	static const uint8_t sha2[] = { 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
					0x03, 0x04, 0x02, 0x00, 0x05, 0x00 };
	static const uint8_t mgf1[] = { 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48,
					0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08 };
	size_t n = 0;

	memcpy(out, head, sizeof(head));
	n += sizeof(head);
	out[n++] = 0xa0;			/* [0] hashAlgorithm */
	out[n++] = sizeof(sha2);
	memcpy(out + n, sha2, sizeof(sha2));
	out[n + 12] = (uint8_t)(h + 1);		/* 2.16.840.1.101.3.4.2.1/2/3 */
	n += sizeof(sha2);
	memcpy(out + n, mgf1, sizeof(mgf1));	/* [1] maskGenAlgorithm mgf1 */
	n += sizeof(mgf1);
	memcpy(out + n, sha2, sizeof(sha2));
	out[n + 12] = (uint8_t)(h + 1);
	n += sizeof(sha2);
	out[n++] = 0xa2;			/* [2] saltLength */
	out[n++] = 0x03;
	out[n++] = 0x02;
	out[n++] = 0x01;
	out[n++] = md_sizes[h];
	return n;
}

static enum key_kind
key_kind(EVP_PKEY *key)
{
	if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS"))
		return KEY_RSA;
	if (EVP_PKEY_is_a(key, "EC"))
		return KEY_EC;
	return KEY_NONE;
}

/* The ECDSA method of RFC 4754 for the key's curve, 0 if none. */
static uint8_t
ecdsa_method(EVP_PKEY *key)
{
	char curve[32];

	if (key_kind(key) != KEY_EC ||
	    EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof(curve),
					   NULL) != 1)
		return 0;
	if (strcmp(curve, "prime256v1") == 0)
		return IKE_SIG_ECDSA_P256;
	if (strcmp(curve, "secp384r1") == 0)
		return IKE_SIG_ECDSA_P384;
	if (strcmp(curve, "secp521r1") == 0)
		return IKE_SIG_ECDSA_P521;
	return 0;
}

/* RFC 4754 3: the method fixes the curve and the hash; r and s fill the field. */
static bool
ecdsa_alg(uint8_t method, struct sig_alg *a)
{
	static const size_t field[3] = { 32, 48, 66 };
	unsigned int i = (unsigned int)(method - IKE_SIG_ECDSA_P256);

	if (method < IKE_SIG_ECDSA_P256 || method > IKE_SIG_ECDSA_P521)
		return false;
	*a = (struct sig_alg){ .kind = KEY_EC, .md = md_names[i], .raw_len = field[i] };
	return true;
}

int
ike_auth_choose(EVP_PKEY *key, uint32_t peer_hash_mask, bool rsa_pss,
		struct ike_sig_choice *choice)
{
	uint8_t ec = ecdsa_method(key);
	/* The hash that fits the key: SHA-256 for RSA, the curve's for ECDSA. */
	uint8_t want = ec ? (uint8_t)(IKE_HASH_SHA256 + (ec - IKE_SIG_ECDSA_P256))
			  : IKE_HASH_SHA256;
	uint8_t h;

	if (key_kind(key) == KEY_NONE || (key_kind(key) == KEY_EC && ec == 0))
		return -ENOTSUP;
	if (peer_hash_mask == 0) {	/* no RFC 7427: the methods of RFC 7296 / 4754 */
		*choice = (struct ike_sig_choice){ .method = ec ? ec : IKE_SIG_RSA_SHA1 };
		return 0;
	}
	h = want;
	if (!(peer_hash_mask & (1u << h)))
		for (h = IKE_HASH_SHA256; h <= IKE_HASH_SHA512; h++)
			if (peer_hash_mask & (1u << h))
				break;
	if (h > IKE_HASH_SHA512)
		return -ENOTSUP;	/* the peer lists no SHA-2 */
	*choice = (struct ike_sig_choice){ .method = IKE_SIG_DIGITAL, .hash = h,
					   .pss = rsa_pss && !ec };
	return 0;
}

/* DigestSign / DigestVerify context for a; the signing or verifying is the caller's. */
static EVP_MD_CTX *
sig_ctx(EVP_PKEY *key, const struct sig_alg *a, bool sign)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	if (md == NULL)
		return NULL;
	ok = (sign ? EVP_DigestSignInit_ex(md, &pctx, a->md, NULL, NULL, key, NULL)
		   : EVP_DigestVerifyInit_ex(md, &pctx, a->md, NULL, NULL, key, NULL)) == 1;
	if (ok && a->kind == KEY_RSA)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, a->pss ? RSA_PKCS1_PSS_PADDING
							       : RSA_PKCS1_PADDING) > 0;
	if (ok && a->pss)
		ok = EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, a->mgf1_md, NULL) > 0 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, a->salt_len) > 0;
	if (!ok) {
		EVP_MD_CTX_free(md);
		ERR_clear_error();
		return NULL;
	}
	return md;
}

/* DER Ecdsa-Sig-Value -> r | s, each len octets (RFC 4754 7). */
static int
ecdsa_der_to_raw(const uint8_t *der, size_t der_len, uint8_t *out, size_t len)
{
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	const BIGNUM *r, *s;
	int ok;

	if (sig == NULL)
		return -EIO;
	ECDSA_SIG_get0(sig, &r, &s);
	ok = BN_bn2binpad(r, out, (int)len) == (int)len &&
	     BN_bn2binpad(s, out + len, (int)len) == (int)len;
	ECDSA_SIG_free(sig);
	return ok ? 0 : -EIO;
}

/* r | s -> DER Ecdsa-Sig-Value; the caller frees *der with OPENSSL_free. */
static int
ecdsa_raw_to_der(const uint8_t *raw, size_t len, uint8_t **der, size_t *der_len)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)len, NULL), *s = BN_bin2bn(raw + len, (int)len, NULL);
	int n = -1;

	*der = NULL;
	if (sig != NULL && r != NULL && s != NULL && ECDSA_SIG_set0(sig, r, s) == 1) {
		r = s = NULL;	/* owned by sig now */
		n = i2d_ECDSA_SIG(sig, der);
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	if (n <= 0)
		return -ENOMEM;
	*der_len = (size_t)n;
	return 0;
}

static int
do_sign(EVP_PKEY *key, const struct sig_alg *a, const uint8_t *octets, size_t octets_len,
	uint8_t *out, size_t cap, size_t *out_len)
{
	size_t max = (size_t)EVP_PKEY_get_size(key), n = max;
	uint8_t der[160];	/* a DER ECDSA signature of P-521 is at most 139 octets */
	EVP_MD_CTX *md;
	int ok, ret;

	if (a->raw_len != 0 && (max > sizeof(der) || cap < 2 * a->raw_len))
		return -ENOSPC;
	if (a->raw_len == 0 && cap < max)
		return -ENOSPC;
	md = sig_ctx(key, a, true);
	if (md == NULL)
		return -EINVAL;
	ok = EVP_DigestSign(md, a->raw_len ? der : out, &n, octets, octets_len) == 1;
	EVP_MD_CTX_free(md);
	if (!ok) {
		ERR_clear_error();
		return -EIO;
	}
	if (a->raw_len == 0) {
		*out_len = n;
		return 0;
	}
	ret = ecdsa_der_to_raw(der, n, out, a->raw_len);
	if (ret == 0)
		*out_len = 2 * a->raw_len;
	return ret;
}

int
ike_auth_sign(EVP_PKEY *key, const struct ike_sig_choice *c, const uint8_t *octets,
	      size_t octets_len, uint8_t *auth, size_t cap, size_t *auth_len)
{
	enum key_kind kind = key_kind(key);
	uint8_t algid[ALGID_MAX];
	struct sig_alg a;
	size_t algid_len, n;
	unsigned int h;
	int ret;

	switch (c->method) {
	case IKE_SIG_RSA_SHA1:
		if (kind != KEY_RSA)
			return -EINVAL;
		a = (struct sig_alg){ .kind = KEY_RSA, .md = "SHA1" };
		return do_sign(key, &a, octets, octets_len, auth, cap, auth_len);
	case IKE_SIG_ECDSA_P256:
	case IKE_SIG_ECDSA_P384:
	case IKE_SIG_ECDSA_P521:
		if (ecdsa_method(key) != c->method || !ecdsa_alg(c->method, &a))
			return -EINVAL;
		return do_sign(key, &a, octets, octets_len, auth, cap, auth_len);
	case IKE_SIG_DIGITAL:
		break;
	default:
		return -EINVAL;
	}
	if (c->hash < IKE_HASH_SHA256 || c->hash > IKE_HASH_SHA512 || kind == KEY_NONE ||
	    (c->pss && kind != KEY_RSA))
		return -EINVAL;
	h = c->hash - IKE_HASH_SHA256;
	a = (struct sig_alg){ .kind = kind, .md = md_names[h], .pss = c->pss,
			      .mgf1_md = md_names[h], .salt_len = md_sizes[h] };
	if (kind == KEY_EC) {
		algid_len = sizeof(algid_ecdsa[h]);
		memcpy(algid, algid_ecdsa[h], algid_len);
	} else if (c->pss) {
		algid_len = algid_rsa_pss(h, algid);
	} else {
		algid_len = sizeof(algid_rsa_pkcs1[h]);
		memcpy(algid, algid_rsa_pkcs1[h], algid_len);
	}
	if (cap < 1 + algid_len)
		return -ENOSPC;
	auth[0] = (uint8_t)algid_len;	/* RFC 7427 3: ASN.1 Length, one octet */
	memcpy(auth + 1, algid, algid_len);
	ret = do_sign(key, &a, octets, octets_len, auth + 1 + algid_len, cap - 1 - algid_len, &n);
	if (ret == 0)
		*auth_len = 1 + algid_len + n;
	return ret;
}

/* A SHA-2 digest NID as our index 0..2, -1 otherwise. */
static int
sha2_index(int nid)
{
	switch (nid) {
	case NID_sha256:
		return 0;
	case NID_sha384:
		return 1;
	case NID_sha512:
		return 2;
	default:
		return -1;
	}
}

/* Parameters of a hash AlgorithmIdentifier inside PSS: absent or NULL. */
static bool
null_or_absent(const ASN1_TYPE *t)
{
	return t == NULL || ASN1_TYPE_get(t) == V_ASN1_NULL;
}

/* RSASSA-PSS-params (RFC 4055 3.1) into a: SHA-2 hash, MGF1, salt, trailer 1. */
static bool
pss_params(const X509_ALGOR *alg, struct sig_alg *a, const char **why)
{
	const ASN1_TYPE *param = alg->parameter;
	RSA_PSS_PARAMS *pss;
	X509_ALGOR *mgf_hash = NULL;
	int hash_nid = NID_sha1, mgf_nid = NID_sha1, h, m;
	long salt = 20;
	bool ok = false;

	if (param == NULL || ASN1_TYPE_get(param) != V_ASN1_SEQUENCE) {
		*why = "RSASSA-PSS without parameters";
		return false;
	}
	pss = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS), param);
	if (pss == NULL) {
		*why = "malformed RSASSA-PSS parameters";
		return false;
	}
	if (pss->hashAlgorithm != NULL) {
		hash_nid = OBJ_obj2nid(pss->hashAlgorithm->algorithm);
		if (!null_or_absent(pss->hashAlgorithm->parameter))
			hash_nid = NID_undef;
	}
	if (pss->maskGenAlgorithm != NULL) {
		if (OBJ_obj2nid(pss->maskGenAlgorithm->algorithm) != NID_mgf1 ||
		    pss->maskGenAlgorithm->parameter == NULL ||
		    ASN1_TYPE_get(pss->maskGenAlgorithm->parameter) != V_ASN1_SEQUENCE)
			mgf_nid = NID_undef;
		else
			mgf_hash = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR),
							     pss->maskGenAlgorithm->parameter);
		mgf_nid = mgf_hash != NULL && null_or_absent(mgf_hash->parameter)
				  ? OBJ_obj2nid(mgf_hash->algorithm) : NID_undef;
	}
	if (pss->saltLength != NULL)
		salt = ASN1_INTEGER_get(pss->saltLength);
	h = sha2_index(hash_nid);
	m = sha2_index(mgf_nid);
	if (h < 0) {
		*why = "RSASSA-PSS hash not SHA-256/384/512";
	} else if (m < 0 && mgf_nid != NID_sha1) {
		*why = "RSASSA-PSS mask generation not MGF1 with SHA-1 or SHA-2";
	} else if (salt < 0 || salt > 1024) {
		*why = "RSASSA-PSS salt length out of range";
	} else if (pss->trailerField != NULL && ASN1_INTEGER_get(pss->trailerField) != 1) {
		*why = "RSASSA-PSS trailer field not 1";
	} else {
		*a = (struct sig_alg){ .kind = KEY_RSA, .md = md_names[h], .pss = true,
				       .mgf1_md = m < 0 ? "SHA1" : md_names[m],
				       .salt_len = (int)salt };
		ok = true;
	}
	X509_ALGOR_free(mgf_hash);
	RSA_PSS_PARAMS_free(pss);
	return ok;
}

/* The AlgorithmIdentifier of method 14 into a (RFC 7427 3, A). */
static bool
algid_to_alg(const uint8_t *der, size_t len, struct sig_alg *a, const char **why)
{
	const unsigned char *p = der;
	X509_ALGOR *alg = d2i_X509_ALGOR(NULL, &p, (long)len);
	const ASN1_OBJECT *oid;
	const void *pval;
	int ptype, nid;
	bool ok = true;

	if (alg == NULL || p != der + len) {
		X509_ALGOR_free(alg);
		ERR_clear_error();
		*why = "AlgorithmIdentifier is not one DER value of its ASN.1 length";
		return false;
	}
	X509_ALGOR_get0(&oid, &ptype, &pval, alg);
	nid = OBJ_obj2nid(oid);
	switch (nid) {
	case NID_sha256WithRSAEncryption:
	case NID_sha384WithRSAEncryption:
	case NID_sha512WithRSAEncryption:
		/* RFC 8017 A.2.4: parameters NULL (absent tolerated, as OpenSSL does) */
		ok = ptype == V_ASN1_NULL || ptype == V_ASN1_UNDEF;
		*a = (struct sig_alg){ .kind = KEY_RSA,
				       .md = md_names[nid - NID_sha256WithRSAEncryption] };
		break;
	case NID_ecdsa_with_SHA256:
	case NID_ecdsa_with_SHA384:
	case NID_ecdsa_with_SHA512:
		ok = ptype == V_ASN1_UNDEF;	/* RFC 5758 3.2: parameters absent */
		*a = (struct sig_alg){ .kind = KEY_EC,
				       .md = md_names[nid - NID_ecdsa_with_SHA256] };
		break;
	case NID_rsassaPss:
		ok = pss_params(alg, a, why);
		X509_ALGOR_free(alg);
		return ok;
	default:
		*why = "signature algorithm not supported (SHA-2 with RSA, RSASSA-PSS or ECDSA)";
		X509_ALGOR_free(alg);
		return false;
	}
	if (!ok)
		*why = "unexpected AlgorithmIdentifier parameters";
	X509_ALGOR_free(alg);
	return ok;
}

static int
do_verify(EVP_PKEY *pub, const struct sig_alg *a, const uint8_t *sig, size_t sig_len,
	  const uint8_t *octets, size_t octets_len, struct ike_cert_status *st)
{
	uint8_t *der = NULL;
	EVP_MD_CTX *md;
	int r;

	if (a->raw_len != 0) {
		if (sig_len != 2 * a->raw_len)
			return ike_cert_fail(st, IKE_CERT_E_BAD_AUTH,
					     "ECDSA r|s of %zu octets, expected %zu", sig_len,
					     2 * a->raw_len);
		if (ecdsa_raw_to_der(sig, a->raw_len, &der, &sig_len) < 0)
			return ike_cert_fail(st, IKE_CERT_E_INTERNAL, "ECDSA signature encoding");
		sig = der;
	} else if (a->kind == KEY_RSA && sig_len != (size_t)EVP_PKEY_get_size(pub)) {
		/* RFC 8017 8.1.2, 8.2.2: exactly the modulus length */
		return ike_cert_fail(st, IKE_CERT_E_BAD_AUTH,
				     "RSA signature of %zu octets, key of %d", sig_len,
				     EVP_PKEY_get_size(pub));
	}
	md = sig_ctx(pub, a, false);
	if (md == NULL) {
		OPENSSL_free(der);
		return ike_cert_fail(st, IKE_CERT_E_METHOD, "%s%s not usable with the key",
				     a->md, a->pss ? " RSASSA-PSS" : "");
	}
	r = EVP_DigestVerify(md, sig, sig_len, octets, octets_len);
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ERR_clear_error();
	if (r != 1)
		return ike_cert_fail(st, IKE_CERT_E_SIGNATURE, "%s%s%s signature does not verify",
				     a->kind == KEY_EC ? "ECDSA " : "RSA ", a->md,
				     a->pss ? " PSS" : "");
	ike_cert_ok(st);
	return 0;
}

int
ike_auth_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *auth, size_t auth_len,
		const uint8_t *octets, size_t octets_len, struct ike_cert_status *st)
{
	enum key_kind kind = key_kind(pub);
	const char *why = NULL;
	struct sig_alg a;
	size_t alen;

	switch (method) {
	case IKE_SIG_RSA_SHA1:
		if (kind != KEY_RSA)
			return ike_cert_fail(st, IKE_CERT_E_METHOD,
					     "method 1 (RSA) with a %s key",
					     EVP_PKEY_get0_type_name(pub));
		a = (struct sig_alg){ .kind = KEY_RSA, .md = "SHA1" };
		return do_verify(pub, &a, auth, auth_len, octets, octets_len, st);
	case IKE_SIG_ECDSA_P256:
	case IKE_SIG_ECDSA_P384:
	case IKE_SIG_ECDSA_P521:
		if (ecdsa_method(pub) != method || !ecdsa_alg(method, &a))
			return ike_cert_fail(st, IKE_CERT_E_METHOD,
					     "method %u needs ECDSA on P-%s", method,
					     method == 9 ? "256" : method == 10 ? "384" : "521");
		return do_verify(pub, &a, auth, auth_len, octets, octets_len, st);
	case IKE_SIG_DIGITAL:
		break;
	default:
		return ike_cert_fail(st, IKE_CERT_E_METHOD, "auth method %u", method);
	}
	if (auth_len < 1 || auth[0] == 0 || (size_t)auth[0] + 1 >= auth_len)
		return ike_cert_fail(st, IKE_CERT_E_BAD_AUTH,
				     "ASN.1 length %u does not fit %zu octets of AUTH data",
				     auth_len ? auth[0] : 0, auth_len);
	alen = auth[0];
	if (!algid_to_alg(auth + 1, alen, &a, &why))
		return ike_cert_fail(st, IKE_CERT_E_BAD_AUTH, "%s", why);
	if (a.kind != kind)
		return ike_cert_fail(st, IKE_CERT_E_METHOD, "%s signature with a %s key",
				     a.kind == KEY_EC ? "ECDSA" : "RSA",
				     EVP_PKEY_get0_type_name(pub));
	return do_verify(pub, &a, auth + 1 + alen, auth_len - 1 - alen, octets, octets_len, st);
}
