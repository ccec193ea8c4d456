/* SPDX-License-Identifier: BSD-3-Clause */
/* SA manager: create, install, replace, delete. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_errno.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "gw_log.h"
#include "samgr_priv.h"

struct name_key {
	char name[GW_CONF_NAME_LEN];
};

static int
name_key(const char *name, struct name_key *k)
{
	size_t len = name == NULL ? 0 : strnlen(name, GW_CONF_NAME_LEN);

	if (len == 0 || len == GW_CONF_NAME_LEN)
		return -EINVAL;
	memset(k, 0, sizeof(*k));
	memcpy(k->name, name, len);
	return 0;
}

struct samgr_entry *
samgr_entry(const struct gw_samgr *mgr, const char *name)
{
	struct name_key k;
	void *data;

	if (name_key(name, &k) != 0 || rte_hash_lookup_data(mgr->by_name, &k, &data) < 0)
		return NULL;
	return &mgr->entries[(uintptr_t)data];
}

/* Table free callback: park the SA until the event ring has been drained. */
void
samgr_zombie_add(struct gw_sa *sa, void *arg)
{
	struct gw_samgr *mgr = arg;
	struct samgr_zombie *z = malloc(sizeof(*z));

	if (z == NULL) {
		/* Out of memory: events naming it are only compared, never followed. */
		gw_sa_destroy(sa);
		return;
	}
	z->sa = sa;
	z->next = mgr->zombies;
	mgr->zombies = z;
}

void
samgr_zombies_destroy(struct samgr_zombie *list)
{
	struct samgr_zombie *z;

	while (list != NULL) {
		z = list;
		list = z->next;
		gw_sa_destroy(z->sa);
		free(z);
	}
}

struct gw_samgr *
gw_samgr_create(const struct gw_crypto_engine *engine, struct rte_rcu_qsbr *rcu, int socket)
{
	static uint32_t seq;
	struct gw_sad_params sp = { 0 };
	struct gw_spd_slots_params lp = { 0 };
	struct rte_hash_parameters hp = { 0 };
	char name[32];
	struct gw_samgr *mgr;
	uint32_t i, id;

	if (engine == NULL || rcu == NULL) {
		errno = EINVAL;
		return NULL;
	}
	mgr = rte_zmalloc_socket("gw_samgr", sizeof(*mgr), 0, socket);
	if (mgr == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	id = __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED);
	mgr->engine = engine;
	mgr->rcu = rcu;
	mgr->socket = socket;
	snprintf(name, sizeof(name), "mgr%u", id);
	sp.name = name;
	sp.capacity = GW_SAMGR_MAX_SAS;
	sp.socket = socket;
	sp.rcu = rcu;
	sp.free_sa = samgr_zombie_add;
	sp.free_arg = mgr;
	mgr->sad = gw_sad_create(&sp);
	lp.name = name;
	lp.nb_slots = GW_SAMGR_MAX_SAS;
	lp.socket = socket;
	lp.rcu = rcu;
	lp.free_sa = samgr_zombie_add;
	lp.free_arg = mgr;
	mgr->slots = gw_spd_slots_create(&lp);
	/* Inbound SAs live in the SAD; their slots only say whether they are up. */
	snprintf(name, sizeof(name), "mgrin%u", id);
	lp.name = name;
	lp.free_sa = NULL;
	lp.free_arg = NULL;
	mgr->in_slots = gw_spd_slots_create(&lp);
	snprintf(name, sizeof(name), "samgr_ev%u", id);
	mgr->events = rte_ring_create_elem(name, sizeof(struct gw_sa_event),
					   GW_SAMGR_EVENT_RING, socket, RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "samgr_nm%u", id);
	hp.name = name;
	hp.entries = GW_SAMGR_MAX_SAS;
	hp.key_len = GW_CONF_NAME_LEN;
	hp.hash_func = rte_jhash;
	hp.socket_id = socket;
	mgr->by_name = rte_hash_create(&hp);
	mgr->entries = rte_zmalloc_socket("samgr_entries",
					  sizeof(*mgr->entries) * GW_SAMGR_MAX_SAS, 0, socket);
	mgr->free_idx = rte_malloc("samgr_free", sizeof(uint32_t) * GW_SAMGR_MAX_SAS, 0);
	if (mgr->sad == NULL || mgr->slots == NULL || mgr->in_slots == NULL ||
	    mgr->events == NULL ||
	    mgr->by_name == NULL || mgr->entries == NULL || mgr->free_idx == NULL) {
		gw_samgr_free(mgr);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < GW_SAMGR_MAX_SAS; i++)
		mgr->free_idx[i] = GW_SAMGR_MAX_SAS - 1 - i;
	mgr->nb_free = GW_SAMGR_MAX_SAS;
	gw_sa_set_event_ring(mgr->events);
	return mgr;
}

void
gw_samgr_free(struct gw_samgr *mgr)
{
	unsigned int i;

	if (mgr == NULL)
		return;
	if (mgr->events != NULL)
		gw_sa_set_event_ring(NULL);
	for (i = 0; i < mgr->nb_spds; i++) {
		gw_spd_free(mgr->spds[i].spd);
		free(mgr->spds[i].terms);
	}
	/* The tables hand every SA to samgr_zombie_add after a grace period. */
	gw_sad_free(mgr->sad);
	gw_spd_slots_free(mgr->slots);
	gw_spd_slots_free(mgr->in_slots);
	samgr_zombies_destroy(mgr->zombies);
	rte_ring_free(mgr->events);
	rte_hash_free(mgr->by_name);
	rte_free(mgr->entries);
	rte_free(mgr->free_idx);
	rte_free(mgr);
}

static int
entry_key(const struct gw_conf_sa *c, struct gw_sad_key *key)
{
	if (c->group) {
		gw_sad_key_group(key, rte_cpu_to_be_32(c->spi));
		return 0;
	}
	if (c->tunnel_local.family == AF_INET)
		gw_sad_key_unicast(key, rte_cpu_to_be_32(c->spi), AF_INET, &c->tunnel_local.v4);
	else if (c->tunnel_local.family == AF_INET6)
		gw_sad_key_unicast(key, rte_cpu_to_be_32(c->spi), AF_INET6, &c->tunnel_local.v6);
	else
		return -EINVAL;
	return 0;
}

static void
in_slot_release(struct gw_samgr *mgr, struct samgr_entry *e)
{
	if (e->in_slot < 0)
		return;
	gw_spd_slot_bind(mgr->in_slots, (uint32_t)e->in_slot, NULL);
	gw_spd_slot_put(mgr->in_slots, (uint32_t)e->in_slot);
	e->in_slot = -1;
}

/* Put sa where the data path finds it: SAD key or slot of the name. */
static int
entry_install(struct gw_samgr *mgr, struct samgr_entry *e, struct gw_sa *sa)
{
	int ret;

	if (e->conf.direction == GW_SA_INBOUND) {
		ret = entry_key(&e->conf, &e->key);
		if (ret == 0)
			ret = gw_sad_add(mgr->sad, &e->key, sa);
		if (ret != 0)
			return ret;
		/* A slot too, so inbound-check terms see whether the SA is up. */
		e->in_slot = gw_spd_slot_get(mgr->in_slots, e->conf.name);
		if (e->in_slot >= 0)
			gw_spd_slot_bind(mgr->in_slots, (uint32_t)e->in_slot, sa);
		return 0;
	}
	e->slot = gw_spd_slot_get(mgr->slots, e->conf.name);
	if (e->slot < 0)
		return e->slot;
	return gw_spd_slot_bind(mgr->slots, (uint32_t)e->slot, sa);
}

int
gw_samgr_add(struct gw_samgr *mgr, const struct gw_conf_sa *conf)
{
	struct samgr_entry *e;
	struct name_key k;
	struct gw_sa *sa;
	uint32_t idx;
	int ret;

	if (conf == NULL || name_key(conf->name, &k) != 0)
		return -EINVAL;
	if (samgr_entry(mgr, conf->name) != NULL)
		return -EEXIST;
	if (mgr->nb_free == 0)
		return -ENOSPC;
	sa = gw_sa_create(conf, mgr->engine, mgr->socket);
	if (sa == NULL) {
		ret = errno ? -errno : -ENOMEM;
		GW_LOG(policy, ERR, "SA %s: cannot create: %s", conf->name, strerror(-ret));
		return ret;
	}
	idx = mgr->free_idx[mgr->nb_free - 1];
	e = &mgr->entries[idx];
	memset(e, 0, sizeof(*e));
	e->conf = *conf;
	e->slot = -1;
	e->in_slot = -1;
	ret = entry_install(mgr, e, sa);
	if (ret == 0)
		ret = rte_hash_add_key_data(mgr->by_name, &k, (void *)(uintptr_t)idx);
	if (ret != 0) {
		if (e->slot >= 0) {
			gw_spd_slot_bind(mgr->slots, (uint32_t)e->slot, NULL);
			gw_spd_slot_put(mgr->slots, (uint32_t)e->slot);
		} else if (e->conf.direction == GW_SA_INBOUND &&
			   gw_sad_find(mgr->sad, &e->key) == sa) {
			in_slot_release(mgr, e);
			gw_sad_delete(mgr->sad, &e->key);
		} else {
			gw_sa_destroy(sa);
		}
		GW_LOG(policy, ERR, "SA %s: install failed: %s", conf->name, strerror(-ret));
		return ret;
	}
	mgr->nb_free--;
	e->used = true;
	e->sa = sa;
	e->created = SAMGR_UNSTAMPED;
	GW_LOG(policy, INFO, "SA %s: installed (spi 0x%08x, %s%s)", conf->name, conf->spi,
	       conf->direction == GW_SA_INBOUND ? "inbound" : "outbound",
	       conf->group ? ", group" : "");
	return 0;
}

int
gw_samgr_replace(struct gw_samgr *mgr, const struct gw_conf_sa *conf)
{
	struct samgr_entry *e = conf == NULL ? NULL : samgr_entry(mgr, conf->name);
	struct gw_sad_key key;
	struct gw_sa *sa;
	int ret;

	if (e == NULL)
		return -ENOENT;
	if (conf->direction != e->conf.direction) {
		ret = gw_samgr_delete(mgr, conf->name);
		return ret != 0 ? ret : gw_samgr_add(mgr, conf);
	}
	if (conf->direction == GW_SA_INBOUND && entry_key(conf, &key) != 0)
		return -EINVAL;
	sa = gw_sa_create(conf, mgr->engine, mgr->socket);
	if (sa == NULL)
		return errno ? -errno : -ENOMEM;
	if (conf->direction == GW_SA_OUTBOUND) {
		ret = gw_spd_slot_bind(mgr->slots, (uint32_t)e->slot, sa);
	} else if (memcmp(&key, &e->key, sizeof(key)) == 0) {
		ret = gw_sad_replace(mgr->sad, &key, sa);
	} else {
		/* New SPI or address: both keys resolve for a moment, never neither. */
		ret = gw_sad_add(mgr->sad, &key, sa);
		if (ret == 0)
			gw_sad_delete(mgr->sad, &e->key);
	}
	if (ret == 0 && e->in_slot >= 0)
		gw_spd_slot_bind(mgr->in_slots, (uint32_t)e->in_slot, sa);
	if (ret != 0) {
		gw_sa_destroy(sa);	/* never published */
		GW_LOG(policy, ERR, "SA %s: replace failed: %s", conf->name, strerror(-ret));
		return ret;
	}
	e->key = key;
	e->conf = *conf;
	e->sa = sa;
	e->created = SAMGR_UNSTAMPED;
	e->soft_sent = false;
	GW_LOG(policy, INFO, "SA %s: replaced (spi 0x%08x)", conf->name, conf->spi);
	return 0;
}

int
gw_samgr_delete(struct gw_samgr *mgr, const char *name)
{
	struct samgr_entry *e = samgr_entry(mgr, name);
	struct name_key k;

	if (e == NULL)
		return -ENOENT;
	if (e->conf.direction == GW_SA_INBOUND) {
		in_slot_release(mgr, e);
		gw_sad_delete(mgr->sad, &e->key);
	} else {
		gw_spd_slot_bind(mgr->slots, (uint32_t)e->slot, NULL);
		gw_spd_slot_put(mgr->slots, (uint32_t)e->slot);
	}
	name_key(e->conf.name, &k);
	rte_hash_del_key(mgr->by_name, &k);
	GW_LOG(policy, INFO, "SA %s: deleted", e->conf.name);
	explicit_bzero(&e->conf.crypto, sizeof(e->conf.crypto));
	e->used = false;
	e->sa = NULL;
	mgr->free_idx[mgr->nb_free++] = (uint32_t)(e - mgr->entries);
	return 0;
}

struct gw_sa *
gw_samgr_find(const struct gw_samgr *mgr, const char *name)
{
	const struct samgr_entry *e = samgr_entry(mgr, name);

	return e == NULL ? NULL : e->sa;
}

int
gw_samgr_stats(const struct gw_samgr *mgr, const char *name, struct gw_sa_stats *out)
{
	const struct samgr_entry *e = samgr_entry(mgr, name);

	if (e == NULL)
		return -ENOENT;
	gw_sa_stats(e->sa, out);
	return 0;
}

int
gw_samgr_set_disabled(struct gw_samgr *mgr, const char *name, bool disabled)
{
	struct gw_spd_slots *slots = mgr->slots;
	int slot = gw_spd_slot_find(slots, name);

	if (slot < 0) {
		slots = mgr->in_slots;
		slot = gw_spd_slot_find(slots, name);
	}
	if (slot < 0)
		return slot;
	GW_LOG(policy, NOTICE, "SA slot %s: %s", name, disabled ? "disabled" : "enabled");
	return gw_spd_slot_set_disabled(slots, (uint32_t)slot, GW_SPD_SLOT_DIS_ADMIN,
					disabled);
}

unsigned int
gw_samgr_count(const struct gw_samgr *mgr)
{
	return GW_SAMGR_MAX_SAS - mgr->nb_free;
}

struct gw_sad *
gw_samgr_sad(const struct gw_samgr *mgr)
{
	return mgr->sad;
}

struct gw_spd_slots *
gw_samgr_slots(const struct gw_samgr *mgr)
{
	return mgr->slots;
}

struct rte_ring *
gw_samgr_event_ring(const struct gw_samgr *mgr)
{
	return mgr->events;
}

void
gw_samgr_set_event_cb(struct gw_samgr *mgr, gw_samgr_event_cb cb, void *arg)
{
	mgr->cb = cb;
	mgr->cb_arg = arg;
}
