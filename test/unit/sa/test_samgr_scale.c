/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * 100,000 real SAs through the manager: installed by two owners (inbound
 * unicast, inbound group, outbound), each found by its id and by the data
 * path's SAD lookup (inbound) or its slot (outbound); the bulk SAD lookup
 * costs about the same with 1,000 and with 100,000 SAs installed; deleting
 * one owner's half leaves the other's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>

#include <rte_cycles.h>

#include "gw_test.h"
#include "gw_test_sa.h"
#include "gw_samgr.h"
#include "sa_test_common.h"

#define N_SAS 100000u
#define SMALL 1000u
#define IKE1 GW_OWNER(GW_OWNER_IKE, 1)

static struct rte_rcu_qsbr *rcu;

/* SA i: two thirds inbound (unicast, group), one third outbound. */
static struct gw_sa_spec
spec_of(unsigned int i)
{
	char name[32];

	snprintf(name, sizeof(name), "s%u", i);
	return gw_test_sa_spec(name, 0x10000 + i, i % 3 == 2 ? GW_SA_OUTBOUND : GW_SA_INBOUND,
			       i % 3 == 1, (uint8_t)i);
}

static struct gw_sad_key
key_of(unsigned int i)
{
	struct gw_sad_key k;
	struct in_addr a;

	inet_pton(AF_INET, "192.0.2.1", &a);
	if (i % 3 == 1)
		gw_sad_key_group(&k, htonl(0x10000 + i));
	else
		gw_sad_key_unicast(&k, htonl(0x10000 + i), AF_INET, &a);
	return k;
}

/*
 * Cycles per packet of the bulk lookup over the inbound SAs among the first
 * n, the best of five runs (the machine is shared: the minimum is the cost).
 */
static double
lookup_cost_once(struct gw_samgr *m, unsigned int n)
{
	static struct gw_sad_key keys[SMALL];
	const struct gw_sad_key *kp[32];
	struct gw_sa *out[32];
	unsigned int nk = 0, i, rounds = 2000, hits = 0;
	uint64_t t0;

	/* SMALL keys spread over the first n SAs: the same work in both cases */
	for (i = 0; nk < SMALL; i += n / SMALL)
		if ((i % n) % 3 != 2)
			keys[nk++] = key_of(i % n);
	t0 = rte_rdtsc();
	for (unsigned int r = 0; r < rounds; r++) {
		for (i = 0; i < 32; i++)
			kp[i] = &keys[(r * 32 + i) % SMALL];
		hits += gw_sad_lookup_inbound_bulk(gw_samgr_sad(m), kp, 32, out);
	}
	CHECK_EQ(hits, rounds * 32);
	return (double)(rte_rdtsc() - t0) / (rounds * 32);
}

static double
lookup_cost(struct gw_samgr *m, unsigned int n)
{
	double best = 1e12;

	for (int run = 0; run < 5; run++)
		best = RTE_MIN(best, lookup_cost_once(m, n));
	return best;
}

static void
test_100k(void)
{
	struct gw_samgr *m = gw_samgr_create(gw_crypto_engine_get("ipsecmb"), rcu, SOCKET_ID_ANY);
	gw_sa_id_t *ids = calloc(N_SAS, sizeof(*ids));
	struct gw_spd_slots *slots;
	unsigned int i, bad = 0;
	double small = 0, big;
	uint64_t t0;

	CHECK(m != NULL && ids != NULL);
	if (m == NULL || ids == NULL)
		return;
	slots = gw_samgr_slots(m);
	t0 = rte_rdtsc();
	for (i = 0; i < N_SAS; i++) {
		struct gw_sa_spec s = spec_of(i);

		if (i == SMALL)
			small = lookup_cost(m, SMALL);
		if (gw_samgr_sa_add(m, i % 2 ? IKE1 : GW_OWNER_CONF, &s, &ids[i]) != 0)
			bad++;
	}
	printf("100k: %u SAs installed in %.1f s\n", N_SAS,
	       (double)(rte_rdtsc() - t0) / rte_get_tsc_hz());
	CHECK_EQ(bad, 0);
	CHECK_EQ(gw_samgr_count(m), N_SAS);
	big = lookup_cost(m, N_SAS);
	printf("100k: SAD bulk lookup %.1f cycles/packet with %u SAs, %.1f with %u\n", small,
	       SMALL, big, N_SAS);
	/* flat: a hash lookup, whatever the count; what grows is cache misses (README) */
	CHECK(big < 4 * small + 100);
	for (i = 0; i < N_SAS; i++) {
		struct gw_sa *sa = gw_samgr_sa_get(m, ids[i]);
		struct gw_sad_key k = key_of(i);
		char slot[32];

		if (sa == NULL || gw_sa_spi(sa) != 0x10000 + i) {
			bad++;
			continue;
		}
		if (i % 3 == 2) {
			snprintf(slot, sizeof(slot), i % 2 ? "ike-1/s%u" : "s%u", i);
			int idx = gw_spd_slot_find(slots, slot);

			bad += idx < 0 || gw_spd_slot_sa(slots, (uint32_t)idx) != sa;
		} else {
			bad += gw_sad_find(gw_samgr_sad(m), &k) != sa;
		}
	}
	CHECK_EQ(bad, 0);
	/* IKE's half goes; the configuration's stays, found as before. */
	CHECK_EQ(gw_samgr_flush(m, IKE1), 0);
	CHECK_EQ(gw_samgr_count(m), N_SAS / 2);
	for (i = 0; i < N_SAS; i++)
		bad += (gw_samgr_sa_get(m, ids[i]) != NULL) != (i % 2 == 0);
	CHECK_EQ(bad, 0);
	rte_rcu_qsbr_synchronize(rcu, RTE_QSBR_THRID_INVALID);
	gw_samgr_poll(m, 1);
	gw_samgr_free(m);
	free(ids);
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *args[] = { argc > 0 ? argv[0] : (char *)"test", "--no-huge", "-m", "3072",
			 "--no-pci", "-l", "0", prefix, "--log-level=lib.eal:error",
			 "--log-level=gdoigw.*:warning", NULL };

	snprintf(prefix, sizeof(prefix), "--file-prefix=ut-sa-scale-%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(args) - 1, args) < 0)
		return 1;
	rcu = sa_test_rcu_create();
	CHECK(rcu != NULL);
	if (gw_crypto_engine_get("ipsecmb") == NULL ||
	    gw_crypto_engine_init(gw_crypto_engine_get("ipsecmb"), GW_CRYPTO_ARCH_AUTO) != 0) {
		printf("no ipsecmb engine\n");
		return 77;
	}
	GW_RUN(test_100k);
	rte_free(rcu);
	rte_eal_cleanup();
	return gw_test_result();
}
