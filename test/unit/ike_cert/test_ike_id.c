/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/ike/cert identities (RFC 7296 3.5): ID payload bodies against octets
 * written by hand from the RFC, the configuration's text forms, DN text <->
 * DER (the DER written by hand from X.501 / RFC 5280 4.1.2.4), comparison,
 * and every malformed body refused with its reason. No certificate needed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gw_test.h"
#include "ike_id.h"

static void
check_body(const char *kind, const char *value, const uint8_t *want, size_t want_len)
{
	uint8_t buf[IKE_ID_HDR_LEN + IKE_ID_DATA_MAX];
	const char *why = NULL;
	struct ike_id id, back;
	size_t len = 0;

	CHECK_EQ(ike_id_parse(kind, value, &id, &why), 0);
	CHECK_EQ(ike_id_encode(&id, buf, sizeof(buf), &len), 0);
	CHECK_EQ(len, want_len);
	CHECK_MEM(buf, want, want_len);
	/* and back: the decoder gives the same identity */
	CHECK_EQ(ike_id_decode(buf, len, &back, &why), 0);
	CHECK(ike_id_equal(&id, &back));
	CHECK_EQ(ike_id_encode(&id, buf, want_len - 1, &len), -ENOSPC);
}

static void
test_encodings(void)
{
	/* ID Type, RESERVED 000000, data (RFC 7296 3.5) */
	static const uint8_t fqdn[] = { 0x02, 0, 0, 0, 'm', 'o', 'o', 'n', '.', 'e', 'x' };
	static const uint8_t v4[] = { 0x01, 0, 0, 0, 192, 0, 2, 1 };
	static const uint8_t v6[] = { 0x05, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
				      0, 0, 0, 0, 0, 0, 0, 0x01 };
	static const uint8_t mail[] = { 0x03, 0, 0, 0, 'c', '@', 's', '.', 'o' };
	static const uint8_t keyid[] = { 0x0b, 0, 0, 0, 0x0a, 0x0b, 0xfc };
	static const uint8_t keytxt[] = { 0x0b, 0, 0, 0, 'k', '1' };

	check_body("hostname", "moon.ex", fqdn, sizeof(fqdn));
	check_body("inet", "192.0.2.1", v4, sizeof(v4));
	check_body("inet6", "2001:db8::1", v6, sizeof(v6));
	check_body("user-at-hostname", "c@s.o", mail, sizeof(mail));
	check_body("key-id", "0x0a0BfC", keyid, sizeof(keyid));
	check_body("key-id", "k1", keytxt, sizeof(keytxt));
}

/* "C=CH, O=strongSwan, CN=moon.strongswan.org", each value a PrintableString (0x13). */
static const uint8_t moon_dn[] = {
	0x30, 0x40,
	0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 'C', 'H',
	0x31, 0x13, 0x30, 0x11, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x13, 0x0a,
	's', 't', 'r', 'o', 'n', 'g', 'S', 'w', 'a', 'n',
	0x31, 0x1c, 0x30, 0x1a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x13,
	'm', 'o', 'o', 'n', '.', 's', 't', 'r', 'o', 'n', 'g', 's', 'w', 'a', 'n', '.',
	'o', 'r', 'g',
};

static void
test_dn(void)
{
	static const char *const forms[] = {
		"C=CH, O=strongSwan, CN=moon.strongswan.org",
		"C=CH,O=strongSwan,CN=moon.strongswan.org",
		"  c = CH ,  O=\"strongSwan\", cn=moon.strongswan.org  ",
		"/C=CH/O=strongSwan/CN=moon.strongswan.org",
		"2.5.4.6=CH, O=strongSwan, 2.5.4.3=moon.strongswan.org",
	};
	uint8_t body[IKE_ID_HDR_LEN + sizeof(moon_dn)] = { 0x09 };
	char text[IKE_ID_TEXT_MAX];
	uint8_t der[512];
	const char *why = NULL;
	struct ike_id a, b;
	size_t len, i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		len = 0;
		CHECK_EQ(ike_dn_from_text(forms[i], der, sizeof(der), &len, &why), 0);
		CHECK_EQ(len, sizeof(moon_dn));
		CHECK_MEM(der, moon_dn, sizeof(moon_dn));
	}
	/* strongSwan's printed form, RDNs in DER order */
	CHECK(ike_dn_to_text(moon_dn, sizeof(moon_dn), text, sizeof(text)) > 0);
	CHECK(strcmp(text, "C=CH, O=strongSwan, CN=moon.strongswan.org") == 0);
	CHECK_EQ(ike_dn_to_text(moon_dn, sizeof(moon_dn), text, 10), -ENOSPC);
	CHECK_EQ(strlen(text), 9);

	/* the ID payload body: type 9, RESERVED, DER */
	memcpy(body + IKE_ID_HDR_LEN, moon_dn, sizeof(moon_dn));
	CHECK_EQ(ike_id_parse("distinguished-name", forms[0], &a, &why), 0);
	CHECK_EQ(ike_id_encode(&a, der, sizeof(der), &len), 0);
	CHECK_EQ(len, sizeof(body));
	CHECK_MEM(der, body, sizeof(body));

	/* a comma, a quote and edge spaces survive text -> DER -> text */
	CHECK_EQ(ike_dn_from_text("O=\"a, b\", OU=x\\,y, CN=\\ sp\\ ", der, sizeof(der), &len,
				  &why), 0);
	CHECK(ike_dn_to_text(der, len, text, sizeof(text)) > 0);
	CHECK(strcmp(text, "O=a\\, b, OU=x\\,y, CN=\\ sp\\ ") == 0);

	/* Equality by canonical form: case and string type do not matter. */
	CHECK_EQ(ike_id_parse("distinguished-name", "C=CH, O=STRONGSWAN, CN=Moon.StrongSwan.org",
			      &b, &why), 0);
	CHECK(ike_id_equal(&a, &b));
	CHECK_EQ(ike_id_parse("distinguished-name", "C=CH, O=strongSwan, CN=mooñ", &b, &why), 0);
	CHECK(!ike_id_equal(&a, &b));
	/* order matters (a DN is a sequence) */
	CHECK_EQ(ike_id_parse("distinguished-name", "O=strongSwan, C=CH, CN=moon.strongswan.org",
			      &b, &why), 0);
	CHECK(!ike_id_equal(&a, &b));
	/* UTF8String for what PrintableString cannot hold; IA5String for E= */
	CHECK_EQ(ike_dn_from_text("CN=Zürich", der, sizeof(der), &len, &why), 0);
	CHECK_EQ(der[11], 0x0c);	/* 30 L 31 L 30 L 06 03 55 04 03 0c */
	CHECK_EQ(ike_dn_from_text("E=a_b@c.d", der, sizeof(der), &len, &why), 0);
	CHECK_EQ(der[17], 0x16);	/* after 06 09 + the 9 OID octets */
}

static void
test_dn_refused(void)
{
	static const char *const bad[] = {
		"", "   ", "CN", "CN=", "=x", "XX=1", "C=CHE", "CN=\"open", "CN=\"a\" b",
		"CN=a\\", "emailAddress2=x", "CN=a, , O=b",
	};
	uint8_t der[256];
	const char *why;
	size_t len, i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		CHECK(ike_dn_from_text(bad[i], der, sizeof(der), &len, &why) < 0);
		CHECK(why != NULL);
		if (why == NULL)
			fprintf(stderr, "no reason for \"%s\"\n", bad[i]);
	}
	CHECK_EQ(ike_dn_from_text("CN=moon.strongswan.org", der, 10, &len, &why), -ENOSPC);
	CHECK_EQ(ike_dn_from_text("CN=a\xff" "b", der, sizeof(der), &len, &why), -EINVAL);
	CHECK(strstr(why, "not UTF-8 text") != NULL);
	CHECK_EQ(ike_dn_from_text("CN=a\x01" "b", der, sizeof(der), &len, &why), -EINVAL);
	CHECK_EQ(ike_dn_from_text("CN=a\t", der, sizeof(der), &len, &why), -EINVAL);
}

static void
refuse(const uint8_t *body, size_t len, int want, const char *reason)
{
	const char *why = NULL;
	struct ike_id id;

	CHECK_EQ(ike_id_decode(body, len, &id, &why), want);
	CHECK(why != NULL && strstr(why, reason) != NULL);
	if (why == NULL || strstr(why, reason) == NULL)
		fprintf(stderr, "reason \"%s\", expected \"%s\"\n", why ? why : "(none)", reason);
}

static void
test_decode_refused(void)
{
	static const uint8_t short_hdr[] = { 0x02, 0, 0 };
	static const uint8_t v4_3[] = { 0x01, 0, 0, 0, 192, 0, 2 };
	static const uint8_t v4_5[] = { 0x01, 0, 0, 0, 192, 0, 2, 1, 0 };
	static const uint8_t v6_4[] = { 0x05, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8 };
	static const uint8_t fqdn_empty[] = { 0x02, 0, 0, 0 };
	static const uint8_t fqdn_nul[] = { 0x02, 0, 0, 0, 'a', 0, 'b' };
	static const uint8_t fqdn_cr[] = { 0x02, 0, 0, 0, 'a', '\r' };
	static const uint8_t key_empty[] = { 0x0b, 0, 0, 0 };
	static const uint8_t subnet[] = { 0x04, 0, 0, 0, 1, 2, 3, 4, 255, 255, 255, 0 };
	static const uint8_t gn[] = { 0x0a, 0, 0, 0, 0x30, 0x00 };
	static const uint8_t dn_empty[] = { 0x09, 0, 0, 0, 0x30, 0x00 };
	static const uint8_t dn_junk[] = { 0x09, 0, 0, 0, 0x04, 0x02, 'a', 'b' };
	uint8_t dn_trailing[IKE_ID_HDR_LEN + sizeof(moon_dn) + 1] = { 0x09 };
	uint8_t dn_short[IKE_ID_HDR_LEN + sizeof(moon_dn) - 1] = { 0x09 };
	uint8_t big[IKE_ID_HDR_LEN + IKE_ID_DATA_MAX + 1];

	refuse(short_hdr, sizeof(short_hdr), -EBADMSG, "4-octet header");
	refuse(v4_3, sizeof(v4_3), -EBADMSG, "not 4 octets");
	refuse(v4_5, sizeof(v4_5), -EBADMSG, "not 4 octets");
	refuse(v6_4, sizeof(v6_4), -EBADMSG, "not 16 octets");
	refuse(fqdn_empty, sizeof(fqdn_empty), -EBADMSG, "empty name");
	refuse(fqdn_nul, sizeof(fqdn_nul), -EBADMSG, "control character");
	refuse(fqdn_cr, sizeof(fqdn_cr), -EBADMSG, "control character");
	refuse(key_empty, sizeof(key_empty), -EBADMSG, "empty key id");
	refuse(subnet, sizeof(subnet), -EPROTONOSUPPORT, "unsupported ID type");
	refuse(gn, sizeof(gn), -EPROTONOSUPPORT, "unsupported ID type");
	refuse(dn_empty, sizeof(dn_empty), -EBADMSG, "empty distinguished name");
	refuse(dn_junk, sizeof(dn_junk), -EBADMSG, "not one DER Name");
	memcpy(dn_trailing + IKE_ID_HDR_LEN, moon_dn, sizeof(moon_dn));
	refuse(dn_trailing, sizeof(dn_trailing), -EBADMSG, "not one DER Name");
	memcpy(dn_short + IKE_ID_HDR_LEN, moon_dn, sizeof(dn_short) - IKE_ID_HDR_LEN);
	refuse(dn_short, sizeof(dn_short), -EBADMSG, "not one DER Name");
	memset(big, 'a', sizeof(big));
	big[0] = IKE_IDTYPE_KEY_ID;
	refuse(big, sizeof(big), -EBADMSG, "too long");
}

static void
test_decode_ok(void)
{
	/* RESERVED is ignored on receipt (RFC 7296 3.5) */
	static const uint8_t v4[] = { 0x01, 0xff, 0x12, 0x34, 198, 51, 100, 7 };
	/* an RFC 822 identity without '@' is taken from a peer (strongSwan's "@@name") */
	static const uint8_t mail_no_at[] = { 0x03, 0, 0, 0, 'a', 'b' };
	char text[IKE_ID_TEXT_MAX];
	const char *why = NULL;
	struct ike_id id;

	CHECK_EQ(ike_id_decode(mail_no_at, sizeof(mail_no_at), &id, &why), 0);
	CHECK_EQ(ike_id_decode(v4, sizeof(v4), &id, &why), 0);
	CHECK_EQ(id.type, IKE_IDTYPE_IPV4_ADDR);
	CHECK_EQ(id.len, 4);
	CHECK(ike_id_to_text(&id, text, sizeof(text)) > 0 && strcmp(text, "198.51.100.7") == 0);
	CHECK_EQ(ike_id_parse("key-id", "0x0aff", &id, &why), 0);
	CHECK(ike_id_to_text(&id, text, sizeof(text)) > 0 && strcmp(text, "0x0aff") == 0);
	CHECK_EQ(ike_id_parse("inet6", "2001:db8::1", &id, &why), 0);
	CHECK(ike_id_to_text(&id, text, sizeof(text)) > 0 && strcmp(text, "2001:db8::1") == 0);
	CHECK_EQ(ike_id_parse("any", "", &id, &why), 0);
	CHECK(ike_id_to_text(&id, text, sizeof(text)) > 0 && strcmp(text, "%any") == 0);
	CHECK(strcmp(ike_id_type_name(IKE_IDTYPE_RFC822_ADDR), "user-at-hostname") == 0);
	CHECK(strcmp(ike_id_type_name(200), "unknown") == 0);
}

static void
test_compare(void)
{
	struct ike_id a, b, any;
	const char *why;

	CHECK_EQ(ike_id_parse("hostname", "moon.strongswan.org", &a, &why), 0);
	CHECK_EQ(ike_id_parse("hostname", "MOON.StrongSwan.ORG", &b, &why), 0);
	CHECK(ike_id_equal(&a, &b));
	CHECK_EQ(ike_id_parse("hostname", "moon.strongswan.or", &b, &why), 0);
	CHECK(!ike_id_equal(&a, &b));
	CHECK_EQ(ike_id_parse("user-at-hostname", "moon.strongswan.org@x", &b, &why), 0);
	CHECK(!ike_id_equal(&a, &b));	/* other type */
	CHECK_EQ(ike_id_parse("any", "", &any, &why), 0);
	CHECK(ike_id_matches(&any, &a));
	CHECK(ike_id_matches(&a, &a));
	CHECK(!ike_id_matches(&a, &b));
	CHECK_EQ(ike_id_parse("key-id", "0x0a0b", &a, &why), 0);
	CHECK_EQ(ike_id_parse("key-id", "0x0A0B", &b, &why), 0);
	CHECK(ike_id_equal(&a, &b));
	CHECK_EQ(ike_id_parse("key-id", "0x0a0c", &b, &why), 0);
	CHECK(!ike_id_equal(&a, &b));
}

static void
test_parse_refused(void)
{
	static const char *const bad[][2] = {
		{ "inet", "300.1.1.1" }, { "inet", "2001:db8::1" }, { "inet6", "192.0.2.1" },
		{ "hostname", "" }, { "hostname", "a b" }, { "user-at-hostname", "carol" },
		{ "key-id", "0x0" }, { "key-id", "0xzz" }, { "key-id", "" },
		{ "distinguished-name", "CN" }, { "fqdn", "x" },
	};
	const char *why;
	struct ike_id id;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		CHECK_EQ(ike_id_parse(bad[i][0], bad[i][1], &id, &why), -EINVAL);
		CHECK(why != NULL);
	}
	CHECK_EQ(ike_id_parse(NULL, "x", &id, &why), -EINVAL);
}

int
main(void)
{
	GW_RUN(test_encodings);
	GW_RUN(test_dn);
	GW_RUN(test_dn_refused);
	GW_RUN(test_decode_refused);
	GW_RUN(test_decode_ok);
	GW_RUN(test_compare);
	GW_RUN(test_parse_refused);
	return gw_test_result();
}
