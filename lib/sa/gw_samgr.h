/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_SAMGR_H
#define GW_SAMGR_H

/*
 * SA manager: installs SAs from configuration (or, later, IKEv2/GDOI) into
 * the lock-free tables. Control thread only. Inbound SAs go into the SAD
 * (unicast: SPI + local tunnel address; group: SPI only); outbound SAs are
 * bound to the SPD slot of their name. Policies (per interface and
 * match-direction) are compiled into SPDs whose terms reach SAs through the
 * slots. SA objects retired from a table are destroyed only after an RCU
 * grace period *and* after the event ring was drained (see README).
 */

#include <stdbool.h>
#include <stdint.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "gw_conf.h"
#include "gw_crypto.h"
#include "gw_sa.h"
#include "gw_sad.h"
#include "gw_spd.h"

struct gw_samgr;

#define GW_SAMGR_MAX_SAS 16384		/* SAs installed at once */
#define GW_SAMGR_MAX_SPDS 64		/* (interface, direction) pairs */
#define GW_SAMGR_EVENT_RING 4096

/* Soft lifetime, hard lifetime, sequence exhausted: for IKE/GDOI rekeying. */
typedef void (*gw_samgr_event_cb)(struct gw_samgr *mgr, const char *sa_name,
				  enum gw_sa_event_type type, void *arg);

/*
 * Creates the SAD, the SA slots and the event ring (registered with
 * gw_sa_set_event_ring). rcu: the workers' QSBR variable. NULL + errno.
 */
struct gw_samgr *gw_samgr_create(const struct gw_crypto_engine *engine,
				 struct rte_rcu_qsbr *rcu, int socket);
/* After the workers stopped using the tables. */
void gw_samgr_free(struct gw_samgr *mgr);

/* 0 or -EEXIST, -EINVAL, -ENOSPC, -ENOMEM, -ENOTSUP (from gw_sa_create). */
int gw_samgr_add(struct gw_samgr *mgr, const struct gw_conf_sa *conf);
/* New SA (new keys) for an existing name, swapped in atomically. -ENOENT. */
int gw_samgr_replace(struct gw_samgr *mgr, const struct gw_conf_sa *conf);
int gw_samgr_delete(struct gw_samgr *mgr, const char *name);
/* The running SA of a name (control thread use), or NULL. */
struct gw_sa *gw_samgr_find(const struct gw_samgr *mgr, const char *name);
int gw_samgr_stats(const struct gw_samgr *mgr, const char *name, struct gw_sa_stats *out);
/* Group key server unreachable and the like: fail-open terms take over. */
int gw_samgr_set_disabled(struct gw_samgr *mgr, const char *name, bool disabled);
unsigned int gw_samgr_count(const struct gw_samgr *mgr);

/*
 * Make the running set equal the configuration: SAs whose gw_conf_sa bytes
 * did not change are not touched (same object), changed ones are replaced,
 * removed ones deleted, new ones added; SPDs whose terms changed are rebuilt
 * (a policy removed from the configuration leaves an empty SPD: bypass).
 * Not transactional: continues past errors, returns the first one.
 */
int gw_samgr_apply_config(struct gw_samgr *mgr, const struct gw_config *conf);

/*
 * The SPD for an interface and direction; stable for the manager's life
 * (created empty on first use). NULL + errno.
 */
struct gw_spd *gw_samgr_spd(struct gw_samgr *mgr, const char *ifname, enum gw_sa_dir dir);
struct gw_sad *gw_samgr_sad(const struct gw_samgr *mgr);
struct gw_spd_slots *gw_samgr_slots(const struct gw_samgr *mgr);
struct rte_ring *gw_samgr_event_ring(const struct gw_samgr *mgr);

void gw_samgr_set_event_cb(struct gw_samgr *mgr, gw_samgr_event_cb cb, void *arg);

/*
 * Periodic control-thread work (e.g. every second), now in seconds from any
 * fixed origin (an SA's age counts from the first poll after its install):
 * reclaims retired objects, drains the event ring, checks lifetimes (seconds
 * and kilobytes from gw_sa_stats), calls the event callback on soft/hard/seq
 * events, deletes an SA at its hard lifetime (an outbound group SA's slot is
 * also marked disabled, so fail-open terms apply), destroys SAs past their
 * grace period. Returns the number of events handled.
 */
unsigned int gw_samgr_poll(struct gw_samgr *mgr, uint64_t now);

#endif /* GW_SAMGR_H */
