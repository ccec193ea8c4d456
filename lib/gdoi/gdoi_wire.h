/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GDOI_WIRE_H
#define GDOI_WIRE_H

/*
 * ISAKMP (RFC 2408), IKEv1 (RFC 2409), IPsec DOI (RFC 2407) and GDOI
 * (RFC 6407, RFC 8263) numbers and wire layouts. The structs mirror the RFC
 * diagrams octet for octet; multi-octet fields hold network byte order. They
 * are only ever filled by memcpy from or to a buffer (never cast onto a
 * packet). Variable-length parts that follow a fixed part are noted in the
 * comments, not declared. See lib/gdoi/README.md for the choices made where
 * implementations disagree.
 */

#include <assert.h>
#include <stdint.h>

#define GDOI_PORT		848	/* GDOI's UDP port (RFC 6407) */
#define GDOI_ISAKMP_VERSION	0x10	/* RFC 2408 3.1: major 1, minor 0 */
#define GDOI_COOKIE_LEN		8
#define GDOI_KEK_SPI_LEN	16	/* RFC 6407 5.3: KEK SPI = I-cookie || R-cookie */

/* RFC 2408 3.1 ISAKMP header. */
struct gdoi_wire_hdr {
	uint8_t icookie[GDOI_COOKIE_LEN];
	uint8_t rcookie[GDOI_COOKIE_LEN];
	uint8_t next_payload;
	uint8_t version;		/* MjVer << 4 | MnVer */
	uint8_t exchange;
	uint8_t flags;			/* GDOI_FLAG_* */
	uint32_t msgid;
	uint32_t length;		/* whole message, header included */
};
static_assert(sizeof(struct gdoi_wire_hdr) == 28, "RFC 2408 3.1");

#define GDOI_FLAG_ENC		0x01	/* RFC 2408 3.1: E(ncryption) */
#define GDOI_FLAG_COMMIT	0x02
#define GDOI_FLAG_AUTH_ONLY	0x04

/* RFC 2408 3.2 generic payload header (also Proposal/Transform, 3.5/3.6). */
struct gdoi_wire_gen {
	uint8_t next_payload;
	uint8_t reserved;
	uint16_t length;		/* whole payload, these 4 octets included */
};
static_assert(sizeof(struct gdoi_wire_gen) == 4, "RFC 2408 3.2");

/* Exchange types: RFC 2408 3.1 (1-5), RFC 6407 5 (32, 33), RFC 8263 (35). */
enum gdoi_exch {
	GDOI_EXCH_NONE = 0,
	GDOI_EXCH_BASE = 1,
	GDOI_EXCH_IDPROT = 2,		/* IKEv1 Main Mode (RFC 2409 5) */
	GDOI_EXCH_AUTH_ONLY = 3,
	GDOI_EXCH_AGGRESSIVE = 4,
	GDOI_EXCH_INFO = 5,
	GDOI_EXCH_QUICK = 32,		/* RFC 2409 (IPsec DOI); GDOI reuses 32 for PULL */
	GDOI_EXCH_PULL = 32,		/* RFC 6407 3 GROUPKEY-PULL (GDOI DOI) */
	GDOI_EXCH_PUSH = 33,		/* RFC 6407 4 GROUPKEY-PUSH */
	GDOI_EXCH_PUSH_ACK = 35,	/* RFC 8263 GROUPKEY-PUSH-ACK */
};

/* Payload types: RFC 2408 3.1, RFC 3947 (NAT-D/OA), RFC 6407 5. */
enum gdoi_pl_type {
	GDOI_PL_NONE = 0,
	GDOI_PL_SA = 1,
	GDOI_PL_PROPOSAL = 2,
	GDOI_PL_TRANSFORM = 3,
	GDOI_PL_KE = 4,
	GDOI_PL_ID = 5,
	GDOI_PL_CERT = 6,
	GDOI_PL_CERTREQ = 7,
	GDOI_PL_HASH = 8,
	GDOI_PL_SIG = 9,
	GDOI_PL_NONCE = 10,
	GDOI_PL_NOTIFY = 11,
	GDOI_PL_DELETE = 12,
	GDOI_PL_VID = 13,
	GDOI_PL_SAK = 15,		/* RFC 6407 5.3 SA KEK */
	GDOI_PL_SAT = 16,		/* RFC 6407 (SA TEK) SA TEK */
	GDOI_PL_KD = 17,		/* RFC 6407 (KD) Key Download */
	GDOI_PL_SEQ = 18,		/* RFC 6407 (SEQ) Sequence Number */
	GDOI_PL_POP = 19,		/* RFC 3547 only; RFC 6407 deprecates it */
	GDOI_PL_NATD = 20,		/* RFC 3947 3.2 */
	GDOI_PL_NATOA = 21,		/* RFC 3947 5.2 */
	GDOI_PL_GAP = 22,		/* RFC 6407 (GAP) Group Associated Policy */
};

/* Domains of interpretation: RFC 2407 (1), RFC 6407 5.2 (2). */
#define GDOI_DOI_ISAKMP		0
#define GDOI_DOI_IPSEC		1
#define GDOI_DOI_GDOI		2

/* RFC 2407 4.2 situation bits; RFC 6407 5.2: GDOI NO_SITUATION_DEFINED = 0. */
#define GDOI_SIT_IDENTITY_ONLY	0x01
#define GDOI_SIT_SECRECY	0x02
#define GDOI_SIT_INTEGRITY	0x04

/* RFC 2408 3.4 SA payload body for the IPsec DOI: then Proposals (3.5). */
struct gdoi_wire_sa {
	uint32_t doi;
	uint32_t situation;
};
static_assert(sizeof(struct gdoi_wire_sa) == 8, "RFC 2408 3.4");

/*
 * RFC 6407 5.2 SA payload body with the GDOI DOI in GROUPKEY-PULL/PUSH: then a
 * chain of SA KEK / SA TEK / GAP payloads, the first one named by
 * sa_attr_next (2 octets, as the GDOI reference and Wireshark read it), each
 * next one by its own generic header. The SA Length covers the chain.
 */
struct gdoi_wire_gdoi_sa {
	uint32_t doi;
	uint32_t situation;
	uint16_t sa_attr_next;
	uint16_t reserved2;
};
static_assert(sizeof(struct gdoi_wire_gdoi_sa) == 12, "RFC 6407 5.2");

/* RFC 2408 3.5 Proposal body (after the generic header): then SPI, Transforms. */
struct gdoi_wire_prop {
	uint8_t num;
	uint8_t proto;
	uint8_t spi_size;
	uint8_t ntransforms;
};

/* RFC 2408 3.6 Transform body: then SA attributes (3.3). */
struct gdoi_wire_xform {
	uint8_t num;
	uint8_t id;
	uint16_t reserved2;
};

/* RFC 2408 3.3 data attribute: AF set = TV (value in `len`), clear = TLV. */
struct gdoi_wire_attr {
	uint16_t type;			/* AF bit | attribute type */
	uint16_t len;			/* TLV: value length; TV: the value */
};
#define GDOI_ATTR_AF		0x8000
#define GDOI_ATTR_TYPE_MASK	0x7fff

/* RFC 2408 3.8 ID body; RFC 2407 4.6.2 (IPsec DOI fields); RFC 6407 5.1. */
struct gdoi_wire_id {
	uint8_t type;
	uint8_t proto;			/* IPsec DOI: IP protocol; GDOI: 0 */
	uint16_t port;
};

/* RFC 2408 3.9 / 3.10 CERT / CERTREQ body: then data. */
struct gdoi_wire_cert {
	uint8_t encoding;
};

/* RFC 2408 3.14 Notification body: then SPI, notification data. */
struct gdoi_wire_notify {
	uint32_t doi;
	uint8_t proto;
	uint8_t spi_size;
	uint16_t type;
};

/* RFC 2408 3.15 Delete body: then nspi SPIs of spi_size octets. */
struct gdoi_wire_delete {
	uint32_t doi;
	uint8_t proto;
	uint8_t spi_size;
	uint16_t nspi;
};

/* RFC 3947 5.2 NAT-OA body: then the address. */
struct gdoi_wire_natoa {
	uint8_t type;
	uint8_t reserved[3];
};

/*
 * RFC 6407 5.3 SA KEK body: Protocol(1), then SRC and DST ID (each
 * gdoi_wire_kek_id + data), then SPI(16), RESERVED2(4), KEK attributes.
 */
struct gdoi_wire_kek_id {
	uint8_t type;
	uint8_t port[2];		/* unaligned in the payload */
	uint8_t data_len;		/* 1 octet in the SA KEK */
};
#define GDOI_SAK_TAIL_LEN	(GDOI_KEK_SPI_LEN + 4)	/* SPI + RESERVED2 */

/*
 * RFC 6407 (SA TEK) SA TEK body: Protocol-ID(1), then for ESP/AH:
 * Protocol(1), SRC and DST ID (each gdoi_wire_tek_id + data), Transform ID(1),
 * SPI(4), RFC 2407 SA attributes.
 */
struct gdoi_wire_tek_id {
	uint8_t type;
	uint8_t port[2];
	uint8_t data_len[2];		/* 2 octets in the SA TEK (RFC 6407 (SA TEK)) */
};

/* RFC 6407 (KD) KD body: then key packets. */
struct gdoi_wire_kd {
	uint16_t nkp;
	uint16_t reserved2;
};

/* RFC 6407 (KD) key packet: then SPI (spi_size octets), KD attributes. */
struct gdoi_wire_kp {
	uint8_t type;			/* GDOI_KD_* */
	uint8_t reserved;
	uint16_t length;		/* whole key packet, these 5 octets included */
	uint8_t spi_size;
};
#define GDOI_WIRE_KP_LEN	5

/* RFC 6407 (SEQ) SEQ body. */
struct gdoi_wire_seq {
	uint32_t seq;
};

/* Protocol IDs: RFC 2407 4.4.1 (phase 1 / IPsec DOI proposals, delete, notify). */
#define GDOI_PROTO_ISAKMP	1
#define GDOI_PROTO_IPSEC_AH	2
#define GDOI_PROTO_IPSEC_ESP	3
#define GDOI_PROTO_IPCOMP	4

/* SA TEK Protocol-ID: RFC 6407 (SA TEK: 1, 2), RFC 8052 (3). */
#define GDOI_TEK_PROTO_ESP	1
#define GDOI_TEK_PROTO_AH	2
#define GDOI_TEK_PROTO_IEC61850	3

/* ID types: RFC 2407 4.6.2.1, RFC 6407 5.1 (KEY_ID), RFC 8052 (ID_OID). */
#define GDOI_ID_IPV4_ADDR	1
#define GDOI_ID_FQDN		2
#define GDOI_ID_USER_FQDN	3
#define GDOI_ID_IPV4_SUBNET	4
#define GDOI_ID_IPV6_ADDR	5
#define GDOI_ID_IPV6_SUBNET	6
#define GDOI_ID_IPV4_RANGE	7
#define GDOI_ID_IPV6_RANGE	8
#define GDOI_ID_DER_ASN1_DN	9
#define GDOI_ID_DER_ASN1_GN	10
#define GDOI_ID_KEY_ID		11
#define GDOI_ID_OID		13

/* KD key packet types: RFC 6407 (KD). */
#define GDOI_KD_TEK		1
#define GDOI_KD_KEK		2
#define GDOI_KD_LKH		3
#define GDOI_KD_SID		4

/* KD attributes: RFC 6407 (KD: TEK, KEK, SID key packets). */
#define GDOI_KD_TEK_ALGORITHM_KEY	1
#define GDOI_KD_TEK_INTEGRITY_KEY	2
#define GDOI_KD_TEK_SOURCE_AUTH_KEY	3
#define GDOI_KD_KEK_ALGORITHM_KEY	1
#define GDOI_KD_KEK_SIG_ALGORITHM_KEY	2
#define GDOI_KD_SID_NUM_BITS		1
#define GDOI_KD_SID_VALUE		2

/* SA KEK attributes: RFC 6407 5.3, RFC 8263 (KEK_ACK_REQUESTED). */
#define GDOI_KEK_MANAGEMENT_ALGORITHM	1
#define GDOI_KEK_ALGORITHM		2
#define GDOI_KEK_KEY_LENGTH		3
#define GDOI_KEK_KEY_LIFETIME		4
#define GDOI_KEK_SIG_HASH_ALGORITHM	5
#define GDOI_KEK_SIG_ALGORITHM		6
#define GDOI_KEK_SIG_KEY_LENGTH		7
#define GDOI_KEK_ACK_REQUESTED		9

/* KEK_ALGORITHM values (RFC 6407 5.3). */
#define GDOI_KEK_ALG_DES	1
#define GDOI_KEK_ALG_3DES	2
#define GDOI_KEK_ALG_AES	3
/* SIG_HASH_ALGORITHM (5.3.5) and SIG_ALGORITHM (5.3.6) values. */
#define GDOI_SIG_HASH_SHA1	2
#define GDOI_SIG_HASH_SHA256	3
#define GDOI_SIG_ALG_RSA	1
/* KEK_ACK_REQUESTED values (RFC 8263). */
#define GDOI_ACK_KEK_SHA256	1
#define GDOI_ACK_LKH_SHA256	2
#define GDOI_ACK_KEK_SHA512	3
#define GDOI_ACK_LKH_SHA512	4

/* GAP attributes: RFC 6407 (GAP); D3P (draft-weis-delay-detection-01 4). */
#define GDOI_GAP_ACTIVATION_TIME_DELAY		1
#define GDOI_GAP_DEACTIVATION_TIME_DELAY	2
#define GDOI_GAP_SENDER_ID_REQUEST		3
/*
 * The draft left D3P-TYPE (TV) and D3P-WINDOWSIZE (TLV, ms) as TBD: these
 * defaults are taken from the range 16384-32767 that ISAKMP attribute
 * registries keep for private use; the decoder takes the numbers as
 * parameters (struct gdoi_gap_ids) so configuration can change them.
 */
#define GDOI_GAP_D3P_TYPE_DEFAULT		16384
#define GDOI_GAP_D3P_WINDOWSIZE_DEFAULT		16385
#define GDOI_D3P_TYPE_POSIX_TIME		1

/* IPsec DOI SA attributes: RFC 2407 4.5, RFC 6407 (SA TEK: 14, 15). */
#define GDOI_IPSEC_SA_LIFE_TYPE		1
#define GDOI_IPSEC_SA_LIFE_DURATION	2
#define GDOI_IPSEC_GROUP_DESCRIPTION	3
#define GDOI_IPSEC_ENCAPSULATION_MODE	4
#define GDOI_IPSEC_AUTH_ALGORITHM	5
#define GDOI_IPSEC_KEY_LENGTH		6
#define GDOI_IPSEC_KEY_ROUNDS		7
#define GDOI_IPSEC_COMPRESS_DICT_SIZE	8
#define GDOI_IPSEC_COMPRESS_PRIV_ALG	9
#define GDOI_IPSEC_ECN_TUNNEL		10
#define GDOI_IPSEC_EXT_SEQ_NUM		11
#define GDOI_IPSEC_ADDR_PRESERVATION	14
#define GDOI_IPSEC_SA_DIRECTION		15

/* IPsec DOI values used in SA TEKs: RFC 2407 4.4.4 (ESP transform IDs), 4.5. */
#define GDOI_ESP_3DES		3
#define GDOI_ESP_AES_CBC	12
#define GDOI_ESP_AES_GCM_16	20
#define GDOI_ENCAP_TUNNEL	1
#define GDOI_ENCAP_TRANSPORT	2
#define GDOI_AUTH_HMAC_SHA1	2
#define GDOI_AUTH_HMAC_SHA2_256	5
#define GDOI_LIFE_SECONDS	1

/* IKEv1 phase 1 attributes: RFC 2409 Appendix A. */
#define GDOI_IKE_ENCRYPTION_ALG		1
#define GDOI_IKE_HASH_ALG		2
#define GDOI_IKE_AUTH_METHOD		3
#define GDOI_IKE_GROUP_DESCRIPTION	4
#define GDOI_IKE_GROUP_TYPE		5
#define GDOI_IKE_LIFE_TYPE		11
#define GDOI_IKE_LIFE_DURATION		12
#define GDOI_IKE_PRF			13
#define GDOI_IKE_KEY_LENGTH		14
#define GDOI_IKE_ENC_3DES_CBC		5
#define GDOI_IKE_ENC_AES_CBC		7
#define GDOI_IKE_HASH_SHA1		2
#define GDOI_IKE_AUTH_PSK		1
#define GDOI_IKE_KEY_IKE		1	/* transform ID KEY_IKE (RFC 2407 4.4.2) */

/* Notify types: RFC 2408 3.14.1, RFC 2407 4.6.3, RFC 3706. */
#define GDOI_N_INVALID_PAYLOAD_TYPE	1
#define GDOI_N_DOI_NOT_SUPPORTED	2
#define GDOI_N_INVALID_MAJOR_VERSION	5
#define GDOI_N_INVALID_EXCHANGE_TYPE	7
#define GDOI_N_INVALID_FLAGS		8
#define GDOI_N_INVALID_MESSAGE_ID	9
#define GDOI_N_NO_PROPOSAL_CHOSEN	14
#define GDOI_N_BAD_PROPOSAL_SYNTAX	15
#define GDOI_N_PAYLOAD_MALFORMED	16
#define GDOI_N_INVALID_ID_INFORMATION	18
#define GDOI_N_AUTHENTICATION_FAILED	24
#define GDOI_N_UNEQUAL_PAYLOAD_LENGTHS	30
#define GDOI_N_INITIAL_CONTACT		24578
#define GDOI_N_DPD_R_U_THERE		36136
#define GDOI_N_DPD_R_U_THERE_ACK	36137

#endif /* GDOI_WIRE_H */
