/* SPDX-License-Identifier: BSD-3-Clause */
/* SA manager: create, SAs by id (add, update, delete), the install interface. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_malloc.h>

#include "gw_log.h"
#include "samgr_priv.h"

#define SAMGR_GC_SIZE 8192	/* retired objects queued before a synchronize */

static uint32_t
id_idx(gw_sa_id_t id)
{
	return (uint32_t)id;
}

static uint32_t
id_gen(gw_sa_id_t id)
{
	return (uint32_t)(id >> 32);
}

gw_sa_id_t
samgr_id(const struct gw_samgr *mgr, const struct samgr_entry *e)
{
	return (uint64_t)e->gen << 32 | (uint32_t)(e - mgr->entries);
}

struct samgr_entry *
samgr_entry(const struct gw_samgr *mgr, gw_sa_id_t id)
{
	struct samgr_entry *e;

	if (id_idx(id) >= mgr->hwm)
		return NULL;
	e = &mgr->entries[id_idx(id)];
	return e->sa != NULL && e->gen == id_gen(id) ? e : NULL;
}

/* sa_gc callback: park the SA until the event ring has been drained. */
static void
zombie_add(void *obj, void *arg)
{
	struct gw_samgr *mgr = arg;
	struct samgr_zombie *z = malloc(sizeof(*z));

	if (z == NULL) {
		/* Out of memory: events naming it are only compared, never followed. */
		gw_sa_destroy(obj);
		return;
	}
	z->sa = obj;
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

/* Unlinked from every table: destroyed after a grace period and a drain. */
static void
sa_retire(struct gw_samgr *mgr, struct gw_sa *sa)
{
	sa_gc_defer(mgr->gc, zombie_add, sa, mgr);
}

struct gw_samgr *
gw_samgr_create(const struct gw_crypto_engine *engine, struct rte_rcu_qsbr *rcu, int socket)
{
	static uint32_t seq;
	struct gw_sad_params sp = { 0 };
	struct gw_spd_slots_params lp = { 0 };
	char name[32];
	struct gw_samgr *mgr;
	uint32_t i, id;

	if (engine == NULL || rcu == NULL) {
		errno = EINVAL;
		return NULL;
	}
	mgr = calloc(1, sizeof(*mgr));
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
	mgr->sad = gw_sad_create(&sp);
	lp.name = name;
	lp.nb_slots = GW_SAMGR_MAX_SAS;
	lp.socket = socket;
	lp.rcu = rcu;
	mgr->slots = gw_spd_slots_create(&lp);
	snprintf(name, sizeof(name), "mgrin%u", id);
	lp.name = name;
	mgr->in_slots = gw_spd_slots_create(&lp);
	snprintf(name, sizeof(name), "samgr_ev%u", id);
	mgr->events = rte_ring_create_elem(name, sizeof(struct gw_sa_event),
					   GW_SAMGR_EVENT_RING, socket, RING_F_SC_DEQ);
	mgr->gc = sa_gc_create(rcu, SAMGR_GC_SIZE);
	/* control-thread memory: untouched pages of the big arrays cost nothing */
	mgr->entries = calloc(GW_SAMGR_MAX_SAS, sizeof(*mgr->entries));
	mgr->free_idx = malloc(sizeof(uint32_t) * GW_SAMGR_MAX_SAS);
	mgr->in_live = calloc(GW_SAMGR_MAX_SAS, sizeof(uint32_t));
	mgr->owners = calloc(GW_SAMGR_MAX_OWNERS, sizeof(*mgr->owners));
	if (mgr->sad == NULL || mgr->slots == NULL || mgr->in_slots == NULL ||
	    mgr->events == NULL || mgr->gc == NULL || mgr->entries == NULL ||
	    mgr->free_idx == NULL || mgr->in_live == NULL || mgr->owners == NULL ||
	    samgr_spis_init(&mgr->spis) != 0) {
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
	uint32_t i;

	if (mgr == NULL)
		return;
	if (mgr->events != NULL)
		gw_sa_set_event_ring(NULL);
	samgr_spds_free(mgr);
	/* Freeing the tables waits for the readers; the SAs are ours. */
	gw_sad_free(mgr->sad);
	gw_spd_slots_free(mgr->slots);
	gw_spd_slots_free(mgr->in_slots);
	for (i = 0; mgr->entries != NULL && i < mgr->hwm; i++)
		if (mgr->entries[i].sa != NULL)
			gw_sa_destroy(mgr->entries[i].sa);
	sa_gc_free(mgr->gc);
	samgr_zombies_destroy(mgr->zombies);
	samgr_spis_fini(&mgr->spis);
	rte_ring_free(mgr->events);
	free(mgr->entries);
	free(mgr->free_idx);
	free(mgr->in_live);
	free(mgr->owners);
	free(mgr);
}

void
gw_owner_format(struct gw_owner owner, char *buf, size_t len)
{
	static const char *const kinds[GW_OWNER_KIND_MAX] = {
		[GW_OWNER_CONFIG] = "config", [GW_OWNER_GDOI] = "gdoi",
		[GW_OWNER_IKE] = "ike", [GW_OWNER_TEST] = "test",
	};
	const char *k = owner.kind < GW_OWNER_KIND_MAX ? kinds[owner.kind] : "owner";

	if (owner.kind == GW_OWNER_CONFIG && owner.id == 0)
		snprintf(buf, len, "%s", k);
	else
		snprintf(buf, len, "%s-%u", k, owner.id);
}

static int
spec_key(const struct gw_sa_params *p, struct gw_sad_key *key)
{
	rte_be32_t spi = rte_cpu_to_be_32(p->spi);

	if (p->group)
		gw_sad_key_group(key, spi);
	else if (p->tunnel_local.family == AF_INET)
		gw_sad_key_unicast(key, spi, AF_INET, &p->tunnel_local.v4);
	else if (p->tunnel_local.family == AF_INET6)
		gw_sad_key_unicast(key, spi, AF_INET6, &p->tunnel_local.v6);
	else
		return -EINVAL;
	return 0;
}

static const char *
spec_bind(const struct gw_sa_spec *spec)
{
	return spec->bind[0] != '\0' ? spec->bind : spec->params.label;
}

/* The SA with its id as tag, so that its events find the entry at once. */
static struct gw_sa *
sa_make(struct gw_samgr *mgr, const struct gw_sa_spec *spec, gw_sa_id_t id)
{
	struct gw_sa *sa = gw_sa_create(&spec->params, mgr->engine, mgr->socket);

	if (sa == NULL) {
		GW_LOG(policy, ERR, "SA %s (spi 0x%08x): cannot create: %s", spec->params.label,
		       spec->params.spi, strerror(errno ? errno : ENOMEM));
		return NULL;
	}
	gw_sa_set_tag(sa, id);
	return sa;
}

/* Another live inbound SA naming in_slot (a rekey's older SA), or NULL. */
static struct gw_sa *
in_slot_other(struct gw_samgr *mgr, const struct samgr_entry *skip)
{
	for (uint32_t i = 0; i < mgr->hwm; i++) {
		const struct samgr_entry *e = &mgr->entries[i];

		if (e != skip && e->sa != NULL && e->dir == GW_SA_INBOUND &&
		    e->in_slot == skip->in_slot)
			return e->sa;
	}
	return NULL;
}

static void
in_slot_release(struct gw_samgr *mgr, struct samgr_entry *e)
{
	uint32_t s = (uint32_t)e->in_slot;

	if (e->in_slot == SAMGR_NO_SLOT)
		return;
	mgr->in_live[s]--;
	if (mgr->in_slots->slot[s].sa == e->sa)
		gw_spd_slot_bind(mgr->in_slots, s,
				 mgr->in_live[s] != 0 ? in_slot_other(mgr, e) : NULL);
	gw_spd_slot_put(mgr->in_slots, s);
	e->in_slot = SAMGR_NO_SLOT;
}

/* Unlink e's SA from the tables (not the SA itself: the caller retires it). */
static void
entry_unlink(struct gw_samgr *mgr, struct samgr_entry *e)
{
	if (e->dir == GW_SA_INBOUND) {
		in_slot_release(mgr, e);
		gw_sad_delete(mgr->sad, &e->key);
	} else if (e->slot != SAMGR_NO_SLOT) {
		if (mgr->slots->slot[e->slot].sa == e->sa)
			gw_spd_slot_bind(mgr->slots, (uint32_t)e->slot, NULL);
		gw_spd_slot_put(mgr->slots, (uint32_t)e->slot);
		e->slot = SAMGR_NO_SLOT;
	}
}

/* Put e->sa where the data path finds it: SAD key, or the slot of its binding. */
static int
entry_link(struct gw_samgr *mgr, struct samgr_entry *e, const struct gw_sa_spec *spec)
{
	char slot[GW_SPD_NAME_LEN];
	int ret, idx;

	ret = gw_samgr_slot_name(e->owner, spec_bind(spec), slot, sizeof(slot));
	if (ret != 0)
		return ret;
	if (e->dir == GW_SA_INBOUND) {
		ret = spec_key(&spec->params, &e->key);
		if (ret == 0)
			ret = gw_sad_add(mgr->sad, &e->key, e->sa);
		if (ret != 0)
			return ret;
		/* A slot too, so inbound-check terms see whether the SA is up. */
		idx = gw_spd_slot_get(mgr->in_slots, slot);
		if (idx >= 0) {
			e->in_slot = idx;
			mgr->in_live[idx]++;
			gw_spd_slot_bind(mgr->in_slots, (uint32_t)idx, e->sa);
		}
		return 0;
	}
	idx = gw_spd_slot_get(mgr->slots, slot);
	if (idx < 0)
		return idx;
	e->slot = idx;
	return gw_spd_slot_bind(mgr->slots, (uint32_t)idx, e->sa);
}

static void
entry_fill(struct samgr_entry *e, struct gw_owner owner, const struct gw_sa_spec *spec)
{
	e->owner = owner;
	e->spi = spec->params.spi;
	e->dir = (uint8_t)spec->params.direction;
	e->group = spec->params.group;
	e->soft_sent = false;
	e->first_use = spec->first_use_event;
	e->idle_sent = false;
	e->idle_seconds = spec->idle_seconds;
	e->created = SAMGR_UNSTAMPED;
	e->last_packets = 0;
	e->last_active = SAMGR_UNSTAMPED;
	e->lifetime = spec->params.lifetime;
}

int
gw_samgr_sa_add(struct gw_samgr *mgr, struct gw_owner owner, const struct gw_sa_spec *spec,
		gw_sa_id_t *id)
{
	struct samgr_entry *e;
	unsigned int dom;
	char who[32];
	uint32_t idx;
	int ret;

	if (mgr == NULL || spec == NULL || id == NULL ||
	    (spec->params.direction != GW_SA_INBOUND && spec->params.direction != GW_SA_OUTBOUND))
		return -EINVAL;
	if (mgr->nb_free == 0)
		return -ENOSPC;
	idx = mgr->free_idx[mgr->nb_free - 1];
	e = &mgr->entries[idx];
	if (e->gen == 0)
		e->gen = 1;	/* never id 0 */
	entry_fill(e, owner, spec);
	e->slot = e->in_slot = SAMGR_NO_SLOT;
	e->sa = sa_make(mgr, spec, samgr_id(mgr, e));
	if (e->sa == NULL)
		return errno ? -errno : -ENOMEM;
	ret = entry_link(mgr, e, spec);
	if (ret != 0) {
		/* entry_link fails before the SAD add (inbound) or at the slot (outbound) */
		if (e->slot != SAMGR_NO_SLOT)
			entry_unlink(mgr, e);
		sa_retire(mgr, e->sa);
		e->sa = NULL;
		GW_LOG(policy, ERR, "SA %s (spi 0x%08x): install failed: %s",
		       spec->params.label, spec->params.spi, strerror(-ret));
		return ret;
	}
	dom = samgr_spi_domain(e->group, (enum gw_sa_dir)e->dir);
	samgr_spi_use(&mgr->spis, dom, e->spi, owner);
	mgr->nb_free--;
	if (idx >= mgr->hwm)
		mgr->hwm = idx + 1;
	*id = samgr_id(mgr, e);
	gw_owner_format(owner, who, sizeof(who));
	GW_LOG(policy, INFO, "SA %s: installed for %s (spi 0x%08x, %s%s)", spec->params.label,
	       who, e->spi, e->dir == GW_SA_INBOUND ? "inbound" : "outbound",
	       e->group ? ", group" : "");
	return 0;
}

int
gw_samgr_sa_update(struct gw_samgr *mgr, gw_sa_id_t id, const struct gw_sa_spec *spec)
{
	struct samgr_entry *e = samgr_entry(mgr, id);
	struct gw_sad_key key;
	struct gw_sa *sa, *old;
	char slot[GW_SPD_NAME_LEN];
	int ret;

	if (e == NULL)
		return -ENOENT;
	if (spec == NULL)
		return -EINVAL;
	ret = gw_samgr_slot_name(e->owner, spec_bind(spec), slot, sizeof(slot));
	if (ret != 0)
		return ret;
	if (spec->params.direction != e->dir || spec->params.group != e->group ||
	    (e->dir == GW_SA_OUTBOUND && strcmp(slot, gw_spd_slot_name(mgr->slots,
								      (uint32_t)e->slot)) != 0) ||
	    (e->dir == GW_SA_INBOUND && e->in_slot != SAMGR_NO_SLOT &&
	     strcmp(slot, gw_spd_slot_name(mgr->in_slots, (uint32_t)e->in_slot)) != 0))
		return -EINVAL;	/* another kind of SA: delete and add */
	if (e->dir == GW_SA_INBOUND && spec_key(&spec->params, &key) != 0)
		return -EINVAL;
	sa = sa_make(mgr, spec, id);
	if (sa == NULL)
		return errno ? -errno : -ENOMEM;
	old = e->sa;
	if (e->dir == GW_SA_OUTBOUND) {
		/* only if it carries the traffic: a rekey's older SA stays unbound */
		ret = mgr->slots->slot[e->slot].sa == old ?
			gw_spd_slot_bind(mgr->slots, (uint32_t)e->slot, sa) : 0;
	} else if (memcmp(&key, &e->key, sizeof(key)) == 0) {
		ret = gw_sad_replace(mgr->sad, &key, sa);
	} else {
		/* New SPI or address: both keys resolve for a moment, never neither. */
		ret = gw_sad_add(mgr->sad, &key, sa);
		if (ret == 0)
			gw_sad_delete(mgr->sad, &e->key);
	}
	if (ret != 0) {
		gw_sa_destroy(sa);	/* never published */
		GW_LOG(policy, ERR, "SA %s: update failed: %s", spec->params.label,
		       strerror(-ret));
		return ret;
	}
	if (e->dir == GW_SA_INBOUND && e->in_slot != SAMGR_NO_SLOT &&
	    mgr->in_slots->slot[e->in_slot].sa == old)
		gw_spd_slot_bind(mgr->in_slots, (uint32_t)e->in_slot, sa);
	if (spec->params.spi != e->spi) {
		unsigned int dom = samgr_spi_domain(e->group, (enum gw_sa_dir)e->dir);

		samgr_spi_use(&mgr->spis, dom, spec->params.spi, e->owner);
		samgr_spi_unuse(&mgr->spis, dom, e->spi);
	}
	if (e->dir == GW_SA_INBOUND)
		e->key = key;
	entry_fill(e, e->owner, spec);
	e->sa = sa;
	sa_retire(mgr, old);
	GW_LOG(policy, INFO, "SA %s: updated (spi 0x%08x)", spec->params.label, e->spi);
	return 0;
}

int
gw_samgr_sa_del(struct gw_samgr *mgr, gw_sa_id_t id)
{
	struct samgr_entry *e = samgr_entry(mgr, id);
	struct gw_sa *sa;

	if (e == NULL)
		return -ENOENT;
	sa = e->sa;
	entry_unlink(mgr, e);
	samgr_spi_unuse(&mgr->spis, samgr_spi_domain(e->group, (enum gw_sa_dir)e->dir), e->spi);
	GW_LOG(policy, INFO, "SA %s: deleted (spi 0x%08x)", gw_sa_name(sa), e->spi);
	e->sa = NULL;
	e->gen = e->gen + 1 == 0 ? 1 : e->gen + 1;	/* the old id is stale now */
	mgr->free_idx[mgr->nb_free++] = (uint32_t)(e - mgr->entries);
	sa_retire(mgr, sa);
	return 0;
}

struct gw_sa *
gw_samgr_sa_get(const struct gw_samgr *mgr, gw_sa_id_t id)
{
	const struct samgr_entry *e = samgr_entry(mgr, id);

	return e == NULL ? NULL : e->sa;
}

int
gw_samgr_sa_owner(const struct gw_samgr *mgr, gw_sa_id_t id, struct gw_owner *owner)
{
	const struct samgr_entry *e = samgr_entry(mgr, id);

	if (e == NULL)
		return -ENOENT;
	*owner = e->owner;
	return 0;
}

int
gw_samgr_sa_stats(const struct gw_samgr *mgr, gw_sa_id_t id, struct gw_sa_stats *out)
{
	const struct samgr_entry *e = samgr_entry(mgr, id);

	if (e == NULL)
		return -ENOENT;
	gw_sa_stats(e->sa, out);
	return 0;
}

int
gw_samgr_sa_next(const struct gw_samgr *mgr, uint32_t *next, gw_sa_id_t *id)
{
	for (; *next < mgr->hwm; (*next)++) {
		const struct samgr_entry *e = &mgr->entries[*next];

		if (e->sa != NULL) {
			*id = samgr_id(mgr, e);
			(*next)++;
			return 0;
		}
	}
	return -ENOENT;
}

unsigned int
gw_samgr_count(const struct gw_samgr *mgr)
{
	return GW_SAMGR_MAX_SAS - mgr->nb_free;
}

unsigned int
gw_samgr_owner_count(const struct gw_samgr *mgr, struct gw_owner owner)
{
	unsigned int n = 0;

	for (uint32_t i = 0; i < mgr->hwm; i++)
		n += mgr->entries[i].sa != NULL && gw_owner_eq(mgr->entries[i].owner, owner);
	return n;
}

int
gw_samgr_flush(struct gw_samgr *mgr, struct gw_owner owner)
{
	int first = 0, ret;

	for (uint32_t i = 0; i < mgr->hwm; i++) {
		struct samgr_entry *e = &mgr->entries[i];

		if (e->sa != NULL && gw_owner_eq(e->owner, owner)) {
			ret = gw_samgr_sa_del(mgr, samgr_id(mgr, e));
			if (first == 0)
				first = ret;
		}
	}
	samgr_spi_flush(&mgr->spis, owner);
	ret = samgr_policy_flush(mgr, owner);
	gw_samgr_subscribe(mgr, owner, NULL, NULL);
	return first != 0 ? first : ret;
}

int
gw_samgr_owner_removed(struct gw_samgr *mgr, struct gw_owner owner)
{
	const struct samgr_owner *o = samgr_owner_find(mgr, owner);
	struct gw_ipsec_event ev = { .type = GW_IPSEC_EV_OWNER_REMOVED, .owner = owner };

	if (o != NULL && o->cb != NULL)
		o->cb(&ev, o->arg);
	return gw_samgr_flush(mgr, owner);
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

/* ---- the install interface backed by the manager ---- */

static int
op_get_spi(void *ctx, struct gw_owner owner, bool group, enum gw_sa_dir dir, uint32_t *spi)
{
	return gw_samgr_spi_get(ctx, owner, group, dir, spi);
}

static int
op_release_spi(void *ctx, struct gw_owner owner, bool group, enum gw_sa_dir dir, uint32_t spi)
{
	return gw_samgr_spi_release(ctx, owner, group, dir, spi);
}

static int
op_add_sa(void *ctx, struct gw_owner owner, const struct gw_sa_spec *spec, gw_sa_id_t *id)
{
	return gw_samgr_sa_add(ctx, owner, spec, id);
}

static int
op_update_sa(void *ctx, gw_sa_id_t id, const struct gw_sa_spec *spec)
{
	return gw_samgr_sa_update(ctx, id, spec);
}

static int
op_del_sa(void *ctx, gw_sa_id_t id)
{
	return gw_samgr_sa_del(ctx, id);
}

static int
op_query_sa(void *ctx, gw_sa_id_t id, struct gw_sa_counters *out)
{
	struct gw_sa_stats st;
	int ret = gw_samgr_sa_stats(ctx, id, &st);

	if (ret != 0)
		return ret;
	out->packets = st.packets;
	out->bytes = st.bytes;
	out->drops = 0;
	for (unsigned int d = 0; d < GW_DROP_MAX; d++)
		out->drops += st.drops[d];
	return 0;
}

static int
op_set_policy(void *ctx, struct gw_owner owner, const char *ifname, enum gw_sa_dir dir,
	      const struct gw_spd_term *terms, unsigned int n)
{
	return gw_samgr_policy_set(ctx, owner, ifname, dir, terms, n);
}

static int
op_set_disabled(void *ctx, struct gw_owner owner, enum gw_sa_dir dir, const char *bind,
		bool disabled)
{
	return gw_samgr_set_disabled(ctx, owner, dir, bind, disabled);
}

static int
op_flush(void *ctx, struct gw_owner owner)
{
	return gw_samgr_flush(ctx, owner);
}

static int
op_subscribe(void *ctx, struct gw_owner owner, gw_ipsec_event_cb cb, void *arg)
{
	return gw_samgr_subscribe(ctx, owner, cb, arg);
}

static const struct gw_install_ops samgr_ops = {
	.get_spi = op_get_spi,
	.release_spi = op_release_spi,
	.add_sa = op_add_sa,
	.update_sa = op_update_sa,
	.del_sa = op_del_sa,
	.query_sa = op_query_sa,
	.set_policy = op_set_policy,
	.set_disabled = op_set_disabled,
	.flush = op_flush,
	.subscribe = op_subscribe,
};

void
gw_samgr_install(struct gw_samgr *mgr, struct gw_install *out)
{
	out->ops = &samgr_ops;
	out->ctx = mgr;
}
