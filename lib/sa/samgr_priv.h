/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SAMGR_PRIV_H
#define SAMGR_PRIV_H

/* SA manager internals shared by samgr_*.c. Control thread only. */

#include "gw_samgr.h"
#include "sa_gc.h"

#define SAMGR_UNSTAMPED UINT64_MAX
#define SAMGR_NO_SLOT (-1)

/* One installed SA; its index is the low half of the SA id. */
struct samgr_entry {
	struct gw_sa *sa;		/* NULL: free */
	uint32_t gen;			/* high half of the id; bumped at delete */
	uint32_t spi;
	struct gw_owner owner;
	uint8_t dir;			/* enum gw_sa_dir */
	bool group;
	bool soft_sent;
	bool first_use;			/* GW_SA_EV_FIRST_USE still to raise */
	bool idle_sent;
	uint32_t idle_seconds;
	uint64_t created;		/* poll time, SAMGR_UNSTAMPED until the first poll */
	uint64_t last_packets;		/* idle detection */
	uint64_t last_active;
	struct gw_sa_lifetime lifetime;
	struct gw_sad_key key;		/* inbound */
	int32_t slot;			/* outbound: slot in slots (holds a reference) */
	int32_t in_slot;		/* inbound: slot in in_slots (holds a reference) */
};

/* One owner's terms on one SPD, as given (SA names in the owner's space). */
struct samgr_list {
	struct gw_owner owner;
	unsigned int n;
	struct gw_spd_term *terms;
};

/* Where a compiled term came from. */
struct samgr_origin {
	struct gw_owner owner;
	uint32_t idx;
};

struct samgr_spd {
	char ifname[GW_IFNAME_LEN];
	enum gw_sa_dir dir;
	struct gw_spd *spd;
	unsigned int nb_lists;
	struct samgr_list *lists;	/* in compile order (README) */
	unsigned int nb_compiled;
	struct samgr_origin *origin;	/* per compiled term */
};

struct samgr_owner {
	struct gw_owner owner;
	gw_ipsec_event_cb cb;
	void *arg;
};

/* Retired SA waiting for the event ring to be drained. */
struct samgr_zombie {
	struct samgr_zombie *next;
	struct gw_sa *sa;
};

/* SPI domains: (unicast | group) x (inbound | outbound). */
#define SAMGR_SPI_DOMAINS 4

struct samgr_spi_ent {
	uint64_t key;			/* domain << 32 | spi; 0 = empty (no SPI 0) */
	uint32_t refs;			/* SAs using it + 1 if reserved */
	bool reserved;
	struct gw_owner holder;		/* of the reservation */
};

struct samgr_spis {
	struct samgr_spi_ent *tab;	/* open addressing, linear probing */
	uint32_t mask;
	uint32_t nb;			/* entries in use */
	uint32_t lo, hi;		/* get_spi range */
	uint64_t used[SAMGR_SPI_DOMAINS];	/* distinct SPIs in [lo, hi] */
};

struct gw_samgr {
	const struct gw_crypto_engine *engine;
	struct rte_rcu_qsbr *rcu;
	int socket;
	struct gw_sad *sad;		/* inbound SAs (not owned) */
	struct gw_spd_slots *slots;	/* outbound SAs (not owned): protect/fail-open terms */
	struct gw_spd_slots *in_slots;	/* inbound SAs (not owned): terms of
					 * match-direction output policies */
	uint32_t *in_live;		/* per in_slot: inbound SAs naming it */
	struct sa_gc *gc;		/* retired SA objects -> zombies */
	struct rte_ring *events;
	struct samgr_entry *entries;	/* GW_SAMGR_MAX_SAS */
	uint32_t *free_idx;
	uint32_t nb_free;
	uint32_t hwm;			/* entries[hwm..] never used */
	struct samgr_spis spis;
	struct samgr_spd spds[GW_SAMGR_MAX_SPDS];
	unsigned int nb_spds;
	struct samgr_owner *owners;	/* subscriptions */
	unsigned int nb_owners;
	struct samgr_zombie *zombies;
	uint64_t now;
};

struct samgr_entry *samgr_entry(const struct gw_samgr *mgr, gw_sa_id_t id);
gw_sa_id_t samgr_id(const struct gw_samgr *mgr, const struct samgr_entry *e);
void samgr_zombies_destroy(struct samgr_zombie *list);

int samgr_spis_init(struct samgr_spis *s);
void samgr_spis_fini(struct samgr_spis *s);
unsigned int samgr_spi_domain(bool group, enum gw_sa_dir dir);
/* An SA starts / stops using spi (takes over owner's reservation). */
int samgr_spi_use(struct samgr_spis *s, unsigned int dom, uint32_t spi, struct gw_owner owner);
void samgr_spi_unuse(struct samgr_spis *s, unsigned int dom, uint32_t spi);
void samgr_spi_flush(struct samgr_spis *s, struct gw_owner owner);

const struct samgr_owner *samgr_owner_find(const struct gw_samgr *mgr, struct gw_owner owner);
int samgr_policy_flush(struct gw_samgr *mgr, struct gw_owner owner);
void samgr_spds_free(struct gw_samgr *mgr);

#endif /* SAMGR_PRIV_H */
