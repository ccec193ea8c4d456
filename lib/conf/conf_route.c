/* SPDX-License-Identifier: BSD-3-Clause */
/* routing-options { static { route ( { name = "prefix"; next-hop | discard; } ) } } */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf_priv.h"

int
conf_route_begin(struct gw_conf_ctx *c, unsigned int count)
{
	if (count > GW_CONF_MAX_ROUTES)
		return conf_fail(c, "%u static routes, at most %d", count, GW_CONF_MAX_ROUTES);
	return 0;
}

int
conf_route_enter(struct gw_conf_ctx *c, const char *name __rte_unused)
{
	c->obj[CONF_OBJ_ROUTE] = &c->conf->routes[c->conf->nb_routes++];
	return 0;
}

/* Is a on a subnet of ifc (or of any interface if ifc is NULL)? Sets *own for our address. */
static const struct gw_conf_interface *
connected(const struct gw_config *conf, const struct gw_conf_interface *ifc,
	  const struct gw_ipaddr *a, bool *own)
{
	*own = false;
	for (unsigned int i = 0; i < conf->nb_interfaces; i++) {
		const struct gw_conf_interface *o = &conf->interfaces[i];

		if (ifc != NULL && o != ifc)
			continue;
		for (unsigned int j = 0; j < o->nb_addrs; j++) {
			struct gw_ipaddr mine = { .family = o->addrs[j].family,
						  .v6 = o->addrs[j].v6 };

			if (!gw_prefix_contains(&o->addrs[j], a))
				continue;
			*own = conf_ipaddr_eq(&mine, a);
			return o;
		}
	}
	return NULL;
}

int
conf_route_leave(struct gw_conf_ctx *c)
{
	struct gw_conf_route *r = c->obj[CONF_OBJ_ROUTE];
	const struct gw_conf_interface *ifc = NULL;
	char pfx[64], nh[64];
	bool own;

	conf_prefix_str(&r->prefix, pfx, sizeof(pfx));
	conf_ipaddr_str(&r->next_hop, nh, sizeof(nh));
	if (!conf_prefix_is_canonical(&r->prefix))
		return conf_fail_at(c, NULL, "host bits set in the prefix (not a subnet)");
	for (const struct gw_conf_route *o = c->conf->routes; o < r; o++)
		if (conf_prefix_eq(&o->prefix, &r->prefix))
			return conf_fail_at(c, NULL, "duplicate route %s", pfx);
	if (r->discard && r->next_hop.family != 0)
		return conf_fail_at(c, "discard", "a route has a next-hop or discard, not both");
	if (r->discard)
		return 0;
	if (r->next_hop.family == 0)
		return conf_fail_at(c, NULL, "missing next-hop (or discard)");
	if (r->next_hop.family != r->prefix.family)
		return conf_fail_at(c, "next-hop", "next hop %s is not of the family of %s",
				    nh, pfx);
	if (r->interface[0] != '\0') {
		ifc = gw_conf_interface_find(c->conf, r->interface);
		if (ifc == NULL)
			return conf_fail_at(c, "interface", "unknown interface '%s'",
					    r->interface);
	}
	if (connected(c->conf, ifc, &r->next_hop, &own) == NULL)
		return conf_fail_at(c, "next-hop", "next hop %s is not on a connected subnet%s%s",
				    nh, ifc != NULL ? " of " : "", ifc != NULL ? ifc->name : "");
	if (own)
		return conf_fail_at(c, "next-hop", "next hop %s is an address of this gateway",
				    nh);
	return 0;
}

void *
conf_route_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	if (idx >= c->conf->nb_routes)
		return NULL;
	return c->obj[CONF_OBJ_ROUTE] = &c->conf->routes[idx];
}
