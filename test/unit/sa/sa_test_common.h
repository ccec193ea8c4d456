/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_TEST_COMMON_H
#define SA_TEST_COMMON_H

/*
 * Shared by the lib/sa unit tests: EAL start-up and a dummy SA object. The
 * table layer treats `struct gw_sa` as opaque, so the tests that do not link
 * lib/esp define it themselves with a magic field that is poisoned on free:
 * a reader that ever sees a freed SA notices.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#define SA_TEST_MAGIC 0x5a5a0a11u
#define SA_TEST_POISON 0xdeadbeefu

static inline int
sa_test_eal_init(const char *what, int argc, char **argv)
{
	char prefix[64];
	char *args[16];
	int n = 0;

	snprintf(prefix, sizeof(prefix), "--file-prefix=ut-sa-%s-%d", what, (int)getpid());
	args[n++] = argc > 0 ? argv[0] : (char *)"test";
	args[n++] = (char *)"--no-huge";
	args[n++] = (char *)"-m";
	args[n++] = (char *)"256";
	args[n++] = (char *)"--no-pci";
	args[n++] = (char *)"-l";
	args[n++] = (char *)"0-1";
	args[n++] = prefix;
	args[n++] = (char *)"--log-level=lib.eal:error";
	args[n] = NULL;
	if (rte_eal_init(n, args) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return -1;
	}
	return 0;
}

static inline struct rte_rcu_qsbr *
sa_test_rcu_create(void)
{
	size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	struct rte_rcu_qsbr *v = rte_zmalloc("ut_rcu", sz, RTE_CACHE_LINE_SIZE);

	if (v != NULL && rte_rcu_qsbr_init(v, RTE_MAX_LCORE) != 0) {
		rte_free(v);
		v = NULL;
	}
	return v;
}

#ifdef SA_TEST_DUMMY_SA
/* Stand-in for lib/esp's opaque SA: a magic that is poisoned on free. */
struct gw_sa {
	uint32_t magic;
	uint32_t id;
};

static inline struct gw_sa *
sa_test_dummy_new(uint32_t id)
{
	struct gw_sa *sa = malloc(sizeof(*sa));

	if (sa == NULL)
		abort();
	sa->magic = SA_TEST_MAGIC;
	sa->id = id;
	return sa;
}
#endif

#endif /* SA_TEST_COMMON_H */
