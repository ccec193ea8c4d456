/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_NEIGH_H
#define GW_NEIGH_H

/*
 * Neighbour table (ARP and IPv6 ND cache) keyed by {port, family, address}.
 *
 * rte_hash with RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF: workers look up
 * without locks, the control thread is the only writer. The hash value is an
 * index into a fixed array of 64-bit words holding MAC (low 48 bits) and state
 * (bits 48-55), stored and loaded atomically: a reader never sees a torn MAC.
 * A deleted entry's index is reused only after an RCU grace period
 * (rte_hash_rcu_qsbr_add frees the key slot and calls us back).
 *
 * Workers that find no entry for a next hop post the key to a multi-producer
 * ring; the control thread (gw_neigh_process()) creates an INCOMPLETE entry
 * and sends an ARP request / neighbour solicitation. Learning, ageing (20 min
 * like Junos' default arp aging-timer, with a refresh request shortly before)
 * and retries are the control thread's.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "gw_addr.h"
#include "gw_common.h"
#include "gw_stats.h"

enum gw_neigh_state {
	GW_NEIGH_NONE = 0,
	GW_NEIGH_INCOMPLETE,	/* request sent, no answer yet */
	GW_NEIGH_REACHABLE,	/* learned */
	GW_NEIGH_STATIC,	/* configured; never ages */
};

struct gw_neigh_key {
	uint16_t port;
	uint8_t family;		/* AF_INET / AF_INET6 */
	uint8_t pad;		/* zero */
	uint8_t ip[16];		/* IPv4 in the first 4 bytes, rest zero */
};

#define GW_NEIGH_STATE_SHIFT 48
#define GW_NEIGH_MAC_MASK ((UINT64_C(1) << 48) - 1)

struct gw_neigh_ctl;

#define GW_NEIGH_MAX_PORT_ADDRS 8	/* addresses per port gw_neigh_port_set() takes */

struct gw_neigh_table {
	struct rte_hash *hash;		/* key -> (void *)(index + 1) */
	const uint64_t *words;		/* mac | state << 48, per index */
	struct rte_ring *miss;		/* workers -> control: unresolved keys */
	struct gw_neigh_ctl *ctl;	/* writer side, opaque */
};

struct gw_neigh_params {
	uint32_t max_entries;	/* default 4096 */
	uint32_t miss_ring;	/* default 1024 */
	uint32_t age_s;		/* default 1200 (20 min) */
	uint32_t retrans_ms;	/* default 1000 */
	uint32_t retries;	/* default 3 */
};

/* Control-thread transmit of a built request; consumes m in every case. */
typedef int (*gw_neigh_tx_fn)(uint16_t port, struct rte_mbuf *m, void *arg);

/* NULL params: defaults. qsbr may be NULL without concurrent readers. NULL + errno. */
struct gw_neigh_table *gw_neigh_table_create(const char *name, int socket_id,
					     const struct gw_neigh_params *params,
					     struct rte_rcu_qsbr *qsbr);
void gw_neigh_table_free(struct gw_neigh_table *t);

/*
 * Port identity for requests: its MAC and its addresses (the source of a
 * request is the port address in the target's subnet, else the first of the
 * family). Control thread.
 */
int gw_neigh_port_set(struct gw_neigh_table *t, uint16_t port, const struct rte_ether_addr *mac,
		      const struct gw_prefix *addrs, unsigned int nb_addrs);
/* Where requests go: pool to allocate from, transmit function. */
void gw_neigh_set_tx(struct gw_neigh_table *t, struct rte_mempool *pool, gw_neigh_tx_fn tx,
		     void *arg);

void gw_neigh_key_make(struct gw_neigh_key *k, uint16_t port, const struct gw_ipaddr *ip);

/* Static entry (replaces any dynamic one). 0, -EINVAL, -ENOSPC. */
int gw_neigh_add_static(struct gw_neigh_table *t, uint16_t port, const struct gw_ipaddr *ip,
			const struct rte_ether_addr *mac);
/* Delete any entry. 0 or -ENOENT. */
int gw_neigh_del(struct gw_neigh_table *t, uint16_t port, const struct gw_ipaddr *ip);

/*
 * Learn (ip, mac) seen on port from ARP or ND. With create false only an
 * existing entry is updated (RFC 826 "merge", gratuitous ARP, unsolicited
 * NA); with create true a new REACHABLE entry is made. Static entries are
 * never overwritten (-EPERM). Returns 0, -ENOENT, -EPERM, -EINVAL, -ENOSPC.
 */
int gw_neigh_learn(struct gw_neigh_table *t, uint16_t port, const struct gw_ipaddr *ip,
		   const struct rte_ether_addr *mac, bool create, uint64_t now);

/*
 * Replacing the static entries as a whole (a configuration commit):
 * gw_neigh_sync_begin() marks every static entry stale, gw_neigh_add_static()
 * adds or keeps one (no longer stale), gw_neigh_sync_end() deletes the static
 * entries still stale and returns how many. Dynamic entries stay. Control thread.
 */
void gw_neigh_sync_begin(struct gw_neigh_table *t);
unsigned int gw_neigh_sync_end(struct gw_neigh_table *t);

/*
 * Control thread, periodically (e.g. every 100 ms) with the TSC: drain the
 * miss ring (new INCOMPLETE entries, requests sent), retransmit requests for
 * INCOMPLETE entries and drop them after the retries, refresh REACHABLE
 * entries near the end of their life and age them out. Returns the number of
 * requests sent.
 */
unsigned int gw_neigh_process(struct gw_neigh_table *t, uint64_t now);

/* Visit entries ("show arp", "show ipv6 neighbors"). cb returns non-zero to stop. */
typedef int (*gw_neigh_walk_cb)(const struct gw_neigh_key *key, enum gw_neigh_state state,
				const struct rte_ether_addr *mac, uint64_t last_seen, void *arg);
int gw_neigh_walk(const struct gw_neigh_table *t, gw_neigh_walk_cb cb, void *arg);
const char *gw_neigh_state_name(enum gw_neigh_state s);

/* Single lookup (any thread): state, and the MAC when resolved. */
enum gw_neigh_state gw_neigh_lookup(const struct gw_neigh_table *t, uint16_t port,
				    const struct gw_ipaddr *ip, struct rte_ether_addr *mac);

/* ---- fast path ---- */

static inline bool
gw_neigh_word_resolved(uint64_t w)
{
	uint8_t s = (uint8_t)(w >> GW_NEIGH_STATE_SHIFT);

	return s == GW_NEIGH_REACHABLE || s == GW_NEIGH_STATIC;
}

/*
 * Look up n (<= GW_MAX_BURST) keys. For each resolved key, its MAC goes to
 * macs[i] and bit i of the returned mask is set. Keys with no entry at all
 * are posted to the miss ring (dropped silently when it is full); keys with
 * an INCOMPLETE entry are not (the control thread retries on its own).
 */
static inline uint64_t
gw_neigh_lookup_bulk(const struct gw_neigh_table *t, const struct gw_neigh_key **keys,
		     unsigned int n, struct rte_ether_addr *macs)
{
	void *data[GW_MAX_BURST];
	uint64_t hit = 0, ok = 0;
	unsigned int i;

	if (n == 0)
		return 0;
	rte_hash_lookup_bulk_data(t->hash, (const void **)keys, n, &hit, data);
	for (i = 0; i < n; i++) {
		uint64_t w;

		if (!(hit & (UINT64_C(1) << i))) {
			rte_ring_mp_enqueue_elem(t->miss, (void *)(uintptr_t)keys[i],
						 sizeof(struct gw_neigh_key));
			continue;
		}
		w = __atomic_load_n(&t->words[(uintptr_t)data[i] - 1], __ATOMIC_ACQUIRE);
		if (!gw_neigh_word_resolved(w))
			continue;
		w = rte_cpu_to_le_64(w);
		memcpy(&macs[i], &w, RTE_ETHER_ADDR_LEN);
		ok |= UINT64_C(1) << i;
	}
	return ok;
}

/*
 * L2 rewrite of a routed burst: for every packet with meta->drop ==
 * GW_DROP_NONE and action FORWARD, look up {meta->out_port, meta->nh4/nh6}
 * and write the Ethernet destination (source: port_macs[out_port]) into the
 * 14-byte header at the start of the data. Unresolved packets get
 * GW_DROP_NEIGH_UNRESOLVED. Nothing is moved or freed.
 */
static inline void
gw_neigh_resolve_burst(const struct gw_neigh_table *t, struct rte_mbuf **pkts, unsigned int n,
		       const struct rte_ether_addr *port_macs)
{
	struct gw_neigh_key kb[GW_MAX_BURST];
	const struct gw_neigh_key *keys[GW_MAX_BURST];
	struct rte_ether_addr macs[GW_MAX_BURST];
	uint16_t idx[GW_MAX_BURST];
	unsigned int i, k = 0;
	uint64_t ok;

	for (i = 0; i < n; i++) {
		struct gw_meta *meta = gw_meta(pkts[i]);
		struct gw_neigh_key *key = &kb[k];

		if (meta->drop != GW_DROP_NONE || meta->action == GW_ACT_LOCAL)
			continue;
		memset(key, 0, sizeof(*key));
		key->port = meta->out_port;
		if (meta->l3 == GW_L3_IPV4) {
			key->family = AF_INET;
			memcpy(key->ip, &meta->nh4, 4);
		} else {
			key->family = AF_INET6;
			memcpy(key->ip, meta->nh6, 16);
		}
		keys[k] = key;
		idx[k++] = (uint16_t)i;
	}
	ok = gw_neigh_lookup_bulk(t, keys, k, macs);
	for (i = 0; i < k; i++) {
		struct rte_mbuf *m = pkts[idx[i]];
		struct rte_ether_hdr *eth;

		if (!(ok & (UINT64_C(1) << i))) {
			gw_meta(m)->drop = GW_DROP_NEIGH_UNRESOLVED;
			continue;
		}
		eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		eth->dst_addr = macs[i];
		eth->src_addr = port_macs[gw_meta(m)->out_port];
	}
}

#endif /* GW_NEIGH_H */
