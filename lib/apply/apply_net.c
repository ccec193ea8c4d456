/* SPDX-License-Identifier: BSD-3-Clause */
/* Configuration -> lib/net: routes, static neighbours, kernel interfaces. */

#include <assert.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_kif.h"
#include "gw_log.h"
#include "apply_net.h"

/* dp hands an interface's addresses to gw_neigh_port_set() as they are. */
static_assert(GW_CONF_MAX_ADDRS <= GW_NEIGH_MAX_PORT_ADDRS, "port addresses");

static uint16_t
port_of(const uint16_t *port_ids, unsigned int itf)
{
	return port_ids != NULL ? port_ids[itf] : (uint16_t)itf;
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
static_route(struct gw_route_table *t, const struct gw_config *conf,
	     const struct gw_conf_route *rt, const uint16_t *port_ids)
{
	struct gw_route_nh nh = { .family = rt->prefix.family };
	int port, itf;

	if (rt->discard) {
		nh.kind = GW_ROUTE_DISCARD;
		return gw_route_sync_add(t, &rt->prefix, GW_ROUTE_SRC_STATIC, &nh);
	}
	if (rt->next_hop.family != rt->prefix.family)
		return -EAFNOSUPPORT;
	if (rt->interface[0] != '\0') {
		itf = find_interface(conf, rt->interface);
		if (itf < 0 || conf->interfaces[itf].disable)
			return -ENETUNREACH;
		port = port_of(port_ids, (unsigned int)itf);
	} else {
		port = gw_route_direct_port(t, &rt->next_hop);
		if (port < 0)
			return port;
	}
	nh.kind = GW_ROUTE_FORWARD;
	nh.port = (uint16_t)port;
	if (nh.family == AF_INET)
		nh.gw.v4 = rt->next_hop.v4.s_addr;
	else
		memcpy(nh.gw.v6, &rt->next_hop.v6, 16);
	return gw_route_sync_add(t, &rt->prefix, GW_ROUTE_SRC_STATIC, &nh);
}

int
apply_routes(struct gw_route_table *t, const struct gw_config *conf, const uint16_t *port_ids)
{
	unsigned int i, j, skipped = 0;
	char buf[INET6_ADDRSTRLEN];
	int ret;

	if (t == NULL || conf == NULL)
		return -EINVAL;
	gw_route_sync_begin(t);
	for (i = 0; i < conf->nb_interfaces; i++) {
		const struct gw_conf_interface *itf = &conf->interfaces[i];

		if (itf->disable)
			continue;
		for (j = 0; j < itf->nb_addrs; j++) {
			ret = gw_route_sync_interface_addr(t, port_of(port_ids, i),
							   &itf->addrs[j]);
			if (ret != 0) {
				GW_LOG(database, ERR, "routes of interface %s: %s", itf->name,
				       strerror(-ret));
				return ret;
			}
		}
	}
	for (i = 0; i < conf->nb_routes; i++) {
		const struct gw_conf_route *rt = &conf->routes[i];

		ret = static_route(t, conf, rt, port_ids);
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
	gw_route_sync_end(t);
	return (int)skipped;
}

int
apply_neighbours(struct gw_neigh_table *t, const struct gw_config *conf,
		 const uint16_t *port_ids)
{
	unsigned int i, j;
	int ret;

	if (t == NULL || conf == NULL)
		return -EINVAL;
	gw_neigh_sync_begin(t);
	for (i = 0; i < conf->nb_interfaces; i++) {
		const struct gw_conf_interface *itf = &conf->interfaces[i];

		for (j = 0; j < itf->nb_arp; j++) {
			ret = gw_neigh_add_static(t, port_of(port_ids, i), &itf->arp[j].addr,
						  &itf->arp[j].mac);
			if (ret != 0) {
				GW_LOG(database, ERR, "static neighbour on %s: %s", itf->name,
				       strerror(-ret));
				return ret;
			}
		}
	}
	gw_neigh_sync_end(t);
	return 0;
}

int
apply_kif(const char *ifname, const struct gw_conf_interface *itf)
{
	struct gw_kif_params kp;

	if (itf == NULL)
		return -EINVAL;
	kp = (struct gw_kif_params){
		.mtu = itf->mtu,
		.up = !itf->disable,
		.has_mac = itf->has_mac,
		.mac = itf->mac,
		.nb_addrs = itf->nb_addrs,
		.addrs = itf->addrs,
	};
	return gw_kif_configure(ifname, &kp);
}
