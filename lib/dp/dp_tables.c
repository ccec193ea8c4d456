/* SPDX-License-Identifier: BSD-3-Clause */
/* The data-plane tables: routes and neighbours (and SAs, with the ESP path). */
#include <errno.h>

#include <rte_lcore.h>

#include "gw_dp.h"
#include "gw_log.h"
#include "gw_neigh.h"
#include "gw_route.h"
#include "dp_priv.h"

static int
load_static_neighbours(struct gw_dp *dp)
{
	for (unsigned int i = 0; i < dp->conf->nb_interfaces; i++) {
		const struct gw_conf_interface *itf = &dp->conf->interfaces[i];

		for (unsigned int a = 0; a < itf->nb_arp; a++) {
			const struct gw_conf_arp *e = &itf->arp[a];
			int rc = gw_neigh_add_static(dp->neigh, i, e->addr.family,
						     e->addr.family == AF_INET ?
						     (const void *)&e->addr.v4 :
						     (const void *)&e->addr.v6, &e->mac);

			if (rc != 0) {
				GW_LOG(database, ERR, "%s: static neighbour: %s", itf->name,
				       strerror(-rc));
				return rc;
			}
		}
	}
	return 0;
}

int
dp_tables_init(struct gw_dp *dp)
{
	int rc;

	dp->routes = gw_route_table_create("gw_routes", rte_socket_id(), NULL, dp->rcu);
	if (dp->routes == NULL)
		return -errno;
	/* Port indices in the tables are interface indices (dp->ports[]). */
	rc = gw_route_table_sync_conf(dp->routes, dp->conf, NULL);
	if (rc < 0)
		return rc;
	dp->neigh = gw_neigh_table_create("gw_neigh", rte_socket_id(), dp->rcu);
	if (dp->neigh == NULL)
		return -errno;
	return load_static_neighbours(dp);
}

void
dp_tables_housekeeping(struct gw_dp *dp __rte_unused)
{
}

void
dp_tables_fini(struct gw_dp *dp)
{
	gw_neigh_table_free(dp->neigh);
	gw_route_table_free(dp->routes);
	dp->neigh = NULL;
	dp->routes = NULL;
}
