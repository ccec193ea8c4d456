/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GDOI_BUILD_H
#define GDOI_BUILD_H

/*
 * ISAKMP/GDOI message builder into a caller's buffer. Containers (payloads,
 * SA, proposals, transforms, key packets) are opened with a *_begin call and
 * closed with gdoi_bld_end(), which writes their length; Next Payload fields,
 * the SA Attribute Next Payload, transform and key packet counts are written
 * as children are added. Nothing is ever written past the buffer: the first
 * error (-ENOSPC when full, -EMSGSIZE for a length that does not fit its
 * field, -EINVAL for a misplaced call) sticks, later calls do nothing and
 * return it, and gdoi_bld_finish() reports it.
 */

#include <stddef.h>
#include <stdint.h>

#include "gdoi_msg.h"

#define GDOI_BLD_DEPTH	5	/* message, SA, proposal/payload/KD, transform/key packet */

struct gdoi_bframe {
	uint8_t kind;			/* internal frame kind */
	uint8_t len_width;		/* 2 or 4 */
	uint8_t chain_width;		/* 0: no Next Payload to patch yet, 1 or 2 */
	uint8_t count_width;		/* 0: no child count, 1 or 2 */
	uint32_t start;
	uint32_t len_off;
	uint32_t chain_off;
	uint32_t count_off;
	uint32_t count;
};

struct gdoi_bld {
	uint8_t *buf;
	size_t cap;
	uint32_t len;
	int err;
	unsigned int depth;
	unsigned int compat;		/* GDOI_WIRE_* */
	struct gdoi_bframe f[GDOI_BLD_DEPTH];
};

/* Start a message: the header from h (length and next payload are computed). */
int gdoi_bld_init(struct gdoi_bld *b, uint8_t *buf, size_t cap, const struct gdoi_hdr *h);

/* Wire compatibility for this message (GDOI_WIRE_SAT_ID_LEN1, gdoi_msg.h). */
void gdoi_bld_set_compat(struct gdoi_bld *b, unsigned int compat);

/* All containers closed: write the header Length; *len = message length. */
int gdoi_bld_finish(struct gdoi_bld *b, size_t *len);

/* A payload of `type` at top level or nested in a GDOI SA; close with gdoi_bld_end. */
int gdoi_bld_begin(struct gdoi_bld *b, uint8_t type);
int gdoi_bld_end(struct gdoi_bld *b);

/* Raw octets and big-endian integers into the open container. */
int gdoi_bld_put(struct gdoi_bld *b, const void *p, size_t n);
int gdoi_bld_u8(struct gdoi_bld *b, uint8_t v);
int gdoi_bld_u16(struct gdoi_bld *b, uint16_t v);
int gdoi_bld_u32(struct gdoi_bld *b, uint32_t v);

/* RFC 2408 3.3 attributes: basic (TV), variable (TLV), a 4-octet TLV integer. */
int gdoi_bld_attr_tv(struct gdoi_bld *b, uint16_t type, uint16_t value);
int gdoi_bld_attr_tlv(struct gdoi_bld *b, uint16_t type, const void *val, uint16_t len);
int gdoi_bld_attr_u32(struct gdoi_bld *b, uint16_t type, uint32_t value);

/* A payload that is only data: KE, HASH, SIG, NONCE, VID, NAT-D. */
int gdoi_bld_data(struct gdoi_bld *b, uint8_t type, const void *data, size_t len);

/* SA (RFC 2408 3.4); gdoi_layout: RFC 6407 5.2 (then nested SAK/SAT/GAP). */
int gdoi_bld_sa_begin(struct gdoi_bld *b, uint32_t doi, uint32_t situation, bool gdoi_layout);
int gdoi_bld_prop_begin(struct gdoi_bld *b, uint8_t num, uint8_t proto, const void *spi,
			uint8_t spi_size);
int gdoi_bld_xform_begin(struct gdoi_bld *b, uint8_t num, uint8_t id);

/* ID (RFC 2408 3.8): type, proto, port and data from id. */
int gdoi_bld_id(struct gdoi_bld *b, const struct gdoi_ident *id);
/* CERT / CERTREQ (RFC 2408 3.9, 3.10). */
int gdoi_bld_cert(struct gdoi_bld *b, uint8_t type, uint8_t encoding, const void *data,
		  size_t len);
/* NOTIFY (RFC 2408 3.14): spi and data spans may be empty. */
int gdoi_bld_notify(struct gdoi_bld *b, const struct gdoi_notify *n);
/* DELETE (RFC 2408 3.15): nspi SPIs of spi_size octets at spis. */
int gdoi_bld_delete(struct gdoi_bld *b, uint32_t doi, uint8_t proto, uint8_t spi_size,
		    const void *spis, uint16_t nspi);
/* SEQ (RFC 6407 (SEQ)). */
int gdoi_bld_seq(struct gdoi_bld *b, uint32_t seq);

/* In a GDOI SA: SA KEK (RFC 6407 5.3), SA TEK ESP/AH, GAP; add attributes, end. */
int gdoi_bld_sak_begin(struct gdoi_bld *b, const struct gdoi_sak *sak);
int gdoi_bld_sat_begin(struct gdoi_bld *b, const struct gdoi_sat *sat);

/* KD (RFC 6407 (KD)) and its key packets (add attributes, end each). */
int gdoi_bld_kd_begin(struct gdoi_bld *b);
int gdoi_bld_kp_begin(struct gdoi_bld *b, uint8_t type, const void *spi, uint8_t spi_size);

#endif /* GDOI_BUILD_H */
