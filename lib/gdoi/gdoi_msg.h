/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GDOI_MSG_H
#define GDOI_MSG_H

/*
 * Parsed ISAKMP/GDOI messages: bounded views into the caller's buffer, fixed
 * arrays, no allocation. gdoi_msg_parse() checks every length and count of
 * every payload it knows (README.md lists them), then the per-exchange payload
 * rules of the message kind the caller expects, before any handler sees it.
 * The buffer must outlive the struct gdoi_msg (views point into it).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gdoi_wire.h"

/* Fixed maxima; exceeding one is GDOI_PE_TOO_MANY (-E2BIG), never a silent drop. */
#define GDOI_MAX_PAYLOADS	32	/* top-level and SA-nested (SAK, SAT, GAP) together */
#define GDOI_MAX_PROPOSALS	8
#define GDOI_MAX_TRANSFORMS	32
#define GDOI_MAX_KEY_PACKETS	16

/* Why a parse or a rule check failed (gdoi_perr_name() prints it). */
enum gdoi_perr_code {
	GDOI_PE_OK = 0,
	GDOI_PE_TRUNCATED,		/* a fixed header does not fit in what is left */
	GDOI_PE_LEN_SHORT,		/* declared length smaller than its fixed header */
	GDOI_PE_LEN_OVER,		/* declared length larger than what is left */
	GDOI_PE_TRAILING,		/* octets after the last element of a chain */
	GDOI_PE_FIELD,			/* cross-field inconsistency (count, ID size, ...) */
	GDOI_PE_CHAIN,			/* wrong Next Payload inside SA/Proposal chains */
	GDOI_PE_VERSION,		/* ISAKMP version other than 1.0 */
	GDOI_PE_UNKNOWN_PAYLOAD,	/* payload type this codec does not know */
	GDOI_PE_TOO_MANY,		/* a fixed maximum above */
	GDOI_PE_UNSUPPORTED,		/* well-formed, not supported (labelled situation) */
	GDOI_PE_ENCRYPTED,		/* E flag set: decrypt first */
	GDOI_PE_RULE_EXCHANGE,		/* exchange type not that of the expected message */
	GDOI_PE_RULE_FLAGS,		/* encrypted when it must not be, or the reverse */
	GDOI_PE_RULE_MISSING,		/* a mandatory payload is absent */
	GDOI_PE_RULE_UNEXPECTED,	/* a payload not allowed in this message */
	GDOI_PE_RULE_COUNT,		/* a payload more often than allowed */
	GDOI_PE_RULE_ORDER,		/* a payload not where it must be (first, last) */
	GDOI_PE_MAX
};

struct gdoi_perr {
	enum gdoi_perr_code code;
	uint32_t offset;		/* where in the message (octets from the header) */
	char msg[192];			/* "function: what, sizes" */
};

/* A bounded view into the message; off counts from the first header octet. */
struct gdoi_span {
	const uint8_t *p;
	uint32_t len;
	uint32_t off;
};

/* A validated list of RFC 2408 3.3 data attributes (walk with gdoi_attrs_next). */
struct gdoi_attrs {
	struct gdoi_span s;
	uint16_t count;
};

struct gdoi_attr {
	uint16_t type;			/* AF bit removed */
	bool tv;			/* basic (TV) form: value in tv_value */
	uint16_t tv_value;
	struct gdoi_span val;		/* TLV value; for TV the two value octets */
};

/* ID payload (RFC 2408 3.8), or a SAK/SAT source/destination identity. */
struct gdoi_ident {
	uint8_t type;			/* GDOI_ID_* */
	uint8_t proto;			/* IP protocol (ID payload; SAT: in gdoi_sat) */
	uint16_t port;
	struct gdoi_span data;
};

struct gdoi_xform {
	uint8_t num;
	uint8_t id;
	uint32_t off;
	struct gdoi_attrs attrs;
};

struct gdoi_prop {
	uint8_t num;
	uint8_t proto;
	uint8_t spi_size;
	uint8_t nxf;
	uint16_t first_xf;		/* index into gdoi_msg.xf */
	uint32_t off;
	struct gdoi_span spi;
};

struct gdoi_sa {
	uint32_t doi;
	uint32_t situation;
	bool gdoi;			/* RFC 6407 layout: SAK/SAT/GAP nested in pl[] */
	uint8_t nprop;			/* IPsec layout: proposals */
	uint16_t first_prop;		/* index into gdoi_msg.prop */
	uint16_t first_child;		/* GDOI layout: index of the first nested payload */
	uint16_t nchild;
};

/* RFC 6407 5.3 SA KEK. */
struct gdoi_sak {
	uint8_t proto;			/* IP protocol of the rekey channel (17 = UDP) */
	struct gdoi_ident src;
	struct gdoi_ident dst;
	const uint8_t *spi;		/* GDOI_KEK_SPI_LEN octets */
	struct gdoi_attrs attrs;
};

/* RFC 6407 (SA TEK) SA TEK; esp_ah says whether the ESP/AH fields are filled. */
struct gdoi_sat {
	uint8_t proto_id;		/* GDOI_TEK_PROTO_* */
	bool esp_ah;
	uint8_t ip_proto;		/* selector protocol, 0 = any */
	uint8_t transform_id;
	uint32_t spi;
	struct gdoi_ident src;
	struct gdoi_ident dst;
	struct gdoi_attrs attrs;
	struct gdoi_span raw;		/* !esp_ah: everything after Protocol-ID */
};

struct gdoi_kp {
	uint8_t type;			/* GDOI_KD_* */
	uint8_t spi_size;
	uint32_t off;
	struct gdoi_span spi;
	struct gdoi_attrs attrs;
};

struct gdoi_kd {
	uint16_t nkp;
	uint16_t first_kp;		/* index into gdoi_msg.kp */
};

struct gdoi_notify {
	uint32_t doi;
	uint8_t proto;
	uint16_t type;
	struct gdoi_span spi;
	struct gdoi_span data;
};

struct gdoi_delete {
	uint32_t doi;
	uint8_t proto;
	uint8_t spi_size;
	uint16_t nspi;
	struct gdoi_span spis;		/* nspi * spi_size octets */
};

struct gdoi_cert {
	uint8_t encoding;		/* CERT encoding or CERTREQ type */
	struct gdoi_span data;
};

struct gdoi_pl {
	uint8_t type;			/* GDOI_PL_* */
	uint8_t nested;			/* inside a GDOI SA: index of that SA payload + 1 */
	uint16_t len;			/* Payload Length, generic header included */
	uint32_t off;			/* offset of the generic header */
	struct gdoi_span body;		/* after the generic header */
	union {
		struct gdoi_sa sa;
		struct gdoi_sak sak;
		struct gdoi_sat sat;
		struct gdoi_attrs gap;
		struct gdoi_kd kd;
		struct gdoi_ident id;
		struct gdoi_cert cert;	/* CERT, CERTREQ */
		struct gdoi_notify notify;
		struct gdoi_delete del;
		uint32_t seq;
		struct gdoi_span data;	/* KE, HASH, SIG, NONCE, VID, NAT-D */
	} u;
};

struct gdoi_hdr {
	uint8_t icookie[GDOI_COOKIE_LEN];
	uint8_t rcookie[GDOI_COOKIE_LEN];
	uint8_t next_payload;
	uint8_t version;
	uint8_t exchange;
	uint8_t flags;
	uint32_t msgid;
	uint32_t length;
};

struct gdoi_msg {
	struct gdoi_hdr hdr;
	unsigned int flags;		/* the gdoi_msg_parse() flags it was parsed with */
	uint32_t len;			/* octets parsed (header Length) */
	uint32_t pad_len;		/* decrypted input: octets after the last payload */
	uint16_t npl;			/* pl[] entries (top-level and nested) */
	uint16_t ntop;			/* top-level payloads among them */
	uint16_t nprop, nxf, nkp;
	struct gdoi_pl pl[GDOI_MAX_PAYLOADS];	/* in wire order, nested after their SA */
	struct gdoi_prop prop[GDOI_MAX_PROPOSALS];
	struct gdoi_xform xf[GDOI_MAX_TRANSFORMS];
	struct gdoi_kp kp[GDOI_MAX_KEY_PACKETS];
};

/* Which message the caller expects; selects the payload rule (gdoi_rules.c). */
enum gdoi_msg_kind {
	GDOI_MSG_ANY = 0,	/* structure only, no payload rule */
	GDOI_MSG_MM1,		/* RFC 2409 5 Main Mode, pre-shared key or signatures */
	GDOI_MSG_MM2,
	GDOI_MSG_MM3,
	GDOI_MSG_MM4,
	GDOI_MSG_MM5,
	GDOI_MSG_MM6,
	GDOI_MSG_INFO,		/* RFC 2408 4.8 / RFC 2409 5.7 Informational */
	GDOI_MSG_PULL1,		/* RFC 6407 3 GROUPKEY-PULL messages 1-4 */
	GDOI_MSG_PULL2,
	GDOI_MSG_PULL3,
	GDOI_MSG_PULL4,
	GDOI_MSG_PUSH,		/* RFC 6407 4 GROUPKEY-PUSH */
	GDOI_MSG_PUSH_ACK,	/* RFC 8263 GROUPKEY-PUSH-ACK */
	GDOI_MSG_KIND_MAX
};

/* gdoi_msg_parse() flags. */
#define GDOI_PARSE_DECRYPTED	0x01	/* body is plaintext; padding may follow it */
/*
 * Wire compatibility (a parse flag, and gdoi_bld_set_compat()): SA TEK
 * identities with a 1-octet Data Len, the RFC 3547 layout that the GDOI
 * reference implementation (gdoid) still sends and expects. Default: the
 * 2-octet RFC 6407 layout. Chosen per peer, never guessed from the input.
 */
#define GDOI_WIRE_SAT_ID_LEN1	0x02

/*
 * The ISAKMP header alone (to find the SA that decrypts the rest): header
 * fits, version 1.0, 28 <= Length <= len. 0 or -EBADMSG with err filled.
 */
int gdoi_hdr_parse(const uint8_t *buf, size_t len, struct gdoi_hdr *hdr,
		   struct gdoi_perr *err);

/*
 * Parse a whole message (header Length must equal len) and check the rule of
 * `kind`. Encrypted messages need GDOI_PARSE_DECRYPTED (the caller decrypted
 * the body in place). Returns 0, -EBADMSG (malformed), -E2BIG (a maximum),
 * -ENOTSUP (unsupported or encrypted), -EPROTO (payload rule) or -EINVAL (kind
 * unknown); err says which and where.
 */
int gdoi_msg_parse(const uint8_t *buf, size_t len, enum gdoi_msg_kind kind,
		   unsigned int flags, struct gdoi_msg *msg, struct gdoi_perr *err);

/* The payload rule of `kind` on a parsed message: 0, -EPROTO, -EINVAL (no such kind). */
int gdoi_msg_check_rules(const struct gdoi_msg *msg, enum gdoi_msg_kind kind,
			 struct gdoi_perr *err);

/* RFC 2408 notify type to answer a failure with (PAYLOAD-MALFORMED, ...). */
uint16_t gdoi_perr_notify(enum gdoi_perr_code code);

/* The first top-level payload of `type` at or after index *pos (advanced). */
const struct gdoi_pl *gdoi_msg_find(const struct gdoi_msg *msg, uint8_t type,
				    unsigned int *pos);

/* Validate an attribute list standing alone (fuzzing, the builder's tests). */
int gdoi_attrs_parse(const uint8_t *p, size_t len, uint32_t off, struct gdoi_attrs *out,
		     struct gdoi_perr *err);

/* Walk a validated list: true with *a filled, false at the end. *pos starts at 0. */
bool gdoi_attrs_next(const struct gdoi_attrs *l, uint32_t *pos, struct gdoi_attr *a);

/* First attribute of `type`: 0, or -ENOENT. */
int gdoi_attrs_find(const struct gdoi_attrs *l, uint16_t type, struct gdoi_attr *a);

/* Integer value: TV, or TLV of 1-8 octets (RFC 2407 4.5 Life Duration). -ERANGE else. */
int gdoi_attr_uint(const struct gdoi_attr *a, uint64_t *v);

/*
 * Attribute lists decoded (gdoi_policy.c): 0, or -EBADMSG when a known
 * attribute appears twice, in the wrong form (TV / TLV) or with a value too
 * large. Unknown attributes are counted and skipped.
 */

/* SA KEK attributes (RFC 6407 5.3, RFC 8263). */
struct gdoi_kek_policy {
	uint16_t mgmt_alg;		/* KEK_MANAGEMENT_ALGORITHM, 0 = absent */
	uint16_t alg;			/* KEK_ALGORITHM: GDOI_KEK_ALG_* */
	uint16_t key_bits;		/* KEK_KEY_LENGTH */
	uint32_t lifetime_s;		/* KEK_KEY_LIFETIME */
	uint16_t sig_hash;		/* SIG_HASH_ALGORITHM */
	uint16_t sig_alg;		/* SIG_ALGORITHM */
	uint16_t sig_key_bits;		/* SIG_KEY_LENGTH */
	uint16_t ack;			/* KEK_ACK_REQUESTED: GDOI_ACK_*, 0 = no ACKs */
	unsigned int unknown;
};
int gdoi_kek_decode(const struct gdoi_attrs *l, struct gdoi_kek_policy *p,
		    struct gdoi_perr *err);

/* SA TEK (ESP/AH) attributes: RFC 2407 4.5, RFC 6407 (SA TEK). 0 = absent. */
struct gdoi_tek_policy {
	uint64_t life_s;		/* SA_LIFE_TYPE seconds + SA_LIFE_DURATION */
	uint64_t life_kb;		/* SA_LIFE_TYPE kilobytes + SA_LIFE_DURATION */
	uint16_t encap;			/* ENCAPSULATION_MODE */
	uint16_t auth_alg;		/* AUTHENTICATION_ALGORITHM */
	uint16_t key_bits;		/* KEY_LENGTH */
	uint16_t key_rounds;
	uint16_t esn;			/* EXTENDED_SEQUENCE_NUMBER */
	uint16_t addr_preservation;	/* ADDRESS_PRESERVATION */
	uint16_t direction;		/* SA_DIRECTION */
	unsigned int unknown;
};
int gdoi_tek_decode(const struct gdoi_attrs *l, struct gdoi_tek_policy *p,
		    struct gdoi_perr *err);

/* GAP (RFC 6407 (GAP)); the D3P attribute numbers are parameters (README.md). */
struct gdoi_gap_ids {
	uint16_t d3p_type;
	uint16_t d3p_window;
};
struct gdoi_gap {
	uint32_t atd;			/* activation time delay, s */
	uint32_t dtd;			/* deactivation time delay, s */
	uint32_t sid_request;		/* number of sender IDs requested */
	uint16_t d3p_type;		/* 0 = absent; GDOI_D3P_TYPE_POSIX_TIME */
	uint32_t d3p_window_ms;
	unsigned int unknown;		/* attributes not recognised (ignored) */
};
extern const struct gdoi_gap_ids gdoi_gap_ids_default;

int gdoi_gap_decode(const struct gdoi_attrs *l, const struct gdoi_gap_ids *ids,
		    struct gdoi_gap *gap, struct gdoi_perr *err);

#endif /* GDOI_MSG_H */
