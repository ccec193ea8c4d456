/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SAMGR_PRIV_H
#define SAMGR_PRIV_H

/* SA manager internals shared by samgr_*.c. Control thread only. */

#include <rte_hash.h>

#include "gw_samgr.h"

#define SAMGR_UNSTAMPED UINT64_MAX

struct samgr_entry {
	bool used;
	bool soft_sent;
	struct gw_conf_sa conf;		/* as installed; compared byte for byte */
	struct gw_sa *sa;
	uint64_t created;		/* poll time, SAMGR_UNSTAMPED until the first poll */
	struct gw_sad_key key;		/* inbound */
	int slot;			/* outbound: slot index (holds a reference) */
	int in_slot;			/* inbound: slot in in_slots (holds a reference) */
};

struct samgr_spd {
	char ifname[GW_IFNAME_LEN];
	enum gw_sa_dir dir;
	struct gw_spd *spd;
	unsigned int nb_terms;
	struct gw_conf_term *terms;	/* copy of what is compiled */
};

/* Retired SA waiting for the event ring to be drained. */
struct samgr_zombie {
	struct samgr_zombie *next;
	struct gw_sa *sa;
};

struct gw_samgr {
	const struct gw_crypto_engine *engine;
	struct rte_rcu_qsbr *rcu;
	int socket;
	struct gw_sad *sad;
	struct gw_spd_slots *slots;	/* outbound SAs, owned: protect/fail-open terms */
	struct gw_spd_slots *in_slots;	/* inbound SAs, not owned (the SAD owns them):
					 * terms of match-direction output policies */
	struct rte_ring *events;
	struct rte_hash *by_name;	/* name -> entry index */
	struct samgr_entry *entries;
	uint32_t *free_idx;
	uint32_t nb_free;
	struct samgr_spd spds[GW_SAMGR_MAX_SPDS];
	unsigned int nb_spds;
	struct samgr_zombie *zombies;
	uint64_t now;
	gw_samgr_event_cb cb;
	void *cb_arg;
};

struct samgr_entry *samgr_entry(const struct gw_samgr *mgr, const char *name);
void samgr_zombie_add(struct gw_sa *sa, void *arg);
void samgr_zombies_destroy(struct samgr_zombie *list);

#endif /* SAMGR_PRIV_H */
