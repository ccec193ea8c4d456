/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Distinguished names: strongSwan's text form <-> DER Name (X.501, RFC 5280
 * 4.1.2.4), for ID_DER_ASN1_DN (RFC 7296 3.5) and certificate subjects.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "ike_id.h"

#define DN_VALUE_MAX 256	/* longest RDN value accepted in the text form */

/* Keys of the text form; the first one of a NID is the one printed. */
static const struct {
	const char *key;
	int nid;
} dn_keys[] = {
	{ "C", NID_countryName },
	{ "ST", NID_stateOrProvinceName },
	{ "L", NID_localityName },
	{ "O", NID_organizationName },
	{ "OU", NID_organizationalUnitName },
	{ "CN", NID_commonName },
	{ "E", NID_pkcs9_emailAddress },
	{ "Email", NID_pkcs9_emailAddress },
	{ "emailAddress", NID_pkcs9_emailAddress },
	{ "DC", NID_domainComponent },
	{ "SN", NID_surname },
	{ "serialNumber", NID_serialNumber },
	{ "T", NID_title },
	{ "G", NID_givenName },
	{ "I", NID_initials },
	{ "UID", NID_userId },
	{ "dnQualifier", NID_dnQualifier },
};

#define N_KEYS (sizeof(dn_keys) / sizeof(dn_keys[0]))

static ASN1_OBJECT *
key_to_obj(const char *key)
{
	size_t i;

	for (i = 0; i < N_KEYS; i++)
		if (strcasecmp(key, dn_keys[i].key) == 0)
			return OBJ_nid2obj(dn_keys[i].nid);
	/* A dotted OID only: OpenSSL's long names are not part of the form. */
	return strspn(key, "0123456789.") == strlen(key) ? OBJ_txt2obj(key, 1) : NULL;
}

/* X.680 PrintableString characters. */
static bool
printable(const char *s, size_t n)
{
	static const char extra[] = " '()+,-./:=?";
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || (c != '\0' && strchr(extra, c) != NULL)))
			return false;
	}
	return true;
}

static bool
ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* Well-formed UTF-8 without control characters (C0, DEL, C1). */
static bool
valid_utf8(const char *s, size_t n)
{
	unsigned long c;
	int k;

	while (n > 0) {
		k = UTF8_getc((const unsigned char *)s, (int)n, &c);
		if (k <= 0 || c < 0x20 || (c >= 0x7f && c < 0xa0))
			return false;
		s += k;
		n -= (size_t)k;
	}
	return true;
}

static int
value_type(int nid, const char *v, size_t n)
{
	/* strongSwan's choice too (its pki --dn shows it): E= is an IA5String, the
	 * others PrintableString when they fit, else UTF8String */
	if (nid == NID_pkcs9_emailAddress && ascii(v, n))
		return V_ASN1_IA5STRING;
	return printable(v, n) ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING;
}

/*
 * Read one "KEY=value" from *p up to sep (',' or '/'), unquoting and
 * unescaping the value. Leaves *p on the separator or the end.
 */
static int
read_rdn(const char **p, char sep, char *key, size_t key_cap, char *val, size_t *val_len,
	 const char **reason)
{
	const char *s = *p;
	size_t k = 0, v = 0, keep = 0;	/* keep: length up to the last escaped/quoted char */
	bool quoted = false;

	while (*s == ' ')
		s++;
	while (*s != '\0' && *s != '=' && *s != sep) {
		if (k + 1 >= key_cap) {
			*reason = "attribute name too long";
			return -EINVAL;
		}
		key[k++] = *s++;
	}
	while (k > 0 && key[k - 1] == ' ')
		k--;
	key[k] = '\0';
	if (*s != '=' || k == 0) {
		*reason = "expected KEY=value";
		return -EINVAL;
	}
	s++;
	while (*s == ' ')
		s++;
	if (*s == '"') {
		quoted = true;
		s++;
	}
	for (;;) {
		char c = *s;

		if (c == '\0') {
			if (quoted) {
				*reason = "unterminated quote";
				return -EINVAL;
			}
			break;
		}
		if (quoted && c == '"') {
			s++;
			keep = v;
			while (*s == ' ')
				s++;
			if (*s != '\0' && *s != sep) {
				*reason = "text after a quoted value";
				return -EINVAL;
			}
			break;
		}
		if (!quoted && c == sep)
			break;
		if (c == '\\') {
			if (s[1] == '\0') {
				*reason = "escape at the end";
				return -EINVAL;
			}
			c = *++s;
			keep = v + 1;
		}
		if (v >= DN_VALUE_MAX) {
			*reason = "attribute value too long";
			return -EINVAL;
		}
		val[v++] = c;
		if (quoted)
			keep = v;
		s++;
	}
	/* Trailing spaces are separator padding unless escaped or quoted. */
	while (v > keep && val[v - 1] == ' ')
		v--;
	if (v == 0) {
		*reason = "empty attribute value";
		return -EINVAL;
	}
	*val_len = v;
	*p = s;
	return 0;
}

static int
add_rdn(X509_NAME *name, const char *key, const char *val, size_t n, const char **reason)
{
	ASN1_OBJECT *obj = key_to_obj(key);
	X509_NAME_ENTRY *ne;
	int nid, ok;

	if (obj == NULL) {
		*reason = "unknown attribute name";
		return -EINVAL;
	}
	nid = OBJ_obj2nid(obj);
	if (nid == NID_countryName && (n != 2 || !printable(val, n))) {
		ASN1_OBJECT_free(obj);
		*reason = "C= needs a two-letter country code";
		return -EINVAL;
	}
	if (!valid_utf8(val, n)) {
		ASN1_OBJECT_free(obj);
		*reason = "value is not UTF-8 text (or holds a control character)";
		return -EINVAL;
	}
	ne = X509_NAME_ENTRY_create_by_OBJ(NULL, obj, value_type(nid, val, n),
					   (const unsigned char *)val, (int)n);
	ASN1_OBJECT_free(obj);
	ok = ne != NULL && X509_NAME_add_entry(name, ne, -1, 0) == 1;
	X509_NAME_ENTRY_free(ne);
	if (!ok) {
		*reason = "value not valid for its attribute";
		return -EINVAL;
	}
	return 0;
}

int
ike_dn_from_text(const char *text, uint8_t *der, size_t cap, size_t *len, const char **reason)
{
	char key[64], val[DN_VALUE_MAX + 1];
	const char *why = "empty distinguished name", *p = text;
	X509_NAME *name = X509_NAME_new();
	unsigned char *out = der;
	size_t val_len;
	char sep = ',';
	int ret = -EINVAL, n;

	if (name == NULL)
		return -ENOMEM;
	while (*p == ' ')
		p++;
	if (*p == '/') {		/* "/C=CH/O=strongSwan/CN=moon" */
		sep = '/';
		p++;
	}
	while (*p != '\0') {
		ret = read_rdn(&p, sep, key, sizeof(key), val, &val_len, &why);
		if (ret == 0)
			ret = add_rdn(name, key, val, val_len, &why);
		if (ret < 0)
			goto out;
		if (*p == sep)
			p++;
	}
	if (X509_NAME_entry_count(name) == 0) {
		ret = -EINVAL;
		goto out;
	}
	n = i2d_X509_NAME(name, NULL);
	if (n <= 0) {
		why = "cannot encode";
		ret = -EINVAL;
	} else if ((size_t)n > cap) {
		why = "distinguished name too long";
		ret = -ENOSPC;
	} else {
		i2d_X509_NAME(name, &out);
		*len = (size_t)n;
		ret = 0;
	}
out:
	X509_NAME_free(name);
	if (ret < 0 && reason != NULL)
		*reason = why;
	return ret;
}

static X509_NAME *
dn_parse(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509_NAME *name;

	if (len == 0 || len > LONG_MAX)
		return NULL;
	name = d2i_X509_NAME(NULL, &p, (long)len);
	if (name != NULL && p != der + len) {
		X509_NAME_free(name);
		return NULL;
	}
	return name;
}

bool
ike_dn_valid(const uint8_t *der, size_t len)
{
	X509_NAME *name = dn_parse(der, len);

	X509_NAME_free(name);
	return name != NULL;
}

bool
ike_dn_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
	X509_NAME *na = dn_parse(a, a_len), *nb = dn_parse(b, b_len);
	/* X509_NAME_cmp compares the canonical encodings (RFC 5280 7.1 style). */
	bool eq = na != NULL && nb != NULL && X509_NAME_cmp(na, nb) == 0;

	X509_NAME_free(na);
	X509_NAME_free(nb);
	return eq;
}

static const char *
obj_key(const ASN1_OBJECT *obj, char *tmp, size_t cap)
{
	int nid = OBJ_obj2nid(obj);
	size_t i;

	for (i = 0; i < N_KEYS; i++)
		if (dn_keys[i].nid == nid)
			return dn_keys[i].key;
	if (OBJ_obj2txt(tmp, (int)cap, obj, 1) <= 0)
		return "?";
	return tmp;
}

/* Append, escaping what the parser would take as syntax; controls become '?'. */
static bool
put_value(char *buf, size_t cap, size_t *pos, const unsigned char *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		unsigned char c = v[i] < 0x20 || v[i] == 0x7f ? '?' : v[i];
		bool esc = c == ',' || c == '\\' || c == '"' || c == '/' ||
			   (c == ' ' && (i == 0 || i == n - 1));

		if (*pos + 1 + esc >= cap)
			return false;
		if (esc)
			buf[(*pos)++] = '\\';
		buf[(*pos)++] = (char)c;
	}
	return true;
}

int
ike_dn_to_text(const uint8_t *der, size_t len, char *buf, size_t cap)
{
	X509_NAME *name = dn_parse(der, len);
	char tmp[80];
	size_t pos = 0;
	int i, ret = 0;

	if (cap > 0)
		buf[0] = '\0';
	if (name == NULL)
		return -EBADMSG;
	if (cap == 0) {
		X509_NAME_free(name);
		return -ENOSPC;
	}
	for (i = 0; i < X509_NAME_entry_count(name) && ret == 0; i++) {
		const X509_NAME_ENTRY *ne = X509_NAME_get_entry(name, i);
		const char *key = obj_key(X509_NAME_ENTRY_get_object(ne), tmp, sizeof(tmp));
		unsigned char *utf8 = NULL;
		int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(ne));
		size_t kl = strlen(key);

		if (pos + (i ? 2 : 0) + kl + 1 >= cap) {
			ret = -ENOSPC;
		} else {
			if (i) {
				memcpy(buf + pos, ", ", 2);
				pos += 2;
			}
			memcpy(buf + pos, key, kl);
			pos += kl;
			buf[pos++] = '=';
			if (n < 0)
				n = 0;	/* a value that is no string: printed empty */
			if (!put_value(buf, cap, &pos, utf8, n))
				ret = -ENOSPC;
		}
		OPENSSL_free(utf8);
	}
	buf[pos < cap ? pos : cap - 1] = '\0';
	X509_NAME_free(name);
	return ret < 0 ? ret : (int)pos;
}
