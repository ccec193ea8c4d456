/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef ROUTE_TEST_H
#define ROUTE_TEST_H

/* Route-table helpers shared by the net and apply unit tests (header-only). */

#include <rte_rcu_qsbr.h>

#include "net_test.h"
#include "gw_route.h"

/* A small table; qsbr NULL without concurrent readers. */
static inline struct gw_route_table *
route_test_table(struct rte_rcu_qsbr *v)
{
	static int n;
	char name[32];
	struct gw_route_params p = { .max_rules4 = 256, .max_rules6 = 256, .tbl8s6 = 256,
				     .max_nh = 64 };

	snprintf(name, sizeof(name), "rt%d", n++);
	return gw_route_table_create(name, SOCKET_ID_ANY, &p, v);
}

static inline enum gw_route_kind
route_test_look(const struct gw_route_table *t, const char *ip, struct gw_route_result *r)
{
	struct gw_ipaddr a = net_test_ip(ip);

	return gw_route_lookup(t, &a, r);
}

static inline bool
route_test_nh_is(const struct gw_route_result *r, const char *ip)
{
	struct gw_ipaddr a = net_test_ip(ip);

	return a.family == AF_INET ? r->nh4 == a.v4.s_addr : memcmp(r->nh6, &a.v6, 16) == 0;
}

/* gw_route_walk() callback: counts routes per source in arg (unsigned int[3]). */
static inline int
route_test_count_cb(const struct gw_prefix *p, enum gw_route_source s,
		    const struct gw_route_nh *nh, void *arg)
{
	unsigned int *n = arg;

	RTE_SET_USED(p);
	RTE_SET_USED(nh);
	n[s]++;
	return 0;
}

#endif /* ROUTE_TEST_H */
