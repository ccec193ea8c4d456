/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_SAMGR_H
#define GW_SAMGR_H

/*
 * SA manager: the one writer of the lock-free tables, protocol-neutral.
 * Every SA and policy term has an owner (gw_install.h): the configuration
 * (lib/apply), a GDOI group, an IKE SA. SAs are named by generation-checked
 * ids; inbound SAs go into the SAD (unicast: SPI + local tunnel address;
 * group: SPI only), outbound SAs are bound to the SPD slot of their owner's
 * binding name. Policies are per owner, interface and match-direction; the
 * SPD of an (interface, direction) compiles all owners' terms (order in
 * README.md). SA objects retired from a table are destroyed only after an
 * RCU grace period *and* after the event ring was drained (see README).
 * Control thread only.
 */

#include <stdbool.h>
#include <stdint.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "gw_crypto.h"
#include "gw_install.h"
#include "gw_sa.h"
#include "gw_sad.h"
#include "gw_spd.h"

struct gw_samgr;

#define GW_SAMGR_MAX_SAS 131072		/* SAs installed at once (>= 100,000) */
#define GW_SAMGR_MAX_SPDS 64		/* (interface, direction) pairs */
#define GW_SAMGR_MAX_OWNERS 4096	/* owners with terms or a subscription */
#define GW_SAMGR_EVENT_RING 16384

/*
 * Creates the SAD, the SA slots and the event ring (registered with
 * gw_sa_set_event_ring). rcu: the workers' QSBR variable. NULL + errno.
 */
struct gw_samgr *gw_samgr_create(const struct gw_crypto_engine *engine,
				 struct rte_rcu_qsbr *rcu, int socket);
/* After the workers stopped using the tables. */
void gw_samgr_free(struct gw_samgr *mgr);

/* The install interface backed by this manager (ctx = mgr). */
void gw_samgr_install(struct gw_samgr *mgr, struct gw_install *out);

/* ---- SAs ---- */

/* 0 + *id, or -EINVAL, -ENOSPC, -ENOMEM, -ENOTSUP (gw_sa_create), -EEXIST (same SAD key). */
int gw_samgr_sa_add(struct gw_samgr *mgr, struct gw_owner owner, const struct gw_sa_spec *spec,
		    gw_sa_id_t *id);
/*
 * New SA object for an id (same owner): readers see the old or the new one.
 * A new SPI or address adds the new key before the old one goes. -ENOENT.
 */
int gw_samgr_sa_update(struct gw_samgr *mgr, gw_sa_id_t id, const struct gw_sa_spec *spec);
int gw_samgr_sa_del(struct gw_samgr *mgr, gw_sa_id_t id);
/* The running object (control thread use), or NULL for a stale id. */
struct gw_sa *gw_samgr_sa_get(const struct gw_samgr *mgr, gw_sa_id_t id);
int gw_samgr_sa_owner(const struct gw_samgr *mgr, gw_sa_id_t id, struct gw_owner *owner);
int gw_samgr_sa_stats(const struct gw_samgr *mgr, gw_sa_id_t id, struct gw_sa_stats *out);
/* Walk the installed SAs: *next starts at 0. 0 + *id, or -ENOENT at the end. */
int gw_samgr_sa_next(const struct gw_samgr *mgr, uint32_t *next, gw_sa_id_t *id);
unsigned int gw_samgr_count(const struct gw_samgr *mgr);
unsigned int gw_samgr_owner_count(const struct gw_samgr *mgr, struct gw_owner owner);

/* ---- SPIs ---- */

/* See gw_install_ops.get_spi. */
int gw_samgr_spi_get(struct gw_samgr *mgr, struct gw_owner owner, bool group,
		     enum gw_sa_dir dir, uint32_t *spi);
int gw_samgr_spi_release(struct gw_samgr *mgr, struct gw_owner owner, bool group,
			 enum gw_sa_dir dir, uint32_t spi);
/* Narrow the range get_spi draws from (tests): 256 <= lo <= hi. */
int gw_samgr_spi_range(struct gw_samgr *mgr, uint32_t lo, uint32_t hi);

/* ---- Policies ---- */

/* See gw_install_ops.set_policy: -E2BIG past GW_SPD_MAX_TERMS in the union. */
int gw_samgr_policy_set(struct gw_samgr *mgr, struct gw_owner owner, const char *ifname,
			enum gw_sa_dir dir, const struct gw_spd_term *terms, unsigned int n);
/* The owner's terms on (ifname, dir) as installed; *n = 0 if none. */
const struct gw_spd_term *gw_samgr_policy_get(const struct gw_samgr *mgr,
					      struct gw_owner owner, const char *ifname,
					      enum gw_sa_dir dir, unsigned int *n);
/* Hits of the owner's term (0-based in its own list), carried across rebuilds. */
int gw_samgr_policy_hits(const struct gw_samgr *mgr, struct gw_owner owner,
			 const char *ifname, enum gw_sa_dir dir, unsigned int term,
			 uint64_t *hits);
/* Group key server unreachable and the like: fail-open terms take over. */
int gw_samgr_set_disabled(struct gw_samgr *mgr, struct gw_owner owner, enum gw_sa_dir dir,
			  const char *bind, bool disabled);
/*
 * The SPD slot name of an owner's binding (what its terms compile to): the
 * name itself for the configuration, "<owner>/<name>" for the others, so
 * that owners never reach each other's SAs. -ENAMETOOLONG, -EINVAL.
 */
int gw_samgr_slot_name(struct gw_owner owner, const char *bind, char *out, size_t len);

/* ---- Owners ---- */

/* Delete every SA, reservation and term of the owner, drop its subscription. */
int gw_samgr_flush(struct gw_samgr *mgr, struct gw_owner owner);
/*
 * The configuration that made the owner is gone (a group or gateway
 * removed): its subscriber gets GW_IPSEC_EV_OWNER_REMOVED (to tear down
 * its sessions cleanly), then whatever it still owns is flushed.
 */
int gw_samgr_owner_removed(struct gw_samgr *mgr, struct gw_owner owner);
int gw_samgr_subscribe(struct gw_samgr *mgr, struct gw_owner owner, gw_ipsec_event_cb cb,
		       void *arg);
/* "config", "gdoi-3", "ike-12", "test-0" */
void gw_owner_format(struct gw_owner owner, char *buf, size_t len);

/* ---- Tables for lib/dp ---- */

/*
 * The SPD for an interface and direction; stable for the manager's life
 * (created empty on first use). NULL + errno.
 */
struct gw_spd *gw_samgr_spd(struct gw_samgr *mgr, const char *ifname, enum gw_sa_dir dir);
struct gw_sad *gw_samgr_sad(const struct gw_samgr *mgr);
struct gw_spd_slots *gw_samgr_slots(const struct gw_samgr *mgr);
struct rte_ring *gw_samgr_event_ring(const struct gw_samgr *mgr);

/*
 * Periodic control-thread work (e.g. every second), now in seconds from any
 * fixed origin (an SA's age counts from the first poll after its install):
 * reclaims retired objects, drains the event ring, checks lifetimes (seconds
 * and kilobytes from gw_sa_stats), first use and idleness, hands events to
 * the owner's subscriber, deletes an SA at its hard lifetime or sequence
 * exhaustion (an outbound group SA's slot is also marked disabled, so
 * fail-open terms apply), destroys SAs past their grace period. Returns the
 * number of events handled.
 */
unsigned int gw_samgr_poll(struct gw_samgr *mgr, uint64_t now);

#endif /* GW_SAMGR_H */
