/* SPDX-License-Identifier: BSD-3-Clause */
/* Our credentials (key + chain) and the trust anchors, from PEM / DER files. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ike_cert_priv.h"

#define RSA_MIN_BITS 2048	/* RFC 8247 4: smaller RSA keys are not to be used */
#define RSA_MAX_BITS 8192	/* what IKE_AUTH_SIG_MAX holds */

/* Every certificate of a PEM file, or the one of a DER file; NULL if none. */
static STACK_OF(X509) *
read_certs(const char *path)
{
	STACK_OF(X509) *certs = sk_X509_new_null();
	BIO *bio = BIO_new_file(path, "rb");
	X509 *x;

	if (certs == NULL || bio == NULL)
		goto fail;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		if (sk_X509_push(certs, x) <= 0) {
			X509_free(x);
			goto fail;
		}
	ERR_clear_error();	/* the end of the file reads as "no start line" */
	if (sk_X509_num(certs) == 0 && BIO_reset(bio) == 0) {
		x = d2i_X509_bio(bio, NULL);
		if (x != NULL && sk_X509_push(certs, x) <= 0) {
			X509_free(x);
			goto fail;
		}
		ERR_clear_error();
	}
	BIO_free(bio);
	if (sk_X509_num(certs) == 0) {
		sk_X509_free(certs);
		return NULL;
	}
	return certs;
fail:
	BIO_free(bio);
	sk_X509_pop_free(certs, X509_free);
	return NULL;
}

bool
ike_cert_key_supported(EVP_PKEY *key, char *why, size_t cap)
{
	int bits = EVP_PKEY_get_bits(key);
	char curve[32] = "";

	if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS")) {
		if (bits >= RSA_MIN_BITS && bits <= RSA_MAX_BITS)
			return true;
		snprintf(why, cap, "RSA key of %d bits (%d to %d)", bits, RSA_MIN_BITS,
			 RSA_MAX_BITS);
		return false;
	}
	if (EVP_PKEY_is_a(key, "EC") &&
	    EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof(curve), NULL) == 1 &&
	    (strcmp(curve, "prime256v1") == 0 || strcmp(curve, "secp384r1") == 0 ||
	     strcmp(curve, "secp521r1") == 0))
		return true;
	snprintf(why, cap, "unsupported key type %s %s", EVP_PKEY_get0_type_name(key), curve);
	return false;
}

struct ike_cred *
ike_cred_load(const char *cert_file, const char *key_file, struct ike_cert_status *st)
{
	struct ike_cred *cred = calloc(1, sizeof(*cred));
	STACK_OF(X509) *certs = NULL;
	char why[96];
	BIO *bio = NULL;

	if (cred == NULL) {
		ike_cert_fail(st, IKE_CERT_E_INTERNAL, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	certs = read_certs(cert_file);
	if (certs == NULL) {
		ike_cert_fail(st, IKE_CERT_E_LOAD, "%s: no certificate (PEM or DER)", cert_file);
		errno = ENOENT;
		goto fail;
	}
	cred->cert = sk_X509_shift(certs);
	cred->chain = certs;
	bio = BIO_new_file(key_file, "rb");
	cred->key = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	ERR_clear_error();
	if (cred->key == NULL) {
		ike_cert_fail(st, IKE_CERT_E_LOAD, "%s: no private key (PEM)", key_file);
		errno = ENOENT;
		goto fail;
	}
	if (!ike_cert_key_supported(cred->key, why, sizeof(why))) {
		ike_cert_fail(st, IKE_CERT_E_LOAD, "%s: %s", key_file, why);
		errno = EINVAL;
		goto fail;
	}
	if (X509_check_private_key(cred->cert, cred->key) != 1) {
		ERR_clear_error();
		ike_cert_fail(st, IKE_CERT_E_LOAD, "%s is not the key of %s", key_file, cert_file);
		errno = EINVAL;
		goto fail;
	}
	ike_cert_ok(st);
	return cred;
fail:
	ike_cred_free(cred);
	return NULL;
}

int
ike_cred_add_chain(struct ike_cred *cred, const char *file, struct ike_cert_status *st)
{
	STACK_OF(X509) *certs = read_certs(file);
	X509 *x;

	if (certs == NULL)
		return ike_cert_fail(st, IKE_CERT_E_LOAD, "%s: no certificate", file);
	while ((x = sk_X509_shift(certs)) != NULL)
		if (sk_X509_push(cred->chain, x) <= 0) {
			X509_free(x);
			sk_X509_pop_free(certs, X509_free);
			return ike_cert_fail(st, IKE_CERT_E_INTERNAL, "out of memory");
		}
	sk_X509_free(certs);
	ike_cert_ok(st);
	return 0;
}

void
ike_cred_free(struct ike_cred *cred)
{
	if (cred == NULL)
		return;
	EVP_PKEY_free(cred->key);	/* OpenSSL cleanses the private key */
	X509_free(cred->cert);
	sk_X509_pop_free(cred->chain, X509_free);
	free(cred);
}

EVP_PKEY *
ike_cred_key(const struct ike_cred *cred)
{
	return cred->key;
}

X509 *
ike_cred_cert(const struct ike_cred *cred)
{
	return cred->cert;
}

unsigned int
ike_cred_chain_len(const struct ike_cred *cred)
{
	return 1 + (unsigned int)sk_X509_num(cred->chain);
}

static int
san_to_id(const GENERAL_NAME *gn, uint8_t type, struct ike_id *id)
{
	const ASN1_STRING *s;
	int want;

	switch (type) {
	case IKE_IDTYPE_FQDN:
		want = GEN_DNS;
		break;
	case IKE_IDTYPE_RFC822_ADDR:
		want = GEN_EMAIL;
		break;
	case IKE_IDTYPE_IPV4_ADDR:
	case IKE_IDTYPE_IPV6_ADDR:
		want = GEN_IPADD;
		break;
	default:
		return -ENOENT;
	}
	if (gn->type != want)
		return -ENOENT;
	s = want == GEN_IPADD ? gn->d.iPAddress : gn->d.ia5;
	if (ASN1_STRING_length(s) <= 0 || ASN1_STRING_length(s) > IKE_ID_DATA_MAX)
		return -ENOENT;
	if (want == GEN_IPADD && ASN1_STRING_length(s) != (type == IKE_IDTYPE_IPV4_ADDR ? 4 : 16))
		return -ENOENT;
	id->type = type;
	id->len = (uint16_t)ASN1_STRING_length(s);
	memcpy(id->data, ASN1_STRING_get0_data(s), id->len);
	return 0;
}

int
ike_cred_id(const struct ike_cred *cred, uint8_t type, struct ike_id *id)
{
	GENERAL_NAMES *sans;
	unsigned char *der = NULL;
	int i, n, ret = -ENOENT;

	if (type == IKE_IDTYPE_DER_ASN1_DN) {
		n = i2d_X509_NAME(X509_get_subject_name(cred->cert), &der);
		if (n > 2 && n <= IKE_ID_DATA_MAX) {
			id->type = IKE_IDTYPE_DER_ASN1_DN;
			id->len = (uint16_t)n;
			memcpy(id->data, der, (size_t)n);
			ret = 0;
		}
		OPENSSL_free(der);
		return ret;
	}
	sans = X509_get_ext_d2i(cred->cert, NID_subject_alt_name, NULL, NULL);
	for (i = 0; i < sk_GENERAL_NAME_num(sans) && ret < 0; i++)
		ret = san_to_id(sk_GENERAL_NAME_value(sans, i), type, id);
	GENERAL_NAMES_free(sans);
	return ret;
}

struct ike_trust *
ike_trust_new(void)
{
	struct ike_trust *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->store = X509_STORE_new();
	t->anchors = sk_X509_new_null();
	if (t->store == NULL || t->anchors == NULL) {
		ike_trust_free(t);
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

static int
add_anchor(struct ike_trust *t, X509 *x, const char *path, struct ike_cert_status *st)
{
	char subject[160];
	int i;

	for (i = 0; i < sk_X509_num(t->anchors); i++)
		if (X509_cmp(sk_X509_value(t->anchors, i), x) == 0)
			return 0;	/* the same CA from two files */
	/* An anchor must be a CA: an end-entity certificate would trust itself. */
	if (X509_check_ca(x) == 0) {
		ike_cert_subject_text(x, subject, sizeof(subject));
		return ike_cert_fail(st, IKE_CERT_E_LOAD, "%s: %s is not a CA certificate",
				     path, subject);
	}
	if (X509_STORE_add_cert(t->store, x) != 1 || !X509_up_ref(x) ||
	    sk_X509_push(t->anchors, x) <= 0)
		return ike_cert_fail(st, IKE_CERT_E_INTERNAL, "out of memory");
	return 0;
}

int
ike_trust_add_file(struct ike_trust *t, const char *path, struct ike_cert_status *st)
{
	STACK_OF(X509) *certs = read_certs(path);
	int i, ret = 0;

	if (certs == NULL)
		return ike_cert_fail(st, IKE_CERT_E_LOAD, "%s: no certificate (PEM or DER)", path);
	for (i = 0; i < sk_X509_num(certs) && ret == 0; i++)
		ret = add_anchor(t, sk_X509_value(certs, i), path, st);
	sk_X509_pop_free(certs, X509_free);
	if (ret == 0)
		ike_cert_ok(st);
	return ret;
}

int
ike_trust_add_dir(struct ike_trust *t, const char *dir, struct ike_cert_status *st)
{
	char path[4096];
	struct dirent *e;
	struct stat sb;
	DIR *d = opendir(dir);
	int ret = 0, n = 0;

	if (d == NULL)
		return ike_cert_fail(st, IKE_CERT_E_LOAD, "%s: %s", dir, strerror(errno));
	while (ret == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		ret = ike_trust_add_file(t, path, st);
		n++;
	}
	closedir(d);
	if (ret == 0 && n == 0)
		return ike_cert_fail(st, IKE_CERT_E_LOAD, "%s: no CA certificate", dir);
	return ret;
}

unsigned int
ike_trust_count(const struct ike_trust *t)
{
	return (unsigned int)sk_X509_num(t->anchors);
}

void
ike_trust_set_time(struct ike_trust *t, time_t when)
{
	t->when = when;
}

struct ike_trust *
ike_trust_ref(struct ike_trust *t)
{
	t->refs++;
	return t;
}

void
ike_trust_free(struct ike_trust *t)
{
	if (t == NULL)
		return;
	if (t->refs > 0) {
		t->refs--;
		return;
	}
	X509_STORE_free(t->store);
	sk_X509_pop_free(t->anchors, X509_free);
	free(t);
}
