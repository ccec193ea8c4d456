/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replacing the whole route table as a difference against what it holds: a
 * commit that does not touch a route does not touch its LPM rule either
 * (traffic keeps flowing). The caller (lib/apply for the configuration)
 * says which routes the new table has; this file knows nothing of where
 * they come from.
 */

#include <errno.h>
#include <string.h>

#include "gw_route.h"
#include "gw_route_priv.h"

static bool
addr_in_prefix(const struct gw_prefix *p, const struct gw_ipaddr *a)
{
	unsigned int i, bits;

	if (p->family != a->family)
		return false;
	if (p->family == AF_INET) {
		uint32_t mask = p->len == 0 ? 0 : ~((1ull << (32 - p->len)) - 1);

		return ((rte_be_to_cpu_32(p->v4.s_addr) ^ rte_be_to_cpu_32(a->v4.s_addr)) &
			mask) == 0;
	}
	for (i = 0; i < 16; i++) {
		bits = p->len > i * 8 ? p->len - i * 8 : 0;
		if (bits == 0)
			break;
		if (bits > 8)
			bits = 8;
		if ((p->v6.s6_addr[i] ^ a->v6.s6_addr[i]) & (uint8_t)(0xff00 >> bits))
			return false;
	}
	return true;
}

static bool
prefix_is_link_local6(const struct gw_prefix *p)
{
	return p->family == AF_INET6 && p->v6.s6_addr[0] == 0xfe &&
		(p->v6.s6_addr[1] & 0xc0) == 0x80;
}

void
gw_route_sync_begin(struct gw_route_table *t)
{
	struct gw_route_ctl *c = t->ctl;
	uint32_t i;

	for (i = 0; i < c->max_rules; i++)
		c->rules[i].mark = c->rules[i].used;
}

int
gw_route_sync_add(struct gw_route_table *t, const struct gw_prefix *prefix,
		  enum gw_route_source source, const struct gw_route_nh *nh)
{
	int ret = gw_route_add(t, prefix, source, nh);
	struct gw_route_rule *r;

	if (ret != -EEXIST)
		return ret;
	/* Another source's route that the new table no longer has gives way. */
	r = gw_route_rule_lookup(t, prefix);
	if (r == NULL || !r->mark)
		return ret;
	gw_route_del(t, prefix);
	return gw_route_add(t, prefix, source, nh);
}

int
gw_route_sync_interface_addr(struct gw_route_table *t, uint16_t port,
			     const struct gw_prefix *addr)
{
	struct gw_route_nh nh = { .family = addr->family, .port = port };
	struct gw_prefix host = *addr;
	int ret;

	host.len = addr->family == AF_INET ? 32 : 128;
	nh.kind = GW_ROUTE_LOCAL;
	ret = gw_route_sync_add(t, &host, GW_ROUTE_SRC_LOCAL, &nh);
	if (ret != 0)
		return ret;
	/* Link-local subnets exist on every port and are never routed. */
	if (addr->len == host.len || prefix_is_link_local6(addr))
		return 0;
	nh.kind = GW_ROUTE_FORWARD;
	nh.direct = 1;
	return gw_route_sync_add(t, addr, GW_ROUTE_SRC_DIRECT, &nh);
}

int
gw_route_direct_port(const struct gw_route_table *t, const struct gw_ipaddr *ip)
{
	const struct gw_route_ctl *c = t->ctl;
	int best_len = -1, port = -ENETUNREACH;
	uint32_t i;

	for (i = 0; i < c->max_rules; i++) {
		const struct gw_route_rule *r = &c->rules[i];

		if (!r->used || r->mark || r->source != GW_ROUTE_SRC_DIRECT ||
		    !addr_in_prefix(&r->prefix, ip) || r->prefix.len <= best_len)
			continue;
		best_len = r->prefix.len;
		port = c->nh[r->nh].port;
	}
	return port;
}

unsigned int
gw_route_sync_end(struct gw_route_table *t)
{
	struct gw_route_ctl *c = t->ctl;
	unsigned int removed = 0;
	uint32_t i;

	for (i = 0; i < c->max_rules; i++)
		if (c->rules[i].used && c->rules[i].mark) {
			gw_route_rule_remove(t, &c->rules[i]);
			removed++;
		}
	return removed;
}
