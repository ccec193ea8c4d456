/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/apply's configuration -> lib/net translation: routes and static neighbours. */

#include <rte_lcore.h>

#include "gw_test.h"
#include "net/route_test.h"
#include "apply_net.h"

static const struct rte_ether_addr mac_a = {{ 0x02, 0, 0, 0, 0, 0x0a }};
static const struct rte_ether_addr mac_b = {{ 0x02, 0, 0, 0, 0, 0x0b }};

/* Connected, static, discard, unreachable and qualified routes; then a second commit. */
static void
test_routes(void)
{
	struct gw_config *c = calloc(1, sizeof(*c));
	struct gw_route_table *t = route_test_table(NULL);
	struct gw_route_result r;
	unsigned int n[3] = { 0 };
	uint16_t ports[2] = { 3, 5 };

	CHECK(t != NULL && c != NULL);
	if (t == NULL || c == NULL)
		return;
	c->nb_interfaces = 2;
	snprintf(c->interfaces[0].name, GW_IFNAME_LEN, "ge-0/0/0");
	c->interfaces[0].nb_addrs = 3;
	c->interfaces[0].addrs[0] = net_test_prefix("192.0.2.1/24");
	c->interfaces[0].addrs[1] = net_test_prefix("2001:db8::1/64");
	c->interfaces[0].addrs[2] = net_test_prefix("fe80::1/64");
	snprintf(c->interfaces[1].name, GW_IFNAME_LEN, "ge-0/0/1");
	c->interfaces[1].nb_addrs = 1;
	c->interfaces[1].addrs[0] = net_test_prefix("198.51.100.1/24");
	c->nb_routes = 5;
	c->routes[0].prefix = net_test_prefix("0.0.0.0/0");
	c->routes[0].next_hop = net_test_ip("198.51.100.254");
	c->routes[1].prefix = net_test_prefix("10.0.0.0/8");
	c->routes[1].discard = true;
	c->routes[2].prefix = net_test_prefix("172.16.0.0/12");
	c->routes[2].next_hop = net_test_ip("203.0.113.1");	/* unreachable */
	c->routes[3].prefix = net_test_prefix("2001:db8:99::/48");
	c->routes[3].next_hop = net_test_ip("2001:db8::2");
	c->routes[4].prefix = net_test_prefix("172.20.0.0/16");
	c->routes[4].next_hop = net_test_ip("203.0.113.2");
	snprintf(c->routes[4].interface, GW_IFNAME_LEN, "ge-0/0/1");	/* qualified */

	CHECK_EQ(apply_routes(t, c, ports), 1);
	gw_route_walk(t, route_test_count_cb, n);
	CHECK_EQ(n[GW_ROUTE_SRC_LOCAL], 4);
	CHECK_EQ(n[GW_ROUTE_SRC_DIRECT], 3);	/* no fe80::/64 */
	CHECK_EQ(n[GW_ROUTE_SRC_STATIC], 4);
	CHECK_EQ(route_test_look(t, "8.8.8.8", &r), GW_ROUTE_FORWARD);
	CHECK_EQ(r.port, 5);
	CHECK_EQ(route_test_look(t, "10.0.0.1", &r), GW_ROUTE_DISCARD);
	CHECK_EQ(route_test_look(t, "172.16.0.1", &r), GW_ROUTE_FORWARD);	/* default */
	CHECK_EQ(route_test_look(t, "172.20.0.1", &r), GW_ROUTE_FORWARD);
	CHECK_EQ(r.port, 5);
	CHECK(route_test_nh_is(&r, "203.0.113.2"));
	CHECK_EQ(route_test_look(t, "2001:db8:99::1", &r), GW_ROUTE_FORWARD);
	CHECK_EQ(r.port, 3);
	CHECK_EQ(route_test_look(t, "fe80::1", &r), GW_ROUTE_LOCAL);

	/* second commit: drop ge-0/0/1's address and the default, add a route */
	c->interfaces[1].nb_addrs = 0;
	c->routes[0].prefix = net_test_prefix("192.168.0.0/16");
	c->routes[0].next_hop = net_test_ip("192.0.2.9");
	CHECK_EQ(apply_routes(t, c, ports), 1);
	CHECK_EQ(route_test_look(t, "8.8.8.8", &r), GW_ROUTE_NONE);
	CHECK_EQ(route_test_look(t, "198.51.100.1", &r), GW_ROUTE_NONE);
	CHECK_EQ(route_test_look(t, "192.168.3.3", &r), GW_ROUTE_FORWARD);
	CHECK_EQ(r.port, 3);
	CHECK_EQ(route_test_look(t, "172.20.0.1", &r), GW_ROUTE_FORWARD);	/* qualified stays */
	/* same conf again: nothing changes */
	CHECK_EQ(apply_routes(t, c, ports), 1);
	CHECK_EQ(gw_route_count(t), 4 - 1 + 3 - 1 + 4);
	gw_route_table_free(t);
	free(c);
}

/* Static neighbours: added on the interface's port, removed when gone, learned ones kept. */
static void
test_neighbours(void)
{
	struct gw_config *c = calloc(1, sizeof(*c));
	struct gw_neigh_table *t = gw_neigh_table_create("apply_neigh", SOCKET_ID_ANY, NULL, NULL);
	struct gw_ipaddr a = net_test_ip("192.0.2.77"), a6 = net_test_ip("2001:db8::77");
	struct gw_ipaddr l = net_test_ip("192.0.2.90");
	struct rte_ether_addr mac;

	CHECK(t != NULL && c != NULL);
	if (t == NULL || c == NULL)
		goto out;
	c->nb_interfaces = 1;
	c->interfaces[0].nb_arp = 2;
	c->interfaces[0].arp[0].addr = a;
	c->interfaces[0].arp[0].mac = mac_a;
	c->interfaces[0].arp[1].addr = a6;
	c->interfaces[0].arp[1].mac = mac_b;
	CHECK_EQ(apply_neighbours(t, c, (const uint16_t[]){ 2 }), 0);
	CHECK_EQ(gw_neigh_lookup(t, 2, &a, &mac), GW_NEIGH_STATIC);
	CHECK(rte_is_same_ether_addr(&mac, &mac_a));
	CHECK_EQ(gw_neigh_lookup(t, 2, &a6, &mac), GW_NEIGH_STATIC);
	CHECK(rte_is_same_ether_addr(&mac, &mac_b));
	CHECK_EQ(gw_neigh_lookup(t, 0, &a, NULL), GW_NEIGH_NONE);	/* port_ids honoured */
	CHECK_EQ(gw_neigh_learn(t, 2, &l, &mac_b, true, 0), 0);

	c->interfaces[0].nb_arp = 1;
	CHECK_EQ(apply_neighbours(t, c, (const uint16_t[]){ 2 }), 0);
	CHECK_EQ(gw_neigh_lookup(t, 2, &a, NULL), GW_NEIGH_STATIC);
	CHECK_EQ(gw_neigh_lookup(t, 2, &a6, NULL), GW_NEIGH_NONE);
	CHECK_EQ(gw_neigh_lookup(t, 2, &l, NULL), GW_NEIGH_REACHABLE);
	/* a bad entry is refused with its error */
	c->interfaces[0].arp[0].mac = (struct rte_ether_addr){{ 0 }};
	CHECK_EQ(apply_neighbours(t, c, NULL), -EINVAL);
out:
	gw_neigh_table_free(t);
	free(c);
}

int
main(void)
{
	if (net_test_eal_init("apply") < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	GW_RUN(test_routes);
	GW_RUN(test_neighbours);
	rte_eal_cleanup();
	return gw_test_result();
}
