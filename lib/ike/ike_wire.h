/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IKE_WIRE_H
#define IKE_WIRE_H

/*
 * IKEv2 numbers and wire layouts (RFC 7296 section 3, IANA "IKEv2 Parameters").
 * Wire structs mirror the RFC diagrams; they are copied out of the packet,
 * never cast onto it.
 */

#include <stdint.h>

#define IKE_PORT 500
#define IKE_NATT_PORT 4500		/* RFC 3948 / RFC 7296 2.23, non-ESP marker */
#define IKE_VERSION 0x20		/* major 2, minor 0 */
#define IKE_HDR_LEN 28
#define IKE_PL_HDR_LEN 4
#define IKE_MAX_MSG 8192		/* what we accept and build */

/* RFC 7296 3.1: flags */
#define IKE_FLAG_INITIATOR 0x08
#define IKE_FLAG_VERSION 0x10
#define IKE_FLAG_RESPONSE 0x20

/* RFC 7296 3.1: exchange types */
enum ike_exch {
	IKE_EXCH_SA_INIT = 34,
	IKE_EXCH_AUTH = 35,
	IKE_EXCH_CREATE_CHILD_SA = 36,
	IKE_EXCH_INFORMATIONAL = 37,
};

/* RFC 7296 3.2: payload types */
enum ike_pl_type {
	IKE_PL_NONE = 0,
	IKE_PL_SA = 33,
	IKE_PL_KE = 34,
	IKE_PL_IDI = 35,
	IKE_PL_IDR = 36,
	IKE_PL_CERT = 37,
	IKE_PL_CERTREQ = 38,
	IKE_PL_AUTH = 39,
	IKE_PL_NONCE = 40,
	IKE_PL_NOTIFY = 41,
	IKE_PL_DELETE = 42,
	IKE_PL_VENDOR = 43,
	IKE_PL_TSI = 44,
	IKE_PL_TSR = 45,
	IKE_PL_SK = 46,
	IKE_PL_CP = 47,
	IKE_PL_EAP = 48,
	IKE_PL_SKF = 53,		/* RFC 7383 */
};
#define IKE_PL_CRITICAL 0x80	/* RFC 7296 3.2: the critical bit */

/* RFC 7296 3.3.1: protocol IDs */
enum ike_proto { IKE_PROTO_IKE = 1, IKE_PROTO_AH = 2, IKE_PROTO_ESP = 3 };

/* RFC 7296 3.3.2: transform types and IDs */
enum ike_xf_type {
	IKE_XF_ENCR = 1,
	IKE_XF_PRF = 2,
	IKE_XF_INTEG = 3,
	IKE_XF_DH = 4,
	IKE_XF_ESN = 5,
};
#define IKE_XF_TYPE_MAX 5

enum ike_encr {
	IKE_ENCR_3DES = 3,
	IKE_ENCR_NULL = 11,
	IKE_ENCR_AES_CBC = 12,
	IKE_ENCR_AES_GCM_8 = 18,
	IKE_ENCR_AES_GCM_12 = 19,
	IKE_ENCR_AES_GCM_16 = 20,	/* RFC 5282 (IKE), RFC 4106 (ESP) */
};
enum ike_prf {
	IKE_PRF_HMAC_MD5 = 1,
	IKE_PRF_HMAC_SHA1 = 2,
	IKE_PRF_HMAC_SHA2_256 = 5,	/* RFC 4868 */
	IKE_PRF_HMAC_SHA2_384 = 6,
	IKE_PRF_HMAC_SHA2_512 = 7,
};
enum ike_integ {
	IKE_INTEG_NONE = 0,
	IKE_INTEG_HMAC_MD5_96 = 1,
	IKE_INTEG_HMAC_SHA1_96 = 2,
	IKE_INTEG_HMAC_SHA2_256_128 = 12,
	IKE_INTEG_HMAC_SHA2_384_192 = 13,
	IKE_INTEG_HMAC_SHA2_512_256 = 14,
};
enum ike_dh_group {
	IKE_DH_NONE = 0,
	IKE_DH_MODP2048 = 14,
	IKE_DH_MODP3072 = 15,
	IKE_DH_ECP256 = 19,		/* RFC 5903 */
	IKE_DH_ECP384 = 20,
	IKE_DH_CURVE25519 = 31,		/* RFC 8031 */
};
#define IKE_ATTR_KEY_LENGTH 14		/* RFC 7296 3.3.5, TV format */
#define IKE_ATTR_TV 0x8000

/* RFC 7296 3.5: ID types */
enum ike_id_type {
	IKE_ID_IPV4_ADDR = 1,
	IKE_ID_FQDN = 2,
	IKE_ID_RFC822_ADDR = 3,
	IKE_ID_IPV6_ADDR = 5,
	IKE_ID_DER_ASN1_DN = 9,
	IKE_ID_KEY_ID = 11,
};

/* RFC 7296 3.8: authentication methods */
enum ike_auth_method {
	IKE_AUTH_RSA = 1,
	IKE_AUTH_PSK = 2,
	IKE_AUTH_DSS = 3,
	IKE_AUTH_ECDSA256 = 9,
	IKE_AUTH_ECDSA384 = 10,
	IKE_AUTH_ECDSA521 = 11,
	IKE_AUTH_DIGSIG = 14,		/* RFC 7427 */
};

/* RFC 7296 3.10.1: notify types; errors below 16384 */
enum ike_notify {
	IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
	IKE_N_INVALID_IKE_SPI = 4,
	IKE_N_INVALID_MAJOR_VERSION = 5,
	IKE_N_INVALID_SYNTAX = 7,
	IKE_N_INVALID_MESSAGE_ID = 9,
	IKE_N_INVALID_SPI = 11,
	IKE_N_NO_PROPOSAL_CHOSEN = 14,
	IKE_N_INVALID_KE_PAYLOAD = 17,
	IKE_N_AUTHENTICATION_FAILED = 24,
	IKE_N_SINGLE_PAIR_REQUIRED = 34,
	IKE_N_NO_ADDITIONAL_SAS = 35,
	IKE_N_INTERNAL_ADDRESS_FAILURE = 36,
	IKE_N_FAILED_CP_REQUIRED = 37,
	IKE_N_TS_UNACCEPTABLE = 38,
	IKE_N_INVALID_SELECTORS = 39,
	IKE_N_TEMPORARY_FAILURE = 43,
	IKE_N_CHILD_SA_NOT_FOUND = 44,
	IKE_N_ERROR_MAX = 16383,
	IKE_N_INITIAL_CONTACT = 16384,
	IKE_N_SET_WINDOW_SIZE = 16385,
	IKE_N_ADDITIONAL_TS_POSSIBLE = 16386,
	IKE_N_IPCOMP_SUPPORTED = 16387,
	IKE_N_NAT_DETECTION_SOURCE_IP = 16388,
	IKE_N_NAT_DETECTION_DESTINATION_IP = 16389,
	IKE_N_COOKIE = 16390,
	IKE_N_USE_TRANSPORT_MODE = 16391,
	IKE_N_REKEY_SA = 16393,
	IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
	IKE_N_NON_FIRST_FRAGMENTS_ALSO = 16395,
	IKE_N_MOBIKE_SUPPORTED = 16396,
	IKE_N_IKEV2_FRAGMENTATION_SUPPORTED = 16430,	/* RFC 7383 */
	IKE_N_SIGNATURE_HASH_ALGORITHMS = 16431,	/* RFC 7427 */
};

/* RFC 7296 3.13.1: traffic selector types */
enum ike_ts_type { IKE_TS_IPV4_ADDR_RANGE = 7, IKE_TS_IPV6_ADDR_RANGE = 8 };

/* RFC 7296 3.1: the IKE header */
struct ike_hdr_wire {
	uint8_t spi_i[8];
	uint8_t spi_r[8];
	uint8_t next;
	uint8_t version;
	uint8_t exch;
	uint8_t flags;
	uint8_t msgid[4];
	uint8_t length[4];
};

/* RFC 7296 3.2: the generic payload header */
struct ike_pl_wire {
	uint8_t next;
	uint8_t critical;		/* bit 7; the rest reserved */
	uint8_t length[2];
};

/* RFC 7296 3.3.1: proposal substructure header (before the SPI) */
struct ike_prop_wire {
	uint8_t last;			/* 0 = last, 2 = more */
	uint8_t reserved;
	uint8_t length[2];
	uint8_t num;
	uint8_t proto;
	uint8_t spi_size;
	uint8_t nxf;
};

/* RFC 7296 3.3.2: transform substructure header (before the attributes) */
struct ike_xf_wire {
	uint8_t last;			/* 0 = last, 3 = more */
	uint8_t reserved;
	uint8_t length[2];
	uint8_t type;
	uint8_t reserved2;
	uint8_t id[2];
};

/* RFC 7296 3.13.1: traffic selector (IPv4 or IPv6 range follows) */
struct ike_ts_wire {
	uint8_t type;
	uint8_t proto;
	uint8_t length[2];
	uint8_t sport[2];
	uint8_t eport[2];
};

#endif /* IKE_WIRE_H */
