/* SPDX-License-Identifier: BSD-3-Clause */
/* Counters, drop-reason names, traceoptions parsing and the stage partition helper. */
#include <ctype.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

#include "gw_dp.h"
#include "gw_log.h"
#include "gw_stats.h"
#include "gw_test.h"

static struct rte_mempool *pool;

static void
test_drop_names(void)
{
	/* Names are unique, lowercase-hyphenated, and have help text. */
	for (int a = 1; a < GW_DROP_MAX; a++) {
		const char *n = gw_drop_name(a);

		CHECK(n[0] != '\0');
		for (const char *c = n; *c != '\0'; c++)
			CHECK(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-');
		CHECK(gw_drop_help(a)[0] != '\0');
		for (int b = a + 1; b < GW_DROP_MAX; b++)
			CHECK(strcmp(n, gw_drop_name(b)) != 0);
	}
	CHECK(strcmp(gw_drop_name(GW_DROP_TTL_EXPIRED), "ttl-expired") == 0);
	CHECK(strcmp(gw_drop_name(GW_DROP_MAX), "unknown") == 0);
}

static void
test_snapshot_sums_lcores(void)
{
	struct gw_stats_snapshot snap;

	gw_stats_clear();
	gw_counters[0].port[1].rx_pkts = 5;
	gw_counters[3].port[1].rx_pkts = 7;
	gw_counters[3].port[0].drops[GW_DROP_NO_ROUTE] = 2;
	gw_counters[RTE_MAX_LCORE - 1].port[0].drops[GW_DROP_NO_ROUTE] = 1;
	/* a gauge raised on one lcore may be lowered on another: the sum holds */
	gw_counters[1].port[1].reasm_held = 4;
	gw_counters[2].port[1].reasm_held = (uint64_t)-1;
	gw_counters[1].port[1].reasm_consumed = 6;
	gw_counters[2].port[0].originated = 9;
	gw_stats_snapshot(&snap, 2);
	CHECK_EQ(snap.port[1].rx_pkts, 12);
	CHECK_EQ(snap.port[1].reasm_held, 3);
	CHECK_EQ(snap.port[1].reasm_consumed, 6);
	CHECK_EQ(snap.port[0].originated, 9);
	CHECK_EQ(snap.port[0].drops[GW_DROP_NO_ROUTE], 3);
	CHECK_EQ(snap.drops_total[GW_DROP_NO_ROUTE], 3);
	gw_stats_clear();
	gw_stats_snapshot(&snap, 2);
	CHECK_EQ(snap.drops_total[GW_DROP_NO_ROUTE], 0);
}

static void
test_log_names(void)
{
	CHECK_EQ(gw_log_flag_parse("all"), GW_LOGFLAG_ALL);
	CHECK_EQ(gw_log_flag_parse("policy-manager"), GW_LOGFLAG_POLICY);
	CHECK_EQ(gw_log_flag_parse("nonsense"), 0);
	CHECK_EQ(gw_log_level_parse("warning"), RTE_LOG_WARNING);
	CHECK_EQ(gw_log_level_parse("verbose"), RTE_LOG_DEBUG);
	CHECK_EQ(gw_log_level_parse("loud"), 0);
	CHECK_EQ(gw_log_apply(GW_LOGFLAG_IKE, RTE_LOG_DEBUG, NULL), 0);
	CHECK_EQ(rte_log_get_level(gw_logtype_ike), RTE_LOG_DEBUG);
	CHECK_EQ(rte_log_get_level(gw_logtype_general), RTE_LOG_NOTICE);
	CHECK(gw_log_apply(GW_LOGFLAG_ALL, RTE_LOG_INFO, "/nonexistent-dir/x.log") < 0);
}

static void
test_partition_keeps_order(void)
{
	struct rte_mbuf *pkts[8];

	CHECK_EQ(rte_pktmbuf_alloc_bulk(pool, pkts, 8), 0);
	for (int i = 0; i < 8; i++) {
		gw_meta(pkts[i])->drop = (i % 3 == 0) ? GW_DROP_NO_ROUTE : GW_DROP_NONE;
		pkts[i]->hash.rss = i;
	}
	CHECK_EQ(gw_partition_drops(pkts, 8), 5);
	/* good ones first in order (1 2 4 5 7), then the bad ones in order (0 3 6) */
	static const int want[8] = { 1, 2, 4, 5, 7, 0, 3, 6 };
	for (int i = 0; i < 8; i++)
		CHECK_EQ(pkts[i]->hash.rss, want[i]);
	gw_stats_clear();
	for (int i = 0; i < 8; i++)
		gw_meta(pkts[i])->in_port = 1;
	gw_drop_burst(pkts + 5, 3);
	CHECK_EQ(gw_counters[rte_lcore_id()].port[1].drops[GW_DROP_NO_ROUTE], 3);
	rte_pktmbuf_free_bulk(pkts, 5);
}

int
main(void)
{
	char prefix[64];
	char *argv[] = { "test", "--no-huge", "-m", "128", "--no-pci", "-l", "0",
			 prefix, "--log-level=lib.eal:error", NULL };

	snprintf(prefix, sizeof(prefix), "--file-prefix=ut-dp-stats-%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0)
		return 1;
	pool = rte_pktmbuf_pool_create("ut", 64, 0, GW_META_PRIV_SIZE, 256, 0);
	if (pool == NULL)
		return 1;
	GW_RUN(test_drop_names);
	GW_RUN(test_snapshot_sums_lcores);
	GW_RUN(test_log_names);
	GW_RUN(test_partition_keeps_order);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return gw_test_result();
}
