/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GDOI_NAMES_H
#define GDOI_NAMES_H

/*
 * Names of ISAKMP/GDOI numbers for logs and show output: RFC 2408, RFC 2407,
 * RFC 2409 Appendix A, RFC 6407, RFC 8263. Unknown numbers give "UNKNOWN";
 * callers print the number beside the name.
 */

#include <stdint.h>

#include "gdoi_msg.h"

/* Attribute registries (the same number means different things in each). */
enum gdoi_attr_class {
	GDOI_AC_IKE,		/* RFC 2409 Appendix A: phase 1 transforms */
	GDOI_AC_IPSEC,		/* RFC 2407 4.5, RFC 6407 (SA TEK): SA TEK, phase 2 */
	GDOI_AC_KEK,		/* RFC 6407 5.3, RFC 8263: SA KEK */
	GDOI_AC_GAP,		/* RFC 6407 (GAP) and the default D3P numbers */
	GDOI_AC_KD_TEK,		/* RFC 6407 (KD, TEK) */
	GDOI_AC_KD_KEK,		/* RFC 6407 (KD, KEK) */
	GDOI_AC_KD_SID,		/* RFC 6407 (KD, SID) */
};

const char *gdoi_exch_name(uint8_t exch);
const char *gdoi_pl_name(uint8_t type);
const char *gdoi_notify_name(uint16_t type);
const char *gdoi_proto_name(uint8_t proto);	/* RFC 2407 4.4.1 protocol IDs */
const char *gdoi_tek_proto_name(uint8_t proto);	/* SA TEK Protocol-ID */
const char *gdoi_id_type_name(uint8_t type);
const char *gdoi_kd_type_name(uint8_t type);
const char *gdoi_doi_name(uint32_t doi);
const char *gdoi_attr_name(enum gdoi_attr_class cls, uint16_t type);
const char *gdoi_perr_name(enum gdoi_perr_code code);
const char *gdoi_msg_kind_name(enum gdoi_msg_kind kind);

#endif /* GDOI_NAMES_H */
