/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_ROUTE_PRIV_H
#define GW_ROUTE_PRIV_H

/* Writer-side state of a route table, shared by gw_route*.c only. */

#include "gw_route.h"

struct gw_route_rule {
	struct gw_prefix prefix;	/* host bits cleared */
	uint32_t nh;			/* index into nh[] */
	uint8_t source;			/* enum gw_route_source */
	bool used;
	bool mark;			/* sync: stale, not (yet) in the new table */
};

struct gw_route_ctl {
	struct rte_rcu_qsbr *qsbr;
	struct rte_rcu_qsbr_dq *dq;	/* released next-hop indexes */
	struct gw_route_nh *nh;		/* writable view of table->nh */
	uint32_t *nh_ref;		/* rules using each entry; 0 = free or deferred */
	uint32_t *nh_free;		/* stack of free indexes */
	uint32_t nb_free;
	uint32_t max_nh;
	struct gw_route_rule *rules;
	uint32_t max_rules;
	uint32_t nb_rules;
	bool v6_pending;		/* an lpm6 delete awaits its grace period */
	uint64_t v6_token;
};

struct gw_route_rule *gw_route_rule_lookup(struct gw_route_table *t,
					   const struct gw_prefix *prefix);
void gw_route_rule_remove(struct gw_route_table *t, struct gw_route_rule *r);

#endif /* GW_ROUTE_PRIV_H */
