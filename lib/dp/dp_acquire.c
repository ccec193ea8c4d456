/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Acquires (IKEv2 `establish-tunnels on-traffic`, RFC 4301 5.2's "no SA:
 * negotiate one"): a packet that hits a protect term flagged
 * GW_SPD_TERM_ACQUIRE whose slot has no SA is marked ACQUIRE_NO_SA by the
 * SPD (lib/sa/spd_classify.c), and the worker posts the slot to the control
 * thread here. Lock-free and rate-limited: a per-slot "not before" TSC
 * claimed with one compare-and-swap (one post per slot per second, whatever
 * the traffic and the number of workers), then an MP/SC ring of slot indexes
 * that the control thread drains every 10 ms (dp_control.c neigh_tick) into
 * the callback by the slot's name (`<owner>/<binding>`, lib/sa). A full ring
 * loses the post (the next packet a second later posts again).
 *
 * Hold queue (run-to-completion layout): instead of being freed, such a
 * packet is held (gw_drop_burst -> dp_acquire_hold), at most HOLD_PER_SLOT
 * per slot and HOLD_RING in all, for HOLD_MS from the first one held for its
 * slot. Every 10 ms a worker takes the held packets back (dp_acquire_release)
 * and runs them through the stages from classify on: once the negotiated
 * CHILD_SA's protect term precedes the trap they are encrypted and sent;
 * still without an SA they are held again until the slot's time is up, then
 * dropped as ACQUIRE_TIMEOUT. What does not fit is dropped as ACQUIRE_NO_SA.
 * The pipeline layout holds nothing (ACQUIRE_NO_SA).
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "dp_priv.h"
#include "gw_dp_acquire.h"
#include "gw_log.h"
#include "gw_spd.h"

#define ACQUIRE_RING 256		/* slots waiting for the control thread */
#define ACQUIRE_INTERVAL_MS 1000	/* per slot */
#define HOLD_RING 64			/* held packets in all (63 usable) */
#define HOLD_PER_SLOT 4
#define HOLD_MS 2000			/* from the first packet held for the slot */
#define HOLD_POLL_MS 10			/* how often a worker takes them back */

struct acquire_slot {
	uint64_t not_before;		/* TSC of the next post allowed */
	uint64_t hold_until;		/* TSC: held packets of the slot expire */
	uint32_t held;			/* packets of the slot in the hold ring */
	uint32_t pad;
};

struct held_pkt {
	struct rte_mbuf *m;
	uint32_t slot;
	uint32_t pad;
};

struct dp_acquire {
	struct rte_ring *ring;
	struct rte_ring *hold;		/* MP/MC of struct held_pkt */
	struct acquire_slot *slot;	/* per SPD slot */
	uint32_t nb_slots;
	uint32_t nb_held;		/* atomic: the workers skip the ring while 0 */
	bool hold_on;			/* run-to-completion only */
	uint64_t next_release;		/* atomic: TSC of the next release round */
	gw_dp_acquire_cb cb;
	void *arg;
	uint64_t posted, lost;		/* atomics, for the log */
};

/* gw_drop_burst() has no gw_dp at hand: one data plane per process. */
static struct dp_acquire *the_acq;

int
gw_dp_acquire_set(struct gw_dp *dp, gw_dp_acquire_cb cb, void *arg)
{
	struct dp_acquire *a = dp->acq;

	if (a == NULL) {
		if (dp->slots == NULL)
			return -ENOTSUP;
		a = rte_zmalloc("gw_acquire", sizeof(*a), 0);
		if (a == NULL)
			return -ENOMEM;
		a->nb_slots = dp->slots->nb_slots;
		a->slot = rte_zmalloc("gw_acquire_slots", sizeof(a->slot[0]) * a->nb_slots,
				      RTE_CACHE_LINE_SIZE);
		a->ring = rte_ring_create("gw_acquire", ACQUIRE_RING, rte_socket_id(),
					  RING_F_SC_DEQ);
		a->hold = rte_ring_create_elem("gw_acquire_hold", sizeof(struct held_pkt),
					       HOLD_RING, rte_socket_id(), 0);
		if (a->slot == NULL || a->ring == NULL || a->hold == NULL) {
			rte_ring_free(a->ring);
			rte_ring_free(a->hold);
			rte_free(a->slot);
			rte_free(a);
			return -ENOMEM;
		}
		a->hold_on = dp->layout == GW_LAYOUT_RUN_TO_COMPLETION;
	}
	a->cb = cb;
	a->arg = arg;
	/* workers post only once the whole structure is there */
	__atomic_store_n(&the_acq, a, __ATOMIC_RELEASE);
	__atomic_store_n(&dp->acq, a, __ATOMIC_RELEASE);
	return 0;
}

void
dp_acquire_post(struct gw_dp *dp, uint32_t slot)
{
	struct dp_acquire *a = __atomic_load_n(&dp->acq, __ATOMIC_ACQUIRE);
	uint64_t now, nb;

	if (a == NULL || slot >= a->nb_slots)
		return;
	now = rte_rdtsc();
	nb = __atomic_load_n(&a->slot[slot].not_before, __ATOMIC_RELAXED);
	if (now < nb)
		return;
	/* one worker wins the second; the others see the new value and stop */
	if (!__atomic_compare_exchange_n(&a->slot[slot].not_before, &nb,
					 now + rte_get_tsc_hz() / 1000 * ACQUIRE_INTERVAL_MS,
					 false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return;
	if (rte_ring_mp_enqueue(a->ring, (void *)(uintptr_t)slot) == 0)
		__atomic_fetch_add(&a->posted, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&a->lost, 1, __ATOMIC_RELAXED);
}

void
dp_acquire_drain(struct gw_dp *dp)
{
	struct dp_acquire *a = dp->acq;
	void *objs[32];
	unsigned int n;

	if (a == NULL)
		return;
	while ((n = rte_ring_sc_dequeue_burst(a->ring, objs, RTE_DIM(objs), NULL)) != 0)
		for (unsigned int i = 0; i < n; i++) {
			uint32_t slot = (uint32_t)(uintptr_t)objs[i];
			const char *name = gw_spd_slot_name(dp->slots, slot);

			GW_LOG(policy, INFO, "acquire: traffic for %s, which has no SA",
			       name != NULL ? name : "?");
			if (name != NULL && a->cb != NULL)
				a->cb(name, a->arg);
		}
}

bool
dp_acquire_hold(struct rte_mbuf *m)
{
	struct dp_acquire *a = __atomic_load_n(&the_acq, __ATOMIC_ACQUIRE);
	struct gw_meta *meta = gw_meta(m);
	struct held_pkt h = { .m = m, .slot = meta->sa_slot };
	struct acquire_slot *s;
	uint64_t now = rte_rdtsc(), until;
	uint32_t prev;

	if (a == NULL || !a->hold_on || h.slot >= a->nb_slots)
		return false;
	s = &a->slot[h.slot];
	prev = __atomic_fetch_add(&s->held, 1, __ATOMIC_RELAXED);
	until = __atomic_load_n(&s->hold_until, __ATOMIC_RELAXED);
	if (prev >= HOLD_PER_SLOT)
		goto full;
	/*
	 * Nothing held for the slot and its last time is up (or it never had
	 * one): a new hold starts. A packet taken back by dp_acquire_release and
	 * held again finds its slot's time still running: it keeps it.
	 */
	if (prev == 0 && (until == 0 || now > until))
		__atomic_store_n(&s->hold_until, now + rte_get_tsc_hz() / 1000 * HOLD_MS,
				 __ATOMIC_RELAXED);
	else if (now > until)
		goto full;	/* the slot's time is up: not held (its held ones time out) */
	if (rte_ring_mp_enqueue_elem(a->hold, &h, sizeof(h)) != 0)
		goto full;
	__atomic_fetch_add(&a->nb_held, 1, __ATOMIC_RELEASE);
	return true;
full:
	__atomic_fetch_sub(&s->held, 1, __ATOMIC_RELAXED);
	return false;
}

uint16_t
dp_acquire_release(struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t max)
{
	struct dp_acquire *a = dp->acq;
	struct held_pkt h[GW_MAX_BURST];
	struct rte_mbuf *expired[GW_MAX_BURST];
	uint16_t nb_expired = 0, out = 0;
	uint64_t now, next;
	unsigned int n;

	if (a == NULL || __atomic_load_n(&a->nb_held, __ATOMIC_ACQUIRE) == 0)
		return 0;
	now = rte_rdtsc();
	next = __atomic_load_n(&a->next_release, __ATOMIC_RELAXED);
	/* one worker per round: the held packets go out in the order they came */
	if (now < next || !__atomic_compare_exchange_n(&a->next_release, &next,
			now + rte_get_tsc_hz() / 1000 * HOLD_POLL_MS, false,
			__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return 0;
	n = rte_ring_mc_dequeue_burst_elem(a->hold, h, sizeof(h[0]),
					   RTE_MIN(max, (uint16_t)GW_MAX_BURST), NULL);
	__atomic_fetch_sub(&a->nb_held, n, __ATOMIC_RELAXED);
	for (unsigned int i = 0; i < n; i++) {
		struct acquire_slot *s = &a->slot[h[i].slot];
		struct gw_meta *meta = gw_meta(h[i].m);

		__atomic_fetch_sub(&s->held, 1, __ATOMIC_RELAXED);
		if (now > __atomic_load_n(&s->hold_until, __ATOMIC_RELAXED)) {
			/* held too long (the next packet for the slot starts a new hold) */
			meta->drop = GW_DROP_ACQUIRE_TIMEOUT;
			expired[nb_expired++] = h[i].m;
			continue;
		}
		/* as gw_stage_rx leaves it: classify starts afresh */
		dp_meta_fresh(meta, meta->in_port);
		pkts[out++] = h[i].m;
	}
	gw_drop_burst(expired, nb_expired);
	return out;
}

/* The workers have stopped: what is still held counts as in flight at exit. */
void
dp_acquire_flush(struct gw_dp *dp)
{
	struct dp_acquire *a = dp->acq;
	struct held_pkt h;

	if (a == NULL)
		return;
	a->hold_on = false;
	while (rte_ring_sc_dequeue_elem(a->hold, &h, sizeof(h)) == 0) {
		gw_meta(h.m)->drop = GW_DROP_IN_FLIGHT_AT_EXIT;
		gw_drop_burst(&h.m, 1);
	}
	a->nb_held = 0;
}

void
dp_acquire_fini(struct gw_dp *dp)
{
	struct dp_acquire *a = dp->acq;

	if (a == NULL)
		return;
	dp_acquire_flush(dp);
	dp->acq = NULL;
	the_acq = NULL;
	rte_ring_free(a->ring);
	rte_ring_free(a->hold);
	rte_free(a->slot);
	rte_free(a);
}
