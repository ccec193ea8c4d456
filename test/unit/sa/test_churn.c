/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Churn: reader threads (an EAL worker lcore and a plain pthread, both
 * reporting quiescent states) look up stable SAs and dereference them
 * while the main thread replaces, deletes and re-adds other SAs thousands of
 * times per second, re-binds an SPD slot and republishes the SPD rules.
 * Stable SAs must never be missed, and no reader may ever
 * see a freed SA: freed objects are poisoned and quarantined (not returned to
 * malloc until the readers stopped), so a stale pointer shows as a bad magic.
 * Under ASan the suite also catches real use-after-free.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_mbuf.h>

#include "gw_test.h"
#include "gw_sad.h"
#define SA_TEST_DUMMY_SA
#include "sa_test_common.h"
#include "gw_common.h"
#include "gw_spd.h"

#define N_STABLE 64
#define N_CHURN 64
#define RUN_SECONDS 3
#define QUARANTINE (1u << 20)

static struct rte_rcu_qsbr *rcu;
static struct gw_sad *sad;
static struct gw_sad_key keys[N_STABLE + N_CHURN];
static struct gw_sa *stable[N_STABLE];
static volatile int stop;

static struct gw_sa **quarantine;
static unsigned int nb_quarantine, nb_freed_now;

/* SPD side: term 1 protects with a stable slot, term 2 with a re-bound one. */
static struct gw_spd_slots *slots;
static struct gw_spd *spd;
static struct rte_mempool *pool;
static struct rte_mbuf *spd_pkts[2];
static struct gw_sa *stable_out;

struct reader_stats {
	uint64_t loops, lookups, stable_miss, bad_magic, wrong_id, churn_hits;
	uint64_t spd_bad;
};
static struct reader_stats rstats[2];

static void
dummy_free(struct gw_sa *sa, void *arg)
{
	(void)arg;
	sa->magic = SA_TEST_POISON;
	if (nb_quarantine < QUARANTINE)
		quarantine[nb_quarantine++] = sa;
	else
		free(sa);
	nb_freed_now++;
}

static void
reader_loop(unsigned int tid, struct reader_stats *st)
{
	const struct gw_sad_key *kp[32];
	struct gw_sa *out[32];
	struct gw_spd_result res[2];
	unsigned int i, base = 0, k;

	rte_rcu_qsbr_thread_register(rcu, tid);
	rte_rcu_qsbr_thread_online(rcu, tid);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		/* A burst mixing stable and churning keys. */
		for (i = 0; i < 32; i++)
			kp[i] = &keys[(base + i * 5) % (N_STABLE + N_CHURN)];
		base++;
		gw_sad_lookup_inbound_bulk(sad, kp, 32, out);
		for (i = 0; i < 32; i++) {
			k = (unsigned int)(kp[i] - keys);
			st->lookups++;
			if (out[i] == NULL) {
				if (k < N_STABLE)
					st->stable_miss++;
				continue;
			}
			if (__atomic_load_n(&out[i]->magic, __ATOMIC_RELAXED) != SA_TEST_MAGIC)
				st->bad_magic++;
			else if (k < N_STABLE && out[i]->id != k)
				st->wrong_id++;
			else if (k >= N_STABLE)
				st->churn_hits++;
		}
		gw_spd_classify_bulk(spd, spd_pkts, 2, res);
		if (res[0].action != GW_SPD_PROTECT || res[0].sa != stable_out ||
		    res[0].sa->magic != SA_TEST_MAGIC)
			st->spd_bad++;
		if (res[1].action == GW_SPD_PROTECT &&
		    __atomic_load_n(&res[1].sa->magic, __ATOMIC_RELAXED) != SA_TEST_MAGIC)
			st->bad_magic++;
		st->loops++;
		rte_rcu_qsbr_quiescent(rcu, tid);
	}
	rte_rcu_qsbr_thread_offline(rcu, tid);
	rte_rcu_qsbr_thread_unregister(rcu, tid);
}

static int
lcore_reader(void *arg)
{
	(void)arg;
	reader_loop(rte_lcore_id(), &rstats[0]);
	return 0;
}

static void *
pthread_reader(void *arg)
{
	(void)arg;
	reader_loop(RTE_MAX_LCORE - 1, &rstats[1]);
	return NULL;
}

static struct rte_mbuf *
pkt_to(const char *dst)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *ip = m == NULL ? NULL : (uint8_t *)rte_pktmbuf_append(m, 28);

	if (ip == NULL)
		abort();
	memset(ip, 0, 28);
	ip[0] = 0x45;
	ip[9] = 17;
	inet_pton(AF_INET, "172.16.0.1", ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	m->l2_len = 0;
	gw_meta(m)->l3 = GW_L3_IPV4;
	return m;
}

static struct gw_spd_term
protect(const char *dst, const char *sa)
{
	struct gw_spd_term t;

	memset(&t, 0, sizeof(t));
	t.dst.family = AF_INET;
	t.dst.len = 8;
	inet_pton(AF_INET, dst, &t.dst.v4);
	t.sport_hi = t.dport_hi = 65535;
	t.action = GW_POLICY_PROTECT;
	snprintf(t.sa, sizeof(t.sa), "%s", sa);
	return t;
}

static void
spd_setup(void)
{
	struct gw_spd_slots_params sp = { .name = "churn", .nb_slots = 16,
		.socket = SOCKET_ID_ANY, .rcu = rcu, .free_sa = dummy_free };
	struct gw_spd_params pp = { .name = "churn", .socket = SOCKET_ID_ANY, .rcu = rcu };
	struct gw_spd_term t[2] = { protect("10.0.0.0", "stable"), protect("11.0.0.0", "churn") };

	pool = rte_pktmbuf_pool_create("ut_churn", 64, 0, GW_META_PRIV_SIZE,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	slots = gw_spd_slots_create(&sp);
	pp.slots = slots;
	spd = gw_spd_create(&pp);
	CHECK(pool != NULL && slots != NULL && spd != NULL);
	CHECK_EQ(gw_spd_build(spd, t, 2), 0);
	stable_out = sa_test_dummy_new(1000);
	CHECK_EQ(gw_spd_slot_bind(slots, (uint32_t)gw_spd_slot_find(slots, "stable"),
				  stable_out), 0);
	CHECK_EQ(gw_spd_slot_bind(slots, (uint32_t)gw_spd_slot_find(slots, "churn"),
				  sa_test_dummy_new(1001)), 0);
	spd_pkts[0] = pkt_to("10.1.2.3");
	spd_pkts[1] = pkt_to("11.1.2.3");
}

/* Main thread side: re-bind the churn slot, now and then rebuild the rules. */
static void
spd_churn(uint64_t ops)
{
	struct gw_spd_term t[2] = { protect("10.0.0.0", "stable"), protect("11.0.0.0", "churn") };
	uint32_t slot = (uint32_t)gw_spd_slot_find(slots, "churn");

	CHECK_EQ(gw_spd_slot_bind(slots, slot, ops % 5 == 4 ? NULL : sa_test_dummy_new(2000)), 0);
	if (ops % 256 == 0)
		CHECK_EQ(gw_spd_build(spd, t, 2), 0);
	gw_spd_slots_reclaim(slots);
	gw_spd_reclaim(spd);
}

static void
spd_teardown(void)
{
	gw_spd_free(spd);
	gw_spd_slots_free(slots);
	rte_pktmbuf_free(spd_pkts[0]);
	rte_pktmbuf_free(spd_pkts[1]);
	rte_mempool_free(pool);
}

static void
test_churn(void)
{
	struct gw_sad_params p = {
		.name = "churn", .capacity = 1024, .socket = SOCKET_ID_ANY,
		.rcu = rcu, .free_sa = dummy_free,
	};
	uint64_t end, ops = 0;
	unsigned int i, k, lc;
	pthread_t th;
	uint32_t a;

	quarantine = calloc(QUARANTINE, sizeof(*quarantine));
	sad = gw_sad_create(&p);
	CHECK(sad != NULL && quarantine != NULL);
	for (i = 0; i < N_STABLE + N_CHURN; i++) {
		a = htonl(0xc0000200u + i % 7);
		if (i % 2)
			gw_sad_key_group(&keys[i], htonl(0x100 + i));
		else
			gw_sad_key_unicast(&keys[i], htonl(0x100 + i), AF_INET, &a);
		if (i < N_STABLE) {
			stable[i] = sa_test_dummy_new(i);
			CHECK_EQ(gw_sad_add(sad, &keys[i], stable[i]), 0);
		} else {
			CHECK_EQ(gw_sad_add(sad, &keys[i], sa_test_dummy_new(i)), 0);
		}
	}
	spd_setup();
	lc = rte_get_next_lcore(-1, 1, 0);
	CHECK(lc < RTE_MAX_LCORE);
	CHECK_EQ(rte_eal_remote_launch(lcore_reader, NULL, lc), 0);
	CHECK_EQ(pthread_create(&th, NULL, pthread_reader, NULL), 0);

	end = rte_get_timer_cycles() + RUN_SECONDS * rte_get_timer_hz();
	while (rte_get_timer_cycles() < end) {
		for (i = 0; i < 16; i++, ops++) {
			k = N_STABLE + (unsigned int)(ops % N_CHURN);
			switch (ops % 3) {
			case 0:
			case 1:
				CHECK_EQ(gw_sad_replace(sad, &keys[k], sa_test_dummy_new(k)), 0);
				break;
			default:
				CHECK_EQ(gw_sad_delete(sad, &keys[k]), 0);
				CHECK_EQ(gw_sad_add(sad, &keys[k], sa_test_dummy_new(k)), 0);
				break;
			}
		}
		gw_sad_reclaim(sad);
		spd_churn(ops);
		rte_delay_us_block(1000);	/* ~16,000 changes per second */
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	rte_eal_mp_wait_lcore();
	pthread_join(th, NULL);

	printf("churn: %" PRIu64 " changes, %u freed during the run\n", ops, nb_freed_now);
	for (i = 0; i < 2; i++) {
		printf("reader %u: %" PRIu64 " bursts, %" PRIu64 " lookups, %" PRIu64
		       " churn hits\n", i, rstats[i].loops, rstats[i].lookups,
		       rstats[i].churn_hits);
		CHECK(rstats[i].loops > 100);
		CHECK_EQ(rstats[i].stable_miss, 0);
		CHECK_EQ(rstats[i].bad_magic, 0);
		CHECK_EQ(rstats[i].wrong_id, 0);
		CHECK_EQ(rstats[i].spd_bad, 0);
	}
	CHECK(ops > 1000);	/* rate depends on the machine: not a criterion */
	CHECK(nb_freed_now > 1000);	/* reclamation progressed during the run */
	gw_sad_free(sad);
	spd_teardown();
	for (i = 0; i < N_STABLE; i++)
		CHECK_EQ(stable[i]->magic, SA_TEST_POISON);	/* freed with the table */
	for (i = 0; i < nb_quarantine; i++)
		free(quarantine[i]);
	free(quarantine);
}

int
main(int argc, char **argv)
{
	if (sa_test_eal_init("churn", argc, argv) < 0)
		return 1;
	rcu = sa_test_rcu_create();
	CHECK(rcu != NULL);
	GW_RUN(test_churn);
	rte_free(rcu);
	rte_eal_cleanup();
	return gw_test_result();
}
