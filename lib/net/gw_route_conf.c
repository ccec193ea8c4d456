/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Route table from configuration: direct and local routes of the interface
 * addresses, then static routes. Applied as a difference against what the
 * table holds, so a commit that does not touch a route does not touch its
 * LPM rule either (traffic keeps flowing).
 */

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
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

/* Add, replacing a rule of another source that the new conf no longer has. */
static int
sync_add(struct gw_route_table *t, const struct gw_prefix *p, enum gw_route_source src,
	 const struct gw_route_nh *nh)
{
	int ret = gw_route_add(t, p, src, nh);
	struct gw_route_rule *r;

	if (ret != -EEXIST)
		return ret;
	r = gw_route_rule_lookup(t, p);
	if (r == NULL || !r->mark)
		return ret;
	gw_route_del(t, p);
	return gw_route_add(t, p, src, nh);
}

static int
sync_interface(struct gw_route_table *t, const struct gw_conf_interface *itf, uint16_t port)
{
	unsigned int i;
	int ret;

	for (i = 0; i < itf->nb_addrs; i++) {
		const struct gw_prefix *a = &itf->addrs[i];
		struct gw_route_nh nh = { .family = a->family, .port = port };
		struct gw_prefix host = *a;

		host.len = a->family == AF_INET ? 32 : 128;
		nh.kind = GW_ROUTE_LOCAL;
		ret = sync_add(t, &host, GW_ROUTE_SRC_LOCAL, &nh);
		if (ret != 0)
			return ret;
		/* Link-local subnets exist on every port and are never routed. */
		if (a->len == host.len || prefix_is_link_local6(a))
			continue;
		nh.kind = GW_ROUTE_FORWARD;
		nh.direct = 1;
		ret = sync_add(t, a, GW_ROUTE_SRC_DIRECT, &nh);
		if (ret != 0)
			return ret;
	}
	return 0;
}

/* Port of the longest direct route of the new configuration covering gw. */
static int
resolve_direct(const struct gw_route_table *t, const struct gw_ipaddr *gw)
{
	const struct gw_route_ctl *c = t->ctl;
	int best_len = -1, port = -1;
	uint32_t i;

	for (i = 0; i < c->max_rules; i++) {
		const struct gw_route_rule *r = &c->rules[i];

		if (!r->used || r->mark || r->source != GW_ROUTE_SRC_DIRECT ||
		    !addr_in_prefix(&r->prefix, gw) || r->prefix.len <= best_len)
			continue;
		best_len = r->prefix.len;
		port = c->nh[r->nh].port;
	}
	return port;
}

static int
find_interface(const struct gw_config *conf, const char *name)
{
	unsigned int i;

	for (i = 0; i < conf->nb_interfaces; i++)
		if (strcmp(conf->interfaces[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
sync_static(struct gw_route_table *t, const struct gw_config *conf,
	    const struct gw_conf_route *rt, const uint16_t *port_ids)
{
	struct gw_route_nh nh = { .family = rt->prefix.family };
	int port, itf;

	if (rt->discard) {
		nh.kind = GW_ROUTE_DISCARD;
		return sync_add(t, &rt->prefix, GW_ROUTE_SRC_STATIC, &nh);
	}
	if (rt->next_hop.family != rt->prefix.family)
		return -EAFNOSUPPORT;
	if (rt->interface[0] != '\0') {
		itf = find_interface(conf, rt->interface);
		if (itf < 0 || conf->interfaces[itf].disable)
			return -ENETUNREACH;
		port = port_ids != NULL ? port_ids[itf] : itf;
	} else {
		port = resolve_direct(t, &rt->next_hop);
		if (port < 0)
			return -ENETUNREACH;
	}
	nh.kind = GW_ROUTE_FORWARD;
	nh.port = (uint16_t)port;
	if (nh.family == AF_INET)
		nh.gw.v4 = rt->next_hop.v4.s_addr;
	else
		memcpy(nh.gw.v6, &rt->next_hop.v6, 16);
	return sync_add(t, &rt->prefix, GW_ROUTE_SRC_STATIC, &nh);
}

int
gw_route_table_sync_conf(struct gw_route_table *t, const struct gw_config *conf,
			 const uint16_t *port_ids)
{
	struct gw_route_ctl *c;
	unsigned int i, skipped = 0;
	char buf[INET6_ADDRSTRLEN];
	int ret;

	if (t == NULL || conf == NULL)
		return -EINVAL;
	c = t->ctl;
	for (i = 0; i < c->max_rules; i++)
		c->rules[i].mark = c->rules[i].used;
	for (i = 0; i < conf->nb_interfaces; i++) {
		const struct gw_conf_interface *itf = &conf->interfaces[i];

		if (itf->disable)
			continue;
		ret = sync_interface(t, itf, port_ids != NULL ? port_ids[i] : (uint16_t)i);
		if (ret != 0) {
			GW_LOG(database, ERR, "routes of interface %s: %s", itf->name,
			       strerror(-ret));
			return ret;
		}
	}
	for (i = 0; i < conf->nb_routes; i++) {
		const struct gw_conf_route *rt = &conf->routes[i];

		ret = sync_static(t, conf, rt, port_ids);
		if (ret == -ENETUNREACH || ret == -EAFNOSUPPORT || ret == -EEXIST) {
			inet_ntop(rt->prefix.family, &rt->prefix.v6, buf, sizeof(buf));
			GW_LOG(database, WARNING, "static route %s/%u: next hop %s, route hidden",
			       buf, rt->prefix.len, ret == -EEXIST ? "conflicts with a direct route" :
			       "not reachable");
			skipped++;
			continue;
		}
		if (ret != 0)
			return ret;
	}
	for (i = 0; i < c->max_rules; i++)
		if (c->rules[i].used && c->rules[i].mark)
			gw_route_rule_remove(t, &c->rules[i]);
	return (int)skipped;
}
