/* SPDX-License-Identifier: BSD-3-Clause */
/* SAD: add/find/replace/delete, group vs unicast precedence, 100k SAs. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include "gw_test.h"
#include "gw_sad.h"
#define SA_TEST_DUMMY_SA
#include "sa_test_common.h"

static struct rte_rcu_qsbr *rcu;
static unsigned int nb_freed;

static void
dummy_free(struct gw_sa *sa, void *arg)
{
	(void)arg;
	CHECK_EQ(sa->magic, SA_TEST_MAGIC);
	sa->magic = SA_TEST_POISON;
	free(sa);
	nb_freed++;
}

static struct gw_sad *
sad_new(const char *name, uint32_t capacity)
{
	struct gw_sad_params p = {
		.name = name, .capacity = capacity, .socket = SOCKET_ID_ANY,
		.rcu = rcu, .free_sa = dummy_free,
	};

	return gw_sad_create(&p);
}

static void
key4(struct gw_sad_key *k, uint32_t spi, const char *dst)
{
	struct in_addr a;

	inet_pton(AF_INET, dst, &a);
	gw_sad_key_unicast(k, htonl(spi), AF_INET, &a);
}

static void
key6(struct gw_sad_key *k, uint32_t spi, const char *dst)
{
	struct in6_addr a;

	inet_pton(AF_INET6, dst, &a);
	gw_sad_key_unicast(k, htonl(spi), AF_INET6, &a);
}

static void
test_params(void)
{
	struct gw_sad_params p = { .name = "x", .capacity = 10 };

	errno = 0;
	CHECK(gw_sad_create(&p) == NULL);	/* no RCU */
	CHECK_EQ(errno, EINVAL);
	CHECK(gw_sad_create(NULL) == NULL);
	gw_sad_free(NULL);
}

static void
test_basic(void)
{
	struct gw_sad *sad = sad_new("basic", 16);
	struct gw_sa *a = sa_test_dummy_new(1), *b = sa_test_dummy_new(2);
	struct gw_sa *c = sa_test_dummy_new(3);
	struct gw_sad_key k, k2;

	CHECK(sad != NULL);
	nb_freed = 0;
	key4(&k, 0x1000, "192.0.2.1");
	key4(&k2, 0x1000, "192.0.2.2");
	CHECK(gw_sad_find(sad, &k) == NULL);
	CHECK_EQ(gw_sad_add(sad, &k, a), 0);
	CHECK_EQ(gw_sad_add(sad, &k, b), -EEXIST);
	CHECK(gw_sad_find(sad, &k) == a);
	CHECK(gw_sad_find(sad, &k2) == NULL);
	CHECK_EQ(gw_sad_count(sad), 1);
	CHECK_EQ(gw_sad_replace(sad, &k2, b), -ENOENT);
	CHECK_EQ(gw_sad_replace(sad, &k, b), 0);
	CHECK(gw_sad_find(sad, &k) == b);
	gw_sad_sync(sad);
	CHECK_EQ(nb_freed, 1);			/* a, after the grace period */
	CHECK_EQ(gw_sad_upsert(sad, &k2, c), 0);
	CHECK_EQ(gw_sad_count(sad), 2);
	CHECK_EQ(gw_sad_delete(sad, &k), 0);
	CHECK_EQ(gw_sad_delete(sad, &k), -ENOENT);
	CHECK(gw_sad_find(sad, &k) == NULL);
	gw_sad_sync(sad);
	CHECK_EQ(nb_freed, 2);			/* b */
	CHECK_EQ(gw_sad_count(sad), 1);
	gw_sad_free(sad);
	CHECK_EQ(nb_freed, 3);			/* c went with the table */
}

static void
test_capacity_limit(void)
{
	struct gw_sad *sad = sad_new("cap", 4);
	struct gw_sad_key k;
	struct gw_sa *extra;
	uint32_t i;

	CHECK(sad != NULL);
	for (i = 0; i < 4; i++) {
		key4(&k, 100 + i, "10.0.0.1");
		CHECK_EQ(gw_sad_add(sad, &k, sa_test_dummy_new(i)), 0);
	}
	key4(&k, 200, "10.0.0.1");
	extra = sa_test_dummy_new(99);
	CHECK_EQ(gw_sad_add(sad, &k, extra), -ENOSPC);
	free(extra);
	/* Delete and re-add repeatedly: slots come back after grace periods. */
	for (i = 0; i < 1000; i++) {
		key4(&k, 100 + (i % 4), "10.0.0.1");
		CHECK_EQ(gw_sad_delete(sad, &k), 0);
		CHECK_EQ(gw_sad_add(sad, &k, sa_test_dummy_new(i)), 0);
	}
	CHECK_EQ(gw_sad_count(sad), 4);
	gw_sad_free(sad);
}

static void
test_group_precedence(void)
{
	struct gw_sad *sad = sad_new("prec", 64);
	struct gw_sa *u4 = sa_test_dummy_new(1), *u6 = sa_test_dummy_new(2);
	struct gw_sa *g = sa_test_dummy_new(3), *g2 = sa_test_dummy_new(4);
	struct gw_sad_key uk4, uk6, gk, gk2, q[6];
	const struct gw_sad_key *qp[6];
	struct gw_sa *out[6];
	unsigned int i;

	CHECK(sad != NULL);
	key4(&uk4, 0xabc, "198.51.100.1");
	key6(&uk6, 0xabc, "2001:db8::1");
	gw_sad_key_group(&gk, htonl(0xabc));
	gw_sad_key_group(&gk2, htonl(0xdef));
	CHECK_EQ(gw_sad_add(sad, &uk4, u4), 0);
	CHECK_EQ(gw_sad_add(sad, &uk6, u6), 0);
	CHECK_EQ(gw_sad_add(sad, &gk, g), 0);
	CHECK_EQ(gw_sad_add(sad, &gk2, g2), 0);

	key4(&q[0], 0xabc, "198.51.100.1");	/* unicast wins */
	key4(&q[1], 0xabc, "198.51.100.2");	/* other destination: group */
	key6(&q[2], 0xabc, "2001:db8::1");	/* unicast v6 */
	key6(&q[3], 0xdef, "2001:db8::1");	/* group only */
	key4(&q[4], 0x123, "198.51.100.1");	/* unknown SPI */
	key6(&q[5], 0xabc, "2001:db8::2");	/* group */
	for (i = 0; i < 6; i++)
		qp[i] = &q[i];
	CHECK_EQ(gw_sad_lookup_inbound_bulk(sad, qp, 6, out), 5);
	CHECK(out[0] == u4);
	CHECK(out[1] == g);
	CHECK(out[2] == u6);
	CHECK(out[3] == g2);
	CHECK(out[4] == NULL);
	CHECK(out[5] == g);
	/* The plain bulk lookup does not fall back. */
	CHECK_EQ(gw_sad_lookup_bulk(sad, qp, 6, out), 2);
	CHECK(out[0] == u4 && out[1] == NULL && out[2] == u6 && out[3] == NULL);
	/* Unicast gone: the group SA takes over. */
	CHECK_EQ(gw_sad_delete(sad, &uk4), 0);
	CHECK_EQ(gw_sad_lookup_inbound_bulk(sad, qp, 1, out), 1);
	CHECK(out[0] == g);
	/* Group SAs only (the one-lookup path): the same answers for every query. */
	CHECK_EQ(gw_sad_delete(sad, &uk6), 0);
	CHECK_EQ(gw_sad_lookup_inbound_bulk(sad, qp, 6, out), 5);
	CHECK(out[0] == g && out[1] == g && out[2] == g && out[3] == g2 && out[4] == NULL &&
	      out[5] == g);
	/* A unicast SA back: found again, in front of the group one. */
	u4 = sa_test_dummy_new(5);
	CHECK_EQ(gw_sad_add(sad, &uk4, u4), 0);
	CHECK_EQ(gw_sad_lookup_inbound_bulk(sad, qp, 2, out), 2);
	CHECK(out[0] == u4 && out[1] == g);
	/* Unicast SAs only (no group fall-back): misses stay misses. */
	CHECK_EQ(gw_sad_delete(sad, &gk), 0);
	CHECK_EQ(gw_sad_delete(sad, &gk2), 0);
	CHECK_EQ(gw_sad_lookup_inbound_bulk(sad, qp, 6, out), 1);
	CHECK(out[0] == u4 && out[1] == NULL && out[3] == NULL && out[5] == NULL);
	gw_sad_free(sad);
}

#define N_BIG 100000u

static void
test_100k(void)
{
	struct gw_sad *sad = sad_new("big", N_BIG);
	struct gw_sad_key *keys = malloc(sizeof(*keys) * N_BIG);
	const struct gw_sad_key *kp[32];
	struct gw_sa *out[32];
	struct gw_sa **sas = malloc(sizeof(*sas) * N_BIG);
	unsigned int i, j, n, bad = 0, hits;
	uint32_t a;

	CHECK(sad != NULL && keys != NULL && sas != NULL);
	nb_freed = 0;
	for (i = 0; i < N_BIG; i++) {
		a = htonl(0x0a000000u + (i % 251));
		if (i % 3 == 0)
			gw_sad_key_group(&keys[i], htonl(0x10000 + i));
		else
			gw_sad_key_unicast(&keys[i], htonl(0x10000 + i), AF_INET, &a);
		sas[i] = sa_test_dummy_new(i);
		if (gw_sad_add(sad, &keys[i], sas[i]) != 0)
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(gw_sad_count(sad), N_BIG);
	for (i = 0; i < N_BIG; i += n) {
		n = RTE_MIN(N_BIG - i, (unsigned int)32);
		for (j = 0; j < n; j++)
			kp[j] = &keys[i + j];
		hits = gw_sad_lookup_inbound_bulk(sad, kp, n, out);
		if (hits != n)
			bad++;
		for (j = 0; j < n; j++)
			if (out[j] != sas[i + j] || out[j]->id != i + j)
				bad++;
	}
	CHECK_EQ(bad, 0);
	/* Delete the odd ones, check, then put them back. */
	for (i = 1; i < N_BIG; i += 2)
		if (gw_sad_delete(sad, &keys[i]) != 0)
			bad++;
	CHECK_EQ(bad, 0);
	CHECK_EQ(gw_sad_count(sad), N_BIG / 2);
	for (i = 0; i < N_BIG; i++)
		if ((gw_sad_find(sad, &keys[i]) != NULL) != (i % 2 == 0))
			bad++;
	CHECK_EQ(bad, 0);
	gw_sad_sync(sad);
	CHECK_EQ(nb_freed, N_BIG / 2);
	for (i = 1; i < N_BIG; i += 2) {
		sas[i] = sa_test_dummy_new(i);
		if (gw_sad_add(sad, &keys[i], sas[i]) != 0)
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(gw_sad_count(sad), N_BIG);
	gw_sad_free(sad);
	CHECK_EQ(nb_freed, N_BIG + N_BIG / 2);
	free(keys);
	free(sas);
}

int
main(int argc, char **argv)
{
	if (sa_test_eal_init("sad", argc, argv) < 0)
		return 1;
	rcu = sa_test_rcu_create();
	CHECK(rcu != NULL);
	GW_RUN(test_params);
	GW_RUN(test_basic);
	GW_RUN(test_capacity_limit);
	GW_RUN(test_group_precedence);
	GW_RUN(test_100k);
	rte_free(rcu);
	rte_eal_cleanup();
	return gw_test_result();
}
