/* SPDX-License-Identifier: BSD-3-Clause */
/* Neighbour table: static/learned entries, misses, requests, retries, ageing, RCU. */

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "gw_test.h"
#include "net_test.h"
#include "gw_neigh.h"
#include "gw_arp.h"
#include "gw_nd.h"

static struct rte_mempool *pool;
static uint8_t sent[16][128];
static unsigned int nb_sent;

static int
capture_tx(uint16_t port, struct rte_mbuf *m, void *arg)
{
	RTE_SET_USED(arg);
	CHECK_EQ(port, 0);
	if (nb_sent < RTE_DIM(sent))
		memcpy(sent[nb_sent++], rte_pktmbuf_mtod(m, uint8_t *),
		       RTE_MIN(rte_pktmbuf_data_len(m), 128u));
	rte_pktmbuf_free(m);
	return 0;
}

static const struct rte_ether_addr mac_us = {{ 0x02, 0, 0, 0, 0, 0x01 }};
static const struct rte_ether_addr mac_a = {{ 0x02, 0, 0, 0, 0, 0x0a }};
static const struct rte_ether_addr mac_b = {{ 0x02, 0, 0, 0, 0, 0x0b }};

static struct gw_neigh_table *
make(struct rte_rcu_qsbr *v, uint32_t max)
{
	static int n;
	char name[32];
	struct gw_neigh_params p = { .max_entries = max, .age_s = 600, .retrans_ms = 1000,
				     .retries = 3 };
	struct gw_prefix addrs[2] = { net_test_prefix("192.0.2.1/24"),
				      net_test_prefix("2001:db8::1/64") };
	struct gw_neigh_table *t;

	snprintf(name, sizeof(name), "nb%d", n++);
	t = gw_neigh_table_create(name, SOCKET_ID_ANY, &p, v);
	if (t != NULL) {
		gw_neigh_port_set(t, 0, &mac_us, addrs, 2);
		gw_neigh_set_tx(t, pool, capture_tx, NULL);
	}
	return t;
}

static void
test_lifecycle(void)
{
	struct gw_neigh_table *t = make(NULL, 64);
	uint64_t hz = rte_get_tsc_hz(), now = 1000 * hz;
	struct gw_ipaddr s = net_test_ip("192.0.2.5"), d = net_test_ip("192.0.2.10");
	struct gw_neigh_key ks, kd;
	const struct gw_neigh_key *keys[2] = { &ks, &kd };
	struct rte_ether_addr macs[2], mac;
	struct gw_arp_info arp;

	CHECK(t != NULL);
	if (t == NULL)
		return;
	nb_sent = 0;
	CHECK_EQ(gw_neigh_add_static(t, 0, &s, &mac_a), 0);
	CHECK_EQ(gw_neigh_lookup(t, 0, &s, &mac), GW_NEIGH_STATIC);
	CHECK(rte_is_same_ether_addr(&mac, &mac_a));
	gw_neigh_key_make(&ks, 0, &s);
	gw_neigh_key_make(&kd, 0, &d);

	/* d unknown: a miss goes to the control thread, which asks */
	CHECK_EQ(gw_neigh_lookup_bulk(t, keys, 2, macs), 1);
	CHECK(rte_is_same_ether_addr(&macs[0], &mac_a));
	CHECK_EQ(rte_ring_count(t->miss), 1);
	CHECK_EQ(gw_neigh_process(t, now), 1);
	CHECK_EQ(gw_neigh_lookup(t, 0, &d, NULL), GW_NEIGH_INCOMPLETE);
	CHECK_EQ(gw_arp_parse_frame(sent[0], 60, &arp), 0);
	CHECK_EQ(arp.tpa, d.v4.s_addr);
	CHECK_EQ(arp.spa, net_test_ip("192.0.2.1").v4.s_addr);
	/* incomplete: no more misses posted */
	CHECK_EQ(gw_neigh_lookup_bulk(t, keys, 2, macs), 1);
	CHECK_EQ(rte_ring_count(t->miss), 0);

	/* the reply arrives */
	CHECK_EQ(gw_neigh_learn(t, 0, &d, &mac_b, false, now), 0);
	CHECK_EQ(gw_neigh_lookup_bulk(t, keys, 2, macs), 3);
	CHECK(rte_is_same_ether_addr(&macs[1], &mac_b));
	CHECK_EQ(gw_neigh_learn(t, 0, &s, &mac_b, true, now), -EPERM);
	mac = mac_b;
	s = net_test_ip("192.0.2.200");
	CHECK_EQ(gw_neigh_learn(t, 0, &s, &mac, false, now), -ENOENT);
	s = net_test_ip("192.0.2.5");

	/* processed with a clock read before the learning: young, not aged out (wrapped) */
	CHECK_EQ(gw_neigh_process(t, now - 5), 0);
	CHECK_EQ(gw_neigh_lookup(t, 0, &d, NULL), GW_NEIGH_REACHABLE);

	/* refresh shortly before ageing (unicast), then age out */
	nb_sent = 0;
	CHECK_EQ(gw_neigh_process(t, now + 500 * hz), 0);
	CHECK_EQ(gw_neigh_process(t, now + 580 * hz), 1);
	CHECK_EQ(gw_arp_parse_frame(sent[0], 60, &arp), 0);
	CHECK(rte_is_same_ether_addr((const struct rte_ether_addr *)sent[0], &mac_b));
	CHECK_EQ(gw_neigh_process(t, now + 600 * hz), 0);
	CHECK_EQ(gw_neigh_lookup(t, 0, &d, NULL), GW_NEIGH_NONE);
	CHECK_EQ(gw_neigh_lookup(t, 0, &s, NULL), GW_NEIGH_STATIC);	/* never ages */
	CHECK_EQ(gw_neigh_del(t, 0, &s), 0);
	CHECK_EQ(gw_neigh_del(t, 0, &s), -ENOENT);
	gw_neigh_table_free(t);
}

static void
test_v6_retries(void)
{
	struct gw_neigh_table *t = make(NULL, 64);
	uint64_t hz = rte_get_tsc_hz(), now = 1000 * hz;
	struct gw_ipaddr d = net_test_ip("2001:db8::99");
	struct gw_neigh_key kd;
	const struct gw_neigh_key *keys[1] = { &kd };
	struct rte_ether_addr macs[1];
	struct gw_nd_info nd;

	CHECK(t != NULL);
	if (t == NULL)
		return;
	nb_sent = 0;
	gw_neigh_key_make(&kd, 0, &d);
	CHECK_EQ(gw_neigh_lookup_bulk(t, keys, 1, macs), 0);
	CHECK_EQ(gw_neigh_process(t, now), 1);
	CHECK_EQ(gw_nd_parse_frame(sent[0], 86, &nd), 0);
	CHECK_EQ(nd.type, GW_ND_NS);
	CHECK_MEM(nd.target, &d.v6, 16);
	CHECK_EQ(gw_neigh_process(t, now + hz / 2), 0);	/* too early */
	CHECK_EQ(gw_neigh_process(t, now + hz), 1);
	CHECK_EQ(gw_neigh_process(t, now + 2 * hz), 1);
	CHECK_EQ(gw_neigh_process(t, now + 3 * hz), 0);	/* 3 tries: given up */
	CHECK_EQ(gw_neigh_lookup(t, 0, &d, NULL), GW_NEIGH_NONE);
	gw_neigh_table_free(t);
}

static void
test_sync_and_burst(void)
{
	struct gw_neigh_table *t = make(NULL, 64);
	static struct net_test_mbuf b[3];
	struct rte_mbuf *pkts[3];
	struct rte_ether_addr port_macs[GW_MAX_PORTS] = { [2] = mac_us };
	uint8_t f[64] = { 0 };
	struct gw_ipaddr a = net_test_ip("192.0.2.77"), a6 = net_test_ip("2001:db8::77");
	unsigned int i;

	struct gw_ipaddr l = net_test_ip("192.0.2.90");

	CHECK(t != NULL);
	if (t == NULL)
		return;
	gw_neigh_sync_begin(t);
	CHECK_EQ(gw_neigh_add_static(t, 2, &a, &mac_a), 0);
	CHECK_EQ(gw_neigh_add_static(t, 2, &a6, &mac_b), 0);
	CHECK_EQ(gw_neigh_sync_end(t), 0);
	CHECK_EQ(gw_neigh_learn(t, 2, &l, &mac_b, true, 0), 0);
	CHECK_EQ(gw_neigh_lookup(t, 2, &a, NULL), GW_NEIGH_STATIC);
	CHECK_EQ(gw_neigh_lookup(t, 2, &a6, NULL), GW_NEIGH_STATIC);

	for (i = 0; i < 3; i++) {
		pkts[i] = net_test_mbuf_set(&b[i], f, sizeof(f));
		gw_meta(pkts[i])->out_port = 2;
	}
	gw_meta(pkts[0])->l3 = GW_L3_IPV4;
	gw_meta(pkts[0])->nh4 = a.v4.s_addr;
	gw_meta(pkts[1])->l3 = GW_L3_IPV6;
	memcpy(gw_meta(pkts[1])->nh6, &a6.v6, 16);
	gw_meta(pkts[2])->l3 = GW_L3_IPV4;
	gw_meta(pkts[2])->nh4 = net_test_ip("192.0.2.78").v4.s_addr;
	gw_neigh_resolve_burst(t, pkts, 3, port_macs);
	CHECK_EQ(gw_meta(pkts[0])->drop, GW_DROP_NONE);
	CHECK(rte_is_same_ether_addr(rte_pktmbuf_mtod(pkts[0], struct rte_ether_addr *), &mac_a));
	CHECK(rte_is_same_ether_addr(rte_pktmbuf_mtod_offset(pkts[0], struct rte_ether_addr *, 6),
				     &mac_us));
	CHECK(rte_is_same_ether_addr(rte_pktmbuf_mtod(pkts[1], struct rte_ether_addr *), &mac_b));
	CHECK_EQ(gw_meta(pkts[2])->drop, GW_DROP_NEIGH_UNRESOLVED);

	/* a second set without a6: a6 goes, the learned entry stays */
	gw_neigh_sync_begin(t);
	CHECK_EQ(gw_neigh_add_static(t, 2, &a, &mac_a), 0);
	CHECK_EQ(gw_neigh_sync_end(t), 1);
	CHECK_EQ(gw_neigh_lookup(t, 2, &a, NULL), GW_NEIGH_STATIC);
	CHECK_EQ(gw_neigh_lookup(t, 2, &a6, NULL), GW_NEIGH_NONE);
	CHECK_EQ(gw_neigh_lookup(t, 2, &l, NULL), GW_NEIGH_REACHABLE);
	gw_neigh_table_free(t);
}

/* With RCU: indexes of deleted entries come back after the grace period. */
static void
test_rcu_reuse(void)
{
	size_t sz = rte_rcu_qsbr_get_memsize(4);
	struct rte_rcu_qsbr *v = rte_zmalloc("qsbr", sz, RTE_CACHE_LINE_SIZE);
	struct gw_neigh_table *t;
	unsigned int i, fails = 0;
	char buf[32];

	CHECK(v != NULL && rte_rcu_qsbr_init(v, 4) == 0);
	t = make(v, 16);
	CHECK(t != NULL);
	if (t == NULL)
		return;
	/* a reader that is online and keeps reporting */
	rte_rcu_qsbr_thread_register(v, 1);
	rte_rcu_qsbr_thread_online(v, 1);
	for (i = 0; i < 1000; i++) {
		struct gw_ipaddr a;

		snprintf(buf, sizeof(buf), "10.0.%u.%u", i / 200, i % 200 + 1);
		a = net_test_ip(buf);
		fails += gw_neigh_learn(t, 0, &a, &mac_a, true, 0) != 0;
		rte_rcu_qsbr_quiescent(v, 1);
		fails += gw_neigh_del(t, 0, &a) != 0;
		rte_rcu_qsbr_quiescent(v, 1);
	}
	CHECK_EQ(fails, 0);
	rte_rcu_qsbr_thread_offline(v, 1);
	rte_rcu_qsbr_thread_unregister(v, 1);
	gw_neigh_table_free(t);
	rte_free(v);
}

int
main(void)
{
	if (net_test_eal_init("neigh") < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("ut_neigh", 255, 0, GW_META_PRIV_SIZE,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "pool failed\n");
		return 1;
	}
	GW_RUN(test_lifecycle);
	GW_RUN(test_v6_retries);
	GW_RUN(test_sync_and_burst);
	GW_RUN(test_rcu_reuse);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return gw_test_result();
}
