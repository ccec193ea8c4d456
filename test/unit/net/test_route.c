/* SPDX-License-Identifier: BSD-3-Clause */
/* Route table: kinds, longest match, defaults, table sync, burst lookup, RCU. */

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "gw_test.h"
#include "net_test.h"
#include "route_test.h"

static struct gw_route_nh
via(const char *gw, uint16_t port)
{
	struct gw_ipaddr a = net_test_ip(gw);
	struct gw_route_nh nh = { .kind = GW_ROUTE_FORWARD, .family = a.family, .port = port };

	memcpy(nh.gw.v6, &a.v6, 16);
	return nh;
}

static void
test_basic(void)
{
	struct gw_route_table *t = route_test_table(NULL);
	struct gw_route_result r;
	struct gw_prefix p;
	struct gw_route_nh nh;

	CHECK(t != NULL);
	if (t == NULL)
		return;
	p = net_test_prefix("192.0.2.1/24");
	CHECK_EQ(gw_route_add_interface_addr(t, 0, &p), 0);
	p = net_test_prefix("198.51.100.1/24");
	CHECK_EQ(gw_route_add_interface_addr(t, 1, &p), 0);
	p = net_test_prefix("2001:db8::1/64");
	CHECK_EQ(gw_route_add_interface_addr(t, 0, &p), 0);
	CHECK_EQ(gw_route_count(t), 6);

	CHECK_EQ(route_test_look(t, "192.0.2.55", &r), GW_ROUTE_FORWARD);
	CHECK_EQ(r.port, 0);
	CHECK(route_test_nh_is(&r, "192.0.2.55"));
	CHECK_EQ(route_test_look(t, "192.0.2.1", &r), GW_ROUTE_LOCAL);
	CHECK_EQ(r.port, 0);
	CHECK_EQ(route_test_look(t, "198.51.100.9", &r), GW_ROUTE_FORWARD);
	CHECK_EQ(r.port, 1);
	CHECK_EQ(route_test_look(t, "10.1.2.3", &r), GW_ROUTE_NONE);
	CHECK_EQ(route_test_look(t, "2001:db8::99", &r), GW_ROUTE_FORWARD);
	CHECK(route_test_nh_is(&r, "2001:db8::99"));
	CHECK_EQ(route_test_look(t, "2001:db8::1", &r), GW_ROUTE_LOCAL);
	CHECK_EQ(route_test_look(t, "2001:db9::1", &r), GW_ROUTE_NONE);

	/* statics, longest match, host bits ignored, discard, defaults */
	p = net_test_prefix("10.1.2.3/8");
	nh = via("198.51.100.254", 1);
	CHECK_EQ(gw_route_add(t, &p, GW_ROUTE_SRC_STATIC, &nh), 0);
	p = net_test_prefix("10.9.0.0/16");
	nh = (struct gw_route_nh){ .kind = GW_ROUTE_DISCARD, .family = AF_INET };
	CHECK_EQ(gw_route_add(t, &p, GW_ROUTE_SRC_STATIC, &nh), 0);
	p = net_test_prefix("0.0.0.0/0");
	nh = via("192.0.2.254", 0);
	CHECK_EQ(gw_route_add(t, &p, GW_ROUTE_SRC_STATIC, &nh), 0);
	p = net_test_prefix("::/0");
	nh = via("2001:db8::fe", 0);
	CHECK_EQ(gw_route_add(t, &p, GW_ROUTE_SRC_STATIC, &nh), 0);

	CHECK_EQ(route_test_look(t, "10.200.0.1", &r), GW_ROUTE_FORWARD);
	CHECK_EQ(r.port, 1);
	CHECK(route_test_nh_is(&r, "198.51.100.254"));
	CHECK_EQ(route_test_look(t, "10.9.1.1", &r), GW_ROUTE_DISCARD);
	CHECK_EQ(route_test_look(t, "8.8.8.8", &r), GW_ROUTE_FORWARD);
	CHECK(route_test_nh_is(&r, "192.0.2.254"));
	CHECK_EQ(route_test_look(t, "2001:4860::1", &r), GW_ROUTE_FORWARD);
	CHECK(route_test_nh_is(&r, "2001:db8::fe"));

	/* a static route cannot replace a direct one */
	p = net_test_prefix("192.0.2.0/24");
	nh = via("198.51.100.254", 1);
	CHECK_EQ(gw_route_add(t, &p, GW_ROUTE_SRC_STATIC, &nh), -EEXIST);
	/* a family mismatch is refused */
	p = net_test_prefix("10.0.0.0/8");
	nh = via("2001:db8::fe", 0);
	CHECK_EQ(gw_route_add(t, &p, GW_ROUTE_SRC_STATIC, &nh), -EINVAL);
	p = net_test_prefix("10.0.0.0/33");
	CHECK_EQ(gw_route_add(t, &p, GW_ROUTE_SRC_STATIC, &nh), -EINVAL);

	/* replace, then delete */
	p = net_test_prefix("10.0.0.0/8");
	nh = via("198.51.100.253", 1);
	CHECK_EQ(gw_route_add(t, &p, GW_ROUTE_SRC_STATIC, &nh), 0);
	CHECK_EQ(route_test_look(t, "10.200.0.1", &r), GW_ROUTE_FORWARD);
	CHECK(route_test_nh_is(&r, "198.51.100.253"));
	CHECK_EQ(gw_route_del(t, &p), 0);
	CHECK_EQ(gw_route_del(t, &p), -ENOENT);
	CHECK_EQ(route_test_look(t, "10.200.0.1", &r), GW_ROUTE_FORWARD);	/* default now */
	CHECK(route_test_nh_is(&r, "192.0.2.254"));
	p = net_test_prefix("0.0.0.0/0");
	CHECK_EQ(gw_route_del(t, &p), 0);
	CHECK_EQ(route_test_look(t, "10.200.0.1", &r), GW_ROUTE_NONE);
	p = net_test_prefix("2001:db8::1/64");
	CHECK_EQ(gw_route_del_interface_addr(t, &p), 0);
	CHECK_EQ(route_test_look(t, "2001:db8::99", &r), GW_ROUTE_FORWARD);	/* ::/0 */
	CHECK(route_test_nh_is(&r, "2001:db8::fe"));
	CHECK_EQ(route_test_look(t, "2001:db8::1", &r), GW_ROUTE_FORWARD);
	gw_route_table_free(t);
}

/* Many routes through the same next hop share one entry; entries are recycled. */
static void
test_nh_sharing(void)
{
	struct gw_route_table *t = route_test_table(NULL);
	struct gw_route_nh nh = via("192.0.2.254", 0);
	struct gw_prefix p;
	unsigned int round, i;
	char buf[32];

	CHECK(t != NULL);
	if (t == NULL)
		return;
	/* 200 routes, 1 next hop: fits in max_nh = 64; repeated to exercise reuse */
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 200; i++) {
			snprintf(buf, sizeof(buf), "10.%u.0.0/16", i);
			p = net_test_prefix(buf);
			nh = via(i % 2 ? "192.0.2.254" : "192.0.2.253", (uint16_t)round);
			CHECK_EQ(gw_route_add(t, &p, GW_ROUTE_SRC_STATIC, &nh), 0);
		}
		for (i = 0; i < 200; i++) {
			snprintf(buf, sizeof(buf), "10.%u.0.0/16", i);
			p = net_test_prefix(buf);
			CHECK_EQ(gw_route_del(t, &p), 0);
		}
	}
	/* 64 distinct next hops fill the array, the 65th does not fit */
	for (i = 0; i < 65; i++) {
		snprintf(buf, sizeof(buf), "10.%u.0.0/16", i);
		p = net_test_prefix(buf);
		snprintf(buf, sizeof(buf), "192.0.2.%u", i + 1);
		nh = via(buf, 0);
		CHECK_EQ(gw_route_add(t, &p, GW_ROUTE_SRC_STATIC, &nh), i < 64 ? 0 : -ENOSPC);
	}
	gw_route_table_free(t);
}

/* Replacing the table as a whole: what stays, what gives way, what goes. */
static void
test_sync(void)
{
	struct gw_route_table *t = route_test_table(NULL);
	struct gw_route_result r;
	unsigned int n[3] = { 0 };
	struct gw_prefix p;
	struct gw_route_nh nh;
	struct gw_ipaddr a;

	CHECK(t != NULL);
	if (t == NULL)
		return;
	gw_route_sync_begin(t);
	p = net_test_prefix("192.0.2.1/24");
	CHECK_EQ(gw_route_sync_interface_addr(t, 3, &p), 0);
	p = net_test_prefix("fe80::1/64");
	CHECK_EQ(gw_route_sync_interface_addr(t, 3, &p), 0);
	p = net_test_prefix("198.51.100.1/24");
	CHECK_EQ(gw_route_sync_interface_addr(t, 5, &p), 0);
	a = net_test_ip("192.0.2.9");
	CHECK_EQ(gw_route_direct_port(t, &a), 3);
	a = net_test_ip("203.0.113.1");
	CHECK_EQ(gw_route_direct_port(t, &a), -ENETUNREACH);
	p = net_test_prefix("0.0.0.0/0");
	nh = via("198.51.100.254", 5);
	CHECK_EQ(gw_route_sync_add(t, &p, GW_ROUTE_SRC_STATIC, &nh), 0);
	/* a static route on a prefix the new table has as direct: refused */
	p = net_test_prefix("192.0.2.0/24");
	CHECK_EQ(gw_route_sync_add(t, &p, GW_ROUTE_SRC_STATIC, &nh), -EEXIST);
	CHECK_EQ(gw_route_sync_end(t), 0);
	gw_route_walk(t, route_test_count_cb, n);
	CHECK_EQ(n[GW_ROUTE_SRC_LOCAL], 3);
	CHECK_EQ(n[GW_ROUTE_SRC_DIRECT], 2);	/* no fe80::/64 */
	CHECK_EQ(n[GW_ROUTE_SRC_STATIC], 1);
	CHECK_EQ(route_test_look(t, "8.8.8.8", &r), GW_ROUTE_FORWARD);
	CHECK_EQ(r.port, 5);
	CHECK_EQ(route_test_look(t, "fe80::1", &r), GW_ROUTE_LOCAL);

	/* second table: 198.51.100.1 gone, its subnet now a discard route */
	gw_route_sync_begin(t);
	a = net_test_ip("192.0.2.9");
	CHECK_EQ(gw_route_direct_port(t, &a), -ENETUNREACH);	/* stale until re-added */
	p = net_test_prefix("192.0.2.1/24");
	CHECK_EQ(gw_route_sync_interface_addr(t, 3, &p), 0);
	CHECK_EQ(gw_route_direct_port(t, &a), 3);
	p = net_test_prefix("fe80::1/64");
	CHECK_EQ(gw_route_sync_interface_addr(t, 3, &p), 0);
	p = net_test_prefix("198.51.100.0/24");
	nh = (struct gw_route_nh){ .kind = GW_ROUTE_DISCARD, .family = AF_INET };
	CHECK_EQ(gw_route_sync_add(t, &p, GW_ROUTE_SRC_STATIC, &nh), 0);	/* gives way */
	CHECK_EQ(gw_route_sync_end(t), 2);	/* 198.51.100.1/32 and the default */
	CHECK_EQ(route_test_look(t, "198.51.100.7", &r), GW_ROUTE_DISCARD);
	CHECK_EQ(route_test_look(t, "198.51.100.1", &r), GW_ROUTE_DISCARD);
	CHECK_EQ(route_test_look(t, "8.8.8.8", &r), GW_ROUTE_NONE);
	CHECK_EQ(route_test_look(t, "192.0.2.9", &r), GW_ROUTE_FORWARD);
	CHECK_EQ(gw_route_count(t), 2 + 1 + 1);
	gw_route_table_free(t);
}

static void
test_burst(void)
{
	static struct net_test_mbuf b[4];
	struct gw_route_table *t = route_test_table(NULL);
	struct rte_mbuf *pkts[4];
	uint8_t f[128];
	struct gw_prefix p;
	struct gw_route_nh nh;
	const char *dst[4] = { "192.0.2.7", "2001:db8::7", "10.0.0.1", "192.0.2.1" };
	unsigned int i;

	CHECK(t != NULL);
	if (t == NULL)
		return;
	p = net_test_prefix("192.0.2.1/24");
	gw_route_add_interface_addr(t, 2, &p);
	p = net_test_prefix("2001:db8::/64");
	nh = via("fe80::1", 1);
	gw_route_add(t, &p, GW_ROUTE_SRC_STATIC, &nh);
	for (i = 0; i < 4; i++) {
		struct gw_ipaddr a = net_test_ip(dst[i]);

		memset(f, 0, sizeof(f));
		pkts[i] = net_test_mbuf_set(&b[i], f, 100);
		pkts[i]->l2_len = 14;
		gw_meta(pkts[i])->l3 = a.family == AF_INET ? GW_L3_IPV4 : GW_L3_IPV6;
		if (a.family == AF_INET)
			memcpy(rte_pktmbuf_mtod_offset(pkts[i], uint8_t *, 14 + 16), &a.v4, 4);
		else
			memcpy(rte_pktmbuf_mtod_offset(pkts[i], uint8_t *, 14 + 24), &a.v6, 16);
	}
	gw_route_lookup_burst(t, pkts, 4);
	CHECK_EQ(gw_meta(pkts[0])->drop, GW_DROP_NONE);
	CHECK_EQ(gw_meta(pkts[0])->out_port, 2);
	CHECK_EQ(gw_meta(pkts[0])->nh4, net_test_ip("192.0.2.7").v4.s_addr);
	CHECK_EQ(gw_meta(pkts[1])->out_port, 1);
	struct gw_ipaddr ll = net_test_ip("fe80::1");

	CHECK_MEM(gw_meta(pkts[1])->nh6, &ll.v6, 16);
	CHECK_EQ(gw_meta(pkts[2])->drop, GW_DROP_NO_ROUTE);
	CHECK_EQ(gw_meta(pkts[3])->action, GW_ACT_LOCAL);
	gw_route_table_free(t);
}

/* Is a packet from src ours? (gw_route_src_is_own on a parsed frame) */
static bool
src_own(const struct gw_route_table *t, const char *src)
{
	static struct net_test_mbuf b;
	struct gw_ipaddr a = net_test_ip(src);
	uint8_t f[128] = { 0 };
	struct rte_mbuf *m = net_test_mbuf_set(&b, f, 100);

	m->l2_len = 14;
	gw_meta(m)->l3 = a.family == AF_INET ? GW_L3_IPV4 : GW_L3_IPV6;
	if (a.family == AF_INET)
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + 12), &a.v4, 4);
	else
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + 8), &a.v6, 16);
	return gw_route_src_is_own(t, m);
}

/* Own addresses follow the Local routes as they come and go; nothing else is own. */
static void
test_own_src(void)
{
	struct gw_route_table *t = route_test_table(NULL);
	struct gw_prefix a4 = net_test_prefix("192.0.2.1/24");
	struct gw_prefix a6 = net_test_prefix("2001:db8::1/64");
	struct gw_prefix dflt = net_test_prefix("0.0.0.0/0");
	struct gw_route_nh nh = via("192.0.2.9", 0);
	char ip[32];
	unsigned int i, others = 0;

	CHECK(t != NULL);
	if (t == NULL)
		return;
	CHECK_EQ(t->own_bits, 0);
	CHECK(!src_own(t, "192.0.2.1"));
	CHECK_EQ(gw_route_add_interface_addr(t, 0, &a4), 0);
	CHECK_EQ(gw_route_add_interface_addr(t, 1, &a6), 0);
	CHECK_EQ(gw_route_add(t, &dflt, GW_ROUTE_SRC_STATIC, &nh), 0);
	CHECK(src_own(t, "192.0.2.1"));
	CHECK(src_own(t, "2001:db8::1"));
	/* every other address of the subnets and beyond: not own, whatever its bit */
	for (i = 0; i < 256; i++) {
		snprintf(ip, sizeof(ip), "192.0.2.%u", i);
		if (i != 1)
			others += src_own(t, ip);
		snprintf(ip, sizeof(ip), "2001:db8::%x", i);
		if (i != 1)
			others += src_own(t, ip);
	}
	CHECK_EQ(others, 0);
	CHECK(!src_own(t, "10.0.0.1"));
	CHECK_EQ(gw_route_del_interface_addr(t, &a4), 0);
	CHECK(!src_own(t, "192.0.2.1"));
	CHECK(src_own(t, "2001:db8::1"));
	CHECK_EQ(gw_route_del_interface_addr(t, &a6), 0);
	CHECK_EQ(t->own_bits, 0);
	gw_route_table_free(t);
}

/* A reader on another lcore never sees a torn or recycled next hop. */
static struct rte_rcu_qsbr *qv;
static volatile int stop;
static unsigned long reads, bad;

static int
reader(void *arg)
{
	struct gw_route_table *t = arg;
	unsigned int id = rte_lcore_id();
	uint8_t d6[2][16];
	rte_be32_t d4[2];
	struct gw_route_result r[2];
	struct gw_ipaddr a;

	rte_rcu_qsbr_thread_register(qv, id);
	rte_rcu_qsbr_thread_online(qv, id);
	d4[0] = net_test_ip("10.1.1.1").v4.s_addr;
	d4[1] = net_test_ip("10.2.1.1").v4.s_addr;
	a = net_test_ip("2001:db8:1::1");
	memcpy(d6[0], &a.v6, 16);
	a = net_test_ip("2001:db8:2::1");
	memcpy(d6[1], &a.v6, 16);
	while (!stop) {
		gw_route_lookup4_bulk(t, d4, r, 2);
		for (unsigned int i = 0; i < 2; i++)
			if (r[i].kind == GW_ROUTE_FORWARD &&
			    rte_be_to_cpu_32(r[i].nh4) != 0xc0000200u + r[i].port)
				bad++;
		gw_route_lookup6_bulk(t, d6, r, 2);
		for (unsigned int i = 0; i < 2; i++)
			if (r[i].kind == GW_ROUTE_FORWARD && r[i].nh6[15] != r[i].port)
				bad++;
		reads++;
		rte_rcu_qsbr_quiescent(qv, id);
	}
	rte_rcu_qsbr_thread_offline(qv, id);
	rte_rcu_qsbr_thread_unregister(qv, id);
	return 0;
}

static void
test_rcu(void)
{
	size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	struct gw_route_table *t;
	unsigned int worker, i;
	char buf[64];

	qv = rte_zmalloc("qsbr", sz, RTE_CACHE_LINE_SIZE);
	CHECK(qv != NULL && rte_rcu_qsbr_init(qv, RTE_MAX_LCORE) == 0);
	t = route_test_table(qv);
	CHECK(t != NULL);
	worker = rte_get_next_lcore(-1, 1, 0);
	if (t == NULL || worker >= RTE_MAX_LCORE)
		return;
	rte_eal_remote_launch(reader, t, worker);
	for (i = 0; i < 3000; i++) {
		/* next hop 192.0.2.<port> / 2001:db8::<port>, port cycling 1..40 */
		uint16_t port = (uint16_t)(1 + i % 40);
		struct gw_prefix p;
		struct gw_route_nh nh;

		snprintf(buf, sizeof(buf), "192.0.2.%u", port);
		nh = via(buf, port);
		p = net_test_prefix(i % 2 ? "10.1.0.0/16" : "10.0.0.0/8");
		CHECK_EQ(gw_route_add(t, &p, GW_ROUTE_SRC_STATIC, &nh), 0);
		snprintf(buf, sizeof(buf), "2001:db8::%x", port);
		nh = via(buf, port);
		p = net_test_prefix(i % 2 ? "2001:db8:1::/48" : "2001:db8::/32");
		CHECK_EQ(gw_route_add(t, &p, GW_ROUTE_SRC_STATIC, &nh), 0);
		if (i % 3 == 0) {
			p = net_test_prefix("10.1.0.0/16");
			gw_route_del(t, &p);
			p = net_test_prefix("2001:db8:1::/48");
			gw_route_del(t, &p);
		}
		if (i % 50 == 0)
			gw_route_reclaim(t);
	}
	stop = 1;
	rte_eal_wait_lcore(worker);
	printf("  reader: %lu lookups, %lu inconsistent\n", reads, bad);
	CHECK(reads > 0);
	CHECK_EQ(bad, 0);
	gw_route_table_free(t);
	rte_free(qv);
}

int
main(void)
{
	if (net_test_eal_init("route") < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	GW_RUN(test_basic);
	GW_RUN(test_nh_sharing);
	GW_RUN(test_sync);
	GW_RUN(test_burst);
	GW_RUN(test_own_src);
	GW_RUN(test_rcu);
	rte_eal_cleanup();
	return gw_test_result();
}
