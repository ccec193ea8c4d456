/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdatomic.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "gw_sad.h"
#include "sa_gc.h"

_Static_assert(sizeof(struct gw_sad_key) == 32, "gw_sad_key must have no padding");

#define SAD_BULK RTE_HASH_LOOKUP_BULK_MAX

struct gw_sad {
	struct rte_hash *h;
	struct sa_gc *gc;
	struct rte_rcu_qsbr *rcu;
	gw_sad_free_t free_sa;
	void *free_arg;
	uint32_t capacity;
	/* Live keys: rte_hash_count also counts slots still in their grace period. */
	uint32_t count;
	/*
	 * Live keys of each kind, for the readers: a SAD of group SAs only (a GDOI
	 * member) looks each packet up once, by SPI, instead of first missing on
	 * SPI + destination. Written by the one writer after the hash changed.
	 */
	_Atomic uint32_t nb_unicast;
	_Atomic uint32_t nb_group;
};

static inline bool
sad_key_is_group(const struct gw_sad_key *key)
{
	return key->family == 0;
}

static inline void
sad_kind_count(struct gw_sad *sad, const struct gw_sad_key *key, int delta)
{
	_Atomic uint32_t *c = sad_key_is_group(key) ? &sad->nb_group : &sad->nb_unicast;

	atomic_fetch_add_explicit(c, (uint32_t)delta, memory_order_release);
}

static void
sad_release(void *obj, void *arg)
{
	struct gw_sad *sad = arg;

	sad->free_sa(obj, sad->free_arg);
}

static void
sad_retire(struct gw_sad *sad, struct gw_sa *sa)
{
	if (sa != NULL && sad->free_sa != NULL)
		sa_gc_defer(sad->gc, sad_release, sa, sad);
}

struct gw_sad *
gw_sad_create(const struct gw_sad_params *p)
{
	struct rte_hash_parameters hp = { 0 };
	struct rte_hash_rcu_config rc = { 0 };
	char name[RTE_HASH_NAMESIZE];
	struct gw_sad *sad;
	uint32_t entries;
	int err;

	if (p == NULL || p->name == NULL || p->rcu == NULL || p->capacity == 0 ||
	    p->capacity > RTE_HASH_ENTRIES_MAX / 2) {
		errno = EINVAL;
		return NULL;
	}
	if (snprintf(name, sizeof(name), "sad_%s", p->name) >= (int)sizeof(name)) {
		errno = EINVAL;
		return NULL;
	}
	sad = rte_zmalloc_socket("gw_sad", sizeof(*sad), 0, p->socket);
	if (sad == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	sad->free_sa = p->free_sa;
	sad->free_arg = p->free_arg;
	sad->capacity = p->capacity;
	sad->rcu = p->rcu;
	/*
	 * Headroom for key slots deleted but not yet past their grace period.
	 * The extendable bucket table guarantees `entries` keys fit whatever
	 * their hashes.
	 */
	entries = p->capacity + p->capacity / 8 + 64;
	hp.name = name;
	hp.entries = entries;
	hp.key_len = sizeof(struct gw_sad_key);
	hp.hash_func = rte_hash_crc;
	hp.hash_func_init_val = 0x5ad5ad;
	hp.socket_id = p->socket;
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	sad->h = rte_hash_create(&hp);
	if (sad->h == NULL) {
		err = rte_errno ? rte_errno : ENOMEM;
		goto fail;
	}
	/* Key slots freed on delete go back to the table after a grace period. */
	rc.v = p->rcu;
	rc.mode = RTE_HASH_QSBR_MODE_DQ;
	rc.dq_size = entries;
	rc.trigger_reclaim_limit = 32;
	rc.max_reclaim_size = 64;
	err = -rte_hash_rcu_qsbr_add(sad->h, &rc);
	if (err != 0)
		goto fail;
	sad->gc = sa_gc_create(p->rcu, entries);
	if (sad->gc == NULL) {
		err = errno;
		goto fail;
	}
	return sad;
fail:
	rte_hash_free(sad->h);
	rte_free(sad);
	errno = err;
	return NULL;
}

void
gw_sad_free(struct gw_sad *sad)
{
	struct gw_sad_key *key;
	uint32_t next = 0;
	void *data;

	if (sad == NULL)
		return;
	/* Nobody can reach the table any more: free the live SAs after the readers. */
	while (rte_hash_iterate(sad->h, (const void **)&key, &data, &next) >= 0)
		sad_retire(sad, data);
	sa_gc_free(sad->gc);
	rte_hash_free(sad->h);
	rte_free(sad);
}

int
gw_sad_add(struct gw_sad *sad, const struct gw_sad_key *key, struct gw_sa *sa)
{
	int ret;

	if (sa == NULL)
		return -EINVAL;
	if (rte_hash_lookup(sad->h, key) >= 0)
		return -EEXIST;
	if (sad->count >= sad->capacity)
		return -ENOSPC;
	ret = rte_hash_add_key_data(sad->h, key, sa);
	if (ret == -ENOSPC) {
		/* Slots may be waiting for a grace period: wait once, retry. */
		rte_rcu_qsbr_synchronize(sad->rcu, RTE_QSBR_THRID_INVALID);
		ret = rte_hash_add_key_data(sad->h, key, sa);
	}
	if (ret == 0) {
		sad->count++;
		sad_kind_count(sad, key, 1);
	}
	return ret;
}

int
gw_sad_replace(struct gw_sad *sad, const struct gw_sad_key *key, struct gw_sa *sa)
{
	void *old;
	int ret;

	if (sa == NULL)
		return -EINVAL;
	if (rte_hash_lookup_data(sad->h, key, &old) < 0)
		return -ENOENT;
	if (old == sa)
		return 0;
	/*
	 * An existing key keeps its slot; with RW_CONCURRENCY_LF the data
	 * pointer is stored with release semantics, readers load it with
	 * acquire: they get the old or the new SA.
	 */
	ret = rte_hash_add_key_data(sad->h, key, sa);
	if (ret != 0)
		return ret;
	sad_retire(sad, old);
	return 0;
}

int
gw_sad_upsert(struct gw_sad *sad, const struct gw_sad_key *key, struct gw_sa *sa)
{
	if (rte_hash_lookup(sad->h, key) >= 0)
		return gw_sad_replace(sad, key, sa);
	return gw_sad_add(sad, key, sa);
}

int
gw_sad_delete(struct gw_sad *sad, const struct gw_sad_key *key)
{
	void *old;

	if (rte_hash_lookup_data(sad->h, key, &old) < 0)
		return -ENOENT;
	if (rte_hash_del_key(sad->h, key) < 0)
		return -ENOENT;
	sad->count--;
	sad_kind_count(sad, key, -1);
	sad_retire(sad, old);
	return 0;
}

struct gw_sa *
gw_sad_find(const struct gw_sad *sad, const struct gw_sad_key *key)
{
	void *data;

	if (rte_hash_lookup_data(sad->h, key, &data) < 0)
		return NULL;
	return data;
}

unsigned int
gw_sad_lookup_bulk(const struct gw_sad *sad, const struct gw_sad_key *keys[], unsigned int n,
		   struct gw_sa *out[])
{
	unsigned int done, i, cnt, hits = 0;
	uint64_t mask;

	for (done = 0; done < n; done += cnt) {
		cnt = RTE_MIN(n - done, (unsigned int)SAD_BULK);
		mask = 0;
		if (rte_hash_lookup_bulk_data(sad->h, (const void **)(keys + done), cnt, &mask,
					      (void **)(out + done)) < 0)
			mask = 0;
		for (i = 0; i < cnt; i++)
			if (!(mask & (1ULL << i)))
				out[done + i] = NULL;
		hits += __builtin_popcountll(mask);
	}
	return hits;
}

unsigned int
gw_sad_lookup_inbound_bulk(const struct gw_sad *sad, const struct gw_sad_key *keys[],
			   unsigned int n, struct gw_sa *out[])
{
	struct gw_sad_key gkeys[SAD_BULK];
	const struct gw_sad_key *gptr[SAD_BULK];
	struct gw_sa *gout[SAD_BULK];
	unsigned int idx[SAD_BULK];
	unsigned int hits, i, j, nmiss;
	struct gw_sad *rw = (struct gw_sad *)(uintptr_t)sad;	/* atomics: loads only */
	uint32_t nb_unicast = atomic_load_explicit(&rw->nb_unicast, memory_order_acquire);
	uint32_t nb_group = atomic_load_explicit(&rw->nb_group, memory_order_acquire);

	if (nb_unicast == 0) {
		/* Nothing to find by SPI + destination: every packet as a group one. */
		for (i = 0; i < n; i++)
			out[i] = NULL;
		hits = 0;
	} else {
		hits = gw_sad_lookup_bulk(sad, keys, n, out);
		if (hits == n || nb_group == 0)
			return hits;
	}
	/* Misses: retry as group SAs, by SPI only. */
	nmiss = 0;
	for (i = 0; i < n; i++) {
		if (out[i] != NULL)
			continue;
		gw_sad_key_group(&gkeys[nmiss], keys[i]->spi);
		gptr[nmiss] = &gkeys[nmiss];
		idx[nmiss] = i;
		if (++nmiss == SAD_BULK) {
			hits += gw_sad_lookup_bulk(sad, gptr, nmiss, gout);
			for (j = 0; j < nmiss; j++)
				out[idx[j]] = gout[j];
			nmiss = 0;
		}
	}
	if (nmiss != 0) {
		hits += gw_sad_lookup_bulk(sad, gptr, nmiss, gout);
		for (j = 0; j < nmiss; j++)
			out[idx[j]] = gout[j];
	}
	return hits;
}

uint32_t
gw_sad_count(const struct gw_sad *sad)
{
	return sad->count;
}

int
gw_sad_iterate(const struct gw_sad *sad, uint32_t *next, struct gw_sad_key *key,
	       struct gw_sa **sa)
{
	const void *k;
	void *data;

	if (rte_hash_iterate(sad->h, &k, &data, next) < 0)
		return -ENOENT;
	if (key != NULL)
		memcpy(key, k, sizeof(*key));
	if (sa != NULL)
		*sa = data;
	return 0;
}

void
gw_sad_reclaim(struct gw_sad *sad)
{
	sa_gc_reclaim(sad->gc);
}

void
gw_sad_sync(struct gw_sad *sad)
{
	sa_gc_drain(sad->gc);
}
