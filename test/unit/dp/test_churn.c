/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SA churn while traffic flows: a worker lcore encrypts and decrypts bursts
 * through a group SA pair it looks up in the SPD slot and the SAD each time
 * (as the stages do), reporting RCU quiescent states, while the control thread
 * replaces other SAs as fast as it can. Every packet of the stable SAs must
 * come back intact; under ASan, no freed SA may be touched.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "gw_esp.h"
#include "gw_samgr.h"
#include "gw_test.h"
#include "gw_test_sa.h"

#define NB_CHURN 64
#define PAYLOAD 100

static struct rte_mempool *pool;
static struct rte_rcu_qsbr *rcu;
static struct gw_samgr *mgr;
static uint32_t out_slot;
static atomic_bool stop;
static uint64_t sent, received, lost, corrupt;


/* An IPv4/UDP packet with a counter pattern, data at the IP header. */
static void
fill_packet(struct rte_mbuf *m, uint32_t seq)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m,
		sizeof(*ip) + 8 + PAYLOAD);
	uint8_t *p;

	if (ip == NULL)
		return;
	p = (uint8_t *)(ip + 1) + 8;
	memset(ip, 0, sizeof(*ip) + 8);
	ip->version_ihl = 0x45;
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + 8 + PAYLOAD);
	ip->src_addr = rte_cpu_to_be_32(0x0a010001);
	ip->dst_addr = rte_cpu_to_be_32(0x0a020001);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	for (int i = 0; i < PAYLOAD; i++)
		p[i] = (uint8_t)(seq + i);
	memcpy(p, &seq, sizeof(seq));
	*gw_meta(m) = (struct gw_meta){ .l3 = GW_L3_IPV4 };
	m->l2_len = 0;
	m->l3_len = sizeof(*ip);
}

static bool
packet_ok(struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod_offset(m, const uint8_t *, 28);
	uint32_t seq;

	if (rte_pktmbuf_data_len(m) != 28 + PAYLOAD)
		return false;
	memcpy(&seq, p, sizeof(seq));
	for (int i = sizeof(seq); i < PAYLOAD; i++)
		if (p[i] != (uint8_t)(seq + i))
			return false;
	return true;
}

static int
worker(void *arg __rte_unused)
{
	const struct gw_crypto_engine *eng = gw_crypto_engine_get(NULL);
	struct gw_sad *sad = gw_samgr_sad(mgr);
	struct gw_spd_slots *slots = gw_samgr_slots(mgr);
	struct rte_mbuf *pkts[GW_MAX_BURST];
	struct gw_sad_key key;
	const struct gw_sad_key *keys[1] = { &key };
	struct gw_esp_clock now;
	uint32_t seq = 0;

	if (eng->lcore_init != NULL)
		eng->lcore_init(rte_lcore_id());
	rte_rcu_qsbr_thread_register(rcu, 0);
	rte_rcu_qsbr_thread_online(rcu, 0);
	gw_sad_key_group(&key, rte_cpu_to_be_32(0x500));
	while (!atomic_load(&stop)) {
		struct gw_sa *sa;
		uint16_t good;

		if (rte_pktmbuf_alloc_bulk(pool, pkts, GW_MAX_BURST) != 0)
			break;
		for (int i = 0; i < GW_MAX_BURST; i++)
			fill_packet(pkts[i], seq++);
		sent += GW_MAX_BURST;
		gw_esp_clock_read(&now);
		sa = gw_spd_slot_sa(slots, out_slot);
		good = sa == NULL ? 0 : gw_esp_outbound(sa, pkts, GW_MAX_BURST, &now);
		sa = NULL;
		gw_sad_lookup_inbound_bulk(sad, keys, 1, &sa);
		if (sa != NULL && good != 0)
			good = gw_esp_inbound(sa, pkts, good, &now);
		else
			good = 0;
		for (uint16_t i = 0; i < good; i++) {
			if (packet_ok(pkts[i]))
				received++;
			else
				corrupt++;
		}
		lost += GW_MAX_BURST - good;
		rte_pktmbuf_free_bulk(pkts, GW_MAX_BURST);
		rte_rcu_qsbr_quiescent(rcu, 0);
	}
	rte_rcu_qsbr_thread_offline(rcu, 0);
	rte_rcu_qsbr_thread_unregister(rcu, 0);
	return 0;
}

static void
test_churn_while_forwarding(void)
{
	struct gw_sa_spec gout = gw_test_sa_spec("gout", 0x500, GW_SA_OUTBOUND, true, 7);
	struct gw_sa_spec gin = gw_test_sa_spec("gin", 0x500, GW_SA_INBOUND, true, 7);
	unsigned int worker_lcore = rte_get_next_lcore(-1, 1, 0);
	uint64_t replaced = 0, end, hz = rte_get_tsc_hz();
	struct gw_sa_spec churn[NB_CHURN];
	gw_sa_id_t ids[NB_CHURN], id;
	int slot;

	CHECK_EQ(gw_samgr_sa_add(mgr, GW_OWNER_CONF, &gout, &id), 0);
	CHECK_EQ(gw_samgr_sa_add(mgr, GW_OWNER_CONF, &gin, &id), 0);
	for (int i = 0; i < NB_CHURN; i++) {
		char name[16];

		snprintf(name, sizeof(name), "c%d", i);
		churn[i] = gw_test_sa_spec(name, 0x1000 + i, i % 2 ? GW_SA_INBOUND : GW_SA_OUTBOUND,
					   i % 4 < 2, 1);
		CHECK_EQ(gw_samgr_sa_add(mgr, GW_OWNER_CONF, &churn[i], &ids[i]), 0);
	}
	slot = gw_spd_slot_get(gw_samgr_slots(mgr), "gout");
	CHECK(slot >= 0);
	out_slot = (uint32_t)slot;
	CHECK_EQ(rte_eal_remote_launch(worker, NULL, worker_lcore), 0);

	end = rte_rdtsc() + 2 * hz;
	while (rte_rdtsc() < end) {
		struct gw_sa_spec *c = &churn[replaced % NB_CHURN];

		c->params.crypto.cipher_key[0]++;	/* new keys: a real replace */
		CHECK_EQ(gw_samgr_sa_update(mgr, ids[replaced % NB_CHURN], c), 0);
		replaced++;
		if (replaced % 256 == 0)
			gw_samgr_poll(mgr, rte_rdtsc() / hz);	/* reclaims retired SAs */
	}
	atomic_store(&stop, true);
	rte_eal_wait_lcore(worker_lcore);
	gw_samgr_poll(mgr, rte_rdtsc() / hz);
	printf("churn: %" PRIu64 " replaces in 2 s, %" PRIu64 " packets sent, %" PRIu64
	       " received, %" PRIu64 " lost, %" PRIu64 " corrupt\n", replaced, sent, received,
	       lost, corrupt);
	CHECK(replaced >= 2000);	/* thousands of replaces per second */
	CHECK(sent > 0);
	CHECK_EQ(lost, 0);
	CHECK_EQ(corrupt, 0);
	CHECK_EQ(received, sent);
	gw_spd_slot_put(gw_samgr_slots(mgr), out_slot);
}

int
main(void)
{
	char prefix[64];
	char *argv[] = { "test", "--no-huge", "-m", "256", "--no-pci", "-l", "0-1",
			 prefix, "--log-level=lib.eal:error", "--log-level=gdoigw.*:warning",
			 NULL };
	size_t sz;

	snprintf(prefix, sizeof(prefix), "--file-prefix=ut-dp-churn-%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0)
		return 1;
	if (rte_lcore_count() < 2) {
		printf("needs two lcores\n");
		return 77;
	}
	pool = rte_pktmbuf_pool_create("ut_churn", 1024, 0, GW_META_PRIV_SIZE,
				       RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	sz = rte_rcu_qsbr_get_memsize(1);
	rcu = rte_zmalloc("ut_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (pool == NULL || rcu == NULL || rte_rcu_qsbr_init(rcu, 1) != 0)
		return 1;
	mgr = gw_samgr_create(gw_crypto_engine_get(NULL), rcu, SOCKET_ID_ANY);
	if (mgr == NULL)
		return 1;
	GW_RUN(test_churn_while_forwarding);
	gw_samgr_free(mgr);
	rte_free(rcu);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return gw_test_result();
}
