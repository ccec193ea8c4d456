/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ike_cert DIR: lib/ike/cert on the certificates, keys and openssl-made
 * signatures that run_ike_cert.py put in DIR (the file names are its). Writes
 * our own AUTH data, CERT / CERTREQ bodies and DNs into DIR/out for the script
 * to check with openssl. Also RFC 4754's ECDSA known answers (no files).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "gw_test.h"
#include "ike_cert.h"

static const char *dir;
static uint8_t octets[4096];
static size_t octets_len;

static const char *
path(const char *name)
{
	static char buf[8][4096];
	static unsigned int k;
	char *p = buf[k++ % 8];

	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

static size_t
read_file(const char *name, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path(name), "rb");
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "cannot read %s\n", path(name));
		return 0;
	}
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void
write_out(const char *name, const uint8_t *buf, size_t len)
{
	char p[4200];
	FILE *f;

	snprintf(p, sizeof(p), "out/%s", name);
	f = fopen(path(p), "wb");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	CHECK_EQ(fwrite(buf, 1, len, f), len);
	fclose(f);
}

static struct ike_cred *
cred(const char *cert, const char *key)
{
	struct ike_cert_status st;
	struct ike_cred *c = ike_cred_load(path(cert), path(key), &st);

	CHECK(c != NULL);
	if (c == NULL)
		fprintf(stderr, "load %s: %s\n", cert, st.reason);
	return c;
}

static struct ike_trust *
trust(void)
{
	struct ike_trust *t = ike_trust_new();
	struct ike_cert_status st;

	CHECK_EQ(ike_trust_add_file(t, path("ca-rsa.pem"), &st), 0);
	CHECK_EQ(ike_trust_add_file(t, path("ca-ec.pem"), &st), 0);
	CHECK_EQ(ike_trust_count(t), 2);
	return t;
}

/* CERT payload bodies of a PEM file's certificates (4 | DER each). */
struct bodies {
	uint8_t buf[IKE_CERT_CHAIN_MAX][4096];
	const uint8_t *p[IKE_CERT_CHAIN_MAX];
	size_t len[IKE_CERT_CHAIN_MAX];
	unsigned int n;
};

static void
add_pem(struct bodies *b, const char *name)
{
	FILE *f = fopen(path(name), "r");
	unsigned char *d;
	X509 *x;
	int n;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	while (b->n < IKE_CERT_CHAIN_MAX && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		b->buf[b->n][0] = IKE_CERT_ENC_X509_SIG;
		d = b->buf[b->n] + 1;
		n = i2d_X509(x, &d);
		b->p[b->n] = b->buf[b->n];
		b->len[b->n] = (size_t)n + 1;
		b->n++;
		X509_free(x);
	}
	fclose(f);
}

/* Verify the chain of these files; returns the status code, frees the EE. */
static enum ike_cert_err
chain(struct ike_trust *t, const char *a, const char *b, char *reason)
{
	struct ike_cert_status st;
	struct bodies *bd = calloc(1, sizeof(*bd));
	X509 *ee = NULL;
	int r;

	add_pem(bd, a);
	if (b != NULL)
		add_pem(bd, b);
	r = ike_cert_verify_chain(t, bd->p, bd->len, bd->n, &ee, &st);
	CHECK(r == 0 ? st.err == IKE_CERT_OK && ee != NULL : r == -EACCES && ee == NULL);
	if (reason != NULL)
		snprintf(reason, IKE_CERT_REASON_MAX, "%s", st.reason);
	X509_free(ee);
	free(bd);
	return st.err;
}

static void
test_load(void)
{
	struct ike_cert_status st;
	struct ike_cred *c;
	struct ike_trust *t;
	struct ike_id id;
	const char *why;

	c = cred("moon.pem", "moon.key");
	if (c != NULL) {
		CHECK_EQ(ike_cred_chain_len(c), 1);
		CHECK_EQ(ike_cred_id(c, IKE_IDTYPE_FQDN, &id), 0);
		CHECK(id.len == 19 && memcmp(id.data, "moon.strongswan.org", 19) == 0);
		CHECK_EQ(ike_cred_id(c, IKE_IDTYPE_IPV4_ADDR, &id), 0);
		CHECK_EQ(ike_cred_id(c, IKE_IDTYPE_IPV6_ADDR, &id), -ENOENT);
		CHECK_EQ(ike_cred_id(c, IKE_IDTYPE_DER_ASN1_DN, &id), 0);
		{
			struct ike_id want;

			CHECK_EQ(ike_id_parse("distinguished-name",
					      "C=CH, O=strongSwan, CN=moon.strongswan.org", &want,
					      &why), 0);
			CHECK(ike_id_equal(&id, &want));
		}
		ike_cred_free(c);
	}
	c = cred("moon.pem", "moon.key");
	if (c != NULL) {
		struct ike_id conf, sub;

		/* no identity configured: the subject DN */
		CHECK_EQ(ike_cred_local_id(c, NULL, &id, &st), 0);
		CHECK_EQ(ike_cred_id(c, IKE_IDTYPE_DER_ASN1_DN, &sub), 0);
		CHECK(id.type == IKE_IDTYPE_DER_ASN1_DN && id.len == sub.len &&
		      memcmp(id.data, sub.data, id.len) == 0);
		/* a DN spelt otherwise: the certificate's octets are sent */
		CHECK_EQ(ike_id_parse("distinguished-name", "c=ch, o=STRONGSWAN, "
				      "cn=moon.strongswan.org", &conf, &why), 0);
		CHECK(conf.len != sub.len || memcmp(conf.data, sub.data, sub.len) != 0);
		CHECK_EQ(ike_cred_local_id(c, &conf, &id, &st), 0);
		CHECK(id.len == sub.len && memcmp(id.data, sub.data, id.len) == 0);
		CHECK_EQ(ike_id_parse("inet", "192.0.2.1", &conf, &why), 0);
		CHECK_EQ(ike_cred_local_id(c, &conf, &id, &st), 0);
		CHECK(ike_id_equal(&id, &conf));
		/* an identity the certificate does not hold is a configuration error */
		CHECK_EQ(ike_id_parse("hostname", "sun.strongswan.org", &conf, &why), 0);
		CHECK_EQ(ike_cred_local_id(c, &conf, &id, &st), -EACCES);
		CHECK_EQ(st.err, IKE_CERT_E_ID_NOT_IN_CERT);
		ike_cred_free(c);
	}
	c = cred("sun-chain.pem", "sun.key");
	if (c != NULL) {
		CHECK_EQ(ike_cred_chain_len(c), 2);
		ike_cred_free(c);
	}
	c = cred("sun.pem", "sun.key");
	if (c != NULL) {
		CHECK_EQ(ike_cred_add_chain(c, path("int-ec.pem"), &st), 0);
		CHECK_EQ(ike_cred_chain_len(c), 2);
		ike_cred_free(c);
	}
	/* refusals, each with its reason */
	CHECK(ike_cred_load(path("moon.pem"), path("sun.key"), &st) == NULL);
	CHECK(st.err == IKE_CERT_E_LOAD && strstr(st.reason, "is not the key of") != NULL);
	CHECK(ike_cred_load(path("moon.pem"), path("small.key"), &st) == NULL);
	CHECK(strstr(st.reason, "RSA key of 1024 bits (2048 to 8192)") != NULL);
	CHECK(ike_cred_load(path("nonexistent.pem"), path("moon.key"), &st) == NULL);
	CHECK(strstr(st.reason, "no certificate") != NULL);
	CHECK(ike_cred_load(path("moon.pem"), path("moon.pem"), &st) == NULL);
	CHECK(strstr(st.reason, "no private key") != NULL);

	t = ike_trust_new();
	CHECK(ike_trust_add_file(t, path("moon.pem"), &st) == -EACCES);
	CHECK(strstr(st.reason, "is not a CA certificate") != NULL);
	CHECK(ike_trust_add_file(t, path("moon.key"), &st) == -EACCES);
	CHECK_EQ(ike_trust_add_file(t, path("ca-rsa.pem"), &st), 0);
	CHECK_EQ(ike_trust_add_file(t, path("ca-rsa.pem"), &st), 0);	/* twice: once */
	CHECK_EQ(ike_trust_count(t), 1);
	CHECK(ike_trust_add_dir(t, path("in"), &st) == -EACCES);	/* not certificates */
	CHECK(ike_trust_add_dir(t, path("nonexistent"), &st) == -EACCES);
	ike_trust_free(t);
}

static void
test_chain(void)
{
	struct ike_trust *t = trust();
	char why[IKE_CERT_REASON_MAX];

	CHECK_EQ(chain(t, "moon.pem", NULL, why), IKE_CERT_OK);
	CHECK_EQ(chain(t, "sun.pem", "int-ec.pem", why), IKE_CERT_OK);
	CHECK_EQ(chain(t, "sun-chain.pem", NULL, why), IKE_CERT_OK);
	CHECK_EQ(chain(t, "carol.pem", NULL, why), IKE_CERT_OK);
	CHECK_EQ(chain(t, "dave.pem", NULL, why), IKE_CERT_OK);
	/* the intermediate missing: its issuer is not known */
	CHECK_EQ(chain(t, "sun.pem", NULL, why), IKE_CERT_E_UNKNOWN_CA);
	CHECK(strncmp(why, "unknown CA: C=CH, O=strongSwan, CN=sun.strongswan.org", 53) == 0);
	CHECK_EQ(chain(t, "expired.pem", NULL, why), IKE_CERT_E_EXPIRED);
	CHECK(strstr(why, "certificate expired: C=CH, O=strongSwan, CN=expired") == why);
	printf("  expired: %s\n", why);
	CHECK_EQ(chain(t, "future.pem", NULL, why), IKE_CERT_E_NOT_YET_VALID);
	CHECK(strstr(why, "certificate not yet valid") == why);
	CHECK_EQ(chain(t, "mars.pem", NULL, why), IKE_CERT_E_UNKNOWN_CA);
	CHECK(strstr(why, "unknown CA: C=US, O=Other") == why);
	printf("  mars: %s\n", why);
	/* the other CA sent along does not help: it is no anchor */
	CHECK_EQ(chain(t, "mars.pem", "other-ca.pem", why), IKE_CERT_E_UNKNOWN_CA);
	CHECK_EQ(chain(t, "selfsigned.pem", NULL, why), IKE_CERT_E_UNKNOWN_CA);
	CHECK_EQ(chain(t, "weak.pem", NULL, why), IKE_CERT_E_KEY);
	CHECK(strcmp(why, "certificate key not accepted: C=CH, O=strongSwan, "
			  "CN=weak.strongswan.org: RSA key of 1024 bits (2048 to 8192)") == 0);
	CHECK_EQ(chain(t, "noku.pem", NULL, why), IKE_CERT_E_KEY_USAGE);
	CHECK(strstr(why, "keyUsage") != NULL);
	/* a CA certificate as end entity: an anchor itself verifies, but cannot sign AUTH */
	CHECK_EQ(chain(t, "ca-rsa.pem", NULL, why), IKE_CERT_E_KEY_USAGE);
	/* the trust store's clock: moon is valid for a year */
	ike_trust_set_time(t, time(NULL) + 2 * 365 * 86400);
	CHECK_EQ(chain(t, "moon.pem", NULL, why), IKE_CERT_E_EXPIRED);
	ike_trust_set_time(t, 1577923200);	/* 2020-01-02: expired.pem was valid */
	CHECK_EQ(chain(t, "expired.pem", NULL, why), IKE_CERT_E_NOT_YET_VALID);	/* its CA was not */
	ike_trust_set_time(t, 0);
	CHECK_EQ(ike_cert_err_notify(IKE_CERT_E_EXPIRED), IKE_NOTIFY_AUTHENTICATION_FAILED);
	CHECK_EQ(ike_cert_err_notify(IKE_CERT_OK), 0);
	ike_trust_free(t);
}

static void
test_chain_malformed(void)
{
	struct ike_trust *t = trust();
	struct bodies *b = calloc(1, sizeof(*b));
	struct ike_cert_status st;
	static const uint8_t other_enc[] = { 7, 1, 2, 3 };	/* Certificate Revocation List */
	static const uint8_t empty[1] = { 4 };
	X509 *ee;

	add_pem(b, "moon.pem");
	/* one octet more: not one DER certificate */
	b->len[0]++;
	CHECK_EQ(ike_cert_verify_chain(t, b->p, b->len, 1, &ee, &st), -EACCES);
	CHECK_EQ(st.err, IKE_CERT_E_BAD_CERT);
	b->len[0] -= 2;
	CHECK_EQ(ike_cert_verify_chain(t, b->p, b->len, 1, &ee, &st), -EACCES);
	CHECK_EQ(st.err, IKE_CERT_E_BAD_CERT);
	b->len[0]++;
	b->p[1] = empty;
	b->len[1] = 1;
	CHECK_EQ(ike_cert_verify_chain(t, b->p, b->len, 2, &ee, &st), -EACCES);
	CHECK_EQ(st.err, IKE_CERT_E_BAD_CERT);
	CHECK(strstr(st.reason, "CERT payload 2") != NULL);
	/* another encoding before ours is skipped; only it: no certificate */
	b->p[1] = b->p[0];
	b->len[1] = b->len[0];
	b->p[0] = other_enc;
	b->len[0] = sizeof(other_enc);
	CHECK_EQ(ike_cert_verify_chain(t, b->p, b->len, 2, &ee, &st), 0);
	X509_free(ee);
	CHECK_EQ(ike_cert_verify_chain(t, b->p, b->len, 1, &ee, &st), -EACCES);
	CHECK_EQ(st.err, IKE_CERT_E_NO_CERT);
	CHECK_EQ(ike_cert_verify_chain(t, b->p, b->len, 0, &ee, &st), -EACCES);
	CHECK_EQ(st.err, IKE_CERT_E_NO_CERT);
	free(b);
	ike_trust_free(t);
}

/* The first certificate (or, pub, public key) of a PEM file of DIR. */
static void *
load_pem(const char *name, bool pub)
{
	FILE *f = fopen(path(name), "r");
	void *x = NULL;

	if (f != NULL) {
		x = pub ? (void *)PEM_read_PUBKEY(f, NULL, NULL, NULL)
			: (void *)PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	CHECK(x != NULL);
	return x;
}

static X509 *
load_x509(const char *name)
{
	return load_pem(name, false);
}

static int
match(X509 *x, const char *kind, const char *value, struct ike_cert_status *st)
{
	struct ike_id id;
	const char *why;

	CHECK_EQ(ike_id_parse(kind, value, &id, &why), 0);
	return ike_cert_match_id(x, &id, st);
}

static void
test_match_id(void)
{
	X509 *moon = load_x509("moon.pem"), *sun = load_x509("sun.pem");
	X509 *carol = load_x509("carol.pem"), *cn_only = load_x509("cn-only.pem");
	struct ike_cert_status st;
	const ASN1_OCTET_STRING *ski;
	struct ike_id id;

	CHECK_EQ(match(moon, "hostname", "moon.strongswan.org", &st), 0);
	CHECK_EQ(match(moon, "hostname", "MOON.strongswan.org", &st), 0);
	CHECK_EQ(match(moon, "inet", "192.0.2.1", &st), 0);
	CHECK_EQ(match(moon, "user-at-hostname", "moon@strongswan.org", &st), 0);
	CHECK_EQ(match(moon, "distinguished-name", "C=CH, O=strongSwan, CN=moon.strongswan.org",
		       &st), 0);
	CHECK_EQ(match(moon, "hostname", "sun.strongswan.org", &st), -EACCES);
	CHECK_EQ(st.err, IKE_CERT_E_ID_NOT_IN_CERT);
	CHECK(strcmp(st.reason, "identity not in certificate: hostname sun.strongswan.org is "
			 "not in the certificate of C=CH, O=strongSwan, CN=moon.strongswan.org")
	      == 0);
	CHECK_EQ(match(moon, "inet", "192.0.2.2", &st), -EACCES);
	CHECK_EQ(match(moon, "distinguished-name", "C=CH, O=strongSwan, CN=sun.strongswan.org",
		       &st), -EACCES);
	CHECK_EQ(match(sun, "inet6", "2001:db8::2", &st), 0);
	CHECK_EQ(match(sun, "inet", "192.0.2.1", &st), -EACCES);
	CHECK_EQ(match(carol, "user-at-hostname", "carol@strongswan.org", &st), 0);
	/* a name only in the subject's CN is not a subjectAltName (RFC 4945 3.1.2) */
	CHECK_EQ(match(cn_only, "hostname", "cn-only.strongswan.org", &st), -EACCES);
	/* KEY_ID = subjectKeyIdentifier (pki's end entities have none: no KEY_ID matches) */
	ski = X509_get0_subject_key_id(moon);
	if (ski == NULL) {
		CHECK_EQ(match(moon, "key-id", "0x0102", &st), -EACCES);
	} else {
		id.type = IKE_IDTYPE_KEY_ID;
		id.len = (uint16_t)ASN1_STRING_length(ski);
		memcpy(id.data, ASN1_STRING_get0_data(ski), id.len);
		CHECK_EQ(ike_cert_match_id(moon, &id, &st), 0);
		id.data[0] ^= 1;
		CHECK_EQ(ike_cert_match_id(moon, &id, &st), -EACCES);
	}
	X509_free(moon);
	X509_free(sun);
	X509_free(carol);
	X509_free(cn_only);
}

/* Sign with each method and verify our own; tampering is caught. */
static void
sign_verify(EVP_PKEY *key, const struct ike_sig_choice *c, const char *out_name)
{
	uint8_t auth[IKE_AUTH_SIG_MAX];
	struct ike_cert_status st;
	size_t len = 0;

	CHECK_EQ(ike_auth_sign(key, c, octets, octets_len, auth, sizeof(auth), &len), 0);
	CHECK_EQ(ike_auth_verify(key, c->method, auth, len, octets, octets_len, &st), 0);
	if (st.err != IKE_CERT_OK)
		fprintf(stderr, "%s: %s\n", out_name, st.reason);
	if (out_name != NULL)
		write_out(out_name, auth, len);
	auth[len - 1] ^= 0x01;
	CHECK_EQ(ike_auth_verify(key, c->method, auth, len, octets, octets_len, &st), -EACCES);
	CHECK_EQ(st.err, IKE_CERT_E_SIGNATURE);
	auth[len - 1] ^= 0x01;
	octets[0] ^= 0x80;
	CHECK_EQ(ike_auth_verify(key, c->method, auth, len, octets, octets_len, &st), -EACCES);
	CHECK_EQ(st.err, IKE_CERT_E_SIGNATURE);
	octets[0] ^= 0x80;
	CHECK_EQ(ike_auth_sign(key, c, octets, octets_len, auth, 16, &len), -ENOSPC);
}

static void
test_sign(void)
{
	struct ike_cred *moon = cred("moon.pem", "moon.key"), *sun = cred("sun.pem", "sun.key");
	struct ike_cred *carol = cred("carol.pem", "carol.key");
	struct ike_cred *dave = cred("dave.pem", "dave.key");
	struct ike_sig_choice c;

	if (moon == NULL || sun == NULL || carol == NULL || dave == NULL)
		goto out;
	c = (struct ike_sig_choice){ .method = IKE_SIG_RSA_SHA1 };
	sign_verify(ike_cred_key(moon), &c, "m1-moon.bin");
	c = (struct ike_sig_choice){ .method = 14, .hash = IKE_HASH_SHA256 };
	sign_verify(ike_cred_key(moon), &c, "m14-rsa256-moon.bin");
	c.pss = true;
	sign_verify(ike_cred_key(moon), &c, "m14-pss256-moon.bin");
	c.hash = IKE_HASH_SHA384;
	sign_verify(ike_cred_key(moon), &c, "m14-pss-sha384-moon.bin");
	c.hash = IKE_HASH_SHA512;
	sign_verify(ike_cred_key(moon), &c, "m14-pss-sha512-moon.bin");
	c = (struct ike_sig_choice){ .method = 14, .hash = IKE_HASH_SHA512 };
	sign_verify(ike_cred_key(moon), &c, NULL);
	c = (struct ike_sig_choice){ .method = 14, .hash = IKE_HASH_SHA256 };
	sign_verify(ike_cred_key(sun), &c, "m14-ecdsa256-sun.bin");
	c.hash = IKE_HASH_SHA384;
	sign_verify(ike_cred_key(sun), &c, NULL);	/* another hash than the curve's */
	c = (struct ike_sig_choice){ .method = IKE_SIG_ECDSA_P256 };
	sign_verify(ike_cred_key(sun), &c, "m9-sun.bin");
	c = (struct ike_sig_choice){ .method = IKE_SIG_ECDSA_P384 };
	sign_verify(ike_cred_key(carol), &c, "m10-carol.bin");
	c = (struct ike_sig_choice){ .method = IKE_SIG_ECDSA_P521 };
	sign_verify(ike_cred_key(dave), &c, "m11-dave.bin");

	/* a method the key cannot do */
	{
		uint8_t auth[IKE_AUTH_SIG_MAX];
		size_t len;

		c = (struct ike_sig_choice){ .method = IKE_SIG_ECDSA_P256 };
		CHECK_EQ(ike_auth_sign(ike_cred_key(carol), &c, octets, octets_len, auth,
				       sizeof(auth), &len), -EINVAL);
		CHECK_EQ(ike_auth_sign(ike_cred_key(moon), &c, octets, octets_len, auth,
				       sizeof(auth), &len), -EINVAL);
		c = (struct ike_sig_choice){ .method = IKE_SIG_RSA_SHA1 };
		CHECK_EQ(ike_auth_sign(ike_cred_key(sun), &c, octets, octets_len, auth,
				       sizeof(auth), &len), -EINVAL);
		c = (struct ike_sig_choice){ .method = 14, .hash = IKE_HASH_SHA256, .pss = true };
		CHECK_EQ(ike_auth_sign(ike_cred_key(sun), &c, octets, octets_len, auth,
				       sizeof(auth), &len), -EINVAL);
		c = (struct ike_sig_choice){ .method = 14, .hash = IKE_HASH_SHA1 };
		CHECK_EQ(ike_auth_sign(ike_cred_key(moon), &c, octets, octets_len, auth,
				       sizeof(auth), &len), -EINVAL);
		c = (struct ike_sig_choice){ .method = 2 };	/* shared key: no signature */
		CHECK_EQ(ike_auth_sign(ike_cred_key(moon), &c, octets, octets_len, auth,
				       sizeof(auth), &len), -EINVAL);
	}
out:
	ike_cred_free(moon);
	ike_cred_free(sun);
	ike_cred_free(carol);
	ike_cred_free(dave);
}

static EVP_PKEY *
load_pub(const char *name)
{
	return load_pem(name, true);
}

/* AUTH data signed by `openssl dgst` (run_ike_cert.py) verifies with our code. */
static void
test_verify_openssl(void)
{
	static const struct {
		const char *file, *pub;
		uint8_t method;
	} v[] = {
		{ "in/m1-moon.bin", "moon.pub", 1 },
		{ "in/m14-rsa256-moon.bin", "moon.pub", 14 },
		{ "in/m14-pss256-moon.bin", "moon.pub", 14 },
		{ "in/m14-ecdsa256-sun.bin", "sun.pub", 14 },
		{ "in/m9-sun.bin", "sun.pub", 9 },
		{ "in/m10-carol.bin", "carol.pub", 10 },
		{ "in/m11-dave.bin", "dave.pub", 11 },
	};
	uint8_t auth[IKE_AUTH_SIG_MAX];
	struct ike_cert_status st;
	size_t i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		EVP_PKEY *pub = load_pub(v[i].pub);

		n = read_file(v[i].file, auth, sizeof(auth));
		CHECK(n > 0);
		CHECK_EQ(ike_auth_verify(pub, v[i].method, auth, n, octets, octets_len, &st), 0);
		if (st.err != IKE_CERT_OK)
			fprintf(stderr, "%s: %s\n", v[i].file, st.reason);
		auth[n / 2] ^= 0x10;
		CHECK_EQ(ike_auth_verify(pub, v[i].method, auth, n, octets, octets_len, &st),
			 -EACCES);
		EVP_PKEY_free(pub);
	}
}

/*
 * strongSwan's own method 14 signatures (in/ss-*, pki run only): the AUTH data
 * and signed octets cut from PKCS#10 requests that pki signed with charon's
 * signature encoder (RSA PKCS#1 and PSS, ECDSA with SHA-256/384/512).
 */
static void
test_verify_strongswan(void)
{
	static uint8_t tbs[4096], auth[IKE_AUTH_SIG_MAX];
	char name[64], pub[80], file[160];
	struct ike_cert_status st;
	size_t tbs_len, auth_len;
	int cases = 0;
	FILE *f = fopen(path("in/ss-list.txt"), "r");

	if (f == NULL) {
		printf("  (no in/ss-list.txt: not the pki run)\n");
		return;
	}
	while (fscanf(f, "%63s %79s", name, pub) == 2) {
		EVP_PKEY *key = load_pub(pub);

		snprintf(file, sizeof(file), "in/ss-%s.tbs", name);
		tbs_len = read_file(file, tbs, sizeof(tbs));
		snprintf(file, sizeof(file), "in/ss-%s.auth", name);
		auth_len = read_file(file, auth, sizeof(auth));
		CHECK_EQ(ike_auth_verify(key, IKE_SIG_DIGITAL, auth, auth_len, tbs, tbs_len, &st),
			 0);
		if (st.err != IKE_CERT_OK)
			fprintf(stderr, "strongSwan %s: %s\n", name, st.reason);
		tbs[tbs_len - 1] ^= 1;
		CHECK_EQ(ike_auth_verify(key, IKE_SIG_DIGITAL, auth, auth_len, tbs, tbs_len, &st),
			 -EACCES);
		EVP_PKEY_free(key);
		cases++;
	}
	fclose(f);
	CHECK_EQ(cases, 6);
	printf("  %d strongSwan signatures verified\n", cases);
}

static void
expect_verify(EVP_PKEY *pub, uint8_t method, const uint8_t *auth, size_t len,
	      enum ike_cert_err err, const char *reason)
{
	struct ike_cert_status st;

	CHECK_EQ(ike_auth_verify(pub, method, auth, len, octets, octets_len, &st), -EACCES);
	CHECK_EQ(st.err, err);
	CHECK(strstr(st.reason, reason) != NULL);
	if (strstr(st.reason, reason) == NULL)
		fprintf(stderr, "reason \"%s\", expected \"%s\"\n", st.reason, reason);
}

static void
test_verify_refused(void)
{
	/* sha1WithRSAEncryption (RFC 7427 A.1): SHA-1 is not announced, not accepted */
	static const uint8_t sha1_rsa[] = { 15, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
					    0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00, 0xaa };
	static const uint8_t ecdsa_params[] = { 14, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48,
						0xce, 0x3d, 0x04, 0x03, 0x02, 0x05, 0x00, 0xaa };
	uint8_t auth[IKE_AUTH_SIG_MAX];
	EVP_PKEY *moon = load_pub("moon.pub"), *sun = load_pub("sun.pub");
	EVP_PKEY *carol = load_pub("carol.pub");
	size_t n;

	n = read_file("in/m9-sun.bin", auth, sizeof(auth));
	expect_verify(carol, 9, auth, n, IKE_CERT_E_METHOD, "needs ECDSA on P-256");
	expect_verify(moon, 9, auth, n, IKE_CERT_E_METHOD, "needs ECDSA on P-256");
	expect_verify(sun, 9, auth, n - 1, IKE_CERT_E_BAD_AUTH, "r|s of 63 octets");
	expect_verify(sun, 1, auth, n, IKE_CERT_E_METHOD, "method 1 (RSA) with a EC key");
	expect_verify(sun, 2, auth, n, IKE_CERT_E_METHOD, "auth method 2");
	expect_verify(sun, 3, auth, n, IKE_CERT_E_METHOD, "auth method 3");
	n = read_file("in/m1-moon.bin", auth, sizeof(auth));
	expect_verify(moon, 1, auth, n - 1, IKE_CERT_E_BAD_AUTH, "RSA signature of 255 octets");
	n = read_file("in/m14-ecdsa256-sun.bin", auth, sizeof(auth));
	expect_verify(moon, 14, auth, n, IKE_CERT_E_METHOD, "ECDSA signature with a RSA key");
	auth[0] = 13;	/* ASN.1 length one too many */
	expect_verify(sun, 14, auth, n, IKE_CERT_E_BAD_AUTH, "not one DER value");
	auth[0] = (uint8_t)(n - 1);	/* no signature left */
	expect_verify(sun, 14, auth, n, IKE_CERT_E_BAD_AUTH, "does not fit");
	auth[0] = 0;
	expect_verify(sun, 14, auth, n, IKE_CERT_E_BAD_AUTH, "does not fit");
	expect_verify(sun, 14, auth, 0, IKE_CERT_E_BAD_AUTH, "does not fit");
	expect_verify(moon, 14, sha1_rsa, sizeof(sha1_rsa), IKE_CERT_E_BAD_AUTH,
		      "signature algorithm not supported");
	expect_verify(sun, 14, ecdsa_params, sizeof(ecdsa_params), IKE_CERT_E_BAD_AUTH,
		      "unexpected AlgorithmIdentifier parameters");
	/* PSS with SHA-1 as hash (the default parameters, RFC 4055 3.1) */
	{
		static const uint8_t pss_default[] = { 15, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86,
						       0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a,
						       0x30, 0x00, 0xaa };

		expect_verify(moon, 14, pss_default, sizeof(pss_default), IKE_CERT_E_BAD_AUTH,
			      "RSASSA-PSS hash not SHA-256/384/512");
	}
	EVP_PKEY_free(moon);
	EVP_PKEY_free(sun);
	EVP_PKEY_free(carol);
}

/* ---- RFC 4754 8: known answers over "abc" ---- */

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned int v;

	while (*s != '\0') {
		if (*s == ' ') {
			s++;
			continue;
		}
		sscanf(s, "%2x", &v);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* An EC key from its private scalar; OpenSSL derives the public point. */
static EVP_PKEY *
ec_key_from_priv(const char *group, const uint8_t *priv, size_t len)
{
	/* ECPrivateKey (RFC 5915) without the public key: d2i computes it */
	uint8_t der[256], *p = der;
	const unsigned char *q = der;
	ASN1_OBJECT *oid = OBJ_txt2obj(group, 0);
	int oid_len = i2d_ASN1_OBJECT(oid, NULL);
	size_t body = 3 + 2 + len + 2 + (size_t)oid_len;
	EVP_PKEY *k;

	*p++ = 0x30;
	*p++ = (uint8_t)body;
	*p++ = 0x02; *p++ = 0x01; *p++ = 0x01;		/* version 1 */
	*p++ = 0x04; *p++ = (uint8_t)len;		/* privateKey */
	memcpy(p, priv, len);
	p += len;
	*p++ = 0xa0; *p++ = (uint8_t)oid_len;		/* [0] parameters */
	i2d_ASN1_OBJECT(oid, &p);
	ASN1_OBJECT_free(oid);
	k = d2i_PrivateKey(EVP_PKEY_EC, NULL, &q, (long)(p - der));
	CHECK(k != NULL);
	return k;
}

static void
pub_point(EVP_PKEY *k, uint8_t *out, size_t *len)
{
	CHECK_EQ(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, out, 200, len), 1);
}

static void
test_rfc4754(void)
{
	static const struct {
		const char *group;
		uint8_t method;
		const char *w, *gwx, *gwy, *k, *r, *s;
	} v[] = {
		{ "prime256v1", 9,
		  "DC51D386 6A15BACD E33D96F9 92FCA99D A7E6EF09 34E70975 59C27F16 14C88A7F",
		  "2442A5CC 0ECD015F A3CA31DC 8E2BBC70 BF42D60C BCA20085 E0822CB0 4235E970",
		  "6FC98BD7 E50211A4 A27102FA 3549DF79 EBCB4BF2 46B80945 CDDFE7D5 09BBFD7D",
		  "9E56F509 196784D9 63D1C0A4 01510EE7 ADA3DCC5 DEE04B15 4BF61AF1 D5A6DECE",
		  "CB28E099 9B9C7715 FD0A80D8 E47A7707 9716CBBF 917DD72E 97566EA1 C066957C",
		  "86FA3BB4 E26CAD5B F90B7F81 899256CE 7594BB1E A0C89212 748BFF3B 3D5B0315" },
		{ "secp384r1", 10,
		  "0BEB6466 34BA8773 5D77AE48 09A0EBEA 865535DE 4C1E1DCB 692E8470 8E81A5AF "
		  "62E528C3 8B2A81B3 5309668D 73524D9F",
		  "96281BF8 DD5E0525 CA049C04 8D345D30 82968D10 FEDF5C5A CA0C64E6 465A97EA "
		  "5CE10C9D FEC21797 41571072 1F437922",
		  "447688BA 94708EB6 E2E4D59F 6AB6D7ED FF9301D2 49FE49C3 3096655F 5D502FAD "
		  "3D383B91 C5E7EDAA 2B714CC9 9D5743CA",
		  "B4B74E44 D71A13D5 68003D74 89908D56 4C7761E2 29C58CBF A1895009 6EB7463B "
		  "854D7FA9 92F934D9 27376285 E63414FA",
		  "FB017B91 4E291494 32D8BAC2 9A514640 B46F53DD AB2C6994 8084E293 0F1C8F7E "
		  "08E07C9C 63F2D21A 07DCB56A 6AF56EB3",
		  "B263A130 5E057F98 4D38726A 1B468741 09F417BC A112674C 528262A4 0A629AF1 "
		  "CBB9F516 CE0FA7D2 FF630863 A00E8B9F" },
		{ "secp521r1", 11,
		  "0065FDA3 409451DC AB0A0EAD 45495112 A3D813C1 7BFD34BD F8C1209D 7DF58491 "
		  "20597779 060A7FF9 D704ADF7 8B570FFA D6F062E9 5C7E0C5D 5481C5B1 53B48B37 5FA1",
		  "0151518F 1AF0F563 517EDD54 85190DF9 5A4BF57B 5CBA4CF2 A9A3F647 4725A35F "
		  "7AFE0A6D DEB8BEDB CD6A197E 592D4018 8901CECD 650699C9 B5E456AE A5ADD190 52A8",
		  "006F3B14 2EA1BFFF 7E2837AD 44C9E4FF 6D2D34C7 3184BBAD 90026DD5 E6E85317 "
		  "D9DF45CA D7803C6C 20035B2F 3FF63AFF 4E1BA64D 1C077577 DA3F4286 C58F0AEA E643",
		  "00C1C2B3 05419F5A 41344D7E 4359933D 734096F5 56197A9B 244342B8 B62F46F9 "
		  "373778F9 DE6B6497 B1EF825F F24F42F9 B4A4BD73 82CFC337 8A540B1B 7F0C1B95 6C2F",
		  "0154FD38 36AF92D0 DCA57DD5 341D3053 988534FD E8318FC6 AAAAB68E 2E6F4339 "
		  "B19F2F28 1A7E0B22 C269D93C F8794A92 78880ED7 DBB8D936 2CAEACEE 54432055 2251",
		  "017705A7 030290D1 CEB605A9 A1BB03FF 9CDD521E 87A696EC 926C8C10 C8362DF4 "
		  "97536710 1F67D1CF 9BCCBF2F 3D239534 FA509E70 AAC851AE 01AAC68D 62F86647 2660" },
	};
	static const uint8_t abc[] = { 'a', 'b', 'c' };
	uint8_t w[80], k[80], pt[200], want[200], auth[200];
	struct ike_cert_status st;
	size_t i, n, wn, kn, pn;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		EVP_PKEY *key, *eph;

		wn = unhex(v[i].w, w);
		kn = unhex(v[i].k, k);
		key = ec_key_from_priv(v[i].group, w, wn);
		eph = ec_key_from_priv(v[i].group, k, kn);
		if (key == NULL || eph == NULL)
			continue;
		/* the transcription: gw = w G, and r = x(k G) (RFC 4754 8) */
		want[0] = 0x04;
		n = 1 + unhex(v[i].gwx, want + 1);
		n += unhex(v[i].gwy, want + n);
		pub_point(key, pt, &pn);
		CHECK_EQ(pn, n);
		CHECK_MEM(pt, want, n);
		n = unhex(v[i].r, auth);
		pub_point(eph, pt, &pn);
		CHECK_MEM(pt + 1, auth, n);
		n += unhex(v[i].s, auth + n);
		/* the known answer: AUTH = r | s verifies with method 9 / 10 / 11 */
		CHECK_EQ(ike_auth_verify(key, v[i].method, auth, n, abc, sizeof(abc), &st), 0);
		auth[n - 1] ^= 1;
		CHECK_EQ(ike_auth_verify(key, v[i].method, auth, n, abc, sizeof(abc), &st),
			 -EACCES);
		EVP_PKEY_free(key);
		EVP_PKEY_free(eph);
	}
}

static void
test_choose(void)
{
	struct ike_cred *moon = cred("moon.pem", "moon.key"), *sun = cred("sun.pem", "sun.key");
	struct ike_cred *carol = cred("carol.pem", "carol.key");
	struct ike_cred *dave = cred("dave.pem", "dave.key");
	struct ike_sig_choice c;
	const uint32_t all = 1u << 2 | 1u << 3 | 1u << 4;

	if (moon == NULL || sun == NULL || carol == NULL || dave == NULL)
		goto out;
	CHECK_EQ(ike_auth_choose(ike_cred_key(moon), 0, false, &c), 0);
	CHECK_EQ(c.method, IKE_SIG_RSA_SHA1);
	CHECK_EQ(ike_auth_choose(ike_cred_key(moon), all, false, &c), 0);
	CHECK(c.method == 14 && c.hash == IKE_HASH_SHA256 && !c.pss);
	CHECK_EQ(ike_auth_choose(ike_cred_key(moon), all, true, &c), 0);
	CHECK(c.method == 14 && c.hash == IKE_HASH_SHA256 && c.pss);
	CHECK_EQ(ike_auth_choose(ike_cred_key(moon), 1u << 4, false, &c), 0);
	CHECK(c.method == 14 && c.hash == IKE_HASH_SHA512);
	CHECK_EQ(ike_auth_choose(ike_cred_key(moon), 1u << 1, false, &c), -ENOTSUP);
	CHECK_EQ(ike_auth_choose(ike_cred_key(sun), 0, true, &c), 0);
	CHECK_EQ(c.method, IKE_SIG_ECDSA_P256);
	CHECK_EQ(ike_auth_choose(ike_cred_key(carol), 0, false, &c), 0);
	CHECK_EQ(c.method, IKE_SIG_ECDSA_P384);
	CHECK_EQ(ike_auth_choose(ike_cred_key(dave), 0, false, &c), 0);
	CHECK_EQ(c.method, IKE_SIG_ECDSA_P521);
	CHECK_EQ(ike_auth_choose(ike_cred_key(carol), all, true, &c), 0);
	CHECK(c.method == 14 && c.hash == IKE_HASH_SHA384 && !c.pss);
	CHECK_EQ(ike_auth_choose(ike_cred_key(carol), 1u << 2, false, &c), 0);
	CHECK(c.method == 14 && c.hash == IKE_HASH_SHA256);
out:
	ike_cred_free(moon);
	ike_cred_free(sun);
	ike_cred_free(carol);
	ike_cred_free(dave);
}

static void
test_payloads(void)
{
	struct ike_cred *moon = cred("moon.pem", "moon.key");
	struct ike_cred *sun = cred("sun-chain.pem", "sun.key");
	struct ike_trust *t = trust(), *rsa_only = ike_trust_new();
	struct ike_cert_status st;
	static uint8_t buf[8192];
	const uint8_t *hashes;
	unsigned int n;
	size_t len;
	uint32_t mask;

	if (moon == NULL || sun == NULL)
		goto out;
	CHECK_EQ(ike_cred_cert_body(moon, 0, buf, sizeof(buf), &len), 0);
	write_out("cert-moon-0.bin", buf, len);
	CHECK_EQ(ike_cred_cert_body(moon, 1, buf, sizeof(buf), &len), -ENOENT);
	CHECK_EQ(ike_cred_cert_body(moon, 0, buf, 100, &len), -ENOSPC);
	CHECK_EQ(ike_cred_cert_body(sun, 1, buf, sizeof(buf), &len), 0);
	write_out("cert-sun-1.bin", buf, len);

	CHECK_EQ(ike_certreq_body(t, buf, sizeof(buf), &len), 0);
	CHECK_EQ(len, 41);
	write_out("certreq.bin", buf, len);
	CHECK_EQ(ike_certreq_body(t, buf, 40, &len), -ENOSPC);
	CHECK_EQ(ike_certreq_body(rsa_only, buf, sizeof(buf), &len), -ENOENT);
	CHECK_EQ(ike_certreq_body(t, buf, sizeof(buf), &len), 0);
	CHECK_EQ(ike_certreq_parse(buf, len, &hashes, &n), 0);
	CHECK_EQ(n, 2);
	CHECK(hashes == buf + 1);
	CHECK(ike_certreq_wants(hashes, n, moon, t));
	CHECK(ike_certreq_wants(hashes, n, sun, t));	/* the intermediate's issuer */
	CHECK(ike_certreq_wants(hashes, 1, moon, t));	/* ca-rsa's hash only */
	CHECK(!ike_certreq_wants(hashes + 20, 1, moon, t));
	CHECK(!ike_certreq_wants(hashes, 1, sun, t));
	CHECK_EQ(ike_certreq_parse(buf, len - 1, &hashes, &n), -EBADMSG);
	CHECK_EQ(ike_certreq_parse(buf, 1, &hashes, &n), 0);
	CHECK_EQ(n, 0);
	CHECK_EQ(ike_certreq_parse(buf, 0, &hashes, &n), -EBADMSG);
	buf[0] = 12;	/* Hash and URL of X.509 bundle */
	CHECK_EQ(ike_certreq_parse(buf, len, &hashes, &n), -EPROTONOSUPPORT);
	CHECK_EQ(ike_trust_add_file(rsa_only, path("ca-rsa.pem"), &st), 0);
	CHECK_EQ(ike_certreq_body(rsa_only, buf, sizeof(buf), &len), 0);
	CHECK(!ike_certreq_wants(buf + 1, 1, sun, rsa_only));

	/* SIGNATURE_HASH_ALGORITHMS: 0002 0003 0004 (RFC 7427 4, 7) */
	{
		static const uint8_t want[] = { 0, 2, 0, 3, 0, 4 };
		static const uint8_t peer[] = { 0, 2, 0, 5, 0, 3, 0x12, 0x34 };

		CHECK_EQ(ike_sig_hash_notify_body(buf, sizeof(buf), &len), 0);
		CHECK_EQ(len, sizeof(want));
		CHECK_MEM(buf, want, sizeof(want));
		CHECK_EQ(ike_sig_hash_notify_body(buf, 5, &len), -ENOSPC);
		CHECK_EQ(ike_sig_hash_notify_parse(peer, sizeof(peer), &mask), 0);
		CHECK_EQ(mask, 1u << 2 | 1u << 3 | 1u << 5);
		CHECK_EQ(ike_sig_hash_notify_parse(peer, 3, &mask), -EBADMSG);
		CHECK_EQ(ike_sig_hash_notify_parse(peer, 0, &mask), -EBADMSG);
	}
out:
	ike_cred_free(moon);
	ike_cred_free(sun);
	ike_trust_free(t);
	ike_trust_free(rsa_only);
}

/* The DN encodings run_ike_cert.py reads with openssl asn1parse. */
static void
test_dn_out(void)
{
	uint8_t der[512];
	const char *why;
	size_t len;

	CHECK_EQ(ike_dn_from_text("C=CH, O=strongSwan, CN=moon.strongswan.org", der, sizeof(der),
				  &len, &why), 0);
	write_out("dn.der", der, len);
	CHECK_EQ(ike_dn_from_text("C=CH, O=Zürich", der, sizeof(der), &len, &why), 0);
	write_out("dn-utf8.der", der, len);
}

/*
 * DNs against strongSwan's own encoder and printer (dn-cases.txt, written in
 * the pki run: TEXT, pki's DER in hex, pki --print's subject). strongSwan
 * prints each octet >= 0x80 as '?'; so does the comparison.
 */
static void
test_dn_strongswan(void)
{
	char line[2048], text[IKE_ID_TEXT_MAX];
	uint8_t want[512], der[512];
	const char *why;
	size_t len, n, i;
	int cases = 0;
	FILE *f = fopen(path("dn-cases.txt"), "r");

	if (f == NULL) {
		printf("  (no dn-cases.txt: not the pki run)\n");
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *hex = strchr(line, '\t'), *shown = hex ? strchr(hex + 1, '\t') : NULL;

		CHECK(shown != NULL);
		if (shown == NULL)
			break;
		*hex++ = '\0';
		*shown++ = '\0';
		shown[strcspn(shown, "\n")] = '\0';
		n = unhex(hex, want);
		why = "";
		CHECK_EQ(ike_dn_from_text(line, der, sizeof(der), &len, &why), 0);
		CHECK(len == n && memcmp(der, want, n) == 0);
		CHECK(ike_dn_to_text(want, n, text, sizeof(text)) > 0);
		for (i = 0; text[i] != '\0'; i++)
			if ((unsigned char)text[i] >= 0x80)
				text[i] = '?';
		CHECK(strcmp(text, shown) == 0);
		if (len != n || memcmp(der, want, n) != 0 || strcmp(text, shown) != 0)
			fprintf(stderr, "DN \"%s\": strongSwan %s \"%s\", ours \"%s\" (%s)\n", line,
				hex, shown, text, why);
		cases++;
	}
	fclose(f);
	CHECK(cases >= 5);
	printf("  %d DNs as strongSwan encodes and prints them\n", cases);
}

/* The whole IKE_AUTH check of a peer: moon authenticates with its FQDN. */
static void
test_peer(void)
{
	struct ike_cred *moon = cred("moon.pem", "moon.key");
	struct ike_cred *mars = cred("mars.pem", "moon.key");
	struct ike_trust *t = trust();
	struct bodies *b = calloc(1, sizeof(*b));
	struct ike_sig_choice c = { .method = 14, .hash = IKE_HASH_SHA256 };
	uint8_t auth[IKE_AUTH_SIG_MAX];
	struct ike_cert_status st;
	struct ike_peer_auth p;
	struct ike_id id, want, other, any;
	const char *why;
	size_t len;

	if (moon == NULL || mars == NULL)
		goto out;
	CHECK_EQ(ike_id_parse("hostname", "moon.strongswan.org", &id, &why), 0);
	CHECK_EQ(ike_id_parse("hostname", "moon.strongswan.org", &want, &why), 0);
	CHECK_EQ(ike_id_parse("hostname", "sun.strongswan.org", &other, &why), 0);
	CHECK_EQ(ike_id_parse("any", "", &any, &why), 0);
	CHECK_EQ(ike_cred_cert_body(moon, 0, b->buf[0], sizeof(b->buf[0]), &b->len[0]), 0);
	b->p[0] = b->buf[0];
	CHECK_EQ(ike_auth_sign(ike_cred_key(moon), &c, octets, octets_len, auth, sizeof(auth),
			       &len), 0);
	p = (struct ike_peer_auth){ .n_certs = 1, .id = &id, .method = 14, .auth = auth,
				    .auth_len = len, .octets = octets, .octets_len = octets_len };
	p.cert[0] = b->p[0];
	p.cert_len[0] = b->len[0];
	CHECK_EQ(ike_cert_verify_peer(t, &p, &want, &st), 0);
	CHECK_EQ(ike_cert_verify_peer(t, &p, &any, &st), 0);
	CHECK_EQ(ike_cert_verify_peer(t, &p, NULL, &st), 0);
	CHECK_EQ(ike_cert_verify_peer(t, &p, &other, &st), -EACCES);
	CHECK_EQ(st.err, IKE_CERT_E_ID_MISMATCH);
	CHECK(strcmp(st.reason, "unexpected identity: peer is hostname moon.strongswan.org, "
			 "configured hostname sun.strongswan.org") == 0);
	/* the peer claims an identity its certificate does not hold */
	p.id = &other;
	CHECK_EQ(ike_cert_verify_peer(t, &p, NULL, &st), -EACCES);
	CHECK_EQ(st.err, IKE_CERT_E_ID_NOT_IN_CERT);
	p.id = &id;
	/* AUTH over other octets */
	p.octets_len--;
	CHECK_EQ(ike_cert_verify_peer(t, &p, &want, &st), -EACCES);
	CHECK_EQ(st.err, IKE_CERT_E_SIGNATURE);
	p.octets_len++;
	/* the same key in a certificate of an untrusted CA */
	CHECK_EQ(ike_cred_cert_body(mars, 0, b->buf[0], sizeof(b->buf[0]), &b->len[0]), 0);
	p.cert_len[0] = b->len[0];
	CHECK_EQ(ike_cert_verify_peer(t, &p, &want, &st), -EACCES);
	CHECK_EQ(st.err, IKE_CERT_E_UNKNOWN_CA);
	CHECK_EQ(ike_cert_err_notify(st.err), 24);
out:
	free(b);
	ike_cred_free(moon);
	ike_cred_free(mars);
	ike_trust_free(t);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR (made by run_ike_cert.py)\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	GW_RUN(test_rfc4754);
	octets_len = read_file("octets.bin", octets, sizeof(octets));
	if (octets_len == 0)
		return 1;
	GW_RUN(test_load);
	GW_RUN(test_chain);
	GW_RUN(test_chain_malformed);
	GW_RUN(test_match_id);
	GW_RUN(test_sign);
	GW_RUN(test_verify_openssl);
	GW_RUN(test_verify_strongswan);
	GW_RUN(test_verify_refused);
	GW_RUN(test_choose);
	GW_RUN(test_payloads);
	GW_RUN(test_dn_out);
	GW_RUN(test_dn_strongswan);
	GW_RUN(test_peer);
	return gw_test_result();
}
