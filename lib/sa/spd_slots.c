/* SPDX-License-Identifier: BSD-3-Clause */
/* SA slots: stable indices the compiled SPD rules point at. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "gw_spd.h"
#include "sa_gc.h"

struct slot_name {
	char name[GW_SPD_NAME_LEN];
};

/* Control-thread state behind gw_spd_slots.priv. */
struct slots_priv {
	struct rte_hash *by_name;	/* name -> idx (control thread only) */
	struct slot_name *names;
	uint32_t *free_idx;		/* stack of unused slots */
	uint32_t nb_free;
	struct sa_gc *gc;
	gw_spd_free_t free_sa;
	void *free_arg;
};

static void
slots_release(void *obj, void *arg)
{
	struct slots_priv *pv = arg;

	pv->free_sa(obj, pv->free_arg);
}

static void
slots_retire(struct slots_priv *pv, struct gw_sa *sa)
{
	if (sa != NULL && pv->free_sa != NULL)
		sa_gc_defer(pv->gc, slots_release, sa, pv);
}

static void
slots_destroy(struct gw_spd_slots *slots)
{
	struct slots_priv *pv = slots->priv;

	if (pv != NULL) {
		sa_gc_free(pv->gc);
		rte_hash_free(pv->by_name);
		rte_free(pv->names);
		rte_free(pv->free_idx);
		rte_free(pv);
	}
	rte_free(slots->slot);
	rte_free(slots);
}

struct gw_spd_slots *
gw_spd_slots_create(const struct gw_spd_slots_params *p)
{
	struct rte_hash_parameters hp = { 0 };
	char name[RTE_HASH_NAMESIZE];
	struct gw_spd_slots *slots;
	struct slots_priv *pv;
	uint32_t i;

	if (p == NULL || p->name == NULL || p->rcu == NULL || p->nb_slots == 0 ||
	    p->nb_slots >= GW_SPD_SLOT_NONE ||
	    snprintf(name, sizeof(name), "slot_%s", p->name) >= (int)sizeof(name)) {
		errno = EINVAL;
		return NULL;
	}
	slots = rte_zmalloc_socket("gw_spd_slots", sizeof(*slots), 0, p->socket);
	if (slots == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	slots->nb_slots = p->nb_slots;
	slots->slot = rte_zmalloc_socket("gw_spd_slot", sizeof(*slots->slot) * p->nb_slots,
					 RTE_CACHE_LINE_SIZE, p->socket);
	pv = rte_zmalloc_socket("gw_spd_slots_priv", sizeof(*pv), 0, p->socket);
	slots->priv = pv;
	if (slots->slot == NULL || pv == NULL)
		goto nomem;
	pv->free_sa = p->free_sa;
	pv->free_arg = p->free_arg;
	pv->names = rte_zmalloc("gw_spd_slot_names", sizeof(*pv->names) * p->nb_slots, 0);
	pv->free_idx = rte_malloc("gw_spd_slot_free", sizeof(uint32_t) * p->nb_slots, 0);
	if (pv->names == NULL || pv->free_idx == NULL)
		goto nomem;
	for (i = 0; i < p->nb_slots; i++)
		pv->free_idx[i] = p->nb_slots - 1 - i;	/* hand out 0, 1, 2 ... */
	pv->nb_free = p->nb_slots;
	hp.name = name;
	hp.entries = RTE_MAX(p->nb_slots, 8u);
	hp.key_len = GW_SPD_NAME_LEN;
	hp.hash_func = rte_jhash;
	hp.socket_id = p->socket;
	pv->by_name = rte_hash_create(&hp);
	if (pv->by_name == NULL) {
		slots_destroy(slots);
		errno = rte_errno == EEXIST ? EEXIST : ENOMEM;
		return NULL;
	}
	pv->gc = sa_gc_create(p->rcu, p->nb_slots + 64);
	if (pv->gc == NULL)
		goto nomem;
	return slots;
nomem:
	slots_destroy(slots);
	errno = ENOMEM;
	return NULL;
}

void
gw_spd_slots_free(struct gw_spd_slots *slots)
{
	uint32_t i;

	if (slots == NULL)
		return;
	for (i = 0; i < slots->nb_slots; i++)
		slots_retire(slots->priv, slots->slot[i].sa);
	slots_destroy(slots);
}

static int
name_key(const char *name, struct slot_name *key)
{
	size_t len;

	if (name == NULL)
		return -EINVAL;
	len = strnlen(name, GW_SPD_NAME_LEN);
	if (len == 0 || len == GW_SPD_NAME_LEN)
		return -EINVAL;
	memset(key, 0, sizeof(*key));
	memcpy(key->name, name, len);
	return 0;
}

int
gw_spd_slot_find(const struct gw_spd_slots *slots, const char *name)
{
	const struct slots_priv *pv = slots->priv;
	struct slot_name key;
	void *data;

	if (name_key(name, &key) != 0)
		return -ENOENT;
	if (rte_hash_lookup_data(pv->by_name, &key, &data) < 0)
		return -ENOENT;
	return (int)(uintptr_t)data;
}

int
gw_spd_slot_get(struct gw_spd_slots *slots, const char *name)
{
	struct slots_priv *pv = slots->priv;
	struct slot_name key;
	uint32_t idx;
	int ret;

	ret = name_key(name, &key);
	if (ret != 0)
		return ret;
	ret = gw_spd_slot_find(slots, name);
	if (ret >= 0) {
		slots->slot[ret].refcnt++;
		return ret;
	}
	if (pv->nb_free == 0)
		return -ENOSPC;
	idx = pv->free_idx[pv->nb_free - 1];
	ret = rte_hash_add_key_data(pv->by_name, &key, (void *)(uintptr_t)idx);
	if (ret != 0)
		return ret;
	pv->nb_free--;
	pv->names[idx] = key;
	slots->slot[idx].refcnt = 1;
	__atomic_store_n(&slots->slot[idx].disabled, 0, __ATOMIC_RELAXED);
	return (int)idx;
}

void
gw_spd_slot_put(struct gw_spd_slots *slots, uint32_t idx)
{
	struct slots_priv *pv = slots->priv;
	struct gw_spd_slot *s;

	if (idx >= slots->nb_slots || slots->slot[idx].refcnt == 0)
		return;
	s = &slots->slot[idx];
	if (--s->refcnt != 0)
		return;
	/*
	 * No rule set references the index any more (a retired rule set drops
	 * its references only after its grace period), so no reader can reach
	 * the slot: it can be reused at once. Its SA still waits for readers
	 * that loaded it from the slot.
	 */
	gw_spd_slot_bind(slots, idx, NULL);
	__atomic_store_n(&s->disabled, 0, __ATOMIC_RELAXED);
	rte_hash_del_key(pv->by_name, &pv->names[idx]);
	memset(&pv->names[idx], 0, sizeof(pv->names[idx]));
	pv->free_idx[pv->nb_free++] = idx;
}

int
gw_spd_slot_bind(struct gw_spd_slots *slots, uint32_t idx, struct gw_sa *sa)
{
	struct gw_spd_slot *s;
	struct gw_sa *old;

	if (idx >= slots->nb_slots || slots->slot[idx].refcnt == 0)
		return -EINVAL;
	s = &slots->slot[idx];
	old = __atomic_exchange_n(&s->sa, sa, __ATOMIC_ACQ_REL);
	if (sa != NULL)
		__atomic_fetch_and(&s->disabled, ~GW_SPD_SLOT_DIS_EXPIRED, __ATOMIC_RELEASE);
	if (old != sa)
		slots_retire(slots->priv, old);
	return 0;
}

int
gw_spd_slot_set_disabled(struct gw_spd_slots *slots, uint32_t idx, uint32_t why, bool on)
{
	struct gw_spd_slot *s;

	if (idx >= slots->nb_slots || slots->slot[idx].refcnt == 0 || why == 0)
		return -EINVAL;
	s = &slots->slot[idx];
	if (on)
		__atomic_fetch_or(&s->disabled, why, __ATOMIC_RELEASE);
	else
		__atomic_fetch_and(&s->disabled, ~why, __ATOMIC_RELEASE);
	return 0;
}

const char *
gw_spd_slot_name(const struct gw_spd_slots *slots, uint32_t idx)
{
	const struct slots_priv *pv = slots->priv;

	if (idx >= slots->nb_slots || slots->slot[idx].refcnt == 0)
		return NULL;
	return pv->names[idx].name;
}

void
gw_spd_slots_reclaim(struct gw_spd_slots *slots)
{
	struct slots_priv *pv = slots->priv;

	sa_gc_reclaim(pv->gc);
}

void
gw_spd_slots_sync(struct gw_spd_slots *slots)
{
	struct slots_priv *pv = slots->priv;

	sa_gc_drain(pv->gc);
}
