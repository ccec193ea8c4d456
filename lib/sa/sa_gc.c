/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "sa_gc.h"

struct sa_gc_entry {
	sa_gc_fn fn;
	void *obj;
	void *arg;
};

struct sa_gc {
	struct rte_rcu_qsbr *rcu;
	struct rte_rcu_qsbr_dq *dq;
	uint32_t pending;
};

static void
gc_release(void *p, void *e, unsigned int n)
{
	struct sa_gc *gc = p;
	struct sa_gc_entry *ent = e;
	unsigned int i;

	for (i = 0; i < n; i++) {
		ent[i].fn(ent[i].obj, ent[i].arg);
		gc->pending--;
	}
}

struct sa_gc *
sa_gc_create(struct rte_rcu_qsbr *rcu, uint32_t size)
{
	static uint32_t seq;
	struct rte_rcu_qsbr_dq_parameters prm = { 0 };
	char name[RTE_RCU_QSBR_DQ_NAMESIZE];
	struct sa_gc *gc;

	if (rcu == NULL || size == 0) {
		errno = EINVAL;
		return NULL;
	}
	gc = rte_zmalloc("sa_gc", sizeof(*gc), 0);
	if (gc == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	snprintf(name, sizeof(name), "sagc%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	prm.name = name;
	prm.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE;
	prm.size = size;
	prm.esize = sizeof(struct sa_gc_entry);
	/* Try to reclaim on every enqueue once a few objects wait. */
	prm.trigger_reclaim_limit = 8;
	prm.max_reclaim_size = 64;
	prm.free_fn = gc_release;
	prm.p = gc;
	prm.v = rcu;
	gc->rcu = rcu;
	gc->dq = rte_rcu_qsbr_dq_create(&prm);
	if (gc->dq == NULL) {
		rte_free(gc);
		errno = rte_errno ? rte_errno : ENOMEM;
		return NULL;
	}
	return gc;
}

void
sa_gc_defer(struct sa_gc *gc, sa_gc_fn fn, void *obj, void *arg)
{
	struct sa_gc_entry ent = { .fn = fn, .obj = obj, .arg = arg };

	gc->pending++;
	if (rte_rcu_qsbr_dq_enqueue(gc->dq, &ent) == 0)
		return;
	/* Full even after a reclaim attempt: wait for the readers. */
	rte_rcu_qsbr_synchronize(gc->rcu, RTE_QSBR_THRID_INVALID);
	gc->pending--;
	fn(obj, arg);
}

void
sa_gc_reclaim(struct sa_gc *gc)
{
	if (gc != NULL && gc->pending != 0)
		rte_rcu_qsbr_dq_reclaim(gc->dq, UINT32_MAX, NULL, NULL, NULL);
}

void
sa_gc_drain(struct sa_gc *gc)
{
	if (gc == NULL || gc->pending == 0)
		return;
	rte_rcu_qsbr_synchronize(gc->rcu, RTE_QSBR_THRID_INVALID);
	rte_rcu_qsbr_dq_reclaim(gc->dq, UINT32_MAX, NULL, NULL, NULL);
}

void
sa_gc_free(struct sa_gc *gc)
{
	if (gc == NULL)
		return;
	sa_gc_drain(gc);
	rte_rcu_qsbr_dq_delete(gc->dq);
	rte_free(gc);
}

uint32_t
sa_gc_pending(const struct sa_gc *gc)
{
	return gc->pending;
}
