/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef APPLY_NET_H
#define APPLY_NET_H

/*
 * The configuration applied to lib/net: routes, static neighbours and the
 * kernel side of a port. lib/net itself takes neutral parameters only; this
 * is the one place that reads the configuration for it. Control thread.
 *
 * Interface i of the configuration is table port port_ids[i], or i when
 * port_ids is NULL.
 */

#include <stdint.h>

#include "gw_conf.h"
#include "gw_neigh.h"
#include "gw_route.h"

/*
 * Make the route table match conf: the local and direct routes of every
 * enabled interface's addresses, then the static routes. A static next hop
 * resolves through the new direct routes, or to the interface the route
 * names; one that does not resolve, or whose prefix is a direct route, is
 * left out with a warning (Junos keeps such a route hidden). Routes that did
 * not change are not touched; routes conf no longer has are deleted.
 * Returns the number of static routes left out, or -errno.
 */
int apply_routes(struct gw_route_table *t, const struct gw_config *conf,
		 const uint16_t *port_ids);

/*
 * Make the static neighbours match every interface's `arp` / `ndp` entries
 * (added, updated, the others deleted); dynamic entries stay. 0 or -errno.
 */
int apply_neighbours(struct gw_neigh_table *t, const struct gw_config *conf,
		     const uint16_t *port_ids);

/* The kernel interface ifname as itf configures it (MTU, MAC, addresses, up). */
int apply_kif(const char *ifname, const struct gw_conf_interface *itf);

#endif /* APPLY_NET_H */
