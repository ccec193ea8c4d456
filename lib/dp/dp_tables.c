/* SPDX-License-Identifier: BSD-3-Clause */
/* The data-plane tables: routes and neighbours (and SAs, with the ESP path). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>

#include "gw_dp.h"
#include "gw_log.h"
#include "gw_neigh.h"
#include "gw_route.h"
#include "gw_samgr.h"
#include "apply_net.h"
#include "gw_apply_sa.h"
#include "gw_esp.h"
#include <rte_cycles.h>
#include "dp_priv.h"

int
dp_tables_init(struct gw_dp *dp)
{
	int rc;

	dp->routes = gw_route_table_create("gw_routes", rte_socket_id(), NULL, dp->rcu);
	if (dp->routes == NULL)
		return -errno;
	/* Port indices in the tables are interface indices (dp->ports[]). */
	rc = apply_routes(dp->routes, dp->conf, NULL);
	if (rc < 0)
		return rc;
	dp->neigh = gw_neigh_table_create("gw_neigh", rte_socket_id(), NULL, dp->rcu);
	if (dp->neigh == NULL)
		return -errno;
	for (unsigned int i = 0; i < dp->nb_ports; i++) {
		const struct gw_conf_interface *itf = &dp->conf->interfaces[i];

		dp->port_macs[i] = dp->ports[i].mac;
		rc = gw_neigh_port_set(dp->neigh, i, &dp->ports[i].mac, itf->addrs,
				       itf->nb_addrs);
		if (rc != 0)
			return rc;
	}
	rc = apply_neighbours(dp->neigh, dp->conf, NULL);
	if (rc != 0)
		return rc;
	return dp_ipsec_tables_init(dp);
}

/*
 * The classifier recognises ESP in UDP on 4500 and on the one multipath port
 * the SAs use (the configuration loader refuses two different ones).
 */
static void
register_encap_port(const struct gw_config *conf)
{
	uint16_t port = 0;

	for (unsigned int i = 0; i < conf->nb_sas; i++)
		if (conf->sas[i].udp_encap == GW_UDP_ENCAP_PORT && port == 0)
			port = conf->sas[i].udp_port;
	/* IKE vpns with udp-encapsulate dest-udp-port (lib/ike/ike_natt.c) */
	for (unsigned int i = 0; i < conf->ike.nb_vpns && port == 0; i++)
		port = (uint16_t)conf->ike.vpns[i].udp_port;
	gw_esp_set_encap_port(port);
}

/*
 * TEST ONLY (test/netns/test_netns_owner.py): SAs and terms of a second file
 * under the "test" owner, through the install interface as GDOI and IKEv2 will.
 */
static int
dp_test_owner(struct gw_dp *dp)
{
	const char *path = getenv("GDOIGW_TEST_OWNER_FILE");

	if (path == NULL || path[0] == '\0')
		return 0;
	dp->has_ipsec = true;
	return gw_apply_test_owner(&dp->install, GW_OWNER(GW_OWNER_TEST, 0), path);
}

int
dp_ipsec_tables_init(struct gw_dp *dp)
{
	int rc;

	dp->engine = gw_crypto_engine_get(dp->conf->dataplane.crypto_engine);
	if (dp->engine == NULL) {
		GW_LOG(crypto, ERR, "crypto engine '%s' not available",
		       dp->conf->dataplane.crypto_engine);
		return -ENOTSUP;
	}
	if (gw_crypto_engine_init(dp->engine, dp->conf->dataplane.crypto_arch) != 0) {
		GW_LOG(crypto, ERR, "crypto engine '%s' cannot run on this CPU", dp->engine->name);
		return -ENOTSUP;
	}
	dp->samgr = gw_samgr_create(dp->engine, dp->rcu, rte_socket_id());
	if (dp->samgr == NULL)
		return -errno;
	gw_samgr_install(dp->samgr, &dp->install);
	dp->apply_sa = gw_apply_sa_create(&dp->install);
	if (dp->apply_sa == NULL)
		return -ENOMEM;
	rc = gw_apply_security(dp->apply_sa, dp->conf);
	if (rc != 0) {
		GW_LOG(policy, ERR, "security configuration not applied: %s", strerror(-rc));
		return rc;
	}
	register_encap_port(dp->conf);
	dp->sad = gw_samgr_sad(dp->samgr);
	dp->slots = gw_samgr_slots(dp->samgr);
	for (unsigned int i = 0; i < dp->nb_ports; i++) {
		dp->spd_out[i] = gw_samgr_spd(dp->samgr, dp->ports[i].name, GW_SA_OUTBOUND);
		dp->spd_check[i] = gw_samgr_spd(dp->samgr, dp->ports[i].name, GW_SA_INBOUND);
	}
	/* a group member (lib/gm) and IKE (lib/ike) install their SAs later, through dp->install */
	dp->has_ipsec = dp->conf->nb_sas != 0 || dp->conf->nb_policies != 0 ||
			dp->conf->gm.nb_vpns != 0 || dp->conf->ike.nb_vpns != 0;
	return dp_test_owner(dp);
}

void
dp_tables_housekeeping(struct gw_dp *dp)
{
	static uint64_t last_second;
	uint64_t now = rte_rdtsc() / rte_get_tsc_hz();

	if (now != last_second) {	/* lifetimes count in seconds */
		last_second = now;
		gw_samgr_poll(dp->samgr, now);
	}
}

void
dp_tables_fini(struct gw_dp *dp)
{
	gw_apply_sa_free(dp->apply_sa);
	dp->apply_sa = NULL;
	gw_samgr_free(dp->samgr);
	dp->samgr = NULL;
	gw_neigh_table_free(dp->neigh);
	gw_route_table_free(dp->routes);
	dp->neigh = NULL;
	dp->routes = NULL;
}

/* The interfaces are the ports: changing them needs a restart. */
static bool
same_interfaces(const struct gw_config *a, const struct gw_config *b)
{
	if (a->nb_interfaces != b->nb_interfaces)
		return false;
	for (unsigned int i = 0; i < a->nb_interfaces; i++) {
		const struct gw_conf_interface *x = &a->interfaces[i], *y = &b->interfaces[i];

		if (strcmp(x->name, y->name) != 0 || strcmp(x->device, y->device) != 0 ||
		    x->exception != y->exception || strcmp(x->tap_name, y->tap_name) != 0)
			return false;
	}
	return a->dataplane.layout == b->dataplane.layout &&
	       strcmp(a->dataplane.crypto_engine, b->dataplane.crypto_engine) == 0 &&
	       a->dataplane.crypto_arch == b->dataplane.crypto_arch;
}

int
gw_dp_reload(struct gw_dp *dp, const struct gw_config *conf)
{
	int rc;

	if (!same_interfaces(dp->conf, conf)) {
		GW_LOG(general, ERR, "reload refused: interfaces, layout, crypto engine or "
		       "crypto-arch changed (restart to apply)");
		return -EINVAL;
	}
	rc = apply_routes(dp->routes, conf, NULL);
	if (rc < 0)
		return rc;
	rc = apply_neighbours(dp->neigh, conf, NULL);
	if (rc != 0)
		return rc;
	rc = gw_apply_security(dp->apply_sa, conf);
	if (rc != 0)
		return rc;
	register_encap_port(conf);
	for (unsigned int i = 0; i < dp->nb_ports; i++) {
		dp->spd_out[i] = gw_samgr_spd(dp->samgr, dp->ports[i].name, GW_SA_OUTBOUND);
		dp->spd_check[i] = gw_samgr_spd(dp->samgr, dp->ports[i].name, GW_SA_INBOUND);
		dp->ports[i].up = !conf->interfaces[i].disable;
		dp->ports[i].mtu = conf->interfaces[i].mtu;
		if (dp->ports[i].tap_port_id != UINT16_MAX)
			apply_kif(conf->interfaces[i].tap_name, &conf->interfaces[i]);
	}
	dp->has_ipsec = dp->has_ipsec || conf->nb_sas != 0 || conf->nb_policies != 0 ||
			conf->gm.nb_vpns != 0 || conf->ike.nb_vpns != 0;
	dp->conf = conf;
	GW_LOG(general, NOTICE, "configuration reloaded");
	return 0;
}
