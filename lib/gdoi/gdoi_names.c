/* SPDX-License-Identifier: BSD-3-Clause */
/* Name tables (gdoi_names.h). Each table cites where its numbers come from. */

#include <stddef.h>

#include "gdoi_names.h"

struct gdoi_name {
	uint32_t v;
	const char *n;
};

#define NAMES(t) t, sizeof(t) / sizeof((t)[0])

static const char *
lookup(const struct gdoi_name *t, size_t n, uint32_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].n;
	return "UNKNOWN";
}

/* RFC 2408 3.1; 32 is Quick Mode under the IPsec DOI (RFC 2409). */
static const struct gdoi_name exch_names[] = {
	{ GDOI_EXCH_NONE, "NONE" },
	{ GDOI_EXCH_BASE, "BASE" },
	{ GDOI_EXCH_IDPROT, "IDENTITY_PROTECTION" },
	{ GDOI_EXCH_AUTH_ONLY, "AUTHENTICATION_ONLY" },
	{ GDOI_EXCH_AGGRESSIVE, "AGGRESSIVE" },
	{ GDOI_EXCH_INFO, "INFORMATIONAL" },
	{ GDOI_EXCH_PULL, "GROUPKEY-PULL" },
	{ GDOI_EXCH_PUSH, "GROUPKEY-PUSH" },
	{ GDOI_EXCH_PUSH_ACK, "GROUPKEY-PUSH-ACK" },
};

static const struct gdoi_name pl_names[] = {
	{ GDOI_PL_NONE, "NONE" },
	{ GDOI_PL_SA, "SA" },
	{ GDOI_PL_PROPOSAL, "PROPOSAL" },
	{ GDOI_PL_TRANSFORM, "TRANSFORM" },
	{ GDOI_PL_KE, "KE" },
	{ GDOI_PL_ID, "ID" },
	{ GDOI_PL_CERT, "CERT" },
	{ GDOI_PL_CERTREQ, "CERTREQ" },
	{ GDOI_PL_HASH, "HASH" },
	{ GDOI_PL_SIG, "SIG" },
	{ GDOI_PL_NONCE, "NONCE" },
	{ GDOI_PL_NOTIFY, "NOTIFY" },
	{ GDOI_PL_DELETE, "DELETE" },
	{ GDOI_PL_VID, "VENDOR_ID" },
	{ GDOI_PL_SAK, "SA_KEK" },
	{ GDOI_PL_SAT, "SA_TEK" },
	{ GDOI_PL_KD, "KD" },
	{ GDOI_PL_SEQ, "SEQ" },
	{ GDOI_PL_POP, "POP" },
	{ GDOI_PL_NATD, "NAT-D" },
	{ GDOI_PL_NATOA, "NAT-OA" },
	{ GDOI_PL_GAP, "GAP" },
};

/* RFC 2408 3.14.1 (errors 1-30, status 16384), RFC 2407 4.6.3, RFC 3706. */
static const struct gdoi_name notify_names[] = {
	{ 1, "INVALID-PAYLOAD-TYPE" },
	{ 2, "DOI-NOT-SUPPORTED" },
	{ 3, "SITUATION-NOT-SUPPORTED" },
	{ 4, "INVALID-COOKIE" },
	{ 5, "INVALID-MAJOR-VERSION" },
	{ 6, "INVALID-MINOR-VERSION" },
	{ 7, "INVALID-EXCHANGE-TYPE" },
	{ 8, "INVALID-FLAGS" },
	{ 9, "INVALID-MESSAGE-ID" },
	{ 10, "INVALID-PROTOCOL-ID" },
	{ 11, "INVALID-SPI" },
	{ 12, "INVALID-TRANSFORM-ID" },
	{ 13, "ATTRIBUTES-NOT-SUPPORTED" },
	{ 14, "NO-PROPOSAL-CHOSEN" },
	{ 15, "BAD-PROPOSAL-SYNTAX" },
	{ 16, "PAYLOAD-MALFORMED" },
	{ 17, "INVALID-KEY-INFORMATION" },
	{ 18, "INVALID-ID-INFORMATION" },
	{ 19, "INVALID-CERT-ENCODING" },
	{ 20, "INVALID-CERTIFICATE" },
	{ 21, "CERT-TYPE-UNSUPPORTED" },
	{ 22, "INVALID-CERT-AUTHORITY" },
	{ 23, "INVALID-HASH-INFORMATION" },
	{ 24, "AUTHENTICATION-FAILED" },
	{ 25, "INVALID-SIGNATURE" },
	{ 26, "ADDRESS-NOTIFICATION" },
	{ 27, "NOTIFY-SA-LIFETIME" },
	{ 28, "CERTIFICATE-UNAVAILABLE" },
	{ 29, "UNSUPPORTED-EXCHANGE-TYPE" },
	{ 30, "UNEQUAL-PAYLOAD-LENGTHS" },
	{ 16384, "CONNECTED" },
	{ 24576, "RESPONDER-LIFETIME" },
	{ 24577, "REPLAY-STATUS" },
	{ 24578, "INITIAL-CONTACT" },
	{ 36136, "R-U-THERE" },
	{ 36137, "R-U-THERE-ACK" },
};

static const struct gdoi_name proto_names[] = {
	{ GDOI_PROTO_ISAKMP, "PROTO_ISAKMP" },
	{ GDOI_PROTO_IPSEC_AH, "PROTO_IPSEC_AH" },
	{ GDOI_PROTO_IPSEC_ESP, "PROTO_IPSEC_ESP" },
	{ GDOI_PROTO_IPCOMP, "PROTO_IPCOMP" },
};

static const struct gdoi_name tek_proto_names[] = {
	{ GDOI_TEK_PROTO_ESP, "GDOI_PROTO_IPSEC_ESP" },
	{ GDOI_TEK_PROTO_AH, "GDOI_PROTO_IPSEC_AH" },
	{ GDOI_TEK_PROTO_IEC61850, "GDOI_PROTO_IEC_61850" },
};

static const struct gdoi_name id_names[] = {
	{ GDOI_ID_IPV4_ADDR, "ID_IPV4_ADDR" },
	{ GDOI_ID_FQDN, "ID_FQDN" },
	{ GDOI_ID_USER_FQDN, "ID_USER_FQDN" },
	{ GDOI_ID_IPV4_SUBNET, "ID_IPV4_ADDR_SUBNET" },
	{ GDOI_ID_IPV6_ADDR, "ID_IPV6_ADDR" },
	{ GDOI_ID_IPV6_SUBNET, "ID_IPV6_ADDR_SUBNET" },
	{ GDOI_ID_IPV4_RANGE, "ID_IPV4_ADDR_RANGE" },
	{ GDOI_ID_IPV6_RANGE, "ID_IPV6_ADDR_RANGE" },
	{ GDOI_ID_DER_ASN1_DN, "ID_DER_ASN1_DN" },
	{ GDOI_ID_DER_ASN1_GN, "ID_DER_ASN1_GN" },
	{ GDOI_ID_KEY_ID, "ID_KEY_ID" },
	{ GDOI_ID_OID, "ID_OID" },
};

static const struct gdoi_name kd_names[] = {
	{ GDOI_KD_TEK, "TEK" },
	{ GDOI_KD_KEK, "KEK" },
	{ GDOI_KD_LKH, "LKH" },
	{ GDOI_KD_SID, "SID" },
};

static const struct gdoi_name doi_names[] = {
	{ GDOI_DOI_ISAKMP, "ISAKMP" },
	{ GDOI_DOI_IPSEC, "IPSEC" },
	{ GDOI_DOI_GDOI, "GDOI" },
};

static const struct gdoi_name ike_attr_names[] = {
	{ 1, "ENCRYPTION_ALGORITHM" },
	{ 2, "HASH_ALGORITHM" },
	{ 3, "AUTHENTICATION_METHOD" },
	{ 4, "GROUP_DESCRIPTION" },
	{ 5, "GROUP_TYPE" },
	{ 6, "GROUP_PRIME" },
	{ 7, "GROUP_GENERATOR_ONE" },
	{ 8, "GROUP_GENERATOR_TWO" },
	{ 9, "GROUP_CURVE_A" },
	{ 10, "GROUP_CURVE_B" },
	{ 11, "LIFE_TYPE" },
	{ 12, "LIFE_DURATION" },
	{ 13, "PRF" },
	{ 14, "KEY_LENGTH" },
	{ 15, "FIELD_SIZE" },
	{ 16, "GROUP_ORDER" },
};

static const struct gdoi_name ipsec_attr_names[] = {
	{ GDOI_IPSEC_SA_LIFE_TYPE, "SA_LIFE_TYPE" },
	{ GDOI_IPSEC_SA_LIFE_DURATION, "SA_LIFE_DURATION" },
	{ GDOI_IPSEC_GROUP_DESCRIPTION, "GROUP_DESCRIPTION" },
	{ GDOI_IPSEC_ENCAPSULATION_MODE, "ENCAPSULATION_MODE" },
	{ GDOI_IPSEC_AUTH_ALGORITHM, "AUTHENTICATION_ALGORITHM" },
	{ GDOI_IPSEC_KEY_LENGTH, "KEY_LENGTH" },
	{ GDOI_IPSEC_KEY_ROUNDS, "KEY_ROUNDS" },
	{ GDOI_IPSEC_COMPRESS_DICT_SIZE, "COMPRESS_DICTIONARY_SIZE" },
	{ GDOI_IPSEC_COMPRESS_PRIV_ALG, "COMPRESS_PRIVATE_ALGORITHM" },
	{ GDOI_IPSEC_ECN_TUNNEL, "ECN_TUNNEL" },
	{ GDOI_IPSEC_EXT_SEQ_NUM, "EXTENDED_SEQUENCE_NUMBER" },
	{ GDOI_IPSEC_ADDR_PRESERVATION, "ADDRESS_PRESERVATION" },
	{ GDOI_IPSEC_SA_DIRECTION, "SA_DIRECTION" },
};

static const struct gdoi_name kek_attr_names[] = {
	{ GDOI_KEK_MANAGEMENT_ALGORITHM, "KEK_MANAGEMENT_ALGORITHM" },
	{ GDOI_KEK_ALGORITHM, "KEK_ALGORITHM" },
	{ GDOI_KEK_KEY_LENGTH, "KEK_KEY_LENGTH" },
	{ GDOI_KEK_KEY_LIFETIME, "KEK_KEY_LIFETIME" },
	{ GDOI_KEK_SIG_HASH_ALGORITHM, "SIG_HASH_ALGORITHM" },
	{ GDOI_KEK_SIG_ALGORITHM, "SIG_ALGORITHM" },
	{ GDOI_KEK_SIG_KEY_LENGTH, "SIG_KEY_LENGTH" },
	{ GDOI_KEK_ACK_REQUESTED, "KEK_ACK_REQUESTED" },
};

static const struct gdoi_name gap_attr_names[] = {
	{ GDOI_GAP_ACTIVATION_TIME_DELAY, "ACTIVATION_TIME_DELAY" },
	{ GDOI_GAP_DEACTIVATION_TIME_DELAY, "DEACTIVATION_TIME_DELAY" },
	{ GDOI_GAP_SENDER_ID_REQUEST, "SENDER_ID_REQUEST" },
	{ GDOI_GAP_D3P_TYPE_DEFAULT, "D3P-TYPE" },
	{ GDOI_GAP_D3P_WINDOWSIZE_DEFAULT, "D3P-WINDOWSIZE" },
};

static const struct gdoi_name kd_tek_attr_names[] = {
	{ GDOI_KD_TEK_ALGORITHM_KEY, "TEK_ALGORITHM_KEY" },
	{ GDOI_KD_TEK_INTEGRITY_KEY, "TEK_INTEGRITY_KEY" },
	{ GDOI_KD_TEK_SOURCE_AUTH_KEY, "TEK_SOURCE_AUTH_KEY" },
};

static const struct gdoi_name kd_kek_attr_names[] = {
	{ GDOI_KD_KEK_ALGORITHM_KEY, "KEK_ALGORITHM_KEY" },
	{ GDOI_KD_KEK_SIG_ALGORITHM_KEY, "SIG_ALGORITHM_KEY" },
};

static const struct gdoi_name kd_sid_attr_names[] = {
	{ GDOI_KD_SID_NUM_BITS, "NUMBER_OF_SID_BITS" },
	{ GDOI_KD_SID_VALUE, "SID_VALUE" },
};

static const struct gdoi_name perr_names[] = {
	{ GDOI_PE_OK, "ok" },
	{ GDOI_PE_TRUNCATED, "truncated" },
	{ GDOI_PE_LEN_SHORT, "length-too-small" },
	{ GDOI_PE_LEN_OVER, "length-too-large" },
	{ GDOI_PE_TRAILING, "trailing-octets" },
	{ GDOI_PE_FIELD, "inconsistent-field" },
	{ GDOI_PE_CHAIN, "bad-chain" },
	{ GDOI_PE_VERSION, "bad-version" },
	{ GDOI_PE_UNKNOWN_PAYLOAD, "unknown-payload" },
	{ GDOI_PE_TOO_MANY, "too-many" },
	{ GDOI_PE_UNSUPPORTED, "unsupported" },
	{ GDOI_PE_ENCRYPTED, "encrypted" },
	{ GDOI_PE_RULE_EXCHANGE, "wrong-exchange" },
	{ GDOI_PE_RULE_FLAGS, "wrong-encryption" },
	{ GDOI_PE_RULE_MISSING, "missing-payload" },
	{ GDOI_PE_RULE_UNEXPECTED, "unexpected-payload" },
	{ GDOI_PE_RULE_COUNT, "payload-count" },
	{ GDOI_PE_RULE_ORDER, "payload-order" },
};

static const struct gdoi_name kind_names[] = {
	{ GDOI_MSG_ANY, "any" },
	{ GDOI_MSG_MM1, "main-mode-1" },
	{ GDOI_MSG_MM2, "main-mode-2" },
	{ GDOI_MSG_MM3, "main-mode-3" },
	{ GDOI_MSG_MM4, "main-mode-4" },
	{ GDOI_MSG_MM5, "main-mode-5" },
	{ GDOI_MSG_MM6, "main-mode-6" },
	{ GDOI_MSG_INFO, "informational" },
	{ GDOI_MSG_PULL1, "groupkey-pull-1" },
	{ GDOI_MSG_PULL2, "groupkey-pull-2" },
	{ GDOI_MSG_PULL3, "groupkey-pull-3" },
	{ GDOI_MSG_PULL4, "groupkey-pull-4" },
	{ GDOI_MSG_PUSH, "groupkey-push" },
	{ GDOI_MSG_PUSH_ACK, "groupkey-push-ack" },
};

const char *
gdoi_exch_name(uint8_t exch)
{
	return lookup(NAMES(exch_names), exch);
}

const char *
gdoi_pl_name(uint8_t type)
{
	return lookup(NAMES(pl_names), type);
}

const char *
gdoi_notify_name(uint16_t type)
{
	return lookup(NAMES(notify_names), type);
}

const char *
gdoi_proto_name(uint8_t proto)
{
	return lookup(NAMES(proto_names), proto);
}

const char *
gdoi_tek_proto_name(uint8_t proto)
{
	return lookup(NAMES(tek_proto_names), proto);
}

const char *
gdoi_id_type_name(uint8_t type)
{
	return lookup(NAMES(id_names), type);
}

const char *
gdoi_kd_type_name(uint8_t type)
{
	return lookup(NAMES(kd_names), type);
}

const char *
gdoi_doi_name(uint32_t doi)
{
	return lookup(NAMES(doi_names), doi);
}

const char *
gdoi_attr_name(enum gdoi_attr_class cls, uint16_t type)
{
	switch (cls) {
	case GDOI_AC_IKE:
		return lookup(NAMES(ike_attr_names), type);
	case GDOI_AC_IPSEC:
		return lookup(NAMES(ipsec_attr_names), type);
	case GDOI_AC_KEK:
		return lookup(NAMES(kek_attr_names), type);
	case GDOI_AC_GAP:
		return lookup(NAMES(gap_attr_names), type);
	case GDOI_AC_KD_TEK:
		return lookup(NAMES(kd_tek_attr_names), type);
	case GDOI_AC_KD_KEK:
		return lookup(NAMES(kd_kek_attr_names), type);
	case GDOI_AC_KD_SID:
		return lookup(NAMES(kd_sid_attr_names), type);
	}
	return "UNKNOWN";
}

const char *
gdoi_perr_name(enum gdoi_perr_code code)
{
	return lookup(NAMES(perr_names), code);
}

const char *
gdoi_msg_kind_name(enum gdoi_msg_kind kind)
{
	return lookup(NAMES(kind_names), kind);
}
