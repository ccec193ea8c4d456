/* SPDX-License-Identifier: BSD-3-Clause */
/* SA manager: events, lifetimes, reclamation. */
#include <errno.h>
#include <inttypes.h>

#include "gw_log.h"
#include "samgr_priv.h"

#define EV_BURST 64

static const char *
ev_name(enum gw_sa_event_type t)
{
	switch (t) {
	case GW_SA_EV_SOFT_LIFETIME:
		return "soft lifetime";
	case GW_SA_EV_HARD_LIFETIME:
		return "hard lifetime";
	case GW_SA_EV_SEQ_EXHAUSTED:
		return "sequence exhausted";
	}
	return "?";
}

/* Raise one event for an installed SA; hard ones retire it. */
static void
entry_event(struct gw_samgr *mgr, struct samgr_entry *e, enum gw_sa_event_type type)
{
	char name[GW_CONF_NAME_LEN];
	int slot;

	if (type == GW_SA_EV_SOFT_LIFETIME) {
		if (e->soft_sent)
			return;
		e->soft_sent = true;
	}
	memcpy(name, e->conf.name, sizeof(name));
	GW_LOG(timer, NOTICE, "SA %s (spi 0x%08x): %s", name, e->conf.spi, ev_name(type));
	if (mgr->cb != NULL)
		mgr->cb(mgr, name, type, mgr->cb_arg);
	if (type == GW_SA_EV_SOFT_LIFETIME)
		return;
	/* The callback may have replaced or deleted it already. */
	e = samgr_entry(mgr, name);
	if (e == NULL)
		return;
	if (e->conf.direction == GW_SA_OUTBOUND && e->conf.group) {
		slot = e->slot;
		gw_spd_slot_set_disabled(mgr->slots, (uint32_t)slot, GW_SPD_SLOT_DIS_EXPIRED,
					 true);
	}
	gw_samgr_delete(mgr, name);
}

static struct samgr_entry *
entry_of_sa(struct gw_samgr *mgr, const struct gw_sa_event *ev)
{
	unsigned int i;

	for (i = 0; i < GW_SAMGR_MAX_SAS; i++) {
		struct samgr_entry *e = &mgr->entries[i];

		if (e->used && e->sa == ev->sa && e->conf.spi == ev->spi)
			return e;
	}
	return NULL;	/* replaced or deleted since: stale */
}

static unsigned int
drain_events(struct gw_samgr *mgr)
{
	struct gw_sa_event ev[EV_BURST];
	unsigned int n, i, done = 0;
	struct samgr_entry *e;

	do {
		n = rte_ring_sc_dequeue_burst_elem(mgr->events, ev, sizeof(ev[0]), EV_BURST,
						   NULL);
		for (i = 0; i < n; i++) {
			e = entry_of_sa(mgr, &ev[i]);
			if (e == NULL)
				continue;
			entry_event(mgr, e, (enum gw_sa_event_type)ev[i].type);
			done++;
		}
	} while (n == EV_BURST);
	return done;
}

static unsigned int
check_lifetimes(struct gw_samgr *mgr, uint64_t now)
{
	const struct gw_conf_lifetime *lt;
	struct gw_sa_stats st;
	unsigned int i, done = 0;
	uint64_t age, kb;

	for (i = 0; i < GW_SAMGR_MAX_SAS; i++) {
		struct samgr_entry *e = &mgr->entries[i];

		if (!e->used)
			continue;
		if (e->created == SAMGR_UNSTAMPED)
			e->created = now;
		lt = &e->conf.lifetime;
		age = now - e->created;
		kb = 0;
		if (lt->soft_kbytes != 0 || lt->hard_kbytes != 0) {
			gw_sa_stats(e->sa, &st);
			kb = st.bytes / 1024;
		}
		if ((lt->hard_seconds != 0 && age >= lt->hard_seconds) ||
		    (lt->hard_kbytes != 0 && kb >= lt->hard_kbytes)) {
			entry_event(mgr, e, GW_SA_EV_HARD_LIFETIME);
			done++;
		} else if (!e->soft_sent &&
			   ((lt->soft_seconds != 0 && age >= lt->soft_seconds) ||
			    (lt->soft_kbytes != 0 && kb >= lt->soft_kbytes))) {
			entry_event(mgr, e, GW_SA_EV_SOFT_LIFETIME);
			done++;
		}
	}
	return done;
}

unsigned int
gw_samgr_poll(struct gw_samgr *mgr, uint64_t now)
{
	struct samgr_zombie *ready;
	unsigned int i, done;

	mgr->now = now;
	/* 1. SAs past their grace period become zombies. */
	gw_sad_reclaim(mgr->sad);
	gw_spd_slots_reclaim(mgr->slots);
	gw_spd_slots_reclaim(mgr->in_slots);
	for (i = 0; i < mgr->nb_spds; i++)
		gw_spd_reclaim(mgr->spds[i].spd);
	/*
	 * 2. Every event naming one of them was queued before its grace
	 * period ended, so it is in the ring now: drain, then destroy exactly
	 * those zombies. SAs retired meanwhile wait for the next poll.
	 */
	ready = mgr->zombies;
	mgr->zombies = NULL;
	done = drain_events(mgr);
	done += check_lifetimes(mgr, now);
	samgr_zombies_destroy(ready);
	return done;
}
