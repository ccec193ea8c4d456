/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour table, writer side (control thread only): entries, learning,
 * requests, ageing. See gw_neigh.h for the concurrency scheme.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "gw_log.h"
#include "gw_arp.h"
#include "gw_nd.h"
#include "gw_neigh.h"

#define NEIGH_DEF_ENTRIES 4096
#define NEIGH_DEF_RING 1024
#define NEIGH_DEF_AGE_S 1200
#define NEIGH_DEF_RETRANS_MS 1000
#define NEIGH_DEF_RETRIES 3
#define NEIGH_REFRESH_S 30	/* refresh request this long before ageing out */

struct neigh_port {
	bool set;
	struct rte_ether_addr mac;
	unsigned int nb_addrs;
	struct gw_prefix addrs[GW_NEIGH_MAX_PORT_ADDRS];
};

struct neigh_entry {		/* writer-only companion of words[i] */
	struct gw_neigh_key key;
	bool used;
	bool mark;		/* sync: static entry not (yet) in the new set */
	uint8_t retries;
	uint64_t last_seen;
	uint64_t last_request;
};

struct gw_neigh_ctl {
	struct rte_rcu_qsbr *qsbr;
	uint64_t *words;
	struct neigh_entry *e;
	uint32_t *free_idx;
	uint32_t nb_free;
	uint32_t max;
	uint64_t age, refresh, retrans;	/* TSC cycles */
	uint32_t retries;
	struct neigh_port ports[GW_MAX_PORTS];
	struct rte_mempool *pool;
	gw_neigh_tx_fn tx;
	void *tx_arg;
};

const char *
gw_neigh_state_name(enum gw_neigh_state s)
{
	static const char *const names[] = {
		[GW_NEIGH_NONE] = "none", [GW_NEIGH_INCOMPLETE] = "incomplete",
		[GW_NEIGH_REACHABLE] = "reachable", [GW_NEIGH_STATIC] = "permanent",
	};

	return (unsigned int)s < RTE_DIM(names) ? names[s] : "?";
}

static uint64_t
word_make(const struct rte_ether_addr *mac, enum gw_neigh_state s)
{
	uint64_t w = 0;

	if (mac != NULL)
		memcpy(&w, mac, RTE_ETHER_ADDR_LEN);
	return (rte_le_to_cpu_64(w) & GW_NEIGH_MAC_MASK) | (uint64_t)s << GW_NEIGH_STATE_SHIFT;
}

static enum gw_neigh_state
word_state(uint64_t w)
{
	return (enum gw_neigh_state)(uint8_t)(w >> GW_NEIGH_STATE_SHIFT);
}

static void
word_mac(uint64_t w, struct rte_ether_addr *mac)
{
	w = rte_cpu_to_le_64(w);
	memcpy(mac, &w, RTE_ETHER_ADDR_LEN);
}

/* rte_hash calls this once the deleted key's grace period is over. */
static void
neigh_free_cb(void *p, void *key_data)
{
	struct gw_neigh_ctl *c = p;

	c->free_idx[c->nb_free++] = (uint32_t)((uintptr_t)key_data - 1);
}

struct gw_neigh_table *
gw_neigh_table_create(const char *name, int socket_id, const struct gw_neigh_params *params,
		      struct rte_rcu_qsbr *qsbr)
{
	struct gw_neigh_params p = {
		NEIGH_DEF_ENTRIES, NEIGH_DEF_RING, NEIGH_DEF_AGE_S, NEIGH_DEF_RETRANS_MS,
		NEIGH_DEF_RETRIES,
	};
	char n[RTE_MEMZONE_NAMESIZE];
	struct gw_neigh_table *t;
	struct gw_neigh_ctl *c;
	uint64_t hz = rte_get_tsc_hz();
	uint32_t i;
	int err = ENOMEM;

	if (name == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (params != NULL) {
		p.max_entries = params->max_entries ? params->max_entries : p.max_entries;
		p.miss_ring = params->miss_ring ? params->miss_ring : p.miss_ring;
		p.age_s = params->age_s ? params->age_s : p.age_s;
		p.retrans_ms = params->retrans_ms ? params->retrans_ms : p.retrans_ms;
		p.retries = params->retries ? params->retries : p.retries;
	}
	t = rte_zmalloc_socket("gw_neigh", sizeof(*t), RTE_CACHE_LINE_SIZE, socket_id);
	c = calloc(1, sizeof(*c));
	if (t == NULL || c == NULL) {
		rte_free(t);
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	t->ctl = c;
	c->qsbr = qsbr;
	/*
	 * Indexes (and hash slots) for twice the nominal entries: a deleted
	 * entry's index stays in the RCU defer queue for a grace period, and
	 * 22.11 has no call to reclaim that queue on demand.
	 */
	c->max = 2 * p.max_entries;
	c->age = hz * p.age_s;
	c->refresh = p.age_s > 2 * NEIGH_REFRESH_S ? hz * (p.age_s - NEIGH_REFRESH_S) : c->age / 2;
	c->retrans = hz * p.retrans_ms / 1000;
	c->retries = p.retries;
	c->words = rte_zmalloc_socket("gw_neigh_w", sizeof(uint64_t) * c->max,
				      RTE_CACHE_LINE_SIZE, socket_id);
	c->e = calloc(c->max, sizeof(*c->e));
	c->free_idx = calloc(c->max, sizeof(*c->free_idx));
	if (c->words == NULL || c->e == NULL || c->free_idx == NULL)
		goto fail;
	t->words = c->words;
	for (i = 0; i < c->max; i++)
		c->free_idx[i] = c->max - 1 - i;
	c->nb_free = c->max;

	snprintf(n, sizeof(n), "%s_h", name);
	/* Spare slots: a lock-free cuckoo table must not fill its buckets. */
	t->hash = rte_hash_create(&(struct rte_hash_parameters){
		.name = n, .entries = 2 * c->max, .key_len = sizeof(struct gw_neigh_key),
		.hash_func = rte_jhash, .socket_id = socket_id,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF });
	if (t->hash == NULL)
		goto dpdk_fail;
	snprintf(n, sizeof(n), "%s_miss", name);
	t->miss = rte_ring_create_elem(n, sizeof(struct gw_neigh_key), p.miss_ring, socket_id,
				       RING_F_SC_DEQ);
	if (t->miss == NULL)
		goto dpdk_fail;
	if (qsbr != NULL) {
		struct rte_hash_rcu_config rc = {
			.v = qsbr, .mode = RTE_HASH_QSBR_MODE_DQ,
			.trigger_reclaim_limit = 1,	/* reclaim on every delete */
			.key_data_ptr = c, .free_key_data_func = neigh_free_cb,
		};

		if (rte_hash_rcu_qsbr_add(t->hash, &rc) != 0)
			goto dpdk_fail;
	}
	return t;

dpdk_fail:
	err = rte_errno ? rte_errno : ENOMEM;
	GW_LOG(database, ERR, "neighbour table %s: %s", name, rte_strerror(err));
fail:
	gw_neigh_table_free(t);
	errno = err;
	return NULL;
}

void
gw_neigh_table_free(struct gw_neigh_table *t)
{
	struct gw_neigh_ctl *c;

	if (t == NULL)
		return;
	c = t->ctl;
	rte_hash_free(t->hash);
	rte_ring_free(t->miss);
	if (c != NULL) {
		rte_free(c->words);
		free(c->e);
		free(c->free_idx);
		free(c);
	}
	rte_free(t);
}

void
gw_neigh_key_make(struct gw_neigh_key *k, uint16_t port, const struct gw_ipaddr *ip)
{
	memset(k, 0, sizeof(*k));
	k->port = port;
	k->family = ip->family;
	memcpy(k->ip, &ip->v6, ip->family == AF_INET ? 4 : 16);
}

int
gw_neigh_port_set(struct gw_neigh_table *t, uint16_t port, const struct rte_ether_addr *mac,
		  const struct gw_prefix *addrs, unsigned int nb_addrs)
{
	struct neigh_port *np;

	if (t == NULL || port >= GW_MAX_PORTS || mac == NULL ||
	    nb_addrs > GW_NEIGH_MAX_PORT_ADDRS)
		return -EINVAL;
	np = &t->ctl->ports[port];
	np->set = true;
	np->mac = *mac;
	np->nb_addrs = nb_addrs;
	if (nb_addrs != 0)
		memcpy(np->addrs, addrs, nb_addrs * sizeof(*addrs));
	return 0;
}

void
gw_neigh_set_tx(struct gw_neigh_table *t, struct rte_mempool *pool, gw_neigh_tx_fn tx, void *arg)
{
	t->ctl->pool = pool;
	t->ctl->tx = tx;
	t->ctl->tx_arg = arg;
}

static int
neigh_find(const struct gw_neigh_table *t, const struct gw_neigh_key *k, uint32_t *idx)
{
	void *data;

	if (rte_hash_lookup_data(t->hash, k, &data) < 0)
		return -ENOENT;
	*idx = (uint32_t)((uintptr_t)data - 1);
	return 0;
}

static int
neigh_insert(struct gw_neigh_table *t, const struct gw_neigh_key *k, uint64_t word, uint32_t *idx)
{
	struct gw_neigh_ctl *c = t->ctl;
	int ret;

	if (c->nb_free == 0)
		return -ENOSPC;
	*idx = c->free_idx[--c->nb_free];
	memset(&c->e[*idx], 0, sizeof(c->e[*idx]));
	c->e[*idx].key = *k;
	c->e[*idx].used = true;
	__atomic_store_n(&c->words[*idx], word, __ATOMIC_RELEASE);
	ret = rte_hash_add_key_data(t->hash, k, (void *)(uintptr_t)(*idx + 1));
	if (ret != 0) {
		c->e[*idx].used = false;
		c->free_idx[c->nb_free++] = *idx;
		return ret == -ENOSPC ? -ENOSPC : -EINVAL;
	}
	return 0;
}

static void
neigh_remove(struct gw_neigh_table *t, uint32_t idx)
{
	struct gw_neigh_ctl *c = t->ctl;
	int32_t pos;

	__atomic_store_n(&c->words[idx], 0, __ATOMIC_RELEASE);
	c->e[idx].used = false;
	pos = rte_hash_del_key(t->hash, &c->e[idx].key);
	if (c->qsbr == NULL && pos >= 0) {
		/* No concurrent readers: the slot and the index are free at once. */
		rte_hash_free_key_with_position(t->hash, pos);
		c->free_idx[c->nb_free++] = idx;
	}
}

static bool
ip_valid(const struct gw_ipaddr *ip)
{
	return ip != NULL && (ip->family == AF_INET || ip->family == AF_INET6);
}

int
gw_neigh_add_static(struct gw_neigh_table *t, uint16_t port, const struct gw_ipaddr *ip,
		    const struct rte_ether_addr *mac)
{
	struct gw_neigh_key k;
	uint32_t idx;

	if (t == NULL || !ip_valid(ip) || mac == NULL || !rte_is_valid_assigned_ether_addr(mac))
		return -EINVAL;
	gw_neigh_key_make(&k, port, ip);
	if (neigh_find(t, &k, &idx) == 0) {
		__atomic_store_n(&t->ctl->words[idx], word_make(mac, GW_NEIGH_STATIC),
				 __ATOMIC_RELEASE);
		t->ctl->e[idx].mark = false;
		return 0;
	}
	return neigh_insert(t, &k, word_make(mac, GW_NEIGH_STATIC), &idx);
}

int
gw_neigh_del(struct gw_neigh_table *t, uint16_t port, const struct gw_ipaddr *ip)
{
	struct gw_neigh_key k;
	uint32_t idx;

	if (t == NULL || !ip_valid(ip))
		return -EINVAL;
	gw_neigh_key_make(&k, port, ip);
	if (neigh_find(t, &k, &idx) != 0)
		return -ENOENT;
	neigh_remove(t, idx);
	return 0;
}

int
gw_neigh_learn(struct gw_neigh_table *t, uint16_t port, const struct gw_ipaddr *ip,
	       const struct rte_ether_addr *mac, bool create, uint64_t now)
{
	struct gw_neigh_ctl *c;
	struct gw_neigh_key k;
	uint32_t idx;
	uint64_t w;
	int ret;

	if (t == NULL || !ip_valid(ip) || mac == NULL || !rte_is_valid_assigned_ether_addr(mac))
		return -EINVAL;
	c = t->ctl;
	gw_neigh_key_make(&k, port, ip);
	if (neigh_find(t, &k, &idx) == 0) {
		w = __atomic_load_n(&c->words[idx], __ATOMIC_RELAXED);
		if (word_state(w) == GW_NEIGH_STATIC)
			return -EPERM;
		if (w != word_make(mac, GW_NEIGH_REACHABLE)) {
			struct rte_ether_addr old;

			word_mac(w, &old);
			if (word_state(w) == GW_NEIGH_REACHABLE)
				GW_LOG(database, INFO, "neighbour on port %u moved to a new MAC "
				       RTE_ETHER_ADDR_PRT_FMT, port, RTE_ETHER_ADDR_BYTES(mac));
			__atomic_store_n(&c->words[idx], word_make(mac, GW_NEIGH_REACHABLE),
					 __ATOMIC_RELEASE);
		}
	} else {
		if (!create)
			return -ENOENT;
		ret = neigh_insert(t, &k, word_make(mac, GW_NEIGH_REACHABLE), &idx);
		if (ret != 0)
			return ret;
	}
	c->e[idx].last_seen = now;
	c->e[idx].retries = 0;
	return 0;
}

enum gw_neigh_state
gw_neigh_lookup(const struct gw_neigh_table *t, uint16_t port, const struct gw_ipaddr *ip,
		struct rte_ether_addr *mac)
{
	struct gw_neigh_key k;
	uint32_t idx;
	uint64_t w;

	if (!ip_valid(ip))
		return GW_NEIGH_NONE;
	gw_neigh_key_make(&k, port, ip);
	if (neigh_find(t, &k, &idx) != 0)
		return GW_NEIGH_NONE;
	w = __atomic_load_n(&t->words[idx], __ATOMIC_ACQUIRE);
	if (mac != NULL)
		word_mac(w, mac);
	return word_state(w);
}

void
gw_neigh_sync_begin(struct gw_neigh_table *t)
{
	struct gw_neigh_ctl *c = t->ctl;
	uint32_t idx;

	for (idx = 0; idx < c->max; idx++)
		c->e[idx].mark = c->e[idx].used &&
			word_state(c->words[idx]) == GW_NEIGH_STATIC;
}

unsigned int
gw_neigh_sync_end(struct gw_neigh_table *t)
{
	struct gw_neigh_ctl *c = t->ctl;
	unsigned int removed = 0;
	uint32_t idx;

	for (idx = 0; idx < c->max; idx++)
		if (c->e[idx].used && c->e[idx].mark) {
			neigh_remove(t, idx);
			removed++;
		}
	return removed;
}

/* ---- requests and ageing ---- */

static bool
prefix_covers(const struct gw_prefix *p, const struct gw_neigh_key *k)
{
	unsigned int bits = p->len, i;
	const uint8_t *a = (const uint8_t *)&p->v6;

	for (i = 0; bits > 0; i++, bits = bits > 8 ? bits - 8 : 0) {
		uint8_t m = (uint8_t)(0xff00 >> (bits > 8 ? 8 : bits));

		if ((a[i] ^ k->ip[i]) & m)
			return false;
	}
	return true;
}

/* Address of the port to send a request from: same subnet first. */
static const struct gw_prefix *
neigh_source(const struct neigh_port *np, const struct gw_neigh_key *k)
{
	const struct gw_prefix *first = NULL;
	unsigned int i;

	for (i = 0; i < np->nb_addrs; i++) {
		if (np->addrs[i].family != k->family)
			continue;
		if (prefix_covers(&np->addrs[i], k))
			return &np->addrs[i];
		if (first == NULL)
			first = &np->addrs[i];
	}
	return first;
}

static int
neigh_request(struct gw_neigh_table *t, const struct gw_neigh_key *k,
	      const struct rte_ether_addr *unicast)
{
	struct gw_neigh_ctl *c = t->ctl;
	const struct neigh_port *np;
	const struct gw_prefix *src;
	struct rte_mbuf *m;
	rte_be32_t tip;
	int ret;

	if (k->port >= GW_MAX_PORTS || c->pool == NULL || c->tx == NULL)
		return -ENOTCONN;
	np = &c->ports[k->port];
	src = np->set ? neigh_source(np, k) : NULL;
	if (src == NULL)
		return -EADDRNOTAVAIL;
	m = rte_pktmbuf_alloc(c->pool);
	if (m == NULL)
		return -ENOBUFS;
	if (k->family == AF_INET) {
		memcpy(&tip, k->ip, 4);
		ret = gw_arp_build_request(m, &np->mac, src->v4.s_addr, tip, unicast);
	} else {
		ret = gw_nd_build_ns(m, &np->mac, src->v6.s6_addr, k->ip, unicast);
	}
	if (ret != 0) {
		rte_pktmbuf_free(m);
		return ret;
	}
	return c->tx(k->port, m, c->tx_arg);
}

/*
 * TSC ticks from then to now. The caller reads now once per poll and may learn
 * (stamping a later TSC) before it processes: such a stamp is 0 old, not 2^64.
 */
static inline uint64_t
elapsed(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

unsigned int
gw_neigh_process(struct gw_neigh_table *t, uint64_t now)
{
	struct gw_neigh_ctl *c = t->ctl;
	struct gw_neigh_key k;
	unsigned int sent = 0;
	uint32_t idx;

	while (rte_ring_sc_dequeue_elem(t->miss, &k, sizeof(k)) == 0) {
		if (k.pad != 0 || (k.family != AF_INET && k.family != AF_INET6) ||
		    neigh_find(t, &k, &idx) == 0)
			continue;	/* already being resolved */
		if (neigh_insert(t, &k, word_make(NULL, GW_NEIGH_INCOMPLETE), &idx) != 0)
			continue;
		c->e[idx].last_request = now;
		sent += neigh_request(t, &k, NULL) == 0;
	}
	for (idx = 0; idx < c->max; idx++) {
		struct neigh_entry *e = &c->e[idx];
		uint64_t w = c->words[idx];
		struct rte_ether_addr mac;

		if (!e->used)
			continue;
		switch (word_state(w)) {
		case GW_NEIGH_INCOMPLETE:
			if (elapsed(now, e->last_request) < c->retrans)
				break;
			if (e->retries + 1u >= c->retries) {
				neigh_remove(t, idx);
				break;
			}
			e->retries++;
			e->last_request = now;
			sent += neigh_request(t, &e->key, NULL) == 0;
			break;
		case GW_NEIGH_REACHABLE:
			if (elapsed(now, e->last_seen) >= c->age) {
				neigh_remove(t, idx);
				break;
			}
			/* Refresh before expiry, unicast to the known MAC (RFC 4861 7.3.3 style). */
			if (elapsed(now, e->last_seen) >= c->refresh &&
			    elapsed(now, e->last_request) >= c->retrans) {
				e->last_request = now;
				word_mac(w, &mac);
				sent += neigh_request(t, &e->key, &mac) == 0;
			}
			break;
		default:
			break;
		}
	}
	return sent;
}

int
gw_neigh_walk(const struct gw_neigh_table *t, gw_neigh_walk_cb cb, void *arg)
{
	const struct gw_neigh_ctl *c = t->ctl;
	struct rte_ether_addr mac;
	uint32_t idx;
	int ret;

	for (idx = 0; idx < c->max; idx++) {
		uint64_t w = c->words[idx];

		if (!c->e[idx].used)
			continue;
		word_mac(w, &mac);
		ret = cb(&c->e[idx].key, word_state(w), &mac, c->e[idx].last_seen, arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}
