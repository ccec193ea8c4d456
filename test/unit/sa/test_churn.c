/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Churn: reader threads (an EAL worker lcore and a plain pthread, both
 * reporting quiescent states) look up stable SAs and dereference them
 * while the main thread replaces, deletes and re-adds other SAs thousands of
 * times per second. Stable SAs must never be missed, and no reader may ever
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

#include "gw_test.h"
#include "gw_sad.h"
#define SA_TEST_DUMMY_SA
#include "sa_test_common.h"
#ifdef SA_TEST_SPD
#include "gw_spd.h"
#endif

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

struct reader_stats {
	uint64_t loops, lookups, stable_miss, bad_magic, wrong_id, churn_hits;
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
	}
	CHECK(ops > 10000);
	CHECK(nb_freed_now > 1000);	/* reclamation progressed during the run */
	gw_sad_free(sad);
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
