/* SPDX-License-Identifier: BSD-3-Clause */
/* SA manager: events to owners, lifetimes, first use, idle, reclamation. */
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
	case GW_SA_EV_FIRST_USE:
		return "first use";
	case GW_SA_EV_IDLE:
		return "idle";
	}
	return "?";
}

/*
 * Hand one event about an installed SA to its owner; hard lifetime and
 * sequence exhaustion then delete the SA (if the owner did not already).
 */
static void
entry_event(struct gw_samgr *mgr, struct samgr_entry *e, enum gw_sa_event_type type,
	    uint64_t value)
{
	const struct samgr_owner *o = samgr_owner_find(mgr, e->owner);
	struct gw_ipsec_event ev = {
		.type = type, .spi = e->spi, .id = samgr_id(mgr, e), .owner = e->owner,
		.dir = e->dir, .group = e->group, .value = value,
	};
	struct gw_sa *sa = e->sa;
	char who[32];

	if (type == GW_SA_EV_SOFT_LIFETIME) {
		if (e->soft_sent)
			return;
		e->soft_sent = true;
	}
	gw_owner_format(e->owner, who, sizeof(who));
	GW_LOG(timer, NOTICE, "SA %s (spi 0x%08x): %s (owner %s)", gw_sa_name(sa), e->spi,
	       ev_name(type), who);
	if (type == GW_SA_EV_HARD_LIFETIME || type == GW_SA_EV_SEQ_EXHAUSTED) {
		/* Only if it still carries the traffic: a newer SA may have taken over. */
		if (e->dir == GW_SA_OUTBOUND && e->group && e->slot != SAMGR_NO_SLOT &&
		    mgr->slots->slot[e->slot].sa == sa)
			gw_spd_slot_set_disabled(mgr->slots, (uint32_t)e->slot,
						 GW_SPD_SLOT_DIS_EXPIRED, true);
		gw_samgr_sa_del(mgr, ev.id);
	}
	if (o != NULL && o->cb != NULL)
		o->cb(&ev, o->arg);
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
			e = samgr_entry(mgr, ev[i].tag);
			if (e == NULL || e->sa != ev[i].sa)
				continue;	/* updated or deleted since: stale */
			entry_event(mgr, e, (enum gw_sa_event_type)ev[i].type, ev[i].value);
			done++;
		}
	} while (n == EV_BURST);
	return done;
}

static bool
needs_stats(const struct samgr_entry *e)
{
	return e->lifetime.soft_kbytes != 0 || e->lifetime.hard_kbytes != 0 || e->first_use ||
	       e->idle_seconds != 0;
}

/* First use and idleness, from the packet counter. */
static unsigned int
check_use(struct gw_samgr *mgr, struct samgr_entry *e, uint64_t packets, uint64_t now)
{
	unsigned int done = 0;

	if (e->last_active == SAMGR_UNSTAMPED)
		e->last_active = now;
	if (packets != e->last_packets) {
		e->last_packets = packets;
		e->last_active = now;
		e->idle_sent = false;
		if (e->first_use) {
			e->first_use = false;
			entry_event(mgr, e, GW_SA_EV_FIRST_USE, packets);
			done++;
		}
	} else if (e->idle_seconds != 0 && !e->idle_sent &&
		   now - e->last_active >= e->idle_seconds) {
		e->idle_sent = true;
		entry_event(mgr, e, GW_SA_EV_IDLE, now - e->last_active);
		done++;
	}
	return done;
}

static unsigned int
check_lifetimes(struct gw_samgr *mgr, uint64_t now)
{
	const struct gw_sa_lifetime *lt;
	struct gw_sa_stats st;
	unsigned int i, done = 0;
	uint64_t age, kb;

	for (i = 0; i < mgr->hwm; i++) {
		struct samgr_entry *e = &mgr->entries[i];
		gw_sa_id_t id;

		if (e->sa == NULL)
			continue;
		if (e->created == SAMGR_UNSTAMPED)
			e->created = now;
		lt = &e->lifetime;
		age = now - e->created;
		kb = 0;
		id = samgr_id(mgr, e);
		if (needs_stats(e)) {
			gw_sa_stats(e->sa, &st);
			kb = st.bytes / 1024;
			done += check_use(mgr, e, st.packets, now);
			if (samgr_entry(mgr, id) != e)
				continue;	/* the owner deleted it */
		}
		if ((lt->hard_seconds != 0 && age >= lt->hard_seconds) ||
		    (lt->hard_kbytes != 0 && kb >= lt->hard_kbytes)) {
			entry_event(mgr, e, GW_SA_EV_HARD_LIFETIME,
				    lt->hard_kbytes != 0 && kb >= lt->hard_kbytes ? kb : age);
			done++;
		} else if (!e->soft_sent &&
			   ((lt->soft_seconds != 0 && age >= lt->soft_seconds) ||
			    (lt->soft_kbytes != 0 && kb >= lt->soft_kbytes))) {
			entry_event(mgr, e, GW_SA_EV_SOFT_LIFETIME,
				    lt->soft_kbytes != 0 && kb >= lt->soft_kbytes ? kb : age);
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
	sa_gc_reclaim(mgr->gc);
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
