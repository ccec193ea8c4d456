/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_SPD_TERM_H
#define GW_SPD_TERM_H

/* A policy term as every owner gives it (no DPDK, no configuration type). */

#include <stdint.h>

#include "gw_addr.h"
#include "gw_sa_types.h"

#define GW_SPD_NAME_LEN 64		/* term and slot names, with the NUL */
#define GW_SPD_MAX_TERMS 1024		/* per SPD, all owners together */

/*
 * One term of a policy, in priority order within its list. Protocol-neutral:
 * the configuration, GDOI and IKEv2 all give their terms in this form.
 */
struct gw_spd_term {
	char name[GW_SPD_NAME_LEN];
	struct gw_prefix src, dst;	/* family 0 = any */
	uint8_t proto;			/* 0 = any */
	uint16_t sport_lo, sport_hi, dport_lo, dport_hi;	/* 0..65535 (or 0..0) = any */
	enum gw_policy_action action;
	char sa[GW_SPD_NAME_LEN];	/* protect / fail-open: the SA slot by name */
	uint32_t flags;			/* GW_SPD_TERM_* */
};

/*
 * A protect term whose slot has no SA asks for one: the packet is dropped as
 * ACQUIRE_NO_SA (not POLICY_NO_SA) and the data plane tells the control
 * thread (lib/dp/dp_acquire.c): IKEv2 `establish-tunnels on-traffic`.
 */
#define GW_SPD_TERM_ACQUIRE 0x1

#endif /* GW_SPD_TERM_H */
