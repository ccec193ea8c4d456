/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 identities (RFC 7296 3.5): the Identification payload body, the
 * configuration's text forms (Junos `hostname`, `inet`, `inet6`,
 * `user-at-hostname`, `distinguished-name`, `key-id`) and comparison.
 * Plain C11; the DN forms use OpenSSL's X509_NAME. No allocation in the
 * struct: an identity is a value that can be copied.
 */
#ifndef IKE_ID_H
#define IKE_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * ID Type, RFC 7296 3.5 (IANA "IKEv2 Identification Payload ID Types"): the
 * numbers of lib/ike's ID types, named apart so that both headers can be
 * included together.
 */
enum ike_idtype {
	IKE_IDTYPE_ANY = 0,			/* configuration only: accept any identity */
	IKE_IDTYPE_IPV4_ADDR = 1,
	IKE_IDTYPE_FQDN = 2,
	IKE_IDTYPE_RFC822_ADDR = 3,
	IKE_IDTYPE_IPV6_ADDR = 5,
	IKE_IDTYPE_DER_ASN1_DN = 9,
	IKE_IDTYPE_DER_ASN1_GN = 10,
	IKE_IDTYPE_KEY_ID = 11,
};

/* ID payload body = ID Type (1) | RESERVED (3) | Identification Data. */
#define IKE_ID_HDR_LEN 4
#define IKE_ID_DATA_MAX 1024	/* longest identification data accepted */
/*
 * Buffer for ike_id_to_text(): holds every identity (a key id of 1024 octets
 * in hex) except a DN whose text outgrows it (escapes, long dotted OIDs): that
 * one is truncated (-ENOSPC).
 */
#define IKE_ID_TEXT_MAX (2 + 2 * IKE_ID_DATA_MAX + 1)

struct ike_id {
	uint8_t type;			/* enum ike_idtype */
	uint16_t len;			/* octets of data */
	uint8_t data[IKE_ID_DATA_MAX];	/* as on the wire (DN: DER Name) */
};

/*
 * Decode an ID payload body (the octets after the generic payload header).
 * RESERVED is ignored (RFC 7296 3.5). Checked: the type is one we know, an
 * address has its exact length, FQDN / RFC822 / KEY_ID data is not empty and
 * the names hold no NUL or control character, a DN is one DER Name with no
 * trailing octet. Returns 0, -EBADMSG (with *reason) or -EPROTONOSUPPORT
 * (unknown type; DER_ASN1_GN).
 */
int ike_id_decode(const uint8_t *body, size_t len, struct ike_id *id, const char **reason);

/* Encode the body: type, three zero octets, data. -ENOSPC if cap is short. */
int ike_id_encode(const struct ike_id *id, uint8_t *out, size_t cap, size_t *len);

/*
 * The configuration's identity: kind is the Junos keyword (`hostname`, `inet`,
 * `inet6`, `user-at-hostname`, `distinguished-name`, `key-id`, `any`), value its
 * text ("moon.strongswan.org", "192.0.2.1", "2001:db8::1", "carol@strongswan.org",
 * "C=CH, O=strongSwan, CN=moon.strongswan.org", key-id as hex "0x0a0b..." or
 * text). Returns 0 or -EINVAL with *reason.
 */
int ike_id_parse(const char *kind, const char *value, struct ike_id *id, const char **reason);

/*
 * Text form for logs and `show`: "moon.strongswan.org", "192.0.2.1",
 * "C=CH, O=strongSwan, CN=moon" (RDNs in DER order as strongSwan prints),
 * "0x0a0b" for a key id. Always NUL-terminates when cap > 0; returns the
 * length written or -ENOSPC (truncated).
 */
int ike_id_to_text(const struct ike_id *id, char *buf, size_t cap);

/* Junos keyword of a type ("hostname" ...), "unknown" if none. */
const char *ike_id_type_name(uint8_t type);

/*
 * Identity comparison as strongSwan does it: same type and, FQDN and RFC822
 * case-insensitively, DN by the canonical form of each RDN (string types and
 * letter case of the values may differ), the rest octet for octet.
 */
bool ike_id_equal(const struct ike_id *a, const struct ike_id *b);

/* Does the received identity satisfy the configured one (IKE_IDTYPE_ANY = any)? */
bool ike_id_matches(const struct ike_id *configured, const struct ike_id *received);

/*
 * DN text <-> DER Name. Text: RDNs separated by ',' (spaces around ignored) or
 * each introduced by '/', "KEY=value", keys C, ST, L, O, OU, CN, E (emailAddress),
 * DC, SN (surname), serialNumber, T, G, UID or a dotted OID; a value may be
 * quoted ("...") or escape a character with '\'. A value is a PrintableString
 * when it can be one, else UTF8String (E: IA5String), as strongSwan encodes it. ike_dn_to_text() prints strongSwan's form ("C=CH, O=strongSwan").
 */
int ike_dn_from_text(const char *text, uint8_t *der, size_t cap, size_t *len,
		     const char **reason);
int ike_dn_to_text(const uint8_t *der, size_t len, char *buf, size_t cap);
/* Is it one DER Name with no trailing octet? */
bool ike_dn_valid(const uint8_t *der, size_t len);
/* Equality of two DER Names by their canonical forms (false if either is bad). */
bool ike_dn_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len);

#endif /* IKE_ID_H */
