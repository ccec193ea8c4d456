/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SA_GC_H
#define SA_GC_H

/*
 * Deferred reclamation for lib/sa (internal, not installed). Objects retired
 * from a lock-free table are freed by their callback only after an RCU QSBR
 * grace period: no reader that could have seen them is still inside its
 * read-side section. Control thread only (the single writer), which must not
 * itself be a registered reader of the QSBR variable.
 */

#include <stdint.h>
#include <rte_rcu_qsbr.h>

struct sa_gc;

typedef void (*sa_gc_fn)(void *obj, void *arg);

/* size: deferred objects held before a blocking synchronize is forced. */
struct sa_gc *sa_gc_create(struct rte_rcu_qsbr *rcu, uint32_t size);

/*
 * Retire obj: fn(obj, arg) runs after a grace period. Never fails: when the
 * queue is full it synchronizes (blocks until readers pass a quiescent state)
 * and frees at once.
 */
void sa_gc_defer(struct sa_gc *gc, sa_gc_fn fn, void *obj, void *arg);

/* Free what has completed its grace period; does not block. */
void sa_gc_reclaim(struct sa_gc *gc);

/* Wait for a grace period and free everything queued. */
void sa_gc_drain(struct sa_gc *gc);

/* Drain and destroy. NULL is a no-op. */
void sa_gc_free(struct sa_gc *gc);

/* Objects still waiting. */
uint32_t sa_gc_pending(const struct sa_gc *gc);

#endif /* SA_GC_H */
