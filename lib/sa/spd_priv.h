/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SPD_PRIV_H
#define SPD_PRIV_H

/* SPD internals shared by spd_build.c and spd_classify.c. */

#include <rte_acl.h>

#include "gw_spd.h"
#include "sa_gc.h"

/*
 * ACL input tuples, addresses and ports in network order as in the packet
 * (IPv4: struct gw_spd_tuple4, gw_spd.h). `l4` is 1 (big endian) when the
 * ports are real; terms with a port range require it, any-port terms do not
 * look at it.
 */
struct spd_tuple6 {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t src[4];
	uint32_t dst[4];
	uint16_t sport;
	uint16_t dport;
	uint32_t l4;
};

enum { SPD_V4 = 0, SPD_V6, SPD_NB_FAMILIES };

/* Category 0: every term but fail-open; 1..15: fail-open terms of one slot each. */
#define SPD_MAX_FO_SLOTS (RTE_ACL_MAX_CATEGORIES - 1)

struct spd_term {
	uint32_t slot;		/* protect / fail-open, else GW_SPD_SLOT_NONE */
	uint8_t action;		/* enum gw_policy_action */
	uint8_t acquire;	/* GW_SPD_TERM_ACQUIRE: no SA -> ACQUIRE_NO_SA */
};

/* One compiled, immutable rule set; readers find it through gw_spd.rules. */
struct spd_rules {
	uint64_t gen;		/* unique per build, never 0: keys the per-lcore cache */
	struct rte_acl_ctx *ctx[SPD_NB_FAMILIES];	/* NULL: no term of that family */
	uint32_t ncat;					/* categories classified */
	uint32_t nb_fo;					/* fail-open categories */
	uint32_t fo_slot[RTE_ACL_MAX_CATEGORIES];	/* category -> slot */
	uint32_t nb_terms;
	struct spd_term *terms;
	uint64_t *hits;		/* (RTE_MAX_LCORE + 1) rows of hits_stride counters */
	uint64_t *hits_base;	/* per term, carried from an earlier rule set (control) */
	uint32_t hits_stride;
	struct gw_spd_slots *slots;
};

struct gw_spd {
	struct spd_rules *rules;	/* published: store-release / load-acquire */
	struct gw_spd_slots *slots;
	struct sa_gc *gc;
	int socket;
	char name[GW_SPD_NAME_LEN];
};

#endif /* SPD_PRIV_H */
