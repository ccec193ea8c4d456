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
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "gw_crypto.h"
#include "gw_sa_params.h"
#include "gw_stats.h"

struct gw_sa;

/* Counters per SA, per lcore; summed by gw_sa_stats(). */
struct gw_sa_stats {
	uint64_t packets;
	uint64_t bytes;		/* plaintext (inner) bytes */
	uint64_t drops[GW_DROP_MAX];
};

/*
 * Build an SA from its parameters with the given engine (session created
 * here, on the calling thread). socket: NUMA node for the allocation.
 * Returns NULL and sets errno (EINVAL bad parameters, ENOTSUP algorithm
 * not supported by the engine, ENOMEM).
 */
struct gw_sa *gw_sa_create(const struct gw_sa_params *params,
			   const struct gw_crypto_engine *engine, int socket);
/* Free it, wiping key material. Only after an RCU grace period. */
void gw_sa_destroy(struct gw_sa *sa);

/*
 * Bytes at the start of the object the fast path reads first (its hot,
 * read-only fields; esp_priv.h checks they fit). gw_sa_prefetch() starts
 * loading them, for a caller that finds many SAs before it uses them.
 */
#define GW_SA_HOT_BYTES 192

static inline void
gw_sa_prefetch(const struct gw_sa *sa)
{
	for (unsigned int off = 0; off < GW_SA_HOT_BYTES; off += RTE_CACHE_LINE_SIZE)
		rte_prefetch0((const uint8_t *)sa + off);
}

uint32_t gw_sa_spi(const struct gw_sa *sa);			/* host order */
enum gw_sa_dir gw_sa_direction(const struct gw_sa *sa);
bool gw_sa_is_group(const struct gw_sa *sa);
const char *gw_sa_name(const struct gw_sa *sa);		/* the params' label */
/* The parameters it was built from, key bytes wiped. */
const struct gw_sa_params *gw_sa_params(const struct gw_sa *sa);
/*
 * An opaque 64-bit tag the owner of the object (the SA manager: its SA id)
 * sets before publishing it; copied into every event the SA raises.
 */
void gw_sa_set_tag(struct gw_sa *sa, uint64_t tag);
uint64_t gw_sa_tag(const struct gw_sa *sa);
/* Summed over lcores. */
void gw_sa_stats(const struct gw_sa *sa, struct gw_sa_stats *out);

/*
 * Events for the control plane. Workers raise them with a multi-producer
 * enqueue on the ring set below (created by the control thread with
 * rte_ring_create_elem(name, sizeof(struct gw_sa_event), count, socket,
 * RING_F_SC_DEQ)); the control thread dequeues with rte_ring_sc_dequeue_elem.
 * A full ring or no ring loses the event; each event is raised once per SA
 * (sequence exhaustion by the first worker that sees it).
 */
struct gw_sa_event {
	uint32_t type;			/* enum gw_sa_event_type */
	uint32_t spi;			/* host order */
	uint8_t dir;			/* enum gw_sa_dir */
	uint8_t group;
	uint16_t lcore;			/* raising lcore, LCORE_ID_ANY as 0xffff */
	uint32_t reserved;
	const struct gw_sa *sa;		/* identity only: the SA may be gone */
	uint64_t tag;			/* gw_sa_set_tag() of the SA */
	uint64_t value;			/* seconds, kbytes or sequence number */
};

/* Set (or clear with NULL) the event ring. */
void gw_sa_set_event_ring(struct rte_ring *ring);

/*
 * Control thread, periodically (e.g. once a second): compares the SA's age
 * (now_sec - creation time) and summed byte counters with the soft/hard
 * lifetimes of its parameters, raises the events once, and on the hard
 * limit marks the SA dead (the data path then drops its packets with
 * SA_EXPIRED). Returns 0, or 1 when the SA is dead.
 */
int gw_sa_lifetime_poll(struct gw_sa *sa, uint64_t now_sec);
/* Stop the SA now (hard expiry decided elsewhere, delete payload). */
void gw_sa_kill(struct gw_sa *sa);
bool gw_sa_is_dead(const struct gw_sa *sa);

/*
 * Sizes for the caller's MTU decision (fragmentation before encryption is
 * the caller's job). gw_sa_tunnel_mtu: the largest inner packet the SA sends
 * unfragmented (configured tunnel-mtu, default 1500). gw_sa_overhead: bytes
 * ESP adds to an inner packet of inner_len (outer IP, UDP, ESP header, IV,
 * D3P header, padding, trailer, ICV); for a group SA the outer family is
 * the inner one, given by inner_v6.
 */
uint16_t gw_sa_tunnel_mtu(const struct gw_sa *sa);
/* Fragmentation choices of the slow path (lib/dp): clear-df and passive mode. */
bool gw_sa_clear_df(const struct gw_sa *sa);
bool gw_sa_passive(const struct gw_sa *sa);
uint32_t gw_sa_overhead(const struct gw_sa *sa, uint32_t inner_len, bool inner_v6);

/* Show helpers. */
uint32_t gw_sa_replay_window(const struct gw_sa *sa);	/* effective, 0 = off */
uint64_t gw_sa_seq_out(const struct gw_sa *sa);		/* unicast: last used */

#endif /* GW_SA_H */
