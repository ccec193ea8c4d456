/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_SA_H
#define GW_SA_H

/*
 * The data-plane SA object. Opaque outside lib/esp: the tables (lib/sa) store
 * pointers to it, the stages (lib/dp) hand it bursts. Per-SA choices
 * (direction, v4/v6 tunnel, group/TBAR, ESN, algorithm) are fixed at create
 * time by picking burst functions and precomputed templates.
 */

#include <stdint.h>
#include <stdbool.h>
#include <rte_mbuf.h>

#include "gw_conf.h"
#include "gw_crypto.h"

struct gw_sa;

/* Counters per SA, per lcore; summed by gw_sa_stats(). */
struct gw_sa_stats {
	uint64_t packets;
	uint64_t bytes;		/* plaintext (inner) bytes */
	uint64_t drops[GW_DROP_MAX];
};

/*
 * Build an SA from its configuration with the given engine (session created
 * here, on the calling thread). socket: NUMA node for the allocation.
 * Returns NULL and sets errno (EINVAL bad parameters, ENOTSUP algorithm
 * not supported by the engine, ENOMEM).
 */
struct gw_sa *gw_sa_create(const struct gw_conf_sa *conf,
			   const struct gw_crypto_engine *engine, int socket);
/* Free it, wiping key material. Only after an RCU grace period. */
void gw_sa_destroy(struct gw_sa *sa);

uint32_t gw_sa_spi(const struct gw_sa *sa);			/* host order */
enum gw_sa_dir gw_sa_direction(const struct gw_sa *sa);
bool gw_sa_is_group(const struct gw_sa *sa);
const char *gw_sa_name(const struct gw_sa *sa);
const struct gw_conf_sa *gw_sa_conf(const struct gw_sa *sa);
/* Summed over lcores. */
void gw_sa_stats(const struct gw_sa *sa, struct gw_sa_stats *out);

#endif /* GW_SA_H */
